"""Hardening: interrupted training, warm starts, non-convergence and separable data,
inputs of extreme scale, and a table of bad inputs for every estimator."""

import warnings

import numpy as np
import pytest
import scipy.sparse
from numpy.testing import assert_allclose, assert_array_equal

import minilr.linear
import minilr.mlp
import minilr.objective
from minilr import (
    ConvergenceWarning,
    FeatureScaleWarning,
    LogisticRegression,
    MLPClassifier,
    TrainingInterrupted,
)
from minilr.functions import log_sigmoid, softmax
from minilr.multiclass import OneVsAllClassifier

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y = (X[:, 0] - X[:, 1] + 0.8 * RNG.normal(size=40) > 0).astype(int)
Y3 = np.digitize(X[:, 0] + 0.8 * RNG.normal(size=40), [-0.5, 0.5])


def _interrupt_at(monkeypatch, cls, method, n_call):
    """Make the ``n_call``-th call of ``cls.method`` raise KeyboardInterrupt (the stop button)."""
    original = getattr(cls, method)
    calls = [0]

    def stop(self, *args):
        calls[0] += 1
        if calls[0] == n_call:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(cls, method, stop)
    return calls


def _count_calls(monkeypatch, cls, method):
    return _interrupt_at(monkeypatch, cls, method, n_call=-1)


def _quiet(fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit()


# ---------------------------------------------------------------- interrupted training
LINEAR_PROBLEM = minilr.objective.LinearObjective
MLP_PROBLEM = minilr.mlp._Problem


def _interrupt_call(case, k, monkeypatch):
    """The call of the loss that falls in epoch (iteration) ``k``, for each solver."""
    if case == "gd":
        return k  # one full-gradient call per epoch
    if case in ("sgd", "mlp"):
        return 5 * (k - 1) + 2  # 40 samples in batches of 8: the 2nd batch of epoch k
    # L-BFGS: count the evaluations of the first k - 1 iterations; the next is in iteration k.
    calls = _count_calls(monkeypatch, LINEAR_PROBLEM, "fun")
    _make(case, max_iter=k - 1, tol=0).fit(X, Y)
    monkeypatch.undo()
    return calls[0] + 1


def _make(case, **params):
    if case == "mlp":
        return MLPClassifier((4,), batch_size=8, random_state=0, **params)
    return LogisticRegression(solver=case, batch_size=8, random_state=0, **params)


def _coefficients(model):
    if isinstance(model, MLPClassifier):
        return np.concatenate([p.ravel() for p in model.coefs_ + model.intercepts_])
    return np.append(model.coef_, model.intercept_)


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("case", ["gd", "sgd", "lbfgs", "mlp"])
def test_interrupt_in_epoch_k_keeps_the_fit_of_k_minus_1_epochs_and_warns(case, k, monkeypatch):
    reference = _make(case, max_iter=k - 1, tol=0).fit(X, Y)
    n_call = _interrupt_call(case, k, monkeypatch)
    method = "batch_fun" if case in ("sgd", "mlp") else "fun"
    _interrupt_at(monkeypatch, MLP_PROBLEM if case == "mlp" else LINEAR_PROBLEM, method, n_call)
    model = _make(case, max_iter=100, tol=0)
    with pytest.warns(TrainingInterrupted, match=f"interrupted .* during (epoch|iteration) {k}"):
        model.fit(X, Y)
    assert model.converged_ is False and model.n_iter_ == k - 1
    assert_array_equal(_coefficients(model), _coefficients(reference))
    assert_array_equal(model.history_, reference.history_)
    assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


@pytest.mark.parametrize("case", ["gd", "sgd", "mlp"])
def test_interrupt_in_the_first_epoch_propagates_and_keeps_the_previous_fit(case, monkeypatch):
    model = _quiet(lambda: _make(case, max_iter=3).fit(X, Y))
    before = _coefficients(model).copy()
    method = "batch_fun" if case in ("sgd", "mlp") else "fun"
    problem = MLP_PROBLEM if case == "mlp" else LINEAR_PROBLEM
    _interrupt_at(monkeypatch, problem, method, 1)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X[::-1], Y[::-1])
    assert_array_equal(_coefficients(model), before)
    monkeypatch.undo()
    _interrupt_at(monkeypatch, problem, method, 1)
    unfitted = _make(case)
    with pytest.raises(KeyboardInterrupt):
        unfitted.fit(X, Y)
    assert not hasattr(unfitted, "n_features_in_")


@pytest.mark.parametrize("inner", [LogisticRegression, MLPClassifier])
def test_interrupt_stops_all_one_vs_all_fits_and_keeps_the_previous_classifier(inner,
                                                                                monkeypatch):
    model = _quiet(lambda: OneVsAllClassifier(inner()).fit(X, Y3))
    before = [_coefficients(e).copy() for e in model.estimators_]
    problem, method = ((LINEAR_PROBLEM, "fun") if inner is LogisticRegression
                       else (MLP_PROBLEM, "batch_fun"))
    calls = _interrupt_at(monkeypatch, problem, method, 10)  # in the first class's fit
    with pytest.raises(KeyboardInterrupt), warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingInterrupted)
        model.fit(X[::-1], Y3[::-1])
    assert calls[0] == 10  # the other classes never started
    assert all(np.array_equal(_coefficients(e), b) for e, b in zip(model.estimators_, before))


@pytest.mark.parametrize("case", ["gd", "sgd", "lbfgs", "mlp"])
def test_fit_after_an_interrupt_starts_afresh(case, monkeypatch):
    model = _make(case, max_iter=20, tol=0)
    method = "batch_fun" if case in ("sgd", "mlp") else "fun"
    _interrupt_at(monkeypatch, MLP_PROBLEM if case == "mlp" else LINEAR_PROBLEM, method, 12)
    with pytest.warns(TrainingInterrupted):
        model.fit(X, Y)
    monkeypatch.undo()
    model.fit(X, Y)
    fresh = _make(case, max_iter=20, tol=0).fit(X, Y)
    assert model.n_iter_ == fresh.n_iter_
    assert_array_equal(_coefficients(model), _coefficients(fresh))


def test_warm_start_after_an_interrupt_loses_nothing_for_gradient_descent(monkeypatch):
    full = LogisticRegression(solver="gd", max_iter=30, tol=0).fit(X, Y3)
    _interrupt_at(monkeypatch, LINEAR_PROBLEM, "fun", 12)  # stopped during epoch 12
    model = LogisticRegression(solver="gd", max_iter=30, tol=0)
    with pytest.warns(TrainingInterrupted):
        model.fit(X, Y3)
    monkeypatch.undo()
    model.set_params(warm_start=True, max_iter=30 - 11).fit(X, Y3)
    assert model.n_iter_ == 30
    assert_allclose(model.history_, full.history_, rtol=1e-13)
    assert_allclose(_coefficients(model), _coefficients(full), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("solver", ["gd", "lbfgs", "newton-cg"])
def test_warm_start_continues_from_the_fitted_coefficients_and_appends_history(solver):
    first = _quiet(lambda: LogisticRegression(solver=solver, max_iter=3).fit(X, Y))
    history = first.history_.copy()
    first.set_params(warm_start=True, max_iter=5000, tol=1e-8).fit(X, Y)
    reference = LogisticRegression(solver=solver, max_iter=5000, tol=1e-8).fit(X, Y)
    assert first.n_iter_ == len(first.history_) > 3
    assert_array_equal(first.history_[:3], history)
    # The continued fit started where the first stopped: below the cost at zero.
    assert first.history_[3] < history[0]
    assert_allclose(_coefficients(first), _coefficients(reference), atol=1e-6)


def test_mlp_warm_start_with_plain_full_batch_sgd_equals_one_longer_fit():
    params = dict(update="sgd", learning_rate=0.1, batch_size=64, tol=0, random_state=0)
    full = MLPClassifier((4,), max_iter=20, **params).fit(X, Y3)
    model = MLPClassifier((4,), max_iter=8, **params).fit(X, Y3)
    model.set_params(warm_start=True, max_iter=12).fit(X, Y3)
    assert model.n_iter_ == 20
    # One batch of all rows: only the order of the sum differs between the two runs.
    assert_allclose(model.history_, full.history_, rtol=1e-10)
    assert_allclose(_coefficients(model), _coefficients(full), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: LogisticRegression(warm_start=True),
                                  lambda: MLPClassifier(max_iter=3, warm_start=True)])
def test_warm_start_on_other_classes_or_features_is_refused_naming_warm_start(make):
    model = _quiet(lambda: make().fit(X, Y))
    with pytest.raises(ValueError, match="warm_start=True .* Set warm_start=False"):
        _quiet(lambda: model.fit(X, Y3))
    with pytest.raises(ValueError, match="warm_start=True .* Set warm_start=False"):
        _quiet(lambda: model.fit(X[:, :2], Y))


def test_warm_start_on_an_unfitted_model_is_an_ordinary_fit():
    warm = LogisticRegression(warm_start=True).fit(X, Y3)
    assert_array_equal(_coefficients(warm), _coefficients(LogisticRegression().fit(X, Y3)))


# ---------------------------------------------------------------- non-convergence
def _convergence_warnings(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        model = fit()
    return model, [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def _gradient(model, X, y, lam):
    """Independent gradient of the binary logistic cost at coef_, intercept_."""
    w, b = model.coef_.ravel(), model.intercept_[0]
    r = 1 / (1 + np.exp(-(X @ w + b))) - y
    return np.append(X.T @ r / len(y) + lam / len(y) * w, r.mean())


@pytest.mark.parametrize("solver", ["lbfgs", "tnc", "cg", "bfgs", "newton-cg"])
def test_scipy_solver_at_max_iter_warns_once_naming_the_final_cost_and_gradient(solver):
    max_iter = 6 if solver == "tnc" else 2  # TNC counts evaluations, not iterations
    model, caught = _convergence_warnings(
        lambda: LogisticRegression(solver=solver, max_iter=max_iter, tol=1e-12).fit(X, Y))
    assert len(caught) == 1 and not model.converged_
    message = str(caught[0].message)
    cost = float(message.split("Final cost ")[1].split(",")[0])
    grad = float(message.split("max|g| = ")[1].split(" ")[0])
    # The message rounds to 6 and 3 significant digits.
    assert cost == pytest.approx(model.history_[-1], rel=1e-5)
    assert grad == pytest.approx(np.max(np.abs(_gradient(model, X, Y, 1.0))), rel=5e-3)


def test_gradient_descent_at_max_iter_warns_once_with_cost_and_gradient_at_the_fitted_point():
    model, caught = _convergence_warnings(
        lambda: LogisticRegression(solver="gd", max_iter=5, tol=1e-12).fit(X, Y))
    assert len(caught) == 1 and not model.converged_
    message = str(caught[0].message)
    z = X @ model.coef_.ravel() + model.intercept_[0]
    cost = np.mean(np.logaddexp(0, z) - Y * z) + 0.5 / len(Y) * np.sum(model.coef_**2)
    grad = np.max(np.abs(_gradient(model, X, Y, 1.0)))
    assert float(message.split("Final cost ")[1].split(",")[0]) == pytest.approx(cost, rel=1e-5)
    assert float(message.split("max|g| = ")[1].split(" ")[0]) == pytest.approx(grad, rel=5e-3)
    assert model.grad_norm_ == pytest.approx(grad, rel=1e-10)


@pytest.mark.parametrize("make, match", [
    (lambda: LogisticRegression(solver="sgd", max_iter=2, tol=1e-12, random_state=0),
     "Final epoch cost {:.6g}"),
    (lambda: MLPClassifier(max_iter=2, random_state=0), "Final epoch cost {:.6g}"),
])
def test_minibatch_training_at_max_iter_warns_once_naming_the_final_epoch_cost(make, match):
    model, caught = _convergence_warnings(lambda: make().fit(X, Y))
    assert len(caught) == 1
    assert match.format(model.history_[-1]) in str(caught[0].message)


SEPARABLE_X = np.array([[0.0, 0.0], [1.0, 0.2], [0.3, 1.0], [2.0, 2.0], [3.0, 1.5], [2.2, 3.0]])
SEPARABLE_Y = np.array([0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("solver", minilr.linear.SOLVERS)
def test_separable_data_without_penalty_warns_once_with_finite_coefficients(solver):
    model, caught = _convergence_warnings(lambda: LogisticRegression(
        lam=0, solver=solver, random_state=0).fit(SEPARABLE_X, SEPARABLE_Y))
    assert len(caught) == 1
    assert "perfectly separable and lam=0" in str(caught[0].message)
    assert "Set lam > 0" in str(caught[0].message)
    assert model.converged_ is False
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    assert_array_equal(model.predict(SEPARABLE_X), SEPARABLE_Y)


@pytest.mark.parametrize("multi_class", ["ova", "multinomial"])
def test_separable_multiclass_data_without_penalty_warns(multi_class):
    X3 = np.vstack([SEPARABLE_X, SEPARABLE_X + [6, 0]])
    y3 = np.append(SEPARABLE_Y, [2, 2, 2, 2, 2, 2])
    _, caught = _convergence_warnings(
        lambda: LogisticRegression(lam=0, multi_class=multi_class).fit(X3, y3))
    assert len(caught) == 1 and "perfectly separable" in str(caught[0].message)


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_overlapping_classes_or_a_penalty_give_no_separability_warning(lam):
    X_overlap = np.vstack([X, X[:5]])  # five points with both labels: not separable
    y_overlap = np.append(Y, 1 - Y[:5])
    model, caught = _convergence_warnings(
        lambda: LogisticRegression(lam=lam).fit(X_overlap, y_overlap))
    assert caught == [] and model.converged_
    _, caught = _convergence_warnings(
        lambda: LogisticRegression(lam=1.0).fit(SEPARABLE_X, SEPARABLE_Y))
    assert caught == []


# ---------------------------------------------------------------- extreme scales
BASE = RNG.normal(size=(60, 3))
BASE_Y = (BASE[:, 0] + 0.5 * RNG.normal(size=60) > 0).astype(int)
SCALES = {
    # name: (X, y, warns for step-size solvers, warns for the others)
    "1e6": (BASE * 1e6, BASE_Y, True, False),
    "1e-6": (BASE * 1e-6, BASE_Y, True, True),
    "mixed 1e6 1 1e-6": (BASE * [1e6, 1, 1e-6], BASE_Y, True, True),
    "all constant": (np.ones((60, 3)), BASE_Y, True, True),
    "constant column": (np.column_stack([BASE, np.full(60, 5.0)]), BASE_Y, False, False),
    "duplicated rows": (np.tile(BASE[:10], (6, 1)), np.tile(BASE_Y[:10], 6), False, False),
    "1 feature": (BASE[:, :1], BASE_Y, False, False),
    "1e5 features, 10 rows": (RNG.normal(size=(10, 100_000)), np.arange(10) % 2, False, False),
}
SCALE_ESTIMATORS = {
    "gd": (lambda: LogisticRegression(solver="gd", max_iter=20), True),
    "sgd": (lambda: LogisticRegression(solver="sgd", max_iter=20, random_state=0), True),
    "lbfgs": (lambda: LogisticRegression(max_iter=50), False),
    "newton-cg": (lambda: LogisticRegression(solver="newton-cg", max_iter=20), False),
    "tnc": (lambda: LogisticRegression(solver="tnc", max_iter=50), False),
    "mlp-adam": (lambda: MLPClassifier(max_iter=10, random_state=0), True),
    "mlp-sgd": (lambda: MLPClassifier(update="sgd", max_iter=10, random_state=0), True),
}


@pytest.mark.parametrize("estimator", SCALE_ESTIMATORS)
@pytest.mark.parametrize("data", SCALES)
def test_extreme_scales_train_without_overflow_and_warn_exactly_when_the_rule_says(data,
                                                                                   estimator):
    X_, y_, warns_step, warns_other = SCALES[data]
    make, step_size = SCALE_ESTIMATORS[estimator]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        model = make().fit(X_, y_)
        P = model.predict_proba(X_)
    scale = [w for w in caught if w.category is FeatureScaleWarning]
    assert len(scale) == int(warns_step if step_size else warns_other)
    if scale:
        assert "standardise the features" in str(scale[0].message)
    assert np.all(np.isfinite(_coefficients(model)))
    assert np.all((P >= 0) & (P <= 1))
    assert_allclose(P.sum(axis=1), 1, rtol=1e-12)


def test_bfgs_refuses_a_dense_hessian_too_large_for_memory_and_names_lbfgs():
    X_, y_, *_ = SCALES["1e5 features, 10 rows"]
    with pytest.raises(ValueError, match=r"solver='bfgs' .* \(100001, 100001\) .*'lbfgs'"):
        LogisticRegression(solver="bfgs").fit(X_, y_)


def test_one_vs_all_probabilities_stay_finite_when_every_sigmoid_underflows():
    model = LogisticRegression().fit(X, Y3)
    model.coef_[:] = 0
    model.intercept_[:] = [-1000, -1001, -1002]  # every sigma(z) is below 1e-434
    P = model.predict_proba(X[:2])
    # Reference in extended precision, where exp(-1000) is still representable.
    z = np.array([-1000, -1001, -1002], dtype=np.longdouble)
    sig = 1 / (1 + np.exp(-z))
    assert_allclose(P, np.tile((sig / sig.sum()).astype(float), (2, 1)), rtol=1e-12)
    assert_allclose(P, softmax(log_sigmoid(model.decision_function(X[:2]))), rtol=1e-12)


# ---------------------------------------------------------------- bad input, every estimator
X20 = RNG.normal(size=(20, 3))
Y20 = np.arange(20) % 2
ESTIMATORS = {
    "LogisticRegression": lambda **p: LogisticRegression(**p),
    "MLPClassifier": lambda **p: MLPClassifier(max_iter=3, **p),
    "OneVsAll(LogisticRegression)": lambda **p: OneVsAllClassifier(LogisticRegression(**p)),
    "OneVsAll(MLPClassifier)": lambda **p: OneVsAllClassifier(MLPClassifier(max_iter=3, **p)),
}
BAD_FIT = {
    "NaN": (np.where(np.eye(20, 3) > 0, np.nan, X20), Y20, ValueError, "X contains NaN"),
    "inf": (np.where(np.eye(20, 3) > 0, -np.inf, X20), Y20, ValueError, "X contains infinity"),
    "None": (None, Y20, ValueError, "X is None; pass an array"),
    "None inside X": ([[1.0, None, 2.0]] + [[1.0, 2.0, 3.0]] * 19, Y20, ValueError,
                      "X contains None"),
    "strings in X": ([["1", "x", "2"]] * 20, Y20, ValueError, "X must contain only numbers"),
    "ragged list": ([[1.0, 2.0, 3.0]] * 19 + [[1.0, 2.0]], Y20, ValueError,
                    r"rows of different lengths"),
    "empty": (np.empty((0, 3)), np.empty(0), ValueError, "0 sample.*X is empty"),
    "0 features": (np.empty((20, 0)), Y20, ValueError, "0 feature.*X has no columns"),
    "3-D": (X20.reshape(20, 3, 1), Y20, ValueError, "Expected 2D array for X, got 3D"),
    "mismatched lengths": (X20, Y20[:7], ValueError, "X has 20 rows but y has 7 labels"),
    "sparse X": (scipy.sparse.csr_matrix(X20), Y20, TypeError, r"Sparse input .* X.toarray\(\)"),
    "y None": (X20, None, ValueError, "requires y to be passed"),
    "one class": (X20, np.zeros(20), ValueError, "at least 2 classes"),
}
BAD_PARAMS = {
    "negative learning_rate": ({"learning_rate": -0.1}, ValueError, "learning_rate must be > 0"),
    "batch_size=0": ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    "unknown solver": ({"solver": "newton"}, ValueError, "solver must be one of .*'newton'"),
    "unknown update": ({"update": "newton"}, ValueError, "update must be one of .*'newton'"),
    "hidden_layer_sizes=()": ({"hidden_layer_sizes": ()}, ValueError,
                              r"hidden_layer_sizes must name at least one hidden layer, got \(\)"),
    "warm_start not a bool": ({"warm_start": "yes"}, TypeError, "warm_start must be True or False"),
}
# Only the MLP has hidden layers; only LogisticRegression has solvers.
ONLY_FOR = {"hidden_layer_sizes=()": "MLP", "unknown solver": "LogisticRegression"}
BAD_PREDICT = {
    "wrong feature count": (X20[:, :2], ValueError, "X has 2 features, but .* is expecting 3"),
    "sparse X": (scipy.sparse.csr_matrix(X20), TypeError, "Sparse input"),
    "NaN": (np.full((2, 3), np.nan), ValueError, "X contains NaN"),
    "3-D": (X20.reshape(20, 3, 1), ValueError, "got 3D array"),
    "None": (None, ValueError, "X is None"),
}


@pytest.mark.parametrize("case", BAD_FIT)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_bad_training_data_raises_a_specific_error_naming_the_problem(estimator, case):
    X_, y_, error, match = BAD_FIT[case]
    with pytest.raises(error, match=match):
        ESTIMATORS[estimator]().fit(X_, y_)


@pytest.mark.parametrize("estimator, case", [
    (estimator, case) for estimator in ESTIMATORS for case in BAD_PARAMS
    if case not in ONLY_FOR or ONLY_FOR[case] in estimator
])
def test_bad_hyperparameter_raises_a_specific_error_naming_the_parameter(estimator, case):
    params, error, match = BAD_PARAMS[case]
    with pytest.raises(error, match=match):
        ESTIMATORS[estimator](**params).fit(X20, Y20)


@pytest.mark.parametrize("method", ["predict", "predict_proba"])
@pytest.mark.parametrize("case", BAD_PREDICT)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_bad_prediction_data_raises_a_specific_error_naming_the_problem(estimator, case,
                                                                        method):
    model = _quiet(lambda: ESTIMATORS[estimator]().fit(X20, Y20))
    X_, error, match = BAD_PREDICT[case]
    with pytest.raises(error, match=match):
        getattr(model, method)(X_)
