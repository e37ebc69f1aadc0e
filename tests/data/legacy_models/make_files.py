"""How the model files in this folder were made (minilr 0.1.0, before the parameter renames).

They are kept as they were written, to test that :func:`minilr.load` still reads the
files of that version: do not regenerate them (this script uses the old parameter
names, ``alpha``, ``max_epochs``, the MLP's ``solver`` and ``momentum > 0`` choosing
the update rule, which minilr no longer accepts).

``expected.npz`` holds the training data, the inputs ``X_new`` and, for each model
``<name>``, what the saving minilr predicted on them: ``<name>.proba`` and
``<name>.labels``.
"""

import warnings
from pathlib import Path

import numpy as np

import minilr
from minilr import LogisticRegression, MLPClassifier, OneVsAllClassifier

HERE = Path(__file__).parent
rng = np.random.default_rng(21)
X = rng.normal(size=(60, 4))
X_new = rng.normal(size=(25, 4))
y2 = np.where(X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=60) > 0, "yes", "no")
y3 = np.array(["cat", "dog", "emu"])[np.argmax(X[:, :3] + 0.5 * rng.normal(size=(60, 3)), axis=1)]

MODELS = {
    "lr_lbfgs_binary": (LogisticRegression(lam=0.5), y2),
    "lr_sgd_momentum": (LogisticRegression(solver="sgd", momentum=0.5, max_iter=20, tol=0,
                                           random_state=0), y2),
    "lr_sgd_plain": (LogisticRegression(solver="sgd", max_iter=20, tol=0, random_state=1), y3),
    "lr_gd_ova": (LogisticRegression(solver="gd", max_iter=200, learning_rate=0.5), y3),
    "lr_multinomial": (LogisticRegression(multi_class="multinomial", lam=0.1), y3),
    "mlp_momentum": (MLPClassifier((5,), alpha=0.1, solver="momentum", momentum=0.8,
                                   learning_rate=0.05, max_epochs=20, random_state=0), y2),
    "mlp_adam_3": (MLPClassifier((6, 4), activation="tanh", max_epochs=15, random_state=1), y3),
    "mlp_sgd": (MLPClassifier((3,), solver="sgd", alpha=0.5, max_epochs=10, random_state=2), y2),
    "ova_lr": (OneVsAllClassifier(LogisticRegression(lam=1.0, solver="tnc")), y3),
    "ova_mlp": (OneVsAllClassifier(MLPClassifier((3,), alpha=0.2, max_epochs=5,
                                                 random_state=3)), y3),
}

if __name__ == "__main__":
    expected = {"X": X, "X_new": X_new, "y2": y2, "y3": y3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        for name, (model, y) in MODELS.items():
            model.fit(X, y)
            model.save(HERE / f"{name}.npz")
            expected[f"{name}.proba"] = model.predict_proba(X_new)
            expected[f"{name}.labels"] = model.predict(X_new).astype(str)
    MLPClassifier((4,), alpha=0.3, solver="sgd", max_epochs=7).save(HERE / "mlp_unfitted.npz")
    LogisticRegression(solver="sgd", momentum=0.9).save(HERE / "lr_unfitted.npz")
    np.savez(HERE / "expected.npz", **expected)
