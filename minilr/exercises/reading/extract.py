"""Finding the submissions in a folder and the functions in each, without running anything.

A ``.py`` or ``.ipynb`` file is a submission; in a folder, so is each
subfolder (all its ``.py`` and ``.ipynb`` files together, so a student's
helper module is found too). Whatever a file is called, it is read: a
renamed notebook is still graded. Not read, in a folder: hidden and
``__*`` files (``__init__.py``), ``conftest.py``, ``setup.py`` and test
files (``test_*.py``, ``*_test.py``): a course's tests and configuration
beside the submissions, or a student's own tests (:func:`is_submission_file`).
A file named on the command line is always graded.

From each file, :func:`read_file` takes the top-level functions (their
names and parameter names, for matching them to an assignment) and the
*chunks* that make them work: the ``def``\\ s, the imports and the
module-level constants the functions use (:mod:`~minilr.exercises.reading.chunks`).
Every file is read like a notebook, a ``.py`` file included, and only ever
run as these chunks: a statement that loads a data file, plots or trains is
never needed to grade its functions, and one that does not parse costs only
itself. IPython's ``%magic`` and ``!shell`` lines are never run.
"""

from dataclasses import dataclass, field
from pathlib import Path

from .chunks import read_cells

__all__ = ["Submission", "SourceFile", "find_submissions", "read_file", "NoSubmissions"]

SUFFIXES = (".py", ".ipynb")
# A course's or a package's own files in a class folder are not answers: pytest's configuration,
# packaging, and test files (the course's tests of the submissions, or a student's own).
NOT_SUBMISSIONS = ("conftest.py", "setup.py", "__init__.py")


def is_submission_file(path):
    """True for a ``.py`` or ``.ipynb`` file that may hold a student's answers.

    Not: hidden files, ``__*`` files, ``conftest.py``, ``setup.py``, and test files
    (``test_*.py``, ``*_test.py``).
    """
    name = Path(path).name
    if Path(path).suffix not in SUFFIXES or name.startswith((".", "__")) or name in NOT_SUBMISSIONS:
        return False
    return not (name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")))


class NoSubmissions(ValueError):
    """A folder given to the grader holds no .py or .ipynb file.

    Examples
    --------
    >>> from minilr.exercises.reading.extract import NoSubmissions
    >>> issubclass(NoSubmissions, ValueError)
    True
    """


@dataclass
class SourceFile:
    """One file of a submission, read but not run.

    Examples
    --------
    >>> from minilr.exercises.reading.extract import SourceFile
    >>> SourceFile("alice.py", "script").functions
    {}
    """

    path: str
    kind: str  # "script" (.py) or "notebook" (.ipynb): both are only ever run as their chunks
    chunks: list = field(default_factory=list)  # (label, source, first line) of the statements to run
    functions: dict = field(default_factory=dict)  # name -> (params, n_required), params None if unknown
    calls: dict = field(default_factory=dict)  # name of a function -> the module-level names it uses
    notes: list = field(default_factory=list)
    broken: dict = field(default_factory=dict)  # a function whose def does not parse -> why, with its line
    error: str = ""  # the file cannot be read at all


@dataclass
class Submission:
    """One student's answer: a file, or a subfolder's files together (:func:`find_submissions`).

    Attributes
    ----------
    name : str
        The file's or the subfolder's name, as the report shows it.
    files : list of Path
        Its ``.py`` and ``.ipynb`` files.
    folder : str
        The folder it was found in (a file's folder), or the subfolder itself.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reading.extract import find_submissions
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     (Path(folder) / "bob").mkdir()
    ...     for name in ("alice.py", "bob/ex2.py", "bob/helpers.py"):
    ...         _ = (Path(folder) / name).write_text("x = 1\\n")
    ...     alice, bob = find_submissions([folder])
    >>> alice.name, bob.name, [f.name for f in bob.files]
    ('alice.py', 'bob', ['ex2.py', 'helpers.py'])
    """

    name: str
    files: list
    folder: str


def find_submissions(paths):
    """Submissions named by ``paths`` (files or folders), in a stable order.

    Raises
    ------
    FileNotFoundError
        For a path that does not exist.
    NoSubmissions
        For a folder with no ``.py`` or ``.ipynb`` file in it or its subfolders.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reading.extract import NoSubmissions, find_submissions
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "alice.py").write_text("x = 1\\n")
    ...     _ = (Path(folder) / "test_alice.py").write_text("x = 2\\n")
    ...     found = find_submissions([folder])
    ...     empty = Path(folder) / "empty"
    ...     empty.mkdir()
    ...     try:
    ...         find_submissions([empty])
    ...     except NoSubmissions:
    ...         print("no submissions")
    no submissions
    >>> len(found), [Path(f).name for f in found[0].files]
    (1, ['alice.py'])
    """
    found = []
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_file():
            found.append(Submission(path.name, [path], str(path.parent)))
            continue
        before = len(found)
        for child in sorted(path.iterdir()):
            if child.name.startswith((".", "__")):
                continue
            if child.is_file() and is_submission_file(child):
                found.append(Submission(child.name, [child], str(path)))
            elif child.is_dir():
                files = sorted(p for p in child.rglob("*") if p.is_file() and is_submission_file(p)
                               and not any(part.startswith((".", "__")) for part in p.relative_to(child).parts))
                if files:
                    found.append(Submission(child.name, files, str(child)))
        if len(found) == before:
            raise NoSubmissions(f"{path} holds no submissions: no .py or .ipynb files, nor subfolders with some.")
    return found


def _strip_magics(source, indented=True):
    """IPython's ``%matplotlib inline`` and ``!pip install`` lines, commented out (in a .py file: at column 0)."""
    return "\n".join("# " + line if (line.lstrip() if indented else line).startswith(("%", "!")) else line
                     for line in source.splitlines())


def _read_notebook(path, sf):
    import nbformat  # lazily: only notebooks need it

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one message
        sf.error = f"not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})"
        return None
    cells = [c for c in nb.cells if c.cell_type == "code"]
    return [(f"cell {n}, ", _strip_magics(c.source)) for n, c in enumerate(cells, 1)]


def read_file(path):
    """A :class:`SourceFile`: its functions and chunks, or the reason it cannot be read.

    Examples
    --------
    A script's top level (loading data, training) is never run; a ``def`` that
    does not parse is reported with its line:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reading.extract import read_file
    >>> source = ("import numpy as np\\ndata = np.load('ex2data.npz')\\n"
    ...           "def cost(theta, X, y, lam=0):\\n    return 0.0\\ndef predict(theta, X)\\n    return X\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "alice.py"
    ...     _ = path.write_text(source)
    ...     sf = read_file(path)
    >>> sf.kind, sf.error, sorted(sf.functions), [label for label, _, _ in sf.chunks]
    ('script', '', ['cost', 'predict'], ['line 1', 'line 3'])
    >>> sf.broken
    {'predict': "syntax error at line 5 of alice.py: expected ':'"}
    """
    path = Path(path).resolve()
    sf = SourceFile(str(path), "notebook" if path.suffix == ".ipynb" else "script")
    if sf.kind == "notebook":
        cells = _read_notebook(path, sf)
        if cells is None:
            return sf
    else:
        try:
            cells = [("", _strip_magics(path.read_text(encoding="utf-8-sig"), False))]  # a BOM from a Windows editor
        except (OSError, UnicodeDecodeError) as exc:
            sf.error = f"cannot be read ({type(exc).__name__}: {exc})"
            return sf
    reading = read_cells(cells)
    sf.functions, sf.calls, sf.chunks, sf.notes = reading.functions, reading.calls, reading.chunks, reading.notes
    sf.broken = {name: f"syntax error at {where} of {path.name}: {message}"
                 for name, (where, message) in reading.broken.items()}
    return sf
