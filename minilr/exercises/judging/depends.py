"""A function that fails through another exercise's function: check that one first, and say so.

A correct gradient-descent step that calls the student's broken ``gradient``,
or a gradient that is wrong only because the student's own ``sigmoid`` is,
would otherwise be diagnosed as a mistake of its own (often "no known
mistake explains"). When a failing function calls another function of the
same assignment that fails its own check, the diagnosis starts with
``depends_on_broken``: fix that one first.

Who calls whom comes from the function's globals in a notebook or a course's
test file (:func:`names_called`, for :func:`~minilr.exercises.judging.runner.run_spec`),
and from the source in the class grader (each top-level function's names,
read by :mod:`~minilr.exercises.reading.extract`).
"""

import contextvars
import types
from dataclasses import replace

from .diagnose import diagnosis_line

__all__ = ["names_called", "blame", "dependency_results", "without_broken"]

# The generic keys a broken helper explains: they are dropped when it is blamed.
_UNEXPLAINED = {"wrong_value", "wrong_shape", "not_finite", "numeric_warning"}

_checking = contextvars.ContextVar("minilr_checking", default=frozenset())


def names_called(fn):
    """The global names a function's code (nested functions and lambdas included) refers to.

    Examples
    --------
    >>> from minilr.exercises.judging.depends import names_called
    >>> def gradient(theta, X, y):
    ...     return X.T @ (sigmoid(X @ theta) - y) / len(y)
    >>> sorted(names_called(gradient))
    ['T', 'len', 'sigmoid']
    """
    code = getattr(fn, "__code__", None)
    names, todo = set(), [code] if code is not None else []
    while todo:
        c = todo.pop()
        names.update(c.co_names)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return names


def blame(result, function, broken, own=None):
    """``result`` of the student's ``function``, its diagnosis led by the broken function it calls.

    Parameters
    ----------
    result : CheckResult
    function : str
        The student's name for the function checked.
    broken : dict
        ``name -> CheckResult`` of the other exercise functions it calls; only those that did
        not pass are blamed (the first one named).
    own : CheckResult, optional
        The same function checked with minilr's reference in place of the broken one: what is
        left is its own mistake (nothing if it passed). Without it (the class grader), the keys
        the broken function explains are dropped: the generic ones and those it has itself.

    Returns
    -------
    CheckResult
        Unchanged if it passed or calls no failing exercise function.

    Examples
    --------
    >>> from minilr.exercises.judging.depends import blame
    >>> from minilr.exercises.judging.runner import CheckResult
    >>> mine = CheckResult("gradient", False, "wrong_value: off", ("wrong_value",), "small", 1.0, 3)
    >>> theirs = CheckResult("sigmoid", False, "sign: wrong sign", ("sign",), "small", 1.0, 3)
    >>> blamed = blame(mine, "gradient", {"sigmoid": theirs})
    >>> blamed.mistakes
    ('depends_on_broken',)
    >>> blame(mine, "gradient", {}) is mine
    True
    """
    failing = {n: r for n, r in broken.items() if n != function and not r.passed}
    if result.passed or not failing:
        return result
    other, theirs = next(iter(failing.items()))
    what = ", ".join(k for k in theirs.mistakes if k != "depends_on_broken") or "through what it calls"
    line = diagnosis_line("depends_on_broken", f"It calls your `{other}`, which fails its own check ({what}): "
                          f"fix `{other}` first, then check `{function}` again.", result.worst_case or "all")
    fragile = result.fragile
    if own is not None:
        keys, lines = ([], []) if own.passed else (list(own.mistakes), own.diagnosis.splitlines())
        if len(lines) == 1 and not lines[0].startswith(f"{own.mistake}: "):  # a check that stopped early
            lines = [f"{own.mistake}: {lines[0]}"]
        fragile = own.fragile if not own.passed else fragile
    else:
        inherited = set(_UNEXPLAINED) | set(theirs.mistakes)
        keys = [k for k in result.mistakes if k not in inherited]
        lines = [x for x in result.diagnosis.splitlines() if x.split(":")[0] in keys]
    return replace(result, mistakes=("depends_on_broken", *keys), diagnosis="\n".join([line, *lines]),
                   fragile=fragile)


def dependency_results(fn, profile, check):
    """The profile's exercise functions ``fn`` calls through its globals, checked.

    Parameters
    ----------
    fn : callable
    profile : Profile
    check : callable
        ``check(exercise, function) -> (CheckResult, reference or None)``: one exercise of the
        profile checked, and minilr's reference in the student's signature.

    Returns
    -------
    found : dict
        ``name -> CheckResult`` of each exercise function ``fn`` calls.
    references : dict
        ``name -> reference`` for those that failed, to check ``fn`` without them (:func:`without_broken`).

    Examples
    --------
    A function calling nothing of the profile's has no dependencies to check:

    >>> from types import SimpleNamespace
    >>> from minilr.exercises.judging.depends import dependency_results
    >>> profile = SimpleNamespace(exercises=[SimpleNamespace(functions=("sigmoid",))])
    >>> def cost(theta):
    ...     return float(theta.sum())
    >>> dependency_results(cost, profile, check=None)
    ({}, {})
    """
    own_name = getattr(fn, "__name__", "")
    found, references = {}, {}
    space = getattr(fn, "__globals__", {})
    active = _checking.get()
    for name in sorted(names_called(fn) - {own_name} - active):
        other = space.get(name)
        exercise = next((e for e in profile.exercises if name in e.functions), None)
        if exercise is None or not callable(other):
            continue
        token = _checking.set(active | {own_name, name})
        try:
            found[name], reference = check(exercise, other)
        finally:
            _checking.reset(token)
        if not found[name].passed and reference is not None:
            references[name] = reference
    return found, references


def without_broken(fn, references):
    """``fn`` with minilr's references in place of the broken functions it calls (None if impossible).

    Examples
    --------
    >>> from minilr.exercises.judging.depends import without_broken
    >>> def double(x):
    ...     return 2 * helper(x)
    >>> fixed = without_broken(double, {"helper": abs})
    >>> fixed(-3)
    6
    >>> without_broken(double, {}) is None
    True
    """
    if not references or not isinstance(fn, types.FunctionType):
        return None
    return types.FunctionType(fn.__code__, {**fn.__globals__, **references}, fn.__name__, fn.__defaults__,
                              fn.__closure__)
