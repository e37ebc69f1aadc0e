r"""One-vs-all: K binary classifiers, one per class, fitted in parallel if asked.

:class:`OneVsAllClassifier` turns any binary classifier with ``predict_proba``
or ``decision_function`` (minilr's or scikit-learn's) into a K-class one:

1. *map*: K independent jobs; job ``k`` fits a fresh clone of the estimator
   to the binary problem "class ``k`` or not";
2. *root step*: the K fitted estimators are merged into one predictor, whose
   score for class ``k`` is the positive-class score of estimator ``k``.

The jobs go through :class:`joblib.Parallel`, so ``joblib.parallel_config``
decides where they run: worker processes (loky, the default), threads, or a
Dask cluster. Every job is handed the *same* ``X`` and the same encoded labels
``y_idx`` and builds its own 0/1 target ``y_idx == k``. That is what lets
joblib's Dask backend send the data once: it scatters every argument larger
than 1 kB to the cluster once per ``Parallel`` call (keyed by the object's
identity) and hands each job a reference to it. A per-job target
``(y == k)`` would be a new object, and so a new transfer, for each of the K
jobs.

:class:`minilr.LogisticRegression` with ``multi_class="ova"`` solves the same
K problems in one optimisation over an (n, K) parameter matrix. Both reach the
same optimum, but not along the same path: with the same solver at a tight
``tol`` (say 1e-10) their coefficients agree to better than 1e-6.
"""

import contextlib
import copy
import numbers
import threading
import warnings

import numpy as np

from ._validation import check_scalar, check_Xy
from .base import BaseEstimator, ClassifierMixin
from .exceptions import ConvergenceWarning
from .persistence import register
from .preprocessing import encode_labels

__all__ = ["OneVsAllClassifier"]

SCORES = ("decision_function", "predict_proba")


@register
class OneVsAllClassifier(ClassifierMixin, BaseEstimator):
    r"""One binary classifier per class; predict the class whose classifier scores highest.

    Parameters
    ----------
    estimator : estimator instance
        An unfitted binary classifier with ``fit`` and ``predict_proba`` or
        ``decision_function``, e.g. ``LogisticRegression(lam=1)``. It is
        cloned, never fitted itself. Its parameters are reachable as
        ``estimator__<name>`` (``set_params(estimator__lam=10)``).
    n_jobs : int or None, default=None
        Number of jobs fitting the K binary problems at once, through
        :class:`joblib.Parallel`. None means 1 unless a
        ``joblib.parallel_config(n_jobs=...)`` context says otherwise; -1 means
        all CPUs. The backend (processes, threads, Dask) is joblib's choice, set
        with ``joblib.parallel_config(backend=...)``.

    Attributes
    ----------
    estimators_ : list of K fitted estimators
        ``estimators_[k]`` separates ``classes_[k]`` (label 1) from the rest
        (label 0). With two classes there is a single estimator, for
        ``classes_[1]``, as in a binary :class:`~minilr.LogisticRegression`.
    classes_ : ndarray of shape (K,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,)
        The column names, when ``X`` was a data frame.
    coef_ : ndarray of shape (K, n_features) (or (1, n_features) for two classes)
        The sub-estimators' ``coef_`` stacked; only when all of them have one.
    intercept_ : ndarray of shape (K,) (or (1,) for two classes)

    Notes
    -----
    With :math:`s_k(x)` the positive-class score of estimator :math:`k` (its
    ``decision_function``, or else its probability of label 1),

    .. math::
        \hat y(x) = \operatorname*{arg\,max}_k s_k(x), \qquad
        P(y = k \mid x) = \frac{p_k(x)}{\sum_j p_j(x)},

    where :math:`p_k` is estimator :math:`k`'s ``predict_proba`` of label 1.
    The K problems share nothing, so the result does not depend on how the
    jobs were split.

    Examples
    --------
    >>> from joblib import parallel_config
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import load_digits_20x20
    >>> X, y = load_digits_20x20()
    >>> clf = OneVsAllClassifier(LogisticRegression(lam=1), n_jobs=2)
    >>> with parallel_config(backend="threading"):  # doctest: +SKIP
    ...     clf.fit(X, y)
    """

    def __init__(self, estimator, *, n_jobs=None):
        self.estimator = estimator
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit
    def fit(self, X, y):
        """Fit one clone of ``estimator`` per class.

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,)
            Class labels; every class needs at least 2 samples.

        Returns
        -------
        self

        Notes
        -----
        A ``KeyboardInterrupt`` (the notebook's stop button) stops all K fits:
        the classifier stays as it was before this call, and the interrupt
        propagates.

        The fits' warnings reach the caller even from worker processes: one
        :class:`~minilr.exceptions.ConvergenceWarning` names every class whose
        fit did not converge (jobs in threads issue theirs one by one).
        """
        from joblib import Parallel, delayed  # joblib is only needed to fit

        _check_binary_estimator(self.estimator)
        if self.n_jobs is not None:
            check_scalar(self.n_jobs, "n_jobs", kind=numbers.Integral)
            if self.n_jobs == 0:
                raise ValueError("n_jobs=0 means no workers; use None or 1 (sequential), "
                                 "2 or more, or -1 (all CPUs).")
        self._set_feature_names(X)  # a data frame's column names, before X becomes an array
        X, y = check_Xy(X, y)
        classes, y_idx = encode_labels(y, type(self).__name__)
        _check_class_counts(classes, y_idx)
        # Two classes are one problem, "the second class or not".
        positives = [1] if classes.size == 2 else range(classes.size)
        jobs = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_binary)(self.estimator, X, y_idx, k) for k in positives
        )
        fitted = [estimator for estimator, _ in jobs]
        _reissue_warnings([caught for _, caught in jobs], classes[list(positives)].tolist())
        return self._merge(fitted, classes, X.shape[1])

    def _merge(self, fitted, classes, n_features):
        """The root step: K fitted binary estimators become one K-class predictor."""
        self.estimators_ = list(fitted)
        self.classes_ = classes
        self.n_features_in_ = n_features
        return self

    # ------------------------------------------------------------------ predict
    def _scores(self, X, method):
        """Positive-class scores, shape (m, K) (or (m, 1) for two classes)."""
        X = self._check_X_predict(X)
        if method == "decision_function":
            return np.column_stack([np.reshape(e.decision_function(X), -1)
                                    for e in self.estimators_])
        return np.column_stack([e.predict_proba(X)[:, 1] for e in self.estimators_])

    def _method(self, name):
        """The sub-estimators' ``name`` method exists, or AttributeError (so ``hasattr`` is False)."""
        template = self.estimators_[0] if hasattr(self, "estimators_") else self.estimator
        if not hasattr(template, name):
            raise AttributeError(
                f"{type(self).__name__} has no {name} because its estimator "
                f"{type(template).__name__} has none."
            )

    @property
    def decision_function(self):
        """Scores of the K binary classifiers: shape (m, K), or (m,) for two classes.

        Only available when the estimator has ``decision_function``. For two
        classes, positive values favour ``classes_[1]``.
        """
        self._method("decision_function")
        return self._decision_function

    def _decision_function(self, X):
        S = self._scores(X, "decision_function")
        return S[:, 0] if self.classes_.size == 2 else S

    @property
    def predict_proba(self):
        """Class probabilities, shape (m, K); each row sums to 1.

        Only available when the estimator has ``predict_proba``. The K
        probabilities of label 1 are divided by their row sum (a row where all
        K are 0 becomes uniform). For two classes: :math:`[1 - p, p]`.
        """
        self._method("predict_proba")
        return self._predict_proba

    def _predict_proba(self, X):
        P = self._scores(X, "predict_proba")
        if self.classes_.size == 2:
            return np.column_stack([1 - P[:, 0], P[:, 0]])
        total = np.sum(P, axis=1, keepdims=True)
        uniform = np.full_like(P, 1 / P.shape[1])
        return np.divide(P, total, out=uniform, where=total > 0)

    def predict(self, X):
        """Class labels, shape (m,): the class whose estimator scores highest.

        The score is the estimator's ``decision_function`` if it has one, else
        its probability of label 1. For two classes, ``classes_[1]`` where that
        score is above 0 (or 0.5 for a probability).
        """
        self._check_is_fitted()
        method = SCORES[0] if hasattr(self.estimators_[0], SCORES[0]) else SCORES[1]
        S = self._scores(X, method)
        if self.classes_.size == 2:
            threshold = 0.0 if method == "decision_function" else 0.5
            return self.classes_[(S[:, 0] > threshold).astype(np.intp)]
        return self.classes_[np.argmax(S, axis=1)]

    # ------------------------------------------------------------------ linear view
    def _linear_estimators(self):
        self._check_is_fitted()
        lacking = [type(e).__name__ for e in self.estimators_
                   if not (hasattr(e, "coef_") and hasattr(e, "intercept_"))]
        if lacking:
            raise AttributeError(
                f"coef_ and intercept_ exist only when every estimator has them; "
                f"{lacking[0]} has not."
            )
        return self.estimators_

    @property
    def coef_(self):
        """ndarray of shape (K, n_features): row ``k`` is ``estimators_[k].coef_``."""
        return np.vstack([np.reshape(e.coef_, (1, -1)) for e in self._linear_estimators()])

    @property
    def intercept_(self):
        """ndarray of shape (K,): entry ``k`` is ``estimators_[k].intercept_``."""
        return np.concatenate([np.reshape(e.intercept_, -1) for e in self._linear_estimators()])


def _fit_binary(estimator, X, y_idx, k):
    """One job: a fresh clone of ``estimator`` fitted to "class ``k`` (1) or not (0)".

    Returns the fitted clone and the warnings its fit issued, as
    ``(category, message)`` pairs. They are recorded whenever the job runs in
    its process's main thread (sequential jobs and worker processes, whose
    warnings would otherwise never reach the notebook); ``catch_warnings`` is
    not thread-safe, so jobs in threads let theirs through as they come.

    A minilr estimator stopped by ``KeyboardInterrupt`` keeps its last epoch and
    returns; here the stop button must stop all K fits (as it does when the jobs
    run in worker processes), so the interrupt is raised again.
    """
    record = threading.current_thread() is threading.main_thread()
    with warnings.catch_warnings(record=True) if record else contextlib.nullcontext() as caught:
        if record:
            warnings.simplefilter("always")  # the caller's own filters apply when re-issued
        fitted = _clone(estimator).fit(X, (y_idx == k).astype(np.int64))
    if getattr(fitted, "interrupted_", False):
        raise KeyboardInterrupt
    return fitted, [(w.category, str(w.message)) for w in caught or ()]


def _reissue_warnings(caught, classes):
    """Issue the jobs' recorded warnings in the caller: each distinct one once, and one
    ConvergenceWarning for all the classes whose fit did not converge."""
    not_converged, seen = [], set()
    for label, job in zip(classes, caught):
        for category, message in job:
            if issubclass(category, ConvergenceWarning):
                not_converged.append((label, message))
            elif (category, message) not in seen:
                seen.add((category, message))
                warnings.warn(message, category, stacklevel=3)
    if len(not_converged) == 1 == len(classes):  # two classes: a single fit
        warnings.warn(not_converged[0][1], ConvergenceWarning, stacklevel=3)
    elif not_converged:
        labels = ", ".join(repr(label) for label, _ in not_converged)
        first_label, first = not_converged[0]
        how_many = (f"None of the {len(classes)} one-vs-all fits converged"
                    if len(not_converged) == len(classes) else
                    f"{len(not_converged)} of the {len(classes)} one-vs-all fits did not converge")
        warnings.warn(f"{how_many} (classes {labels}). Class {first_label!r}: {first}",
                      ConvergenceWarning, stacklevel=3)


def _clone(estimator):
    """A new, unfitted estimator with the same parameters (nested estimators cloned too).

    Works like scikit-learn's ``clone`` without importing it: an object without
    ``get_params`` (or a non-estimator parameter) is deep-copied.
    """
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        return copy.deepcopy(estimator)
    params = estimator.get_params(deep=False)
    return type(estimator)(**{name: _clone(value) for name, value in params.items()})


def _check_binary_estimator(estimator):
    """TypeError unless ``estimator`` can be fitted and can score a class."""
    if isinstance(estimator, type):
        raise TypeError(
            f"estimator must be an estimator instance, got the class {estimator.__name__}; "
            f"write {estimator.__name__}() instead."
        )
    name = type(estimator).__name__
    if not hasattr(estimator, "fit"):
        raise TypeError(f"estimator must be a classifier with a fit method, got {name}.")
    if not any(hasattr(estimator, method) for method in SCORES):
        raise TypeError(
            f"OneVsAllClassifier needs an estimator with predict_proba or decision_function "
            f"to score each class, but {name} has neither. Use a classifier that has one, "
            "e.g. minilr's LogisticRegression, or scikit-learn's SVC(probability=True)."
        )


def _check_class_counts(classes, y_idx):
    """ValueError naming the first class with fewer than 2 samples."""
    counts = np.bincount(y_idx, minlength=classes.size)
    rare = classes[counts < 2].tolist()  # plain Python values print as the user wrote them
    if rare:
        listed = ", ".join(repr(c) for c in rare[:5])
        raise ValueError(
            f"Class {rare[0]!r} has only 1 sample in y, but "
            "OneVsAllClassifier needs at least 2 samples of each class to fit its "
            f"one-vs-all problem. Classes with a single sample: {listed}"
            f"{', ...' if len(rare) > 5 else ''}. Collect more samples or drop them."
        )
