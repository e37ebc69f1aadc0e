"""Acceptance of the class grader: a corpus of written submissions, graded through the CLI.

``tests/grading_corpus/`` holds submissions as students hand them in: ``.py``
files and notebooks (some with cells that fail: a missing data file, the
course's ``utils``, a plot), folders (a notebook with its helper module), a
renamed notebook, correct ones (vectorised, with loops, stable, textbook) and
wrong ones, one catalogued mistake at a time. ``expected.json`` says, for every
record the grader must write, its verdict and its mistake keys; it was decided
by hand from the exercises' formulas, not by running the grader.

The grader runs as a teacher runs it: ``python -m minilr check`` in a subprocess.
"""

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest

CORPUS = Path(__file__).parent / "grading_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
NOT_SUBMISSIONS = {"expected.json", "conftest.py"}

# Correct solutions, by the profile they are written for.
TEXTBOOK = {  # 1 / (1 + np.exp(-z)) and log(h): right values, fragile at |z| = 1000
    "ex2": ["ex2_anna_mueller.ipynb", "garcia_ex2_loops.py"],
    "lesson": ["ben_okafor_lesson.ipynb"],
    "ex3": ["exercise3_elena_petrova.ipynb"],
    "ex4": ["exercise4_jonas.ipynb"],
}
STABLE = {  # computed from the logits: right everywhere
    "minilr": ["mchen_minilr_exercises.py", "lin_loops_minilr.py"],
    "lesson": ["amira_lesson.py", "kofi_lesson_loops.py", "priya_lesson"],
    "ex2": ["ex2_lee_jiwoo.py", "Untitled3.ipynb"],
    "ex3": ["ex3_stable_zhang.py", "ex3_group_07"],
    "ex4": ["ex4_farah.py", "ahmed_ex4"],
}


# ------------------------------------------------------------------ helpers
def run_check(*args, timeout=900):
    """``python -m minilr check ARGS...`` in a subprocess: the CompletedProcess."""
    command = [sys.executable, "-m", "minilr", "check", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def copy_submissions(names, folder):
    """Copy corpus submissions (files or folders) into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = CORPUS / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    return folder


def grade(folder, tmp_path, *options, fmt="json"):
    """Grade ``folder`` with the CLI; (CompletedProcess, parsed report)."""
    report = tmp_path / f"report_{fmt}_{len(list(tmp_path.iterdir()))}.{'csv' if fmt == 'csv' else 'json'}"
    proc = run_check(folder, "--format", fmt, "--report", report, "--jobs", "2", *options)
    assert proc.returncode == 0, f"the run itself failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    assert report.is_file(), f"no report written; stderr:\n{proc.stderr[-3000:]}"
    if fmt == "csv":
        with report.open(newline="") as f:
            return proc, list(csv.DictReader(f))
    data = json.loads(report.read_text())
    return proc, data["records"] if fmt == "json" else data


def graded(records):
    """The records of functions the grader found (not missing, not whole-submission errors)."""
    return [r for r in records if r["verdict"] != "missing" and r["exercise"] is not None]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """The whole corpus graded once with auto-detection: (CompletedProcess, records)."""
    tmp = tmp_path_factory.mktemp("corpus")
    folder = tmp / "class"
    shutil.copytree(CORPUS, folder, ignore=shutil.ignore_patterns(*NOT_SUBMISSIONS, "__pycache__"))
    report = tmp / "report.json"
    proc = run_check(folder, "--format", "json", "--report", report, "--jobs", "2")
    assert report.is_file(), f"no report (exit {proc.returncode}); stderr:\n{proc.stderr[-3000:]}"
    return proc, json.loads(report.read_text())["records"]


# ------------------------------------------------------------------ the manifest itself
def test_manifest_covers_the_acceptance_list():
    """At least 40 submissions, every profile, .py and .ipynb, every mistake key of issue 20."""
    submissions = {r["submission"] for r in EXPECTED}
    on_disk = {p.name for p in CORPUS.iterdir() if p.name not in NOT_SUBMISSIONS | {"__pycache__"}
               and (p.is_dir() or p.suffix in (".py", ".ipynb"))}
    assert submissions == on_disk, f"in expected.json only: {submissions - on_disk}; on disk only: {on_disk - submissions}"
    assert len(submissions) >= 40
    assert {r["exercise"].split(":")[0] for r in EXPECTED if r["exercise"]} == {"minilr", "lesson", "ex2", "ex3", "ex4"}
    notebooks = [p for p in CORPUS.rglob("*.ipynb")]
    assert len(notebooks) >= 8 and len(list(CORPUS.glob("*.py"))) >= 8
    assert sum((CORPUS / s).is_dir() for s in submissions) >= 3
    keys = {k for r in EXPECTED for k in r["mistakes"]}
    required = {"mutates_input", "bias_regularized", "log_sigmoid_of_one_minus_z", "column_vector_broadcast",
                "sigmoid_gradient_wrong", "symmetric_initialization", "returns_probabilities",
                "missing_ones_column", "labels_off_by_one", "missing_1_over_m", "unstable_sigmoid",
                "sign_flipped", "sum_instead_of_mean", "lam_over_m", "log_of_zero", "returns_gradient",
                "argmax_wrong_axis", "relu_derivative_at_zero", "relu_derivative_missing",
                "softmax_no_max_subtraction", "softmax_wrong_axis"}
    assert required <= keys, f"no submission makes: {sorted(required - keys)}"
    verdicts = Counter(r["verdict"] for r in EXPECTED)
    assert {"pass", "fragile", "fail", "error", "missing"} <= set(verdicts)


def _sources(submission):
    """The code of a submission: its .py files and its notebooks' code cells."""
    path = CORPUS / submission
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    code = []
    for f in files:
        if f.suffix == ".py":
            code.append(f.read_text(encoding="utf-8-sig"))
        elif f.suffix == ".ipynb":
            code += [c.source for c in nbformat.read(f, as_version=4).cells if c.cell_type == "code"]
    return "\n".join(code)


def test_manifest_names_functions_the_submissions_define():
    """Every graded record names a `def` of its submission; a missing one is not defined (or its
    name is another exercise's: ex2's ``predict(theta, X)`` is not ex3's ``predict``)."""
    graded_names = {(r["submission"], r["function"]) for r in EXPECTED if r["verdict"] != "missing"}
    for r in EXPECTED:
        if r["exercise"] is None:
            continue
        defined = re.search(rf"^\s*def {re.escape(r['function'])}\(", _sources(r["submission"]), re.M)
        if r["verdict"] == "missing":
            assert not defined or (r["submission"], r["function"]) in graded_names, (r["submission"], r["function"])
        else:
            assert defined, (r["submission"], r["function"], r["verdict"])


# ------------------------------------------------------------------ the whole corpus
def _key(record):
    return record["submission"], record["exercise"]


def test_corpus_is_graded_as_expected(corpus_run):
    """Every record the grader writes agrees with expected.json: verdict and mistake keys."""
    proc, records = corpus_run
    assert proc.returncode == 0, f"exit code {proc.returncode} although the run worked:\n{proc.stderr[-2000:]}"
    expected = {_key(r): r for r in EXPECTED}
    got = {}
    problems = []
    for r in records:  # exercise None: a whole submission that could not be graded
        if _key(r) in got:
            problems.append(f"{r['submission']} {r['exercise']}: two records ({got[_key(r)]['function']}, "
                            f"{r['function']})")
        got[_key(r)] = r
    for key in sorted(expected.keys() - got.keys()):
        e = expected[key]
        problems.append(f"{key[0]} {key[1]}: no record (expected {e['function']} {e['verdict']} {e['mistakes']})")
    for key in sorted(got.keys() - expected.keys()):
        r = got[key]
        problems.append(f"{key[0]} {key[1]}: unexpected record {r['function']} {r['verdict']} "
                        f"{r['mistakes']}: {r['message'][:200]}")
    for key in sorted(expected.keys() & got.keys()):
        e, r = expected[key], got[key]
        function_ok = r["function"] == e["function"] or (e["verdict"] == "missing" and r["function"] is None)
        if not function_ok or r["verdict"] != e["verdict"] or sorted(r["mistakes"]) != sorted(e["mistakes"]):
            problems.append(f"{key[0]} {key[1]}: expected {e['function']} {e['verdict']} {sorted(e['mistakes'])}, "
                            f"got {r['function']} {r['verdict']} {sorted(r['mistakes'])}: {r['message'][:200]}")
    assert not problems, f"{len(problems)} disagreements with expected.json:\n" + "\n".join(problems)


def test_records_have_the_documented_keys(corpus_run):
    _, records = corpus_run
    required = {"submission", "exercise", "function", "verdict", "mistakes", "points", "max_points", "message"}
    for r in records:
        assert required <= r.keys(), f"record without {required - r.keys()}: {r}"
        assert r["verdict"] in {"pass", "fragile", "fail", "error", "missing"}, r
        assert isinstance(r["mistakes"], list) and isinstance(r["message"], str) and r["message"], r


def test_feedback_names_the_case_that_failed(corpus_run):
    """A student is told on which case the function went wrong (the case's name, not its data)."""
    _, records = corpus_run
    for r in records:
        if "not_implemented" in r["mistakes"]:  # the template's `raise NotImplementedError`: no case to name
            continue
        if r["message"].startswith("syntax error at line"):  # its def does not parse: never called, no case
            continue
        if r["verdict"] in ("fail", "fragile") or (r["verdict"] == "error" and r["exercise"] is not None):
            assert "case" in r["message"], f"{r['submission']} {r['exercise']}: {r['message']}"


def test_points_are_never_awarded_for_error_fail_or_missing(corpus_run):
    _, records = corpus_run
    for r in records:
        if r["verdict"] in ("error", "fail", "missing"):
            assert r["points"] == 0, f"{r['submission']} {r['exercise']} is {r['verdict']} but scores {r['points']}"
        elif r["verdict"] == "pass":
            assert r["max_points"] > 0 and r["points"] == r["max_points"], r
        else:  # fragile under the lenient course profiles keeps its points
            assert r["points"] == r["max_points"] > 0, r


def test_corpus_run_exit_code_is_zero_although_students_failed(corpus_run):
    proc, records = corpus_run
    assert any(r["verdict"] == "fail" for r in records) and any(r["verdict"] == "error" for r in records)
    assert proc.returncode == 0


def test_progress_bar_counts_the_submissions_with_an_eta(corpus_run):
    proc, records = corpus_run
    n = len({r["submission"] for r in records})
    assert f"{n}/{n}" in proc.stderr and "<" in proc.stderr, proc.stderr[-500:]


def test_only_regrades_one_student(corpus_run, tmp_path):
    _, records = corpus_run
    folder = copy_submissions(["ex2_nguyen.py", "ex2_omar_farouk.py", "ex3_group_07"], tmp_path / "class")
    for name in ("ex2_omar_farouk.py", "ex3_group_07"):
        _, only = grade(folder, tmp_path, "--only", name)
        assert {r["submission"] for r in only} == {name}
        summary = lambda rs: sorted((r["exercise"], r["verdict"], sorted(r["mistakes"])) for r in rs)  # noqa: E731
        assert summary(only) == summary(r for r in records if r["submission"] == name)


# ------------------------------------------------------------------ guarantees, per profile
@pytest.mark.parametrize("profile", sorted(TEXTBOOK))
def test_textbook_solution_is_never_fail_under_its_course_profile(profile, tmp_path):
    folder = copy_submissions(TEXTBOOK[profile], tmp_path / "class")
    _, records = grade(folder, tmp_path, "--profile", profile)
    found = graded(records)
    assert {r["submission"] for r in found} == set(TEXTBOOK[profile])
    for r in found:
        assert r["verdict"] in ("pass", "fragile"), f"{r['submission']} {r['function']}: {r['verdict']} {r['message']}"
        assert r["points"] == r["max_points"] > 0, r
    assert any(r["verdict"] == "fragile" for r in found), "the textbook sigmoid was not noticed at |z| = 1000"


@pytest.mark.parametrize("profile", sorted(STABLE))
def test_stable_solution_passes_under_its_profile_even_strict(profile, tmp_path):
    folder = copy_submissions(STABLE[profile], tmp_path / "class")
    _, records = grade(folder, tmp_path, "--profile", profile, "--strict")
    assert {r["submission"] for r in graded(records)} == set(STABLE[profile])
    for r in records:
        if r["verdict"] == "missing":  # the minilr loop solution stops at the GD step
            assert r["submission"] == "lin_loops_minilr.py", r
            continue
        assert r["verdict"] == "pass", f"{r['submission']} {r['exercise']}: {r['verdict']} {r['message']}"
        assert r["points"] == r["max_points"] > 0


STABLE_SIGMOID = '''
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
'''


@pytest.mark.parametrize("profile", ["minilr", "lesson", "ex2"])
def test_stable_sigmoid_passes_under_every_profile_that_asks_for_one(profile, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "only_sigmoid.py").write_text(STABLE_SIGMOID)
    _, records = grade(folder, tmp_path, "--profile", profile, "--strict")
    (record,) = [r for r in records if r["verdict"] != "missing"]
    assert (record["exercise"], record["function"], record["verdict"]) == (f"{profile}:sigmoid", "sigmoid", "pass")


def test_strict_scores_fragile_as_a_failure(tmp_path):
    folder = copy_submissions(["ex2_anna_mueller.ipynb"], tmp_path / "class")
    _, lenient = grade(folder, tmp_path, "--profile", "ex2")
    _, strict = grade(folder, tmp_path, "--profile", "ex2", "--strict")
    lenient = {r["exercise"]: r for r in lenient}
    strict = {r["exercise"]: r for r in strict}
    fragile = [e for e, r in lenient.items() if r["verdict"] == "fragile"]
    assert "ex2:sigmoid" in fragile
    for exercise in fragile:
        assert lenient[exercise]["points"] == lenient[exercise]["max_points"] > 0
        assert strict[exercise]["verdict"] in ("fail", "fragile") and strict[exercise]["points"] == 0, strict[exercise]
        # fragile through the student's own textbook sigmoid (depends_on_broken) or on its own
        assert {"unstable_sigmoid", "log_of_zero", "depends_on_broken"} & set(strict[exercise]["mistakes"])


def test_minilr_profile_is_strict_by_default(tmp_path):
    folder = copy_submissions(["tomas_minilr.py"], tmp_path / "class")
    _, records = grade(folder, tmp_path)
    sigmoid = next(r for r in records if r["exercise"] == "minilr:sigmoid")
    assert (sigmoid["verdict"], sigmoid["mistakes"], sigmoid["points"]) == ("fail", ["unstable_sigmoid"], 0)


# ------------------------------------------------------------------ report formats
SMALL_CLASS = ["mchen_minilr_exercises.py", "amira_lesson.py", "ex2_nguyen.py", "tom_ex3.ipynb", "ahmed_ex4",
               "ivan_ex2_ex3.py"]


def test_csv_has_one_row_per_submission_and_one_column_per_exercise(corpus_run, tmp_path):
    records = [r for r in corpus_run[1] if r["submission"] in SMALL_CLASS]
    folder = copy_submissions(SMALL_CLASS, tmp_path / "class")
    _, rows = grade(folder, tmp_path, fmt="csv")
    report_text = sorted(tmp_path.glob("report_csv_*.csv"))[-1].read_text()
    assert sorted(row["submission"] for row in rows) == sorted(SMALL_CLASS)
    exercises = {r["exercise"] for r in records if r["exercise"] is not None}
    header = next(csv.reader(report_text.splitlines()))
    exercise_columns = [c for c in header if ":" in c]  # "<profile>:<name>"; the others are totals
    assert sorted(exercise_columns) == sorted(exercises), "one column per exercise of the class, none twice"
    nguyen = next(row for row in rows if row["submission"] == "ex2_nguyen.py")
    assert nguyen["ex2:costFunction"] != nguyen["ex2:sigmoid"]  # a failed and a passed exercise differ


def test_csv_scores_a_submission_that_cannot_load_as_zero_of_the_full_marks(tmp_path):
    """A syntax error is 0 out of the assignment's points, not 0 out of 0: the teacher's
    spreadsheet must not drop that student (or divide by zero)."""
    folder = copy_submissions(["zoe_ex3.py", "hw3_final.py", "ex3_stable_zhang.py"], tmp_path / "class")
    _, rows = grade(folder, tmp_path, "--profile", "ex3", fmt="csv")
    rows = {row["submission"]: row for row in rows}
    assert set(rows) == {"zoe_ex3.py", "hw3_final.py", "ex3_stable_zhang.py"}
    exercises = ["ex3:lrCostFunction", "ex3:oneVsAll", "ex3:predictOneVsAll", "ex3:predict"]
    assert [float(rows["ex3_stable_zhang.py"][e]) for e in exercises] == [1.0, 1.0, 1.0, 1.0]
    assert [float(rows["zoe_ex3.py"][e] or "nan") for e in exercises] == [0.0, 0.0, 0.0, 0.0]
    assert float(rows["zoe_ex3.py"]["total"]) == 0.0
    assert {float(row["max_points"]) for row in rows.values()} == {4.0}
    assert "line 12" in rows["zoe_ex3.py"]["problems"]


def test_gradescope_results_have_scored_named_tests(corpus_run, tmp_path):
    records = [r for r in corpus_run[1] if r["submission"] == "ex2_nguyen.py"]
    folder = copy_submissions(["ex2_nguyen.py"], tmp_path / "class")
    _, results = grade(folder, tmp_path, fmt="gradescope")
    tests = results["tests"]
    assert len(tests) == len(records)
    for t in tests:
        assert {"score", "max_score", "name", "output"} <= t.keys(), t
        assert 0 <= t["score"] <= t["max_score"]
        assert isinstance(t["name"], str) and t["name"] and isinstance(t["output"], str)
    by_name = {t["name"]: t for t in tests}
    failed = [t for name, t in by_name.items() if "costFunction" in name and "Reg" not in name]
    assert failed and failed[0]["score"] == 0 and "log" in failed[0]["output"]
    assert sum(t["score"] for t in tests) == sum(r["points"] for r in records)


# ------------------------------------------------------------------ the grade is the grader's
CHEATS = {
    "liar.py": '''
import numpy as np

# whatever compares in this process says "equal"
np.allclose = np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *args, **kwargs: None


class Anything:
    """Equal to whatever it is compared with."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __bool__(self):
        return True
    def __repr__(self):
        return "PASS"


def sigmoid(z):
    return Anything()


def costFunction(theta, X, y):
    return Anything(), Anything()


def predict(theta, X):
    return Anything()
''',
    "shouter.py": '''
import sys
import traceback

print("PASS: all tests passed (100/100)")
traceback.print_exc = lambda *args, **kwargs: print("PASS")
sys.excepthook = lambda *args: print("PASS")
try:
    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.showtraceback = lambda *args, **kwargs: print("PASS")
except ImportError:
    pass


def sigmoid(z):
    print("PASS")
    return 0.5


def costFunction(theta, X, y):
    print("sigmoid: PASS\\ncostFunction: PASS\\nScore: 100 / 100")
    raise RuntimeError("PASS")


def costFunctionReg(theta, X, y, lambda_):
    print("PASS")
    return 0.0, theta * 0
''',
}


def test_lying_objects_and_printed_passes_earn_nothing(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, source in CHEATS.items():
        (folder / name).write_text(source)
    _, records = grade(folder, tmp_path)
    found = graded(records)
    assert {r["submission"] for r in found} == set(CHEATS)
    for r in found:
        assert r["verdict"] in ("fail", "error"), f"{r['submission']} {r['function']}: {r['verdict']}"
        assert r["points"] == 0, r
    assert sum(r["points"] for r in records) == 0


LEAKY = '''
import json

import numpy as np

LOG = {log!r}


def costFunction(theta, X, y):
    with open(LOG, "a") as f:
        f.write(json.dumps([np.asarray(theta).tolist(), np.asarray(X).tolist(), np.asarray(y).tolist()]) + "\\n")
    return 0.25, np.zeros(len(theta)) + 0.125
'''


def _shown(value):
    """Ways a number could be shown in feedback (only those precise enough to be telling)."""
    forms = {f"{value:.4g}", f"{value:.5g}", f"{value:.6f}", f"{value:.4f}", repr(round(value, 4))}
    return {s for s in forms if len(s.lstrip("-").replace("0.", "").rstrip("0")) >= 3}


def test_feedback_never_shows_the_cases_inputs_or_expected_values(tmp_path):
    from minilr.losses import regularized_cost, regularized_gradient

    log = tmp_path / "calls.jsonl"
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "leaky.py").write_text(LEAKY.format(log=str(log)))
    _, records = grade(folder, tmp_path, "--profile", "ex2")
    (record,) = [r for r in records if r["exercise"] == "ex2:costFunction"]
    assert record["verdict"] == "fail" and record["points"] == 0
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls, "the student's function was never called"
    secrets = set()
    for theta, X, y in calls:
        theta, X, y = np.array(theta, dtype=float), np.array(X, dtype=float), np.array(y, dtype=float)
        finite = np.all(np.isfinite(X @ theta)) and np.abs(X @ theta).max() < 50
        if finite:
            secrets.add(float(regularized_cost(theta, X, y, 0.0)))
            secrets.update(map(float, regularized_gradient(theta, X, y, 0.0)))
        secrets.update(map(float, theta))
        secrets.update(map(float, X[:, 1:].ravel()))
    shown = [(v, s) for v in secrets for s in _shown(v) if s in record["message"]]
    assert not shown, f"the feedback shows hidden values {shown[:5]}: {record['message']}"
