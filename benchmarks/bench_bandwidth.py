"""Bandwidth: one evaluation of the cost and gradient on data beyond the cache, against ``X @ w``.

``X @ w`` reads X once and does nothing else: no evaluation of the cost and its
gradient can be faster, so it is the floor. Run this file alone to print the rows.
"""

import numpy as np

from common import in_batches, row
from minilr.losses import cost_and_gradient


def _data(m, n, dtype, K=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)).astype(dtype)
    shape = (n,) if K == 1 else (n, K)
    w = (rng.standard_normal(shape) / np.sqrt(n)).astype(dtype)
    b = dtype(0.1) if K == 1 else np.full(K, 0.1, dtype=dtype)
    y = (rng.random((m,) if K == 1 else (m, K)) < 0.5).astype(dtype)
    return X, y, w, b


def _reference_sums(X, y, w, b, lam):
    """The textbook two-pass cost and gradient in float64, for the quality check."""
    z = X.astype(np.float64) @ w.astype(np.float64) + b
    J = (np.sum(np.logaddexp(0, z) - y * z) + 0.5 * lam * np.sum(w.astype(np.float64) ** 2))
    r = 0.5 * (1 + np.tanh(0.5 * z)) - y
    return J / len(X), (X.T.astype(np.float64) @ r + lam * w) / len(X)


def evaluation(quick=False, repeats=5):
    """Case 9: ``cost_and_gradient`` against the floor ``X @ w`` on the same array."""
    m_scale = 5 if quick else 1
    rows = []
    for m, n, dtype, K in [(200000, 50, np.float64, 1), (200000, 50, np.float32, 1),
                           (1000000, 20, np.float64, 1), (1000000, 20, np.float32, 1),
                           (200000, 50, np.float64, 10)]:
        m //= m_scale
        X, y, w, b = _data(m, n, dtype, K)
        lam = 1.0
        t_ours, t_floor, (J, g_w, _), _ = in_batches(
            lambda: cost_and_gradient(w, b, X, y, lam), lambda: X @ w, repeats,
            pause=0.05 if quick else 0.3)
        J_ref, g_ref = _reference_sums(X, y, w, b, lam)
        rtol = 1e-10 if dtype == np.float64 else 1e-4
        err = max(abs(J - J_ref) / abs(J_ref), float(np.max(np.abs(g_w - g_ref)) / np.max(np.abs(g_ref))))
        gbs = X.nbytes / t_ours / 1e9
        # The target is the for one column; with K = 10 the products are compute-bound.
        target = 1.5 if K == 1 else float("inf")
        rows.append(row(f"9. evaluation, {m}x{n} {np.dtype(dtype).name}" + (f", K={K}" if K > 1 else ""),
                        t_ours, t_floor, target, f"{gbs:.1f} GB/s; rel. error {err:.1e}"
                        + ("" if K == 1 else "; informational"),
                        err <= rtol and g_w.dtype == dtype, "X @ w (one read of X)"))
    return rows


CASES = {"evaluation": evaluation}

if __name__ == "__main__":
    for r in evaluation(quick=False, repeats=5):
        print(r)
