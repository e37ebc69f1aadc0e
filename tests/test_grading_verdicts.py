"""Verdicts that do not cascade, one verdict per function, arguments matched by their names, real mistakes named.

Each submission is written here, small, the way students write it; the class
grader (:func:`minilr.exercises.batch.grade`) runs each in its own process,
the in-process checkers run it in this one. Every verdict and every key is
stated exactly.
"""

import textwrap

import numpy as np
import pytest
from scipy.special import expit, log_expit

from minilr.exercises import CHECKERS, check_exercise
from minilr.exercises.batch import grade
from minilr.exercises.reading.arguments import match_arguments
from minilr.exercises.reading.detect import match_functions
from minilr.exercises.judging.profiles import BUILTIN


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    return folder


def records_of(folder, **options):
    """``{exercise: (verdict, mistakes, message)}`` of the one submission in ``folder``."""
    return {r["exercise"]: (r["verdict"], r["mistakes"], r["message"])
            for r in grade([folder], progress=False, **options)}


def module(tmp_path, source, name="student"):
    """The student's source imported as a module (its functions share its globals, as in a notebook)."""
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    student = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(student)
    return student


TEXTBOOK_SIGMOID = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))
"""

RIGHT_CALLERS = TEXTBOOK_SIGMOID + """
def gradient(theta, X, y, lam):
    m = len(y)
    reg = np.concatenate([[0], theta[1:]])
    return X.T @ (sigmoid(X @ theta) - y) / m + lam / m * reg

def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam)

def predict_one_vs_all(all_theta, X):
    X1 = np.column_stack([np.ones(len(X)), X])
    return np.argmax(sigmoid(X1 @ all_theta.T), axis=1)
"""


# ------------------------------------------------------------------ a fragile callee never fails a right caller
def test_right_callers_of_a_textbook_sigmoid_pass_and_their_note_names_it(tmp_path):
    records = records_of(write(tmp_path / "class", {"ana.py": RIGHT_CALLERS}))
    assert records["minilr:sigmoid"][:2] == ("fail", ["unstable_sigmoid"])  # minilr is strict: its own record
    for exercise in ("minilr:gradient", "minilr:gradient_descent_step", "minilr:predict_one_vs_all"):
        verdict, mistakes, message = records[exercise]
        assert (verdict, mistakes) == ("pass", []), (exercise, message)
        assert "the RuntimeWarning comes from your `sigmoid`" in message, message


@pytest.mark.parametrize("exercise", ["gradient", "gradient_descent_step", "predict_one_vs_all"])
def test_in_process_the_same_callers_pass(tmp_path, exercise):
    student = module(tmp_path, RIGHT_CALLERS)
    result = CHECKERS[exercise](getattr(student, exercise))
    assert result.passed and result.mistakes == (), str(result)
    assert "your `sigmoid`" in result.diagnosis


EX2_TEXTBOOK = TEXTBOOK_SIGMOID + """
def costFunction(theta, X, y):
    m = y.size
    h = sigmoid(X @ theta)
    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    return J, X.T @ (h - y) / m

def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(int)
"""


def test_a_caller_fragile_on_its_own_stays_fragile_with_its_own_key_only(tmp_path):
    records = records_of(write(tmp_path / "class", {"ex2.py": EX2_TEXTBOOK}))
    assert records["ex2:sigmoid"][:2] == ("fragile", ["unstable_sigmoid"])
    assert records["ex2:costFunction"][:2] == ("fragile", ["log_of_zero"])  # log(h): its own, not depends_on_broken
    assert records["ex2:predict"][:2] == ("pass", [])


BROKEN_CALLEES = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(z))  # sign flipped: fails

def gradient(theta, X, y, lam):
    m = len(y)
    return X.T @ (sigmoid(X @ theta) - y) / m + lam / m * np.concatenate([[0], theta[1:]])

def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam)
"""


def test_depends_on_broken_names_only_a_failing_callee_in_the_words_of_its_verdict(tmp_path):
    records = records_of(write(tmp_path / "class", {"bo.py": BROKEN_CALLEES}))
    assert records["minilr:sigmoid"][:2] == ("fail", ["sign_flipped"])
    verdict, mistakes, message = records["minilr:gradient"]
    assert (verdict, mistakes) == ("fail", ["depends_on_broken"])
    assert "It calls your `sigmoid`, which fails its own check (sign_flipped): fix `sigmoid` first" in message
    verdict, mistakes, message = records["minilr:gradient_descent_step"]
    assert (verdict, mistakes) == ("fail", ["depends_on_broken"]) and "your `gradient`, which fails" in message


def test_a_callee_that_raises_is_named_as_raising(tmp_path):
    student = module(tmp_path, """
        import math
        import numpy as np

        def sigmoid(z):
            return 1 / (1 + math.exp(-z))  # a float function: raises on arrays

        def gradient(theta, X, y, lam):
            m = len(y)
            h = np.array([sigmoid(v) for v in X @ theta])
            return X.T @ (h - y) / m + lam / m * np.concatenate([[0], theta[1:]])

        def gradient_descent_step(theta, X, y, alpha, lam):
            return theta - alpha * gradient(theta, X, y, lam)
        """)
    assert CHECKERS["sigmoid"](student.sigmoid).mistakes == ("raised",)
    result = CHECKERS["gradient"](student.gradient)
    assert result.mistakes == ("depends_on_broken",), str(result)
    assert "It calls your `sigmoid`, which raises an error in its own check" in result.diagnosis


def test_with_a_fragile_and_a_failing_callee_only_the_failing_one_is_named(tmp_path):
    student = module(tmp_path, TEXTBOOK_SIGMOID + """
def gradient(theta, X, y, lam):
    return -(X.T @ (sigmoid(X @ theta) - y)) / len(y)  # sign flipped, lam forgotten

def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam) + 0 * sigmoid(0.0)
""")
    result = CHECKERS["gradient_descent_step"](student.gradient_descent_step)
    assert result.mistakes == ("depends_on_broken",), str(result)
    assert "your `gradient`" in result.diagnosis and "your `sigmoid`" not in result.diagnosis


# ------------------------------------------------------------------ one verdict per function
EX2_WITH_HELPERS = """
import numpy as np
from scipy.special import expit, log_expit

def sigmoid(z):
    return expit(z)

def cost(theta, X, y, lam):  # a helper with minilr's name
    z = X @ theta
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lam / (2 * len(y)) * np.sum(theta[1:] ** 2)

def costFunction(theta, X, y):
    return cost(theta, X, y, 0.0), X.T @ (expit(X @ theta) - y) / y.size

def predict(theta, X):
    return (X @ theta >= 0).astype(int)
"""


def test_without_a_profile_a_submission_is_graded_under_the_one_profile_it_targets(tmp_path):
    records = grade([write(tmp_path / "class", {"h.py": EX2_WITH_HELPERS})], progress=False)
    assert {r["profile"] for r in records} == {"ex2"}
    graded = [r["function"] for r in records if r["verdict"] != "missing"]
    assert sorted(graded) == ["costFunction", "predict", "sigmoid"]  # each once; `cost` is a helper here
    assert [r["exercise"] for r in records if r["verdict"] == "missing"] == ["ex2:costFunctionReg"]


@pytest.mark.parametrize("functions, profile", [
    ({"sigmoid": (["z"], 1, False)}, "minilr"),  # shared by several: the first, and no missing records
    ({"sigmoid": (["z"], 1, False), "costFunction": (["theta", "X", "y"], 3, False),
      "cost": (["theta", "X", "y", "lam"], 4, False)}, "ex2"),  # one own function each: ex2 has more of its own
    ({"sigmoid": (["z"], 1, False), "lrCostFunction": (["theta", "X", "y", "lambda_"], 4, False),
      "oneVsAll": (["X", "y", "num_labels", "lambda_"], 4, False), "costFunction": (["theta", "X", "y"], 3, False)},
     "ex3"),
])
def test_detection_picks_one_profile(functions, profile):
    assignments, targeted = match_functions(functions, list(BUILTIN.values()))
    assert {a.profile.name for a in assignments} == {profile}
    names = [a.function for a in assignments]
    assert len(names) == len(set(names))


# ------------------------------------------------------------------ arguments matched by their names
LESSON_OVA = """
import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

def _fit(X1, t, lam):
    def f(theta):
        z = X1 @ theta
        J = np.mean(np.logaddexp(0, z) - t * z) + lam / (2 * len(t)) * np.sum(theta[1:] ** 2)
        return J, X1.T @ (expit(z) - t) / len(t) + lam / len(t) * np.concatenate([[0], theta[1:]])
    return minimize(f, np.zeros(X1.shape[1]), jac=True, method="L-BFGS-B").x

def one_vs_all({params}):
    # the lesson's X has its column of ones, its labels are 1..K
    return np.array([_fit({X}, ({y} == k + 1) * 1.0, {lam}) for k in range({K})])
"""


@pytest.mark.parametrize("params, names, note", [
    ("X, y, num_labels, lambda_", dict(X="X", y="y", lam="lambda_", K="num_labels"), False),
    ("X, y, l, K", dict(X="X", y="y", lam="l", K="K"), False),  # the lesson's own order
    ("X, y, K, reg", dict(X="X", y="y", lam="reg", K="K"), False),
    ("a, b, c, d", dict(X="a", y="b", lam="c", K="d"), True),  # nothing to go by: the lesson's order
])
def test_one_vs_all_is_called_in_the_order_its_parameter_names_say(tmp_path, params, names, note):
    source = LESSON_OVA.format(params=params, **names)
    records = grade([write(tmp_path / "class", {"ova.py": source})], profile="lesson", progress=False)
    (record,) = [r for r in records if r["exercise"] == "lesson:one_vs_all"]
    assert (record["verdict"], record["mistakes"]) == ("pass", []), record["message"]
    said = "do not say which argument is which: it was called in the profile's order (X, y, lam, K)"
    assert (said in record["message"]) == note, record["message"]


@pytest.mark.parametrize("names, order, decided", [
    (["X", "y", "num_labels", "lambda_"], ("X", "y", "K", "lam"), True),
    (["X", "y", "Lambda", "K"], ("X", "y", "lam", "K"), True),
    (["X", "y", "lam", "n_classes"], ("X", "y", "lam", "K"), True),
    (["data", "labels", "num_labels", "lambda_"], ("X", "y", "K", "lam"), True),  # `labels`, the one left: y
    (["A", "b", "c", "lam"], None, False),  # two parameters nothing says anything about
    (["X", "y", "k", "K"], ("X", "y", "lam", "K"), False),  # two parameters claim K
    (["X", "y", "foo", "lam"], ("X", "y", "K", "lam"), True),  # the one left over
])
def test_match_arguments(names, order, decided):
    got, was_decided = match_arguments(names, ("X", "y", "lam", "K"))
    assert was_decided == decided
    assert got == (order if decided else ("X", "y", "lam", "K"))


# ------------------------------------------------------------------ the new mistakes, each with its key
def _stable(z):
    return expit(z)


def predict_rounded(theta, X):
    return np.round(_stable(X @ theta))


def predict_on_z(theta, X):
    return (X @ theta >= 0.5).astype(int)


def predict_right(theta, X):
    return (_stable(X @ theta) >= 0.5).astype(int)


def cost_function_reg(theta, X, y, lambda_, *, column=False):
    m = y.size
    z = X @ theta
    J = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (expit(z) - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, (grad.reshape(-1, 1) if column else grad)


def nn_cost(nn_params, n_in, n_h, K, X, y, lambda_=0.0, *, order="C"):
    T1 = nn_params[: n_h * (n_in + 1)].reshape((n_h, n_in + 1), order=order)
    T2 = nn_params[n_h * (n_in + 1):].reshape((K, n_h + 1), order=order)
    m = X.shape[0]
    a1 = np.column_stack([np.ones(m), X])
    z2 = a1 @ T1.T
    a2 = np.column_stack([np.ones(m), expit(z2)])
    z3 = a2 @ T2.T
    Y = np.eye(K)[y]
    J = np.sum(-Y * log_expit(z3) - (1 - Y) * log_expit(-z3)) / m
    J += lambda_ / (2 * m) * (np.sum(T1[:, 1:] ** 2) + np.sum(T2[:, 1:] ** 2))
    d3 = expit(z3) - Y
    d2 = (d3 @ T2[:, 1:]) * expit(z2) * (1 - expit(z2))
    G1, G2 = d2.T @ a1 / m, d3.T @ a2 / m
    G1[:, 1:] += lambda_ / m * T1[:, 1:]
    G2[:, 1:] += lambda_ / m * T2[:, 1:]
    return J, np.concatenate([G1.ravel(order=order), G2.ravel(order=order)])


def cost_function_matrix(theta, X, y):
    theta, X, y = np.matrix(theta), np.matrix(X), np.matrix(y)
    m = X.shape[0]
    h = 1 / (1 + np.exp(-(X * theta.T)))  # `*` of np.matrix: a matrix product
    J = (-y * np.log(h) - (1 - y) * np.log(1 - h)) / m
    return J, (h - y.T).T * X / m  # grad of shape (1, n+1)


@pytest.mark.parametrize("profile, exercise, fn, key", [
    ("ex2", "predict", predict_rounded, "round_half_to_even"),
    ("ex2", "predict", lambda theta, X: (_stable(X @ theta) > 0.5).astype(int), "round_half_to_even"),
    ("ex2", "predict", predict_on_z, "threshold_without_sigmoid"),
    ("ex2", "costFunctionReg", lambda *a: cost_function_reg(*a, column=True), "gradient_as_column"),
    ("ex3", "lrCostFunction", lambda *a: cost_function_reg(*a, column=True), "gradient_as_column"),
    ("ex4", "nnCostFunction", lambda *a: nn_cost(*a, order="F"), "column_major_unroll"),
    ("ex2", "costFunction", cost_function_matrix, "np_matrix"),
])
def test_each_new_mistake_is_named_by_its_key(profile, exercise, fn, key):
    result = check_exercise(fn, exercise, profile=profile)
    assert not result.passed and result.mistakes == (key,), str(result)


@pytest.mark.parametrize("profile, exercise, fn", [
    ("ex2", "predict", predict_right), ("ex2", "costFunctionReg", cost_function_reg),
    ("ex4", "nnCostFunction", nn_cost)])
def test_the_right_versions_of_the_same_functions_pass(profile, exercise, fn):
    assert check_exercise(fn, exercise, profile=profile).passed


def test_round_half_to_even_shows_at_z_exactly_zero():
    result = check_exercise(predict_rounded, "predict", profile="ex2")
    assert result.worst_case == "theta = 0: every z exactly 0"


def test_the_class_grader_names_a_list_from_one_vs_all_and_an_np_matrix(tmp_path):
    folder = write(tmp_path / "class", {"ex3_list.py": """
        import numpy as np
        from scipy.optimize import minimize
        from scipy.special import expit

        def oneVsAll(X, y, num_labels, lambda_):
            m, n = X.shape
            X1 = np.concatenate([np.ones((m, 1)), X], axis=1)
            all_theta = []
            for c in range(num_labels):
                t = (y == c) * 1.0
                def f(theta):
                    z = X1 @ theta
                    J = np.mean(np.logaddexp(0, z) - t * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
                    g = X1.T @ (expit(z) - t) / m
                    g[1:] += lambda_ / m * theta[1:]
                    return J, g
                all_theta.append(minimize(f, np.zeros(n + 1), jac=True, method="L-BFGS-B").x)
            return all_theta
        """, "ex2_matrix.py": """
        import numpy as np

        def costFunction(theta, X, y):
            theta, X, y = np.matrix(theta), np.matrix(X), np.matrix(y)
            m = X.shape[0]
            h = 0.5 * (1 + np.tanh(0.5 * (X * theta.T)))  # the sigmoid; scipy's expit may refuse a matrix
            J = (-y * np.log(h) - (1 - y) * np.log(1 - h)) / m
            return J, (h - y.T).T * X / m
        """})
    records = {r["exercise"]: r for r in grade([folder], progress=False) if r["verdict"] != "missing"}
    assert (records["ex3:oneVsAll"]["verdict"], records["ex3:oneVsAll"]["mistakes"]) == ("fail", ["returns_list"])
    matrix = records["ex2:costFunction"]
    assert (matrix["verdict"], matrix["mistakes"]) == ("fail", ["np_matrix"]), matrix["message"]


def nn_cost_log_h(nn_params, n_in, n_h, K, X, y, lambda_=0.0):
    """The network's cost from log(h) of a stable sigmoid: right, but log(0) at |z| = 1000."""
    T1 = nn_params[: n_h * (n_in + 1)].reshape(n_h, n_in + 1)
    T2 = nn_params[n_h * (n_in + 1):].reshape(K, n_h + 1)
    m = X.shape[0]
    a2 = np.column_stack([np.ones(m), expit(np.column_stack([np.ones(m), X]) @ T1.T)])
    h = expit(a2 @ T2.T)
    Y = np.eye(K)[y]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lambda_ / (2 * m) * (np.sum(T1[:, 1:] ** 2) + np.sum(T2[:, 1:] ** 2))
    return J, nn_cost(nn_params, n_in, n_h, K, X, y, lambda_)[1]


def test_fragile_means_the_same_for_the_network_cost():
    result = check_exercise(nn_cost_log_h, "nnCostFunction", profile="ex4")
    assert not result.passed and result.fragile and result.mistakes == ("log_of_zero",), str(result)
