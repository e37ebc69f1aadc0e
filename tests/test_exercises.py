"""The coursework checkers: right answers pass, each known mistake gets its diagnosis.

Every student function here is written independently of minilr (scipy's
``expit``/``log_expit``/``softmax`` where a stable piece is needed), the
wrong ones in the plain style a student would use.
"""

import os
import subprocess
import sys
import textwrap
import time
import warnings
from importlib.metadata import entry_points

import numpy as np
import pytest
from scipy.special import expit, log_expit
from scipy.special import softmax as scipy_softmax

from minilr.exercises import (
    CATALOGUE,
    CHECKERS,
    MISTAKE_KEYS,
    assert_passes,
    check_cost,
    check_predict_one_vs_all,
    check_sigmoid,
)
from minilr.exercises.cli import main as cli_main


# ------------------------------------------------------------------ correct, written independently
def sigmoid(z):
    return expit(z)


def _data_cost(theta, X, y):
    z = X @ theta
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))


def cost(theta, X, y, lam):
    m = len(y)
    return _data_cost(theta, X, y) + lam / (2 * m) * np.sum(theta[1:] ** 2)


def _penalty_grad(theta, lam, m):
    return lam / m * np.concatenate([[0.0], theta[1:]])


def gradient(theta, X, y, lam):
    m = len(y)
    return X.T @ (expit(X @ theta) - y) / m + _penalty_grad(theta, lam, m)


def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam)  # a new array: the caller's theta stays as it was


def _add_ones(X):
    return np.hstack([np.ones((X.shape[0], 1)), X])


def predict_one_vs_all(all_theta, X):
    return np.argmax(expit(_add_ones(X) @ all_theta.T), axis=1)


def predict_one_vs_all_from_one(all_theta, X):
    return predict_one_vs_all(all_theta, X) + 1


def backprop(W1, b1, W2, b2, X, y, *, relu_grad=lambda Z1: (Z1 > 0).astype(float), scale=None, sign=1):
    m = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    h = expit(A1 @ W2 + b2)[:, 0]
    dZ2 = sign * (h - y)[:, None] / (m if scale is None else scale)
    dZ1 = dZ2 @ W2.T * relu_grad(Z1)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def softmax(Z):
    return scipy_softmax(Z, axis=1)


CORRECT = {
    "sigmoid": sigmoid,
    "cost": cost,
    "gradient": gradient,
    "gradient_descent_step": gradient_descent_step,
    "predict_one_vs_all": predict_one_vs_all,
    "backprop": backprop,
    "softmax": softmax,
}


@pytest.mark.parametrize("exercise", sorted(CORRECT))  # the lessons' checkers: test_lesson_checkers.py
@pytest.mark.parametrize("seed", [0, 7])
def test_correct_implementation_passes_every_checker(exercise, seed):
    result = CHECKERS[exercise](CORRECT[exercise], seed=seed)
    assert result.passed, str(result)
    assert result.mistakes == () and result.n_cases >= 3
    assert_passes(result)  # returns quietly


def test_labels_from_one_pass_when_the_exercise_numbers_classes_from_one():
    assert check_predict_one_vs_all(predict_one_vs_all_from_one, first_label=1).passed


# ------------------------------------------------------------------ the catalogue, one wrong student per form
def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def cost_with(*, data=_data_cost, penalty=lambda theta, lam, m: lam / (2 * m) * np.sum(theta[1:] ** 2)):
    return lambda theta, X, y, lam: data(theta, X, y) + penalty(theta, lam, len(y))


def cost_log_h(sig, clip=0.0):
    """The blackboard formula -mean(y log h + (1-y) log(1-h)), h from ``sig``."""
    def data(theta, X, y):
        h = np.clip(sig(X @ theta), clip, 1 - clip)
        return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    return cost_with(data=data)


def gradient_with(*, sig=expit, scale=None, penalty=_penalty_grad, sign=1, transpose=False):
    def grad(theta, X, y, lam):
        m = len(y)
        r = sign * (sig(X @ theta) - y)
        data = (X @ r if transpose else X.T @ r) / (m if scale is None else scale)
        return data + penalty(theta, lam, m)
    return grad


def step_with(grad, sign=-1):
    return lambda theta, X, y, alpha, lam: theta + sign * alpha * grad(theta, X, y, lam)


def softmax_no_max(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def softmax_over(axis, keepdims=True):
    def f(Z):
        E = np.exp(Z - np.max(Z))
        return E / E.sum(axis=axis, keepdims=keepdims)
    return f


MISTAKES = [
    # (exercise, checker options, wrong student function, expected key)
    ("sigmoid", {}, lambda z: 1 / (1 + np.exp(z)), "sign_flipped"),
    ("sigmoid", {}, naive_sigmoid, "unstable_sigmoid"),
    ("sigmoid", {}, lambda z: np.exp(z) / (1 + np.exp(z)), "unstable_sigmoid"),
    ("sigmoid", {}, lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))),
     "where_evaluates_both_branches"),
    ("cost", {}, cost_with(penalty=lambda t, lam, m: lam / (2 * m) * np.sum(t**2)), "bias_regularized"),
    ("cost", {}, cost_with(data=lambda t, X, y: len(y) * _data_cost(t, X, y),
                           penalty=lambda t, lam, m: lam / 2 * np.sum(t[1:] ** 2)), "missing_1_over_m"),
    ("cost", {}, cost_with(penalty=lambda t, lam, m: lam / 2 * np.sum(t[1:] ** 2)), "missing_1_over_m"),
    ("cost", {}, cost_with(penalty=lambda t, lam, m: lam / m * np.sum(t[1:] ** 2)), "lam_over_m"),
    ("cost", {}, cost_with(data=lambda t, X, y: len(y) * _data_cost(t, X, y)), "sum_instead_of_mean"),
    ("cost", {}, cost_with(data=lambda t, X, y: -_data_cost(t, X, y)), "sign_flipped"),
    ("cost", {}, lambda t, X, y, lam: -cost(t, X, y, lam), "sign_flipped"),
    ("cost", {}, cost_log_h(expit), "log_of_zero"),
    ("cost", {}, lambda t, X, y, lam: np.mean(np.logaddexp(0, X.T @ t) - y * (X.T @ t))
     + lam / (2 * len(y)) * np.sum(t[1:] ** 2), "transposed_X"),
    ("cost", {}, cost_log_h(naive_sigmoid), "log_of_zero"),
    ("cost", {}, cost_log_h(naive_sigmoid, clip=1e-12), "unstable_sigmoid"),
    ("gradient", {}, gradient_with(penalty=lambda t, lam, m: lam / m * t), "bias_regularized"),
    ("gradient", {}, gradient_with(scale=1, penalty=lambda t, lam, m: _penalty_grad(t, lam, 1)), "missing_1_over_m"),
    ("gradient", {}, gradient_with(penalty=lambda t, lam, m: _penalty_grad(t, lam, 1)), "missing_1_over_m"),
    ("gradient", {}, gradient_with(scale=1), "sum_instead_of_mean"),
    ("gradient", {}, gradient_with(penalty=lambda t, lam, m: _penalty_grad(t, lam, 2 * m)), "lam_over_2m"),
    ("gradient", {}, gradient_with(sign=-1), "sign_flipped"),
    ("gradient", {}, lambda t, X, y, lam: -gradient(t, X, y, lam), "sign_flipped"),
    ("gradient", {}, gradient_with(transpose=True), "transposed_X"),
    ("gradient", {}, lambda t, X, y, lam: X @ (expit(X.T @ t) - y) / len(y) + _penalty_grad(t, lam, len(y)),
     "transposed_X"),
    ("gradient", {}, gradient_with(sig=naive_sigmoid), "unstable_sigmoid"),
    ("gradient", {}, lambda t, X, y, lam: gradient(t, X, y, lam).reshape(-1, 1), "gradient_as_column"),
    ("gradient_descent_step", {}, step_with(gradient_with(penalty=lambda t, lam, m: lam / m * t)), "bias_regularized"),
    ("gradient_descent_step", {}, step_with(gradient_with(scale=1, penalty=lambda t, lam, m: _penalty_grad(t, lam, 1))),
     "missing_1_over_m"),
    ("gradient_descent_step", {}, step_with(gradient_with(scale=1)), "sum_instead_of_mean"),
    ("gradient_descent_step", {}, step_with(gradient_with(penalty=lambda t, lam, m: _penalty_grad(t, lam, 2 * m))),
     "lam_over_2m"),
    ("gradient_descent_step", {}, step_with(gradient, sign=+1), "sign_flipped"),
    ("gradient_descent_step", {}, step_with(gradient_with(sign=-1)), "sign_flipped"),
    ("gradient_descent_step", {}, step_with(gradient_with(transpose=True)), "transposed_X"),
    ("gradient_descent_step", {}, lambda t, X, y, alpha, lam: gradient(t, X, y, lam), "returns_gradient"),
    ("gradient_descent_step", {}, step_with(gradient_with(sig=naive_sigmoid)), "unstable_sigmoid"),
    ("predict_one_vs_all", {}, predict_one_vs_all_from_one, "labels_off_by_one"),
    ("predict_one_vs_all", {"first_label": 1}, predict_one_vs_all, "labels_off_by_one"),
    ("predict_one_vs_all", {}, lambda A, X: np.argmax(_add_ones(X) @ A.T, axis=0), "argmax_wrong_axis"),
    ("backprop", {}, lambda *a: backprop(*a, relu_grad=lambda Z1: (Z1 >= 0).astype(float)), "relu_derivative_at_zero"),
    ("backprop", {}, lambda *a: backprop(*a, relu_grad=lambda Z1: 1.0), "relu_derivative_missing"),
    ("backprop", {}, lambda *a: backprop(*a, scale=1), "sum_instead_of_mean"),
    ("backprop", {}, lambda *a: backprop(*a, sign=-1), "sign_flipped"),
    ("softmax", {}, softmax_no_max, "softmax_no_max_subtraction"),
    ("softmax", {}, lambda Z: scipy_softmax(Z, axis=0), "softmax_wrong_axis"),
    ("softmax", {}, softmax_over(None), "softmax_wrong_axis"),
    ("softmax", {}, lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1), "softmax_wrong_axis"),
]


@pytest.mark.parametrize(
    "exercise, options, student, key", MISTAKES, ids=[f"{e}-{k}-{i}" for i, (e, _, _, k) in enumerate(MISTAKES)]
)
def test_each_known_mistake_gets_its_diagnosis(exercise, options, student, key):
    result = CHECKERS[exercise](student, **options)
    assert not result.passed
    assert result.mistake == key, str(result)
    # Nothing else is blamed, except the shape errors a transposed X causes on non-square cases.
    assert set(result.mistakes) <= {key, "raised"}, str(result)
    with pytest.raises(AssertionError, match=key):
        assert_passes(result)


# The course exercises' keys are tested, each with a student-written variant, in test_grading_checks.py.
COURSE_KEYS = {"mutates_input", "log_sigmoid_of_one_minus_z", "column_vector_broadcast", "returns_probabilities",
               "sigmoid_gradient_wrong", "symmetric_initialization", "wrong_range", "missing_ones_column"}


def test_every_catalogued_mistake_is_tested_above():
    assert {key for *_, key in MISTAKES} == {mk.key for mk in CATALOGUE if mk.exercise in CORRECT} - COURSE_KEYS
    assert COURSE_KEYS <= set(MISTAKE_KEYS)


def test_diagnosis_points_at_the_case_and_the_value():
    result = check_cost(next(f for ex, _, f, key in MISTAKES if (ex, key) == ("cost", "bias_regularized")))
    assert "theta[0]" in result.diagnosis and "lam=" in result.diagnosis and "expected" in result.diagnosis
    assert result.worst_case is not None and 0 < result.worst_error < np.inf


# ------------------------------------------------------------------ robustness: the checker reports, never crashes
def _sleeps(*args):
    time.sleep(3)
    return 0.5


def _exits(*args):
    sys.exit(3)


def _warns(*args):
    warnings.warn("a note from the student", UserWarning)
    return sigmoid(*args)


def _prints(z):
    print("debugging", z.shape if hasattr(z, "shape") else z)
    return sigmoid(z)


@pytest.mark.parametrize(
    "student, key, words",
    [
        (lambda *a: 1 / 0, "raised", "ZeroDivisionError"),
        (_exits, "raised", "SystemExit"),
        (lambda z: np.zeros(3), "wrong_shape", "shape (3,) instead of (4, 3)"),
        (lambda z: "one half", "wrong_type", "str"),
        (lambda z: None, "returned_none", "missing `return`"),
        (lambda z: np.asarray(z) * 0 + 0.5, "wrong_value", "no known mistake"),
        (42, "not_a_function", "int"),
    ],
)
def test_broken_student_gets_a_clear_result(student, key, words):
    result = check_sigmoid(student)
    assert not result.passed and result.mistake == key, str(result)
    assert words in result.diagnosis


def test_todo_stub_is_reported_as_not_implemented():
    def cost_stub(theta, X, y, lam):
        raise NotImplementedError("TODO: the regularized cost")

    result = check_cost(cost_stub)
    assert result.mistakes == ("not_implemented",) and "TODO: the regularized cost" in result.diagnosis


@pytest.mark.parametrize("timeout", [0.2, 0.5])
def test_slow_student_times_out_without_blocking_the_checker(timeout):
    start = time.perf_counter()
    result = check_cost(_sleeps, timeout=timeout)
    elapsed = time.perf_counter() - start
    assert result.mistakes == ("timeout",) and f"{timeout:g} s" in result.diagnosis
    assert elapsed < timeout + 1.0  # gave up after one call, did not wait the 3 s


def test_warnings_are_reported_but_do_not_fail_a_right_answer():
    result = check_sigmoid(_warns)
    assert result.passed
    assert any("a note from the student" in w for w in result.warnings)
    assert "a note from the student" in result.diagnosis


def test_numerical_warnings_fail_even_when_the_values_are_right():
    result = check_sigmoid(naive_sigmoid)
    assert not result.passed and any("overflow" in w for w in result.warnings)


def test_printing_student_passes(capsys):
    assert check_sigmoid(_prints).passed


def test_checker_works_under_warnings_as_errors_and_raising_seterr():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        assert check_sigmoid(naive_sigmoid).mistake == "unstable_sigmoid"
        assert check_sigmoid(sigmoid).passed


def test_student_cannot_corrupt_the_cases_by_writing_into_them():
    def vandal(theta, X, y, lam):
        J = cost(theta, X, y, lam)
        X[:] = 0.0
        y[:] = 1.0
        return J

    # Every value is right (the later cases were not corrupted); writing into the inputs is the fault.
    result = check_cost(vandal)
    assert result.mistakes == ("mutates_input",), str(result)
    assert "`X`" in result.diagnosis and ".copy()" in result.diagnosis


def test_float32_and_one_element_array_answers_are_accepted():
    assert check_cost(lambda *a: np.array([cost(*a)], dtype=np.float32)).passed


def test_first_label_must_be_zero_or_one():
    with pytest.raises(ValueError, match="first_label"):
        check_predict_one_vs_all(predict_one_vs_all, first_label=2)


# ------------------------------------------------------------------ the pytest plugin
def test_plugin_fixture_fails_a_course_test_with_the_diagnosis(tmp_path):
    (tmp_path / "student.py").write_text(textwrap.dedent("""
        import numpy as np
        from scipy.special import expit

        def cost(theta, X, y, lam):   # the bias is regularised
            m = len(y)
            z = X @ theta
            return np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * m) * np.sum(theta ** 2)

        def sigmoid(z):
            return expit(z)
    """))
    (tmp_path / "test_course.py").write_text(textwrap.dedent("""
        from minilr.exercises import assert_passes, check_sigmoid
        import student

        def test_sigmoid():
            assert_passes(check_sigmoid(student.sigmoid))

        def test_cost(minilr_check):
            minilr_check("cost", student.cost)
    """))
    registered = any(ep.value == "minilr.exercises.plugin" for ep in entry_points(group="pytest11"))
    load = [] if registered else ["-p", "minilr.exercises.plugin"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *load, "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path),
         "-c", os.devnull, str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env,
    )
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "bias_regularized" in run.stdout and "theta[0]" in run.stdout


# ------------------------------------------------------------------ the command line
STUDENT_FILE = """
import numpy as np
from scipy.special import expit, log_expit

def sigmoid(z):
    return expit(z)

def compute_cost(theta, X, y, lam):   # lam / m instead of lam / (2m)
    m = len(y)
    z = X @ theta
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lam / m * np.sum(theta[1:] ** 2)

def helper():
    return 1

if __name__ == "__main__":
    raise SystemExit("the checker must not run this")
"""


def test_cli_prints_a_table_of_verdicts_and_the_diagnoses(tmp_path, capsys):
    path = tmp_path / "student.py"
    path.write_text(STUDENT_FILE)
    assert cli_main([str(path), "--no-progress"]) == 0  # the run worked, although a student failed
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["submission", "exercise", "function", "verdict", "points", "mistakes"]
    assert lines[1].split() == ["student.py", "minilr:sigmoid", "sigmoid", "pass", "1/1"]
    assert lines[2].split() == ["student.py", "minilr:cost", "compute_cost", "fail", "0/1", "lam_over_m"]
    assert "The penalty uses lam/m" in out  # the diagnosis, under the table
    assert "helper" not in out and "must not run" not in out


def test_cli_summary_counts_the_verdicts(tmp_path, capsys):
    path = tmp_path / "good.py"
    path.write_text(STUDENT_FILE.replace("lam / m *", "lam / (2 * m) *"))
    assert cli_main([str(path), "--timeout", "5", "--no-progress"]) == 0
    assert "1 submission: 2 pass, 5 missing (points 2/7)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "source, message",
    [
        ("def unrelated():\n    pass\n", "defines none of the exercise functions"),
        # A script's top level is never run; a constant a function uses is, and its failure is reported.
        ("import sys\nLIMIT = sys.exit(2)\ndef sigmoid(z):\n    return z * LIMIT\n",
         "line 2: sys.exit(2) at the top level, skipped"),
        ("def sigmoid(z):\n    return z * SCALE\nSCALE = float('broken at import')\n", "broken at import"),
    ],
)
def test_cli_reports_files_it_cannot_check(tmp_path, capsys, source, message):
    path = tmp_path / "student.py"
    path.write_text(source)
    assert cli_main([str(path), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert message in captured.out


def test_cli_reports_a_missing_file(tmp_path, capsys):
    assert cli_main([str(tmp_path / "nope.py")]) == 2
    assert "no such file" in capsys.readouterr().err
