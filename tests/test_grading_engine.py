"""The class grader's engine: detection, verdicts, formats, --only, --strict, partial reports, containment.

Small written submissions in a temporary folder, graded through
:func:`minilr.exercises.batch.grade` or the CLI (each submission then runs
in its own process, as in a real run).
"""

import csv
import io
import json
import subprocess
import sys
import textwrap

import pytest

from minilr.exercises.batch import grade
from minilr.exercises.reading.detect import match_functions
from minilr.exercises.reading.extract import NoSubmissions, find_submissions, read_file
from minilr.exercises.judging.profiles import BUILTIN
from minilr.exercises.reporting.report import ReportWriter, render

STABLE_SIGMOID = """
import numpy as np
from scipy.special import expit

def sigmoid(z):
    return expit(z)
"""

EX2 = STABLE_SIGMOID + """
from scipy.special import log_expit

def costFunction(theta, X, y):
    z = X @ theta
    J = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    return J, X.T @ (expit(z) - y) / y.size

def predict(theta, X):
    return (X @ theta >= 0).astype(int)
"""

TEXTBOOK_EX2 = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(int)
"""

LESSON_PREDICT = """
import numpy as np

def predict(X, All_Theta):
    return np.argmax(X @ All_Theta.T, axis=1) + 1
"""

NETWORK_PREDICT = """
import numpy as np
from scipy.special import expit

def predict(Theta1, Theta2, X):
    a2 = expit(np.column_stack([np.ones(len(X)), X]) @ Theta1.T)
    return np.argmax(np.column_stack([np.ones(len(a2)), a2]) @ Theta2.T, axis=1)
"""


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return folder


def by_key(records):
    return {(r["submission"], r["exercise"]): r for r in records}


def notebook(*cells):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None, "id": f"c{i}"}
        for i, c in enumerate(cells)]})


# ------------------------------------------------------------------ detection
@pytest.mark.parametrize("params, expected", [
    (("theta", "X"), "ex2:predict"),
    (("X", "All_Theta"), "lesson:predict"),
    (("Theta1", "Theta2", "X"), "ex3:predict"),
])
def test_predict_is_told_apart_by_its_parameters(params, expected):
    assignments, targeted = match_functions({"predict": (params, len(params), False)}, list(BUILTIN.values()))
    assert [f"{a.profile.name}:{a.exercise.name}" for a in assignments] == [expected]
    assert [p.name for p in targeted] == [expected.split(":")[0]]


def test_a_shared_sigmoid_follows_the_targeted_profile_or_defaults_to_minilr():
    profiles = list(BUILTIN.values())
    alone, targeted = match_functions({"sigmoid": (("z",), 1, False)}, profiles)
    assert [a.profile.name for a in alone] == ["minilr"] and targeted == []  # no missing records then
    with_ex2, _ = match_functions({"sigmoid": (("z",), 1, False), "costFunction": (("theta", "X", "y"), 3, False)},
                                  profiles)
    assert [f"{a.profile.name}:{a.exercise.name}" for a in with_ex2] == ["ex2:sigmoid", "ex2:costFunction"]
    in_ex4, _ = match_functions({"sigmoid": (("z",), 1, False), "sigmoidGradient": (("z",), 1, False)}, profiles)
    assert [f"{a.profile.name}:{a.exercise.name}" for a in in_ex4] == ["ex4:sigmoidGradient"]


def test_a_folder_mixes_styles_and_a_renamed_notebook_is_found(tmp_path):
    folder = write(tmp_path / "class", {
        "a.py": EX2, "b.py": LESSON_PREDICT, "c.py": NETWORK_PREDICT,
        "Untitled (1).ipynb": notebook("import numpy as np\nfrom scipy.special import expit",
                                       "data = np.loadtxt('ex2data1.txt')\n%matplotlib inline",
                                       "def predict(theta, X):\n    return (expit(X @ theta) >= 0.5) * 1"),
        "student/helper.py": "def unused():\n    pass\n", "student/main.py": NETWORK_PREDICT,
    })
    records = by_key(grade([folder], progress=False))
    assert records[("a.py", "ex2:costFunction")]["verdict"] == "pass"
    assert records[("a.py", "ex2:costFunctionReg")]["verdict"] == "missing"
    assert records[("b.py", "lesson:predict")]["verdict"] == "pass"
    assert records[("c.py", "ex3:predict")]["verdict"] == "pass"
    assert records[("Untitled (1).ipynb", "ex2:predict")]["verdict"] == "pass"
    assert records[("student", "ex3:predict")]["verdict"] == "pass"
    assert ("b.py", "ex2:predict") not in records


def test_notebook_cells_that_fail_are_reported_and_skipped(tmp_path):
    folder = write(tmp_path / "class", {"nb.ipynb": notebook(
        "import numpy as np\nimport utils_of_the_course", "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(z / 2))",
        "def broken(:\n    pass")})
    (record,) = grade([folder], progress=False)
    assert record["verdict"] == "pass" and record["exercise"] == "minilr:sigmoid"
    assert "module `utils_of_the_course` is not installed on the grading machine" in record["message"]
    assert "syntax error" in record["message"]


def test_a_def_that_does_not_parse_is_an_error_of_its_own_with_its_line(tmp_path):
    # Before files were read like notebooks, this file was one error for all of ex2's points.
    source = "def costFunction(theta, X, y):\n    return (\n\ndef predict(theta, X):\n"
    folder = write(tmp_path / "class", {"s.py": source})
    records = by_key(grade([folder], progress=False))
    assert {k[1]: r["verdict"] for k, r in records.items()} == {
        "ex2:sigmoid": "missing", "ex2:costFunction": "error", "ex2:predict": "error",
        "ex2:costFunctionReg": "missing"}
    message = records[("s.py", "ex2:costFunction")]["message"]
    assert message.startswith("syntax error at line 2 of s.py: '(' was never closed")
    assert records[("s.py", "ex2:predict")]["message"].startswith("syntax error at line 4 of s.py")
    assert sum(r["max_points"] for r in records.values()) == 4.0 and sum(r["points"] for r in records.values()) == 0


def test_ast_extraction_keeps_the_constants_functions_use():
    source = "import numpy as np\nEPS = 1e-12\nX = np.loadtxt('x')\ncost, grad = 1, 2\ndef f(z):\n    return z + EPS\n"
    sf = read_file_from_text(source)
    kept = [c.split("=")[0].strip() for _, c, _ in sf.chunks]
    assert kept == ["import numpy as np", "EPS", "def f(z):\n    return z + EPS"]
    assert set(sf.functions) == {"f"}


def read_file_from_text(text, tmp=[]):  # noqa: B006 - a scratch folder for the helper above
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "s.py"
    path.write_text(text)
    return read_file(path)


# ------------------------------------------------------------------ verdicts and strictness
def test_textbook_is_fragile_with_full_points_unless_strict(tmp_path):
    folder = write(tmp_path / "class", {"t.py": TEXTBOOK_EX2})
    lenient = by_key(grade([folder], profile="ex2", progress=False))
    assert lenient[("t.py", "ex2:sigmoid")]["verdict"] == "fragile"
    assert lenient[("t.py", "ex2:sigmoid")]["points"] == 1.0
    # A right predict is judged by its own values: the overflow at |z| = 1000 is its sigmoid's.
    predict = lenient[("t.py", "ex2:predict")]
    assert (predict["verdict"], predict["mistakes"]) == ("pass", []), predict
    assert "the RuntimeWarning comes from your `sigmoid`" in predict["message"], predict["message"]
    strict = by_key(grade([folder], profile="ex2", strict=True, progress=False))
    assert strict[("t.py", "ex2:sigmoid")]["verdict"] == "fail" and strict[("t.py", "ex2:sigmoid")]["points"] == 0
    assert strict[("t.py", "ex2:costFunction")]["verdict"] == "missing"
    minilr = by_key(grade([folder], profile="minilr", progress=False))
    assert minilr[("t.py", "minilr:sigmoid")]["verdict"] == "fail"  # minilr is strict by default


@pytest.mark.parametrize("fork", [True, False], ids=["forked from the zygote", "fresh interpreter"])
def test_containment_each_misbehaviour_is_one_error_and_the_rest_is_graded(tmp_path, fork):
    folder = write(tmp_path / "class", {
        "good.py": STABLE_SIGMOID,
        "hang.py": "def sigmoid(z):\n    while True:\n        pass\n",
        "stubborn.py": "def sigmoid(z):\n    while True:\n        try:\n            while True:\n                pass\n"
                       "        except BaseException:\n            pass\n\ndef softmax(Z):\n    return Z\n",
        "reads.py": "def sigmoid(z):\n    return float(input())\n",
        "segfault.py": "import ctypes\ndef sigmoid(z):\n    return ctypes.string_at(0)\n",
        "bye.py": "import os\ndef sigmoid(z):\n    os._exit(0)\n",
        "big.py": "import numpy as np\ndef sigmoid(z):\n    return np.ones(int(3e9 / 8))\n",
    })
    records = by_key(grade([folder], timeout=2, memory_mb=1000, progress=False, fork=fork))
    messages = {name: records[(name, "minilr:sigmoid")]["message"] for name, _ in records}
    assert records[("good.py", "minilr:sigmoid")]["verdict"] == "pass"
    assert all(records[(n, "minilr:sigmoid")]["verdict"] == "error" for n in messages if n != "good.py")
    assert "timed out" in messages["hang.py"] and "input()" in messages["reads.py"]
    assert "timed out" in messages["stubborn.py"]  # it swallowed the alarm: its process was killed
    assert records[("stubborn.py", "minilr:softmax")]["verdict"] == "fail"  # graded by a new process
    assert "segmentation fault" in messages["segfault.py"] and "exited" in messages["bye.py"]
    assert "out of memory" in messages["big.py"]


# ------------------------------------------------------------------ reports and the command line
def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "minilr", "check", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    return write(tmp_path_factory.mktemp("class"), {"anna.py": EX2, "ben.py": TEXTBOOK_EX2,
                                                     "syntax.py": "def sigmoid(z)\n    return z\n",
                                                     "unreadable.ipynb": "{not json"})


def test_json_records_have_exactly_the_documented_keys(small_class, tmp_path):
    done = run_cli(small_class, "--report", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert set(report) == {"minilr", "records"}
    assert {"report", "version", "profile", "options", "date"} <= set(report["minilr"])
    records = report["records"]
    keys = {"submission", "exercise", "function", "verdict", "mistakes", "points", "max_points", "message", "profile",
            "seconds"}
    assert all(set(r) == keys for r in records)
    (error,) = [r for r in records if r["submission"] == "syntax.py"]  # its def does not parse: its own error
    assert (error["exercise"], error["function"], error["verdict"]) == ("minilr:sigmoid", "sigmoid", "error")
    assert error["message"].startswith("syntax error at line 1 of syntax.py")
    (unreadable,) = [r for r in records if r["submission"] == "unreadable.ipynb"]  # the whole submission
    assert (unreadable["exercise"], unreadable["function"], unreadable["verdict"]) == (None, None, "error")
    assert unreadable["message"].startswith("not a readable notebook")


def test_csv_has_a_row_per_submission_and_a_column_per_exercise(small_class, tmp_path):
    assert run_cli(small_class, "--report", tmp_path / "grades.csv").returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "grades.csv").read_text())))
    assert [r["submission"] for r in rows] == ["anna.py", "ben.py", "syntax.py", "unreadable.ipynb"]
    assert rows[0]["ex2:costFunction"] == "1" and rows[0]["ex2:costFunctionReg"] == "0"
    assert rows[1]["ex2:sigmoid"] == "1" and "fragile" in rows[1]["problems"]


def test_gradescope_results_and_only_one_student(small_class, tmp_path):
    done = run_cli(small_class, "--only", "anna", "--format", "gradescope", "--report", tmp_path / "results.json")
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == 3.0
    assert {t["name"] for t in results["tests"]} >= {"ex2:costFunction (costFunction)", "ex2:costFunctionReg"}
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in results["tests"])


def test_table_on_stdout_without_a_report(small_class):
    done = run_cli(small_class, "--only", "ben.py", "--strict")
    assert done.returncode == 0
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["ben.py", "ex2:sigmoid", "sigmoid", "fail", "0/1", "unstable_sigmoid"] in rows
    assert "anna.py" not in done.stdout


@pytest.mark.parametrize("args, message", [
    (["--profile", "ex9"], "the built-in profiles are minilr, lesson, ex2, ex3, ex4"),
    (["--only", "zoe"], "no submission named 'zoe'"),
    (["--memory", "50"], "--memory at least 300"),
])
def test_grader_misuse_is_one_line_on_stderr(small_class, args, message):
    done = run_cli(small_class, *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_folder_without_submissions_and_missing_path(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoSubmissions, match="holds no submissions"):
        find_submissions([tmp_path / "empty"])
    with pytest.raises(FileNotFoundError, match="nope"):
        find_submissions([tmp_path / "nope"])


def test_partial_report_is_valid_after_every_submission(tmp_path):
    path = tmp_path / "r.json"
    writer = ReportWriter(path, "json")
    assert json.loads(path.read_text())["records"] == []
    first = [{"submission": "a.py", "exercise": "ex2:sigmoid", "function": "sigmoid", "verdict": "pass",
              "mistakes": [], "points": 1.0, "max_points": 1.0, "message": "", "profile": "ex2"}]
    writer.add(first)
    assert json.loads(path.read_text())["records"] == first  # what an interrupted run leaves
    assert render(first, "csv").splitlines()[1] == "a.py,1,1,1,"


def test_interrupted_cli_leaves_the_graded_submissions_in_the_report(tmp_path):
    folder = write(tmp_path / "class", {"a.py": STABLE_SIGMOID,
                                        "z.py": "def sigmoid(z):\n    while True:\n        pass\n"})
    report = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "minilr", "check", str(folder), "--jobs", "1", "--timeout", "60",
                             "--report", str(report), "--no-progress"], stderr=subprocess.PIPE, text=True)
    import time

    for _ in range(300):
        if report.exists() and json.loads(report.read_text())["records"]:
            break
        time.sleep(0.1)
    proc.send_signal(__import__("signal").SIGINT)
    _, err = proc.communicate(timeout=60)
    records = json.loads(report.read_text())["records"]
    assert [r["submission"] for r in records] == ["a.py"] and "interrupted" in err
