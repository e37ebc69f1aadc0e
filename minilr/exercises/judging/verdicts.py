"""From a check's result to a grade record: the verdict, the points and a message safe to show.

========  =================================================================
verdict   when
========  =================================================================
pass      every case agrees with the reference
fragile   right on every ordinary case; overflow, NaN or inf only at the
          extreme inputs. Full points unless strict (then ``fail``)
fail      wrong values, with the diagnosed mistakes
error     raised, timed out, over the memory limit, exited or crashed, or
          the submission could not be loaded (then one record with
          ``exercise`` and ``function`` null)
missing   an exercise of a targeted profile that the submission lacks
========  =================================================================

A message names the case and the diagnosis, never a case's values: the
cases stay hidden, so a student cannot copy the expected answers.
"""

import re

__all__ = ["VERDICTS", "record_for", "submission_error", "hide_values"]

VERDICTS = ("pass", "fragile", "fail", "error", "missing")
_ERROR_KEYS = {"timeout", "raised"}


def hide_values(text):
    """The diagnosis without the expected and returned numbers (``J: expected 0.69, got 0.5``).

    Examples
    --------
    >>> from minilr.exercises.judging.verdicts import hide_values
    >>> hide_values("case 'small': J: expected 0.69, got 0.5")
    "case 'small': J: wrong value"
    """
    return re.sub(r": expected [^,\]]+, got [^\];]+", ": wrong value", text)


def submission_error(submission, message, max_points):
    """The one record of a submission that could not be graded at all.

    Examples
    --------
    >>> from minilr.exercises.judging.verdicts import submission_error
    >>> record = submission_error("alice.py", "SyntaxError on line 3", 10)
    >>> record["verdict"], record["points"], record["max_points"], record["exercise"]
    ('error', 0.0, 10.0, None)
    """
    return {"submission": submission, "exercise": None, "function": None, "verdict": "error", "mistakes": [],
            "points": 0.0, "max_points": float(max_points), "message": message, "profile": None}


def _error_message(result, calls, memory_mb):
    """What went wrong, in words, for a function whose calls raised or timed out."""
    first = next((c for c in calls if c.error is not None), None)
    kind = type(first.error).__name__ if first is not None else ""
    case = f" on case '{result.worst_case}'" if result.worst_case else ""
    if result.mistakes[:1] == ("timeout",):
        return "timed out: " + result.diagnosis
    if kind == "MemoryError":
        return f"out of memory (MemoryError: over the limit of {memory_mb} MB){case}"
    if kind == "SystemExit":
        return f"exited ({first.error}) inside the function{case}: a function must return, not end the program"
    if kind == "EOFError":
        return f"called input(){case}: there is no keyboard while grading (EOFError); take the values as arguments"
    return hide_values(result.diagnosis)


def record_for(submission, assignment, result, died, notes, strict, memory_mb, calls=()):
    """One record: a graded function (``result``), a function whose process died, or a missing one.

    Examples
    --------
    A function the submission lacks is ``missing``:

    >>> from types import SimpleNamespace
    >>> from minilr.exercises.judging.verdicts import record_for
    >>> exercise = SimpleNamespace(name="cost", points=5, functions=("cost", "costFunction"))
    >>> profile = SimpleNamespace(name="ex2", strict=False)
    >>> assignment = SimpleNamespace(profile=profile, exercise=exercise, function=None)
    >>> record = record_for("alice.py", assignment, None, None, [], None, 512)
    >>> record["exercise"], record["verdict"], record["points"]
    ('ex2:cost', 'missing', 0.0)
    >>> record["message"]
    'no function `cost` or `costFunction` found'
    """
    profile, exercise = assignment.profile, assignment.exercise
    record = {"submission": submission, "exercise": f"{profile.name}:{exercise.name}",
              "function": assignment.function, "verdict": "", "mistakes": [], "points": 0.0,
              "max_points": float(exercise.points), "message": "", "profile": profile.name}
    strict = profile.strict if strict is None else strict
    if assignment.function is None:
        names = " or ".join(f"`{n}`" for n in exercise.functions)
        record.update(verdict="missing", message=f"no function {names} found")
    elif died is not None:
        record.update(verdict="error", message=died)
    elif result.passed:
        record.update(verdict="pass", points=float(exercise.points), message=result.diagnosis)
    elif result.fragile:
        record.update(verdict="fail" if strict else "fragile", mistakes=list(result.mistakes),
                      points=0.0 if strict else float(exercise.points), message=hide_values(result.diagnosis))
    elif set(result.mistakes) <= _ERROR_KEYS:
        record.update(verdict="error", message=_error_message(result, calls, memory_mb))
    else:
        record.update(verdict="fail", mistakes=list(result.mistakes), message=hide_values(result.diagnosis))
    if notes and record["verdict"] != "missing":
        record["message"] += " (Note: " + "; ".join(notes) + ".)"
    return record
