r"""The wrong variants of the course exercises (ex2-ex4 and the lesson), as a student writes them.

:mod:`minilr.exercises.judging.mistakes` files each under its key. Signatures are
the checkers' canonical ones (see :mod:`minilr.exercises.judging.course`):

* cost, gradient: ``(theta, X, y, lam)``, ``X`` with its column of ones
* predict_binary: ``(theta, X) -> 0/1``
* predict_one_vs_all: ``(all_theta, X, *, first_label)``, ``X`` without the ones
* predict_network: ``(Theta1, Theta2, X, *, first_label)``
* sigmoid_gradient: ``(z)``
* nn_cost: ``(nn_params, n_in, n_h, K, X, y, lam, *, first_label) -> (J, grad)``

The network's parameters are unrolled in C order, Theta1 of shape
(n_h, 1 + n_in) then Theta2 of shape (K, 1 + n_h), and its cost is

.. math::
    J = \frac1m \sum_i \sum_k \bigl[-Y_{ik} \log h_{ik} - (1 - Y_{ik}) \log(1 - h_{ik})\bigr]
        + \frac{\lambda}{2m} \Bigl(\sum \Theta_1[:, 1:]^2 + \sum \Theta_2[:, 1:]^2\Bigr)
"""

import numpy as np

from ...functions import log_sigmoid, sigmoid, softplus

__all__ = ["nn_cost", "nn_forward", "penalty", "bias_zeroed"]


def _naive(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def penalty(theta):
    """:math:`\\sum_{j \\ge 1} \\theta_j^2`, the bias excluded.

    Examples
    --------
    >>> from minilr.exercises.judging.variants import penalty
    >>> float(penalty(np.array([5.0, 1.0, 2.0])))
    5.0
    """
    return np.sum(theta[1:] ** 2)


def bias_zeroed(theta):
    """``[0, theta_1, ..., theta_n]``: the gradient of the penalty over 2.

    Examples
    --------
    >>> from minilr.exercises.judging.variants import bias_zeroed
    >>> bias_zeroed(np.array([5.0, 1.0, 2.0])).tolist()
    [0.0, 1.0, 2.0]
    """
    r = np.array(theta, dtype=float)
    r[0] = 0.0
    return r


# ------------------------------------------------------------------ cost, gradient
def cost_log_sigmoid_of_one_minus_z(theta, X, y, lam):
    m = X.shape[0]
    z = X @ theta
    return -np.mean(y * log_sigmoid(z) + (1 - y) * log_sigmoid(1 - z)) + lam / (2 * m) * penalty(theta)


def cost_column_vector(theta, X, y, lam):
    m = X.shape[0]
    z = (X @ theta).reshape(-1, 1)  # (m, 1) against y of shape (m,): every term is (m, m)
    return -np.sum(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z)) / m + lam / (2 * m) * penalty(theta)


def cost_column_vector_mean(theta, X, y, lam):
    m = X.shape[0]
    z = (X @ theta).reshape(-1, 1)
    return -np.mean(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z)) + lam / (2 * m) * penalty(theta)


def gradient_as_column(theta, X, y, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta).reshape(-1, 1)
    return X.T @ (h - y.reshape(-1, 1)) / m + (lam / m * bias_zeroed(theta)).reshape(-1, 1)  # (n+1, 1)


def gradient_column_vector(theta, X, y, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta).reshape(-1, 1)
    return X.T @ (h - y) / m + (lam / m * bias_zeroed(theta)).reshape(-1, 1)  # (n+1, m)


# ------------------------------------------------------------------ predictions
def predict_binary(theta, X):
    """The reference: label 1 where the probability is at least 0.5."""
    return (np.asarray(X @ theta) >= 0).astype(float)


def predict_binary_naive(theta, X):
    return (_naive(X @ theta) >= 0.5).astype(float)


def predict_binary_rounded(theta, X):
    return np.round(sigmoid(X @ theta))  # round half to even: np.round(0.5) is 0


def predict_binary_z_threshold(theta, X):
    return (X @ theta >= 0.5).astype(float)  # z compared with 0.5: the sigmoid is missing


def predict_network_naive(Theta1, Theta2, X, first_label=0):
    A2 = _naive(np.column_stack([np.ones(X.shape[0]), X]) @ Theta1.T)
    H = _naive(np.column_stack([np.ones(A2.shape[0]), A2]) @ Theta2.T)
    return np.argmax(H, axis=1) + first_label


def predict_binary_probabilities(theta, X):
    return sigmoid(X @ theta)


def _scores(all_theta, X):
    return np.column_stack([np.ones(X.shape[0]), X]) @ all_theta.T


def predict_one_vs_all_naive(all_theta, X, first_label=0):
    return np.argmax(_naive(_scores(all_theta, X)), axis=1) + first_label


def predict_one_vs_all_probabilities(all_theta, X, first_label=0):
    return sigmoid(_scores(all_theta, X))


def nn_forward(Theta1, Theta2, X):
    """Hidden activations with their ones column, and the output logits: ``(A2, Z3)``.

    Examples
    --------
    >>> from minilr.exercises.judging.variants import nn_forward
    >>> Theta1, Theta2 = np.zeros((3, 3)), np.zeros((4, 4))
    >>> A2, Z3 = nn_forward(Theta1, Theta2, np.ones((5, 2)))
    >>> A2.shape, Z3.shape, A2[0].tolist()
    ((5, 4), (5, 4), [1.0, 0.5, 0.5, 0.5])
    """
    A2 = sigmoid(np.column_stack([np.ones(X.shape[0]), X]) @ Theta1.T)
    A2 = np.column_stack([np.ones(A2.shape[0]), A2])
    return A2, A2 @ Theta2.T


def predict_network(Theta1, Theta2, X, first_label=0):
    """The reference: the most probable output unit, counted from ``first_label``."""
    return np.argmax(nn_forward(Theta1, Theta2, X)[1], axis=1) + first_label


def predict_network_from_one(Theta1, Theta2, X, first_label=0):
    return predict_network(Theta1, Theta2, X, first_label + 1)


def predict_network_from_zero(Theta1, Theta2, X, first_label=1):
    return predict_network(Theta1, Theta2, X, first_label - 1)


def predict_network_probabilities(Theta1, Theta2, X, first_label=0):
    return sigmoid(nn_forward(Theta1, Theta2, X)[1])


def predict_network_wrong_axis(Theta1, Theta2, X, first_label=0):
    return np.argmax(nn_forward(Theta1, Theta2, X)[1], axis=0) + first_label


# ------------------------------------------------------------------ sigmoid gradient
def sigmoid_gradient(z):
    """The reference: :math:`\\sigma(z)(1 - \\sigma(z))`."""
    h = sigmoid(z)
    return h * (1 - h)


def sigmoid_gradient_of_z(z):
    return sigmoid(z) * (1 - np.asarray(z, dtype=float))


def sigmoid_gradient_naive(z):
    h = _naive(z)
    return h * (1 - h)


# ------------------------------------------------------------------ the network's cost
def _unroll(nn_params, n_in, n_h, K, order="C"):
    Theta1 = np.reshape(nn_params[: n_h * (n_in + 1)], (n_h, n_in + 1), order=order)
    Theta2 = np.reshape(nn_params[n_h * (n_in + 1):], (K, n_h + 1), order=order)
    return Theta1, Theta2


def nn_cost(nn_params, n_in, n_h, K, X, y, lam=0.0, first_label=0, *, bias_penalised=False,
            penalty_over_m=True, mean=True, label_shift=0, data_term="logits", unroll="C", ravel="C",
            column=False):
    """The reference cost and gradient of ex4's network, with knobs for each mistake.

    ``data_term`` is ``"logits"`` (exact, never overflows), ``"log_h"`` (the
    textbook log of a stable sigmoid: log(0) at large ``|z|``) or ``"naive"``
    (the textbook sigmoid, clipped). ``unroll`` and ``ravel`` are the orders
    ``nn_params`` is reshaped and the gradient unrolled in (``"F"``: MATLAB's
    column-major order); ``column`` returns the gradient as a column.

    Examples
    --------
    With all weights zero every output is 0.5, so each of the ``K = 2``
    units costs :math:`\\log 2`:

    >>> from minilr.exercises.judging.variants import nn_cost
    >>> X, y = np.ones((3, 2)), np.array([0, 1, 1])
    >>> J, grad = nn_cost(np.zeros(2 * 3 + 2 * 3), 2, 2, 2, X, y, lam=1.0)
    >>> round(float(J), 4), grad.shape
    (1.3863, (12,))
    >>> J, grad = nn_cost(np.zeros(12), 2, 2, 2, X, y, data_term="naive")
    >>> round(float(J), 4)
    1.3863
    """
    Theta1, Theta2 = _unroll(np.asarray(nn_params, dtype=float), int(n_in), int(n_h), int(K), unroll)
    m = X.shape[0]
    labels = (np.asarray(y).astype(int).ravel() - first_label + label_shift) % int(K)
    Y = np.eye(int(K))[labels]
    X1 = np.column_stack([np.ones(m), X])
    Z2 = X1 @ Theta1.T
    A2 = np.column_stack([np.ones(m), sigmoid(Z2)])
    Z3 = A2 @ Theta2.T
    if data_term == "logits":
        losses = softplus(Z3) - Y * Z3  # -Y log h - (1 - Y) log(1 - h), from the logits
        H = sigmoid(Z3)
    else:
        H = _naive(Z3) if data_term == "naive" else sigmoid(Z3)
        Hc = np.clip(H, 1e-15, 1 - 1e-15) if data_term == "naive" else H
        losses = -Y * np.log(Hc) - (1 - Y) * np.log(1 - Hc)
    scale = m if mean else 1
    start = 0 if bias_penalised else 1
    penalty = np.sum(Theta1[:, start:] ** 2) + np.sum(Theta2[:, start:] ** 2)
    J = np.sum(losses) / scale + lam / (2 * (m if penalty_over_m else 1)) * penalty
    D3 = H - Y
    D2 = (D3 @ Theta2[:, 1:]) * sigmoid_gradient(Z2)
    G1, G2 = D2.T @ X1 / scale, D3.T @ A2 / scale
    r = lam / (m if penalty_over_m else 1)
    G1[:, start:] += r * Theta1[:, start:]
    G2[:, start:] += r * Theta2[:, start:]
    grad = np.concatenate([G1.ravel(order=ravel), G2.ravel(order=ravel)])
    return J, (grad.reshape(-1, 1) if column else grad)


def _nn(**knobs):
    def variant(nn_params, n_in, n_h, K, X, y, lam=0.0, first_label=0):
        return nn_cost(nn_params, n_in, n_h, K, X, y, lam, first_label, **knobs)

    return variant


nn_bias_regularized = _nn(bias_penalised=True)
nn_missing_1_over_m = _nn(penalty_over_m=False)
nn_sum_not_mean = _nn(mean=False)
nn_labels_from_one = _nn(label_shift=-1)  # np.eye(K)[y - 1]: MATLAB's 1..K on labels 0..K-1
nn_labels_from_zero = _nn(label_shift=1)
nn_log_of_zero = _nn(data_term="log_h")
nn_unstable_sigmoid = _nn(data_term="naive")
nn_column_major = _nn(unroll="F", ravel="F")  # MATLAB's order, both ways
nn_column_major_unroll = _nn(unroll="F")
nn_column_major_gradient = _nn(ravel="F")
nn_gradient_column = _nn(column=True)
