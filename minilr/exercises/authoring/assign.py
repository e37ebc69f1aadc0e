"""Generate a student's exercise notebook from its master, the solved notebook with nbgrader-style markers.

A master ``NAME_solved.ipynb`` holds the solutions between markers that
nbgrader and its users already know::

    def cost(theta, X, y, lam):
        m = X.shape[0]
        ### BEGIN SOLUTION
        z = X @ theta
        return np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * m) * np.sum(theta[1:] ** 2)
        ### END SOLUTION

and the checks the students must not see between ``### BEGIN HIDDEN TESTS``
and ``### END HIDDEN TESTS``. The student version ``NAME.ipynb``, next to it,
is the same notebook with

* each solution region replaced by ``# YOUR CODE HERE`` and
  ``raise NotImplementedError(...)`` at the indentation of its
  ``### BEGIN SOLUTION`` line (the ``def`` line and the docstring above the
  region stay); in a Markdown cell, by ``YOUR ANSWER HERE``;
* each hidden-test region removed, and a cell left empty by that removed;
* every output and execution count cleared.

From a shell::

    python -m minilr.exercises.authoring.assign tutorials/exercises           # every *_solved.ipynb there
    python -m minilr.exercises.authoring.assign lesson_solved.ipynb -o handout.ipynb
    python -m minilr.exercises.authoring.assign tutorials/exercises --check   # exit 1 if one is out of date

Notebooks are read and written as JSON, in nbformat's layout, so that
generating needs nothing beyond the standard library.
"""

import argparse
import json
import sys
from pathlib import Path

__all__ = ["student_version", "student_path", "build", "main", "SOLUTION_STUB", "MarkerError"]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SOLUTION_STUB = ("# YOUR CODE HERE", 'raise NotImplementedError("replace this line with your code")')
ANSWER_STUB = "YOUR ANSWER HERE"
MASTER_SUFFIX = "_solved"


class MarkerError(ValueError):
    """A master's markers do not pair up: a BEGIN without its END, an END without its BEGIN, or nesting.

    Examples
    --------
    >>> from minilr.exercises.authoring.assign import MarkerError, student_version
    >>> cell = {"cell_type": "code", "source": "### BEGIN SOLUTION\\nz = X @ theta"}
    >>> try:
    ...     student_version({"cells": [cell]}, name="ex2_solved.ipynb")
    ... except MarkerError as exc:
    ...     print(exc)
    ex2_solved.ipynb, cell 0, line 1: ### BEGIN SOLUTION is never closed; add ### END SOLUTION after the region.
    """


def _lines(source):
    """A cell's source (a string or nbformat's list of lines) as a list of lines without newlines."""
    return ("".join(source) if isinstance(source, list) else source).split("\n")


def _regions(lines, begin, end, where):
    """``[(first, last)]`` line indices of each region from its ``begin`` marker to its ``end`` marker."""
    regions, start = [], None
    for i, line in enumerate(lines):
        marker = line.strip()
        if marker == begin:
            if start is not None:
                raise MarkerError(f"{where}, line {i + 1}: {begin} inside the region opened on line {start + 1}; "
                                  f"close it with {end} first.")
            start = i
        elif marker == end:
            if start is None:
                raise MarkerError(f"{where}, line {i + 1}: {end} without a {begin} above it.")
            regions.append((start, i))
            start = None
    if start is not None:
        raise MarkerError(f"{where}, line {start + 1}: {begin} is never closed; add {end} after the region.")
    return regions


def _clear_solutions(lines, code, where):
    out, previous = [], 0
    for first, last in _regions(lines, BEGIN_SOLUTION, END_SOLUTION, where):
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        out += lines[previous:first]
        out += [indent + stub for stub in SOLUTION_STUB] if code else [indent + ANSWER_STUB]
        previous = last + 1
    return out + lines[previous:]


def _remove_hidden_tests(lines, where):
    out, previous = [], 0
    for first, last in _regions(lines, BEGIN_HIDDEN, END_HIDDEN, where):
        out += lines[previous:first]
        previous = last + 1
    return out + lines[previous:]


def _as_source(lines):
    """nbformat's list of lines, each but the last ending in a newline."""
    source = [line + "\n" for line in lines[:-1]]
    return source + [lines[-1]] if lines[-1] else source


def student_version(master, name="master"):
    """The student version of a master notebook.

    Parameters
    ----------
    master : dict
        The notebook as JSON (``json.load`` of the ``.ipynb``); not modified.
    name : str, default="master"
        Used in error messages.

    Returns
    -------
    dict
        The student notebook: solutions stubbed, hidden tests removed,
        outputs and execution counts cleared, cell ids and tags kept.

    Raises
    ------
    MarkerError
        If the markers of a cell do not pair up; the message names the cell and the line.

    Examples
    --------
    A solution and a cell of hidden tests:

    >>> from minilr.exercises.authoring.assign import student_version
    >>> solution = ("def double(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n"
    ...             "    ### END SOLUTION")
    >>> hidden = "### BEGIN HIDDEN TESTS\\nassert double(2) == 4\\n### END HIDDEN TESTS"
    >>> master = {"cells": [{"cell_type": "code", "source": s, "outputs": [], "execution_count": 1}
    ...                     for s in (solution, hidden)]}
    >>> student = student_version(master)
    >>> len(student["cells"]), student["cells"][0]["execution_count"]
    (1, None)
    >>> print("".join(student["cells"][0]["source"]))
    def double(x):
        # YOUR CODE HERE
        raise NotImplementedError("replace this line with your code")
    """
    cells = []
    for index, cell in enumerate(master["cells"]):
        where = f"{name}, cell {index}"
        lines = _lines(cell.get("source", ""))
        if cell["cell_type"] in ("code", "markdown"):
            kept = _remove_hidden_tests(lines, where)
            if any(line.strip() for line in lines) and not any(line.strip() for line in kept):
                continue  # a cell of hidden tests only
            lines = _clear_solutions(kept, cell["cell_type"] == "code", where)
        student = {**cell, "source": _as_source(lines)}
        if cell["cell_type"] == "code":
            student["outputs"], student["execution_count"] = [], None
            student["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k != "execution"}
        cells.append(student)
    return {**master, "cells": cells}


def student_path(master_path):
    """``NAME.ipynb`` for a master ``NAME_solved.ipynb``, in the same folder.

    Examples
    --------
    >>> from minilr.exercises.authoring.assign import student_path
    >>> student_path("tutorials/exercises/ex2_solved.ipynb").as_posix()
    'tutorials/exercises/ex2.ipynb'
    >>> try:
    ...     student_path("ex2.ipynb")
    ... except ValueError as exc:
    ...     print(str(exc).split(":")[0])
    ex2.ipynb is not a master
    """
    master_path = Path(master_path)
    if not master_path.stem.endswith(MASTER_SUFFIX):
        raise ValueError(f"{master_path} is not a master: a master's name ends in {MASTER_SUFFIX}.ipynb, and "
                         "its student version is written without that suffix (or give --output).")
    return master_path.with_name(master_path.stem[: -len(MASTER_SUFFIX)] + master_path.suffix)


def _dumps(nb):
    """The notebook's text as nbformat writes it (one-space indent, sorted keys, final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def build(master_path, output=None, check=False):
    """Write (or with ``check``, compare) the student version of one master.

    Parameters
    ----------
    master_path : str or Path
    output : str or Path, optional
        Where to write; :func:`student_path` of the master if None.
    check : bool, default=False
        Write nothing; report whether the file on disk is up to date.

    Returns
    -------
    path : Path
        The student notebook's path.
    up_to_date : bool
        Whether the file on disk already equalled the generated version.

    Examples
    --------
    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.authoring.assign import build
    >>> cell = {"cell_type": "code", "source": "x = 1", "outputs": [], "execution_count": 1}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     master = Path(folder) / "ex2_solved.ipynb"
    ...     _ = master.write_text(json.dumps({"cells": [cell]}))
    ...     path, up_to_date = build(master)
    ...     print(path.name, up_to_date, build(master, check=True)[1])
    ex2.ipynb False True
    """
    master_path = Path(master_path)
    output = Path(output) if output is not None else student_path(master_path)
    master = json.loads(master_path.read_text(encoding="utf-8"))
    text = _dumps(student_version(master, name=str(master_path)))
    up_to_date = output.is_file() and output.read_text(encoding="utf-8") == text
    if not check and not up_to_date:
        output.write_text(text, encoding="utf-8")
    return output, up_to_date


def _masters(paths):
    """The master notebooks named by ``paths``: files as given, folders searched for ``*_solved.ipynb``."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob(f"*{MASTER_SUFFIX}.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def main(argv=None):
    """Generate the student versions of master notebooks.

    Parameters
    ----------
    argv : list of str, optional
        Master notebooks or folders, and the options ``--output PATH`` (one
        master only) and ``--check``; ``sys.argv[1:]`` if None.

    Returns
    -------
    int
        0 on success (with ``--check``: every student version up to date);
        1 if ``--check`` found one out of date; 2 if a path, a name or a
        marker was wrong.

    Examples
    --------
    >>> import contextlib
    >>> import io
    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.authoring.assign import main
    >>> cell = {"cell_type": "code", "source": "x = 1", "outputs": [], "execution_count": 1}
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()) as out:
    ...     _ = (Path(folder) / "ex2_solved.ipynb").write_text(json.dumps({"cells": [cell]}))
    ...     status = main([folder]), main([folder, "--check"])
    ...     printed = out.getvalue().replace(folder, "FOLDER")
    >>> status
    (0, 0)
    >>> print(printed, end="")
    FOLDER/ex2.ipynb: written
    FOLDER/ex2.ipynb: up to date
    """
    parser = argparse.ArgumentParser(
        prog="python -m minilr.exercises.authoring.assign",
        description="Write each master notebook's student version: solutions replaced by "
                    "`raise NotImplementedError`, hidden tests removed, outputs cleared.")
    parser.add_argument("paths", nargs="+", metavar="MASTER", help="a NAME_solved.ipynb, or a folder of them")
    parser.add_argument("-o", "--output", help="where to write the student version (one master only)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a student version is out "
                        "of date")
    args = parser.parse_args(argv)
    try:
        masters = _masters(args.paths)
        if not masters:
            raise FileNotFoundError(f"no master notebook (*{MASTER_SUFFIX}.ipynb) in {', '.join(args.paths)}")
        if args.output and len(masters) > 1:
            raise ValueError(f"--output takes one master, got {len(masters)}")
        stale = []
        for master in masters:
            path, up_to_date = build(master, args.output, check=args.check)
            if not up_to_date:
                stale.append(path)
            print(f"{path}: {'up to date' if up_to_date else 'out of date' if args.check else 'written'}")
    except (OSError, ValueError) as exc:  # MarkerError is a ValueError
        print(f"minilr exercises build: {exc}", file=sys.stderr)
        return 2
    if args.check and stale:
        print(f"{len(stale)} student version(s) differ from their masters; run without --check to rebuild.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
