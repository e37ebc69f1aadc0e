"""The student's process: load one submission, call its functions on the cases given, report plain numbers.

Run by :mod:`minilr.exercises.batch` as a script, never imported by minilr:
either ``python -I worker.py JOB`` for one submission, or once per class as
``python -I worker.py --zygote FD``, which imports NumPy and SciPy once and
forks a fresh child per submission (each in its own session, with its own
limits), so that a class does not pay those imports 200 times. The job
(a pickle written by the grader) names the files, the functions and their
cases; every event is one JSON line on the grader's pipe: ``loaded`` (or
``load_error``), then for each function ``start`` and one ``call`` per case
with the returned values as lists of floats, then ``end``. Nothing is
judged here: the grader decides, from these numbers only. The student's
prints go nowhere, stdin is closed, the address space is capped
(``RLIMIT_AS``) and each call has a wall-clock alarm.
"""

import copy
import json
import os
import pickle
import resource
import signal
import sys
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
        encoded.append({"shape": list(a.shape), "data": [float(x) for x in a.ravel()]})
    return encoded


def _where(exc, files):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""


def _error(exc, files):
    if isinstance(exc, SystemExit):
        return {"type": "SystemExit", "message": f"sys.exit({exc.code!r})", "where": _where(exc, files)}
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
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        exec(code, namespace)  # noqa: S102 - running the submission is the point, in its own process
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _load_module(entry, timeout, files):
    """Run a .py file as a module; ``(namespace, load_error or None, fallback needed)``."""
    name = "minilr_student_" + "".join(c if c.isalnum() else "_" for c in os.path.basename(entry["path"]))
    module = types.ModuleType(name)
    module.__file__ = entry["path"]
    sys.modules[name] = module
    try:
        _run_source(entry["source"], entry["path"], module.__dict__, timeout)
    except SyntaxError as exc:
        return None, {"kind": "syntax", "line": exc.lineno, "message": f"{exc.msg}"}
    except SystemExit as exc:
        return None, {"kind": "exit", "message": f"sys.exit({exc.code!r})"}
    except _TimeUp:
        return None, {"kind": "timeout", "message": ""}
    except MemoryError:
        return None, {"kind": "memory", "message": ""}
    except ImportError as exc:
        return None, {"kind": "import", "message": exc.name or str(exc)}
    except BaseException as exc:  # noqa: BLE001 - a data file or a plot at the top level: run the defs only
        return module.__dict__, {"kind": "fallback", "message": f"{type(exc).__name__}: {exc}"[:200],
                                 "where": _where(exc, files)}
    return module.__dict__, None


def _load_chunks(entry, timeout, namespace, notes, files):
    for label, source in entry["chunks"]:
        try:
            _run_source(source, entry["path"], namespace, timeout)
        except _TimeUp:
            notes.append(f"{label}: timed out, skipped")
        except BaseException as exc:  # noqa: BLE001 - a failing cell is reported and skipped
            what = f"could not import module '{exc.name}'" if isinstance(exc, ImportError) and exc.name \
                else f"{type(exc).__name__}: {exc}"
            notes.append(f"{label}: {what[:150]}, skipped")


def main(job_path, out):
    with open(job_path, "rb") as f:
        job = pickle.load(f)  # written by the grader, not by the student
    sys.path[:0] = job["sys_path"]
    limit = job["memory_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    files = {e["path"] for e in job["files"]}
    namespaces, notes = [], []
    for entry in job["files"]:
        if entry["kind"] == "module":
            namespace, problem = _load_module(entry, job["load_timeout"], files)
            if problem and problem["kind"] != "fallback":
                problem["file"] = os.path.basename(entry["path"])
                out.write(json.dumps({"event": "load_error", **problem}) + "\n")
                return
            if problem:
                notes.append(f"the top level of {os.path.basename(entry['path'])} raised {problem['message']}"
                             f"{' at ' + problem['where'] if problem.get('where') else ''}; only its "
                             "functions, imports and constants were run")
                _load_chunks({"path": entry["path"], "chunks": entry["fallback"]}, job["load_timeout"],
                             namespace, notes, files)
        else:
            namespace = {"__name__": "minilr_student_notebook"}
            _load_chunks(entry, job["load_timeout"], namespace, notes, files)
        namespaces.append(namespace)
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


def zygote(sock_fd):
    """Import NumPy and SciPy once, then fork one contained child per job the grader sends.

    The grader sends ``{"id", "job"}`` with the write end of a pipe (``SCM_RIGHTS``)
    over a SEQPACKET socket; the child reports on that pipe. This process
    reports ``{"id", "pid"}`` after each fork and ``{"id", "status"}`` when
    the child ends, on its stdout. It ends when the grader closes the socket.
    """
    import select
    import socket

    for name in ("scipy.special", "scipy.optimize"):  # what students import; never sklearn or matplotlib
        try:
            __import__(name)
        except ImportError:
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
        zygote(int(sys.argv[2]))
        sys.exit(0)
    _out = os.fdopen(os.dup(1), "w", buffering=1)
    _silence()
    _child(sys.argv[1], _out)
