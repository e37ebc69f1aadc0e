"""Gradescope's autograder zip, built by ``python -m minilr autograder gradescope`` and run as Gradescope runs it.

The zip's layout and ``results.json``'s fields follow Gradescope's "Autograder
Specifications" (gradescope-autograders.readthedocs.io, specs): ``setup.sh``
and ``run_autograder`` at the root of the archive; ``/autograder/source`` holds
the zip's contents, ``/autograder/submission`` the student's files, and
``run_autograder`` writes ``/autograder/results/results.json``. Here
``AUTOGRADER_ROOT`` stands in for ``/autograder``, and ``setup.sh`` is not run
(it would pip-install into the machine's Python): the scripts run with this
environment's Python, where minilr is importable.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "grading_corpus"
REPO = Path(__file__).resolve().parent.parent

# Gradescope's documented fields and their types (top level, and per test).
TOP = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
       "test_output_format": str, "test_name_format": str, "visibility": str, "stdout_visibility": str,
       "extra_data": dict, "tests": list, "leaderboard": list}
TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
        "number": str, "output": str, "output_format": str, "tags": list, "visibility": str, "extra_data": dict}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def validate(results):
    """Assert ``results`` is a results.json Gradescope accepts: documented fields only, of their types."""
    assert set(results) <= set(TOP), set(results) - set(TOP)
    for key, value in results.items():
        assert isinstance(value, TOP[key]) and not isinstance(value, bool), (key, value)
    assert "score" in results or all("score" in t for t in results["tests"])
    assert results.get("output_format", "text") in FORMATS
    for test in results["tests"]:
        assert set(test) <= set(TEST), set(test) - set(TEST)
        for key, value in test.items():
            assert isinstance(value, TEST[key]) and not isinstance(value, bool), (key, value)
        assert test.get("status", "passed") in {"passed", "failed"}
        assert test.get("output_format", "text") in FORMATS
        assert test.get("visibility", "visible") in VISIBILITY
        assert all(isinstance(tag, str) for tag in test.get("tags", []))


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zip")
    support = folder / "utils.py"  # the course's helper module, which a template notebook imports
    support.write_text("import numpy as np\n\ndef mapFeature(x1, x2):\n    return np.column_stack([x1, x2])\n")
    done = subprocess.run([sys.executable, "-m", "minilr", "autograder", "gradescope", "--profile", "ex2",
                           "--support", str(support), "--visibility", "after_due_date", "-o",
                           str(folder / "autograder.zip")], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return folder / "autograder.zip"


def test_zip_has_gradescope_layout(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        settings = json.loads(z.read("minilr-autograder.json"))
    assert {"setup.sh", "run_autograder", "support/utils.py"} <= names  # at the root, not in a folder
    (wheel,) = [n for n in names if n.startswith("wheels/minilr-") and n.endswith(".whl")]
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    assert "wheels/minilr-*.whl" in setup and "pip install" in setup
    assert settings["profile"] == "ex2" and settings["visibility"] == "after_due_date"
    with zipfile.ZipFile(autograder_zip) as z, zipfile.ZipFile(z.open(wheel)) as w:
        assert "minilr/exercises/cli.py" in w.namelist()  # the wheel of this checkout


SUBMISSIONS = {
    "correct": "ex2_lee_jiwoo.py",
    "wrong": "ex2_nguyen.py",
    "does not parse": None,
}


@pytest.mark.parametrize("kind", list(SUBMISSIONS))
def test_run_autograder_writes_valid_results(autograder_zip, tmp_path, kind):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as z:
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope's image build does
    os.chmod(root / "run_autograder", 0o755)
    (root / "submission").mkdir()
    if SUBMISSIONS[kind]:
        shutil.copy(CORPUS / SUBMISSIONS[kind], root / "submission" / SUBMISSIONS[kind])
    else:
        (root / "submission" / "ex2.py").write_text("def sigmoid(z)\n    return z\n")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "MINILR_PYTHON": sys.executable,
           "PYTHONPATH": str(REPO)}
    done = subprocess.run([str(root / "run_autograder")], capture_output=True, text=True, timeout=600, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    tests = results["tests"]
    assert results["score"] == sum(t["score"] for t in tests)
    assert all(t["visibility"] == "after_due_date" and t["output_format"] == "md" for t in tests)
    if kind == "correct":
        assert results["score"] == 4 and all(t["status"] == "passed" for t in tests)
        assert [t["tags"] for t in tests] == [[t["name"].split(" ")[0]] for t in tests]
    elif kind == "wrong":
        failed = [t for t in tests if t["status"] == "failed"]
        assert failed and all(len(t["tags"]) >= 2 for t in failed)  # the exercise, then the mistake keys
        assert all(t["extra_data"]["mistakes"] == t["tags"][1:] for t in tests)
        assert results["extra_data"]["mistakes"]
    else:
        # a statement that does not parse costs only itself: the sigmoid it defines, and ex2's others are missing
        assert results["score"] == 0 and all(t["status"] == "failed" for t in tests)
        assert "syntax error at line 1" in tests[0]["output"] and tests[0]["name"].startswith("ex2:sigmoid")


def test_a_submission_without_python_files_still_gets_results(autograder_zip, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "answers.pdf").write_bytes(b"%PDF")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "MINILR_PYTHON": sys.executable, "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    assert results["score"] == 0 and "No `.py` or `.ipynb` file" in results["output"]


@pytest.mark.parametrize("args, message", [
    (["--profile", "ex9"], "the built-in profiles are"),
    (["--profile", "ex2", "--support", "no_such_file.py"], "no such support file or folder"),
    (["--profile", "ex2", "-o", "a_file/autograder.zip"], "cannot write a_file/autograder.zip"),
])
def test_autograder_misuse_is_one_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "a_file").write_text("")
    fake = tmp_path / "minilr-0.1.0-py3-none-any.whl"
    fake.write_bytes(b"PK")
    done = subprocess.run([sys.executable, "-m", "minilr", "autograder", "gradescope", *args, "--wheel", str(fake)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
