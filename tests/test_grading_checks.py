"""The course exercises' checks, in the grader's process: right answers pass, each new mistake is named.

Every student function is written independently of minilr, the way the
courses' own solutions are (scipy's ``expit``/``log_expit`` for the stable
ones, ``1 / (1 + np.exp(-z))`` for the textbook ones).
"""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from minilr.exercises import PROFILES, assert_passes, check_exercise, load_profile
from minilr.exercises.judging.profiles import ProfileError


def textbook(z):
    return 1 / (1 + np.exp(-z))


def cost_function_reg(theta, X, y, lambda_, *, sig=expit, copy=True, log_second=None):
    m = y.size
    z = X @ theta
    h = sig(z)
    second = log_second(z) if log_second else (log_expit(-z) if sig is expit else np.log(1 - h))
    first = log_expit(z) if sig is expit else np.log(h)
    temp = theta.copy() if copy else theta
    temp[0] = 0
    J = -np.mean(y * first + (1 - y) * second) + lambda_ / (2 * m) * np.sum(temp**2)
    return J, X.T @ (h - y) / m + lambda_ / m * temp


def column_cost(theta, X, y, lambda_):
    m = y.size
    h = expit(X @ theta).reshape(m, 1)  # as in the lecture's column-vector notation
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (h - y) / m
    return J, grad


def nn_cost(nn_params, n_in, n_h, K, X, y, lambda_=0.0, *, bias=False, over_m=True, shift=0):
    T1 = nn_params[: n_h * (n_in + 1)].reshape(n_h, n_in + 1)
    T2 = nn_params[n_h * (n_in + 1):].reshape(K, n_h + 1)
    m = X.shape[0]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ T1.T
    a2 = np.hstack([np.ones((m, 1)), expit(z2)])
    z3 = a2 @ T2.T
    Y = np.eye(K)[(y + shift) % K]
    J = np.sum(-Y * log_expit(z3) - (1 - Y) * log_expit(-z3)) / m
    s = 0 if bias else 1
    J += lambda_ / (2 * (m if over_m else 1)) * (np.sum(T1[:, s:] ** 2) + np.sum(T2[:, s:] ** 2))
    d3 = expit(z3) - Y
    d2 = (d3 @ T2[:, 1:]) * expit(z2) * (1 - expit(z2))
    G1, G2 = d2.T @ a1 / m, d3.T @ a2 / m
    G1[:, s:] += lambda_ / (m if over_m else 1) * T1[:, s:]
    G2[:, s:] += lambda_ / (m if over_m else 1) * T2[:, s:]
    return J, np.concatenate([G1.ravel(), G2.ravel()])


def one_vs_all(X, y, num_labels, lambda_, *, ones=True, offset=0):
    m = X.shape[0]
    X1 = np.hstack([np.ones((m, 1)), X]) if ones else X
    rows = []
    for c in range(num_labels):
        fit = minimize(lambda t: cost_function_reg(t, X1, (y == c + offset) * 1.0, lambda_), np.zeros(X1.shape[1]),
                       jac=True, method="TNC")
        rows.append(fit.x)
    return np.array(rows)


def predict_network(Theta1, Theta2, X, *, probabilities=False, offset=0):
    m = X.shape[0]
    a2 = expit(np.hstack([np.ones((m, 1)), X]) @ Theta1.T)
    h = expit(np.hstack([np.ones((m, 1)), a2]) @ Theta2.T)
    return h if probabilities else np.argmax(h, axis=1) + offset


RIGHT = [
    ("ex2", "sigmoid", expit),
    ("ex2", "costFunction", lambda theta, X, y: cost_function_reg(theta, X, y, 0.0)),
    ("ex2", "predict", lambda theta, X: (X @ theta >= 0).astype(int)),
    ("ex2", "costFunctionReg", cost_function_reg),
    ("ex3", "lrCostFunction", cost_function_reg),
    ("ex3", "oneVsAll", one_vs_all),
    ("ex3", "predictOneVsAll", lambda all_theta, X: np.argmax(np.hstack([np.ones((len(X), 1)), X]) @ all_theta.T, 1)),
    ("ex3", "predict", predict_network),
    ("ex4", "sigmoidGradient", lambda z: expit(z) * (1 - expit(z))),
    ("ex4", "randInitializeWeights", lambda L_in, L_out, epsilon_init=0.12:
        np.random.default_rng(1).uniform(-epsilon_init, epsilon_init, (L_out, 1 + L_in))),
    ("ex4", "nnCostFunction", nn_cost),
    ("lesson", "regularized_cost", lambda Theta, X, y, l: cost_function_reg(Theta, X, y, l)[0]),
    ("lesson", "regularized_gradient", lambda Theta, X, y, l: cost_function_reg(Theta, X, y, l)[1]),
    ("lesson", "one_vs_all", lambda X, y, l, K: one_vs_all(X, y - 1, K, l, ones=False)),
    ("lesson", "predict", lambda X, All_Theta: np.argmax(X @ All_Theta.T, axis=1) + 1),
]


@pytest.mark.parametrize("profile, exercise, fn", RIGHT, ids=[f"{p}:{e}" for p, e, _ in RIGHT])
def test_stable_correct_solution_passes(profile, exercise, fn):
    assert_passes(check_exercise(fn, exercise, profile=profile))


def test_every_builtin_exercise_has_a_correct_solution_above():
    assert {(p, e) for p, e, _ in RIGHT} | {("ex2", "sigmoid")} >= {
        (p.name, e.name) for p in PROFILES.values() if p.name != "minilr" for e in p.exercises
    } - {("lesson", "sigmoid")}


@pytest.mark.parametrize("profile, exercise, fn", [
    ("ex2", "sigmoid", textbook),
    ("ex2", "costFunctionReg", lambda t, X, y, l: cost_function_reg(t, X, y, l, sig=textbook)),
    ("ex4", "sigmoidGradient", lambda z: textbook(z) * (1 - textbook(z))),
    ("ex3", "predictOneVsAll", lambda A, X: np.argmax(textbook(np.hstack([np.ones((len(X), 1)), X]) @ A.T), 1)),
])
def test_textbook_solution_is_fragile_lenient_under_a_course_profile_and_strict_otherwise(profile, exercise, fn):
    result = check_exercise(fn, exercise, profile=profile)
    assert result.fragile and not result.passed, str(result)
    assert_passes(result, profile=profile)  # the course profile is lenient
    with pytest.raises(AssertionError):
        assert_passes(result, strict=True)


@pytest.mark.parametrize("profile, exercise, fn, key", [
    ("ex2", "costFunctionReg", lambda t, X, y, l: cost_function_reg(t, X, y, l, copy=False), "mutates_input"),
    ("ex2", "costFunction", lambda t, X, y: cost_function_reg(t, X, y, 0.0, log_second=lambda z: log_expit(1 - z)),
     "log_sigmoid_of_one_minus_z"),
    ("ex2", "costFunction", lambda t, X, y: column_cost(t, X, y, 0.0), "column_vector_broadcast"),
    ("ex4", "sigmoidGradient", lambda z: expit(z) * (1 - z), "sigmoid_gradient_wrong"),
    ("ex4", "randInitializeWeights", lambda L_in, L_out, e=0.12: np.zeros((L_out, 1 + L_in)), "symmetric_initialization"),
    ("ex4", "randInitializeWeights", lambda L_in, L_out, e=0.12: np.full((L_out, 1 + L_in), 0.05),
     "symmetric_initialization"),
    ("ex4", "randInitializeWeights", lambda L_in, L_out, e=0.12: np.random.rand(L_out, 1 + L_in), "wrong_range"),
    ("ex2", "predict", lambda t, X: expit(X @ t), "returns_probabilities"),
    ("ex3", "predict", lambda T1, T2, X: predict_network(T1, T2, X, probabilities=True), "returns_probabilities"),
    ("ex3", "oneVsAll", lambda X, y, K, l: one_vs_all(X, y, K, l, ones=False), "missing_ones_column"),
    ("ex3", "oneVsAll", lambda X, y, K, l: one_vs_all(X, y, K, l, offset=1), "labels_off_by_one"),
    ("ex3", "predict", lambda T1, T2, X: predict_network(T1, T2, X, offset=1), "labels_off_by_one"),
    ("ex4", "nnCostFunction", lambda *a: nn_cost(*a, shift=-1), "labels_off_by_one"),
    ("ex4", "nnCostFunction", lambda *a: nn_cost(*a, bias=True), "bias_regularized"),
    ("ex4", "nnCostFunction", lambda *a: nn_cost(*a, over_m=False), "missing_1_over_m"),
    ("lesson", "predict", lambda X, All_Theta: np.argmax(X @ All_Theta.T, axis=1), "labels_off_by_one"),
])
def test_each_new_mistake_gets_its_key(profile, exercise, fn, key):
    result = check_exercise(fn, exercise, profile=profile)
    assert not result.passed and not result.fragile
    assert result.mistakes == (key,), str(result)


def test_a_mistake_is_named_with_the_students_argument_name():
    result = check_exercise(lambda t, X, y, l: cost_function_reg(t, X, y, l, copy=False), "costFunctionReg",
                            profile="ex2")
    assert "`theta`" in result.diagnosis and "theta.copy()" in result.diagnosis


def test_unknown_exercise_of_a_profile_is_named():
    with pytest.raises(ProfileError, match="has no exercise 'cost'.*costFunction"):
        check_exercise(expit, "cost", profile="ex2")


# ------------------------------------------------------------------ profiles and TOML
def test_builtin_profiles_are_strict_only_for_minilr():
    assert {name: p.strict for name, p in PROFILES.items()} == {
        "minilr": True, "lesson": False, "ex2": False, "ex3": False, "ex4": False}


def test_lesson_one_vs_all_takes_its_arguments_in_the_lessons_order():
    ex = PROFILES["lesson"].exercise("one_vs_all")
    assert ex.args == ("X", "y", "lam", "K") and ex.first_label == 1 and ex.ones_column


TOML = '''
name = "course"
strict = true

[exercises.cost]
check = "cost_gradient"
function = ["computeCost", "cost"]
args = ["theta", "X", "y", "lam"]
points = 2

[exercises.train]
check = "one_vs_all"
function = "train_all"
args = ["X", "y", "lam", "K"]
ones_column = true
first_label = 1
'''


def test_toml_profile_maps_names_and_conventions(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(TOML)
    profile = load_profile(path)
    assert profile.name == "course" and profile.strict
    cost = profile.exercise("cost")
    assert cost.functions == ("computeCost", "cost") and cost.points == 2.0
    assert_passes(check_exercise(cost_function_reg, "cost", profile=profile))
    train = profile.exercise("train")
    assert (train.ones_column, train.first_label, train.args) == (True, 1, ("X", "y", "lam", "K"))
    assert_passes(check_exercise(lambda X, y, l, K: one_vs_all(X, y - 1, K, l, ones=False), "train", profile=profile))


@pytest.mark.parametrize("text, message", [
    ("[exercises.cost\ncheck = 'cost'\n", r"malformed TOML.*line 1"),
    ("[exercises.cost]\ncheck = 'costs'\n", r"line 2: \[exercises.cost\] check = 'costs' is not a check"),
    ("[exercises.cost]\ncheck = 'cost'\nargs = ['theta', 'X']\n", r"line 3: .*must name the arguments"),
    ("[exercises.cost]\ncheck = 'cost'\ncolour = 1\n", r"line 3: unknown key 'colour'"),
    ("name = 'x'\n", r"no exercises"),
    ("[exercises.p]\ncheck = 'predict_binary'\nfirst_label = 1\n", r"first_label"),
])
def test_bad_toml_profile_says_where(tmp_path, text, message):
    path = tmp_path / "course.toml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=message):
        load_profile(path)


def test_unknown_profile_lists_the_builtin_ones():
    with pytest.raises(ProfileError, match="minilr, lesson, ex2, ex3, ex4"):
        load_profile("ex5")


@pytest.mark.parametrize("profile", ["ex2", "toml"])
def test_spec_for_takes_a_profile_name_or_file_as_check_exercise_does(tmp_path, profile):
    from minilr.exercises.judging.profiles import spec_for

    if profile == "toml":
        profile = tmp_path / "course.toml"
        profile.write_text("name = 'week3'\n[exercises.sig]\ncheck = 'sigmoid'\n")
    exercise, named = ("sigmoid", "ex2:sigmoid") if profile == "ex2" else ("sig", "week3:sig")
    assert spec_for(profile, exercise).exercise == named
    assert spec_for(load_profile(profile), exercise).exercise == named
    with pytest.raises(ProfileError, match="minilr, lesson, ex2, ex3, ex4"):
        spec_for("ex5", "sigmoid")


def test_pytest_fixture_accepts_a_profile(minilr_check):
    minilr_check("costFunctionReg", cost_function_reg, profile="ex2")
    minilr_check("sigmoid", textbook, profile="ex2")  # fragile, and ex2 is lenient
    with pytest.raises(AssertionError, match="bias_regularized"):
        minilr_check("nnCostFunction", lambda *a: nn_cost(*a, bias=True), profile="ex4")
