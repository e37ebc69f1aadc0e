"""The HTML views that Jupyter shows for estimators and checker results (minilr.display)."""

import html
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import minilr
from minilr.display import check_result_html, check_results_html, estimator_html, sparkline_svg
from minilr.exercises import check_cost, check_sigmoid

VOID = {"br", "hr", "img", "input", "meta", "link", "polyline", "path", "circle", "line"}


class StrictParser(HTMLParser):
    """Records every problem a browser would silently repair: unclosed or stray tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.tags, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.problems == [] and parser.stack == [], (parser.problems, parser.stack)
    assert "script" not in parser.tags
    return parser


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X @ [1.5, -2.0, 0.5] + 0.3 * rng.normal(size=120) > 0).astype(int)
    return X, y


def test_unfitted_estimator_highlights_changed_parameters_only():
    html = estimator_html(minilr.LogisticRegression(lam=0.5, solver="gd"))
    parse(html)
    changed = [cell for cell in html.split("<tr>") if 'class="changed"' in cell]
    assert len(changed) == 2
    assert any(">lam<" in c for c in changed) and any(">solver<" in c for c in changed)
    assert "not fitted" in html


@pytest.mark.parametrize("make", [
    lambda: minilr.LogisticRegression(lam=0.1),
    lambda: minilr.MLPClassifier(hidden_layer_sizes=(4,), random_state=0, max_iter=400),
    lambda: minilr.OneVsAllClassifier(minilr.LogisticRegression()),
])
def test_fitted_estimator_shows_classes_iterations_and_final_cost(make, data):
    X, y = data
    model = make().fit(X, y)
    html = model._repr_html_()
    parser = parse(html)
    text = "".join(parser.text)
    assert "classes_" in text and "n_features_in_" in text
    if hasattr(model, "history_"):
        assert f"{model.history_[-1]:.6g}" in text
        assert "<svg" in html and "polyline" in html
    assert model._repr_mimebundle_()["text/plain"] == repr(model)


def test_feature_names_are_escaped(data):
    X, y = data
    frame = pd.DataFrame(X, columns=["<script>alert(1)</script>", "a & b", 'say "hi"'])
    html = minilr.LogisticRegression().fit(frame, y)._repr_html_()
    parser = parse(html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "a &amp; b" in html
    assert "<script>alert(1)</script>" in "".join(parser.text)  # shown, as text


def test_large_model_stays_small():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 400))
    y = rng.integers(0, 10, size=200)
    with pytest.warns(minilr.ConvergenceWarning):
        model = minilr.LogisticRegression(max_iter=5).fit(X, y)
    html = model._repr_html_()
    parse(html)
    assert model.coef_.size == 4000
    assert html.count("<td>") < 120  # 5 features x at most 5 classes, never the (10, 400) matrix
    assert len(html) < 12000


def test_sparkline_keeps_at_most_width_points_and_skips_non_finite():
    svg = sparkline_svg(np.linspace(1, 0, 20000), width=100)
    points = svg.split('points="')[1].split('"')[0].split()
    assert len(points) <= 100
    assert sparkline_svg([]) == "" and sparkline_svg([np.nan]) == ""
    assert len(sparkline_svg([1.0, np.inf, 0.5]).split('points="')[1].split()) == 2


def _broken_cost(theta, X, y, lam):
    h = minilr.sigmoid(X @ theta)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lam / (2 * len(y)) * theta @ theta


def test_failing_check_shows_badge_key_and_case():
    result = check_cost(_broken_cost)
    assert not result.passed
    html = result._repr_html_() if hasattr(result, "_repr_html_") else check_result_html(result)
    parser = parse(html)
    assert "FAIL" in html and "bias_regularized" in html
    assert result.worst_case in "".join(parser.text)


def test_check_results_table_counts_passes():
    results = [check_sigmoid(lambda z: 0.5 * (1 + np.tanh(0.5 * np.asarray(z, float)))),
               check_cost(_broken_cost)]
    html = check_results_html(results)
    parse(html)
    assert "1 of 2 passed" in html and html.count("PASS") == 1 and html.count("FAIL") == 1


def test_text_reprs_stay_as_they_were():
    model = minilr.LogisticRegression(max_iter=200, solver="gd")
    assert repr(model) == "LogisticRegression(max_iter=200, solver='gd')"
    result = check_cost(_broken_cost)
    assert str(result).startswith("FAIL cost [bias_regularized")
    assert "<" not in str(result)


def test_a_graded_class_renders_one_row_per_submission():
    from minilr.display import records_html
    from minilr.exercises.batch import GradeReport

    records = [{"submission": f"<b>s{i}.py", "verdict": v, "points": p, "max_points": 1}
               for i in range(60) for v, p in (("pass", 1), ("fail", 0))]
    report = GradeReport(records)
    assert report == records  # still the list of records
    html = report._repr_html_()
    parse(html)
    assert html == records_html(records)
    assert "60 submissions" in html and "1/2" in html and "and 10 more submissions" in html
    assert "&lt;b&gt;s0.py" in html and html.count("<tr>") == 51


def test_grade_returns_a_report_jupyter_can_show(tmp_path):
    from minilr.exercises.batch import GradeReport, grade

    (tmp_path / "anna.py").write_text("import numpy as np\n\ndef sigmoid(z):\n"
                                      "    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, float)))\n")
    report = grade([tmp_path], profile="minilr", progress=False, jobs=1)
    assert isinstance(report, GradeReport) and report[0]["submission"] == "anna.py"
    assert "anna.py" in report._repr_html_() and "PASS" in report._repr_html_()


def _where_sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


@pytest.mark.parametrize("profile, scored", [("minilr", "fragile, scored as a failure in this profile"),
                                             ("ex2", "fragile, full points in this profile")])
def test_badge_and_text_give_the_same_verdict_for_a_fragile_answer(profile, scored):
    from minilr.exercises import check_exercise

    result = check_exercise(_where_sigmoid, "sigmoid", profile=profile)
    text, page = str(result), check_result_html(result)
    assert result.fragile and text.startswith(f"FRAGILE {result.exercise} [") and scored in text.splitlines()[0]
    assert ">FRAGILE</span>" in page and scored in page and "FAIL" not in page + text


def test_each_diagnosis_on_its_own_line_and_the_case_named_once():
    result = check_cost(_broken_cost)
    assert len(result.mistakes) >= 2
    page = check_result_html(result)
    items = re.findall(r"<li>(.*?)</li>", page)
    assert [re.match(r"<code>(\w+)</code>", i).group(1) for i in items] == list(result.mistakes)
    assert page.count(html.escape(f"case '{result.worst_case}'", quote=True)) == 1
    assert "case: <i>" not in page  # the diagnosis line already names it


STUDENT_SET_01 = """
import numpy as np

def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

def gradient(theta, X, y, lam):
    m = len(y)
    grad = X.T @ (sigmoid(X @ theta) - y) / m
    grad[1:] += lam / m * theta[1:]
    return grad

def gradient_descent_step(theta, X, y, alpha, lam):
    theta -= alpha * gradient(theta, X, y, lam)
    return theta
"""


def test_the_exercise_set_students_view_names_the_steps_own_mutation_beside_a_fragile_sigmoid():
    """Exercise set 01 as a student writes it (one notebook namespace): an ``np.where`` sigmoid, ``theta -= ...``."""
    from minilr.exercises import check_gradient_descent_step, check_gradient_fn

    space = {}
    exec(STUDENT_SET_01, space)  # noqa: S102 - the student's cells, as the notebook runs them
    assert check_gradient_fn(space["gradient"]).passed  # the sigmoid is only fragile: the gradient is right
    result = check_gradient_descent_step(space["gradient_descent_step"])
    text, page = str(result), check_result_html(result)
    assert result.mistakes == ("mutates_input",) and text.startswith("FAIL gradient_descent_step [mutates_input]")
    assert ">FAIL</span>" in page and "`theta -= ...`" in text
