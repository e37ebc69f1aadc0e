"""The row-blocked pass for X beyond the cache (minilr.blocks) against the one-pass form."""

import threading

import numpy as np
import pytest

from minilr import LogisticRegression, blocks
from minilr.objective import _hvp_sums, _loss_sums, hvp_sums, partial_sums
from minilr.pointwise import BINARY, SOFTMAX


@pytest.fixture
def forced(monkeypatch):
    """Blocks of 7 rows for any X, so that small data takes the blocked path."""
    import minilr.objective as objective

    monkeypatch.setattr(blocks, "MIN_BYTES", 0)
    monkeypatch.setattr(blocks, "block_rows", lambda X, block_bytes=None: 7)
    monkeypatch.setattr(objective, "block_rows", lambda X, block_bytes=None: 7)


def _problem(m, n, K, dtype=np.float64, seed=0, intercept=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n)).astype(dtype)
    if K == 1:
        w, b, y = rng.normal(size=n), 0.3 if intercept else 0.0, (rng.random(m) < 0.5) * 1.0
        loss, T = BINARY, BINARY.prepare(y.astype(dtype))
    else:
        w, b = rng.normal(size=(n, K)), rng.normal(size=K) * intercept
        loss = SOFTMAX if K > 2 else BINARY
        T = np.eye(K, dtype=dtype)[rng.integers(0, K, size=m)]
        T = loss.prepare(T) if loss is BINARY else T
    return loss, w.astype(dtype), (np.asarray(b, dtype=dtype) if K > 1 else dtype(b)), X, T


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a, float) - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("K", [1, 10])
@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("m", [105, 103, 23])  # 103 and 23: not multiples of the 7-row block
def test_blocked_pass_equals_one_pass(forced, K, intercept, m):
    loss, w, b, X, T = _problem(m, 5, K, intercept=intercept)
    assert blocks.use_blocks(X)
    L, S_w, S_b = partial_sums(loss, w, b, X, T, offset=2.5)
    L1, S_w1, S_b1 = _loss_sums(loss, w, b, X, T.copy(), 2.5)
    assert abs(L - L1) <= 1e-12 * abs(L1)
    assert _rel(S_w, S_w1) <= 1e-12 and _rel(S_b, S_b1) <= 1e-12


@pytest.mark.parametrize("K", [1, 10])
def test_blocked_hessian_vector_product_equals_one_pass(forced, K):
    loss, w, b, X, _ = _problem(101, 6, K)
    rng = np.random.default_rng(5)
    v_w, v_b = rng.normal(size=w.shape), rng.normal(size=np.shape(b))
    H_w, H_b = hvp_sums(loss, w, b, X, v_w, v_b)
    H_w1, H_b1 = _hvp_sums(loss, w, b, X, v_w, v_b)
    assert _rel(H_w, H_w1) <= 1e-12 and _rel(H_b, H_b1) <= 1e-12


def test_one_row_is_one_block():
    loss, w, b, X, T = _problem(1, 4, 1)
    got = blocks.sum_over_blocks(lambda i, j: _loss_sums(loss, w, b, X[i:j], T[i:j], 0.0), 1, 7)
    want = _loss_sums(loss, w, b, X, T.copy(), 0.0)
    assert got[0] == pytest.approx(want[0], rel=1e-15)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-15)


@pytest.mark.parametrize("K", [1, 10])
def test_bitwise_identical_across_runs_and_thread_counts(forced, K):
    loss, w, b, X, T = _problem(500, 8, K, seed=3)
    runs = [partial_sums(loss, w, b, X, T) for _ in range(5)]
    by_threads = [blocks.sum_over_blocks(lambda i, j: _loss_sums(loss, w, b, X[i:j], T[i:j], 0.0),
                                         500, 7, n_threads=t) for t in (1, 2, 3)]
    for other in runs[1:] + by_threads:
        assert other[0] == runs[0][0]
        assert np.array_equal(other[1], runs[0][1]) and np.array_equal(other[2], runs[0][2])


def test_float32_stays_float32(forced):
    loss, w, b, X, T = _problem(60, 4, 1, dtype=np.float32)
    _, S_w, _ = partial_sums(loss, w, b, X, T)
    assert S_w.dtype == np.float32


def test_blocks_only_beyond_the_cache_and_in_the_main_thread():
    small = np.zeros((699, 9))
    big = np.zeros((blocks.MIN_BYTES // 8 // 50 + 1000, 50))
    assert not blocks.use_blocks(small) and blocks.use_blocks(big)
    assert not blocks.use_blocks(big.astype(np.float32)[: big.shape[0] // 2 - 1000])
    seen = []
    worker = threading.Thread(target=lambda: seen.append(blocks.use_blocks(big)))
    worker.start()
    worker.join()
    assert seen == [False]  # a Dask task's or joblib thread's X is summed in one pass


def test_block_rows_fill_about_block_bytes():
    X = np.zeros((10, 50))
    assert blocks.block_rows(X) == blocks.BLOCK_BYTES // 400
    assert blocks.block_rows(np.zeros((3, 10**7)), block_bytes=1) == 1


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_fit_in_blocks_equals_fit_in_one_pass(monkeypatch, solver):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 6))
    y = (X @ rng.normal(size=6) + rng.logistic(size=3000) > 0).astype(int)
    plain = LogisticRegression(lam=1.0, solver=solver, tol=1e-10).fit(X, y)
    monkeypatch.setattr(blocks, "MIN_BYTES", 0)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 8 * 6 * 97)
    blocked = LogisticRegression(lam=1.0, solver=solver, tol=1e-10).fit(X, y)
    # Both stop within tol of the same optimum; rounding differs, so the paths may too.
    np.testing.assert_allclose(blocked.coef_, plain.coef_, rtol=1e-6)
    np.testing.assert_allclose(blocked.intercept_, plain.intercept_, rtol=1e-6)
