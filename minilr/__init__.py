"""minilr: logistic regression and small neural networks from scratch in NumPy.

The functional core (:mod:`minilr.functions`, :mod:`minilr.losses`,
:mod:`minilr.optim`, :mod:`minilr.gradcheck`) is what the lessons read; the
estimators (:class:`LogisticRegression`, ...) are thin shells around it.
"""

__version__ = "0.1.0"

from .exceptions import (
    ConvergenceWarning,
    DivergenceError,
    FeatureScaleWarning,
    ModelFileError,
    NotFittedError,
    TrainingInterrupted,
)
from .functions import log_sigmoid, sigmoid, softmax
from .gradcheck import check_gradient, numerical_gradient
from .linear import LogisticRegression
from .multiclass import OneVsAllClassifier
from .mlp import MLPClassifier
from .persistence import load

__all__ = [
    "LogisticRegression",
    "MLPClassifier",
    "OneVsAllClassifier",
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "check_gradient",
    "numerical_gradient",
    "ConvergenceWarning",
    "DivergenceError",
    "NotFittedError",
    "TrainingInterrupted",
    "FeatureScaleWarning",
    "ModelFileError",
    "load",
]
