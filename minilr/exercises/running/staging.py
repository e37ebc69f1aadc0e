"""Staging: each submission in a private scratch folder, with the course's support files beside it.

Before a student's process starts, :class:`Stage` copies the submission
into a new folder of its own (``tempfile.mkdtemp``; removed when grading it
ends) and the course's *support files* (``--support``: the course's
``utils.py``, its data files) beside it, read-only. The student's process
then runs there: the folder is its working directory and ``sys.path[0]``,
so ``import utils`` and ``np.load("Data/ex3data1.mat")`` find the course's
files, and the teacher's class folder (the other students' answers) is
never where a student's code runs. The layout of a staged folder::

    minilr-stage-XXXX/          the scratch folder: cwd and sys.path[0]; the only place to write
        alice.py                the submission's files, read-only (a folder submission keeps
        mypkg/__init__.py       its own subfolders and packages)
        utils.py                the support files, read-only copies (a support folder is
        Data/ex3data1.mat       copied whole, under its own name)

A support file never replaces a file of the student's of the same name.
:func:`check_support` checks the support paths once per class: each must
exist, and each ``.py`` file among them must parse.
"""

import ast
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["Stage", "SupportError", "check_support", "module_names", "support_imports", "CODE_SUFFIXES"]

CODE_SUFFIXES = (".py", ".ipynb")
_READ_ONLY_FILE, _READ_ONLY_DIR = 0o444, 0o555


class SupportError(ValueError):
    """A support file that does not exist or does not parse; the message names it.

    Examples
    --------
    >>> from minilr.exercises.running.staging import SupportError, check_support
    >>> try:
    ...     check_support(["no/such/utils.py"])
    ... except SupportError as error:
    ...     print(error)
    support file not found: no/such/utils.py
    """


def _python_files(path):
    return [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if p.is_file())


def check_support(paths):
    """The support paths, resolved; each must exist and each ``.py`` file among them must parse.

    Parameters
    ----------
    paths : list of str or Path
        Files and folders.

    Returns
    -------
    tuple of Path

    Raises
    ------
    SupportError
        For a path that does not exist, or a ``.py`` file (given, or in a
        folder given) that does not parse, with its line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.running.staging import check_support
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "utils.py").write_text("def sigmoid(z):\\n    return z\\n")
    ...     [p.name for p in check_support([Path(folder) / "utils.py"])]
    ['utils.py']
    """
    checked = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise SupportError(f"support file not found: {given}")
        for source in _python_files(path):
            if source.suffix != ".py":
                continue
            try:
                ast.parse(source.read_bytes(), filename=str(source))
            except (SyntaxError, ValueError) as exc:
                line = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
                raise SupportError(f"support file {source} does not parse: syntax error{line}: "
                                   f"{getattr(exc, 'msg', exc)}") from None
        checked.append(path.resolve())
    return tuple(checked)


def support_imports(support):
    """The installed modules the support ``.py`` files import at their top level (for the zygote to preload).

    The support modules themselves (``from submission import SubmissionBase``
    between two of the course's files) and relative imports are left out.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.running.staging import support_imports
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     utils, submission = Path(folder) / "utils.py", Path(folder) / "submission.py"
    ...     _ = utils.write_text("import numpy as np\\nfrom matplotlib import pyplot\\nfrom submission import Base\\n")
    ...     _ = submission.write_text("import json\\n")
    ...     support_imports([utils, submission])
    ['json', 'matplotlib', 'matplotlib.pyplot', 'numpy']
    """
    files = [f for path in map(Path, support) for f in _python_files(path) if f.suffix == ".py"]
    own = {f.stem for f in files}
    names = set()
    for f in files:
        for node in ast.parse(f.read_bytes()).body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from matplotlib import pyplot`: a submodule, perhaps (the zygote skips what is not one)
                names.update([node.module, *(f"{node.module}.{a.name}" for a in node.names if a.name != "*")])
    return sorted(n for n in names if n.split(".")[0] not in own)


def _copy_read_only(source, target):
    if source.is_dir():
        shutil.copytree(source, target, copy_function=shutil.copyfile)
        for folder, dirs, files in os.walk(target):
            for name in files:
                os.chmod(os.path.join(folder, name), _READ_ONLY_FILE)
        for folder, dirs, _ in os.walk(target, topdown=False):
            for name in dirs:
                os.chmod(os.path.join(folder, name), _READ_ONLY_DIR)
        os.chmod(target, _READ_ONLY_DIR)
    else:
        shutil.copyfile(source, target)
        os.chmod(target, _READ_ONLY_FILE)


def module_names(root, paths):
    """The name an ``import`` gives each file: ``{"mypkg.cost": ".../mypkg/cost.py"}``.

    Each folder holding code counts as if it were on ``sys.path`` (a script's
    own folder is), ``root`` first; a name two files could have is the first one's.

    Examples
    --------
    >>> from pathlib import Path
    >>> from minilr.exercises.running.staging import module_names
    >>> root = Path("/stage")
    >>> files = [root / "main.py", root / "mypkg" / "__init__.py", root / "mypkg" / "cost.py"]
    >>> sorted(module_names(root, files))
    ['cost', 'main', 'mypkg', 'mypkg.cost']
    """
    names = {}
    folders = sorted({Path(root), *(Path(p).parent for p in paths)}, key=lambda d: (len(d.parts), str(d)))
    for folder in folders:
        for path in map(Path, paths):
            if folder not in path.parents:
                continue
            parts = path.relative_to(folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts  # a package: its folder's name
            if parts and all(part.isidentifier() for part in parts):
                names.setdefault(".".join(parts), str(path))
    return names


def _writable(function, path, _):
    """``shutil.rmtree``'s error handler: a read-only folder is made writable, then emptied."""
    os.chmod(os.path.dirname(path), stat.S_IRWXU)
    if os.path.isdir(path):
        os.chmod(path, stat.S_IRWXU)
    function(path)


class Stage:
    """A submission copied into a private scratch folder, the support files beside it (a context manager).

    Parameters
    ----------
    files : list of Path
        The submission's code files.
    root : Path, optional
        The submission's own folder (a folder submission): every code file
        under it is copied with its relative path, ``__init__.py`` files
        included. None for a single-file submission.
    support : tuple of Path
        Checked support paths (:func:`check_support`).

    Attributes
    ----------
    path : str
        The scratch folder, once entered.
    staged : dict
        Each of ``files`` (str) -> its copy in the scratch folder (str).
    modules : dict
        Every staged ``.py`` file of the student's by the module name an
        ``import`` gives it (``"sigmoid"``, ``"mypkg.cost"``, ``"mypkg"`` for
        ``mypkg/__init__.py``), as if the submission's folder and each of
        its subfolders of code were on ``sys.path``, the submission's own first.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.running.staging import Stage
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     alice, utils = Path(folder) / "alice.py", Path(folder) / "utils.py"
    ...     _ = alice.write_text("import utils\\n")
    ...     _ = utils.write_text("def sigmoid(z):\\n    return z\\n")
    ...     with Stage([alice], support=(utils,)) as stage:
    ...         staged = sorted(os.listdir(stage.path))
    ...         writable = os.access(stage.path, os.W_OK)
    ...         mode = oct(os.stat(os.path.join(stage.path, "utils.py")).st_mode & 0o777)
    ...     gone = not os.path.exists(stage.path)
    >>> staged, writable, mode, gone
    (['alice.py', 'utils.py'], True, '0o444', True)
    """

    def __init__(self, files, root=None, support=()):
        self.files, self.root, self.support = [Path(f) for f in files], root, tuple(support)
        self.path, self.staged, self.modules = None, {}, {}

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="minilr-stage-")
        try:
            self._copy()
        except BaseException:
            self.close()
            raise
        return self

    def _copy(self):
        scratch = Path(self.path)
        if self.root is not None:
            root = Path(self.root)
            code = sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
                          and not any(part.startswith(".") or part == "__pycache__"
                                      for part in p.relative_to(root).parts))
            pairs = [(p, scratch / p.relative_to(root)) for p in code]
        else:
            pairs = [(p, scratch / p.name) for p in self.files]
        for source, target in pairs:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            os.chmod(target, _READ_ONLY_FILE)
        self.modules = module_names(scratch, [t for _, t in pairs if t.suffix == ".py"])
        by_source = {p.resolve(): str(t) for p, t in pairs}
        self.staged = {str(f): by_source[f.resolve()] for f in self.files}
        for source in self.support:
            target = scratch / source.name
            if not target.exists():  # the student's own file of that name stays theirs
                _copy_read_only(source, target)

    def close(self):
        if self.path is not None and os.path.exists(self.path):
            # Python 3.12 renamed the handler's keyword; its three arguments are the same.
            handler = {"onexc" if sys.version_info >= (3, 12) else "onerror": _writable}
            shutil.rmtree(self.path, **handler)

    def __exit__(self, *exc):
        self.close()
        return False
