r"""A small multi-layer perceptron, with backpropagation written out.

The network is a list ``params = [W1, b1, W2, b2, ...]``; layer ``l`` maps
``a^(l-1)`` of shape (m, n_in) to ``z^(l) = a^(l-1) @ W_l + b_l`` of shape
(m, n_out). Three functions are all the math:

* :func:`forward` runs the layers and keeps what :func:`backward` needs (the cache);
* :func:`backward` turns that cache into one gradient per weight and bias;
* :func:`loss_and_gradients` joins them into ``(J, grads)``, the function a
  lesson hands to :func:`minilr.check_gradient` (through :func:`flatten_params`).

:class:`MLPClassifier` trains the same functions with :func:`minilr.optim.minibatch_sgd`
and its update rules: all weights and biases are views into one flat vector, so
the optimiser sees a single array and never a list of layers.
"""

import numbers
import warnings

import numpy as np

from ._validation import check_scalar, check_Xy
from .base import BaseEstimator, ClassifierMixin
from .datasets import train_test_split
from .exceptions import ConvergenceWarning
from .functions import sigmoid, softmax
from .linear import encode_labels
from .losses import _softplus_and_sigmoid
from .optim import UPDATE_RULES, minibatch_sgd

__all__ = [
    "MLPClassifier",
    "forward",
    "backward",
    "loss_and_gradients",
    "init_params",
    "flatten_params",
    "unflatten_params",
    "ACTIVATIONS",
    "INITS",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
INITS = ("xavier", "he")


# ---------------------------------------------------------------- activations
def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}.")


def _activate(z, activation):
    """Apply the hidden activation to ``z`` in place and return it (now ``a``)."""
    if activation == "relu":
        np.maximum(z, 0, out=z)
    elif activation == "tanh":
        np.tanh(z, out=z)
    elif activation == "sigmoid":
        # sigma(z) = (1 + tanh(z/2)) / 2: stable for every z, and in place.
        z *= 0.5
        np.tanh(z, out=z)
        z += 1
        z *= 0.5
    return z


def _times_derivative(delta, a, activation):
    r"""``delta *= f'(z)`` in place, with :math:`f'` written through ``a = f(z)``.

    relu: :math:`[a > 0]`; tanh: :math:`1 - a^2`; sigmoid: :math:`a(1 - a)`;
    identity: 1.
    """
    if activation == "relu":
        np.multiply(delta, a > 0, out=delta)
    elif activation == "tanh":
        delta *= 1 - a * a
    elif activation == "sigmoid":
        delta *= a * (1 - a)
    return delta


# ---------------------------------------------------------------- forward / backward
def forward(params, X, activation="relu"):
    r"""Forward pass: the output logits and the cache :func:`backward` needs.

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]`` with ``W_l`` of shape (n_{l-1}, n_l) and
        ``b_l`` of shape (n_l,).
    X : ndarray of shape (m, n_0)
        Inputs, one row per sample.
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers. The output layer has none: it
        returns logits.

    Returns
    -------
    z : ndarray of shape (m, n_L)
        Output logits. One output unit (n_L = 1) is read as
        :math:`P(y = 1) = \sigma(z)`, more as :math:`\operatorname{softmax}(z)`.
    cache : dict
        ``"a"``: the list ``[a0 = X, a1, ..., a_{L-1}]`` of layer inputs;
        ``"z"``: the logits; ``"h"`` of shape (m, n_L): the output
        probabilities :math:`\sigma(z)` or :math:`\operatorname{softmax}(z)`;
        ``"A"`` of shape (m, 1): the log-partition :math:`A(z)`
        (:math:`\log(1 + e^z)` or :math:`\operatorname{lse}(z)`), from which
        the cross-entropy is :math:`A(z) - y \cdot z` with no extra ``exp``.

    Notes
    -----
    .. math::
        a^{(0)} = X, \qquad z^{(l)} = a^{(l-1)} W_l + b_l, \qquad
        a^{(l)} = f\bigl(z^{(l)}\bigr) \quad (l < L), \qquad z = z^{(L)}
    """
    _check_activation(activation)
    L = len(params) // 2
    a = X
    activations = [X]
    for l in range(L):
        W, b = params[2 * l], params[2 * l + 1]
        z = a @ W
        z += b
        if l < L - 1:
            a = _activate(z, activation)  # z is not needed any more: a overwrites it
            activations.append(a)
    A, h = _softplus_and_sigmoid(z) if z.shape[1] == 1 else _lse_and_softmax(z)
    return z, {"a": activations, "z": z, "h": h, "A": A}


def _lse_and_softmax(z):
    r"""Return :math:`\operatorname{lse}(z)`, shape (m, 1), and the softmax from one ``exp``.

    The softmax twin of :func:`minilr.losses._softplus_and_sigmoid`; the same
    as :func:`minilr.functions.logsumexp` followed by ``exp(z - lse)``.
    """
    c = z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):  # exp(z - c) <= 1; its underflow to 0 is the right limit
        e = np.exp(z - c)
    s = e.sum(axis=1, keepdims=True)
    e /= s
    return c + np.log(s), e


def _penalty(params):
    r""":math:`\sum_l \lVert W_l \rVert^2` (the biases are not penalised)."""
    return sum(float(np.vdot(W, W)) for W in params[0::2])


def _cost(params, cache, Y, alpha):
    r"""Mean cross-entropy from the cached logits, plus the L2 penalty.

    .. math::
        J = \frac{1}{m} \sum_i \bigl[A(z_i) - y_i \cdot z_i\bigr]
            + \frac{\alpha}{2m} \sum_l \lVert W_l \rVert^2
    """
    m = cache["z"].shape[0]
    J = (cache["A"].sum() - np.vdot(Y, cache["z"])) / m  # vdot: y.z summed, no temporary
    if alpha:
        J += 0.5 * alpha * _penalty(params) / m
    return float(J)


def backward(params, cache, Y, alpha=0.0, activation="relu", *, out=None):
    r"""Backpropagation: the gradient of the cost for every weight and bias.

    Nothing is updated; ``params`` and ``cache`` are only read (the deltas
    are new arrays).

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]``, as given to :func:`forward`.
    cache : dict
        The second value returned by :func:`forward` for these ``params``.
    Y : ndarray of shape (m,) or (m, n_L)
        Labels in {0, 1} for one output unit, one-hot rows for more.
    alpha : float, default=0.0
        L2 strength :math:`\alpha` (weights only).
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        The hidden activation used in :func:`forward`.
    out : list of ndarray, optional
        Arrays shaped like ``params`` to write the gradients into (the
        estimator passes views into one flat buffer); new arrays if None.

    Returns
    -------
    grads : list of ndarray
        ``[dJ/dW1, dJ/db1, ..., dJ/dWL, dJ/dbL]``, shaped like ``params``.

    Notes
    -----
    With :math:`h` the output probabilities and :math:`f'` the derivative of
    the hidden activation,

    .. math::
        \delta^{(L)} = \frac{1}{m} (h - Y), \qquad
        \delta^{(l-1)} = \bigl(\delta^{(l)} W_l^\top\bigr) \odot f'\bigl(z^{(l-1)}\bigr)

        \nabla_{W_l} J = a^{(l-1)\top} \delta^{(l)} + \frac{\alpha}{m} W_l, \qquad
        \nabla_{b_l} J = \textstyle\sum_i \delta^{(l)}_i

    The :math:`1/m` of the mean enters once, in :math:`\delta^{(L)}`, and
    flows into every layer from there.
    """
    _check_activation(activation)
    h, activations = cache["h"], cache["a"]
    m = h.shape[0]
    L = len(params) // 2
    grads = out if out is not None else [np.empty_like(p) for p in params]
    delta = h - Y.reshape(h.shape)  # dJ/dz for the cross-entropy of sigmoid or softmax
    delta *= 1.0 / m
    for l in range(L - 1, -1, -1):
        W, a_prev = params[2 * l], activations[l]
        gW, gb = grads[2 * l], grads[2 * l + 1]
        np.matmul(a_prev.T, delta, out=gW)
        if alpha:
            gW += (alpha / m) * W  # the bias gradient stays unpenalised
        delta.sum(axis=0, out=gb)
        if l > 0:  # no delta for the inputs X
            delta = delta @ W.T
            _times_derivative(delta, a_prev, activation)
    return grads


def loss_and_gradients(params, X, Y, alpha=0.0, activation="relu"):
    r"""Cross-entropy cost of a network and its gradients, for checks and lessons.

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]`` with ``W_l`` of shape (n_{l-1}, n_l) and
        ``b_l`` of shape (n_l,); the last layer has 1 unit (sigmoid output)
        or K units (softmax output).
    X : ndarray of shape (m, n_0)
    Y : ndarray of shape (m,) or (m, K)
        Labels in {0, 1} for one output unit, one-hot rows for K units.
    alpha : float, default=0.0
        L2 strength; the biases are not penalised.
    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Hidden activation.

    Returns
    -------
    J : float
    grads : list of ndarray
        Shaped like ``params``.

    Notes
    -----
    With :math:`A(z) = \log(1 + e^z)` for one output unit and
    :math:`A(z) = \operatorname{lse}(z)` for K units,

    .. math::
        J = \frac{1}{m} \sum_i \bigl[A(z_i) - y_i \cdot z_i\bigr]
            + \frac{\alpha}{2m} \sum_l \lVert W_l \rVert^2

    which is the binary (or categorical) cross-entropy computed from the
    logits, as in :func:`minilr.losses.binary_cross_entropy_with_logits`.
    See :func:`forward` and :func:`backward` for the two passes.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr import check_gradient
    >>> from minilr.neural_net import (flatten_params, init_params, loss_and_gradients,
    ...                                 unflatten_params)
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20).astype(float)
    >>> sizes = [3, 5, 1]
    >>> def f(theta):
    ...     params = unflatten_params(theta, sizes)
    ...     J, grads = loss_and_gradients(params, X, y, alpha=0.1, activation="tanh")
    ...     return J, flatten_params(grads)
    >>> theta = flatten_params(init_params(sizes, random_state=0))
    >>> check_gradient(f, None, theta).relative_error < 1e-7
    True
    """
    check_scalar(alpha, "alpha", low=0.0)
    X, Y = check_Xy(X, Y, allow_2d_y=True)
    _check_network(params, X, Y)
    z, cache = forward(params, X, activation)
    J = _cost(params, cache, Y, alpha)
    return J, backward(params, cache, Y, alpha, activation)


def _check_network(params, X, Y):
    """Check that ``params`` is a chain of layers fitting ``X`` and ``Y``."""
    if len(params) == 0 or len(params) % 2:
        raise ValueError(
            f"params must be the list [W1, b1, W2, b2, ...] (an even, non-zero length); "
            f"got {len(params)} arrays."
        )
    n_in = X.shape[1]
    for l in range(len(params) // 2):
        W, b = np.shape(params[2 * l]), np.shape(params[2 * l + 1])
        if len(W) != 2 or W[0] != n_in or b != (W[1],):
            raise ValueError(
                f"Layer {l + 1}: W{l + 1} has shape {W} and b{l + 1} {b}, but W{l + 1} must be "
                f"({n_in}, n_out) and b{l + 1} (n_out,)."
            )
        n_in = W[1]
    expected = (X.shape[0],) if n_in == 1 else (X.shape[0], n_in)
    if Y.shape != expected and Y.shape != (X.shape[0], n_in):
        raise ValueError(
            f"Y of shape {Y.shape} does not fit a network with {n_in} output unit(s): "
            f"expected shape {expected} (labels 0/1 for one unit, one-hot rows for more)."
        )


# ---------------------------------------------------------------- parameters
def _layer_shapes(layer_sizes):
    return [(n_in, n_out) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def unflatten_params(theta, layer_sizes):
    """Views ``[W1, b1, W2, b2, ...]`` into a flat vector ``theta``.

    Parameters
    ----------
    theta : ndarray of shape (p,)
        ``[W1.ravel(), b1, W2.ravel(), b2, ...]``, as :func:`flatten_params` builds it.
    layer_sizes : sequence of int
        Units per layer, inputs first and outputs last, e.g. ``[400, 25, 10]``.

    Returns
    -------
    params : list of ndarray
        Views: writing into them writes into ``theta``.
    """
    params, start = [], 0
    for n_in, n_out in _layer_shapes(layer_sizes):
        params.append(theta[start:start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
        params.append(theta[start:start + n_out])
        start += n_out
    if start != theta.shape[0]:
        raise ValueError(
            f"theta has {theta.shape[0]} values but layers {list(layer_sizes)} need {start}."
        )
    return params


def flatten_params(params):
    """One flat vector ``[W1.ravel(), b1, W2.ravel(), b2, ...]`` (a copy)."""
    return np.concatenate([np.ravel(p) for p in params])


def init_params(layer_sizes, init="xavier", random_state=None, dtype=np.float64):
    r"""Random weights and zero biases for layers of the given sizes.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first, e.g. ``[400, 25, 10]``.
    init : {"xavier", "he"}, default="xavier"
        Glorot (Xavier) uniform, suited to tanh/sigmoid, or He normal, suited to ReLU.
    random_state : int, Generator or None
    dtype : numpy dtype, default=float64

    Returns
    -------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]``.

    Notes
    -----
    .. math::
        \text{xavier: } W_{jk} \sim \mathcal U(-r, r), \ r = \sqrt{\frac{6}{n_{in} + n_{out}}};
        \qquad \text{he: } W_{jk} \sim \mathcal N\Bigl(0, \frac{2}{n_{in}}\Bigr)
    """
    check_scalar(init, "init", allowed=set(INITS))
    rng = np.random.default_rng(random_state)
    params = []
    for n_in, n_out in _layer_shapes(layer_sizes):
        if init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-r, r, (n_in, n_out))
        else:
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
        # Drawn in float64 whatever the dtype: the same seed gives the same network.
        params += [W.astype(dtype), np.zeros(n_out, dtype=dtype)]
    return params


# ---------------------------------------------------------------- estimator
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
    alpha : float, default=0.0
        L2 strength :math:`\alpha` on the weights (not the biases), with the
        same convention as ``lam`` in :class:`~minilr.LogisticRegression`.
        scikit-learn's ``MLPClassifier`` penalises each mini-batch by its own
        size; its ``alpha`` equals ours times ``batch_size / n_samples``.
    solver : {"sgd", "momentum", "adam"}, default="adam"
        Update rule of :func:`minilr.optim.minibatch_sgd`.
    learning_rate : float, default=0.01
        Step size :math:`\eta`. 0.01 suits Adam on standardised features;
        plain SGD usually wants 0.1.
    momentum : float, default=0.9
        For ``solver="momentum"``.
    batch_size : int, default=32
    max_epochs : int, default=200
        Epochs at most.
    tol : float, default=1e-4
        Stop once the epoch cost has not improved by ``tol`` for
        ``n_iter_no_change`` epochs in a row (0 runs all ``max_epochs``).
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
        up to ``max_epochs`` more epochs and appends to ``history_`` (and
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
        False also after a ``KeyboardInterrupt``: ``fit`` then keeps the
        weights of the last completed epoch and warns
        :class:`~minilr.exceptions.TrainingInterrupted` (an interrupt before
        the first epoch ends leaves the estimator as it was and propagates).

    Notes
    -----
    Two classes use one sigmoid output unit, K > 2 classes a softmax of K
    units; both minimise the cross-entropy (see :func:`loss_and_gradients`)

    .. math::
        J = \frac{1}{m} \sum_i \bigl[A(z_i) - y_i \cdot z_i\bigr]
            + \frac{\alpha}{2m} \sum_l \lVert W_l \rVert^2

    A mini-batch :math:`B` uses the penalty :math:`\alpha |B| / m`, so that
    its gradient is an unbiased estimate of the full one.

    The defaults (Adam, learning rate 0.01, 200 epochs) train small,
    standardised problems well; scikit-learn's are Adam, 0.001 and 200.
    """

    def __init__(self, hidden_layer_sizes=(10,), *, activation="relu", init="xavier", alpha=0.0,
                 solver="adam", learning_rate=0.01, momentum=0.9, batch_size=32, max_epochs=200,
                 tol=1e-4, n_iter_no_change=10, validation_fraction=None, threshold=0.5,
                 random_state=None, verbose=0, warm_start=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.alpha = alpha
        self.solver = solver
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_epochs = max_epochs
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
        check_scalar(self.solver, "solver", allowed=set(UPDATE_RULES))
        check_scalar(self.alpha, "alpha", low=0.0)
        check_scalar(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        check_scalar(self.momentum, "momentum", low=0.0, high=1.0)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
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

    def fit(self, X, y, validation_data=None):
        """Train the network on ``X`` of shape (m, n) and labels ``y`` of shape (m,).

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,)
        validation_data : tuple (X_val, y_val), optional
            Data to score after every epoch (into ``validation_history_``);
            not used for training. Excludes ``validation_fraction``.

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
        problem = _Problem(X, _targets(y_idx, K, X.dtype), layer_sizes, self.alpha, self.activation)
        warm = self._warm_start_params(layer_sizes, classes)
        x0 = flatten_params(warm or init_params(layer_sizes, self.init, rng, X.dtype))

        scores, callback = [], None
        if validation is not None:
            X_val, y_val = validation

            def callback(epoch, x, cost):
                z, _ = forward(unflatten_params(x, layer_sizes), X_val, self.activation)
                scores.append(np.mean(_labels(z, classes, self.threshold) == y_val))

        # Overflow on the way to divergence is not an error here: the optimiser
        # sees the non-finite cost and raises DivergenceError.
        with np.errstate(over="ignore", invalid="ignore"):
            # warn=False: the optimiser's warning speaks of max_iter; ours follows below.
            result = minibatch_sgd(
                problem.batch_fun, x0, problem.m, learning_rate=self.learning_rate,
                batch_size=self.batch_size, max_iter=self.max_epochs, update=self.solver,
                momentum=self.momentum, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
                random_state=rng, callback=callback, verbose=self.verbose, warn=False,
            )
        if result.interrupted and result.n_iter == 0:
            raise KeyboardInterrupt  # no epoch finished: nothing to keep, the model stays as it was
        if result.warning is not None:
            _warn_not_converged(result.history, self.max_epochs, self.tol)
        previous = _previous_fit(self, warm, validation is not None)
        params = unflatten_params(result.x, layer_sizes)
        self.coefs_, self.intercepts_ = params[0::2], params[1::2]
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.history_ = np.concatenate([previous["history"], result.history])
        self.n_iter_ = self.history_.size
        self.converged_ = result.converged
        self._interrupted = result.interrupted  # read by OneVsAllClassifier
        if validation is not None:
            scores = np.asarray(scores[: result.n_iter], dtype=np.float64)
            self.validation_history_ = np.concatenate([previous["validation"], scores])
        elif hasattr(self, "validation_history_"):
            del self.validation_history_  # left from an earlier fit
        if result.interrupted:
            self._warn_interrupted(self.n_iter_)
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


def _warn_not_converged(history, max_epochs, tol):
    if len(history) > 1 and history[-1] > history[0]:
        why = (f"and the cost rose from {history[0]:.4g} to {history[-1]:.4g}: lower the "
               "learning_rate or standardise the features.")
    else:
        why = (f"before the epoch cost settled (within tol={tol}): increase max_epochs, or "
               "standardise the features.")
    warnings.warn(f"MLPClassifier stopped at max_epochs={max_epochs} (final epoch cost "
                  f"{history[-1]:.6g}) {why}", ConvergenceWarning, stacklevel=3)


def _targets(y_idx, K, dtype):
    """Labels as the network's targets: 0/1 of shape (m,) for K = 2, else one-hot (m, K)."""
    if K == 2:
        return y_idx.astype(dtype)
    Y = np.zeros((y_idx.shape[0], K), dtype=dtype)
    Y[np.arange(y_idx.shape[0]), y_idx] = 1
    return Y


class _Problem:
    """The training cost as a function of one flat vector, for :func:`minibatch_sgd`."""

    def __init__(self, X, Y, layer_sizes, alpha, activation):
        # Every batch gathers rows of X: in C order each row is one contiguous copy
        # (a Fortran-ordered X, as loadmat returns, trains about 1.5x slower).
        self.X = np.ascontiguousarray(X)
        self.Y, self.alpha, self.activation = Y, alpha, activation
        self.m = X.shape[0]
        self.layer_sizes = layer_sizes
        # One gradient buffer, reused by every step; grads are views into it.
        self.g = np.empty(sum((a + 1) * b for a, b in _layer_shapes(layer_sizes)), dtype=X.dtype)
        self.grads = unflatten_params(self.g, layer_sizes)
        self._x = self._params = None

    def params(self, x):
        # The optimiser updates one array in place: its views are built once.
        if x is not self._x:
            self._x, self._params = x, unflatten_params(x, self.layer_sizes)
        return self._params

    def batch_fun(self, x, idx):
        # alpha scaled by |B|/m: the batch cost is its mean loss + alpha/(2m)|W|^2,
        # so the batch gradient is an unbiased estimate of the full one.
        params = self.params(x)
        alpha = self.alpha * len(idx) / self.m
        # np.take gathers the batch's rows about 3x faster than fancy indexing X[idx].
        Y = np.take(self.Y, idx, axis=0)
        _, cache = forward(params, np.take(self.X, idx, axis=0), self.activation)
        J = _cost(params, cache, Y, alpha)
        backward(params, cache, Y, alpha, self.activation, out=self.grads)
        return J, self.g
