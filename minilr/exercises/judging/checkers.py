r"""One checker per coursework exercise.

Each checker calls the student's function on seeded random cases and on the
edge cases where mistakes show (:math:`z = \pm 1000`, ``lam = 0`` and
``lam > 0``, one sample, a square ``X``, K columns, a ReLU input of exactly
0), compares with minilr's reference, and returns a
:class:`~minilr.exercises.judging.runner.CheckResult`. It never raises because the
student's answer is wrong: it reports.

The signatures the students implement
-------------------------------------
==========================  ==============================================================
exercise                    student's function
==========================  ==============================================================
``sigmoid``                 ``sigmoid(z) -> h``, elementwise, any shape
``cost``                    ``cost(theta, X, y, lam) -> J`` (a float)
``gradient``                ``gradient(theta, X, y, lam) -> grad`` of shape (n+1,)
``gradient_descent_step``   ``gradient_descent_step(theta, X, y, alpha, lam) -> theta_new``
``predict_one_vs_all``      ``predict_one_vs_all(all_theta, X) -> labels`` of shape (m,)
``backprop``                ``backprop(W1, b1, W2, b2, X, y) -> (dW1, db1, dW2, db2)``
``softmax``                 ``softmax(Z) -> P``, rows summing to 1
``train_one_vs_all``        ``train_one_vs_all(X, y, num_labels, lam) -> all_theta`` (K, n+1)
``softmax_cost``            ``softmax_cost(Theta, X, y, lam) -> (J, grad)``, Theta (n+1, K)
``forward``                 ``forward(W1, b1, W2, b2, X) -> h`` of shape (m, 1)
``numerical_gradient``      ``numerical_gradient(f, theta, eps=1e-5) -> grad`` of shape (n,)
``combine_gradients``       ``combine_gradients(grads, counts) -> grad``, counts-weighted
``decision_boundary``       ``decision_boundary(w, b, x1) -> x2`` on w1 x1 + w2 x2 + b = 0
``f1_score``                ``f1_score(y_true, y_pred) -> float``, positive label 1
==========================  ==============================================================

The last seven are the lessons' exercises; their checkers live in
:mod:`minilr.exercises.judging.lesson_checkers`.

In the logistic exercises ``X`` of shape (m, n+1) has a first column of
ones, ``theta[0]`` is the unpenalised bias, ``y`` of shape (m,) holds 0/1
and the cost is :math:`J = \frac1m \sum_i [-y_i \log h_i - (1-y_i)\log(1-h_i)]
+ \frac{\lambda}{2m} \sum_{j\ge1} \theta_j^2`. In ``predict_one_vs_all``,
``all_theta`` of shape (K, n+1) holds one classifier per row and ``X`` of
shape (m, n) has no column of ones (add it); labels are 0..K-1 unless the
checker is given ``first_label=1``.
"""

from functools import partial

import numpy as np

from ...functions import sigmoid, softmax
from ...losses import regularized_cost, regularized_gradient
from .mistakes import mistakes_for
from .runner import Case, Spec, run_spec

__all__ = [
    "check_sigmoid",
    "check_cost",
    "check_gradient_fn",
    "check_gradient_descent_step",
    "check_predict_one_vs_all",
    "check_backprop",
    "check_softmax",
    "CHECKERS",
    "SPECS",
]


_LOGISTIC_ARGS = ("theta", "X", "y", "lam")


# ------------------------------------------------------------------ cases
def logistic_data(rng, m, n):
    """``(theta, X, y)``: X with its column of ones, moderate logits, 0/1 labels."""
    X = np.column_stack([np.ones(m), rng.normal(size=(m, n))])
    theta = rng.normal(size=n + 1)
    y = (rng.random(m) < 0.5).astype(float)
    return theta, X, y


def logistic_cases(seed):
    """``(name, theta, X, y, lam)`` shared by cost, gradient and the GD step."""
    rng = np.random.default_rng(seed)
    theta, X, y = logistic_data(rng, 10, 3)
    one, square = logistic_data(rng, 1, 3), logistic_data(rng, 4, 3)
    # z = X @ theta = (1000, -1000, 2): confident and right on the first two samples.
    big = (np.array([0.0, 1.0]), np.array([[1.0, 1000.0], [1.0, -1000.0], [1.0, 2.0]]), np.array([1.0, 0.0, 1.0]))
    return [
        ("random data (10 samples), lam=0", theta, X, y, 0.0),
        ("random data (10 samples), lam=1.5", theta, X, y, 1.5),
        ("one sample, lam=0.7", *one, 0.7),
        ("square X (4 x 4), lam=0.5", *square, 0.5),
        ("|z| = 1000, lam=0", *big, 0.0),
    ]


# ------------------------------------------------------------------ references
def _gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * regularized_gradient(theta, X, y, lam)


def _predict_one_vs_all(all_theta, X, first_label=0):
    X1 = np.column_stack([np.ones(X.shape[0]), X])
    return np.argmax(sigmoid(X1 @ all_theta.T), axis=1) + first_label


def _backprop(W1, b1, W2, b2, X, y):
    from ...neural_net import loss_and_gradients  # lazily: the network is the heaviest module

    _, grads = loss_and_gradients([W1, b1, W2, b2], X, y, lam=0.0, activation="relu")
    return tuple(grads)


# ------------------------------------------------------------------ checkers
def check_sigmoid(fn, *, timeout=10.0, seed=0):
    """Check a student's ``sigmoid(z) -> h``.

    Parameters
    ----------
    fn : callable
        ``fn(z)`` with ``z`` a float or an ndarray of any shape; returns the
        elementwise sigmoid, same shape.
    timeout : float, default=10.0
        Seconds allowed for each call.
    seed : int, default=0
        Seed of the random cases.

    Returns
    -------
    CheckResult
        Diagnoses ``sign_flipped``, ``unstable_sigmoid`` (overflow
        warning or NaN at :math:`z = \\pm 1000`) and
        ``where_evaluates_both_branches`` (``np.where`` computes both formulas).

    Examples
    --------
    >>> check_sigmoid(lambda z: 0.5 * (1 + np.tanh(0.5 * np.asarray(z, float)))).passed
    True
    """
    rng = np.random.default_rng(seed)
    return run_spec(sigmoid_spec(seed), fn, timeout=timeout)


def sigmoid_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_sigmoid`, as a :class:`Spec`."""
    rng = np.random.default_rng(seed)
    cases = (
        Case("random z of shape (4, 3)", (rng.normal(scale=3.0, size=(4, 3)),)),
        Case("z = 0.0, a scalar", (0.0,)),
        Case("z from -1000 to 1000", (np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0]),), extreme=True),
    )
    return Spec("sigmoid", cases, sigmoid, tuple(mistakes_for("sigmoid")), names=("h",), arg_names=("z",))


def check_cost(fn, *, timeout=10.0, seed=0):
    r"""Check a student's regularised logistic ``cost(theta, X, y, lam) -> J``.

    Parameters
    ----------
    fn : callable
        ``fn(theta, X, y, lam)`` with ``theta`` of shape (n+1,), ``X`` of
        shape (m, n+1) whose first column is ones, ``y`` of shape (m,) in
        {0, 1} and ``lam >= 0``; returns the float

        .. math::
            J = -\frac1m \sum_i \bigl[y_i \log h_i + (1 - y_i) \log(1 - h_i)\bigr]
                + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_j^2, \quad h = \sigma(X\theta)
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``bias_regularized``, ``missing_1_over_m``, ``lam_over_m``,
        ``sum_instead_of_mean``, ``sign_flipped``, ``transposed_X``, ``log_of_zero``,
        ``unstable_sigmoid``; two of them together; ``depends_on_broken`` when
        it fails through the student's own ``sigmoid``.

    Examples
    --------
    >>> check_cost(lambda theta, X, y, lam: -regularized_cost(theta, X, y, lam)).mistakes
    ('sign_flipped',)
    """
    return run_spec(cost_spec(seed), fn, timeout=timeout)


def _logistic_case_tuple(seed):
    return tuple(Case(name, args, extreme="1000" in name) for name, *args in logistic_cases(seed))


def cost_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_cost`."""
    return Spec("cost", _logistic_case_tuple(seed), regularized_cost, tuple(mistakes_for("cost")),
                names=("J",), arg_names=_LOGISTIC_ARGS)


def check_gradient_fn(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``gradient(theta, X, y, lam) -> grad`` of the regularised cost.

    Named ``check_gradient_fn`` because :func:`minilr.check_gradient` is the
    finite-difference check.

    Parameters
    ----------
    fn : callable
        Same arguments as in :func:`check_cost`; returns ``grad`` of shape (n+1,):

        .. math::
            \nabla J = \frac1m X^\top (h - y) + \frac{\lambda}{m} [0, \theta_1, \dots, \theta_n]
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``bias_regularized``, ``missing_1_over_m``, ``lam_over_2m``,
        ``sum_instead_of_mean``, ``sign_flipped``, ``transposed_X``,
        ``unstable_sigmoid``; two of them together; ``depends_on_broken``.

    Examples
    --------
    >>> check_gradient_fn(lambda theta, X, y, lam: -regularized_gradient(theta, X, y, lam)).mistakes
    ('sign_flipped',)
    """
    return run_spec(gradient_spec(seed), fn, timeout=timeout)


def gradient_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_gradient_fn`."""
    return Spec("gradient", _logistic_case_tuple(seed), regularized_gradient, tuple(mistakes_for("gradient")),
                names=("grad",), arg_names=_LOGISTIC_ARGS)


def check_gradient_descent_step(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``gradient_descent_step(theta, X, y, alpha, lam) -> theta_new``.

    Parameters
    ----------
    fn : callable
        ``theta, X, y, lam`` as in :func:`check_cost`, ``alpha > 0`` the
        learning rate; returns the new parameters (shape (n+1,)) after one
        full-batch step, :math:`\theta - \alpha \nabla J(\theta)`. It may
        update ``theta`` in place too: the checker passes copies.
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``sign_flipped`` (uphill), ``bias_regularized``,
        ``missing_1_over_m``, ``lam_over_2m``, ``sum_instead_of_mean``, ``transposed_X``,
        ``returns_gradient``, ``unstable_sigmoid``; ``depends_on_broken`` when
        it fails through the student's own ``gradient``.

    Examples
    --------
    >>> uphill = lambda theta, X, y, alpha, lam: theta + alpha * regularized_gradient(theta, X, y, lam)
    >>> check_gradient_descent_step(uphill).mistakes
    ('sign_flipped',)
    """
    return run_spec(gradient_descent_step_spec(seed), fn, timeout=timeout)


def gradient_descent_step_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_gradient_descent_step`."""
    cases = tuple(Case(name + ", alpha=0.3", (theta, X, y, 0.3, lam), extreme="1000" in name)
                  for name, theta, X, y, lam in logistic_cases(seed))
    return Spec("gradient_descent_step", cases, _gradient_descent_step,
                tuple(mistakes_for("gradient_descent_step")), names=("theta_new",),
                arg_names=("theta", "X", "y", "alpha", "lam"))


def check_predict_one_vs_all(fn, *, first_label=0, timeout=10.0, seed=0):
    """Check a student's ``predict_one_vs_all(all_theta, X) -> labels``.

    Parameters
    ----------
    fn : callable
        ``fn(all_theta, X)`` with ``all_theta`` of shape (K, n+1) (row k is
        the classifier of class k, its column 0 the bias) and ``X`` of shape
        (m, n) *without* the column of ones; returns integer labels of shape
        (m,): for each sample, the class whose classifier is most confident.
    first_label : {0, 1}, default=0
        Label of the first class: 0 gives labels 0..K-1 (NumPy's argmax),
        1 gives 1..K (the classic Octave exercise).
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``labels_off_by_one`` and ``argmax_wrong_axis``.

    Examples
    --------
    >>> check_predict_one_vs_all(lambda A, X: np.argmax(A[:, 0] + X @ A[:, 1:].T, axis=1) + 1).mistakes
    ('labels_off_by_one',)
    """
    return run_spec(predict_one_vs_all_spec(seed, first_label=first_label), fn, timeout=timeout)


def predict_one_vs_all_spec(seed=0, *, first_label=0):
    """The cases, reference and mistakes of :func:`check_predict_one_vs_all`."""
    if first_label not in (0, 1):
        raise ValueError(f"first_label must be 0 or 1, got {first_label!r}.")
    rng = np.random.default_rng(seed)

    def case(name, K, m, n):
        return Case(name, (rng.normal(size=(K, n + 1)), rng.normal(size=(m, n))))

    cases = (
        case("random, K=3 classes, 8 samples", 3, 8, 4),
        case("one sample, K=4", 4, 1, 4),
        case("K=2 classes, 6 samples", 2, 6, 3),
        case("as many samples as classes (K = m = 3)", 3, 3, 2),
        # Sample i is class i % 3 with a score of +1000, every other class -1000.
        Case("|z| = 1000", (np.column_stack([np.full(3, -1000.0), 2000.0 * np.eye(3)]), np.eye(3)[[0, 1, 2, 1]]),
             extreme=True),
    )
    return Spec("predict_one_vs_all", cases, partial(_predict_one_vs_all, first_label=first_label),
                tuple(mistakes_for("predict_one_vs_all")), {"first_label": first_label}, names=("labels",),
                arg_names=("all_theta", "X"))


def check_backprop(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``backprop(W1, b1, W2, b2, X, y) -> (dW1, db1, dW2, db2)``.

    The network has one ReLU hidden layer and one sigmoid output unit; the
    cost is the mean binary cross-entropy, unregularised.

    Parameters
    ----------
    fn : callable
        ``W1`` of shape (n, n_h), ``b1`` (n_h,), ``W2`` (n_h, 1), ``b2`` (1,),
        ``X`` (m, n), ``y`` (m,) in {0, 1}. Returns the four gradients, each
        shaped like its parameter:

        .. math::
            Z_1 = X W_1 + b_1,\; A_1 = \max(Z_1, 0),\; h = \sigma(A_1 W_2 + b_2)

            \delta_2 = \tfrac1m (h - y),\quad \delta_1 = (\delta_2 W_2^\top) \odot [Z_1 > 0]

            dW_2 = A_1^\top \delta_2,\; db_2 = \textstyle\sum_i \delta_2,\;
            dW_1 = X^\top \delta_1,\; db_1 = \textstyle\sum_i \delta_1
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``relu_derivative_at_zero`` (a case has ReLU inputs of
        exactly 0), ``relu_derivative_missing``, ``sum_instead_of_mean``,
        ``sign_flipped``. The reference is
        :func:`minilr.neural_net.loss_and_gradients`.

    Examples
    --------
    >>> check_backprop(lambda W1, b1, W2, b2, X, y: None).mistakes
    ('returned_none',)
    """
    return run_spec(backprop_spec(seed), fn, timeout=timeout)


def backprop_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_backprop`."""
    rng = np.random.default_rng(seed)

    def case(name, m, n=3, n_h=4):
        X, y = rng.normal(size=(m, n)), (rng.random(m) < 0.5).astype(float)
        W1, b1 = rng.normal(size=(n, n_h)), rng.normal(scale=0.5, size=n_h)
        W2, b2 = rng.normal(size=(n_h, 1)), rng.normal(scale=0.5, size=1)
        return Case(name, (W1, b1, W2, b2, X, y))

    kink = case("ReLU inputs exactly 0", 5)
    W1, b1, _, _, X, _ = kink.args
    # Hidden unit 0 gets input 0 for every sample, unit 2 for sample 0: the kink of the ReLU.
    W1[:, 0], b1[0], X[0], b1[2] = 0.0, 0.0, 0.0, 0.0
    cases = (case("random, 6 samples", 6), case("one sample", 1), kink)
    return Spec("backprop", cases, _backprop, tuple(mistakes_for("backprop")), names=("dW1", "db1", "dW2", "db2"),
                arg_names=("W1", "b1", "W2", "b2", "X", "y"))


def check_softmax(fn, *, timeout=10.0, seed=0):
    r"""Check a student's row-wise ``softmax(Z) -> P``.

    Parameters
    ----------
    fn : callable
        ``fn(Z)`` with ``Z`` of shape (m, K), one row of logits per sample;
        returns ``P`` of shape (m, K), each row
        :math:`e^{z_k} / \sum_j e^{z_j}`, summing to 1.
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Diagnoses ``softmax_no_max_subtraction`` (overflow at
        :math:`|z| = 1000`) and ``softmax_wrong_axis``.

    Examples
    --------
    >>> check_softmax(lambda Z: np.exp(Z) / np.exp(Z).sum()).mistakes
    ('softmax_wrong_axis',)
    """
    return run_spec(softmax_spec(seed), fn, timeout=timeout)


def softmax_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_softmax`."""
    rng = np.random.default_rng(seed)
    cases = (
        Case("random, 5 samples x K=4", (rng.normal(scale=3.0, size=(5, 4)),)),
        Case("one sample, K=4", (rng.normal(size=(1, 4)),)),
        Case("square, 4 x 4", (rng.normal(size=(4, 4)),)),
        Case("|z| = 1000", (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]]),), extreme=True),
    )
    return Spec("softmax", cases, partial(softmax, axis=1), tuple(mistakes_for("softmax")), names=("P",),
                arg_names=("Z",))


CHECKERS = {
    "sigmoid": check_sigmoid,
    "cost": check_cost,
    "gradient": check_gradient_fn,
    "gradient_descent_step": check_gradient_descent_step,
    "predict_one_vs_all": check_predict_one_vs_all,
    "backprop": check_backprop,
    "softmax": check_softmax,
}

# The same checks as data, for the batch grader: ``SPECS[name](seed, **conventions) -> Spec``.
SPECS = {
    "sigmoid": sigmoid_spec,
    "cost": cost_spec,
    "gradient": gradient_spec,
    "gradient_descent_step": gradient_descent_step_spec,
    "predict_one_vs_all": predict_one_vs_all_spec,
    "backprop": backprop_spec,
    "softmax": softmax_spec,
}

# The lessons' exercises (one-vs-all training, softmax cost, forward pass, ...) live in a module of their own.
from .lesson_checkers import LESSON_CHECKERS  # noqa: E402 - after CHECKERS, which it extends

CHECKERS.update(LESSON_CHECKERS)
from .lesson6_checkers import LESSON6_CHECKERS  # noqa: E402 - lesson 6's, likewise
CHECKERS.update(LESSON6_CHECKERS)
