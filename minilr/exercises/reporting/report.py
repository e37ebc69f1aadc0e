"""Grade records as a table, JSON, CSV or Gradescope's results.json, written as submissions finish.

* ``json``: an object with a header (``minilr``: minilr's version, the
  profile, the options, the date; :mod:`.gradesfile`) and ``records``, one
  per (submission, function), with the keys ``submission, exercise,
  function, verdict, mistakes, points, max_points, message, profile,
  seconds``.
* ``csv``: one row per submission, one column per exercise holding its
  points (0 in every column for a submission that could not be loaded), then
  ``total``, ``max_points`` and ``problems`` (the verdicts that are not
  ``pass``, with their mistakes).
* ``gradescope``: the ``results.json`` Gradescope's autograder reads
  (:mod:`.gradescope`); for several submissions, an object of one such
  result per submission.
* ``html``: the class report (:mod:`.classreport`).

:class:`ReportWriter` rewrites its file (atomically) after every submission,
so an interrupted run leaves a valid report of the submissions graded so far.
"""

import csv
import io
import json
import os
from pathlib import Path

from .classreport import class_report_html
from .gradescope import results_for_class
from .gradesfile import envelope

__all__ = ["FORMATS", "ReportWriter", "render", "table", "summary"]

FORMATS = ("json", "csv", "gradescope", "html")


def _by_submission(records):
    grouped = {}
    for r in records:
        grouped.setdefault(r["submission"], []).append(r)
    return grouped


def _csv(records):
    exercises = list(dict.fromkeys(r["exercise"] for r in records if r["exercise"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["submission", *exercises, "total", "max_points", "problems"])
    for name, rs in _by_submission(records).items():
        points = {r["exercise"]: r["points"] for r in rs if r["exercise"]}
        if any(r["exercise"] is None for r in rs):  # could not be loaded: 0 everywhere, never a blank
            points = dict.fromkeys(exercises, 0.0)
        problems = "; ".join(_problem(r) for r in rs if r["verdict"] != "pass")
        writer.writerow([name, *(f"{points[e]:g}" if e in points else "" for e in exercises),
                         f"{sum(r['points'] for r in rs):g}", f"{sum(r['max_points'] for r in rs):g}", problems])
    return out.getvalue()


def _problem(r):
    what = r["exercise"] or "submission"
    keys = f" [{', '.join(r['mistakes'])}]" if r["mistakes"] else ""
    return f"{what} {r['verdict']}{keys}" + (f": {r['message']}" if r["verdict"] == "error" else "")


def render(records, fmt, meta=None, *, visibility="visible", changed=None, feedback=None, here="."):
    """The report as text, in ``fmt`` (one of :data:`FORMATS`).

    ``meta`` is the JSON and HTML reports' header (default: this minilr, now);
    ``visibility`` the Gradescope tests' visibility; ``changed`` what changed
    since an earlier report; ``feedback`` the feedback files the HTML links to.

    Examples
    --------
    >>> from minilr.exercises.reporting.report import render
    >>> records = [{"submission": "alice.py", "exercise": "ex2:cost", "function": "costFunction",
    ...             "verdict": "fail", "mistakes": ["bias_regularized"], "points": 0.0,
    ...             "max_points": 5.0, "message": "theta[0] is penalised", "profile": "ex2"}]
    >>> print(render(records, "csv"), end="")
    submission,ex2:cost,total,max_points,problems
    alice.py,0,0,5,ex2:cost fail [bias_regularized]
    >>> import json
    >>> json.loads(render(records, "gradescope"))["tests"][0]["status"]
    'failed'
    """
    if fmt == "json":
        return json.dumps(envelope(records, meta, changed), indent=1) + "\n"
    if fmt == "csv":
        return _csv(records)
    if fmt == "gradescope":
        return json.dumps(results_for_class(records, visibility=visibility), indent=1) + "\n"
    if fmt == "html":
        return class_report_html(records, meta, changed=changed, feedback=feedback, here=here)
    raise ValueError(f"unknown report format '{fmt}': use one of {', '.join(FORMATS)}.")


class ReportWriter:
    """Collects records and rewrites ``path`` after each submission (write to a temporary, then rename).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.report import ReportWriter
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     writer = ReportWriter(Path(folder) / "grades.csv", "csv")
    ...     writer.add([submission_error("bob.py", "syntax error at line 3 of bob.py", 5)])
    ...     text = writer.path.read_text()
    >>> print(text, end="")
    submission,total,max_points,problems
    bob.py,0,5,submission error: syntax error at line 3 of bob.py
    """

    def __init__(self, path, fmt, meta=None, *, visibility="visible"):
        self.path, self.fmt, self.records = Path(path), fmt, []
        self.meta, self.visibility, self.changed, self.feedback = meta, visibility, None, None
        self._write()

    def add(self, records):
        self.records += records
        self._write()

    def finish(self, changed=None, feedback=None):
        """Write once more, with what changed since an earlier report and the feedback files' links."""
        self.changed, self.feedback = changed, feedback
        self._write()

    def _write(self):
        tmp = self.path.with_name(f".{self.path.name}.partial")
        ordered = sorted(self.records, key=lambda r: r["submission"])  # stable: each one's records stay in order
        tmp.write_text(render(ordered, self.fmt, self.meta, visibility=self.visibility, changed=self.changed,
                              feedback=self.feedback, here=self.path.parent), encoding="utf-8")
        os.replace(tmp, self.path)


def table(records):
    """The records as aligned text: one row per record, the messages of the non-passing ones below.

    Examples
    --------
    >>> from minilr.exercises.reporting.report import table
    >>> records = [{"submission": "alice.py", "exercise": "ex2:cost", "function": "costFunction",
    ...             "verdict": "pass", "mistakes": [], "points": 5.0, "max_points": 5.0,
    ...             "message": "", "profile": "ex2"},
    ...            {"submission": "bob.py", "exercise": "ex2:cost", "function": "cost",
    ...             "verdict": "fail", "mistakes": ["missing_1_over_m"], "points": 0.0,
    ...             "max_points": 5.0, "message": "the sum is not divided by m", "profile": "ex2"}]
    >>> print(table(records))
    submission  exercise  function      verdict  points  mistakes
    alice.py    ex2:cost  costFunction  pass     5/5
    bob.py      ex2:cost  cost          fail     0/5     missing_1_over_m
    <BLANKLINE>
    bob.py ex2:cost fail: the sum is not divided by m
    """
    header = ("submission", "exercise", "function", "verdict", "points", "mistakes")
    rows = [(r["submission"], r["exercise"] or "-", r["function"] or "-", r["verdict"],
             f"{r['points']:g}/{r['max_points']:g}", ", ".join(r["mistakes"])) for r in records]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    details = [_detail(r) for r in records if r["verdict"] not in ("pass", "missing")]
    return "\n".join(lines) + ("\n\n" + "\n".join(details) if details else "")


def _detail(r):
    """A record's message under the table: one diagnosis per line, indented, when it has several."""
    head = f"{r['submission']} {r['exercise'] or ''} {r['verdict']}:".replace("  ", " ")
    lines = r["message"].splitlines()
    if len(lines) <= 1:
        return f"{head} {r['message']}"
    return "\n".join([head, *("  " + line for line in lines)])


def summary(records):
    """The closing line of a run: submissions, verdict counts and points.

    For example ``3 submissions: 10 pass, 2 fragile, 1 fail (points 11/20)``.

    Examples
    --------
    >>> from minilr.exercises.reporting.report import summary
    >>> records = [{"submission": name, "verdict": verdict, "points": points, "max_points": 5.0}
    ...            for name, verdict, points in [("alice.py", "pass", 5.0), ("bob.py", "fail", 0.0)]]
    >>> summary(records)
    '2 submissions: 1 pass, 1 fail (points 5/10).'
    """
    counts = {}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    n = len({r["submission"] for r in records})
    parts = ", ".join(f"{counts[v]} {v}" for v in ("pass", "fragile", "fail", "error", "missing") if v in counts)
    points = sum(r["points"] for r in records), sum(r["max_points"] for r in records)
    return f"{n} submission{'s' * (n != 1)}: {parts} (points {points[0]:g}/{points[1]:g})."
