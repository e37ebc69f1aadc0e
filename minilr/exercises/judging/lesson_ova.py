r"""The one-vs-all training checker, judged by the cost each classifier reaches, not by its parameters.

Part of :mod:`minilr.exercises.judging.lesson_checkers` (registered in
:data:`minilr.exercises.CHECKERS` as ``train_one_vs_all``). Students stop
their optimisers long before the reference does, so two sets of parameters
rarely agree to the runner's tolerance; the cost each classifier reaches on
its own problem does, to :data:`OVA_COST_TOL`.
"""

import functools
from dataclasses import replace

import numpy as np

from .lesson_mistakes import fit_logistic, logistic_cost
from .mistakes import mistakes_for
from .runner import Case, call_quietly, run_check

__all__ = ["check_train_one_vs_all", "OVA_COST_TOL"]

# Verdicts about the form of the answer, where the student needs to hear what the form should be.
FORM_KEYS = frozenset({"wrong_type", "wrong_shape", "returned_none", "not_a_function"})


def expecting(result, expected):
    """The result, with ``Expected <expected>.`` added when the answer had the wrong form."""
    if FORM_KEYS & set(result.mistakes):
        return replace(result, diagnosis=f"{result.diagnosis} Expected {expected}.")
    return result


# A classifier's cost within this of a known optimum (the right one or a catalogued wrong one) counts
# as that optimum: students stop their optimisers far earlier than the reference does.
OVA_COST_TOL = 1e-4


def _ova_case(rng, m, n, K, lam):
    X = rng.normal(size=(m, n))
    scores = X @ rng.normal(scale=1.5, size=(n, K)) + rng.gumbel(size=(m, K))
    y = np.argmax(scores, axis=1)
    y[:K] = np.arange(K)  # every class present
    return X, y, K, lam


def _reached_costs(all_theta, X, y, K, lam):
    """Each classifier's cost on its own problem, or None when ``all_theta`` cannot be read as classifiers.

    An ``all_theta`` of shape (K, n), trained without the column of ones, is scored without it.
    """
    n = X.shape[1]
    try:
        A = np.asarray(all_theta, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if A.shape not in ((K, n + 1), (K, n)):
        return None
    X1 = np.column_stack([np.ones(len(X)), X]) if A.shape[1] == n + 1 else X
    with np.errstate(all="ignore"):
        return np.array([logistic_cost(A[k], X1, (y == k).astype(float), lam)[0] for k in range(K)])


def _snap(J, reference, mistakes):
    """The reached costs ``J``, snapped to a known optimum they are within :data:`OVA_COST_TOL` of.

    Each classifier close to the right optimum counts as right. All but one classifier close to a
    catalogued mistake count as that mistake: the odd one is the class the mistake leaves without
    positives (its bias runs off to -inf, and where it stops depends on the optimiser).
    """
    finite = np.isfinite(J)
    right = finite & (np.abs(J - reference) <= OVA_COST_TOL)
    if not right.all():
        for c in mistakes:
            if np.sum(finite & (np.abs(J - c) <= OVA_COST_TOL)) >= max(len(J) - 1, 1):
                return np.array(c, dtype=float)
    return np.where(right, reference, J)


def _train_one_vs_all(X, y, num_labels, lam):
    X1 = np.column_stack([np.ones(len(X)), X])
    return np.array([fit_logistic(X1, (y == k).astype(float), lam) for k in range(num_labels)])


def _key(X, y, K, lam):
    return X.shape, K, lam  # the cases differ in these


@functools.lru_cache(maxsize=4)
def _ova_cases(seed, mistakes):
    """The cases, and for each the reached costs of the reference and of each catalogued mistake."""
    rng = np.random.default_rng(seed)
    cases = [
        Case("40 samples, 3 features, K=3, lam=1", _ova_case(rng, 40, 3, 3, 1.0)),
        Case("30 samples, 2 features, K=4, lam=0.1", _ova_case(rng, 30, 2, 4, 0.1)),
        Case("20 samples, 4 features, K=2, lam=5", _ova_case(rng, 20, 4, 2, 5.0)),
    ]
    variants = [_train_one_vs_all] + [mk.variant for mk in mistakes]
    known = {_key(*c.args): [_reached_costs(call_quietly(v, c.args)[0], *c.args) for v in variants] for c in cases}
    return cases, known


def check_train_one_vs_all(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``train_one_vs_all(X, y, num_labels, lam) -> all_theta``.

    Parameters
    ----------
    fn : callable
        ``X`` of shape (m, n) *without* the column of ones, ``y`` of shape
        (m,) with integer labels 0..K-1, ``num_labels`` = K, ``lam >= 0``.
        Returns ``all_theta`` of shape (K, n+1): row k is the regularised
        logistic classifier of class k against the rest, its column 0 the
        (unpenalised) bias.
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Judged by the cost each classifier reaches on its own problem
        (within :data:`OVA_COST_TOL` of the minimum), not by equal parameters:

        .. math::
            J_k(\theta_k) = \frac1m \sum_i [\log(1 + e^{z_i}) - [y_i = k] z_i]
                            + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_{kj}^2

        Diagnoses ``ones_column_forgotten``, ``wrong_class_compared``, ``bias_regularized``.

    Examples
    --------
    >>> from minilr.exercises import check_train_one_vs_all
    >>> check_train_one_vs_all(lambda X, y, num_labels, lam: None).mistakes
    ('returned_none',)
    """
    mistakes = mistakes_for("train_one_vs_all")
    cases, known = _ova_cases(seed, tuple(mistakes))
    shapes = {}

    def judged(variant):
        def costs(X, y, K, lam):
            all_theta = variant(X, y, K, lam)
            J = _reached_costs(all_theta, X, y, K, lam)
            shapes[_key(X, y, K, lam)] = np.shape(all_theta) if J is None else None
            if J is None:
                return all_theta  # the runner names what it is
            reference, *mistaken = known[_key(X, y, K, lam)]
            return _snap(J, reference, [c for c in mistaken if c is not None])

        return costs

    def looked_up(i):
        return lambda X, y, K, lam: known[_key(X, y, K, lam)][i]

    table = [replace(mk, variant=looked_up(i + 1)) for i, mk in enumerate(mistakes)]
    result = run_check("train_one_vs_all", judged(fn), cases, looked_up(0), table, timeout,
                       names=("cost of classifier",))
    if "wrong_shape" in result.mistakes:
        case = next(c for c in cases if c.name == result.worst_case)
        X, _, K, _ = case.args
        result = replace(result, diagnosis=f"all_theta has shape {shapes[_key(*case.args)]} on case "
                         f"'{case.name}'.")
        return expecting(result, f"all_theta of shape (K, n+1) = ({K}, {X.shape[1] + 1}): one row "
                          "per class, its column 0 the bias")
    return expecting(result, "all_theta, an array of shape (K, n+1): one row per class, column 0 the bias")
