"""The lesson notebooks: committed executed, in sync with their sources, and not stale.

Each notebook is written from ``tutorials/NN_name.py`` (jupytext percent format) by
``python tutorials/build.py NN``. The first tests check the *committed* files, so that
the lessons read well, outputs and figures included, without running them. The last
ones run every lesson afresh with nbclient (once per session; nbmake skips the lessons,
see ``tutorials/conftest.py``, so that each runs once) and compare that run with the
committed outputs, and walk its figures for axis labels."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbclient
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
            "03_neural_network_backprop", "04_decision_boundary", "05_scaling_out",
            "06_regularisation"} <= names


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
    assert lessons == set(SOURCES) and len(SOURCES) == 6


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


# ------------------------------------------------------------------ fresh runs of the lessons
LESSONS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))

FIGURE_MIME = "application/x-minilr-figure-axes+json"

# Run in the kernel before the lesson: every figure a cell displays also shows, under
# FIGURE_MIME, the labels of its Axes, so that the test reads them from the rendered output.
RECORD_FIGURE_AXES = f'''
from IPython import get_ipython as _get_ipython
from IPython.core.formatters import JSONFormatter as _JSONFormatter
from matplotlib.figure import Figure as _Figure


def _figure_axes(fig):
    return {{"suptitle": fig.get_suptitle(), "axes": [
        {{"axis_on": bool(ax.axison and ax.get_visible()), "colorbar": hasattr(ax, "_colorbar"),
          "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(), "title": ax.get_title()}}
        for ax in fig.axes]}}


_formatter = _JSONFormatter(parent=_get_ipython().display_formatter)
_formatter.format_type = "{FIGURE_MIME}"
_get_ipython().display_formatter.formatters["{FIGURE_MIME}"] = _formatter
# %matplotlib inline drops every formatter's Figure entry, so it is set again after each cell,
# before the inline backend (whose callback comes later) displays the cell's figures.
_get_ipython().events.register("post_execute", lambda: _formatter.for_type(_Figure, _figure_axes))
'''

_FRESH = {}


def _run_fresh(path):
    """``path`` executed now, as ``tutorials/build.py`` runs it (once per test session)."""
    if path not in _FRESH:
        nb = nbformat.read(path, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(RECORD_FIGURE_AXES))
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(TUTORIALS)}}).execute()
        del nb.cells[0]
        _FRESH[path] = nb
    return _FRESH[path]


@pytest.fixture(params=LESSONS, ids=_id)
def fresh_lesson(request):
    return request.param, _run_fresh(request.param)


NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
TIMING = re.compile(rf"{NUMBER}\s?(?:min|ms|µs|us|s)\b")
WARNING_LOCATION = re.compile(r"^\S+\.py:\d+: ", flags=re.MULTILINE)


def _template(text):
    """``text`` with timings masked and numbers taken out: ``(words, numbers)``."""
    text = WARNING_LOCATION.sub("<file>:<line>: ", TIMING.sub("<time>", text))
    numbers = re.findall(NUMBER, text)
    words = re.sub(r"[ \t]+", " ", re.sub(NUMBER, "#", text))
    return words, numbers


def _last_digit(token):
    """One unit in the last printed digit of ``token``: 0.01 for "94.20", 1e-6 for "3.5e-05"."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _same_number(fresh, committed):
    if not re.search(r"[.eE]", committed):  # an integer: a count, a shape, a label
        return fresh == committed
    return abs(float(fresh) - float(committed)) <= 1.000001 * _last_digit(committed)


def _shown_text(cell):
    """What a reader sees of a code cell's outputs, as text (images aside)."""
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            if texts and texts[-1].startswith(f"[{out.name}]\n"):  # one stream, flushed in pieces
                texts[-1] += out.text
            else:
                texts.append(f"[{out.name}]\n{out.text}")
        elif out.output_type == "error":
            texts.append(f"[error] {out.ename}: {out.evalue}")
        else:
            texts.append(f"[{out.output_type}] {out.get('data', {}).get('text/plain', '')}")
    return "\n".join(texts)


def _differences(committed_nb, fresh_nb):
    found = []
    for i, (old, new) in enumerate(zip(committed_nb.cells, fresh_nb.cells)):
        if old.cell_type != "code":
            continue
        (old_words, old_numbers), (new_words, new_numbers) = _template(_shown_text(old)), _template(_shown_text(new))
        if old_words != new_words or len(old_numbers) != len(new_numbers):
            found.append(f"cell {i}: the text differs\n--- committed\n{_shown_text(old)}\n--- fresh\n{_shown_text(new)}")
            continue
        wrong = [(o, n) for o, n in zip(old_numbers, new_numbers) if not _same_number(n, o)]
        if wrong:
            found.append(f"cell {i}: numbers differ (committed, fresh): {wrong[:5]}\n{_shown_text(new)}")
    return found


def test_a_fresh_run_of_each_lesson_shows_its_committed_outputs(fresh_lesson):
    """Every lesson, run now, prints what its committed notebook shows, so no output is stale.

    The text of every output is compared: printed streams, the text form of results and
    figures (``<Figure size 500x300 with 1 Axes>``) and errors; images are not (their bytes
    depend on the matplotlib build). The words must be the same exactly, warnings' wording
    included (a warning's ``file.py:line:`` prefix aside, should one reach stderr). Numbers
    are compared one by one: integers exactly (counts, shapes, epochs), others to within one
    unit in the last digit the committed notebook printed (94.20 matches 94.19 to 94.21,
    3.5e-05 matches 3.4e-05 to 3.6e-05), which allows a rounding flip and nothing more. Every
    lesson is seeded, so a rebuild reproduces its numbers.

    Timings change from run to run, so the lessons print them as a number followed by a unit
    of time (``1.4 s``, ``0.7s``, ``31 ms``), and that is masked: a printed timing must be
    followed by ``s``, ``ms``, ``µs`` or ``min``, and nothing else may be.
    """
    path, fresh = fresh_lesson
    committed = nbformat.read(path, as_version=4)
    assert len(fresh.cells) == len(committed.cells)
    found = _differences(committed, fresh)
    assert not found, (
        f"{_id(path)}: a fresh run differs from the committed outputs; if the change is "
        f"intended, rebuild with python tutorials/build.py {path.stem[:2]}\n\n" + "\n\n".join(found)
    )


def test_every_figure_in_the_lessons_has_axis_labels(fresh_lesson):
    """Walks the figures the fresh run displayed: every Axes drawn with its axes on names both.

    Panels of images drawn with their axes turned off (digits, weight images) have no axes to
    label; their figure must then have a title, on the panels or above them. A colour bar
    needs a label along its length only.
    """
    path, fresh = fresh_lesson
    figures = [(i, out.data[FIGURE_MIME]) for i, cell in enumerate(fresh.cells)
               for out in cell.get("outputs", []) if FIGURE_MIME in out.get("data", {})]
    n_images = sum("image/png" in out.get("data", {}) for c in fresh.cells for out in c.get("outputs", []))
    assert len(figures) == n_images, "every image shown should be a matplotlib figure the test can read"
    assert not _unlabelled(figures), f"{_id(path)}: figures with an unlabelled axis:\n" + "\n".join(_unlabelled(figures)[:10])


def _unlabelled(figures):
    """``figures`` as ``[(cell, axes record)]``: one line per Axes that lacks a label."""
    found = []
    for i, fig in figures:
        for j, ax in enumerate(fig["axes"]):
            if ax["colorbar"]:
                ok = bool(ax["xlabel"] or ax["ylabel"])
            elif ax["axis_on"]:
                ok = bool(ax["xlabel"] and ax["ylabel"])
            else:
                ok = bool(ax["title"] or fig["suptitle"])
            if not ok:
                found.append(f"cell {i}, axes {j}: {ax}")
    return found


def test_the_output_comparison_catches_a_stale_number_and_masks_timings():
    assert _same_number("94.21", "94.20") and not _same_number("94.18", "94.20")
    assert _same_number("3.4e-05", "3.5e-05") and not _same_number("3.0e-05", "3.5e-05")
    assert not _same_number("291", "290")
    stale = "learning rate 100.0: cost 0.693 -> max 1606.4 -> 6.0046"
    fresh = "learning rate 100.0: cost 0.693 -> max 1595.2 -> 5.0802"
    assert _template(stale)[0] == _template(fresh)[0]
    assert not all(_same_number(n, o) for o, n in zip(_template(stale)[1], _template(fresh)[1]))
    assert _template("10 classifiers in 1.6 s, 2 passes in 0.4s, 31 ms")[0] == "# classifiers in <time>, # passes in <time>, <time>"
    assert _template("5000 samples")[1] == ["5000"]


def test_the_output_comparison_flags_a_changed_output_of_a_committed_lesson():
    committed = nbformat.read(TUTORIALS / "01_logistic_regression_from_scratch.ipynb", as_version=4)
    assert _differences(committed, committed) == []
    stale = nbformat.reads(nbformat.writes(committed), as_version=4)
    cell = next(c for c in stale.cells if c.cell_type == "code" and "learning rate 100.0" in _shown_text(c))
    for out in cell.outputs:
        if out.output_type == "stream":
            out.text = out.text.replace("learning rate is probably too large", "learning rate is too large")
    assert len(_differences(committed, stale)) == 1


def test_the_figure_check_flags_an_axis_without_a_label():
    plot = {"axis_on": True, "colorbar": False, "xlabel": "epoch", "ylabel": "", "title": "cost"}
    image = {"axis_on": False, "colorbar": False, "xlabel": "", "ylabel": "", "title": ""}
    assert len(_unlabelled([(3, {"suptitle": "", "axes": [plot, image]})])) == 2
    assert _unlabelled([(3, {"suptitle": "digits", "axes": [dict(plot, ylabel="cost"), image]})]) == []
