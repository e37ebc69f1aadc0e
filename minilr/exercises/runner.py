r"""The result of a check, and the machinery that runs a student's function safely.

A checker never lets the student's function take it down: the function runs
in a daemon thread with a time limit, on copies of the inputs, with its
exceptions and warnings recorded instead of propagated. The checker then
compares what came back with minilr's reference and, when they disagree,
with each deliberately wrong variant of the catalogue
(:mod:`minilr.exercises.mistakes`): the variant that reproduces the
student's output names the mistake.
"""

import copy
import os
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

__all__ = ["CheckResult", "Case", "Call", "call_with_limits", "run_check", "assert_passes"]

# Outputs this close to the reference (or to a wrong variant) count as equal.
RTOL, ATOL = 1e-5, 1e-6


@dataclass(frozen=True)
class CheckResult:
    """What a checker found about one student function.

    A result is truthy when the function passed, so ``assert check_cost(cost)``
    works; :func:`assert_passes` gives a better failure message.

    Attributes
    ----------
    exercise : str
        ``"sigmoid"``, ``"cost"``, ``"gradient"``, ...
    passed : bool
        True when every case agreed with minilr's reference, without
        numerical warnings.
    diagnosis : str
        What is wrong, in words a student can act on (or a one-line summary
        when it passed).
    mistakes : tuple of str
        Keys of the diagnosed mistakes, e.g. ``("bias_regularized",)``;
        empty when it passed. See :data:`minilr.exercises.MISTAKE_KEYS`.
    worst_case : str or None
        Name of the case that disagreed most.
    worst_error : float
        Largest absolute difference from the reference on that case
        (``inf`` for a wrong shape, NaN, an exception or a time-out).
    n_cases : int
        Number of cases the function was run on.
    warnings : tuple of str
        Warnings the function emitted, as ``"Category: message"``.
    """

    exercise: str
    passed: bool
    diagnosis: str
    mistakes: tuple = ()
    worst_case: str = None
    worst_error: float = 0.0
    n_cases: int = 0
    warnings: tuple = field(default=())

    def __bool__(self):
        return self.passed

    @property
    def mistake(self):
        """The first diagnosed mistake's key, or None."""
        return self.mistakes[0] if self.mistakes else None

    def __str__(self):
        if self.passed:
            return f"PASS {self.exercise}: {self.diagnosis}"
        return f"FAIL {self.exercise} [{', '.join(self.mistakes)}]: {self.diagnosis}"

    def _repr_pretty_(self, printer, cycle):
        # What a notebook shows for a result on the last line of a cell.
        printer.text(str(self))


def assert_passes(result):
    """Fail (``AssertionError``) with the diagnosis unless ``result`` passed.

    Parameters
    ----------
    result : CheckResult

    Raises
    ------
    AssertionError
        Its message is ``str(result)``: the exercise, the mistake keys and
        the diagnosis.
    """
    __tracebackhide__ = True  # pytest shows the student's diagnosis, not this frame
    if not result.passed:
        raise AssertionError(str(result))
    return result


@dataclass(frozen=True)
class Case:
    """One set of arguments the student's function is called with.

    Attributes
    ----------
    name : str
        Shown in diagnoses, e.g. ``"random data, lam=1.5"``.
    args : tuple
        Positional arguments for the student's function (and the reference).
    """

    name: str
    args: tuple


@dataclass(frozen=True)
class Call:
    """What happened when a function was called on one case."""

    value: object = None
    error: BaseException = None
    where: str = ""
    timed_out: bool = False
    warnings: tuple = ()
    numeric: frozenset = frozenset()  # kinds of RuntimeWarning: "overflow", "divide by zero", ...
    seconds: float = 0.0


def _numeric_kinds(caught):
    """NumPy's floating-point warnings among ``caught``: ``{"overflow", "divide by zero", ...}``."""
    messages = (str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))
    # NumPy words them "overflow encountered in exp", "invalid value encountered in divide", ...
    return frozenset(m.split(" encountered")[0] for m in messages if " encountered" in m)


def _where(exc):
    """``file:line`` where an exception left the student's code (not NumPy's, not ours)."""
    library = (os.path.dirname(np.__file__), __file__)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(library)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""


def call_with_limits(fn, args, timeout=10.0):
    """Call ``fn(*args)`` in a daemon thread, recording instead of raising.

    Parameters
    ----------
    fn : callable
    args : tuple
        Deep-copied first, so that ``fn`` cannot modify the caller's arrays.
    timeout : float, default=10.0
        Seconds to wait. A function still running then is abandoned (it is a
        daemon thread, so it does not keep Python alive).

    Returns
    -------
    Call
        The value, or the exception and where it was raised, or
        ``timed_out=True``; plus the warnings emitted meanwhile.
    """
    args = copy.deepcopy(args)
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
    )


def call_quietly(fn, args):
    """Run one of our own variants: value (or None if it raised) and numeric warning kinds."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                value = fn(*copy.deepcopy(args))
            except (ValueError, IndexError, FloatingPointError):
                value = None  # this variant does not apply to this case (e.g. needs a square X)
    return value, _numeric_kinds(caught)


# ------------------------------------------------------------------ comparing
def as_arrays(value, like=None):
    """An output as a tuple of float arrays (one per returned array), or None if not numbers.

    With ``like`` (the reference's output), a list is one array unless
    several arrays are expected, and a one-element array where a scalar is
    expected (a cost returned as ``array([J])``) becomes a scalar.
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
    """True if two outputs (tuples of arrays) agree: shapes, where they blow up, and values."""
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
    """Largest absolute difference, or ``inf`` for a mismatch of shape or finiteness."""
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
    """``(5,)`` or ``((3, 4), (4,))``: the shape(s) of an output."""
    if arrays is None:
        return "?"
    return str(arrays[0].shape) if len(arrays) == 1 else str(tuple(a.shape for a in arrays))


# ------------------------------------------------------------------ the check
@dataclass
class _Seen:
    """One case as the checker saw it: the student's call, output and the reference's."""

    case: Case
    call: Call
    got: tuple
    expected: tuple

    @property
    def ok(self):
        return self.call.error is None and not self.call.numeric and same(self.got, self.expected)

    @property
    def error(self):
        return error_between(self.got, self.expected)


def _explains(mistake, seen, options):
    """Does this wrong variant reproduce what the student returned on this case?"""
    raw, kinds = call_quietly(lambda *a: mistake.variant(*a, **options), seen.case.args)
    variant = as_arrays(raw, like=seen.expected) if raw is not None else None
    if variant is None or not same(seen.got, variant):
        return False
    if same(variant, seen.expected):
        # The variant's values are right; its mistake is numerical (warnings) only.
        return bool(kinds & seen.call.numeric)
    return True


def _stop(exercise, key, diagnosis, case, n_cases, warnings_=()):
    return CheckResult(exercise, False, diagnosis, (key,), case.name, np.inf, n_cases, tuple(warnings_))


def run_check(exercise, fn, cases, reference, mistakes, timeout=10.0, options=None, names=("output",)):
    """Run ``fn`` on every case, compare with ``reference``, diagnose with ``mistakes``.

    Parameters
    ----------
    exercise : str
        Name used in the result.
    fn : callable
        The student's function.
    cases : list of Case
    reference : callable
        minilr's correct implementation, same signature as ``fn``.
    mistakes : list of Mistake
        Wrong variants to try, in order of preference when several fit.
    timeout : float, default=10.0
        Seconds allowed for each call of ``fn``.
    options : dict, optional
        Keyword arguments passed to every variant (e.g. ``first_label``).
    names : tuple of str, default=("output",)
        Names of the returned arrays, for the diagnosis (``("dW1", "db1", ...)``).

    Returns
    -------
    CheckResult
    """
    options = options or {}
    n = len(cases)
    if not callable(fn):
        return CheckResult(exercise, False, f"expected a function, got {type(fn).__name__}.",
                           ("not_a_function",), None, np.inf, n)
    seen, emitted = [], []
    for case in cases:
        call = call_with_limits(fn, case.args, timeout)
        emitted.extend(w for w in call.warnings if w not in emitted)
        if call.timed_out:
            return _stop(exercise, "timeout", f"no answer within {timeout:g} s on case '{case.name}' "
                         "(an endless loop? a loop over samples that should be vectorised?).", case, n, emitted)
        if isinstance(call.error, NotImplementedError):
            return _stop(exercise, "not_implemented", "not implemented yet (it raised "
                         f"NotImplementedError: {call.error}).", case, n, emitted)
        if call.error is None and call.value is None:
            return _stop(exercise, "returned_none", f"returned None on case '{case.name}': not "
                         "implemented yet, or a missing `return`.", case, n, emitted)
        expected = as_arrays(reference(*copy.deepcopy(case.args)))
        got = as_arrays(call.value, like=expected) if call.error is None else None
        seen.append(_Seen(case, call, got, expected))
    if all(s.ok for s in seen):
        note = f"all {n} cases agree with minilr's reference."
        if emitted:
            note += f" It emitted warnings: {'; '.join(emitted[:3])}."
        return CheckResult(exercise, True, note, (), None, 0.0, n, tuple(emitted))
    worst = max((s for s in seen if not s.ok), key=lambda s: s.error)
    keys, lines = _diagnose([s for s in seen if not s.ok], mistakes, options, names)
    return CheckResult(exercise, False, " ".join(lines), tuple(keys), worst.case.name,
                       worst.error, n, tuple(emitted))


def _diagnose(failing, mistakes, options, names):
    """Keys and sentences covering the failing cases with as few catalogued mistakes as possible."""
    returned = [s for s in failing if s.call.error is None]
    explained = [{j for j, s in enumerate(returned) if _explains(mk, s, options)} for mk in mistakes]
    remaining, keys, lines = set(range(len(returned))), [], []
    while remaining:
        i = max(range(len(mistakes)), key=lambda i: len(explained[i] & remaining), default=None)
        if i is None or not explained[i] & remaining:
            break
        first = returned[min(explained[i] & remaining)]
        if mistakes[i].key not in keys:
            keys.append(mistakes[i].key)
            lines.append(f"{mistakes[i].message} [case '{first.case.name}': {_evidence(first, names)}]")
        remaining -= explained[i]
    raised = [s for s in failing if s.call.error is not None]
    if raised:
        s = raised[0]
        keys.append("raised")
        lines.append(f"It raised {type(s.call.error).__name__}: {s.call.error} [case '{s.case.name}', "
                     f"at {s.call.where}; {len(raised)} of {len(failing)} failing cases raised].")
    if remaining:  # the first case no known mistake explains is enough to start from
        key, line = _unexplained(returned[min(remaining)], names)
        keys.append(key)
        lines.append(line)
    return keys, lines


def _evidence(s, names):
    if s.call.numeric and same(s.got, s.expected):
        return f"right values, but RuntimeWarning: {', '.join(sorted(s.call.numeric))}"
    return evidence(s.got, s.expected, names)


def _unexplained(s, names):
    """Key and sentence for a failing case that no catalogued mistake reproduces."""
    where = f"[case '{s.case.name}': {_evidence(s, names)}]"
    if s.got is None:
        return "wrong_type", f"It returned {type(s.call.value).__name__}, not numbers {where}."
    if len(s.got) != len(s.expected) or any(g.shape != e.shape for g, e in zip(s.got, s.expected)):
        return "wrong_shape", f"It returned the wrong shape {where}."
    if not all(np.all(np.isfinite(g)) for g in s.got):
        kinds = ", ".join(sorted(s.call.numeric)) or "none"
        return "not_finite", f"It returned NaN or infinity (RuntimeWarning: {kinds}) {where}."
    if s.call.numeric and same(s.got, s.expected):
        return "numeric_warning", f"Numerical trouble {where}."
    return "wrong_value", f"It disagrees with minilr's reference in a way no known mistake explains {where}."
