"""Saving and loading estimators as ``.npz`` files that never run code, and the registry of savable classes.

:meth:`~minilr.base.BaseEstimator.save` writes one ``.npz`` archive (NumPy's zip
of ``.npy`` arrays) and :func:`load` reads it back with ``allow_pickle=False``:

* the member ``__minilr__`` is a JSON header, stored as a unicode string::

      {"format": 2, "minilr_version": "0.1.0",
       "estimator": {"class": "LogisticRegression",
                     "params": {"lam": 1.0, "solver": "lbfgs", ...},
                     "attributes": {"n_iter_": 12, "coef_": {"array": "coef_"}, ...}}}

* every other member is one fitted array, named after where it belongs:
  ``coef_``; ``coefs_.0``, ``coefs_.1`` for a list of arrays; ``estimators_.2.coef_``
  for the array of a nested estimator.

Values in the header are JSON scalars, or one of ``{"array": key}``,
``{"list": [...]}``, ``{"tuple": [...]}`` and ``{"estimator": {...}}``. Labels
held in an object array (strings) are stored as a unicode array and marked
``"dtype": "object"``, so they come back as an object array, never pickled.

:func:`load` instantiates only the classes of :data:`REGISTRY` (which the
estimator modules fill with :func:`register`, so this module imports none of
them), passes them
only their own constructor parameters (checked as ``fit`` checks them), sets
only fitted-attribute names (``lower_case_``) that are not methods or
properties of the class, and checks that the fitted arrays' shapes agree.
Anything else, and any file that is not such an archive, raises
:class:`~minilr.exceptions.ModelFileError`. A file is refused if its
``format`` is newer than :data:`FORMAT_VERSION` or its minilr major version
differs from this one. Format 1 files (the parameter names before ``lam``,
``max_iter`` and ``update`` were shared by every estimator) are read with their
parameters renamed, see :func:`upgrade_params`.

Saving writes to a temporary file next to ``path`` and renames it into place,
so an interrupted save never leaves a half-written model where a good one was.
"""

import json
import os
import re
import tempfile
import warnings
import zipfile
import zlib

import numpy as np
from numpy.lib.npyio import NpzFile

from . import __version__  # the package sets it before importing any module
from .exceptions import ModelFileError

__all__ = ["save", "load", "register", "upgrade_params", "REGISTRY", "FORMAT_VERSION"]

FORMAT_VERSION = 2
META_KEY = "__minilr__"
#: The classes :func:`load` may create, by name; filled by :func:`register`.
REGISTRY = {}
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*_\Z")


def register(cls):
    """Class decorator: let :func:`save` write and :func:`load` create ``cls``.

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.persistence import REGISTRY
    >>> REGISTRY["LogisticRegression"] is LogisticRegression  # registered, so load can make one
    True
    """
    REGISTRY[cls.__name__] = cls
    return cls


def upgrade_params(cls_name, params):
    """Format 1 parameters under the names of format 2.

    ``MLPClassifier``: ``alpha`` -> ``lam``, ``max_epochs`` -> ``max_iter``, ``solver``
    (an update rule) -> ``update``. For both estimators ``momentum`` is kept only
    with ``update="momentum"`` (None otherwise); ``LogisticRegression`` with
    ``solver="sgd"`` and ``momentum > 0`` used the momentum rule, and gets
    ``update="momentum"``.

    Examples
    --------
    >>> from minilr.persistence import upgrade_params
    >>> upgrade_params("MLPClassifier", {"alpha": 0.1, "max_epochs": 50, "solver": "adam"})
    {'lam': 0.1, 'max_iter': 50, 'update': 'adam'}
    """
    params = dict(params)
    if cls_name == "MLPClassifier":
        for old, new in (("alpha", "lam"), ("max_epochs", "max_iter"), ("solver", "update")):
            if old in params:
                params[new] = params.pop(old)
    elif cls_name == "LogisticRegression" and "momentum" in params:
        momentum = params["momentum"]
        sgd = params.get("solver") == "sgd"
        params["update"] = "momentum" if sgd and momentum else "sgd"
    if "momentum" in params and params.get("update") != "momentum":
        params["momentum"] = None
    return params


# ---------------------------------------------------------------- save
def save(estimator, path):
    """Write ``estimator`` (parameters and fitted arrays) to the ``.npz`` file ``path``.

    Parameters
    ----------
    estimator : LogisticRegression, MLPClassifier or OneVsAllClassifier
        Fitted or not. A ``OneVsAllClassifier`` must wrap minilr estimators.
    path : str, path-like or writable binary file
        Written exactly as given (no ``.npz`` is appended).

    Raises
    ------
    TypeError
        For an estimator (or a nested one) that is not a minilr estimator, or
        an attribute that cannot be stored without pickling.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr import LogisticRegression, load
    >>> from minilr.datasets import make_linear_boundary
    >>> X, y = make_linear_boundary(n_samples=50, random_state=0)
    >>> model = LogisticRegression().fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     model.save(Path(folder) / "model.npz")
    ...     again = load(Path(folder) / "model.npz")
    ...
    >>> bool((again.predict(X) == model.predict(X)).all())
    True
    """
    arrays = {}
    header = {
        "format": FORMAT_VERSION,
        "minilr_version": __version__,
        "estimator": _encode_estimator(estimator, "", arrays),
    }
    arrays[META_KEY] = np.array(json.dumps(header))
    if hasattr(path, "write"):
        np.savez_compressed(path, **arrays)
    else:
        _write_atomically(os.fspath(path), arrays)


def _write_atomically(path, arrays):
    """Write to a temporary file in the same folder, then rename it onto ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".minilr-", suffix=".npz.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # KeyboardInterrupt too: the old file stays, the temporary goes
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _encode_estimator(estimator, prefix, arrays):
    name = type(estimator).__name__
    if REGISTRY.get(name) is not type(estimator):
        raise TypeError(
            f"minilr can save only {sorted(REGISTRY)} (and OneVsAllClassifier wrapping them), "
            f"not {type(estimator).__module__}.{name}. Save other models with pickle or joblib."
        )
    params = {key: _encode_param(key, value, f"{prefix}{key}.", arrays)
              for key, value in estimator.get_params(deep=False).items()}
    attributes = {key: _encode(value, f"{prefix}{key}", arrays, key)
                  for key, value in sorted(vars(estimator).items()) if _ATTRIBUTE.match(key)}
    return {"class": name, "params": params, "attributes": attributes}


def _encode_param(name, value, prefix, arrays):
    if isinstance(value, (np.random.Generator, np.random.RandomState)):
        # A generator's state is not a parameter a file should carry; the seed is gone.
        warnings.warn(
            f"{name} is a {type(value).__name__}, which is saved as None: a refit of the "
            "loaded model will draw other random numbers (its predictions are the same).",
            UserWarning, stacklevel=4,
        )
        return None
    return _encode(value, prefix, arrays, name)


def _encode(value, key, arrays, name):
    """``value`` as JSON, its arrays put into ``arrays`` under names starting with ``key``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    if isinstance(value, np.ndarray):
        return _encode_array(value, key, arrays, name)
    if isinstance(value, (list, tuple)):
        items = [_encode(v, f"{key}.{i}", arrays, name) for i, v in enumerate(value)]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if hasattr(value, "get_params") and not isinstance(value, type):
        return {"estimator": _encode_estimator(value, f"{key}.", arrays)}
    raise TypeError(
        f"Cannot save {name}: a {type(value).__name__} is not an array, a number, a string "
        "or a minilr estimator."
    )


def _encode_array(a, key, arrays, name):
    if a.dtype.kind != "O":
        arrays[key] = a
        return {"array": key}
    items = a.tolist() if a.ndim else [a.item()]
    if all(isinstance(v, str) for v in items):
        stored = np.array(items, dtype=str).reshape(a.shape)  # unicode, never pickled
    else:
        stored = np.array(items).reshape(a.shape)
        if stored.dtype.kind not in "biufU":
            raise TypeError(
                f"Cannot save {name}: it holds Python objects ({type(items[0]).__name__}) "
                "that only pickle could store. Use numbers or strings as labels."
            )
    arrays[key] = stored
    return {"array": key, "dtype": "object"}


# ---------------------------------------------------------------- load
def load(path):
    """Read an estimator written by :meth:`~minilr.base.BaseEstimator.save`.

    Parameters
    ----------
    path : str, path-like or readable binary file

    Returns
    -------
    estimator
        A new :class:`~minilr.LogisticRegression`, :class:`~minilr.MLPClassifier`
        or :class:`~minilr.multiclass.OneVsAllClassifier`, with the saved
        parameters and, if it was fitted, the saved fitted attributes.

    Raises
    ------
    ModelFileError
        If the file is not a minilr model (not an ``.npz`` archive, truncated,
        no minilr header, an unknown estimator class, parameter or attribute,
        an object array, arrays whose shapes do not fit together) or was
        written by an incompatible minilr.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr import LogisticRegression
    >>> from minilr.persistence import load, save
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> model = LogisticRegression(lam=0.5).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(model, Path(folder) / "model.npz")
    ...     again = load(Path(folder) / "model.npz")
    ...
    >>> type(again).__name__, again.lam, again.classes_.tolist()
    ('LogisticRegression', 0.5, [0, 1])
    """
    if hasattr(path, "read"):
        where, name = path, getattr(path, "name", "the file")
    else:
        where = name = os.fspath(path)
    members = _read_members(where, name)
    if META_KEY not in members:
        raise ModelFileError(
            f"{name!r} is not a minilr model file: it has no {META_KEY!r} header "
            f"(it holds {sorted(members)[:5]}). Save models with model.save(path)."
        )
    header = _read_header(members.pop(META_KEY), name)
    try:
        estimator = _decode_estimator(header["estimator"], members, name, header["format"])
    except RecursionError:  # a header nested thousands deep was not written by save
        raise ModelFileError(f"{name!r} has a damaged minilr header (nested too deep).") from None
    _check_shapes(estimator, name)
    return estimator


def _read_members(where, name):
    """Every array of the archive, read now: a truncated or pickled member fails here."""
    damaged = (f"{name!r} is not a readable minilr model file: it is not an .npz archive, or "
               "it is truncated or damaged")
    try:
        archive = np.load(where, allow_pickle=False)
    except (ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"{damaged} ({exc}).") from None
    if not isinstance(archive, NpzFile):
        raise ModelFileError(f"{name!r} holds a single .npy array, not a minilr model (.npz).")
    with archive:
        try:
            return {key: archive[key] for key in archive.files}
        except ValueError as exc:
            if "Object arrays" in str(exc):
                raise ModelFileError(
                    f"{name!r} holds an object array, which minilr never loads: unpickling it "
                    "could run code, and a minilr model file has none."
                ) from None
            raise ModelFileError(f"{damaged} ({exc}).") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ModelFileError(f"{damaged} ({exc}).") from None


def _read_header(meta, name):
    try:
        header = json.loads(str(meta[()]))
        version, fmt = str(header["minilr_version"]), header["format"]
        major = int(version.split(".")[0])
        header["estimator"]["class"]
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        raise ModelFileError(f"{name!r} has a damaged minilr header.") from None
    if not isinstance(fmt, int) or isinstance(fmt, bool) or not 1 <= fmt <= FORMAT_VERSION:
        raise ModelFileError(
            f"{name!r} uses model file format {fmt!r}, but this minilr ({__version__}) reads "
            f"formats 1 to {FORMAT_VERSION}. Load it with the minilr that saved it "
            f"({version}), or refit the model."
        )
    if major != int(__version__.split(".")[0]):
        raise ModelFileError(
            f"{name!r} was saved by minilr {version}, whose major version differs from this "
            f"minilr ({__version__}). Load it with minilr {major}.x, or refit the model."
        )
    return header


def _decode_estimator(node, members, name, fmt):
    if not isinstance(node, dict):
        raise ModelFileError(f"{name!r} has a damaged minilr header.")
    cls_name = node.get("class")
    if cls_name not in REGISTRY:
        raise ModelFileError(
            f"{name!r} names the estimator class {cls_name!r}, which minilr does not load "
            f"(it creates only {sorted(REGISTRY)})."
        )
    cls = REGISTRY[cls_name]
    params, attributes = node.get("params", {}), node.get("attributes", {})
    if fmt == 1 and isinstance(params, dict):
        params = upgrade_params(cls_name, params)
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ModelFileError(
            f"{name!r} gives {cls_name} the parameters {unknown}, which it does not have: the "
            "file comes from another minilr version or was edited."
        )
    estimator = cls(**{k: _decode(v, members, name, fmt) for k, v in params.items()})
    if hasattr(estimator, "_check_params"):  # the same checks as fit, so no surprise later
        try:
            estimator._check_params()
        except (TypeError, ValueError) as exc:
            raise ModelFileError(f"{name!r} gives {cls_name} an invalid parameter: {exc}") \
                from None
    for key, value in attributes.items():
        if not _ATTRIBUTE.match(key) or hasattr(cls, key):
            raise ModelFileError(f"{name!r} sets {cls_name}.{key}, which is not a fitted "
                                 "attribute minilr writes.")
        setattr(estimator, key, _decode(value, members, name, fmt))
    return estimator


def _decode(value, members, name, fmt):
    """The value a JSON ``value`` of the header stands for (see :func:`_encode`)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict) and isinstance(value.get("array"), str):
        if value["array"] not in members:
            raise ModelFileError(f"{name!r} lacks the array {value['array']!r} its header names.")
        a = members[value["array"]]
        return a.astype(object) if value.get("dtype") == "object" else a
    if isinstance(value, dict) and len(value) == 1:
        (kind, content), = value.items()
        if kind in ("list", "tuple") and isinstance(content, list):
            items = [_decode(v, members, name, fmt) for v in content]
            return items if kind == "list" else tuple(items)
        if kind == "estimator":
            return _decode_estimator(content, members, name, fmt)
    raise ModelFileError(f"{name!r} has a damaged minilr header ({value!r} is not a value).")


def _check_shapes(estimator, name):
    """ModelFileError unless the fitted arrays fit together (an edited file could break predict)."""
    if not hasattr(estimator, "n_features_in_"):
        return  # saved before fit
    try:
        ok = _shapes_fit(estimator)
    except (AttributeError, TypeError, IndexError, ValueError):
        ok = False
    if not ok:
        raise ModelFileError(
            f"{name!r}: the fitted arrays of {type(estimator).__name__} do not fit together "
            "(shapes, number of classes or features); the file was damaged or edited."
        )


def _shapes_fit(estimator):
    n, K = estimator.n_features_in_, len(estimator.classes_)
    if not isinstance(n, int) or n < 1 or K < 2:
        return False
    out = 1 if K == 2 else K  # output units (rows of coef_, estimators)
    fitted = vars(estimator)
    if "coef_" in fitted:  # LogisticRegression
        return estimator.coef_.shape == (out, n) and estimator.intercept_.shape == (out,)
    if "coefs_" in fitted:  # MLPClassifier
        sizes = [n] + [b.shape[0] for b in estimator.intercepts_]
        return (sizes[-1] == out and len(estimator.coefs_) == len(estimator.intercepts_)
                and all(W.shape == (a, b) for W, a, b in
                        zip(estimator.coefs_, sizes[:-1], sizes[1:])))
    return (len(estimator.estimators_) == out
            and all(e.n_features_in_ == n and _shapes_fit(e) for e in estimator.estimators_))
