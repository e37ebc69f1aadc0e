r"""Optimisers that know nothing about models: each takes ``fun(x) -> (cost, grad)``.

Each one returns an :class:`~minilr.convergence.OptimizeResult` whose
``status`` says why it stopped. The cost history is taken from evaluations
the optimiser does anyway, never from an extra pass over the data.

* :func:`gradient_descent`: full-batch steps :math:`x \leftarrow x - \eta \nabla J(x)`.
* :func:`minibatch_sgd`: shuffled mini-batches with the update rules
  :class:`SGD`, :class:`Momentum` or :class:`Adam` (the MLP uses the same rules).
* :func:`minimize`: scipy's TNC, L-BFGS-B, CG and BFGS, and minilr's own
  truncated Newton (:mod:`minilr.newton`) for "newton-cg".

One stopping rule: gradient descent and every method of :func:`minimize`
stop when :math:`\max_j |\nabla J_j(x)| \le` ``tol`` at the returned point
(mini-batch SGD, which never sees the full gradient, stops on its epoch
cost). ``converged`` is True exactly when the rule holds, or when the gradient
is at the floating-point floor (:func:`minilr.convergence.gradient_floor`).

If the cost or the parameters stop being finite, training stops at once with
a :class:`~minilr.exceptions.DivergenceError` that names the epoch (a cost
that only rises, or oscillates, is not divergence: it ends in a
:class:`~minilr.exceptions.ConvergenceWarning` that says so); a
``KeyboardInterrupt`` stops it cleanly and returns the last completed epoch.
No floating-point ``RuntimeWarning`` escapes on the way.
"""

import math
import numbers

import numpy as np

from ._validation import check_scalar
from .convergence import NonFiniteCost, OptimizeResult, Status, divergence_error, gradient_floor
from .progress import progress_bar
from .scipy_methods import SCIPY_METHODS, Recorder, StopRequested, solve
from .updates import SGD, UPDATE_RULES, Adam, Momentum, make_update_rule

__all__ = [
    "OptimizeResult",
    "Status",
    "SGD",
    "Momentum",
    "Adam",
    "UPDATE_RULES",
    "make_update_rule",
    "gradient_descent",
    "minibatch_sgd",
    "minimize",
    "SCIPY_METHODS",
]


# ---------------------------------------------------------------- the epoch loop
def _close(pbar, history):
    if pbar is not None:
        if len(history):
            pbar.set_postfix(cost=f"{history[-1]:.6g}", refresh=False)
        pbar.close()  # draws the bar one last time, with the final cost


def _epoch_loop(epoch, x, max_iter, *, desc, verbose, callback, restore=None,
                hint="Lower the learning rate (or standardise the features)."):
    """Run ``epoch(n) -> (cost, stepped, converged)`` for ``n = 1 .. max_iter``.

    The scaffold of every epoch-based optimiser: floating-point warnings off, a
    progress bar, ``callback(n, x, cost)`` after every epoch that stepped, a
    clean stop on ``KeyboardInterrupt`` (``restore()`` then undoes a half
    epoch) and a :class:`DivergenceError` naming the epoch for a non-finite cost.

    Returns
    -------
    history : ndarray of shape (n_iter,)
    kind : {"converged", "max_iter", "callback", "interrupted"}
    """
    history = np.empty(max_iter)
    pbar = progress_bar(verbose, max_iter, desc)
    kind, n, done = "max_iter", 0, 0  # epochs started, epochs whose step was taken
    try:
        # Overflow on the way to divergence is reported as a DivergenceError that
        # names the epoch; numpy's RuntimeWarnings would only be noise.
        with np.errstate(all="ignore"):
            for n in range(1, max_iter + 1):
                J, stepped, converged = epoch(n)
                history[n - 1] = J
                if stepped:
                    done = n
                    if pbar is not None:
                        pbar.set_postfix(cost=f"{J:.6g}", refresh=False)
                        pbar.update(1)
                    if callback is not None and callback(n, x, J):
                        kind = "callback"
                        break
                if converged:
                    kind = "converged"
                    break
    except KeyboardInterrupt:
        if restore is not None and done < n:
            restore()  # the epoch was cut short: go back to where it began
        kind, n = "interrupted", done
    except NonFiniteCost as e:
        raise divergence_error(e.cost, n, history[: n - 1], e.at_start, hint) from None
    finally:
        _close(pbar, history[:n])
    return history[:n], kind


def _result(x, history, status, warn):
    """Refuse non-finite parameters, issue the status's warning if ``warn``, build the result."""
    if not np.all(np.isfinite(x)):
        raise divergence_error(None, len(history), history, at_start=False)
    if warn:
        status.warn(stacklevel=3)
    return OptimizeResult(x, history, status)


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
        Stop when :math:`\max_j |\nabla J_j(x)| \le` ``tol``; ``converged`` is
        True exactly when that holds at the returned ``x`` (0 runs all epochs).
    callback : callable, optional
        ``callback(epoch, x, cost)`` after every epoch's step, with ``x`` the
        new parameters :math:`x_k` and ``cost`` :math:`J(x_{k-1})`, the cost
        the step was taken from; returning True stops.
    verbose : int, default=0
        Show a progress bar with the current cost.
    warn : bool, default=True
        Issue the :class:`~minilr.exceptions.ConvergenceWarning` when the rule
        does not hold at the end (False leaves it to ``result.status.warn()``).

    Returns
    -------
    OptimizeResult
        ``history[k]`` is :math:`J(x_k)`, the cost at the start of epoch
        ``k + 1`` (the evaluation the step is computed from, so no extra pass);
        ``fun`` and ``grad_norm`` belong to the returned ``x`` (one more
        evaluation when the run did not stop on the rule; with ``tol=0``, which
        asks for every epoch and no rule, ``grad_norm`` is NaN and ``fun`` is
        ``history[-1]``).

    Raises
    ------
    DivergenceError
        As soon as the cost or the parameters are NaN or infinite.

    Notes
    -----
    .. math::
        x_{k+1} = x_k - \eta \nabla J(x_k)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.optim import gradient_descent
    >>> def fun(x):  # J(x) = |x - 1|^2 / 2
    ...     return 0.5 * float(np.sum((x - 1) ** 2)), x - 1
    ...
    >>> result = gradient_descent(fun, np.zeros(2), learning_rate=0.5, tol=1e-8)
    >>> np.round(result.x, 6), result.converged
    (array([1., 1.]), True)
    """
    _check_common(learning_rate, max_iter, tol)
    x = np.array(x0, copy=True)
    last = {}

    def epoch(n):
        nonlocal x  # updated in place: x -= ... keeps the same array
        J, g = fun(x)
        if not math.isfinite(J):
            raise NonFiniteCost(J, at_start=n == 1)
        if tol > 0 and np.max(np.abs(g)) <= tol:
            last["g"] = g
            return J, False, True  # the rule holds at x: no step
        x -= learning_rate * g
        return J, True, False

    history, kind = _epoch_loop(epoch, x, max_iter, desc="gradient descent", verbose=verbose,
                                callback=callback)
    J, g_norm = (history[-1] if len(history) else math.nan), math.nan
    if kind == "converged":
        g_norm = float(np.max(np.abs(last["g"])))
    elif tol > 0 and kind != "interrupted" and np.all(np.isfinite(x)):
        with np.errstate(all="ignore"):  # the gradient at the returned x, for the rule
            J, g = fun(x)
        if not math.isfinite(J):
            raise divergence_error(J, len(history) + 1, history, at_start=False)
        g_norm = float(np.max(np.abs(g)))
    at_floor = kind == "max_iter" and tol < g_norm <= gradient_floor(J)
    if kind == "max_iter" and (g_norm <= tol or at_floor):
        kind = "converged"
    status = Status(kind, "gradient descent", len(history), J, g_norm, tol, max_iter,
                    unit="epoch", first_cost=history[0] if len(history) else math.nan,
                    at_floor=at_floor)
    return _result(x, history, status, warn)


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
        The epoch-cost rule (SGD never sees the full gradient): stop once the
        epoch cost has not improved by ``tol`` for ``n_iter_no_change`` epochs
        in a row (``tol=0`` runs every epoch).
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
        ``max_iter`` is reached (False leaves it to ``result.status.warn()``).

    Returns
    -------
    OptimizeResult
        ``history[k]`` is the mean of the batch costs seen during epoch ``k + 1``
        (each weighted by its batch size); ``grad_norm`` is NaN.

    Raises
    ------
    DivergenceError
        As soon as a batch cost or the parameters are NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.optim import minibatch_sgd
    >>> t = np.array([1.0, 2.0, 3.0, 4.0])  # the minimum of the mean of (x - t_i)^2 / 2 is 2.5
    >>> def fun(x, idx):  # the cost and gradient of the samples idx
    ...     return 0.5 * float(np.mean((x[0] - t[idx]) ** 2)), np.array([np.mean(x[0] - t[idx])])
    ...
    >>> result = minibatch_sgd(fun, np.zeros(1), n_samples=4, learning_rate=0.1, batch_size=4,
    ...                        max_iter=200, tol=1e-10, n_iter_no_change=5, random_state=0)
    >>> round(float(result.x[0]), 3)
    2.5
    """
    _check_common(learning_rate, max_iter, tol)
    check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
    check_scalar(batch_size, "batch_size", kind=numbers.Integral, low=1)
    check_scalar(n_iter_no_change, "n_iter_no_change", kind=numbers.Integral, low=1)
    rule = make_update_rule(update, learning_rate, momentum)
    rng = np.random.default_rng(random_state)
    x = np.array(x0, copy=True)
    x_start = np.empty_like(x)  # the epoch's starting point, restored on an interrupt
    if batches is None:
        def batches(rng):
            perm = rng.permutation(n_samples)
            return (perm[i:i + batch_size] for i in range(0, n_samples, batch_size))

    best_stall = [np.inf, 0]

    def epoch(n):
        x_start[...] = x
        total, seen = 0.0, 0
        for idx in batches(rng):
            J, g = fun(x, idx)
            if not math.isfinite(J):
                raise NonFiniteCost(J, at_start=n == 1 and not seen)
            rule.step(x, g)
            total += J * len(idx)
            seen += len(idx)
        J_epoch = total / seen
        if tol == 0:
            return J_epoch, True, False
        best, stall = best_stall
        best_stall[:] = min(best, J_epoch), stall + 1 if J_epoch > best - tol else 0
        return J_epoch, True, best_stall[1] >= n_iter_no_change

    def restore():
        x[...] = x_start

    history, kind = _epoch_loop(epoch, x, max_iter, desc=f"mini-batch {update}",
                                verbose=verbose, callback=callback, restore=restore)
    status = Status(kind, f"mini-batch {update}", len(history),
                    history[-1] if len(history) else math.nan, math.nan, tol, max_iter,
                    unit="epoch", rule="epoch cost",
                    first_cost=history[0] if len(history) else math.nan)
    return _result(x, history, status, warn)


# ---------------------------------------------------------------- scipy and Newton
def minimize(fun, x0, method="lbfgs", *, tol=1e-4, max_iter=1000, hessp=None, callback=None,
             verbose=0, warn=True):
    r"""Minimise with scipy's methods or minilr's Newton-CG, on our fused ``(cost, grad)``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (cost, grad)``.
    x0 : ndarray of shape (p,)
    method : {"lbfgs", "tnc", "cg", "bfgs", "newton-cg"}, default="lbfgs"
        scipy's L-BFGS-B, TNC, CG or BFGS, or minilr's truncated Newton
        (:func:`minilr.newton.truncated_newton`).
    tol : float, default=1e-4
        The rule, for every method: stop when :math:`\max_j |\nabla J_j(x)| \le`
        ``tol`` (the full gradient, intercept included). A scipy method that
        stops on another test first is continued, with Newton steps when
        ``hessp`` is given, until the rule holds or ``max_iter`` is spent;
        ``converged`` is True exactly when the rule holds at the returned ``x``
        (or the gradient is at the floating-point floor, see
        :func:`minilr.convergence.gradient_floor`).
    max_iter : int, default=1000
        Iterations at most (function evaluations for TNC), continuation included.
    hessp : callable, optional
        ``hessp(x, p) -> H(x) @ p``; required by "newton-cg".
    callback : callable, optional
        ``callback(iteration, x, cost)``; returning True stops.
    verbose : int, default=0
        Show a progress bar.
    warn : bool, default=True
        Issue the :class:`~minilr.exceptions.ConvergenceWarning` when the rule
        does not hold (False leaves it to ``result.status.warn()``); ``tol=0``
        asks for all ``max_iter`` iterations and never warns.

    Returns
    -------
    OptimizeResult
        ``history[k]`` is the cost after iteration ``k + 1`` (taken from the
        evaluation the line search already made at that point).

    Raises
    ------
    DivergenceError
        If the cost is NaN or infinite at a point the method evaluates.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.optim import minimize
    >>> def fun(x):  # J(x) = |x - 1|^2 / 2
    ...     return 0.5 * float(np.sum((x - 1) ** 2)), x - 1
    ...
    >>> result = minimize(fun, np.zeros(3), method="lbfgs")
    >>> np.round(result.x, 6), result.converged
    (array([1., 1., 1.]), True)
    """
    check_scalar(method, "solver", allowed=set(SCIPY_METHODS))
    check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1)
    check_scalar(tol, "tol", low=0.0)
    if method == "newton-cg" and hessp is None:
        raise ValueError("method='newton-cg' needs hessp, the Hessian-vector product.")
    x0 = np.asarray(x0, dtype=np.float64)
    rec = Recorder(fun, x0, progress_bar(verbose, max_iter, method), callback)
    detail = ""
    try:
        with np.errstate(all="ignore"):  # a non-finite cost raises DivergenceError instead
            x, kind, detail = solve(method, rec, x0, tol, max_iter, hessp)
            J, g = rec.at(x)
    except StopRequested:
        kind, x = "callback", rec.x
    except KeyboardInterrupt:
        kind, x = "interrupted", rec.x
    except NonFiniteCost as e:
        raise divergence_error(e.cost, len(rec.history) + 1, rec.history, e.at_start,
                               hint="Standardise the features.") from None
    finally:
        _close(rec.pbar, rec.history)
    if kind in ("callback", "interrupted"):  # the last accepted iterate, no new evaluation
        J, g = (rec.history[-1] if rec.history else math.nan), None
        if rec.evaluated and np.array_equal(x, rec.evaluated["x"]):
            g = rec.evaluated["g"]
    g_norm = math.nan if g is None else float(np.max(np.abs(g)))
    at_floor = kind == "stalled" and g_norm <= gradient_floor(J, rec.eps or np.finfo(float).eps)
    status = Status("converged" if at_floor else kind, SCIPY_METHODS[method], len(rec.history),
                    J, g_norm, tol, max_iter, detail=detail, at_floor=at_floor,
                    limit_unit="function evaluations" if method == "tnc" else "")
    return _result(np.asarray(x), np.asarray(rec.history), status, warn)
