"""The lessons' seven checkers in the class grader and the single-file CLI, under the ``minilr`` profile."""

import textwrap

from minilr.exercises.batch import grade
from minilr.exercises.cli import main

LESSONS = '''
import numpy as np
from scipy.optimize import minimize


def train_one_vs_all(X, y, num_labels, lam):
    m, n = X.shape
    X1 = np.column_stack([np.ones(m), X])
    all_theta = []
    for k in range(num_labels):
        t = (y == k).astype(float)

        def f(th):
            z = X1 @ th
            J = np.mean(np.logaddexp(0, z) - t * z) + lam / (2 * m) * th[1:] @ th[1:]
            g = X1.T @ (1 / (1 + np.exp(-np.clip(z, -500, 500))) - t) / m
            g[1:] += lam / m * th[1:]
            return J, g

        all_theta.append(minimize(f, np.zeros(n + 1), jac=True, method="L-BFGS-B", options={"gtol": 1e-10}).x)
    return np.array(all_theta)


def softmax_cost(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    Z = X @ Theta
    Z = Z - Z.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    Y = np.eye(K)[y]
    R = Theta.copy()
    R[0] = 0
    return -np.sum(Y * log_P) / m + lam / (2 * m) * np.sum(R ** 2), X.T @ (np.exp(log_P) - Y) / m + lam / m * R


def forward(W1, b1, W2, b2, X):
    A1 = np.maximum(X @ W1 + b1, 0)
    return 1 / (1 + np.exp(-(A1 @ W2 + b2)))


def numerical_gradient(f, theta, eps=1e-5):
    g = np.zeros(theta.size)
    for j in range(theta.size):
        e = np.zeros(theta.size)
        e[j] = eps
        g[j] = (f(theta + e) - f(theta - e)) / eps
    return g


def combine_gradients(grads, counts):
    return np.mean(grads, axis=0)


def decision_boundary(w, b, x1):
    return -(w[0] * x1 + b) / w[1]


def f1_score(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
'''

EXPECTED = {
    "minilr:train_one_vs_all": ("pass", []),
    "minilr:softmax_cost": ("pass", []),
    "minilr:forward": ("pass", []),
    "minilr:numerical_gradient": ("fail", ["divided_by_eps"]),
    "minilr:combine_gradients": ("fail", ["unweighted_mean"]),
    "minilr:decision_boundary": ("pass", []),
    "minilr:f1_score": ("pass", []),
}


def test_the_class_grader_finds_and_grades_the_lessons_functions(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "lessons.py").write_text(LESSONS, encoding="utf-8")
    for profile in (None, "minilr"):
        records = {r["exercise"]: r for r in grade([tmp_path / "class"], profile=profile, progress=False)}
        got = {e: (r["verdict"], r["mistakes"]) for e, r in records.items() if e in EXPECTED}
        assert got == EXPECTED, records


def test_the_single_file_cli_grades_the_lessons_functions(tmp_path, capsys):
    (tmp_path / "lessons.py").write_text(LESSONS, encoding="utf-8")
    assert main([str(tmp_path / "lessons.py"), "--no-progress"]) == 0
    rows = {line.split()[1]: line.split() for line in capsys.readouterr().out.splitlines()[1:] if line.count(" ") > 4
            and line.startswith("lessons.py  ")}
    assert rows["minilr:numerical_gradient"][3:6] == ["fail", "0/1", "divided_by_eps"]
    assert rows["minilr:f1_score"][3] == "pass"


def test_a_submission_without_the_lessons_functions_has_no_missing_records_for_them(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "s.py").write_text(textwrap.dedent('''
        from scipy.special import expit

        def sigmoid(z):
            return expit(z)
        '''), encoding="utf-8")
    records = grade([tmp_path / "class"], profile="minilr", progress=False)
    assert {r["exercise"] for r in records} == {f"minilr:{e}" for e in (
        "sigmoid", "cost", "gradient", "gradient_descent_step", "predict_one_vs_all", "backprop", "softmax")}
    assert sum(r["max_points"] for r in records) == 7


# ------------------------------------------------------------------ what in a class folder is a submission
def test_a_courses_own_files_in_a_class_folder_are_not_graded(tmp_path):
    from minilr.exercises.reading.extract import find_submissions

    folder = tmp_path / "class"
    (folder / "bob").mkdir(parents=True)
    sigmoid = "from scipy.special import expit\n\ndef sigmoid(z):\n    return expit(z)\n"
    for name in ("alice.py", "conftest.py", "setup.py", "__init__.py", "test_sigmoid.py", "sigmoid_test.py",
                 "bob/answers.py", "bob/test_mine.py", "bob/conftest.py"):
        (folder / name).write_text(sigmoid, encoding="utf-8")
    subs = {s.name: [p.name for p in s.files] for s in find_submissions([folder])}
    assert subs == {"alice.py": ["alice.py"], "bob": ["answers.py"]}
    assert {r["submission"] for r in grade([folder], profile="minilr", progress=False)} == {"alice.py", "bob"}
    # Named on the command line, a file is graded whatever its name.
    assert [s.name for s in find_submissions([folder / "test_sigmoid.py"])] == ["test_sigmoid.py"]


def test_the_lessons_argument_names_agree_with_the_profiles_kinds():
    from minilr.exercises.judging.lesson_checkers import _ARGS
    from minilr.exercises.judging.profiles import KINDS

    assert {k: KINDS[k][0] for k in _ARGS} == _ARGS
