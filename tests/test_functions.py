"""Tests for minilr.functions: accuracy against scipy, stability at extreme inputs, dtypes."""

import numpy as np
import pytest
import scipy.special as sp

from minilr.functions import (log_sigmoid, log_softmax, logsumexp, sigmoid, softmax, softplus,
                              softplus_and_sigmoid)

F64 = np.finfo(np.float64)
F32 = np.finfo(np.float32)


def _wide_grid_and_random(seed):
    """The grid of the issue plus seeded random logits of several scales."""
    rng = np.random.default_rng(seed)
    return np.concatenate([
        np.linspace(-750, 750, 20001),
        rng.normal(0.0, 5.0, 5000),
        rng.normal(0.0, 200.0, 5000),
        rng.uniform(-40.0, 40.0, 5000),
    ])


# --- sigmoid and log_sigmoid: accuracy ---------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_matches_expit_to_1e15_relative(seed):
    z = _wide_grid_and_random(seed)
    ref = sp.expit(z)
    # scipy's expit flushes to 0 below z ~ -709.8, where the true value is subnormal; there
    # the extended-precision test below is the reference. Compare wherever expit is normal.
    normal = ref >= F64.tiny
    assert normal.sum() > 0.9 * z.size
    np.testing.assert_allclose(sigmoid(z)[normal], ref[normal], rtol=1e-15, atol=0)


def test_sigmoid_matches_extended_precision_reference_including_subnormal_tail():
    z = np.linspace(-760, 40, 16001)
    zl = z.astype(np.longdouble)
    ref = (np.exp(zl) / (1 + np.exp(zl))).astype(np.float64)  # 80-bit, then rounded once
    # Relative 1e-15 where the result is a normal number; one subnormal step below that.
    np.testing.assert_allclose(sigmoid(z), ref, rtol=1e-15, atol=F64.smallest_subnormal)
    assert sigmoid(-740.0) > 0  # exp(-740) ~ 4e-322 is representable: no early flush to 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_sigmoid_matches_log_expit_to_1e15_relative(seed):
    z = _wide_grid_and_random(seed)
    np.testing.assert_allclose(log_sigmoid(z), sp.log_expit(z), rtol=1e-15, atol=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_sigmoid_and_log_sigmoid_float32_within_float32_precision(seed):
    rng = np.random.default_rng(seed)
    z32 = np.concatenate([
        np.linspace(-120, 120, 20001, dtype=np.float32),
        rng.normal(0.0, 10.0, 5000).astype(np.float32),
    ])
    z64 = z32.astype(np.float64)  # the same numbers, evaluated in double precision
    h, ls = sigmoid(z32), log_sigmoid(z32)
    assert h.dtype == np.float32 and ls.dtype == np.float32
    # A few float32 roundings (rtol 4 eps); float32 subnormals are off by at most 2 steps.
    atol = 2 * F32.smallest_subnormal
    np.testing.assert_allclose(h, sp.expit(z64), rtol=4 * F32.eps, atol=atol)
    np.testing.assert_allclose(ls, sp.log_expit(z64), rtol=4 * F32.eps, atol=atol)


def test_softplus_is_minus_log_sigmoid_of_minus_z():
    z = _wide_grid_and_random(7)
    np.testing.assert_allclose(softplus(z), -sp.log_expit(-z), rtol=1e-15, atol=0)


# --- stability at extreme inputs -----------------------------------------------------------------

# (z, dtype, sigmoid(z), log_sigmoid(z)) worked out by hand: for |z| >= 1e4, e^{-|z|} underflows
# to 0, so sigma is exactly 0 or 1 and log sigma is exactly min(z, 0).
EXTREMES = [
    (1e4, np.float64, 1.0, 0.0),
    (-1e4, np.float64, 0.0, -1e4),
    (1e300, np.float64, 1.0, 0.0),
    (-1e300, np.float64, 0.0, -1e300),
    (F64.max, np.float64, 1.0, 0.0),
    (-F64.max, np.float64, 0.0, -F64.max),
    (1e4, np.float32, 1.0, 0.0),
    (-1e4, np.float32, 0.0, -1e4),
    (3e38, np.float32, 1.0, 0.0),
    (-3e38, np.float32, 0.0, -3e38),
]


@pytest.mark.parametrize("z, dtype, expected_h, expected_log_h", EXTREMES)
def test_sigmoid_and_log_sigmoid_raise_no_floating_point_error_at_extremes(z, dtype, expected_h,
                                                                           expected_log_h):
    z_arr = np.array([z, 0.0, -z], dtype=dtype)
    with np.errstate(all="raise"):
        h = sigmoid(z_arr)
        log_h = log_sigmoid(z_arr)
        h_scalar = sigmoid(dtype(z))
        log_h_scalar = log_sigmoid(dtype(z))
    assert h.dtype == dtype and log_h.dtype == dtype
    assert h_scalar == dtype(expected_h) and log_h_scalar == dtype(expected_log_h)
    np.testing.assert_array_equal(h, np.array([expected_h, 0.5, 1.0 - expected_h], dtype=dtype))
    assert log_h[0] == dtype(expected_log_h)
    np.testing.assert_allclose(log_h[1], -np.log(2.0), rtol=np.finfo(dtype).eps)
    assert np.all(np.isfinite(log_h))


@pytest.mark.parametrize("z", [1e4, 1e300, -1e300])
def test_softplus_raises_no_floating_point_error_at_extremes(z):
    with np.errstate(all="raise"):
        value = softplus(z)
    assert value == max(z, 0.0)  # log(1 + e^z) = max(z, 0) once e^{-|z|} underflows


# --- dtypes, scalars and shapes ------------------------------------------------------------------

@pytest.mark.parametrize("func", [sigmoid, log_sigmoid, softplus])
@pytest.mark.parametrize("value, expected_dtype", [
    (np.array([[-1.5, 0.0], [2.0, 3.0]], dtype=np.float32), np.float32),
    (np.array([[-1.5, 0.0], [2.0, 3.0]], dtype=np.float64), np.float64),
    (np.array([[-1, 0], [2, 3]], dtype=np.int64), np.float64),
    (np.array([[-1, 0], [2, 3]], dtype=np.int32), np.float64),
    (np.float32(1.5), np.float32),
    (1.5, np.float64),
    (3, np.float64),
    (True, np.float64),
])
def test_elementwise_functions_keep_float_dtype_promote_ints_and_accept_scalars(func, value,
                                                                                 expected_dtype):
    out = func(value)
    assert out.dtype == expected_dtype
    assert np.shape(out) == np.shape(value)
    reference = {sigmoid: sp.expit, log_sigmoid: sp.log_expit,
                 softplus: lambda v: -sp.log_expit(-v)}[func]
    tol = 4 * np.finfo(expected_dtype).eps
    np.testing.assert_allclose(out, reference(np.asarray(value, dtype=np.float64)), rtol=tol)


@pytest.mark.parametrize("shape", [(), (3,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_and_sigmoid_keep_the_dtype_of_a_0d_or_1d_input(shape, dtype):
    # A 0-d float32 meeting a Python 0 or 1 gave float64 on NumPy 1.x (before NEP 50).
    z = np.full(shape, -1.5, dtype=dtype)
    A, h = softplus_and_sigmoid(z)
    assert (A.dtype, h.dtype) == (dtype, dtype)
    tol = 4 * np.finfo(dtype).eps
    np.testing.assert_allclose(A, -sp.log_expit(1.5), rtol=tol)
    np.testing.assert_allclose(h, sp.expit(-1.5), rtol=tol)


@pytest.mark.parametrize("func", [softmax, log_softmax, logsumexp])
@pytest.mark.parametrize("dtype, expected_dtype", [
    (np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64),
])
def test_rowwise_functions_keep_float_dtype_and_promote_ints(func, dtype, expected_dtype):
    Z = np.array([[1, 2, 3], [-4, 0, 4]], dtype=dtype)
    assert func(Z).dtype == expected_dtype


# --- softmax, log_softmax, logsumexp -------------------------------------------------------------

@pytest.mark.parametrize("seed, scale", [(0, 1.0), (1, 10.0), (2, 50.0)])
def test_softmax_matches_scipy_to_1e14_relative(seed, scale):
    Z = np.random.default_rng(seed).normal(0.0, scale, (200, 7))
    np.testing.assert_allclose(softmax(Z), sp.softmax(Z, axis=1), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(softmax(Z.T, axis=0), sp.softmax(Z.T, axis=0), rtol=1e-14,
                               atol=1e-300)


@pytest.mark.parametrize("seed, scale", [(0, 1.0), (1, 10.0), (2, 30.0)])
def test_log_softmax_matches_scipy_to_1e13(seed, scale):
    Z = np.random.default_rng(seed).normal(0.0, scale, (200, 7))
    # Both compute z - lse(z); near 0 (the dominant class) only the absolute error is
    # small, a few ulps of max|z|, so the tolerance is relative 1e-13 plus absolute 1e-13.
    np.testing.assert_allclose(log_softmax(Z), sp.log_softmax(Z, axis=1), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("axis, keepdims", [(-1, False), (1, True), (0, False), (0, True)])
def test_logsumexp_matches_scipy_to_1e14_relative(seed, axis, keepdims):
    Z = np.random.default_rng(seed).normal(0.0, 20.0, (60, 9))
    got = logsumexp(Z, axis=axis, keepdims=keepdims)
    expected = sp.logsumexp(Z, axis=axis, keepdims=keepdims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-14)


@pytest.mark.parametrize("seed, K", [(0, 2), (1, 5), (2, 50)])
def test_softmax_rows_are_probabilities_summing_to_one(seed, K):
    Z = np.random.default_rng(seed).normal(0.0, 30.0, (500, K))
    P = softmax(Z)
    assert np.all((P >= 0) & (P <= 1))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=K * F64.eps)


def test_softmax_log_softmax_logsumexp_do_not_overflow_at_1e300():
    Z = np.array([[1e300, -1e300, 0.0],
                  [0.0, 0.0, 1e300],
                  [1e300, 1e300, 0.0]])
    with np.errstate(all="raise"):
        P, logP, lse = softmax(Z), log_softmax(Z), logsumexp(Z)
    # Hand-derived: the 1e300 entries dominate completely; a tie splits the mass evenly, and
    # log 2 is far below the spacing of floats near 1e300.
    np.testing.assert_array_equal(P, [[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0]])
    np.testing.assert_array_equal(logP, [[0, -2e300, -1e300], [-1e300, -1e300, 0], [0, 0, -1e300]])
    np.testing.assert_array_equal(lse, [1e300, 1e300, 1e300])


def test_softmax_is_shift_invariant_for_huge_shifts():
    Z = np.random.default_rng(3).normal(0.0, 3.0, (50, 4))
    with np.errstate(all="raise"):
        shifted = softmax(Z + 1e5)
    np.testing.assert_allclose(shifted, sp.softmax(Z, axis=1), rtol=1e-10)
