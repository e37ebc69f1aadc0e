r"""Checks judged by properties, not by equal outputs: one-vs-all training and a random initialisation.

One one-vs-all judge serves the course's ``oneVsAll(X, y, num_labels,
lambda_)``, the lesson's ``one_vs_all(X, y, l, K)`` and minilr's
``train_one_vs_all(X, y, num_labels, lam)``; their conventions (``X`` with
its column of ones or not, the first label, the order of the arguments) are
parameters. A trained ``all_theta`` has no single right answer (each
student's optimiser stops somewhere else), so it is judged by the
regularised cost its K classifiers reach on the training data,

.. math::
    J(\Theta) = \sum_{k} J_k(\theta_k), \quad
    J_k(\theta) = \text{the logistic cost of } \theta \text{ on } (X, [y = k]),

which must close at least 98% of the gap between the zero start and the
optimum. When it does not, the same test against each catalogued wrong
problem (labels off by one, "not k" as the positive class, the bias
penalised) names the mistake. ``randInitializeWeights(L_in, L_out)`` is
judged by its shape (L_out, 1 + L_in), its range [-0.12, 0.12] and that no
two hidden units start alike (zero or symmetric initialisation never
breaks the symmetry).
"""

from dataclasses import replace
from functools import lru_cache

import numpy as np

from .catalogue import RETURNS_LIST
from .compare import as_arrays
from .lesson_mistakes import fit_logistic, logistic_cost
from .mistakes import mistakes_for
from .runner import Case, CheckResult, Spec, call_failure, run_spec

__all__ = ["one_vs_all_spec", "check_train_one_vs_all", "rand_initialize_weights_spec", "expecting",
           "EPSILON_INIT", "GAP"]

EPSILON_INIT = 0.12
GAP = 0.02  # the share of the reducible cost a trained one-vs-all may leave

# Verdicts about the form of the answer, where the student needs to hear what the form should be.
FORM_KEYS = frozenset({"wrong_type", "wrong_shape", "returned_none", "not_a_function"})


def expecting(result, expected):
    """The result, with ``Expected <expected>.`` added when the answer had the wrong form.

    Examples
    --------
    >>> from minilr.exercises.judging.judges import expecting
    >>> from minilr.exercises.judging.runner import CheckResult
    >>> result = CheckResult("f", False, "It returned str, not numbers.", ("wrong_type",))
    >>> expecting(result, "one float").diagnosis
    'It returned str, not numbers. Expected one float.'
    """
    if FORM_KEYS & set(result.mistakes):
        return replace(result, diagnosis=f"{result.diagnosis} Expected {expected}.")
    return result


def _ova_data(seed, m, n, K, first_label, imbalance=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    W = rng.normal(scale=1.5, size=(n, K))
    # Noisy (a finite optimum), the later classes rarer when imbalanced (where a penalised bias shows).
    y = np.argmax(X @ W + np.linspace(0.0, -imbalance, K) + rng.gumbel(size=(m, K)), axis=1)
    y[:K] = np.arange(K)  # every class present
    return X, y + first_label


def one_vs_all_spec(seed=0, *, first_label=0, ones_in_X=False):
    """``(X, y, K, lam) -> all_theta`` of shape (K, n+1), judged by the cost it reaches.

    Examples
    --------
    >>> from minilr.exercises.judging.judges import one_vs_all_spec
    >>> spec = one_vs_all_spec(ones_in_X=True)
    >>> spec.exercise, spec.arg_names, spec.reference is None
    ('one_vs_all', ('X', 'y', 'K', 'lam'), True)
    >>> spec.cases[0].args[0].shape
    (60, 4)
    """
    cases = []
    for name, m, n, K, lam, imbalance in [("3 classes, 60 samples, lam=0.1", 60, 3, 3, 0.1, 0.0),
                                          ("4 classes, 80 samples, lam=1", 80, 2, 4, 1.0, 0.0),
                                          ("3 classes, two of them rare, 30 samples, lam=3", 30, 2, 3, 3.0, 2.0)]:
        X, y = _ova_data(seed + K + 10 * (imbalance > 0), m, n, K, first_label, imbalance)
        if ones_in_X:
            X = np.column_stack([np.ones(m), X])
        cases.append(Case(name, (X, y, K, lam)))
    return Spec("one_vs_all", tuple(cases), None, tuple(mistakes_for("train_one_vs_all")),
                {"first_label": first_label, "ones_in_X": ones_in_X}, names=("all_theta",),
                arg_names=("X", "y", "K", "lam"), judge=_judge_one_vs_all, finish=_expected_form)


def _expected_form(result):
    return expecting(result, "all_theta, an array of shape (K, n+1): one row per class, column 0 the bias")


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
        Judged by the cost its classifiers reach (:func:`one_vs_all_spec`):

        .. math::
            J_k(\theta_k) = \frac1m \sum_i [\log(1 + e^{z_i}) - [y_i = k] z_i]
                            + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_{kj}^2

        Diagnoses ``missing_ones_column``, ``labels_off_by_one``, ``wrong_class_compared``,
        ``bias_regularized``, ``returns_list``.

    Examples
    --------
    >>> from minilr.exercises import check_train_one_vs_all
    >>> check_train_one_vs_all(lambda X, y, num_labels, lam: None).mistakes
    ('returned_none',)
    """
    return run_spec(replace(one_vs_all_spec(seed), exercise="train_one_vs_all"), fn, timeout=timeout)


def _total(all_theta, X1, targets, lam, bias_penalised):
    with np.errstate(all="ignore"):
        return sum(logistic_cost(theta, X1, t, lam, bias_penalised)[0] for theta, t in zip(all_theta, targets))


def _targets(y, labels, shift=0, inverted=False):
    return [((y == c + shift) != inverted).astype(float) for c in labels]


@lru_cache(maxsize=64)
def _optimum(X1_bytes, shape, y_bytes, labels, lam, shift=0, inverted=False, bias_penalised=False):
    """The least cost of a one-vs-all problem (right or catalogued wrong), cached across students."""
    X1, y = np.frombuffer(X1_bytes).reshape(shape), np.frombuffer(y_bytes, dtype=np.int64)
    fits = [fit_logistic(X1, t, lam, bias_penalised) for t in _targets(y, labels, shift, inverted)]
    return _total(fits, X1, _targets(y, labels, shift, inverted), lam, bias_penalised)


def _judge_one_vs_all(spec, calls, timeout):
    canonical = spec.options.get("_canonical", lambda args: args)
    first_label, ones = spec.options["first_label"], spec.options["ones_in_X"]
    n = len(spec.cases)
    for case, call in zip(spec.cases, calls):
        stopped = call_failure(spec.exercise, call, case, n, timeout, raised=True)
        if stopped is not None:
            return stopped
        X, y, K, lam = canonical(case.args)
        X1 = X if ones else np.column_stack([np.ones(X.shape[0]), X])
        got = as_arrays(call.value, like=(np.zeros((K, X1.shape[1])),))
        A = got[0] if got is not None and len(got) == 1 else None
        if A is None:
            return _fail(spec, case, "wrong_type", f"It returned {type(call.value).__name__}, not an array.")
        if A.shape == (K, X1.shape[1] - 1) and not ones:
            return _fail(spec, case, "missing_ones_column", f"all_theta has shape {A.shape}, not "
                         f"{(K, X1.shape[1])}: add the column of ones to X (np.column_stack([np.ones(m), X])) "
                         "so that each classifier has its bias theta[0].")
        if A.shape != (K, X1.shape[1]):
            return _fail(spec, case, "wrong_shape", f"all_theta has shape {A.shape}, not (K, n+1) = "
                         f"{(K, X1.shape[1])} (one row per class, the bias first).")
        if not np.all(np.isfinite(A)):
            return _fail(spec, case, "not_finite", "all_theta holds NaN or infinity.")
        found = [("returns_list", RETURNS_LIST)] if isinstance(call.value, list) else []
        found += _shortfall(A, X1, y, K, lam, first_label, spec.mistakes)
        if found:
            return _fail(spec, case, *zip(*found))
    return CheckResult(spec.exercise, True, f"all {n} cases reach the least one-vs-all cost.", (), None, 0.0, n)


def _shortfall(A, X1, y, K, lam, first_label, mistakes):
    """``[(key, sentence)]``: the catalogued problem the classifiers solve instead, or how far off they are."""
    labels = tuple(range(first_label, first_label + K))
    key = (X1.tobytes(), X1.shape, np.asarray(y, dtype=np.int64).tobytes(), labels, lam)
    start = K * np.log(2.0)  # every problem's cost at theta = 0

    def solves(**knobs):
        best = _optimum(*key, **knobs)
        reached = _total(A, X1, _targets(y, labels, knobs.get("shift", 0), knobs.get("inverted", False)), lam,
                         knobs.get("bias_penalised", False))
        return reached <= best + GAP * (start - best) + 1e-9, reached, best

    right, reached, best = solves()
    if right:
        return []
    for mk in mistakes:
        knobs = {k: v for k, v in getattr(mk.variant, "keywords", {}).items() if k != "ones"}
        if knobs and solves(**knobs)[0]:
            if mk.key != "labels_off_by_one":
                return [(mk.key, mk.message)]
            shift = knobs["shift"]
            return [(mk.key, f"The labels are off by one: row k of all_theta classifies label {first_label}+k"
                             f"{shift:+d}; this exercise numbers the classes {labels[0]}..{labels[-1]}, row k for "
                             f"label {first_label}+k.")]
    closed = (start - reached) / (start - best)  # a share, not the hidden case's optimum itself
    return [("wrong_value", f"Its classifiers close only {closed:.0%} of the gap between the zero start and the "
                            f"least one-vs-all cost (at least {1 - GAP:.0%} is needed): check the cost it "
                            "minimises and that the optimiser runs long enough.")]


def _fail(spec, case, keys, sentences):
    keys, sentences = ((keys,), (sentences,)) if isinstance(keys, str) else (keys, sentences)
    lines = [f"{k}: {s} [case '{case.name}']" for k, s in zip(keys, sentences)]
    text = lines[0].split(": ", 1)[1] if len(lines) == 1 else "\n".join(lines)
    return CheckResult(spec.exercise, False, text, tuple(keys), case.name, np.inf, len(spec.cases))


def rand_initialize_weights_spec(seed=0):
    """``(L_in, L_out) -> W`` of shape (L_out, 1 + L_in), uniform in [-0.12, 0.12], not symmetric.

    Examples
    --------
    >>> from minilr.exercises.judging.judges import EPSILON_INIT, rand_initialize_weights_spec
    >>> from minilr.exercises.judging.runner import run_spec
    >>> def init(L_in, L_out):
    ...     rng = np.random.default_rng(0)
    ...     return rng.uniform(-EPSILON_INIT, EPSILON_INIT, size=(L_out, 1 + L_in))
    >>> spec = rand_initialize_weights_spec()
    >>> run_spec(spec, init).passed
    True
    >>> run_spec(spec, lambda L_in, L_out: np.zeros((L_out, 1 + L_in))).mistakes
    ('symmetric_initialization',)
    """
    cases = (Case("L_in=3, L_out=4", (3, 4)), Case("L_in=10, L_out=6", (10, 6)), Case("L_in=1, L_out=2", (1, 2)))
    return Spec("rand_initialize_weights", cases, None, (), names=("W",), arg_names=("L_in", "L_out"),
                judge=_judge_rand_init)


def _judge_rand_init(spec, calls, timeout):
    n = len(spec.cases)
    for case, call in zip(spec.cases, calls):
        stopped = call_failure(spec.exercise, call, case, n, timeout, raised=True)
        if stopped is not None:
            return stopped
        L_in, L_out = case.args
        got = as_arrays(call.value, like=(np.zeros((L_out, L_in + 1)),))
        W = got[0] if got is not None and len(got) == 1 else None
        if W is None or W.shape != (L_out, 1 + L_in):
            shape = "no array" if W is None else f"shape {W.shape}"
            return _fail(spec, case, "wrong_shape", f"It returned {shape}, not (L_out, 1 + L_in) = "
                         f"{(L_out, 1 + L_in)}: one row per unit of the next layer, its bias weight first.")
        if not np.all(np.isfinite(W)) or np.max(np.abs(W)) > EPSILON_INIT + 1e-12:
            return _fail(spec, case, "wrong_range", f"Its weights leave [-{EPSILON_INIT}, {EPSILON_INIT}] "
                         f"(largest |W| {np.max(np.abs(W)):.3g}): draw uniformly, "
                         "rng.random((L_out, 1 + L_in)) * 2 * epsilon_init - epsilon_init.")
        if len(np.unique(W, axis=0)) < L_out or np.ptp(W) == 0:
            return _fail(spec, case, "symmetric_initialization", "Two hidden units start with the same weights "
                         "(zero or constant initialisation): they then get the same gradient and stay copies "
                         "of each other forever. Draw each weight at random in [-epsilon_init, epsilon_init].")
    return CheckResult(spec.exercise, True, f"all {n} cases have the shape, the range and no symmetry.",
                       (), None, 0.0, n)
