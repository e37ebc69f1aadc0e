"""Labels and splits shared by every estimator: classes to indices to targets, and train/test parts."""

import numpy as np

from ._validation import check_scalar
from .functions import one_hot

__all__ = ["encode_labels", "label_targets", "train_test_split"]


def encode_labels(y, estimator_name="The estimator"):
    """Return ``classes_`` and ``y`` as indices into it, rejecting non-class targets.

    Parameters
    ----------
    y : ndarray of shape (m,)
        Labels of any type (numbers, strings).

    Returns
    -------
    classes : ndarray of shape (K,)
        The sorted distinct labels.
    y_idx : ndarray of shape (m,), int
        ``classes[y_idx] == y``.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.preprocessing import encode_labels
    >>> classes, y_idx = encode_labels(np.array(["cat", "dog", "cat"]))
    >>> classes.tolist(), y_idx.tolist()
    (['cat', 'dog'], [0, 1, 0])
    """
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError(
            "Unknown label type: continuous. y holds real numbers, but a classifier needs "
            "class labels; use a regression model, or turn y into classes, e.g. y > 0.5."
        )
    if y.dtype.kind == "O" and any(isinstance(v, float) and v != round(v) for v in y[:1000]):
        raise ValueError("Unknown label type: continuous. y must hold class labels.")
    try:
        classes = np.unique(y)
        # searchsorted on the few classes allocates only y_idx, where unique's
        # return_inverse holds several m-sized arrays at once.
        y_idx = np.searchsorted(classes, y)
    except TypeError:
        raise ValueError(
            "Unknown label type: y mixes labels that cannot be sorted (e.g. numbers and "
            "strings). Use labels of one type."
        ) from None
    if classes.size < 2:
        raise ValueError(
            f"{estimator_name} needs samples of at least 2 classes in y, but y contains only "
            f"one class: {classes[0] if classes.size else 'none'}."
        )
    return classes, y_idx.reshape(-1)


def label_targets(y_idx, K, dtype):
    """Class indices as the losses' targets: 0/1 of shape (m,) for K = 2, else one-hot (m, K).

    Parameters
    ----------
    y_idx : ndarray of shape (m,), int
        Indices into ``classes_``, as :func:`encode_labels` returns them.
    K : int
        Number of classes.
    dtype : numpy dtype
        The dtype of ``X``: the targets are computed with it.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.preprocessing import label_targets
    >>> label_targets(np.array([0, 1, 1]), 2, np.float64)
    array([0., 1., 1.])
    >>> label_targets(np.array([0, 2]), 3, np.float64)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    return y_idx.astype(dtype) if K == 2 else one_hot(y_idx, K, dtype)


def train_test_split(X, y, test_size=0.25, random_state=None, stratify=None):
    """Split arrays into a random train and test part.

    Parameters
    ----------
    X : ndarray of shape (m, ...)
    y : ndarray of shape (m, ...)
    test_size : float in (0, 1) or int, default=0.25
        Fraction (or number) of samples in the test part.
    random_state : int, Generator or None
    stratify : ndarray of shape (m,), optional
        Labels whose proportions both parts should keep (usually ``y``).

    Returns
    -------
    X_train, X_test, y_train, y_test

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.preprocessing import train_test_split
    >>> X, y = np.arange(16.0).reshape(8, 2), np.array([0, 1] * 4)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    >>> X_train.shape, X_test.shape, y_test.tolist()
    ((6, 2), (2, 2), [0, 0])
    """
    X, y = np.asarray(X), np.asarray(y)
    m = X.shape[0]
    if y.shape[0] != m:
        raise ValueError(f"X has {m} rows but y has {y.shape[0]}; they must match.")
    if isinstance(test_size, float):
        check_scalar(test_size, "test_size", low=0.0, high=1.0, low_inclusive=False)
        if test_size >= 1.0:
            raise ValueError(f"test_size must be below 1.0, got {test_size}.")
        n_test = int(np.ceil(test_size * m))
    else:
        n_test = check_scalar(test_size, "test_size", kind=(int, np.integer), low=1, high=m - 1)
    if n_test < 1 or n_test >= m:
        raise ValueError(f"test_size={test_size} leaves an empty train or test part for {m} samples.")
    rng = np.random.default_rng(random_state)
    if stratify is None:
        perm = rng.permutation(m)
        test, train = perm[:n_test], perm[n_test:]
    else:
        stratify = np.asarray(stratify)
        if stratify.shape != (m,):
            raise ValueError(
                f"stratify must hold one label per sample, shape ({m},), got {stratify.shape}."
            )
        test, train = _stratified_indices(stratify, n_test, rng)
    return X[train], X[test], y[train], y[test]


def _stratified_indices(labels, n_test, rng):
    """Pick test indices class by class, in proportion to each class's size."""
    m = labels.shape[0]
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError("stratify needs at least 2 samples of every class.")
    # Largest-remainder rounding keeps the total at exactly n_test.
    quota = counts * n_test / m
    take = np.floor(quota).astype(int)
    for k in np.argsort(quota - take)[::-1][: n_test - take.sum()]:
        take[k] += 1
    test = np.concatenate([rng.permutation(np.flatnonzero(inverse == k))[: take[k]] for k in range(classes.size)])
    mask = np.ones(m, dtype=bool)
    mask[test] = False
    return rng.permutation(test), rng.permutation(np.flatnonzero(mask))
