"""minilr's own exception and warning classes."""

import functools
import sys

from ._validation import DataConversionWarning

__all__ = [
    "NotFittedError",
    "ConvergenceWarning",
    "DivergenceError",
    "DataConversionWarning",
    "TrainingInterrupted",
    "FeatureScaleWarning",
    "ModelFileError",
]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit`` was called.

    Examples
    --------
    >>> from minilr import LogisticRegression, NotFittedError
    >>> try:
    ...     LogisticRegression().predict([[0.0]])
    ... except NotFittedError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    ...
    This LogisticRegression instance is not fitted yet. Call 'fit' with ...
    """


class ConvergenceWarning(UserWarning):
    """The optimiser stopped at ``max_iter`` before meeting its tolerance.

    Examples
    --------
    >>> import warnings
    >>> from minilr import ConvergenceWarning, LogisticRegression
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = LogisticRegression(solver="gd", max_iter=2).fit(X, y)
    ...
    >>> [w.category.__name__ for w in caught], model.converged_
    (['ConvergenceWarning'], False)
    """


class TrainingInterrupted(UserWarning):
    """``fit`` was stopped by ``KeyboardInterrupt`` (the notebook's stop button).

    The estimator keeps the parameters of the last completed epoch, with
    ``converged_ = False``; it is a ``UserWarning`` and not a
    :class:`ConvergenceWarning` so that silencing the latter never hides it.

    Examples
    --------
    >>> import warnings
    >>> from minilr import LogisticRegression, TrainingInterrupted
    >>> def stop_button(epoch, cost, params):  # what the notebook's stop button does
    ...     if epoch == 3:
    ...         raise KeyboardInterrupt
    ...
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = LogisticRegression(solver="gd")
    ...     model = model.fit([[0.0], [1.0]], [0, 1], callback=stop_button)
    ...
    >>> [w.category.__name__ for w in caught], model.n_iter_, model.converged_
    (['TrainingInterrupted'], 3, False)
    """


class FeatureScaleWarning(UserWarning):
    """The scale of the features makes the fit unreliable; standardise them.

    See :func:`minilr.base.feature_scale_problem` for the rule.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from minilr import FeatureScaleWarning, LogisticRegression
    >>> X = np.array([[0.0, 0.0], [1.0, 2e5], [2.0, 1e5], [3.0, 3e5]])  # a second column in cents
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = LogisticRegression(max_iter=10).fit(X, [0, 0, 1, 1])
    ...
    >>> FeatureScaleWarning in [w.category for w in caught]
    True
    """


class ModelFileError(ValueError):
    """A file given to :func:`minilr.load` is not a model minilr can read.

    Raised for files that are not ``.npz`` archives, truncated files, archives
    without minilr's metadata, files written by an incompatible minilr, and
    files naming an estimator class or holding data that minilr does not load.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr import ModelFileError, load
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "notes.npz"
    ...     _ = path.write_text("not a model")
    ...     try:
    ...         load(path)
    ...     except ModelFileError as error:
    ...         print(type(error).__name__)
    ...
    ModelFileError
    """


class DivergenceError(FloatingPointError):
    """The cost or the parameters stopped being finite (or exploded) during training.

    Attributes
    ----------
    epoch : int
        The epoch at which it was detected (1-based).
    history : ndarray
        The costs recorded up to that epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr import DivergenceError
    >>> from minilr.optim import gradient_descent
    >>> try:  # J(x) = x^2 with a step far too large: each step multiplies x by -19
    ...     gradient_descent(lambda x: (float(x @ x), 2 * x), np.ones(1), learning_rate=10.0)
    ... except DivergenceError as error:
    ...     print(type(error).__name__, error.epoch)
    ...
    DivergenceError 122
    """

    def __init__(self, message, epoch=None, history=None):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


@functools.lru_cache(maxsize=None)
def _bridged(sklearn_cls):
    return type("NotFittedError", (NotFittedError, sklearn_cls), {"__module__": __name__})


def not_fitted_error(estimator):
    """The error to raise for an unfitted ``estimator``.

    When scikit-learn is already loaded (its tools are in use), the error is
    also an instance of scikit-learn's ``NotFittedError`` so that those tools
    recognise it; minilr itself never imports scikit-learn.
    """
    name = type(estimator).__name__
    msg = (
        f"This {name} instance is not fitted yet. Call 'fit' with appropriate "
        "arguments before using this estimator."
    )
    sk = sys.modules.get("sklearn.exceptions")
    cls = _bridged(sk.NotFittedError) if sk is not None else NotFittedError
    return cls(msg)
