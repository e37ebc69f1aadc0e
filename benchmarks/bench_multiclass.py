"""Multiclass benchmarks on the 5000 digits (lam = 1): minilr against the seed loop and scikit-learn.

Cases
-----
* ``default``: ``LogisticRegression(lam=1)`` (minilr's default multiclass fit, the K
  one-vs-all problems solved together) against the seed's own loop (ten
  ``scipy.optimize.minimize(method="TNC", jac=True)`` calls on a bias-augmented X,
  cost and gradient written plainly below; target ratio <= 1.1) and against
  scikit-learn's ``OneVsRestClassifier(LogisticRegression(C=1))`` (target <= 0.3).
* ``solvers``: the same comparison with the seed loop for a few solver/tolerance
  pairs, to choose the default, and for K separate TNC fits (the wrapper below).
* ``parallel``: ``OneVsAllClassifier(LogisticRegression(lam=1, solver="tnc"))`` with
  ``n_jobs=2`` (loky processes, then threads) against ``n_jobs=None``.

"Same work" means the same final cost: every row reports the one-vs-all cost
(the sum of the K regularised logistic costs, computed here independently) of
both fits, and ``quality_ok`` says whether minilr's is within 1e-6 (relative) of
the seed loop's, or below it, and whether the training accuracies agree to 0.1
percentage point.

Timing: every repeat runs all contenders one after the other (interleaved), and
the median of the repeats is reported (wall time; ``quality["cpu_ratio"]`` is the
same ratio in CPU time, which other processes on the machine disturb less). BLAS runs on ``blas_threads`` threads
(default 1, through threadpoolctl): on a shared two-core machine OpenBLAS's own
threads compete with the other processes and single fits then vary tenfold, for
minilr and the references alike; ``blas_threads=None`` leaves BLAS alone.

Run ``python benchmarks/bench_multiclass.py [--quick] [--repeats N] [--blas-threads N|none]``,
or through ``benchmarks/run.py``.
"""

import argparse
import contextlib
import statistics
import time
import warnings

import numpy as np

from minilr import LogisticRegression
from minilr.datasets import load_digits_20x20
from minilr.multiclass import OneVsAllClassifier

LAM = 1.0
SAME_COST = 1e-6  # relative gap of final costs that still counts as "the same cost"
SAME_ACCURACY = 1e-3  # 0.1 percentage point: 5 of the 5000 digits
# The default method (vectorised one-vs-all, lbfgs) with the tolerance that reaches the
# seed loop's final cost to SAME_COST; the default tol=1e-4 stops about 3e-4 short of it.
DEFAULT_TOL = 5e-6
SOLVERS = [("lbfgs", 1e-4), ("lbfgs", 1e-5), ("lbfgs", 5e-6), ("tnc", 1e-4), ("tnc", 5e-5),
           ("tnc", 1e-5)]


# ------------------------------------------------------------------ the seed's loop
def seed_cost_gradient(theta, X, y, lam):
    """The seed's regularised logistic cost and gradient; ``X`` has a column of ones first."""
    m = len(y)
    h = 1 / (1 + np.exp(-(X @ theta)))
    J = (-y @ np.log(h) - (1 - y) @ np.log(1 - h)) / m + lam / (2 * m) * theta[1:] @ theta[1:]
    grad = X.T @ (h - y) / m
    grad[1:] += lam / m * theta[1:]
    return J, grad


def seed_one_vs_all(X, y, lam=LAM):
    """Ten TNC minimisations from zeros, as the seed does; returns (coef (K, n), intercept (K,))."""
    from scipy.optimize import minimize

    Xb = np.column_stack([np.ones(len(X)), X])
    theta = np.array([
        minimize(seed_cost_gradient, np.zeros(Xb.shape[1]), args=(Xb, (y == c) * 1.0, lam),
                 method="TNC", jac=True).x
        for c in np.unique(y)
    ])
    return theta[:, 1:], theta[:, 0]


# ------------------------------------------------------------------ quality
def ova_cost(coef, intercept, X, y, lam=LAM):
    """Sum over the K classes of the mean logistic loss + lam/(2m)|w_k|^2 (stable form)."""
    classes = np.unique(y)
    Z = X @ coef.T + intercept  # (m, K)
    Y = (y[:, None] == classes).astype(float)
    return float(np.sum(np.logaddexp(0, Z) - Y * Z) / len(y) + lam / (2 * len(y)) * np.sum(coef**2))


def accuracy(coef, intercept, X, y):
    return float(np.mean(np.unique(y)[np.argmax(X @ coef.T + intercept, axis=1)] == y))


def _quality(ours, reference, X, y):
    """Final cost and training accuracy of two (coef, intercept) fits, and whether they agree."""
    J, J_ref = ova_cost(*ours, X, y), ova_cost(*reference, X, y)
    acc, acc_ref = accuracy(*ours, X, y), accuracy(*reference, X, y)
    gap = (J - J_ref) / J_ref
    return {"cost": J, "reference_cost": J_ref, "cost_gap": gap,
            "accuracy": acc, "reference_accuracy": acc_ref,
            "ok": bool(gap <= SAME_COST and abs(acc - acc_ref) <= SAME_ACCURACY)}


def _coef(estimator):
    return estimator.coef_, estimator.intercept_


# ------------------------------------------------------------------ timing
def _interleaved(contenders, repeats):
    """Median wall and CPU seconds of each contender over ``repeats`` rounds, and its last result."""
    wall = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    results = {}
    for _ in range(repeats):
        for name, fn in contenders.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scikit-learn's max_iter=100 warns on the digits
                start, start_cpu = time.perf_counter(), time.process_time()
                results[name] = fn()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
    median = lambda d: {name: statistics.median(t) for name, t in d.items()}  # noqa: E731
    return median(wall), median(cpu), results


def _row(case, reference, minilr_s, reference_s, target, quality, cpu=None):
    """One result; ``cpu`` = (minilr, reference) CPU seconds, less sensitive to other processes."""
    ratio = minilr_s / reference_s
    if cpu is not None:
        quality["cpu_ratio"] = cpu[0] / cpu[1]
    return {"case": case, "reference": reference, "minilr_s": minilr_s,
            "reference_s": reference_s, "ratio": ratio, "target": f"<= {target:g}",
            "target_met": bool(ratio <= target), "quality": quality,
            "quality_ok": quality.pop("ok")}


@contextlib.contextmanager
def _blas(threads):
    """Limit every BLAS in the process to ``threads`` threads (None: leave them alone)."""
    # scipy's L-BFGS-B links its own OpenBLAS, loaded on first import: load it now so that
    # the limit reaches it too. Unlimited, its idle threads spin and slow numpy's BLAS down.
    import scipy.optimize  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(threads):
        yield


def _sklearn_ova(X, y):
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    ova = OneVsRestClassifier(SkLogisticRegression(C=1 / LAM)).fit(X, y)
    return (np.vstack([e.coef_ for e in ova.estimators_]),
            np.concatenate([e.intercept_ for e in ova.estimators_]))


# ------------------------------------------------------------------ cases
def default(quick=False, repeats=5, blas_threads=1):
    """minilr's default multiclass fit against the seed loop (<= 1.1) and scikit-learn (<= 0.3)."""
    X, y = load_digits_20x20()
    contenders = {
        "seed": lambda: seed_one_vs_all(X, y),
        "sklearn": lambda: _sklearn_ova(X, y),
        "minilr": lambda: _coef(LogisticRegression(lam=LAM, tol=DEFAULT_TOL).fit(X, y)),
    }
    with _blas(blas_threads):
        t, c, r = _interleaved(contenders, repeats)
    name = repr(LogisticRegression(lam=LAM, tol=DEFAULT_TOL))
    return [
        _row(f"digits OvA: {name}", "seed loop, 10 x scipy TNC", t["minilr"], t["seed"], 1.1,
             _quality(r["minilr"], r["seed"], X, y), (c["minilr"], c["seed"])),
        _row(f"digits OvA: {name}", "sklearn OneVsRest(LogisticRegression(C=1))", t["minilr"],
             t["sklearn"], 0.3, _quality(r["minilr"], r["seed"], X, y)
             | {"sklearn_cost": ova_cost(*r["sklearn"], X, y),
                "sklearn_accuracy": accuracy(*r["sklearn"], X, y)}, (c["minilr"], c["sklearn"])),
    ]


def solvers(quick=False, repeats=5, blas_threads=1):
    """Solver and tolerance candidates for the default, each against the seed loop."""
    X, y = load_digits_20x20()
    candidates = SOLVERS[::2] if quick else SOLVERS
    contenders = {"seed": lambda: seed_one_vs_all(X, y)}
    for solver, tol in candidates:
        contenders[(solver, tol)] = (
            lambda s=solver, t=tol: _coef(LogisticRegression(lam=LAM, solver=s, tol=t).fit(X, y)))
    # The K problems as K separate fits (what a per-class loop in LogisticRegression would do).
    separate = OneVsAllClassifier(LogisticRegression(lam=LAM, solver="tnc", tol=1e-5))
    contenders["separate"] = lambda: _coef(separate.fit(X, y))
    with _blas(blas_threads):
        t, c, r = _interleaved(contenders, repeats)
    rows = [_row(f"digits OvA: LogisticRegression(solver={s!r}, tol={tol:g})",
                 "seed loop, 10 x scipy TNC", t[(s, tol)], t["seed"], 1.1,
                 _quality(r[(s, tol)], r["seed"], X, y), (c[(s, tol)], c["seed"]))
            for s, tol in candidates]
    rows.append(_row(f"digits OvA: {separate!r}, sequential", "seed loop, 10 x scipy TNC",
                     t["separate"], t["seed"], 1.1, _quality(r["separate"], r["seed"], X, y),
                     (c["separate"], c["seed"])))
    return rows


def parallel(quick=False, repeats=5, blas_threads=1):
    """OneVsAllClassifier with n_jobs=2 (processes, threads) against n_jobs=None."""
    from joblib import parallel_config

    X, y = load_digits_20x20()
    base = LogisticRegression(lam=LAM, solver="tnc")

    def fit(n_jobs, backend="loky"):
        with parallel_config(backend=backend):
            return _coef(OneVsAllClassifier(base, n_jobs=n_jobs).fit(X, y))

    contenders = {"sequential": lambda: fit(None), "loky": lambda: fit(2),
                  "threading": lambda: fit(2, "threading")}
    with _blas(blas_threads):
        fit(2)  # start loky's worker processes once, outside the timing (they are reused)
        t, _, r = _interleaved(contenders, repeats)
    rows = []
    for backend in ("loky", "threading"):
        quality = _quality(r[backend], r["sequential"], X, y)
        quality["speedup"] = t["sequential"] / t[backend]
        quality["max_coef_diff"] = float(np.max(np.abs(r[backend][0] - r["sequential"][0])))
        rows.append(_row(f"digits OneVsAllClassifier(tnc), n_jobs=2 ({backend})",
                         "the same, n_jobs=None", t[backend], t["sequential"], 1.0, quality))
    return rows


def softmax_cost(coef, intercept, X, y, lam=LAM):
    """Multinomial cross-entropy + lam/(2m)|W|^2, computed independently with scipy."""
    from scipy.special import logsumexp

    Z = X @ coef.T + intercept
    m = len(y)
    return float(np.mean(logsumexp(Z, axis=1) - Z[np.arange(m), y]) + lam / (2 * m) * np.sum(coef**2))


def multinomial(quick=False, repeats=5, blas_threads=1):
    """Softmax regression on the digits against scikit-learn's multinomial lbfgs (<= 1.0)."""
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    X, y = load_digits_20x20()
    tol = 1e-6
    contenders = {
        "sklearn": lambda: _coef(SkLogisticRegression(C=1 / LAM, tol=tol, max_iter=2000).fit(X, y)),
        "minilr": lambda: _coef(LogisticRegression(lam=LAM, multi_class="multinomial", tol=tol,
                                                   max_iter=2000).fit(X, y)),
    }
    with _blas(blas_threads):
        t, c, r = _interleaved(contenders, repeats)
    J, J_ref = softmax_cost(*r["minilr"], X, y), softmax_cost(*r["sklearn"], X, y)
    gap = (J - J_ref) / J_ref
    quality = {"cost": J, "sklearn_cost": J_ref, "rel_gap": gap,
               "accuracy": accuracy(*r["minilr"], X, y),
               "sklearn_accuracy": accuracy(*r["sklearn"], X, y), "ok": bool(gap <= SAME_COST)}
    return [_row(f"digits multinomial, lbfgs tol={tol:g}", "sklearn LogisticRegression (multinomial lbfgs)",
                 t["minilr"], t["sklearn"], 1.0, quality, (c["minilr"], c["sklearn"]))]


# ``solvers`` explores tolerances that do not all reach the seed's cost, so its rows are
# not quality checks: run it alone (``python benchmarks/bench_multiclass.py``), not in run.py.
CASES = {"multiclass_default": default, "multiclass_parallel": parallel,
         "multinomial": multinomial}


def run(repeats=5, quick=False, blas_threads=1):
    """All cases: a list of dicts {case, reference, minilr_s, reference_s, ratio, target,
    target_met, quality: {...}, quality_ok}."""
    cases = list(CASES.values()) + [solvers]
    return [row for case in cases
            for row in case(quick=quick, repeats=repeats, blas_threads=blas_threads)]


def _format(row):
    q = row["quality"]
    figures = ", ".join(f"{k}={v:.10g}" if "cost" in k and "gap" not in k
                        else f"{k}={v:.2%}" if "accuracy" in k
                        else f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in q.items())
    return (f"{row['case']}\n    vs {row['reference']}: {row['minilr_s']:.3f} s / "
            f"{row['reference_s']:.3f} s = {row['ratio']:.2f} (target {row['target']}: "
            f"{'met' if row['target_met'] else 'NOT met'}); same work: "
            f"{'yes' if row['quality_ok'] else 'NO'}\n    {figures}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--blas-threads", default="1", help="a number, or 'none'")
    args = parser.parse_args()
    threads = None if args.blas_threads.lower() == "none" else int(args.blas_threads)
    for r in run(repeats=args.repeats, quick=args.quick, blas_threads=threads):
        print(_format(r))
