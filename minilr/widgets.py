r"""What λ does, to move by hand: a slider that refits, and the same views drawn still.

:class:`LambdaExplorer` fits logistic regression on polynomial features of two
measurements (:func:`minilr.preprocessing.map_feature`, standardised) and draws
the decision boundary beside the training and validation costs against λ. Its
``show()`` puts an ``ipywidgets`` slider over λ (log scale) above the figure;
moving it refits at the new λ and redraws the figure in place, through the
machinery of :mod:`minilr.live_plot` (one display, updated with an
``update_display_data`` message). :func:`plot_lambda_boundaries` draws the
boundaries at several λ side by side, for a page that has no kernel to move a
slider in.

ipywidgets is imported only by ``show()`` (``pip install ipywidgets``, or
minilr's ``notebook`` extra).
"""

import numpy as np

from .linear import LogisticRegression
from .live_plot import LivePlot
from .model_selection import cross_entropy, validation_curve
from .plotting import plot_decision_boundary
from .preprocessing import map_feature, standardize

__all__ = ["PolynomialFit", "LambdaExplorer", "plot_lambda_boundaries"]


class PolynomialFit:
    r"""Logistic regression on the standardised monomials of two measurements, seen from those two.

    Parameters
    ----------
    X_train : ndarray of shape (m, 2)
        The two measurements; their monomials' means and standard deviations
        on this set standardise every set.
    y_train : ndarray of shape (m,)
    lam : float, default=1.0
    degree : int, default=6
    tol : float, default=1e-8

    Attributes
    ----------
    model : LogisticRegression
        Fitted on ``features(X_train)``.
    lam : float

    Notes
    -----
    The model is linear in the :math:`(d+1)(d+2)/2 - 1` monomials (the ones column
    of :func:`~minilr.preprocessing.map_feature` is dropped: the model has its own
    intercept), so its boundary :math:`w^\top \phi(x) + b = 0` is a polynomial
    curve in :math:`(x_1, x_2)`.

    Examples
    --------
    >>> from minilr.datasets import make_closed_boundary
    >>> from minilr.widgets import PolynomialFit
    >>> X, y = make_closed_boundary(100, random_state=0)
    >>> fit = PolynomialFit(X, y, lam=1.0)
    >>> fit.features(X).shape, fit.predict_proba(X[:2]).shape
    ((100, 27), (2, 2))
    """

    def __init__(self, X_train, y_train, lam=1.0, degree=6, tol=1e-8):
        X_train = _two_columns(X_train, "X_train")
        self.degree, self.lam = degree, float(lam)
        _, self.mean_, self.std_ = standardize(self._monomials(X_train))
        self.model = LogisticRegression(lam=self.lam, tol=tol).fit(self.features(X_train), y_train)

    def _monomials(self, X):
        return map_feature(X[:, 0], X[:, 1], self.degree)[:, 1:]

    def features(self, X):
        """The standardised monomials of ``X`` (m, 2): an array (m, (d+1)(d+2)/2 - 1)."""
        return standardize(self._monomials(_two_columns(X, "X")), self.mean_, self.std_)[0]

    def predict_proba(self, X):
        """The model's probabilities on the two measurements ``X`` (m, 2): an array (m, 2)."""
        return self.model.predict_proba(self.features(X))

    def accuracy(self, X, y):
        """The share of ``(X, y)`` classified right."""
        return float(self.model.score(self.features(X), y))

    def cost(self, X, y):
        """The mean cross-entropy on ``(X, y)``, without the penalty."""
        return cross_entropy(self.model, self.features(X), y)


def _two_columns(X, name):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{name} must hold two measurements per row, shape (m, 2), got {X.shape}.")
    return X


def _draw_fit(ax, fit, X, y, true_curve, legend=True):
    plot_decision_boundary(fit, X, y, ax=ax, grid_resolution=120)
    if true_curve is not None:
        ax.plot(*np.asarray(true_curve).T, "--", color="tab:green", lw=1, label="true boundary")
    if legend:
        ax.legend(loc="upper right", fontsize="x-small", framealpha=0.6)
    else:
        ax.get_legend().remove()


class LambdaExplorer(LivePlot):
    """A slider over λ that refits and redraws the boundary and the costs in place.

    Parameters
    ----------
    X_train, y_train : ndarray of shape (m, 2) and (m,)
        Where each model is fitted (and the points drawn).
    X_val, y_val : ndarray of shape (m_val, 2) and (m_val,)
        Where it is judged.
    lam : float, default=1.0
        The first λ.
    lams : ndarray of shape (k,), optional
        The λ of the cost curves and the slider's range; by default
        ``np.logspace(-3, 2, 21)``.
    degree : int, default=6
    true_curve : ndarray of shape (p, 2), optional
        Points of a known boundary, drawn dashed.
    curve : (ndarray, ndarray) of shape (k,) each, optional
        The training and validation costs over ``lams``, if already computed
        (by :func:`minilr.model_selection.validation_curve` on the same features).
    path : str or Path, optional
        Outside Jupyter, where each redraw is saved as a PNG.

    Attributes
    ----------
    fit : PolynomialFit
        The model at the current λ.
    train_costs, val_costs : ndarray of shape (k,)
        :func:`minilr.model_selection.validation_curve` over ``lams``.
    slider : ipywidgets.FloatLogSlider or None
        Made by :meth:`show`.

    Examples
    --------
    >>> from minilr.datasets import make_closed_boundary
    >>> from minilr.widgets import LambdaExplorer
    >>> X, y = make_closed_boundary(200, random_state=0)
    >>> explorer = LambdaExplorer(X[:100], y[:100], X[100:], y[100:], lams=[0.01, 1.0, 100.0])
    >>> explorer.set_lam(100.0)  # what moving the slider does: refit, redraw
    >>> explorer.fit.lam, explorer.n_redraws
    (100.0, 1)
    """

    def __init__(self, X_train, y_train, X_val, y_val, *, lam=1.0, lams=None, degree=6,
                 true_curve=None, curve=None, path=None):
        super().__init__(every=1, path=path, figsize=(9, 3.8))
        self.figure.clear()
        self.ax, self.ax_cost = self.figure.subplots(1, 2)
        self.X_train, self.y_train = _two_columns(X_train, "X_train"), np.asarray(y_train)
        self.X_val, self.y_val = _two_columns(X_val, "X_val"), np.asarray(y_val)
        self.lams = np.logspace(-3, 2, 21) if lams is None else np.asarray(lams, dtype=np.float64)
        if self.lams.ndim != 1 or self.lams.size < 2 or np.any(self.lams <= 0):
            raise ValueError(f"lams must hold at least two penalties > 0 (a log axis), got {lams!r}.")
        self.degree, self.true_curve, self.slider = degree, true_curve, None
        self.fit = PolynomialFit(self.X_train, self.y_train, lam, degree)
        if curve is None:
            curve = validation_curve(self.fit.features(self.X_train), self.y_train,
                                     self.fit.features(self.X_val), self.y_val, self.lams)
        self.train_costs, self.val_costs = (np.asarray(c, dtype=np.float64) for c in curve)

    def set_lam(self, lam):
        """Refit at ``lam`` and redraw (in place, in Jupyter)."""
        self.fit = PolynomialFit(self.X_train, self.y_train, lam, self.degree)
        self._redraw()
        if not self._jupyter and self.path is not None:
            self.figure.savefig(self.path, dpi=100)

    def show(self):
        """Display the slider and, under it, the figure; moving the slider calls :meth:`set_lam`.

        Returns
        -------
        ipywidgets.FloatLogSlider
            Its ``value`` is λ; setting it from code refits too.
        """
        import ipywidgets
        from IPython.display import display

        low, high = np.log10(self.lams[0]), np.log10(self.lams[-1])
        self.slider = ipywidgets.FloatLogSlider(
            value=float(np.clip(self.fit.lam, self.lams[0], self.lams[-1])), base=10, min=low, max=high,
            step=0.25, description="λ", readout_format=".3g", continuous_update=False)
        self.slider.observe(lambda change: self.set_lam(change["new"]), names="value")
        display(self.slider)
        self._redraw()
        return self.slider

    def _draw(self):
        fit, ax, ax_cost = self.fit, self.ax, self.ax_cost
        ax.clear()
        _draw_fit(ax, fit, self.X_train, self.y_train, self.true_curve)
        ax.set_title(f"λ = {fit.lam:.3g}: accuracy {fit.accuracy(self.X_train, self.y_train):.2f} training, "
                     f"{fit.accuracy(self.X_val, self.y_val):.2f} validation", fontsize="small")
        ax_cost.clear()
        ax_cost.semilogx(self.lams, self.train_costs, "C0-", label="training")
        ax_cost.semilogx(self.lams, self.val_costs, "C1-", label="validation")
        ax_cost.axvline(fit.lam, color="k", lw=0.8)
        ax_cost.plot([fit.lam] * 2, [fit.cost(self.X_train, self.y_train), fit.cost(self.X_val, self.y_val)],
                     "ko", ms=4)
        ax_cost.set_xlabel("λ")
        ax_cost.set_ylabel("cross-entropy (no penalty)")
        ax_cost.set_title("the costs against λ", fontsize="small")
        ax_cost.legend(fontsize="x-small")
        self.figure.tight_layout()


def plot_lambda_boundaries(X_train, y_train, X_val, y_val, lams, *, degree=6, true_curve=None):
    """The boundaries of degree-``degree`` fits at several λ, side by side, with their accuracies.

    Parameters
    ----------
    X_train, y_train : ndarray of shape (m, 2) and (m,)
        Where each model is fitted; drawn.
    X_val, y_val : ndarray of shape (m_val, 2) and (m_val,)
        Where each is judged (its accuracy in the panel's title).
    lams : sequence of float
        One panel each, in order.
    degree : int, default=6
    true_curve : ndarray of shape (p, 2), optional
        Points of a known boundary, drawn dashed in every panel.

    Returns
    -------
    fig : matplotlib.figure.Figure
        A pyplot figure with one Axes per λ (the first with the legend).
    fits : list of PolynomialFit

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from minilr.datasets import make_closed_boundary
    >>> from minilr.widgets import plot_lambda_boundaries
    >>> X, y = make_closed_boundary(200, random_state=0)
    >>> fig, fits = plot_lambda_boundaries(X[:100], y[:100], X[100:], y[100:], [1.0, 100.0])
    >>> len(fig.axes), fig.axes[1].get_title().splitlines()[0]
    (2, 'λ = 100')
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt  # a figure for the notebook's inline backend

    lams = list(lams)
    fig, axes = plt.subplots(1, len(lams), figsize=(3.2 * len(lams), 3.3), squeeze=False,
                             layout="constrained")
    fits = []
    for i, (ax, lam) in enumerate(zip(axes[0], lams)):
        fit = PolynomialFit(X_train, y_train, lam, degree)
        _draw_fit(ax, fit, np.asarray(X_train), np.asarray(y_train), true_curve, legend=i == 0)
        ax.set_title(f"λ = {lam:g}\naccuracy {fit.accuracy(X_train, y_train):.2f} training, "
                     f"{fit.accuracy(X_val, y_val):.2f} validation", fontsize="small")
        fits.append(fit)
    return fig, fits
