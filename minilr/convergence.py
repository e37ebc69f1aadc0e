r"""How an optimiser's run ended: the :class:`Status`, the :class:`OptimizeResult`, and the
one place where their warnings and errors are worded.

Every optimiser of :mod:`minilr.optim` ends in one of these ``Status.kind``:

* ``"converged"``: the stopping rule holds at the returned point. For
  gradient descent and the scipy solvers the rule is
  :math:`\max_j |\nabla J_j(x)| \le` ``tol``; for mini-batch SGD it is the
  epoch-cost rule (no improvement by ``tol`` for ``n_iter_no_change`` epochs).
  One exception: a gradient at the floating-point floor,
  :math:`\max_j |\nabla J_j| \le 256\,\varepsilon \max(1, |J|)` (about
  :math:`5.7 \times 10^{-14}` for a cost below 1), also counts, when ``tol`` asks
  for less than that and the method can make no further progress
  (``at_floor`` is then True and the message says so);
* ``"max_iter"``: the iteration (epoch) limit came first;
* ``"stalled"``: the method could make no more progress (a failed line search)
  while the gradient was still above ``tol`` and above the floor;
* ``"callback"``: the caller's callback asked to stop;
* ``"interrupted"``: ``KeyboardInterrupt``;
* ``"diverged"``: the cost or the parameters stopped being finite (raised as a
  :class:`~minilr.exceptions.DivergenceError`, never returned).
"""

import dataclasses
import math
import warnings

import numpy as np

from .exceptions import ConvergenceWarning, DivergenceError, TrainingInterrupted

__all__ = ["Status", "OptimizeResult", "NonFiniteCost", "divergence_error", "gradient_floor",
           "FLOOR_ULPS"]

FLOOR_ULPS = 256
_EPS = float(np.finfo(np.float64).eps)


def gradient_floor(cost, eps=_EPS):
    r"""The smallest max|gradient| floating-point arithmetic can be trusted to reach at ``cost``.

    .. math:: g_{floor} = 256\,\varepsilon \max(1, |J|)

    with :math:`\varepsilon` the machine epsilon of the gradient's dtype
    (``eps``; float64's by default, float32's for a float32 fit).

    Examples
    --------
    >>> from minilr.convergence import gradient_floor
    >>> gradient_floor(1.0) < 1e-12 < gradient_floor(1e6)
    True
    """
    return FLOOR_ULPS * eps * max(1.0, abs(cost)) if math.isfinite(cost) else math.inf


@dataclasses.dataclass(frozen=True)
class Status:
    """Why a run stopped, with the numbers a warning needs.

    Attributes
    ----------
    kind : {"converged", "max_iter", "stalled", "callback", "interrupted", "no_minimum"}
        "no_minimum" is set by an estimator for separable classes without a
        penalty; "diverged" is raised, never returned.
    solver : str
        The method's name, as the messages print it ("L-BFGS-B", "gradient descent", ...).
    n_iter : int
        Iterations (epochs) completed.
    cost : float
        The cost at the returned point (for mini-batches: the last epoch's mean batch cost).
    grad_norm : float
        :math:`\\max_j |\\nabla J_j|` at the returned point (NaN for mini-batches,
        which never evaluate the full gradient).
    tol : float
    max_iter : int
    unit : {"iteration", "epoch"}
    rule : {"gradient", "epoch cost"}
        What ``tol`` bounds.
    detail : str
        The method's own reason, when it has one (scipy's message, the line search).
    first_cost : float
        The first recorded cost, to tell a rising cost (too large a step) apart.
    at_floor : bool
        Converged at the floating-point floor rather than below ``tol``.
    limit_unit : str
        What ``max_iter`` counts, when not ``unit`` (TNC: "function evaluations").

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.optim import gradient_descent
    >>> result = gradient_descent(lambda x: (0.5 * float(x @ x), x), np.ones(2), max_iter=3,
    ...                           warn=False)
    >>> status = result.status
    >>> status.kind, status.n_iter
    ('max_iter', 3)
    """

    kind: str
    solver: str
    n_iter: int
    cost: float
    grad_norm: float
    tol: float
    max_iter: int
    unit: str = "iteration"
    rule: str = "gradient"
    detail: str = ""
    first_cost: float = math.nan
    at_floor: bool = False
    limit_unit: str = ""

    @property
    def converged(self):
        """Whether the stopping rule holds (see the module docstring)."""
        return self.kind == "converged"

    @property
    def message(self):
        """One sentence: why the run stopped."""
        n, unit = self.n_iter, f"{self.unit}s"
        if self.kind == "converged" and self.at_floor:
            return (f"{self.solver} stopped at the floating-point floor after {n} {unit}: "
                    f"max|g| = {self.grad_norm:.3g} is above tol={self.tol} but below "
                    f"{FLOOR_ULPS} eps max(1, |J|), as small "
                    "as floating-point arithmetic allows.")
        if self.kind == "converged" and self.rule == "gradient":
            return f"Gradient below tol={self.tol} after {n} {unit} (max|g| = {self.grad_norm:.3g})."
        if self.kind == "converged":
            return f"Epoch cost improved by less than tol={self.tol} (after {n} {unit})."
        if self.kind == "max_iter":
            return f"{self.solver} reached max_iter={self.max_iter} {self.limit_unit or unit}."
        if self.kind == "stalled":
            return f"{self.solver} could not lower the gradient any further: {self.detail}."
        if self.kind == "callback":
            return f"Stopped by the callback after {n} {unit}."
        return f"Interrupted during {self.unit} {n + 1}."

    def _where(self):
        if math.isnan(self.grad_norm):  # mini-batches: only the epoch cost is known
            return f"Final epoch cost {self.cost:.6g}."
        return (f"Final cost {self.cost:.6g}, gradient norm max|g| = {self.grad_norm:.3g} "
                f"(tol={self.tol}).")

    def _advice(self):
        if self.unit == "epoch" and self.first_cost < self.cost:
            return (f"The cost rose from {self.first_cost:.4g} to {self.cost:.4g}: the "
                    "learning rate is probably too large; lower it or scale the features.")
        if self.kind == "stalled":
            return ("Standardise the features, try solver='newton-cg' (exact Hessian "
                    "products), or use a larger tol (float32 data cannot give a gradient "
                    "much below 1e-5).")
        if self.rule == "epoch cost":
            return ("Increase max_iter, or lower the learning rate (or standardise the "
                    "features) so that the epoch cost settles within tol.")
        return "Increase max_iter or scale the features."

    def warning(self, estimator=None):
        """The warning to issue, as ``(category, message)``, or None.

        A :class:`ConvergenceWarning` unless the run converged, was stopped by
        the callback, or asked for every iteration (``tol=0``); a
        :class:`TrainingInterrupted` naming ``estimator`` (interrupts of the
        optimisers themselves, without an estimator, are silent).
        """
        if self.kind == "interrupted":
            if estimator is None:
                return None
            done, unit = self.n_iter, self.unit
            return TrainingInterrupted, (
                f"{estimator}.fit was interrupted (KeyboardInterrupt) during {unit} "
                f"{done + 1}. The model keeps the parameters of the last completed {unit} "
                f"({done}) and history_ up to it, with converged_=False. Call fit again to "
                "start afresh, or set warm_start=True and call fit to continue from here.")
        if self.kind in ("converged", "callback") or self.tol == 0:
            return None
        if self.kind == "no_minimum":
            return ConvergenceWarning, self.detail
        return ConvergenceWarning, f"{self.message} {self._where()} {self._advice()}"

    def warn(self, estimator=None, stacklevel=2):
        """Issue :meth:`warning`, if any, ``stacklevel`` frames up from the caller."""
        found = self.warning(estimator)
        if found is not None:
            warnings.warn(found[1], found[0], stacklevel=stacklevel + 1)

    def no_minimum(self, hint):
        """This status for a cost without a minimum (separable classes, no penalty)."""
        detail = (f"The training data are perfectly separable and lam=0, so the cost has no "
                  f"minimum: it keeps falling towards 0 as the weights grow, and coef_ is where "
                  f"the solver stopped ({self.message.rstrip('.')}; final cost "
                  f"{self.cost:.6g}). {hint}")
        return dataclasses.replace(self, kind="no_minimum", detail=detail)


class NonFiniteCost(Exception):
    """A cost that is NaN or infinite, raised inside a run; the run reports it as
    :func:`divergence_error`, which knows the epoch and the history.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.convergence import NonFiniteCost
    >>> from minilr.scipy_methods import Recorder
    >>> rec = Recorder(lambda x: (np.inf, x), np.ones(1), pbar=None, callback=None)
    >>> try:
    ...     rec.fun(np.ones(1))
    ... except NonFiniteCost as error:
    ...     print(error.cost, error.at_start)  # at the first evaluation
    ...
    inf True
    """

    def __init__(self, cost, at_start):
        super().__init__(cost)
        self.cost, self.at_start = cost, at_start


def divergence_error(cost, epoch, history, at_start, hint="Lower the learning rate (or "
                     "standardise the features)."):
    """The :class:`DivergenceError` for a ``cost`` (or parameters, ``cost=None``) gone non-finite.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.convergence import divergence_error
    >>> error = divergence_error(np.inf, 3, np.array([1.0, 10.0, 1e10]), at_start=False)
    >>> type(error).__name__
    'DivergenceError'
    """
    history = np.array(history, dtype=np.float64)
    if at_start:  # no step has been taken yet, so the step size cannot be the cause
        return DivergenceError(
            f"The cost is {cost} at the starting point (epoch {epoch}), before any step: "
            "check the cost function and the data for NaN or infinite values.",
            epoch=epoch, history=history)
    what = "the parameters are no longer finite" if cost is None else f"the cost became {cost}"
    return DivergenceError(f"Training diverged at epoch {epoch}: {what}. {hint}",
                           epoch=epoch, history=history)


class OptimizeResult:
    """What an optimiser returns.

    Attributes
    ----------
    x : ndarray
        The final parameters (those of the last completed epoch).
    fun : float
        The cost at ``x`` (for mini-batches, the last epoch's mean batch cost).
    grad_norm : float
        :math:`\\max_j |\\nabla J_j(x)|` at ``x`` (NaN for mini-batch SGD).
    history : ndarray of shape (n_iter,)
        The cost at every epoch (iteration); see each optimiser for which
        iterate it belongs to.
    n_iter : int
        Epochs (iterations) completed.
    status : Status
        Why it stopped, with the numbers; ``status.warning()`` is the warning.
    converged : bool
        Whether the stopping rule holds at ``x`` (``status.kind == "converged"``).
    interrupted : bool
        Whether training was stopped by ``KeyboardInterrupt``.
    message : str
        Why it stopped, in one sentence.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.optim import minimize
    >>> result = minimize(lambda x: (0.5 * float(x @ x), x), np.ones(2))
    >>> result.converged, result.n_iter, round(result.fun, 6)
    (True, 2, 0.0)
    """

    def __init__(self, x, history, status):
        self.x = x
        self.history = np.asarray(history, dtype=np.float64)
        self.n_iter = len(self.history)
        self.status = status
        self.fun, self.grad_norm = float(status.cost), float(status.grad_norm)
        self.converged = status.converged
        self.interrupted = status.kind == "interrupted"
        self.message = status.message

    @property
    def warning(self):
        """The :class:`~minilr.exceptions.ConvergenceWarning` text, or None."""
        found = self.status.warning()
        return None if found is None else found[1]

    def __repr__(self):
        g = "" if math.isnan(self.grad_norm) else f"grad_norm={self.grad_norm:.3g}, "
        return (f"OptimizeResult(fun={self.fun:.6g}, {g}n_iter={self.n_iter}, "
                f"converged={self.converged}, message={self.message!r})")
