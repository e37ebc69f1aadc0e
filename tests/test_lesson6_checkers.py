"""Lesson 6's checkers: right answers pass however they are written, each known mistake gets its key.

The student functions are written here in the plain style a student would use,
independently of minilr's own ``map_feature`` and ``validation_curve`` (only the
estimator the exercise asks for, ``minilr.LogisticRegression``, is shared).
"""

import textwrap

import numpy as np
import pytest

import minilr
from minilr.exercises import CHECKERS, MISTAKE_KEYS, check_map_feature, check_validation_curve
from minilr.exercises.batch import grade
from minilr.exercises.judging.lesson6_checkers import ARGS, LESSON6_CHECKERS
from minilr.exercises.judging.lesson6_mistakes import LESSON6_CATALOGUE
from minilr.exercises.judging.profiles import KINDS, load_profile


# ------------------------------------------------------------------ map_feature, right
def map_feature_loops(x1, x2, degree=6):
    x1, x2 = np.asarray(x1, dtype=float).ravel(), np.asarray(x2, dtype=float).ravel()
    out = [np.ones(len(x1))]
    for i in range(1, degree + 1):
        for j in range(i + 1):
            out.append(x1 ** (i - j) * x2 ** j)
    return np.stack(out, axis=1)


def map_feature_preallocated(x1, x2, degree=6):
    m = np.size(x1)
    out = np.ones((m, (degree + 1) * (degree + 2) // 2))
    k = 1
    for i in range(1, degree + 1):
        for j in range(i + 1):
            out[:, k] = np.power(x1, i - j) * np.power(x2, j)
            k += 1
    return out


# ------------------------------------------------------------------ map_feature, wrong
def map_feature_x2_first(x1, x2, degree=6):
    cols = [np.ones(np.size(x1))]
    for i in range(1, degree + 1):
        for j in range(i + 1):
            cols.append(x1 ** j * x2 ** (i - j))  # x2's power falls instead of rising
    return np.column_stack(cols)


def map_feature_no_ones(x1, x2, degree=6):
    cols = []
    for i in range(1, degree + 1):
        for j in range(i + 1):
            cols.append(x1 ** (i - j) * x2 ** j)
    return np.column_stack(cols)


def map_feature_range_degree(x1, x2, degree=6):
    cols = [np.ones(np.size(x1))]
    for i in range(1, degree):  # stops one short
        for j in range(i + 1):
            cols.append(x1 ** (i - j) * x2 ** j)
    return np.column_stack(cols)


# ------------------------------------------------------------------ validation_curve, right
def _log_loss(h, y):
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))


def curve_predict_proba(X_train, y_train, X_val, y_val, lams):
    train_costs, val_costs = [], []
    for lam in lams:
        model = minilr.LogisticRegression(lam=lam, tol=1e-8).fit(X_train, y_train)
        train_costs.append(_log_loss(model.predict_proba(X_train)[:, 1], y_train))
        val_costs.append(_log_loss(model.predict_proba(X_val)[:, 1], y_val))
    return np.array(train_costs), np.array(val_costs)


def curve_from_logits_as_lists(X_train, y_train, X_val, y_val, lams):
    def cost(model, X, y):
        z = X @ model.coef_.ravel() + model.intercept_[0]
        return float(np.mean(np.logaddexp(0, z) - y * z))

    models = [minilr.LogisticRegression(lam=lam, tol=1e-8).fit(X_train, y_train) for lam in lams]
    return [cost(m, X_train, y_train) for m in models], [cost(m, X_val, y_val) for m in models]


# ------------------------------------------------------------------ validation_curve, wrong
def curve_with_penalty(X_train, y_train, X_val, y_val, lams):
    train_costs, val_costs = [], []
    for lam in lams:
        model = minilr.LogisticRegression(lam=lam, tol=1e-8).fit(X_train, y_train)
        w = model.coef_.ravel()
        train_costs.append(_log_loss(model.predict_proba(X_train)[:, 1], y_train) + lam / (2 * len(y_train)) * w @ w)
        val_costs.append(_log_loss(model.predict_proba(X_val)[:, 1], y_val) + lam / (2 * len(y_val)) * w @ w)
    return np.array(train_costs), np.array(val_costs)


def curve_fitted_on_val(X_train, y_train, X_val, y_val, lams):
    train_costs, val_costs = [], []
    for lam in lams:
        model = minilr.LogisticRegression(lam=lam, tol=1e-8).fit(X_val, y_val)
        train_costs.append(_log_loss(model.predict_proba(X_train)[:, 1], y_train))
        val_costs.append(_log_loss(model.predict_proba(X_val)[:, 1], y_val))
    return np.array(train_costs), np.array(val_costs)


def curve_swapped(X_train, y_train, X_val, y_val, lams):
    train_costs, val_costs = curve_predict_proba(X_train, y_train, X_val, y_val, lams)
    return val_costs, train_costs


CORRECT = [("map_feature", map_feature_loops), ("map_feature", map_feature_preallocated),
           ("validation_curve", curve_predict_proba), ("validation_curve", curve_from_logits_as_lists)]
WRONG = [
    ("map_feature", map_feature_x2_first, "monomials_wrong_order"),
    ("map_feature", map_feature_no_ones, "ones_column_missing"),
    ("map_feature", map_feature_range_degree, "degree_off_by_one"),
    ("validation_curve", curve_with_penalty, "penalty_included"),
    ("validation_curve", curve_fitted_on_val, "fitted_on_validation"),
    ("validation_curve", curve_swapped, "curves_swapped"),
]


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("exercise, fn", CORRECT, ids=[fn.__name__ for _, fn in CORRECT])
def test_a_correct_implementation_passes(exercise, fn, seed):
    result = CHECKERS[exercise](fn, seed=seed)
    assert result.passed and result.mistakes == () and result.warnings == (), str(result)


@pytest.mark.parametrize("seed", [3])
@pytest.mark.parametrize("exercise, fn, key", WRONG, ids=[fn.__name__ for _, fn, _ in WRONG])
def test_each_catalogued_mistake_is_diagnosed_by_its_key(exercise, fn, key, seed):
    result = CHECKERS[exercise](fn, seed=seed)
    assert not result.passed
    assert result.mistakes == (key,), str(result)


def test_every_catalogued_mistake_has_a_student_written_test_and_three_keys_each():
    assert {(mk.exercise, mk.key) for mk in LESSON6_CATALOGUE} == {(e, k) for e, _, k in WRONG}
    for exercise in LESSON6_CHECKERS:
        keys = {mk.key for mk in LESSON6_CATALOGUE if mk.exercise == exercise}
        assert len(keys) >= 3 and keys <= set(MISTAKE_KEYS), keys


def test_the_checkers_are_registered_and_their_arguments_agree_with_the_profile_kinds():
    assert CHECKERS["map_feature"] is check_map_feature
    assert CHECKERS["validation_curve"] is check_validation_curve
    assert {k: KINDS[k][0] for k in ARGS} == ARGS
    exercises = {e.name: e for e in load_profile("minilr").exercises}
    assert not exercises["map_feature"].required and not exercises["validation_curve"].required


@pytest.mark.parametrize("exercise, form", [("map_feature", "(degree + 1)(degree + 2) / 2"),
                                            ("validation_curve", "a pair (train_costs, val_costs)")])
def test_an_answer_of_the_wrong_form_names_the_expected_form(exercise, form):
    result = CHECKERS[exercise](lambda *args: "done")
    assert result.mistake == "wrong_type" and form in result.diagnosis, str(result)


def test_the_minilr_profile_grades_them_when_present_and_never_reports_them_missing(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "with_both.py").write_text(textwrap.dedent('''
        import numpy as np
        import minilr

        def map_feature(x1, x2, degree=6):
            cols = [np.ones(np.size(x1))]
            for i in range(1, degree + 1):
                for j in range(i + 1):
                    cols.append(x1 ** j * x2 ** (i - j))
            return np.column_stack(cols)

        def validation_curve(X_train, y_train, X_val, y_val, lams):
            train, val = [], []
            for lam in lams:
                model = minilr.LogisticRegression(lam=lam, tol=1e-8).fit(X_train, y_train)
                for X, y, costs in ((X_train, y_train, train), (X_val, y_val, val)):
                    z = model.decision_function(X)
                    costs.append(np.mean(np.logaddexp(0, z) - y * z))
            return np.array(train), np.array(val)
        '''), encoding="utf-8")
    (folder / "without.py").write_text("def sigmoid(z):\n    return 1 / (1 + 2.718281828 ** -z)\n",
                                       encoding="utf-8")
    records = grade([folder], profile="minilr", progress=False)
    verdicts = {(r["submission"], r["exercise"]): (r["verdict"], r["mistakes"]) for r in records}
    assert verdicts[("with_both.py", "minilr:validation_curve")][0] == "pass"
    verdict, mistakes = verdicts[("with_both.py", "minilr:map_feature")]
    assert verdict == "fail" and "monomials_wrong_order" in str(mistakes)
    assert not any(s == "without.py" and e.endswith(("map_feature", "validation_curve")) for s, e in verdicts)
