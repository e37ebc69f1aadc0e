r"""Row blocks of a large ``X``: cache-sized slices whose partial sums two threads add up.

On data larger than the CPU cache, an evaluation of a linear model's cost and gradient
is bound by memory bandwidth: ``z = X @ w`` reads ``X`` once, and ``X.T @ r`` reads it
again. Cut into blocks of a few megabytes, each block ``X_c`` is still in cache when
``X_c.T @ r_c`` follows ``X_c @ w``, so ``X`` comes from memory once per evaluation:

.. math::
    \nabla_w J = \frac1m X^\top r = \frac1m \sum_c X_c^\top r_c, \qquad
    J = \frac1m \sum_c \sum_{i \in c} \ell_i

The blocks are shared between the cores by threads (NumPy and BLAS release the GIL),
with BLAS itself on one thread meanwhile. Each block's partial sums do not depend on
which thread computed them, and they are added in block order, so the result is the
same bit for bit on every run and for any number of threads.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

__all__ = ["BLOCK_BYTES", "MIN_BYTES", "block_rows", "use_blocks", "sum_over_blocks"]

# Two blocks in flight (one per thread) stay well inside the shared L3 cache (32 MB here), so
# the block read by X_c @ w is still there for X_c.T @ r_c; smaller blocks cost more NumPy calls
# per row (measured, 200 000 x 50 / 1 000 000 x 20 float64: 1 MB 6.5 / 13.5 ms, 2 MB 5.1 / 9.6,
# 4 MB 4.7 / 8.6, 6 MB 5.0 / 8.5).
BLOCK_BYTES = 4 << 20
# Below this, X (and its residual) fit in the shared L3 cache: the second read of X is
# cheap there, and the plain pass, with fewer NumPy calls, is faster.
MIN_BYTES = 32 << 20

_lock = threading.Lock()
_pools = {}
_controller = None


def block_rows(X, block_bytes=None):
    """Rows per block so that one block of ``X`` takes about ``block_bytes``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    block_bytes : int, optional
        Default: :data:`BLOCK_BYTES`.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.blocks import block_rows
    >>> block_rows(np.zeros((10, 100)), block_bytes=8000)  # 10 rows of 100 float64 = 8000 bytes
    10
    """
    block_bytes = BLOCK_BYTES if block_bytes is None else block_bytes
    return max(1, block_bytes // max(1, X.shape[1] * X.itemsize))


def use_blocks(X):
    """True for a NumPy ``X`` beyond the cache (:data:`MIN_BYTES`), in the main thread.

    In another thread (a Dask task, a joblib thread) the caller already shares the
    cores, and BLAS's thread count, which the blocks set, is the whole process's.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.blocks import use_blocks
    >>> use_blocks(np.zeros((100, 10)))  # small: one pass, no blocks
    False
    """
    return (isinstance(X, np.ndarray) and X.nbytes >= MIN_BYTES
            and X.shape[0] > 2 * block_rows(X)
            and threading.current_thread() is threading.main_thread())


def _threads(n_workers):
    """A pool of ``n_workers`` threads (none for 0) and the BLAS thread controller, each made once."""
    global _controller
    with _lock:
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        if n_workers and n_workers not in _pools:
            _pools[n_workers] = ThreadPoolExecutor(n_workers, thread_name_prefix="minilr-blocks")
    return _pools.get(n_workers), _controller


def _run(partial, run):
    """One thread's share: ``partial`` over its blocks, in order."""
    return [partial(*b) for b in run]


def sum_over_blocks(partial, m, rows, n_threads=None):
    """Add up ``partial(start, stop)`` over the row blocks ``[0, rows), [rows, 2 rows), ...``.

    Parameters
    ----------
    partial : callable
        ``partial(start, stop) -> tuple`` of floats and arrays: one block's sums.
    m : int
        Number of rows.
    rows : int
        Rows per block (:func:`block_rows`).
    n_threads : int, optional
        Threads that share the blocks, each taking every n-th block; default:
        the number of cores (at most 8), the calling thread one of them. The
        result does not depend on it.

    Returns
    -------
    tuple
        The element-wise sums of the partial tuples, added in block order.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.blocks import sum_over_blocks
    >>> X = np.arange(10.0).reshape(5, 2)
    >>> def partial(i, j):  # the sums of the rows i to j - 1
    ...     return float(X[i:j].sum()), X[i:j].sum(axis=0)
    ...
    >>> sum_over_blocks(partial, m=5, rows=2, n_threads=1)  # blocks [0, 2), [2, 4), [4, 5)
    (45.0, array([20., 25.]))
    """
    bounds = [(start, min(start + rows, m)) for start in range(0, m, rows)]
    n_threads = max(1, min(n_threads or os.cpu_count() or 1, 8, len(bounds)))
    # One task per thread, not per block: a task costs about as much as a small block.
    runs = [bounds[i::n_threads] for i in range(n_threads)]
    pool, controller = _threads(n_threads - 1)  # the calling thread takes the first run
    # BLAS on one thread: its own threading would change a block's rounding with the load.
    with controller.limit(limits=1, user_api="blas"):
        others = [pool.submit(_run, partial, run) for run in runs[1:]]
        try:
            by_thread = [_run(partial, runs[0])] + [f.result() for f in others]
        finally:
            wait(others)  # none may still be running once BLAS has its threads back
    parts = [by_thread[i % n_threads][i // n_threads] for i in range(len(bounds))]
    total = list(parts[0])
    for part in parts[1:]:
        for i, value in enumerate(part):
            total[i] = total[i] + value
    return tuple(total)
