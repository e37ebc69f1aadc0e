"""Tests for the two loss layers: the pointwise losses on the logits (minilr.pointwise) and
the linear objective over (w, b) (minilr.objective), against the lessons' readable
reference, scipy and finite differences."""

import numpy as np
import pytest
import scipy.special as sp
from numpy.testing import assert_allclose

from minilr.functions import logsumexp_and_softmax, one_hot, softplus_and_sigmoid
from minilr.losses import regularized_cost, regularized_gradient
from minilr.objective import LinearObjective, hvp_sums, partial_sums
from minilr.pointwise import BINARY, SOFTMAX


def _binary(seed, m=50, n=4, K=None, scale=3.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    shape = (m,) if K is None else (m, K)
    y = rng.integers(0, 2, size=shape).astype(float)
    w = rng.normal(scale=scale, size=(n,) if K is None else (n, K))
    b = rng.normal() if K is None else rng.normal(size=K)
    return X, y, w, b


def _softmax(seed, m=50, n=4, K=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    Y = one_hot(rng.integers(0, K, size=m), K)
    return X, Y, rng.normal(scale=2.0, size=(n, K)), rng.normal(size=K)


# ---------------------------------------------------------------- kernels
def test_paired_kernels_match_scipy_at_every_scale():
    z = np.concatenate([np.linspace(-800, 800, 4001), np.random.default_rng(0).normal(0, 5, 999)])
    A, h = softplus_and_sigmoid(z)
    assert_allclose(A, np.logaddexp(0, z), rtol=1e-15, atol=0)
    assert_allclose(h, sp.expit(z), rtol=1e-15, atol=1e-300)
    Z = np.random.default_rng(1).normal(0, 300, size=(200, 5))
    A, P = logsumexp_and_softmax(Z)
    assert_allclose(A[:, 0], sp.logsumexp(Z, axis=1), rtol=1e-15)
    assert_allclose(P, sp.softmax(Z, axis=1), rtol=1e-12, atol=1e-300)


def test_one_hot_puts_a_single_one_per_row_in_the_column_of_its_class():
    k = np.array([2, 0, 1, 2])
    Y = one_hot(k, 3, np.float32)
    assert Y.dtype == np.float32 and Y.shape == (4, 3)
    assert_allclose(Y, np.eye(3)[k])


# ---------------------------------------------------------------- pointwise
@pytest.mark.parametrize("K", [None, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_binary_fast_form_equals_the_textbook_form(seed, K):
    X, y, w, b = _binary(seed, K=K, scale=50.0)  # logits up to a few hundred
    z = X @ w + b
    L, r = BINARY.loss_and_residual(z, y)
    L_fast, g = BINARY.fast_loss_and_residual(z.copy(), BINARY.prepare(y))
    assert_allclose(L_fast, np.sum(np.logaddexp(0, z) - y * z), rtol=1e-13)
    assert_allclose(L_fast, L, rtol=1e-13)
    assert_allclose(BINARY.residual_scale * g, r, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss, make", [(BINARY, _binary), (SOFTMAX, _softmax)])
def test_curvature_is_the_finite_difference_of_the_residual(loss, make):
    X, Y, w, b = make(0)
    z = X @ w + b
    v = np.random.default_rng(5).normal(size=z.shape)
    eps = 1e-6
    _, r_plus = loss.loss_and_residual(z + eps * v, Y)
    _, r_minus = loss.loss_and_residual(z - eps * v, Y)
    assert_allclose(loss.curvature(z, v), (r_plus - r_minus) / (2 * eps), rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- objective
@pytest.mark.parametrize("lam", [0.0, 0.7])
@pytest.mark.parametrize("K", [None, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_objective_equals_the_lessons_regularized_cost_and_gradient(seed, K, lam):
    X, y, w, b = _binary(seed, K=K)
    objective = LinearObjective(X, BINARY.prepare(y), lam, BINARY)
    J, g = objective.fun(objective.pack(w, b))
    g_w, g_b = objective.unpack(g.copy())
    X1, theta = np.column_stack([np.ones(len(X)), X]), np.vstack([np.atleast_2d(b), w.reshape(4, -1)])
    theta = theta[:, 0] if K is None else theta
    assert_allclose(J, regularized_cost(theta, X1, y, lam), rtol=1e-13)
    reference = regularized_gradient(theta, X1, y, lam)
    assert_allclose(g_w, reference[1:], rtol=1e-12, atol=1e-15)
    assert_allclose(g_b, reference[0], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("lam", [0.0, 1.3])
def test_softmax_objective_equals_cross_entropy_written_with_scipy(lam):
    X, Y, W, b = _softmax(3)
    objective = LinearObjective(X, SOFTMAX.prepare(Y), lam, SOFTMAX)
    J, g = objective.fun(objective.pack(W, b))
    Z = X @ W + b
    m = X.shape[0]
    expected = (np.sum(sp.logsumexp(Z, axis=1)) - np.sum(Y * Z) + 0.5 * lam * np.sum(W**2)) / m
    R = sp.softmax(Z, axis=1) - Y
    assert_allclose(J, expected, rtol=1e-13)
    assert_allclose(g, np.r_[((X.T @ R + lam * W) / m).ravel(), R.mean(axis=0)], rtol=1e-12,
                    atol=1e-15)


@pytest.mark.parametrize("loss, make", [(BINARY, _binary), (SOFTMAX, _softmax)])
def test_block_partial_sums_add_up_to_the_full_objective(loss, make):
    X, Y, w, b = make(4, m=61)
    T = loss.prepare(Y)
    objective = LinearObjective(X, T, 0.9, loss)
    J, g = objective.fun(objective.pack(w, b))
    g = g.copy()
    blocks = [slice(0, 20), slice(20, 21), slice(21, 61)]
    sums = [partial_sums(loss, w, b, X[s], T[s]) for s in blocks]
    J_blocks, g_blocks = objective.mean(w, tuple(map(sum, zip(*sums))), 61, 0.9)
    assert_allclose(J_blocks, J, rtol=1e-14)
    assert_allclose(g_blocks, g, rtol=1e-13, atol=1e-16)
    p = np.random.default_rng(0).normal(size=g.size)
    v_w, v_b = objective.unpack(p)
    hvp = [hvp_sums(loss, w, b, X[s], v_w, v_b) for s in blocks]
    assert_allclose(objective.hvp_mean(v_w, tuple(map(sum, zip(*hvp))), 61),
                    objective.hessp(objective.pack(w, b), p), rtol=1e-13, atol=1e-16)


def test_batch_penalty_is_scaled_by_the_batch_share_of_the_rows():
    X, y, w, b = _binary(6)
    objective = LinearObjective(X, BINARY.prepare(y), 2.0, BINARY)
    x = objective.pack(w, b)
    idx = np.arange(10, 30)
    J, g = objective.batch_fun(x, idx)
    alone = LinearObjective(X[idx], BINARY.prepare(y[idx]), 2.0 * 20 / 50, BINARY)
    J_ref, g_ref = alone.fun(x)
    assert J == J_ref
    assert_allclose(g, g_ref, rtol=0, atol=0)


def test_objective_without_intercept_has_no_b_in_x_and_b_is_zero():
    X, y, w, _ = _binary(7)
    objective = LinearObjective(X, BINARY.prepare(y), 0.0, BINARY, fit_intercept=False)
    assert objective.zeros().size == 4
    J, g = objective.fun(w.copy())
    X1 = np.column_stack([np.ones(len(X)), X])
    assert_allclose(J, regularized_cost(np.r_[0.0, w], X1, y, 0.0), rtol=1e-13)
    assert_allclose(g, regularized_gradient(np.r_[0.0, w], X1, y, 0.0)[1:], rtol=1e-12)
