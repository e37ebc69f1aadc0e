"""Property-based tests (hypothesis) across every estimator and solver.

For any finite input within +-1e6 with at least two classes: probabilities are
finite, in [0, 1] and sum to 1, predictions are seen classes, and refitting
gives the same model. On well-conditioned data: permuting the samples moves
the coefficients by no more than the solver's tolerance, and the last cost in
``history_`` is the cost at the fitted coefficients, recomputed with numpy.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from minilr import (
    ConvergenceWarning,
    DivergenceError,
    FeatureScaleWarning,
    LogisticRegression,
    MLPClassifier,
)
from minilr.linear import SCIPY_METHODS
from minilr.multiclass import OneVsAllClassifier

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)

ESTIMATORS = {
    **{f"lr-{s}": lambda s=s: LogisticRegression(solver=s, max_iter=20, random_state=0)
       for s in ["gd", "sgd", *SCIPY_METHODS]},
    "lr-sgd-momentum": lambda: LogisticRegression(solver="sgd", update="momentum", max_iter=20,
                                                  batch_size=4, random_state=0),
    "lr-multinomial": lambda: LogisticRegression(multi_class="multinomial", max_iter=20),
    "lr-lam-0": lambda: LogisticRegression(lam=0, max_iter=20),
    **{f"mlp-{s}": lambda s=s: MLPClassifier((3,), update=s, max_iter=10, batch_size=4,
                                             random_state=0)
       for s in ["sgd", "momentum", "adam"]},
    "mlp-tanh-2-layers": lambda: MLPClassifier((3, 2), activation="tanh", max_iter=10,
                                               random_state=0),
    "ova-lr": lambda: OneVsAllClassifier(LogisticRegression(max_iter=20)),
    "ova-mlp": lambda: OneVsAllClassifier(MLPClassifier((2,), max_iter=5, random_state=0)),
}


@st.composite
def datasets(draw, bound=1e6, max_rows=12, max_features=3):
    """``(X, y)``: finite floats within +-``bound``; 2 or 3 classes of at least 2 samples each."""
    m = draw(st.integers(6, max_rows))
    n = draw(st.integers(1, max_features))
    X = draw(arrays(np.float64, (m, n),
                    elements=st.floats(-bound, bound, allow_nan=False, allow_infinity=False)))
    K = draw(st.integers(2, 3))
    y = draw(st.permutations(np.arange(m) % K))  # every class at least twice
    return X, np.asarray(y)


@st.composite
def gaussian_datasets(draw):
    """Well-conditioned ``(X, y)``: seeded standard normal features, labels as in ``datasets``."""
    m, n = draw(st.integers(8, 15)), draw(st.integers(1, 3))
    X = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).normal(size=(m, n))
    K = draw(st.integers(2, 3))
    return X, np.asarray(draw(st.permutations(np.arange(m) % K)))


def _fit(make, X, y):
    """Fit, with warnings about convergence and scale silenced and RuntimeWarnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FeatureScaleWarning)
        warnings.simplefilter("error", RuntimeWarning)
        return make().fit(X, y)


def _parameters(model):
    if isinstance(model, OneVsAllClassifier):
        return np.concatenate([_parameters(e) for e in model.estimators_])
    if isinstance(model, MLPClassifier):
        return np.concatenate([p.ravel() for p in model.coefs_ + model.intercepts_])
    return np.append(model.coef_, model.intercept_)


# ---------------------------------------------------------------- any finite input
@pytest.mark.parametrize("name", ESTIMATORS)
@SETTINGS
@given(data=datasets())
def test_probabilities_are_finite_in_0_1_and_sum_to_1_and_predict_gives_seen_classes(name,
                                                                                     data):
    X, y = data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        try:
            model = ESTIMATORS[name]().fit(X, y)
        except DivergenceError:
            # A clear answer too, but only after the warning that says why.
            assert any(w.category is FeatureScaleWarning for w in caught)
            return
        with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is fine
            P = model.predict_proba(X)
            labels = model.predict(X)
    assert P.shape == (len(y), len(np.unique(y)))
    assert np.all(np.isfinite(P)) and np.all((P >= 0) & (P <= 1))
    assert_allclose(P.sum(axis=1), 1, rtol=1e-12)
    assert set(labels) <= set(y)


@pytest.mark.parametrize("name", ESTIMATORS)
@SETTINGS
@given(data=datasets())
def test_refitting_gives_the_same_model(name, data):
    X, y = data
    try:
        model = _fit(ESTIMATORS[name], X, y)
    except DivergenceError:
        return  # checked by the test above
    first = _parameters(model).copy()
    _fit(lambda: model, X, y)
    assert_array_equal(_parameters(model), first)


# ---------------------------------------------------------------- well-conditioned data
# lam = 1 makes the cost strongly convex in w; Gaussian features keep it well-conditioned.
DETERMINISTIC = {
    "gd": lambda: LogisticRegression(solver="gd", learning_rate=0.5, max_iter=20000, tol=1e-10),
    **{s: lambda s=s: LogisticRegression(solver=s, max_iter=1000, tol=1e-10)
       for s in SCIPY_METHODS},
    "multinomial": lambda: LogisticRegression(multi_class="multinomial", max_iter=1000,
                                              tol=1e-10),
    "ova-lbfgs": lambda: OneVsAllClassifier(LogisticRegression(max_iter=1000, tol=1e-10)),
    # One batch of all rows: the order of the rows only changes the order of a sum.
    "sgd-one-batch": lambda: LogisticRegression(solver="sgd", batch_size=100, max_iter=50,
                                                tol=0, random_state=0),
    "mlp-one-batch": lambda: MLPClassifier((3,), update="sgd", learning_rate=0.1, batch_size=100,
                                           max_iter=30, tol=0, random_state=0),
}


@pytest.mark.parametrize("name", DETERMINISTIC)
@SETTINGS
@given(data=gaussian_datasets(), seed=st.integers(0, 2**16))
def test_permuting_the_samples_moves_the_coefficients_by_at_most_the_tolerance(name, data,
                                                                             seed):
    X, y = data
    order = np.random.default_rng(seed).permutation(len(y))
    model = _fit(DETERMINISTIC[name], X, y)
    permuted = _fit(DETERMINISTIC[name], X[order], y[order])
    # |g| <= tol = 1e-10 with strong convexity lam / m >= 1/15 bounds the distance to
    # the minimum by 1.5e-9; scipy's own stopping rules (ftol) stop within ~1e-7.
    assert_allclose(_parameters(permuted), _parameters(model), rtol=0, atol=1e-6)


def _recomputed_cost(model, X, y, lam):
    """The cost at coef_, intercept_ from numpy alone (np.logaddexp), as the docs define it."""
    m = len(y)
    Z = X @ model.coef_.T + model.intercept_
    penalty = lam / (2 * m) * np.sum(model.coef_ ** 2)
    if model.coef_.shape[0] == 1:  # binary: one sigmoid
        z, t = Z[:, 0], (y == model.classes_[1])
        return np.mean(np.logaddexp(0, z) - t * z) + penalty
    T = y[:, None] == model.classes_[None, :]  # one-hot
    if model.multi_class == "multinomial":
        lse = np.logaddexp.reduce(Z, axis=1)
        return np.mean(lse - Z[T]) + penalty
    # one-vs-all: the K binary costs summed
    return np.sum(np.mean(np.logaddexp(0, Z) - T * Z, axis=0)) + penalty


@pytest.mark.parametrize("multi_class", ["ova", "multinomial"])
@pytest.mark.parametrize("solver", list(SCIPY_METHODS))
@SETTINGS
@given(data=gaussian_datasets(), lam=st.sampled_from([0.1, 1.0, 10.0]))
def test_last_history_cost_is_the_cost_at_the_fitted_coefficients(solver, multi_class, data,
                                                                  lam):
    X, y = data
    model = _fit(lambda: LogisticRegression(lam=lam, solver=solver, multi_class=multi_class,
                                            max_iter=50), X, y)
    assert model.n_iter_ >= 1
    assert model.history_[-1] == pytest.approx(_recomputed_cost(model, X, y, lam), rel=1e-10)
