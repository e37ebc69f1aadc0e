r"""Logistic regression: the estimator students fit in every lesson.

The cost is a :class:`minilr.objective.LinearObjective` (binary or softmax
cross-entropy from :mod:`minilr.pointwise`), the training loop one of
:mod:`minilr.optim`; this module only connects them: it checks the parameters,
encodes the labels, and unpacks the optimiser's result into ``coef_`` and
``intercept_``.
"""

import numbers

import numpy as np

from ._validation import check_scalar, check_Xy, is_dask
from .base import BaseEstimator, ClassifierMixin, check_update, finish_callback, fit_callback
from .functions import log_sigmoid, sigmoid, softmax
from .objective import LinearObjective
from .optim import SCIPY_METHODS, gradient_descent, minibatch_sgd, minimize
from .persistence import register
from .pointwise import BINARY, SOFTMAX
from .preprocessing import encode_labels, label_targets

__all__ = ["LogisticRegression", "SOLVERS"]

SOLVERS = ("gd", "sgd") + tuple(SCIPY_METHODS)
BFGS_MAX_PARAMS = 5000  # "bfgs" keeps a dense (p, p) matrix: 200 MB at this size


@register
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
    update : {"sgd", "momentum", "adam"}, default="sgd"
        Update rule of "sgd" (:func:`minilr.optim.minibatch_sgd`): plain steps,
        momentum or Adam. Only for ``solver="sgd"``.
    momentum : float or None, default=None
        Momentum of ``update="momentum"``; None means 0.9. Only for that rule.
    blocks_per_step : int or None, default=None
        Only for "sgd" on a dask array (ignored otherwise). None walks the row
        blocks one at a time in a shuffled order, in mini-batches of
        ``batch_size``; ``k`` makes each step synchronous data-parallel SGD, the
        row-weighted mean of the gradients of ``k`` whole blocks computed on the
        workers at once (``batch_size`` is then unused).
    tol : float, default=1e-4
        The stopping rule. "gd" and the scipy solvers stop when the largest
        gradient component of the cost (intercept included) is at most
        ``tol``, :math:`\max_j |\nabla J_j| \le` ``tol``, at the fitted
        parameters; a scipy solver that stops on its own test first is
        continued with Newton steps until the rule holds or ``max_iter`` is
        spent. "sgd" stops when the epoch cost has not improved by ``tol`` for
        5 epochs in a row.
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
        True exactly when the rule of ``tol`` holds at ``coef_`` and
        ``intercept_`` (``grad_norm_ <= tol``; for "sgd" the epoch-cost rule),
        or when the gradient is at the floating-point floor, at most
        :math:`256\,\varepsilon \max(1, J)`, for a ``tol`` below it (the
        message of ``fit`` then says so). Otherwise False, with one
        :class:`~minilr.exceptions.ConvergenceWarning`: ``max_iter`` was
        reached, the solver could lower the gradient no further, or ``lam=0``
        and the classes are perfectly separable (the cost then has no minimum,
        see Notes). False too after a ``KeyboardInterrupt``: ``fit`` then
        keeps the parameters of the last completed epoch and warns
        :class:`~minilr.exceptions.TrainingInterrupted` (an interrupt before
        the first epoch ends leaves the estimator as it was and propagates).
    interrupted_ : bool
        True if that ``KeyboardInterrupt`` stopped the last ``fit``.
    grad_norm_ : float or None
        :math:`\max_j |\nabla J_j|` at the fitted parameters (None for "sgd",
        which never computes the full gradient, and for "gd" with ``tol=0``).

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

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import make_linear_boundary
    >>> X, y = make_linear_boundary(n_samples=200, random_state=0)
    >>> model = LogisticRegression(lam=0.1).fit(X, y)
    >>> model.predict(X[:5])
    array([0, 0, 0, 1, 1])
    >>> round(model.score(X, y), 2)
    0.89
    >>> model.coef_.shape, model.intercept_.shape
    ((1, 2), (1,))
    """

    def __init__(self, *, lam=1.0, solver="lbfgs", multi_class="ova", learning_rate=0.1,
                 max_iter=1000, batch_size=32, update="sgd", momentum=None,
                 blocks_per_step=None, tol=1e-4,
                 fit_intercept=True, threshold=0.5, random_state=None, verbose=0,
                 warm_start=False):
        self.lam = lam
        self.solver = solver
        self.multi_class = multi_class
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.update = update
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
        if self.solver in ("momentum", "adam"):
            raise ValueError(f"solver must be one of {sorted(SOLVERS)}, got {self.solver!r}: "
                             f"{self.solver!r} is an update rule of mini-batch SGD. Use "
                             f"solver='sgd', update={self.solver!r}.")
        check_scalar(self.solver, "solver", allowed=set(SOLVERS))
        check_scalar(self.multi_class, "multi_class", allowed={"ova", "multinomial"})
        check_scalar(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_update(self.update, self.momentum, applies=self.solver == "sgd",
                     solver=self.solver)
        if self.blocks_per_step is not None:
            check_scalar(self.blocks_per_step, "blocks_per_step", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(self.threshold, "threshold", low=0.0, high=1.0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(f"fit_intercept must be True or False, got {self.fit_intercept!r}.")
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be True or False, got {self.warm_start!r}.")

    def fit(self, X, y, callback=None):
        """Fit the model to ``X`` of shape (m, n) and labels ``y`` of shape (m,).

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,)
        callback : callable, optional
            ``callback(epoch, cost, params)`` after every epoch (gd, sgd) or
            iteration (the scipy solvers), with ``params = {"coef": (K, n),
            "intercept": (K,)}`` as they are then; returning True stops. A live
            plot from :mod:`minilr.plotting` (``LiveCostPlot``, ``LiveBoundaryPlot``)
            is one.

        Returns
        -------
        self
        """
        self._check_params()
        self._set_feature_names(X)
        if is_dask(X) or is_dask(y):
            from ._dask import prepare_fit  # dask is imported only for dask input

            X, classes, problem = prepare_fit(self, X, y, self._loss)  # block by block
            objective = problem.objective
        else:
            # A classifier needs one sample per class, so at least 2.
            X, y = check_Xy(X, y, ensure_min_samples=2)
            self._warn_if_badly_scaled(X, step_size=self.solver in ("gd", "sgd"))
            classes, y_idx = encode_labels(y, type(self).__name__)
            loss = self._loss(classes.size)
            # Only the prepared targets are kept while training: memory stays small next to X.
            Y = label_targets(y_idx, classes.size, X.dtype)
            del y_idx
            T = loss.prepare(Y)
            del Y
            objective = problem = LinearObjective(X, T, self.lam, loss, self.fit_intercept)
        self._check_solver_size(objective)
        x0, history = self._start(objective, classes, X.shape[1])
        result = self._optimise(problem, x0, fit_callback(callback, self._params_of(objective)))
        finish_callback(callback)
        if result.interrupted and result.n_iter == 0:
            raise KeyboardInterrupt  # no epoch finished: nothing to keep, the model stays as it was
        w, b = objective.unpack(result.x.astype(X.dtype, copy=False))
        # lam = 0 and every training sample strictly right: the cost has no minimum.
        separable = self.lam == 0 and not is_dask(X) and objective.separable(result.x)
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
        # None for "sgd", whose mini-batches never give the full gradient, and "gd" with tol=0.
        self.grad_norm_ = None if np.isnan(result.grad_norm) else result.grad_norm
        self.interrupted_ = result.interrupted  # read by OneVsAllClassifier
        self._warn_after_fit(result, separable)
        return self

    def _check_solver_size(self, objective):
        p = objective.n_w + objective.n_b
        if self.solver == "bfgs" and p > BFGS_MAX_PARAMS:
            raise ValueError(
                f"solver='bfgs' keeps a dense ({p}, {p}) matrix, {8e-9 * p * p:.3g} GB for "
                f"these {p} parameters (it is meant for at most {BFGS_MAX_PARAMS}). Use "
                "solver='lbfgs', its limited-memory version, for this many features."
            )

    def _start(self, objective, classes, n_features):
        """The flat ``[w, b]`` to start from and the history to append to."""
        if not (self.warm_start and hasattr(self, "coef_")):
            return objective.zeros(), np.empty(0)
        if (n_features != self.n_features_in_ or not np.array_equal(classes, self.classes_)
                or self.coef_.size != objective.n_w):
            raise ValueError(
                f"warm_start=True continues the fit on {self.n_features_in_} features and the "
                f"classes {self.classes_.tolist()}, but X has {n_features} features and y the "
                f"classes {classes.tolist()}. Set warm_start=False to start afresh."
            )
        # coef_ is w transposed; without an intercept pack leaves b out.
        return objective.pack(self.coef_.T, self.intercept_[: objective.n_b]), self.history_

    def _loss(self, K):
        """The pointwise loss for K classes: softmax for a multinomial fit, else binary."""
        return SOFTMAX if K > 2 and self.multi_class == "multinomial" else BINARY

    def _warn_after_fit(self, result, separable):
        """The one warning of this fit, worded by the optimiser's status."""
        status = result.status
        if separable and not result.interrupted:
            status = status.no_minimum("Set lam > 0 for a unique, finite solution.")
        status.warn(type(self).__name__, stacklevel=3)

    @staticmethod
    def _params_of(objective):
        """``x -> {"coef", "intercept"}`` in the layout of ``coef_`` and ``intercept_``."""
        def params(x):
            w, b = objective.unpack(x)
            coef = np.reshape(np.transpose(w), (-1, objective.w_shape[0]))
            return {"coef": coef, "intercept": np.broadcast_to(b, coef.shape[:1])}
        return params

    def _optimise(self, problem, x0, callback=None):
        # warn=False: fit issues the status's warning itself, once (see _warn_after_fit).
        common = dict(max_iter=self.max_iter, tol=self.tol, verbose=self.verbose, warn=False,
                      callback=callback)
        if self.solver == "gd":
            return gradient_descent(problem.fun, x0, learning_rate=self.learning_rate, **common)
        if self.solver == "sgd":
            return minibatch_sgd(
                problem.batch_fun, x0, problem.m, learning_rate=self.learning_rate,
                batch_size=self.batch_size, update=self.update,
                momentum=0.9 if self.momentum is None else self.momentum,
                random_state=self.random_state,
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
        if is_dask(X):
            return _predict_blocks(self, "decision_function", X)
        X = self._check_X_predict(X)
        Z = X @ self.coef_.T + self.intercept_
        return Z.ravel() if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Class probabilities of shape (m, K); each row sums to 1.

        Two classes: :math:`[1 - \\sigma(z), \\sigma(z)]`. One-vs-all: the K
        sigmoids normalised per row. Multinomial: the softmax.
        """
        if is_dask(X):
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
        if is_dask(X):
            return _predict_blocks(self, "predict", X)
        Z = self.decision_function(X)
        if Z.ndim == 1:
            return self.classes_[(sigmoid(Z) >= self.threshold).astype(np.intp)]
        return self.classes_[np.argmax(Z, axis=1)]


def _predict_blocks(estimator, method, X):
    """``estimator.<method>`` mapped lazily over the row blocks of a dask ``X``."""
    from ._dask import predict_blocks  # dask is imported only for dask input

    return predict_blocks(estimator, method, X)
