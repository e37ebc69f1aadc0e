r"""Checks judged by properties, not by equal outputs: one-vs-all training and a random initialisation.

``oneVsAll(X, y, num_labels, lambda_) -> all_theta`` has no single right
answer (each student's optimiser stops somewhere else), so it is judged by
the regularised cost its K classifiers reach on the training data,

.. math::
    J(\Theta) = \sum_{k} J_k(\theta_k), \quad
    J_k(\theta) = \text{the logistic cost of } \theta \text{ on } (X, [y = k]),

which must close at least 98% of the gap between the zero start and the
optimum. ``randInitializeWeights(L_in, L_out)`` is judged by its shape
(L_out, 1 + L_in), its range [-0.12, 0.12] and that no two hidden units
start alike (zero or symmetric initialisation never breaks the symmetry).
"""

from functools import lru_cache

import numpy as np

from ...losses import regularized_cost, regularized_gradient
from .compare import as_arrays
from .runner import Case, CheckResult, Spec, call_failure

__all__ = ["one_vs_all_spec", "rand_initialize_weights_spec", "EPSILON_INIT", "GAP"]

EPSILON_INIT = 0.12
GAP = 0.02  # the share of the reducible cost a trained one-vs-all may leave


def _ova_data(seed, m, n, K, first_label):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    W = rng.normal(scale=1.5, size=(n, K))
    y = np.argmax(X @ W + rng.gumbel(size=(m, K)), axis=1) + first_label  # noisy: a finite optimum
    return X, y


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
    for name, m, n, K, lam in [("3 classes, 60 samples, lam=0.1", 60, 3, 3, 0.1),
                               ("4 classes, 80 samples, lam=1", 80, 2, 4, 1.0)]:
        X, y = _ova_data(seed + K, m, n, K, first_label)
        if ones_in_X:
            X = np.column_stack([np.ones(m), X])
        cases.append(Case(name, (X, y, K, lam)))
    return Spec("one_vs_all", tuple(cases), None, (), {"first_label": first_label, "ones_in_X": ones_in_X},
                names=("all_theta",), arg_names=("X", "y", "K", "lam"), judge=_judge_one_vs_all)


def _costs(all_theta, X1, y, labels, lam):
    return sum(regularized_cost(theta, X1, (y == c) * 1.0, lam) for theta, c in zip(all_theta, labels))


@lru_cache(maxsize=64)
def _optimum(X1_bytes, shape, y_bytes, labels, lam):
    """The least one-vs-all cost (one L-BFGS fit per class), cached across students."""
    from scipy.optimize import minimize  # lazily: only one-vs-all needs it

    X1, y = np.frombuffer(X1_bytes).reshape(shape), np.frombuffer(y_bytes, dtype=np.int64)
    total = 0.0
    for c in labels:
        yc = (y == c) * 1.0
        fit = minimize(lambda t: (regularized_cost(t, X1, yc, lam), regularized_gradient(t, X1, yc, lam)),
                       np.zeros(shape[1]), jac=True, method="L-BFGS-B", options={"gtol": 1e-10, "ftol": 1e-14})
        total += fit.fun
    return total


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
            return _fail(spec, case, "wrong_shape", f"all_theta has shape {A.shape}, not {(K, X1.shape[1])} "
                         "(one row per class, the bias first).")
        if not np.all(np.isfinite(A)):
            return _fail(spec, case, "not_finite", "all_theta holds NaN or infinity.")
        found = _shortfall(A, X1, y, K, lam, first_label)
        if found is not None:
            return _fail(spec, case, *found)
    return CheckResult(spec.exercise, True, f"all {n} cases reach the least one-vs-all cost.", (), None, 0.0, n)


def _shortfall(A, X1, y, K, lam, first_label):
    """``(key, sentence)`` if the classifiers' cost is too far above the optimum, else None."""
    labels = tuple(range(first_label, first_label + K))
    key = (X1.tobytes(), X1.shape, np.asarray(y, dtype=np.int64).tobytes())
    best, start = _optimum(*key, labels, lam), K * np.log(2.0)
    reached = _costs(A, X1, y, labels, lam)
    if reached <= best + GAP * (start - best) + 1e-9:
        return None
    for shift in (1, -1):  # trained on y == k + 1 (MATLAB's labels) where the classes are k
        shifted = tuple(c + shift for c in labels)
        if _costs(A, X1, y, shifted, lam) <= _optimum(*key, shifted, lam) + GAP * (start - best) + 1e-9:
            return "labels_off_by_one", (f"The labels are off by one: row k of all_theta classifies label "
                                         f"{first_label}+k{shift:+d}; this exercise numbers the classes "
                                         f"{labels[0]}..{labels[-1]}, row k for label {first_label}+k.")
    closed = (start - reached) / (start - best)  # a share, not the hidden case's optimum itself
    return "wrong_value", (f"Its classifiers close only {closed:.0%} of the gap between the zero start and the "
                           f"least one-vs-all cost (at least {1 - GAP:.0%} is needed): check the cost it "
                           "minimises and that the optimiser runs long enough.")


def _fail(spec, case, key, sentence):
    return CheckResult(spec.exercise, False, f"{sentence} [case '{case.name}']", (key,), case.name, np.inf,
                       len(spec.cases))


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
