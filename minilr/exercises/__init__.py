"""Coursework checkers: verify a student's own implementation and say what is wrong.

Each ``check_*`` function runs a student's function on seeded random and
edge cases, compares it with minilr's reference implementation and returns a
:class:`CheckResult`; when the answer is wrong, the diagnosis names the
mistake (the bias regularised, a missing 1/m, an unstable sigmoid, labels
off by one, ...) by finding the deliberately wrong variant of
:mod:`minilr.exercises.judging.mistakes` that reproduces it.

In a course's test file::

    from minilr.exercises import assert_passes, check_cost
    from student import cost

    def test_cost():
        assert_passes(check_cost(cost))   # fails with the diagnosis

or, with the pytest plugin that minilr installs, the ``minilr_check``
fixture: ``minilr_check("cost", cost)``. The courses' own assignments
(profiles ``lesson``, ``ex2``, ``ex3``, ``ex4`` or a TOML file, see
:mod:`minilr.exercises.judging.profiles`) are checked the same way::

    assert_passes(check_exercise(costFunction, "costFunction", profile="ex2"), profile="ex2")

From a shell, one file or a whole class, each submission in its own
process: ``python -m minilr check submissions/ --report grades.csv``
(:mod:`minilr.exercises.cli`).

The signatures the students implement are listed in
:mod:`minilr.exercises.judging.checkers`.
"""

from .judging.checkers import (
    CHECKERS,
    check_backprop,
    check_cost,
    check_gradient_descent_step,
    check_gradient_fn,
    check_predict_one_vs_all,
    check_sigmoid,
    check_softmax,
)
from .judging.mistakes import CATALOGUE, MISTAKE_KEYS
from .judging.profiles import BUILTIN as PROFILES
from .judging.profiles import assert_passes, check_exercise, load_profile
from .judging.runner import CheckResult

__all__ = [
    "check_sigmoid",
    "check_cost",
    "check_gradient_fn",
    "check_gradient_descent_step",
    "check_predict_one_vs_all",
    "check_backprop",
    "check_softmax",
    "assert_passes",
    "CheckResult",
    "CHECKERS",
    "CATALOGUE",
    "MISTAKE_KEYS",
    "PROFILES",
    "check_exercise",
    "load_profile",
]

from .judging.lesson_checkers import (  # noqa: E402 - the lessons' exercises, registered in CHECKERS too
    check_combine_gradients,
    check_decision_boundary,
    check_f1_score,
    check_forward,
    check_numerical_gradient,
    check_softmax_cost,
    check_train_one_vs_all,
)

__all__ += [
    "check_train_one_vs_all",
    "check_softmax_cost",
    "check_forward",
    "check_numerical_gradient",
    "check_combine_gradients",
    "check_decision_boundary",
    "check_f1_score",
]

from .judging.lesson6_checkers import check_map_feature, check_validation_curve  # noqa: E402 - lesson 6's

__all__ += ["check_map_feature", "check_validation_curve"]
