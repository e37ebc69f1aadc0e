"""Gradescope's ``results.json``, with every field of its autograder specification that minilr can fill.

The fields follow Gradescope's "Autograder Specifications" (the ``results.json``
output format): at the top, ``score``, ``execution_time`` (seconds),
``output`` with ``output_format``, ``extra_data`` and ``tests``; per test,
``name``, ``score``, ``max_score``, ``status`` (``passed``/``failed``),
``output`` with ``output_format`` (``md`` here: the student's feedback),
``tags``, ``visibility`` and ``extra_data``. ``visibility`` is one of
``hidden``, ``after_due_date``, ``after_published``, ``visible``.
"""

import math

from .feedback import record_markdown, split_message

__all__ = ["VISIBILITIES", "results_json", "results_for_class"]

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


def _test(r, visibility):
    passed = r["verdict"] in ("pass", "fragile") and r["points"] == r["max_points"]
    name = f"{r['exercise']} ({r['function']})" if r["function"] else (r["exercise"] or "submission")
    return {"name": name, "score": float(r["points"]), "max_score": float(r["max_points"]),
            "status": "passed" if passed else "failed",
            "output": record_markdown(r, level=4), "output_format": "md",
            "tags": [r["exercise"] or "submission", *r["mistakes"]], "visibility": visibility,
            "extra_data": {"verdict": r["verdict"], "mistakes": list(r["mistakes"])}}


def results_json(records, *, visibility="visible", execution_time=None):
    """The ``results.json`` object of one submission's records.

    Parameters
    ----------
    records : list of dict
        One submission's records.
    visibility : str
        Each test's ``visibility``: one of :data:`VISIBILITIES`.
    execution_time : float, optional
        Seconds the grading took; default the sum of the records' ``seconds``.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradescope import results_json
    >>> r = {"submission": "ada.py", "exercise": "ex2:cost", "function": "costFunction", "verdict": "fail",
    ...      "mistakes": ["lam_over_m"], "points": 0.0, "max_points": 5.0, "seconds": 0.3,
    ...      "message": "lam_over_m: The penalty uses lam/m. [case 'lam=1': wrong value]", "profile": "ex2"}
    >>> out = results_json([r], visibility="after_due_date")
    >>> out["score"], out["execution_time"], out["extra_data"]["mistakes"]
    (0.0, 1, {'ex2:cost': ['lam_over_m']})
    >>> test = out["tests"][0]
    >>> test["status"], test["tags"], test["visibility"], test["output_format"]
    ('failed', ['ex2:cost', 'lam_over_m'], 'after_due_date', 'md')
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility '{visibility}': use one of {', '.join(VISIBILITIES)}.")
    if execution_time is None:
        execution_time = sum(r.get("seconds") or 0.0 for r in records)
    points = sum(r["points"] for r in records), sum(r["max_points"] for r in records)
    notes = list(dict.fromkeys(n for r in records for n in split_message(r["message"])[1]))
    summary = [f"**{points[0]:g}/{points[1]:g} points.**"]
    if notes:
        summary += ["", "Notes on loading your submission:", *(f"- {n}" for n in notes)]
    return {"score": float(points[0]), "execution_time": int(math.ceil(execution_time)),
            "output": "\n".join(summary), "output_format": "md",
            "extra_data": {"mistakes": {r["exercise"] or "submission": list(r["mistakes"]) for r in records}},
            "tests": [_test(r, visibility) for r in records]}


def results_for_class(records, *, visibility="visible"):
    """One ``results.json`` object, or ``{submission: results}`` for several submissions.

    Examples
    --------
    >>> from minilr.exercises.reporting.gradescope import results_for_class
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> sorted(results_for_class([submission_error("a.py", "x", 1), submission_error("b.py", "y", 1)]))
    ['a.py', 'b.py']
    """
    grouped = {}
    for r in records:
        grouped.setdefault(r["submission"], []).append(r)
    if len(grouped) == 1:
        return results_json(next(iter(grouped.values())), visibility=visibility)
    return {k: results_json(v, visibility=visibility) for k, v in grouped.items()}
