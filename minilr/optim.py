r"""Optimisers that know nothing about models.

Each one takes a function returning ``(cost, gradient)`` for a flat parameter
array and returns an :class:`OptimizeResult`. The cost history is taken from
evaluations the optimiser does anyway, never from an extra pass over the data.

* :func:`gradient_descent`: full-batch steps :math:`x \leftarrow x - \eta \nabla J(x)`.
* :func:`minibatch_sgd`: shuffled mini-batches with the update rules
  :class:`SGD`, :class:`Momentum` or :class:`Adam` (the MLP uses the same rules).
* :func:`minimize`: scipy's TNC, L-BFGS-B, CG, BFGS and Newton-CG.

If the cost or the parameters stop being finite, training stops at once with
a :class:`~minilr.exceptions.DivergenceError` that names the epoch (a cost
that only rises, or oscillates, is not divergence: it ends in a
:class:`~minilr.exceptions.ConvergenceWarning` that says so); a
``KeyboardInterrupt`` stops it cleanly and returns the last completed epoch.
No floating-point ``RuntimeWarning`` escapes on the way.
"""

import math
import numbers
import warnings

import numpy as np

from ._validation import check_scalar
from .exceptions import ConvergenceWarning, DivergenceError

__all__ = [
    "OptimizeResult",
    "SGD",
    "Momentum",
    "Adam",
    "gradient_descent",
    "minibatch_sgd",
    "minimize",
    "SCIPY_METHODS",
]

class OptimizeResult:
    """What an optimiser returns.

    Attributes
    ----------
    x : ndarray
        The final parameters (those of the last completed epoch).
    fun : float
        The last known cost (``history[-1]``, or the cost at ``x`` when the
        optimiser knows it).
    history : ndarray of shape (n_iter,)
        The cost at every epoch (iteration); see each optimiser for which
        iterate it belongs to.
    n_iter : int
        Epochs (iterations) completed.
    converged : bool
        Whether the tolerance was met.
    interrupted : bool
        Whether training was stopped by ``KeyboardInterrupt``.
    message : str
        Why it stopped.
    warning : str or None
        The :class:`~minilr.exceptions.ConvergenceWarning` message when the
        optimiser stopped at its iteration limit (also when ``warn=False``
        kept it from being issued, so that a caller can issue its own), else None.
    """

    def __init__(self, x, history, converged, message, interrupted=False, fun=None):
        self.x = x
        self.history = np.asarray(history, dtype=np.float64)
        self.n_iter = len(self.history)
        if fun is None:
            fun = self.history[-1] if self.n_iter else np.nan
        self.fun = float(fun)
        self.converged = bool(converged)
        self.interrupted = bool(interrupted)
        self.message = message
        self.warning = None

    def __repr__(self):
        return (
            f"OptimizeResult(fun={self.fun:.6g}, n_iter={self.n_iter}, "
            f"converged={self.converged}, message={self.message!r})"
        )


# ---------------------------------------------------------------- update rules
class SGD:
    r"""Plain gradient step :math:`x \leftarrow x - \eta g`."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g``."""
        x -= self.learning_rate * g


class Momentum:
    r"""Heavy-ball momentum.

    .. math::
        v \leftarrow \mu v - \eta g, \qquad x \leftarrow x + v
    """

    def __init__(self, learning_rate, momentum=0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.v = None

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g``."""
        if self.v is None:
            self.v = np.zeros_like(x)
        self.v *= self.momentum
        self.v -= self.learning_rate * g
        x += self.v


class Adam:
    r"""Adam (Kingma & Ba, 2015), in the paper's efficient form.

    .. math::
        m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2

        x \leftarrow x - \eta_t \frac{m}{\sqrt{v} + \epsilon}, \quad
        \eta_t = \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}

    The two bias corrections :math:`\hat m = m / (1 - \beta_1^t)`,
    :math:`\hat v = v / (1 - \beta_2^t)` are folded into the step size
    :math:`\eta_t`, as in scikit-learn's MLP: this is the textbook
    :math:`\eta \hat m / (\sqrt{\hat v} + \hat\epsilon)` with
    :math:`\hat\epsilon = \epsilon / \sqrt{1 - \beta_2^t}`.
    """

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g`` (step ``t`` counts calls)."""
        if self.m is None:
            self.m, self.v = np.zeros_like(x), np.zeros_like(x)
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1 - self.beta2) * (g * g)
        # Both bias corrections folded into one scalar step size eta_t.
        eta = self.learning_rate * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        x -= eta * self.m / (np.sqrt(self.v) + self.eps)


UPDATE_RULES = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_update_rule(name, learning_rate, momentum=0.9):
    """Build the update rule called ``name`` ("sgd", "momentum" or "adam")."""
    check_scalar(name, "update", allowed=set(UPDATE_RULES))
    if name == "momentum":
        return Momentum(learning_rate, momentum)
    return UPDATE_RULES[name](learning_rate)


# ---------------------------------------------------------------- helpers
_LOWER_THE_STEP = "Lower the learning rate (or standardise the features)."


def _not_finite(J, epoch, history, at_start, hint=_LOWER_THE_STEP):
    """The :class:`DivergenceError` for a cost ``J`` that is NaN or infinite at ``epoch``."""
    if at_start:
        # No step has been taken yet, so the step size cannot be the cause.
        return DivergenceError(
            f"The cost is {J} at the starting point (epoch {epoch}), before any step: "
            "check the cost function and the data for NaN or infinite values.",
            epoch=epoch, history=np.array(history, dtype=np.float64),
        )
    return DivergenceError(
        f"Training diverged at epoch {epoch}: the cost became {J}. {hint}",
        epoch=epoch, history=np.array(history, dtype=np.float64),
    )


def _progress(verbose, total, desc):
    if not verbose:
        return None
    from tqdm.auto import tqdm  # imported only when a bar is asked for

    return tqdm(total=total, desc=desc)


def _close(pbar, history=()):
    if pbar is not None:
        if len(history):
            pbar.set_postfix(cost=f"{history[-1]:.6g}", refresh=False)
        pbar.close()  # draws the bar one last time, with the final cost


def _finish(x, history, converged, message, interrupted, pbar, fun=None, tol=None,
            grad_norm=None, warn=True):
    """Close the bar, refuse non-finite parameters, warn if not converged, build the result.

    ``tol=0`` asked for every epoch to be run, so reaching ``max_iter`` is
    then no reason to warn (scikit-learn's SGD does the same with ``tol=None``).
    ``grad_norm`` is the largest gradient component ``max|g|`` at the last
    evaluated point, when the optimiser has it; ``warn=False`` only records
    the warning's message in ``result.warning``.
    """
    _close(pbar, history)
    if not np.all(np.isfinite(x)):
        epoch = len(history)
        raise DivergenceError(
            f"Training diverged at epoch {epoch}: the parameters are no longer finite. "
            f"{_LOWER_THE_STEP}",
            epoch=epoch, history=np.array(history, dtype=np.float64),
        )
    result = OptimizeResult(x, history, converged, message, interrupted, fun)
    if not converged and not interrupted and tol != 0:
        result.warning = _not_converged(message, history, result.fun, grad_norm, tol)
        if warn:
            warnings.warn(result.warning, ConvergenceWarning, stacklevel=3)
    return result


def _not_converged(message, history, J, grad_norm, tol):
    """The ConvergenceWarning's text: why it stopped, where it ended, what to do."""
    if grad_norm is None:  # mini-batches: only the epoch cost is known
        where = f"Final epoch cost {J:.6g}."
    else:
        where = f"Final cost {J:.6g}, gradient norm max|g| = {grad_norm:.3g} (tol={tol})."
    advice = "Increase max_iter or scale the features."
    if len(history) > 1 and history[-1] > history[0]:
        advice = (f"The cost rose from {history[0]:.4g} to {history[-1]:.4g}: the "
                  "learning rate is probably too large; lower it or scale the features.")
    return f"{message} {where} {advice}"


def _check_common(learning_rate, max_iter, tol):
    check_scalar(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
    check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1)
    check_scalar(tol, "tol", low=0.0)


# ---------------------------------------------------------------- full batch
def gradient_descent(fun, x0, learning_rate=0.1, max_iter=1000, tol=1e-6, callback=None,
                     verbose=0, warn=True):
    r"""Batch gradient descent.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (cost, grad)`` with ``grad`` of the shape of ``x``.
    x0 : ndarray of shape (p,)
        Starting point (copied).
    learning_rate : float, default=0.1
        Step size :math:`\eta`.
    max_iter : int, default=1000
        Number of epochs at most.
    tol : float, default=1e-6
        Stop when :math:`\max_j |\nabla J_j| \le` ``tol`` (0 runs all epochs).
    callback : callable, optional
        ``callback(epoch, x, cost)`` after every epoch's step, with ``x`` the
        new parameters :math:`x_k` and ``cost`` :math:`J(x_{k-1})`, the cost
        the step was taken from; returning True stops.
    verbose : int, default=0
        Show a progress bar with the current cost.
    warn : bool, default=True
        Issue the :class:`~minilr.exceptions.ConvergenceWarning` when
        ``max_iter`` is reached (False only records it in ``result.warning``).

    Returns
    -------
    OptimizeResult
        ``history[k]`` is :math:`J(x_k)`, the cost at the start of epoch
        ``k + 1`` (the evaluation the step is computed from, so no extra pass).

    Raises
    ------
    DivergenceError
        As soon as the cost or the parameters are NaN or infinite.

    Notes
    -----
    .. math::
        x_{k+1} = x_k - \eta \nabla J(x_k)
    """
    _check_common(learning_rate, max_iter, tol)
    x = np.array(x0, copy=True)
    history = np.empty(max_iter)
    pbar = _progress(verbose, max_iter, "gradient descent")
    converged, message = False, f"Reached max_iter={max_iter} epochs."
    n = done = 0  # epochs started, epochs whose step was taken
    g = None
    try:
        # Overflow on the way to divergence is reported below as a DivergenceError
        # that names the epoch; numpy's RuntimeWarnings would only be noise.
        with np.errstate(all="ignore"):
            for n in range(1, max_iter + 1):
                J, g = fun(x)
                history[n - 1] = J
                if not math.isfinite(J):
                    raise _not_finite(J, n, history[: n - 1], at_start=n == 1)
                if tol > 0 and np.max(np.abs(g)) <= tol:
                    converged, message = True, f"Gradient below tol={tol} after {n} epochs."
                    break
                x -= learning_rate * g
                done = n
                if pbar is not None:
                    pbar.set_postfix(cost=f"{J:.6g}", refresh=False)
                    pbar.update(1)
                if callback is not None and callback(n, x, J):
                    converged, message = True, f"Stopped by the callback after {n} epochs."
                    break
    except KeyboardInterrupt:
        return _finish(x, history[:done], False, f"Interrupted during epoch {n}.", True, pbar)
    except DivergenceError:
        _close(pbar)
        raise
    # The gradient the last step was taken from, for the warning.
    grad_norm = float(np.max(np.abs(g))) if g is not None else None
    return _finish(x, history[:n], converged, message, False, pbar, tol=tol,
                   grad_norm=grad_norm, warn=warn)


# ---------------------------------------------------------------- mini-batch
def minibatch_sgd(fun, x0, n_samples, *, learning_rate=0.01, batch_size=32, max_iter=100,
                  update="sgd", momentum=0.9, tol=1e-4, n_iter_no_change=5, random_state=None,
                  callback=None, verbose=0, batches=None, warn=True):
    r"""Mini-batch stochastic gradient descent over shuffled samples.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> (cost, grad)`` on the samples with indices ``idx``
        (a batch); the cost must be the batch mean plus the penalty.
    x0 : ndarray of shape (p,)
        Starting point (copied).
    n_samples : int
        Number of training samples ``m``.
    learning_rate : float, default=0.01
    batch_size : int, default=32
        Samples per step; the last, smaller batch of an epoch is used too.
    max_iter : int, default=100
        Epochs at most.
    update : {"sgd", "momentum", "adam"}, default="sgd"
        The update rule.
    momentum : float, default=0.9
        For ``update="momentum"``.
    tol : float, default=1e-4
        Stop once the epoch cost has not improved by ``tol`` for
        ``n_iter_no_change`` epochs in a row (``tol=0`` runs every epoch).
    n_iter_no_change : int, default=5
    random_state : int, Generator or None
        Seed of the generator that shuffles every epoch.
    callback : callable, optional
        ``callback(epoch, x, cost)`` after every epoch; returning True stops.
    verbose : int, default=0
        Show a progress bar.
    batches : callable, optional
        ``batches(rng) -> iterable of index arrays`` for one epoch, replacing
        the default shuffle-and-slice (used to walk data that is stored in blocks).
    warn : bool, default=True
        Issue the :class:`~minilr.exceptions.ConvergenceWarning` when
        ``max_iter`` is reached (False only records it in ``result.warning``).

    Returns
    -------
    OptimizeResult
        ``history[k]`` is the mean of the batch costs seen during epoch ``k + 1``
        (each weighted by its batch size).

    Raises
    ------
    DivergenceError
        As soon as a batch cost or the parameters are NaN or infinite.
    """
    _check_common(learning_rate, max_iter, tol)
    check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
    check_scalar(batch_size, "batch_size", kind=numbers.Integral, low=1)
    check_scalar(n_iter_no_change, "n_iter_no_change", kind=numbers.Integral, low=1)
    rule = make_update_rule(update, learning_rate, momentum)
    rng = np.random.default_rng(random_state)
    x = np.array(x0, copy=True)
    x_start = np.empty_like(x)  # the epoch's starting point, returned on an interrupt
    history = np.empty(max_iter)
    pbar = _progress(verbose, max_iter, f"mini-batch {update}")
    if batches is None:
        def batches(rng):
            perm = rng.permutation(n_samples)
            return (perm[i:i + batch_size] for i in range(0, n_samples, batch_size))

    converged, message = False, f"Reached max_iter={max_iter} epochs."
    best, stall, n, done = np.inf, 0, 0, 0
    try:
        with np.errstate(all="ignore"):  # non-finite values raise DivergenceError below
            for n in range(1, max_iter + 1):
                x_start[...] = x
                total, seen = 0.0, 0
                for idx in batches(rng):
                    J, g = fun(x, idx)
                    if not math.isfinite(J):
                        raise _not_finite(J, n, history[: n - 1], at_start=n == 1 and not seen)
                    rule.step(x, g)
                    total += J * len(idx)
                    seen += len(idx)
                history[n - 1] = J_epoch = total / seen
                done = n
                if pbar is not None:
                    pbar.set_postfix(cost=f"{J_epoch:.6g}", refresh=False)
                    pbar.update(1)
                if callback is not None and callback(n, x, J_epoch):
                    converged, message = True, f"Stopped by the callback after {n} epochs."
                    break
                if tol > 0:
                    stall = stall + 1 if J_epoch > best - tol else 0
                    best = min(best, J_epoch)
                    if stall >= n_iter_no_change:
                        converged = True
                        message = f"Epoch cost improved by less than tol={tol} for {stall} epochs."
                        break
    except KeyboardInterrupt:
        if done < n:
            x[...] = x_start  # the epoch was cut short: go back to where it began
        return _finish(x, history[:done], False, f"Interrupted during epoch {n}.", True, pbar)
    except DivergenceError:
        _close(pbar)
        raise
    return _finish(x, history[:n], converged, message, False, pbar, tol=tol, warn=warn)


# ---------------------------------------------------------------- scipy
SCIPY_METHODS = {
    "lbfgs": "L-BFGS-B",
    "tnc": "TNC",
    "cg": "CG",
    "bfgs": "BFGS",
    "newton-cg": "Newton-CG",
}


def minimize(fun, x0, method="lbfgs", *, tol=1e-4, max_iter=1000, hessp=None, callback=None,
             verbose=0, warn=True):
    r"""Minimise with one of scipy's methods, using our fused ``(cost, grad)``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (cost, grad)``.
    x0 : ndarray of shape (p,)
    method : {"lbfgs", "tnc", "cg", "bfgs", "newton-cg"}, default="lbfgs"
    tol : float, default=1e-4
        Gradient tolerance (for L-BFGS-B the projected gradient, as in
        scikit-learn; for Newton-CG the step tolerance).
    max_iter : int, default=1000
        Iterations at most (function evaluations for TNC).
    hessp : callable, optional
        ``hessp(x, p) -> H(x) @ p``; required by "newton-cg".
    callback : callable, optional
        ``callback(iteration, x, cost)``; returning True stops.
    verbose : int, default=0
        Show a progress bar.
    warn : bool, default=True
        Issue the :class:`~minilr.exceptions.ConvergenceWarning` when
        ``max_iter`` is reached (False only records it in ``result.warning``);
        ``tol=0`` asks for all ``max_iter`` iterations and never warns.

    Returns
    -------
    OptimizeResult
        ``history[k]`` is the cost after iteration ``k + 1`` (taken from the
        evaluation scipy's line search already made at that point).

    Raises
    ------
    DivergenceError
        If the cost is NaN or infinite at a point scipy evaluates.
    """
    from scipy import optimize  # scipy.optimize is slow to import; only here

    check_scalar(method, "solver", allowed=set(SCIPY_METHODS))
    check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1)
    check_scalar(tol, "tol", low=0.0)
    if method == "newton-cg" and hessp is None:
        raise ValueError("method='newton-cg' needs hessp, the Hessian-vector product.")
    x0 = np.asarray(x0, dtype=np.float64)
    history = []
    # The latest point evaluated and its cost, and the latest iterate accepted.
    last = {"x_eval": None, "J": None, "x": x0}
    pbar = _progress(verbose, max_iter, method)

    def fun_recorded(x):
        J, g = fun(x)
        if not math.isfinite(J):
            raise _not_finite(J, len(history) + 1, history, at_start=last["x_eval"] is None,
                              hint="Standardise the features.")
        g = np.array(g, dtype=np.float64)  # a copy: fun may reuse its buffer
        last["x_eval"], last["J"], last["g"] = np.array(x), J, g
        return J, g

    class _Stop(Exception):
        pass

    def on_iteration(xk, *args):
        # The iterate scipy accepts is the point its line search evaluated last;
        # should a method ever differ, pay for one evaluation rather than record
        # another point's cost.
        same = last["x_eval"] is not None and np.array_equal(xk, last["x_eval"])
        J = last["J"] if same else float(fun(xk)[0])
        history.append(J)
        last["x"] = np.array(xk)
        if pbar is not None:
            pbar.set_postfix(cost=f"{J:.6g}", refresh=False)
            pbar.update(1)
        if callback is not None and callback(len(history), xk, J):
            raise _Stop

    options = {"maxiter": max_iter}
    kwargs = {}
    if method == "lbfgs":
        # scikit-learn's settings, so results agree at equal tol; but a tol tighter
        # than 1e-7 asks for that gradient, so the relative-reduction stop (ftol)
        # must not end the run first.
        options.update(gtol=tol, ftol=min(64 * np.finfo(float).eps, tol**2), maxls=50)
    elif method == "tnc":
        # TNC counts function evaluations, and stops early on a tiny change of the
        # cost unless ftol is small too.
        options = {"maxfun": max_iter, "gtol": tol, "ftol": tol**2}
    elif method == "newton-cg":
        options["xtol"] = tol
        kwargs["hessp"] = hessp
    else:
        options["gtol"] = tol
    interrupted, fun_x, grad_norm = False, None, None
    try:
        with np.errstate(all="ignore"):  # a non-finite cost raises DivergenceError instead
            res = optimize.minimize(fun_recorded, x0, method=SCIPY_METHODS[method], jac=True,
                                    callback=on_iteration, options=options, **kwargs)
        x, message, fun_x = res.x, str(res.message), res.fun
        # Only hitting the iteration limit counts as not converged; a stop for
        # "precision loss" means the gradient is as small as float arithmetic allows.
        used = res.nfev if method == "tnc" else res.get("nit", 0)
        converged = bool(res.success) or used < max_iter
    except _Stop:
        x, converged, message = last["x"], True, "Stopped by the callback."
    except KeyboardInterrupt:
        x, converged, interrupted = last["x"], False, True
        message = f"Interrupted after {len(history)} iterations."
    except DivergenceError:
        _close(pbar)
        raise
    if not converged and not interrupted:
        message = f"{SCIPY_METHODS[method]} did not converge: {message}."
        # Not res.jac: Newton-CG returns the gradient of the iterate before the last.
        same = last["x_eval"] is not None and np.array_equal(x, last["x_eval"])
        with np.errstate(all="ignore"):
            g = last["g"] if same else np.asarray(fun(x)[1])
        grad_norm = float(np.max(np.abs(g)))
    return _finish(np.asarray(x), np.asarray(history), converged, message, interrupted, pbar,
                   fun=fun_x, tol=tol, grad_norm=grad_norm, warn=warn)
