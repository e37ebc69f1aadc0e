"""The class report: one self-contained HTML page of what a class got right and wrong.

Per exercise, the counts of each verdict and the points distribution; each
mistake key with the number and share of students who made it, as a bar
chart and a table, with its one-line explanation; the errors with their
cause; the slowest functions; each student's feedback; and the profile, its
options, the protections in force, minilr's version and the date. Every
count links to the list of those students and every student to their
feedback. Charts are inline SVG: the page needs neither a script nor the
network.
"""

import html
import os
from pathlib import Path

from .charts import COLOURS, bars_svg, histogram_svg, verdicts_svg
from .feedback import markdown_html, record_markdown, split_message
from .gradesfile import describe_change
from .summary import VERDICTS, errors, exercises, explain, mistake_counts, points_of, slowest, verdict_counts

__all__ = ["class_report_html", "write_class_report"]

_STYLE = """
body{font-family:sans-serif;color:#1f2328;margin:0 auto;max-width:72em;padding:1em 2em;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0}td,th{border-bottom:1px solid #d8dee4;padding:2px 10px;text-align:left;
vertical-align:top}th{background:#f6f8fa}td.count{text-align:right}.muted{color:#57606a}
.badge{color:#fff;padding:0 6px;border-radius:3px;font-weight:bold;font-size:.85em}
.row{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}.list{margin:.2em 0 .6em 1em}
.student{border-top:1px solid #d8dee4;margin-top:.8em}.student h3{margin:.5em 0 .2em}
nav{display:flex;flex-wrap:wrap;gap:.2em 1em}code{background:#f3f4f6;padding:0 3px}
"""


_CHANGES_LINK = '<a href="#changes">changes</a>'


def _e(text):
    return html.escape(str(text), quote=True)


def _badge(verdict):
    return f'<span class="badge" style="background:{COLOURS.get(verdict, "#57606a")}">{_e(verdict.upper())}</span>'


def _table(header, rows):
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    return f"<table><tr>{head}</tr>" + "".join(f"<tr>{''.join(rows_)}</tr>" for rows_ in rows) + "</table>"


class _Page:
    """The anchors of one report: an id per exercise, verdict list, mistake list and student."""

    def __init__(self, records):
        self.exercises = {e: f"e{i}" for i, e in enumerate(exercises(records))}
        self.students = {s: f"s{i}" for i, s in enumerate(dict.fromkeys(r["submission"] for r in records))}

    def student(self, name):
        return f'<a href="#{self.students[name]}">{_e(name)}</a>'

    def students_list(self, names):
        return ", ".join(self.student(n) for n in names)


def _overview(records, page, counts):
    subs = len(page.students)
    loaded_badly = [r for r in records if r["exercise"] is None]
    points = sum(r["points"] for r in records), sum(r["max_points"] for r in records)
    rows = []
    for e, by_verdict in counts.items():
        cells = [f'<td><a href="#{page.exercises[e]}">{_e(e)}</a></td>']
        for v in VERDICTS:
            n = len(by_verdict[v])
            link = f'<a href="#{page.exercises[e]}-v-{v}">{n}</a>' if n else "0"
            cells.append(f'<td class="count" data-exercise="{_e(e)}" data-verdict="{v}">{link}</td>')
        rows.append(cells)
    out = [f"<p><b>{subs} submissions</b>, {len(counts)} exercises; the class scored "
           f"{points[0]:g} of {points[1]:g} points ({points[0] / points[1] if points[1] else 0:.0%}).</p>"]
    if loaded_badly:
        out.append(f'<p>{len(loaded_badly)} submission{"s" * (len(loaded_badly) != 1)} could not be graded at all '
                   f'(see <a href="#errors">errors</a>): {page.students_list(r["submission"] for r in loaded_badly)}.</p>')
    out.append(verdicts_svg({e: {v: len(s) for v, s in c.items()} for e, c in counts.items()}))
    out.append(_table(["exercise", *VERDICTS], rows))
    return "".join(out)


def _exercise(records, page, exercise, by_verdict, mistakes):
    eid = page.exercises[exercise]
    graded = sum(len(s) for s in by_verdict.values())
    points, top = points_of(records, exercise)
    mean = sum(points) / len(points) if points else 0.0
    out = [f'<section id="{eid}"><h2>{_e(exercise)}</h2>',
           f"<p>{graded} submissions graded; mean {mean:.2g} of {top:g} points.</p>", '<div class="row"><div>',
           "<h3>Points</h3>", histogram_svg(points, top), "</div><div><h3>Verdicts</h3>"]
    rows = []
    for v in VERDICTS:
        n = len(by_verdict[v])
        link = f'<a href="#{eid}-v-{v}">{n}</a>' if n else "0"
        rows.append([f"<td>{_badge(v)}</td>", f'<td class="count" data-exercise="{_e(exercise)}" '
                     f'data-verdict="{v}">{link}</td>', f"<td>{n / graded if graded else 0:.0%}</td>"])
    out += [_table(["verdict", "students", "share"], rows), "</div></div>"]
    keys = [(k, s) for (e, k), s in mistakes.items() if e == exercise]
    out.append("<h3>Mistakes</h3>")
    if keys:
        out.append(bars_svg([(k, len(s), graded, f"#{eid}-m-{i}") for i, (k, s) in enumerate(keys)],
                            title=f"mistakes in {exercise}"))
        rows = [[f"<td><code>{_e(k)}</code></td>",
                 f'<td class="count" data-exercise="{_e(exercise)}" data-mistake="{_e(k)}">'
                 f'<a href="#{eid}-m-{i}">{len(s)}</a></td>',
                 f"<td>{len(s) / graded if graded else 0:.0%}</td>", f"<td>{_e(explain(k))}</td>"]
                for i, (k, s) in enumerate(keys)]
        out.append(_table(["mistake", "students", "share", "what it is"], rows))
    else:
        out.append('<p class="muted">No mistake diagnosed.</p>')
    out.append("<h3>Who</h3>")
    for v in VERDICTS:
        if by_verdict[v]:
            out.append(f'<div id="{eid}-v-{v}" class="list">{_badge(v)} {page.students_list(by_verdict[v])}</div>')
    for i, (k, s) in enumerate(keys):
        out.append(f'<div id="{eid}-m-{i}" class="list"><code>{_e(k)}</code>: {page.students_list(s)}</div>')
    out.append("</section>")
    return "".join(out)


def _errors(records, page):
    found = errors(records)
    if not found:
        return '<p class="muted">No submission errored.</p>'
    kinds = {}
    for kind, _ in found:
        kinds[kind] = kinds.get(kind, 0) + 1
    rows = [[f"<td>{page.student(r['submission'])}</td>", f"<td>{_e(r['exercise'] or 'whole submission')}</td>",
             f"<td>{_e(r['function'] or '-')}</td>", f"<td><b>{_e(kind)}</b></td>",
             f"<td>{_e(split_message(r['message'])[0][0] if split_message(r['message'])[0] else '')}</td>"]
            for kind, r in found]
    return (f"<p>{', '.join(f'{n} {k}' for k, n in kinds.items())}.</p>"
            + _table(["submission", "exercise", "function", "why", "message"], rows))


def _slowest(records, page):
    top = slowest(records)
    if not top:
        return '<p class="muted">Times not recorded in this report.</p>'
    rows = [[f"<td>{page.student(r['submission'])}</td>", f"<td>{_e(r['exercise'])}</td>",
             f"<td>{_e(r['function'] or '-')}</td>", f'<td class="count">{r["seconds"]:.2f} s</td>',
             f"<td>{_e(r['verdict'])}</td>"] for r in top]
    return _table(["submission", "exercise", "function", "time", "verdict"], rows)


def _about(meta):
    meta = meta or {}
    options = meta.get("options") or {}
    protections = meta.get("protections")
    if protections is None:
        shown = "not recorded"
    elif isinstance(protections, dict):
        shown = "; ".join(f"{k}: {v}" for k, v in protections.items())
    elif isinstance(protections, (list, tuple)):
        shown = "; ".join(map(str, protections))
    else:
        shown = str(protections)
    rows = [["<td>profile</td>", f"<td>{_e(meta.get('profile') or 'detected per function')}</td>"],
            ["<td>options</td>", f"<td>{_e(', '.join(f'{k}={v}' for k, v in options.items()) or 'defaults')}</td>"],
            ["<td>protections</td>", f"<td>{_e(shown)}</td>"],
            ["<td>minilr</td>", f"<td>{_e(meta.get('version', 'unknown'))}</td>"],
            ["<td>graded</td>", f"<td>{_e(meta.get('date', 'unknown'))}</td>"]]
    return _table(["", ""], rows)


def _changes(changed, page):
    if not changed:
        return '<p class="muted">Nothing changed since the earlier report.</p>'
    rows = [[f"<td>{page.student(c['submission']) if c['submission'] in page.students else _e(c['submission'])}</td>",
             f"<td>{_e(describe_change(c).split(': ', 1)[1])}</td>"] for c in changed]
    return f"<p>{len(changed)} changed.</p>" + _table(["submission", "change"], rows)


def _students(records, page, feedback, here):
    grouped = {}
    for r in records:
        grouped.setdefault(r["submission"], []).append(r)
    out = []
    for name, rs in grouped.items():
        points = sum(r["points"] for r in rs), sum(r["max_points"] for r in rs)
        links = ""
        if feedback and name in feedback:
            stem = Path(os.path.relpath(feedback[name], here)).as_posix()
            links = f' <span class="muted">(feedback files: <a href="{_e(stem)}.md">md</a>, ' \
                    f'<a href="{_e(stem)}.html">html</a>)</span>'
        rows = [[f"<td>{_e(r['exercise'] or 'whole submission')}</td>", f"<td>{_e(r['function'] or '-')}</td>",
                 f"<td>{_badge(r['verdict'])}</td>", f'<td class="count">{r["points"]:g}/{r["max_points"]:g}</td>']
                for r in rs]
        body = "\n\n".join(record_markdown(r, level=4) for r in rs if r["verdict"] not in ("pass", "missing"))
        inner = markdown_html(body, name).split("<body>", 1)[1].rsplit("</body>", 1)[0] if body else ""
        out.append(f'<div class="student" id="{page.students[name]}"><h3>{_e(name)}: {points[0]:g}/{points[1]:g} '
                   f"points</h3>{links}{_table(['exercise', 'function', 'verdict', 'points'], rows)}{inner}</div>")
    return "".join(out)


def class_report_html(records, meta=None, *, changed=None, feedback=None, here="."):
    """The class report as one HTML document (a string).

    Parameters
    ----------
    records : list of dict
        The class's records.
    meta : dict, optional
        The report's header (:func:`~minilr.exercises.reporting.gradesfile.metadata`).
    changed : list of dict, optional
        What changed since an earlier report (:func:`~minilr.exercises.reporting.gradesfile.changes`).
    feedback : dict, optional
        ``{submission: path stem}`` of the feedback files, linked from each student.
    here : str or Path
        The folder the page is written to (the feedback links are relative to it).

    Examples
    --------
    >>> from minilr.exercises.reporting.classreport import class_report_html
    >>> records = [{"submission": s, "exercise": "ex2:cost", "function": "cost", "verdict": v, "mistakes": k,
    ...             "points": p, "max_points": 5.0, "message": "", "profile": "ex2"}
    ...            for s, v, k, p in [("ada.py", "pass", [], 5.0), ("bob.py", "fail", ["lam_over_m"], 0.0)]]
    >>> page = class_report_html(records, {"profile": "ex2", "version": "0.1.0"})
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page, 'data-mistake="lam_over_m"' in page
    (True, False, True)
    """
    page = _Page(records)
    counts, mistakes = verdict_counts(records), mistake_counts(records)
    meta = meta or {}
    title = f"Class report: {meta.get('profile') or 'all profiles'}"
    nav = "".join(f'<a href="#{i}">{_e(e)}</a>' for e, i in page.exercises.items())
    parts = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
             f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{_e(title)}</h1>",
             f'<p class="muted">minilr {_e(meta.get("version", ""))}, {_e(meta.get("date", ""))}</p>',
             f'<nav>{nav}<a href="#errors">errors</a><a href="#slowest">slowest</a>'
             f'{_CHANGES_LINK if changed is not None else ""}'
             '<a href="#students">students</a><a href="#about">about</a></nav>',
             '<section id="overview"><h2>Overview</h2>', _overview(records, page, counts), "</section>"]
    parts += [_exercise(records, page, e, counts[e], mistakes) for e in counts]
    parts += ['<section id="errors"><h2>Errors</h2>', _errors(records, page), "</section>",
              '<section id="slowest"><h2>Slowest functions</h2>', _slowest(records, page), "</section>"]
    if changed is not None:
        parts += ['<section id="changes"><h2>Changes since the earlier report</h2>', _changes(changed, page),
                  "</section>"]
    parts += ['<section id="students"><h2>Students</h2>', _students(records, page, feedback, here), "</section>",
              '<section id="about"><h2>About this report</h2>', _about(meta), "</section></body></html>\n"]
    return "".join(parts)


def write_class_report(path, records, meta=None, *, changed=None, feedback=None):
    """Write :func:`class_report_html` to ``path`` (through a temporary file, then renamed).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.classreport import write_class_report
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_class_report(Path(folder) / "class.html", [submission_error("bob.py", "timed out", 5)])
    ...     text = path.read_text()
    >>> "time-out" in text
    True
    """
    path = Path(path)
    text = class_report_html(records, meta, changed=changed, feedback=feedback, here=path.parent)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
