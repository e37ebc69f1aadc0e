"""The metrics against scikit-learn, on random and on hand-checked cases."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from minilr.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

TOL = 1e-12
FAST = settings(max_examples=50, deadline=None, derandomize=True)  # same examples every run

PRF = [
    (precision_score, skm.precision_score),
    (recall_score, skm.recall_score),
    (f1_score, skm.f1_score),
]
PRF_IDS = ["precision", "recall", "f1"]


@st.composite
def label_pairs(draw, min_classes=2, max_classes=5, max_size=40):
    """Integer labels ``y_true, y_pred`` drawn from ``0 .. K-1`` (a class may be absent)."""
    K = draw(st.integers(min_classes, max_classes))
    m = draw(st.integers(1, max_size))
    labels = st.lists(st.integers(0, K - 1), min_size=m, max_size=m)
    return np.array(draw(labels)), np.array(draw(labels))


def sk_quiet(fn, *args, **kwargs):
    """Call a scikit-learn function with its warnings (e.g. 1x1 confusion matrix) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ------------------------------------------------------ equal to scikit-learn


@FAST
@given(label_pairs())
def test_accuracy_matches_sklearn(pair):
    y_true, y_pred = pair
    assert accuracy_score(y_true, y_pred) == pytest.approx(
        skm.accuracy_score(y_true, y_pred), abs=TOL)


@FAST
@given(label_pairs(max_classes=2))
@example((np.array([0, 0, 0]), np.array([0, 0, 0])))   # no positives at all
@example((np.array([1, 1, 1]), np.array([0, 0, 0])))   # no predicted positives
@example((np.array([0, 0, 0]), np.array([1, 0, 1])))   # no true positives
@example((np.array([1, 1, 1]), np.array([1, 1, 1])))   # one class, all correct
@pytest.mark.parametrize("ours, theirs", PRF, ids=PRF_IDS)
def test_binary_scores_match_sklearn(ours, theirs, pair):
    y_true, y_pred = pair
    expected = theirs(y_true, y_pred, zero_division=0)
    assert ours(y_true, y_pred) == pytest.approx(expected, abs=TOL)


@FAST
@given(label_pairs(max_classes=6))
@example((np.array([2, 2, 2]), np.array([2, 2, 2])))
@example((np.array([0, 1, 2, 3]), np.array([3, 3, 3, 3])))
@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
@pytest.mark.parametrize("ours, theirs", PRF, ids=PRF_IDS)
def test_averaged_scores_match_sklearn(ours, theirs, average, pair):
    y_true, y_pred = pair
    expected = theirs(y_true, y_pred, average=average, zero_division=0)
    assert ours(y_true, y_pred, average=average) == pytest.approx(expected, abs=TOL)


@FAST
@given(label_pairs(max_classes=5), st.lists(st.integers(0, 7), min_size=1, max_size=5, unique=True))
@pytest.mark.parametrize("average", ["macro", "micro", "weighted", None])
@pytest.mark.parametrize("ours, theirs", PRF, ids=PRF_IDS)
def test_scores_with_given_labels_match_sklearn(ours, theirs, average, pair, labels):
    y_true, y_pred = pair
    expected = theirs(y_true, y_pred, labels=labels, average=average, zero_division=0)
    np.testing.assert_allclose(ours(y_true, y_pred, labels=labels, average=average),
                               expected, rtol=0, atol=TOL)


@FAST
@given(label_pairs(min_classes=3, max_classes=5))
@example((np.array([0]), np.array([2])))   # two classes, but neither is pos_label=1
def test_binary_average_raises_exactly_when_sklearn_does(pair):
    y_true, y_pred = pair
    try:
        skm.precision_score(y_true, y_pred, zero_division=0)
    except ValueError:
        with pytest.raises(ValueError, match="average='binary' needs two classes|"
                                             "pos_label=1 is not one of the labels"):
            precision_score(y_true, y_pred)
    else:
        precision_score(y_true, y_pred)


@FAST
@given(label_pairs(max_classes=5))
def test_confusion_matrix_matches_sklearn(pair):
    y_true, y_pred = pair
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred),
                                  sk_quiet(skm.confusion_matrix, y_true, y_pred))


@FAST
@given(label_pairs(max_classes=5), st.permutations(list(range(6))), st.integers(1, 6))
def test_confusion_matrix_with_given_labels_matches_sklearn(pair, order, n_labels):
    y_true, y_pred = pair
    labels = order[:n_labels]
    if not np.isin(y_true, labels).any():
        labels = labels + [int(y_true[0])]  # scikit-learn rejects labels absent from y_true
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, labels=labels),
                                  sk_quiet(skm.confusion_matrix, y_true, y_pred, labels=labels))


@FAST
@given(label_pairs(max_classes=5, max_size=30), st.integers(0, 4))
def test_classification_report_text_matches_sklearn(pair, digits):
    y_true, y_pred = pair
    # With no correct prediction at all, scikit-learn prints the support as a
    # float ("1.0"); that formatting quirk is not reproduced.
    assume(np.any(y_true == y_pred))
    expected = skm.classification_report(y_true, y_pred, digits=digits, zero_division=0)
    assert classification_report(y_true, y_pred, digits=digits) == expected


def test_classification_report_with_label_subset_matches_sklearn():
    y_true = np.array([0, 1, 2, 2, 1, 0, 3, 3])
    y_pred = np.array([0, 2, 2, 2, 1, 1, 3, 0])
    expected = skm.classification_report(y_true, y_pred, labels=[0, 1, 5], digits=3,
                                         zero_division=0)
    report = classification_report(y_true, y_pred, labels=[0, 1, 5], digits=3)
    assert report == expected
    assert "micro avg" in report and "accuracy" not in report


@st.composite
def probability_cases(draw):
    """``y_true``, an (m, K) probability matrix (some rows one-hot: exact 0s and 1s) and labels."""
    K = draw(st.integers(2, 4))
    m = draw(st.integers(1, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    y_true = rng.integers(0, K, size=m)
    P = rng.dirichlet(np.full(K, 0.5), size=m)
    one_hot = rng.random(m) < draw(st.sampled_from([0.0, 0.3, 1.0]))
    P[one_hot] = np.eye(K)[rng.integers(0, K, size=one_hot.sum())]
    return y_true, P, list(range(K))


@FAST
@given(probability_cases(), st.booleans())
def test_log_loss_matrix_matches_sklearn(case, normalize):
    y_true, P, labels = case
    expected = skm.log_loss(y_true, P, normalize=normalize, labels=labels)
    assert log_loss(y_true, P, normalize=normalize, labels=labels) == pytest.approx(
        expected, rel=TOL, abs=TOL)


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=1, max_size=40),
       st.booleans())
@example([(0, 0.0), (1, 1.0)], True)    # perfect and certain
@example([(1, 0.0), (0, 1.0)], False)   # certain and wrong: clipped, still finite
def test_log_loss_vector_matches_sklearn(rows, normalize):
    y_true = np.array([t for t, _ in rows])
    p = np.array([q for _, q in rows])
    expected = skm.log_loss(y_true, p, normalize=normalize, labels=[0, 1])
    result = log_loss(y_true, p, normalize=normalize, labels=[0, 1])
    assert np.isfinite(result)
    assert result == pytest.approx(expected, rel=TOL, abs=TOL)


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 4)), min_size=2, max_size=40),
       st.sampled_from(["ints", "floats"]), st.integers(0, 2**32 - 1))
def test_roc_auc_matches_sklearn_with_ties(rows, kind, seed):
    y_true = np.array([t for t, _ in rows])
    if len(np.unique(y_true)) < 2:
        y_true[0] = 1 - y_true[1]
    # Scores from a few integers force ties; floats mostly do not.
    y_score = np.array([s for _, s in rows], dtype=float)
    if kind == "floats":
        y_score = np.random.default_rng(seed).normal(size=y_true.size)
    assert roc_auc_score(y_true, y_score) == pytest.approx(
        skm.roc_auc_score(y_true, y_score), abs=TOL)


# ------------------------------------------------------- hand-checked cases


def test_binary_scores_on_a_hand_counted_example():
    # tp = 3, fp = 1, fn = 2, tn = 4
    y_true = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    y_pred = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert accuracy_score(y_true, y_pred) == pytest.approx(7 / 10, abs=TOL)
    assert precision_score(y_true, y_pred) == pytest.approx(3 / 4, abs=TOL)
    assert recall_score(y_true, y_pred) == pytest.approx(3 / 5, abs=TOL)
    assert f1_score(y_true, y_pred) == pytest.approx(2 * 3 / (2 * 3 + 1 + 2), abs=TOL)
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred), [[4, 1], [2, 3]])


def test_macro_micro_weighted_on_a_hand_counted_example():
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [0, 0, 1, 1, 2, 2]
    # per class: precision 1, 1/2, 1/2; support 3, 2, 1; micro = accuracy = 4/6
    assert precision_score(y_true, y_pred, average="macro") == pytest.approx(2 / 3, abs=TOL)
    assert precision_score(y_true, y_pred, average="micro") == pytest.approx(4 / 6, abs=TOL)
    assert precision_score(y_true, y_pred, average="weighted") == pytest.approx(
        (3 * 1 + 2 * 0.5 + 1 * 0.5) / 6, abs=TOL)
    np.testing.assert_allclose(precision_score(y_true, y_pred, average=None), [1, 0.5, 0.5])


def test_pos_label_selects_the_positive_class_for_text_labels():
    y_true = ["spam", "ham", "spam", "ham"]
    y_pred = ["spam", "spam", "ham", "ham"]
    assert precision_score(y_true, y_pred, pos_label="spam") == pytest.approx(0.5, abs=TOL)
    assert recall_score(y_true, y_pred, pos_label="ham") == pytest.approx(0.5, abs=TOL)


def test_minus_one_plus_one_labels_use_plus_one_as_positive():
    y_true = [-1, -1, 1, 1]
    y_pred = [-1, 1, 1, 1]
    assert precision_score(y_true, y_pred) == pytest.approx(2 / 3, abs=TOL)


def test_log_loss_of_the_lesson_formula():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.2, 0.6, 0.4])
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert log_loss(y, p) == pytest.approx(expected, rel=TOL)
    assert log_loss(y, p, normalize=False) == pytest.approx(4 * expected, rel=TOL)
    assert log_loss(y, np.c_[1 - p, p]) == pytest.approx(expected, rel=TOL)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_log_loss_clips_at_machine_epsilon_of_the_dtype(dtype):
    eps = np.finfo(dtype).eps
    result = log_loss([1, 0], np.array([0.0, 1.0], dtype=dtype))
    assert result == pytest.approx(-np.log(eps), rel=1e-6)


def test_log_loss_reads_text_labels_in_sorted_column_order():
    y_true = ["spam", "ham", "ham", "spam"]
    P = np.array([[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]])
    assert log_loss(y_true, P) == pytest.approx(skm.log_loss(y_true, P), rel=TOL)


def test_roc_auc_of_a_hand_counted_example():
    # positives score 0.4, 0.8; negatives 0.1, 0.4: pairs won 1 + 0.5 + 1 + 1 of 4
    assert roc_auc_score([0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8]) == pytest.approx(3.5 / 4, abs=TOL)


def test_classification_report_example_layout():
    report = classification_report([0, 1, 1, 0], [0, 1, 0, 0])
    lines = report.splitlines()
    assert lines[0].split() == ["precision", "recall", "f1-score", "support"]
    assert lines[2].split() == ["0", "0.67", "1.00", "0.80", "2"]
    assert lines[5].split() == ["accuracy", "0.75", "4"]


# ---------------------------------------------------- zero division, silently


@pytest.mark.parametrize("y_true, y_pred", [
    ([0, 0, 0], [0, 0, 0]),        # nothing positive anywhere
    ([1, 1, 0], [0, 0, 0]),        # no predicted positives
    ([0, 0, 0], [1, 0, 0]),        # no true positives
], ids=["no-positives", "no-predicted-positives", "no-true-positives"])
@pytest.mark.parametrize("score", [precision_score, recall_score, f1_score])
def test_zero_division_gives_zero_without_warning(score, y_true, y_pred):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = score(y_true, y_pred)
        classification_report(y_true, y_pred)
    assert result == 0.0


def test_multiclass_zero_division_gives_zero_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_class = precision_score([0, 1, 2], [0, 0, 0], average=None)
    np.testing.assert_array_equal(per_class, [1 / 3, 0.0, 0.0])


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("metric", [accuracy_score, precision_score, confusion_matrix,
                                    classification_report])
def test_mismatched_lengths_raise(metric):
    with pytest.raises(ValueError, match="y_true and y_pred have different lengths: 3 vs 2"):
        metric([0, 1, 1], [0, 1])


@pytest.mark.parametrize("metric", [accuracy_score, f1_score, confusion_matrix])
def test_empty_input_raises(metric):
    with pytest.raises(ValueError, match="y_true is empty"):
        metric([], [])


def test_probabilities_passed_as_predictions_raise():
    with pytest.raises(ValueError, match="y_pred contains non-integer numbers.*Threshold"):
        accuracy_score([0, 1], [0.2, 0.9])


def test_binary_average_on_multiclass_raises():
    with pytest.raises(ValueError, match="average='binary' needs two classes.*macro"):
        f1_score([0, 1, 2], [0, 1, 2])


def test_unknown_average_raises():
    with pytest.raises(ValueError, match="average must be one of"):
        recall_score([0, 1], [0, 1], average="mean")


def test_pos_label_not_among_labels_raises():
    with pytest.raises(ValueError, match="pos_label=1 is not one of the labels"):
        precision_score(["a", "b"], ["a", "b"])


@pytest.mark.parametrize("y_prob, match", [
    ([0.5, 1.2], r"probabilities in \[0, 1\].*from 0.5 to 1.2"),
    ([-2.0, 3.0], r"probabilities in \[0, 1\].*sigmoid"),
    ([0.5, np.nan], "y_prob contains 1 NaN"),
    ([0.5], "y_true and y_prob have different lengths: 2 vs 1"),
    ([], "y_prob is empty"),
])
def test_log_loss_rejects_bad_probabilities(y_prob, match):
    with pytest.raises(ValueError, match=match):
        log_loss([0, 1], y_prob)


def test_log_loss_with_one_class_asks_for_labels():
    with pytest.raises(ValueError, match="only one label.*labels="):
        log_loss([1, 1], [0.8, 0.9])


def test_log_loss_with_too_few_columns_raises():
    with pytest.raises(ValueError, match="y_prob has 2 columns but there are 3 classes"):
        log_loss([0, 1, 2], [[0.5, 0.5]] * 3)


@pytest.mark.parametrize("y_true, y_score, match", [
    ([1, 1, 1], [0.1, 0.2, 0.3], "exactly two classes"),
    ([0, 1], [0.1, np.nan], "y_score contains NaN"),
    ([0, 1], [[0.9, 0.1], [0.2, 0.8]], r"y_score\[:, 1\]"),
    ([0, 1, 1], [0.1, 0.2], "y_true and y_score have different lengths: 3 vs 2"),
])
def test_roc_auc_rejects_bad_input(y_true, y_score, match):
    with pytest.raises(ValueError, match=match):
        roc_auc_score(y_true, y_score)


def test_report_rejects_negative_digits():
    with pytest.raises(ValueError, match="digits must be >= 0"):
        classification_report([0, 1], [0, 1], digits=-1)
