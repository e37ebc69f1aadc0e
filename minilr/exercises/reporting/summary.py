"""A graded class in numbers: verdicts, mistakes, errors and times per exercise.

Everything here is computed from the records alone (the dicts of
:func:`minilr.exercises.batch.grade`), so a class is summarised from an
earlier JSON report exactly as from a fresh run.
"""

import html
import re

__all__ = ["MistakeCounts", "mistake_counts", "verdict_counts", "explain", "error_kind", "errors",
           "slowest", "exercises", "points_of"]

VERDICTS = ("pass", "fragile", "fail", "error", "missing")

# Keys that no wrong variant reproduces: found by the checkers or the grader themselves.
_FOUND = {
    "mutates_input": "It changes an argument in place (e.g. theta -= ...): work on a copy and return it.",
    "depends_on_broken": "It calls another of your functions that fails its own check: fix that one first.",
    "symmetric_initialization": "Every unit starts with the same weights, so they all learn the same thing.",
    "wrong_range": "The random initial weights are outside the range the exercise asks for.",
    "missing_ones_column": "The column of ones (the bias) is missing from X.",
    "wrong_value": "Wrong values that no catalogued mistake explains.",
    "wrong_shape": "It returns an array of the wrong shape.",
    "wrong_type": "It returns the wrong type of value.",
    "returned_none": "It returns None: a `return` is missing.",
    "not_implemented": "Not implemented yet: it still raises NotImplementedError.",
    "not_a_function": "It is not a function.",
    "not_finite": "It returns NaN or inf.",
    "numeric_warning": "It emits a numerical warning (overflow, division by zero).",
    "timeout": "It runs for too long (an endless loop, or far too much work).",
    "raised": "It raises an exception.",
}


def explain(key):
    """The one-line explanation of a mistake key (the first sentence of its catalogue entry).

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import explain
    >>> explain("bias_regularized")
    'The bias term theta[0] is regularised: the penalty sums theta[1:] only.'
    >>> explain("no_such_key")
    ''
    """
    if key in _FOUND:
        return _FOUND[key]
    from ..judging.mistakes import CATALOGUE

    message = next((m.message for m in CATALOGUE if m.key == key), "")
    first = re.split(r"(?<=\.)\s", message, maxsplit=1)[0]
    return first if len(first) <= 200 else first[:199] + "…"


def exercises(records):
    """The exercises graded, in the order they first appear (submission-wide errors left out).

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import exercises
    >>> exercises([{"exercise": "ex2:cost"}, {"exercise": None}, {"exercise": "ex2:sigmoid"}])
    ['ex2:cost', 'ex2:sigmoid']
    """
    return list(dict.fromkeys(r["exercise"] for r in records if r["exercise"]))


def verdict_counts(records):
    """``{exercise: {verdict: [submissions]}}`` over the five verdicts.

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import verdict_counts
    >>> records = [{"submission": "ada.py", "exercise": "ex2:cost", "verdict": "pass"},
    ...            {"submission": "bob.py", "exercise": "ex2:cost", "verdict": "fail"}]
    >>> {v: len(s) for v, s in verdict_counts(records)["ex2:cost"].items() if s}
    {'pass': 1, 'fail': 1}
    """
    counts = {e: {v: [] for v in VERDICTS} for e in exercises(records)}
    for r in records:
        if r["exercise"] and r["verdict"] in VERDICTS:
            counts[r["exercise"]][r["verdict"]].append(r["submission"])
    return counts


def points_of(records, exercise):
    """The points of each submission on one exercise (a list of floats) and its maximum.

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import points_of
    >>> points_of([{"exercise": "e", "points": 2.0, "max_points": 5.0}], "e")
    ([2.0], 5.0)
    """
    rs = [r for r in records if r["exercise"] == exercise]
    return [float(r["points"]) for r in rs], max((float(r["max_points"]) for r in rs), default=0.0)


class MistakeCounts(dict):
    """``{(exercise, mistake): [submissions]}``, the most frequent first; Jupyter shows it as a table.

    ``len(counts[key])`` is the number of students who made the mistake;
    :meth:`share` divides it by the number of submissions graded on that exercise.

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import mistake_counts
    >>> records = [{"submission": "ada.py", "exercise": "ex2:cost", "verdict": "fail",
    ...             "mistakes": ["bias_regularized"]},
    ...            {"submission": "bob.py", "exercise": "ex2:cost", "verdict": "pass", "mistakes": []}]
    >>> counts = mistake_counts(records)
    >>> {k: len(v) for k, v in counts.items()}
    {('ex2:cost', 'bias_regularized'): 1}
    >>> counts.share(("ex2:cost", "bias_regularized"))
    0.5
    >>> "bias_regularized" in counts._repr_html_()
    True
    """

    def __init__(self, items=(), graded=None):
        super().__init__(items)
        self.graded = dict(graded or {})

    def share(self, key):
        """The fraction of the exercise's graded submissions that made this mistake."""
        n = self.graded.get(key[0], 0)
        return len(self[key]) / n if n else 0.0

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td>{html.escape(e)}</td><td><code>{html.escape(k)}</code></td>"
            f"<td style='text-align:right'>{len(s)}</td><td style='text-align:right'>"
            f"{self.share((e, k)):.0%}</td><td>{html.escape(explain(k))}</td></tr>"
            for (e, k), s in self.items())
        return ("<table><tr><th>exercise</th><th>mistake</th><th>students</th><th>share</th>"
                f"<th>what it is</th></tr>{rows}</table>")


def mistake_counts(records):
    """Who made which mistake, per exercise: a :class:`MistakeCounts`.

    A record counts once per key it carries, whatever its verdict (a fragile
    answer's ``unstable_sigmoid`` too).

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import mistake_counts
    >>> records = [{"submission": s, "exercise": "ex2:cost", "verdict": "fail", "mistakes": keys}
    ...            for s, keys in [("ada", ["lam_over_m"]), ("bob", ["lam_over_m", "sum_instead_of_mean"])]]
    >>> [(k, len(v)) for (_, k), v in mistake_counts(records).items()]
    [('lam_over_m', 2), ('sum_instead_of_mean', 1)]
    """
    found, graded = {}, {}
    for r in records:
        if not r["exercise"]:
            continue
        graded[r["exercise"]] = graded.get(r["exercise"], 0) + 1
        for key in dict.fromkeys(r["mistakes"]):
            found.setdefault((r["exercise"], key), []).append(r["submission"])
    order = {e: i for i, e in enumerate(exercises(records))}
    ranked = sorted(found.items(), key=lambda kv: (order[kv[0][0]], -len(kv[1]), kv[0][1]))
    return MistakeCounts(ranked, graded)


_KINDS = [("time-out", r"timed out"), ("memory", r"out of memory|MemoryError"), ("syntax", r"syntax error"),
          ("missing module", r"could not import module|No module named"), ("crash", r"crashed"),
          ("exit", r"exited"), ("input()", r"called input\(\)")]


def error_kind(message):
    """Why a record is an error, in a word or two: time-out, memory, syntax, missing module, ...

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import error_kind
    >>> error_kind("syntax error at line 4 of carol.py: '(' was never closed")
    'syntax'
    >>> error_kind("could not import module 'utils' (a.py imports it at the top)")
    'missing module'
    >>> error_kind("ZeroDivisionError on case 'lam=0'")
    'exception'
    """
    for kind, pattern in _KINDS:
        if re.search(pattern, message or ""):
            return kind
    return "exception"


def errors(records):
    """The records whose verdict is ``error``, each as ``(kind, record)``.

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import errors
    >>> [kind for kind, _ in errors([{"verdict": "error", "message": "timed out at import"},
    ...                               {"verdict": "pass", "message": ""}])]
    ['time-out']
    """
    return [(error_kind(r["message"]), r) for r in records if r["verdict"] == "error"]


def slowest(records, n=10):
    """The ``n`` graded functions that took longest (records with a ``seconds`` entry), slowest first.

    Examples
    --------
    >>> from minilr.exercises.reporting.summary import slowest
    >>> records = [{"function": "f", "seconds": 0.5}, {"function": "g", "seconds": 2.0}, {"function": "h"}]
    >>> [r["function"] for r in slowest(records)]
    ['g', 'f']
    """
    timed = [r for r in records if isinstance(r.get("seconds"), (int, float))]
    return sorted(timed, key=lambda r: -r["seconds"])[:n]
