r"""Metrics of predicted probabilities and scores: the log loss and the area under the ROC curve.

Both match scikit-learn's functions of the same names; :mod:`minilr.metrics`
re-exports them beside the metrics of predicted labels.
"""

import warnings

import numpy as np

from ._validation import (
    check_1d,
    check_class_labels,
    check_given_labels,
    check_paired,
    check_y_prob,
    unique_labels,
)

__all__ = ["log_loss", "roc_auc_score"]


def log_loss(y_true, y_prob, normalize=True, labels=None):
    r"""Cross-entropy of predicted probabilities against the true labels.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels.
    y_prob : array-like of shape (m,), (m, 2) or (m, K)
        Predicted probabilities. A 1-D vector is :math:`P(y = c_2)`, the
        probability of the larger of two classes (of 1 for labels 0/1). A
        matrix has one column per class, in sorted label order.
    normalize : bool, default=True
        Return the mean over the samples; ``False`` returns the sum.
    labels : array-like of shape (K,), optional
        All the classes, when ``y_true`` does not contain every one of them
        (for example a small batch). They are used in sorted order.

    Returns
    -------
    loss : float
        Non-negative; finite even for probabilities of exactly 0 or 1.

    Notes
    -----
    .. math::
        L = -\frac{1}{m} \sum_{s=1}^{m} \sum_{k=1}^{K} [y_s = c_k]\,
            \log \operatorname{clip}(p_{sk}, \varepsilon, 1 - \varepsilon)

    with :math:`\varepsilon` the machine epsilon of ``y_prob``'s dtype
    (``numpy.finfo(dtype).eps``), which caps each term at about 36 for
    float64. For two classes and a vector :math:`p` this is
    :math:`-\frac{1}{m}\sum_s y_s \log p_s + (1 - y_s) \log(1 - p_s)`.
    Rows of a matrix that do not sum to one are used as given (with a
    ``UserWarning``): they are not renormalised.

    Examples
    --------
    >>> from minilr.metrics import log_loss
    >>> round(log_loss([0, 1], [0.2, 0.9]), 4)  # -(log 0.8 + log 0.9) / 2
    0.1643
    >>> round(log_loss([1], [0.0], labels=[0, 1]), 2)  # clipped: finite, about 36
    36.04
    """
    if not isinstance(normalize, (bool, np.bool_)):
        raise ValueError(f"normalize must be True or False, got {normalize!r}.")
    y_true = check_class_labels(check_1d(y_true, "y_true"), "y_true")
    p = check_y_prob(y_prob)
    check_paired(y_true, p, "y_true", "y_prob")

    if labels is None:
        classes = unique_labels(y_true)
        if classes.size < 2:
            raise ValueError(
                f"y_true contains only one label ({classes[0]!r}); the loss cannot tell "
                "which column of y_prob it is. Pass all the classes with labels=[...]."
            )
    else:
        classes = np.unique(check_given_labels(labels))
        if classes.size < 2:
            raise ValueError(f"labels must contain at least two classes, got {classes.tolist()}.")
        unknown = ~np.isin(y_true, classes)
        if unknown.any():
            raise ValueError(
                f"y_true contains labels {np.unique(y_true[unknown]).tolist()} that are not "
                f"in labels={classes.tolist()}."
            )

    if p.ndim == 1:
        p = np.stack([1 - p, p], axis=1)  # columns: P(c_1), P(c_2)
    K = p.shape[1]
    if K == 1:
        p = np.concatenate([1 - p, p], axis=1)
        K = 2
    if K != classes.size:
        raise ValueError(
            f"y_prob has {K} columns but there are {classes.size} classes "
            f"{classes.tolist()}; pass one column per class (or labels=[...] with every class)."
        )
    row_sums = p.sum(axis=1)
    eps = np.finfo(p.dtype).eps
    if not np.allclose(row_sums, 1, rtol=np.sqrt(eps), atol=0):
        warnings.warn(
            "The rows of y_prob do not sum to one; pass probabilities (e.g. the output "
            "of softmax), not scores.",
            UserWarning,
            stacklevel=2,
        )
    p = np.clip(p, eps, 1 - eps)
    k = np.searchsorted(classes, y_true)  # column of each sample's true class
    losses = -np.log(p[np.arange(len(k)), k])
    return float(np.mean(losses) if normalize else np.sum(losses))


def roc_auc_score(y_true, y_score):
    r"""Area under the ROC curve for a binary problem.

    Parameters
    ----------
    y_true : array-like of shape (m,)
        True labels, exactly two distinct values; the larger one (1 for
        labels 0/1) is the positive class.
    y_score : array-like of shape (m,)
        Scores for the positive class: probabilities, logits or any values
        that rank the samples.

    Returns
    -------
    auc : float
        In :math:`[0, 1]`: the probability that a random positive sample
        scores higher than a random negative one (ties count one half).

    Notes
    -----
    Computed with the Mann-Whitney rank statistic, where tied scores share
    their average rank:

    .. math::
        \operatorname{AUC} = \frac{\sum_{s \in \text{pos}} r_s
                                   - n_+ (n_+ + 1) / 2}{n_+\, n_-}

    Examples
    --------
    >>> from minilr.metrics import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # 3 of 4 pairs ranked right
    0.75
    """
    y_true = check_class_labels(check_1d(y_true, "y_true"), "y_true")
    y_score = np.asarray(y_score)
    if y_score.ndim == 2 and y_score.shape[1] == 2:
        raise ValueError(
            f"y_score has shape {y_score.shape}; pass the scores of the positive class "
            "only, e.g. y_score[:, 1]."
        )
    y_score = check_1d(y_score, "y_score")
    if y_score.dtype.kind not in "biuf":
        raise ValueError(f"y_score must contain numbers, got dtype {y_score.dtype}.")
    y_score = y_score.astype(np.float64)
    if not np.all(np.isfinite(y_score)):
        raise ValueError("y_score contains NaN or infinity; every sample needs a finite score.")
    check_paired(y_true, y_score, "y_true", "y_score")
    classes = unique_labels(y_true)
    if classes.size != 2:
        raise ValueError(
            f"roc_auc_score needs exactly two classes in y_true, got {classes.size}: "
            f"{classes.tolist()}. The AUC is undefined when only one class is present."
        )
    pos = y_true == classes[1]
    n_pos = int(pos.sum())
    n_neg = y_true.size - n_pos

    r = _average_ranks(y_score)
    return float((r[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _average_ranks(x):
    """1-based ranks of ``x``; tied values all get the mean of the ranks they span."""
    m = x.size
    order = np.argsort(x, kind="stable")
    x_sorted = x[order]
    starts_group = np.r_[True, x_sorted[1:] != x_sorted[:-1]]
    first = np.flatnonzero(starts_group)          # 0-based index where each group starts
    last = np.r_[first[1:], m]                     # 1-based rank where each group ends
    group_rank = (first + 1 + last) / 2            # mean of the ranks first+1 .. last
    r = np.empty(m)
    r[order] = group_rank[np.cumsum(starts_group) - 1]
    return r
