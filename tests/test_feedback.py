"""Feedback a student can trust: two mistakes named as both, np.where's sigmoid, mirror mistakes,
a function failing through another one, one diagnosis per line, and log(0)'s true thresholds.

Every student function is written as a student would write it, independently of minilr.
"""

import importlib.util
import textwrap

import numpy as np
import pytest
from scipy.special import expit

from minilr import sigmoid as minilr_sigmoid
from minilr.exercises import CATALOGUE, CHECKERS, assert_passes, check_exercise
from minilr.exercises.batch import grade

UNKNOWN = "no known mistake"


def _module(tmp_path, source, name="student"):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


# ------------------------------------------------------------------ two catalogued mistakes at once
def cost_bias_and_sum(theta, X, y, lam):
    m = len(y)
    z = X @ theta
    J = np.sum(np.logaddexp(0, z) - y * z)  # forgot the 1/m
    return J + lam / (2 * m) * np.sum(theta**2)  # and the bias is penalised


def cost_sign_and_bias(theta, X, y, lam):
    m = len(y)
    z = X @ theta
    J = np.mean(y * z - np.logaddexp(0, z))  # the minus sign lost
    return J + lam / (2 * m) * theta @ theta


def gradient_bias_and_sum(theta, X, y, lam):
    m = len(y)
    h = expit(X @ theta)
    return X.T @ (h - y) + (lam / m) * theta


def gradient_sign_and_half(theta, X, y, lam):
    m = len(y)
    reg = theta.copy()
    reg[0] = 0
    return X.T @ (y - expit(X @ theta)) / m + lam / (2 * m) * reg


def step_bias_and_sum(theta, X, y, alpha, lam):
    h = expit(X @ theta)
    grad = X.T @ (h - y) + lam / len(y) * theta
    return theta - alpha * grad


@pytest.mark.parametrize("exercise, student, keys", [
    ("cost", cost_bias_and_sum, {"bias_regularized", "sum_instead_of_mean"}),
    ("cost", cost_sign_and_bias, {"sign_flipped", "bias_regularized"}),
    ("gradient", gradient_bias_and_sum, {"bias_regularized", "sum_instead_of_mean"}),
    ("gradient", gradient_sign_and_half, {"sign_flipped", "lam_over_2m"}),
    ("gradient_descent_step", step_bias_and_sum, {"bias_regularized", "sum_instead_of_mean"}),
])
def test_two_known_mistakes_together_are_named_as_both(exercise, student, keys):
    result = CHECKERS[exercise](student)
    assert set(result.mistakes) == keys, str(result)
    assert UNKNOWN not in str(result)


def test_two_mistakes_in_a_course_cost_and_gradient_pair_are_named_as_both():
    def costFunctionReg(theta, X, y, lambda_):
        m = y.size
        z = X.dot(theta)
        h = expit(z)
        J = np.sum(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta**2)
        grad = X.T.dot(h - y) + lambda_ / m * theta
        return J, grad

    result = check_exercise(costFunctionReg, "costFunctionReg", profile="ex2")
    assert set(result.mistakes) == {"bias_regularized", "sum_instead_of_mean"}, str(result)
    assert UNKNOWN not in str(result)


# ------------------------------------------------------------------ the sigmoid the hint suggests
def sigmoid_as_hinted(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_from_the_fix(z):
    e = np.exp(-np.abs(z))  # what the diagnosis says to do
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_np_where_sigmoid_is_told_that_both_branches_run():
    result = CHECKERS["sigmoid"](sigmoid_as_hinted)
    assert result.mistakes == ("where_evaluates_both_branches",), str(result)
    assert "both branches" in result.diagnosis and "np.exp(-np.abs(z))" in result.diagnosis
    assert "1 / (1 + exp(-z)) overflows" not in result.diagnosis  # not the naive formula's message
    assert UNKNOWN not in str(result)


def test_the_fix_the_diagnosis_gives_passes():
    assert_passes(CHECKERS["sigmoid"](sigmoid_from_the_fix))


def test_the_textbook_sigmoid_keeps_its_own_diagnosis():
    result = CHECKERS["sigmoid"](lambda z: 1 / (1 + np.exp(-z)))
    assert result.mistakes == ("unstable_sigmoid",), str(result)


# ------------------------------------------------------------------ mirror mistakes of cost and gradient
def gradient_lam_over_2m(theta, X, y, lam):
    m = len(y)
    grad = X.T @ (expit(X @ theta) - y) / m
    grad[1:] += lam / (2 * m) * theta[1:]  # the cost's 1/(2m) copied into the gradient
    return grad


def step_lam_over_2m(theta, X, y, alpha, lam):
    return theta - alpha * gradient_lam_over_2m(theta, X, y, lam)


def cost_transposed(theta, X, y, lam):
    m = len(y)
    z = X.T @ theta  # works only while X is square
    return np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * m) * np.sum(theta[1:] ** 2)


@pytest.mark.parametrize("exercise, student, key", [
    ("gradient", gradient_lam_over_2m, "lam_over_2m"),
    ("gradient_descent_step", step_lam_over_2m, "lam_over_2m"),
    ("cost", cost_transposed, "transposed_X"),  # the mirror of the gradient's transposed_X
])
def test_mirror_mistakes_of_cost_and_gradient(exercise, student, key):
    result = CHECKERS[exercise](student)
    assert result.mistake == key and set(result.mistakes) <= {key, "raised"}, str(result)  # X.T only fits square
    assert UNKNOWN not in str(result)


# ------------------------------------------------------------------ a function failing through another
NOTEBOOK = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(z))          # sign flipped

def gradient(theta, X, y, lam):
    m = len(y)
    reg = np.concatenate([[0], theta[1:]])
    return X.T @ (sigmoid(X @ theta) - y) / m + lam / m * reg

def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam)

def uphill_step(theta, X, y, alpha, lam):
    return theta + alpha * gradient(theta, X, y, lam)
"""


def test_a_correct_step_calling_a_broken_gradient_says_fix_gradient_first(tmp_path):
    student, _ = _module(tmp_path, NOTEBOOK)
    result = CHECKERS["gradient_descent_step"](student.gradient_descent_step)
    assert result.mistakes == ("depends_on_broken",), str(result)
    assert "fix `gradient` first" in result.diagnosis and UNKNOWN not in str(result)


def test_a_gradient_failing_only_through_its_sigmoid_says_fix_sigmoid_first(tmp_path):
    student, _ = _module(tmp_path, NOTEBOOK)
    result = CHECKERS["gradient"](student.gradient)
    assert result.mistakes == ("depends_on_broken",), str(result)
    assert "fix `sigmoid` first" in result.diagnosis and UNKNOWN not in str(result)


def test_a_step_with_a_mistake_of_its_own_keeps_it_after_the_broken_gradient(tmp_path):
    student, _ = _module(tmp_path, NOTEBOOK)
    result = CHECKERS["gradient_descent_step"](student.uphill_step)
    assert result.mistakes == ("depends_on_broken", "sign_flipped"), str(result)


def test_assert_passes_in_a_course_test_file_names_the_broken_function(tmp_path):
    _, path = _module(tmp_path, NOTEBOOK, name="hw")
    tests = tmp_path / "test_hw.py"
    tests.write_text("from hw import gradient_descent_step\n"
                     "from minilr.exercises import assert_passes, check_gradient_descent_step\n\n"
                     "def test_step():\n    assert_passes(check_gradient_descent_step(gradient_descent_step))\n")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1 and "depends_on_broken" in run.stdout and "fix `gradient` first" in run.stdout


def test_a_profile_exercise_failing_through_the_students_sigmoid(tmp_path):
    student, _ = _module(tmp_path, """
        import numpy as np

        def sigmoid(z):
            return 1 / (1 + np.exp(z))

        def costFunction(theta, X, y):
            m = y.size
            z = X.dot(theta)
            h = sigmoid(z)
            J = np.mean(np.logaddexp(0, z) - y * z)  # the stable cost, but the gradient uses sigmoid
            return J, X.T.dot(h - y) / m
        """, name="ex2_student")
    result = check_exercise(student.costFunction, "costFunction", profile="ex2")
    assert result.mistakes == ("depends_on_broken",), str(result)
    assert "fix `sigmoid` first" in result.diagnosis and UNKNOWN not in str(result)


def test_the_class_grader_says_fix_gradient_first(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ana.py").write_text(textwrap.dedent(NOTEBOOK), encoding="utf-8")
    records = {r["exercise"]: r for r in grade([tmp_path / "class"], progress=False)}
    assert records["minilr:sigmoid"]["mistakes"] == ["sign_flipped"]
    for exercise, other in [("minilr:gradient", "sigmoid"), ("minilr:gradient_descent_step", "gradient")]:
        assert records[exercise]["mistakes"][0] == "depends_on_broken", records[exercise]
        assert f"fix `{other}` first" in records[exercise]["message"] and UNKNOWN not in records[exercise]["message"]


# ------------------------------------------------------------------ layout: one diagnosis per line
def test_each_diagnosis_is_one_line_key_first_case_last():
    result = CHECKERS["cost"](cost_bias_and_sum)
    head, *lines = str(result).splitlines()
    assert head == "FAIL cost [bias_regularized, sum_instead_of_mean]:"
    assert [line.split(":")[0].strip() for line in lines] == list(result.mistakes)
    assert all(line.startswith("  ") and "[case '" in line and line.endswith("]") for line in lines)


def test_the_cli_table_details_put_one_diagnosis_per_line(tmp_path, capsys):
    from minilr.exercises.cli import main

    (tmp_path / "s.py").write_text("import numpy as np\nfrom scipy.special import expit\n\n"
                                   "def cost(theta, X, y, lam):\n    h = expit(X @ theta)\n"
                                   "    return np.sum(-y * np.log(h) - (1 - y) * np.log(1 - h))"
                                   " + lam / (2 * len(y)) * np.sum(theta**2)\n", encoding="utf-8")
    assert main([str(tmp_path / "s.py"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    details = out[out.index("s.py minilr:cost fail:"):].splitlines()
    assert details[1].startswith("  bias_regularized: ") and details[2].startswith("  sum_instead_of_mean: ")


# ------------------------------------------------------------------ log(0): where the sigmoid really rounds
def test_log_of_zero_states_the_true_thresholds():
    z = np.array([-746.0, -745.0, -38.0, 37.0, 38.0])
    h = minilr_sigmoid(z)
    assert h[0] == 0.0 and h[1] > 0.0 and h[2] == pytest.approx(3.1e-17, rel=0.01)
    assert minilr_sigmoid(36.0) < 1.0 and h[3] == h[4] == 1.0
    for mk in CATALOGUE:
        if mk.key == "log_of_zero" and mk.exercise != "softmax_cost":  # the softmax's log(P) has no sigmoid
            assert "exactly 0 or 1" not in mk.message and "-745" in mk.message and "z = 37" in mk.message
