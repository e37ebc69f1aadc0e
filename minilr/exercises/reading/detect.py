"""Which assignment exercise each of a submission's functions is: by its name, then its parameter names.

With a profile given, a function is that profile's exercise if its name is
one the exercise accepts. Without one, every built-in profile is a
candidate: a function fits an exercise when the name is accepted and the
exercise's arguments fit its positional parameters; among the fits, the
ones whose parameter names agree most (case and underscores aside) win, so
``predict(theta, X)`` is ex2's, ``predict(X, All_Theta)`` the lesson's and
``predict(Theta1, Theta2, X)`` ex3's network.

A submission *targets* a profile when one of its functions fits that
profile only (``costFunction`` is ex2's, ``cost`` minilr's); a function
several profiles share (``sigmoid``) is graded under each targeted profile
that has it, under the first candidate (minilr first) when no profile is
targeted, and not at all when the targeted profiles do not ask for it (a
``sigmoid`` helper in an ex3 or ex4 submission). ``missing`` records are given only for the exercises of the
targeted profiles (of the profile given, with ``--profile``).
"""

from dataclasses import dataclass

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
    exercise: object
    function: str  # the student's name for it


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
    targeted = list(profiles) if given else []
    for fits in candidates.values():
        owners = {p.name for p, _ in fits}
        if len(owners) == 1 and fits[0][0] not in targeted:
            targeted.append(fits[0][0])
    targeted.sort(key=lambda p: [q.name for q in profiles].index(p.name))
    chosen = {}
    for name, fits in candidates.items():
        within = [(p, e) for p, e in fits if p in targeted] or (fits[:1] if not targeted else [])
        for p, e in within:
            key = (p.name, e.name)
            # One function per exercise: the first of the exercise's accepted names that the file has.
            if key not in chosen or e.functions.index(name) < e.functions.index(chosen[key].function):
                chosen[key] = Assignment(p, e, name)
    order = {(p.name, e.name): i for i, (p, e) in enumerate((p, e) for p in profiles for e in p.exercises)}
    return sorted(chosen.values(), key=lambda a: order[(a.profile.name, a.exercise.name)]), targeted
