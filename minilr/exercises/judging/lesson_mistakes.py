r"""The known mistakes of the lessons' exercises, each written out as a deliberately wrong function.

They join :data:`minilr.exercises.judging.mistakes.CATALOGUE` and are tried by the
checkers of :mod:`minilr.exercises.judging.lesson_checkers` exactly like the others:
the variant whose output the student reproduces names the mistake.

Signatures (the same as the student's functions):

* train_one_vs_all: ``(X, y, num_labels, lam) -> all_theta`` of shape (K, n+1), ``X`` without ones
* softmax_cost: ``(Theta, X, y, lam) -> (J, grad)``, ``Theta`` (n+1, K), ``X`` with its ones
* forward: ``(W1, b1, W2, b2, X) -> h`` of shape (m, 1)
* numerical_gradient: ``(f, theta, eps=1e-5) -> grad``
* combine_gradients: ``(grads, counts) -> grad``
* decision_boundary: ``(w, b, x1) -> x2``
* f1_score: ``(y_true, y_pred) -> float``
"""

from functools import partial

import numpy as np

from ...functions import logsumexp, sigmoid
from ...functions import softplus_and_sigmoid as _softplus_and_sigmoid
from .catalogue import RETURNS_LIST, Mistake

__all__ = ["LESSON_CATALOGUE", "fit_logistic", "logistic_cost"]


# ------------------------------------------------------------------ one-vs-all training
def logistic_cost(theta, X, t, lam, bias_penalised=False):
    r"""Regularised logistic cost and gradient on ``X`` as given (its first column is the bias's).

    .. math::
        J = \frac1m \sum_i [\log(1 + e^{z_i}) - t_i z_i] + \frac{\lambda}{2m} \sum_{j \ge 1} \theta_j^2

    Examples
    --------
    >>> from minilr.exercises.judging.lesson_mistakes import logistic_cost
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> J, grad = logistic_cost(np.zeros(2), X, np.array([0.0, 1.0]), lam=0.0)
    >>> round(float(J), 4), grad.tolist()
    (0.6931, [0.0, -0.25])
    """
    m = X.shape[0]
    z = X @ theta
    softplus, h = _softplus_and_sigmoid(z)
    penalised = theta if bias_penalised else np.concatenate([[0.0], theta[1:]])
    J = np.mean(softplus - t * z) + lam / (2 * m) * np.sum(penalised**2)
    grad = X.T @ (h - t) / m + lam / m * penalised
    return J, grad


def fit_logistic(X, t, lam, bias_penalised=False):
    """Parameters minimising :func:`logistic_cost`, to far tighter than a checker's tolerance.

    Examples
    --------
    >>> from minilr.exercises.judging.lesson_mistakes import fit_logistic
    >>> X = np.array([[1.0, -1.0], [1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> theta = fit_logistic(X, np.array([0.0, 1.0, 0.0, 1.0]), lam=1.0)
    >>> theta.shape, bool(theta[1] > 0)
    ((2,), True)
    """
    from scipy.optimize import minimize  # lazily: 0.5 s of the grader's start, needed by one-vs-all only

    theta0 = np.zeros(X.shape[1])
    result = minimize(logistic_cost, theta0, args=(X, t, lam, bias_penalised), jac=True,
                      method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 2000})
    return result.x


def _with_ones(X):
    return np.column_stack([np.ones(X.shape[0]), X])


def one_vs_all_fit(X, y, num_labels, lam, *, shift=0, inverted=False, bias_penalised=False, ones=True):
    """``all_theta`` (K, n+1) fitted class by class, labels 0..K-1, with a knob for each catalogued mistake.

    The one-vs-all judge (:mod:`minilr.exercises.judging.judges`) reads the knobs of the catalogue's
    variants (``functools.partial`` of this function) to know which wrong problem each one solves.

    Examples
    --------
    >>> from minilr.exercises.judging.lesson_mistakes import one_vs_all_fit
    >>> X, y = np.array([[-1.0], [0.0], [1.0], [2.0]]), np.array([0, 1, 0, 1])
    >>> one_vs_all_fit(X, y, 2, 1.0).shape, one_vs_all_fit(X, y, 2, 1.0, ones=False).shape
    ((2, 2), (2, 1))
    """
    X1 = _with_ones(X) if ones else X
    targets = [(y == k + shift) != inverted for k in range(num_labels)]
    return np.array([fit_logistic(X1, t.astype(float), lam, bias_penalised) for t in targets])


def ova_as_list(X, y, num_labels, lam):
    return list(one_vs_all_fit(X, y, num_labels, lam))  # all_theta.append(theta) in a loop


# ------------------------------------------------------------------ softmax cost
def _softmax_parts(Theta, X, y):
    m, K = X.shape[0], Theta.shape[1]
    return m, X @ Theta, np.eye(K)[y]


def _softmax_from(log_P, Y, Theta, X, lam, m, *, bias_penalised=False, scale=None, Y_grad=None):
    """J and grad from the log-probabilities and the one-hot Y, each possibly wrong."""
    R = Theta if bias_penalised else np.vstack([np.zeros((1, Theta.shape[1])), Theta[1:]])
    P = np.exp(log_P)
    J = -np.sum(Y * log_P) / m + lam / (2 * m) * np.sum(R**2)
    Y_grad = Y if Y_grad is None else Y_grad
    grad = X.T @ (P - Y_grad) / (m if scale is None else scale) + lam / m * R
    return J, grad


def _log_P(Z):
    return Z - logsumexp(Z, axis=1, keepdims=True)


def softmax_cost_no_max_subtraction(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    E = np.exp(Z)  # overflows to inf at large Z: inf / inf = NaN
    return _softmax_from(np.log(E / E.sum(axis=1, keepdims=True)), Y, Theta, X, lam, m)


def softmax_cost_log_of_zero(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))  # stable, but P underflows to exactly 0: log(0)
    return _softmax_from(np.log(E / E.sum(axis=1, keepdims=True)), Y, Theta, X, lam, m)


def softmax_cost_one_hot_transposed(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    Y = Y.T  # (K, m): broadcasts against P of shape (m, K) only when m == K
    if Y.shape != Z.shape:
        raise ValueError("only fits m == K")
    return _softmax_from(_log_P(Z), Y, Theta, X, lam, m)


def softmax_cost_one_hot_transposed_in_gradient(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    if Y.T.shape != Z.shape:
        raise ValueError("only fits m == K")
    return _softmax_from(_log_P(Z), Y, Theta, X, lam, m, Y_grad=Y.T)


def softmax_cost_bias_regularized(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    return _softmax_from(_log_P(Z), Y, Theta, X, lam, m, bias_penalised=True)


def softmax_cost_gradient_summed(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    return _softmax_from(_log_P(Z), Y, Theta, X, lam, m, scale=1.0)


def softmax_cost_gradient_summed_over_classes(Theta, X, y, lam):
    m, Z, Y = _softmax_parts(Theta, X, y)
    J, grad = _softmax_from(_log_P(Z), Y, Theta, X, lam, m)
    return J, grad.sum(axis=1)


# ------------------------------------------------------------------ forward pass
def _forward(W1, b1, W2, b2, X, *, hidden=lambda Z: np.maximum(Z, 0), output=sigmoid, transpose=False,
             b1_axis=1):
    Z1 = (X @ W1.T if transpose else X @ W1) + (b1 if b1_axis == 1 else b1.reshape(-1, 1))
    return output(hidden(Z1) @ W2 + b2)


def forward_output_activation_twice(W1, b1, W2, b2, X):
    return _forward(W1, b1, W2, b2, X, output=lambda z: sigmoid(sigmoid(z)))


def forward_weights_transposed(W1, b1, W2, b2, X):
    return _forward(W1, b1, W2, b2, X, transpose=True)  # only fits a square W1


def forward_bias_wrong_axis(W1, b1, W2, b2, X):
    return _forward(W1, b1, W2, b2, X, b1_axis=0)  # b1 as a column: one bias per sample


def forward_hidden_activation_missing(W1, b1, W2, b2, X):
    return _forward(W1, b1, W2, b2, X, hidden=lambda Z: Z)


def forward_sigmoid_hidden(W1, b1, W2, b2, X):
    return _forward(W1, b1, W2, b2, X, hidden=sigmoid)


# ------------------------------------------------------------------ numerical gradient
def _difference(f, theta, eps, *, one_sided=False, divisor=None, restore=True):
    x = np.array(theta, dtype=float)
    grad = np.zeros_like(x)
    for j in range(x.size):
        xj = x[j]
        x[j] = xj + eps
        f_plus = f(x)
        x[j] = xj if one_sided else xj - eps
        f_minus = f(x)
        if restore:
            x[j] = xj
        grad[j] = (f_plus - f_minus) / (divisor or (eps if one_sided else 2 * eps))
    return grad


def numgrad_one_sided(f, theta, eps=1e-5):
    return _difference(f, theta, eps, one_sided=True)


def numgrad_divided_by_eps(f, theta, eps=1e-5):
    return _difference(f, theta, eps, divisor=eps)


def numgrad_not_restored(f, theta, eps=1e-5):
    return _difference(f, theta, eps, restore=False)  # theta[j] stays at theta_j - eps


def numgrad_aliased(f, theta, eps=1e-5):
    x = np.array(theta, dtype=float)
    grad = np.zeros_like(x)
    for j in range(x.size):
        theta_plus = x  # not a copy: the same array
        theta_plus[j] += eps
        theta_minus = x
        theta_minus[j] -= eps
        grad[j] = (f(theta_plus) - f(theta_minus)) / (2 * eps)  # both at theta: 0
    return grad


def _numgrad_with_eps(tiny):
    def numerical_gradient(f, theta, eps=tiny):
        return _difference(f, theta, tiny)

    return numerical_gradient


# ------------------------------------------------------------------ combining gradients
def combine_unweighted_mean(grads, counts):
    return np.mean(np.asarray(grads, dtype=float), axis=0)


def combine_sum_not_divided(grads, counts):
    return sum(c * np.asarray(g, dtype=float) for g, c in zip(grads, counts))


def combine_counts_ignored(grads, counts):
    return np.sum(np.asarray(grads, dtype=float), axis=0)


def combine_divided_by_blocks(grads, counts):
    return combine_sum_not_divided(grads, counts) / len(counts)


# ------------------------------------------------------------------ decision boundary
def boundary_sign_flipped(w, b, x1):
    return (w[0] * x1 + b) / w[1]


def boundary_bias_sign_flipped(w, b, x1):
    return -(w[0] * x1 - b) / w[1]


def boundary_weights_swapped(w, b, x1):
    return -(w[1] * x1 + b) / w[0]


def boundary_bias_forgotten(w, b, x1):
    return -w[0] * x1 / w[1]


# ------------------------------------------------------------------ F1 score
def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    return tp, np.sum((y_true != 1) & (y_pred == 1)), np.sum((y_true == 1) & (y_pred != 1))


def f1_accuracy_instead(y_true, y_pred):
    return np.mean(np.asarray(y_true) == np.asarray(y_pred))


def f1_missing_factor_2(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return precision * recall / (precision + recall) if precision + recall else 0.0


def f1_division_by_zero(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)  # NumPy integers: 0 / 0 is NaN, with a RuntimeWarning
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def f1_of_class_0(y_true, y_pred):
    tp, fp, fn = _counts(1 - np.asarray(y_true), 1 - np.asarray(y_pred))  # class 0 taken as positive
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def f1_precision_only(y_true, y_pred):
    tp, fp, _ = _counts(y_true, y_pred)
    return tp / (tp + fp) if tp + fp else 0.0


def f1_recall_only(y_true, y_pred):
    tp, _, fn = _counts(y_true, y_pred)
    return tp / (tp + fn) if tp + fn else 0.0


# ------------------------------------------------------------------ the catalogue
_TINY_EPS = ("Rounding dominates: with an eps this small, f(theta + eps) - f(theta - eps) keeps only a few "
             "significant digits. The error is about eps**2 (truncation) plus 1e-16 / eps (rounding): "
             "use eps around 1e-5, and the eps you are given.")

LESSON_CATALOGUE = [
    Mistake("missing_ones_column", "train_one_vs_all", "The column of ones is missing: add it to X before "
            "training, so that all_theta has shape (K, n+1) and column 0 is each classifier's bias.",
            partial(one_vs_all_fit, ones=False)),
    Mistake("labels_off_by_one", "train_one_vs_all", "The labels are off by one: classifier k is trained on "
            "y == k + 1 (labels counted from 1); here the classes are 0..K-1, so its targets are y == k.",
            partial(one_vs_all_fit, shift=1)),
    Mistake("labels_off_by_one", "train_one_vs_all", "The labels are off by one: classifier k is trained on "
            "y == k - 1; row k of all_theta is the classifier of the k-th class.", partial(one_vs_all_fit, shift=-1)),
    Mistake("wrong_class_compared", "train_one_vs_all", "Classifier k is trained on 'not k' (y != k): "
            "its positive class must be k, so the targets are (y == k).", partial(one_vs_all_fit, inverted=True)),
    Mistake("bias_regularized", "train_one_vs_all", "lam is applied to the bias too: the penalty and "
            "its gradient leave theta[0] out.", partial(one_vs_all_fit, bias_penalised=True)),
    Mistake("returns_list", "train_one_vs_all", RETURNS_LIST, ova_as_list),
    Mistake("softmax_no_max_subtraction", "softmax_cost", "Softmax without max-subtraction: exp(Z) "
            "overflows at large Z (inf / inf = NaN); subtract each row's max first, or compute the cost "
            "from log-sum-exp.", softmax_cost_no_max_subtraction),
    Mistake("log_of_zero", "softmax_cost", "log(0): the max is subtracted, but at large |z| a probability "
            "underflows to exactly 0 and log(P) is -inf (NaN after 0 * -inf); take log P = Z - max - "
            "log(sum(exp(Z - max))) (log-sum-exp), never the log of P.", softmax_cost_log_of_zero),
    Mistake("one_hot_transposed", "softmax_cost", "The one-hot target is transposed: Y has one row per "
            "sample and one column per class, shape (m, K), like P (np.eye(K)[y], not np.eye(K)[:, y]).",
            softmax_cost_one_hot_transposed),
    Mistake("one_hot_transposed", "softmax_cost", "The one-hot target in the gradient is transposed: "
            "P - Y needs Y of shape (m, K), like P.", softmax_cost_one_hot_transposed_in_gradient),
    Mistake("bias_regularized", "softmax_cost", "The bias row Theta[0] is penalised: the penalty and its "
            "gradient use Theta[1:] only.", softmax_cost_bias_regularized),
    Mistake("sum_instead_of_mean", "softmax_cost", "The gradient is summed over the samples: divide "
            "X.T @ (P - Y) by m, as the cost is a mean.", softmax_cost_gradient_summed),
    Mistake("gradient_summed_over_classes", "softmax_cost", "The gradient is summed over the classes: it "
            "has one column per class, shape (n+1, K), like Theta.", softmax_cost_gradient_summed_over_classes),
    Mistake("output_activation_twice", "forward", "The sigmoid is applied twice to the output: "
            "h = sigmoid(A1 @ W2 + b2), once.", forward_output_activation_twice),
    Mistake("weights_transposed", "forward", "W1 is transposed: it has shape (n, n_h), so Z1 = X @ W1 "
            "(one row per sample), not X @ W1.T.", forward_weights_transposed),
    Mistake("bias_wrong_axis", "forward", "The bias is added along the wrong axis: b1 has one entry per "
            "hidden unit (a column of Z1), so add it as X @ W1 + b1, not as a column vector.",
            forward_bias_wrong_axis),
    Mistake("hidden_activation_missing", "forward", "The hidden layer has no activation: "
            "A1 = relu(Z1) = np.maximum(Z1, 0) before the output layer.", forward_hidden_activation_missing),
    Mistake("wrong_hidden_activation", "forward", "The hidden layer uses the sigmoid; this network's "
            "hidden layer is a ReLU, np.maximum(Z1, 0).", forward_sigmoid_hidden),
    Mistake("one_sided_difference", "numerical_gradient", "A one-sided difference (f(theta + eps) - "
            "f(theta)) / eps has an error of order eps; the central one, (f(theta + eps) - f(theta - eps)) "
            "/ (2 eps), of order eps**2.", numgrad_one_sided),
    Mistake("divided_by_eps", "numerical_gradient", "Divided by eps instead of 2*eps: the central "
            "difference spans theta - eps to theta + eps, a width of 2 eps.", numgrad_divided_by_eps),
    Mistake("theta_not_restored", "numerical_gradient", "theta is perturbed in place and not restored: "
            "put theta[j] back after both evaluations (or perturb a copy), or every later coordinate is "
            "measured at a shifted point.", numgrad_not_restored),
    Mistake("theta_not_restored", "numerical_gradient", "theta_plus = theta is not a copy: both "
            "perturbations land on the same array, so f is evaluated twice at theta. Use theta.copy().",
            numgrad_aliased),
    *(Mistake("eps_too_small", "numerical_gradient", _TINY_EPS, _numgrad_with_eps(10.0**-k))
      for k in range(10, 21)),
    Mistake("unweighted_mean", "combine_gradients", "The block means are averaged unweighted: a block of "
            "many rows must count more. Weight each by its count: sum(c_b * g_b) / sum(c_b).",
            combine_unweighted_mean),
    Mistake("sum_not_divided", "combine_gradients", "The weighted sum is not divided by the total row "
            "count: the full-data gradient is sum(c_b * g_b) / sum(c_b).", combine_sum_not_divided),
    Mistake("counts_ignored", "combine_gradients", "The counts are ignored: the block means are summed. "
            "Each block mean times its count is the block's sum; add those, divide by sum(counts).",
            combine_counts_ignored),
    Mistake("divided_by_blocks", "combine_gradients", "Divided by the number of blocks instead of the "
            "number of rows: sum(c_b * g_b) / sum(c_b).", combine_divided_by_blocks),
    Mistake("sign_flipped", "decision_boundary", "The sign is flipped: from w1 x1 + w2 x2 + b = 0, "
            "x2 = -(w1 x1 + b) / w2.", boundary_sign_flipped),
    Mistake("sign_flipped", "decision_boundary", "The sign of b is flipped: x2 = -(w1 x1 + b) / w2.",
            boundary_bias_sign_flipped),
    Mistake("weights_swapped", "decision_boundary", "w1 and w2 are swapped: w[0] multiplies x1, and "
            "x2 = -(w[0] * x1 + b) / w[1].", boundary_weights_swapped),
    Mistake("bias_forgotten", "decision_boundary", "b is forgotten: without it the line always goes "
            "through the origin; x2 = -(w1 x1 + b) / w2.", boundary_bias_forgotten),
    Mistake("accuracy_instead_of_f1", "f1_score", "This is the accuracy, not F1: F1 = 2 tp / (2 tp + fp "
            "+ fn) ignores the true negatives.", f1_accuracy_instead),
    Mistake("missing_factor_2", "f1_score", "The 2 of the harmonic mean is missing: "
            "F1 = 2 P R / (P + R).", f1_missing_factor_2),
    Mistake("division_by_zero", "f1_score", "Division by zero: with no predicted (or no true) positive, "
            "precision (or recall) is 0 / 0. Return 0.0 then, or compute 2 tp / (2 tp + fp + fn).",
            f1_division_by_zero),
    Mistake("wrong_positive_label", "f1_score", "F1 of the wrong class: the positive label is 1, so tp "
            "counts y_true == 1 and y_pred == 1.", f1_of_class_0),
    Mistake("precision_or_recall_only", "f1_score", "This is the precision only; F1 is the harmonic mean "
            "of precision and recall.", f1_precision_only),
    Mistake("precision_or_recall_only", "f1_score", "This is the recall only; F1 is the harmonic mean "
            "of precision and recall.", f1_recall_only),
]
