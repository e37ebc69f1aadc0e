"""Keep the reference implementations out of a student's functions: forbidden modules and names.

:func:`install` runs in the student's process before its code does. The
names it forbids are modules (``minilr``, ``sklearn``) or attributes of a
module (``scipy.special.expit``):

* a finder first on ``sys.meta_path`` answers every import of a forbidden
  module, with ``import``, through ``importlib`` or ``__import__``, with a
  stand-in: the import works (a submission that imports ``minilr`` at its
  top still loads), but calling anything reached through it raises
  :class:`ForbiddenImport`;
* a forbidden attribute is replaced by such a stand-in in every loaded
  module that holds the same object;
* an audit hook (``sys.addaudithook``, which cannot be removed) records
  every import of a forbidden module and every file opened inside one,
  should the finder be taken off ``sys.meta_path``.

:func:`used` lists what was reached, in order; the worker reports the names
reached during each call, and the grader fails that function with the key
``forbidden_import``. The file system is the hard line behind this (see
:mod:`~minilr.exercises.running.isolation`): a forbidden package is not
readable in the student's process, so its real code cannot run there.
Standard library only: the worker loads this file by path.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types

__all__ = ["install", "used", "ForbiddenImport", "locations", "python_installation", "DEFAULT"]

DEFAULT = ("minilr", "sklearn")
_USED = []


class ForbiddenImport(ImportError):
    """Raised when a student's code calls something of a forbidden module or a forbidden function.

    Examples
    --------
    >>> from minilr.exercises.running.guard import ForbiddenImport
    >>> str(ForbiddenImport("minilr.losses.regularized_cost is forbidden in this assignment"))
    'minilr.losses.regularized_cost is forbidden in this assignment'
    """


def _record(name):
    if name not in _USED[-1:]:
        _USED.append(name)


def used():
    """The forbidden names reached so far in this process, in order (a copy).

    Examples
    --------
    >>> from minilr.exercises.running.guard import used
    >>> isinstance(used(), list)
    True
    """
    return list(_USED)


class _Name:
    """Whatever a stand-in module gives: more stand-ins, and calling one is the forbidden use."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Name(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        _record(self._name)
        raise ForbiddenImport(f"{self._name} is forbidden in this assignment", name=self._name)

    def __repr__(self):
        return f"<forbidden {self._name}>"


class _Module(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Name(f"{self.__name__}.{attr}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, modules):
        self.modules = modules

    def find_spec(self, name, path=None, target=None):
        if _forbidden(name, self.modules):
            _record(name)
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _Module(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _forbidden(name, modules):
    return any(name == m or name.startswith(m + ".") for m in modules)


def locations(modules):
    """The folders (or files) of the forbidden ``modules`` installed here, found without importing them.

    Examples
    --------
    >>> from minilr.exercises.running.guard import locations
    >>> any(path.endswith("minilr") for path in locations(["minilr"]))
    True
    """
    found = []
    for name in modules:
        if "." in name:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None:
            found += list(spec.submodule_search_locations or []) or ([spec.origin] if spec.origin else [])
    return [os.path.realpath(p) for p in found]


def _hidden(entry, exclude):
    """Is a site-packages entry (``sklearn``, ``scikit_learn-1.5.dist-info``, ``__editable__.minilr...``) excluded?"""
    name = entry.lower().replace("-", "_").removeprefix("__editable__").lstrip("._")
    aliases = {"sklearn": ("scikit_learn",)}
    return any(name == n or name.startswith((n + ".", n + "_")) or name.startswith(aliases.get(n, ("\0",)))
               for n in exclude)


def python_installation(exclude=()):
    """What a student's process reads to run Python: the standard library, site-packages, system libraries.

    Every entry of a site-packages folder is given on its own, so that the
    packages in ``exclude`` (top-level names) and their metadata are not.

    Examples
    --------
    >>> from minilr.exercises.running.guard import python_installation
    >>> paths = python_installation(exclude=["sklearn"])
    >>> any(p.endswith("numpy") for p in paths), any(p.endswith("sklearn") for p in paths)
    (True, False)
    """
    paths = []
    for folder in sys.path:
        if not folder or not os.path.isdir(folder):
            if folder and os.path.isfile(folder):  # python311.zip
                paths.append(folder)
            continue
        if os.path.basename(folder) in ("site-packages", "dist-packages"):
            paths += [os.path.join(folder, e) for e in sorted(os.listdir(folder)) if not _hidden(e, exclude)]
        else:
            paths.append(folder)
    arch = getattr(sys.implementation, "_multiarch", "")
    system = [os.path.join(d, arch) for d in ("/lib", "/usr/lib", "/usr/local/lib") if arch]
    return paths + system + ["/lib64", "/usr/lib64", "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo",
                             "/dev/null", "/dev/zero", "/dev/urandom"]


def _replace(name):
    """Replace ``name`` (a loaded module, or ``module.attribute``) wherever the same object is loaded."""
    module_name, _, attr = name.rpartition(".")
    module = sys.modules.get(module_name)
    original = sys.modules.get(name) or (getattr(module, attr, None) if module is not None else None)
    if original is None:
        return
    if name in sys.modules:
        sys.modules[name] = _Module(name)
    top = module_name.split(".")[0]
    for other_name, other in list(sys.modules.items()):
        if other_name.split(".")[0] != top or other is None:
            continue
        for key, value in list(getattr(other, "__dict__", {}).items()):
            if value is original:
                setattr(other, key, _Name(name))


def install(forbid, paths=None):
    """Forbid ``forbid`` (module names, or ``module.attribute``) in this process, before a student's code runs.

    Parameters
    ----------
    forbid : list of str
        Modules (every submodule with them) and attributes of loaded modules.
    paths : dict, optional
        Folder -> module name, for the audit hook's record of a file opened
        there (default: :func:`locations` of the modules).

    Examples
    --------
    In a child process (the hook stays for the life of a process), with a
    module that is not loaded yet:

    >>> import os
    >>> from minilr.exercises.running.guard import install, used, ForbiddenImport
    >>> pid = os.fork()
    >>> if pid == 0:
    ...     status = 1
    ...     try:
    ...         install(["reference_answers"])
    ...         from reference_answers.losses import regularized_cost
    ...         regularized_cost(0, 0, 0, 0)
    ...     except ForbiddenImport:
    ...         status = 0 if used()[-1] == "reference_answers.losses.regularized_cost" else 2
    ...     finally:
    ...         os._exit(status)
    >>> os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    0
    """
    modules = tuple(n for n in forbid if n.split(".")[0] not in sys.modules or n in sys.modules)
    for name in forbid:
        if name.split(".")[0] in sys.modules:
            _replace(name)
    if not modules:
        return
    if paths is None:
        paths = {p: n for n in modules for p in locations([n])}
    folders = tuple((p.rstrip(os.sep) + os.sep, n) for p, n in paths.items())
    # The worker's own scripts (this folder) sit inside minilr: a traceback reading their lines is not a use.
    own = os.path.dirname(os.path.abspath(__file__)) + os.sep

    def hook(event, args):
        if event == "import" and args and isinstance(args[0], str) and _forbidden(args[0], modules):
            _record(args[0])
        elif event == "open" and args and isinstance(args[0], (str, bytes)):
            path = os.path.abspath(os.fsdecode(args[0]))  # no ".." past the check below
            if path.startswith(own):
                return
            for folder, name in folders:
                if path.startswith(folder):
                    _record(name)

    sys.addaudithook(hook)
    sys.meta_path.insert(0, _Finder(modules))
