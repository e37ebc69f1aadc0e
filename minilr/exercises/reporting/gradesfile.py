"""The JSON report as a file: its header (minilr's version, the profile, the options) and reading it back.

A JSON report is one object::

    {"minilr": {"report": 1, "version": "0.1.0", "profile": "ex2", "options": {...},
                "date": "2026-12-07T03:00:00+00:00", "protections": ...},
     "records": [...], "changes": [...]}

``protections`` (the limits the students' processes ran under) is present
when the grader recorded it. :func:`read_report` refuses a report written by
another minilr version, a corrupt one, or a bare list of records (the form
written before the header existed), with a message that says what to do.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["ReportFileError", "metadata", "envelope", "read_report", "changes", "describe_change", "REPORT_FORMAT"]

REPORT_FORMAT = 1
_RECORD_KEYS = {"submission", "exercise", "function", "verdict", "mistakes", "points", "max_points", "message"}


class ReportFileError(ValueError):
    """A JSON report that cannot be used: another version, corrupt, or another profile.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.gradesfile import ReportFileError, read_report
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "grades.json").write_text("[]")
    ...     try:
    ...         read_report(Path(folder) / "grades.json")
    ...     except ReportFileError as exc:
    ...         print(str(exc).split(", without")[0][-22:])
    a bare list of records
    """


def _version():
    from ... import __version__

    return __version__


def metadata(profile=None, options=None, **extra):
    """The header of a report written now by this minilr.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradesfile import metadata
    >>> meta = metadata("ex2", {"strict": None, "timeout": 10.0})
    >>> meta["report"], meta["profile"], meta["options"]["timeout"], "T" in meta["date"]
    (1, 'ex2', 10.0, True)
    """
    return {"report": REPORT_FORMAT, "version": _version(), "profile": None if profile is None else str(profile),
            "options": dict(options or {}), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **extra}


def envelope(records, meta=None, changed=None):
    """The JSON object of a report: its header, its records and, after ``--compare``, what changed.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradesfile import envelope
    >>> sorted(envelope([]))
    ['minilr', 'records']
    """
    out = {"minilr": meta if meta is not None else metadata(), "records": list(records)}
    if changed is not None:
        out["changes"] = list(changed)
    return out


def read_report(path):
    """``(header, records)`` of a JSON report written by this minilr version.

    Raises
    ------
    ReportFileError
        Not JSON, not a minilr report, written by another minilr version, or
        records without their keys; the message names the file and the fix.
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.gradesfile import envelope, read_report, ReportFileError
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "grades.json"
    ...     _ = path.write_text(json.dumps(envelope([])))
    ...     meta, records = read_report(path)
    ...     _ = path.write_text('{"minilr": {"report": 1, "version": "0.0.1"}, "records": []}')
    ...     try:
    ...         read_report(path)
    ...     except ReportFileError as exc:
    ...         message = str(exc)
    >>> records, "minilr 0.0.1" in message
    ([], True)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such report: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportFileError(f"{path} is not a JSON report (corrupt or truncated: {exc}).") from None
    if isinstance(data, list):
        raise ReportFileError(f"{path} is a bare list of records, without the header that says which minilr "
                              "version and profile wrote it: grade the class again to summarise it.")
    meta = data.get("minilr") if isinstance(data, dict) else None
    if not isinstance(meta, dict) or not isinstance(data.get("records"), list):
        raise ReportFileError(f"{path} is not a minilr JSON report (no 'minilr' header and 'records' list): "
                              "write one with `python -m minilr check ... --report grades.json`.")
    if meta.get("version") != _version() or meta.get("report") != REPORT_FORMAT:
        raise ReportFileError(f"{path} was written by minilr {meta.get('version', '(unknown)')}; this is minilr "
                              f"{_version()}: grade the class again, or summarise it with minilr "
                              f"{meta.get('version', 'of that version')}.")
    records = data["records"]
    bad = next((i for i, r in enumerate(records) if not isinstance(r, dict) or not _RECORD_KEYS <= set(r)), None)
    if bad is not None:
        raise ReportFileError(f"{path} is corrupt: record {bad} lacks keys "
                              f"{sorted(_RECORD_KEYS - set(records[bad] if isinstance(records[bad], dict) else ()))}.")
    return meta, records


def changes(old, new):
    """Each (submission, exercise) whose verdict or points changed between two gradings.

    Returns a list of dicts with ``submission``, ``exercise``, ``function``,
    ``before`` and ``after`` (each ``{"verdict", "points", "mistakes"}``, or
    None when the record is absent on that side), in the new records' order.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradesfile import changes
    >>> old = [{"submission": "ada", "exercise": "e", "function": "f", "verdict": "fail", "points": 0.0,
    ...         "mistakes": ["lam_over_m"]}]
    >>> new = [{"submission": "ada", "exercise": "e", "function": "f", "verdict": "pass", "points": 5.0,
    ...         "mistakes": []}]
    >>> [(c["submission"], c["before"]["verdict"], c["after"]["verdict"]) for c in changes(old, new)]
    [('ada', 'fail', 'pass')]
    >>> changes(new, new)
    []
    """
    def index(records):
        return {(r["submission"], r["exercise"]): r for r in records}

    def state(r):
        return None if r is None else {"verdict": r["verdict"], "points": r["points"], "mistakes": list(r["mistakes"])}

    before, after = index(old), index(new)
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and (a["verdict"], a["points"]) == (b["verdict"], b["points"]):
            continue
        either = b or a
        out.append({"submission": key[0], "exercise": key[1], "function": either["function"],
                    "before": state(a), "after": state(b)})
    return out


def describe_change(c):
    """One line for a change: ``ada.py ex2:cost (costFunction): fail 0 -> pass 5``.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradesfile import describe_change
    >>> describe_change({"submission": "ada", "exercise": "e", "function": "f", "before": None,
    ...                  "after": {"verdict": "pass", "points": 5.0, "mistakes": []}})
    'ada e (f): absent -> pass 5'
    """
    def side(s):
        if s is None:
            return "absent"
        keys = f" [{', '.join(s['mistakes'])}]" if s["mistakes"] else ""
        return f"{s['verdict']} {s['points']:g}{keys}"

    where = f"{c['exercise'] or 'submission'}" + (f" ({c['function']})" if c["function"] else "")
    return f"{c['submission']} {where}: {side(c['before'])} -> {side(c['after'])}"
