"""Lesson 6's library: the closed-boundary data, map_feature and standardize, the validation curve,
and the λ explorer, outside Jupyter and in a real kernel (the slider refits and redraws in place)."""

import itertools
import warnings

import matplotlib
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from sklearn.metrics import log_loss

matplotlib.use("Agg")

from minilr import ConvergenceWarning, LogisticRegression  # noqa: E402
from minilr.closed_boundary import CLOSED_BOUNDARY_CENTRE, closed_boundary_radius  # noqa: E402
from minilr.datasets import make_closed_boundary  # noqa: E402
from minilr.model_selection import cross_entropy, validation_curve  # noqa: E402
from minilr.preprocessing import map_feature, standardize  # noqa: E402
from minilr.widgets import LambdaExplorer, PolynomialFit, plot_lambda_boundaries  # noqa: E402


# ------------------------------------------------------------------ the data
@pytest.mark.parametrize("seed", [0, 42])
def test_closed_boundary_is_seeded_and_labels_the_inside_one_with_about_flip_flipped(seed):
    X, y = make_closed_boundary(4000, flip=0.1, random_state=seed)
    X2, y2 = make_closed_boundary(4000, flip=0.1, random_state=seed)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (4000, 2) and y.dtype == np.int64
    dx, dy = X[:, 0] - CLOSED_BOUNDARY_CENTRE[0], X[:, 1] - CLOSED_BOUNDARY_CENTRE[1]
    inside = np.hypot(dx, dy) < closed_boundary_radius(np.arctan2(dy, dx))
    assert abs(np.mean(y != inside) - 0.1) < 0.015  # binomial sd 0.005
    assert 0.4 < inside.mean() < 0.5
    _, y_clean = make_closed_boundary(500, flip=0.0, random_state=seed)
    assert 0 < y_clean.mean() < 1


@pytest.mark.parametrize("flip, message", [(0.5, "below 0.5"), (-0.1, "flip")])
def test_closed_boundary_rejects_a_flip_outside_0_to_half(flip, message):
    with pytest.raises(ValueError, match=message):
        make_closed_boundary(10, flip=flip)


def test_degree_6_features_overfit_at_lambda_0_on_100_points():
    """The issue's requirement of the data: without a penalty, training accuracy well above validation."""
    gaps = []
    for seed in (1, 6):
        X, y = make_closed_boundary(300, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = PolynomialFit(X[:100], y[:100], lam=0.0)
        gaps.append(fit.accuracy(X[:100], y[:100]) - fit.accuracy(X[100:], y[100:]))
    assert min(gaps) >= 0.08, gaps


# ------------------------------------------------------------------ features
@pytest.mark.parametrize("degree", [1, 2, 3, 6])
def test_map_feature_has_every_monomial_in_the_lessons_order(degree):
    rng = np.random.default_rng(degree)
    x1, x2 = rng.normal(size=(2, 5))
    expected = [np.ones(5)] + [x1 ** a * x2 ** (i - a) for i in range(1, degree + 1) for a in range(i, -1, -1)]
    Phi = map_feature(x1, x2, degree)
    assert Phi.shape == (5, (degree + 1) * (degree + 2) // 2)
    np.testing.assert_allclose(Phi, np.column_stack(expected), rtol=1e-12)
    # every monomial of total degree <= degree, once each
    powers = {(a, b) for a, b in itertools.product(range(degree + 1), repeat=2) if a + b <= degree}
    assert len(powers) == Phi.shape[1]


@pytest.mark.parametrize("args, message", [
    (([1.0, 2.0], [1.0]), r"shapes \(2,\) and \(1,\)"),
    ((np.ones((2, 2)), np.ones((2, 2))), "1-d arrays"),
    (([1.0], [1.0], 0), "degree"),
])
def test_map_feature_rejects_bad_input_with_what_it_expects(args, message):
    with pytest.raises(ValueError, match=message):
        map_feature(*args)


def test_standardize_uses_the_training_scale_and_leaves_a_constant_column_alone():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(50), rng.normal(3.0, 2.0, 50), rng.normal(size=50)])
    Z, mean, std = standardize(X)
    np.testing.assert_allclose(Z[:, 1:].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, 1:].std(axis=0), 1, rtol=1e-12)
    np.testing.assert_array_equal(Z[:, 0], 1.0)
    X_new = rng.normal(size=(4, 3))
    np.testing.assert_allclose(standardize(X_new, mean, std)[0], (X_new - mean) / std)
    with pytest.raises(ValueError, match="both mean and std"):
        standardize(X_new, mean)
    with pytest.raises(ValueError, match=r"one entry per column of X, \(3,\)"):
        standardize(X_new, mean[:2], std[:2])


# ------------------------------------------------------------------ choosing λ
def test_cross_entropy_and_the_validation_curve_agree_with_sklearns_log_loss():
    X, y = make_closed_boundary(200, random_state=0)
    Z_train, mean, std = standardize(map_feature(X[:100, 0], X[:100, 1], 3)[:, 1:])
    Z_val = standardize(map_feature(X[100:, 0], X[100:, 1], 3)[:, 1:], mean, std)[0]
    lams = [0.1, 10.0]
    train, val = validation_curve(Z_train, y[:100], Z_val, y[100:], lams)
    for k, lam in enumerate(lams):
        model = LogisticRegression(lam=lam, tol=1e-8).fit(Z_train, y[:100])
        assert train[k] == pytest.approx(log_loss(y[:100], model.predict_proba(Z_train)), rel=1e-10)
        assert val[k] == pytest.approx(log_loss(y[100:], model.predict_proba(Z_val)), rel=1e-10)
        assert cross_entropy(model, Z_val, y[100:]) == val[k]
    assert train[0] < train[1]


# ------------------------------------------------------------------ the explorer, outside Jupyter
def test_the_explorer_refits_and_saves_each_redraw_outside_jupyter(tmp_path):
    X, y = make_closed_boundary(160, random_state=1)
    path = tmp_path / "lambda.png"
    explorer = LambdaExplorer(X[:80], y[:80], X[80:], y[80:], lams=[0.1, 1.0, 10.0], path=path)
    assert explorer.train_costs.shape == (3,) and np.all(np.diff(explorer.train_costs) > 0)
    explorer.set_lam(10.0)
    assert explorer.fit.lam == 10.0 and explorer.fit.model.lam == 10.0 and path.stat().st_size > 0
    assert explorer.ax.get_title().startswith("λ = 10:") and explorer.ax_cost.get_xscale() == "log"
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in explorer.figure.axes)


@pytest.mark.parametrize("lams", [[1.0], [0.0, 1.0], [[0.1, 1.0]]])
def test_the_explorer_needs_two_positive_lambdas_for_its_log_axis(lams):
    X, y = make_closed_boundary(40, random_state=0)
    with pytest.raises(ValueError, match="at least two penalties > 0"):
        LambdaExplorer(X[:20], y[:20], X[20:], y[20:], lams=lams)


def test_a_polynomial_fit_needs_two_measurements_per_row():
    with pytest.raises(ValueError, match=r"shape \(m, 2\), got \(5, 3\)"):
        PolynomialFit(np.zeros((5, 3)), np.array([0, 1, 0, 1, 0]))


def test_small_multiples_have_one_titled_panel_per_lambda():
    import matplotlib.pyplot as plt

    X, y = make_closed_boundary(120, random_state=2)
    fig, fits = plot_lambda_boundaries(X[:60], y[:60], X[60:], y[60:], [0.1, 1.0, 100.0])
    assert [f.lam for f in fits] == [0.1, 1.0, 100.0]
    assert [ax.get_title().splitlines()[0] for ax in fig.axes] == ["λ = 0.1", "λ = 1", "λ = 100"]
    plt.close(fig)


# ------------------------------------------------------------------ the slider, in a real kernel
CELLS = [
    "from minilr.datasets import make_closed_boundary\n"
    "from minilr.widgets import LambdaExplorer\n"
    "X, y = make_closed_boundary(120, random_state=0)\n"
    "explorer = LambdaExplorer(X[:60], y[:60], X[60:], y[60:], lam=1.0, lams=[0.01, 0.1, 1.0, 10.0, 100.0])\n"
    "slider = explorer.show()",
    "slider.value = 0.01\n"
    "print(explorer.fit.lam, explorer.fit.model.lam, explorer.n_redraws)",
]


class RecordingClient(NotebookClient):
    """An nbclient that also keeps the type of every message each cell produced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = {}

    def process_message(self, msg, cell, cell_index):
        self.messages.setdefault(cell_index, []).append(msg["msg_type"])
        return super().process_message(msg, cell, cell_index)


def test_moving_the_slider_refits_and_redraws_the_figure_in_place(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = RecordingClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    shown = nb.cells[0].outputs
    assert [o.output_type for o in shown] == ["display_data", "display_data"], shown
    assert "application/vnd.jupyter.widget-view+json" in shown[0].data and "image/png" in shown[1].data
    # Setting the value refitted at the new λ and updated the figure's display: no new picture.
    assert client.messages[1].count("update_display_data") == 1
    assert client.messages[1].count("display_data") == 0
    assert [o.output_type for o in nb.cells[1].outputs] == ["stream"]
    assert nb.cells[1].outputs[0].text.split() == ["0.01", "0.01", "2"]
