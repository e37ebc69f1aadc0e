"""A function is judged by its own values, not by the functions it calls.

A correct gradient-descent step that calls the student's broken ``gradient``,
or a gradient that is wrong only because the student's own ``sigmoid`` is,
would otherwise be diagnosed as a mistake of its own (often "no known
mistake explains"). When a failing function calls another function of the
same assignment that *fails* its own check, the diagnosis starts with
``depends_on_broken``: fix that one first. A callee that is only *fragile*
(the textbook sigmoid, right but overflowing at ``|z| = 1000``) never makes a
right caller fail or fragile: the caller passes, and its note says where the
RuntimeWarning comes from.

Who calls whom comes from the function's globals in a notebook or a course's
test file (:func:`names_called`, for :func:`~minilr.exercises.judging.runner.run_spec`),
and from the source in the class grader (each top-level function's names,
read by :mod:`~minilr.exercises.reading.extract`).
"""

import contextvars
import types
from dataclasses import replace

from .diagnose import diagnosis_line

__all__ = ["names_called", "reachable", "blame", "dependency_results", "without_broken"]

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


def _verdict_words(theirs):
    """What a failing callee did in its own check, in words that match its verdict."""
    keys = [k for k in theirs.mistakes if k != "depends_on_broken"]
    if set(keys) <= {"raised"} and keys:
        return "which raises an error in its own check"
    if keys == ["timeout"]:
        return "which does not finish its own check (time-out)"
    if keys == ["not_implemented"]:
        return "which is not implemented yet"
    if keys == ["returned_none"]:
        return "which returns None in its own check"
    return f"which fails its own check ({', '.join(keys) or 'through what it calls'})"


def _right_but_for(result, names):
    """A passed result: the function's own values are right; the extreme inputs' trouble is its callees'."""
    yours = " and ".join(", ".join(f"your `{n}`" for n in names).rsplit(", ", 1))
    note = (f"all {result.n_cases} cases agree with minilr's reference; at the extreme inputs, the RuntimeWarning "
            f"comes from {yours}, graded on its own.")
    return replace(result, passed=True, diagnosis=note, mistakes=(), worst_case=None, worst_error=0.0,
                   fragile=False)


def reachable(fn):
    """The global names ``fn`` calls, directly (first, sorted) or through its module's functions (then, sorted).

    Examples
    --------
    >>> from minilr.exercises.judging.depends import reachable
    >>> def sigmoid(z):
    ...     return 1 / (1 + exp(-z))
    >>> def gradient(theta, X, y):
    ...     return X.T @ (sigmoid(X @ theta) - y)
    >>> def step(theta, X, y):
    ...     return theta - gradient(theta, X, y)
    >>> reachable(step)
    ['gradient', 'T', 'exp', 'sigmoid']
    """
    space, own = getattr(fn, "__globals__", {}), getattr(fn, "__name__", "")
    direct = sorted(names_called(fn) - {own})
    seen, todo, further = set(direct) | {own}, list(direct), []
    while todo:
        other = space.get(todo.pop(0))
        if isinstance(other, types.FunctionType) and other.__globals__ is space:
            new = sorted(names_called(other) - seen)
            seen.update(new)
            todo.extend(new)
            further.extend(new)
    return direct + sorted(further)


def blame(result, function, broken, own=None):
    """``result`` of the student's ``function``, judged by its own values, not by the functions it calls.

    Parameters
    ----------
    result : CheckResult
    function : str
        The student's name for the function checked.
    broken : dict
        ``name -> CheckResult`` of the other exercise functions it calls. A *fragile* one (right
        values, trouble only at the extreme inputs) never makes a right caller fail or fragile:
        the caller passes, and its note names the callee. A *failing* one leads the diagnosis
        with ``depends_on_broken`` (the first one named, in words that match its verdict).
    own : CheckResult, optional
        The same function checked with minilr's references in place of the callees that did not
        pass: what is left is its own mistake (nothing if it passed). Without it (the class
        grader), the keys the callees explain are dropped: the generic ones and their own.

    Returns
    -------
    CheckResult
        Unchanged if it passed or calls no failing or fragile exercise function.

    Examples
    --------
    >>> from minilr.exercises.judging.depends import blame
    >>> from minilr.exercises.judging.runner import CheckResult
    >>> mine = CheckResult("gradient", False, "wrong_value: off", ("wrong_value",), "small", 1.0, 3)
    >>> theirs = CheckResult("sigmoid", False, "sign_flipped: wrong sign", ("sign_flipped",), "small", 1.0, 3)
    >>> blamed = blame(mine, "gradient", {"sigmoid": theirs})
    >>> blamed.mistakes
    ('depends_on_broken',)
    >>> print(blamed.diagnosis.split(":")[1].strip())
    It calls your `sigmoid`, which fails its own check (sign_flipped)
    >>> blame(mine, "gradient", {}) is mine
    True

    A right gradient whose only trouble is the textbook sigmoid's overflow at ``|z| = 1000`` passes:

    >>> textbook = CheckResult("sigmoid", False, "...", ("unstable_sigmoid",), "z", 1.0, 3, fragile=True)
    >>> warned = CheckResult("gradient", False, "...", ("unstable_sigmoid",), "z", 0.0, 5, fragile=True)
    >>> result = blame(warned, "gradient", {"sigmoid": textbook})
    >>> result.passed, result.mistakes
    (True, ())
    """
    others = {n: r for n, r in broken.items() if n != function and not r.passed}
    failing = {n: r for n, r in others.items() if not r.fragile}
    if result.passed or not others:
        return result
    if not failing:
        if own is not None:
            return _right_but_for(own, list(others)) if own.passed else own
        inherited = set().union(*(r.mistakes for r in others.values()))
        if result.fragile:  # trouble at the extreme inputs only, where the callees' trouble is
            inherited |= _UNEXPLAINED
        keys = [k for k in result.mistakes if k not in inherited]
        if not keys:
            return _right_but_for(result, list(others)) if result.fragile else result
        lines = [x for x in result.diagnosis.splitlines() if x.split(":")[0] not in inherited]
        return replace(result, mistakes=tuple(keys), diagnosis="\n".join(lines))
    other, theirs = next(iter(failing.items()))
    line = diagnosis_line("depends_on_broken", f"It calls your `{other}`, {_verdict_words(theirs)}: "
                          f"fix `{other}` first, then check `{function}` again.", result.worst_case or "all")
    fragile = result.fragile
    if own is not None:
        keys, lines = ([], []) if own.passed else (list(own.mistakes), own.diagnosis.splitlines())
        if len(lines) == 1 and not lines[0].startswith(f"{own.mistake}: "):  # a check that stopped early
            lines = [f"{own.mistake}: {lines[0]}"]
        fragile = own.fragile if not own.passed else fragile
    else:
        inherited = set(_UNEXPLAINED).union(*(r.mistakes for r in others.values()))
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
    for name in [n for n in reachable(fn) if n not in active]:
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
    space = {**fn.__globals__, **references}
    for name, value in space.items():  # the functions it calls call the references too (a step's gradient)
        if isinstance(value, types.FunctionType) and value.__globals__ is fn.__globals__ and name not in references:
            space[name] = _rebound(value, space)
    return _rebound(fn, space)


def _rebound(fn, space):
    return types.FunctionType(fn.__code__, space, fn.__name__, fn.__defaults__, fn.__closure__)
