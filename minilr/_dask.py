r"""Training and prediction on dask arrays: the losses of :mod:`minilr.losses`, block by block.

This module is imported only when ``fit`` or a predict method receives a dask array
(or :func:`minilr.datasets.as_dask` is called), so ``import minilr`` never imports dask.

A dask array ``X`` chunked by rows is a list of blocks :math:`X_1, \dots, X_B`, with
:math:`m_b` rows each, which may live on different machines. The cost is a sum over
rows, so it is a sum over blocks:

.. math::
    J(w, b) = \frac{1}{m} \Bigl[\sum_b m_b J_b(w, b) + \frac{\lambda}{2} \lVert w \rVert^2\Bigr],
    \qquad
    \nabla J = \frac{1}{m} \Bigl[\sum_b m_b \nabla J_b + \lambda \, [w, 0]\Bigr],

where :math:`J_b` is :func:`~minilr.losses.cost_and_gradient` (or its softmax twin) of
block ``b`` with ``lam=0``, a mean over the block. Each worker computes the terms of
its blocks; the driver adds them up in block order (so the sum does not depend on
which worker computed what), adds the penalty once and takes the step. Every
evaluation is one ``dask.compute`` (one round trip: the blocks' small results come
straight back to the driver), and the parameters stay a small NumPy array there.

* Full-batch solvers ("gd" and scipy's): :meth:`BlockProblem.fun` and
  :meth:`BlockProblem.hessp`. They equal the in-memory ones up to rounding.
* "sgd": each epoch walks the blocks in an order drawn from the estimator's
  generator. A block is loaded to the driver (one ``compute``) and cut there into
  shuffled mini-batches, so the driver holds one block at a time and the workers
  only read. Everything random is drawn on the driver and every mini-batch is
  computed there, so the coefficients are bitwise the same on any scheduler, and the
  same as an in-memory fit that visits the rows in that order. A different chunking
  is a different order, and so gives different (equally good) coefficients.
* "sgd" with ``blocks_per_step=k``: synchronous data-parallel SGD. Each step, ``k``
  blocks (the next ``k`` of the epoch's order) compute their gradients at the same
  parameters on the workers, in one ``compute``, and the driver steps with their
  row-weighted mean: mini-batch SGD whose batch is ``k`` whole blocks.

Every evaluation computes the blocks from their graph: it re-reads a file, or re-sends
an in-memory array. Data that fits in the cluster's memory is best persisted once,
``X, y = client.persist([X, y])``; data that does not is read again at every pass.

If a worker dies, the scheduler recomputes the lost blocks from the graph (from the
file, for :func:`~minilr.datasets.as_dask` arrays); a task that keeps failing makes
``compute`` raise (``distributed.KilledWorker``), and ``fit`` then leaves the estimator
unfitted. A sum is never taken over fewer blocks than there are.
"""

import math
import mmap
import numbers
import os
import warnings
from pathlib import Path

import dask
import dask.array as da
import numpy as np

from ._validation import DataConversionWarning, _check_finite, check_scalar, check_X, check_y
from .linear import _Problem, encode_labels

__all__ = ["BlockProblem", "prepare_fit", "predict_blocks", "as_dask"]


# ---------------------------------------------------------------- validation
def _check_chunks_known(A, name):
    if any(math.isnan(c) for c in A.chunks[0]):
        raise ValueError(
            f"{name} has unknown chunk sizes (after boolean indexing, for instance); call "
            f"{name} = {name}.compute_chunk_sizes() first, so that the rows can be counted."
        )


def _check_dask_X(X, name="X"):
    """``X`` as a 2-D dask array of floats with one chunk across its columns (lazy)."""
    if X.ndim != 2:
        raise ValueError(
            f"Expected 2D array for {name}, got a {X.ndim}D dask array of shape {X.shape}."
        )
    _check_chunks_known(X, name)
    if X.dtype.kind == "c":
        raise ValueError("Complex data not supported; pass real numbers.")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain only numbers, got a dask array of dtype {X.dtype}.")
    if X.dtype != np.float32:
        X = X.astype(np.float64)  # a no-op for float64; otherwise done block by block
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # a block must hold whole rows
    return X


def _check_dask_y(y, row_chunks):
    """``y`` as a 1-D dask array chunked like the rows of ``X``."""
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change "
            "the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning, stacklevel=4,
        )
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y should be a 1d array of labels, got an array of shape {y.shape}.")
    _check_chunks_known(y, "y")
    m = sum(row_chunks)
    if y.shape[0] != m:
        raise ValueError(
            f"X and y have different numbers of samples: X has {m} rows but y has "
            f"{y.shape[0]} labels. Pass one label per row of X."
        )
    if y.chunks[0] != row_chunks:
        y = y.rechunk((row_chunks,))  # block b of y must label block b of X
    return y


def check_dask_Xy(X, y, ensure_min_samples=2):
    """Validate ``X`` and ``y`` when at least one of them is a dask array.

    The other one, if it is a NumPy array, is chunked like it. Nothing is computed:
    NaN and infinity in ``X`` are found during the fit, where a non-finite gradient
    makes the block that holds them raise the same ``ValueError`` as :func:`check_X`.

    Returns
    -------
    X : dask array of shape (m, n), float32 or float64, one chunk across the columns
    y : dask array of shape (m,), chunked like the rows of ``X``
    """
    for name, A in (("X", X), ("y", y)):
        if dask.is_dask_collection(A) and not _is_dask_array(A):
            raise TypeError(
                f"{name} is a {type(A).__name__}; minilr takes dask arrays. Convert it with "
                f"{name}.to_dask_array(lengths=True)."
            )
    if not _is_dask_array(X):
        X = check_X(X)
        _check_chunks_known(y, "y")
        # Blocks like y's; if the lengths differ, _check_dask_y says so below.
        rows = y.chunks[0] if y.shape[0] == X.shape[0] else (X.shape[0],)
        X = da.from_array(X, chunks=(rows, -1))
    X = _check_dask_X(X)
    if not _is_dask_array(y):
        y = da.from_array(check_y(y), chunks=(X.chunks[0],))
    y = _check_dask_y(y, X.chunks[0])
    if X.shape[0] < ensure_min_samples:
        raise ValueError(
            f"Found array with {X.shape[0]} sample(s) (shape={X.shape}) while a minimum of "
            f"{ensure_min_samples} is required: pass at least {ensure_min_samples} rows."
        )
    return X, y


def _is_dask_array(a):
    return isinstance(a, da.Array)


# ---------------------------------------------------------------- fit
def _encode_block(y, classes, dtype):
    """One block's labels as the losses' targets: 0/1 for two classes, one-hot rows for more."""
    idx = np.searchsorted(classes, y)
    if classes.size == 2:
        return idx.astype(dtype)
    Y = np.zeros((y.shape[0], classes.size), dtype=dtype)
    Y[np.arange(y.shape[0]), idx] = 1
    return Y


def prepare_fit(estimator, X, y):
    """Validate dask ``X`` and ``y``, find the classes, and build the fit's :class:`BlockProblem`.

    ``classes_`` costs one pass over ``y`` (``da.unique``); the labels are then
    encoded lazily, block by block, by the tasks that use the block.

    Returns
    -------
    X : dask array
        The validated ``X`` (its ``dtype`` and ``shape`` are what ``fit`` needs).
    classes : ndarray of shape (K,)
    problem : BlockProblem
    """
    X, y = check_dask_Xy(X, y)
    classes, _ = encode_labels(da.unique(y).compute(), type(estimator).__name__)
    softmax_loss = classes.size > 2 and estimator.multi_class == "multinomial"
    problem = BlockProblem(X, y, classes, estimator.lam, estimator.fit_intercept, softmax_loss,
                           batch_size=estimator.batch_size,
                           blocks_per_step=estimator.blocks_per_step)
    return X, classes, problem


def _aligned(X):
    """``X``, copied if its data is not aligned to its item size.

    A block that arrives over the network can sit at any byte offset of the
    message; numpy then cannot hand it to BLAS, and a product is about six times
    slower than the copy that fixes it.
    """
    return X if X.flags.aligned else np.require(X, requirements="A")


def _cost_sums(X, y, classes, w, b, loss):
    """One block's share, without the penalty: :math:`m_b J_b` and :math:`m_b \\nabla J_b`.

    The block's labels are encoded here, in the same task: one task per block and step.
    """
    m = X.shape[0]
    if m == 0:
        return 0.0, np.zeros_like(w), np.zeros_like(b)
    X, Y = _aligned(X), _encode_block(y, classes, X.dtype)
    with np.errstate(all="ignore"):  # a non-finite cost is the optimiser's to report
        J, g_w, g_b = loss(w, b, X, Y, 0.0)
    if not (np.isfinite(J) and np.all(np.isfinite(g_w))):
        # Finite data and parameters give a finite gradient: name bad data if that is it.
        _check_finite(X, "X")
    return m * J, m * g_w, m * g_b


def _hvp_sums(X, w, b, v_w, v_b, hvp):
    """One block's share of the Hessian-vector product, without the penalty."""
    m = X.shape[0]
    if m == 0:
        return np.zeros_like(v_w), np.zeros_like(v_b)
    with np.errstate(all="ignore"):
        h_w, h_b = hvp(w, b, _aligned(X), v_w, v_b, 0.0)
    return m * h_w, m * h_b


def _add(parts):
    """Element-wise sum of the blocks' tuples, in the order given (block order)."""
    return tuple(sum(values) for values in zip(*parts))


class _BlockGroup:
    """The blocks of one data-parallel SGD step.

    ``len`` is their number of rows: the optimiser weighs each batch's cost by ``len``.
    """

    def __init__(self, blocks, rows):
        self.blocks, self.rows = blocks, int(rows)

    def __len__(self):
        return self.rows


class BlockProblem(_Problem):
    """The cost of one fit on dask arrays, as a function of the flat vector ``x = [w.ravel(), b]``.

    The same interface as the in-memory problem (``fun``, ``batch_fun``, ``hessp``,
    ``zeros``, ``unpack``) plus ``batches``, the block walk for
    :func:`~minilr.optim.minibatch_sgd`.

    Parameters
    ----------
    X : dask array of shape (m, n)
        Chunked by rows only.
    y : dask array of shape (m,)
        The labels, chunked like the rows of ``X``.
    classes : ndarray of shape (K,)
        The sorted distinct labels.
    lam : float
    fit_intercept : bool
    softmax_loss : bool
    batch_size : int, default=32
        Mini-batch size of the block walk.
    blocks_per_step : int or None, default=None
        Blocks per data-parallel SGD step; None walks the blocks one by one.
    """

    def __init__(self, X, y, classes, lam, fit_intercept, softmax_loss, batch_size=32,
                 blocks_per_step=None):
        K = classes.size
        # The targets as a lazy array: the 0/1 labels, or one-hot rows for K > 2.
        Y = y.map_blocks(
            _encode_block, classes, X.dtype, dtype=X.dtype,
            chunks=y.chunks if K == 2 else (y.chunks[0], (K,)), new_axis=None if K == 2 else 1,
            meta=np.empty((0,) * (1 if K == 2 else 2), dtype=X.dtype),
        )
        super().__init__(X, Y, lam, fit_intercept, softmax_loss)
        self.classes = classes
        # Each task encodes its own block of y rather than read one of Y: a task less
        # per block and step.
        self.X_blocks = X.to_delayed().ravel()
        self.y_blocks = y.to_delayed().ravel()
        self.block_rows = np.array(X.chunks[0])
        self.n_blocks = len(self.block_rows)
        self.batch_size = batch_size
        self.blocks_per_step = blocks_per_step
        self._block = None  # (X_b, Y_b): the block the walk is in, in the driver's memory

    # ---------------------------------------------------------------- full batch
    def _sums(self, w, b, blocks):
        """:math:`\\sum_b m_b (J_b, \\nabla_w J_b, \\nabla_b J_b)` over ``blocks``: one compute.

        The workers return one small tuple per block and the driver adds them up.
        """
        parts = [dask.delayed(_cost_sums)(self.X_blocks[k], self.y_blocks[k], self.classes, w, b,
                                          self.loss)
                 for k in blocks]
        return _add(dask.compute(*parts))

    def _mean(self, w, sums, rows, lam):
        """Cost and flat gradient of ``rows`` rows from their sums, the penalty added once."""
        S_J, S_w, S_b = sums
        J = (S_J + 0.5 * lam * np.vdot(w, w)) / rows
        return float(J), self._pack((S_w + lam * w) / rows, S_b / rows)

    def fun(self, x):
        """Cost and flat gradient over all the rows (the gradient buffer is reused)."""
        w, b = self.unpack(x)
        return self._mean(w, self._sums(w, b, range(self.n_blocks)), self.m, self.lam)

    def hessp(self, x, p):
        """Hessian-vector product over all the rows (for "newton-cg"): one compute."""
        w, b = self.unpack(x)
        v_w, v_b = self.unpack(p)
        parts = [dask.delayed(_hvp_sums)(X_b, w, b, v_w, v_b, self._hvp)
                 for X_b in self.X_blocks]
        H_w, H_b = _add(dask.compute(*parts))
        return self._pack((H_w + self.lam * v_w) / self.m, H_b / self.m).copy()

    # ---------------------------------------------------------------- stochastic
    def batches(self, rng):
        """One epoch for :func:`~minilr.optim.minibatch_sgd`: the blocks in an order from ``rng``.

        Without ``blocks_per_step``, yields index arrays into the current block,
        which is loaded to the driver just before its first mini-batch. With it,
        yields :class:`_BlockGroup` s of ``blocks_per_step`` blocks.
        """
        order = rng.permutation(self.n_blocks)
        if self.blocks_per_step:
            for i in range(0, self.n_blocks, self.blocks_per_step):
                blocks = order[i:i + self.blocks_per_step]
                yield _BlockGroup(blocks, self.block_rows[blocks].sum())
            return
        for k in order:
            X_b, y_b = dask.compute(self.X_blocks[k], self.y_blocks[k])
            X_b = _aligned(X_b)
            _check_finite(X_b, "X")
            self._block = (X_b, _encode_block(y_b, self.classes, X_b.dtype))
            perm = rng.permutation(X_b.shape[0])
            for i in range(0, perm.size, self.batch_size):
                yield perm[i:i + self.batch_size]
        self._block = None

    def batch_fun(self, x, batch):
        """Cost and flat gradient of a mini-batch of the current block, or of a block group.

        As in memory, the penalty is scaled by ``len(batch) / m``, so that the batch
        gradient is an unbiased estimate of the full one.
        """
        w, b = self.unpack(x)
        lam = self.lam * len(batch) / self.m
        if isinstance(batch, _BlockGroup):
            return self._mean(w, self._sums(w, b, batch.blocks), len(batch), lam)
        X_b, Y_b = self._block
        J, g_w, g_b = self.loss(w, b, X_b[batch], Y_b[batch], lam)
        return float(J), self._pack(g_w, g_b)


# ---------------------------------------------------------------- predict
def _call_on_block(X, estimator, method, tail):
    """``estimator.<method>`` on one NumPy block (an empty block gives an empty result)."""
    if X.shape[0] == 0:
        dtype = estimator.classes_.dtype if method == "predict" else estimator.coef_.dtype
        return np.empty((0,) + tail, dtype=dtype)
    return getattr(estimator, method)(_aligned(X))


def predict_blocks(estimator, method, X):
    """``estimator.<method>(X)`` for a dask ``X``: checked now, computed block by block later.

    Parameters
    ----------
    estimator : fitted LogisticRegression
    method : {"decision_function", "predict_proba", "predict"}
    X : dask array of shape (m, n)

    Returns
    -------
    dask array of shape (m,) or (m, K), chunked like the rows of ``X``
        Each block is the estimator's own NumPy method applied to a block of ``X``.
    """
    estimator._check_is_fitted()
    X = _check_dask_X(X)
    estimator._check_X_predict(X)  # the number of columns, and the feature names
    if method == "predict":
        tail, dtype = (), estimator.classes_.dtype
    elif method == "decision_function":
        K = estimator.coef_.shape[0]
        tail, dtype = (() if K == 1 else (K,)), estimator.coef_.dtype
    else:
        tail, dtype = (estimator.classes_.size,), estimator.coef_.dtype
    return X.map_blocks(
        _call_on_block, estimator, method, tail, dtype=dtype, token=method,
        chunks=(X.chunks[0],) + tuple((t,) for t in tail), drop_axis=None if tail else 1,
        meta=np.empty((0,) * (1 + len(tail)), dtype=dtype),
    )


# ---------------------------------------------------------------- data
class FileRows:
    """An array stored in a file, read on demand: what :func:`as_dask` hands to ``da.from_array``.

    Indexing opens the file as a read-only memory map, copies the rows asked for
    and closes the map, so a worker's memory holds the blocks it works on and no
    more. It pickles as the file's name and layout, so every worker opens the file
    itself (all workers must see the same path).
    """

    def __init__(self, filename, dtype, shape, offset=0, order="C"):
        self.filename, self.dtype, self.shape = os.fspath(filename), np.dtype(dtype), tuple(shape)
        self.offset, self.order = int(offset), order
        self.ndim = len(self.shape)

    @classmethod
    def from_memmap(cls, a):
        return cls(a.filename, a.dtype, a.shape, a.offset, "F" if np.isfortran(a) else "C")

    def __getitem__(self, key):
        a = np.memmap(self.filename, dtype=self.dtype, mode="r", shape=self.shape,
                      offset=self.offset, order=self.order)
        block = np.array(a[key], order="C")  # a copy in memory, after which the map closes
        del a
        return block

    def __dask_tokenize__(self):
        st = os.stat(self.filename)
        return (type(self).__name__, self.filename, self.dtype.str, self.shape, self.offset,
                self.order, st.st_size, st.st_mtime_ns)

    def __repr__(self):
        return f"FileRows({self.filename!r}, shape={self.shape}, dtype={self.dtype})"


def _is_whole_file_memmap(a):
    # A view of a memmap keeps its parent's offset, so only the mapping itself is re-openable.
    return isinstance(a, np.memmap) and a.filename and isinstance(a.base, mmap.mmap)


def as_dask(path_or_array, chunk_rows):
    """The implementation of :func:`minilr.datasets.as_dask`."""
    check_scalar(chunk_rows, "chunk_rows", kind=numbers.Integral, low=1)
    source = path_or_array
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"No .npy file at {path}.")
        source = np.load(path, mmap_mode="r")
    if _is_whole_file_memmap(source):
        source = FileRows.from_memmap(source)
    elif not isinstance(source, np.ndarray):
        source = np.asarray(source)
    if source.ndim == 0:
        raise ValueError("as_dask needs an array with rows, got a scalar.")
    return da.from_array(source, chunks=(int(chunk_rows),) + (-1,) * (source.ndim - 1),
                         asarray=True, fancy=False)
