r"""Classification metrics, written from their definitions in NumPy.

The results match scikit-learn's functions of the same names (called with
``zero_division=0``). Everything is built from four counts per class, for
the samples whose true label is :math:`y` and predicted label is
:math:`\hat y`:

.. math::
    tp = \#\{y = c,\ \hat y = c\}, \quad
    fp = \#\{y \ne c,\ \hat y = c\}, \quad
    fn = \#\{y = c,\ \hat y \ne c\}

Zero divisions (a precision with no predicted positives, a recall with no
true positives) give 0.0 silently, so a classifier that never predicts a
class simply scores 0 on it.
"""

import numbers

import numpy as np

from ._validation import check_given_labels, check_scalar, check_targets
from .probability_metrics import log_loss, roc_auc_score

__all__ = [
    "accuracy_score",
    "precision_score",
    "recall_score",
    "f1_score",
    "confusion_matrix",
    "log_loss",
    "roc_auc_score",
    "classification_report",
]

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


def _one_hot(y, labels):
    """Indicator matrix of shape (m, K): ``Y[s, k] = (y[s] == labels[k])``."""
    return y[:, None] == labels[None, :]


def _divide(numerator, denominator):
    """Elementwise ``numerator / denominator`` with 0.0 wherever the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


# ------------------------------------------------------------------- counts


def confusion_matrix(y_true, y_pred, labels=None):
    r"""Confusion matrix: row = true class, column = predicted class.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels.
    labels : array-like of shape (K,), optional
        The classes, in the order of the rows and columns. By default the
        sorted union of the labels in ``y_true`` and ``y_pred``. Samples whose
        true or predicted label is not listed are left out.

    Returns
    -------
    C : ndarray of shape (K, K), int64
        ``C[i, j]`` counts the samples of true class ``labels[i]`` predicted
        as ``labels[j]``.

    Notes
    -----
    .. math::
        C_{ij} = \sum_{s=1}^{m} [y_s = i]\,[\hat y_s = j]
               = (T^\top P)_{ij}

    where :math:`T` and :math:`P` are the one-hot matrices of the true and
    predicted labels. For two classes ``[0, 1]`` the layout is
    ``[[tn, fp], [fn, tp]]``.

    Examples
    --------
    >>> from minilr.metrics import confusion_matrix
    >>> confusion_matrix([0, 1, 1, 0, 1], [0, 1, 0, 0, 1])
    array([[2, 0],
           [1, 2]])
    """
    y_true, y_pred, present = check_targets(y_true, y_pred)
    labels = present if labels is None else check_given_labels(labels)
    T = _one_hot(y_true, labels).astype(np.int64)
    P = _one_hot(y_pred, labels).astype(np.int64)
    return T.T @ P


def _class_counts(y_true, y_pred, labels):
    """Per-class ``tp, fp, fn`` and the support ``tp + fn``, each of shape (K,)."""
    T = _one_hot(y_true, labels)
    P = _one_hot(y_pred, labels)
    tp = np.sum(T & P, axis=0)
    fp = np.sum(~T & P, axis=0)
    fn = np.sum(T & ~P, axis=0)
    return tp, fp, fn


def _labels_for_average(y_true, y_pred, labels, pos_label, average):
    """Validate ``average`` and decide which classes the scores are computed for."""
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of 'binary', 'micro', 'macro', 'weighted' or None, "
            f"got {average!r}."
        )
    y_true, y_pred, present = check_targets(y_true, y_pred)
    if average == "binary":
        if present.size > 2:
            raise ValueError(
                f"average='binary' needs two classes, but y_true and y_pred contain "
                f"{present.size}: {present.tolist()}. Choose average='macro', 'micro' "
                "or 'weighted' for multiclass problems."
            )
        if present.size == 2 and pos_label not in present.tolist():
            raise ValueError(
                f"pos_label={pos_label!r} is not one of the labels {present.tolist()}; "
                "pass the label of the positive class, e.g. "
                f"pos_label={present.tolist()[-1]!r}."
            )
        labels = np.asarray([pos_label])
    elif labels is None:
        labels = present
    else:
        labels = check_given_labels(labels)
    return y_true, y_pred, labels


def _average(scores, average, support):
    """Combine the per-class ``scores`` into one number as ``average`` says."""
    if average is None:
        return scores
    if average == "weighted" and np.sum(support) > 0:
        return float(np.sum(scores * support) / np.sum(support))
    return float(np.mean(scores))


def _precision_recall_f1(y_true, y_pred, labels, pos_label, average):
    y_true, y_pred, labels = _labels_for_average(y_true, y_pred, labels, pos_label, average)
    tp, fp, fn = _class_counts(y_true, y_pred, labels)
    support = tp + fn
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    precision = _divide(tp, tp + fp)
    recall = _divide(tp, tp + fn)
    f1 = _divide(2 * tp, 2 * tp + fp + fn)
    return precision, recall, f1, support


# ------------------------------------------------------------------ scores


def accuracy_score(y_true, y_pred):
    r"""Fraction of samples whose predicted label equals the true label.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels (not probabilities: threshold those first).

    Returns
    -------
    accuracy : float
        In :math:`[0, 1]`.

    Notes
    -----
    .. math::
        \operatorname{accuracy} = \frac{1}{m} \sum_{s=1}^{m} [\hat y_s = y_s]

    Examples
    --------
    >>> from minilr.metrics import accuracy_score
    >>> accuracy_score([0, 1, 1, 0, 1], [0, 1, 0, 0, 1])
    0.8
    """
    y_true, y_pred, _ = check_targets(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


_PRF_PARAMETERS = """
    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels (not probabilities: threshold those first).
    labels : array-like of shape (K,), optional
        Classes to score and average over (default: every label seen in
        ``y_true`` or ``y_pred``). Ignored when ``average="binary"``.
    pos_label : int or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "macro", "micro", "weighted"} or None, default="binary"
        ``"binary"``: the score of the class ``pos_label`` only (two classes
        at most). ``"macro"``: the plain mean of the per-class scores.
        ``"micro"``: the score of the summed counts :math:`\\sum_c tp_c`,
        :math:`\\sum_c fp_c`, :math:`\\sum_c fn_c`. ``"weighted"``: the mean
        of the per-class scores weighted by their support :math:`tp_c + fn_c`.
        ``None``: the per-class scores, in the order of ``labels``.

    Returns
    -------
    score : float, or ndarray of shape (K,) when ``average=None``
        In :math:`[0, 1]`. A zero division gives 0.0, with no warning.
"""


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    r"""Precision: of the samples predicted as a class, the fraction that are in it.
    {parameters}
    Notes
    -----
    .. math::
        \operatorname{precision} = \frac{tp}{tp + fp}

    With no predicted positives (:math:`tp + fp = 0`) the precision is 0.0.

    Examples
    --------
    >>> from minilr.metrics import precision_score
    >>> precision_score([0, 1, 1, 0, 1], [0, 1, 0, 0, 1])  # tp = 2, fp = 0
    1.0
    """
    precision, _, _, support = _precision_recall_f1(y_true, y_pred, labels, pos_label, average)
    return _average(precision, average, support)


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    r"""Recall: of the samples in a class, the fraction predicted as that class.
    {parameters}
    Notes
    -----
    .. math::
        \operatorname{recall} = \frac{tp}{tp + fn}

    With no true positives in the data (:math:`tp + fn = 0`) the recall is 0.0.

    Examples
    --------
    >>> from minilr.metrics import recall_score
    >>> round(recall_score([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]), 4)  # tp = 2, fn = 1
    0.6667
    """
    _, recall, _, support = _precision_recall_f1(y_true, y_pred, labels, pos_label, average)
    return _average(recall, average, support)


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary"):
    r"""F1 score: the harmonic mean of precision and recall.
    {parameters}
    Notes
    -----
    .. math::
        F_1 = \frac{2 \cdot \operatorname{precision} \cdot \operatorname{recall}}
                   {\operatorname{precision} + \operatorname{recall}}
            = \frac{2\,tp}{2\,tp + fp + fn}

    The second form is the one computed; when :math:`2\,tp + fp + fn = 0`
    (the class is neither present nor predicted) the score is 0.0.

    Examples
    --------
    >>> from minilr.metrics import f1_score
    >>> round(f1_score([0, 1, 1, 0, 1], [0, 1, 0, 0, 1]), 4)  # 2 tp / (2 tp + fp + fn)
    0.8
    >>> f1_score([0, 1, 2, 2], [0, 2, 2, 2], average=None)
    array([1. , 0. , 0.8])
    """
    _, _, f1, support = _precision_recall_f1(y_true, y_pred, labels, pos_label, average)
    return _average(f1, average, support)


for _score in (precision_score, recall_score, f1_score):
    _score.__doc__ = _score.__doc__.replace("{parameters}", _PRF_PARAMETERS)
del _score


def classification_report(y_true, y_pred, labels=None, digits=2):
    """Text table of precision, recall, F1 and support per class, with averages.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_pred : array-like of shape (m,)
        Predicted labels.
    labels : array-like of shape (K,), optional
        Classes to list (default: every label seen in ``y_true`` or ``y_pred``).
    digits : int, default=2
        Decimal places of the scores.

    Returns
    -------
    report : str
        One row per class, then an ``accuracy`` row (a ``micro avg`` row when
        ``labels`` leaves out some of the classes present), a ``macro avg`` and
        a ``weighted avg`` row. The layout is the one of scikit-learn's
        ``classification_report``. Zero divisions show as 0.00.

    Examples
    --------
    >>> print(classification_report([0, 1, 1, 0], [0, 1, 0, 0]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       0.67      1.00      0.80         2
               1       1.00      0.50      0.67         2
    <BLANKLINE>
        accuracy                           0.75         4
       macro avg       0.83      0.75      0.73         4
    weighted avg       0.83      0.75      0.73         4
    <BLANKLINE>
    """
    check_scalar(digits, "digits", kind=numbers.Integral, low=0)
    y_true, y_pred, present = check_targets(y_true, y_pred)
    labels = present if labels is None else check_given_labels(labels)
    micro_is_accuracy = set(present.tolist()) <= set(labels.tolist())

    precision, recall, f1, support = _precision_recall_f1(y_true, y_pred, labels, 1, None)
    names = [str(label) for label in labels]
    width = max(max(len(name) for name in names), len("weighted avg"), digits)

    header = f"{'':>{width}s} " + "".join(
        f" {h:>9}" for h in ("precision", "recall", "f1-score", "support")
    )
    lines = [header, ""]

    def row(name, p, r, f, s):
        return (f"{name:>{width}s} " + f" {p:>9.{digits}f}" + f" {r:>9.{digits}f}"
                + f" {f:>9.{digits}f}" + f" {s:>9}")

    for name, p, r, f, s in zip(names, precision, recall, f1, support):
        lines.append(row(name, p, r, f, int(s)))
    lines.append("")

    total = int(support.sum())
    for average in ("micro", "macro", "weighted"):
        p, r, f, s = _precision_recall_f1(y_true, y_pred, labels, 1, average)
        avg_p, avg_r, avg_f = (_average(v, average, s) for v in (p, r, f))
        if average == "micro" and micro_is_accuracy:
            lines.append(f"{'accuracy':>{width}s} " + f" {'':>9}" * 2
                         + f" {avg_f:>9.{digits}f}" + f" {total:>9}")
        else:
            lines.append(row(f"{average} avg", avg_p, avg_r, avg_f, total))
    return "\n".join(lines) + "\n"
