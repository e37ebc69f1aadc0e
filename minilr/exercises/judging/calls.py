"""Calling a student's function in the grader's own process: a time limit, copies, warnings recorded.

:func:`call_with_limits` is what the in-process checkers use (a notebook's
``check_cost(cost)``); the batch grader records the same :class:`Call` in
the student's own process instead.
"""

import copy
import os
import threading
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["Call", "call_with_limits", "call_quietly", "changed_arguments"]


@dataclass(frozen=True)
class Call:
    """What happened when a function was called on one case.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import Call
    >>> call = Call(value=1.5)
    >>> call.value, call.error, call.timed_out, call.mutated
    (1.5, None, False, ())
    """

    value: object = None
    error: BaseException = None
    where: str = ""
    timed_out: bool = False
    warnings: tuple = ()
    numeric: frozenset = frozenset()  # kinds of RuntimeWarning: "overflow", "divide by zero", ...
    seconds: float = 0.0
    mutated: tuple = ()  # positions of the array arguments the function changed in place


def changed_arguments(before, after):
    """Positions of the array arguments whose shape or values differ after a call.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import changed_arguments
    >>> before = (np.zeros(2), np.ones(2), 3)
    >>> after = (np.zeros(2), np.array([1.0, 2.0]), 4)
    >>> changed_arguments(before, after)
    (1,)
    """
    changed = []
    for i, (b, a) in enumerate(zip(before, after)):
        if isinstance(b, np.ndarray) and isinstance(a, np.ndarray):
            if b.shape != a.shape or not np.array_equal(b, a, equal_nan=True):
                changed.append(i)
    return tuple(changed)


def _numeric_kinds(caught):
    """NumPy's floating-point warnings among ``caught``: ``{"overflow", "divide by zero", ...}``."""
    messages = (str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))
    # NumPy words them "overflow encountered in exp", "invalid value encountered in divide", ...
    return frozenset(m.split(" encountered")[0] for m in messages if " encountered" in m)


def _where(exc):
    """``file:line`` where an exception left the student's code (not NumPy's, not ours)."""
    library = (os.path.dirname(np.__file__), os.path.dirname(__file__))
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(library)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""


def call_with_limits(fn, args, timeout=10.0):
    """Call ``fn(*args)`` in a daemon thread, recording instead of raising.

    Parameters
    ----------
    fn : callable
    args : tuple
        Deep-copied first, so that ``fn`` cannot modify the caller's arrays;
        the copies are compared with the originals afterwards
        (``Call.mutated``).
    timeout : float, default=10.0
        Seconds to wait. A function still running then is abandoned (it is a
        daemon thread, so it does not keep Python alive).

    Returns
    -------
    Call
        The value, or the exception and where it was raised, or
        ``timed_out=True``; plus the warnings emitted meanwhile.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import call_with_limits
    >>> def double_in_place(x):
    ...     x *= 2
    ...     return x.sum()
    >>> x = np.ones(3)
    >>> call = call_with_limits(double_in_place, (x,), timeout=5.0)
    >>> float(call.value), call.mutated, call.timed_out, x.tolist()
    (6.0, (0,), False, [1.0, 1.0, 1.0])
    >>> call = call_with_limits(np.log, (np.array([0.0]),))
    >>> sorted(call.numeric)
    ['divide by zero']
    """
    original, args = args, copy.deepcopy(args)
    outcome = {}

    def target():
        try:
            # Numerical trouble must show as warnings whatever the caller's np.seterr.
            with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                outcome["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from a student is a result too
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="minilr-student-call")
    start = time.perf_counter()
    # catch_warnings is process-wide: warnings from the student's thread land here.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread.start()
        thread.join(timeout)
    seconds = time.perf_counter() - start
    if thread.is_alive():
        return Call(timed_out=True, seconds=seconds)
    texts = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    numeric = _numeric_kinds(caught)
    error = outcome.get("error")
    return Call(
        value=outcome.get("value"),
        error=error,
        where=_where(error) if error is not None else "",
        warnings=texts,
        numeric=numeric,
        seconds=seconds,
        mutated=changed_arguments(original, args),
    )


def call_quietly(fn, args):
    """Run one of our own variants: value (or None if it raised) and numeric warning kinds.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import call_quietly
    >>> value, numeric = call_quietly(np.exp, (np.array([1000.0]),))
    >>> value.tolist(), sorted(numeric)
    ([inf], ['overflow'])
    >>> call_quietly(np.linalg.inv, (np.ones((2, 3)),))[0] is None
    True
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                value = fn(*copy.deepcopy(args))
            except (ValueError, IndexError, FloatingPointError):
                value = None  # this variant does not apply to this case (e.g. needs a square X)
    return value, _numeric_kinds(caught)


# ------------------------------------------------------------------ the check
