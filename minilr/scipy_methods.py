r"""The methods behind :func:`minilr.optim.minimize`: options, a run's recorder, continuation.

Per method, scipy's options; the recorder of a run; and the continuation of a run
that stopped short of the rule.

A scipy method may stop on its own test (a small change of the cost, a failed
line search) before :math:`\max_j |g_j| \le` ``tol``; :func:`solve` then
continues from that point with Newton steps (:mod:`minilr.newton`) when the
Hessian-vector product is known, or restarts the method, while the iteration
budget lasts. "newton-cg" is minilr's own truncated Newton from the start.
"""

import math

import numpy as np

from .convergence import NonFiniteCost
from .newton import truncated_newton

__all__ = ["SCIPY_METHODS", "METHOD_OPTIONS", "Recorder", "StopRequested", "solve"]

SCIPY_METHODS = {
    "lbfgs": "L-BFGS-B",
    "tnc": "TNC",
    "cg": "CG",
    "bfgs": "BFGS",
    "newton-cg": "Newton-CG",
}

# scipy's options for each method, from (tol, max_iter): gtol is the rule itself
# (max|g| for L-BFGS-B, CG and BFGS); the other stops are kept as they were, and a
# run they end short of the rule is continued (see solve).
METHOD_OPTIONS = {
    # scikit-learn's settings, so that results agree at equal tol; ftol, the
    # relative reduction of the cost, at most tol**2.
    "lbfgs": lambda tol, n: {"maxiter": n, "gtol": tol, "maxls": 50,
                             "ftol": min(64 * np.finfo(float).eps, tol**2)},
    # TNC counts function evaluations, and tests a scaled gradient.
    "tnc": lambda tol, n: {"maxfun": n, "gtol": tol, "ftol": tol**2},
    "cg": lambda tol, n: {"maxiter": n, "gtol": tol},
    "bfgs": lambda tol, n: {"maxiter": n, "gtol": tol},
}


class StopRequested(Exception):
    """The callback asked to stop.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.scipy_methods import Recorder, StopRequested
    >>> rec = Recorder(lambda x: (float(x @ x), 2 * x), np.ones(2), pbar=None,
    ...                callback=lambda k, x, J: True)  # a callback that returns True: stop
    >>> try:
    ...     rec.iteration(np.ones(2))
    ... except StopRequested:
    ...     print("stopped after", len(rec.history), "iteration")
    ...
    stopped after 1 iteration
    """


class Recorder:
    """What a run of :func:`minimize` saw: the history, the latest evaluation and iterate.

    ``fun`` is handed to the method; ``iteration`` is its per-iteration callback.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.scipy_methods import Recorder
    >>> rec = Recorder(lambda x: (float(x @ x), 2 * x), np.ones(2), pbar=None, callback=None)
    >>> rec.fun(np.ones(2))
    (2.0, array([2., 2.]))
    >>> rec.iteration(np.ones(2))  # an accepted iterate: its cost joins the history
    >>> rec.history
    [2.0]
    """

    def __init__(self, fun, x0, pbar, callback):
        self._fun, self.pbar, self.callback = fun, pbar, callback
        self.history = []
        self.x = x0          # the latest accepted iterate
        self.evaluated = {}  # the latest evaluation: x, J, g
        self.eps = None      # machine epsilon of the gradient fun computes

    def fun(self, x):
        J, g = self._fun(x)
        if not math.isfinite(J):
            raise NonFiniteCost(J, at_start=not self.evaluated)
        if self.eps is None:
            self.eps = float(np.finfo(np.result_type(g, np.float32)).eps)
        g = np.array(g, dtype=np.float64)  # a copy: fun may reuse its buffer
        self.evaluated = {"x": np.array(x), "J": J, "g": g}
        return J, g

    def at(self, x):
        """``(J, g)`` at ``x``: the latest evaluation if it was there, else a new one."""
        e = self.evaluated
        return (e["J"], e["g"]) if e and np.array_equal(x, e["x"]) else self.fun(x)

    def iteration(self, xk, *args):
        # The iterate a method accepts is the point its line search evaluated last
        # (at() pays for one evaluation should a method ever differ).
        J = self.at(xk)[0]
        self.history.append(J)
        self.x = np.array(xk)
        if self.pbar is not None:
            self.pbar.set_postfix(cost=f"{J:.6g}", refresh=False)
            self.pbar.update(1)
        if self.callback is not None and self.callback(len(self.history), xk, J):
            raise StopRequested


def _scipy_run(method, rec, x, tol, max_iter):
    """One run of scipy's ``method``; returns ``(x, kind, detail, used)``."""
    from scipy import optimize  # scipy.optimize is slow to import; only here

    res = optimize.minimize(rec.fun, x, method=SCIPY_METHODS[method], jac=True,
                            callback=rec.iteration, options=METHOD_OPTIONS[method](tol, max_iter))
    used = res.nfev if method == "tnc" else res.get("nit", 0)
    g_norm = np.max(np.abs(rec.at(res.x)[1]))
    kind = "converged" if g_norm <= tol else "max_iter" if used >= max_iter else "stalled"
    return res.x, kind, f"{SCIPY_METHODS[method]} stopped with {str(res.message).rstrip('.')}", used


def solve(method, rec, x0, tol, max_iter, hessp):
    """Run ``method`` until the rule holds, continuing a run that stopped short of it.

    A scipy method may stop on its own test (a small change of the cost, a line
    search failure) before max|g| <= tol: then minilr continues from that point
    with Newton steps (the exact Hessian-vector product ``hessp``) or, without
    ``hessp``, restarts the method, while the budget lasts.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.scipy_methods import Recorder, solve
    >>> fun = lambda x: (0.5 * float(x @ x), x.copy())
    >>> rec = Recorder(fun, np.ones(2), pbar=None, callback=None)
    >>> x, kind, detail = solve("lbfgs", rec, np.ones(2), tol=1e-8, max_iter=100, hessp=None)
    >>> np.round(x, 6), kind
    (array([0., 0.]), 'converged')
    """
    if method == "newton-cg":
        x, kind, detail = truncated_newton(rec.fun, x0, hessp, tol=tol, max_iter=max_iter,
                                           callback=rec.iteration)
        return x, kind, detail
    x, kind, detail, used = _scipy_run(method, rec, x0, tol, max_iter)
    for _ in range(3):
        if kind != "stalled" or used >= max_iter:
            break
        if hessp is not None:
            x, kind, newton_detail = truncated_newton(
                rec.fun, x, hessp, tol=tol, max_iter=max_iter - used, callback=rec.iteration,
                start=rec.at(x))
            detail += f"; then Newton steps: {newton_detail or kind}"
            break
        g_before = np.max(np.abs(rec.at(x)[1]))
        x, kind, detail, more = _scipy_run(method, rec, x, tol, max_iter - used)
        used += more
        if np.max(np.abs(rec.at(x)[1])) >= g_before:
            break  # a restart that does not lower the gradient will not
    return x, kind, detail
