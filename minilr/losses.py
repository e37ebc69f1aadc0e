r"""Costs and their gradients for logistic and softmax regression.

Two forms live here, on purpose:

* the lessons' form, ``regularized_cost(theta, X, y, lam)`` and
  ``regularized_gradient(theta, X, y, lam)``, where ``X`` already carries a
  first column of ones and ``theta[0]`` is the (unpenalised) bias;
* the estimators' form, ``cost_and_gradient(w, b, X, y, lam)``, which keeps
  the intercept ``b`` separate so that ``X`` is never copied to add a column,
  and computes the logits ``z = X @ w + b`` once for both the cost and the
  gradient.

Both compute the cost from the logits (log-sum-exp), so they are exact and
finite for any finite parameters.
"""

import numpy as np

from ._validation import check_binary_targets, check_probabilities, check_Xy
from .functions import logsumexp

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "regularized_cost",
    "regularized_gradient",
    "cost_and_gradient",
    "softmax_cost_and_gradient",
    "hessian_vector_product",
    "softmax_hessian_vector_product",
]


_LOG_2 = float(np.log(2.0))


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


def _softplus_and_sigmoid(z):
    """Return ``log(1 + e^z)`` and ``sigmoid(z)`` from one ``exp`` call."""
    # exp(-|z|) <= 1 never overflows; its underflow to 0 is the right limit.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    softplus = np.maximum(z, 0) + np.log1p(e)
    h = np.where(z >= 0, 1, e) / (1 + e)
    return softplus, h


def binary_cross_entropy(y, p):
    r"""Mean binary cross-entropy of probabilities ``p`` for labels ``y``.

    Parameters
    ----------
    y : array-like of shape (m,) or (m, K)
        Labels in {0, 1}.
    p : array-like of the same shape as ``y``
        Predicted probabilities of label 1. They are clipped to
        :math:`[\epsilon, 1 - \epsilon]` (machine epsilon of their dtype), so
        the result is finite at exactly 0 and 1, as in ``sklearn.metrics.log_loss``.

    Returns
    -------
    float

    Notes
    -----
    .. math::
        J = -\frac{1}{m} \sum_i \bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr]

    With ``y`` of shape (m, K) the K column means are summed.
    """
    y = check_binary_targets(y)
    p = check_probabilities(p, name="p")
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same shape, got y {y.shape} and p {p.shape}.")
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    m = y.shape[0]
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / m)


def binary_cross_entropy_with_logits(y, z):
    r"""Mean binary cross-entropy computed exactly from the logits ``z``.

    Parameters
    ----------
    y : array-like of shape (m,) or (m, K)
        Labels in {0, 1}.
    z : array-like of the same shape as ``y``
        Logits, :math:`p = \sigma(z)`.

    Returns
    -------
    float

    Notes
    -----
    Since :math:`-\log\sigma(z) = \log(1 + e^{-z})`,

    .. math::
        J = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr],

    evaluated as :math:`\max(z, 0) + \log(1 + e^{-|z|}) - y z`: no clipping,
    no overflow.
    """
    y = check_binary_targets(y)
    z = np.asarray(z)
    z = z.astype(np.result_type(z.dtype, np.float32), copy=False)
    if y.shape != z.shape:
        raise ValueError(f"y and z must have the same shape, got y {y.shape} and z {z.shape}.")
    if not np.all(np.isfinite(z)):
        raise ValueError("z contains NaN or infinity; logits must be finite.")
    softplus, _ = _softplus_and_sigmoid(z)
    return float(np.sum(softplus - y * z) / y.shape[0])


def regularized_cost(theta, X, y, lam):
    r"""Regularized logistic cost, the lessons' form (bias column in ``X``).

    Parameters
    ----------
    theta : ndarray of shape (n,) or (n, K)
        Parameters; ``theta[0]`` is the bias and is not penalised. With K
        columns, K independent one-vs-all problems are evaluated at once.
    X : ndarray of shape (m, n)
        Inputs whose first column is all ones.
    y : ndarray of shape (m,) or (m, K)
        Labels in {0, 1}, one column per problem.
    lam : float
        Regularization strength :math:`\lambda \ge 0`.

    Returns
    -------
    J : float
        The cost; with K columns, the sum of the K problems' costs (so its
        gradient is the K gradients side by side).

    Notes
    -----
    .. math::
        J(\theta) = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
                    + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_j^2,
        \quad z = X\theta
    """
    theta, X, y = _check_lesson_args(theta, X, y, lam)
    J, _, _ = cost_and_gradient(theta[1:], theta[0], X[:, 1:], y, lam)
    return J


def regularized_gradient(theta, X, y, lam):
    r"""Gradient of :func:`regularized_cost`, the lessons' form.

    Parameters
    ----------
    theta : ndarray of shape (n,) or (n, K)
        Parameters; ``theta[0]`` is the bias and is not penalised.
    X : ndarray of shape (m, n)
        Inputs whose first column is all ones.
    y : ndarray of shape (m,) or (m, K)
        Labels in {0, 1}.
    lam : float
        Regularization strength.

    Returns
    -------
    grad : ndarray of the same shape as ``theta``

    Notes
    -----
    .. math::
        \nabla J(\theta) = \frac{1}{m} X^\top (\sigma(X\theta) - y)
                           + \frac{\lambda}{m} [0, \theta_1, \dots, \theta_n]
    """
    theta, X, y = _check_lesson_args(theta, X, y, lam)
    m = X.shape[0]
    _, h = _softplus_and_sigmoid(X @ theta)
    r = h - y
    grad = X.T @ r / m
    grad[1:] += lam / m * theta[1:]  # the bias row stays unpenalised
    return grad


def _check_lesson_args(theta, X, y, lam):
    """Validate the lessons' ``(theta, X, y, lam)`` and return arrays."""
    X, y = check_Xy(X, y, allow_2d_y=True)
    y = check_binary_targets(y)
    theta = np.asarray(theta, dtype=X.dtype)
    if theta.shape[0] != X.shape[1] or theta.ndim != y.ndim:
        raise ValueError(
            f"theta of shape {theta.shape} does not fit X of shape {X.shape} and y of "
            f"shape {y.shape}: theta needs one row per column of X (bias column included) "
            "and, for K problems at once, one column per column of y."
        )
    if not np.all(X[:, 0] == 1):
        raise ValueError(
            "The first column of X must be all ones (the bias column) in this lesson form; "
            "add it with X = np.column_stack([np.ones(len(X)), X])."
        )
    if y.ndim == 2 and theta.shape[1] != y.shape[1]:
        raise ValueError(f"theta has {theta.shape[1]} columns but y has {y.shape[1]}.")
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a finite number >= 0, got {lam!r}.")
    return theta, X, y


def cost_and_gradient(w, b, X, y, lam=0.0):
    r"""Regularized logistic cost and its gradient in one pass, intercept apart.

    This is what the estimators and optimisers call on every step, so it does
    not validate its arguments (the estimator did that once, in ``fit``).

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
    """
    return _logistic_pass(w, b, X, 1 - 2 * np.asarray(y), lam)


def _logistic_pass(w, b, X, s, lam=0.0):
    r"""The cost and gradient of :func:`cost_and_gradient` from one ``tanh``.

    Parameters
    ----------
    w, b, X, lam
        As in :func:`cost_and_gradient`.
    s : ndarray of shape (m,) or (m, K)
        The labels as signs, :math:`s = 1 - 2y` (+1 for label 0, -1 for label 1),
        computed once per fit by the caller.

    Returns
    -------
    J, grad_w, grad_b
        As in :func:`cost_and_gradient`.

    Notes
    -----
    With the half-logits :math:`u = z / 2 = X (w/2) + b/2` and :math:`t = \tanh|u|`,

    .. math::
        \log(1 + e^{z}) - y z = s u + |u| + \log 2 - \log(1 + t), \qquad
        r = \sigma(z) - y = \tfrac12 \bigl(\operatorname{sign}(u)\, t + s\bigr),

    since :math:`\sigma(z) = \frac12 (1 + \tanh u)`. One transcendental call gives
    the cost and the gradient, nothing can overflow (:math:`0 \le t \le 1`), and
    only two arrays of the size of ``s`` are made: on small data each NumPy call
    costs more than its arithmetic, and batch gradient descent makes thousands.
    """
    m = X.shape[0]
    u = _times(X, 0.5 * w)  # halving w is exact, so u is exactly z / 2
    u += 0.5 * b
    t = np.abs(u)
    J = np.vdot(s, u) + t.sum() + u.size * _LOG_2  # log 2 for each of the m (x K) terms
    if lam:
        J += 0.5 * lam * np.vdot(w, w)
    np.tanh(t, out=t)
    tanh_u = np.copysign(t, u, out=u)  # tanh is odd; u is not needed any more
    J = (J - np.log1p(t, out=t).sum()) / m
    r2 = np.add(tanh_u, s, out=tanh_u)  # 2r = tanh(u) + s
    grad_w = _times_T(X, r2)
    grad_w *= 0.5 / m
    if lam:
        grad_w += (lam / m) * w
    grad_b = r2.sum(axis=0) * (0.5 / m)
    return J, grad_w, grad_b


def softmax_cost_and_gradient(W, b, X, Y, lam=0.0):
    r"""Regularized softmax (multinomial) cross-entropy and its gradient.

    Not validated, like :func:`cost_and_gradient`.

    Parameters
    ----------
    W : ndarray of shape (n, K)
        Weights, one column per class.
    b : ndarray of shape (K,)
        Intercepts, not penalised.
    X : ndarray of shape (m, n)
        Inputs, without a bias column.
    Y : ndarray of shape (m, K)
        One-hot labels.
    lam : float, default=0.0
        Regularization strength.

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
            + \frac{\lambda}{2m} \lVert W \rVert^2

        \nabla_W J = \frac{1}{m} X^\top R + \frac{\lambda}{m} W, \quad
        \nabla_b J = \frac{1}{m} \sum_i R_i
    """
    m = X.shape[0]
    Z = _times(X, W) + b
    lse = logsumexp(Z, axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        P = np.exp(Z - lse)
    R = P - Y
    J = (np.sum(lse) - np.sum(Y * Z) + 0.5 * lam * np.sum(W * W)) / m
    grad_W = (_times_T(X, R) + lam * W) / m
    grad_b = np.sum(R, axis=0) / m
    return J, grad_W, grad_b


def hessian_vector_product(w, b, X, v_w, v_b, lam=0.0):
    r"""Product of the logistic cost's Hessian at ``(w, b)`` with a direction ``(v_w, v_b)``.

    Used by the Newton-CG solver, which never forms the Hessian itself.

    Parameters
    ----------
    w : ndarray of shape (n,) or (n, K)
    b : float or ndarray of shape (K,)
    X : ndarray of shape (m, n)
    v_w : ndarray of the shape of ``w``
    v_b : float or ndarray of the shape of ``b``
    lam : float, default=0.0

    Returns
    -------
    Hv_w : ndarray of the shape of ``w``
    Hv_b : float or ndarray of the shape of ``b``

    Notes
    -----
    .. math::
        h = \sigma(Xw + b), \quad d = h(1 - h) \odot (X v_w + v_b)

        H v = \Bigl(\frac{1}{m} X^\top d + \frac{\lambda}{m} v_w,\;
                    \frac{1}{m} \textstyle\sum_i d_i\Bigr)
    """
    m = X.shape[0]
    _, h = _softplus_and_sigmoid(_times(X, w) + b)
    d = h * (1 - h) * (_times(X, v_w) + v_b)
    return (_times_T(X, d) + lam * v_w) / m, np.sum(d, axis=0) / m


def softmax_hessian_vector_product(W, b, X, V, v_b, lam=0.0):
    r"""Hessian-vector product of :func:`softmax_cost_and_gradient`.

    Notes
    -----
    .. math::
        P = \operatorname{softmax}(XW + b), \quad U = XV + v_b, \quad
        D = P \odot \bigl(U - \textstyle\sum_k P_{:k} U_{:k}\bigr)

        H v = \Bigl(\frac{1}{m} X^\top D + \frac{\lambda}{m} V,\;
                    \frac{1}{m} \textstyle\sum_i D_i\Bigr)
    """
    m = X.shape[0]
    Z = _times(X, W) + b
    with np.errstate(under="ignore"):
        P = np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
    U = _times(X, V) + v_b
    D = P * (U - np.sum(P * U, axis=1, keepdims=True))
    return (_times_T(X, D) + lam * V) / m, np.sum(D, axis=0) / m
