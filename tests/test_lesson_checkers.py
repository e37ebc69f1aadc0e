"""The lessons' checkers: right answers pass however they are written, each known mistake gets its key.

Every student function here is written independently of minilr (scipy's
``expit``, ``log_expit``, ``logsumexp`` and ``minimize`` where a stable piece
or an optimiser is needed), the wrong ones in the plain style a student
would use.
"""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp

from minilr.exercises import CHECKERS, MISTAKE_KEYS
from minilr.exercises.judging.lesson_mistakes import one_vs_all_fit as _train_one_vs_all
from minilr.exercises.judging.lesson_checkers import (
    LESSON_CHECKERS,
    _combine_gradients,
    _decision_boundary,
    _f1_score,
    _forward,
    _softmax_cost,
)
from minilr.exercises.judging.lesson_mistakes import LESSON_CATALOGUE
from minilr.gradcheck import numerical_gradient as minilr_numerical_gradient


# ------------------------------------------------------------------ one-vs-all training
def _cost_grad(theta, X1, t, lam, bias_too=False):
    m = len(t)
    z = X1 @ theta
    reg = theta.copy()
    if not bias_too:
        reg[0] = 0.0
    J = -np.mean(t * log_expit(z) + (1 - t) * log_expit(-z)) + lam / (2 * m) * reg @ reg
    return J, X1.T @ (expit(z) - t) / m + lam / m * reg


def _fit(X1, t, lam, bias_too=False):
    res = minimize(_cost_grad, np.zeros(X1.shape[1]), args=(X1, t, lam, bias_too), jac=True, method="BFGS")
    return res.x


def ova_vectorised(X, y, num_labels, lam):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    return np.vstack([_fit(X1, (y == k) * 1.0, lam) for k in range(num_labels)])


def ova_gradient_descent_loops(X, y, num_labels, lam):
    m, n = X.shape
    all_theta = np.zeros((num_labels, n + 1))
    for k in range(num_labels):
        theta = np.zeros(n + 1)
        for _ in range(3000):
            grad = np.zeros(n + 1)
            for i in range(m):
                x_i = np.concatenate([[1.0], X[i]])
                grad += (expit(x_i @ theta) - (1.0 if y[i] == k else 0.0)) * x_i / m
            grad[1:] += lam / m * theta[1:]
            theta -= 1.0 * grad
            if np.max(np.abs(grad)) < 1e-7:
                break
        all_theta[k] = theta
    return all_theta


def ova_cg_maxiter_50(X, y, num_labels, lam):
    """The classic course's way: scipy's CG with at most 50 iterations."""
    X1 = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    rows = []
    for c in range(num_labels):
        res = minimize(_cost_grad, np.zeros(X1.shape[1]), args=(X1, (y == c).astype(float), lam), jac=True,
                       method="CG", options={"maxiter": 50})
        rows.append(res.x)
    return np.array(rows)


def ova_no_ones(X, y, num_labels, lam):
    return np.array([_fit(X, (y == k) * 1.0, lam) for k in range(num_labels)])


def ova_matlab_labels(X, y, num_labels, lam):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    return np.array([_fit(X1, (y == k + 1) * 1.0, lam) for k in range(num_labels)])


def ova_not_k(X, y, num_labels, lam):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    return np.array([_fit(X1, (y != k) * 1.0, lam) for k in range(num_labels)])


def ova_appended_to_a_list(X, y, num_labels, lam):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    all_theta = []
    for k in range(num_labels):
        all_theta.append(_fit(X1, (y == k) * 1.0, lam))
    return all_theta


def ova_bias_regularised(X, y, num_labels, lam):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    return np.array([_fit(X1, (y == k) * 1.0, lam, bias_too=True) for k in range(num_labels)])


# ------------------------------------------------------------------ softmax cost
def softmax_cost_vectorised(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    Z = X @ Theta
    log_P = Z - logsumexp(Z, axis=1, keepdims=True)
    Y = np.zeros((m, K))
    Y[np.arange(m), y] = 1
    J = -np.sum(log_P[np.arange(m), y]) / m + lam / (2 * m) * np.sum(Theta[1:] ** 2)
    grad = X.T @ (np.exp(log_P) - Y) / m
    grad[1:] += lam / m * Theta[1:]
    return J, grad


def softmax_cost_loops(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    J, grad = 0.0, np.zeros_like(Theta, dtype=float)
    for i in range(m):
        z = X[i] @ Theta
        z = z - z.max()
        p = np.exp(z) / np.sum(np.exp(z))
        J -= np.log(p[y[i]]) / m
        for k in range(K):
            grad[:, k] += (p[k] - (y[i] == k)) * X[i] / m
    for j in range(1, Theta.shape[0]):
        for k in range(K):
            J += lam / (2 * m) * Theta[j, k] ** 2
            grad[j, k] += lam / m * Theta[j, k]
    return J, grad


def softmax_cost_no_max(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    E = np.exp(X @ Theta)
    P = E / E.sum(axis=1, keepdims=True)
    Y = np.eye(K)[y]
    J = -np.sum(Y * np.log(P)) / m + lam / (2 * m) * np.sum(Theta[1:] ** 2)
    grad = X.T @ (P - Y) / m
    grad[1:] += lam / m * Theta[1:]
    return J, grad


def softmax_cost_log_of_p(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    Z = X @ Theta
    E = np.exp(Z - Z.max(axis=1, keepdims=True))  # stable: no overflow
    P = E / E.sum(axis=1, keepdims=True)
    Y = np.eye(K)[y]
    J = -np.sum(Y * np.log(P)) / m + lam / (2 * m) * np.sum(Theta[1:] ** 2)  # but log(0) at |z| = 1000
    grad = X.T @ (P - Y) / m
    grad[1:] += lam / m * Theta[1:]
    return J, grad


def _softmax_with(Theta, X, y, lam, *, Y=None, bias_too=False, divide=True, sum_classes=False):
    m, K = X.shape[0], Theta.shape[1]
    Z = X @ Theta
    log_P = Z - logsumexp(Z, axis=1, keepdims=True)
    Y = np.eye(K)[y] if Y is None else Y
    reg = Theta.copy()
    if not bias_too:
        reg[0] = 0
    J = -np.sum(Y * log_P) / m + lam / (2 * m) * np.sum(reg**2)
    grad = X.T @ (np.exp(log_P) - Y) / (m if divide else 1) + lam / m * reg
    return J, grad.sum(axis=1) if sum_classes else grad


def softmax_cost_transposed_target(Theta, X, y, lam):
    return _softmax_with(Theta, X, y, lam, Y=np.eye(Theta.shape[1])[:, y])


def softmax_cost_bias_penalised(Theta, X, y, lam):
    return _softmax_with(Theta, X, y, lam, bias_too=True)


def softmax_cost_gradient_not_divided(Theta, X, y, lam):
    return _softmax_with(Theta, X, y, lam, divide=False)


def softmax_cost_gradient_over_classes(Theta, X, y, lam):
    return _softmax_with(Theta, X, y, lam, sum_classes=True)


# ------------------------------------------------------------------ forward
def forward_vectorised(W1, b1, W2, b2, X):
    A1 = np.maximum(X @ W1 + b1, 0.0)
    return expit(A1 @ W2 + b2)


def forward_loops(W1, b1, W2, b2, X):
    m, n_h = X.shape[0], W1.shape[1]
    h = np.zeros((m, 1))
    for i in range(m):
        z2 = b2[0]
        for j in range(n_h):
            a = max(0.0, sum(X[i, k] * W1[k, j] for k in range(X.shape[1])) + b1[j])
            z2 += a * W2[j, 0]
        h[i, 0] = 1 / (1 + np.exp(-z2)) if z2 >= 0 else np.exp(z2) / (1 + np.exp(z2))
    return h


def forward_sigmoid_twice(W1, b1, W2, b2, X):
    return expit(expit(np.maximum(X @ W1 + b1, 0) @ W2 + b2))


def forward_W1_transposed(W1, b1, W2, b2, X):
    return expit(np.maximum(X @ W1.T + b1, 0) @ W2 + b2)


def forward_bias_as_column(W1, b1, W2, b2, X):
    return expit(np.maximum(X @ W1 + b1[:, np.newaxis], 0) @ W2 + b2)


def forward_linear_hidden(W1, b1, W2, b2, X):
    return expit((X @ W1 + b1) @ W2 + b2)


def forward_sigmoid_hidden(W1, b1, W2, b2, X):
    return expit(expit(X @ W1 + b1) @ W2 + b2)


# ------------------------------------------------------------------ numerical gradient
def numgrad_loops(f, theta, eps=1e-5):
    grad = np.zeros(len(theta))
    for j in range(len(theta)):
        plus, minus = theta.copy(), theta.copy()
        plus[j] += eps
        minus[j] -= eps
        grad[j] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def numgrad_identity_matrix(f, theta, eps=1e-5):
    E = eps * np.eye(theta.size)
    return np.array([f(theta + e) - f(theta - e) for e in E]) / (2 * eps)


def numgrad_one_sided(f, theta, eps=1e-5):
    grad = np.zeros(len(theta))
    f0 = f(theta)
    for j in range(len(theta)):
        plus = theta.copy()
        plus[j] += eps
        grad[j] = (f(plus) - f0) / eps
    return grad


def numgrad_over_eps(f, theta, eps=1e-5):
    return np.array([f(theta + e) - f(theta - e) for e in eps * np.eye(theta.size)]) / eps


def numgrad_in_place(f, theta, eps=1e-5):
    grad = np.zeros(len(theta))
    for j in range(len(theta)):
        theta[j] += eps
        f_plus = f(theta)
        theta[j] -= 2 * eps
        f_minus = f(theta)
        grad[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def numgrad_alias(f, theta, eps=1e-5):
    grad = np.zeros(len(theta))
    for j in range(len(theta)):
        theta_plus = theta
        theta_plus[j] = theta_plus[j] + eps
        theta_minus = theta
        theta_minus[j] = theta_minus[j] - eps
        grad[j] = (f(theta_plus) - f(theta_minus)) / (2 * eps)
    return grad


def numgrad_tiny_eps(f, theta, eps=1e-12):
    return numgrad_loops(f, theta, eps)


# ------------------------------------------------------------------ combining gradients
def combine_vectorised(grads, counts):
    return np.average(np.stack(grads), axis=0, weights=counts)


def combine_loops(grads, counts):
    total, rows = np.zeros(len(grads[0])), 0
    for g, c in zip(grads, counts):
        total = total + c * np.asarray(g)
        rows += c
    return total / rows


def combine_plain_mean(grads, counts):
    return sum(grads) / len(grads)


def combine_weighted_sum(grads, counts):
    return sum(c * g for g, c in zip(grads, counts))


def combine_sum_of_means(grads, counts):
    return sum(grads)


def combine_over_blocks(grads, counts):
    return sum(c * g for g, c in zip(grads, counts)) / len(grads)


# ------------------------------------------------------------------ decision boundary
def boundary_vectorised(w, b, x1):
    return -(w[0] * x1 + b) / w[1]


def boundary_loops(w, b, x1):
    w1, w2 = float(w[0]), float(w[1])
    return np.array([(-b - w1 * v) / w2 for v in x1])


def boundary_flipped(w, b, x1):
    return (w[0] * x1 + b) / w[1]


def boundary_swapped(w, b, x1):
    return -(w[1] * x1 + b) / w[0]


def boundary_no_b(w, b, x1):
    return -w[0] / w[1] * x1


# ------------------------------------------------------------------ F1
def f1_vectorised(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    precision = tp / np.sum(y_pred == 1) if np.any(y_pred == 1) else 0.0
    recall = tp / np.sum(y_true == 1) if np.any(y_true == 1) else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def f1_loops(y_true, y_pred):
    tp = fp = fn = 0
    for t, p in zip(y_true, y_pred):
        tp += t == 1 and p == 1
        fp += t != 1 and p == 1
        fn += t == 1 and p != 1
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def f1_accuracy(y_true, y_pred):
    return np.mean(y_true == y_pred)


def f1_no_two(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    p = tp / max(np.sum(y_pred == 1), 1)
    r = tp / max(np.sum(y_true == 1), 1)
    return p * r / (p + r) if p + r else 0.0


def f1_nan_when_empty(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    precision = tp / np.sum(y_pred == 1)
    recall = tp / np.sum(y_true == 1)
    return 2 * precision * recall / (precision + recall)


def f1_python_division(y_true, y_pred):
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    precision = tp / int(np.sum(y_pred == 1))
    recall = tp / int(np.sum(y_true == 1))
    return 2 * precision * recall / (precision + recall)


def f1_class_zero(y_true, y_pred):
    tp = np.sum((y_true == 0) & (y_pred == 0))
    denominator = 2 * tp + np.sum(y_true != y_pred)
    return 2 * tp / denominator if tp else 0.0


def f1_recall(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    return tp / np.sum(y_true == 1) if np.any(y_true == 1) else 0.0


REFERENCES = {
    "train_one_vs_all": _train_one_vs_all, "softmax_cost": _softmax_cost, "forward": _forward,
    "numerical_gradient": minilr_numerical_gradient, "combine_gradients": _combine_gradients,
    "decision_boundary": _decision_boundary, "f1_score": _f1_score,
}

CORRECT = [
    ("train_one_vs_all", ova_vectorised), ("train_one_vs_all", ova_gradient_descent_loops),
    ("train_one_vs_all", ova_cg_maxiter_50),
    ("softmax_cost", softmax_cost_vectorised), ("softmax_cost", softmax_cost_loops),
    ("forward", forward_vectorised), ("forward", forward_loops),
    ("numerical_gradient", numgrad_loops), ("numerical_gradient", numgrad_identity_matrix),
    ("combine_gradients", combine_vectorised), ("combine_gradients", combine_loops),
    ("decision_boundary", boundary_vectorised), ("decision_boundary", boundary_loops),
    ("f1_score", f1_vectorised), ("f1_score", f1_loops),
]

WRONG = [
    ("train_one_vs_all", ova_no_ones, "missing_ones_column"),
    ("train_one_vs_all", ova_matlab_labels, "labels_off_by_one"),
    ("train_one_vs_all", ova_not_k, "wrong_class_compared"),
    ("train_one_vs_all", ova_appended_to_a_list, "returns_list"),
    ("train_one_vs_all", ova_bias_regularised, "bias_regularized"),
    ("softmax_cost", softmax_cost_no_max, "softmax_no_max_subtraction"),
    ("softmax_cost", softmax_cost_log_of_p, "log_of_zero"),
    ("softmax_cost", softmax_cost_transposed_target, "one_hot_transposed"),
    ("softmax_cost", softmax_cost_bias_penalised, "bias_regularized"),
    ("softmax_cost", softmax_cost_gradient_not_divided, "sum_instead_of_mean"),
    ("softmax_cost", softmax_cost_gradient_over_classes, "gradient_summed_over_classes"),
    ("forward", forward_sigmoid_twice, "output_activation_twice"),
    ("forward", forward_W1_transposed, "weights_transposed"),
    ("forward", forward_bias_as_column, "bias_wrong_axis"),
    ("forward", forward_linear_hidden, "hidden_activation_missing"),
    ("forward", forward_sigmoid_hidden, "wrong_hidden_activation"),
    ("numerical_gradient", numgrad_one_sided, "one_sided_difference"),
    ("numerical_gradient", numgrad_over_eps, "divided_by_eps"),
    ("numerical_gradient", numgrad_in_place, "theta_not_restored"),
    ("numerical_gradient", numgrad_alias, "theta_not_restored"),
    ("numerical_gradient", numgrad_tiny_eps, "eps_too_small"),
    ("combine_gradients", combine_plain_mean, "unweighted_mean"),
    ("combine_gradients", combine_weighted_sum, "sum_not_divided"),
    ("combine_gradients", combine_sum_of_means, "counts_ignored"),
    ("combine_gradients", combine_over_blocks, "divided_by_blocks"),
    ("decision_boundary", boundary_flipped, "sign_flipped"),
    ("decision_boundary", boundary_swapped, "weights_swapped"),
    ("decision_boundary", boundary_no_b, "bias_forgotten"),
    ("f1_score", f1_accuracy, "accuracy_instead_of_f1"),
    ("f1_score", f1_no_two, "missing_factor_2"),
    ("f1_score", f1_nan_when_empty, "division_by_zero"),
    ("f1_score", f1_python_division, "division_by_zero"),
    ("f1_score", f1_class_zero, "wrong_positive_label"),
    ("f1_score", f1_recall, "precision_or_recall_only"),
]


def test_the_lessons_checkers_are_registered_under_the_issues_names():
    assert set(LESSON_CHECKERS) == {"train_one_vs_all", "softmax_cost", "forward", "numerical_gradient",
                                    "combine_gradients", "decision_boundary", "f1_score"}
    assert all(CHECKERS[name] is checker for name, checker in LESSON_CHECKERS.items())


@pytest.mark.parametrize("exercise", sorted(LESSON_CHECKERS))
def test_each_lesson_exercise_has_at_least_three_catalogued_mistakes(exercise):
    keys = {mk.key for mk in LESSON_CATALOGUE if mk.exercise == exercise}
    assert len(keys) >= 3 and keys <= set(MISTAKE_KEYS), keys


@pytest.mark.parametrize("exercise", sorted(LESSON_CHECKERS))
def test_the_reference_passes(exercise):
    result = CHECKERS[exercise](REFERENCES[exercise])
    assert result.passed, str(result)


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("exercise, fn", CORRECT, ids=[fn.__name__ for _, fn in CORRECT])
def test_a_correct_implementation_passes(exercise, fn, seed):
    result = CHECKERS[exercise](fn, seed=seed)
    assert result.passed, str(result)
    assert result.mistakes == () and result.warnings == ()


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("exercise, fn, key", WRONG, ids=[fn.__name__ for _, fn, _ in WRONG])
def test_each_catalogued_mistake_is_diagnosed_by_its_key(exercise, fn, key, seed):
    result = CHECKERS[exercise](fn, seed=seed)
    assert not result.passed
    assert result.mistake == key, str(result)


def test_every_catalogued_lesson_mistake_has_a_student_written_test():
    tested = {(exercise, key) for exercise, _, key in WRONG}
    catalogued = {(mk.exercise, mk.key) for mk in LESSON_CATALOGUE}
    assert catalogued == tested


# ------------------------------------------------------------------ answers of the wrong form
_FORMS = {  # exercise: (a right answer's form, as the diagnosis must name it)
    "train_one_vs_all": "shape (K, n+1)",
    "softmax_cost": "a pair (J, grad)",
    "forward": "shape (m, 1)",
    "numerical_gradient": "shaped like theta",
    "combine_gradients": "shaped like one block's gradient",
    "decision_boundary": "shaped like x1",
    "f1_score": "one float",
}


def _returning(value):
    return lambda *args, **kwargs: value


def _transposed(fn):
    return lambda *args, **kwargs: np.asarray(fn(*args, **kwargs)).T


def _extended(fn):
    def extended(*args, **kwargs):
        value = fn(*args, **kwargs)
        if isinstance(value, tuple):  # (J, grad): the gradient gets the extra number
            return value[0], np.append(np.ravel(value[1]), 0.0)
        return np.append(np.ravel(value), 0.0)

    return extended


@pytest.mark.parametrize("exercise", sorted(LESSON_CHECKERS))
@pytest.mark.parametrize("answer, key", [
    (lambda ref: _returning(None), "returned_none"),
    (lambda ref: _returning("done"), "wrong_type"),
    (lambda ref: _returning({"answer": 1.0}), "wrong_type"),
    (lambda ref: _extended(ref), "wrong_shape"),
    (lambda ref: (lambda *a, **k: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]), "wrong_shape"),
], ids=["None", "a string", "a dict", "one number too many", "a list of the wrong length"])
def test_an_answer_of_the_wrong_form_gets_a_verdict_naming_the_expected_form(exercise, answer, key):
    result = CHECKERS[exercise](answer(REFERENCES[exercise]))
    assert not result.passed and result.mistake == key, str(result)
    assert _FORMS[exercise] in result.diagnosis, result.diagnosis
    assert "Traceback" not in result.diagnosis and "minilr/" not in result.diagnosis


def _as_list(exercise):
    def as_list(*args, **kwargs):
        value = REFERENCES[exercise](*args, **kwargs)
        if exercise == "softmax_cost":
            return [float(value[0]), np.asarray(value[1]).tolist()]
        return np.asarray(value).tolist()

    return as_list


@pytest.mark.parametrize("exercise", sorted(set(LESSON_CHECKERS) - {"train_one_vs_all"}))
def test_a_right_answer_as_a_list_passes(exercise):
    assert CHECKERS[exercise](_as_list(exercise)).passed


def test_one_vs_all_as_a_list_is_the_returns_list_mistake():
    # all_theta.T and all_theta[:, 0] need an array: a list of classifiers is a mistake, even a right one.
    result = CHECKERS["train_one_vs_all"](_as_list("train_one_vs_all"))
    assert result.mistakes == ("returns_list",), str(result)


def test_train_one_vs_all_names_the_shape_it_got_and_the_one_expected():
    result = CHECKERS["train_one_vs_all"](_transposed(ova_vectorised))
    assert result.mistake == "wrong_shape"
    assert "all_theta has shape (4, 3)" in result.diagnosis and "(3, 4)" in result.diagnosis, result.diagnosis


def test_a_value_that_is_not_a_function_is_reported():
    result = CHECKERS["forward"](np.zeros(3))
    assert result.mistake == "not_a_function" and "Expected h" in result.diagnosis


def test_f1_division_by_zero_names_the_case_without_positives():
    result = CHECKERS["f1_score"](f1_python_division)
    assert "ZeroDivisionError" in result.diagnosis and "no predicted positive" in result.diagnosis


def test_the_pytest_plugin_checks_the_lessons_exercises(minilr_check):
    assert minilr_check("forward", forward_vectorised).passed
    with pytest.raises(AssertionError, match=r"FAIL combine_gradients \[unweighted_mean\]"):
        minilr_check("combine_gradients", combine_plain_mean)


def test_a_stable_softmax_cost_taking_log_of_p_is_fragile_like_the_binary_cost():
    # Right on every ordinary case; log(0) only at |z| = 1000: fragile, as the textbook binary cost is.
    result = CHECKERS["softmax_cost"](softmax_cost_log_of_p)
    assert result.fragile and result.mistakes == ("log_of_zero",), str(result)
    assert CHECKERS["cost"](lambda theta, X, y, lam: _binary_cost_of_h(theta, X, y, lam)).fragile


def _binary_cost_of_h(theta, X, y, lam):
    h = expit(X @ theta)
    m = len(y)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lam / (2 * m) * np.sum(theta[1:] ** 2)
