"""The student versions are generated from their masters: solutions stubbed, hidden tests gone, outputs cleared."""

import json
from pathlib import Path

import nbformat
import pytest

from minilr.exercises.authoring.assign import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    MarkerError,
    _dumps,
    _regions,
    build,
    main,
    student_path,
    student_version,
)

EXERCISES = Path(__file__).resolve().parents[1] / "tutorials" / "exercises"
MASTERS = sorted(EXERCISES.glob("*_solved.ipynb"))


def _notebook(*cells):
    """A master notebook as nbformat writes it, from ``(cell_type, source)`` pairs."""
    nb = nbformat.v4.new_notebook()
    for cell_type, source in cells:
        cell = nbformat.v4.new_code_cell(source) if cell_type == "code" else nbformat.v4.new_markdown_cell(source)
        if cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="PASS\n")]
            cell.execution_count = 1
        nb.cells.append(cell)
    return json.loads(nbformat.writes(nb))


def _sources(nb):
    return ["".join(c["source"]) for c in nb["cells"]]


CODE = '''def cost(theta, X, y, lam):
    """The cost."""
    m = X.shape[0]
    ### BEGIN SOLUTION
    z = X @ theta
    return np.mean(np.logaddexp(0, z) - y * z)
    ### END SOLUTION'''


def test_a_solution_becomes_a_stub_at_its_indentation_below_the_signature():
    student = student_version(_notebook(("code", CODE)))
    assert _sources(student) == ['def cost(theta, X, y, lam):\n    """The cost."""\n    m = X.shape[0]\n'
                                 '    # YOUR CODE HERE\n'
                                 '    raise NotImplementedError("replace this line with your code")']


def test_a_whole_cell_solution_and_two_regions_in_one_cell():
    source = (f"{BEGIN_SOLUTION}\nx = 1\n{END_SOLUTION}\nprint(x)\n"
              f"if x:\n        {BEGIN_SOLUTION}\n        y = 2\n        {END_SOLUTION}")
    (student,) = _sources(student_version(_notebook(("code", source))))
    assert student.splitlines() == ["# YOUR CODE HERE", 'raise NotImplementedError("replace this line with your code")',
                                    "print(x)", "if x:", "        # YOUR CODE HERE",
                                    '        raise NotImplementedError("replace this line with your code")']


def test_hidden_tests_are_removed_and_a_cell_of_hidden_tests_only_is_dropped():
    master = _notebook(("code", f"{BEGIN_HIDDEN}\nassert check(f, seed=3)\n{END_HIDDEN}\ncheck(f)"),
                       ("code", f"  {BEGIN_HIDDEN}\nassert secret()\n  {END_HIDDEN}\n"),
                       ("markdown", "Done."))
    assert _sources(student_version(master)) == ["check(f)", "Done."]


def test_a_markdown_answer_becomes_your_answer_here():
    master = _notebook(("markdown", f"Why?\n\n{BEGIN_SOLUTION}\nBecause the bias is not penalised.\n{END_SOLUTION}"))
    assert _sources(student_version(master)) == ["Why?\n\nYOUR ANSWER HERE"]


def test_outputs_and_execution_counts_are_cleared_and_tags_and_ids_kept():
    master = _notebook(("code", CODE))
    master["cells"][0]["metadata"] = {"tags": ["check:cost"], "execution": {"iopub.status.busy": "x"}}
    (cell,) = student_version(master)["cells"]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert cell["metadata"] == {"tags": ["check:cost"]} and cell["id"] == master["cells"][0]["id"]
    assert master["cells"][0]["outputs"], "the master itself is not modified"


def test_the_student_version_is_a_valid_notebook():
    nbformat.validate(nbformat.reads(_dumps(student_version(_notebook(("code", CODE)))), as_version=4))


@pytest.mark.parametrize("source, message", [
    (f"{BEGIN_SOLUTION}\nx = 1", "line 1: ### BEGIN SOLUTION is never closed"),
    (f"x = 1\n{END_SOLUTION}", "line 2: ### END SOLUTION without a ### BEGIN SOLUTION"),
    (f"{BEGIN_SOLUTION}\n{BEGIN_SOLUTION}\n{END_SOLUTION}",
     "line 2: ### BEGIN SOLUTION inside the region opened on line 1"),
    (f"{BEGIN_HIDDEN}\nassert x", "line 1: ### BEGIN HIDDEN TESTS is never closed"),
])
def test_unpaired_markers_are_an_error_naming_the_cell_and_the_line(source, message):
    with pytest.raises(MarkerError, match="cell 1, " + message.replace("(", r"\(")):
        student_version(_notebook(("markdown", "intro"), ("code", source)), name="lesson")


def test_regions_are_found_by_the_marker_line_alone():
    lines = ["x = '### BEGIN SOLUTION'", f"   {BEGIN_SOLUTION}  ", "y", f"\t{END_SOLUTION}"]
    assert _regions(lines, BEGIN_SOLUTION, END_SOLUTION, "cell") == [(1, 3)]


def test_the_student_path_drops_the_solved_suffix_and_a_master_needs_it(tmp_path):
    assert student_path(tmp_path / "02_one_vs_all_exercises_solved.ipynb") == tmp_path / "02_one_vs_all_exercises.ipynb"
    with pytest.raises(ValueError, match="_solved.ipynb"):
        student_path(tmp_path / "lesson.ipynb")


def test_the_command_writes_checks_and_reports_bad_paths(tmp_path, capsys):
    master = tmp_path / "lesson_solved.ipynb"
    master.write_text(json.dumps(_notebook(("code", CODE))))
    assert main([str(tmp_path), "--check"]) == 1  # nothing generated yet
    assert main([str(tmp_path)]) == 0 and (tmp_path / "lesson.ipynb").is_file()
    assert main([str(tmp_path), "--check"]) == 0
    assert main([str(master), "-o", str(tmp_path / "handout.ipynb")]) == 0
    assert (tmp_path / "handout.ipynb").read_text() == (tmp_path / "lesson.ipynb").read_text()
    capsys.readouterr()
    assert main([str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main([str(tmp_path / "lesson.ipynb")]) == 2
    assert "is not a master" in capsys.readouterr().err
    (tmp_path / "broken_solved.ipynb").write_text(json.dumps(_notebook(("code", BEGIN_SOLUTION))))
    assert main([str(tmp_path)]) == 2
    assert "broken_solved.ipynb, cell 0, line 1" in capsys.readouterr().err


def test_an_empty_folder_is_reported(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no master notebook" in capsys.readouterr().err


# ------------------------------------------------------------------ the committed exercise sets
def test_every_lesson_has_a_master():
    assert [p.name[:2] for p in MASTERS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.name)
def test_the_committed_student_version_is_what_the_generator_writes(master):
    path, up_to_date = build(master, check=True)
    assert up_to_date, (f"{path.name} differs from what {master.name} generates: run "
                        "python -m minilr.exercises.authoring.assign tutorials/exercises")


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.name)
def test_no_line_of_a_solution_or_hidden_test_reaches_the_student(master):
    nb = json.loads(master.read_text())
    secret = set()
    for cell in nb["cells"]:
        lines = "".join(cell["source"]).split("\n")
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            for first, last in _regions(lines, begin, end, master.name):
                secret |= {line.strip() for line in lines[first + 1:last] if line.strip()}
    assert secret, f"{master.name} has no solution region"
    student = [line.strip() for text in _sources(json.loads(student_path(master).read_text()))
               for line in text.split("\n")]
    leaked = secret & set(student)
    assert not leaked, f"{student_path(master).name} shows lines of {master.name}'s solutions: {sorted(leaked)}"
    assert not any("### " in line and ("SOLUTION" in line or "HIDDEN" in line) for line in student)


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.name)
def test_every_exercise_function_of_a_master_has_a_checker_cell_after_it(master):
    cells = json.loads(master.read_text())["cells"]
    for i, cell in enumerate(cells):
        if BEGIN_SOLUTION in "".join(cell["source"]) and cell["cell_type"] == "code":
            after = cells[i + 1].get("metadata", {}).get("tags", [])
            assert any(tag.startswith("check:") for tag in after), f"{master.name}, cell {i + 1}"


def test_python_m_minilr_exercises_build_runs_the_same_command(tmp_path, capsys):
    from minilr.__main__ import main as minilr_main

    (tmp_path / "lesson_solved.ipynb").write_text(json.dumps(_notebook(("code", CODE))))
    assert minilr_main(["exercises", "build", str(tmp_path), "--check"]) == 1  # not generated yet
    assert minilr_main(["exercises", "build", str(tmp_path)]) == 0
    assert (tmp_path / "lesson.ipynb").read_text() == _dumps(student_version(nbformat.read(
        tmp_path / "lesson_solved.ipynb", as_version=4)))
    assert minilr_main(["exercises", "build", str(tmp_path), "--check"]) == 0
    capsys.readouterr()
    assert minilr_main(["exercises", "build", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_python_m_minilr_exercises_build_defaults_to_the_committed_sets(monkeypatch):
    from minilr.__main__ import main as minilr_main

    monkeypatch.chdir(EXERCISES.parents[1])
    assert minilr_main(["exercises", "build", "--check"]) == 0
