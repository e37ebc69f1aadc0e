r"""The multi-layer perceptron classifier: :mod:`minilr.neural_net`'s functions trained by mini-batch SGD.

All weights and biases are views into one flat vector, so the optimiser,
:func:`minilr.optim.minibatch_sgd` with the update rule ``update``, sees a single
array and never a list of layers.
"""

import numbers

import numpy as np

from ._validation import check_scalar, check_Xy
from .base import (RENAMED, BaseEstimator, ClassifierMixin, check_update, finish_callback,
                   fit_callback)
from .functions import sigmoid, softmax
from .neural_net import (
    ACTIVATIONS,
    INITS,
    backward,
    flatten_params,
    forward,
    init_params,
    layer_shapes,
    penalized_cost,
    unflatten_params,
)
from .optim import minibatch_sgd
from .persistence import register
from .preprocessing import encode_labels, label_targets, train_test_split

__all__ = ["MLPClassifier"]


@register
class MLPClassifier(ClassifierMixin, BaseEstimator):
    r"""A multi-layer perceptron classifier trained by mini-batch gradient descent.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(10,)
        Units of each hidden layer (at least one layer, each of at least one unit).
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers.
    init : {"xavier", "he"}, default="xavier"
        Weight initialisation (Glorot uniform or He normal); biases start at 0.
    lam : float, default=0.0
        L2 strength :math:`\lambda` on the weights (not the biases), with the
        same convention as ``lam`` in :class:`~minilr.LogisticRegression`.
        scikit-learn's ``MLPClassifier`` penalises each mini-batch by its own
        size; its ``alpha`` equals our ``lam`` times ``batch_size / n_samples``.
    update : {"sgd", "momentum", "adam"}, default="adam"
        Update rule of :func:`minilr.optim.minibatch_sgd`.
    learning_rate : float, default=0.01
        Step size :math:`\eta`. 0.01 suits Adam on standardised features;
        plain SGD usually wants 0.1.
    momentum : float or None, default=None
        Momentum of ``update="momentum"``; None means 0.9. Only for that rule.
    batch_size : int, default=32
    max_iter : int, default=200
        Epochs at most.
    tol : float, default=1e-4
        Stop once the epoch cost has not improved by ``tol`` for
        ``n_iter_no_change`` epochs in a row (0 runs all ``max_iter``).
    n_iter_no_change : int, default=10
    validation_fraction : float or None, default=None
        Hold out this fraction of the training data (stratified) and record
        the accuracy on it after every epoch in ``validation_history_``. It
        does not stop training.
    threshold : float, default=0.5
        Binary ``predict`` says ``classes_[1]`` when its probability is at least this.
    random_state : int, Generator or None, default=None
        Seed of the generator, created in ``fit``, that draws the initial
        weights, the validation split and the mini-batches.
    verbose : int, default=0
        Show a progress bar during ``fit``.
    warm_start : bool, default=False
        If True and the network was fitted before (on the same classes and
        number of features), ``fit`` continues from the current weights for
        up to ``max_iter`` more epochs and appends to ``history_`` (and
        ``validation_history_``); ``n_iter_`` then counts every epoch. The
        update rule's state (momentum, Adam's moments) starts afresh. If
        False, every ``fit`` starts from new random weights.

    Attributes
    ----------
    coefs_ : list of ndarray
        ``coefs_[l]`` of shape (n_l, n_{l+1}).
    intercepts_ : list of ndarray
        ``intercepts_[l]`` of shape (n_{l+1},).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    n_iter_ : int
        Epochs run (all of them, over the fits of a ``warm_start``).
    history_ : ndarray of shape (n_iter_,)
        Mean mini-batch cost of every epoch.
    validation_history_ : ndarray of shape (n_iter_,)
        Accuracy on the validation data after every epoch (only with
        ``validation_fraction`` or ``fit(..., validation_data=...)``).
    converged_ : bool
        True exactly when the epoch-cost rule of ``tol`` stopped the training
        (else one :class:`~minilr.exceptions.ConvergenceWarning`). False also
        after a ``KeyboardInterrupt``: ``fit`` then keeps the
        weights of the last completed epoch and warns
        :class:`~minilr.exceptions.TrainingInterrupted` (an interrupt before
        the first epoch ends leaves the estimator as it was and propagates).
    interrupted_ : bool
        True if that ``KeyboardInterrupt`` stopped the last ``fit``.

    Notes
    -----
    Two classes use one sigmoid output unit, K > 2 classes a softmax of K
    units; both minimise the cross-entropy (see :func:`loss_and_gradients`)

    .. math::
        J = \frac{1}{m} \sum_i \bigl[A(z_i) - y_i \cdot z_i\bigr]
            + \frac{\lambda}{2m} \sum_l \lVert W_l \rVert^2

    A mini-batch :math:`B` uses the penalty :math:`\lambda |B| / m`, so that
    its gradient is an unbiased estimate of the full one.

    The defaults (Adam, learning rate 0.01, 200 epochs) train small,
    standardised problems well; scikit-learn's are Adam, 0.001 and 200.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr import MLPClassifier
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)
    >>> y = np.array([0, 1, 1, 0] * 5)  # XOR: no line separates the classes
    >>> model = MLPClassifier((8,), activation="tanh", learning_rate=0.05, batch_size=4,
    ...                       max_iter=300, random_state=0).fit(X, y)
    >>> model.predict(X[:4])
    array([0, 1, 1, 0])
    >>> model.score(X, y)
    1.0
    """

    # The update rule was "solver" before: MLPClassifier has no other solver than SGD.
    _renamed = {**RENAMED, "solver": "update (the update rule: update='adam', 'momentum' or "
                                     "'sgd'; the network is always trained by mini-batch SGD)"}

    def __init__(self, hidden_layer_sizes=(10,), *, activation="relu", init="xavier", lam=0.0,
                 update="adam", learning_rate=0.01, momentum=None, batch_size=32, max_iter=200,
                 tol=1e-4, n_iter_no_change=10, validation_fraction=None, threshold=0.5,
                 random_state=None, verbose=0, warm_start=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.lam = lam
        self.update = update
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.validation_fraction = validation_fraction
        self.threshold = threshold
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # ------------------------------------------------------------------ fit
    def _check_params(self):
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
            hidden = (hidden,)
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise TypeError(
                f"hidden_layer_sizes must be a tuple of whole numbers, got {hidden!r}."
            ) from None
        if len(hidden) == 0:
            raise ValueError("hidden_layer_sizes must name at least one hidden layer, got ().")
        for size in hidden:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral):
                raise TypeError(
                    f"hidden_layer_sizes must hold whole numbers, got {size!r} in {hidden!r}."
                )
            if size < 1:
                raise ValueError(
                    f"hidden_layer_sizes must hold sizes >= 1, got {size!r} in {hidden!r}."
                )
        check_scalar(self.activation, "activation", allowed=set(ACTIVATIONS))
        check_scalar(self.init, "init", allowed=set(INITS))
        check_update(self.update, self.momentum)
        check_scalar(self.lam, "lam", low=0.0)
        check_scalar(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(self.n_iter_no_change, "n_iter_no_change", kind=numbers.Integral, low=1)
        if self.validation_fraction is not None:
            check_scalar(self.validation_fraction, "validation_fraction", low=0.0, high=1.0,
                         low_inclusive=False)
            if self.validation_fraction >= 1:
                raise ValueError(
                    f"validation_fraction must be below 1, got {self.validation_fraction!r}."
                )
        check_scalar(self.threshold, "threshold", low=0.0, high=1.0)
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be True or False, got {self.warm_start!r}.")
        return [int(size) for size in hidden]

    def fit(self, X, y, validation_data=None, callback=None):
        """Train the network on ``X`` of shape (m, n) and labels ``y`` of shape (m,).

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,)
        validation_data : tuple (X_val, y_val), optional
            Data to score after every epoch (into ``validation_history_``);
            not used for training. Excludes ``validation_fraction``.
        callback : callable, optional
            ``callback(epoch, cost, params)`` after every epoch, with ``params =
            {"coefs": [...], "intercepts": [...]}`` as they are then; returning True
            stops. ``minilr.plotting.LiveCostPlot`` is one.

        Returns
        -------
        self
        """
        hidden = self._check_params()
        self._set_feature_names(X)
        X, y = check_Xy(X, y)
        self._warn_if_badly_scaled(X, step_size=True)
        rng = np.random.default_rng(self.random_state)
        classes, y_idx = encode_labels(y, type(self).__name__)
        validation = self._validation_data(X, validation_data)
        if self.validation_fraction is not None:
            X, X_val, y_idx, y_val = self._split(X, y_idx, rng)
            validation = (X_val, classes[y_val])
        K = classes.size
        layer_sizes = [X.shape[1], *hidden, 1 if K == 2 else K]
        problem = _Problem(X, label_targets(y_idx, K, X.dtype), layer_sizes, self.lam,
                           self.activation)
        warm = self._warm_start_params(layer_sizes, classes)
        x0 = flatten_params(warm or init_params(layer_sizes, self.init, rng, X.dtype))

        scores = []
        user = fit_callback(callback, lambda x: _layers(unflatten_params(x, layer_sizes)))

        def each_epoch(epoch, x, cost):
            if validation is not None:
                z, _ = forward(unflatten_params(x, layer_sizes), validation[0], self.activation)
                scores.append(np.mean(_labels(z, classes, self.threshold) == validation[1]))
            return user is not None and user(epoch, x, cost)

        # Overflow on the way to divergence is not an error here: the optimiser
        # sees the non-finite cost and raises DivergenceError.
        with np.errstate(over="ignore", invalid="ignore"):
            # warn=False: fit issues the status's warning itself, once, below.
            result = minibatch_sgd(
                problem.batch_fun, x0, problem.m, learning_rate=self.learning_rate,
                batch_size=self.batch_size, max_iter=self.max_iter, update=self.update,
                momentum=0.9 if self.momentum is None else self.momentum, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
                random_state=rng, callback=each_epoch, verbose=self.verbose, warn=False,
            )
        finish_callback(callback)
        if result.interrupted and result.n_iter == 0:
            raise KeyboardInterrupt  # no epoch finished: nothing to keep, the model stays as it was
        previous = _previous_fit(self, warm, validation is not None)
        layers = _layers(unflatten_params(result.x, layer_sizes))
        self.coefs_, self.intercepts_ = layers["coefs"], layers["intercepts"]
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.history_ = np.concatenate([previous["history"], result.history])
        self.n_iter_ = self.history_.size
        self.converged_ = result.converged
        self.interrupted_ = result.interrupted  # read by OneVsAllClassifier
        if validation is not None:
            scores = np.asarray(scores[: result.n_iter], dtype=np.float64)
            self.validation_history_ = np.concatenate([previous["validation"], scores])
        elif hasattr(self, "validation_history_"):
            del self.validation_history_  # left from an earlier fit
        result.status.warn(type(self).__name__, stacklevel=2)
        return self

    def _warm_start_params(self, layer_sizes, classes):
        """The current weights ``[W1, b1, ...]`` to continue from, or None to start afresh."""
        if not (self.warm_start and hasattr(self, "coefs_")):
            return None
        fitted = [self.n_features_in_, *(b.shape[0] for b in self.intercepts_)]
        same_classes = (self.classes_.shape == classes.shape
                        and np.all(self.classes_ == classes))
        if fitted != layer_sizes or not same_classes:
            raise ValueError(
                f"warm_start=True continues the fitted network of layers {fitted} and classes "
                f"{self.classes_.tolist()}, but this fit needs layers {layer_sizes} and classes "
                f"{classes.tolist()}. Set warm_start=False to start afresh."
            )
        return self._params()

    def _validation_data(self, X, validation_data):
        if validation_data is None:
            return None
        if self.validation_fraction is not None:
            raise ValueError(
                "Pass either validation_data to fit or validation_fraction, not both."
            )
        try:
            X_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (X_val, y_val).") from None
        X_val, y_val = check_Xy(X_val, y_val)
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(
                f"validation_data has {X_val.shape[1]} features but X has {X.shape[1]}."
            )
        return X_val, y_val

    def _split(self, X, y_idx, rng):
        """Hold out ``validation_fraction`` of the samples, stratified when possible."""
        counts = np.bincount(y_idx)
        stratify = y_idx if counts.min() >= 2 else None
        try:
            return train_test_split(X, y_idx, test_size=float(self.validation_fraction),
                                    random_state=rng, stratify=stratify)
        except ValueError as exc:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} does not leave samples to "
                f"train and to validate on {X.shape[0]} samples: {exc}"
            ) from None

    # ------------------------------------------------------------------ predict
    def _params(self):
        return [p for pair in zip(self.coefs_, self.intercepts_) for p in pair]

    def decision_function(self, X):
        """Logits: shape (m,) for two classes, (m, K) for more.

        For two classes, positive values favour ``classes_[1]``.
        """
        X = self._check_X_predict(X)
        z, _ = forward(self._params(), X, self.activation)
        return z.ravel() if z.shape[1] == 1 else z

    def predict_proba(self, X):
        r"""Class probabilities of shape (m, K); each row sums to 1.

        Two classes: :math:`[1 - \sigma(z), \sigma(z)]`; more: the softmax.
        """
        z = self.decision_function(X)
        if z.ndim == 1:
            p = sigmoid(z)
            return np.column_stack([1 - p, p])
        return softmax(z)

    def predict(self, X):
        """Predicted class labels, shape (m,).

        Two classes: ``classes_[1]`` where its probability is at least
        ``threshold``. More: the class with the largest logit.
        """
        return _labels(self.decision_function(X), self.classes_, self.threshold)


def _layers(params):
    """``[W1, b1, W2, b2, ...]`` in the layout of ``coefs_`` and ``intercepts_``."""
    return {"coefs": params[0::2], "intercepts": params[1::2]}


def _labels(z, classes, threshold):
    """Class labels from logits of shape (m,), (m, 1) or (m, K)."""
    if z.ndim == 1 or z.shape[1] == 1:
        return classes[(sigmoid(z.ravel()) >= threshold).astype(np.intp)]
    return classes[np.argmax(z, axis=1)]


def _previous_fit(estimator, warm, validation):
    """The history (and validation scores) a warm start appends to: empty otherwise."""
    empty = np.empty(0)
    if warm is None:
        return {"history": empty, "validation": empty}
    previous = getattr(estimator, "validation_history_", None) if validation else None
    if previous is None:  # epochs trained without validation data have no score
        previous = np.full(estimator.history_.size, np.nan)
    return {"history": estimator.history_, "validation": previous}


class _Problem:
    """The training cost as a function of one flat vector, for :func:`minibatch_sgd`."""

    def __init__(self, X, Y, layer_sizes, lam, activation):
        # Every batch gathers rows of X: in C order each row is one contiguous copy
        # (a Fortran-ordered X, as loadmat returns, trains about 1.5x slower).
        self.X = np.ascontiguousarray(X)
        self.Y, self.lam, self.activation = Y, lam, activation
        self.m = X.shape[0]
        self.layer_sizes = layer_sizes
        # One gradient buffer, reused by every step; grads are views into it.
        self.g = np.empty(sum((a + 1) * b for a, b in layer_shapes(layer_sizes)), dtype=X.dtype)
        self.grads = unflatten_params(self.g, layer_sizes)
        self._x = self._params = None

    def params(self, x):
        # The optimiser updates one array in place: its views are built once.
        if x is not self._x:
            self._x, self._params = x, unflatten_params(x, self.layer_sizes)
        return self._params

    def batch_fun(self, x, idx):
        # lam scaled by |B|/m: the batch cost is its mean loss + lam/(2m)|W|^2,
        # so the batch gradient is an unbiased estimate of the full one.
        params = self.params(x)
        lam = self.lam * len(idx) / self.m
        # np.take gathers the batch's rows about 3x faster than fancy indexing X[idx].
        Y = np.take(self.Y, idx, axis=0)
        _, cache = forward(params, np.take(self.X, idx, axis=0), self.activation)
        J = penalized_cost(params, cache, Y, lam)
        backward(params, cache, Y, lam, self.activation, out=self.grads)
        return J, self.g
