"""The lesson notebooks are committed executed, cleanly, and as their build script writes them.

``pytest`` runs every notebook in ``tutorials/`` through nbmake (``--nbmake``
in ``setup.cfg``); these tests check the *committed* files, so that the
lessons read well, outputs and figures included, without running them.
Rebuild a lesson with ``python tutorials/build_notebooks.py <prefix>``.
"""

import importlib.util
from pathlib import Path

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
        "with its outputs (python tutorials/build_notebooks.py)."
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


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_notebooks", TUTORIALS / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(_load_build_script().LESSONS))
def test_committed_lesson_matches_its_build_script(name):
    cells = _load_build_script().LESSONS[name]
    nb = nbformat.read(TUTORIALS / f"{name}.ipynb", as_version=4)
    committed = [(c.cell_type, c.source) for c in nb.cells]
    assert committed == list(cells), (
        f"{name}.ipynb differs from tutorials/build_notebooks.py: edit the script and rebuild "
        f"with python tutorials/build_notebooks.py {name[:2]}."
    )
