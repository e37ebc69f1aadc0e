"""Tests for minilr.losses against scikit-learn, scipy and hand-derived values."""

import math

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import log_loss

from minilr.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cost_and_gradient,
    regularized_cost,
    regularized_gradient,
    softmax_cost_and_gradient,
)

EPS = np.finfo(np.float64).eps

# README reference figure: X.T @ (sigmoid(X @ 0) - y) on the breast-cancer data, bias column first.
BREAST_CANCER_GRADIENT_AT_ZERO = np.array(
    [108.5, -190.0, -488.5, -460.0, -356.0, -153.0, -606.5, -239.5, -411.0, -68.5]
)


def _random_problem(seed, m=60, n=4, K=None, scale=1.0):
    """Seeded X (no bias column), 0/1 labels, weights and intercept(s)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, scale, (m, n))
    tail = () if K is None else (K,)
    y = rng.integers(0, 2, (m,) + tail).astype(np.float64)
    w = rng.normal(0.0, 1.0, (n,) + tail)
    b = rng.normal(0.0, 1.0, tail) if K else float(rng.normal())
    return X, y, w, b


def _with_bias(X, w, b):
    """The lessons' form of the same problem: ones column in X, bias as theta[0]."""
    Xb = np.column_stack([np.ones(X.shape[0]), X])
    theta = np.concatenate([np.reshape(b, (1,) + np.shape(w)[1:]), w])
    return Xb, theta


# --- binary cross-entropy, probability form ----------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_binary_cross_entropy_matches_sklearn_log_loss_to_1e12(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 80))
    y = rng.integers(0, 2, m)
    p = rng.random(m) ** rng.uniform(0.2, 5.0)  # probabilities skewed towards 0 or 1
    if seed % 3 == 0:
        p[rng.integers(0, m)] = rng.choice([0.0, 1.0])  # exact 0 or 1 get clipped in both
    expected = log_loss(y, p, labels=[0, 1])
    assert binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    data=st.integers(1, 40).flatmap(lambda m: st.tuples(
        hnp.arrays(np.int64, m, elements=st.integers(0, 1)),
        hnp.arrays(np.float64, m, elements=st.floats(0.0, 1.0)),
    ))
)
def test_binary_cross_entropy_matches_sklearn_log_loss_for_any_probabilities(data):
    y, p = data
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-12)


def test_binary_cross_entropy_is_finite_and_hand_derived_at_p_0_and_1():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.0, 1.0, 0.0, 1.0])
    # p is clipped to [eps, 1 - eps], eps = 2**-52: two confident mistakes cost
    # -log(2**-52) = 52 log 2 each; two confident hits cost -log(1 - 2**-52) ~ 2**-52 each.
    expected = (2 * 52 * math.log(2) + 2 * -math.log1p(-(2.0**-52))) / 4
    assert binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-14)
    perfect = binary_cross_entropy(y, y.astype(float))
    assert 0 < perfect < 1e-15


@pytest.mark.parametrize("seed", range(3))
def test_binary_cross_entropy_with_k_columns_sums_column_log_losses(seed):
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, (30, 4))
    P = rng.random((30, 4))
    expected = sum(log_loss(Y[:, k], P[:, k], labels=[0, 1]) for k in range(4))
    assert binary_cross_entropy(Y, P) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_binary_cross_entropy_float32_probabilities_match_log_loss_to_float32_precision(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 50)
    p = rng.random(50).astype(np.float32)
    # In float32 both clip at float32 eps; the results agree to float32 rounding.
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-6)


# --- binary cross-entropy, logits form -----------------------------------------------------------

@pytest.mark.parametrize("seed", range(10))
def test_logits_form_agrees_with_probability_form_where_both_are_finite(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 200))
    y = rng.integers(0, 2, m)
    z = rng.uniform(-10.0, 10.0, m)  # sigma(z) in [4.5e-5, 1 - 4.5e-5]: no clipping, no loss of 1-p
    p = sp.expit(z)
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(
        binary_cross_entropy(y, p), rel=1e-10
    )
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(
        log_loss(y, p, labels=[0, 1]), rel=1e-10
    )


# (y, z, loss) by hand: loss = log(1 + e^z) - y z. For |z| = 1000, e^{-1000} underflows, so
# log(1 + e^1000) = 1000 exactly and log(1 + e^-1000) = 0 exactly.
@pytest.mark.parametrize("y, z, expected", [
    ([0], [1000.0], 1000.0),
    ([1], [-1000.0], 1000.0),
    ([1], [1000.0], 0.0),
    ([0], [-1000.0], 0.0),
    ([0], [1e300], 1e300),
    ([1], [-1e300], 1e300),
    ([1, 0, 1, 0], [1000.0, -1000.0, -1000.0, 1000.0], 500.0),
    ([0], [0.0], math.log(2.0)),
    ([0], [-40.0], math.log1p(math.exp(-40.0))),  # 4.25e-18, to full relative accuracy
])
def test_logits_form_is_exact_at_large_logits(y, z, expected):
    with np.errstate(all="raise"):
        loss = binary_cross_entropy_with_logits(np.array(y), np.array(z))
    assert loss == pytest.approx(expected, rel=1e-15, abs=0)


def test_logits_form_of_a_confident_hit_is_accurate_to_one_ulp_of_the_logit():
    # y = 1, z = 40: the loss log(1 + e^-40) = 4.25e-18 is evaluated as (40 + 4.25e-18) - 40,
    # which is 0 in float64; the absolute error stays below eps, far below any cost that matters.
    loss = binary_cross_entropy_with_logits(np.array([1]), np.array([40.0]))
    assert loss == pytest.approx(math.log1p(math.exp(-40.0)), rel=0, abs=EPS)


# --- bad input to the binary losses --------------------------------------------------------------

@pytest.mark.parametrize("func, y, second, match", [
    (binary_cross_entropy, [0, 2, 1], [0.1, 0.2, 0.3], "only 0 and 1"),
    (binary_cross_entropy, [0, 0.5, 1], [0.1, 0.2, 0.3], "only 0 and 1"),
    (binary_cross_entropy, [0, np.nan, 1], [0.1, 0.2, 0.3], "only 0 and 1"),
    (binary_cross_entropy, [0, 1, 1], [0.1, 1.2, 0.3], r"probabilities in \[0, 1\]"),
    (binary_cross_entropy, [0, 1, 1], [0.1, np.nan, 0.3], r"probabilities in \[0, 1\]"),
    (binary_cross_entropy, [0, 1, 1], [0.1, 0.2], "same shape"),
    (binary_cross_entropy_with_logits, [0, -1, 1], [0.1, 0.2, 0.3], "only 0 and 1"),
    (binary_cross_entropy_with_logits, [0, 1, 1], [0.1, np.inf, 0.3], "logits must be finite"),
    (binary_cross_entropy_with_logits, [0, 1, 1], [0.1, np.nan, 0.3], "logits must be finite"),
    (binary_cross_entropy_with_logits, [0, 1, 1], [0.1, 0.2], "same shape"),
])
def test_binary_losses_reject_bad_input_with_a_message_naming_the_problem(func, y, second, match):
    with pytest.raises(ValueError, match=match):
        func(np.array(y), np.array(second))


# --- the lessons' form on the breast-cancer reference data ---------------------------------------

def test_breast_cancer_unnormalised_gradient_at_zero_matches_readme(breast_cancer_bias):
    from minilr.functions import sigmoid

    X, y = breast_cancer_bias
    assert X.shape == (699, 10) and int(y.sum()) == 241
    # sigmoid(0) = 1/2 exactly, so every entry is a half-integer sum: exact in float64.
    np.testing.assert_allclose(X.T @ (sigmoid(X @ np.zeros(10)) - y),
                               BREAST_CANCER_GRADIENT_AT_ZERO, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lam", [0.0, 1.0, 100.0])
def test_breast_cancer_regularized_gradient_at_zero_is_readme_figure_over_699(breast_cancer_bias,
                                                                               lam):
    X, y = breast_cancer_bias
    grad = regularized_gradient(np.zeros(10), X, y, lam)  # the penalty vanishes at theta = 0
    np.testing.assert_allclose(grad, BREAST_CANCER_GRADIENT_AT_ZERO / 699, rtol=1e-14, atol=0)


@pytest.mark.parametrize("lam", [0.0, 5.0])
def test_breast_cancer_regularized_cost_at_zero_is_log_2(breast_cancer_bias, lam):
    X, y = breast_cancer_bias
    assert regularized_cost(np.zeros(10), X, y, lam) == pytest.approx(math.log(2.0), rel=1e-15)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("lam", [0.0, 0.5, 10.0])
def test_regularized_cost_equals_sklearn_log_loss_plus_penalty_without_bias(seed, lam):
    X, y, w, b = _random_problem(seed)
    Xb, theta = _with_bias(X, w, b)
    p = sp.expit(Xb @ theta)
    expected = log_loss(y, p, labels=[0, 1]) + lam / (2 * len(y)) * np.sum(theta[1:] ** 2)
    assert regularized_cost(theta, Xb, y, lam) == pytest.approx(expected, rel=1e-12)


# --- the estimators' form: intercept apart -------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("K", [None, 1, 3])
@pytest.mark.parametrize("lam", [0.0, 0.7])
def test_cost_and_gradient_agrees_with_lessons_form_to_1e14(seed, K, lam):
    X, y, w, b = _random_problem(seed, K=K)
    Xb, theta = _with_bias(X, w, b)
    J, grad_w, grad_b = cost_and_gradient(w, b, X, y, lam)
    grad = regularized_gradient(theta, Xb, y, lam)
    assert np.shape(grad_w) == np.shape(w) and np.shape(grad_b) == np.shape(b)
    np.testing.assert_allclose(J, regularized_cost(theta, Xb, y, lam), rtol=1e-14)
    np.testing.assert_allclose(grad_w, grad[1:], rtol=1e-14)
    np.testing.assert_allclose(grad_b, grad[0], rtol=1e-14)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("K", [None, 3])
def test_cost_and_gradient_cost_equals_summed_sklearn_log_loss_plus_penalty(seed, K):
    X, y, w, b = _random_problem(seed, K=K)
    lam = 0.3
    Z = X @ w + b
    Zc, Yc = Z.reshape(len(y), -1), y.reshape(len(y), -1)
    data_term = sum(log_loss(Yc[:, k], sp.expit(Zc[:, k]), labels=[0, 1])
                    for k in range(Zc.shape[1]))
    expected = data_term + lam / (2 * len(y)) * np.sum(w**2)
    J, _, _ = cost_and_gradient(w, b, X, y, lam)
    assert J == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("K", [None, 3])
def test_cost_and_gradient_keeps_float32(K):
    X, y, w, b = _random_problem(0, K=K)
    J, grad_w, grad_b = cost_and_gradient(w.astype(np.float32), np.float32(b),
                                          X.astype(np.float32), y.astype(np.float32), 0.5)
    assert grad_w.dtype == np.float32
    assert np.asarray(grad_b).dtype == np.float32
    # ... and is the float64 answer to float32 precision.
    _, grad_w64, grad_b64 = cost_and_gradient(w, b, X, y, 0.5)
    np.testing.assert_allclose(grad_w, grad_w64, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad_b, grad_b64, rtol=1e-5, atol=1e-6)


def test_cost_and_gradient_is_finite_and_exact_at_huge_logits():
    # One sample with z = +-1000: cost log(1 + e^z) - y z and residual sigma(z) - y, by hand.
    X = np.array([[1.0], [-1.0]])
    y = np.array([0.0, 0.0])
    with np.errstate(all="raise"):
        J, grad_w, grad_b = cost_and_gradient(np.array([1000.0]), 0.0, X, y, 0.0)
    assert J == 500.0                          # (1000 + 0) / 2
    np.testing.assert_array_equal(grad_w, [0.5])  # (1 * 1 + (-1) * 0) / 2
    assert grad_b == 0.5                       # (1 + 0) / 2


# --- softmax -----------------------------------------------------------------------------------

def _softmax_problem(seed, m=40, n=5, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (m, n))
    labels = rng.integers(0, K, m)
    labels[:K] = np.arange(K)  # every class present
    Y = np.eye(K)[labels]
    W = rng.normal(0.0, 1.0, (n, K))
    b = rng.normal(0.0, 1.0, K)
    return X, labels, Y, W, b


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("lam", [0.0, 2.0])
def test_softmax_cost_matches_scipy_logsumexp_and_sklearn_log_loss_plus_penalty(seed, lam):
    X, labels, Y, W, b = _softmax_problem(seed)
    m, K = Y.shape
    Z = X @ W + b
    penalty = lam / (2 * m) * np.sum(W**2)
    by_logsumexp = np.mean(sp.logsumexp(Z, axis=1) - Z[np.arange(m), labels]) + penalty
    by_log_loss = log_loss(labels, sp.softmax(Z, axis=1), labels=np.arange(K)) + penalty
    J, grad_W, grad_b = softmax_cost_and_gradient(W, b, X, Y, lam)
    assert grad_W.shape == W.shape and grad_b.shape == b.shape
    assert J == pytest.approx(by_logsumexp, rel=1e-13)
    assert J == pytest.approx(by_log_loss, rel=1e-12)


def test_softmax_cost_is_finite_and_exact_at_huge_logits():
    # One sample, logits (1000, 0) after W x + b, true class 1: cost lse - z_1 = 1000, by hand.
    X = np.array([[1.0]])
    W = np.array([[1000.0, 0.0]])
    with np.errstate(all="raise"):
        J, grad_W, grad_b = softmax_cost_and_gradient(W, np.zeros(2), X, np.array([[0.0, 1.0]]))
    assert J == 1000.0
    np.testing.assert_array_equal(grad_b, [1.0, -1.0])  # softmax (1, 0) minus one-hot (0, 1)
    np.testing.assert_array_equal(grad_W, [[1.0, -1.0]])


# --- bad input to the lessons' form --------------------------------------------------------------

def _bad_inputs():
    rng = np.random.default_rng(0)
    m = 20
    X = np.column_stack([np.ones(m), rng.normal(size=(m, 3))])
    y = rng.integers(0, 2, m)
    theta = np.zeros(4)
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[5, 2] = np.nan
    X_inf[7, 1] = -np.inf
    return [
        pytest.param(theta, X, y[:-1], "different numbers of samples", id="mismatched-lengths"),
        pytest.param(theta, X[:, 1], y, "Expected 2D array for X, got 1D", id="1d-X"),
        pytest.param(theta, X_nan, y, "contains NaN", id="nan-in-X"),
        pytest.param(theta, X_inf, y, "contains infinity", id="inf-in-X"),
        pytest.param(theta, X, 2 * y, "only 0 and 1", id="y-not-binary"),
        pytest.param(theta, X, y - 0.5, "only 0 and 1", id="y-half"),
        pytest.param(np.zeros(3), X, y, "one row per column of X", id="theta-too-short"),
        pytest.param(np.zeros(5), X, y, "one row per column of X", id="theta-too-long"),
        pytest.param(np.zeros((4, 2)), X, y, "does not fit", id="theta-2d-y-1d"),
        pytest.param(np.zeros((4, 2)), X, np.zeros((m, 3)), "2 columns but y has 3",
                     id="theta-y-columns-differ"),
    ]


@pytest.mark.parametrize("func", [regularized_cost, regularized_gradient])
@pytest.mark.parametrize("theta, X, y, match", _bad_inputs())
def test_lessons_form_rejects_bad_input_with_a_message_naming_the_problem(func, theta, X, y, match):
    with pytest.raises(ValueError, match=match):
        func(theta, X, y, 1.0)


@pytest.mark.parametrize("func", [regularized_cost, regularized_gradient])
@pytest.mark.parametrize("lam", [-1.0, np.nan, np.inf])
def test_lessons_form_rejects_negative_or_non_finite_lambda(func, lam):
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    with pytest.raises(ValueError, match="lam must be a finite number >= 0"):
        func(np.zeros(2), X, np.array([0, 1, 0, 1, 1]), lam)


def test_lesson_form_rejects_X_without_bias_column():
    X = np.random.default_rng(0).normal(size=(6, 3))
    y = np.array([0, 1, 0, 1, 1, 0])
    with pytest.raises(ValueError, match="first column of X must be all ones"):
        regularized_cost(np.zeros(3), X, y, 1.0)
    with pytest.raises(ValueError, match="first column of X must be all ones"):
        regularized_gradient(np.zeros(3), X, y, 1.0)


@pytest.mark.parametrize("z", [[1000.0], (0.5,), [3.0, -2.0]])
def test_logits_loss_accepts_lists_tuples_and_scalars(z):
    y = np.zeros(np.shape(z))
    expected = np.log1p(np.exp(-np.abs(np.asarray(z)))) + np.maximum(np.asarray(z), 0)
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(float(np.mean(expected)), rel=1e-15)
