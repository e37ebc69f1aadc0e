"""The lesson notebooks are committed executed, cleanly, and in sync with their jupytext sources.

``pytest`` runs every notebook in ``tutorials/`` through nbmake (``--nbmake``
in ``setup.cfg``); these tests check the *committed* files, so that the
lessons read well, outputs and figures included, without running them.
Each notebook is written from ``tutorials/NN_name.py`` (jupytext percent format);
rebuild one with ``python tutorials/build.py NN``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"


def _is_unsolved_exercise(path):
    """Exercise notebooks are committed unsolved (and unexecuted) on purpose; their solutions are not."""
    name = path.name.lower()
    return "exercises" in name and "solved" not in name


NOTEBOOKS = sorted(
    p for p in TUTORIALS.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts and not _is_unsolved_exercise(p)
)


def _id(path):
    return str(path.relative_to(TUTORIALS))


def test_the_lessons_are_there():
    names = {p.stem for p in NOTEBOOKS}
    assert {"01_logistic_regression_from_scratch", "02_one_vs_all_digits",
            "03_neural_network_backprop", "04_decision_boundary"} <= names


@pytest.fixture(params=NOTEBOOKS, ids=_id)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_notebook_uses_the_python3_kernel(notebook):
    path, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", _id(path)


def test_notebook_was_committed_executed_top_to_bottom(notebook):
    path, nb = notebook
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.get("execution_count") for c in code]
    assert code and None not in counts, (
        f"{_id(path)}: some code cells were never run; execute the notebook and commit it "
        "with its outputs (python tutorials/build.py)."
    )
    assert counts == list(range(1, len(code) + 1)), (
        f"{_id(path)}: the cells were not run once, in order (execution counts {counts})."
    )
    assert any(c.outputs for c in code), f"{_id(path)}: no cell has any output."


def test_notebook_has_no_error_output(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", (
                f"{_id(path)}, cell {i}: committed with an error: {out.ename}: {out.evalue}"
            )


SOURCES = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))


def _cells(nb):
    """What a reader sees of a notebook, outputs and notebook metadata aside."""
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_every_lesson_has_its_jupytext_source():
    lessons = {p.with_suffix(".py") for p in TUTORIALS.glob("*.ipynb")}
    assert lessons == set(SOURCES) and len(SOURCES) == 5


@pytest.mark.parametrize("source", SOURCES, ids=_id)
def test_committed_notebook_matches_its_jupytext_source(source):
    nb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert _cells(nb) == _cells(jupytext.read(source)), (
        f"{_id(source.with_suffix('.ipynb'))} differs from {_id(source)}: rebuild it with "
        f"python tutorials/build.py {source.stem[:2]}   (or --no-execute to sync the text only)."
    )
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent", "pair it: Jupyter then saves both files"


def test_editing_a_markdown_cell_and_rebuilding_changes_exactly_that_cell(tmp_path):
    """The README's rebuild command (in its sync-only mode, so nothing runs) on a copy of lesson 4."""
    copy = tmp_path / "tutorials"
    copy.mkdir()
    name = "04_decision_boundary"
    for path in (TUTORIALS / "build.py", TUTORIALS / f"{name}.py", TUTORIALS / f"{name}.ipynb"):
        shutil.copy(path, copy / path.name)
    before = nbformat.read(copy / f"{name}.ipynb", as_version=4)
    i, cell = next((i, c) for i, c in enumerate(before.cells) if c.cell_type == "markdown" and i > 0)
    first_line = cell.source.splitlines()[0]
    text = (copy / f"{name}.py").read_text()
    assert text.count(f"# {first_line}\n") == 1
    (copy / f"{name}.py").write_text(text.replace(f"# {first_line}\n", f"# {first_line} (edited)\n"))

    run = subprocess.run([sys.executable, str(copy / "build.py"), "--no-execute", name[:2]],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr

    after = nbformat.read(copy / f"{name}.ipynb", as_version=4)
    assert after.metadata == before.metadata and len(after.cells) == len(before.cells)
    changed = [j for j, (a, b) in enumerate(zip(before.cells, after.cells)) if a != b]
    assert changed == [i]
    assert after.cells[i].source == cell.source.replace(first_line, f"{first_line} (edited)", 1)
