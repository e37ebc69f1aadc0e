"""Input validation, in one place: what the estimators, losses, metrics, plots and the Dask path check.

Every error says what was wrong and what to do about it; the wording of some
messages follows scikit-learn's so that its estimator checks recognise them.
"""

import numbers
import warnings

import numpy as np

__all__ = [
    "DataConversionWarning",
    "is_dask",
    "aligned",
    "check_2d",
    "check_real",
    "check_min_samples",
    "check_same_length",
    "as_1d_labels",
    "check_finite",
    "feature_names",
    "check_X",
    "check_y",
    "check_Xy",
    "check_binary_targets",
    "check_probabilities",
    "check_scalar",
    "check_1d",
    "check_paired",
    "check_class_labels",
    "check_targets",
    "unique_labels",
    "check_given_labels",
    "check_y_prob",
]


class DataConversionWarning(UserWarning):
    """Warning that the input was converted to another shape or type.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from minilr import LogisticRegression
    >>> from minilr.exceptions import DataConversionWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = LogisticRegression().fit([[0.0], [1.0]], np.array([[0], [1]]))  # y as a column
    ...
    >>> DataConversionWarning in [w.category for w in caught]
    True
    """


def _is_sparse(a):
    return hasattr(a, "tocsr")


def is_dask(a):
    """Whether ``a`` is a dask collection (found without importing dask)."""
    return type(a).__module__.split(".")[0] == "dask"


def aligned(X):
    """``X``, copied if its data is not aligned to its item size.

    An array received over the network (by a Dask worker, say) may start at any
    byte; numpy cannot hand it to BLAS then, and products are about 6x slower
    than the copy that fixes it.
    """
    return X if X.flags.aligned else np.require(X, requirements="A")


# ---------------------------------------------------------------- shape and type
# These read only shape and dtype, so NumPy and dask arrays are checked alike.
def check_2d(X, name="X"):
    """ValueError unless ``X`` has two dimensions, saying how to reshape it."""
    if X.ndim < 2:
        raise ValueError(
            f"Expected 2D array for {name}, got {X.ndim}D array instead: shape "
            f"{X.shape}. Reshape your data either using array.reshape(-1, 1) if it "
            "has a single feature or array.reshape(1, -1) if it contains a single sample."
        )
    if X.ndim > 2:
        raise ValueError(
            f"Expected 2D array for {name}, got {X.ndim}D array instead: shape {X.shape}. "
            "Flatten each sample into one row, e.g. X.reshape(len(X), -1)."
        )


def check_real(A, what="numbers"):
    """ValueError for complex values."""
    if A.dtype.kind == "c":
        raise ValueError(f"Complex data not supported; pass real {what}.")


def check_min_samples(X, ensure_min_samples, name="X"):
    """ValueError if ``X`` has fewer rows than ``ensure_min_samples``."""
    m = X.shape[0]
    if m < ensure_min_samples:
        what = f"{name} is empty" if m == 0 else f"pass at least {ensure_min_samples} rows"
        raise ValueError(
            f"Found array with {m} sample(s) (shape={X.shape}) while a minimum of "
            f"{ensure_min_samples} is required: {what}."
        )


def check_same_length(X, y):
    """ValueError unless ``X`` and ``y`` have one row per label."""
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have different numbers of samples: X has {X.shape[0]} rows but y "
            f"has {y.shape[0]} labels. Pass one label per row of X."
        )


def as_1d_labels(y, name="y", allow_2d=False, stacklevel=4):
    """``y`` of shape (m,): a column (m, 1) is flattened with a DataConversionWarning."""
    if y.ndim == 2 and y.shape[1] == 1 and not allow_2d:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change "
            "the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=stacklevel,
        )
        y = y.ravel()
    if y.ndim != 1 and not (allow_2d and y.ndim == 2):
        raise ValueError(
            f"{name} should be a 1d array of labels, got an array of shape {y.shape}."
        )
    return y


def check_X(X, *, name="X", ensure_min_samples=1, dtype=None):
    """Return ``X`` as a finite 2-D float array (float32 kept, anything else float64).

    Parameters
    ----------
    X : array-like of shape (m, n)
        The inputs, one row per sample.
    name : str, default="X"
        Name used in error messages.
    ensure_min_samples : int, default=1
        Smallest number of rows accepted.
    dtype : numpy dtype, optional
        Force this floating dtype instead of keeping float32/float64.

    Raises
    ------
    TypeError
        For sparse matrices and inputs that are not numbers at all.
    ValueError
        For the wrong number of dimensions, empty input, complex or
        non-numeric values, NaN or infinity.
    """
    if X is None:
        raise ValueError(f"{name} is None; pass an array of shape (n_samples, n_features).")
    if _is_sparse(X):
        raise TypeError(
            f"Sparse input is not supported: {name} is a sparse matrix. "
            f"Convert it with {name}.toarray() first."
        )
    if is_dask(X):
        return X
    try:
        X = np.asarray(X)
    except ValueError as exc:
        raise ValueError(
            f"{name} could not be turned into an array (are the rows of different "
            f"lengths?): {exc}"
        ) from None
    check_real(X)
    if X.dtype.kind in "USO":
        X = _to_float(X, name)
    check_2d(X, name)
    if dtype is not None:
        X = X.astype(dtype, copy=False)
    elif X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    X = aligned(X)
    check_min_samples(X, ensure_min_samples, name)
    if X.shape[1] < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
            f"required: {name} has no columns."
        )
    check_finite(X, name)
    return X


def _to_float(X, name):
    if X.dtype == object and any(v is None for v in X.flat):
        raise ValueError(
            f"{name} contains None (a missing value). Remove or impute the missing values "
            "first, e.g. with the column median."
        )
    try:
        return X.astype(np.float64)
    except (TypeError, ValueError) as exc:
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        raise kind(
            f"{name} must contain only numbers, but converting it to float failed: {exc}. "
            "Encode text or categorical columns as numbers first."
        ) from None


def check_finite(A, name):
    """ValueError naming NaN or infinity in ``A``."""
    # sum() is one fast pass; only look closer when it is not finite.
    if np.isfinite(np.sum(A)):
        return
    if np.isnan(A).any():
        raise ValueError(f"Input {name} contains NaN. Remove or impute the missing values first.")
    if not np.isfinite(A).all():
        raise ValueError(
            f"Input {name} contains infinity or a value too large for dtype('{A.dtype}'). "
            "Remove those values or rescale the data."
        )


def check_y(y, *, name="y", allow_2d=False):
    """Return ``y`` as an array of shape (m,) (or (m, K) if ``allow_2d``).

    A column vector of shape (m, 1) is flattened with a
    :class:`DataConversionWarning` unless ``allow_2d``.
    """
    if y is None:
        raise ValueError(
            "This estimator requires y to be passed, but the target y is None. "
            "Call fit(X, y) with the labels."
        )
    if _is_sparse(y):
        raise TypeError(f"Sparse input is not supported for {name}; use {name}.toarray().")
    if is_dask(y):
        return y
    y = np.asarray(y)
    check_real(y, "labels")
    y = as_1d_labels(y, name, allow_2d)
    if y.dtype.kind in "fc" and y.size:
        check_finite(y, name)
    return y


def check_Xy(X, y, *, allow_2d_y=False, ensure_min_samples=1):
    """Validate ``X`` and ``y`` together: both well-formed and of the same length."""
    X = check_X(X, ensure_min_samples=ensure_min_samples)
    y = check_y(y, allow_2d=allow_2d_y)
    check_same_length(X, y)
    return X, y


def check_binary_targets(y, *, name="y"):
    """Return ``y`` as a float array after checking that all values are 0 or 1."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{name} must contain the numbers 0 and 1, got dtype {y.dtype}.")
    bad = (y != 0) & (y != 1)
    if np.any(bad):
        raise ValueError(
            f"{name} must contain only 0 and 1 for the binary losses; found "
            f"{np.unique(y[bad])[:5]}. Encode the labels first, e.g. y = (labels == positive)."
        )
    return y if y.dtype.kind == "f" else y.astype(np.float64)


def check_probabilities(p, *, name="p"):
    """Return ``p`` as a float array after checking that it lies in [0, 1]."""
    p = np.asarray(p)
    if p.dtype.kind not in "biuf":
        raise ValueError(f"{name} must contain probabilities (numbers), got dtype {p.dtype}.")
    p = p.astype(np.result_type(p.dtype, np.float32), copy=False)
    if not p.size:
        return p
    n_nan = int(np.isnan(p).sum())
    if n_nan:
        raise ValueError(
            f"{name} contains {n_nan} NaN value(s), but must contain probabilities in [0, 1]; "
            "a NaN probability usually means the model diverged (try a smaller learning rate)."
        )
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"{name} must contain probabilities in [0, 1], but its values range from "
            f"{p.min():g} to {p.max():g}. If these are scores or logits, apply the sigmoid "
            "(or softmax) first."
        )
    return p


def check_scalar(value, name, *, kind=numbers.Real, low=None, high=None, low_inclusive=True,
                 allowed=None):
    """Check one hyperparameter and return it; the error names the parameter.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        The parameter's name, as the user typed it.
    kind : type or tuple of types, default=numbers.Real
        Accepted types (``bool`` is never accepted as a number).
    low, high : float, optional
        Bounds (``high`` inclusive).
    low_inclusive : bool, default=True
        Whether ``low`` itself is allowed.
    allowed : collection, optional
        For string options: the accepted values.
    """
    if allowed is not None:
        if value not in allowed:
            raise ValueError(f"{name} must be one of {sorted(allowed, key=repr)}, got {value!r}.")
        return value
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(
            f"{name} must be a {_kind_name(kind)}, got {value!r} of type {type(value).__name__}."
        )
    if isinstance(value, numbers.Real) and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}.")
    return value


def _kind_name(kind):
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if all(isinstance(k, type) and issubclass(k, numbers.Integral) for k in kinds):
        return "whole number"
    if kind is numbers.Real:
        return "number"
    return " or ".join(getattr(k, "__name__", str(k)) for k in kinds)


def feature_names(X):
    """Column names of a data frame whose columns are all strings, else None.

    Only data frames have names; minilr never imports pandas to find out.
    """
    columns = getattr(X, "columns", None)
    if columns is None or isinstance(X, np.ndarray) or is_dask(X):
        return None
    names = np.asarray(list(columns), dtype=object)
    kinds = {type(v) for v in names}
    if str in kinds and len(kinds) > 1:
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but the columns mix {sorted(k.__name__ for k in kinds)}. Convert them with "
            "X.columns = X.columns.astype(str), or pass a plain array."
        )
    return names if names.size and kinds == {str} else None


# ---------------------------------------------------------------- labels and scores of the metrics
def check_1d(y, name):
    """Return ``y`` as a non-empty 1-D array; a column of shape (m, 1) is flattened."""
    if y is None:
        raise ValueError(f"{name} is None; pass an array of shape (n_samples,).")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, of shape (n_samples,), got an array of shape {y.shape}."
        )
    if y.size == 0:
        raise ValueError(f"{name} is empty; the metric needs at least one sample.")
    return y


def check_paired(a, b, name_a, name_b):
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} have different lengths: {a.shape[0]} vs {b.shape[0]}. "
            "Pass one prediction per true label."
        )


def check_class_labels(y, name):
    """Reject labels that cannot be class labels: complex, NaN, or non-integer floats."""
    if np.iscomplexobj(y):
        raise ValueError(f"{name} contains complex numbers; class labels must be real.")
    if y.dtype.kind == "f":
        if np.isnan(y).any():
            raise ValueError(f"{name} contains NaN; every sample needs a class label.")
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            example = y[~np.isfinite(y) | (y != np.round(y))][0]
            raise ValueError(
                f"{name} contains non-integer numbers such as {example!r}; these look like "
                "probabilities or scores, not class labels. Threshold them first, e.g. "
                "y_pred = (p >= 0.5).astype(int)."
            )
    return y


def check_targets(y_true, y_pred):
    """Validate a pair of label vectors; return them and their sorted union of labels."""
    y_true = check_class_labels(check_1d(y_true, "y_true"), "y_true")
    y_pred = check_class_labels(check_1d(y_pred, "y_pred"), "y_pred")
    check_paired(y_true, y_pred, "y_true", "y_pred")
    present = unique_labels(y_true, y_pred)
    return y_true, y_pred, present


def unique_labels(*ys):
    is_text = [y.dtype.kind in "USO" for y in ys]
    if any(is_text) and not all(is_text):
        raise ValueError(
            "y_true and y_pred mix text and numeric labels; encode both the same way."
        )
    try:
        return np.unique(np.concatenate(ys))
    except TypeError:
        raise ValueError(
            "The labels mix strings and numbers (or other types that cannot be sorted); "
            "use one type for every label."
        ) from None


def check_given_labels(labels):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D list of classes, got {labels!r}.")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"labels contains duplicates: {labels.tolist()}. List each class once.")
    return labels


def check_y_prob(y_prob):
    """Return ``y_prob`` as a float array of probabilities, with an actionable error if not."""
    y_prob = np.asarray(y_prob)
    if y_prob.ndim not in (1, 2):
        raise ValueError(
            f"y_prob must have shape (m,) or (m, K), got an array of shape {y_prob.shape}."
        )
    if y_prob.size == 0:
        raise ValueError("y_prob is empty; the metric needs at least one sample.")
    return check_probabilities(y_prob, name="y_prob")
