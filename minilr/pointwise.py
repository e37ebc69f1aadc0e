r"""Pointwise losses on the logits: each sample's cross-entropy, its residual and its curvature.

A pointwise loss knows nothing of weights, intercepts or penalties (that is
:mod:`minilr.objective`); it maps the logits :math:`z` of each sample and its
target to the sample's loss :math:`\ell(z, y) = A(z) - y \cdot z`, where
:math:`A` is the log-partition, and to the residual
:math:`\partial \ell / \partial z = A'(z) - y`. Two of them exist:

* :data:`BINARY`, the binary cross-entropy of one logit per sample and problem
  (:math:`A(z) = \log(1 + e^z)`, :math:`A' = \sigma`), for one or K one-vs-all
  columns;
* :data:`SOFTMAX`, the categorical cross-entropy of K logits per sample
  (:math:`A(z) = \operatorname{lse}(z)`, :math:`\nabla A = \operatorname{softmax}`).

Each has a readable form, :meth:`~BinaryCrossEntropy.log_partition` (what the
network's output layer uses) and :meth:`~BinaryCrossEntropy.loss_and_residual`,
and the form the linear objective calls on every evaluation,
:meth:`~BinaryCrossEntropy.fast_loss_and_residual`, on targets prepared once
per fit by :meth:`~BinaryCrossEntropy.prepare`.
"""

import numpy as np

from .functions import logsumexp_and_softmax, softplus_and_sigmoid

__all__ = ["CrossEntropy", "BinaryCrossEntropy", "SoftmaxCrossEntropy", "BINARY", "SOFTMAX"]

_LOG_2 = float(np.log(2.0))


class CrossEntropy:
    r"""What both cross-entropies share: :math:`\ell(z, y) = A(z) - y \cdot z` from a log-partition :math:`A`.

    A subclass gives ``log_partition(z) -> (A, A')`` and ``curvature``; the
    residual :math:`\partial \ell / \partial z = A'(z) - y` follows.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.pointwise import BinaryCrossEntropy
    >>> L, r = BinaryCrossEntropy().loss_and_residual(np.zeros(2), np.array([1.0, 0.0]))
    >>> round(L, 4), r  # 2 log 2 and the residual sigma(z) - y
    (1.3863, array([-0.5,  0.5]))
    """

    #: The fast form returns ``g`` with the residual ``r = residual_scale * g``.
    residual_scale = 1.0

    def loss_and_residual(self, z, y, offset=0.0):
        r"""The textbook form: :math:`\sum_i \ell(z_i, y_i)` (plus ``offset``) and the residual :math:`A'(z) - y`."""
        A, dA = self.log_partition(z)
        dA -= y  # dA is a new array
        return float(A.sum() - np.vdot(y, z) + offset), dA

    def prepare(self, y):
        """The targets of the fast form (the labels themselves unless a subclass says otherwise)."""
        return y

    def fast_loss_and_residual(self, z, t, offset=0.0):
        """The form the objective calls on every evaluation; the textbook form unless overridden."""
        return self.loss_and_residual(z, t, offset)


class BinaryCrossEntropy(CrossEntropy):
    r"""Binary cross-entropy on the logits, one column per problem.

    Notes
    -----
    .. math::
        \ell(z, y) = \log(1 + e^{z}) - y z, \qquad
        \frac{\partial \ell}{\partial z} = \sigma(z) - y, \qquad
        \frac{\partial^2 \ell}{\partial z^2} = \sigma(z)\,(1 - \sigma(z))

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.pointwise import BinaryCrossEntropy
    >>> loss = BinaryCrossEntropy()
    >>> A, h = loss.log_partition(np.array([0.0, 1000.0]))
    >>> A.round(4).tolist(), h.tolist()
    ([0.6931, 1000.0], [0.5, 1.0])
    >>> loss.curvature(np.zeros(2), np.ones(2))  # sigma(z) (1 - sigma(z)) v
    array([0.25, 0.25])
    """

    residual_scale = 0.5

    def log_partition(self, z):
        """:math:`A(z) = \\log(1 + e^z)` and :math:`A'(z) = \\sigma(z)`, from one ``exp``."""
        return softplus_and_sigmoid(z)

    def prepare(self, y):
        """The targets of the fast form: the signs :math:`s = 1 - 2y` (+1 for 0, -1 for 1)."""
        s = np.multiply(y, -2)  # one new array, the size of y
        s += 1
        return s

    def fast_loss_and_residual(self, z, s, offset=0.0):
        r"""Summed loss and residual from one ``tanh``: the fast form of :meth:`loss_and_residual`.

        Parameters
        ----------
        z : ndarray of shape (m,) or (m, K)
            Logits; overwritten (the caller made them for this call).
        s : ndarray of the shape of ``z``
            Signs from :meth:`prepare`.
        offset : float, default=0.0
            Added to the sum (the objective's penalty: the cost is then one sum,
            rounded as it always was).

        Returns
        -------
        L : float
            :math:`\sum_i \ell(z_i, y_i)` (summed over the K columns too), plus ``offset``.
        g : ndarray of the shape of ``z``
            Twice the residual: :math:`r = \sigma(z) - y = g / 2`
            (:attr:`residual_scale`), so that the caller scales the small
            gradient, not this large array.

        Notes
        -----
        This is an optimisation of the textbook formula, not another loss. With
        the half-logits :math:`u = z / 2` and :math:`t = \tanh|u|`,

        .. math::
            \log(1 + e^{z}) - y z = s u + |u| + \log 2 - \log(1 + t), \qquad
            2r = \operatorname{sign}(u)\, t + s,

        since :math:`\sigma(z) = \frac12 (1 + \tanh u)`. One transcendental call
        gives the loss and the residual, nothing can overflow (:math:`0 \le t \le 1`)
        and no array is made beyond the one for :math:`\tanh u`: on small data each
        NumPy call costs more than its arithmetic, and batch gradient descent makes
        thousands.
        """
        u = np.multiply(z, 0.5, out=z)  # halving is exact, so u is exactly z / 2
        tanh_u = np.tanh(u)
        L = np.vdot(s, u)
        t = np.abs(u, out=u)  # u is not needed any more
        L = L + t.sum() + u.size * _LOG_2  # log 2 for each of the m (x K) terms
        L += offset
        np.abs(tanh_u, out=t)  # tanh is odd: t = tanh|u|, cheaper than copysign back
        L -= np.log1p(t, out=t).sum()
        return float(L), np.add(tanh_u, s, out=tanh_u)  # 2r = tanh(u) + s

    def curvature(self, z, v):
        r"""The second derivative times a direction: :math:`\sigma(z)(1 - \sigma(z)) \odot v`."""
        _, h = self.log_partition(z)
        return h * (1 - h) * v

    def strictly_correct(self, z, s):
        """Per column: whether every sample is on its label's side of the boundary."""
        return np.all(s * z < 0, axis=0)


class SoftmaxCrossEntropy(CrossEntropy):
    r"""Categorical cross-entropy of K logits per sample, the targets one-hot rows.

    Notes
    -----
    .. math::
        \ell(z, y) = \operatorname{lse}(z) - y \cdot z, \qquad
        \nabla_z \ell = \operatorname{softmax}(z) - y, \qquad
        \nabla^2_z \ell \, v = p \odot (v - p \cdot v)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.pointwise import SoftmaxCrossEntropy
    >>> loss = SoftmaxCrossEntropy()
    >>> L, R = loss.loss_and_residual(np.zeros((1, 2)), np.array([[1.0, 0.0]]))
    >>> round(L, 4), R  # log 2 and softmax(z) - y
    (0.6931, array([[-0.5,  0.5]]))
    """

    def log_partition(self, Z):
        """:math:`A(Z_i) = \\operatorname{lse}(Z_i)`, shape (m, 1), and the softmax, from one ``exp``."""
        return logsumexp_and_softmax(Z)

    def curvature(self, Z, V):
        """The Hessian of :math:`\\ell` at each row times the rows of ``V``."""
        _, P = self.log_partition(Z)
        return P * (V - np.sum(P * V, axis=1, keepdims=True))

    def strictly_correct(self, Z, Y):
        """Whether every sample's true class has the largest logit, strictly (one value)."""
        true = np.sum(Z * Y, axis=1)
        return np.all(true > np.max(np.where(Y > 0, -np.inf, Z), axis=1), keepdims=True)


BINARY = BinaryCrossEntropy()
SOFTMAX = SoftmaxCrossEntropy()
