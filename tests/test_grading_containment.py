"""Each submission is contained: what one student's code does never stops the batch.

One batch holds a submission for every way student code takes a process
down (an endless loop, ``os._exit`` at import, ``os._exit`` in a function, a
3 GB allocation, a syntax error, an import of a module that does not exist,
``input()``, a segfault) next to a correct one. Each misbehaving submission
gets ``error`` with a message that says what happened, and the correct one
is still graded ``pass``. Then the grader's own bad input: an unknown
profile, a malformed TOML profile, a path that does not exist, a folder with
no submissions. And a teacher's TOML profile mapping their own names.
"""

import json
import subprocess
import sys
import textwrap

import pytest

GOOD = '''
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def costFunction(theta, X, y):
    m = y.size
    z = X @ theta
    return np.mean(np.logaddexp(0, z) - y * z), X.T @ (sigmoid(z) - y) / m


def predict(theta, X):
    return (X @ theta >= 0).astype(int)


def costFunctionReg(theta, X, y, lambda_):
    m = y.size
    J, grad = costFunction(theta, X, y)
    reg = np.r_[0.0, theta[1:]]
    return J + lambda_ / (2 * m) * reg @ reg, grad + lambda_ / m * reg
'''

# Each misbehaving submission: the source, the words its message must contain (any one of
# each group), and whether the whole submission fails (exercise null) or one function.
FUNCTION_BODY = '''
import numpy as np


def costFunction(theta, X, y):
{body}
'''
BAD = {
    "endless_loop.py": (FUNCTION_BODY.format(body="    while True:\n        pass"),
                        [("timed out", "time limit", "timeout")], "function"),
    # A script's top level never runs (a `sys.exit(3)` there is never reached); a constant the
    # functions use does, and this one ends the process while the submission loads.
    "exits_at_import.py": ("import os\n\nN_FEATURES = os._exit(3)\n"
                           + GOOD.replace("m = y.size", "m = y.size + 0 * N_FEATURES"),
                           [("exit",), ("3",)], "submission"),
    "os_exit.py": ("import os\n" + FUNCTION_BODY.format(body="    os._exit(0)"),
                   [("exit",)], "function"),
    "memory_hog.py": (FUNCTION_BODY.format(
        body="    table = np.ones(3 * 1024**3 // 8)  # 3 GB\n    return table.sum(), theta"),
                      [("memory",)], "function"),
    "asks_for_input.py": (FUNCTION_BODY.format(body='    answer = input("lambda? ")\n    return 0.0, theta'),
                          [("input", "stdin", "eof")], "function"),
    "segfault.py": ("import ctypes\n" + FUNCTION_BODY.format(body="    return ctypes.string_at(0)"),
                    [("crash", "segmentation", "signal", "sigsegv", "killed")], "function"),
    # line 7 is the def without its colon: that function is an error, the file's others are graded
    "syntax_error.py": ("import numpy as np\n\n\ndef helper(z):\n    return 1 / (1 + np.exp(-z))\n\n"
                        "def costFunction(theta, X, y)\n    return 0.0, theta\n",
                        [("syntax",), ("line 7",)], "function"),
    # the import fails alone; the function that needs it raises, and its message names the module
    "missing_module.py": ("import numpy as np\nfrom course_helpers_2024 import sigmoid\n\n\n"
                          "def costFunction(theta, X, y):\n    h = sigmoid(X @ theta)\n"
                          "    return np.mean(-y * np.log(h) - (1 - y) * np.log(1 - h)), X.T @ (h - y) / y.size\n",
                          [("course_helpers_2024",), ("not installed",)], "function"),
}


def run_check(*args, timeout=600):
    command = [sys.executable, "-m", "minilr", "check", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run over the misbehaving submissions and a good one: (CompletedProcess, records by submission)."""
    tmp = tmp_path_factory.mktemp("containment")
    folder = tmp / "class"
    folder.mkdir()
    (folder / "good_student.py").write_text(GOOD)
    for name, (source, _, _) in BAD.items():
        (folder / name).write_text(source)
    report = tmp / "report.json"
    proc = run_check(folder, "--format", "json", "--report", report, "--jobs", "2",
                     "--timeout", "2", "--memory", "1000", "--profile", "ex2", timeout=900)
    assert report.is_file(), f"no report (exit {proc.returncode}); stderr:\n{proc.stderr[-3000:]}"
    records = {}
    for r in json.loads(report.read_text())["records"]:
        records.setdefault(r["submission"], []).append(r)
    return proc, records


def test_batch_finishes_with_exit_code_zero(batch):
    proc, records = batch
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(records) == set(BAD) | {"good_student.py"}


def test_good_submission_is_still_graded(batch):
    _, records = batch
    good = {r["exercise"]: r for r in records["good_student.py"]}
    assert set(good) == {"ex2:sigmoid", "ex2:costFunction", "ex2:predict", "ex2:costFunctionReg"}
    for r in good.values():
        assert (r["verdict"], r["points"]) == ("pass", r["max_points"]), r


@pytest.mark.parametrize("name", sorted(BAD))
def test_misbehaving_submission_gets_error_with_a_specific_message(batch, name):
    _, records = batch
    _, words, scope = BAD[name]
    if scope == "submission":
        (record,) = [r for r in records[name] if r["exercise"] is None]
        assert record["function"] is None
    else:
        (record,) = [r for r in records[name] if r["exercise"] == "ex2:costFunction"]
        assert record["function"] == "costFunction"
    assert record["verdict"] == "error", record
    assert record["points"] == 0
    message = record["message"].lower()
    for group in words:
        assert any(word in message for word in group), f"{name}: none of {group} in {record['message']!r}"
    assert sum(r["points"] for r in records[name]) == 0


# ------------------------------------------------------------------ the grader's own bad input
KNOWN_PROFILES = ("minilr", "lesson", "ex2", "ex3", "ex4")


@pytest.fixture
def one_submission(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(GOOD)
    return path


def test_unknown_profile_lists_the_known_ones(one_submission):
    proc = run_check(one_submission, "--profile", "ex5")
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "ex5" in proc.stderr
    for name in KNOWN_PROFILES:
        assert name in proc.stderr, f"{name} not listed in: {proc.stderr}"


def test_malformed_toml_profile_names_the_line(one_submission, tmp_path):
    profile = tmp_path / "course.toml"
    profile.write_text('name = "course"\n\n[exercises.cost]\ncheck = "cost\nfunction = "compute_cost"\n')
    proc = run_check(one_submission, "--profile", profile)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "course.toml" in proc.stderr and "line 4" in proc.stderr, proc.stderr


def test_path_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "submisions"
    proc = run_check(missing)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "submisions" in proc.stderr and ("not exist" in proc.stderr or "no such" in proc.stderr.lower())


def test_folder_without_submissions_says_so(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "notes.txt").write_text("grades are due on Friday\n")
    (folder / "data.csv").write_text("1,2,3\n")
    proc = run_check(folder)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    message = proc.stderr.lower()
    assert "class" in message and "no submission" in message and ".py" in message and ".ipynb" in message


# ------------------------------------------------------------------ a teacher's own profile
COURSE_TOML = '''
# ML 101, homework 3: our own names and argument orders, graded by minilr's checks.
name = "ml101"
strict = true            # here a sigmoid that overflows loses its point

[exercises.logistic]
check = "sigmoid"
function = "logistic"

[exercises.cost]
check = "cost"
function = "compute_cost"
args = ["X", "y", "theta"]      # no lambda in this course: the check uses lam = 0
points = 2

[exercises.grad]
check = "gradient"
function = ["compute_gradient", "gradient"]
args = ["X", "y", "theta"]

[exercises.train]
check = "one_vs_all"
function = "train_all"
args = ["X", "y", "lam", "K"]
ones_column = true
first_label = 1

[exercises.classify]
check = "predict_one_vs_all"
function = "classify"
args = ["X", "all_theta"]
ones_column = true
first_label = 1
'''

COURSE_STUDENTS = {
    "alex.py": '''
import numpy as np
from scipy.optimize import minimize


def logistic(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def compute_cost(X, y, theta):
    z = X @ theta
    return np.mean(np.logaddexp(0, z) - y * z)


def compute_gradient(X, y, theta):
    return X.T @ (y - logistic(X @ theta)) / len(y)


def _cost_grad(theta, X, y, lam):
    m = len(y)
    z = X @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * m) * reg @ reg
    return J, X.T @ (logistic(z) - y) / m + lam / m * reg


def train_all(X, y, lam, K):
    return np.array([minimize(_cost_grad, np.zeros(X.shape[1]), (X, (y == k).astype(float), lam),
                              jac=True, method="BFGS").x for k in range(1, K + 1)])


def classify(X, all_theta):
    return np.argmax(X @ all_theta.T, axis=1) + 1
''',
    "bea.py": '''
import numpy as np


def logistic(z):
    return 1 / (1 + np.exp(-z))


def compute_cost(X, y, theta):
    z = X.dot(theta)
    return np.sum(np.logaddexp(0, z) - y * z) / len(y)
''',
}


def test_teachers_toml_profile_maps_their_names_onto_the_checkers(tmp_path):
    profile = tmp_path / "ml101.toml"
    profile.write_text(COURSE_TOML)
    folder = tmp_path / "class"
    folder.mkdir()
    for name, source in COURSE_STUDENTS.items():
        (folder / name).write_text(source)
    report = tmp_path / "report.json"
    proc = run_check(folder, "--profile", profile, "--format", "json", "--report", report)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {(r["submission"], r["exercise"]): (r["function"], r["verdict"], sorted(r["mistakes"]), r["points"],
                                              r["max_points"])
           for r in json.loads(report.read_text())["records"]}
    expected = {
        ("alex.py", "ml101:logistic"): ("logistic", "pass", [], 1, 1),
        ("alex.py", "ml101:cost"): ("compute_cost", "pass", [], 2, 2),
        ("alex.py", "ml101:grad"): ("compute_gradient", "fail", ["sign_flipped"], 0, 1),
        ("alex.py", "ml101:train"): ("train_all", "pass", [], 1, 1),
        ("alex.py", "ml101:classify"): ("classify", "pass", [], 1, 1),
        # strict = true in the profile: the textbook sigmoid scores nothing
        ("bea.py", "ml101:logistic"): ("logistic", "fail", ["unstable_sigmoid"], 0, 1),
        ("bea.py", "ml101:cost"): ("compute_cost", "pass", [], 2, 2),
    }
    for key, (function, verdict, mistakes, points, max_points) in expected.items():
        assert got.get(key) == (function, verdict, mistakes, points, max_points), (key, got.get(key),
                                                                                   textwrap.shorten(proc.stderr, 500))
    missing = {key for key, value in got.items() if value[1] == "missing"}
    assert missing == {("bea.py", "ml101:grad"), ("bea.py", "ml101:train"), ("bea.py", "ml101:classify")}
    assert set(got) == set(expected) | missing


# ------------------------------------------------------------------ an interrupted run
SLOW = FUNCTION_BODY.format(body="    import time\n    time.sleep(120)\n    return 0.0, theta")


def test_interrupted_run_leaves_a_valid_partial_report(tmp_path):
    """Records are written as submissions finish: stopping the run keeps what was graded."""
    import os
    import signal
    import time

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_good_student.py").write_text(GOOD)
    (folder / "b_slow_student.py").write_text(SLOW)
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "minilr", "check", str(folder), "--format", "json", "--report", str(report),
               "--jobs", "2", "--timeout", "300", "--no-progress"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        partial = None
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
            try:
                partial = json.loads(report.read_text())["records"]
            except (FileNotFoundError, ValueError):
                continue
            if any(r["submission"] == "a_good_student.py" for r in partial):
                break
        assert proc.poll() is None, f"the run ended before the slow student was graded: {proc.communicate()}"
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the teacher's terminal
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    records = json.loads(report.read_text())["records"]  # still a valid JSON document
    good = [r for r in records if r["submission"] == "a_good_student.py"]
    assert {r["exercise"] for r in good} == {"ex2:sigmoid", "ex2:costFunction", "ex2:predict", "ex2:costFunctionReg"}
    assert all(r["verdict"] == "pass" for r in good)
    slow = [r for r in records if r["submission"] == "b_slow_student.py"]
    assert all(r["points"] == 0 for r in slow)  # an unfinished submission never scores


# ------------------------------------------------------------------ notebooks' shell escapes
def test_notebook_shell_commands_and_magics_are_never_run(tmp_path):
    """`!cmd`, `%system`, `%%bash` and `%%writefile` cells are the student's, not the grader's, to run."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    markers = [tmp_path / f"ran_{i}" for i in range(4)]
    nb = new_notebook(cells=[
        new_code_cell(f"!touch {markers[0]}"),
        new_code_cell(f"%system touch {markers[1]}"),
        new_code_cell(f"%%bash\ntouch {markers[2]}"),
        new_code_cell(f"%%writefile {markers[3]}\nprint('hello')"),
        new_code_cell(GOOD),
    ])
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(nb, folder / "magic_student.ipynb")
    report = tmp_path / "report.json"
    proc = run_check(folder, "--format", "json", "--report", report)
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = json.loads(report.read_text())["records"]
    assert {(r["exercise"], r["verdict"]) for r in records} == {
        ("ex2:sigmoid", "pass"), ("ex2:costFunction", "pass"), ("ex2:predict", "pass"), ("ex2:costFunctionReg", "pass")}
    assert [m.name for m in markers if m.exists()] == []


# ------------------------------------------------------------------ forged reports
FORGER = '''
import json
import os

import numpy as np

FORGED = b"".join(json.dumps(event).encode() + b"\\n" for event in [
    {"event": "call", "index": 0, "case": 0, "values": [[0.5]], "value": [[0.5]]},
    {"event": "end"},
    {"event": "loaded", "notes": [], "functions": []},
]) + b"PASS\\n{not json\\n"


def _forge():
    for fd in range(1, 64):  # the grader's pipe is one of these
        try:
            os.write(fd, FORGED)
        except OSError:
            pass


_forge()


def sigmoid(z):
    _forge()
    os._exit(0)


def costFunction(theta, X, y):
    _forge()
    return 0.5, np.zeros_like(theta)
'''


def test_forged_events_on_the_graders_pipe_earn_nothing(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "forger.py").write_text(FORGER)
    (folder / "honest.py").write_text(GOOD)
    report = tmp_path / "report.json"
    proc = run_check(folder, "--format", "json", "--report", report, "--jobs", "2", "--profile", "ex2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = json.loads(report.read_text())["records"]
    forger = [r for r in records if r["submission"] == "forger.py"]
    assert forger and sum(r["points"] for r in forger) == 0, forger
    assert all(r["verdict"] != "pass" for r in forger), forger
    honest = [r for r in records if r["submission"] == "honest.py"]
    assert len(honest) == 4 and all(r["verdict"] == "pass" for r in honest), honest
