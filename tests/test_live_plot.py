"""Live training plots and progress bars outside Jupyter (the notebook side: test_jupyter.py)."""

import threading

import numpy as np
import pytest
from joblib import Parallel, delayed

from minilr.live_plot import LiveBoundaryPlot, LiveCostPlot
from minilr.progress import in_worker, progress_bar


def test_cost_plot_records_redraws_and_saves_png_at_the_end(tmp_path):
    path = tmp_path / "cost.png"
    plot = LiveCostPlot(every=3, path=path)
    for epoch in range(1, 11):
        assert plot(epoch, 1.0 / epoch, {}) is False
    assert not path.exists()  # written once, when training ends
    plot.finish()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot.epochs == list(range(1, 11)) and plot.costs[-1] == pytest.approx(0.1)
    assert plot.n_redraws == 3 + 1  # epochs 3, 6, 9 and the end
    assert plot.ax.get_xlabel() == "epoch" and plot.ax.get_ylabel() == "cost J"


def test_boundary_plot_draws_the_current_line(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    plot = LiveBoundaryPlot(X, y, every=1, true_boundary=(1.0, 1.0, 0.0), path=tmp_path / "b.png")
    plot(1, 0.6, {"coef": np.array([[2.0, 1.0]]), "intercept": np.array([0.5])})
    lines = plot.ax.get_lines()
    assert len(lines) == 2
    x1, x2 = lines[1].get_data()
    np.testing.assert_allclose(x2, -(2.0 * x1 + 0.5) / 1.0)
    plot.finish()
    assert (tmp_path / "b.png").exists()


@pytest.mark.parametrize("every", [0, -1, 2.5, True, "10"])
def test_every_must_be_a_positive_whole_number(every):
    with pytest.raises(ValueError, match="every must be a whole number of epochs >= 1"):
        LiveCostPlot(every=every)


def test_boundary_plot_needs_two_features():
    with pytest.raises(ValueError, match="X must have two columns"):
        LiveBoundaryPlot(np.zeros((5, 3)), np.zeros(5))


def test_no_bar_without_verbose_or_in_a_worker():
    assert progress_bar(0, 10, "x") is None
    bar = progress_bar(1, 10, "x")
    assert bar is not None and bar.total == 10
    bar.close()
    seen = []
    worker = threading.Thread(target=lambda: seen.append((in_worker(), progress_bar(1, 10, "x"))))
    worker.start()
    worker.join()
    assert seen == [(True, None)]


def test_no_bar_in_a_joblib_process():
    # minilr's own functions as the jobs: a worker process imports them by name.
    assert Parallel(n_jobs=2)(delayed(in_worker)() for _ in range(2)) == [True, True]
    assert Parallel(n_jobs=2)(delayed(progress_bar)(1, 5, "x") for _ in range(2)) == [None, None]
