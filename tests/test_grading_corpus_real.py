"""Acceptance of the class grader on real patterns: the course's helper module, scripts, folders, cascades.

``tests/grading_corpus_real/class/`` holds submissions written in the forms
real ones arrive in: the course's notebooks with their first cells
(``import utils``, ``grader = utils.Grader()``, ``grader[1] = sigmoid``)
and ``utils.sigmoid`` inside the students' functions; scripts whose top
level opens a data file on the student's disk, trains and plots, imports
a module that is not installed, calls pandas as it was before 1.0, or
holds a Python 2 ``print``; folders of one-function files importing each
other, flat or with a package of the student's own; right functions that
call a textbook (fragile) sigmoid; and the mistakes of issue 27 (``np.round``
at z = 0, a threshold without the sigmoid, ``order='F'``, a column gradient,
a list of classifiers, ``np.matrix``), with arguments in the student's own
order and names. ``support/utils.py`` stands for the course's helper module,
which the teacher passes with ``--support``.

``expected.json`` holds every record the grader must write; it was decided by
reading each submission against the exercises' formulas, not by running the
grader. The whole class is graded by one CLI run, as a teacher runs it, with
auto-detection choosing each submission's profile.

Run this file as a script to print how many functions the grader judges as
expected (``python tests/test_grading_corpus_real.py``).
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import nbformat
import pytest

CORPUS = Path(__file__).parent / "grading_corpus_real"
CLASS = CORPUS / "class"
SUPPORT = CORPUS / "support" / "utils.py"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())

# Each pattern of issue 27, with the submissions that show it and a trace of it in their code.
PATTERNS = {
    "the course's helper module, utils.sigmoid inside the functions": (
        ["exercise2 (1).ipynb", "ex2 - Bianchi Giulia.ipynb", "ex3.py", "Copy of ex3.ipynb", "exercise3 (2).ipynb",
         "Copy of exercise4.ipynb", "exercise4 (2).ipynb", "ex4_dlamini_sipho.ipynb"], r"utils\.sigmoid\("),
    "the course's handout cells (grader = utils.Grader(), grader[...] = ...)": (
        ["Copy of ex2.ipynb", "ex2_wanjiru_mwangi.ipynb", "Untitled1.ipynb", "Copy of ex3.ipynb",
         "Copy of exercise4.ipynb", "exercise4 (2).ipynb"], r"grader = utils\.Grader\(\)[\s\S]*grader\[\d\] = "),
    "a data file opened at import from the student's disk": (
        ["ex3.py", "ex4_chukwu_emeka.py"], r"loadmat\(r?'?\"?[A-Z]:\\"),
    "training and plotting at the bottom of a script": (
        ["ex2_kowalski.py", "ex3.py", "ex4_chukwu_emeka.py", "hw2_camille_dubois.py"],
        r"\n(plt|pyplot)\.\w+\(|\n\w+ = (oneVsAll|minimize)\("),
    "import seaborn (not installed)": (["ex2_lopez_seaborn.py"], r"import seaborn"),
    "a pandas call removed in pandas 1.0": (["ex2_okonkwo_pandas.py"], r"\.as_matrix\(\)"),
    "a Python 2 print statement among Python 3 functions": (
        ["ex2_hassan_py2.py", "ex4_ivanova_py2.py"], r"\nprint \""),
    "a module of the student's own that was not handed in": (["ex2_mueller_main.py"], r"from plotData import"),
    "functions using a global the script computes from its data (error)": (
        ["ex2_rossi_globals.py"], r"\nm, n = X\.shape\n"),
    "one function per file, flat (from sigmoid import sigmoid, import lrCostFunc)": (
        ["ahn_jiho_ex2", "mendoza_ex3", "lee_minji_ex4"], r"from sigmoid import sigmoid|import lrCostFunc"),
    "one function per file, with a package of the student's own": (["grace_osei_ex3"], r"from mlkit\.\w+ import"),
    "a right predict or gradient calling a textbook (fragile) sigmoid": (
        ["Copy of ex2.ipynb", "hw2_camille_dubois.py", "ex2_hassan_py2.py", "ex2_nowak_matrix.ipynb",
         "Untitled1.ipynb", "ahn_jiho_ex2", "lesson_kim_seoyeon.ipynb", "nasser_lesson3_v2.py",
         "ex4_dlamini_sipho.ipynb"], r"1 / \(1 \+ np\.exp\(-z\)\)|1\.0 / \(1\.0 \+ np\.exp\(-z\)\)"),
    "a softmax cost with the row max subtracted, log of every probability": (
        ["moreau_softmax.py"], r"np\.log\(P\)"),
    "a sigmoid in an ex2 submission with helpers named like minilr's exercises": (
        ["Untitled1.ipynb", "ex2_ngata_aroha.py"], r"def (cost|compute_cost)\("),
    "np.round in predict (z exactly 0)": (["ex2_tanaka_haruto.py", "ex2 - Bianchi Giulia.ipynb"], r"np\.round\("),
    "predict thresholding X @ theta at 0.5 without the sigmoid": (["hw2_camille_dubois.py"], r"X @ theta >= 0\.5"),
    "nn_params reshaped or unrolled in column-major order": (
        ["exercise4 (2).ipynb", "ex4_lima_fortran.py"], r"order=[\"']F[\"']"),
    "a gradient returned as an (n, 1) column": (
        ["ex2_ito_column.py", "ex3_olsen_column.py", "popescu_lesson_column.py"], r"reshape\(\(?(n|-1), 1\)?\)"),
    "oneVsAll returning a Python list": (["exercise3 (2).ipynb", "haddad_lesson_list.py"], r"\.append\("),
    "np.matrix arithmetic": (["ex2_nowak_matrix.ipynb", "ex3_yilmaz_matrix.ipynb"], r"np\.matrix\("),
    "arguments matched by their names": (
        ["ferreira_lesson_ova.py", "nakamura_lesson3.py", "oyelaran_tunde_lesson.py", "ex3_berg_lambda_first.py",
         "ex2_silva_reg_first.py"],
        r"def (one_vs_all\(X, y, (num_labels, lambda_|K, reg|K, Lambda)\)|oneVsAll\(X, y, lambda_, num_labels\)"
        r"|costFunctionReg\(theta, reg, X, y\))"),
    "names that cannot decide: the profile's order stands": (
        ["weber_lesson_final.py"], r"def one_vs_all\(data, labels, a, b\)"),
}
NEW_KEYS = {"round_half_to_even", "threshold_without_sigmoid", "column_major_unroll", "gradient_as_column",
            "returns_list", "np_matrix"}


# ------------------------------------------------------------------ helpers
def grade_class(report):
    """Grade a copy of the class with the CLI, as a teacher does: the CompletedProcess."""
    folder = Path(report).parent / "class"
    shutil.copytree(CLASS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "minilr", "check", str(folder), "--support", str(SUPPORT),
               "--format", "json", "--report", str(report), "--jobs", "2", "--no-progress"]
    return subprocess.run(command, capture_output=True, text=True, timeout=1200)


def _key(record):
    return record["submission"], record["exercise"]


def compare(records, expected=EXPECTED):
    """``(agreeing, judged, problems)``: the records that agree with ``expected`` (verdict and mistake keys)
    among the functions it says are judged (all but ``missing``), and every disagreement in words."""
    got, problems = {}, []
    for r in records:
        if _key(r) in got:
            problems.append(f"{r['submission']} {r['exercise']}: two records ({got[_key(r)]['function']}, "
                            f"{r['function']})")
        got[_key(r)] = r
    wanted = {_key(e): e for e in expected}
    for key in sorted(wanted.keys() - got.keys(), key=str):
        e = wanted[key]
        problems.append(f"{key[0]} {key[1]}: no record (expected {e['function']} {e['verdict']} {e['mistakes']})")
    for key in sorted(got.keys() - wanted.keys(), key=str):
        r = got[key]
        problems.append(f"{key[0]} {key[1]}: unexpected record {r['function']} {r['verdict']} {r['mistakes']}: "
                        f"{r['message'][:240]}")
    agreeing = 0
    for key in sorted(wanted.keys() & got.keys(), key=str):
        e, r = wanted[key], got[key]
        function_ok = r["function"] == e["function"] or (e["verdict"] == "missing" and r["function"] is None)
        if function_ok and r["verdict"] == e["verdict"] and sorted(r["mistakes"]) == sorted(e["mistakes"]):
            agreeing += e["verdict"] != "missing"
            continue
        problems.append(f"{key[0]} {key[1]}: expected {e['function']} {e['verdict']} {sorted(e['mistakes'])}, "
                        f"got {r['function']} {r['verdict']} {sorted(r['mistakes'])}: {r['message'][:240]}")
    judged = sum(e["verdict"] != "missing" for e in expected)
    return agreeing, judged, problems


def _sources(submission):
    """The code of a submission: its .py files and its notebooks' code cells."""
    path = CLASS / submission
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    code = []
    for f in files:
        if f.suffix == ".py":
            code.append(f.read_text(encoding="utf-8-sig"))
        elif f.suffix == ".ipynb":
            code += [c.source for c in nbformat.read(f, as_version=4).cells if c.cell_type == "code"]
    return "\n".join(code)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """The whole class graded once: (CompletedProcess, records)."""
    report = tmp_path_factory.mktemp("real") / "report.json"
    proc = grade_class(report)
    assert report.is_file(), f"no report (exit {proc.returncode}); stderr:\n{proc.stderr[-3000:]}"
    return proc, json.loads(report.read_text())["records"]  # the JSON report: its header, then the records


# ------------------------------------------------------------------ the manifest itself
def test_manifest_lists_every_submission_on_disk():
    submissions = {r["submission"] for r in EXPECTED}
    on_disk = {p.name for p in CLASS.iterdir() if p.name != "__pycache__"}
    assert submissions == on_disk, f"only in expected.json: {submissions - on_disk}; on disk: {on_disk - submissions}"
    assert len(submissions) >= 40
    assert len(list(CLASS.glob("*.ipynb"))) >= 10 and len(list(CLASS.glob("*.py"))) >= 10
    assert sum((CLASS / s).is_dir() for s in submissions) >= 4
    assert {r["exercise"].split(":")[0] for r in EXPECTED} == {"minilr", "lesson", "ex2", "ex3", "ex4"}
    assert {"pass", "fragile", "fail", "error", "missing"} <= {r["verdict"] for r in EXPECTED}
    assert NEW_KEYS <= {k for r in EXPECTED for k in r["mistakes"]}, "a mistake of issue 27 has no submission"


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_every_pattern_is_in_the_corpus(pattern):
    submissions, trace = PATTERNS[pattern]
    assert submissions, pattern
    for submission in submissions:
        assert (CLASS / submission).exists(), submission
        assert re.search(trace, _sources(submission)), f"{submission} does not show: {pattern}"


def test_manifest_names_functions_the_submissions_define():
    for r in EXPECTED:
        defined = re.search(rf"^\s*def {re.escape(r['function'])}\(", _sources(r["submission"]), re.M)
        assert bool(defined) == (r["verdict"] != "missing"), (r["submission"], r["function"], r["verdict"])


def test_one_profile_per_submission_in_the_manifest():
    profiles = {}
    for r in EXPECTED:
        profiles.setdefault(r["submission"], set()).add(r["exercise"].split(":")[0])
    assert all(len(p) == 1 for p in profiles.values()), {s: p for s, p in profiles.items() if len(p) > 1}


def test_the_helper_module_stand_in_is_harmless_offline():
    namespace = {}
    exec(compile(SUPPORT.read_text(), str(SUPPORT), "exec"), namespace)
    grader = namespace["Grader"]()
    grader[1] = namespace["sigmoid"]
    assert len(grader) == 1 and float(namespace["sigmoid"](-1000.0)) == 0.0


# ------------------------------------------------------------------ the whole class, one run
def test_real_corpus_is_graded_as_expected(corpus_run):
    """Every record agrees with expected.json; all disagreements are listed at once."""
    proc, records = corpus_run
    assert proc.returncode == 0, f"exit code {proc.returncode}:\n{proc.stderr[-2000:]}"
    agreeing, judged, problems = compare(records)
    assert not problems, (f"agreement: {agreeing} of {judged} functions; {len(problems)} disagreements with "
                          "expected.json:\n" + "\n".join(problems))


def test_one_verdict_per_function(corpus_run):
    """No function is graded twice, and each submission is graded under one profile."""
    _, records = corpus_run
    graded = Counter((r["submission"], r["function"]) for r in records if r["verdict"] != "missing")
    assert [k for k, n in graded.items() if n > 1] == []
    profiles = {}
    for r in records:
        if r["exercise"]:
            profiles.setdefault(r["submission"], set()).add(r["exercise"].split(":")[0])
    assert {s: p for s, p in profiles.items() if len(p) > 1} == {}


def test_no_function_of_the_class_is_lost_to_the_helper_module_or_a_script(corpus_run):
    """Given the helper module, the only errors are the functions that use what a failing top-level line
    would have made (the script's own ``m``): no NameError for `utils`, no submission lost whole."""
    _, records = corpus_run
    expected = {_key(r) for r in EXPECTED if r["verdict"] == "error"}
    errors = {_key(r): r["message"][:200] for r in records if r["verdict"] == "error"}
    assert {k: m for k, m in errors.items() if k not in expected} == {}
    assert all(errors.get(k) is None or "`m`" in errors[k] or "'m'" in errors[k] for k in expected), errors


def main():
    """Grade the class once and print the agreement with expected.json (for the closing note)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = grade_class(report)
        if not report.is_file():
            print(proc.stderr[-3000:])
            return 2
        agreeing, judged, problems = compare(json.loads(report.read_text())["records"])
    print("\n".join(problems))
    print(f"agreement: {agreeing} of {judged} functions ({agreeing / judged:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
