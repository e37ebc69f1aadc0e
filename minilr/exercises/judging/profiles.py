"""Assignment profiles: which functions an assignment asks for, in which signatures and conventions.

A profile is data. The built-in ones (``minilr``, ``lesson``, ``ex2``,
``ex3``, ``ex4``) and a teacher's TOML file share one schema; each exercise
names the *check* it is graded by (one of :data:`KINDS`), the function
names students may use, the check's arguments in the order the students'
function takes them, and the conventions (``X`` with its column of ones or
not, labels 0..K-1 or 1..K). A course's own profile, ``course.toml``::

    name = "course"          # records say "course:cost"; default: the file's name
    strict = false           # a fragile answer (textbook sigmoid) keeps its points
    support = ["utils.py", "Data"]   # the course's files, beside every submission (relative to this file)

    [exercises.sigmoid]
    check = "sigmoid"

    [exercises.cost]
    check = "cost_gradient"                  # returns (J, grad)
    function = ["computeCost", "cost"]       # names accepted, first match wins
    args = ["theta", "X", "y", "lam"]        # the check's arguments, in the students' order
    params = ["theta", "X", "y", "lambda_"]  # their own parameter names (for auto-detection)
    points = 2

    [exercises.train]
    check = "one_vs_all"
    function = "train_all"
    args = ["X", "y", "lam", "K"]
    ones_column = true       # X is given with its column of ones
    first_label = 1          # the classes are 1..K

``python -m minilr check submissions/ --profile course.toml`` then grades
with it; :func:`load_profile` reads it, with the line named when it is wrong.
"""

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .depends import dependency_results
from .runner import DEPENDENCIES

__all__ = ["Exercise", "Profile", "ProfileError", "KINDS", "BUILTIN", "load_profile", "spec_for",
           "check_exercise", "assert_passes"]


class ProfileError(ValueError):
    """A profile that does not exist or does not parse; the message says where and what to do.

    Examples
    --------
    >>> try:
    ...     load_profile("ex9")
    ... except ProfileError as error:
    ...     print(type(error).__name__)
    ProfileError
    """


# kind -> (its arguments in canonical order, arguments a student's function may leave out with their value)
KINDS = {
    "sigmoid": (("z",), {}),
    "cost": (("theta", "X", "y", "lam"), {"lam": 0.0}),
    "gradient": (("theta", "X", "y", "lam"), {"lam": 0.0}),
    "cost_gradient": (("theta", "X", "y", "lam"), {"lam": 0.0}),
    "gradient_descent_step": (("theta", "X", "y", "alpha", "lam"), {}),
    "predict_binary": (("theta", "X"), {}),
    "predict_one_vs_all": (("all_theta", "X"), {}),
    "one_vs_all": (("X", "y", "K", "lam"), {}),
    "predict_network": (("Theta1", "Theta2", "X"), {}),
    "backprop": (("W1", "b1", "W2", "b2", "X", "y"), {}),
    "softmax": (("Z",), {}),
    "sigmoid_gradient": (("z",), {}),
    "rand_initialize_weights": (("L_in", "L_out"), {}),
    "nn_cost": (("nn_params", "input_layer_size", "hidden_layer_size", "num_labels", "X", "y", "lam"),
                {"lam": 0.0}),
    # The lessons' exercises (minilr.exercises.judging.lesson_checkers), in their own signatures.
    "softmax_cost": (("Theta", "X", "y", "lam"), {}),
    "forward": (("W1", "b1", "W2", "b2", "X"), {}),
    "numerical_gradient": (("f", "theta"), {}),  # and eps, which some cases give
    "combine_gradients": (("grads", "counts"), {}),
    "decision_boundary": (("w", "b", "x1"), {}),
    "f1_score": (("y_true", "y_pred"), {}),
    "map_feature": (("x1", "x2"), {}), "validation_curve": (("X_train", "y_train", "X_val", "y_val", "lams"), {}),
}
# The lessons' exercises in the minilr profile: graded when a submission has them, never `missing`.
LESSON_KINDS = ("one_vs_all", "softmax_cost", "forward", "numerical_gradient", "combine_gradients",
                "decision_boundary", "f1_score", "map_feature", "validation_curve")
# Checks whose X comes with its column of ones (fixed), and those where a profile chooses.
_ONES_ALWAYS = {"cost", "gradient", "cost_gradient", "gradient_descent_step", "predict_binary"}
_ONES_CHOICE = {"predict_one_vs_all", "one_vs_all"}
_LABELS_CHOICE = {"predict_one_vs_all", "one_vs_all", "predict_network", "nn_cost"}


@dataclass(frozen=True)
class Exercise:
    """One function of an assignment.

    Attributes
    ----------
    name : str
        The exercise's name in the profile (``"costFunction"``).
    kind : str
        The check that grades it, a key of :data:`KINDS`.
    functions : tuple of str
        Names a student's function may have.
    args : tuple of str
        The check's arguments in the order the student's function takes them.
    params : tuple of str
        The parameter names the assignment gives them, for auto-detection.
    ones_column : bool
        ``X`` comes with its column of ones.
    first_label : int
        0 for classes 0..K-1, 1 for 1..K.
    points : float
    required : bool
        False for an exercise a submission may leave out (the lessons' exercises in the
        ``minilr`` profile): no ``missing`` record, no points at stake, unless it is there.

    Examples
    --------
    >>> load_profile("ex2").exercise("sigmoid").kind
    'sigmoid'
    """

    name: str
    kind: str
    functions: tuple
    args: tuple
    params: tuple
    ones_column: bool = False
    first_label: int = 0
    points: float = 1.0
    required: bool = True  # False: no `missing` record (nor its points) when a submission lacks it


@dataclass(frozen=True)
class Profile:
    """An assignment: its exercises and whether a fragile answer counts as a failure.

    Examples
    --------
    >>> profile = load_profile("ex2")
    >>> profile.name, profile.strict
    ('ex2', False)
    """

    name: str
    exercises: tuple
    strict: bool = False
    source: str = field(default="built-in", compare=False)
    support: tuple = field(default=(), compare=False)  # the course's files (paths), placed beside submissions
    forbid: tuple = ("minilr", "sklearn")  # modules or names a graded function may not use: the references

    def exercise(self, name):
        return next(e for e in self.exercises if e.name == name)


def _exercise(name, kind, functions=None, params=None, args=None, **conventions):
    canonical, optional = KINDS[kind]
    params = tuple(params or canonical)
    args = tuple(args or [a for a in canonical if a not in optional or len(params) == len(canonical)])
    ones = conventions.pop("ones_column", kind in _ONES_ALWAYS)
    return Exercise(name, kind, tuple(functions or (name,)), args, params, ones, **conventions)


def _builtin():
    lesson_fit = ("X", "y", "l", "K")
    return {
        "minilr": Profile("minilr", (
            _exercise("sigmoid", "sigmoid"),
            _exercise("cost", "cost", ("cost", "compute_cost", "cost_function")),
            _exercise("gradient", "gradient", ("gradient", "compute_gradient")),
            _exercise("gradient_descent_step", "gradient_descent_step"),
            _exercise("predict_one_vs_all", "predict_one_vs_all"),
            _exercise("backprop", "backprop"),
            _exercise("softmax", "softmax"),
            _exercise("train_one_vs_all", "one_vs_all", params=("X", "y", "num_labels", "lam"), required=False),
            *(_exercise(kind, kind, required=False) for kind in LESSON_KINDS[1:]),
        ), strict=True, forbid=("sklearn",)),  # minilr's own sets: validation_curve fits minilr's estimator
        "lesson": Profile("lesson", (
            _exercise("sigmoid", "sigmoid"),
            _exercise("regularized_cost", "cost", params=("Theta", "X", "y", "l")),
            _exercise("regularized_gradient", "gradient", params=("Theta", "X", "y", "l")),
            _exercise("one_vs_all", "one_vs_all", params=lesson_fit, args=("X", "y", "lam", "K"),
                      ones_column=True, first_label=1),
            _exercise("predict", "predict_one_vs_all", params=("X", "All_Theta"), args=("X", "all_theta"),
                      ones_column=True, first_label=1),
        )),
        "ex2": Profile("ex2", (
            _exercise("sigmoid", "sigmoid"),
            _exercise("costFunction", "cost_gradient", params=("theta", "X", "y")),
            _exercise("predict", "predict_binary"),
            _exercise("costFunctionReg", "cost_gradient", params=("theta", "X", "y", "lambda_")),
        )),
        "ex3": Profile("ex3", (
            _exercise("lrCostFunction", "cost_gradient", params=("theta", "X", "y", "lambda_")),
            _exercise("oneVsAll", "one_vs_all", params=("X", "y", "num_labels", "lambda_")),
            _exercise("predictOneVsAll", "predict_one_vs_all", params=("all_theta", "X")),
            _exercise("predict", "predict_network"),
        )),
        "ex4": Profile("ex4", (
            _exercise("sigmoidGradient", "sigmoid_gradient"),
            _exercise("randInitializeWeights", "rand_initialize_weights", params=("L_in", "L_out", "epsilon_init")),
            _exercise("nnCostFunction", "nn_cost", params=("nn_params", "input_layer_size", "hidden_layer_size",
                                                           "num_labels", "X", "y", "lambda_"),
                      args=KINDS["nn_cost"][0]),
        )),
    }


BUILTIN = _builtin()


def load_profile(profile):
    """A built-in profile by name, or a teacher's profile from a TOML file.

    Parameters
    ----------
    profile : str, Path or Profile
        ``"minilr"``, ``"lesson"``, ``"ex2"``, ``"ex3"``, ``"ex4"``, or the
        path of a ``.toml`` file.

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        For an unknown name, a missing file, malformed TOML (its line is
        named) or an exercise the schema does not allow.

    Examples
    --------
    >>> [e.name for e in load_profile("ex2").exercises][:2]
    ['sigmoid', 'costFunction']
    """
    if isinstance(profile, Profile):
        return profile
    if str(profile) in BUILTIN:
        return BUILTIN[str(profile)]
    path = Path(profile)
    if path.suffix != ".toml":
        raise ProfileError(f"unknown profile '{profile}': the built-in profiles are "
                           f"{', '.join(BUILTIN)}; or give a course's .toml file.")
    if not path.is_file():
        raise ProfileError(f"no such profile file: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: malformed TOML: {exc}") from None
    return _from_toml(data, text, path)


def _line(text, table, key=None):
    """The line (1-based) of ``[table]`` or of ``key`` in it, for messages."""
    lines, at = text.splitlines(), None
    for i, line in enumerate(lines):
        stripped = line.strip().replace(" ", "")
        if stripped == f"[{table}]":
            at = i + 1
        elif at is not None and key is not None and stripped.startswith(f"{key}="):
            return i + 1
        elif at is not None and key is not None and stripped.startswith("["):
            break
    return at or 1


def _from_toml(data, text, path):
    allowed = {"check", "function", "args", "params", "points", "ones_column", "first_label"}
    unknown_top = set(data) - {"name", "strict", "exercises", "description", "support", "forbid", "allow"}
    if unknown_top:
        raise ProfileError(f"{path}: unknown key '{sorted(unknown_top)[0]}' (allowed at the top: name, strict, "
                           "description, support, forbid, allow, and [exercises.NAME] tables).")
    for key, what in (("support", "paths (relative to the profile)"), ("forbid", "names"), ("allow", "names")):
        if not isinstance(data.get(key, []), list) or not all(isinstance(p, str) for p in data.get(key, [])):
            line = next(i + 1 for i, t in enumerate(text.splitlines()) if t.replace(" ", "").startswith(f"{key}="))
            raise ProfileError(f'{path}, line {line}: {key} must be a list of {what} in quotes: {key} = ["..."].')
    tables = data.get("exercises")
    if not isinstance(tables, dict) or not tables:
        raise ProfileError(f"{path}: no exercises: add at least one [exercises.NAME] table with a `check`.")
    exercises = []
    for name, table in tables.items():
        where = f"{path}, line {_line(text, f'exercises.{name}')}, [exercises.{name}]"
        if not isinstance(table, dict):
            raise ProfileError(f"{where}: expected a table with `check = \"...\"`.")
        bad = set(table) - allowed
        if bad:
            key = sorted(bad)[0]
            raise ProfileError(f"{path}, line {_line(text, f'exercises.{name}', key)}: unknown key '{key}' in "
                               f"[exercises.{name}] (allowed: {', '.join(sorted(allowed))}).")
        exercises.append(_toml_exercise(name, table, where, text, path))
    forbid = [n for n in dict.fromkeys([*Profile.forbid, *data.get("forbid", [])]) if n not in data.get("allow", [])]
    return Profile(str(data.get("name", path.stem)), tuple(exercises), bool(data.get("strict", False)), str(path),
                   tuple(str(path.parent / p) for p in data.get("support", [])), tuple(forbid))


def _toml_exercise(name, table, where, text, path):
    kind = table.get("check")
    if kind not in KINDS:
        line = _line(text, f"exercises.{name}", "check")
        raise ProfileError(f"{path}, line {line}: [exercises.{name}] check = {kind!r} is not a check; "
                           f"use one of {', '.join(KINDS)}.")
    canonical, optional = KINDS[kind]
    functions = table.get("function", name)
    functions = (functions,) if isinstance(functions, str) else tuple(functions)
    args = tuple(table.get("args", [a for a in canonical if a not in optional]))
    missing = set(canonical) - set(args) - set(optional)
    if set(args) - set(canonical) or missing or len(set(args)) != len(args):
        line = _line(text, f"exercises.{name}", "args")
        raise ProfileError(f"{path}, line {line}: [exercises.{name}] args = {list(args)} must name the "
                           f"arguments of check '{kind}' ({', '.join(canonical)}) in the students' order"
                           + (f"; {', '.join(optional)} may be left out." if optional else "."))
    params = tuple(table.get("params", args))
    ones = table.get("ones_column", kind in _ONES_ALWAYS)
    first_label = table.get("first_label", 0)
    if (kind in _ONES_ALWAYS and ones is not True) or (kind not in _ONES_ALWAYS | _ONES_CHOICE and ones):
        raise ProfileError(f"{where}: check '{kind}' does not take ones_column = {ones!r}.")
    if first_label not in (0, 1) or (first_label and kind not in _LABELS_CHOICE):
        raise ProfileError(f"{where}: first_label must be 0 or 1, and only for {', '.join(sorted(_LABELS_CHOICE))}.")
    points = table.get("points", 1.0)
    if not isinstance(points, (int, float)) or points < 0:
        raise ProfileError(f"{where}: points must be a number >= 0, got {points!r}.")
    return Exercise(name, kind, functions, args, params, bool(ones), int(first_label), float(points))


def spec_for(profile, exercise, seed=0):
    """The check of one exercise of a profile, in its students' signature.

    Parameters
    ----------
    profile : Profile, str or path
        A profile, or what :func:`load_profile` takes: a built-in name or a ``.toml`` file.
    exercise : Exercise or str

    Returns
    -------
    Spec
        Named ``"<profile>:<exercise>"``.

    Examples
    --------
    >>> spec_for("ex2", "sigmoid").exercise
    'ex2:sigmoid'
    """
    from . import course, judges
    from .checkers import SPECS
    from .lesson_checkers import LESSON_SPECS

    profile = load_profile(profile)
    ex = exercise if isinstance(exercise, Exercise) else profile.exercise(exercise)
    labels = {"first_label": ex.first_label}
    builders = {
        **SPECS,
        **LESSON_SPECS,
        "predict_one_vs_all": lambda seed: SPECS["predict_one_vs_all"](seed, **labels),
        "cost_gradient": course.cost_gradient_spec, "predict_binary": course.predict_binary_spec,
        "predict_network": lambda seed: course.predict_network_spec(seed, **labels),
        "sigmoid_gradient": course.sigmoid_gradient_spec,
        "nn_cost": lambda seed: course.nn_cost_spec(seed, **labels),
        "one_vs_all": lambda seed: judges.one_vs_all_spec(seed, ones_in_X=ex.ones_column, **labels),
        "rand_initialize_weights": judges.rand_initialize_weights_spec,
    }
    spec = builders[ex.kind](seed)
    if ex.ones_column and ex.kind == "predict_one_vs_all":
        spec = course.with_ones_column(spec)
    optional = KINDS[ex.kind][1]
    spec = course.adapt(spec, ex.args, {k: v for k, v in optional.items() if k not in ex.args})
    return replace(spec, exercise=f"{profile.name}:{ex.name}")


def check_exercise(fn, exercise, *, profile="minilr", timeout=10.0, seed=0):
    """Check one function, in this process, as the profile's exercise (``check_exercise(f, "costFunction", profile="ex2")``).

    Returns
    -------
    CheckResult
        Use ``assert_passes(result, profile=profile)`` so that a fragile
        answer passes under a lenient profile.

    Examples
    --------
    >>> import numpy as np
    >>> result = check_exercise(lambda z: 1 / (1 + np.exp(-np.asarray(z, float))), "sigmoid", profile="ex2")
    >>> result.passed, result.fragile, result.scored
    (False, True, 'fragile, full points in this profile')
    """
    from .runner import run_spec

    profile = load_profile(profile)
    names = [e.name for e in profile.exercises]
    if exercise not in names:
        raise ProfileError(f"profile '{profile.name}' has no exercise '{exercise}'; it has {', '.join(names)}.")
    result = run_spec(spec_for(profile, exercise, seed), fn, timeout=timeout, profile=profile)
    return replace(result, strict=profile.strict)  # the text and the badge say how a fragile answer is scored


def assert_passes(result, *, strict=True, profile=None):
    """Fail (``AssertionError``) with the diagnosis unless ``result`` passed.

    Parameters
    ----------
    result : CheckResult
    strict : bool, default=True
        If False, a fragile result (right values, numerical trouble at the
        extreme inputs only) passes too.
    profile : str or Profile, optional
        An assignment profile (``"ex2"``, a TOML file, ...): its own
        strictness replaces ``strict`` (the course profiles are lenient,
        ``minilr`` is strict).

    Raises
    ------
    AssertionError
        Its message is ``str(result)``: the exercise, the mistake keys and
        the diagnosis.

    Examples
    --------
    >>> import numpy as np
    >>> result = check_exercise(lambda z: 1 / (1 + np.exp(-np.asarray(z, float))), "sigmoid", profile="ex2")
    >>> assert_passes(result, profile="ex2").fragile  # lenient: a fragile answer passes
    True
    """
    __tracebackhide__ = True  # pytest shows the student's diagnosis, not this frame
    if profile is not None:
        strict = load_profile(profile).strict
    if not (result.passed or (result.fragile and not strict)):
        raise AssertionError(str(result))
    return result


def _called_checks(fn, profile, timeout):
    """The profile's exercise functions ``fn`` calls, checked, and their references (for ``run_spec``)."""
    from .runner import run_spec

    profile = load_profile(profile)

    def check(exercise, other):
        spec = spec_for(profile, exercise)
        return run_spec(spec, other, timeout=timeout, profile=profile), spec.reference

    return dependency_results(fn, profile, check)


DEPENDENCIES["lookup"] = _called_checks
