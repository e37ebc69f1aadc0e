r"""Elementwise and row-wise functions: the sigmoid and its relatives.

Every function here is numerically stable for every finite input (no overflow
at :math:`z = \pm 10^{300}`), keeps the floating dtype of its input
(float32 stays float32) and accepts scalars as well as arrays.
"""

import numpy as np

__all__ = ["sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax", "logsumexp"]


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
    # exp(-|z|) may underflow to 0, which is the correct limit, not an error.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
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
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return (np.minimum(z, 0) - np.log1p(e))[()]


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
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return (np.maximum(z, 0) + np.log1p(e))[()]


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
    Z = _as_float_array(Z)
    c = np.max(Z, axis=axis, keepdims=True)
    # Z - c may overflow to -inf for absurd spreads, whose exp is the right 0.
    with np.errstate(under="ignore", over="ignore"):
        s = np.sum(np.exp(Z - c), axis=axis, keepdims=True)
    lse = c + np.log(s)
    return lse if keepdims else np.squeeze(lse, axis=axis)


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
    Z = _as_float_array(Z)
    with np.errstate(under="ignore", over="ignore"):  # see logsumexp
        E = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return E / np.sum(E, axis=axis, keepdims=True)
