"""Comparing outputs: a student's returned values as float arrays, equal or not to the reference's.

Both the in-process checkers and the batch grader (whose students' values come
back from their own processes as plain lists of floats) compare here, so one
rule decides what counts as equal.
"""

import numpy as np

__all__ = ["RTOL", "ATOL", "as_arrays", "same", "error_between", "evidence", "shapes", "all_finite"]

# Outputs this close to the reference (or to a wrong variant) count as equal.
RTOL, ATOL = 1e-5, 1e-6


def as_arrays(value, like=None):
    """An output as a tuple of float arrays (one per returned array), or None if not numbers.

    With ``like`` (the reference's output), a list is one array unless
    several arrays are expected, and a one-element array where a scalar is
    expected (a cost returned as ``array([J])``) becomes a scalar.

    Examples
    --------
    >>> from minilr.exercises.judging.compare import as_arrays
    >>> [a.shape for a in as_arrays(([1, 2], 3.0))]
    [(2,), ()]
    >>> as_arrays([0.5], like=(np.float64(0.5),))[0].shape
    ()
    >>> as_arrays("abc") is None
    True
    """
    several = like is None or len(like) > 1
    parts = value if several and isinstance(value, (tuple, list)) else (value,)
    try:
        arrays = tuple(np.asarray(p, dtype=np.float64) for p in parts)
    except (TypeError, ValueError):
        return None
    if like is not None and len(like) == len(arrays):
        arrays = tuple(a.reshape(()) if r.ndim == 0 and a.size == 1 else a for a, r in zip(arrays, like))
    return arrays


def same(a, b):
    """True if two outputs (tuples of arrays) agree: shapes, where they blow up, and values.

    Examples
    --------
    >>> from minilr.exercises.judging.compare import same
    >>> same((np.array([1.0, np.inf]),), (np.array([1.0, np.nan]),))
    True
    >>> same((np.array([1.0, 2.0]),), (np.array([1.0, 2.1]),))
    False
    """
    if a is None or b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x.shape != y.shape:
            return False
        fx, fy = np.isfinite(x), np.isfinite(y)
        # inf and NaN are the same failure to a student: the computation blew up.
        if not np.array_equal(fx, fy) or not np.allclose(x[fx], y[fy], rtol=RTOL, atol=ATOL):
            return False
    return True


def error_between(got, expected):
    """Largest absolute difference, or ``inf`` for a mismatch of shape or finiteness.

    Examples
    --------
    >>> from minilr.exercises.judging.compare import error_between
    >>> error_between((np.array([1.0, 2.5]),), (np.array([1.0, 2.0]),))
    0.5
    >>> error_between((np.zeros(3),), (np.zeros(2),))
    inf
    """
    if got is None or len(got) != len(expected):
        return np.inf
    worst = 0.0
    for x, y in zip(got, expected):
        if x.shape != y.shape or not np.all(np.isfinite(x)):
            return np.inf
        worst = max(worst, float(np.max(np.abs(x - y), initial=0.0)))
    return worst


def evidence(got, expected, names):
    """Where an output differs most from the reference, in a few words.

    ``"grad[2]: expected 0.1223, got -0.4033"``, or the shapes when they differ.

    Examples
    --------
    >>> from minilr.exercises.judging.compare import evidence
    >>> evidence((np.array([0.0, 0.5]),), (np.array([0.0, 0.25]),), ["grad"])
    'grad[1]: expected 0.25, got 0.5'
    >>> evidence((np.zeros(3),), (np.zeros(2),), ["grad"])
    'shape (3,) instead of (2,)'
    """
    if got is None:
        return "not numbers"
    if len(got) != len(expected) or any(g.shape != e.shape for g, e in zip(got, expected)):
        return f"shape {shapes(got)} instead of {shapes(expected)}"
    best = None
    for name, g, e in zip(names, got, expected):
        gap = np.where(np.isfinite(g), np.abs(g - e), np.inf)
        if gap.size and (best is None or gap.max() > best[0]):
            index = np.unravel_index(np.argmax(gap), gap.shape)
            at = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
            best = (gap.max(), name + at, e[index], g[index])
    if best is None or best[0] <= ATOL:
        return "values right"
    _, where, e, g = best
    return f"{where}: expected {e:.4g}, got {g:.4g}"


def shapes(arrays):
    """``(5,)`` or ``((3, 4), (4,))``: the shape(s) of an output.

    Examples
    --------
    >>> from minilr.exercises.judging.compare import shapes
    >>> shapes((np.zeros(5),))
    '(5,)'
    >>> shapes((np.zeros((3, 4)), np.zeros(4)))
    '((3, 4), (4,))'
    """
    if arrays is None:
        return "?"
    return str(arrays[0].shape) if len(arrays) == 1 else str(tuple(a.shape for a in arrays))



def all_finite(arrays):
    """True if every value of every array is finite (None counts as not finite).

    Examples
    --------
    >>> from minilr.exercises.judging.compare import all_finite
    >>> all_finite((np.ones(2), np.array([1.0, np.inf])))
    False
    >>> all_finite(None)
    False
    """
    return arrays is not None and all(np.all(np.isfinite(a)) for a in arrays)
