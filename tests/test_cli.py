"""The command line: ``python -m minilr --help``, ``demo`` and its failure messages."""

import os
import subprocess
import sys

import pytest


def run_minilr(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "minilr", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_help_lists_the_commands():
    done = run_minilr("--help")
    assert done.returncode == 0
    assert "demo" in done.stdout and "check" in done.stdout and "exercises" in done.stdout


def test_no_command_prints_the_help():
    done = run_minilr()
    assert done.returncode == 0
    assert "usage: python -m minilr" in done.stdout


def test_demo_trains_every_model_prints_the_table_and_writes_the_figures(tmp_path):
    out = tmp_path / "figures"
    done = run_minilr("demo", "--out", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    for model in ("logistic regression (breast cancer)", "one-vs-all (digits)",
                  "softmax regression (digits)", "MLP 400-25-10 (digits)"):
        assert model in done.stdout
    rows = [line.split() for line in done.stdout.splitlines() if "(digits)" in line]
    test_accuracies = [float(row[-2]) for row in rows]
    assert min(test_accuracies) > 0.85, done.stdout
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) >= 4 and all((out / p).stat().st_size > 1000 for p in pngs)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["demo"], ["check", "no_such_student.py"]])
def test_missing_files_get_a_message_not_a_traceback(tmp_path, command):
    env = dict(os.environ, MINILR_DATA_DIR=str(tmp_path))  # an empty data folder
    done = run_minilr(*command, "--out", str(tmp_path / "o"), env=env) if command == ["demo"] \
        else run_minilr(*command, env=env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    text = done.stderr + done.stdout
    assert ("breast-cancer-wisconsin.data" in text and "MINILR_DATA_DIR" in text) \
        or "no_such_student.py" in text


def test_check_help_lists_the_grading_options():
    done = run_minilr("check", "--help")
    assert done.returncode == 0
    for option in ("--profile", "--report", "--format", "--strict", "--timeout", "--memory", "--jobs", "--only"):
        assert option in done.stdout
    assert "minilr, lesson, ex2, ex3, ex4" in done.stdout


def test_check_grades_a_folder_and_exits_zero_although_a_student_fails(tmp_path):
    (tmp_path / "a.py").write_text("def sigmoid(z):\n    return z\n")
    done = run_minilr("check", str(tmp_path), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "a.py" in done.stdout and "fail" in done.stdout and "1 submission:" in done.stdout
