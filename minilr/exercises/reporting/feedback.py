"""Feedback for each student: one Markdown file per submission, and the same as HTML beside it.

Each file gives the student's verdicts and points, every diagnosis on its
own line with its fix, the note on fragile answers and the notes on loading
(a skipped cell, a missing module). It is built from the records' messages,
which never hold a hidden case's values (:func:`minilr.exercises.judging.verdicts.hide_values`):
a case is named, its inputs and expected outputs are not.
"""

import html
import re
from pathlib import Path

from .summary import explain

__all__ = ["split_message", "record_markdown", "submission_markdown", "submission_html", "write_feedback",
           "feedback_name", "markdown_html", "FRAGILE_NOTE"]

FRAGILE_NOTE = ("Fragile: right values on every ordinary case, but overflow, NaN or inf at the extreme inputs "
                "(|z| = 1000); {scored}.")
_FRAGILE_LEAD = "Right values on every ordinary case, but not at the extreme inputs"
_NOTE = re.compile(r"\s*\(Note: (.*)\.\)\s*$", re.S)


def split_message(message):
    """``(diagnoses, notes)``: the message's lines, and the load notes appended to it.

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import split_message
    >>> split_message("lam_over_m: Use lam/(2m). [case 'lam=1']\\nnot_finite: NaN. (Note: cell 3: syntax error, skipped.)")
    (["lam_over_m: Use lam/(2m). [case 'lam=1']", 'not_finite: NaN.'], ['cell 3: syntax error, skipped'])
    """
    match = _NOTE.search(message or "")
    notes = match.group(1).split("; ") if match else []
    body = (message or "")[:match.start()] if match else (message or "")
    return [line.strip() for line in body.splitlines() if line.strip()], notes


def _scored(r):
    if r["verdict"] == "fragile":
        return "full points in this profile, but the diagnosis says how to make it robust"
    return "fragile, scored as a failure in this profile"


def _is_fragile(r):
    return r["verdict"] == "fragile" or (r["verdict"] == "fail" and (r["message"] or "").startswith(_FRAGILE_LEAD))


def _title(r):
    what = r["exercise"] or "the whole submission"
    return what + (f" (`{r['function']}`)" if r["function"] else "")


def record_markdown(r, level=3):
    """One record as Markdown: a heading with its verdict and points, then one line per diagnosis.

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import record_markdown
    >>> r = {"submission": "ada.py", "exercise": "ex2:cost", "function": "costFunction", "verdict": "fail",
    ...      "mistakes": ["bias_regularized"], "points": 0.0, "max_points": 5.0,
    ...      "message": "bias_regularized: The bias term theta[0] is regularised. [case 'lam=1': wrong value]"}
    >>> print(record_markdown(r))
    ### ex2:cost (`costFunction`): FAIL, 0/5 points
    <BLANKLINE>
    - **bias_regularized**: The bias term theta[0] is regularised. [case 'lam=1': wrong value]
    """
    lines, _ = split_message(r["message"])
    out = [f"{'#' * level} {_title(r)}: {r['verdict'].upper()}, {r['points']:g}/{r['max_points']:g} points", ""]
    keyed = set()
    for line in lines:
        key, _, rest = line.partition(": ")
        if line.startswith(_FRAGILE_LEAD):
            continue  # said by the note below
        if key in r["mistakes"] and rest:
            keyed.add(key)
            out.append(f"- **{key}**: {rest}")
        else:
            out.append(f"- {line}")
    for key in r["mistakes"]:
        if key not in keyed and explain(key):
            out.append(f"- **{key}**: {explain(key)}")
    if _is_fragile(r):
        out += ["", "> " + FRAGILE_NOTE.format(scored=_scored(r))]
    if len(out) == 2:
        out.pop()
    return "\n".join(out)


def submission_markdown(name, records):
    """The whole feedback file of one submission, in Markdown.

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import submission_markdown
    >>> r = {"submission": "bob.py", "exercise": None, "function": None, "verdict": "error", "mistakes": [],
    ...      "points": 0.0, "max_points": 5.0, "message": "syntax error at line 3 of bob.py", "profile": None}
    >>> text = submission_markdown("bob.py", [r])
    >>> text.splitlines()[0], "0/5" in text
    ('# Feedback on bob.py', True)
    """
    points = sum(r["points"] for r in records), sum(r["max_points"] for r in records)
    profiles = sorted({r.get("profile") for r in records if r.get("profile")})
    out = [f"# Feedback on {name}", "",
           f"**{points[0]:g}/{points[1]:g} points**" + (f" (profile {', '.join(profiles)})" if profiles else ""), "",
           "| exercise | function | verdict | points |", "|---|---|---|---|"]
    for r in records:
        out.append(f"| {r['exercise'] or '-'} | {r['function'] or '-'} | {r['verdict']} | "
                   f"{r['points']:g}/{r['max_points']:g} |")
    out.append("")
    for r in records:
        if r["verdict"] != "pass":
            out += [record_markdown(r), ""]
    notes = list(dict.fromkeys(n for r in records for n in split_message(r["message"])[1]))
    if notes:
        out += ["## Notes on loading your submission", "", *(f"- {n}" for n in notes), ""]
    if all(r["verdict"] == "pass" for r in records):
        out += ["Every exercise agrees with the reference on every case.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _inline(text):
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def markdown_html(markdown, title):
    """The small Markdown of these files (headings, lists, tables, quotes) as a standalone HTML page.

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import markdown_html
    >>> page = markdown_html("# Hi\\n\\n- **a**: b", "t")
    >>> "<h1>Hi</h1>" in page, "<li><b>a</b>: b</li>" in page
    (True, True)
    """
    body, in_list, in_table = [], False, False
    for line in markdown.splitlines():
        if in_list and not line.startswith("- "):
            body.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            body.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_inline(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            body.append(("" if in_list else "<ul>") + f"<li>{_inline(line[2:])}</li>")
            in_list = True
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "td" if in_table else "th"
            body.append(("" if in_table else "<table>") + "<tr>" + "".join(f"<{tag}>{_inline(c)}</{tag}>"
                                                                          for c in cells) + "</tr>")
            in_table = True
        elif line.startswith("> "):
            body.append(f"<blockquote>{_inline(line[2:])}</blockquote>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    body.append("</ul>" if in_list else "")
    body.append("</table>" if in_table else "")
    style = ("body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.45;color:#1f2328}"
             "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 8px;text-align:left}"
             "blockquote{border-left:4px solid #b35900;margin:0;padding:2px 10px;background:#fff8ef}"
             "code{background:#f3f4f6;padding:0 3px}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def submission_html(name, records):
    """The feedback file of one submission as a standalone HTML page (no script, no external link).

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import submission_html
    >>> r = {"submission": "ada.py", "exercise": "ex2:cost", "function": "cost", "verdict": "pass",
    ...      "mistakes": [], "points": 5.0, "max_points": 5.0, "message": "all 4 cases agree", "profile": "ex2"}
    >>> page = submission_html("ada.py", [r])
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "5/5" in page
    (True, False, True)
    """
    return markdown_html(submission_markdown(name, records), f"Feedback on {name}")


def feedback_name(submission):
    """The file stem of a submission's feedback: its name with anything but letters, digits, ``.-_`` as ``_``.

    Examples
    --------
    >>> from minilr.exercises.reporting.feedback import feedback_name
    >>> feedback_name("dana cohen (1).ipynb")
    'dana_cohen_1_.ipynb'
    """
    return re.sub(r"[^\w.-]+", "_", submission).strip(".") or "submission"


def write_feedback(records, folder):
    """Write ``NAME.md`` and ``NAME.html`` per submission into ``folder``; returns ``{submission: stem}``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.feedback import write_feedback
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     names = write_feedback([submission_error("bob.py", "syntax error at line 3", 5)], folder)
    ...     files = sorted(p.name for p in Path(folder).iterdir())
    >>> names, files
    ({'bob.py': 'bob.py'}, ['bob.py.html', 'bob.py.md'])
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    grouped, stems, used = {}, {}, set()
    for r in records:
        grouped.setdefault(r["submission"], []).append(r)
    for name, rs in grouped.items():
        stem, n = feedback_name(name), 1
        while stem.lower() in used:
            n += 1
            stem = f"{feedback_name(name)}-{n}"
        used.add(stem.lower())
        stems[name] = stem
        (folder / f"{stem}.md").write_text(submission_markdown(name, rs), encoding="utf-8")
        (folder / f"{stem}.html").write_text(submission_html(name, rs), encoding="utf-8")
    return stems
