"""Tests for minilr.gradcheck, and finite-difference checks of every gradient in minilr.losses."""

import numpy as np
import pytest

from minilr.gradcheck import check_gradient, numerical_gradient
from minilr.losses import (
    cost_and_gradient,
    regularized_cost,
    regularized_gradient,
    softmax_cost_and_gradient,
)


def _lessons_problem(seed, m=40, n=5, K=None):
    """Seeded bias-column X, 0/1 labels of shape (m,) or (m, K), and random theta."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(m), rng.normal(0.0, 1.0, (m, n - 1))])
    tail = () if K is None else (K,)
    y = rng.integers(0, 2, (m,) + tail)
    theta = rng.normal(0.0, 1.0, (n,) + tail)  # random, not zeros: zeros can hide mistakes
    return X, y, theta


# --- numerical_gradient and check_gradient themselves ------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_numerical_gradient_matches_hand_derived_gradient(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (3, 4))
    x_before = x.copy()

    def f(v):  # f(x) = sum sin(x) + x00 * x12
        return np.sum(np.sin(v)) + v[0, 0] * v[1, 2]

    expected = np.cos(x)
    expected[0, 0] += x[1, 2]
    expected[1, 2] += x[0, 0]
    # Central differences: truncation error eps^2 |f'''| / 6 ~ 2e-11, rounding ~ 1e-16 / eps.
    np.testing.assert_allclose(numerical_gradient(f, x), expected, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)  # x is not modified


def test_numerical_gradient_is_exact_for_a_quadratic_up_to_rounding():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.3, -0.7])
    # f = x^T A x / 2 has gradient A x; central differences have no truncation error here.
    np.testing.assert_allclose(numerical_gradient(lambda v: v @ A @ v / 2, x), A @ x,
                               rtol=0, atol=1e-10)


def test_check_gradient_reports_the_coordinate_that_disagrees():
    x = np.random.default_rng(0).normal(size=(4, 3))

    def wrong(v):
        g = 2 * v
        g[2, 1] += 0.01
        return g

    result = check_gradient(lambda v: np.sum(v**2), wrong, x)
    assert result.worst_index == (2, 1)
    assert result.relative_error > 1e-4
    assert float(result) == result.relative_error
    np.testing.assert_allclose(result.numerical, 2 * x, atol=1e-9)


def test_check_gradient_rejects_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match="gradient has shape"):
        check_gradient(lambda v: np.sum(v**2), lambda v: 2 * v[:-1], np.ones(4))


# --- the lessons' form: correct gradients pass ------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("K", [None, 3])
@pytest.mark.parametrize("lam", [0.5, 3.0])
def test_regularized_gradient_matches_finite_differences_with_penalty(seed, K, lam):
    X, y, theta = _lessons_problem(seed, K=K)
    result = check_gradient(lambda t: regularized_cost(t, X, y, lam),
                            lambda t: regularized_gradient(t, X, y, lam), theta)
    assert result.relative_error < 1e-7


def test_regularized_gradient_matches_finite_differences_on_breast_cancer(breast_cancer_bias):
    X, y = breast_cancer_bias
    theta = np.random.default_rng(0).normal(0.0, 0.1, X.shape[1])
    result = check_gradient(lambda t: regularized_cost(t, X, y, 1.0),
                            lambda t: regularized_gradient(t, X, y, 1.0), theta)
    assert result.relative_error < 1e-7


# --- the lessons' form: wrong gradients are caught -----------------------------------------------

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("K", [None, 3])
def test_check_gradient_catches_a_penalised_bias_and_points_at_theta0(seed, K):
    X, y, theta = _lessons_problem(seed, K=K)
    lam, m = 2.0, X.shape[0]

    def penalises_bias(t):
        g = regularized_gradient(t, X, y, lam)
        g[0] += lam / m * t[0]  # the classic mistake: the bias row gets the penalty too
        return g

    result = check_gradient(lambda t: regularized_cost(t, X, y, lam), penalises_bias, theta)
    assert result.relative_error > 1e-4
    assert result.worst_index[0] == 0


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("K", [None, 3])
def test_check_gradient_catches_a_missing_one_over_m(seed, K):
    X, y, theta = _lessons_problem(seed, K=K)
    lam, m = 2.0, X.shape[0]

    def summed_not_averaged(t):
        return regularized_gradient(t, X, y, lam) * m

    result = check_gradient(lambda t: regularized_cost(t, X, y, lam), summed_not_averaged, theta)
    assert result.relative_error > 1e-4


# --- the estimators' form and softmax, packed into one parameter vector ------------------------

def _pack(w, b):
    return np.concatenate([np.ravel(w), np.ravel(b)])


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("K", [None, 3])
def test_cost_and_gradient_matches_finite_differences(seed, K):
    rng = np.random.default_rng(seed)
    m, n = 50, 4
    X = rng.normal(size=(m, n))
    y = rng.integers(0, 2, (m,) if K is None else (m, K)).astype(float)
    w_shape, b_size = ((n,), 1) if K is None else ((n, K), K)
    n_w = int(np.prod(w_shape))

    def fun(params):  # (cost, packed gradient), the form check_gradient takes with grad=None
        w = params[:n_w].reshape(w_shape)
        b = params[n_w] if K is None else params[n_w:]
        J, gw, gb = cost_and_gradient(w, b, X, y, 1.5)
        return J, _pack(gw, gb)

    params = rng.normal(size=n_w + b_size)
    assert check_gradient(fun, None, params).relative_error < 1e-7


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("lam", [0.0, 1.5])
def test_softmax_cost_and_gradient_matches_finite_differences(seed, lam):
    rng = np.random.default_rng(seed)
    m, n, K = 40, 4, 5
    X = rng.normal(size=(m, n))
    Y = np.eye(K)[rng.integers(0, K, m)]

    def fun(params):
        W, b = params[: n * K].reshape(n, K), params[n * K:]
        J, gW, gb = softmax_cost_and_gradient(W, b, X, Y, lam)
        return J, _pack(gW, gb)

    params = rng.normal(size=n * K + K)
    assert check_gradient(fun, None, params).relative_error < 1e-7
