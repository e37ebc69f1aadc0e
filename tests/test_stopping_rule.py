"""One stopping rule for every solver: ``converged_`` only when max|grad J| <= tol holds at
the fitted parameters (recomputed here with the lessons' reference gradient, or an
independent softmax gradient), else exactly one ConvergenceWarning; and at tol=1e-10 the
coefficients agree with scikit-learn's newton-cholesky at tol=1e-12."""

import functools
import warnings

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from minilr import LogisticRegression
from minilr.datasets import load_digits_20x20
from minilr.exceptions import ConvergenceWarning
from minilr.losses import regularized_gradient

SOLVERS = ["gd", "lbfgs", "tnc", "cg", "bfgs", "newton-cg"]
SCIPY_SOLVERS = ["lbfgs", "tnc", "cg", "bfgs", "newton-cg"]
DATA = ["breast_cancer", "classification", "digits_ova", "digits_multinomial"]
TOLS = [1e-4, 1e-8, 1e-10]
GD_MAX_ITER = 3000  # gd at a tight tol stops here, and must then warn


def _standardise(X):
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1)


@functools.lru_cache(maxsize=None)
def _data(name):
    """(X, y, multi_class) of the named data set, small enough for a fast test."""
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        return _standardise(X), y, "ova"
    if name == "classification":
        X, y = make_classification(800, 12, n_informative=6, random_state=11, class_sep=0.7)
        return X, y, "ova"
    X, y = load_digits_20x20()
    X, y = X[::4], y[::4]  # 1250 images, 125 of every digit
    # The 20 leading principal components, whitened: the 400 pixels include many
    # nearly constant ones, which make the cost too ill-conditioned for a fast test.
    U, _, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return U[:, :20] * np.sqrt(len(X)), y, name.split("_")[1]


def _safe_step(X):
    """1/L, L = lambda_max([1, X]'[1, X] / m) / 2 bounds the Hessian (softmax too)."""
    Xb = np.column_stack([np.ones(len(X)), X])
    return 1 / (0.5 * np.linalg.eigvalsh(Xb.T @ Xb / len(X)).max() + 1e-3)


@functools.lru_cache(maxsize=None)
def _fit(name, solver, lam, tol, max_iter=None):
    """The fitted model and the ConvergenceWarnings its fit issued."""
    X, y, multi_class = _data(name)
    params = dict(lam=lam, solver=solver, tol=tol, multi_class=multi_class)
    if solver == "gd":
        params.update(learning_rate=_safe_step(X), max_iter=GD_MAX_ITER)
    if max_iter is not None:
        params["max_iter"] = max_iter
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(**params).fit(X, y)
    return model, [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def _one_hot(y):
    return (y[:, None] == np.unique(y)).astype(float)


def _gradient(model, name, lam):
    """Independent gradient of minilr's cost at the fitted coef_ and intercept_, shape (n+1, K)."""
    X, y, multi_class = _data(name)
    theta = np.vstack([model.intercept_, model.coef_.T])  # (n + 1, K): bias in row 0
    Xb = np.column_stack([np.ones(len(X)), X])
    m = len(X)
    if multi_class == "multinomial":
        # J = 1/m sum_i [logsumexp(z_i) - y_i'z_i] + lam/(2m)|W|^2
        R = softmax(Xb @ theta, axis=1) - _one_hot(y)
        grad = Xb.T @ R / m
        grad[1:] += lam / m * theta[1:]
        return grad
    Y = y.astype(float)[:, None] if len(np.unique(y)) == 2 else _one_hot(y)
    return regularized_gradient(theta, Xb, Y, lam)  # the lessons' reference, bias column in X


def _sklearn_coefficients(name, lam):
    """scikit-learn's newton-cholesky at tol=1e-12, C = 1/lam; shape (n+1, K) like _gradient."""
    X, y, multi_class = _data(name)
    sk = dict(C=1 / lam, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    if multi_class == "multinomial":
        fit = SkLogisticRegression(**sk).fit(X, y)
        theta = np.vstack([fit.intercept_, fit.coef_.T])
    else:
        classes = np.unique(y)
        positives = [classes[1]] if classes.size == 2 else classes
        fits = [SkLogisticRegression(**sk).fit(X, (y == c).astype(int)) for c in positives]
        theta = np.column_stack([np.append(f.intercept_, f.coef_.ravel()) for f in fits])
    return theta


@pytest.mark.parametrize("tol", TOLS)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", DATA)
def test_converged_means_max_gradient_at_most_tol_otherwise_one_convergence_warning(
        name, solver, tol):
    lam = 0.01 if tol == 1e-10 else 1.0  # tol=1e-10 shares the fits of the agreement test
    model, caught = _fit(name, solver, lam, tol)
    g_max = np.max(np.abs(_gradient(model, name, lam)))
    if model.converged_:
        assert g_max <= tol
        assert caught == []
        assert model.grad_norm_ == pytest.approx(g_max, rel=1e-6, abs=1e-14)
    else:
        assert len(caught) == 1
        message = str(caught[0].message)
        assert f"tol={tol}" in message and "max|g| = " in message
        assert float(message.split("max|g| = ")[1].split(" ")[0]) == pytest.approx(g_max, rel=5e-3)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", ["breast_cancer", "digits_multinomial"])
def test_too_small_max_iter_gives_converged_false_and_exactly_one_warning(name, solver):
    max_iter = 6 if solver == "tnc" else 3  # TNC counts evaluations, not iterations
    model, caught = _fit(name, solver, 1.0, 1e-10, max_iter=max_iter)
    assert model.converged_ is False
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"max_iter={max_iter}" in message and "tol=1e-10" in message
    assert "Increase max_iter" in message
    assert model.grad_norm_ == pytest.approx(np.max(np.abs(_gradient(model, name, 1.0))),
                                             rel=1e-6)


@pytest.mark.parametrize("lam", [0.01, 1.0])
@pytest.mark.parametrize("solver", SCIPY_SOLVERS)
@pytest.mark.parametrize("name", DATA)
def test_coefficients_at_tol_1e_10_match_sklearn_newton_cholesky_to_1e_7(name, solver, lam):
    model, caught = _fit(name, solver, lam, 1e-10)
    assert model.converged_ and caught == []
    theta = np.vstack([model.intercept_, model.coef_.T])
    expected = _sklearn_coefficients(name, lam)
    if _data(name)[2] == "multinomial":
        # Softmax is unchanged by adding a constant to every intercept: compare centred.
        theta[0] -= theta[0].mean()
        expected[0] -= expected[0].mean()
    assert np.max(np.abs(theta - expected)) <= 1e-7 * np.max(np.abs(expected))


def test_newton_cg_stops_on_the_gradient_where_scipy_stopped_on_the_step():
    # scipy's Newton-CG stopped here with max|g| = 2.5e-7 at tol=1e-10 and said converged.
    model, caught = _fit("breast_cancer", "newton-cg", 0.01, 1e-10)
    assert model.converged_ and caught == []
    assert np.max(np.abs(_gradient(model, "breast_cancer", 0.01))) <= 1e-10


@pytest.mark.parametrize("solver", ["lbfgs", "cg", "newton-cg"])
def test_float32_fit_below_its_floor_converges_at_the_float32_floor_or_warns_once(solver):
    from minilr.convergence import gradient_floor

    X, y, _ = _data("breast_cancer")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(solver=solver, lam=0.01, tol=1e-12).fit(X.astype(np.float32), y)
    caught = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    cost = model.history_[-1]
    g_max = np.max(np.abs(_gradient(model, "breast_cancer", 0.01)))  # in float64
    if model.converged_:
        assert caught == [] and g_max <= gradient_floor(cost, np.finfo(np.float32).eps)
    else:
        assert len(caught) == 1
