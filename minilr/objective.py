r"""The linear models' objective: weights and intercept, logits, penalty, cost, gradient and Hessian products.

:class:`LinearObjective` is the one place where a linear model's parameters meet
the data. It packs :math:`(w, b)` into the flat vector an optimiser works on,
makes the logits :math:`z = Xw + b` (the intercept apart: ``X`` is never copied),
hands them to a pointwise loss of :mod:`minilr.pointwise`, turns the residual
into the gradient :math:`X^\top r`, and adds the penalty on :math:`w` (never on
:math:`b`), for one column (K = 1) or K columns of logits alike:

.. math::
    J(w, b) = \frac{1}{m} \Bigl[\sum_i \ell(z_i, y_i) + \frac{\lambda}{2} \lVert w \rVert^2\Bigr],
    \qquad
    \nabla_w J = \frac{1}{m} \bigl(X^\top r + \lambda w\bigr), \qquad
    \nabla_b J = \frac{1}{m} \textstyle\sum_i r_i

A mean over rows is a sum over rows, so every evaluation is split in two steps:
:func:`partial_sums` over some rows (all of them, a mini-batch, or one block of a
dask array on a worker), then :meth:`LinearObjective.mean`, which adds the penalty
once. The functions ``cost_and_gradient`` and friends at the end are the same
objective for callers that hold ``(w, b)`` rather than a flat vector.
"""

import numpy as np

from .blocks import block_rows, sum_over_blocks, use_blocks
from .pointwise import BINARY, SOFTMAX

__all__ = [
    "LinearObjective",
    "partial_sums",
    "hvp_sums",
    "cost_and_gradient",
    "softmax_cost_and_gradient",
    "hessian_vector_product",
    "softmax_hessian_vector_product",
]


def _times(X, W):
    """``X @ W``; with K columns computed as ``(W.T @ X.T).T``.

    The same numbers, but OpenBLAS runs the thin product with K columns about
    twice as fast in that orientation; for a vector ``w`` the method ``X.dot(w)``
    has the least call overhead, which counts on small data.
    """
    return X.dot(W) if W.ndim == 1 else (W.T @ X.T).T


def _times_T(X, R):
    """``X.T @ R``, computed as ``R.dot(X)`` or ``(R.T @ X).T`` as in :func:`_times`."""
    return R.dot(X) if R.ndim == 1 else (R.T @ X).T


def partial_sums(loss, w, b, X, T, offset=0.0):
    r"""The per-evaluation pass over the rows ``X``: summed loss and unscaled gradient sums.

    Every cost and gradient of a linear model is made here, so this is the one
    function to change for another way of streaming over ``X``. Small ``X`` (the
    lessons' data, the digits) takes one pass, where NumPy's call overhead and not
    memory is the limit; ``X`` beyond the cache is summed in blocks read once
    (:mod:`minilr.blocks`).

    Parameters
    ----------
    loss : BinaryCrossEntropy or SoftmaxCrossEntropy
    w : ndarray of shape (n,) or (n, K)
    b : float or ndarray of shape (K,)
    X : ndarray of shape (m_B, n)
    T : ndarray of shape (m_B,) or (m_B, K)
        The targets as ``loss.prepare`` made them.
    offset : float, default=0.0
        Added to ``L`` inside the loss's own sum (the penalty, for a pass over all
        the rows an evaluation needs).

    Returns
    -------
    L : float
        :math:`\sum_i \ell(z_i, y_i)` plus ``offset``.
    S_w : ndarray of the shape of ``w``
        :math:`X^\top g`, where the residual is ``r = loss.residual_scale * g``.
    S_b : float or ndarray of shape (K,)
        :math:`\sum_i g_i`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import partial_sums
    >>> from minilr.pointwise import BinaryCrossEntropy
    >>> X, y = np.array([[0.5], [-1.0], [2.0]]), np.array([1.0, 0.0, 1.0])
    >>> L, S_w, S_b = partial_sums(BinaryCrossEntropy(), np.zeros(1), 0.0, X, y)
    >>> round(L, 4)  # 3 log 2: the sum over the rows, not the mean
    2.0794
    """
    if use_blocks(X):
        # Beyond the cache, two passes would read X from memory twice: in blocks that
        # stay in cache, X_c.T @ g_c follows X_c @ w while X_c is still there.
        def block(i, j):
            return _loss_sums(loss, w, b, X[i:j], T[i:j], offset if i == 0 else 0.0)

        return sum_over_blocks(block, X.shape[0], block_rows(X))
    return _loss_sums(loss, w, b, X, T, offset)


def _loss_sums(loss, w, b, X, T, offset):
    """:func:`partial_sums` in one pass over ``X``: two reads of it, the fewest NumPy calls."""
    z = _times(X, w)
    z += b
    L, g = loss.fast_loss_and_residual(z, T, offset)
    return L, _times_T(X, g), g.sum(axis=0)


def hvp_sums(loss, w, b, X, v_w, v_b):
    r"""The Hessian-vector product's sums over the rows ``X``, without the penalty.

    Returns :math:`X^\top d` and :math:`\sum_i d_i`, where
    :math:`d_i = \nabla^2_z \ell(z_i)\,(X_i v_w + v_b)`; in cache-sized blocks
    for a large ``X``, as :func:`partial_sums`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import hvp_sums
    >>> from minilr.pointwise import BinaryCrossEntropy
    >>> X = np.array([[0.5], [-1.0], [2.0]])
    >>> S_w, S_b = hvp_sums(BinaryCrossEntropy(), np.zeros(1), 0.0, X, np.ones(1), 0.0)
    >>> np.round(S_w, 4), round(float(S_b), 4)
    (array([1.3125]), 0.375)
    """
    if use_blocks(X):
        return sum_over_blocks(lambda i, j: _hvp_sums(loss, w, b, X[i:j], v_w, v_b),
                               X.shape[0], block_rows(X))
    return _hvp_sums(loss, w, b, X, v_w, v_b)


def _hvp_sums(loss, w, b, X, v_w, v_b):
    d = loss.curvature(_times(X, w) + b, _times(X, v_w) + v_b)
    return _times_T(X, d), d.sum(axis=0)


class LinearObjective:
    """The cost of a linear model as a function of the flat vector ``x = [w.ravel(), b]``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
        Inputs (a dask array too: then only its shape and dtype are read, and the
        caller sums the blocks with :func:`partial_sums`).
    T : ndarray of shape (m,) or (m, K)
        Targets as ``loss.prepare`` made them from the 0/1 labels (one column per
        one-vs-all problem) or the one-hot rows.
    lam : float
        Penalty :math:`\\lambda` on ``w``.
    loss : BinaryCrossEntropy or SoftmaxCrossEntropy
    fit_intercept : bool, default=True
        Without an intercept ``x`` holds ``w`` only and ``b`` is 0.

    Notes
    -----
    :meth:`fun`, :meth:`batch_fun` and :meth:`mean` return one gradient buffer,
    overwritten by the next call (what the optimisers expect); :meth:`hessp`
    returns a new array.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import LinearObjective
    >>> from minilr.pointwise import BinaryCrossEntropy
    >>> X, y = np.array([[0.5], [-1.0], [2.0]]), np.array([1.0, 0.0, 1.0])
    >>> objective = LinearObjective(X, y, lam=1.0, loss=BinaryCrossEntropy())
    >>> x = objective.zeros()  # [w, b]
    >>> J, grad = objective.fun(x)
    >>> round(J, 4), grad.shape
    (0.6931, (2,))
    """

    def __init__(self, X, T, lam, loss, fit_intercept=True):
        self.X, self.T, self.lam, self.loss = X, T, lam, loss
        self.m, n = X.shape
        self.w_shape = (n,) if T.ndim == 1 else (n, T.shape[1])
        self.n_w = int(np.prod(self.w_shape))
        self.n_b = (1 if T.ndim == 1 else T.shape[1]) if fit_intercept else 0
        self._g = np.empty(self.n_w + self.n_b, dtype=X.dtype)
        # Views into the buffer, made once: packing costs no call per evaluation.
        self._g_w, self._g_b = self._g[: self.n_w].reshape(self.w_shape), self._g[self.n_w:]

    # ---------------------------------------------------------------- packing
    def zeros(self):
        """The flat starting point :math:`w = 0, b = 0`."""
        return np.zeros(self.n_w + self.n_b, dtype=self.X.dtype)

    def unpack(self, x):
        """Views ``w`` (shape ``w_shape``) and ``b`` (a scalar for one column) into the flat ``x``."""
        x = x.astype(self.X.dtype, copy=False)  # scipy hands float64: compute in X's dtype
        w = x[: self.n_w].reshape(self.w_shape)
        if not self.n_b:
            return w, 0.0
        return w, (x[self.n_w:] if len(self.w_shape) == 2 else x[self.n_w])

    def pack(self, w, b):
        """A new flat vector ``[w.ravel(), b]`` (``b`` left out without an intercept)."""
        x = self.zeros()
        x[: self.n_w] = np.reshape(w, -1)
        if self.n_b:
            x[self.n_w:] = b
        return x

    # ---------------------------------------------------------------- evaluations
    def mean(self, w, sums, rows, lam, penalty_in_sums=False):
        """Cost and flat gradient of ``rows`` rows from their :func:`partial_sums`, the penalty added once.

        ``penalty_in_sums``: :func:`partial_sums` already added the cost's penalty
        (its ``offset``); only the gradient's is added here.
        """
        L, S_w, S_b = sums
        scale = self.loss.residual_scale / rows
        if lam and not penalty_in_sums:
            L += 0.5 * lam * float(np.vdot(w, w))
        J = L / rows
        np.multiply(S_w, scale, out=self._g_w)
        if lam:
            self._g_w += (lam / rows) * w
        if self.n_b:
            self._g_b[...] = S_b * scale
        return float(J), self._g

    def evaluate(self, x, X, T, lam):
        """Cost and flat gradient of the mean loss over the rows ``X`` (targets ``T``), penalty ``lam``."""
        w, b = self.unpack(x)
        penalty = 0.5 * lam * np.vdot(w, w) if lam else 0.0  # in the loss's sum, as one cost
        return self.mean(w, partial_sums(self.loss, w, b, X, T, penalty), X.shape[0], lam,
                         penalty_in_sums=True)

    def fun(self, x):
        """Cost and flat gradient over all the rows."""
        return self.evaluate(x, self.X, self.T, self.lam)

    def batch_fun(self, x, idx):
        """Cost and flat gradient of the mini-batch of rows ``idx``.

        The penalty is scaled by ``len(idx) / m``: the batch cost is its mean loss
        plus :math:`\\lambda / (2m) \\lVert w \\rVert^2`, so the batch gradient is
        an unbiased estimate of the full one.
        """
        # np.take gathers the batch's rows about 3x faster than fancy indexing X[idx].
        return self.evaluate(x, np.take(self.X, idx, axis=0), np.take(self.T, idx, axis=0),
                             self.lam * len(idx) / self.m)

    def hvp_mean(self, v_w, sums, rows):
        """The flat Hessian-vector product from :func:`hvp_sums` over ``rows`` rows (a new array)."""
        H_w, H_b = sums
        return self.pack((H_w + self.lam * v_w) / rows, H_b / rows)

    def hessp(self, x, p):
        """Hessian of :meth:`fun` at ``x`` times the direction ``p`` (for "newton-cg")."""
        w, b = self.unpack(x)
        v_w, v_b = self.unpack(p)
        return self.hvp_mean(v_w, hvp_sums(self.loss, w, b, self.X, v_w, v_b), self.m)

    def separable(self, x):
        """Whether ``x`` puts every training sample strictly on its side (for one problem at least)."""
        w, b = self.unpack(x)
        return bool(np.any(self.loss.strictly_correct(_times(self.X, w) + b, self.T)))


# ---------------------------------------------------------------- (w, b) forms
def _split(loss, w, b, X, T, lam):
    objective = LinearObjective(X, T, lam, loss)
    J, g = objective.fun(objective.pack(w, b))
    g_w, g_b = objective.unpack(g.copy())
    return J, g_w, g_b


def cost_and_gradient(w, b, X, y, lam=0.0):
    r"""Regularized logistic cost and its gradient in one pass, intercept apart.

    Not validated: the estimator checked its data once, in ``fit``.

    Parameters
    ----------
    w : ndarray of shape (n,) or (n, K)
        Weights (no bias row).
    b : float or ndarray of shape (K,)
        Intercept(s), not penalised.
    X : ndarray of shape (m, n)
        Inputs, without a bias column.
    y : ndarray of shape (m,) or (m, K)
        Labels in {0, 1}.
    lam : float, default=0.0
        Regularization strength.

    Returns
    -------
    J : float
        Cost (summed over the K problems when ``w`` has K columns).
    grad_w : ndarray of the same shape as ``w``
    grad_b : float or ndarray of shape (K,)

    Notes
    -----
    .. math::
        z = Xw + b, \quad h = \sigma(z), \quad r = h - y

        J = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
            + \frac{\lambda}{2m} \lVert w \rVert^2

        \nabla_w J = \frac{1}{m} X^\top r + \frac{\lambda}{m} w, \quad
        \nabla_b J = \frac{1}{m} \sum_i r_i

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import cost_and_gradient
    >>> X, y = np.array([[0.5], [-1.0], [2.0]]), np.array([1, 0, 1])
    >>> J, grad_w, grad_b = cost_and_gradient(np.zeros(1), 0.0, X, y, lam=1.0)
    >>> round(J, 4), np.round(grad_w, 4), round(float(grad_b), 4)
    (0.6931, array([-0.5833]), -0.1667)
    """
    y = np.asarray(y)
    return _split(BINARY, w, b, X, BINARY.prepare(y.astype(X.dtype, copy=False)), lam)


def softmax_cost_and_gradient(W, b, X, Y, lam=0.0):
    r"""Regularized softmax (multinomial) cross-entropy and its gradient; not validated.

    Parameters
    ----------
    W : ndarray of shape (n, K)
    b : ndarray of shape (K,)
    X : ndarray of shape (m, n)
    Y : ndarray of shape (m, K)
        One-hot labels.
    lam : float, default=0.0

    Returns
    -------
    J : float
    grad_W : ndarray of shape (n, K)
    grad_b : ndarray of shape (K,)

    Notes
    -----
    .. math::
        Z = XW + b, \quad P = \operatorname{softmax}(Z), \quad R = P - Y

        J = \frac{1}{m} \sum_i \Bigl[\operatorname{lse}(Z_i) - \sum_k Y_{ik} Z_{ik}\Bigr]
            + \frac{\lambda}{2m} \lVert W \rVert^2, \quad
        \nabla_W J = \frac{1}{m} (X^\top R + \lambda W), \quad
        \nabla_b J = \frac{1}{m} \sum_i R_i

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import one_hot
    >>> from minilr.objective import softmax_cost_and_gradient
    >>> X, Y = np.array([[0.5], [-1.0], [2.0]]), one_hot(np.array([0, 1, 2]), 3)
    >>> J, grad_W, grad_b = softmax_cost_and_gradient(np.zeros((1, 3)), np.zeros(3), X, Y)
    >>> round(J, 4), grad_W.shape, grad_b.shape  # log 3 at zero weights
    (1.0986, (1, 3), (3,))
    """
    return _split(SOFTMAX, W, b, X, np.asarray(Y), lam)


def _hvp(loss, w, b, X, v_w, v_b, lam):
    K = np.shape(w)[1:]
    objective = LinearObjective(X, np.empty((X.shape[0],) + K, dtype=X.dtype), lam, loss)
    return objective.unpack(objective.hessp(objective.pack(w, b), objective.pack(v_w, v_b)))


def hessian_vector_product(w, b, X, v_w, v_b, lam=0.0):
    r"""Product of the logistic cost's Hessian at ``(w, b)`` with a direction ``(v_w, v_b)``.

    Returns ``(Hv_w, Hv_b)``, shaped like ``(w, b)``. Used by Newton-CG, which never
    forms the Hessian.

    Notes
    -----
    .. math::
        h = \sigma(Xw + b), \quad d = h(1 - h) \odot (X v_w + v_b), \quad
        H v = \Bigl(\frac{1}{m} X^\top d + \frac{\lambda}{m} v_w,\;
                    \frac{1}{m} \textstyle\sum_i d_i\Bigr)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import hessian_vector_product
    >>> X = np.array([[0.5], [-1.0], [2.0]])
    >>> Hv_w, Hv_b = hessian_vector_product(np.zeros(1), 0.0, X, np.ones(1), 0.0)
    >>> np.round(Hv_w, 4), round(float(Hv_b), 4)
    (array([0.4375]), 0.125)
    """
    return _hvp(BINARY, w, b, X, v_w, v_b, lam)


def softmax_hessian_vector_product(W, b, X, V, v_b, lam=0.0):
    r"""Hessian-vector product of :func:`softmax_cost_and_gradient`.

    Notes
    -----
    .. math::
        P = \operatorname{softmax}(XW + b), \quad U = XV + v_b, \quad
        D = P \odot \bigl(U - \textstyle\sum_k P_{:k} U_{:k}\bigr), \quad
        H v = \Bigl(\frac{1}{m} X^\top D + \frac{\lambda}{m} V,\;
                    \frac{1}{m} \textstyle\sum_i D_i\Bigr)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.objective import softmax_hessian_vector_product
    >>> X = np.array([[0.5], [-1.0], [2.0]])
    >>> HV, Hv_b = softmax_hessian_vector_product(np.zeros((1, 2)), np.zeros(2), X,
    ...                                           np.array([[1.0, -1.0]]), np.zeros(2))
    >>> np.round(HV, 4), np.round(Hv_b, 4)
    (array([[ 0.875, -0.875]]), array([ 0.25, -0.25]))
    """
    return _hvp(SOFTMAX, W, b, X, V, v_b, lam)
