"""scikit-learn's full estimator check suite on LogisticRegression: every solver
family, both multiclass schemes, no expected-failure list and nothing skipped
by us (the only skips are sklearn's own, for optional packages not installed)."""

import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import (
    check_estimators_data_not_an_array,
    parametrize_with_checks,
)

from minilr import ConvergenceWarning, LogisticRegression

ESTIMATORS = [
    LogisticRegression(),
    LogisticRegression(multi_class="multinomial"),
    LogisticRegression(solver="gd"),
    LogisticRegression(solver="sgd", random_state=0),
    LogisticRegression(solver="tnc"),
    LogisticRegression(solver="newton-cg"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks_pass(estimator, check):
    # Plain GD at the default step on the checks' unscaled data (features near
    # 100) does not converge in max_iter and says so; that warning is expected
    # here and is not what the checks test. Every other warning stays visible.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)



@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_array_like_input_that_is_not_an_ndarray_gives_the_same_predictions(estimator):
    # The NotAnArray half of check_classifier_data_not_an_array, which sklearn
    # skips as a whole when pandas (its other half) is not installed; same data.
    X = np.array([[3, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 1],
                  [0, 3], [1, 0], [2, 0], [4, 4], [2, 3], [3, 2]])
    y = np.array([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
    check_estimators_data_not_an_array("LogisticRegression", estimator, X, y, "NotAnArray")
