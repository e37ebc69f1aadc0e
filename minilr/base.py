"""The estimators' base: parameters and their shared vocabulary, fitted checks, input checks.

It follows scikit-learn's conventions (so ``clone``, ``Pipeline`` and
``GridSearchCV`` work) without importing scikit-learn. Every estimator speaks
one vocabulary: ``lam`` (the penalty), ``max_iter`` (epochs for gradient
descent, SGD and the network; iterations for scipy's solvers), ``solver`` and,
for mini-batch training, ``update`` ("sgd", "momentum", "adam") with its
``momentum``. An old name (``alpha``, ``max_epochs``, the network's ``solver``)
raises a ``TypeError`` that names the new one.
"""

import inspect
import warnings

import numpy as np

from ._validation import check_scalar, check_X, check_y, feature_names, is_dask
from .exceptions import FeatureScaleWarning, not_fitted_error
from .optim import UPDATE_RULES
from .persistence import save

__all__ = ["BaseEstimator", "ClassifierMixin", "check_update", "feature_scale_problem",
           "SCALE_LIMIT", "RENAMED"]

SCALE_LIMIT = 1e4

#: Parameter names of earlier minilr versions, and what to write instead.
RENAMED = {
    "alpha": "lam (the same L2 strength: alpha=0.1 becomes lam=0.1)",
    "max_epochs": "max_iter (epochs for gradient descent, SGD and the network)",
    "C": "lam (minilr's penalty; scikit-learn's C is 1 / lam)",
}


def _renamed_error(cls, name, table):
    return TypeError(
        f"{cls.__name__} has no parameter {name!r}: it is now {table[name]}."
    )


def check_update(update, momentum, applies=True, solver=None):
    """Check the update rule and its momentum; a ValueError says which parameter to change.

    Parameters
    ----------
    update : {"sgd", "momentum", "adam"}
    momentum : float or None
        Used only by ``update="momentum"`` (None there means 0.9).
    applies : bool, default=True
        False for a solver without update rules: ``update`` must then be left at "sgd".
    solver : str, optional
        The solver, for the message.

    Examples
    --------
    >>> from minilr.base import check_update
    >>> check_update("momentum", 0.5)  # fine: returns None
    >>> try:
    ...     check_update("adam", 0.5)
    ... except ValueError as error:
    ...     print(str(error).split(". ")[-1])  # what to do
    ...
    Pass update='momentum' with it, or leave momentum out.
    """
    check_scalar(update, "update", allowed=set(UPDATE_RULES))
    if not applies and update != "sgd":
        raise ValueError(f"update={update!r} is the update rule of solver='sgd', but solver is "
                         f"{solver!r}. Set solver='sgd', or leave update out.")
    if momentum is not None:
        check_scalar(momentum, "momentum", low=0.0, high=1.0)
        if update != "momentum":
            raise ValueError(
                f"momentum={momentum!r} is used only by update='momentum', but update is "
                f"{update!r}. Pass update='momentum' with it, or leave momentum out."
            )


class BaseEstimator:
    """Parameters from the ``__init__`` signature; ``__init__`` only stores them.

    A subclass lists the names it no longer takes in ``_renamed`` (by default
    :data:`RENAMED`); passing one raises a ``TypeError`` naming the new one.

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> model = LogisticRegression(lam=0.5)
    >>> model.get_params()["lam"]
    0.5
    >>> model.set_params(lam=2.0).lam
    2.0
    """

    _renamed = RENAMED

    def __new__(cls, *args, **params):
        # Checked here, before __init__, so that the old name gets a helpful message
        # rather than Python's "unexpected keyword argument".
        for name in params:
            if name in cls._renamed:
                raise _renamed_error(cls, name, cls._renamed)
        return super().__new__(cls)

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep=True):
        """Return the constructor parameters as a dict (nested ones too if ``deep``)."""
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            params[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update({f"{name}__{k}": v for k, v in value.get_params().items()})
        return params

    def set_params(self, **params):
        """Set constructor parameters (``estimator__lam=...`` reaches a nested one)."""
        valid = self._get_param_names()
        nested = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                renamed = f" It is now {self._renamed[name]}." if name in self._renamed else ""
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}.{renamed} "
                    f"Valid parameters are: {valid}."
                )
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        changed = []
        for name in self._get_param_names():
            value = getattr(self, name)
            default = defaults.get(name, inspect.Parameter.empty)
            if not _same(value, default):
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def _repr_html_(self):
        """What Jupyter shows: parameters and, once fitted, what was learned (minilr.display)."""
        from .display import estimator_html

        return estimator_html(self)

    def _repr_mimebundle_(self, **kwargs):
        """Both views, so that a notebook renders the HTML and a terminal the text."""
        return {"text/plain": repr(self), "text/html": self._repr_html_()}

    def __sklearn_tags__(self):
        # Only scikit-learn calls this, so importing it here is free for users.
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False))

    def _set_feature_names(self, X):
        """Remember the column names of a data frame ``X`` (``feature_names_in_``)."""
        names = feature_names(X)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _check_feature_names(self, X):
        """Compare the column names of ``X`` with those seen in ``fit``."""
        fitted, given = getattr(self, "feature_names_in_", None), feature_names(X)
        name = type(self).__name__
        if fitted is None and given is not None:
            warnings.warn(f"X has feature names, but {name} was fitted without feature names",
                          UserWarning, stacklevel=3)
        elif fitted is not None and given is None:
            warnings.warn(f"X does not have valid feature names, but {name} was fitted with "
                          "feature names", UserWarning, stacklevel=3)
        elif fitted is not None and (len(fitted) != len(given) or np.any(fitted != given)):
            unseen = sorted(set(given) - set(fitted))
            missing = sorted(set(fitted) - set(given))
            message = "The feature names should match those that were passed during fit.\n"
            if unseen:
                message += "Feature names unseen at fit time:\n" + _bullets(unseen)
            if missing:
                message += "Feature names seen at fit time, yet now missing:\n" + _bullets(missing)
            if not unseen and not missing:
                message += "Feature names must be in the same order as they were in fit.\n"
            raise ValueError(message)

    def _check_is_fitted(self):
        if not hasattr(self, "n_features_in_"):
            raise not_fitted_error(self)

    def save(self, path):
        """Write the parameters and fitted arrays to the ``.npz`` file ``path``.

        Read it back with :func:`minilr.load`; see :mod:`minilr.persistence`
        for the format. Nothing in the file is pickled.
        """
        save(self, path)

    def _warn_if_badly_scaled(self, X, step_size):
        """One :class:`FeatureScaleWarning` if ``X`` breaks :func:`feature_scale_problem`."""
        if is_dask(X):  # the check would compute the whole array
            return
        problem = feature_scale_problem(X, step_size)
        if problem:
            warnings.warn(
                f"{problem} {type(self).__name__}'s result may be meaningless: standardise "
                "the features, e.g. X = (X - X.mean(axis=0)) / X.std(axis=0) (with the "
                "training mean and std for new data too), or scikit-learn's StandardScaler.",
                FeatureScaleWarning, stacklevel=3,
            )

    def _check_X_predict(self, X):
        """Validate ``X`` for prediction: fitted, finite, and the right number of features."""
        self._check_is_fitted()
        self._check_feature_names(X)
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input. Pass data with the same "
                "columns as in fit."
            )
        return X


def fit_callback(callback, params_of):
    """The optimisers' ``callback(epoch, x, cost)`` as a fit's ``callback(epoch, cost, params)``.

    Parameters
    ----------
    callback : callable or None
        The user's: ``callback(epoch, cost, params)`` after every epoch (or solver
        iteration), with ``params`` a dict of the current parameters in the fitted
        attributes' layout; returning True stops the fit. A ``finish()`` method, if
        it has one, is called by :func:`finish_callback` when the fit ends.
    params_of : callable
        ``params_of(x) -> dict``, from the optimiser's flat vector.

    Returns
    -------
    callable or None
    """
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, cost, params) or None, "
                        f"got {type(callback).__name__}.")
    return lambda epoch, x, cost: bool(callback(epoch, cost, params_of(x)))


def finish_callback(callback):
    """Tell a callback that the fit ended (a live plot draws its last state)."""
    finish = getattr(callback, "finish", None)
    if callable(finish):
        finish()


def feature_scale_problem(X, step_size=True):
    """Why the scale of the features of ``X`` makes a fit unreliable, or None.

    The rule is checked once per ``fit``, on the column minima and maxima of
    the training ``X`` (no copy of ``X`` is made). With ``r_j`` the range
    (max - min) of column ``j`` and ``L`` = ``SCALE_LIMIT`` = 1e4:

    * every column is constant: there is nothing to learn but the class
      frequencies;
    * the ranges of the non-constant columns differ by a factor above ``L``:
      the cost is then a long, narrow valley (badly conditioned) that every
      solver crosses slowly and stops in early;
    * every non-constant range is below ``1 / L``: the gradient with respect
      to the weights is that small too, so the tolerance ``tol`` is met before
      anything is learned;
    * ``step_size`` (gradient descent, SGD and the MLP) and some
      :math:`|x| > L`: a fixed learning rate takes steps proportional to
      :math:`|x|`, far too large.

    Parameters
    ----------
    X : ndarray of shape (m, n)
        Finite training inputs.
    step_size : bool, default=True
        Whether the solver takes steps of a fixed learning rate.

    Returns
    -------
    str or None
        One sentence naming the problem and the numbers behind it.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.base import feature_scale_problem
    >>> feature_scale_problem(np.array([[0.0, 1.0], [1.0, 2.0]])) is None
    True
    >>> feature_scale_problem(np.array([[0.0, 0.0], [1.0, 1e6]])).split(":")[0]
    'The feature scales differ by a factor of 1e+06'
    """
    lo, hi = X.min(axis=0), X.max(axis=0)
    ranges = hi.astype(np.float64) - lo  # float64: a float32 range may overflow
    varying = ranges[ranges > 0]
    if varying.size == 0:
        return ("Every feature of X is constant, so the model can only learn the class "
                "frequencies.")
    if varying.max() > SCALE_LIMIT * varying.min():
        j_min, j_max = np.flatnonzero(ranges == varying.min())[0], np.argmax(ranges)
        with np.errstate(over="ignore"):  # a subnormal range: the factor prints as inf
            factor = varying.max() / varying.min()
        return (f"The feature scales differ by a factor of {factor:.3g}: "
                f"column {j_max} spans {varying.max():.3g} but column {j_min} only "
                f"{varying.min():.3g} (the rule: ranges differing by more than {SCALE_LIMIT:g}).")
    if varying.max() < 1 / SCALE_LIMIT:
        return (f"Every feature varies by less than {1 / SCALE_LIMIT:g} (the largest range is "
                f"{varying.max():.3g}), so the gradient is that small too and tol is met "
                "before anything is learned.")
    largest = max(float(np.max(np.abs(lo))), float(np.max(np.abs(hi))))
    if step_size and largest > SCALE_LIMIT:
        return (f"X holds values as large as {largest:.3g} (the rule: |x| above "
                f"{SCALE_LIMIT:g}), and a fixed learning_rate takes steps proportional to "
                "them.")
    return None


def _bullets(names, most=5):
    lines = [f"- {n}\n" for n in names[:most]]
    return "".join(lines) + ("- ...\n" if len(names) > most else "")


def _same(a, b):
    try:
        return bool(a is b or a == b) and type(a) is type(b)
    except (ValueError, TypeError):
        return False


class ClassifierMixin:
    """``score`` (accuracy) and the classifier tags.

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> LogisticRegression(lam=0.01).fit(X, y).score(X, y)  # the mean accuracy
    1.0
    """

    _estimator_type = "classifier"

    def score(self, X, y):
        """Mean accuracy of ``predict(X)`` against ``y``."""
        # check_y flattens a column vector, which would otherwise broadcast
        # against the predictions into an (m, m) comparison.
        y = check_y(y)
        y_pred = self.predict(X)
        if y.shape[0] != y_pred.shape[0]:
            raise ValueError(
                f"X has {y_pred.shape[0]} rows but y has {y.shape[0]} labels. "
                "Pass one label per row of X."
            )
        return float(np.mean(y_pred == y))

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
        )
