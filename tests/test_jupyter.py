"""minilr in a real Jupyter kernel: widget bars, HTML views, a live plot updated in place.

A small notebook is executed by nbclient in a fresh kernel, and its outputs (and the
messages the kernel sent) are read back, as Jupyter would render them.
"""

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "import numpy as np\n"
    "import minilr\n"
    "from minilr.datasets import load_breast_cancer_wisconsin\n"
    "X, y, _ = load_breast_cancer_wisconsin()",
    # 1: a verbose fit, shown as the cell's value
    'minilr.LogisticRegression(solver="gd", max_iter=30, tol=0, verbose=1).fit(X, y)',
    # 2: a failing checker
    "from minilr.exercises import check_cost\n"
    "def cost(theta, X, y, lam):\n"
    "    h = minilr.sigmoid(X @ theta)\n"
    "    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))\n"
    "    return J + lam / (2 * len(y)) * np.sum(theta ** 2)\n"
    "check_cost(cost)",
    # 3: a live cost plot
    "from minilr.plotting import LiveCostPlot\n"
    "plot = LiveCostPlot(every=10)\n"
    'model = minilr.LogisticRegression(solver="gd", max_iter=40, tol=0).fit(X, y, callback=plot)\n'
    "plot.n_redraws",
]


class RecordingClient(NotebookClient):
    """An nbclient that also keeps the type of every message each cell produced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = {}

    def process_message(self, msg, cell, cell_index):
        self.messages.setdefault(cell_index, []).append(msg["msg_type"])
        return super().process_message(msg, cell, cell_index)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = RecordingClient(nb, timeout=300, kernel_name="python3",
                             resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute()
    return nb, client.messages


def _stderr(cell):
    return "".join(o.get("text", "") for o in cell.outputs
                   if o.output_type == "stream" and o.name == "stderr")


def test_verbose_fit_draws_a_widget_bar_and_no_warning(executed):
    nb, _ = executed
    cell = nb.cells[1]
    kinds = [set(o.get("data", {})) for o in cell.outputs]
    assert any("application/vnd.jupyter.widget-view+json" in k for k in kinds), cell.outputs
    assert _stderr(cell) == ""
    assert "TqdmWarning" not in str(cell.outputs)


def test_fitted_estimator_renders_html_with_classes_and_final_cost(executed):
    nb, _ = executed
    result = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"][0]
    html = result.data["text/html"]
    assert "classes_" in html and "final cost" in html
    assert result.data["text/plain"].startswith("LogisticRegression(")


def test_failing_checker_renders_html_with_the_mistake_key(executed):
    nb, _ = executed
    result = [o for o in nb.cells[2].outputs if o.output_type == "execute_result"][0]
    assert "bias_regularized" in result.data["text/html"]
    assert "FAIL" in result.data["text/html"]


def test_live_plot_updates_one_display_in_place(executed):
    nb, messages = executed
    cell = nb.cells[3]
    assert messages[3].count("display_data") == 1
    assert messages[3].count("update_display_data") >= 3  # epochs 10, 20, 30, 40 and the end
    images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert _stderr(cell) == ""
