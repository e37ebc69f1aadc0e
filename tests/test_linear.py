"""Tests for minilr.LogisticRegression against scikit-learn, the README's reference
figures and hand-derived values."""

import subprocess
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import minilr.linear
from minilr import ConvergenceWarning, DivergenceError, LogisticRegression, NotFittedError
from minilr.datasets import load_breast_cancer_wisconsin, make_linear_boundary
import minilr.pointwise
from minilr.linear import SOLVERS
from minilr.objective import LinearObjective
from minilr.pointwise import BINARY, SOFTMAX

SCIPY_SOLVERS = ["lbfgs", "tnc", "newton-cg", "bfgs", "cg"]

# datasets/README.md: 100000 epochs of w -= 3e-4 * X.T @ (sigmoid(X @ w) - y) from zeros.
README_GD_WEIGHTS = np.array([-9.71454392, 0.53464755, 0.01128227, 0.32376783, 0.23762062,
                              0.05832409, 0.42816088, 0.41212863, 0.15824303, 0.53584273])


def _data(name):
    """The agreement data sets: the real one and two generated ones (well-conditioned)."""
    if name == "breast_cancer":
        return load_breast_cancer_wisconsin(return_names=False)
    if name == "linear_boundary":
        return make_linear_boundary(n_samples=300, random_state=0)
    return make_classification(n_samples=300, n_features=5, n_informative=5, n_redundant=0,
                               random_state=0)


DATASETS = ["breast_cancer", "linear_boundary", "make_classification"]


def _sklearn_params(X, y, lam):
    sk = SkLogisticRegression(C=1 / lam, tol=1e-10, max_iter=100000).fit(X, y)
    return np.append(sk.intercept_, sk.coef_), sk


def _params(model):
    return np.append(model.intercept_, model.coef_)


def _standardised_iris():
    """Iris with standardised features: three classes, few solver iterations."""
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _standardised_breast_cancer():
    X, y = load_breast_cancer_wisconsin(return_names=False)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


# ---------------------------------------------------------------- agreement with sklearn
@pytest.mark.parametrize("solver", SCIPY_SOLVERS)
@pytest.mark.parametrize("lam", [1e-4, 1.0])
@pytest.mark.parametrize("data", DATASETS)
def test_scipy_solvers_match_sklearn_coefficients_with_C_equal_1_over_lam_to_1e_4(solver, lam,
                                                                                   data):
    X, y = _data(data)
    expected, _ = _sklearn_params(X, y, lam)
    model = LogisticRegression(lam=lam, solver=solver, tol=1e-10, max_iter=10000).fit(X, y)
    assert_allclose(_params(model), expected, rtol=1e-4)


@pytest.mark.parametrize("lam", [1e-4, 1.0])
@pytest.mark.parametrize("data", ["standardised_breast_cancer", "linear_boundary",
                                  "make_classification"])
def test_gradient_descent_matches_sklearn_coefficients_to_1e_3_after_enough_epochs(lam, data):
    X, y = _standardised_breast_cancer() if data.startswith("standardised") else _data(data)
    expected, _ = _sklearn_params(X, y, lam)
    model = LogisticRegression(lam=lam, solver="gd", learning_rate=3.0, tol=1e-9,
                               max_iter=20000).fit(X, y)
    assert model.converged_
    assert_allclose(_params(model), expected, rtol=1e-3)


@pytest.mark.parametrize("lam", [1e-4, 1.0])
@pytest.mark.parametrize("data", DATASETS)
def test_sgd_accuracy_is_within_0_05_of_sklearn(lam, data):
    X, y = _data(data)
    _, sk = _sklearn_params(X, y, lam)
    model = LogisticRegression(lam=lam, solver="sgd", learning_rate=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert abs(model.score(X, y) - sk.score(X, y)) <= 0.05


def test_gradient_descent_reproduces_the_readme_weights_to_1e_6(breast_cancer):
    X, y = breast_cancer
    # The README's step 3e-4 multiplies the summed gradient; ours is the mean (x 699).
    model = LogisticRegression(lam=0, solver="gd", learning_rate=3e-4 * 699, max_iter=100000,
                               tol=0).fit(X, y)
    assert_allclose(_params(model), README_GD_WEIGHTS, atol=1e-6)
    assert model.n_iter_ == len(model.history_) == 100000


@pytest.mark.parametrize("multi_class", ["ova", "multinomial"])
def test_multiclass_probabilities_sum_to_one_and_predict_is_their_argmax(multi_class):
    X, y = _standardised_iris()
    model = LogisticRegression(multi_class=multi_class).fit(X, y)
    P = model.predict_proba(X)
    assert P.shape == (150, 3) and model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    assert_allclose(P.sum(axis=1), 1, rtol=1e-12)
    assert_array_equal(model.predict(X), model.classes_[np.argmax(P, axis=1)])
    assert model.score(X, y) > 0.94


def test_multinomial_probabilities_match_sklearn_multinomial_to_1e_4():
    X, y = _standardised_iris()
    lam = 1.0
    ours = LogisticRegression(lam=lam, multi_class="multinomial", tol=1e-10).fit(X, y)
    sk = SkLogisticRegression(C=1 / lam, tol=1e-10, max_iter=10000).fit(X, y)
    # Softmax intercepts are defined up to a common shift; the probabilities are not.
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-4, atol=1e-6)


def test_one_vs_all_coefficients_are_those_of_k_separate_binary_fits():
    X, y = _standardised_iris()
    ova = LogisticRegression(lam=1.0, tol=1e-10).fit(X, y)
    for k in range(3):
        binary = LogisticRegression(lam=1.0, tol=1e-10).fit(X, y == k)
        assert_allclose(ova.coef_[k], binary.coef_[0], rtol=1e-5, atol=1e-7)
        assert_allclose(ova.intercept_[k], binary.intercept_[0], rtol=1e-5)


# ---------------------------------------------------------------- predict
def test_predict_proba_is_sigmoid_of_decision_function_and_threshold_moves_predict():
    X, y = _data("linear_boundary")
    model = LogisticRegression().fit(X, y)
    z = X @ model.coef_[0] + model.intercept_[0]
    assert_allclose(model.decision_function(X), z, rtol=1e-12)
    p = 1 / (1 + np.exp(-z))
    assert_allclose(model.predict_proba(X), np.column_stack([1 - p, p]), rtol=1e-12)
    assert_array_equal(model.predict(X), (p >= 0.5).astype(int))
    model.set_params(threshold=0.9)
    assert_array_equal(model.predict(X), (p >= 0.9).astype(int))
    assert (p >= 0.9).sum() < (p >= 0.5).sum()


@pytest.mark.parametrize("labels", [("benign", "malignant"), (-1, 1), (2, 4), (False, True)])
def test_labels_of_any_type_are_mapped_through_classes(labels):
    X, y01 = _data("make_classification")
    y = np.asarray(labels)[y01]
    model = LogisticRegression().fit(X, y)
    reference = LogisticRegression().fit(X, y01)
    assert_array_equal(model.classes_, np.sort(np.asarray(labels)))
    assert_allclose(model.coef_, reference.coef_, rtol=1e-12)
    assert_array_equal(model.predict(X), np.asarray(labels)[reference.predict(X)])
    assert model.score(X, y) == reference.score(X, y01)


# ---------------------------------------------------------------- fitted attributes
@pytest.mark.parametrize("solver", SOLVERS)
def test_fitted_attributes_and_history_length_equals_n_iter(solver):
    X, y = _data("make_classification")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(solver=solver, max_iter=50, random_state=0).fit(X, y)
    assert model.coef_.shape == (1, 5) and model.intercept_.shape == (1,)
    assert model.n_features_in_ == 5
    assert_array_equal(model.classes_, [0, 1])
    assert 1 <= model.n_iter_ == len(model.history_) <= 50
    assert np.all(np.isfinite(model.history_))


@pytest.mark.parametrize("solver", ["gd", "sgd", "lbfgs"])
def test_history_ends_near_the_cost_at_the_fitted_parameters(solver):
    X, y = _data("linear_boundary")
    lam = 1.0
    model = LogisticRegression(lam=lam, solver=solver, random_state=0, learning_rate=0.5,
                               tol=1e-6).fit(X, y)
    z = model.decision_function(X)
    J = np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * len(y)) * np.sum(model.coef_**2)
    # gd records the cost before its last step, sgd the mean over the last epoch's batches.
    assert model.history_[-1] == pytest.approx(J, rel={"lbfgs": 1e-12}.get(solver, 1e-2))


def test_no_intercept_gives_zero_intercepts_and_a_line_through_the_origin():
    X, y = _standardised_iris()
    model = LogisticRegression(fit_intercept=False).fit(X, y)
    assert_array_equal(model.intercept_, np.zeros(3))
    assert_allclose(model.decision_function(np.zeros((1, 4))), 0)


# ---------------------------------------------------------------- dtypes and memory
@pytest.mark.parametrize("solver", ["gd", "sgd", "lbfgs", "newton-cg"])
def test_float32_input_is_computed_in_float32(solver, monkeypatch):
    X, y = _data("make_classification")
    seen = []
    original = minilr.pointwise.BinaryCrossEntropy.fast_loss_and_residual

    def spy(self, z, s, offset=0.0):
        seen.append((z.dtype, s.dtype))
        return original(self, z, s, offset)

    monkeypatch.setattr(minilr.pointwise.BinaryCrossEntropy, "fast_loss_and_residual", spy)
    model = LogisticRegression(solver=solver, random_state=0).fit(X.astype(np.float32), y)
    assert set(seen) == {(np.dtype(np.float32),) * 2}
    assert model.coef_.dtype == model.intercept_.dtype == np.float32
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    monkeypatch.undo()
    reference = LogisticRegression(solver=solver, random_state=0).fit(X, y)
    assert reference.coef_.dtype == np.float64
    assert_allclose(model.coef_, reference.coef_, rtol=2e-3, atol=1e-4)


@pytest.mark.parametrize("solver", ["gd", "lbfgs", "newton-cg"])
def test_fit_never_copies_X(solver):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 50))
    y = (X[:, 0] + rng.normal(size=5000) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        LogisticRegression(solver=solver, max_iter=2).fit(X[:10], y[:10])  # imports done before
        tracemalloc.start()
        try:
            LogisticRegression(solver=solver, max_iter=20).fit(X, y)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # Sample-sized buffers only (z, residuals: ~1/50 of X each); a copy of X,
    # e.g. to glue on a column of ones, would be all of it.
    assert peak < 0.5 * X.nbytes


# ---------------------------------------------------------------- seeds
def test_sgd_same_random_state_gives_identical_coefficients_and_different_seeds_differ():
    X, y = _data("make_classification")

    def fit(seed):
        return LogisticRegression(solver="sgd", random_state=seed, max_iter=20, tol=0).fit(X, y)

    a, b, c = fit(0), fit(0), fit(1)
    assert_array_equal(a.coef_, b.coef_)
    assert_array_equal(a.history_, b.history_)
    assert not np.allclose(a.coef_, c.coef_, rtol=1e-6, atol=0)


# ---------------------------------------------------------------- learning rate and divergence
def test_learning_rate_sweep_on_raw_breast_cancer_converges_or_raises_divergence_error(
        breast_cancer):
    X, y = breast_cancer
    outcomes = {}
    for lr in [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]:
        for solver in ["gd", "sgd"]:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a numpy RuntimeWarning fails the test
                warnings.simplefilter("ignore", ConvergenceWarning)
                try:
                    model = LogisticRegression(lam=0, solver=solver, learning_rate=lr,
                                               max_iter=100, random_state=0).fit(X, y)
                except DivergenceError as e:
                    assert f"epoch {e.epoch}" in str(e) and "learning rate" in str(e)
                    outcomes[lr, solver] = "diverged"
                    continue
            assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.history_))
            outcomes[lr, solver] = model.score(X, y)
    # The sweep is informative: a good step learns, a tiny one barely moves.
    assert outcomes[1.0, "gd"] > 0.95 and outcomes[1e-5, "gd"] < 0.7


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_absurd_learning_rate_raises_divergence_error_and_leaves_the_model_unfitted(
        solver, breast_cancer):
    X, y = breast_cancer
    model = LogisticRegression(solver=solver, learning_rate=1e300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError,
                           match=r"diverged at epoch \d+.*Lower the learning rate"):
            model.fit(X, y)
    # No NaN coefficients are left behind: the model is simply not fitted.
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_too_large_step_warns_that_the_cost_rose():
    X, y = _data("make_classification")
    X = 100 + 10 * X  # unscaled features: the default step 0.1 overshoots
    with pytest.warns(ConvergenceWarning, match="cost rose .* learning rate"):
        LogisticRegression(solver="gd", max_iter=20).fit(X, y)


# ---------------------------------------------------------------- progress and output
@pytest.mark.parametrize("solver", ["gd", "sgd", "lbfgs"])
def test_fit_prints_nothing_by_default_and_a_progress_bar_with_verbose(solver, capsys):
    X, y = _data("linear_boundary")
    params = dict(solver=solver, random_state=0, learning_rate=1.0, tol=1e-3)
    LogisticRegression(**params).fit(X, y)
    assert capsys.readouterr() == ("", "")
    LogisticRegression(**params, verbose=1).fit(X, y)
    shown = capsys.readouterr()
    assert shown.out == "" and "cost=" in shown.err


def test_minilr_never_imports_sklearn_at_run_time():
    code = (
        "import sys, numpy as np, minilr\n"
        "X = np.random.default_rng(0).normal(size=(40, 3)); y = np.arange(40) % 2\n"
        "for s in ['gd', 'sgd', 'lbfgs', 'newton-cg']:\n"
        "    m = minilr.LogisticRegression(solver=s, max_iter=5).fit(X, y)\n"
        "    m.predict_proba(X); m.score(X, y); repr(m); m.get_params()\n"
        "try:\n"
        "    minilr.LogisticRegression().predict(X)\n"
        "except minilr.NotFittedError:\n"
        "    pass\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] == 'sklearn'))\n"
    )
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- bad input
X_OK = np.random.default_rng(0).normal(size=(20, 3))
Y_OK = np.arange(20) % 2


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.where(np.eye(20, 3) > 0, np.nan, X_OK), Y_OK, "contains NaN. Remove or impute"),
        (np.where(np.eye(20, 3) > 0, np.inf, X_OK), Y_OK, "contains infinity"),
        (np.empty((0, 3)), np.empty(0), "0 sample.*X is empty"),
        (X_OK[:1], Y_OK[:1], "1 sample.*minimum of 2"),
        (X_OK, np.zeros(20), "at least 2 classes.*only one class"),
        (X_OK.reshape(20, 3, 1), Y_OK, "got 3D array.*Flatten each sample"),
        (X_OK[:, 0], Y_OK, "got 1D array.*reshape"),
        (np.array([["a", "b", "c"]] * 20), Y_OK, "must contain only numbers.*Encode text"),
        (X_OK, Y_OK[:5], "different numbers of samples"),
        (X_OK, np.linspace(0, 1, 20), "Unknown label type: continuous"),
        (X_OK, np.where(Y_OK == 1, np.nan, 0.0), "Input y contains NaN"),
    ],
    ids=["nan", "inf", "empty", "one-sample", "one-class", "3d", "1d", "non-numeric",
         "length-mismatch", "continuous-y", "nan-y"],
)
def test_bad_training_data_raises_value_error_a_student_can_act_on(X, y, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize(
    "X, match",
    [
        (X_OK[:, :2], "X has 2 features, but LogisticRegression is expecting 3"),
        (np.full((2, 3), np.nan), "contains NaN"),
        (X_OK.reshape(20, 3, 1), "got 3D array"),
    ],
)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_bad_prediction_data_raises_value_error(X, match, method):
    model = LogisticRegression().fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=match):
        getattr(model, method)(X)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be > 0"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be > 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be a whole number"),
        ({"solver": "adam"}, ValueError, "solver must be one of .*'gd'.*got 'adam'"),
        ({"lam": -1}, ValueError, "lam must be >= 0"),
        ({"lam": "big"}, TypeError, "lam must be a number"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"momentum": 1.5}, ValueError, "momentum must be <= 1"),
        ({"threshold": 2}, ValueError, "threshold must be <= 1"),
        ({"tol": -1}, ValueError, "tol must be >= 0"),
        ({"multi_class": "ovr"}, ValueError, "multi_class must be one of"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True or False"),
    ],
)
def test_bad_hyperparameters_raise_an_error_naming_the_parameter(params, error, match):
    with pytest.raises(error, match=match):
        LogisticRegression(**params).fit(X_OK, Y_OK)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function", "score"])
def test_using_an_unfitted_model_raises_not_fitted_error(method):
    args = (X_OK, Y_OK) if method == "score" else (X_OK,)
    with pytest.raises(NotFittedError, match="not fitted yet. Call 'fit'"):
        getattr(LogisticRegression(), method)(*args)


# ---------------------------------------------------------------- the flat problem
@pytest.mark.parametrize("K, softmax_loss", [(None, False), (3, False), (3, True)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_problem_hessp_matches_finite_differences_of_its_gradient(K, softmax_loss,
                                                                  fit_intercept):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    Y = (rng.integers(0, 2, size=40).astype(float) if K is None
         else np.eye(K)[rng.integers(0, K, size=40)])
    loss = SOFTMAX if softmax_loss else BINARY
    problem = LinearObjective(X, loss.prepare(Y), 0.7, loss, fit_intercept)
    x, v = rng.normal(size=problem.zeros().size), rng.normal(size=problem.zeros().size)
    h = 1e-6
    expected = (problem.fun(x + h * v)[1].copy() - problem.fun(x - h * v)[1].copy()) / (2 * h)
    assert_allclose(problem.hessp(x, v), expected, rtol=1e-6, atol=1e-8)
