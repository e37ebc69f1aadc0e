r"""Plots that redraw in place while a model trains: the cost curve, the decision boundary.

Pass one as the ``callback`` of an estimator's ``fit``::

    model.fit(X, y, callback=LiveCostPlot(every=10))

Every ``every`` epochs it redraws its figure. In Jupyter the figure is one display
that is updated in place (an ``update_display_data`` message), not a new picture
per redraw; elsewhere the figure is written to ``path`` as a PNG when training ends.
The figure is a plain :class:`matplotlib.figure.Figure`, not one of pyplot's, so it
is never shown a second time at the end of the cell.

The estimator calls ``callback(epoch, cost, params)`` after every epoch, with
``params`` the current parameters (``{"coef": (K, n), "intercept": (K,)}`` for a
linear model), and ``callback.finish()`` once at the end.
"""

import io

import numpy as np
from matplotlib.figure import Figure

__all__ = ["LivePlot", "LiveCostPlot", "LiveBoundaryPlot"]


def _in_jupyter():
    """True in a Jupyter kernel (where a display can be updated in place)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _png(figure):
    """The figure as PNG bytes, for a kernel whose inline backend is not active yet."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


class LivePlot:
    """The base of the live plots: redraw every ``every`` epochs, in place in Jupyter.

    In Jupyter one display is updated; elsewhere the figure is saved to ``path`` when
    training ends. A subclass records what it draws in ``_record(epoch, cost, params)``
    and draws it in ``_draw()``.

    Parameters
    ----------
    every : int, default=10
    path : str or Path, optional
    figsize : (float, float), default=(5, 3.2)

    Examples
    --------
    >>> from minilr.live_plot import LivePlot
    >>> class LastCost(LivePlot):  # a live plot of one number: the latest cost, as the title
    ...     def _record(self, epoch, cost, params):
    ...         self.cost = cost
    ...     def _draw(self):
    ...         self.ax.set_title(f"J = {self.cost:.3f}")
    ...
    >>> plot = LastCost(every=2)
    >>> for epoch, cost in enumerate([0.69, 0.5, 0.45], start=1):
    ...     stop = plot(epoch, cost, params=None)  # what fit calls after every epoch
    ...
    >>> plot.finish()
    >>> plot.n_redraws, plot.ax.get_title()  # redrawn at epoch 2 and at the end
    (2, 'J = 0.450')
    """

    def __init__(self, every=10, path=None, figsize=(5, 3.2)):
        if not isinstance(every, (int, np.integer)) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every must be a whole number of epochs >= 1, got {every!r}.")
        self.every = int(every)
        self.path = path
        self.figure = Figure(figsize=figsize)
        self.ax = self.figure.add_subplot()
        self._handle = None
        self._jupyter = _in_jupyter()
        self.n_redraws = 0

    def __call__(self, epoch, cost, params):
        self._record(epoch, cost, params)
        if epoch % self.every == 0:
            self._redraw()
        return False  # never stops the training

    def finish(self):
        """Draw the last state; in Jupyter update the display, elsewhere write ``path``."""
        self._redraw()
        if not self._jupyter and self.path is not None:
            self.figure.savefig(self.path, dpi=100)

    def _redraw(self):
        self._draw()
        self.n_redraws += 1
        if not self._jupyter:
            return
        from IPython import get_ipython
        from IPython.display import display

        png = get_ipython().display_formatter.formatters["image/png"]
        try:
            png.lookup_by_type(Figure)
        except KeyError:  # pyplot has not drawn yet, so the inline backend renders no figure
            png.for_type(Figure, _png)
        if self._handle is None:
            self._handle = display(self.figure, display_id=True)
        else:
            self._handle.update(self.figure)


class LiveCostPlot(LivePlot):
    """The cost per epoch, redrawn in place during ``fit``.

    Parameters
    ----------
    every : int, default=10
        Redraw after every ``every`` epochs (and once at the end).
    path : str or Path, optional
        Outside Jupyter, the PNG written when training ends (nothing is written
        when None). In Jupyter the figure is shown and updated in place instead.
    logy : bool, default=False
        A logarithmic cost axis.

    Attributes
    ----------
    epochs, costs : list
        What was recorded so far.
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.live_plot import LiveCostPlot
    >>> X, y = make_linear_boundary(n_samples=100, random_state=0)
    >>> plot = LiveCostPlot(every=10)  # outside Jupyter and without a path: drawn, not shown
    >>> model = LogisticRegression(solver="gd", learning_rate=0.5, max_iter=20, tol=0.0)
    >>> model = model.fit(X, y, callback=plot)
    >>> len(plot.costs), plot.ax.get_ylabel()
    (20, 'cost J')
    """

    def __init__(self, every=10, path=None, logy=False):
        super().__init__(every, path)
        self.logy = logy
        self.epochs, self.costs = [], []

    def _record(self, epoch, cost, params):
        self.epochs.append(int(epoch))
        self.costs.append(float(cost))

    def _draw(self):
        ax = self.ax
        ax.clear()
        ax.plot(self.epochs, self.costs, color="C0")
        if self.logy and self.costs and min(self.costs) > 0:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("cost J")
        last = f"{self.costs[-1]:.5g}" if self.costs else "-"
        ax.set_title(f"epoch {self.epochs[-1] if self.epochs else 0}: J = {last}")
        self.figure.tight_layout()


class LiveBoundaryPlot(LivePlot):
    r"""Two-feature data and the current decision boundary, redrawn in place during ``fit``.

    The boundary of a binary linear model is the line where the logit is zero,
    :math:`w_1 x_1 + w_2 x_2 + b = 0`.

    Parameters
    ----------
    X : ndarray of shape (m, 2)
    y : ndarray of shape (m,)
        Labels, for the colours of the points.
    every : int, default=10
    path : str or Path, optional
        As in :class:`LiveCostPlot`.
    true_boundary : (w1, w2, b), optional
        A known line to draw for comparison (dashed).

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.live_plot import LiveBoundaryPlot
    >>> X, y = make_linear_boundary(n_samples=100, random_state=0)
    >>> plot = LiveBoundaryPlot(X, y, every=10, true_boundary=(1.0, 3.0, 0.1))
    >>> model = LogisticRegression(solver="gd", learning_rate=0.5, max_iter=10, tol=0.0)
    >>> model = model.fit(X, y, callback=plot)
    >>> plot.epoch, [t.get_text() for t in plot.ax.get_legend().get_texts()][-2:]
    (10, ['true boundary', 'epoch 10'])
    """

    def __init__(self, X, y, every=10, path=None, true_boundary=None):
        super().__init__(every, path, figsize=(4.5, 4))
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have two columns (x1, x2) to draw a boundary, got shape "
                             f"{X.shape}.")
        self.X, self.y = X, np.asarray(y)
        self.true_boundary = true_boundary
        self.epoch, self.line = 0, None

    def _record(self, epoch, cost, params):
        coef = np.asarray(params["coef"], dtype=np.float64).reshape(-1)
        self.epoch = int(epoch)
        self.line = (coef[0], coef[1], float(np.asarray(params["intercept"]).reshape(-1)[0]))

    def _draw(self):
        ax, X = self.ax, self.X
        ax.clear()
        for label, marker in zip(np.unique(self.y), "o^sv"):
            pts = X[self.y == label]
            ax.scatter(pts[:, 0], pts[:, 1], s=8, marker=marker, alpha=0.5, label=f"y = {label}")
        lo, hi = X[:, 0].min(), X[:, 0].max()
        x1 = np.array([lo, hi])
        ylim = (X[:, 1].min(), X[:, 1].max())
        for line, style, name in [(self.true_boundary, "k--", "true boundary"),
                                  (self.line, "C3-", f"epoch {self.epoch}")]:
            if line is not None and line[1] != 0:
                w1, w2, b = line
                ax.plot(x1, -(w1 * x1 + b) / w2, style, label=name)
        ax.set_xlim(lo, hi)
        ax.set_ylim(*ylim)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(loc="lower right", fontsize=8)
        self.figure.tight_layout()
