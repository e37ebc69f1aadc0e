"""Training on dask arrays: the in-memory coefficients, on a cluster, on threads, or from a file.

The references are in-memory fits: ``LogisticRegression`` on the NumPy arrays for the
full-batch solvers (the same coefficients to 1e-8 relative to their norm, not bitwise:
the sums over blocks round differently from one sum over all rows; TNC on the softmax
cost to 1e-6, see ``RTOL``), and :func:`minilr.optim.minibatch_sgd` on the NumPy
arrays, with the losses of :mod:`minilr.losses`, visiting the rows in the order of the
block walk, for "sgd". The block walk computes every mini-batch on the driver, so
there "identical" means bitwise: ``assert_array_equal``, on a cluster of processes, a
cluster of threads, and dask's threads without any cluster.
"""

import os
import pickle
import signal
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402

from minilr import ConvergenceWarning, LogisticRegression, NotFittedError  # noqa: E402
from minilr._dask import BlockProblem  # noqa: E402
from minilr.datasets import as_dask  # noqa: E402
from minilr.losses import cost_and_gradient, softmax_cost_and_gradient  # noqa: E402
from minilr.optim import minibatch_sgd  # noqa: E402

CHUNK = 170  # 600 rows in blocks of 170, 170, 170 and 90: unequal blocks on purpose
PROBLEMS = {"binary": {}, "ova": {"multi_class": "ova"},
            "multinomial": {"multi_class": "multinomial"}}
LOCAL = {"host": "127.0.0.1", "dashboard_address": None}

# Each scheduler also serves its status over HTTP, on port 8787 if that is free.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")


def _data(problem, m=600, n=4, seed=0):
    """Features N(0, 1); two classes, or three cut from the same score, with label noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    z = X @ rng.standard_normal(n) + rng.logistic(size=m)
    y = (z > 0).astype(np.int64) if problem == "binary" else np.digitize(z, [-1.0, 1.0])
    return X, y


def _dask_data(problem, chunk=CHUNK, **kwargs):
    X, y = _data(problem, **kwargs)
    return X, y, as_dask(X, chunk), as_dask(y, chunk)


def assert_same_fit(got, expected, rtol=1e-8):
    """Coefficients and intercepts equal to ``rtol`` relative to their size (the vector's norm).

    Per element would be too strict where a coefficient is near zero: a solver that
    stops at a tolerance lands within rounding of where the other one stops, not
    within ``rtol`` of each tiny entry.
    """
    a = np.concatenate([got.coef_.ravel(), got.intercept_])
    b = np.concatenate([expected.coef_.ravel(), expected.intercept_])
    assert np.linalg.norm(a - b) <= rtol * np.linalg.norm(b), (
        f"relative difference {np.linalg.norm(a - b) / np.linalg.norm(b):.2e} > {rtol}")


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fixed epoch counts, on purpose
        return LogisticRegression(**params).fit(X, y)


# ---------------------------------------------------------------- where dask computes
@pytest.fixture(scope="module")
def cluster_client():
    """Two worker processes on this machine, one thread each, reachable from it only."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  **LOCAL) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield client


@pytest.fixture(scope="module")
def thread_cluster_client():
    """The same, with the workers as threads of this process."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", **LOCAL) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield client


@pytest.fixture(params=["cluster", "thread-cluster", "threads"])
def scheduler(request):
    """Run the test's computations on a process cluster, a thread cluster, or dask's threads."""
    if request.param == "threads":
        with dask.config.set(scheduler="threads"):
            yield request.param
        return
    client = request.getfixturevalue(
        "cluster_client" if request.param == "cluster" else "thread_cluster_client")
    with client.as_current():
        yield request.param


@pytest.fixture
def on_cluster(cluster_client):
    with cluster_client.as_current():
        yield cluster_client


# ---------------------------------------------------------------- import and data
def test_importing_and_using_minilr_on_numpy_does_not_import_dask():
    code = (
        "import sys, numpy as np, minilr, minilr.datasets, minilr.multiclass\n"
        "X = np.random.default_rng(0).standard_normal((50, 3)); y = (X[:, 0] > 0) * 1\n"
        "model = minilr.LogisticRegression().fit(X, y); model.predict_proba(X)\n"
        "assert 'dask' not in sys.modules, sorted(m for m in sys.modules if 'dask' in m)\n"
        "minilr.LogisticRegression(max_iter=5).fit(minilr.datasets.as_dask(X, 10), y)\n"
        "assert 'dask' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _npy(tmp_path, A):
    path = tmp_path / "data.npy"
    np.save(path, A)
    return path


@pytest.mark.parametrize("source", ["path", "memmap", "array"])
@pytest.mark.parametrize("shape", [(1000, 20), (1000,)])
def test_as_dask_chunks_rows_and_reads_the_same_values(tmp_path, source, shape):
    A = np.random.default_rng(1).standard_normal(shape)
    path = _npy(tmp_path, A)
    given = {"path": path, "memmap": np.load(path, mmap_mode="r"), "array": A}[source]
    Ad = as_dask(given, 300)
    assert Ad.chunks[0] == (300, 300, 300, 100)
    assert Ad.chunks[1:] == tuple((n,) for n in shape[1:])  # whole rows in every block
    assert_array_equal(Ad.compute(), A)


@pytest.mark.parametrize("source", ["path", "memmap"])
def test_as_dask_of_a_file_puts_its_name_in_the_graph_not_its_data(tmp_path, source):
    A = np.random.default_rng(2).standard_normal((20000, 10))  # 1.6 MB
    path = _npy(tmp_path, A)
    Ad = as_dask(path if source == "path" else np.load(path, mmap_mode="r"), 5000)
    graph = pickle.dumps(dict(Ad.__dask_graph__()))
    assert len(graph) < 10_000, f"{len(graph)} bytes of graph for {A.nbytes} bytes of data"
    assert_array_equal(Ad[7000:7005].compute(), A[7000:7005])


def test_as_dask_of_the_same_file_gives_the_same_keys(tmp_path):
    path = _npy(tmp_path, np.arange(12.0).reshape(6, 2))
    assert as_dask(path, 2).name == as_dask(str(path), 2).name


@pytest.mark.parametrize("chunk_rows,error", [(0, ValueError), (2.5, TypeError),
                                              ("100", TypeError)])
def test_as_dask_rejects_a_chunk_size_that_is_not_a_positive_whole_number(chunk_rows, error):
    with pytest.raises(error, match="chunk_rows"):
        as_dask(np.zeros((10, 2)), chunk_rows)


def test_as_dask_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        as_dask(tmp_path / "missing.npy", 10)


# ---------------------------------------------------------------- full-batch solvers
TIGHT = {"gd": {"learning_rate": 0.5, "max_iter": 60, "tol": 0},
         "lbfgs": {"tol": 1e-6}, "tnc": {"tol": 1e-6}, "newton-cg": {"tol": 1e-6}}
# TNC differentiates the gradient numerically (steps of about sqrt(eps)), which turns
# rounding of 1e-16 into changes of 1e-8 in its search directions; on the softmax
# cost, whose intercepts can all move together at no cost, its stopping point then
# moves by ~1e-7. The in-memory fit moves as much when the rows are merely reversed
# (6.6e-8 to 1.1e-7 for seeds 0-2), so that is TNC's own precision, not the blocks'.
RTOL = {("tnc", "multinomial"): 1e-6}


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("solver", ["gd", "lbfgs", "tnc", "newton-cg"])
def test_fit_on_a_cluster_gives_the_numpy_coefficients(on_cluster, solver, problem):
    X, y, Xd, yd = _dask_data(problem)
    params = dict(lam=2.0, solver=solver, **TIGHT[solver], **PROBLEMS[problem])
    expected, got = _fit(X, y, **params), _fit(Xd, yd, **params)
    assert_same_fit(got, expected, rtol=RTOL.get((solver, problem), 1e-8))
    assert_allclose(got.history_[-1], expected.history_[-1], rtol=1e-12)
    assert_array_equal(got.classes_, expected.classes_)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_lbfgs_gives_the_numpy_coefficients_on_every_scheduler(scheduler, problem):
    X, y, Xd, yd = _dask_data(problem)
    params = dict(lam=2.0, tol=1e-6, **PROBLEMS[problem])
    assert_same_fit(_fit(Xd, yd, **params), _fit(X, y, **params))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fit_without_intercept_and_in_float32_matches_numpy(fit_intercept):
    X, y, _, _ = _dask_data("ova")
    X32 = X.astype(np.float32)
    # Fixed steps: a solver that stops at a tolerance would stop at float32's noise.
    params = dict(lam=1.0, solver="gd", learning_rate=0.5, max_iter=50, tol=0,
                  fit_intercept=fit_intercept)
    with dask.config.set(scheduler="threads"):
        got = _fit(as_dask(X32, CHUNK), y, **params)
    expected = _fit(X32, y, **params)
    assert got.coef_.dtype == np.float32
    assert_same_fit(got, expected, rtol=1e-5)  # float32 sums round at 1e-7, not 1e-16
    assert np.all(got.intercept_ == 0) == (not fit_intercept)


class _CountComputes(Callback):
    """Counts the computations dask's local schedulers start."""

    def __init__(self):
        super().__init__()
        self.n = 0

    def _start(self, dsk):
        self.n += 1


@pytest.mark.parametrize("epochs", [1, 7])
def test_each_gradient_descent_step_is_one_compute(epochs):
    _, _, Xd, yd = _dask_data("ova")
    with dask.config.set(scheduler="threads"), _CountComputes() as counter:
        _fit(Xd, yd, solver="gd", max_iter=epochs, tol=0)
    assert counter.n == 1 + epochs  # the classes once, then one per step


# ---------------------------------------------------------------- sgd
def _numpy_block_walk(X, y, chunk, lam, problem, blocks_per_step=None, **sgd):
    """The reference for "sgd": minibatch_sgd over the NumPy arrays, in the block walk's order.

    Each epoch draws the block order from the generator; then, block by block, a
    permutation of its rows, cut into batches (or, with ``blocks_per_step``, groups of
    that many blocks taken whole). The cost is :mod:`minilr.losses`' on ``X[idx]``.
    Returns ``(coef (K, n), intercept (K,))``.
    """
    m, n = X.shape
    classes = np.unique(y)
    Y = (y == classes[1]).astype(float) if classes.size == 2 else (y[:, None] == classes) * 1.0
    loss = softmax_cost_and_gradient if problem == "multinomial" else cost_and_gradient
    w_shape = (n,) if Y.ndim == 1 else (n, Y.shape[1])
    n_w = int(np.prod(w_shape))
    starts = np.arange(0, m, chunk)
    rows = [np.arange(s, min(s + chunk, m)) for s in starts]

    def batches(rng):
        order = rng.permutation(len(rows))
        if blocks_per_step:
            for i in range(0, len(order), blocks_per_step):
                yield np.concatenate([rows[k] for k in order[i:i + blocks_per_step]])
            return
        for k in order:
            perm = rng.permutation(rows[k].size)
            for i in range(0, perm.size, sgd["batch_size"]):
                yield rows[k][perm[i:i + sgd["batch_size"]]]

    def fun(x, idx):
        w = x[:n_w].reshape(w_shape)
        b = x[n_w] if Y.ndim == 1 else x[n_w:]
        J, g_w, g_b = loss(w, b, X[idx], Y[idx], lam * len(idx) / m)
        return float(J), np.concatenate([g_w.reshape(-1), np.atleast_1d(g_b)])

    result = minibatch_sgd(fun, np.zeros(n_w + (1 if Y.ndim == 1 else Y.shape[1])), m,
                           learning_rate=sgd["learning_rate"], batch_size=sgd["batch_size"],
                           max_iter=sgd["max_iter"], update=sgd["update"],
                           momentum=0.9 if sgd["momentum"] is None else sgd["momentum"],
                           tol=0, random_state=sgd["random_state"], batches=batches)
    w = result.x[:n_w].reshape(w_shape)
    return w.T.reshape(-1, n), np.atleast_1d(result.x[n_w:]), result.history


@pytest.mark.parametrize("update, momentum", [("sgd", None), ("momentum", 0.9)])
@pytest.mark.parametrize("problem", PROBLEMS)
def test_sgd_block_walk_is_bitwise_the_numpy_walk_in_the_same_order(scheduler, problem,
                                                                     update, momentum):
    X, y, Xd, yd = _dask_data(problem)
    sgd = dict(learning_rate=0.05, batch_size=16, max_iter=3, update=update, momentum=momentum,
               random_state=7)
    model = _fit(Xd, yd, lam=2.0, solver="sgd", tol=0, **sgd, **PROBLEMS[problem])
    coef, intercept, history = _numpy_block_walk(X, y, CHUNK, 2.0, problem, **sgd)
    assert_array_equal(model.coef_, coef)
    assert_array_equal(model.intercept_, intercept)
    assert_array_equal(model.history_, history)


def test_sgd_block_walk_depends_on_the_seed():
    _, _, Xd, yd = _dask_data("binary")
    with dask.config.set(scheduler="threads"):
        a, b = (_fit(Xd, yd, solver="sgd", max_iter=2, random_state=seed).coef_
                for seed in (0, 1))
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("blocks_per_step", [1, 2, 3, 10])
@pytest.mark.parametrize("problem", ["binary", "multinomial"])
def test_data_parallel_sgd_steps_with_the_mean_gradient_of_whole_blocks(on_cluster, problem,
                                                                        blocks_per_step):
    X, y, Xd, yd = _dask_data(problem)
    sgd = dict(learning_rate=0.5, batch_size=32, max_iter=6, update="sgd", momentum=None,
               random_state=3)
    model = _fit(Xd, yd, lam=2.0, solver="sgd", tol=0, blocks_per_step=blocks_per_step,
                 **sgd, **PROBLEMS[problem])
    coef, intercept, history = _numpy_block_walk(X, y, CHUNK, 2.0, problem,
                                                 blocks_per_step=blocks_per_step, **sgd)
    assert_allclose(model.coef_, coef, rtol=1e-8, atol=1e-12)
    assert_allclose(model.intercept_, intercept, rtol=1e-8, atol=1e-12)
    assert_allclose(model.history_, history, rtol=1e-8)


@pytest.mark.parametrize("blocks_per_step,error", [(0, ValueError), (1.5, TypeError)])
def test_invalid_blocks_per_step_is_rejected_at_fit(blocks_per_step, error):
    with pytest.raises(error, match="blocks_per_step"):
        LogisticRegression(solver="sgd", blocks_per_step=blocks_per_step).fit(*_data("binary"))


# ---------------------------------------------------------------- labels and inputs
@pytest.mark.parametrize("y_kind", ["dask, other chunks", "numpy", "strings"])
def test_labels_are_encoded_per_block_whatever_their_chunks_or_type(y_kind):
    X, y, Xd, _ = _dask_data("ova")
    if y_kind == "strings":
        y = np.array(["cat", "dog", "emu"])[y]
    yd = da.from_array(y, chunks=100) if y_kind != "numpy" else y
    with dask.config.set(scheduler="threads"):
        got = _fit(Xd, yd, tol=1e-6)
    expected = _fit(X, y, tol=1e-6)
    assert_array_equal(got.classes_, expected.classes_)
    assert_same_fit(got, expected)


def test_numpy_X_with_dask_y_is_chunked_like_y():
    X, y, _, yd = _dask_data("binary")
    with dask.config.set(scheduler="threads"):
        got = _fit(X, yd, tol=1e-6)
    assert_same_fit(got, _fit(X, y, tol=1e-6))


def test_X_chunked_across_columns_is_rechunked_to_whole_rows():
    X, y, _, _ = _dask_data("binary")
    Xd = da.from_array(X, chunks=(CHUNK, 2))
    with dask.config.set(scheduler="threads"):
        got = _fit(Xd, y, tol=1e-6)
    assert_same_fit(got, _fit(X, y, tol=1e-6))


@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_infinity_in_X_is_named_and_leaves_the_estimator_unfitted(solver, bad):
    X, y, _, _ = _dask_data("binary")
    X[500, 2] = bad  # in the last block
    model = LogisticRegression(solver=solver, max_iter=3)
    with dask.config.set(scheduler="threads"), pytest.raises(ValueError,
                                                              match="Input X contains"):
        model.fit(as_dask(X, CHUNK), y)
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_unknown_chunk_sizes_are_rejected_with_the_fix():
    X, y, Xd, yd = _dask_data("binary")
    keep = yd >= 0  # a boolean mask: dask no longer knows how many rows each block keeps
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        LogisticRegression().fit(Xd[keep], yd[keep])


@pytest.mark.parametrize("case,match", [
    ("one class", "only one class"),
    ("rows differ", "different numbers of samples"),
    ("1-D X", "Expected 2D array"),
    ("continuous y", "continuous"),
    ("numpy X, longer dask y", "different numbers of samples"),
])
def test_bad_dask_input_is_rejected_before_training(case, match):
    X, y, Xd, yd = _dask_data("binary")
    if case == "numpy X, longer dask y":
        Xd, yd = X[:-1], yd
    elif case == "one class":
        yd = da.zeros_like(yd)
    elif case == "rows differ":
        yd = yd[:-1]
    elif case == "1-D X":
        Xd = Xd[:, 0]
    else:
        yd = yd + 0.5
    with dask.config.set(scheduler="threads"), pytest.raises(ValueError, match=match):
        LogisticRegression().fit(Xd, yd)


# ---------------------------------------------------------------- predict
@pytest.mark.parametrize("method", ["decision_function", "predict_proba", "predict"])
@pytest.mark.parametrize("problem", PROBLEMS)
def test_predict_methods_give_lazy_dask_arrays_equal_to_numpy(on_cluster, method, problem):
    X, y, Xd, _ = _dask_data(problem)
    model = _fit(X, y, **PROBLEMS[problem])
    lazy = getattr(model, method)(Xd)
    assert isinstance(lazy, da.Array)
    assert lazy.chunks[0] == Xd.chunks[0]
    expected = getattr(model, method)(X)
    assert lazy.shape == expected.shape and lazy.dtype == expected.dtype
    assert_array_equal(lazy.compute(), expected)


def test_predict_checks_the_number_of_features_before_computing():
    X, y, Xd, _ = _dask_data("binary")
    model = _fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features"):
        model.predict(Xd[:, :3])
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(Xd)


def test_score_on_dask_arrays_is_the_numpy_score():
    X, y, Xd, yd = _dask_data("ova")
    model = _fit(X, y)
    with dask.config.set(scheduler="threads"):
        assert model.score(Xd, yd) == model.score(X, y)


def test_a_block_that_arrives_unaligned_is_copied_to_aligned_memory():
    from minilr._validation import aligned as _aligned

    A = np.random.default_rng(5).standard_normal((50, 4))
    unaligned = np.frombuffer(b"x" + A.tobytes(), dtype=A.dtype, offset=1).reshape(A.shape)
    assert not unaligned.flags.aligned  # as a block received over the network can be
    fixed = _aligned(unaligned)
    assert fixed.flags.aligned and fixed.flags.c_contiguous
    assert_array_equal(fixed, A)
    assert _aligned(A) is A  # no copy when there is nothing to fix


def test_one_vs_all_on_the_cluster_gives_bitwise_the_sequential_fit(cluster_client):
    # The workers receive X over the network, where it can land unaligned; check_X
    # copies it, so the workers' products take the same BLAS path as the driver's.
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    from minilr.multiclass import OneVsAllClassifier

    X, y = _data("ova", m=2000, n=30, seed=6)
    estimator = OneVsAllClassifier(LogisticRegression(lam=1.0, solver="tnc"), n_jobs=2)
    with threadpool_limits(1):  # the workers' BLAS runs on one thread, too
        sequential = OneVsAllClassifier(LogisticRegression(lam=1.0, solver="tnc")).fit(X, y)
        with cluster_client.as_current(), parallel_config(backend="dask"):
            on_cluster = estimator.fit(X, y)
    assert_array_equal(on_cluster.coef_, sequential.coef_)
    assert_array_equal(on_cluster.intercept_, sequential.intercept_)


# ---------------------------------------------------------------- failures
@pytest.mark.parametrize("when", ["between steps", "during a step"])
def test_worker_killed_during_a_fit_is_recomputed_or_the_fit_raises(cluster_client,
                                                                    monkeypatch, when):
    X, y = _data("ova", m=4000, n=10, seed=4)
    params = dict(lam=1.0, solver="gd", learning_rate=1.0, max_iter=40, tol=0)
    expected = _fit(X, y, **params)
    client = cluster_client
    Xd = client.persist(as_dask(X, 500))  # its blocks live on the workers: a kill loses some
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    evaluations = []
    fun = BlockProblem.fun

    def kill():
        os.kill(pids[victim], signal.SIGKILL)
        if when == "between steps":  # wait until the scheduler has noticed
            while victim in client.scheduler_info()["workers"]:
                threading.Event().wait(0.01)

    def fun_that_kills_a_worker(self, x):
        evaluations.append(1)
        if len(evaluations) == 10:
            if when == "between steps":
                kill()
            else:
                threading.Timer(0.002, kill).start()
        return fun(self, x)

    monkeypatch.setattr(BlockProblem, "fun", fun_that_kills_a_worker)
    model = LogisticRegression(**params)
    try:
        with client.as_current():
            _fit_into(model, Xd, y)
    except distributed.KilledWorker as exc:  # the clear error: the estimator stays unfitted
        assert "worker" in str(exc).lower()
        assert not hasattr(model, "coef_")
    else:
        assert len(evaluations) == params["max_iter"]
        assert_same_fit(model, expected)
        assert_allclose(model.history_, expected.history_, rtol=1e-8, atol=0)
    client.wait_for_workers(2, timeout=30)
    assert victim not in client.scheduler_info()["workers"]  # it did die (and was replaced)


def _fit_into(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)


# ---------------------------------------------------------------- bigger than the workers
def _write_npy_in_pieces(path, shape, make, piece=500_000):
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=shape)
    for start in range(0, shape[0], piece):
        out[start:start + piece] = make(start, min(start + piece, shape[0]))
    out.flush()
    del out


def test_sgd_trains_on_a_file_larger_than_the_memory_of_the_whole_cluster(tmp_path):
    limit = 200_000_000  # bytes per worker; two workers: 400 MB
    m, n = 6_000_000, 10  # X is 480 MB
    w_true = np.linspace(-1, 1, n)

    def features(start, stop):
        return np.random.default_rng(start).standard_normal((stop - start, n))

    def labels(start, stop):
        return (features(start, stop) @ w_true > 0).astype(np.float64)

    _write_npy_in_pieces(tmp_path / "X.npy", (m, n), features)
    _write_npy_in_pieces(tmp_path / "y.npy", (m,), labels)
    assert (tmp_path / "X.npy").stat().st_size > 2 * limit * 1.1

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit=limit, **LOCAL) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        workers = set(client.scheduler_info()["workers"])
        with client.as_current():
            Xd, yd = as_dask(tmp_path / "X.npy", 125_000), as_dask(tmp_path / "y.npy", 125_000)
            model = _fit(Xd, yd, solver="sgd", batch_size=1000, learning_rate=0.5, max_iter=1,
                         tol=0, lam=1.0, random_state=0)
        assert set(client.scheduler_info()["workers"]) == workers  # none was restarted
        assert all(w["memory_limit"] == limit for w in client.scheduler_info()["workers"].values())
    X_test, y_test = features(0, 20_000), labels(0, 20_000)
    assert model.n_iter_ == 1
    assert model.score(X_test, y_test) > 0.97
