"""Naming the mistakes: which catalogued wrong variants, alone or two at once, reproduce a student's output.

:func:`diagnose` takes the failing cases of a check
(:func:`minilr.exercises.judging.runner.run_check`) and returns the mistake keys and
one line per diagnosis, :func:`diagnosis_line`: the key, what is wrong and
its fix, then the case. One mistake that explains every failing case wins;
else two, where two mistakes in separate terms of a formula (a cost's data
term and its penalty) add their deviations from the reference
(:func:`_composed`); else as few as a greedy cover finds.
"""

import numpy as np

from .calls import call_quietly
from .compare import as_arrays, evidence, same

__all__ = ["diagnose", "diagnosis_line", "error_name"]


def _variant_output(mistake, seen, options):
    """The wrong variant's output on this case (None if it does not apply) and its warning kinds."""
    raw, kinds = call_quietly(lambda *a: mistake.variant(*a, **options), seen.case.args)
    return (as_arrays(raw, like=seen.expected) if raw is not None else None), kinds


def _explains(output, seen):
    """Does a variant's ``(arrays, warning kinds)`` reproduce what the student returned on this case?"""
    variant, kinds = output
    if variant is None or not same(seen.got, variant):
        return False
    if same(variant, seen.expected):
        # The variant's values are right; its mistake is numerical only: the student's warnings
        # include all of its kinds (np.where's overflow *and* inf / inf are not the naive formula's).
        return bool(kinds) and kinds <= seen.call.numeric
    return True


def _composed(a, b, expected):
    """Two mistakes in separate terms of a formula at once: the reference plus both variants' deviations.

    A cost's data term and its penalty, a gradient's mean and its penalty, a step built on such a
    gradient: each mistake adds its own deviation, ``a - ref`` and ``b - ref``, so together they give
    ``a + b - ref``.
    """
    if a is None or b is None or len(a) != len(b) or len(a) != len(expected):
        return None
    if any(x.shape != e.shape or y.shape != e.shape for x, y, e in zip(a, b, expected)):
        return None
    with np.errstate(all="ignore"):
        return tuple(x + y - e for x, y, e in zip(a, b, expected))


def error_name(call):
    """The name of the exception a call raised, or ``""``.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import Call
    >>> from minilr.exercises.judging.diagnose import error_name
    >>> error_name(Call(error=ValueError("bad shape"))), error_name(Call(value=1.0))
    ('ValueError', '')
    """
    return type(call.error).__name__ if call.error is not None else ""


def diagnose(failing, mistakes, options, names, quiet_extremes=False):
    """Keys and lines covering the failing cases with as few catalogued mistakes as possible.

    One mistake that explains every failing case wins; else two (each alone on some cases, or
    both at once, :func:`_composed`, on others), so that two known mistakes made together are
    named as both, not as an unknown one; else as few as a greedy cover finds.

    Examples
    --------
    No failing case, nothing to diagnose:

    >>> from minilr.exercises.judging.diagnose import diagnose
    >>> diagnose([], [], {}, ("J",))
    ([], [])
    """
    if not failing:
        return [], []
    returned = [s for s in failing if s.call.error is None]
    outputs = [[_variant_output(mk, s, options) for s in returned] for mk in mistakes]
    covers = [(frozenset([mk.key]), i, {j for j, s in enumerate(returned) if _explains(outputs[i][j], s)})
              for i, mk in enumerate(mistakes)]
    every = set(range(len(returned)))
    if every and not any(c == every for _, _, c in covers):
        covers += _pair_covers(returned, mistakes, outputs)
    chosen = _fewest_keys(covers, every)
    keys, lines, remaining = [], [], set(every)
    for keyset, i, covered in chosen:
        for key in sorted(keyset, key=[mk.key for mk in mistakes].index):
            if key not in keys:
                mk = mistakes[i] if mistakes[i].key == key else next(m for m in mistakes if m.key == key)
                first = returned[min(covered)]
                keys.append(key)
                lines.append(diagnosis_line(key, mk.message, first.case.name, _evidence(first, names)))
        remaining -= covered
    raised = [s for s in failing if s.call.error is not None and not (quiet_extremes and s.case.extreme)]
    if raised:
        s = raised[0]
        keys.append("raised")
        lines.append(diagnosis_line("raised", f"It raised {error_name(s.call)}: {s.call.error} (at {s.call.where}; "
                                    f"{len(raised)} of {len(failing)} failing cases raised).", s.case.name))
    if quiet_extremes:
        remaining = {j for j in remaining if not returned[j].case.extreme}
    if remaining:  # the first case no known mistake explains is enough to start from
        key, line = _unexplained(returned[min(remaining)], names)
        keys.append(key)
        lines.append(line)
    return keys, lines


def _pair_covers(returned, mistakes, outputs):
    """``(keys, index, cases)`` for each pair of mistakes (different keys) whose composition explains cases."""
    found = []
    for i in range(len(mistakes)):
        for k in range(i + 1, len(mistakes)):
            if mistakes[i].key == mistakes[k].key:
                continue
            covered = set()
            for j, s in enumerate(returned):
                both = _composed(outputs[i][j][0], outputs[k][j][0], s.expected)
                if both is not None and not same(both, s.expected) and same(s.got, both):
                    covered.add(j)
            if covered:
                found.append((frozenset([mistakes[i].key, mistakes[k].key]), i, covered))
    return found


def _fewest_keys(covers, every):
    """The explanations to report: those of one key, else of two keys, covering every case; else a greedy cover."""
    keys = list(dict.fromkeys(k for keyset, _, _ in covers for k in sorted(keyset)))
    for size in (1, 2):
        for group in ([{k} for k in keys] if size == 1 else [{a, b} for n, a in enumerate(keys) for b in keys[n + 1:]]):
            within = [c for c in covers if c[0] <= group and c[2]]
            if within and set().union(*(c for _, _, c in within)) == every:
                return within
    chosen, remaining = [], set(every)
    while remaining:
        best = max(covers, key=lambda c: len(c[2] & remaining), default=None)
        if best is None or not best[2] & remaining:
            break
        chosen.append(best)
        remaining -= best[2]
    return chosen


def diagnosis_line(key, message, case, evidence=None):
    """One diagnosis on one line: the key, what is wrong and its fix, then the case.

    ``"bias_regularized: The bias term theta[0] is regularised: ... [case 'lam=1.5': J: expected 0.7, got 0.9]"``

    Examples
    --------
    >>> from minilr.exercises.judging.diagnose import diagnosis_line
    >>> diagnosis_line("sum_instead_of_mean", "Divide by m.", "lam=0", "J: expected 0.7, got 7")
    "sum_instead_of_mean: Divide by m. [case 'lam=0': J: expected 0.7, got 7]"
    """
    where = f"case '{case}'" + (f": {evidence}" if evidence else "")
    return f"{key}: {message} [{where}]"


def _evidence(s, names):
    if s.call.numeric and same(s.got, s.expected):
        return f"right values, but RuntimeWarning: {', '.join(sorted(s.call.numeric))}"
    return evidence(s.got, s.expected, names)


def _unexplained(s, names):
    """Key and line for a failing case that no catalogued mistake reproduces."""
    evidence = _evidence(s, names)
    if s.got is None:
        key, what = "wrong_type", f"It returned {type(s.call.value).__name__}, not numbers."
    elif len(s.got) != len(s.expected) or any(g.shape != e.shape for g, e in zip(s.got, s.expected)):
        key, what = "wrong_shape", "It returned the wrong shape."
    elif not all(np.all(np.isfinite(g)) for g in s.got):
        kinds = ", ".join(sorted(s.call.numeric)) or "none"
        key, what = "not_finite", f"It returned NaN or infinity (RuntimeWarning: {kinds})."
    elif s.call.numeric and same(s.got, s.expected):
        key, what = "numeric_warning", "Numerical trouble."
    else:
        key, what = "wrong_value", "It disagrees with minilr's reference in a way no known mistake explains."
    return key, diagnosis_line(key, what, s.case.name, evidence)
