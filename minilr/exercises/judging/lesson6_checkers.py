r"""Checkers for what lesson 6 teaches: polynomial features, and the validation curve that chooses λ.

They work like the checkers of :mod:`minilr.exercises.judging.lesson_checkers`
(same :class:`~minilr.exercises.judging.runner.CheckResult`, mistakes catalogued
in :mod:`minilr.exercises.judging.lesson6_mistakes`) and are registered in
:data:`minilr.exercises.CHECKERS` and in the ``minilr`` profile (graded when a
submission has them, never ``missing``).

==========================  ======================================================================
exercise                    student's function
==========================  ======================================================================
``map_feature``             ``map_feature(x1, x2, degree=6) -> features`` (m, (d+1)(d+2)/2)
``validation_curve``        ``validation_curve(X_train, y_train, X_val, y_val, lams)``
                            ``-> (train_costs, val_costs)``
==========================  ======================================================================
"""

import numpy as np

from ...preprocessing import map_feature as _map_feature
from .judges import expecting
from .mistakes import mistakes_for
from .runner import Case, Spec, run_spec

__all__ = ["check_map_feature", "check_validation_curve", "LESSON6_CHECKERS", "LESSON6_SPECS"]

# The arguments' names, as in minilr.exercises.judging.profiles.KINDS.
ARGS = {"map_feature": ("x1", "x2"), "validation_curve": ("X_train", "y_train", "X_val", "y_val", "lams")}


def _spec(exercise, cases, reference, names, form):
    return Spec(exercise, tuple(cases), reference, tuple(mistakes_for(exercise)), names=names,
                arg_names=ARGS[exercise], finish=lambda result: expecting(result, form))


# ------------------------------------------------------------------ polynomial features
def _reference_map_feature(x1, x2, degree=6):
    return _map_feature(x1, x2, degree)


def check_map_feature(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``map_feature(x1, x2, degree=6) -> features``.

    Parameters
    ----------
    fn : callable
        ``x1`` and ``x2`` of shape (m,); ``degree`` an int (some cases leave it
        out: the default is 6). Returns an array of shape
        (m, (degree+1)(degree+2)/2): a column of ones, then for
        :math:`i = 1..\text{degree}` and :math:`j = 0..i` the column

        .. math::
            x_1^{i-j} \, x_2^{j}
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Compared with :func:`minilr.preprocessing.map_feature`. Diagnoses
        ``monomials_wrong_order``, ``ones_column_missing``, ``degree_off_by_one``.

    Examples
    --------
    >>> from minilr.preprocessing import map_feature
    >>> check_map_feature(map_feature).passed
    True
    >>> check_map_feature(lambda x1, x2, degree=6: map_feature(x1, x2, degree)[:, 1:]).mistakes
    ('ones_column_missing',)
    """
    return run_spec(map_feature_spec(seed), fn, timeout=timeout)


def map_feature_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_map_feature`, as a Spec."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.uniform(-1, 1.2, size=(2, 6))
    cases = [
        Case("6 points, degree 6 (the default)", (x1, x2)),
        Case("6 points, degree 2", (x1, x2, 2)),
        Case("one point (0.5, -2), degree 3", (np.array([0.5]), np.array([-2.0]), 3)),
        Case("4 points, degree 1", (x1[:4], x2[:4], 1)),
    ]
    return _spec("map_feature", cases, _reference_map_feature, ("features",),
                 "an array of shape (m, (degree + 1)(degree + 2) / 2): the ones, then the monomials")


# ------------------------------------------------------------------ the validation curve
def _reference_curve(X_train, y_train, X_val, y_val, lams):
    from ...model_selection import validation_curve as _validation_curve  # lazily: it imports the estimators

    return _validation_curve(X_train, y_train, X_val, y_val, lams, tol=1e-8)


def check_validation_curve(fn, *, timeout=10.0, seed=0):
    r"""Check a student's ``validation_curve(X_train, y_train, X_val, y_val, lams)``.

    Parameters
    ----------
    fn : callable
        ``X_train`` (m, n) and ``X_val`` (m_val, n) without a column of ones;
        ``y_train`` and ``y_val`` in {0, 1}; ``lams`` a list of λ > 0. For each
        λ it fits ``minilr.LogisticRegression(lam=lam, tol=1e-8)`` on the
        training set, and returns ``(train_costs, val_costs)``, each of shape
        (len(lams),): the mean cross-entropy *without* the penalty,

        .. math::
            J = -\frac1m \sum_i \left[ y_i \log h_i + (1 - y_i) \log (1 - h_i) \right]

        on the training set and on the validation set.
    timeout : float, default=10.0
    seed : int, default=0

    Returns
    -------
    CheckResult
        Compared with :func:`minilr.model_selection.validation_curve`. Diagnoses
        ``penalty_included``, ``fitted_on_validation``, ``curves_swapped``.

    Examples
    --------
    >>> from minilr.model_selection import validation_curve
    >>> check_validation_curve(validation_curve).passed
    True
    >>> check_validation_curve(lambda *args: validation_curve(*args)[::-1]).mistakes
    ('curves_swapped',)
    """
    return run_spec(validation_curve_spec(seed), fn, timeout=timeout)


def _sets(rng, m, m_val, n):
    """Training and validation sets from one noisy linear boundary, both classes in each."""
    w = rng.normal(size=n)
    X = rng.normal(size=(m + m_val, n))
    y = (X @ w + rng.logistic(size=m + m_val) > 0).astype(np.int64)
    y[[0, 1, m, m + 1]] = [0, 1, 0, 1]
    return X[:m], y[:m], X[m:], y[m:]


def validation_curve_spec(seed=0):
    """The cases, reference and mistakes of :func:`check_validation_curve`, as a Spec."""
    rng = np.random.default_rng(seed)
    cases = [
        Case("30 training and 20 validation points, 3 features, lams [0.1, 1, 10]",
             (*_sets(rng, 30, 20, 3), [0.1, 1.0, 10.0])),
        Case("25 and 25 points, 2 features, lams [0.01, 100]", (*_sets(rng, 25, 25, 2), [0.01, 100.0])),
        Case("20 and 30 points, 4 features, one lam, 3", (*_sets(rng, 20, 30, 4), [3.0])),
    ]
    return _spec("validation_curve", cases, _reference_curve, ("train_costs", "val_costs"),
                 "a pair (train_costs, val_costs): two arrays with one cost per lam")


LESSON6_CHECKERS = {"map_feature": check_map_feature, "validation_curve": check_validation_curve}

# The same checks as data, for the batch grader (``minilr`` profile): ``LESSON6_SPECS[name](seed) -> Spec``.
LESSON6_SPECS = {"map_feature": map_feature_spec, "validation_curve": validation_curve_spec}
