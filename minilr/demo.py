"""The main job, ``python -m minilr demo``: every model on the bundled data in under a minute."""

import time
from pathlib import Path

import numpy as np

from . import datasets
from .linear import LogisticRegression
from .metrics import confusion_matrix


def _fit_and_score(name, solver, model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return {
        "model": name,
        "solver": solver,
        "train": model.score(X_train, y_train),
        "test": model.score(X_test, y_test),
        "seconds": seconds,
        "estimator": model,
    }


def _standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    sd[sd == 0] = 1.0
    return (X_train - mu) / sd, (X_test - mu) / sd


def run_demo(out="minilr-demo", progress=True):
    """Train the lessons' models on the bundled data, print a table, save figures.

    Parameters
    ----------
    out : str or Path, default="minilr-demo"
        Folder for the PNG figures (created if needed).
    progress : bool, default=True
        Show progress bars.

    Returns
    -------
    list of dict
        One row per model: model, solver, train and test accuracy, seconds.
    """
    import matplotlib

    matplotlib.use("Agg")  # the demo writes files; it never opens a window
    from . import plotting
    from .mlp import MLPClassifier

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    verbose = int(progress)
    rows = []

    X, y, _ = datasets.load_breast_cancer_wisconsin()
    Xtr, Xte, ytr, yte = datasets.train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    Xtr_s, Xte_s = _standardise(Xtr, Xte)
    rows.append(_fit_and_score(
        "logistic regression (breast cancer)", "gd",
        LogisticRegression(lam=0.01, solver="gd", learning_rate=1.0, max_iter=2000, tol=0,
                           verbose=verbose),
        Xtr_s, ytr, Xte_s, yte))
    rows.append(_fit_and_score(
        "logistic regression (breast cancer)", "sgd",
        LogisticRegression(lam=0.01, solver="sgd", learning_rate=0.05, max_iter=50, tol=0, batch_size=32,
                           random_state=0, verbose=verbose),
        Xtr_s, ytr, Xte_s, yte))

    Xd, yd = datasets.load_digits_20x20()
    Dtr, Dte, dtr, dte = datasets.train_test_split(Xd, yd, test_size=0.2, random_state=0, stratify=yd)
    rows.append(_fit_and_score(
        "one-vs-all (digits)", "lbfgs",
        LogisticRegression(lam=1.0, verbose=verbose), Dtr, dtr, Dte, dte))
    rows.append(_fit_and_score(
        "softmax regression (digits)", "lbfgs",
        LogisticRegression(lam=1.0, multi_class="multinomial", verbose=verbose), Dtr, dtr, Dte, dte))
    rows.append(_fit_and_score(
        "MLP 400-25-10 (digits)", "adam",
        MLPClassifier((25,), update="adam", learning_rate=0.01, batch_size=64, max_iter=50,
                      random_state=0, verbose=verbose),
        Dtr, dtr, Dte, dte))

    _print_table(rows)
    figures = _save_figures(rows, Xd, yd, Dte, dte, out, plotting)
    print(f"\nFigures written to {out.resolve()}/: {', '.join(figures)}")
    return [{k: v for k, v in row.items() if k != "estimator"} for row in rows]


def _print_table(rows):
    header = f"{'model':<38} {'solver':<7} {'train acc':>9} {'test acc':>9} {'time (s)':>9}"
    print("\n" + header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['model']:<38} {r['solver']:<7} {r['train']:>9.4f} {r['test']:>9.4f} {r['seconds']:>9.2f}")


def _save_figures(rows, Xd, yd, Dte, dte, out, plotting):
    import matplotlib.pyplot as plt

    saved = []

    def save(fig, name):
        fig.savefig(out / name, dpi=80, bbox_inches="tight")
        plt.close(fig)
        saved.append(name)

    fig, ax = plt.subplots()
    for r in rows:
        history = r["estimator"].history_
        ax.plot(np.arange(1, len(history) + 1), history, label=f"{r['model']} [{r['solver']}]")
    ax.set(xscale="log", xlabel="epoch / iteration", ylabel="cost", title="Training cost")
    ax.legend(fontsize="small")
    save(fig, "cost_histories.png")

    fig = plotting.plot_digits(Xd, yd, n=100, random_state=0)
    save(fig, "digits.png")

    gd = rows[0]["estimator"]
    ax = plotting.plot_cost_history(gd.history_)
    save(ax.figure, "breast_cancer_gd_cost.png")

    mlp = rows[-1]["estimator"]
    cm = confusion_matrix(dte, mlp.predict(Dte), labels=mlp.classes_)
    ax = plotting.plot_confusion_matrix(cm, labels=mlp.classes_)
    ax.set_title("MLP on the digits: test-set confusion matrix")
    save(ax.figure, "digits_mlp_confusion_matrix.png")
    return saved
