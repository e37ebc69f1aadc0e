r"""The result of a check, and the machinery that runs a student's function safely.

A checker never lets the student's function take it down: the function runs
in a daemon thread with a time limit, on copies of the inputs, with its
exceptions and warnings recorded instead of propagated. The checker then
compares what came back with minilr's reference and, when they disagree,
with each deliberately wrong variant of the catalogue
(:mod:`minilr.exercises.judging.mistakes`): the variant that reproduces the
student's output names the mistake.

Two outcomes besides pass and fail: a function whose values are right on
every ordinary case but which overflows (or returns NaN) on the extreme
cases (``|z| = 1000``) is *fragile* (``CheckResult.fragile``), which a
course may accept (:func:`assert_passes` with ``strict=False``); a function
that changes its inputs in place fails with ``mutates_input``, since the
checker passes arrays it inspects afterwards.
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from .catalogue import NP_MATRIX
from .calls import Call, call_quietly, call_with_limits, changed_arguments  # noqa: F401
from .compare import ATOL, RTOL, all_finite, as_arrays, error_between, evidence, same, shapes  # noqa: F401
from .depends import blame, without_broken
from .diagnose import diagnose, diagnosis_line, error_name

__all__ = ["CheckResult", "Case", "Call", "Spec", "call_with_limits", "call_failure", "run_check",
           "run_spec"]


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
    fragile : bool
        True when the values were right on every ordinary case and only the
        extreme cases failed, by overflowing or returning NaN or inf (the
        textbook ``1 / (1 + np.exp(-z))``). ``passed`` is False then.
    strict : bool
        Whether the profile it was checked under scores a fragile answer as a
        failure (minilr's own checks do; the course profiles do not). The text
        and the notebook's badge both say ``FRAGILE`` and how it is scored.

    Examples
    --------
    >>> import numpy as np
    >>> import minilr
    >>> from minilr.exercises import check_sigmoid
    >>> result = check_sigmoid(minilr.sigmoid)
    >>> bool(result), result.n_cases
    (True, 3)
    >>> print(result)
    PASS sigmoid: all 3 cases agree with minilr's reference.

    The blackboard sigmoid has the right values but overflows at ``|z| = 1000``:

    >>> result = check_sigmoid(lambda z: 1 / (1 + np.exp(-z)))
    >>> result.passed, result.fragile, result.mistake, result.worst_case
    (False, True, 'unstable_sigmoid', 'z from -1000 to 1000')
    """

    exercise: str
    passed: bool
    diagnosis: str
    mistakes: tuple = ()
    worst_case: str = None
    worst_error: float = 0.0
    n_cases: int = 0
    warnings: tuple = field(default=())
    fragile: bool = False
    strict: bool = True

    def __bool__(self):
        return self.passed

    @property
    def mistake(self):
        """The first diagnosed mistake's key, or None."""
        return self.mistakes[0] if self.mistakes else None

    @property
    def verdict(self):
        """``"pass"``, ``"fragile"`` or ``"fail"``: what the text and the badge both say."""
        return "pass" if self.passed else "fragile" if self.fragile else "fail"

    @property
    def scored(self):
        """How a fragile answer is scored under its profile ("" for any other)."""
        if not self.fragile or self.passed:
            return ""
        return "fragile, scored as a failure in this profile" if self.strict else "fragile, full points in this profile"

    def __str__(self):
        if self.passed:
            return f"PASS {self.exercise}: {self.diagnosis}"
        head = f"{self.verdict.upper()} {self.exercise} [{', '.join(self.mistakes)}]"
        head += f" ({self.scored}):" if self.scored else ":"
        lines = self.diagnosis.splitlines()
        if len(lines) == 1 and not self.diagnosis.startswith(f"{self.mistake}: "):
            return f"{head} {self.diagnosis}"  # a check that stopped early: one sentence
        return "\n".join([head, *("  " + line for line in lines)])  # one diagnosis per line

    def _repr_pretty_(self, printer, cycle):
        # What a terminal IPython shows for a result on the last line of a cell.
        printer.text(str(self))

    def _repr_html_(self):
        """What Jupyter shows: a verdict badge, the mistake keys, the diagnosis and the case."""
        from ...display import check_result_html

        return check_result_html(self)


@dataclass(frozen=True)
class Case:
    """One set of arguments the student's function is called with.

    Attributes
    ----------
    name : str
        Shown in diagnoses, e.g. ``"random data, lam=1.5"``.
    args : tuple
        Positional arguments for the student's function (and the reference).
    extreme : bool
        True for the cases of extreme inputs (``|z| = 1000``), where only a
        numerically careful function stays finite and quiet: failing only
        there makes a function fragile rather than wrong.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.exercises.judging.runner import Case
    >>> case = Case("large |z|", (np.array([-1000.0, 1000.0]),), extreme=True)
    >>> case.name, case.args[0].tolist(), case.extreme
    ('large |z|', [-1000.0, 1000.0], True)
    """

    name: str
    args: tuple
    extreme: bool = False


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


def _stop(exercise, key, diagnosis, case, n_cases, warnings_=()):
    return CheckResult(exercise, False, diagnosis, (key,), case.name, np.inf, n_cases, tuple(warnings_))


def call_failure(exercise, call, case, n_cases, timeout, emitted=(), *, raised=False):
    """The failed result when a call timed out, was not implemented or returned None (else None).

    With ``raised=True``, an exception the function raised stops the check too.

    Examples
    --------
    >>> from minilr.exercises.judging.calls import Call
    >>> from minilr.exercises.judging.runner import Case, call_failure
    >>> case = Case("small", ())
    >>> result = call_failure("cost", Call(value=None), case, 3, 10.0)
    >>> result.mistakes, result.diagnosis
    (('returned_none',), "returned None on case 'small': not implemented yet, or a missing `return`.")
    >>> print(call_failure("cost", Call(value=0.69), case, 3, 10.0))
    None
    """
    if call.timed_out:
        return _stop(exercise, "timeout", f"no answer within {timeout:g} s on case '{case.name}' "
                     "(an endless loop? a loop over samples that should be vectorised?).", case, n_cases, emitted)
    if error_name(call) == "NotImplementedError":
        return _stop(exercise, "not_implemented", "not implemented yet (it raised "
                     f"NotImplementedError: {call.error}).", case, n_cases, emitted)
    if raised and call.error is not None:
        return _stop(exercise, "raised", f"It raised {error_name(call)}: {call.error} [case '{case.name}', "
                     f"at {call.where}].", case, n_cases, emitted)
    if call.error is None and call.value is None:
        return _stop(exercise, "returned_none", f"returned None on case '{case.name}': not "
                     "implemented yet, or a missing `return`.", case, n_cases, emitted)
    return None


def run_check(exercise, fn, cases, reference, mistakes, timeout=10.0, options=None, names=("output",),
              *, calls=None, arg_names=None, may_change_inputs=False):
    """Run ``fn`` on every case, compare with ``reference``, diagnose with ``mistakes``.

    Parameters
    ----------
    exercise : str
        Name used in the result.
    fn : callable or None
        The student's function (None when ``calls`` are given).
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
    calls : list of Call, optional
        What ``fn`` did on each case, already recorded elsewhere (in the
        student's own process by the batch grader); the first ones only if
        it stopped early. ``fn`` is not called then.
    arg_names : tuple of str, optional
        The arguments' names, for the ``mutates_input`` diagnosis.
    may_change_inputs : bool, default=False
        If False, a function that changes an input array in place fails.

    Returns
    -------
    CheckResult

    Examples
    --------
    A made-up exercise, ``double``, with one catalogued mistake:

    >>> import numpy as np
    >>> from minilr.exercises.judging.catalogue import Mistake
    >>> from minilr.exercises.judging.runner import Case, run_check
    >>> cases = [Case("small", (np.array([1.0, 2.0]),)), Case("negative", (np.array([-3.0, 0.5]),))]
    >>> squared = Mistake("squared", "double", "It squares x; double it: `2 * x`.", lambda x: x ** 2)
    >>> print(run_check("double", lambda x: x ** 2, cases, lambda x: 2 * x, [squared]))
    FAIL double [squared]:
      squared: It squares x; double it: `2 * x`. [case 'small': output[0]: expected 2, got 1]
    >>> result = run_check("double", lambda x: 3 * x, cases, lambda x: 2 * x, [squared])
    >>> result.mistakes, result.worst_case, result.worst_error
    (('wrong_value',), 'negative', 3.0)
    """
    options = options or {}
    n = len(cases)
    if calls is None and not callable(fn):
        return CheckResult(exercise, False, f"expected a function, got {type(fn).__name__}.",
                           ("not_a_function",), None, np.inf, n)
    seen, emitted = [], []
    for i, case in enumerate(cases):
        if calls is None:
            call = call_with_limits(fn, case.args, timeout)
        else:
            call = calls[i] if i < len(calls) else Call(timed_out=True)
        emitted.extend(w for w in call.warnings if w not in emitted)
        stopped = call_failure(exercise, call, case, n, timeout, emitted)
        if stopped is not None:
            return stopped
        expected = as_arrays(reference(*copy.deepcopy(case.args)))
        got = as_arrays(call.value, like=expected) if call.error is None else None
        seen.append(_Seen(case, call, got, expected))
    changed = [] if may_change_inputs else [s for s in seen if s.call.mutated]
    if all(s.ok for s in seen) and not changed:
        note = f"all {n} cases agree with minilr's reference."
        if emitted:
            note += f" It emitted warnings: {'; '.join(emitted[:3])}."
        return CheckResult(exercise, True, note, (), None, 0.0, n, tuple(emitted))
    failing = [s for s in seen if not s.ok]
    ordinary = [s for s in failing if not s.case.extreme]
    # Next to a real mistake (or a changed input), an extreme case no known mistake explains is noise.
    keys, lines = diagnose(failing, mistakes, options, names, quiet_extremes=bool(ordinary or changed))
    if changed:  # first when the values are right; after the mistake that explains wrong values
        at = len(keys) if keys else 0
        keys.insert(at, "mutates_input")
        lines.insert(at, _mutation_line(changed[0], arg_names))
    matrix = next((s for s in seen if _holds_matrix(s.call.value)), None)
    if matrix is not None and not matrix.ok:  # its 2-D shape explains the shape keys: one cause, one key
        keys[:] = ["np_matrix", *(k for k in keys if k not in ("wrong_shape", "gradient_as_column"))]
        lines[:] = [diagnosis_line("np_matrix", NP_MATRIX, matrix.case.name),
                    *(x for x in lines if x.split(":")[0] in keys)]
    worst = max(failing, key=lambda s: s.error) if failing else changed[0]
    fragile = not changed and not ordinary and _fragile(seen)
    if fragile:
        lines.insert(0, "Right values on every ordinary case, but not at the extreme inputs:")
    return CheckResult(exercise, False, "\n".join(lines), tuple(dict.fromkeys(keys)), worst.case.name,
                       worst.error, n, tuple(emitted), fragile)


def _holds_matrix(value):
    """Did the student return an np.matrix (or a tuple holding one)?"""
    parts = value if isinstance(value, tuple) else (value,)
    return any(isinstance(p, np.matrix) for p in parts)


def _fragile(seen):
    """Right on every ordinary case; on the extreme ones, numerical warnings or NaN/inf only."""
    for s in seen:
        if s.ok:
            continue
        if not s.case.extreme or s.call.error is not None or s.got is None:
            return False
        if not (s.call.numeric or not all_finite(s.got)):
            return False
    return True


def _mutation_line(s, arg_names):
    i = s.call.mutated[0]
    name = f"`{arg_names[i]}`" if arg_names and i < len(arg_names) else f"argument {i + 1}"
    return diagnosis_line("mutates_input", f"It changes its input {name} in place (`theta -= ...`, or "
                          "`temp = theta; temp[0] = 0`, which changes theta too): the caller's array is "
                          "no longer the one it passed; work on a copy (`theta = theta - ...`, "
                          "`temp = theta.copy()`).", s.case.name)


# Filled in by minilr.exercises.judging.profiles, which knows the assignments and imports this module (never the
# reverse): ``DEPENDENCIES["lookup"](fn, profile, timeout) -> (found, references)``, the exercise functions
# ``fn`` calls, checked (:func:`minilr.exercises.judging.depends.dependency_results`).
DEPENDENCIES = {}


@dataclass(frozen=True)
class Spec:
    """Everything a check needs except the student's function: cases, reference, mistakes.

    Built by the checkers' ``*_spec`` functions and by
    :func:`minilr.exercises.judging.profiles.spec_for`; run with :func:`run_spec`.
    ``judge(spec, calls) -> CheckResult``, when given, replaces the
    comparison with the reference (for exercises with no single right
    output, such as a random initialisation or a trained classifier).

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.exercises.judging.runner import Case, Spec, run_spec
    >>> cases = (Case("small", (np.array([1.0, 2.0]),)), Case("zero", (np.zeros(3),)))
    >>> spec = Spec("double", cases, reference=lambda x: 2 * x)
    >>> print(run_spec(spec, lambda x: x + x))
    PASS double: all 2 cases agree with minilr's reference.
    """

    exercise: str
    cases: tuple
    reference: object = None
    mistakes: tuple = ()
    options: dict = field(default_factory=dict)
    names: tuple = ("output",)
    arg_names: tuple = ()
    may_change_inputs: bool = False
    judge: object = None
    n_outputs: int = 1
    finish: object = None  # ``finish(result) -> CheckResult``: a checker's last word (what form was expected)


def run_spec(spec, fn=None, *, calls=None, timeout=10.0, profile="minilr"):
    """Check ``fn`` (or the ``calls`` already recorded for it) against ``spec``.

    When ``fn`` fails and calls, through its globals, another of ``profile``'s exercise functions
    that fails its own check, the diagnosis starts with ``depends_on_broken``
    (:mod:`minilr.exercises.judging.depends`).

    Returns
    -------
    CheckResult

    Examples
    --------
    The cases and the reference of one of minilr's own checks:

    >>> import numpy as np
    >>> import minilr
    >>> from minilr.exercises.judging.checkers import SPECS
    >>> spec = SPECS["sigmoid"]()
    >>> run_spec(spec, minilr.sigmoid).passed
    True
    >>> run_spec(spec, lambda z: 1 / (1 + np.exp(z))).mistakes
    ('sign_flipped',)
    """
    if spec.judge is not None:
        if calls is None:
            calls = [call_with_limits(fn, case.args, timeout) for case in spec.cases]
        result = spec.judge(spec, calls, timeout)
    else:
        result = run_check(spec.exercise, fn, list(spec.cases), spec.reference, list(spec.mistakes), timeout,
                           spec.options, spec.names, calls=calls, arg_names=spec.arg_names,
                           may_change_inputs=spec.may_change_inputs)
    if spec.finish is not None:
        result = spec.finish(result)
    lookup = DEPENDENCIES.get("lookup")
    if result.passed or fn is None or profile is None or lookup is None:
        return result
    found, references = lookup(fn, profile, timeout)
    fixed = without_broken(fn, references)
    own = run_spec(spec, fixed, timeout=timeout, profile=None) if fixed is not None else None
    return blame(result, getattr(fn, "__name__", "?"), found, own)


