"""Data-parallel L-BFGS on a local Dask cluster against the same fit in memory.

2 million x 20 float64 rows (320 MB) in 8 row blocks, on a ``LocalCluster`` of two
worker processes with one thread each (bound to 127.0.0.1), against
``LogisticRegression(lam=1).fit`` on the NumPy arrays in this process.

Rows (every target is ``inf``: the numbers are informational, not goals):

* total fit time, data persisted on the workers (each read its blocks from a ``.npy``
  file once), relative to the in-memory fit;
* time per L-BFGS iteration (fit time / ``n_iter_``), relative to the in-memory one:
  each cost-and-gradient evaluation is one round trip to the workers;
* total fit time with the data read from a ``.npy`` file at every evaluation
  (:func:`minilr.datasets.as_dask`, nothing persisted), relative to the in-memory fit.

On one machine the cluster cannot be faster: the workers share the same cores (and
the in-memory fit's BLAS uses them too), and every evaluation adds a round trip and
the transfer of the blocks' partial sums. What the rows measure is that overhead.

Quality: the coefficients of the dask fits equal the in-memory ones to 1e-8
(relative to their norm), in the same number of iterations.

Run ``python benchmarks/bench_dask.py [--quick] [--repeats N]`` (quick: 200000 rows).
"""

import argparse
import contextlib
import os
import statistics
import tempfile
import warnings

import numpy as np

from common import interleaved, row, timed
from minilr import LogisticRegression

N_FEATURES, N_BLOCKS, LAM = 20, 8, 1.0


def make_data(m, n=N_FEATURES, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    w = rng.standard_normal(n) / np.sqrt(n) * 2
    y = (rng.random(m) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(np.int64)
    return X, y


def relative_difference(a, b):
    va = np.concatenate([a.coef_.ravel(), a.intercept_])
    vb = np.concatenate([b.coef_.ravel(), b.intercept_])
    return float(np.linalg.norm(va - vb) / np.linalg.norm(vb))


@contextlib.contextmanager
def local_cluster():
    """Two worker processes, one thread each, on 127.0.0.1, no dashboard."""
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "port 8787 is already in use"
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
    with cluster, Client(cluster, set_as_default=False) as client, client.as_current():
        yield client


def dask_lbfgs(quick=False, repeats=5):
    """lbfgs on 2e6 x 20 (quick: 2e5 x 20) in 8 blocks on 2 local workers vs in memory."""
    from minilr.datasets import as_dask

    m = 200_000 if quick else 2_000_000
    X, y = make_data(m)
    chunk = -(-m // N_BLOCKS)
    params = dict(lam=LAM, solver="lbfgs")
    rows = []
    with local_cluster() as client, tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "X.npy"), X)
        np.save(os.path.join(tmp, "y.npy"), y)
        Xf, yf = (as_dask(os.path.join(tmp, f"{name}.npy"), chunk) for name in "Xy")
        Xd, yd = client.persist([Xf, yf])  # each worker reads its blocks once, and keeps them

        t_dask, t_np, on_dask, in_memory = interleaved(
            lambda: LogisticRegression(**params).fit(Xd, yd),
            lambda: LogisticRegression(**params).fit(X, y), repeats)
        runs = [timed(lambda: LogisticRegression(**params).fit(Xf, yf))
                for _ in range(max(1, repeats // 2))]
        t_file, from_file = statistics.median(t for t, _ in runs), runs[-1][1]

    size = f"{m}x{N_FEATURES} float64, {N_BLOCKS} blocks, 2 workers"
    same = all(relative_difference(f, in_memory) <= 1e-8 and f.n_iter_ == in_memory.n_iter_
               for f in (on_dask, from_file))
    quality = (f"coef rel. diff {relative_difference(on_dask, in_memory):.1e} (persisted), "
               f"{relative_difference(from_file, in_memory):.1e} (file); "
               f"n_iter {on_dask.n_iter_}, {from_file.n_iter_} vs {in_memory.n_iter_}; "
               "informational target")
    n_it = in_memory.n_iter_
    rows.append(row(f"dask lbfgs, {size}, persisted: total", t_dask, t_np, float("inf"),
                    quality, same, "in-memory LogisticRegression"))
    rows.append(row(f"dask lbfgs, {size}, persisted: per iteration", t_dask / on_dask.n_iter_,
                    t_np / n_it, float("inf"),
                    f"{1e3 * t_dask / on_dask.n_iter_:.1f} ms vs {1e3 * t_np / n_it:.1f} ms "
                    "per iteration; informational target", same,
                    "in-memory LogisticRegression"))
    rows.append(row(f"dask lbfgs, {size}, read from .npy each evaluation: total", t_file, t_np,
                    float("inf"), quality, same, "in-memory LogisticRegression"))
    return rows


CASES = {"dask_lbfgs": dask_lbfgs}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200000 rows instead of 2 million")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for r in dask_lbfgs(quick=args.quick, repeats=args.repeats):
        print(f"{r['case']}: {r['minilr_s']:.3f} s vs {r['reference_s']:.3f} s "
              f"(ratio {r['ratio']:.2f}); {r['quality']}")
