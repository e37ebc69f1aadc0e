r"""The lessons' costs: cross-entropy of probabilities or logits, and the regularized logistic cost.

``regularized_cost(theta, X, y, lam)`` and ``regularized_gradient(theta, X, y, lam)``
are the readable reference, in the lessons' form: ``X`` carries a first column
of ones and ``theta[0]`` is the (unpenalised) bias, and each line is one symbol
of the formula. The estimators do not call them: they train on
:class:`minilr.objective.LinearObjective`, which keeps the intercept apart so that
``X`` is never copied, and which the tests check against these two. The
intercept-apart forms ``cost_and_gradient(w, b, X, y, lam)``,
``softmax_cost_and_gradient`` and the Hessian-vector products are that objective,
re-exported here where the lessons look for them.
"""

import numpy as np

from ._validation import check_binary_targets, check_probabilities, check_Xy
from .functions import sigmoid, softplus
from .objective import (
    cost_and_gradient,
    hessian_vector_product,
    softmax_cost_and_gradient,
    softmax_hessian_vector_product,
)
from .pointwise import BINARY

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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.losses import binary_cross_entropy
    >>> round(float(binary_cross_entropy(np.array([1, 0]), np.array([0.9, 0.2]))), 4)
    0.1643
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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.losses import binary_cross_entropy_with_logits
    >>> round(float(binary_cross_entropy_with_logits(np.array([1, 0]), np.array([2.0, -1.0]))), 4)
    0.2201
    >>> float(binary_cross_entropy_with_logits(np.array([1.0]), np.array([-1000.0])))  # no log(0)
    1000.0
    """
    y = check_binary_targets(y)
    z = np.asarray(z)
    z = z.astype(np.result_type(z.dtype, np.float32), copy=False)
    if y.shape != z.shape:
        raise ValueError(f"y and z must have the same shape, got y {y.shape} and z {z.shape}.")
    if not np.all(np.isfinite(z)):
        raise ValueError("z contains NaN or infinity; logits must be finite.")
    L, _ = BINARY.loss_and_residual(z, y)
    return L / y.shape[0]


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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.losses import regularized_cost
    >>> X = np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0]])  # first column: the bias
    >>> round(float(regularized_cost(np.zeros(2), X, np.array([1, 0, 1]), lam=1.0)), 4)  # log 2
    0.6931
    """
    theta, X, y = _check_lesson_args(theta, X, y, lam)
    m = X.shape[0]
    z = X @ theta
    J = np.sum(softplus(z) - y * z) / m  # log(1 + e^z) - y z: the cross-entropy from the logits
    J += lam / (2 * m) * np.sum(theta[1:] ** 2)  # the bias row stays unpenalised
    return float(J)


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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.losses import regularized_gradient
    >>> X = np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0]])  # first column: the bias
    >>> np.round(regularized_gradient(np.array([0.0, 1.0]), X, np.array([1, 0, 1]), lam=1.0), 4)
    array([-0.0759,  0.1013])
    """
    theta, X, y = _check_lesson_args(theta, X, y, lam)
    m = X.shape[0]
    h = sigmoid(X @ theta)  # predictions, same names as the formula
    r = h - y  # residual
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
