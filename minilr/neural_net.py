r"""A small multi-layer perceptron's math: activations, forward pass, backpropagation, parameters.

The network is a list ``params = [W1, b1, W2, b2, ...]``; layer ``l`` maps
``a^(l-1)`` of shape (m, n_in) to ``z^(l) = a^(l-1) @ W_l + b_l`` of shape
(m, n_out). Three functions are all the math:

* :func:`forward` runs the layers and keeps what :func:`backward` needs (the cache);
* :func:`backward` turns that cache into one gradient per weight and bias;
* :func:`loss_and_gradients` joins them into ``(J, grads)``, the function a
  lesson hands to :func:`minilr.check_gradient` (through :func:`flatten_params`).

The output layer has no activation: its logits go to the pointwise loss of
:mod:`minilr.pointwise` (binary cross-entropy for one unit, softmax for more), the
same one the linear models use. :class:`minilr.mlp.MLPClassifier` trains these
functions with :func:`minilr.optim.minibatch_sgd`.
"""

import numpy as np

from ._validation import check_scalar, check_Xy
from .functions import sigmoid
from .pointwise import BINARY, SOFTMAX

__all__ = [
    "forward",
    "backward",
    "loss_and_gradients",
    "init_params",
    "flatten_params",
    "unflatten_params",
    "layer_shapes",
    "penalized_cost",
    "output_loss",
    "ACTIVATIONS",
    "INITS",
]

INITS = ("xavier", "he")


# ---------------------------------------------------------------- activations
def _relu(z):
    return np.maximum(z, 0, out=z)


def _relu_prime(delta, a):
    return np.multiply(delta, a > 0, out=delta)


def _tanh(z):
    return np.tanh(z, out=z)


def _tanh_prime(delta, a):
    delta *= 1 - a * a
    return delta


def _sigmoid_prime(delta, a):
    delta *= a * (1 - a)
    return delta


def _identity(z):
    return z


def _identity_prime(delta, a):
    return delta


#: Each hidden activation as ``(f, f')``: ``f(z)`` may overwrite ``z`` (it is not
#: needed again); ``f'(delta, a)`` multiplies ``delta`` in place by the derivative,
#: written through the activation ``a = f(z)`` that the forward pass kept:
#: relu :math:`[a > 0]`, tanh :math:`1 - a^2`, sigmoid :math:`a(1 - a)`, identity 1.
ACTIVATIONS = {
    "relu": (_relu, _relu_prime),
    "tanh": (_tanh, _tanh_prime),
    "sigmoid": (sigmoid, _sigmoid_prime),
    "identity": (_identity, _identity_prime),
}


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}.")


def output_loss(n_outputs):
    """The pointwise loss of an output layer of ``n_outputs`` units: binary for one, else softmax.

    Examples
    --------
    >>> from minilr.neural_net import output_loss
    >>> type(output_loss(1)).__name__, type(output_loss(3)).__name__
    ('BinaryCrossEntropy', 'SoftmaxCrossEntropy')
    """
    return BINARY if n_outputs == 1 else SOFTMAX


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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.neural_net import forward, init_params
    >>> z, cache = forward(init_params([2, 3, 1], random_state=0), np.ones((2, 2)))
    >>> z.shape, sorted(cache)
    ((2, 1), ['A', 'a', 'h', 'z'])
    """
    _check_activation(activation)
    f, _ = ACTIVATIONS[activation]
    L = len(params) // 2
    a = X
    activations = [X]
    for l in range(L):
        W, b = params[2 * l], params[2 * l + 1]
        z = a @ W
        z += b
        if l < L - 1:
            a = f(z)  # z is not needed any more: a may overwrite it
            activations.append(a)
    A, h = output_loss(z.shape[1]).log_partition(z)
    return z, {"a": activations, "z": z, "h": h, "A": A}


def _penalty(params):
    r""":math:`\sum_l \lVert W_l \rVert^2` (the biases are not penalised)."""
    return sum(float(np.vdot(W, W)) for W in params[0::2])


def penalized_cost(params, cache, Y, lam):
    r"""Mean cross-entropy from the logits and log-partition :func:`forward` cached, plus the L2 penalty.

    .. math::
        J = \frac{1}{m} \sum_i \bigl[A(z_i) - y_i \cdot z_i\bigr]
            + \frac{\lambda}{2m} \sum_l \lVert W_l \rVert^2

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.neural_net import forward, init_params, penalized_cost
    >>> params = [np.zeros((2, 1)), np.zeros(1)]  # no hidden layer, zero weights
    >>> z, cache = forward(params, np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> round(penalized_cost(params, cache, np.array([[1.0], [0.0]]), lam=1.0), 4)  # log 2
    0.6931
    """
    m = cache["z"].shape[0]
    J = (cache["A"].sum() - np.vdot(Y, cache["z"])) / m  # vdot: y.z summed, no temporary
    if lam:
        J += 0.5 * lam * _penalty(params) / m
    return float(J)


def backward(params, cache, Y, lam=0.0, activation="relu", *, out=None):
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
    lam : float, default=0.0
        L2 strength :math:`\lambda` (weights only).
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

        \nabla_{W_l} J = a^{(l-1)\top} \delta^{(l)} + \frac{\lambda}{m} W_l, \qquad
        \nabla_{b_l} J = \textstyle\sum_i \delta^{(l)}_i

    The :math:`1/m` of the mean enters once, in :math:`\delta^{(L)}`, and
    flows into every layer from there.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.neural_net import backward, forward
    >>> params = [np.zeros((2, 1)), np.zeros(1)]  # no hidden layer: logistic regression
    >>> X, Y = np.array([[0.0, 1.0], [2.0, 0.0]]), np.array([[1.0], [0.0]])
    >>> z, cache = forward(params, X)
    >>> dW, db = backward(params, cache, Y)
    >>> dW.ravel().tolist(), db.tolist()  # X^T (h - Y) / m and the mean of h - Y
    ([0.5, -0.25], [0.0])
    """
    _check_activation(activation)
    _, f_prime = ACTIVATIONS[activation]
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
        if lam:
            gW += (lam / m) * W  # the bias gradient stays unpenalised
        delta.sum(axis=0, out=gb)
        if l > 0:  # no delta for the inputs X
            delta = delta @ W.T
            f_prime(delta, a_prev)
    return grads


def loss_and_gradients(params, X, Y, lam=0.0, activation="relu"):
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
    lam : float, default=0.0
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
            + \frac{\lambda}{2m} \sum_l \lVert W_l \rVert^2

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
    ...     J, grads = loss_and_gradients(params, X, y, lam=0.1, activation="tanh")
    ...     return J, flatten_params(grads)
    >>> theta = flatten_params(init_params(sizes, random_state=0))
    >>> check_gradient(f, None, theta).relative_error < 1e-7
    True
    """
    check_scalar(lam, "lam", low=0.0)
    X, Y = check_Xy(X, Y, allow_2d_y=True)
    _check_network(params, X, Y)
    z, cache = forward(params, X, activation)
    J = penalized_cost(params, cache, Y, lam)
    return J, backward(params, cache, Y, lam, activation)


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
def layer_shapes(layer_sizes):
    """The ``(n_in, n_out)`` of each weight matrix of layers of these sizes.

    Examples
    --------
    >>> from minilr.neural_net import layer_shapes
    >>> layer_shapes([400, 25, 10])
    [(400, 25), (25, 10)]
    """
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

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.neural_net import unflatten_params
    >>> theta = np.arange(13.0)
    >>> W1, b1, W2, b2 = unflatten_params(theta, [2, 3, 1])  # shapes (2, 3), (3,), (3, 1), (1,)
    >>> W1[0, 0] = -1.0  # a view: theta changes too
    >>> float(theta[0])
    -1.0
    """
    params, start = [], 0
    for n_in, n_out in layer_shapes(layer_sizes):
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
    """One flat vector ``[W1.ravel(), b1, W2.ravel(), b2, ...]`` (a copy).

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.neural_net import flatten_params
    >>> flatten_params([np.ones((2, 1)), np.zeros(1)])
    array([1., 1., 0.])
    """
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

    Examples
    --------
    >>> from minilr.neural_net import init_params
    >>> [p.shape for p in init_params([2, 3, 1], random_state=0)]  # [W1, b1, W2, b2]
    [(2, 3), (3,), (3, 1), (1,)]
    """
    check_scalar(init, "init", allowed=set(INITS))
    rng = np.random.default_rng(random_state)
    params = []
    for n_in, n_out in layer_shapes(layer_sizes):
        if init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-r, r, (n_in, n_out))
        else:
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
        # Drawn in float64 whatever the dtype: the same seed gives the same network.
        params += [W.astype(dtype), np.zeros(n_out, dtype=dtype)]
    return params
