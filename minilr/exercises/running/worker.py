"""The student's process: load one submission, call its functions on the cases given, report plain numbers.

Run by :mod:`minilr.exercises.batch` as a script, never imported by minilr:
either ``python -I worker.py JOB`` for one submission, or once per class as
``python -I worker.py --zygote FD``, which imports NumPy and SciPy once and
forks a fresh child per submission (each in its own session, with its own
limits), so that a class does not pay those imports 200 times. Every
event is one JSON line on the grader's pipe: ``loaded`` (with the notes of
the statements that failed), then for each function ``start`` and one
``call`` per case with the returned values as lists of floats, then
``end``. Nothing is judged here: the grader decides, from these numbers
only. The student's prints go nowhere, stdin is closed, the address space
is capped (``RLIMIT_AS``) and each call has a wall-clock alarm.

The job, a pickle written by the grader (:func:`minilr.exercises.batch._job`)::

    stage         the submission's scratch folder (:mod:`.staging`): the cwd and sys.path[0],
                  the only place meant to be written; None: stay where started
    files         the submission's files, loaded in this order and searched for the functions:
                  {"path": staged path, "module": its name if importable or None,
                   "chunks": [(label, source, first line), ...]}
    modules       {"dotted.name": {"path", "chunks"}}: every .py file of the student's, which an
                  `import` among them loads chunk-wise too (support files import normally)
    broken        {function name: its syntax error}: the defs that do not parse (a NameError says so)
    functions     [{"name", "n_outputs", "cases": [args, ...]}]
    timeout, memory_mb, load_timeout

A file is never run whole: only its chunks (defs, imports, the constants
they use; :mod:`minilr.exercises.reading.chunks`), each under its own
alarm; a chunk that fails is a note with its line, and the others go on.
"""

import copy
import importlib
import importlib.util
import json
import os
import pickle
import resource
import signal
import sys
import time
import traceback
import types
import warnings

import numpy as np

MAX_VALUES = 1_000_000  # values sent back per output; more is no answer to these exercises


class _TimeUp(BaseException):
    """Raised by the alarm in the student's code; BaseException so that `except Exception` lets it pass."""


def _alarm(signum, frame):
    raise _TimeUp()


def _encode(value, n_outputs):
    if value is None:
        return None
    several = n_outputs > 1 and isinstance(value, (tuple, list))
    parts = list(value) if several else [value]
    encoded = []
    for part in parts:
        try:
            a = np.asarray(part, dtype=np.float64)
        except BaseException as exc:  # noqa: BLE001 - an object that will not become numbers
            if isinstance(exc, _TimeUp):
                raise
            encoded.append({"type": type(part).__name__})
            continue
        if a.size > MAX_VALUES:
            encoded.append({"type": f"array of {a.size} values"})
            continue
        part_kind = {"matrix": "matrix", "list": "list"}.get(type(part).__name__)  # np.matrix, a Python list
        encoded.append({"shape": list(a.shape), "data": [float(x) for x in a.ravel()],
                        **({"kind": part_kind} if part_kind else {})})
    return encoded


def _where(exc, files):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""


def _error(exc, files):
    if isinstance(exc, SystemExit):
        return {"type": "SystemExit", "message": f"sys.exit({exc.code!r})", "where": _where(exc, files)}
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        message = missing_module(exc.name)
    elif isinstance(exc, NameError) and getattr(exc, "name", None) in _UNBOUND:
        message = f"{exc}: {_UNBOUND[exc.name]}"
    else:
        message = exc.name if isinstance(exc, ImportError) and exc.name else str(exc)
    return {"type": type(exc).__name__, "message": message[:300], "where": _where(exc, files)}


def _changed(before, after):
    return [i for i, (b, a) in enumerate(zip(before, after))
            if isinstance(b, np.ndarray) and isinstance(a, np.ndarray)
            and (b.shape != a.shape or not np.array_equal(b, a, equal_nan=True))]


def _call(fn, args, n_outputs, timeout, files):
    """One call: value (as numbers), error, time-out, numeric warnings, arguments changed in place."""
    copies = copy.deepcopy(args)
    out = {"value": None, "error": None, "timed_out": False}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                out["value"] = _encode(fn(*copies), n_outputs)
        except _TimeUp:
            out["timed_out"] = True
        except BaseException as exc:  # noqa: BLE001 - SystemExit, EOFError from input(): all results
            out["error"] = _error(exc, files)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    texts = [f"{w.category.__name__}: {w.message}" for w in caught][:20]
    kinds = {str(w.message).split(" encountered")[0] for w in caught
             if issubclass(w.category, RuntimeWarning) and " encountered" in str(w.message)}
    out.update(numeric=sorted(kinds), warnings=texts, mutated=_changed(args, copies))
    return out


def _run_source(source, filename, namespace, timeout):
    code = compile(source, filename, "exec")
    # A chunk may import a sibling module, whose chunks have alarms of their own: the outer one resumes.
    outer, start = signal.getitimer(signal.ITIMER_REAL)[0], time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, min(timeout, outer) if outer else timeout)
    try:
        exec(code, namespace)  # noqa: S102 - running the submission is the point, in its own process
    finally:
        left = outer - (time.monotonic() - start) if outer else 0
        signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3) if outer else 0)


COURSE_HELPERS = ("utils",)  # the course's own helper modules, which a teacher passes with --support
# A name the submission meant to define but did not -> why (a NameError it causes says so): the
# defs that do not parse (from the job), and the names a statement that failed would have bound.
_UNBOUND = {}


def _unbound(source, why):
    import ast

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names = [node.id]
        else:
            continue
        for name in names:
            _UNBOUND.setdefault(name, why)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break  # the names inside a def are its own


def missing_module(name):
    """What to say of a module that an import did not find."""
    top = str(name).split(".")[0]
    if top in COURSE_HELPERS:
        return f"the course's helper module `{top}` is not here: pass it with `--support`"
    return (f"module `{top}` is not installed on the grading machine (if it is a file of the course's, "
            "pass it with `--support`)")


def _failure(exc):
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return missing_module(exc.name)
    if isinstance(exc, SyntaxError):
        return f"syntax error ({exc.msg})"
    if isinstance(exc, SystemExit):
        return f"sys.exit({exc.code!r}) at the top level"
    if isinstance(exc, FileNotFoundError):  # NumPy's own has no filename, only its message
        what = f"file {exc.filename!r} not found" if exc.filename else str(exc).rstrip(".")
        return f"{what} (a data file of the course's? pass it with `--support`)"
    if isinstance(exc, NameError) and getattr(exc, "name", None) in _UNBOUND:  # a statement it needed failed
        return f"NameError: {exc}: {_UNBOUND[exc.name]}"[:300]
    return f"{type(exc).__name__}: {exc}"[:150]


class _Loader:
    """Runs a file's chunks into a namespace, and imports the student's own modules the same way.

    As a finder on ``sys.meta_path``, it answers for the student's modules
    only (``from sigmoid import sigmoid`` between one-function files, a
    package of the student's own): importing one runs its chunks, never its
    top level. Everything else (NumPy, the course's ``utils``) imports as usual.
    """

    def __init__(self, modules, timeout, notes, prefix_all):
        shadowing = set(sys.modules) | set(getattr(sys, "stdlib_module_names", ()))
        self.modules = {name: m for name, m in modules.items() if name.split(".")[0] not in shadowing}
        self.timeout, self.notes, self.prefix_all, self.main = timeout, notes, prefix_all, None

    def run(self, entry, namespace, imported=True):
        prefix = f"{os.path.basename(entry['path'])}, " if imported or self.prefix_all else ""
        for label, source, line in entry["chunks"]:
            try:
                _run_source("\n" * (line - 1) + source, entry["path"], namespace, self.timeout)
            except _TimeUp:
                self.notes.append(f"{prefix}{label}: timed out, skipped")
            except BaseException as exc:  # noqa: BLE001 - a failing statement costs only itself
                self.notes.append(f"{prefix}{label}: {_failure(exc)}, skipped")
                why = missing_module(exc.name) if isinstance(exc, ModuleNotFoundError) and exc.name \
                    else f"its statement at {prefix}{label} failed ({_failure(exc)})"
                _unbound(source, why)

    def find_spec(self, name, path=None, target=None):
        entry = self.modules.get(name)
        if entry is None:
            return None
        package = os.path.basename(entry["path"]) == "__init__.py"
        return importlib.util.spec_from_file_location(
            name, entry["path"], loader=self,
            submodule_search_locations=[os.path.dirname(entry["path"])] if package else None)

    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module):
        entry = self.modules[module.__name__]
        self.run(entry, module.__dict__, imported=entry["path"] != self.main)

    def load(self, entry):
        """The namespace of one of the submission's files, its chunks run."""
        name = entry.get("module")
        if name in self.modules and self.modules[name]["path"] == entry["path"]:
            try:
                self.main = entry["path"]  # its notes need no file name (unless the submission has several)
                return importlib.import_module(name).__dict__
            except BaseException as exc:  # noqa: BLE001 - its package failed to import
                self.notes.append(f"{os.path.basename(entry['path'])}: {_failure(exc)}")
        stem = "".join(c if c.isalnum() else "_" for c in os.path.basename(entry["path"]))
        module = types.ModuleType("minilr_student_" + stem)
        module.__file__ = entry["path"]
        sys.modules[module.__name__] = module
        self.run(entry, module.__dict__, imported=False)
        return module.__dict__


def main(job_path, out):
    with open(job_path, "rb") as f:
        job = pickle.load(f)  # written by the grader, not by the student
    if job.get("stage"):  # the submission's private copy: never the teacher's folder
        os.chdir(job["stage"])
        sys.path.insert(0, job["stage"])
    limit = job["memory_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    files = {e["path"] for e in job["files"]} | {m["path"] for m in job.get("modules", {}).values()}
    notes = []
    _UNBOUND.update(job.get("broken", {}))
    loader = _Loader(job.get("modules", {}), job["load_timeout"], notes, len(job["files"]) > 1)
    sys.meta_path.insert(0, loader)
    namespaces = [loader.load(entry) for entry in job["files"]]
    found = {fn["name"]: next((ns[fn["name"]] for ns in namespaces if callable(ns.get(fn["name"]))), None)
             for fn in job["functions"]}
    out.write(json.dumps({"event": "loaded", "notes": notes,
                          "found": sorted(k for k, v in found.items() if v is not None)}) + "\n")
    for i, fn in enumerate(job["functions"]):
        if found[fn["name"]] is None:
            continue
        out.write(json.dumps({"event": "start", "index": i}) + "\n")
        for case, args in enumerate(fn["cases"]):
            result = _call(found[fn["name"]], args, fn["n_outputs"], job["timeout"], files)
            out.write(json.dumps({"event": "call", "index": i, "case": case, **result}) + "\n")
            if result["timed_out"]:
                break
    out.write(json.dumps({"event": "end"}) + "\n")


def _silence():
    """stdin at EOF (``input()`` fails at once); the student's prints, a "PASS" among them, reach nobody."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin, sys.stdout, sys.stderr = open(os.devnull), open(os.devnull, "w"), open(os.devnull, "w")


def _child(job_path, out):
    try:
        main(job_path, out)
        out.flush()
    except BaseException:  # noqa: BLE001 - the worker's own failure: the grader sees the exit status
        os._exit(70)
    os._exit(0)  # skip the student's atexit handlers and finalisers


def zygote(sock_fd, preload=()):
    """Import NumPy and SciPy once, then fork one contained child per job the grader sends.

    The grader sends ``{"id", "job"}`` with the write end of a pipe (``SCM_RIGHTS``)
    over a SEQPACKET socket; the child reports on that pipe. This process
    reports ``{"id", "pid"}`` after each fork and ``{"id", "status"}`` when
    the child ends, on its stdout. It ends when the grader closes the socket.
    """
    import select
    import socket

    # What students import, and what the course's support files import (``preload``); never sklearn.
    for name in ("scipy.special", "scipy.optimize", *preload):
        try:
            __import__(name)
        except BaseException:  # noqa: BLE001 - not installed, or broken: a child's import says so itself
            pass
    sock = socket.socket(fileno=sock_fd)
    report = os.fdopen(os.dup(1), "w", buffering=1)
    children, open_ = {}, True
    while open_ or children:
        ready, _, _ = select.select([sock] if open_ else [], [], [], 0.02)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            report.write(json.dumps({"id": children.pop(pid), "status": os.waitstatus_to_exitcode(status)}) + "\n")
        if not ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 65536, 1)
        except OSError:
            message, fds = b"", []
        if not message:
            open_ = False
            continue
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            sock.close()
            report.close()
            os.setsid()
            os.chdir(os.path.dirname(request["job"]))
            out = os.fdopen(fds[0], "w", buffering=1)
            _silence()
            _child(request["job"], out)
        os.close(fds[0])
        children[pid] = request["id"]
        report.write(json.dumps({"id": request["id"], "pid": pid}) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote(int(sys.argv[2]), [n for n in sys.argv[3].split(",") if n] if len(sys.argv) > 3 else ())
        sys.exit(0)
    _out = os.fdopen(os.dup(1), "w", buffering=1)
    _silence()
    _child(sys.argv[1], _out)
