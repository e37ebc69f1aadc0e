"""Pictures of arrays for the lessons: grids of digit images, confusion matrices.

Like every plot of :mod:`minilr.plotting` (which re-exports these), each draws on the
``ax`` it is given or a new one, returns the Figure or Axes and never calls ``plt.show()``.
"""

import numbers

import matplotlib.pyplot as plt
import numpy as np

from ._validation import check_scalar

__all__ = ["plot_digits", "plot_confusion_matrix"]


def plot_digits(X, y=None, *, n=100, image_shape=(20, 20), order="F", random_state=None):
    """Show images in a square-ish grid (10 x 10 for 100), with their labels underneath.

    Parameters
    ----------
    X : array-like of shape (m, h * w), or (h * w,) for a single image
        One unrolled image per row.
    y : array-like of shape (m,), optional
        Labels, written under the images.
    n : int, default=100
        How many images to show. When ``X`` has more rows, ``n`` of them are
        drawn without replacement with
        ``numpy.random.default_rng(random_state).choice(m, n, replace=False)``;
        otherwise all rows are shown in order.
    image_shape : tuple of 2 ints, default=(20, 20)
        ``(h, w)`` of one image.
    order : {"F", "C"}, default="F"
        How a row was unrolled: "F" (column by column, as in the 20 x 20
        digits saved from MATLAB/Octave) or "C" (row by row).
    random_state : None, int or numpy.random.Generator
        Seed of the sample.

    Returns
    -------
    fig : matplotlib Figure
        One Axes per image, drawn in gray with the axes turned off.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from minilr.image_plots import plot_digits
    >>> X = np.random.default_rng(0).random((4, 400))  # four 20 x 20 images
    >>> fig = plot_digits(X, np.array([0, 1, 2, 3]), n=4)
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    check_scalar(n, "n", kind=numbers.Integral, low=1)
    check_scalar(order, "order", allowed={"F", "C"})
    if len(image_shape) != 2 or any(isinstance(s, bool) or not isinstance(s, numbers.Integral)
                                    or s < 1 for s in image_shape):
        raise ValueError(f"image_shape must be two positive integers (h, w), got {image_shape!r}.")
    h, w = image_shape
    size = h * w
    X = np.asarray(X)
    if X.ndim == 1:
        if X.size != size:
            raise ValueError(
                f"A single image must have {size} = {h} x {w} values for image_shape="
                f"{tuple(image_shape)}, got {X.size}. Pass the right image_shape "
                "(e.g. (28, 28) for 784 values)."
            )
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != size:
        raise ValueError(
            f"X must have shape (m, {size}), one unrolled {h} x {w} image per row, got "
            f"shape {X.shape}."
        )
    m = X.shape[0]
    if m == 0:
        raise ValueError("X is empty; there are no images to show.")
    if y is not None:
        y = np.asarray(y).ravel()
        if y.shape[0] != m:
            raise ValueError(
                f"y has {y.shape[0]} labels but X has {m} images; pass one label per row."
            )

    if m > n:
        idx = np.random.default_rng(random_state).choice(m, size=n, replace=False)
    else:
        idx = np.arange(m)
    k = idx.size
    ncols = int(np.ceil(np.sqrt(k)))
    nrows = -(-k // ncols)
    figsize = (max(0.9 * ncols, 2.0), max(1.0 * nrows, 2.0))
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= k:
            fig.delaxes(ax)
            continue
        ax.imshow(X[idx[i]].reshape((h, w), order=order), cmap="gray")
        ax.set_axis_off()
        if y is not None:
            ax.text(0.5, -0.04, str(y[idx[i]]), transform=ax.transAxes, ha="center",
                    va="top", fontsize=8)
    return fig


def plot_confusion_matrix(cm, labels=None, *, ax=None, normalize=False):
    """Draw a confusion matrix as an image with the value written in each cell.

    Parameters
    ----------
    cm : array-like of shape (K, K)
        Counts, row = true class, column = predicted class (as returned by
        :func:`minilr.metrics.confusion_matrix`).
    labels : sequence of K labels, optional
        Tick labels (default ``0 .. K-1``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    normalize : bool, default=False
        Divide each row by its total, so a cell is the fraction of a true
        class given each prediction (rows with no samples stay 0).

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from minilr.image_plots import plot_confusion_matrix
    >>> ax = plot_confusion_matrix([[5, 1], [0, 4]], labels=["benign", "malignant"])
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_xticklabels()]
    ('predicted label', ['benign', 'malignant'])
    >>> plt.close(ax.figure)
    """
    C = np.asarray(cm)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] == 0:
        raise ValueError(f"cm must be a square (K, K) matrix of counts, got shape {C.shape}.")
    if C.dtype.kind not in "biuf" or not np.all(np.isfinite(C)) or np.any(C < 0):
        raise ValueError("cm must contain finite, non-negative counts.")
    K = C.shape[0]
    labels = list(range(K)) if labels is None else list(labels)
    if len(labels) != K:
        raise ValueError(f"labels has {len(labels)} entries but cm has {K} classes.")
    if normalize not in (True, False):
        raise ValueError(f"normalize must be True or False, got {normalize!r}.")
    if normalize:
        row_totals = C.sum(axis=1, keepdims=True)
        C = np.divide(C, row_totals, out=np.zeros(C.shape), where=row_totals > 0)

    if ax is None:
        _, ax = plt.subplots()
    ax.imshow(C, cmap="Blues", vmin=0)
    is_count = not normalize and np.all(C == np.round(C))
    threshold = C.max() / 2
    for i in range(K):
        for j in range(K):
            text = f"{int(C[i, j])}" if is_count else f"{C[i, j]:.2f}"
            ax.text(j, i, text, ha="center", va="center",
                    color="white" if C[i, j] > threshold else "black")
    ax.set_xticks(range(K), [str(label) for label in labels])
    ax.set_yticks(range(K), [str(label) for label in labels])
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title("confusion matrix" + (" (rows normalized)" if normalize else ""))
    return ax
