r"""Numerical gradient checking by central differences.

Use it to test any gradient you write: the lessons' logistic cost, the
softmax cost, or a whole neural network flattened into one vector.
"""

from typing import NamedTuple

import numpy as np

__all__ = ["numerical_gradient", "check_gradient", "GradientCheck"]


def numerical_gradient(f, x, eps=1e-5):
    r"""Central-difference estimate of the gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; it is called with arrays of the same shape as ``x``.
    x : ndarray of any shape
        Point at which to differentiate (not modified).
    eps : float, default=1e-5
        Step size.

    Returns
    -------
    grad : ndarray of the same shape as ``x``, float64

    Notes
    -----
    .. math::
        \frac{\partial f}{\partial x_j} \approx
        \frac{f(x + \epsilon e_j) - f(x - \epsilon e_j)}{2\epsilon}

    The error is :math:`O(\epsilon^2)`, against :math:`O(\epsilon)` for a
    one-sided difference. It costs two calls of ``f`` per coordinate.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.gradcheck import numerical_gradient
    >>> g = numerical_gradient(lambda x: np.sum(x ** 2), np.array([1.0, -2.0]))
    >>> np.round(g, 6)  # the exact gradient is 2x
    array([ 2., -4.])
    """
    x = np.array(x, dtype=np.float64)  # a copy: we perturb it in place
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        xj = flat[j]
        flat[j] = xj + eps
        f_plus = f(x)
        flat[j] = xj - eps
        f_minus = f(x)
        flat[j] = xj
        gflat[j] = (f_plus - f_minus) / (2 * eps)
    return grad


class GradientCheck(NamedTuple):
    """Result of :func:`check_gradient`.

    Attributes
    ----------
    relative_error : float
        :math:`\\lVert g - \\hat g \\rVert / (\\lVert g \\rVert + \\lVert \\hat g \\rVert)`.
    worst_index : tuple of int
        Index (in the shape of ``x``) of the coordinate that disagrees most.
    worst_error : float
        Relative error of that coordinate.
    analytic : ndarray
        The gradient you computed.
    numerical : ndarray
        The central-difference estimate.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.gradcheck import check_gradient
    >>> f, grad = lambda x: np.sum(x ** 3), lambda x: 3 * x ** 2
    >>> result = check_gradient(f, grad, np.array([1.0, -2.0]))
    >>> result.relative_error < 1e-8, result.worst_index
    (True, (0,))
    """

    relative_error: float
    worst_index: tuple
    worst_error: float
    analytic: np.ndarray
    numerical: np.ndarray

    def __float__(self):
        return float(self.relative_error)


def check_gradient(f, grad, x, eps=1e-5):
    r"""Compare an analytic gradient with central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. If ``grad`` is None, ``f(x)`` must return
        ``(cost, gradient)`` instead.
    grad : callable or None
        ``grad(x) -> ndarray`` of the same shape as ``x``.
    x : ndarray of any shape
        Where to check, e.g. random parameters (zeros can hide mistakes).
    eps : float, default=1e-5
        Step of the central differences.

    Returns
    -------
    GradientCheck
        ``relative_error`` below about 1e-7 means the gradient is right (in
        float64); around 1e-2 or more it is wrong. ``worst_index`` says
        which coordinate to look at first.

    Notes
    -----
    .. math::
        \text{error} = \frac{\lVert g - \hat g \rVert}
                            {\max(\lVert g \rVert + \lVert \hat g \rVert, 10^{-300})}

    Examples
    --------
    A right gradient, then one with a factor 2 missing in its first entry:

    >>> import numpy as np
    >>> from minilr.gradcheck import check_gradient
    >>> f = lambda x: np.sum(x ** 2)
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> check_gradient(f, lambda x: 2 * x, x).relative_error < 1e-9
    True
    >>> wrong = lambda x: np.array([x[0], 2 * x[1], 2 * x[2]])
    >>> result = check_gradient(f, wrong, x)
    >>> result.relative_error > 1e-2, result.worst_index
    (True, (0,))
    """
    x = np.asarray(x, dtype=np.float64)
    if grad is None:
        cost = lambda v: f(v)[0]  # noqa: E731
        g = np.asarray(f(x)[1], dtype=np.float64)
    else:
        cost = f
        g = np.asarray(grad(x), dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(
            f"The gradient has shape {g.shape} but x has shape {x.shape}; a gradient "
            "needs one entry per parameter."
        )
    g_num = numerical_gradient(cost, x, eps)
    diff = np.abs(g - g_num)
    scale = np.maximum(np.abs(g) + np.abs(g_num), 1e-300)
    per_coordinate = np.where(diff == 0, 0.0, diff / scale)
    worst = np.unravel_index(np.argmax(per_coordinate), x.shape) if x.size else ()
    rel = np.linalg.norm(g - g_num) / max(np.linalg.norm(g) + np.linalg.norm(g_num), 1e-300)
    worst_error = float(per_coordinate[worst]) if x.size else 0.0
    return GradientCheck(float(rel), tuple(int(i) for i in worst), worst_error, g, g_num)
