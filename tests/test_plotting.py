"""The plots, checked through their artists (no pixel baselines)."""

import ast
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

import minilr.plotting  # noqa: E402
from minilr.plotting import (  # noqa: E402
    plot_boundary_snapshots,
    plot_confusion_matrix,
    plot_cost_history,
    plot_decision_boundary,
    plot_digits,
    plot_learning_rates,
)

TOL = 1e-10


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)) * [2.0, 1.0] + [1.0, -0.5]
    y = (X[:, 0] + 2 * X[:, 1] > 0).astype(int)
    return X, y


def assert_saves_png(fig, tmp_path, name="plot.png"):
    path = tmp_path / name
    fig.savefig(path)
    assert path.stat().st_size > 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def line_by_label(ax, label):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return line


def assert_on_line(line, params):
    """Both end points of ``line`` satisfy w1 x1 + w2 x2 + b = 0."""
    w1, w2, b = params
    x1, x2 = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    assert x1.size == 2
    np.testing.assert_allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-9)


# ---------------------------------------------------------------- cost curves


def test_cost_curve_plots_every_epoch_from_one(tmp_path):
    history = np.random.default_rng(1).random(37) + np.linspace(3, 1, 37)
    ax = plot_cost_history(history)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 38))
    np.testing.assert_array_equal(line.get_ydata(), history)
    assert f"{history[-1]:.4g}" in ax.get_title()
    assert_saves_png(ax.figure, tmp_path)


@pytest.mark.parametrize("window", [1, 7, 100])
def test_moving_average_matches_convolution_at_window_end_epochs(window):
    rng = np.random.default_rng(window)
    history = np.exp(-np.arange(500) / 150) + 0.1 * rng.random(500)
    ax = plot_cost_history(history, smooth=window)
    raw, smoothed = ax.get_lines()
    expected = np.convolve(history, np.ones(window) / window, mode="valid")
    np.testing.assert_allclose(smoothed.get_ydata(), expected, rtol=TOL)
    np.testing.assert_array_equal(smoothed.get_xdata(), np.arange(window, 501))
    # the first smoothed point averages epochs 1..window
    assert smoothed.get_ydata()[0] == pytest.approx(history[:window].sum() / window, rel=TOL)


def test_cost_curve_reads_history_from_a_fitted_estimator():
    model = SimpleNamespace(history_=[0.7, 0.5, 0.4])
    ax = plot_cost_history(model, label="batch GD")
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [0.7, 0.5, 0.4])
    assert legend_texts(ax) == ["batch GD"]
    assert "0.4" in ax.get_title()


def test_cost_curve_draws_on_the_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    returned = plot_cost_history([3.0, 2.0], ax=right)
    assert returned is right
    assert len(left.get_lines()) == 0 and len(right.get_lines()) == 1


@pytest.mark.parametrize("history, kwargs, match", [
    ([1.0, 0.5], {"smooth": 3}, "smooth=3 is longer than the history"),
    ([1.0, 0.5], {"smooth": 0}, "smooth must be >= 1"),
    ([], {}, "history is empty"),
    ([[1.0, 0.5]], {}, "1-D sequence of costs"),
    (object(), {}, "1-D sequence of costs"),
])
def test_cost_curve_rejects_bad_input(history, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_cost_history(history, **kwargs)


def test_learning_rate_curves_show_each_history():
    histories = {0.01: np.linspace(1, 0.5, 20), 0.1: np.linspace(1, 0.1, 30)}
    ax = plot_learning_rates(histories)
    for lr, history in histories.items():
        line = line_by_label(ax, f"learning rate {lr:g}")
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, history.size + 1))
        np.testing.assert_array_equal(line.get_ydata(), history)
    assert ax.get_yscale() == "linear"


def test_diverged_history_is_cut_and_marked(tmp_path):
    diverged = np.array([1.0, 3.0, 50.0, np.inf, np.nan])
    ax = plot_learning_rates({0.01: [1.0, 0.9, 0.8], 10.0: diverged})
    curve = line_by_label(ax, "learning rate 10 (diverged)")
    np.testing.assert_array_equal(curve.get_ydata(), [1.0, 3.0, 50.0])
    np.testing.assert_array_equal(curve.get_xdata(), [1, 2, 3])
    # the 'x' marks only the last finite point, (epoch 3, cost 50)
    assert curve.get_marker() == "x"
    assert list(curve.get_markevery()) == [2]
    assert line_by_label(ax, "learning rate 0.01").get_marker() in ("None", "", None)
    assert "learning rate 10 (diverged)" in legend_texts(ax)
    assert_saves_png(ax.figure, tmp_path)


def test_exception_instead_of_history_is_listed_as_diverged():
    ax = plot_learning_rates({0.1: [1.0, 0.5], 5.0: FloatingPointError("overflow")})
    assert "learning rate 5 (diverged: FloatingPointError)" in legend_texts(ax)


def test_history_that_is_never_finite_is_listed_as_diverged():
    ax = plot_learning_rates({0.1: [1.0, 0.5], 5.0: [np.nan, np.nan]})
    assert len(line_by_label(ax, "learning rate 5 (diverged)").get_xdata()) == 0


@pytest.mark.parametrize("histories, logy, scale", [
    ({0.1: [10.0, 1.0], 1.0: [10.0, 0.05]}, "auto", "log"),       # 2.3 decades
    ({0.1: [10.0, 1.0], 1.0: [10.0, 0.2]}, "auto", "linear"),      # 1.7 decades
    ({0.1: [10.0, 1.0], 1.0: [10.0, 0.05]}, False, "linear"),
    ({0.1: [1.0, 0.9]}, True, "log"),
    ({0.1: [1e4, 1.0], 9.0: [1.0, 1e9, np.inf]}, "auto", "log"),   # diverged part counts
])
def test_log_scale_follows_the_span_of_the_costs(histories, logy, scale):
    assert plot_learning_rates(histories, logy=logy).get_yscale() == scale


@pytest.mark.parametrize("histories, kwargs, match", [
    ({}, {}, "non-empty dict"),
    ([[1.0, 0.5]], {}, "non-empty dict"),
    ({0.1: [1.0]}, {"logy": "yes"}, "logy must be"),
    ({0.1: []}, {}, r"histories\[0.1\] is empty"),
])
def test_learning_rate_plot_rejects_bad_input(histories, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_learning_rates(histories, **kwargs)


# -------------------------------------------------------- decision boundaries


class LinearModel:
    def __init__(self, coef, intercept):
        self.coef_ = np.asarray(coef, dtype=float)
        self.intercept_ = np.asarray(intercept, dtype=float)


class SigmoidModel:
    """Only predict_proba, as a neural network has: P(y=1) = sigmoid(w.x + b)."""

    def __init__(self, w1, w2, b):
        self.w1, self.w2, self.b = w1, w2, b

    def predict_proba(self, X):
        p1 = 1 / (1 + np.exp(-(self.w1 * X[:, 0] + self.w2 * X[:, 1] + self.b)))
        return np.c_[1 - p1, p1]


@pytest.mark.parametrize("make_model, params", [
    (lambda: (1.0, 2.0, -0.5), (1.0, 2.0, -0.5)),
    (lambda: np.array([-3.0, 0.5, 1.0]), (-3.0, 0.5, 1.0)),
    (lambda: LinearModel([2.0, -1.0], 0.3), (2.0, -1.0, 0.3)),
    (lambda: LinearModel([[2.0, -1.0]], [0.3]), (2.0, -1.0, 0.3)),
], ids=["tuple", "array", "coef-1d", "coef-2d"])
def test_learned_line_end_points_lie_on_the_boundary(blobs, make_model, params, tmp_path):
    X, y = blobs
    ax = plot_decision_boundary(make_model(), X, y)
    line = line_by_label(ax, "learned boundary")
    assert_on_line(line, params)
    # the line spans at least the data's x1 range
    assert min(line.get_xdata()) <= X[:, 0].min() and max(line.get_xdata()) >= X[:, 0].max()
    assert "learned boundary" in legend_texts(ax)
    assert_saves_png(ax.figure, tmp_path)


def test_true_boundary_is_dashed_and_labelled(blobs):
    X, y = blobs
    ax = plot_decision_boundary((1.0, 2.0, 0.0), X, y, true_boundary=(1.1, 1.9, 0.1))
    true_line = line_by_label(ax, "true boundary")
    assert true_line.get_linestyle() == "--"
    assert_on_line(true_line, (1.1, 1.9, 0.1))
    assert {"learned boundary", "true boundary"} <= set(legend_texts(ax))


def test_vertical_boundary_when_w2_is_zero(blobs):
    X, y = blobs
    ax = plot_decision_boundary((2.0, 0.0, -1.0), X, y)
    line = line_by_label(ax, "learned boundary")
    np.testing.assert_allclose(line.get_xdata(), [0.5, 0.5])
    y_lo, y_hi = sorted(line.get_ydata())
    assert y_lo <= X[:, 1].min() and y_hi >= X[:, 1].max()


def test_points_are_scattered_by_class(blobs):
    X, y = blobs
    ax = plot_decision_boundary((1.0, 2.0, 0.0), X, y)
    offsets = [c.get_offsets() for c in ax.collections]
    assert len(offsets) == 2
    np.testing.assert_array_equal(offsets[0], X[y == 0])
    np.testing.assert_array_equal(offsets[1], X[y == 1])


def test_predict_proba_model_gets_its_half_probability_contour(blobs):
    X, y = blobs
    w1, w2, b = 1.0, 2.0, -0.3
    ax = plot_decision_boundary(SigmoidModel(w1, w2, b), X, y, grid_resolution=100)
    (contour,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    np.testing.assert_array_equal(contour.levels, [0.5])
    vertices = np.concatenate([p.vertices for p in contour.get_paths()])
    assert len(vertices) > 10
    # P = 0.5 exactly on w.x + b = 0; linear interpolation between grid points is close to it
    np.testing.assert_allclose(w1 * vertices[:, 0] + w2 * vertices[:, 1] + b, 0.0, atol=1e-3)
    assert "learned boundary" in legend_texts(ax)


@pytest.mark.parametrize("model, X, y, match", [
    ((1.0, 2.0), np.zeros((3, 2)), [0, 1, 0], "three numbers"),
    ((1.0, 2.0, 3.0), np.zeros((3, 3)), [0, 1, 0], r"shape \(m, 2\)"),
    ((1.0, 2.0, 3.0), np.zeros((3, 2)), [0, 1], r"y must have shape \(3,\)"),
    ((0.0, 0.0, 1.0), np.zeros((3, 2)), [0, 1, 0], "w1 = w2 = 0"),
    (LinearModel(np.ones((3, 2)), np.zeros(3)), np.zeros((3, 2)), [0, 1, 2], "coef_ has shape"),
    ("model", np.zeros((3, 2)), [0, 1, 0], "fitted model with predict_proba"),
])
def test_decision_boundary_rejects_bad_input(model, X, y, match):
    with pytest.raises(ValueError, match=match):
        plot_decision_boundary(model, X, y)


def test_true_boundary_of_wrong_size_is_rejected(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="true_boundary must be three numbers"):
        plot_decision_boundary((1.0, 2.0, 3.0), X, y, true_boundary=(1.0, 2.0))


# ----------------------------------------------------------- snapshot grids


def lesson_snapshots(n):
    return [{"epoch": 10 * (i + 1), "params": (1.0 + 0.1 * i, 2.0 - 0.05 * i, 0.1 * i - 0.4),
             "accuracy": 0.8 + 0.01 * i, "cost": 0.6 - 0.03 * i} for i in range(n)]


def test_snapshot_grid_has_one_titled_panel_per_snapshot(blobs, tmp_path):
    X, y = blobs
    snapshots = lesson_snapshots(10)
    fig = plot_boundary_snapshots(snapshots, X, y, true_boundary=(1.0, 2.0, 0.0))
    assert len(fig.axes) == 10
    assert fig.axes[0].get_subplotspec().get_geometry()[:2] == (5, 2)
    for ax, snap in zip(fig.axes, snapshots):
        title = ax.get_title()
        assert f"epoch {snap['epoch']}," in title
        assert f"{snap['accuracy']:.3f}" in title and f"{snap['cost']:.4f}" in title
        assert f"w1 = {snap['params'][0]:.3f}" in title
        assert_on_line(line_by_label(ax, "learned boundary"), snap["params"])
        assert_on_line(line_by_label(ax, "true boundary"), (1.0, 2.0, 0.0))
    assert_saves_png(fig, tmp_path)


def test_snapshot_grid_removes_unused_panels(blobs):
    X, y = blobs
    snapshots = [{"epoch": e, "params": (1.0, 1.0, 0.0)} for e in (1, 2, 3)]
    fig = plot_boundary_snapshots(snapshots, X, y, ncols=2)
    assert len(fig.axes) == 3
    assert [ax.get_title().splitlines()[0] for ax in fig.axes] == ["epoch 1", "epoch 2", "epoch 3"]


@pytest.mark.parametrize("snapshots, match", [
    ([], "non-empty list"),
    ([{"epoch": 1}], r"snapshots\[0\] is missing the key\(s\) \['params'\]"),
    ([{"epoch": 1, "params": (1, 2, 3)}, "epoch 2"], r"snapshots\[1\] must be a dict"),
])
def test_snapshot_grid_rejects_bad_snapshots(blobs, snapshots, match):
    X, y = blobs
    with pytest.raises(ValueError, match=match):
        plot_boundary_snapshots(snapshots, X, y)


# -------------------------------------------------------------------- digits


@pytest.fixture
def digit_images():
    rng = np.random.default_rng(3)
    return rng.random((300, 400)), rng.integers(0, 10, size=300)


def images_of(fig):
    return [im for ax in fig.axes for im in ax.get_images()]


def test_digit_grid_shows_a_seeded_sample_of_n_images(digit_images, tmp_path):
    X, y = digit_images
    fig = plot_digits(X, y, n=100, random_state=42)
    idx = np.random.default_rng(42).choice(300, size=100, replace=False)
    images = images_of(fig)
    assert len(images) == 100 and len(fig.axes) == 100
    assert fig.axes[0].get_subplotspec().get_geometry()[:2] == (10, 10)
    for im, i in zip(images, idx):
        np.testing.assert_array_equal(im.get_array(), X[i].reshape((20, 20), order="F"))
        assert im.get_cmap().name == "gray"
    labels = [ax.texts[0].get_text() for ax in fig.axes]
    assert labels == [str(label) for label in y[idx]]
    assert not any(ax.axison for ax in fig.axes)
    assert_saves_png(fig, tmp_path)


def test_digit_images_unroll_column_by_column_by_default():
    image = np.arange(6.0).reshape(2, 3)                 # the picture as it should appear
    fig = plot_digits(image.ravel(order="F"), image_shape=(2, 3))
    np.testing.assert_array_equal(images_of(fig)[0].get_array(), image)
    fig = plot_digits(image.ravel(order="C"), image_shape=(2, 3), order="C")
    np.testing.assert_array_equal(images_of(fig)[0].get_array(), image)


def test_fewer_rows_than_n_shows_all_in_order(digit_images):
    X, _ = digit_images
    fig = plot_digits(X[:7], n=100)
    images = images_of(fig)
    assert len(images) == 7 and len(fig.axes) == 7
    for im, row in zip(images, X[:7]):
        np.testing.assert_array_equal(im.get_array(), row.reshape((20, 20), order="F"))


def test_single_image_as_1d_array(digit_images):
    X, y = digit_images
    fig = plot_digits(X[5], y[5:6])
    (im,) = images_of(fig)
    assert isinstance(im, AxesImage)
    assert fig.axes[0].texts[0].get_text() == str(y[5])


@pytest.mark.parametrize("X, kwargs, match", [
    (np.zeros(784), {}, "must have 400 = 20 x 20 values.*got 784"),
    (np.zeros((5, 784)), {}, r"X must have shape \(m, 400\)"),
    (np.zeros((5, 400)), {"y": [1, 2]}, "y has 2 labels but X has 5 images"),
    (np.zeros((5, 400)), {"n": 0}, "n must be >= 1"),
    (np.zeros((5, 400)), {"order": "K"}, "order must be one of"),
    (np.zeros((5, 400)), {"image_shape": (20,)}, "image_shape must be two positive"),
])
def test_digit_grid_rejects_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_digits(X, **kwargs)


# --------------------------------------------------------- confusion matrix


def cell_texts(ax):
    """Cell texts in row-major order, read from each text's (x=column, y=row) position."""
    return {(int(round(t.get_position()[1])), int(round(t.get_position()[0]))): t.get_text()
            for t in ax.texts}


def test_confusion_matrix_cells_show_the_counts(tmp_path):
    cm = np.array([[50, 2, 0], [3, 41, 6], [0, 7, 12]])
    ax = plot_confusion_matrix(cm, labels=["cat", "dog", "fox"])
    texts = cell_texts(ax)
    assert len(ax.texts) == 9
    for (i, j), text in texts.items():
        assert text == str(cm[i, j])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "fox"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "fox"]
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), cm)
    assert_saves_png(ax.figure, tmp_path)


def test_normalized_confusion_matrix_shows_row_fractions():
    cm = np.array([[3, 1], [0, 0]])
    ax = plot_confusion_matrix(cm, normalize=True)
    assert cell_texts(ax) == {(0, 0): "0.75", (0, 1): "0.25", (1, 0): "0.00", (1, 1): "0.00"}


@pytest.mark.parametrize("cm, labels, match", [
    (np.ones((2, 3)), None, r"square \(K, K\)"),
    (np.array([[1, -1], [0, 2]]), None, "non-negative"),
    (np.ones((2, 2)), ["a", "b", "c"], "labels has 3 entries but cm has 2 classes"),
])
def test_confusion_matrix_plot_rejects_bad_input(cm, labels, match):
    with pytest.raises(ValueError, match=match):
        plot_confusion_matrix(cm, labels)


# ---------------------------------------------------------------- structure


def test_plotting_imports_no_estimator_module():
    tree = ast.parse(Path(minilr.plotting.__file__).read_text())
    local_modules = {node.module for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.level > 0}
    assert local_modules <= {"_validation", "functions", "metrics", "image_plots", "live_plot"}


@pytest.mark.parametrize("draw", [
    lambda: plot_cost_history([1.0, 0.5]),
    lambda: plot_learning_rates({0.1: [1.0, 0.5]}),
    lambda: plot_decision_boundary((1, 1, 0), [[0, 0], [1, 1]], [0, 1]),
    lambda: plot_confusion_matrix([[1, 0], [0, 1]]),
])
def test_axes_functions_return_axes_and_never_show(draw, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() was called"))
    assert isinstance(draw(), matplotlib.axes.Axes)
