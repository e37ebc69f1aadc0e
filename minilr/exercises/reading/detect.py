"""Which assignment exercise each of a submission's functions is: by its name, then its parameter names.

With a profile given, a function is that profile's exercise if its name is
one the exercise accepts. Without one, every built-in profile is a
candidate: a function fits an exercise when the name is accepted and the
exercise's arguments fit its positional parameters; among the fits, the
ones whose parameter names agree most (case and underscores aside) win, so
``predict(theta, X)`` is ex2's, ``predict(X, All_Theta)`` the lesson's and
``predict(Theta1, Theta2, X)`` ex3's network.

Without a profile, each submission is graded under *one* profile, the one
its functions target: the profile with the most functions that fit it
only (``costFunction`` is ex2's, ``cost`` minilr's), then with the most
functions that fit it at all, then the first (minilr first). A function
several profiles share (``sigmoid``) is graded once, under that profile,
and not at all when it does not ask for it (a ``sigmoid`` helper in an ex3
or ex4 submission). ``missing`` records are given only for the exercises
of the profile a submission targets (of the profile given, with
``--profile``); none when no function is any profile's own.

The arguments are then matched by the parameters' names
(:mod:`~minilr.exercises.reading.arguments`): ``one_vs_all(X, y,
num_labels, lambda_)`` is called in its own order, not in the lesson's
``(X, y, l, K)``.
"""

from dataclasses import dataclass, replace

from .arguments import match_arguments

__all__ = ["Assignment", "match_functions"]


@dataclass(frozen=True)
class Assignment:
    """One exercise of a profile, and the student's function that answers it.

    Examples
    --------
    >>> from minilr.exercises.reading.detect import Assignment
    >>> Assignment(profile="ex2", exercise="cost", function="costFunction").function
    'costFunction'
    """

    profile: object
    exercise: object  # its ``args`` in the order of the student's parameters
    function: str  # the student's name for it
    note: str = None  # for the record's message: the parameters' names could not say which argument is which


def _norm(name):
    return name.lower().replace("_", "")


def _fits(exercise, params):
    names, n_required, varargs = params
    if names is None:
        return True
    n = len(exercise.args)
    return n_required <= n and (n <= len(names) or varargs)


def _score(exercise, params):
    names = params[0] or ()
    return sum(_norm(a) == _norm(b) for a, b in zip(names, exercise.params))


def match_functions(functions, profiles, *, given=False):
    """The exercises a submission's functions are, and the profiles it targets.

    Parameters
    ----------
    functions : dict
        ``name -> (parameter names or None, number required, takes *args)``, in file order.
    profiles : list of Profile
        The candidates, in order of preference.
    given : bool
        True when the teacher named the profile: every function is matched
        by name only and the profile is targeted whatever was found.

    Returns
    -------
    assignments : list of Assignment
    targeted : list of Profile

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from minilr.exercises.reading.detect import match_functions
    >>> cost = SimpleNamespace(name="cost", functions=("costFunction",), args=("theta", "X", "y"),
    ...                        params=("theta", "X", "y"))
    >>> ex2 = SimpleNamespace(name="ex2", exercises=[cost])
    >>> found = {"costFunction": (["theta", "X", "y"], 3, False), "helper": (["a"], 1, False)}
    >>> assignments, targeted = match_functions(found, [ex2])
    >>> [(a.profile.name, a.exercise.name, a.function) for a in assignments]
    [('ex2', 'cost', 'costFunction')]
    >>> [p.name for p in targeted]
    ['ex2']
    """
    candidates = {}
    for name, params in functions.items():
        fits = [(p, e) for p in profiles for e in p.exercises if name in e.functions and (given or _fits(e, params))]
        if fits:
            best = max(_score(e, params) for _, e in fits)
            candidates[name] = [(p, e) for p, e in fits if _score(e, params) == best]
    if given:
        targeted, within = list(profiles), list(profiles)
    else:
        within = _one_profile(candidates, profiles)
        targeted = [p for p in within if any({q.name for q, _ in fits} == {p.name} for fits in candidates.values())]
    chosen, taken = {}, {}
    for name, fits in candidates.items():
        for p, e in fits:
            if p not in within or taken.get((p.name, name), e.name) != e.name:
                continue  # one exercise per function in a profile: never graded twice
            key = (p.name, e.name)
            # One function per exercise: the first of the exercise's accepted names that the file has.
            if key not in chosen or e.functions.index(name) < e.functions.index(chosen[key].function):
                chosen[key] = _assignment(p, e, name, functions[name])
                taken[(p.name, name)] = e.name
    order = {(p.name, e.name): i for i, (p, e) in enumerate((p, e) for p in profiles for e in p.exercises)}
    return sorted(chosen.values(), key=lambda a: order[(a.profile.name, a.exercise.name)]), targeted


def _one_profile(candidates, profiles):
    """``[profile]``: the one a submission's functions target (or ``[]`` when none fits any)."""
    names = [p.name for p in profiles]
    owners = [{p.name for p, _ in fits} for fits in candidates.values()]
    if not owners:
        return []

    def targeting(p):  # its own functions, then all it has, then the share of its exercises answered
        own, answered = sum(o == {p.name} for o in owners), sum(p.name in o for o in owners)
        return own, answered, answered / len(p.exercises) if own else 0, -names.index(p.name)

    return [max(profiles, key=targeting)]


def _assignment(profile, exercise, function, params):
    """The student's ``function`` as ``exercise``, its arguments in the order its parameters' names say."""
    order, decided = match_arguments(params[0], exercise.args, exercise.params)
    note = None
    if not decided:
        note = (f"the parameter names of `{function}` ({', '.join(params[0][:len(exercise.args)])}) do not say "
                f"which argument is which: it was called in the profile's order ({', '.join(exercise.args)})")
    elif order != exercise.args:
        exercise = replace(exercise, args=order)
    return Assignment(profile, exercise, function, note)
