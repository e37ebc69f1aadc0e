"""Grading a class: each submission in its own process, the grade decided here from plain numbers.

:func:`grade` finds the submissions and reads each file like a notebook
(:mod:`~minilr.exercises.reading.extract`), matches their functions to
exercises (:mod:`~minilr.exercises.reading.detect`), copies each submission
into a private scratch folder with the course's support files beside it
(:mod:`~minilr.exercises.running.staging`), runs it there in a fresh ``python -I`` process
(:mod:`~minilr.exercises.running.worker`) with a wall-clock limit per call, a memory
limit and stdin closed, and judges what came back with the checkers
(:func:`~minilr.exercises.judging.runner.run_spec`). A submission that hangs,
exits, crashes or runs out of memory gets ``error`` and the others go on;
if its process dies inside one function, that function gets the error and
a new process grades the rest. Records reach ``on_record`` as each
submission finishes.
"""

import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

import numpy as np

from .judging.calls import Call
from .judging.compare import as_arrays
from .judging.depends import blame
from .reading.detect import Assignment, match_functions
from .reading.extract import find_submissions, read_file
from .running.processes import Zygote, kill_all, run_worker
from .judging.profiles import BUILTIN, load_profile, spec_for
from .judging.runner import run_spec
from .judging.verdicts import record_for, submission_error
from .running.staging import Stage, check_support, support_imports

__all__ = ["grade", "grade_one", "GradeReport", "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT"]

DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT = 2000, 10.0


class GradeReport(list):
    """The records of a graded class: a plain list, which Jupyter shows as a table.

    One row per submission with its points and a badge per verdict
    (:func:`minilr.display.records_html`).

    Examples
    --------
    >>> from minilr.exercises.batch import GradeReport
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> report = GradeReport([submission_error("bob.py", "syntax error at line 3 of bob.py", 5)])
    >>> isinstance(report, list), report[0]["verdict"], "bob.py" in report._repr_html_()
    (True, 'error', True)
    """

    def _repr_html_(self):
        from ..display import records_html

        return records_html(self)

    def mistake_counts(self):
        """Who made which mistake: ``{(exercise, mistake): [submissions]}``, shown by Jupyter as a table.

        See :func:`minilr.exercises.reporting.summary.mistake_counts`.

        Examples
        --------
        >>> from minilr.exercises.batch import GradeReport
        >>> report = GradeReport([{"submission": "ada.py", "exercise": "ex2:cost", "verdict": "fail",
        ...                        "mistakes": ["lam_over_m"]}])
        >>> {k: len(v) for k, v in report.mistake_counts().items()}
        {('ex2:cost', 'lam_over_m'): 1}
        """
        from .reporting.summary import mistake_counts

        return mistake_counts(self)


class _Specs:
    """One Spec per (profile, exercise), shared by every submission: the same cases for the whole class."""

    def __init__(self):
        self._specs = {}

    def __call__(self, profile, exercise):
        key = (profile.name, profile.source, exercise.name, exercise.args)  # args: in the student's order
        if key not in self._specs:
            spec = spec_for(profile, exercise)
            if spec.reference is not None:  # as many outputs as the reference returns
                spec = replace(spec, n_outputs=len(as_arrays(spec.reference(*spec.cases[0].args))))
            self._specs[key] = spec
        return self._specs[key]


def _decode_part(part):
    if isinstance(part, dict) and isinstance(part.get("shape"), list) and isinstance(part.get("data"), list):
        shape = part["shape"]
        if all(isinstance(s, int) and s >= 0 for s in shape) and len(part["data"]) == int(np.prod(shape)) \
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in part["data"]):
            array = np.array(part["data"], dtype=np.float64).reshape(shape)
            kind = part.get("kind")  # what the student returned: the checkers name an np.matrix and a list
            return array.view(np.matrix) if kind == "matrix" and array.ndim == 2 else \
                list(array) if kind == "list" and array.ndim >= 1 else array
    name = part.get("type") if isinstance(part, dict) and isinstance(part.get("type"), str) else "object"
    return type(name, (), {})()  # no numbers: the checker says it returned a `name`


def _as_call(event, n_outputs):
    """A :class:`Call` from the worker's JSON, re-validated: only floats, shapes and names get through."""
    value = event.get("value")
    if isinstance(value, list) and value:
        parts = [_decode_part(p) for p in value]
        value = tuple(parts) if n_outputs > 1 and len(parts) != 1 else parts[0]
    elif value is not None:
        value = type("object", (), {})()
    error = event.get("error")
    if isinstance(error, dict):
        exc = type(str(error.get("type", "Exception")), (Exception,), {})(str(error.get("message", "")))
        error, where = exc, str(error.get("where", ""))
    else:
        error, where = None, ""
    return Call(value=value, error=error, where=where, timed_out=bool(event.get("timed_out")),
                warnings=tuple(map(str, event.get("warnings", ())))[:20],
                numeric=frozenset(map(str, event.get("numeric", ()))),
                mutated=tuple(i for i in event.get("mutated", ()) if isinstance(i, int)))


def _job(files, functions, timeout, memory_mb, load_timeout, stage=None):
    """The worker's job (its keys: :mod:`~minilr.exercises.running.worker`), from the staged copies.

    Every ``.py`` file of the student's is an importable module, read like a
    notebook too, so that ``from sigmoid import sigmoid`` runs only that file's chunks.
    """
    staged = stage.staged if stage is not None else {}
    chunks = {staged.get(f.path, f.path): f.chunks for f in files}
    modules = {name: {"path": path, "chunks": chunks[path] if path in chunks else read_file(path).chunks}
               for name, path in (stage.modules if stage is not None else {}).items()}
    names = {m["path"]: name for name, m in reversed(list(modules.items()))}  # a file's first name
    entries = [{"path": path, "module": names.get(path), "chunks": chunks[path]}
               for path in (staged.get(f.path, f.path) for f in files)]
    broken = {name: why for f in reversed(files) for name, why in f.broken.items()}
    return {"files": entries, "modules": modules, "broken": broken, "functions": functions, "timeout": timeout,
            "memory_mb": memory_mb, "load_timeout": load_timeout,
            "stage": stage.path if stage is not None else None}


def grade_submission(sub, profile, specs, *, strict=None, timeout=DEFAULT_TIMEOUT, memory_mb=DEFAULT_MEMORY_MB,
                     zygote=None, support=()):
    """The records of one submission (a list of dicts), never raising for what the student did.

    The submission runs from a private copy, the support files beside it
    (:class:`~minilr.exercises.running.staging.Stage`). Each record's
    ``seconds`` is the time its function ran in the student's process, all
    cases together (None for a missing function or a submission that could
    not be loaded).
    """
    spent = {}
    # A folder submission is staged with its subfolders; a single file alone.
    root = None if [Path(f) for f in sub.files] == [Path(sub.folder) / sub.name] else Path(sub.folder)
    with Stage(sub.files, root, support) as stage:
        records = _grade_submission(sub, profile, specs, strict, timeout, memory_mb, zygote, spent, stage)
    for r in records:
        r["seconds"] = spent.get(r.pop("_index", None))
    return records


def grade_one(submission, profile, **options):
    """The records of one :class:`~minilr.exercises.reading.extract.Submission` (Gradescope's one student).

    ``options`` are :func:`grade_submission`'s (``strict``, ``timeout``, ``memory_mb``); ``support``, the
    paths of the support files, is checked here and joined to the profile's own.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.batch import grade_one
    >>> from minilr.exercises.reading.extract import Submission
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "answer.py"
    ...     _ = path.write_text("def sigmoid(z)\\n    return z\\n")
    ...     records = grade_one(Submission("answer", [path], folder), "ex2")
    >>> records[0]["exercise"], records[0]["verdict"], records[0]["message"].startswith("syntax error at line 1")
    ('ex2:sigmoid', 'error', True)
    >>> [r["verdict"] for r in records[1:]]  # ex2's other exercises
    ['missing', 'missing', 'missing']
    """
    profile = load_profile(profile)
    options["support"] = check_support([*profile.support, *options.get("support", ())])
    return grade_submission(submission, profile, _Specs(), **options)


def _grade_submission(sub, profile, specs, strict, timeout, memory_mb, zygote, spent, stage):
    files = [read_file(p) for p in sub.files]
    functions = {}
    for f in files:
        for name, params in f.functions.items():
            functions.setdefault(name, params)
    given = profile is not None
    profiles = [profile] if given else list(BUILTIN.values())
    assignments, targeted = match_functions(functions, profiles, given=given)
    max_points = sum(e.points for p in targeted for e in p.exercises if e.required)
    unreadable = next((f for f in files if f.error), None)
    if unreadable is not None:
        return [submission_error(sub.name, unreadable.error, max_points)]
    notes = [n for f in files for n in f.notes]
    plan = [(a, specs(a.profile, a.exercise)) for a in assignments]
    calls = {i: [] for i in range(len(plan))}
    # A function whose def does not parse is an error of its own, with its line; the others are run.
    broken = {name: why for f in reversed(files) for name, why in f.broken.items()}
    died = {i: broken[a.function] for i, (a, _) in enumerate(plan) if a.function in broken}
    found, pending = None, [i for i in range(len(plan)) if i not in died]
    load_timeout = max(timeout, 10.0)
    first = True
    while first or pending:  # at least once: a submission with no known function may still not load
        first = False
        job = _job(files, [{"name": plan[i][0].function, "n_outputs": plan[i][1].n_outputs,
                            "cases": [c.args for c in plan[i][1].cases]} for i in pending],
                   timeout, memory_mb, load_timeout, stage)
        current, loaded, mark = None, False, None
        for event in run_worker(job, timeout, load_timeout, zygote):
            kind = event.get("event")
            if kind == "loaded":
                loaded = True
                found = set(event.get("found", [])) if found is None else found
                notes += [n for n in event.get("notes", []) if n not in notes]
            elif kind == "start":
                mark = _lap(spent, current, mark)
                current = pending[event["index"]]
            elif kind == "call" and current is not None:
                calls[current].append(_as_call(event, plan[current][1].n_outputs))
            elif kind == "died":
                if not loaded:
                    return [submission_error(sub.name, _death_message(event, "while loading", timeout),
                                             max_points)]
                if current is None:
                    pending = []
                    break
                case = plan[current][1].cases[min(len(calls[current]), len(plan[current][1].cases) - 1)]
                died[current] = _death_message(event, f"on case '{case.name}'", timeout)
        _lap(spent, current, mark)
        # Died inside one function: a new process grades the ones after it; otherwise all are done.
        pending = [i for i in pending if i > current] if current in died else []
    graded = [i for i, (a, _) in enumerate(plan) if found is None or a.function in found or i in died]
    results = {i: run_spec(plan[i][1], calls=calls[i], timeout=timeout) for i in graded if i not in died}
    uses = {}
    for f in files:
        for name, names in f.calls.items():
            uses.setdefault(name, set()).update(names)
    results = _blamed(results, {i: plan[i][0].function for i in results}, uses)
    records = [record_for(sub.name, plan[i][0], results.get(i), died.get(i), notes + [plan[i][0].note] * bool(
        plan[i][0].note), strict, memory_mb, calls[i]) for i in graded]
    for i, r in zip(graded, records):
        r["_index"] = i
    graded = {(r["profile"], r["exercise"]) for r in records}
    for p in targeted:
        for e in p.exercises:
            if e.required and (p.name, f"{p.name}:{e.name}") not in graded:
                records.append(record_for(sub.name, _missing(p, e), None, None, notes, strict, memory_mb))
    if not records:
        return [submission_error(sub.name, "defines none of the exercise functions of "
                                 + (f"profile '{profile.name}'" if given else "any profile")
                                 + (f" (found: {', '.join(sorted(functions))})" if functions else ""), 0)]
    return records


def _reach(name, uses):
    """The names ``name`` calls: directly (first, sorted), then through the functions it calls (sorted)."""
    direct = sorted(uses.get(name, ()))
    seen, todo, further = set(direct) | {name}, list(direct), []
    while todo:
        new = sorted(set(uses.get(todo.pop(0), ())) - seen)
        seen.update(new)
        todo.extend(new)
        further.extend(new)
    return direct + sorted(further)


def _blamed(results, names, uses):
    """Each result judged by its own values (:func:`~minilr.exercises.judging.depends.blame`), callees first."""
    reach = {i: _reach(names[i], uses) for i in results}
    graded = set(names.values())
    by_name, todo = {}, list(results)
    while todo:  # a function whose graded callees are all judged, else (a cycle) the first left
        i = next((i for i in todo if all(n in by_name for n in reach[i] if n in graded)), todo[0])
        todo.remove(i)
        results[i] = blame(results[i], names[i], {n: by_name[n] for n in reach[i] if n in by_name})
        by_name[names[i]] = results[i]
    return results


def _lap(spent, current, mark):
    """Add the time since ``mark`` to the function ``current``; the new mark."""
    now = time.monotonic()
    if current is not None and mark is not None:
        spent[current] = round(spent.get(current, 0.0) + now - mark, 4)
    return now


def _missing(profile, exercise):
    return Assignment(profile, exercise, None)


def _death_message(event, when, timeout):
    if event.get("reason") == "timeout":
        return f"timed out {when}: no answer within {timeout:g} s (the process was stopped)"
    code = event.get("returncode")
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        what = "segmentation fault" if name == "SIGSEGV" else name
        return f"crashed ({what}) {when}"
    return f"exited {when} (the process ended with status {code}: os._exit() or a crash)"


def grade(paths, *, profile=None, strict=None, timeout=DEFAULT_TIMEOUT, memory_mb=DEFAULT_MEMORY_MB, jobs=None,
          only=None, on_record=None, progress=True, fork=True, support=()):
    """Grade every submission under ``paths``; returns all records (also passed to ``on_record`` as they come).

    The records come as a :class:`GradeReport`, a list that Jupyter shows as a table.

    Parameters
    ----------
    paths : list of str or Path
        Files (``.py``, ``.ipynb``) and folders of submissions.
    profile : str, Path or Profile, optional
        The assignment; None detects it per function.
    strict : bool, optional
        Score a fragile answer as a failure; None takes the profile's default.
    timeout : float
        Seconds per call of a student's function.
    memory_mb : int
        Address-space limit of each student's process.
    jobs : int, optional
        Submissions graded at once (default: the number of cores).
    only : str, optional
        Grade only the submission of this name (or whose name starts with it).
    on_record : callable, optional
        Called with the list of one submission's records as soon as it is graded.
    progress : bool
        Show a tqdm bar with an ETA over the submissions.
    fork : bool
        Fork the students' processes from one warm process that has NumPy
        and SciPy imported (:class:`~minilr.exercises.running.processes.Zygote`);
        False starts a fresh interpreter for each.
    support : list of str or Path
        The course's files (its ``utils.py``, data files, folders), placed
        read-only beside every submission before it is loaded, with those
        the profile names (:mod:`~minilr.exercises.running.staging`).

    Raises
    ------
    SupportError
        For a support path that does not exist or a support ``.py`` file that does not parse.

    Examples
    --------
    Three students' sigmoids, the exercise detected from the function's name
    (a fresh process for each; carol's ``def`` does not parse, an error of its own with its line):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.batch import grade
    >>> answers = {"alice.py": "return np.exp(-np.logaddexp(0, -z))",
    ...            "bob.py": "return 1 / (1 + np.exp(-z))", "carol.py": "return 1 / (1 + np.exp(-z)"}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name, line in answers.items():
    ...         source = f"import numpy as np\\n\\ndef sigmoid(z):\\n    {line}\\n"
    ...         _ = (Path(folder) / name).write_text(source)
    ...     records = grade([folder], progress=False, fork=False)
    >>> for r in records:
    ...     print(r["submission"], r["exercise"], r["verdict"], r["mistakes"], f"{r['points']:g}/{r['max_points']:g}")
    alice.py minilr:sigmoid pass [] 1/1
    bob.py minilr:sigmoid fail ['unstable_sigmoid'] 0/1
    carol.py minilr:sigmoid error [] 0/1
    >>> records[2]["message"].startswith("syntax error at line 4 of carol.py")
    True
    """
    profile = load_profile(profile) if profile is not None else None
    support = check_support([*(profile.support if profile is not None else ()), *support])
    subs = find_submissions(paths)
    if only is not None:
        subs = [s for s in subs if s.name == only or Path(s.name).stem == only] or \
            [s for s in subs if s.name.startswith(only)]
        if not subs:
            raise FileNotFoundError(f"no submission named '{only}'")
    from tqdm.auto import tqdm

    specs, records = _Specs(), []
    pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)
    zygote = Zygote(preload=support_imports(support)) if fork else None
    try:
        with tqdm(total=len(subs), unit="submission", disable=not progress, file=sys.stderr) as bar:
            futures = [pool.submit(grade_submission, s, profile, specs, strict=strict, timeout=timeout,
                                   memory_mb=memory_mb, zygote=zygote, support=support) for s in subs]
            for future in as_completed(futures):
                done = future.result()
                records += done
                if on_record is not None:
                    on_record(done)
                bar.update(1)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_all()  # the running students' processes end with the grader
        raise
    finally:
        pool.shutdown()
        if zygote is not None:
            zygote.close()
    order = {s.name: i for i, s in enumerate(subs)}
    return GradeReport(sorted(records, key=lambda r: order[r["submission"]]))
