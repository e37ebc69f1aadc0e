r"""Functions a case hands to a student's function as an input (``numerical_gradient(f, theta)``'s ``f``).

They travel in the job by reference, and the worker takes them from this
file, loaded by path: NumPy only, so that giving a student a function to
differentiate never brings minilr (its reference implementations) into
the student's process.

.. math::
    \mathrm{bumpy}(\theta) = \sum_j e^{\theta_j / 2} + \tfrac12 \theta^\top A \theta
    \qquad
    \mathrm{logistic}(\theta) = \frac1m \sum_i [\log(1 + e^{z_i}) - t_i z_i]
                                + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_j^2, \quad z = X\theta
"""

import numpy as np

__all__ = ["bumpy", "logistic"]


def bumpy(theta, A):
    r"""A smooth function with curvature and cross terms: :math:`\sum_j e^{\theta_j/2} + \theta^\top A \theta / 2`.

    Parameters
    ----------
    theta : ndarray of shape (n,)
    A : ndarray of shape (n, n)
        Symmetric.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.exercises.running.inputs import bumpy
    >>> bumpy(np.zeros(2), np.eye(2))
    2.0
    """
    return float(np.sum(np.exp(theta / 2)) + theta @ A @ theta / 2)


def logistic(theta, X, t, lam=0.5):
    r"""The regularised logistic cost of ``theta`` on ``X`` (first column the bias's, not penalised).

    .. math::
        J = \frac1m \sum_i [\log(1 + e^{z_i}) - t_i z_i] + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_j^2

    Parameters
    ----------
    theta : ndarray of shape (n,)
    X : ndarray of shape (m, n)
    t : ndarray of shape (m,)
        Targets in {0, 1}.
    lam : float

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.exercises.running.inputs import logistic
    >>> round(logistic(np.zeros(2), np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0])), 4)
    0.6931
    """
    m = X.shape[0]
    z = X @ theta
    return float(np.mean(np.logaddexp(0, z) - t * z) + lam / (2 * m) * theta[1:] @ theta[1:])
