"""pytest plugin (entry point ``pytest11 = minilr``): fixtures for course test files.

A course's tests then need no conftest of their own::

    def test_cost(minilr_check):
        from student import cost
        minilr_check("cost", cost)     # fails with the diagnosis if wrong

minilr.exercises is imported only when a fixture is used, so the plugin
costs nothing in test runs that do not use it.
"""

import pytest


@pytest.fixture
def minilr_check():
    """``check(exercise, fn, profile=None, **options) -> CheckResult``, failing the test with the diagnosis.

    ``exercise`` is a name of :data:`minilr.exercises.CHECKERS` (``"sigmoid"``,
    ``"cost"``, ``"gradient"``, ``"gradient_descent_step"``,
    ``"predict_one_vs_all"``, ``"backprop"``, ``"softmax"``) or a checker
    function itself; ``options`` go to the checker (``timeout``, ``seed``,
    ``first_label``). With ``profile`` (``"ex2"``, ``"lesson"``, a TOML
    file...), ``exercise`` is one of that profile's exercises
    (``minilr_check("costFunction", costFunction, profile="ex2")``), checked
    in its signature and conventions, and a fragile answer passes if the
    profile is lenient.
    """
    from minilr.exercises import CHECKERS, assert_passes, check_exercise

    def check(exercise, fn, profile=None, **options):
        __tracebackhide__ = True
        if profile is not None:
            return assert_passes(check_exercise(fn, exercise, profile=profile, **options), profile=profile)
        checker = CHECKERS[exercise] if isinstance(exercise, str) else exercise
        return assert_passes(checker(fn, **options))

    return check


@pytest.fixture
def minilr_checkers():
    """The dict of checkers by exercise name, for tests that want the result itself."""
    from minilr.exercises import CHECKERS

    return dict(CHECKERS)
