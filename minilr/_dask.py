r"""Training and prediction on dask arrays: the linear objective's partial sums, block by block.

This module is imported only when ``fit`` or a predict method receives a dask array,
so ``import minilr`` never imports dask.

A dask array ``X`` chunked by rows is a list of blocks :math:`X_1, \dots, X_B`, with
:math:`m_b` rows each, which may live on different machines. The cost is a sum over
rows, so it is a sum over blocks:

.. math::
    J(w, b) = \frac{1}{m} \Bigl[\sum_b m_b J_b(w, b) + \frac{\lambda}{2} \lVert w \rVert^2\Bigr],
    \qquad
    \nabla J = \frac{1}{m} \Bigl[\sum_b m_b \nabla J_b + \lambda \, [w, 0]\Bigr],

where :math:`m_b J_b` and :math:`m_b \nabla J_b` are block ``b``'s
:func:`~minilr.objective.partial_sums`, the same pass as in memory. Each worker
computes the sums of its blocks; the driver adds them up in block order (so the sum does not depend on
which worker computed what), adds the penalty once and takes the step. Every
evaluation is one ``dask.compute`` (one round trip: the blocks' small results come
straight back to the driver), and the parameters stay a small NumPy array there.

* Full-batch solvers ("gd" and scipy's): :meth:`BlockProblem.fun` and
  :meth:`BlockProblem.hessp`, which hand the sums to the objective's ``mean``. They equal the in-memory ones up to rounding.
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

import dask
import dask.array as da
import numpy as np

from ._validation import (
    aligned,
    as_1d_labels,
    check_2d,
    check_finite,
    check_min_samples,
    check_real,
    check_same_length,
    check_X,
    check_y,
)
from .objective import LinearObjective, hvp_sums, partial_sums
from .preprocessing import encode_labels, label_targets

__all__ = ["BlockProblem", "check_dask_Xy", "prepare_fit", "predict_blocks"]


# ---------------------------------------------------------------- validation
def _check_chunks_known(A, name):
    if any(math.isnan(c) for c in A.chunks[0]):
        raise ValueError(
            f"{name} has unknown chunk sizes (after boolean indexing, for instance); call "
            f"{name} = {name}.compute_chunk_sizes() first, so that the rows can be counted."
        )


def _check_dask_X(X, name="X"):
    """``X`` as a 2-D dask array of floats with one chunk across its columns (lazy)."""
    check_2d(X, name)
    _check_chunks_known(X, name)
    check_real(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain only numbers, got a dask array of dtype {X.dtype}.")
    if X.dtype != np.float32:
        X = X.astype(np.float64)  # a no-op for float64; otherwise done block by block
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # a block must hold whole rows
    return X


def _check_dask_y(y, X):
    """``y`` as a 1-D dask array chunked like the rows of ``X``."""
    y = as_1d_labels(y, stacklevel=5)
    _check_chunks_known(y, "y")
    check_same_length(X, y)
    if y.chunks[0] != X.chunks[0]:
        y = y.rechunk((X.chunks[0],))  # block b of y must label block b of X
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
        if dask.is_dask_collection(A) and not isinstance(A, da.Array):
            raise TypeError(
                f"{name} is a {type(A).__name__}; minilr takes dask arrays. Convert it with "
                f"{name}.to_dask_array(lengths=True)."
            )
    if not isinstance(X, da.Array):
        X = check_X(X)
        _check_chunks_known(y, "y")
        # Blocks like y's; if the lengths differ, _check_dask_y says so below.
        rows = y.chunks[0] if y.shape[0] == X.shape[0] else (X.shape[0],)
        X = da.from_array(X, chunks=(rows, -1))
    X = _check_dask_X(X)
    if not isinstance(y, da.Array):
        y = da.from_array(check_y(y), chunks=(X.chunks[0],))
    y = _check_dask_y(y, X)
    check_min_samples(X, ensure_min_samples)
    return X, y


# ---------------------------------------------------------------- fit
def _block_targets(y, classes, dtype, loss):
    """One block's labels as the loss's prepared targets."""
    return loss.prepare(label_targets(np.searchsorted(classes, y), classes.size, dtype))


def _block_sums(X, y, classes, loss, w, b):
    """One block's :func:`~minilr.objective.partial_sums`; its labels are encoded in the same task."""
    if X.shape[0] == 0:
        return 0.0, np.zeros_like(w), np.zeros_like(b)
    X = aligned(X)
    with np.errstate(all="ignore"):  # a non-finite cost is the optimiser's to report
        L, S_w, S_b = partial_sums(loss, w, b, X, _block_targets(y, classes, X.dtype, loss))
    if not (np.isfinite(L) and np.all(np.isfinite(S_w))):
        # Finite data and parameters give a finite gradient: name bad data if that is it.
        check_finite(X, "X")
    return L, S_w, S_b


def _block_hvp_sums(X, loss, w, b, v_w, v_b):
    """One block's :func:`~minilr.objective.hvp_sums`."""
    if X.shape[0] == 0:
        return np.zeros_like(v_w), np.zeros_like(v_b)
    with np.errstate(all="ignore"):
        return hvp_sums(loss, w, b, aligned(X), v_w, v_b)


def _add(parts):
    """Element-wise sum of the blocks' tuples, in the order given (block order)."""
    return tuple(sum(values) for values in zip(*parts))


def prepare_fit(estimator, X, y, loss):
    """Validate dask ``X`` and ``y``, find the classes, and build the fit's :class:`BlockProblem`.

    ``classes_`` costs one pass over ``y`` (``da.unique``); the labels are then
    encoded lazily, block by block, by the tasks that use the block.

    Parameters
    ----------
    estimator : LogisticRegression
    X, y : dask arrays (or one of them a NumPy array)
    loss : callable
        ``loss(K)``: the pointwise loss for K classes.

    Returns
    -------
    X : dask array
        The validated ``X`` (its ``dtype`` and ``shape`` are what ``fit`` needs).
    classes : ndarray of shape (K,)
    problem : BlockProblem
    """
    X, y = check_dask_Xy(X, y)
    classes, _ = encode_labels(da.unique(y).compute(), type(estimator).__name__)
    problem = BlockProblem(X, y, classes, estimator.lam, estimator.fit_intercept,
                           loss(classes.size), batch_size=estimator.batch_size,
                           blocks_per_step=estimator.blocks_per_step)
    return X, classes, problem


class _BlockGroup:
    """The blocks of one data-parallel SGD step.

    ``len`` is their number of rows: the optimiser weighs each batch's cost by ``len``.
    """

    def __init__(self, blocks, rows):
        self.blocks, self.rows = blocks, int(rows)

    def __len__(self):
        return self.rows


class BlockProblem:
    """The cost of one fit on dask arrays: ``fun``, ``batch_fun``, ``hessp`` and the block walk.

    It holds the fit's :class:`~minilr.objective.LinearObjective` (``objective``:
    packing, penalty, means) and asks it for every number; the blocks' partial sums
    are computed on the workers.

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
    loss : BinaryCrossEntropy or SoftmaxCrossEntropy
    batch_size : int, default=32
        Mini-batch size of the block walk.
    blocks_per_step : int or None, default=None
        Blocks per data-parallel SGD step; None walks the blocks one by one.
    """

    def __init__(self, X, y, classes, lam, fit_intercept, loss, batch_size=32,
                 blocks_per_step=None):
        K = classes.size
        # The targets are made on the workers, block by block; the objective reads
        # only their shape, from a placeholder that takes no memory.
        T = np.broadcast_to(np.zeros((), X.dtype), (X.shape[0],) if K == 2 else (X.shape[0], K))
        self.objective = LinearObjective(X, T, lam, loss, fit_intercept)
        self.X, self.m, self.classes, self.loss = X, X.shape[0], classes, loss
        # Each task encodes its own block of y: a task less per block and step.
        self.X_blocks = X.to_delayed().ravel()
        self.y_blocks = y.to_delayed().ravel()
        self.block_rows = np.array(X.chunks[0])
        self.n_blocks = len(self.block_rows)
        self.batch_size = batch_size
        self.blocks_per_step = blocks_per_step
        self._block = None  # (X_b, T_b): the block the walk is in, in the driver's memory

    # ---------------------------------------------------------------- full batch
    def _sums(self, w, b, blocks):
        """The partial sums of ``blocks``, added on the driver: one compute."""
        parts = [dask.delayed(_block_sums)(self.X_blocks[k], self.y_blocks[k], self.classes,
                                           self.loss, w, b)
                 for k in blocks]
        return _add(dask.compute(*parts))

    def fun(self, x):
        """Cost and flat gradient over all the rows (the gradient buffer is reused)."""
        w, b = self.objective.unpack(x)
        return self.objective.mean(w, self._sums(w, b, range(self.n_blocks)), self.m,
                                   self.objective.lam)

    def hessp(self, x, p):
        """Hessian-vector product over all the rows (for "newton-cg"): one compute."""
        w, b = self.objective.unpack(x)
        v_w, v_b = self.objective.unpack(p)
        parts = [dask.delayed(_block_hvp_sums)(X_b, self.loss, w, b, v_w, v_b)
                 for X_b in self.X_blocks]
        return self.objective.hvp_mean(v_w, _add(dask.compute(*parts)), self.m)

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
            X_b = aligned(X_b)
            check_finite(X_b, "X")
            self._block = (X_b, _block_targets(y_b, self.classes, X_b.dtype, self.loss))
            perm = rng.permutation(X_b.shape[0])
            for i in range(0, perm.size, self.batch_size):
                yield perm[i:i + self.batch_size]
        self._block = None

    def batch_fun(self, x, batch):
        """Cost and flat gradient of a mini-batch of the current block, or of a block group.

        As in memory, the penalty is scaled by ``len(batch) / m``, so that the batch
        gradient is an unbiased estimate of the full one.
        """
        lam = self.objective.lam * len(batch) / self.m
        if isinstance(batch, _BlockGroup):
            w, b = self.objective.unpack(x)
            return self.objective.mean(w, self._sums(w, b, batch.blocks), len(batch), lam)
        X_b, T_b = self._block
        return self.objective.evaluate(x, X_b[batch], T_b[batch], lam)


# ---------------------------------------------------------------- predict
def _call_on_block(X, estimator, method, tail):
    """``estimator.<method>`` on one NumPy block (an empty block gives an empty result)."""
    if X.shape[0] == 0:
        dtype = estimator.classes_.dtype if method == "predict" else estimator.coef_.dtype
        return np.empty((0,) + tail, dtype=dtype)
    return getattr(estimator, method)(aligned(X))


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
