"""Finding the submissions in a folder and the functions in each, without running anything.

A ``.py`` or ``.ipynb`` file is a submission; in a folder, so is each
subfolder (all its ``.py`` and ``.ipynb`` files together, so a student's
helper module is found too). Whatever a file is called, it is read: a
renamed notebook is still graded. Not read, in a folder: hidden and
``__*`` files (``__init__.py``), ``conftest.py``, ``setup.py`` and test
files (``test_*.py``, ``*_test.py``): a course's tests and configuration
beside the submissions, or a student's own tests (:func:`is_submission_file`).
A file named on the command line is always graded.

From each file, :func:`read_file` takes, with :mod:`ast`, the top-level
functions (their names and parameter names, for matching them to an
assignment) and the *chunks* that make them work: the ``def``\\ s, the
imports and the module-level constants the functions use. A notebook is
only ever run as these chunks (a cell that loads a data file, plots or
trains is never needed to grade its functions); a ``.py`` file is imported
whole and falls back to its chunks if its top level raises. A cell that
does not parse is reported and skipped.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

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
    >>> SourceFile("alice.py", "module").functions
    {}
    """

    path: str
    kind: str  # "module" (.py, imported whole) or "chunks" (.ipynb)
    source: str = ""
    chunks: list = field(default_factory=list)  # (label, source) pairs
    functions: dict = field(default_factory=dict)  # name -> (params, n_required), params None if unknown
    calls: dict = field(default_factory=dict)  # name of a function -> the names its body uses
    notes: list = field(default_factory=list)
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


def _params(node):
    a = node.args
    positional = [p.arg for p in [*a.posonlyargs, *a.args]]
    n_required = len(positional) - len(a.defaults)
    return tuple(positional), n_required, a.vararg is not None


def _names_used(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _scan(tree):
    """Top-level functions, and the statements worth running: imports, defs, constants they use."""
    functions, kept, constants, calls = {}, [], [], {}
    body = list(tree.body)
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            kept.append(stmt)
            for alias in stmt.names if isinstance(stmt, ast.ImportFrom) else ():
                if alias.name != "*":  # `from scipy.special import expit as sigmoid`: a function
                    functions.setdefault(alias.asname or alias.name, (None, 0, True))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kept.append(stmt)
            if not isinstance(stmt, ast.ClassDef):
                functions[stmt.name] = _params(stmt)
                calls[stmt.name] = _names_used(stmt) - {stmt.name}
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            constants.append(stmt)
    used = set().union(*(_names_used(s) for s in kept if not isinstance(s, (ast.Import, ast.ImportFrom))))
    for stmt in constants:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if names & used:
            kept.append(stmt)
        value = stmt.value
        if len(names) == 1 and isinstance(targets[0], ast.Name) and isinstance(value, (ast.Name, ast.Attribute)):
            functions.setdefault(targets[0].id, (None, 0, True))  # `sigmoid = expit`: parameters unknown
        elif len(names) == 1 and isinstance(targets[0], ast.Name) and isinstance(value, ast.Lambda):
            functions.setdefault(targets[0].id, _params(value))
    kept.sort(key=lambda s: s.lineno)
    return functions, kept, calls


def _strip_magics(source):
    """IPython's ``%matplotlib inline`` and ``!pip install`` lines, commented out."""
    return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _read_notebook(path, sf):
    import nbformat  # lazily: only notebooks need it

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one message
        sf.error = f"not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})"
        return
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        n += 1
        source = _strip_magics(cell.source)
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            sf.notes.append(f"cell {n}: syntax error at line {exc.lineno}, skipped")
            continue
        functions, kept, calls = _scan(tree)
        sf.calls.update(calls)
        for name, params in functions.items():
            if params[0] is not None or name not in sf.functions:
                sf.functions[name] = params
        sf.chunks += [(f"cell {n}, line {s.lineno}", ast.get_source_segment(source, s)) for s in kept]


def read_file(path):
    """A :class:`SourceFile`: its functions and chunks, or the reason it cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reading.extract import read_file
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "alice.py"
    ...     _ = path.write_text("def cost(theta, X, y, lam=0):\\n    return 0.0\\n")
    ...     sf = read_file(path)
    >>> sf.kind, sf.error, sorted(sf.functions)
    ('module', '', ['cost'])
    """
    path = Path(path).resolve()
    sf = SourceFile(str(path), "chunks" if path.suffix == ".ipynb" else "module")
    if sf.kind == "chunks":
        _read_notebook(path, sf)
        return sf
    try:
        sf.source = path.read_text(encoding="utf-8-sig")  # a BOM from a Windows editor
    except (OSError, UnicodeDecodeError) as exc:
        sf.error = f"cannot be read ({type(exc).__name__}: {exc})"
        return sf
    try:
        tree = ast.parse(sf.source, filename=str(path))
    except SyntaxError as exc:
        sf.error = f"syntax error at line {exc.lineno} of {path.name}: {exc.msg}"
        # Its `def` lines still say which assignment it was meant for (and so its points).
        for name, params in re.findall(r"^def\s+(\w+)\s*\(([^)]*)\)", sf.source, flags=re.M):
            names = tuple(p.split("=")[0].split(":")[0].strip() for p in params.split(",") if p.strip())
            sf.functions.setdefault(name, (names, sum("=" not in p for p in params.split(",") if p.strip()), False))
        return sf
    sf.functions, kept, sf.calls = _scan(tree)
    sf.chunks = [(f"line {s.lineno}", ast.get_source_segment(sf.source, s)) for s in kept]
    return sf

