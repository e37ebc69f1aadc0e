r"""Logistic regression: the estimator students fit in every lesson.

The cost is :func:`minilr.losses.cost_and_gradient` (or its softmax twin),
the training loop is one of :mod:`minilr.optim`; this module only connects
them: it encodes the labels, packs ``(w, b)`` into the flat vector an
optimiser works on, and unpacks the result into ``coef_`` and ``intercept_``.
"""

import numbers
import warnings

import numpy as np

from ._validation import _is_dask, check_scalar, check_Xy
from .base import BaseEstimator, ClassifierMixin
from .exceptions import ConvergenceWarning
from .functions import log_sigmoid, sigmoid, softmax
from .losses import (
    _logistic_pass,
    cost_and_gradient,
    hessian_vector_product,
    softmax_cost_and_gradient,
    softmax_hessian_vector_product,
)
from .optim import SCIPY_METHODS, gradient_descent, minibatch_sgd, minimize

__all__ = ["LogisticRegression", "encode_labels"]

SOLVERS = ("gd", "sgd") + tuple(SCIPY_METHODS)
BFGS_MAX_PARAMS = 5000  # "bfgs" keeps a dense (p, p) matrix: 200 MB at this size


def encode_labels(y, estimator_name="The estimator"):
    """Return ``classes_`` and ``y`` as indices into it, rejecting non-class targets.

    Parameters
    ----------
    y : ndarray of shape (m,)
        Labels of any type (numbers, strings).

    Returns
    -------
    classes : ndarray of shape (K,)
        The sorted distinct labels.
    y_idx : ndarray of shape (m,), int
        ``classes[y_idx] == y``.
    """
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError(
            "Unknown label type: continuous. y holds real numbers, but a classifier needs "
            "class labels; use a regression model, or turn y into classes, e.g. y > 0.5."
        )
    if y.dtype.kind == "O" and any(isinstance(v, float) and v != round(v) for v in y[:1000]):
        raise ValueError("Unknown label type: continuous. y must hold class labels.")
    try:
        classes = np.unique(y)
        # searchsorted on the few classes allocates only y_idx, where unique's
        # return_inverse holds several m-sized arrays at once.
        y_idx = np.searchsorted(classes, y)
    except TypeError:
        raise ValueError(
            "Unknown label type: y mixes labels that cannot be sorted (e.g. numbers and "
            "strings). Use labels of one type."
        ) from None
    if classes.size < 2:
        raise ValueError(
            f"{estimator_name} needs samples of at least 2 classes in y, but y contains only "
            f"one class: {classes[0] if classes.size else 'none'}."
        )
    return classes, y_idx.reshape(-1)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Regularized logistic regression, trained by gradient descent, SGD or scipy.

    Parameters
    ----------
    lam : float, default=1.0
        Regularization strength :math:`\lambda \ge 0` of the lessons' cost; the
        intercept is not penalised. scikit-learn's ``C`` is :math:`1/\lambda`.
    solver : {"lbfgs", "gd", "sgd", "tnc", "cg", "bfgs", "newton-cg"}, default="lbfgs"
        "gd" is batch gradient descent, "sgd" mini-batch SGD; the others are
        scipy's optimisers.
    multi_class : {"ova", "multinomial"}, default="ova"
        For more than two classes: K one-vs-all problems solved together
        (one ``X @ W`` per step), or softmax regression.
    learning_rate : float, default=0.1
        Step size for "gd" and "sgd".
    max_iter : int, default=1000
        Epochs ("gd", "sgd") or iterations (scipy solvers) at most.
    batch_size : int, default=32
        Mini-batch size for "sgd".
    momentum : float, default=0.0
        Momentum for "sgd" (0 is plain SGD).
    blocks_per_step : int or None, default=None
        Only for "sgd" on a dask array (ignored otherwise). None walks the row
        blocks one at a time in a shuffled order, in mini-batches of
        ``batch_size``; ``k`` makes each step synchronous data-parallel SGD, the
        row-weighted mean of the gradients of ``k`` whole blocks computed on the
        workers at once (``batch_size`` is then unused).
    tol : float, default=1e-4
        Stopping tolerance on the gradient ("gd" and the scipy solvers) or on
        the epoch cost's improvement ("sgd").
    fit_intercept : bool, default=True
        Learn an intercept :math:`b` (kept apart from the weights and from X).
    threshold : float, default=0.5
        Binary ``predict`` says the second class when its probability is at
        least this.
    random_state : int, Generator or None, default=None
        Seed of the generator that shuffles the mini-batches ("sgd").
    verbose : int, default=0
        Show a progress bar during ``fit``.
    warm_start : bool, default=False
        If True and the model was fitted before (on the same classes and
        features), ``fit`` starts from the current ``coef_`` and ``intercept_``
        instead of zeros, runs up to ``max_iter`` more epochs (iterations) and
        appends to ``history_``; ``n_iter_`` then counts them all. Momentum
        restarts from zero. If False, every ``fit`` starts afresh.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    n_iter_ : int
        Epochs or iterations run (all of them, over the fits of a ``warm_start``).
    history_ : ndarray of shape (n_iter_,)
        The cost at every epoch: for "gd" the cost each step was taken from
        (``history_[0]`` is the cost at zero), for "sgd" the epoch's mean
        batch cost, for the scipy solvers the cost after each iteration.
    converged_ : bool
        False if ``max_iter`` was reached, if ``lam=0`` and the classes are
        perfectly separable (the cost then has no minimum, see Notes), or
        after a ``KeyboardInterrupt``: ``fit`` then keeps the parameters of the
        last completed epoch and warns
        :class:`~minilr.exceptions.TrainingInterrupted` (an interrupt before
        the first epoch ends leaves the estimator as it was and propagates).

    Notes
    -----
    .. math::
        J(w, b) = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
                  + \frac{\lambda}{2m} \lVert w \rVert^2, \quad z = Xw + b

    If every training sample is classified strictly right and
    :math:`\lambda = 0`, scaling :math:`(w, b)` up lowers :math:`J` towards 0
    for ever: there is no minimum, and ``fit`` says so with one
    :class:`~minilr.exceptions.ConvergenceWarning`. ``fit`` also warns
    :class:`~minilr.exceptions.FeatureScaleWarning` once for features whose
    scale makes the result unreliable (see :func:`minilr.base.feature_scale_problem`).
    """

    def __init__(self, *, lam=1.0, solver="lbfgs", multi_class="ova", learning_rate=0.1,
                 max_iter=1000, batch_size=32, momentum=0.0, blocks_per_step=None, tol=1e-4,
                 fit_intercept=True, threshold=0.5, random_state=None, verbose=0,
                 warm_start=False):
        self.lam = lam
        self.solver = solver
        self.multi_class = multi_class
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.momentum = momentum
        self.blocks_per_step = blocks_per_step
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.threshold = threshold
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # ------------------------------------------------------------------ fit
    def _check_params(self):
        check_scalar(self.lam, "lam", low=0.0)
        check_scalar(self.solver, "solver", allowed=set(SOLVERS))
        check_scalar(self.multi_class, "multi_class", allowed={"ova", "multinomial"})
        check_scalar(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.momentum, "momentum", low=0.0, high=1.0)
        if self.blocks_per_step is not None:
            check_scalar(self.blocks_per_step, "blocks_per_step", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(self.threshold, "threshold", low=0.0, high=1.0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(f"fit_intercept must be True or False, got {self.fit_intercept!r}.")
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be True or False, got {self.warm_start!r}.")

    def fit(self, X, y):
        """Fit the model to ``X`` of shape (m, n) and labels ``y`` of shape (m,).

        Returns
        -------
        self
        """
        self._check_params()
        self._set_feature_names(X)
        if _is_dask(X) or _is_dask(y):
            from ._dask import prepare_fit  # dask is imported only for dask input

            X, classes, problem = prepare_fit(self, X, y)  # the same losses, block by block
        else:
            # A classifier needs one sample per class, so at least 2.
            X, y = check_Xy(X, y, ensure_min_samples=2)
            self._warn_if_badly_scaled(X, step_size=self.solver in ("gd", "sgd"))
            classes, y_idx = encode_labels(y, type(self).__name__)
            K = classes.size
            softmax_loss = K > 2 and self.multi_class == "multinomial"
            if K == 2:
                Y = y_idx.astype(X.dtype)
            else:
                Y = np.zeros((X.shape[0], K), dtype=X.dtype)
                Y[np.arange(X.shape[0]), y_idx] = 1
            del y_idx  # not needed while training: keep memory small next to X
            problem = _Problem(X, Y, self.lam, self.fit_intercept, softmax_loss)
        self._check_solver_size(problem)
        x0, history = self._start(problem, classes, X.shape[1])
        result = self._optimise(problem, x0)
        if result.interrupted and result.n_iter == 0:
            raise KeyboardInterrupt  # no epoch finished: nothing to keep, the model stays as it was
        w, b = problem.unpack(result.x.astype(X.dtype, copy=False))
        separable = self._separable(problem, w, b)
        # Fitted attributes are set only now: a fit that raises (say, DivergenceError)
        # leaves no half-fitted estimator behind.
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.coef_ = np.array(w.T.reshape(-1, X.shape[1]))
        # Without an intercept b is 0: still one (zero) intercept per row of coef_.
        self.intercept_ = np.broadcast_to(b, self.coef_.shape[:1]).astype(X.dtype)
        self.history_ = np.concatenate([history, result.history])
        self.n_iter_ = self.history_.size
        self.converged_ = result.converged and not separable
        self._interrupted = result.interrupted  # read by OneVsAllClassifier
        self._warn_after_fit(problem, result, separable)
        return self

    def _check_solver_size(self, problem):
        p = problem.n_w + problem.n_b
        if self.solver == "bfgs" and p > BFGS_MAX_PARAMS:
            raise ValueError(
                f"solver='bfgs' keeps a dense ({p}, {p}) matrix, {8e-9 * p * p:.3g} GB for "
                f"these {p} parameters (it is meant for at most {BFGS_MAX_PARAMS}). Use "
                "solver='lbfgs', its limited-memory version, for this many features."
            )

    def _start(self, problem, classes, n_features):
        """The flat ``[w, b]`` to start from (None: zeros) and the history to append to."""
        if not (self.warm_start and hasattr(self, "coef_")):
            return None, np.empty(0)
        if (n_features != self.n_features_in_ or not np.array_equal(classes, self.classes_)
                or self.coef_.size != problem.n_w):
            raise ValueError(
                f"warm_start=True continues the fit on {self.n_features_in_} features and the "
                f"classes {self.classes_.tolist()}, but X has {n_features} features and y the "
                f"classes {classes.tolist()}. Set warm_start=False to start afresh."
            )
        x0 = problem.zeros()
        x0[: problem.n_w] = self.coef_.T.reshape(-1)  # coef_ is w transposed
        x0[problem.n_w:] = self.intercept_[: problem.n_b]
        return x0, self.history_

    def _separable(self, problem, w, b):
        """Whether ``lam = 0`` and ``(w, b)`` classifies every training sample strictly right.

        The cost then has no minimum: scaling ``(w, b)`` up lowers it for ever.
        For one-vs-all, one such class is enough.
        """
        if self.lam != 0 or _is_dask(problem.X):
            return False
        Z, Y = problem.X @ w + b, problem.Y
        if problem.loss is softmax_cost_and_gradient:
            true = np.sum(Z * Y, axis=1)
            return bool(np.all(true > np.max(np.where(Y > 0, -np.inf, Z), axis=1)))
        margins = np.where(Y > 0, Z, -Z)
        return bool(np.any(np.all(margins > 0, axis=0)))

    def _warn_after_fit(self, problem, result, separable):
        """One ConvergenceWarning (separable data, or the optimiser's), and the interrupt's."""
        if separable:
            J, g = problem.fun(result.x)
            warnings.warn(
                f"The training data are perfectly separable and lam=0, so the cost has no "
                f"minimum: it keeps falling towards 0 as the weights grow, and coef_ is where "
                f"the solver stopped ({result.message.rstrip('.')}. Final cost {J:.6g}, "
                f"gradient norm max|g| = {np.max(np.abs(g)):.3g}). Set lam > 0 for a unique, "
                "finite solution.",
                ConvergenceWarning, stacklevel=3,
            )
        elif result.warning is not None:
            warnings.warn(result.warning, ConvergenceWarning, stacklevel=3)
        if result.interrupted:
            self._warn_interrupted(self.n_iter_, "epoch" if self.solver in ("gd", "sgd")
                                   else "iteration")

    def _optimise(self, problem, x0=None):
        # warn=False: fit issues the ConvergenceWarning itself, once (see _warn_after_fit).
        common = dict(max_iter=self.max_iter, tol=self.tol, verbose=self.verbose, warn=False)
        x0 = problem.zeros() if x0 is None else x0
        if self.solver == "gd":
            return gradient_descent(problem.fun, x0, learning_rate=self.learning_rate, **common)
        if self.solver == "sgd":
            return minibatch_sgd(
                problem.batch_fun, x0, problem.m, learning_rate=self.learning_rate,
                batch_size=self.batch_size, update="momentum" if self.momentum > 0 else "sgd",
                momentum=self.momentum, random_state=self.random_state,
                batches=getattr(problem, "batches", None), **common,  # dask: the block walk
            )
        return minimize(problem.fun, x0, method=self.solver, hessp=problem.hessp, **common)

    # ------------------------------------------------------------------ predict
    def decision_function(self, X):
        """Logits: shape (m,) for two classes, (m, K) for more.

        For two classes, positive values favour ``classes_[1]``. A dask ``X`` gives a
        dask array, computed block by block when asked (the same for the other
        predict methods).
        """
        if _is_dask(X):
            return _predict_blocks(self, "decision_function", X)
        X = self._check_X_predict(X)
        Z = X @ self.coef_.T + self.intercept_
        return Z.ravel() if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Class probabilities of shape (m, K); each row sums to 1.

        Two classes: :math:`[1 - \\sigma(z), \\sigma(z)]`. One-vs-all: the K
        sigmoids normalised per row. Multinomial: the softmax.
        """
        if _is_dask(X):
            return _predict_blocks(self, "predict_proba", X)
        Z = self.decision_function(X)
        if Z.ndim == 1:
            p = sigmoid(Z)
            return np.column_stack([1 - p, p])
        if self.multi_class == "multinomial":
            return softmax(Z)
        # sigma(z_k) / sum_j sigma(z_j), from the logs: all K sigmoids may underflow to 0.
        return softmax(log_sigmoid(Z))

    def predict(self, X):
        """Predicted class labels, shape (m,).

        Two classes: ``classes_[1]`` where its probability is at least
        ``threshold``. More: the class with the largest score.
        """
        if _is_dask(X):
            return _predict_blocks(self, "predict", X)
        Z = self.decision_function(X)
        if Z.ndim == 1:
            return self.classes_[(sigmoid(Z) >= self.threshold).astype(np.intp)]
        return self.classes_[np.argmax(Z, axis=1)]


def _predict_blocks(estimator, method, X):
    """``estimator.<method>`` mapped lazily over the row blocks of a dask ``X``."""
    from ._dask import predict_blocks  # dask is imported only for dask input

    return predict_blocks(estimator, method, X)


class _Problem:
    """The cost of one fit as a function of a flat vector ``x = [w.ravel(), b]``."""

    def __init__(self, X, Y, lam, fit_intercept, softmax_loss):
        self.X, self.Y, self.lam = X, Y, lam
        self.m, n = X.shape
        self.w_shape = (n,) if Y.ndim == 1 else (n, Y.shape[1])
        self.n_w = int(np.prod(self.w_shape))
        self.n_b = (1 if Y.ndim == 1 else Y.shape[1]) if fit_intercept else 0
        self.loss = softmax_cost_and_gradient if softmax_loss else cost_and_gradient
        self._hvp = softmax_hessian_vector_product if softmax_loss else hessian_vector_product
        # One reusable gradient buffer: packing [grad_w, grad_b] without np.concatenate.
        self._g = np.empty(self.n_w + self.n_b, dtype=X.dtype)
        # The binary loss takes the labels as signs s = 1 - 2y, made once per fit.
        self.S = None if softmax_loss else 1 - 2 * Y

    def zeros(self):
        return np.zeros(self.n_w + self.n_b, dtype=self.X.dtype)

    def unpack(self, x):
        """Views ``w`` (shape ``w_shape``) and ``b`` into the flat ``x``."""
        x = x.astype(self.X.dtype, copy=False)  # scipy hands float64: compute in X's dtype
        w = x[: self.n_w].reshape(self.w_shape)
        if not self.n_b:
            return w, 0.0
        b = x[self.n_w:] if len(self.w_shape) == 2 else x[self.n_w]
        return w, b

    def _pack(self, g_w, g_b):
        g = self._g
        g[: self.n_w] = g_w.reshape(-1)
        if self.n_b:
            g[self.n_w:] = g_b
        return g

    def fun(self, x):
        """Cost and flat gradient; the gradient buffer is reused by the next call."""
        w, b = self.unpack(x)
        if self.S is None:
            J, g_w, g_b = self.loss(w, b, self.X, self.Y, self.lam)
        else:
            J, g_w, g_b = _logistic_pass(w, b, self.X, self.S, self.lam)
        return float(J), self._pack(g_w, g_b)

    def batch_fun(self, x, idx):
        # lam scaled by |B|/m: the batch cost is its mean loss + lam/(2m)|w|^2,
        # so the batch gradient is an unbiased estimate of the full one.
        w, b = self.unpack(x)
        lam = self.lam * len(idx) / self.m
        # np.take gathers the batch's rows about 3x faster than fancy indexing X[idx].
        X_B = np.take(self.X, idx, axis=0)
        if self.S is None:
            J, g_w, g_b = self.loss(w, b, X_B, np.take(self.Y, idx, axis=0), lam)
        else:
            J, g_w, g_b = _logistic_pass(w, b, X_B, np.take(self.S, idx, axis=0), lam)
        return float(J), self._pack(g_w, g_b)

    def hessp(self, x, p):
        w, b = self.unpack(x)
        v_w, v_b = self.unpack(p)
        h_w, h_b = self._hvp(w, b, self.X, v_w, v_b, self.lam)
        return self._pack(h_w, h_b).copy()
