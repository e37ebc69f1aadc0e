r"""The known mistakes of lesson 6's exercises, each written out as a deliberately wrong function.

They join :data:`minilr.exercises.judging.mistakes.CATALOGUE` and are tried by
the checkers of :mod:`minilr.exercises.judging.lesson6_checkers` like every
other: the variant whose output the student reproduces names the mistake.

Signatures (the same as the student's functions):

* map_feature: ``(x1, x2, degree=6) -> features`` of shape (m, (degree+1)(degree+2)/2)
* validation_curve: ``(X_train, y_train, X_val, y_val, lams) -> (train_costs, val_costs)``
"""

import numpy as np

from .catalogue import Mistake

__all__ = ["LESSON6_CATALOGUE"]


# ------------------------------------------------------------------ polynomial features
def _monomials(x1, x2, powers):
    x1, x2 = np.atleast_1d(np.asarray(x1, dtype=float)), np.atleast_1d(np.asarray(x2, dtype=float))
    return np.column_stack([x1 ** p * x2 ** q for p, q in powers])


def _powers(degree, first=0):
    """(power of x1, power of x2) in the lesson's order, total degree ``first`` .. ``degree``."""
    return [(i - j, j) for i in range(first, degree + 1) for j in range(i + 1)]


def map_feature_order_reversed(x1, x2, degree=6):
    return _monomials(x1, x2, [(j, i - j) for i in range(degree + 1) for j in range(i + 1)])


def map_feature_by_power_of_x1(x1, x2, degree=6):
    return _monomials(x1, x2, [(p, q) for p in range(degree + 1) for q in range(degree + 1 - p)])


def map_feature_no_ones(x1, x2, degree=6):
    return _monomials(x1, x2, _powers(degree, first=1))


def map_feature_degree_short(x1, x2, degree=6):
    return _monomials(x1, x2, _powers(degree - 1))


def map_feature_degree_long(x1, x2, degree=6):
    return _monomials(x1, x2, _powers(degree + 1))


# ------------------------------------------------------------------ the validation curve
def _curve(X_train, y_train, X_val, y_val, lams, *, fit_on_val=False, penalty=(False, False), swap=False):
    from ...linear import LogisticRegression  # lazily: the grader's pytest plugin imports no estimator
    from ...model_selection import cross_entropy

    train_costs, val_costs = [], []
    for lam in lams:
        X_fit, y_fit = (X_val, y_val) if fit_on_val else (X_train, y_train)
        model = LogisticRegression(lam=lam, tol=1e-8).fit(X_fit, y_fit)
        squares = float(np.sum(model.coef_ ** 2))
        costs = []
        for (X, y), add in zip([(X_train, y_train), (X_val, y_val)], penalty):
            costs.append(cross_entropy(model, X, y) + (lam / (2 * len(y)) * squares if add else 0.0))
        train_costs.append(costs[0])
        val_costs.append(costs[1])
    curves = (np.array(train_costs), np.array(val_costs))
    return curves[::-1] if swap else curves


def curve_penalty_included(X_train, y_train, X_val, y_val, lams):
    return _curve(X_train, y_train, X_val, y_val, lams, penalty=(True, True))


def curve_penalty_in_training_cost(X_train, y_train, X_val, y_val, lams):
    return _curve(X_train, y_train, X_val, y_val, lams, penalty=(True, False))


def curve_fitted_on_validation(X_train, y_train, X_val, y_val, lams):
    return _curve(X_train, y_train, X_val, y_val, lams, fit_on_val=True)


def curve_swapped(X_train, y_train, X_val, y_val, lams):
    return _curve(X_train, y_train, X_val, y_val, lams, swap=True)


# ------------------------------------------------------------------ the catalogue
_ORDER = ("The monomials are in the wrong order: after the ones, for i = 1..degree and j = 0..i, "
          "the column x1**(i - j) * x2**j, so [1, x1, x2, x1**2, x1*x2, x2**2, x1**3, ...].")
_DEGREE = ("The degree is off by one: the monomials go up to total degree `degree` itself, "
           "`for i in range(1, degree + 1)`, which makes (degree + 1)(degree + 2) / 2 columns.")
_PENALTY = ("The penalty is in the reported costs: report the plain mean cross-entropy on each set "
            "(the penalty is what training minimises, not how well the model predicts), so that "
            "every λ is measured the same way.")

LESSON6_CATALOGUE = [
    Mistake("monomials_wrong_order", "map_feature", _ORDER, map_feature_order_reversed),
    Mistake("monomials_wrong_order", "map_feature", _ORDER, map_feature_by_power_of_x1),
    Mistake("ones_column_missing", "map_feature", "The column of ones is missing: column 0 is all ones, "
            "then the monomials of degree 1 to `degree`.", map_feature_no_ones),
    Mistake("degree_off_by_one", "map_feature", _DEGREE, map_feature_degree_short),
    Mistake("degree_off_by_one", "map_feature", _DEGREE, map_feature_degree_long),
    Mistake("penalty_included", "validation_curve", _PENALTY, curve_penalty_included),
    Mistake("penalty_included", "validation_curve", _PENALTY, curve_penalty_in_training_cost),
    Mistake("fitted_on_validation", "validation_curve", "Each model is fitted on the validation set: fit "
            "on (X_train, y_train) only, and use the validation set to measure; a set the model was fitted "
            "on cannot tell you how it does on new data.", curve_fitted_on_validation),
    Mistake("curves_swapped", "validation_curve", "The two curves are swapped: return "
            "(train_costs, val_costs), the training set's costs first.", curve_swapped),
]
