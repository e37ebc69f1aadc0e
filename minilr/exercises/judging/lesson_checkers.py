r"""Checkers for what lessons 2-5 teach: one-vs-all, softmax, the network, gradient checks, F1, Dask.

They work like the checkers of :mod:`minilr.exercises.judging.checkers` (same
:class:`~minilr.exercises.judging.runner.CheckResult`, same catalogue of mistakes,
listed in :mod:`minilr.exercises.judging.lesson_mistakes`) and are registered in
:data:`minilr.exercises.CHECKERS` under the names below. When a student's
function returns the wrong type or shape, a list of the wrong length or None,
the diagnosis says what was expected.

==========================  ======================================================================
exercise                    student's function
==========================  ======================================================================
``train_one_vs_all``        ``train_one_vs_all(X, y, num_labels, lam) -> all_theta`` (K, n+1)
``softmax_cost``            ``softmax_cost(Theta, X, y, lam) -> (J, grad)``, Theta (n+1, K)
``forward``                 ``forward(W1, b1, W2, b2, X) -> h`` of shape (m, 1)
``numerical_gradient``      ``numerical_gradient(f, theta, eps=1e-5) -> grad`` of shape (n,)
``combine_gradients``       ``combine_gradients(grads, counts) -> grad``
``decision_boundary``       ``decision_boundary(w, b, x1) -> x2``
``f1_score``                ``f1_score(y_true, y_pred) -> float``
==========================  ======================================================================
"""

import functools
from dataclasses import replace

import numpy as np

from ...gradcheck import numerical_gradient as _numerical_gradient
from ...losses import softmax_cost_and_gradient
from ..running import inputs
from .judges import check_train_one_vs_all, expecting
from .mistakes import mistakes_for
from .runner import Case, Spec, diagnosis_line, run_spec

__all__ = [
    "check_train_one_vs_all",
    "check_softmax_cost",
    "check_forward",
    "check_numerical_gradient",
    "check_combine_gradients",
    "check_decision_boundary",
    "check_f1_score",
    "LESSON_CHECKERS",
]


# The arguments' names, as in minilr.exercises.judging.profiles.KINDS (for mutates_input and the profiles).
_ARGS = {"softmax_cost": ("Theta", "X", "y", "lam"), "forward": ("W1", "b1", "W2", "b2", "X"),
         "numerical_gradient": ("f", "theta"), "combine_gradients": ("grads", "counts"),
         "decision_boundary": ("w", "b", "x1"), "f1_score": ("y_true", "y_pred")}


def _spec(exercise, cases, reference, names, form, fix=None):
    """A lesson check as a Spec: its catalogued mistakes, and the diagnosis saying what form was expected."""

    def finish(result):
        return expecting(fix(result) if fix is not None else result, form)

    return Spec(exercise, tuple(cases), reference, tuple(mistakes_for(exercise)), names=names,
                arg_names=_ARGS[exercise], finish=finish)


# ------------------------------------------------------------------ softmax cost
def _softmax_cost(Theta, X, y, lam):
    K = Theta.shape[1]
    J, grad_W, grad_b = softmax_cost_and_gradient(Theta[1:], Theta[0], X[:, 1:], np.eye(K)[y], lam)
    return J, np.vstack([grad_b, grad_W])


def _softmax_case(rng, m, n, K, lam):
    X = np.column_stack([np.ones(m), rng.normal(size=(m, n))])
    y = rng.integers(0, K, size=m)
    return rng.normal(size=(n + 1, K)), X, y, lam


def check_softmax_cost(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``softmax_cost(Theta, X, y, lam) -> (J, grad)``.

    Parameters
    ----------
    fn : callable
        ``Theta`` of shape (n+1, K), row 0 the biases; ``X`` of shape
        (m, n+1) whose first column is ones; ``y`` of shape (m,) with integer
        labels 0..K-1; ``lam >= 0``. Returns the float ``J`` and ``grad`` of
        shape (n+1, K):

        .. math::
            Z = X\Theta,\quad P = \operatorname{softmax}(Z),\quad
            J = -\frac1m \sum_i \log P_{i, y_i} + \frac{\lambda}{2m} \sum_{j \ge 1} \sum_k \Theta_{jk}^2

            \nabla J = \frac1m X^\top (P - Y) + \frac{\lambda}{m} [0; \Theta_{1:}]
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``softmax_no_max_subtraction``, ``one_hot_transposed`` (a
        case has m = K), ``bias_regularized``, ``sum_instead_of_mean``,
        ``gradient_summed_over_classes``.

    Examples
    --------
    >>> check_softmax_cost(lambda Theta, X, y, lam: None).mistakes
    ('returned_none',)
    """
    return run_spec(softmax_cost_spec(seed), fn, timeout=timeout)


def softmax_cost_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_softmax_cost`, as a Spec."""
    rng = np.random.default_rng(seed)
    # Z = (1000, 0, -1000), (-1000, 0, 1000), (2, 0, -2): confident and right, as in check_cost.
    big = (np.array([[0.0, 0.0, 0.0], [1.0, 0.0, -1.0]]), np.array([[1.0, 1000.0], [1.0, -1000.0], [1.0, 2.0]]),
           np.array([0, 2, 0]), 0.0)
    cases = [
        Case("8 samples, 3 features, K=3, lam=0", _softmax_case(rng, 8, 3, 3, 0.0)),
        Case("8 samples, 3 features, K=3, lam=1.5", _softmax_case(rng, 8, 3, 3, 1.5)),
        Case("one sample, K=3, lam=0.5", _softmax_case(rng, 1, 2, 3, 0.5)),
        Case("as many samples as classes (m = K = 4), lam=0.5", _softmax_case(rng, 4, 2, 4, 0.5)),
        Case("|z| = 1000, lam=0", big, extreme=True),
    ]
    return _spec("softmax_cost", cases, _softmax_cost, ("J", "grad"),
                 "a pair (J, grad): the float J and grad of shape (n+1, K), like Theta")


# ------------------------------------------------------------------ forward pass
def _forward(W1, b1, W2, b2, X):
    from ...neural_net import forward as _network_forward  # lazily: the network is the heaviest module

    return _network_forward([W1, b1, W2, b2], X, activation="relu")[1]["h"]


def check_forward(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``forward(W1, b1, W2, b2, X) -> h``, the network of ``backprop``.

    Parameters
    ----------
    fn : callable
        ``W1`` of shape (n, n_h), ``b1`` (n_h,), ``W2`` (n_h, 1), ``b2`` (1,),
        ``X`` (m, n). Returns the output probabilities ``h`` of shape (m, 1):

        .. math::
            Z_1 = X W_1 + b_1,\quad A_1 = \max(Z_1, 0),\quad h = \sigma(A_1 W_2 + b_2)
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``output_activation_twice``, ``weights_transposed`` (a case
        has a square W1), ``bias_wrong_axis`` (a case has m = n_h),
        ``hidden_activation_missing``, ``wrong_hidden_activation``.

    Examples
    --------
    >>> check_forward(lambda W1, b1, W2, b2, X: None).mistakes
    ('returned_none',)
    """
    return run_spec(forward_spec(seed), fn, timeout=timeout)


def forward_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_forward`, as a Spec."""
    rng = np.random.default_rng(seed)

    def case(name, m, n, n_h):
        W1, b1 = rng.normal(size=(n, n_h)), rng.normal(scale=0.5, size=n_h)
        W2, b2 = rng.normal(size=(n_h, 1)), rng.normal(scale=0.5, size=1)
        return Case(name, (W1, b1, W2, b2, rng.normal(size=(m, n))))

    cases = [case("6 samples, 3 inputs, 5 hidden units", 6, 3, 5), case("one sample", 1, 3, 5),
             case("square W1 (3 x 3), 5 samples", 5, 3, 3), case("4 samples, 4 hidden units", 4, 2, 4)]
    return _spec("forward", cases, _forward, ("h",), "h, an array of shape (m, 1): one probability per sample")


# ------------------------------------------------------------------ numerical gradient
def check_numerical_gradient(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``numerical_gradient(f, theta, eps=1e-5) -> grad``.

    Parameters
    ----------
    fn : callable
        ``f`` maps an array of shape (n,) to a float; ``theta`` of shape (n,)
        is the point (the caller's array must come back unchanged); ``eps``
        the step. Returns ``grad`` of shape (n,), the central difference:

        .. math::
            g_j = \frac{f(\theta + \epsilon e_j) - f(\theta - \epsilon e_j)}{2\epsilon}
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Compared with :func:`minilr.numerical_gradient`. Diagnoses
        ``one_sided_difference``, ``divided_by_eps``, ``theta_not_restored``,
        ``eps_too_small``.

    Examples
    --------
    >>> from minilr.gradcheck import numerical_gradient
    >>> check_numerical_gradient(numerical_gradient).passed
    True
    """
    return run_spec(numerical_gradient_spec(seed), fn, timeout=timeout)


def numerical_gradient_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_numerical_gradient`, as a Spec."""
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(5, 5))
    # The functions to differentiate come from a module the student's process loads without minilr.
    bumpy = functools.partial(inputs.bumpy, A=B @ B.T / 5 + np.eye(5))
    X = np.column_stack([np.ones(12), rng.normal(size=(12, 3))])
    logistic = functools.partial(inputs.logistic, X=X, t=(rng.random(12) < 0.5).astype(float))
    cases = [
        Case("exp and quadratic, 5 parameters", (bumpy, rng.normal(size=5))),
        Case("a logistic cost, 4 parameters", (logistic, rng.normal(size=4))),
        Case("exp and quadratic, eps=1e-3 given", (bumpy, rng.normal(size=5), 1e-3)),
        Case("a logistic cost, eps=1e-4 given", (logistic, rng.normal(size=4), 1e-4)),
    ]
    return _spec("numerical_gradient", cases, _numerical_gradient, ("grad",),
                 "grad, an array shaped like theta: one partial derivative per entry")


# ------------------------------------------------------------------ combining block gradients
def _combine_gradients(grads, counts):
    counts = np.asarray(counts, dtype=float)
    return np.tensordot(counts, np.asarray(grads, dtype=float), axes=1) / counts.sum()


def check_combine_gradients(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``combine_gradients(grads, counts) -> grad``.

    Parameters
    ----------
    fn : callable
        ``grads``: a list of B arrays of shape (n,), block b's *mean* gradient
        over its rows; ``counts``: the B row counts. Returns the gradient of
        shape (n,) over all the rows, the blocks' means weighted by their counts:

        .. math::
            g = \frac{\sum_b c_b \, g_b}{\sum_b c_b}
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``unweighted_mean``, ``sum_not_divided``, ``counts_ignored``,
        ``divided_by_blocks``.

    Examples
    --------
    >>> check_combine_gradients(lambda grads, counts: np.average(grads, axis=0, weights=counts)).passed
    True
    >>> check_combine_gradients(lambda grads, counts: np.mean(grads, axis=0)).mistakes
    ('unweighted_mean',)
    """
    return run_spec(combine_gradients_spec(seed), fn, timeout=timeout)


def combine_gradients_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_combine_gradients`, as a Spec."""
    rng = np.random.default_rng(seed)

    def blocks(counts, n=3):
        return [rng.normal(size=n) for _ in counts], list(counts)

    grads, counts = blocks([37, 12, 5, 9])
    cases = [
        Case("3 blocks of 40, 25 and 10 rows", blocks([40, 25, 10])),
        Case("2 blocks of 50 rows", blocks([50, 50])),
        Case("one block of 7 rows", blocks([7])),
        Case("4 blocks given as arrays: grads (4, 3), counts (4,)", (np.array(grads), np.array(counts))),
    ]
    return _spec("combine_gradients", cases, _combine_gradients, ("grad",),
                 "grad, an array shaped like one block's gradient")


# ------------------------------------------------------------------ decision boundary
def _decision_boundary(w, b, x1):
    return -(w[0] * np.asarray(x1, dtype=float) + b) / w[1]


def check_decision_boundary(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``decision_boundary(w, b, x1) -> x2``.

    Parameters
    ----------
    fn : callable
        ``w`` of shape (2,) with ``w[1] != 0``, the float ``b``, ``x1`` of
        shape (k,). Returns ``x2`` of shape (k,): the points of the line where
        the classifier is undecided, :math:`\sigma(w_1 x_1 + w_2 x_2 + b) = 1/2`:

        .. math::
            x_2 = -\frac{w_1 x_1 + b}{w_2}
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``sign_flipped``, ``weights_swapped``, ``bias_forgotten``.

    Examples
    --------
    >>> check_decision_boundary(lambda w, b, x1: -(w[0] * np.asarray(x1, float) + b) / w[1]).passed
    True
    >>> check_decision_boundary(lambda w, b, x1: (w[0] * np.asarray(x1, float) + b) / w[1]).mistakes
    ('sign_flipped',)
    """
    return run_spec(decision_boundary_spec(seed), fn, timeout=timeout)


def decision_boundary_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_decision_boundary`, as a Spec."""
    rng = np.random.default_rng(seed)
    cases = [
        Case("w = (1.5, -2), b = 0.7, 7 points", (np.array([1.5, -2.0]), 0.7, np.linspace(-3, 3, 7))),
        Case("random w and b, 5 points", (rng.normal(size=2) + [0.3, 1.0], float(rng.normal()), rng.normal(size=5))),
        Case("one point, b = -3", (np.array([-0.5, 4.0]), -3.0, np.array([2.0]))),
    ]
    return _spec("decision_boundary", cases, _decision_boundary, ("x2",), "x2, an array shaped like x1")


# ------------------------------------------------------------------ F1 score
def _f1_score(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp, fn = np.sum((y_true != 1) & (y_pred == 1)), np.sum((y_true == 1) & (y_pred != 1))
    return 2.0 * tp / (2 * tp + fp + fn) if tp else 0.0


def check_f1_score(fn, *, timeout=10.0, seed=0):
    r"""Check a student's binary ``f1_score(y_true, y_pred) -> float``.

    Parameters
    ----------
    fn : callable
        ``y_true`` and ``y_pred`` of shape (m,) with labels 0/1 (the positive
        label is 1). Returns the float F1 score, 0.0 when there is no true or
        no predicted positive:

        .. math::
            F_1 = \frac{2 P R}{P + R} = \frac{2\,tp}{2\,tp + fp + fn}
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``accuracy_instead_of_f1``, ``missing_factor_2``,
        ``division_by_zero`` (NaN, or a ZeroDivisionError), ``wrong_positive_label``,
        ``precision_or_recall_only``.

    Examples
    --------
    >>> from minilr.metrics import f1_score
    >>> check_f1_score(f1_score).passed
    True
    """
    return run_spec(f1_score_spec(seed), fn, timeout=timeout)


def f1_score_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_f1_score`, as a Spec."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(20) < 0.4).astype(int)
    cases = [
        Case("20 random labels", (y_true, np.where(rng.random(20) < 0.75, y_true, 1 - y_true))),
        Case("no predicted positive", (np.array([1, 0, 1, 0, 0]), np.zeros(5, dtype=int))),
        Case("no positive at all", (np.zeros(6, dtype=int), np.zeros(6, dtype=int))),
        Case("every prediction right", (np.array([0, 1, 1, 0, 1]), np.array([0, 1, 1, 0, 1]))),
        Case("labels as floats", (np.array([1.0, 1.0, 0.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0]))),
    ]
    return _spec("f1_score", cases, _f1_score, ("F1",), "one float between 0 and 1", _zero_division)


def _zero_division(result):
    """A ZeroDivisionError raised by plain Python division is the division_by_zero mistake."""
    if "raised" in result.mistakes and "ZeroDivisionError" in result.diagnosis:
        division = next(mk for mk in mistakes_for("f1_score") if mk.key == "division_by_zero")
        line = diagnosis_line("division_by_zero", division.message, result.worst_case)
        return replace(result, mistakes=("division_by_zero", *result.mistakes), diagnosis=f"{line}\n{result.diagnosis}")
    return result


LESSON_CHECKERS = {
    "train_one_vs_all": check_train_one_vs_all,
    "softmax_cost": check_softmax_cost,
    "forward": check_forward,
    "numerical_gradient": check_numerical_gradient,
    "combine_gradients": check_combine_gradients,
    "decision_boundary": check_decision_boundary,
    "f1_score": check_f1_score,
}

# The same checks as data, for the batch grader (``minilr`` profile): ``LESSON_SPECS[name](seed) -> Spec``.
LESSON_SPECS = {name: globals()[f"{name}_spec"] for name in LESSON_CHECKERS if name != "train_one_vs_all"}
from .lesson6_checkers import LESSON6_SPECS  # noqa: E402 - lesson 6's (map_feature, validation_curve) too

LESSON_SPECS.update(LESSON6_SPECS)
