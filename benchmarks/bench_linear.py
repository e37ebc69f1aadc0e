"""Binary logistic regression benchmarks: GD loop, L-BFGS, mini-batch SGD, memory.

Each function returns rows for ``benchmarks/run.py``; run this file alone to print them.
"""

import tracemalloc

import numpy as np

from common import interleaved, row, timed
from minilr import LogisticRegression
from minilr.datasets import load_breast_cancer_wisconsin
from minilr.functions import sigmoid, softplus


def logistic_cost(w, b, X, y, lam):
    """Independent cost for quality checks: mean softplus(z) - y z + lam/(2m)|w|^2."""
    z = X @ w + b
    return float(np.mean(softplus(z) - y * z) + lam / (2 * len(y)) * w @ w)


def gd_loop(quick=False, repeats=5):
    """Case 1: 20000 epochs of batch GD with per-epoch history vs a bare NumPy loop."""
    epochs = 4000 if quick else 20000
    X, y, _ = load_breast_cancer_wisconsin()
    yf = y.astype(np.float64)
    X1 = np.column_stack([np.ones(len(X)), X])  # the reference's own bias column
    lr = 3e-4

    def bare(sigma):
        def loop():
            w = np.zeros(X1.shape[1])
            for _ in range(epochs):
                w -= lr * X1.T @ (sigma(X1 @ w) - yf)
            return w
        return loop

    def ours():
        return LogisticRegression(lam=0, solver="gd", learning_rate=lr * len(X), max_iter=epochs,
                                  tol=0).fit(X, y)

    def naive(z):  # the textbook one-liner: overflows (RuntimeWarning) for z < -709
        return 1 / (1 + np.exp(-z))

    rows = []
    for sigma, name, target in [(sigmoid, "minilr.sigmoid", 1.25), (naive, "1/(1+exp(-z))", None)]:
        t_ours, t_ref, model, w_ref = interleaved(ours, bare(sigma), repeats)
        diff = max(abs(model.intercept_[0] - w_ref[0]), np.max(np.abs(model.coef_[0] - w_ref[1:])))
        ok = diff < 1e-8 and len(model.history_) == epochs
        rows.append(row(f"1. GD loop, breast cancer, {epochs} epochs + history", t_ours, t_ref,
                        target or float("inf"), f"max |w - w_ref| = {diff:.1e}"
                        + ("" if target else "; informational"), ok,
                        f"bare NumPy loop with {name}, no history"))
    return rows


def make_binary(m, n, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)).astype(dtype)
    w = rng.standard_normal(n) / np.sqrt(n) * 2
    y = (rng.random(m) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(np.int64)
    return X, y


def lbfgs_binary(quick=False, repeats=5):
    """Case 2: binary L-BFGS on 200000 x 50 vs scikit-learn's lbfgs, same lam and tol."""
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    m = 40000 if quick else 200000
    X, y = make_binary(m, 50)
    lam, tol = 1.0, 1e-8
    t_ours, t_ref, ours, ref = interleaved(
        lambda: LogisticRegression(lam=lam, tol=tol).fit(X, y),
        lambda: SkLogisticRegression(C=1 / lam, tol=tol, max_iter=1000).fit(X, y),
        repeats,
    )
    J_ours = logistic_cost(ours.coef_[0], ours.intercept_[0], X, y, lam)
    J_ref = logistic_cost(ref.coef_[0], ref.intercept_[0], X, y, lam)
    rel = abs(J_ours - J_ref) / abs(J_ref)
    return [row(f"2. lbfgs binary, {m}x50 float64", t_ours, t_ref, 1.0,
                f"cost {J_ours:.10f} vs {J_ref:.10f} (rel {rel:.1e})", rel <= 1e-7,
                "sklearn LogisticRegression(lbfgs)")]


def sgd_float32(quick=False, repeats=5):
    """Case 6: mini-batch SGD, 1e6 x 20 float32, batch 256, 5 epochs vs SGDClassifier."""
    from sklearn.linear_model import SGDClassifier

    m = 200000 if quick else 1000000
    epochs = 5
    X, y = make_binary(m, 20, dtype=np.float32)
    t_ours, t_ref, ours, ref = interleaved(
        lambda: LogisticRegression(lam=1e-4 * m, solver="sgd", batch_size=256, max_iter=epochs,
                                   learning_rate=0.1, tol=0, random_state=0).fit(X, y),
        lambda: SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=epochs, tol=None,
                              random_state=0).fit(X, y),
        repeats,
    )
    acc_ours, acc_ref = ours.score(X, y), ref.score(X, y)
    ok = acc_ours >= acc_ref - 0.01 and ours.coef_.dtype == np.float32
    samples = m * epochs
    # Reported as throughput: ratio = minilr samples/s over the reference's.
    return [row(f"6. mini-batch SGD, {m}x20 float32, batch 256, {epochs} epochs (samples/s)",
                samples / t_ours, samples / t_ref, 1.5,
                f"accuracy {acc_ours:.4f} vs {acc_ref:.4f}, coef_ {ours.coef_.dtype}", ok,
                "sklearn SGDClassifier(log_loss)", higher_is_better=True)]


def memory_lbfgs(quick=False, repeats=1):
    """Case 7: extra memory while fitting lbfgs on a 400 MB float32 X (tracemalloc)."""
    m, n = (100000, 100) if quick else (1000000, 100)
    X, y = make_binary(m, n, dtype=np.float32)
    timed(lambda: LogisticRegression(max_iter=5).fit(X[:100], y[:100]))  # imports, not counted
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    seconds, model = timed(lambda: LogisticRegression(lam=1.0, max_iter=50).fit(X, y))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extra = (peak - base) / X.nbytes
    ok = model.coef_.dtype == np.float32
    r = row(f"7. memory: lbfgs on {X.nbytes / 1e6:.0f} MB float32 X (extra / size of X)",
            extra, 1.0, 0.10, f"peak extra {(peak - base) / 1e6:.1f} MB; coef_ {model.coef_.dtype}",
            ok, "size of X")
    return [r]


CASES = {"gd_loop": gd_loop, "lbfgs_binary": lbfgs_binary, "sgd_float32": sgd_float32,
         "memory": memory_lbfgs}

if __name__ == "__main__":
    for fn in CASES.values():
        for r in fn(quick=True, repeats=3):
            print(r)
