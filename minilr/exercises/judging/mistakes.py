r"""The catalogue of known mistakes, each written out as a deliberately wrong function.

A checker diagnoses a student by running these variants on the same cases:
the variant whose output the student reproduces names the mistake. Every
variant has the signature of the exercise it belongs to, so each one reads
as the wrong code a student might write; a mistake may have several forms
(e.g. the sign flipped on the data term only, or on the whole cost), which
share one key.

Signatures (the same as the student's functions, see :mod:`minilr.exercises.judging.checkers`):

* sigmoid: ``(z) -> h``
* cost: ``(theta, X, y, lam) -> J``, ``X`` with its column of ones
* gradient: ``(theta, X, y, lam) -> grad``
* gradient_descent_step: ``(theta, X, y, alpha, lam) -> theta_new``
* predict_one_vs_all: ``(all_theta, X, *, first_label) -> labels``, ``X`` without the ones
* backprop: ``(W1, b1, W2, b2, X, y) -> (dW1, db1, dW2, db2)``
* softmax: ``(Z) -> P``
* cost_gradient: ``(theta, X, y, lam) -> (J, grad)``: every cost and gradient
  mistake, alone or both at once
* the course exercises (predict_binary, predict_network, sigmoid_gradient,
  nn_cost): see :mod:`minilr.exercises.judging.variants`
"""

import numpy as np

from ...functions import sigmoid
from ...functions import softplus_and_sigmoid as _softplus_and_sigmoid
from .catalogue import UNSTABLE_SIGMOID as _UNSTABLE
from .catalogue import LOG_OF_ZERO, Mistake
from .variants import bias_zeroed, penalty

__all__ = ["Mistake", "CATALOGUE", "MISTAKE_KEYS", "mistakes_for"]


# ------------------------------------------------------------------ pieces
def naive_sigmoid(z):
    """``1 / (1 + e^{-z})`` as written on the blackboard: e^{-z} overflows for z << 0."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _losses(z, y):
    """Per-sample cross-entropy from the logits, exact (the reference's data term)."""
    softplus, _ = _softplus_and_sigmoid(z)
    return softplus - y * z




# ------------------------------------------------------------------ sigmoid
def sigmoid_sign_flipped(z):
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))


def sigmoid_where_both_branches(z):
    z = np.asarray(z, dtype=float)
    # np.where computes both branches everywhere: exp(-z) overflows where z << 0, exp(z) where z >> 0.
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_exp_over_one_plus_exp(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1.0 + e)  # inf / inf = NaN for large z


# ------------------------------------------------------------------ cost
def cost_bias_regularized(theta, X, y, lam):
    m = X.shape[0]
    return np.mean(_losses(X @ theta, y)) + lam / (2 * m) * np.sum(theta**2)


def cost_missing_1_over_m(theta, X, y, lam):
    return np.sum(_losses(X @ theta, y)) + lam / 2 * penalty(theta)


def cost_penalty_missing_1_over_m(theta, X, y, lam):
    return np.mean(_losses(X @ theta, y)) + lam / 2 * penalty(theta)


def cost_lam_over_m(theta, X, y, lam):
    m = X.shape[0]
    return np.mean(_losses(X @ theta, y)) + lam / m * penalty(theta)


def cost_sum_not_mean(theta, X, y, lam):
    m = X.shape[0]
    return np.sum(_losses(X @ theta, y)) + lam / (2 * m) * penalty(theta)


def cost_sign_flipped(theta, X, y, lam):
    m = X.shape[0]
    return -np.mean(_losses(X @ theta, y)) + lam / (2 * m) * penalty(theta)


def cost_all_negated(theta, X, y, lam):
    m = X.shape[0]
    return -(np.mean(_losses(X @ theta, y)) + lam / (2 * m) * penalty(theta))


def cost_transposed_X(theta, X, y, lam):
    m = X.shape[0]
    return np.mean(_losses(X.T @ theta, y)) + lam / (2 * m) * penalty(theta)  # only fits a square X


def cost_log_of_zero(theta, X, y, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta)  # exactly 1 from about z = 37, exactly 0 only below about z = -745
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lam / (2 * m) * penalty(theta)


def cost_unstable_sigmoid(theta, X, y, lam):
    m = X.shape[0]
    h = np.clip(naive_sigmoid(X @ theta), 1e-15, 1 - 1e-15)  # clipped, so finite, but it overflowed
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lam / (2 * m) * penalty(theta)


# ------------------------------------------------------------------ gradient
def _residual(theta, X, y):
    return sigmoid(X @ theta) - y


def gradient_bias_regularized(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ _residual(theta, X, y) / m + lam / m * theta


def gradient_missing_1_over_m(theta, X, y, lam):
    return X.T @ _residual(theta, X, y) + lam * bias_zeroed(theta)


def gradient_penalty_missing_1_over_m(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ _residual(theta, X, y) / m + lam * bias_zeroed(theta)


def gradient_lam_over_2m(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ _residual(theta, X, y) / m + lam / (2 * m) * bias_zeroed(theta)


def gradient_sum_not_mean(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ _residual(theta, X, y) + lam / m * bias_zeroed(theta)


def gradient_sign_flipped(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ (y - sigmoid(X @ theta)) / m + lam / m * bias_zeroed(theta)


def gradient_all_negated(theta, X, y, lam):
    m = X.shape[0]
    return -(X.T @ _residual(theta, X, y) / m + lam / m * bias_zeroed(theta))


def gradient_transposed_X(theta, X, y, lam):
    m = X.shape[0]
    return X @ _residual(theta, X, y) / m + lam / m * bias_zeroed(theta)  # only fits a square X


def gradient_transposed_X_everywhere(theta, X, y, lam):
    m = X.shape[0]
    return X @ (sigmoid(X.T @ theta) - y) / m + lam / m * bias_zeroed(theta)


def gradient_unstable_sigmoid(theta, X, y, lam):
    m = X.shape[0]
    return X.T @ (naive_sigmoid(X @ theta) - y) / m + lam / m * bias_zeroed(theta)


# ------------------------------------------------------------------ gradient descent step
def _step_from(gradient):
    """The GD step ``theta - alpha * gradient(...)`` built on a (wrong) gradient."""

    def step(theta, X, y, alpha, lam):
        return theta - alpha * gradient(theta, X, y, lam)

    return step


def step_sign_flipped(theta, X, y, alpha, lam):
    m = X.shape[0]
    return theta + alpha * (X.T @ _residual(theta, X, y) / m + lam / m * bias_zeroed(theta))  # uphill


def step_returns_gradient(theta, X, y, alpha, lam):
    m = X.shape[0]
    return X.T @ _residual(theta, X, y) / m + lam / m * bias_zeroed(theta)


# ------------------------------------------------------------------ one-vs-all prediction
def _scores(all_theta, X):
    """(m, K) scores of the K classifiers; X gets its column of ones here."""
    X1 = np.column_stack([np.ones(X.shape[0]), X])
    return X1 @ all_theta.T


def predict_labels_from_one(all_theta, X, first_label=0):
    return np.argmax(_scores(all_theta, X), axis=1) + first_label + 1


def predict_labels_from_zero(all_theta, X, first_label=1):
    return np.argmax(_scores(all_theta, X), axis=1) + first_label - 1


def predict_argmax_wrong_axis(all_theta, X, first_label=0):
    return np.argmax(_scores(all_theta, X), axis=0) + first_label  # the best sample per class


# ------------------------------------------------------------------ backprop
def _backprop(W1, b1, W2, b2, X, y, *, mask=lambda Z1: Z1 > 0, scale=None, sign=1.0):
    """One-hidden-layer ReLU network, sigmoid output: its gradients, with knobs for the mistakes."""
    m = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    h = sigmoid(A1 @ W2 + b2)
    dZ2 = sign * (h - y.reshape(h.shape)) / (m if scale is None else scale)
    dZ1 = (dZ2 @ W2.T) * mask(Z1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def backprop_relu_at_zero(W1, b1, W2, b2, X, y):
    return _backprop(W1, b1, W2, b2, X, y, mask=lambda Z1: Z1 >= 0)


def backprop_relu_derivative_missing(W1, b1, W2, b2, X, y):
    return _backprop(W1, b1, W2, b2, X, y, mask=lambda Z1: 1.0)


def backprop_sum_not_mean(W1, b1, W2, b2, X, y):
    return _backprop(W1, b1, W2, b2, X, y, scale=1.0)


def backprop_sign_flipped(W1, b1, W2, b2, X, y):
    return _backprop(W1, b1, W2, b2, X, y, sign=-1.0)


# ------------------------------------------------------------------ softmax
def softmax_no_max_subtraction(Z):
    E = np.exp(Z)
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_wrong_axis(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_sum_of_everything(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E)


def softmax_missing_keepdims(Z):
    E = np.exp(Z)
    return E / np.sum(E, axis=1)  # (m, K) / (m,): broadcasts across columns, only fits m == K


# ------------------------------------------------------------------ the catalogue
_BIAS = "The bias term theta[0] is regularised: the penalty sums theta[1:] only."
_SIGN = "The sign is flipped"
CATALOGUE = [
    Mistake("sign_flipped", "sigmoid", f"{_SIGN}: this is sigmoid(-z); use exp(-z), not exp(z).",
            sigmoid_sign_flipped),
    Mistake("where_evaluates_both_branches", "sigmoid", "np.where evaluates both branches on every "
            "element before it chooses, so exp(-z) overflows where z << 0 and exp(z) where z >> 0 (inf / inf "
            "is NaN), even though those values are thrown away; compute e = np.exp(-np.abs(z)) once, which "
            "never overflows, then np.where(z >= 0, 1 / (1 + e), e / (1 + e)).", sigmoid_where_both_branches),
    Mistake("unstable_sigmoid", "sigmoid", _UNSTABLE, naive_sigmoid),
    Mistake("unstable_sigmoid", "sigmoid", "Unstable sigmoid: exp(z) / (1 + exp(z)) is inf / inf = NaN for "
            "large z; compute only exp(-|z|).", sigmoid_exp_over_one_plus_exp),
    Mistake("bias_regularized", "cost", _BIAS, cost_bias_regularized),
    Mistake("missing_1_over_m", "cost", "The 1/m is missing: J must be the mean over the m samples, and "
            "the penalty lam/(2m) * sum(theta[1:]**2).", cost_missing_1_over_m),
    Mistake("missing_1_over_m", "cost", "The penalty is missing its 1/m: use lam/(2m) * sum(theta[1:]**2).",
            cost_penalty_missing_1_over_m),
    Mistake("lam_over_m", "cost", "The penalty uses lam/m; in the cost it is lam/(2m) (the gradient "
            "then gets lam/m).", cost_lam_over_m),
    Mistake("sum_instead_of_mean", "cost", "The cross-entropy is summed over the samples instead of "
            "averaged: divide it by m.", cost_sum_not_mean),
    Mistake("sign_flipped", "cost", f"{_SIGN}: J = -(1/m) sum[y log h + (1-y) log(1-h)] has a minus in "
            "front (a cost is >= 0).", cost_sign_flipped),
    Mistake("sign_flipped", "cost", f"{_SIGN}: the whole cost is negated.", cost_all_negated),
    Mistake("transposed_X", "cost", "X is transposed: X has one row per sample, so z = X @ theta, not "
            "X.T @ theta.", cost_transposed_X),
    Mistake("log_of_zero", "cost", LOG_OF_ZERO + " (log(1 + e^z) - y z) or clip h.", cost_log_of_zero),
    Mistake("unstable_sigmoid", "cost", _UNSTABLE, cost_unstable_sigmoid),
    Mistake("bias_regularized", "gradient", _BIAS + " Its gradient row 0 is X[:, 0] @ (h - y) / m only.",
            gradient_bias_regularized),
    Mistake("lam_over_2m", "gradient", "The penalty's gradient uses lam/(2m); the cost's penalty is "
            "lam/(2m) * sum(theta[1:]**2), and its gradient is lam/m * theta[1:] (the 2 of the square "
            "cancels the 1/2).", gradient_lam_over_2m),
    Mistake("missing_1_over_m", "gradient", "The 1/m is missing: grad = X.T @ (h - y) / m + lam/m * "
            "[0, theta[1:]].", gradient_missing_1_over_m),
    Mistake("missing_1_over_m", "gradient", "The penalty's gradient is missing its 1/m: lam/m * theta[1:].",
            gradient_penalty_missing_1_over_m),
    Mistake("sum_instead_of_mean", "gradient", "X.T @ (h - y) is summed over the samples instead of "
            "averaged: divide it by m.", gradient_sum_not_mean),
    Mistake("sign_flipped", "gradient", f"{_SIGN}: the residual is h - y, not y - h.", gradient_sign_flipped),
    Mistake("sign_flipped", "gradient", f"{_SIGN}: the whole gradient is negated.", gradient_all_negated),
    Mistake("transposed_X", "gradient", "X is transposed: with one row per sample, the gradient is "
            "X.T @ (h - y) (shape (n+1,)), not X @ (h - y).", gradient_transposed_X),
    Mistake("transposed_X", "gradient", "X is transposed: X has one row per sample, so z = X @ theta and "
            "the gradient is X.T @ (h - y).", gradient_transposed_X_everywhere),
    Mistake("unstable_sigmoid", "gradient", _UNSTABLE, gradient_unstable_sigmoid),
    Mistake("bias_regularized", "gradient_descent_step", _BIAS + " (in the gradient of your step)",
            _step_from(gradient_bias_regularized)),
    Mistake("missing_1_over_m", "gradient_descent_step", "The 1/m is missing from the gradient of "
            "your step.", _step_from(gradient_missing_1_over_m)),
    Mistake("sum_instead_of_mean", "gradient_descent_step", "The gradient of your step sums over the "
            "samples instead of averaging: divide X.T @ (h - y) by m.", _step_from(gradient_sum_not_mean)),
    Mistake("lam_over_2m", "gradient_descent_step", "The penalty's gradient in your step uses lam/(2m); "
            "it is lam/m * theta[1:].", _step_from(gradient_lam_over_2m)),
    Mistake("sign_flipped", "gradient_descent_step", f"{_SIGN}: the step goes uphill; it is "
            "theta - alpha * grad.", step_sign_flipped),
    Mistake("sign_flipped", "gradient_descent_step", f"{_SIGN}: the residual in the gradient is h - y, "
            "not y - h.", _step_from(gradient_sign_flipped)),
    Mistake("transposed_X", "gradient_descent_step", "X is transposed in the gradient of your step: "
            "use X.T @ (h - y).", _step_from(gradient_transposed_X)),
    Mistake("returns_gradient", "gradient_descent_step", "It returns the gradient; a step returns the "
            "new parameters theta - alpha * grad.", step_returns_gradient),
    Mistake("unstable_sigmoid", "gradient_descent_step", _UNSTABLE, _step_from(gradient_unstable_sigmoid)),
    Mistake("labels_off_by_one", "predict_one_vs_all", "The labels are off by one: they run 1..K where "
            "this exercise numbers the classes 0..K-1 (argmax already counts from 0).",
            predict_labels_from_one),
    Mistake("labels_off_by_one", "predict_one_vs_all", "The labels are off by one: they run 0..K-1 where "
            "this exercise numbers the classes 1..K (add 1 to the argmax).", predict_labels_from_zero),
    Mistake("argmax_wrong_axis", "predict_one_vs_all", "argmax over the wrong axis: the scores are "
            "(m, K), one row per sample, so take argmax(..., axis=1).", predict_argmax_wrong_axis),
    Mistake("relu_derivative_at_zero", "backprop", "The ReLU derivative at 0 is taken as 1: use "
            "(Z1 > 0), not (Z1 >= 0); a unit whose input is exactly 0 passes no gradient.",
            backprop_relu_at_zero),
    Mistake("relu_derivative_missing", "backprop", "The ReLU derivative is missing: multiply dA1 by "
            "(Z1 > 0) to get dZ1.", backprop_relu_derivative_missing),
    Mistake("sum_instead_of_mean", "backprop", "The gradients are sums over the samples, not means: "
            "dZ2 = (h - y) / m.", backprop_sum_not_mean),
    Mistake("sign_flipped", "backprop", f"{_SIGN}: dZ2 = h - y, not y - h.", backprop_sign_flipped),
    Mistake("softmax_no_max_subtraction", "softmax", "Softmax without max-subtraction: exp(Z) overflows "
            "at large Z; subtract each row's max first (it changes nothing mathematically).",
            softmax_no_max_subtraction),
    Mistake("softmax_wrong_axis", "softmax", "Normalised over the wrong axis: each row (sample) must "
            "sum to 1, so sum over axis=1 with keepdims=True.", softmax_wrong_axis),
    Mistake("softmax_wrong_axis", "softmax", "Normalised over the whole matrix: each row must sum to "
            "1 on its own (sum over axis=1, keepdims=True).", softmax_sum_of_everything),
    Mistake("softmax_wrong_axis", "softmax", "The row sums lack keepdims=True, so they broadcast along "
            "the wrong axis: use np.sum(E, axis=1, keepdims=True).", softmax_missing_keepdims),
]


# Found by the checkers themselves rather than by a wrong variant: an input changed in place, a
# random initialisation that is symmetric or out of its range, one-vs-all without the bias column,
# a function that fails through another exercise's function it calls, an np.matrix or a list returned.
DETECTED_KEYS = ("mutates_input", "symmetric_initialization", "wrong_range", "missing_ones_column",
                 "depends_on_broken", "np_matrix", "returns_list")


def mistakes_for(exercise):
    """The catalogued mistakes of one exercise, in the order they are tried.

    Parameters
    ----------
    exercise : str

    Returns
    -------
    list of Mistake

    Examples
    --------
    A mistake written in two forms has two entries with one key:

    >>> from minilr.exercises.judging.mistakes import mistakes_for
    >>> [mk.key for mk in mistakes_for("sigmoid")]
    ['sign_flipped', 'where_evaluates_both_branches', 'unstable_sigmoid', 'unstable_sigmoid']
    >>> mistakes_for("no such exercise")
    []
    """
    return [mk for mk in CATALOGUE if mk.exercise == exercise]


# The mistakes of the courses' and the lessons' exercises are written out in modules of their own.
from .course_mistakes import COURSE_CATALOGUE, cost_gradient_mistakes  # noqa: E402
from .lesson6_mistakes import LESSON6_CATALOGUE  # noqa: E402
from .lesson_mistakes import LESSON_CATALOGUE  # noqa: E402

CATALOGUE += COURSE_CATALOGUE
CATALOGUE += cost_gradient_mistakes(CATALOGUE)
CATALOGUE += LESSON_CATALOGUE
CATALOGUE += LESSON6_CATALOGUE
MISTAKE_KEYS = tuple(dict.fromkeys([*(mk.key for mk in CATALOGUE), *DETECTED_KEYS]))
