"""Training time of minilr's MLPClassifier against scikit-learn's, on the 20x20 digits.

Both train a (400, 25, 10) network with Adam, batch 64, 50 epochs, the same
learning rate and the same L2 penalty, on the same stratified 80/20 split.
The two fits are interleaved, ``repeats`` times each, so a busy machine slows
both alike; the median times are compared.

Run ``python benchmarks/bench_mlp.py``.
"""

from common import interleaved, timed
from minilr.datasets import load_digits_20x20, train_test_split
from minilr.mlp import MLPClassifier

HIDDEN = (25,)
BATCH_SIZE = 64
EPOCHS = 50
LEARNING_RATE = 0.001
SKLEARN_ALPHA = 1e-4  # scikit-learn's default


def run(repeats=5):
    """Time both fits interleaved and compare their test accuracy.

    Returns
    -------
    dict
        ``case``, ``minilr_s`` and ``reference_s`` (median seconds of
        ``repeats`` fits), ``ratio`` (minilr / scikit-learn) and
        ``quality`` with both test accuracies.
    """
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = load_digits_20x20()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0,
                                                        stratify=y)
    # scikit-learn penalises each batch by alpha / (2 |B|); ours by lam / (2 m).
    lam = SKLEARN_ALPHA * X_train.shape[0] / BATCH_SIZE
    ours = MLPClassifier(HIDDEN, update="adam", learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE,
                         max_iter=EPOCHS, lam=lam, random_state=0)
    reference = SkMLP(HIDDEN, solver="adam", learning_rate_init=LEARNING_RATE,
                      batch_size=BATCH_SIZE, max_iter=EPOCHS, alpha=SKLEARN_ALPHA, random_state=0)
    timed(lambda: ours.fit(X_train[:500], y_train[:500]))  # warm-up: imports, BLAS threads
    timed(lambda: reference.fit(X_train[:500], y_train[:500]))
    minilr_s, reference_s, _, _ = interleaved(lambda: ours.fit(X_train, y_train),
                                              lambda: reference.fit(X_train, y_train), repeats)
    return {
        "case": (f"digits 20x20 (4000 train), hidden {HIDDEN}, adam lr={LEARNING_RATE}, "
                 f"batch {BATCH_SIZE}, {EPOCHS} epochs"),
        "minilr_s": minilr_s,
        "reference_s": reference_s,
        "ratio": minilr_s / reference_s,
        "quality": {
            "minilr_acc": float(ours.score(X_test, y_test)),
            "reference_acc": float(reference.score(X_test, y_test)),
        },
    }


def mlp_case(quick=False, repeats=5):
    """Row for ``benchmarks/run.py``: target <= 1.0, equal test accuracy within 1 point."""
    r = run(repeats=3 if quick else repeats)
    q = r["quality"]
    ok = abs(q["minilr_acc"] - q["reference_acc"]) <= 0.01
    return [{"case": f"MLP {r['case']}", "reference": "sklearn MLPClassifier",
             "minilr_s": r["minilr_s"], "reference_s": r["reference_s"], "ratio": r["ratio"],
             "target": "<= 1", "target_met": bool(r["ratio"] <= 1.0), "quality": q,
             "quality_ok": bool(ok)}]


CASES = {"mlp": mlp_case}


if __name__ == "__main__":
    import pprint

    pprint.pprint(run())
