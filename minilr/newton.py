r"""minilr's truncated Newton method (Newton-CG), which stops on the gradient.

scipy's Newton-CG stops on the size of its steps, so a ``tol`` on the gradient
cannot be asked of it; this one stops when :math:`\max_j |g_j| \le` ``tol``.
It is called like :func:`scipy.optimize.minimize`: ``fun(x) -> (cost, grad)``,
``hessp(x, v) -> H(x) v`` and ``callback(x)`` after every iteration.

At iterate :math:`x_k` with gradient :math:`g_k` and Hessian :math:`H_k`:

1. conjugate gradient on :math:`H_k p = -g_k`, stopped by the forcing term

   .. math::
       \lVert H_k p + g_k \rVert \le \eta_k \lVert g_k \rVert, \qquad
       \eta_k = \min\bigl(\tfrac12, \sqrt{\lVert g_k \rVert}\bigr)

   (loose far from the minimum, tight near it: superlinear convergence), or by
   a direction of non-positive curvature :math:`d^\top H_k d \le 0` (then the
   CG iterate so far, or :math:`-g_k` on the first CG step);
2. a backtracking line search, :math:`\alpha = 1, \frac12, \frac14, \dots`,
   until the Armijo condition

   .. math::
       J(x_k + \alpha p) \le J(x_k) + c\,\alpha\, g_k^\top p, \qquad c = 10^{-4};

   near the minimum the cost changes by less than its rounding, so a step whose
   cost is equal to rounding and whose gradient is smaller is accepted too;
3. :math:`x_{k+1} = x_k + \alpha p`.

scikit-learn keeps its own Newton-CG (``sklearn.utils.optimize._newton_cg``)
for the same reason; this is written from the formulas above.
"""

import math

import numpy as np

from .convergence import FLOOR_ULPS, gradient_floor

__all__ = ["truncated_newton", "newton_direction", "backtracking"]

ARMIJO = 1e-4
MAX_HALVINGS = 40
MAX_INNER = 200
_EPS = float(np.finfo(np.float64).eps)


def newton_direction(hessp, x, g, max_inner=MAX_INNER):
    r"""The truncated-Newton direction :math:`p \approx -H^{-1} g` by conjugate gradient.

    Parameters
    ----------
    hessp : callable
        ``hessp(x, v) -> H(x) v``.
    x, g : ndarray of shape (p,)
        The point and its gradient.

    Returns
    -------
    ndarray of shape (p,)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.newton import newton_direction
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> g = np.array([1.0, 1.0])
    >>> np.round(newton_direction(lambda x, v: A @ v, np.zeros(2), g), 4)  # -A^{-1} g
    array([-0.2857, -0.2857])
    """
    g_norm = math.sqrt(g @ g)
    eta = min(0.5, math.sqrt(g_norm))
    p = np.zeros_like(g)
    r = -g  # residual -g - H p, with p = 0
    d, rr = r.copy(), g_norm * g_norm
    for i in range(max_inner):
        if math.sqrt(rr) <= eta * g_norm:
            break
        Hd = hessp(x, d)
        curvature = d @ Hd
        if curvature <= 0:  # flat or negative curvature: no Newton step along d
            return -g if i == 0 else p
        alpha = rr / curvature
        p += alpha * d
        r -= alpha * Hd
        rr_next = r @ r
        d *= rr_next / rr
        d += r
        rr = rr_next
    return p


def backtracking(fun, x, J, g, p):
    """Halve the step along ``p`` until the Armijo condition holds (see the module).

    Returns
    -------
    (x_new, J_new, g_new) or None
        None when no step of at least :math:`2^{-40}` lowers the cost.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.newton import backtracking
    >>> fun = lambda x: (0.5 * float(x @ x), x.copy())
    >>> x = np.array([1.0])
    >>> x_new, J_new, g_new = backtracking(fun, x, 0.5, x, np.array([-4.0]))  # too long a step
    >>> x_new, J_new  # halved twice: the step -1 reaches the minimum
    (array([0.]), 0.0)
    """
    slope = g @ p
    if not slope < 0:  # not a descent direction: fall back on steepest descent
        p, slope = -g, -(g @ g)
    # A cost summed over thousands of rows (and K one-vs-all problems) carries tens of
    # ulps of rounding, and how many depends on the platform's sums: the floor of
    # convergence.gradient_floor, not a few ulps, tells a flat cost from a rising one.
    g_max, rounding = np.max(np.abs(g)), FLOOR_ULPS * _EPS * max(1.0, abs(J))
    alpha = 1.0
    for _ in range(MAX_HALVINGS):
        x_new = x + alpha * p
        J_new, g_new = fun(x_new)
        g_new = np.array(g_new, dtype=np.float64)  # a copy: fun may reuse its buffer
        if J_new <= J + ARMIJO * alpha * slope:
            return x_new, J_new, g_new
        if abs(J_new - J) <= rounding and np.max(np.abs(g_new)) < g_max:
            return x_new, J_new, g_new  # the cost is flat to rounding; the gradient still falls
        alpha *= 0.5
    return None


def truncated_newton(fun, x0, hessp, *, tol, max_iter, callback=None, start=None):
    r"""Minimise ``fun`` by truncated Newton steps until :math:`\max_j |g_j| \le` ``tol``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (cost, grad)``.
    x0 : ndarray of shape (p,)
    hessp : callable
        ``hessp(x, v) -> H(x) v``.
    tol : float
        Stop when the largest gradient component is at most ``tol``.
    max_iter : int
        Newton iterations at most (0 only checks ``x0``).
    callback : callable, optional
        ``callback(x)`` after every iteration, with the new iterate.
    start : tuple (cost, grad), optional
        ``fun(x0)``, when the caller has it already.

    Returns
    -------
    x : ndarray of shape (p,)
    kind : {"converged", "max_iter", "stalled"}
        "stalled" when no step lowers the cost, or when the gradient is at the
        floating-point floor (:func:`minilr.convergence.gradient_floor`) above
        a ``tol`` below it.
    detail : str
        Why it stalled (empty otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.newton import truncated_newton
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> fun = lambda x: (0.5 * float(x @ A @ x) - x.sum(), A @ x - 1)
    >>> hessp = lambda x, v: A @ v
    >>> x, kind, detail = truncated_newton(fun, np.zeros(2), hessp, tol=1e-10, max_iter=20)
    >>> np.round(x, 4), kind  # the solution of A x = 1
    (array([0.2, 0.4]), 'converged')
    """
    x = np.array(x0, dtype=np.float64)
    J, g = fun(x) if start is None else start
    g = np.array(g, dtype=np.float64)
    for _ in range(max_iter):
        g_max = np.max(np.abs(g))
        if g_max <= tol:
            return x, "converged", ""
        if g_max <= gradient_floor(J):  # below it, a smaller gradient is rounding noise
            return x, "stalled", "the gradient is at the floating-point floor"
        step = backtracking(fun, x, J, g, newton_direction(hessp, x, g))
        if step is None:
            return x, "stalled", "no step along the Newton direction lowers the cost"
        x, J, g = step
        if callback is not None:
            callback(x)
    return x, "converged" if np.max(np.abs(g)) <= tol else "max_iter", ""
