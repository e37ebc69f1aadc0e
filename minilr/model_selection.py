r"""Choosing λ on data held out: the cross-entropy of a fit, and the validation curve.

A penalty is chosen by fitting on the training set and measuring on a validation
set the model never saw; the test set is used once, for the chosen model only.
Both curves are the *unregularised* mean cross-entropy, so that every λ is judged
by the same yardstick (the penalty is part of what training minimises, not of how
well the model predicts).
"""

import numpy as np

from .functions import log_sigmoid
from .linear import LogisticRegression

__all__ = ["cross_entropy", "validation_curve"]


def cross_entropy(model, X, y):
    r"""Mean cross-entropy of a fitted binary model on ``(X, y)``, without the penalty.

    Parameters
    ----------
    model : fitted binary LogisticRegression
        Or any model with ``decision_function`` (the logit) and ``classes_``.
    X : ndarray of shape (m, n)
    y : ndarray of shape (m,)
        Labels; ``model.classes_[1]`` is the positive class.

    Returns
    -------
    float

    Notes
    -----
    From the logits :math:`z_i`, so that a confident model costs no ``log(0)``:

    .. math::
        J = -\frac1m \sum_i \left[ y_i \log \sigma(z_i) + (1 - y_i) \log \sigma(-z_i) \right]

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.model_selection import cross_entropy
    >>> X, y = make_linear_boundary(n_samples=200, random_state=0)
    >>> model = LogisticRegression(lam=1.0).fit(X, y)
    >>> round(cross_entropy(model, X, y), 3)
    0.297
    """
    z = np.asarray(model.decision_function(X), dtype=np.float64).reshape(-1)
    t = (np.asarray(y) == model.classes_[1]).astype(np.float64)
    return float(-np.mean(t * log_sigmoid(z) + (1 - t) * log_sigmoid(-z)))


def validation_curve(X_train, y_train, X_val, y_val, lams, **params):
    r"""Fit one model per λ on the training set; its cost on the training and validation sets.

    Parameters
    ----------
    X_train : ndarray of shape (m, n)
        Features without a column of ones (the model fits its intercept).
    y_train : ndarray of shape (m,)
    X_val : ndarray of shape (m_val, n)
    y_val : ndarray of shape (m_val,)
    lams : sequence of float
        The penalties :math:`\lambda_k \ge 0` to try.
    **params
        Passed to :class:`minilr.LogisticRegression` (``tol=1e-8`` unless given).

    Returns
    -------
    train_costs, val_costs : ndarray of shape (len(lams),)
        The :func:`cross_entropy`, without the penalty, of the model fitted with
        :math:`\lambda_k` on the training set:

        .. math::
            w_k = \arg\min_w J_{\text{train}}(w) + \frac{\lambda_k}{2m} \lVert w \rVert^2,
            \qquad \text{train}_k = J_{\text{train}}(w_k), \quad \text{val}_k = J_{\text{val}}(w_k)

    Notes
    -----
    The training cost grows with λ (the fit is held back more); the validation
    cost usually falls and then rises again. Pick the λ where it is lowest.

    Examples
    --------
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.model_selection import validation_curve
    >>> X, y = make_linear_boundary(n_samples=200, random_state=0)
    >>> train, val = validation_curve(X[:100], y[:100], X[100:], y[100:], [0.1, 10.0, 1000.0])
    >>> bool(train[0] < train[1] < train[2])
    True
    """
    params = {"tol": 1e-8, **params}
    train_costs, val_costs = [], []
    for lam in lams:
        model = LogisticRegression(lam=lam, **params).fit(X_train, y_train)
        train_costs.append(cross_entropy(model, X_train, y_train))
        val_costs.append(cross_entropy(model, X_val, y_val))
    return np.array(train_costs), np.array(val_costs)
