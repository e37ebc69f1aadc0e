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
    """Raised when an estimator is used before ``fit`` was called."""


class ConvergenceWarning(UserWarning):
    """The optimiser stopped at ``max_iter`` before meeting its tolerance."""


class TrainingInterrupted(UserWarning):
    """``fit`` was stopped by ``KeyboardInterrupt`` (the notebook's stop button).

    The estimator keeps the parameters of the last completed epoch, with
    ``converged_ = False``; it is a ``UserWarning`` and not a
    :class:`ConvergenceWarning` so that silencing the latter never hides it.
    """


class FeatureScaleWarning(UserWarning):
    """The scale of the features makes the fit unreliable; standardise them.

    See :func:`minilr.base.feature_scale_problem` for the rule.
    """


class ModelFileError(ValueError):
    """A file given to :func:`minilr.load` is not a model minilr can read.

    Raised for files that are not ``.npz`` archives, truncated files, archives
    without minilr's metadata, files written by an incompatible minilr, and
    files naming an estimator class or holding data that minilr does not load.
    """


class DivergenceError(FloatingPointError):
    """The cost or the parameters stopped being finite (or exploded) during training.

    Attributes
    ----------
    epoch : int
        The epoch at which it was detected (1-based).
    history : ndarray
        The costs recorded up to that epoch.
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
