"""Tests for minilr's estimator base, validation helpers and exceptions, including
that scikit-learn's tools (clone, Pipeline, GridSearchCV, cross_val_score) work."""

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError as SkNotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from minilr import (
    ConvergenceWarning,
    DivergenceError,
    LogisticRegression,
    MLPClassifier,
    NotFittedError,
)
from minilr._validation import DataConversionWarning, check_scalar, check_X, check_Xy, check_y
from minilr.base import BaseEstimator

X, Y = make_classification(n_samples=120, n_features=4, n_informative=3, n_redundant=0,
                           random_state=0)
INIT_PARAMS = sorted(p for p in inspect.signature(LogisticRegression).parameters)


# ---------------------------------------------------------------- parameters
def test_get_params_returns_exactly_the_init_arguments():
    model = LogisticRegression(lam=0.3, solver="gd")
    params = model.get_params()
    assert sorted(params) == INIT_PARAMS
    assert params["lam"] == 0.3 and params["solver"] == "gd" and params["batch_size"] == 32


def test_set_params_sets_and_returns_self_and_rejects_unknown_names():
    model = LogisticRegression()
    assert model.set_params(lam=5.0, solver="tnc") is model
    assert (model.lam, model.solver) == (5.0, "tnc")
    with pytest.raises(ValueError, match="Invalid parameter 'C' for LogisticRegression.*'lam'"):
        model.set_params(C=1.0)


def test_nested_params_reach_an_inner_estimator():
    class Wrapper(BaseEstimator):
        def __init__(self, estimator=None, weight=1.0):
            self.estimator = estimator
            self.weight = weight

    outer = Wrapper(LogisticRegression(lam=2.0))
    assert outer.get_params()["estimator__lam"] == 2.0
    outer.set_params(estimator__lam=7.0, weight=0.5)
    assert outer.estimator.lam == 7.0 and outer.weight == 0.5
    assert "estimator__lam" not in outer.get_params(deep=False)


def test_repr_shows_only_the_arguments_that_differ_from_the_defaults():
    assert repr(LogisticRegression()) == "LogisticRegression()"
    model = LogisticRegression(lam=0.01, solver="sgd", random_state=3)
    assert repr(model) == "LogisticRegression(lam=0.01, random_state=3, solver='sgd')"
    rebuilt = eval(repr(model), {"LogisticRegression": LogisticRegression})
    assert rebuilt.get_params() == model.get_params()


def test_init_only_stores_its_arguments():
    # No validation in __init__ (scikit-learn's rule): errors come at fit.
    model = LogisticRegression(lam=-1, solver="nonsense")
    assert model.lam == -1 and model.solver == "nonsense"
    assert not any(name.endswith("_") for name in vars(model))


# ---------------------------------------------------------------- scikit-learn tools
def test_sklearn_clone_copies_parameters_and_drops_the_fit():
    model = LogisticRegression(lam=0.5, solver="sgd", random_state=1).fit(X, Y)
    copy = clone(model)
    assert copy is not model
    assert copy.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        copy.predict(X)
    assert is_classifier(copy)


def test_pipeline_with_a_scaler_matches_fitting_on_scaled_data():
    pipe = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(lam=0.1))]).fit(X, Y)
    Xs = StandardScaler().fit_transform(X)
    direct = LogisticRegression(lam=0.1).fit(Xs, Y)
    assert_allclose(pipe[-1].coef_, direct.coef_, rtol=1e-12)
    assert_array_equal(pipe.predict(X), direct.predict(Xs))
    assert pipe.set_params(lr__lam=3.0)[-1].lam == 3.0


def test_cross_val_score_equals_a_hand_written_stratified_k_fold_loop():
    model = LogisticRegression(lam=1.0)
    scores = cross_val_score(model, X, Y, cv=5)
    expected = []
    for train, test in StratifiedKFold(5).split(X, Y):  # classifiers get stratified folds
        fitted = LogisticRegression(lam=1.0).fit(X[train], Y[train])
        expected.append(np.mean(fitted.predict(X[test]) == Y[test]))
    assert_allclose(scores, expected, rtol=1e-12)


def test_grid_search_picks_the_lam_with_the_best_hand_computed_cv_score():
    grid = [1e-3, 10.0, 1000.0]
    search = GridSearchCV(LogisticRegression(), {"lam": grid}, cv=3).fit(X, Y)
    means = [np.mean(cross_val_score(LogisticRegression(lam=lam), X, Y, cv=3)) for lam in grid]
    assert_allclose(search.cv_results_["mean_test_score"], means, rtol=1e-12)
    assert search.best_params_ == {"lam": grid[int(np.argmax(means))]}
    assert search.best_estimator_.coef_.shape == (1, 4)


def test_not_fitted_error_is_also_sklearns_when_sklearn_is_loaded():
    with pytest.raises(SkNotFittedError):
        LogisticRegression().predict(X)
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    # scikit-learn's own check agrees on what "fitted" means (trailing-underscore attributes).
    with pytest.raises(SkNotFittedError):
        check_is_fitted(LogisticRegression())
    check_is_fitted(LogisticRegression().fit(X, Y))


# ---------------------------------------------------------------- exceptions
def test_divergence_error_is_a_floating_point_error_carrying_epoch_and_history():
    err = DivergenceError("diverged", epoch=4, history=np.array([1.0, 2.0, 3.0]))
    assert isinstance(err, FloatingPointError)
    assert err.epoch == 4 and list(err.history) == [1.0, 2.0, 3.0]
    assert issubclass(ConvergenceWarning, UserWarning)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


# ---------------------------------------------------------------- validation helpers
def test_check_X_keeps_float32_and_float64_without_copying_and_converts_integers():
    X64, X32 = np.ones((3, 2)), np.ones((3, 2), dtype=np.float32)
    assert check_X(X64) is X64
    assert check_X(X32) is X32
    ints = check_X([[1, 2], [3, 4]])
    assert ints.dtype == np.float64 and ints.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert check_X(X32, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize(
    "X, error, match",
    [
        (None, ValueError, "X is None"),
        (np.ones((2, 2)) + 1j, ValueError, "Complex data not supported"),
        (np.ones((3, 0)), ValueError, "0 feature.*no columns"),
        (np.array([[1.0, {"a": 1}]], dtype=object), TypeError, "must contain only numbers"),
    ],
)
def test_check_X_rejects_bad_input_with_a_message_naming_the_problem(X, error, match):
    with pytest.raises(error, match=match):
        check_X(X)


def test_check_X_rejects_sparse_input_and_says_how_to_convert():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match=r"Sparse input is not supported.*toarray\(\)"):
        check_X(scipy_sparse.csr_matrix(np.eye(3)))


def test_check_y_flattens_a_column_vector_with_a_data_conversion_warning():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        y = check_y(np.array([[0], [1], [1]]))
    assert y.shape == (3,)
    with pytest.raises(ValueError, match="1d array of labels"):
        check_y(np.ones((3, 2)))
    with pytest.raises(ValueError, match="target y is None"):
        check_y(None)


def test_check_Xy_rejects_different_lengths_naming_both():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2 labels"):
        check_Xy(np.ones((3, 1)), [0, 1])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"value": True, "name": "lam"}, TypeError, "lam must be a number, got True"),
        ({"value": float("inf"), "name": "lam"}, ValueError, "lam must be finite"),
        ({"value": 0, "name": "eta", "low": 0, "low_inclusive": False}, ValueError,
         "eta must be > 0"),
        ({"value": 3, "name": "p", "high": 2}, ValueError, "p must be <= 2"),
        ({"value": 1.5, "name": "n", "kind": int}, TypeError, "n must be a whole number, got 1.5"),
        ({"value": 1.5, "name": "n", "kind": (int, np.integer)}, TypeError,
         "n must be a whole number"),
        ({"value": "a", "name": "f", "kind": (float, complex)}, TypeError,
         "f must be a float or complex"),
        ({"value": "x", "name": "solver", "allowed": {"a", "b"}}, ValueError,
         r"solver must be one of \['a', 'b'\], got 'x'"),
    ],
)
def test_check_scalar_names_the_parameter_in_every_error(kwargs, error, match):
    with pytest.raises(error, match=match):
        check_scalar(**kwargs)


def test_check_scalar_returns_valid_values_unchanged():
    assert check_scalar(0.5, "lam", low=0) == 0.5
    assert check_scalar(np.int64(3), "max_iter", kind=(int, np.integer), low=1) == 3
    assert check_scalar("gd", "solver", allowed={"gd"}) == "gd"


def test_fit_warnings_are_minilr_convergence_warnings_only():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression(solver="gd", max_iter=3).fit(X, Y)
    assert [type(w.message) for w in caught] == [ConvergenceWarning]


def test_score_is_accuracy_and_a_column_vector_y_is_flattened_not_broadcast():
    model = LogisticRegression().fit(X, Y)
    expected = np.mean(model.predict(X) == Y)
    assert model.score(X, Y) == expected
    with pytest.warns(DataConversionWarning):
        assert model.score(X, Y.reshape(-1, 1)) == expected
    with pytest.raises(ValueError, match="X has 120 rows but y has 100 labels"):
        model.score(X, Y[:100])


# ---------------------------------------------------------------- one vocabulary
@pytest.mark.parametrize("cls", [LogisticRegression, MLPClassifier])
@pytest.mark.parametrize("old, new", [("alpha", "lam"), ("max_epochs", "max_iter"), ("C", "lam")])
def test_an_old_parameter_name_raises_type_error_naming_the_new_one(cls, old, new):
    with pytest.raises(TypeError, match=rf"{cls.__name__} has no parameter '{old}': it is now "
                                        rf"{new}\b"):
        cls(**{old: 1})


@pytest.mark.parametrize("value", ["adam", "momentum", "sgd"])
def test_the_networks_old_solver_raises_type_error_naming_update(value):
    with pytest.raises(TypeError, match="no parameter 'solver': it is now update"):
        MLPClassifier(solver=value)


@pytest.mark.parametrize("cls, old", [(LogisticRegression, "alpha"), (MLPClassifier, "solver")])
def test_set_params_with_an_old_name_names_the_new_one(cls, old):
    with pytest.raises(ValueError, match=rf"Invalid parameter '{old}' .* It is now (lam|update)"):
        cls().set_params(**{old: 0.1})


@pytest.mark.parametrize("make", [
    lambda: LogisticRegression(solver="sgd", momentum=0.5),
    lambda: LogisticRegression(solver="sgd", update="adam", momentum=0.5),
    lambda: MLPClassifier(momentum=0.5),  # the default update is adam
])
def test_momentum_without_the_momentum_rule_is_an_error_not_a_silent_switch(make):
    with pytest.raises(ValueError, match="momentum=0.5 is used only by update='momentum'"):
        make().fit(X, Y)


def test_an_update_rule_with_a_full_batch_solver_is_an_error():
    with pytest.raises(ValueError, match="update='adam' is the update rule of solver='sgd'"):
        LogisticRegression(solver="lbfgs", update="adam").fit(X, Y)


@pytest.mark.parametrize("rule", ["adam", "momentum"])
def test_an_update_rule_given_as_solver_points_to_update(rule):
    with pytest.raises(ValueError, match=rf"solver='sgd', update='{rule}'"):
        LogisticRegression(solver=rule).fit(X, Y)


@pytest.mark.parametrize("update, momentum", [("sgd", None), ("momentum", 0.5), ("adam", None)])
def test_logistic_sgd_runs_the_named_update_rule(update, momentum):
    from minilr.objective import LinearObjective
    from minilr.optim import minibatch_sgd
    from minilr.pointwise import BINARY

    model = LogisticRegression(solver="sgd", update=update, momentum=momentum, max_iter=3, tol=0,
                               learning_rate=0.05, random_state=0).fit(X, Y)
    Xf = np.asarray(X, dtype=float)
    objective = LinearObjective(Xf, BINARY.prepare(np.asarray(Y, dtype=float)), 1.0, BINARY)
    result = minibatch_sgd(objective.batch_fun, objective.zeros(), len(Xf), learning_rate=0.05,
                           batch_size=32, max_iter=3, update=update,
                           momentum=0.9 if momentum is None else momentum, tol=0,
                           random_state=0, warn=False)
    assert_allclose(model.coef_.ravel(), result.x[:-1], rtol=1e-12)
