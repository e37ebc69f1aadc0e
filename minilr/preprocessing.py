"""Labels, splits and features shared by every estimator: classes to indices to targets,
train/test parts, polynomial features and their standardisation."""

import numpy as np

from ._validation import check_scalar
from .functions import one_hot

__all__ = ["encode_labels", "label_targets", "train_test_split", "map_feature", "standardize"]


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


def map_feature(x1, x2, degree=6):
    r"""Every monomial of two measurements up to ``degree``, after a column of ones.

    Parameters
    ----------
    x1, x2 : array-like of shape (m,)
        The two measurements (a scalar counts as one sample).
    degree : int, default=6
        The largest total degree :math:`i`.

    Returns
    -------
    ndarray of shape (m, (degree + 1)(degree + 2) / 2), float64
        Column 0 is ones; then, for :math:`i = 1, \dots, \text{degree}` and
        :math:`j = 0, \dots, i`, the monomial

        .. math::
            x_1^{i - j} \, x_2^{j},

        so ``[1, x1, x2, x1^2, x1 x2, x2^2, x1^3, ...]``: 28 columns for degree 6.

    Notes
    -----
    A linear boundary in these columns is a polynomial curve of degree ``degree``
    in :math:`(x_1, x_2)`. For :class:`minilr.LogisticRegression`, which fits its
    own intercept, drop the ones column (``[:, 1:]``).

    The columns' spreads differ a lot (for :math:`|x| < 1`, :math:`x^6` barely
    varies), and the penalty :math:`\frac{\lambda}{2m}\sum_j w_j^2` treats every
    weight alike, so a column of small spread, which needs a large weight to matter,
    is penalised most. :func:`standardize` the columns (with the training set's mean
    and standard deviation, for every set) before fitting, so that one λ means the
    same for each of them, and gradient descent takes one step size for all.

    Examples
    --------
    >>> from minilr.preprocessing import map_feature
    >>> map_feature([2.0], [3.0], degree=2)
    array([[1., 2., 3., 4., 6., 9.]])
    >>> map_feature([0.5, -1.0], [1.0, 2.0]).shape
    (2, 28)
    """
    degree = check_scalar(degree, "degree", kind=(int, np.integer), low=1)
    x1 = np.atleast_1d(np.asarray(x1, dtype=np.float64))
    x2 = np.atleast_1d(np.asarray(x2, dtype=np.float64))
    if x1.ndim != 1 or x1.shape != x2.shape:
        raise ValueError(f"x1 and x2 must be two 1-d arrays of one length (m,), got shapes "
                         f"{x1.shape} and {x2.shape}.")
    columns = [np.ones_like(x1)]
    for i in range(1, degree + 1):
        for j in range(i + 1):
            columns.append(x1 ** (i - j) * x2 ** j)
    return np.column_stack(columns)


def standardize(X, mean=None, std=None):
    r"""Centre and scale each column: by its own mean and std, or by those given.

    Fit the scale on the training set, then apply the same one to every other set::

        Z_train, mean, std = standardize(X_train)
        Z_val, _, _ = standardize(X_val, mean, std)

    Parameters
    ----------
    X : ndarray of shape (m, n)
    mean, std : ndarray of shape (n,), optional
        Both or neither; by default ``X``'s own.

    Returns
    -------
    Z : ndarray of shape (m, n)
        .. math::
            z_{ij} = \frac{x_{ij} - \mu_j}{s_j}

        A constant column (such as the ones column of :func:`map_feature`) is
        left as it is: its :math:`\mu_j` is 0 and its :math:`s_j` 1.
    mean, std : ndarray of shape (n,)
        The :math:`\mu_j` and :math:`s_j` used.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.preprocessing import standardize
    >>> Z, mean, std = standardize(np.array([[1.0, 0.0], [1.0, 2.0]]))
    >>> Z.tolist(), mean.tolist(), std.tolist()
    ([[1.0, -1.0], [1.0, 1.0]], [0.0, 1.0], [1.0, 1.0])
    >>> standardize(np.array([[1.0, 4.0]]), mean, std)[0].tolist()
    [[1.0, 3.0]]
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array (m, n), got shape {X.shape}.")
    if (mean is None) != (std is None):
        raise ValueError("Give both mean and std (the training set's), or neither.")
    if mean is None:
        mean, std = X.mean(axis=0), X.std(axis=0)
        constant = std == 0
        mean, std = np.where(constant, 0.0, mean), np.where(constant, 1.0, std)
    mean, std = np.asarray(mean), np.asarray(std)
    if mean.shape != (X.shape[1],) or std.shape != (X.shape[1],):
        raise ValueError(f"mean and std must have one entry per column of X, ({X.shape[1]},), got "
                         f"{mean.shape} and {std.shape}.")
    return (X - mean) / std, mean, std
