r"""The numerical kernels, each written once: the sigmoid, log-sum-exp, softmax and one-hot.

Every function here is numerically stable for every finite input (no overflow
at :math:`z = \pm 10^{300}`), keeps the floating dtype of its input
(float32 stays float32) and accepts scalars as well as arrays. The paired
kernels :func:`softplus_and_sigmoid` and :func:`logsumexp_and_softmax` give a
log-partition and its derivative from one ``exp``: they are what the losses and
the network's output layer call.
"""

import numpy as np

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "softplus_and_sigmoid",
    "softmax",
    "log_softmax",
    "logsumexp",
    "logsumexp_and_softmax",
    "one_hot",
]


def _as_float_array(z):
    """Return ``z`` as a floating array (integers become float64)."""
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def sigmoid(z):
    r"""Logistic sigmoid, stable for every finite ``z``.

    Parameters
    ----------
    z : float or ndarray of any shape
        Logits. Integers are promoted to float64; float32 stays float32.

    Returns
    -------
    h : float or ndarray of the same shape as ``z``
        Values in :math:`[0, 1]`.

    Notes
    -----
    .. math::
        \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    Only :math:`e^{-|z|} \le 1` is ever computed, so nothing overflows; the
    first form is used for :math:`z \ge 0`, the second for :math:`z < 0`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))  # no overflow warning
    array([0. , 0.5, 1. ])
    >>> sigmoid(np.float32(2.0)).dtype
    dtype('float32')
    """
    z = _as_float_array(z)
    e = _exp_minus_abs(z)
    h = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return h.astype(z.dtype, copy=False)[()]


def log_sigmoid(z):
    r"""Logarithm of the sigmoid, :math:`\log \sigma(z)`, stable for every finite ``z``.

    Parameters
    ----------
    z : float or ndarray of any shape
        Logits.

    Returns
    -------
    ndarray of the same shape as ``z`` (or a scalar), all values :math:`\le 0`.

    Notes
    -----
    .. math::
        \log \sigma(z) = \min(z, 0) - \log\left(1 + e^{-|z|}\right)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import log_sigmoid
    >>> float(log_sigmoid(-1000.0))  # np.log(sigmoid(-1000.0)) is -inf
    -1000.0
    >>> np.round(log_sigmoid(np.array([-1.0, 0.0, 1.0])), 4)
    array([-1.3133, -0.6931, -0.3133])
    """
    z = _as_float_array(z)
    return (np.minimum(z, _zero(z)) - np.log1p(_exp_minus_abs(z)))[()]


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{z}) = -\log\sigma(-z)`, stable for every finite ``z``.

    Notes
    -----
    .. math::
        \operatorname{softplus}(z) = \max(z, 0) + \log\left(1 + e^{-|z|}\right)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import softplus
    >>> float(softplus(1000.0))  # np.log(1 + np.exp(1000.0)) overflows to inf
    1000.0
    >>> np.round(softplus(np.array([-1.0, 0.0, 1.0])), 4)
    array([0.3133, 0.6931, 1.3133])
    """
    z = _as_float_array(z)
    return (np.maximum(z, _zero(z)) + np.log1p(_exp_minus_abs(z)))[()]


def _zero(z):
    """0 in the dtype of ``z``.

    A Python ``0`` would do on NumPy 2, where it takes the array's dtype (NEP 50); on
    NumPy 1.x a 0-d float32 ``z`` and ``0`` meet as two scalars and give float64.
    """
    return z.dtype.type(0)


def _one(z):
    """1 in the dtype of ``z``, for the reason given in :func:`_zero`."""
    return z.dtype.type(1)


def _exp_minus_abs(z):
    """:math:`e^{-|z|} \\le 1`: never overflows; its underflow to 0 is the right limit."""
    with np.errstate(under="ignore"):
        return np.exp(-np.abs(z))


def softplus_and_sigmoid(z):
    r"""Softplus and sigmoid of ``z`` from one ``exp``: the binary log-partition and its derivative.

    Parameters
    ----------
    z : ndarray of any shape
        Logits (floating; not converted).

    Returns
    -------
    A : ndarray of the shape of ``z``
        :math:`\log(1 + e^z)`.
    h : ndarray of the shape of ``z``
        :math:`\sigma(z) = A'(z)`.

    Notes
    -----
    .. math::
        A(z) = \max(z, 0) + \log(1 + e^{-|z|}), \qquad
        \sigma(z) = \frac{[z \ge 0] + [z < 0]\, e^{-|z|}}{1 + e^{-|z|}}

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import softplus_and_sigmoid
    >>> A, h = softplus_and_sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    >>> A.round(4).tolist()  # no overflow at z = 1000
    [0.0, 0.6931, 1000.0]
    >>> h
    array([0. , 0.5, 1. ])
    """
    e = _exp_minus_abs(z)
    return np.maximum(z, _zero(z)) + np.log1p(e), np.where(z >= 0, _one(z), e) / (_one(z) + e)


def logsumexp(Z, axis=-1, keepdims=False):
    r"""Stable :math:`\log \sum_k e^{Z_k}` along ``axis``.

    Parameters
    ----------
    Z : ndarray of shape (m, K) (or any shape)
        Logits.
    axis : int, default=-1
        Axis to reduce.
    keepdims : bool, default=False
        Keep the reduced axis with length one.

    Notes
    -----
    .. math::
        \operatorname{lse}(z) = c + \log \sum_k e^{z_k - c}, \quad c = \max_k z_k

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import logsumexp
    >>> Z = np.array([[1000.0, 1000.0], [0.0, 0.0]])
    >>> np.round(logsumexp(Z) - Z.max(axis=1), 4)  # log 2 above each row's maximum
    array([0.6931, 0.6931])
    """
    c, E = _shifted_exp(_as_float_array(Z), axis)
    lse = c + np.log(np.sum(E, axis=axis, keepdims=True))
    return lse if keepdims else np.squeeze(lse, axis=axis)


def _shifted_exp(Z, axis):
    """The maximum ``c`` along ``axis`` and :math:`e^{Z - c} \\le 1`."""
    c = np.max(Z, axis=axis, keepdims=True)
    # Z - c may overflow to -inf for absurd spreads, whose exp is the right 0.
    with np.errstate(under="ignore", over="ignore"):
        return c, np.exp(Z - c)


def logsumexp_and_softmax(Z):
    r"""Row-wise log-sum-exp and softmax from one ``exp``: the softmax log-partition and its gradient.

    Parameters
    ----------
    Z : ndarray of shape (m, K)
        Logits (floating; not converted).

    Returns
    -------
    A : ndarray of shape (m, 1)
        :math:`\operatorname{lse}(Z_i)`.
    P : ndarray of shape (m, K)
        :math:`\operatorname{softmax}(Z_i) = \nabla A(Z_i)`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import logsumexp_and_softmax
    >>> A, S = logsumexp_and_softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    >>> A.round(4).tolist()  # no overflow at z = 1000
    [[0.6931], [1000.0]]
    >>> S
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    c, E = _shifted_exp(Z, 1)
    s = E.sum(axis=1, keepdims=True)
    E /= s
    return c + np.log(s), E


def log_softmax(Z, axis=-1):
    r"""Log of the softmax along ``axis``.

    Notes
    -----
    .. math::
        \log \operatorname{softmax}(z)_k = z_k - \operatorname{lse}(z)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import log_softmax
    >>> log_softmax(np.array([[0.0, 0.0], [0.0, -1000.0]]))
    array([[-6.93147181e-01, -6.93147181e-01],
           [ 0.00000000e+00, -1.00000000e+03]])
    """
    Z = _as_float_array(Z)
    with np.errstate(over="ignore"):  # see logsumexp
        return Z - logsumexp(Z, axis=axis, keepdims=True)


def softmax(Z, axis=-1):
    r"""Softmax along ``axis``: rows of probabilities that sum to one.

    Parameters
    ----------
    Z : ndarray of shape (m, K)
        Logits, one row per sample.

    Returns
    -------
    P : ndarray of shape (m, K)

    Notes
    -----
    .. math::
        \operatorname{softmax}(z)_k = \frac{e^{z_k - c}}{\sum_j e^{z_j - c}},
        \quad c = \max_j z_j

    Subtracting the row maximum :math:`c` changes nothing mathematically and
    keeps every exponent :math:`\le 0`, so nothing overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import softmax
    >>> P = softmax(np.array([[1.0, 1.0], [1000.0, 0.0]]))
    >>> P
    array([[0.5, 0.5],
           [1. , 0. ]])
    >>> P.sum(axis=1)
    array([1., 1.])
    """
    _, E = _shifted_exp(_as_float_array(Z), axis)
    return E / np.sum(E, axis=axis, keepdims=True)


def one_hot(k, K, dtype=np.float64):
    """Indicator rows: ``Y[i, k[i]] = 1`` and every other entry 0.

    Parameters
    ----------
    k : ndarray of shape (m,), int
        Class indices in ``range(K)``.
    K : int
        Number of classes.
    dtype : numpy dtype, default=float64

    Returns
    -------
    Y : ndarray of shape (m, K)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.functions import one_hot
    >>> one_hot(np.array([0, 2, 1]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    Y = np.zeros((k.shape[0], K), dtype=dtype)
    Y[np.arange(k.shape[0]), k] = 1
    return Y
