r"""The lessons' plots: cost curves, decision boundaries, digit images, confusion matrices, live plots.

Every function draws on the Matplotlib ``ax`` it is given (or on a new one),
returns the Axes (the Figure for grids of panels) and never calls
``plt.show()``, so the plots work in notebooks, scripts and on machines
without a display alike. The functions take arrays, or fitted objects read
through their attributes (``history_``, ``coef_``, ``intercept_``,
``predict_proba``): nothing here depends on a particular estimator class.

A linear boundary is the line where the logit is zero:

.. math::
    w_1 x_1 + w_2 x_2 + b = 0 \iff x_2 = -\frac{w_1 x_1 + b}{w_2}
"""

import numbers

import matplotlib.pyplot as plt
import numpy as np

from ._validation import check_scalar, check_X

from .image_plots import plot_confusion_matrix, plot_digits
from .live_plot import LiveBoundaryPlot, LiveCostPlot

__all__ = [
    "plot_cost_history",
    "plot_learning_rates",
    "plot_decision_boundary",
    "plot_boundary_snapshots",
    "plot_digits",
    "plot_confusion_matrix",
    "LiveCostPlot",
    "LiveBoundaryPlot",
]


def _new_ax(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _as_history(history, name="history"):
    """Return the per-epoch costs as a 1-D float array (from an array or ``obj.history_``)."""
    if hasattr(history, "history_"):
        history = history.history_
    try:
        h = np.asarray(history, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a 1-D sequence of costs or a fitted estimator with a "
            f"history_ attribute, got {type(history).__name__}."
        ) from None
    if h.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of costs (one per epoch), got an array of "
            f"shape {h.shape}."
        )
    if h.size == 0:
        raise ValueError(f"{name} is empty; fit the model for at least one epoch first.")
    return h


def _moving_average(h, window):
    """'valid' moving average: entry ``t`` is the mean of ``h[t : t + window]``."""
    return np.lib.stride_tricks.sliding_window_view(h, window).mean(axis=1)


# --------------------------------------------------------------- cost curves


def plot_cost_history(history, *, smooth=None, ax=None, label=None):
    """Plot the cost per epoch, optionally with a moving average on top.

    Parameters
    ----------
    history : array-like of shape (n_epochs,) or fitted estimator
        The costs, or an object with a ``history_`` attribute holding them.
    smooth : int, optional
        Window of a moving average drawn over the raw curve (the SGD lesson
        uses 100). Only full windows are averaged, so the smoothed curve
        starts at epoch ``smooth``: its point at epoch ``t`` is the mean of
        the costs of epochs ``t - smooth + 1 .. t``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    label : str, optional
        Legend label of the raw curve.

    Returns
    -------
    ax : matplotlib Axes
        The title shows the final cost.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from minilr.plotting import plot_cost_history
    >>> ax = plot_cost_history([0.69, 0.5, 0.42, 0.4], label="lr = 0.1")
    >>> ax.get_title(), ax.get_xlabel(), ax.get_legend().get_texts()[0].get_text()
    ('final cost = 0.4', 'epoch', 'lr = 0.1')
    >>> plt.close(ax.figure)
    """
    J = _as_history(history)
    n_epochs = J.size
    if smooth is not None:
        check_scalar(smooth, "smooth", kind=numbers.Integral, low=1)
        if smooth > n_epochs:
            raise ValueError(
                f"smooth={smooth} is longer than the history ({n_epochs} epochs); use a "
                "window of at most the number of epochs."
            )
    ax = _new_ax(ax)
    epochs = np.arange(1, n_epochs + 1)
    ax.plot(epochs, J, label=label, alpha=0.5 if smooth else 1.0)
    if smooth is not None:
        ax.plot(epochs[smooth - 1:], _moving_average(J, smooth),
                label=f"moving average ({smooth} epochs)")
    if label is not None or smooth is not None:
        ax.legend()
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.set_title(f"final cost = {J[-1]:.4g}")
    return ax


def plot_learning_rates(histories, *, ax=None, logy="auto"):
    """Plot one cost curve per learning rate, marking the runs that diverged.

    Parameters
    ----------
    histories : dict
        Maps each learning rate to its history (an array of costs, or a
        fitted estimator with ``history_``). A diverged run is given as the
        exception it raised, or as a history ending in ``inf``/``NaN``: its
        curve stops at the last finite cost, marked with an ``x``, and its
        legend label ends in "(diverged)".
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    logy : {"auto", True, False}, default="auto"
        Log-scale the cost axis; ``"auto"`` does so when the finite costs
        span more than two decades (a factor of 100).

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from minilr.plotting import plot_learning_rates
    >>> ax = plot_learning_rates({0.1: [0.69, 0.5, 0.4], 10.0: [0.69, 30.0, np.inf]})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['learning rate 0.1', 'learning rate 10 (diverged)']
    >>> plt.close(ax.figure)
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError(
            "histories must be a non-empty dict {learning_rate: history}, got "
            f"{histories!r:.80}."
        )
    if logy not in ("auto", True, False):
        raise ValueError(f"logy must be 'auto', True or False, got {logy!r}.")
    ax = _new_ax(ax)
    finite_costs = []
    for lr, run in histories.items():
        name = f"learning rate {lr:g}" if isinstance(lr, numbers.Real) else f"learning rate {lr}"
        if isinstance(run, BaseException):
            # Nothing to draw; a legend entry still records the failed run.
            ax.plot([], [], marker="x", linestyle="-",
                    label=f"{name} (diverged: {type(run).__name__})")
            continue
        J = _as_history(run, name=f"histories[{lr!r}]")
        finite = np.isfinite(J)
        if finite.all():
            ax.plot(np.arange(1, J.size + 1), J, label=name)
            finite_costs.append(J)
            continue
        n_ok = int(np.argmin(finite))  # epochs before the first non-finite cost
        # The 'x' sits on the last finite cost only, and shows in the legend too.
        ax.plot(np.arange(1, n_ok + 1), J[:n_ok], marker="x", markersize=10,
                markevery=[n_ok - 1] if n_ok else None, label=f"{name} (diverged)")
        finite_costs.append(J[:n_ok])
    if logy == "auto":
        costs = np.concatenate(finite_costs) if finite_costs else np.array([])
        logy = bool(costs.size and costs.min() > 0 and costs.max() / costs.min() > 100)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.set_title("cost per epoch for each learning rate")
    ax.legend()
    return ax


# -------------------------------------------------------- decision boundaries


def _check_X2d(X, y):
    X = check_X(X)  # 2-D, not empty, finite
    if X.shape[1] != 2:
        raise ValueError(
            f"X must have shape (m, 2) to draw a 2-D boundary, got shape {X.shape}. "
            "Pick two features, e.g. X[:, [0, 1]]."
        )
    y = np.asarray(y)
    y = y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape ({X.shape[0]},), one label per row of X, got {y.shape}."
        )
    return X, y


def _as_line_params(params, name):
    """Return ``(w1, w2, b)`` as floats from 3 numbers, or raise a ValueError."""
    try:
        theta = np.asarray(params, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be three numbers (w1, w2, b), got {params!r:.80}.") from None
    if theta.size != 3:
        raise ValueError(
            f"{name} must be three numbers (w1, w2, b), got {theta.size} values."
        )
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"{name} contains NaN or infinity: {theta}; the fit may have diverged.")
    w1, w2, b = theta
    if w1 == 0 and w2 == 0:
        raise ValueError(f"{name} has w1 = w2 = 0, so there is no boundary line to draw.")
    return w1, w2, b


def _linear_params(model):
    """``(w1, w2, b)`` from params or a linear model; None for a model with only predict_proba."""
    if hasattr(model, "coef_") and hasattr(model, "intercept_"):
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64).ravel()
        if coef.size == 2 and intercept.size == 1:
            return _as_line_params(np.r_[coef.ravel(), intercept],
                                   "the model's coef_ and intercept_")
        if not hasattr(model, "predict_proba"):
            raise ValueError(
                f"The model's coef_ has shape {coef.shape}; a boundary line needs a binary "
                "model on 2 features, with coef_ of shape (2,) or (1, 2)."
            )
        return None
    if hasattr(model, "predict_proba"):
        return None
    if isinstance(model, (str, bytes, dict)) or not np.iterable(model):
        raise ValueError(
            "model_or_params must be three numbers (w1, w2, b), a fitted linear model with "
            "coef_ and intercept_, or a fitted model with predict_proba; got "
            f"{type(model).__name__}."
        )
    return _as_line_params(model, "model_or_params")


def _padded_limits(v):
    lo, hi = float(v.min()), float(v.max())
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    return lo - pad, hi + pad


def _draw_line(ax, params, xlim, ylim, **style):
    """Draw ``w1 x1 + w2 x2 + b = 0`` between two end points spanning the view."""
    w1, w2, b = params
    if w2 != 0:
        x1 = np.array(xlim)
        x2 = -(w1 * x1 + b) / w2
    else:  # the line is vertical: x1 = -b / w1 for every x2
        x2 = np.array(ylim)
        x1 = np.full(2, -b / w1)
    return ax.plot(x1, x2, **style)[0]


def _draw_boundary(ax, model, X, y, true_boundary, grid_resolution, legend=True):
    X, y = _check_X2d(X, y)
    check_scalar(grid_resolution, "grid_resolution", kind=numbers.Integral, low=2)
    params = _linear_params(model)
    true_params = None if true_boundary is None else _as_line_params(true_boundary, "true_boundary")

    for label in np.unique(y):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=12, label=f"y = {label}")
    xlim, ylim = _padded_limits(X[:, 0]), _padded_limits(X[:, 1])

    if params is not None:
        _draw_line(ax, params, xlim, ylim, color="k", label="learned boundary")
    else:
        x1, x2 = np.meshgrid(np.linspace(*xlim, grid_resolution),
                             np.linspace(*ylim, grid_resolution))
        P = np.asarray(model.predict_proba(np.c_[x1.ravel(), x2.ravel()]))
        p1 = (P[:, 1] if P.ndim == 2 else P).reshape(x1.shape)  # P(y = 1) on the grid
        if p1.min() < 0.5 < p1.max():
            ax.contour(x1, x2, p1, levels=[0.5], colors="k")
        # A contour has no legend entry of its own; a proxy line stands in for it.
        ax.plot([], [], color="k", label="learned boundary")
    if true_params is not None:
        _draw_line(ax, true_params, xlim, ylim, color="tab:green", linestyle="--",
                   label="true boundary")

    ax.set_xlim(xlim)  # a steep line must not zoom the view out
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_decision_boundary(model_or_params, X, y, *, true_boundary=None, ax=None,
                           grid_resolution=200):
    """Scatter 2-D data by label and draw the learned (and optionally the true) boundary.

    Parameters
    ----------
    model_or_params : sequence of 3 numbers, or fitted model
        ``(w1, w2, b)``; or an object with ``coef_`` of shape (2,) or (1, 2)
        and ``intercept_`` (drawn as a line); or an object with
        ``predict_proba`` (for example a neural network), whose 0.5 contour
        of :math:`P(y = 1)` is drawn instead.
    X : array-like of shape (m, 2)
        The two features.
    y : array-like of shape (m,)
        Labels, one colour each.
    true_boundary : sequence of 3 numbers, optional
        The ``(w1, w2, b)`` that generated the data, drawn dashed.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    grid_resolution : int, default=200
        Grid points per axis for the contour of a ``predict_proba`` model.

    Returns
    -------
    ax : matplotlib Axes
        Its legend labels the lines "learned boundary" and "true boundary".

    Notes
    -----
    A line is drawn through its two end points at the left and right edges
    of the view (slightly wider than the data), from
    :math:`x_2 = -(w_1 x_1 + b) / w_2`; when :math:`w_2 = 0` it is the
    vertical line :math:`x_1 = -b / w_1`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from minilr import LogisticRegression
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.plotting import plot_decision_boundary
    >>> X, y = make_linear_boundary(n_samples=100, random_state=0)
    >>> model = LogisticRegression().fit(X, y)
    >>> ax = plot_decision_boundary(model, X, y, true_boundary=(1.0, 3.0, 0.1))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['y = 0', 'y = 1', 'learned boundary', 'true boundary']
    >>> plt.close(ax.figure)
    """
    return _draw_boundary(_new_ax(ax), model_or_params, X, y, true_boundary, grid_resolution)


def plot_boundary_snapshots(snapshots, X, y, *, true_boundary=None, ncols=2):
    """One decision-boundary panel per training snapshot, in a grid.

    Parameters
    ----------
    snapshots : list of dict
        Each with keys ``"epoch"`` and ``"params"`` (``(w1, w2, b)``), and
        optionally ``"accuracy"`` and ``"cost"``. The lesson's ten snapshots
        (epochs 10, 20, ..., 100) give a 5 x 2 grid.
    X : array-like of shape (m, 2)
        The two features.
    y : array-like of shape (m,)
        Labels.
    true_boundary : sequence of 3 numbers, optional
        The true ``(w1, w2, b)``, drawn dashed in every panel.
    ncols : int, default=2
        Panels per row.

    Returns
    -------
    fig : matplotlib Figure
        With one Axes per snapshot, each titled with its epoch, accuracy,
        cost and rounded parameters.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from minilr.datasets import make_linear_boundary
    >>> from minilr.plotting import plot_boundary_snapshots
    >>> X, y = make_linear_boundary(n_samples=50, random_state=0)
    >>> snapshots = [{"epoch": 10, "params": (0.5, 1.0, 0.0)},
    ...              {"epoch": 20, "params": (0.9, 2.5, 0.1)}]
    >>> fig = plot_boundary_snapshots(snapshots, X, y, ncols=2)
    >>> len(fig.axes), fig.axes[0].get_title().splitlines()[0]
    (2, 'epoch 10')
    >>> plt.close(fig)
    """
    if isinstance(snapshots, dict) or not isinstance(snapshots, (list, tuple)) or not snapshots:
        raise ValueError(
            "snapshots must be a non-empty list of dicts with keys 'epoch' and 'params'."
        )
    for i, snap in enumerate(snapshots):
        if not isinstance(snap, dict):
            raise ValueError(f"snapshots[{i}] must be a dict, got {type(snap).__name__}.")
        missing = [key for key in ("epoch", "params") if key not in snap]
        if missing:
            raise ValueError(
                f"snapshots[{i}] is missing the key(s) {missing}; each snapshot needs "
                "'epoch' and 'params' (w1, w2, b)."
            )
    check_scalar(ncols, "ncols", kind=numbers.Integral, low=1)
    n = len(snapshots)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.5 * ncols, 3.6 * nrows),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        if i >= n:
            fig.delaxes(ax)
            continue
        snap = snapshots[i]
        w1, w2, b = _as_line_params(snap["params"], f"snapshots[{i}]['params']")
        _draw_boundary(ax, (w1, w2, b), X, y, true_boundary, grid_resolution=2, legend=(i == 0))
        title = f"epoch {snap['epoch']}"
        if snap.get("accuracy") is not None:
            title += f", accuracy {snap['accuracy']:.3f}"
        if snap.get("cost") is not None:
            title += f", cost {snap['cost']:.4f}"
        title += f"\nw1 = {w1:.3f}, w2 = {w2:.3f}, b = {b:.3f}"
        ax.set_title(title, fontsize="small")
    return fig
