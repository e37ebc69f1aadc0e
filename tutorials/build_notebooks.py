"""Build the lesson notebooks from their cell sources, then run them in place.

The lessons are written here, cell by cell, so that they are easy to edit and
to review; the ``.ipynb`` files next to this script are the result, committed
with their outputs so that they read well without running them.

Usage::

    python tutorials/build_notebooks.py               # build and run every lesson
    python tutorials/build_notebooks.py 01 04         # only lessons whose name starts so
    python tutorials/build_notebooks.py --no-execute  # write the cells, do not run them

Each notebook runs with the ``python3`` kernel and ``tutorials/`` as its
working directory, the same way ``pytest`` (through nbmake) runs it.
"""

import argparse
import sys
import time
from pathlib import Path
from textwrap import dedent

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def md(source):
    """A Markdown cell."""
    return ("markdown", dedent(source).strip("\n"))


def code(source):
    """A code cell."""
    return ("code", dedent(source).strip("\n"))


LESSONS = {}

# ============================================================================
# Lesson 1
# ============================================================================
LESSONS["01_logistic_regression_from_scratch"] = [
    md(r"""
    # Lesson 1: logistic regression from scratch

    We build logistic regression from its parts on a real medical data set: the
    sigmoid, the cost, its gradient (checked numerically), and batch gradient
    descent. Then we look at what the learning rate does, train on mini-batches,
    and compare our weights with scikit-learn's.
    """),
    code(r"""
    %matplotlib inline
    import warnings

    import matplotlib.pyplot as plt
    import numpy as np

    import minilr
    from minilr import LogisticRegression, check_gradient, sigmoid
    from minilr.datasets import load_breast_cancer_wisconsin
    from minilr.losses import regularized_cost, regularized_gradient
    from minilr.optim import gradient_descent
    from minilr.plotting import plot_cost_history, plot_learning_rates
    """),
    md(r"""
    ## 1. The data

    The Wisconsin breast-cancer data (Wolberg, 1992): 699 tumours, nine cell
    measurements each scored from 1 to 10 by a pathologist, and a label,
    malignant ($y = 1$) or benign ($y = 0$). Sixteen tumours have no value for
    *Bare Nuclei*. Let us count them before deciding what to do.
    """),
    code(r"""
    X_raw, y, names = load_breast_cancer_wisconsin(impute=None)
    missing = np.isnan(X_raw)
    print("missing values per feature:", {n: int(k) for n, k in zip(names, missing.sum(axis=0))})
    median = np.nanmedian(X_raw[:, names.index("Bare_Nuclei")])
    print("median of Bare_Nuclei:", median)
    assert missing.sum() == 16
    """),
    md(r"""
    Sixteen values out of 699 × 9 is too few to be worth a model of its own: we
    replace each by the median of its column (the loader does this by default).
    Then we prepend a column of ones, $x_0 = 1$, so that the bias $\theta_0$ is
    just one more weight and the model is $z = \theta^\top x$.
    """),
    code(r"""
    X, y, names = load_breast_cancer_wisconsin()            # impute="median"
    m = len(y)
    Xb = np.column_stack([np.ones(m), X])                   # the bias column
    print("X with bias column:", Xb.shape, "  malignant:", y.sum(), "of", m)
    assert Xb.shape == (699, 10) and y.sum() == 241
    assert np.all(X[missing] == median)
    """),
    md(r"""
    ## 2. The sigmoid and the cost

    Logistic regression predicts the probability of a malignant tumour as

    $$h_\theta(x) = \sigma(\theta^\top x), \qquad \sigma(z) = \frac{1}{1 + e^{-z}},$$

    which squeezes any real $z$ into $(0, 1)$: $\sigma(0) = \tfrac12$, and
    $\sigma(z) \to 1$ as $z \to +\infty$.
    """),
    code(r"""
    z = np.linspace(-10, 10, 201)
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(z, sigmoid(z))
    ax.axhline(0.5, color="gray", lw=0.5)
    ax.axvline(0, color="gray", lw=0.5)
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\sigma(z)$")
    ax.set_title("the sigmoid");
    """),
    md(r"""
    The cost is the mean cross-entropy between the labels and the predictions,

    $$J(\theta) = -\frac{1}{m} \sum_{i=1}^{m} \Bigl[y_i \log h_i + (1 - y_i) \log(1 - h_i)\Bigr],
    \qquad h_i = \sigma(\theta^\top x_i).$$

    A confident wrong prediction ($h_i \to 0$ when $y_i = 1$) costs a lot; a
    confident right one costs almost nothing. Here it is, written exactly as
    the formula reads:
    """),
    code(r"""
    def cost(theta, X, y):
        h = sigmoid(X @ theta)
        return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))


    theta0 = np.zeros(Xb.shape[1])
    J0 = cost(theta0, Xb, y)
    print(f"J(0) = {J0:.6f}    log 2 = {np.log(2):.6f}")
    assert np.isclose(J0, np.log(2))
    assert np.isclose(J0, regularized_cost(theta0, Xb, y, lam=0))
    """),
    md(r"""
    At $\theta = 0$ every $h_i$ is $\tfrac12$, so $J = \log 2$ whatever the
    data: a free first check. minilr's `regularized_cost(theta, X, y, lam)`
    gives the same number (with `lam=0`, no penalty), but it does not compute
    $\log h$: it works from the logits $z$ directly. Section 5 shows why.

    ## 3. The gradient

    Differentiating $J$ gives a remarkably simple result (the derivative of the
    sigmoid, $\sigma' = \sigma(1 - \sigma)$, cancels against the logs):

    $$\frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_{i=1}^{m} (h_i - y_i)\, x_{ij},
    \qquad \nabla J(\theta) = \frac{1}{m} X^\top (h - y).$$
    """),
    code(r"""
    def gradient(theta, X, y):
        h = sigmoid(X @ theta)
        return X.T @ (h - y) / len(y)


    g0 = gradient(theta0, Xb, y)
    print("m * gradient at 0:", m * g0)

    # The reference figure in datasets/README.md: X.T @ (sigmoid(X @ 0) - y).
    REFERENCE_GRADIENT = [108.5, -190.0, -488.5, -460.0, -356.0, -153.0, -606.5, -239.5, -411.0, -68.5]
    assert np.allclose(m * g0, REFERENCE_GRADIENT)
    assert np.allclose(g0, regularized_gradient(theta0, Xb, y, lam=0))
    """),
    md(r"""
    Read the first entry: at $\theta = 0$ every prediction is $\tfrac12$, so
    $\sum_i (h_i - y_i) = 699/2 - 241 = 108.5$. The bias gradient is positive
    because there are fewer malignant tumours than the model's coin-toss
    predicts, and gradient descent will push $\theta_0$ down.

    A formula derived by hand deserves a check. The central difference

    $$\frac{\partial J}{\partial \theta_j} \approx \frac{J(\theta + \epsilon e_j) - J(\theta - \epsilon e_j)}{2\epsilon}$$

    needs nothing but the cost. We check one coordinate by hand, at a random
    point (at $\theta = 0$ some mistakes cancel out):
    """),
    code(r"""
    rng = np.random.default_rng(0)
    theta = rng.normal(scale=0.1, size=Xb.shape[1])
    j, eps = 1 + names.index("Bare_Nuclei"), 1e-5
    e_j = np.zeros_like(theta)
    e_j[j] = eps

    numeric = (cost(theta + e_j, Xb, y) - cost(theta - e_j, Xb, y)) / (2 * eps)
    analytic = gradient(theta, Xb, y)[j]
    print(f"dJ/dtheta_{j}: analytic {analytic:.10f}, numerical {numeric:.10f}")
    assert abs(analytic - numeric) <= 1e-7 * abs(analytic)
    """),
    md(r"""
    `minilr.check_gradient` does the same for every coordinate and reports the
    relative error $\lVert g - \hat g \rVert / (\lVert g \rVert + \lVert \hat g \rVert)$:
    around $10^{-9}$ or below means the gradient is right; a wrong one is off by
    $10^{-2}$ or more.
    """),
    code(r"""
    check = check_gradient(lambda t: cost(t, Xb, y), lambda t: gradient(t, Xb, y), theta)
    print(f"relative error {check.relative_error:.1e}, worst coordinate {check.worst_index}")
    assert check.relative_error < 1e-7
    """),
    md(r"""
    ## 4. Batch gradient descent

    Gradient descent walks downhill, a step of size $\eta$ (the learning rate)
    at a time, each step computed on all $m$ samples (a *batch*):

    $$\theta \leftarrow \theta - \eta\, \nabla J(\theta).$$

    `minilr.optim.gradient_descent` runs this loop for any function that
    returns `(cost, gradient)`, and records the cost of every epoch. The
    reference run in `datasets/README.md` takes 100 000 steps of
    `w -= 3e-4 * X.T @ (h - y)`, the *summed* gradient; with our *mean*
    gradient the same steps have $\eta = 3 \cdot 10^{-4} \times m \approx 0.21$.
    """),
    code(r"""
    def cost_and_gradient(theta):
        return cost(theta, Xb, y), gradient(theta, Xb, y)


    eta = 3e-4 * m
    gd = gradient_descent(cost_and_gradient, theta0, learning_rate=eta, max_iter=100_000, tol=0)
    print(gd)
    print("theta =", np.round(gd.x, 4))

    REFERENCE_THETA = [-9.71454392, 0.53464755, 0.01128227, 0.32376783, 0.23762062,
                       0.05832409, 0.42816088, 0.41212863, 0.15824303, 0.53584273]
    assert np.allclose(gd.x, REFERENCE_THETA, atol=1e-6)
    """),
    code(r"""
    ax = plot_cost_history(gd.history)
    ax.set_xscale("log");
    """),
    md(r"""
    The cost falls from $\log 2 \approx 0.693$ to about 0.081. The epoch axis is
    logarithmic: most of the progress happens in the first hundred epochs, the
    rest is slow polishing. Notice the start: the first steps overshoot, and the
    cost jumps to several times its initial value before the descent settles. The features are scores from 1 to 10,
    not standardised, so a step that suits the bias is large for the weights.

    ## 5. The learning rate

    Too small a step wastes epochs; too large a step overshoots. We train with
    a few rates for 2 000 epochs each. When training blows up, minilr stops at
    once with a `minilr.DivergenceError` that names the epoch and carries the
    costs recorded until then (`err.history`).
    """),
    code(r"""
    rates = [0.01, 0.05, eta, 0.3]
    histories, diverged = {}, None
    for rate in rates:
        try:
            run = gradient_descent(cost_and_gradient, theta0, learning_rate=rate, max_iter=2_000, tol=0)
            histories[round(rate, 3)] = run.history
            print(f"learning rate {rate:.3f}: final cost {run.fun:.4f}")
        except minilr.DivergenceError as err:
            print(f"learning rate {rate:.3f}: {type(err).__name__}: {err}")
            diverged = err
            histories[round(rate, 3)] = np.append(err.history, np.nan)  # the curve stops here

    ax = plot_learning_rates(histories, logy=True)
    ax.set_xscale("log")
    assert isinstance(diverged, minilr.DivergenceError) and diverged.epoch == 4
    """),
    md(r"""
    A rate of 0.01 is safe but slow; 0.21 (the reference run's) gets furthest
    in 2 000 epochs; at 0.3 the cost became NaN at epoch 4 and training
    stopped. Why NaN and not just a large number? The oversized steps push some
    logits $z$ beyond about 37, where $\sigma(z)$ rounds to exactly $1.0$ in
    floating point, and our formula computes $(1 - y) \log(1 - h) = 0 \cdot \log 0 = 0 \cdot (-\infty)$:
    """),
    code(r"""
    theta = theta0.copy()
    for _ in range(3):  # the three steps before the failure
        theta -= 0.3 * gradient(theta, Xb, y)
    z = Xb @ theta
    print("largest |z|:", np.abs(z).max().round(1), "   samples with h == 1.0 exactly:", np.sum(sigmoid(z) == 1))
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0) and 0 * inf, as explained
        print("our cost:", cost(theta, Xb, y), "   minilr's cost:", regularized_cost(theta, Xb, y, lam=0))
    """),
    md(r"""
    minilr's cost never takes $\log h$. It uses
    $-\log \sigma(z) = \log(1 + e^{-z})$ to rewrite each term as

    $$\log(1 + e^{z_i}) - y_i z_i, \quad \text{computed as} \quad \max(z_i, 0) + \log(1 + e^{-|z_i|}) - y_i z_i,$$

    which is finite for every finite $z$. With that cost the same learning rate
    does not fail: the cost jumps up, then comes down. minilr's
    `LogisticRegression` uses it; with `solver="gd"` it runs the same loop as
    above. And when a rate is much too large, the cost stays finite but ends
    higher than it started: minilr then says so with a `ConvergenceWarning`.
    """),
    code(r"""
    for rate in [0.3, 100.0]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", minilr.ConvergenceWarning)
            model = LogisticRegression(lam=0, solver="gd", learning_rate=rate, max_iter=2_000).fit(X, y)
        print(f"learning rate {rate}: cost {model.history_[0]:.3f} -> max {model.history_.max():.1f} "
              f"-> {model.history_[-1]:.4f}")
        for w in caught:
            print("   ", type(w.message).__name__ + ":", w.message)

    assert np.all(np.isfinite(model.history_))
    assert any("learning rate is probably too large" in str(w.message) for w in caught)
    """),
    md(r"""
    ## 6. Mini-batch stochastic gradient descent

    A batch step reads all 699 samples. Stochastic gradient descent shuffles
    the samples every epoch and steps on small *mini-batches* $B$ of them,

    $$\theta \leftarrow \theta - \eta\, \frac{1}{|B|} \sum_{i \in B} (h_i - y_i)\, x_i,$$

    so one epoch makes $\lceil m / |B| \rceil$ steps instead of one. Each step
    is noisy, so the cost per epoch jitters; a moving average over 100 epochs
    shows the trend.
    """),
    code(r"""
    sgd = LogisticRegression(lam=0, solver="sgd", learning_rate=0.05, batch_size=32,
                             max_iter=2_000, tol=0, random_state=0).fit(X, y)
    ax = plot_cost_history(sgd, smooth=100, label="cost per epoch")
    ax.set_ylim(0.07, 0.12)
    print(f"{len(sgd.history_)} epochs of {int(np.ceil(m / 32))} steps; cost after 100 epochs "
          f"{sgd.history_[99]:.4f}, at the end {sgd.history_[-1]:.4f}")
    print(f"batch gradient descent after 100 epochs: {gd.history[99]:.4f}")
    assert sgd.history_[99] < gd.history[99]
    """),
    md(r"""
    Per epoch, mini-batches get further than full batches: 22 small steps beat
    one exact one. But with a fixed learning rate SGD never settles: it keeps
    jittering around the minimum, at a distance set by $\eta$ and the batch size.

    ## 7. Our weights next to scikit-learn's

    scikit-learn's `LogisticRegression` minimises the same cross-entropy plus an
    L2 penalty $\frac{1}{2C}\lVert w \rVert^2$ (its sum is our mean times $m$),
    which is minilr's $\frac{\lambda}{2m}\lVert w \rVert^2$ with $\lambda = 1/C$.
    With `C=10000` the penalty is tiny, so the answer should be close to our
    unpenalised gradient descent. We also fit minilr's `LogisticRegression` with
    the same L-BFGS solver and tolerance as scikit-learn's default. (minilr
    itself never imports scikit-learn; we do it here only for this comparison.)
    """),
    code(r"""
    from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression

    sk = SklearnLogisticRegression(C=10_000).fit(X, y)
    ours = LogisticRegression(lam=1 / 10_000).fit(X, y)  # solver="lbfgs", tol=1e-4

    rows = [("bias", sk.intercept_[0], ours.intercept_[0], gd.x[0])]
    rows += [(name, s, o, g) for name, s, o, g in zip(names, sk.coef_[0], ours.coef_[0], gd.x[1:])]
    print(f"{'':28}{'scikit-learn':>14}{'minilr':>14}{'our GD':>14}")
    for name, s, o, g in rows:
        print(f"{name:28}{s:14.5f}{o:14.5f}{g:14.5f}")

    sk_theta = np.r_[sk.intercept_, sk.coef_[0]]
    ours_theta = np.r_[ours.intercept_, ours.coef_[0]]
    assert np.isclose(sk.intercept_[0], -9.72, atol=0.01)
    assert np.allclose(ours_theta, sk_theta, atol=1e-3)
    """),
    md(r"""
    minilr and scikit-learn agree to every printed digit. Our gradient descent
    is off by about 0.01 in the bias. Who is right? Both solvers stopped at a
    *tolerance* (`tol=1e-4`, on the size of the gradient), not at the exact
    minimum. Tighten it and both move to where 100 000 epochs of gradient
    descent had arrived:
    """),
    code(r"""
    sk_tight = SklearnLogisticRegression(C=10_000, tol=1e-10, max_iter=10_000).fit(X, y)
    ours_tight = LogisticRegression(lam=1 / 10_000, tol=1e-10).fit(X, y)
    print(f"bias: scikit-learn {sk_tight.intercept_[0]:.5f}, minilr {ours_tight.intercept_[0]:.5f}, "
          f"our GD {gd.x[0]:.5f}")
    assert np.allclose(np.r_[sk_tight.intercept_, sk_tight.coef_[0]], gd.x, atol=1e-3)
    assert np.allclose(np.r_[ours_tight.intercept_, ours_tight.coef_[0]], gd.x, atol=1e-3)
    """),
    md(r"""
    ## Summary

    * The sigmoid turns a linear score into a probability; the cross-entropy
      cost has the gradient $\frac1m X^\top (h - y)$, which a central difference
      confirms.
    * Batch gradient descent reproduces the reference weights; the learning
      rate decides between slow, fast and broken. minilr stops a run whose cost
      turns NaN with a `DivergenceError`, and warns when the cost ends higher
      than it began.
    * Computing the cost from the logits keeps it finite where the textbook
      formula gives NaN.
    * Mini-batch SGD gets further per epoch but jitters around the minimum.
    * minilr's weights match scikit-learn's; both solvers stop at a tolerance.
    """),
]


# ============================================================================
# Lesson 2
# ============================================================================
LESSONS["02_one_vs_all_digits"] = [
    md(r"""
    # Lesson 2: one-vs-all on handwritten digits

    Logistic regression answers yes-or-no questions. To read a handwritten digit
    we need ten answers, so we train ten classifiers, one per digit, and let the
    most confident one win. We train them one after another, then in parallel,
    then all at once as one matrix problem, and time each way; softmax
    regression, a single ten-class model, comes last for comparison.
    """),
    code(r"""
    %matplotlib inline
    import time

    import matplotlib.pyplot as plt
    import numpy as np

    from threadpoolctl import threadpool_limits

    from minilr import LogisticRegression
    from minilr.datasets import load_digits_20x20
    from minilr.metrics import confusion_matrix
    from minilr.multiclass import OneVsAllClassifier
    from minilr.plotting import plot_confusion_matrix, plot_digits

    blas_threads = threadpool_limits(1)  # numpy's matrix products on one thread: see section 3
    """),
    md(r"""
    ## 1. The digits

    5000 handwritten digits, 500 of each, as 20 × 20 grey images with values
    from 0 (black) to 1 (white). Each image is unrolled into a row of 400
    pixels, column by column, so `X` has shape (5000, 400).
    """),
    code(r"""
    X, y = load_digits_20x20()
    print("X:", X.shape, "  labels:", np.unique(y), "  per digit:", np.bincount(y))
    plot_digits(X, y, n=100, random_state=0);
    assert X.shape == (5000, 400) and np.all(np.bincount(y) == 500)
    """),
    md(r"""
    ## 2. One classifier per digit

    For each digit $k$ we train a binary logistic regression that answers
    "is this a $k$?": label 1 for the images of $k$, 0 for all the others. With
    the bias $b_k$ and weights $w_k$ (400 of them, one per pixel), each
    classifier minimises lesson 1's cost with an L2 penalty,

    $$J_k(w_k, b_k) = \frac1m \sum_i \Bigl[\log\bigl(1 + e^{z_{ik}}\bigr) - [y_i = k]\, z_{ik}\Bigr]
    + \frac{\lambda}{2m} \lVert w_k \rVert^2, \qquad z_{ik} = w_k^\top x_i + b_k.$$

    With 400 weights and 5000 images the penalty matters: $\lambda = 1$ keeps
    the weights from chasing single pixels. A new image gets the digit whose
    classifier is most confident:

    $$\hat y(x) = \operatorname*{arg\,max}_k\ w_k^\top x + b_k.$$

    `OneVsAllClassifier(estimator)` does exactly this with any binary
    classifier: it fits one fresh copy per class and keeps them in
    `estimators_`. We use minilr's `LogisticRegression` with $\lambda = 1$ and
    scipy's truncated-Newton solver, TNC, starting from zero weights.
    """),
    code(r"""
    binary = LogisticRegression(lam=1, solver="tnc")
    times, accuracies = {}, {}

    start = time.perf_counter()
    one_by_one = OneVsAllClassifier(binary, n_jobs=1).fit(X, y)
    times["one after another"] = time.perf_counter() - start
    accuracies["one after another"] = one_by_one.score(X, y)

    print(f"{len(one_by_one.estimators_)} classifiers in {times['one after another']:.1f} s, "
          f"training accuracy {accuracies['one after another']:.2%}")
    assert accuracies["one after another"] >= 0.94
    """),
    md(r"""
    Prediction is one matrix product and an `argmax`. Each row of
    `one_by_one.coef_` holds one classifier's weights; we compute every score
    at once and check we get the same digits as `predict`:
    """),
    code(r"""
    scores = X @ one_by_one.coef_.T + one_by_one.intercept_      # shape (5000, 10)
    by_hand = np.argmax(scores, axis=1)
    print("scores:", scores.shape, "  first image: true", y[0], ", predicted", by_hand[0])
    assert np.array_equal(by_hand, one_by_one.predict(X))
    """),
    md(r"""
    Each classifier's weights form a 20 × 20 image: red pixels are evidence
    *for* its digit, blue ones *against*, white ones (the border, always empty)
    do not matter.
    """),
    code(r"""
    fig, axes = plt.subplots(1, 10, figsize=(12, 1.6))
    for k, ax in enumerate(axes):
        w = one_by_one.coef_[k]
        ax.imshow(w.reshape(20, 20, order="F"), cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
        ax.set_title(f"digit {k}", fontsize=9)
        ax.set_axis_off()
    """),
    md(r"""
    ## 3. In parallel

    The ten problems share nothing, so they can run at the same time.
    `n_jobs=2` hands them to two worker processes (through joblib). Each worker
    needs its own copy of `X`, and starting workers takes time, so parallel is
    not automatically faster: it pays off when each fit is long compared with
    that overhead.

    A word on fair timing. numpy hands matrix products to a BLAS library that
    may start threads of its own, one per core. At the top of this notebook we
    limited it to one thread, so that "one after another" really runs on one
    core and "in parallel" on two. Without the limit, the BLAS threads and the
    worker processes compete for the same cores, and the times say more about
    that competition than about the approaches.
    """),
    code(r"""
    start = time.perf_counter()
    parallel = OneVsAllClassifier(binary, n_jobs=2).fit(X, y)
    times["in parallel (n_jobs=2)"] = time.perf_counter() - start
    accuracies["in parallel (n_jobs=2)"] = parallel.score(X, y)

    print(f"{times['in parallel (n_jobs=2)']:.1f} s, training accuracy "
          f"{accuracies['in parallel (n_jobs=2)']:.2%}")
    assert np.array_equal(parallel.coef_, one_by_one.coef_)   # the same ten fits
    """),
    md(r"""
    ## 4. Vectorised: ten problems as one

    Put the ten weight vectors side by side as the columns of a matrix
    $W$ (400 × 10) and the ten labels as the columns of $Y$ (5000 × 10, one-hot).
    Then all ten logits are one product, $Z = XW + b$, and the ten costs and
    gradients come out together:

    $$J(W, b) = \sum_{k} J_k, \qquad \nabla_W J = \frac1m X^\top \bigl(\sigma(Z) - Y\bigr) + \frac{\lambda}{m} W.$$

    This is what `LogisticRegression` does by itself when `y` has more than two
    classes (`multi_class="ova"`, the default): one optimisation over all
    4010 parameters, one pass over `X` per step for all ten classifiers.
    """),
    code(r"""
    start = time.perf_counter()
    vectorised = LogisticRegression(lam=1, solver="tnc").fit(X, y)
    times["vectorised"] = time.perf_counter() - start
    accuracies["vectorised"] = vectorised.score(X, y)

    print(f"coef_ {vectorised.coef_.shape}: {times['vectorised']:.1f} s, training accuracy "
          f"{accuracies['vectorised']:.2%}")
    print(f"predictions that differ from the ten separate fits: "
          f"{np.sum(vectorised.predict(X) != one_by_one.predict(X))}")
    assert abs(accuracies["vectorised"] - 0.9420) < 0.0005   # datasets/README.md: 94.20%
    """),
    md(r"""
    The reference figure, 94.20%, is reproduced. The ten separate fits land a
    hair away (a handful of predictions differ): the solver stops at a
    tolerance, and a tolerance on one joint problem is not the same as ten
    tolerances on ten small ones.

    ## 5. Softmax regression

    One-vs-all trains ten classifiers that never see each other's scores.
    Softmax (multinomial) regression trains them together, turning the ten
    logits into probabilities that sum to one,

    $$P(y = k \mid x) = \frac{e^{z_k}}{\sum_j e^{z_j}}, \qquad
    J = \frac1m \sum_i \Bigl[\log \sum_j e^{z_{ij}} - z_{i, y_i}\Bigr] + \frac{\lambda}{2m} \lVert W \rVert^2,$$

    so raising one digit's score lowers the others'. Same $\lambda = 1$, L-BFGS:
    """),
    code(r"""
    start = time.perf_counter()
    softmax = LogisticRegression(lam=1, multi_class="multinomial", solver="lbfgs").fit(X, y)
    times["softmax regression"] = time.perf_counter() - start
    accuracies["softmax regression"] = softmax.score(X, y)

    print(f"{'':26}{'time':>8}{'training accuracy':>20}")
    for name in times:
        print(f"{name:26}{times[name]:7.1f}s{accuracies[name]:19.2%}")
    assert accuracies["softmax regression"] >= 0.96
    assert all(acc >= 0.94 for acc in accuracies.values())
    """),
    md(r"""
    All four are trained to a tolerance on the same data. The times are those
    of the machine that ran this notebook and change from one run to the next;
    what they show is the trade-off. Ten separate fits make many cheap passes
    over `X`; the parallel version splits them between two cores but pays to
    start the workers and copy `X`; the vectorised version makes fewer, wider
    passes (ten columns at once), but its solver must satisfy all ten problems
    at once and may need more steps.

    Softmax regression is about two points more accurate on the training set.
    These are *training* accuracies: they measure how well each model fits,
    not how well it reads digits it has never seen; for that, hold out a test
    set (`minilr.datasets.train_test_split`).

    ## 6. The mistakes

    Which digits does the one-vs-all model get wrong, and what does it take
    them for? The confusion matrix counts every (true, predicted) pair, and the
    misread images themselves are often hard for a person too.
    """),
    code(r"""
    predicted = vectorised.predict(X)
    wrong = np.flatnonzero(predicted != y)
    print(f"{wrong.size} of {len(y)} images misread")
    plot_confusion_matrix(confusion_matrix(y, predicted), labels=range(10));
    """),
    code(r"""
    labels = np.array([f"{t}→{p}" for t, p in zip(y[wrong], predicted[wrong])])
    plot_digits(X[wrong], labels, n=50, random_state=0);
    """),
    md(r"""
    Each image is labelled "true → predicted". Some would puzzle a person too,
    like a 4 closed at the top that reads as a 9; many would not. The model has
    one weight per pixel and no notion of shape, so digits that light up the
    same pixels get confused: 3 with 5, 4 with 9, 7 with 9. A hidden layer
    (lesson 3) learns features between the pixels and the decision.

    ## Summary

    * One-vs-all turns a binary classifier into a $K$-class one: $K$ fits,
      predict the most confident.
    * The $K$ fits are independent: they can run one after another, in
      parallel (`n_jobs`), or as one matrix problem; all reach at least 94% here.
    * Softmax regression couples the classes and fits the training set better
      (about 96.5%).
    """),
]


# ============================================================================
# Lesson 3
# ============================================================================
LESSONS["03_neural_network_backprop"] = [
    md(r"""
    # Lesson 3: a neural network and backpropagation

    A neural network is logistic regression stacked on learned features. We
    write the forward and backward passes of a one-hidden-layer network by hand,
    check them against minilr and against finite differences, and then train a
    deeper network on a problem whose answer we know, watching accuracy and F1
    epoch by epoch and seeing what the decision threshold changes.
    """),
    code(r"""
    %matplotlib inline
    import inspect
    import warnings

    import matplotlib.pyplot as plt
    import numpy as np

    import minilr
    from minilr import check_gradient, sigmoid
    from minilr.datasets import make_sum_threshold
    from minilr.metrics import accuracy_score, f1_score, precision_score, recall_score
    from minilr.neural_net import (MLPClassifier, backward, flatten_params, init_params,
                                   loss_and_gradients, unflatten_params)
    """),
    md(r"""
    ## 1. One hidden layer, by hand

    Samples are the rows of $X$ (shape $m \times n$). A layer multiplies by a
    weight matrix and adds a bias; the hidden layer then applies the ReLU,
    $f(z) = \max(z, 0)$; the output unit applies the sigmoid:

    $$z^{(1)} = X W_1 + b_1, \quad a^{(1)} = f\bigl(z^{(1)}\bigr), \quad
    z^{(2)} = a^{(1)} W_2 + b_2, \quad h = \sigma\bigl(z^{(2)}\bigr).$$

    The cost is lesson 1's cross-entropy, plus an L2 penalty on the weights
    (not the biases):

    $$J = \frac1m \sum_i \bigl[\log(1 + e^{z^{(2)}_i}) - y_i z^{(2)}_i\bigr]
          + \frac{\alpha}{2m} \bigl(\lVert W_1 \rVert^2 + \lVert W_2 \rVert^2\bigr).$$

    Backpropagation is the chain rule applied from the output backwards. The
    error at the output is the same as in logistic regression, and each layer
    passes its error back through its weights and the derivative of its
    activation, $f'(z) = [z > 0]$ for the ReLU:

    $$\delta^{(2)} = \frac1m (h - y), \qquad
    \nabla_{W_2} J = a^{(1)\top} \delta^{(2)} + \frac{\alpha}{m} W_2, \qquad
    \nabla_{b_2} J = \textstyle\sum_i \delta^{(2)}_i,$$

    $$\delta^{(1)} = \bigl(\delta^{(2)} W_2^\top\bigr) \odot f'\bigl(z^{(1)}\bigr), \qquad
    \nabla_{W_1} J = X^\top \delta^{(1)} + \frac{\alpha}{m} W_1, \qquad
    \nabla_{b_1} J = \textstyle\sum_i \delta^{(1)}_i.$$
    """),
    code(r"""
    def one_hidden_layer(params, X, y, alpha):
        W1, b1, W2, b2 = params
        m = X.shape[0]
        # forward
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2 + b2
        h = sigmoid(z2)
        J = np.mean(np.logaddexp(0, z2[:, 0]) - y * z2[:, 0])   # log(1 + e^z) - y z
        J += alpha / (2 * m) * (np.sum(W1**2) + np.sum(W2**2))
        # backward
        d2 = (h - y[:, None]) / m
        gW2 = a1.T @ d2 + alpha / m * W2
        gb2 = d2.sum(axis=0)
        d1 = (d2 @ W2.T) * (z1 > 0)
        gW1 = X.T @ d1 + alpha / m * W1
        gb1 = d1.sum(axis=0)
        return J, [gW1, gb1, gW2, gb2]
    """),
    md(r"""
    minilr's `loss_and_gradients(params, X, Y, alpha, activation)` computes
    the same, for any number of layers; `params` is the list
    `[W1, b1, W2, b2, ...]`. On a small random problem the two agree to
    rounding error:
    """),
    code(r"""
    rng = np.random.default_rng(0)
    X_small = rng.normal(size=(20, 4))
    y_small = (rng.random(20) < 0.5).astype(float)
    params = init_params([4, 5, 1], init="xavier", random_state=0)
    for p in params[1::2]:
        p += rng.normal(scale=0.1, size=p.shape)   # nonzero biases, to test them too

    J_ours, grads_ours = one_hidden_layer(params, X_small, y_small, alpha=0.3)
    J_minilr, grads_minilr = loss_and_gradients(params, X_small, y_small, alpha=0.3, activation="relu")
    print(f"cost: ours {J_ours:.12f}, minilr {J_minilr:.12f}")
    for name, g, G in zip(["W1", "b1", "W2", "b2"], grads_ours, grads_minilr):
        print(f"  {name}: shape {g.shape}, largest difference {np.abs(g - G).max():.1e}")
    assert np.isclose(J_ours, J_minilr, rtol=1e-12)
    assert all(np.allclose(g, G, rtol=1e-10, atol=1e-14) for g, G in zip(grads_ours, grads_minilr))
    """),
    md(r"""
    Here is minilr's backward pass. It is the same two lines per layer, written
    once as a loop from the last layer to the first: `delta` starts as
    $\frac1m(h - y)$, each layer's gradient is `a_prev.T @ delta` (plus the
    penalty) and `delta.sum(axis=0)`, and `delta @ W.T` times the activation's
    derivative carries the error one layer back.
    """),
    code(r"""
    source = inspect.getsource(backward)
    docstring_end = source.index('"' * 3, source.index('"' * 3) + 3) + 3
    print(source[docstring_end:].strip("\n"))   # the code, without its docstring
    """),
    md(r"""
    ## 2. A gradient check of the whole network

    Agreeing with minilr is not proof that either is right. The central
    difference of lesson 1 is: we flatten all weights and biases into one
    vector $\theta$ and compare every partial derivative. The network is the
    one we train below, 10 inputs and three hidden layers of 10 ReLUs, 341
    parameters in all.
    """),
    code(r"""
    sizes = [10, 10, 10, 10, 1]
    X_check, y_check = make_sum_threshold(30, random_state=1)
    theta = flatten_params(init_params(sizes, init="xavier", random_state=2))
    theta += np.random.default_rng(3).normal(scale=0.1, size=theta.size)  # nonzero biases


    def network_cost(theta):
        J, grads = loss_and_gradients(unflatten_params(theta, sizes), X_check, y_check,
                                      alpha=0.1, activation="relu")
        return J, flatten_params(grads)


    check = check_gradient(network_cost, None, theta)
    print(f"{theta.size} parameters, relative error {check.relative_error:.1e}")
    assert check.relative_error < 1e-7
    """),
    md(r"""
    The check also catches mistakes. Forget the ReLU's derivative in our hand
    written version (the `* (z1 > 0)`), and the error jumps by many orders of
    magnitude:
    """),
    code(r"""
    def forgot_relu_derivative(params, X, y, alpha):
        J, grads = one_hidden_layer(params, X, y, alpha)
        W1, b1, W2, b2 = params
        d2 = (sigmoid(np.maximum(X @ W1 + b1, 0) @ W2 + b2) - y[:, None]) / len(y)
        d1 = d2 @ W2.T                                  # the bug: no "* (z1 > 0)"
        return J, [X.T @ d1 + alpha / len(y) * W1, d1.sum(axis=0), grads[2], grads[3]]


    sizes_small = [4, 5, 1]
    for fn in (one_hidden_layer, forgot_relu_derivative):
        def f(theta):
            J, grads = fn(unflatten_params(theta, sizes_small), X_small, y_small, 0.3)
            return J, flatten_params(grads)
        err = check_gradient(f, None, flatten_params(params)).relative_error
        print(f"{fn.__name__:24s} relative error {err:.1e}")
    assert err > 1e-3
    """),
    md(r"""
    ## 3. Training a 10-10-10-1 network

    The data: ten features drawn from $\mathcal N(0, 1)$, and the label says
    whether their sum exceeds 3,

    $$y = \Bigl[\textstyle\sum_{j=1}^{10} x_j > 3\Bigr].$$

    The sum of ten standard normals has standard deviation $\sqrt{10}$, so only
    about 17% of the samples are positive. We train on 1000 samples and
    validate on 100 fresh ones. `MLPClassifier` trains by mini-batch SGD:
    batches of 10, learning rate 0.1, 10 epochs, Xavier initialisation.
    """),
    code(r"""
    X, y = make_sum_threshold(1000, random_state=0)
    X_val, y_val = make_sum_threshold(100, random_state=1)
    print(f"positives: {y.mean():.1%} of the training set, {y_val.sum()} of the {len(y_val)} validation samples")

    settings = dict(hidden_layer_sizes=(10, 10, 10), activation="relu", init="xavier",
                    solver="sgd", learning_rate=0.1, batch_size=10, random_state=0)
    with warnings.catch_warnings():
        # 10 epochs is our budget, not convergence: minilr would say the cost has not settled.
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        net = MLPClassifier(max_epochs=10, **settings).fit(X, y, validation_data=(X_val, y_val))
    print("cost per epoch:          ", net.history_.round(3))
    print("validation accuracy:     ", net.validation_history_)
    """),
    md(r"""
    `validation_history_` records the validation accuracy after every epoch.
    Accuracy alone flatters a model when one class is rare: predicting 0 for
    everyone already scores over 80% here. The F1 score looks at the positive
    class only,

    $$\text{precision} = \frac{tp}{tp + fp}, \quad \text{recall} = \frac{tp}{tp + fn}, \quad
    F_1 = \frac{2 \cdot \text{precision} \cdot \text{recall}}{\text{precision} + \text{recall}}.$$

    To score each epoch ourselves we use the fact that training is
    reproducible: with the same `random_state`, a network trained for $k$ epochs
    is exactly the 10-epoch network after its $k$-th epoch (same initial
    weights, same shuffles). So we train for 1, 2, ..., 10 epochs.
    """),
    code(r"""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", minilr.ConvergenceWarning)
        for epochs in range(1, 11):
            net_k = MLPClassifier(max_epochs=epochs, **settings).fit(X, y)
            p_train, p_val = net_k.predict(X), net_k.predict(X_val)
            rows.append((epochs, accuracy_score(y, p_train), f1_score(y, p_train),
                         accuracy_score(y_val, p_val), f1_score(y_val, p_val)))
    per_epoch = np.array(rows)

    print("epoch  train acc  train F1  val acc  val F1")
    for epoch, acc, f1, val_acc, val_f1 in rows:
        print(f"{epoch:5d}  {acc:9.3f}  {f1:8.3f}  {val_acc:7.2f}  {val_f1:6.3f}")

    # The same networks as the 10-epoch run, epoch by epoch.
    assert np.array_equal(per_epoch[:, 3], net.validation_history_)
    assert np.array_equal(net_k.coefs_[0], net.coefs_[0])
    """),
    code(r"""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
    for ax, (col, title) in zip(axes, [(1, "accuracy"), (2, "F1")]):
        ax.plot(per_epoch[:, 0], per_epoch[:, col], "o-", label="training (1000)")
        ax.plot(per_epoch[:, 0], per_epoch[:, col + 2], "s-", label="validation (100)")
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.legend()
    axes[0].set_ylim(0.5, 1.02);
    """),
    code(r"""
    final_acc, final_f1 = per_epoch[-1, 3], per_epoch[-1, 4]
    print(f"after 10 epochs: validation accuracy {final_acc:.2f}, F1 {final_f1:.3f}")
    assert final_acc >= 0.9 and final_f1 >= 0.8
    assert per_epoch[-1, 1] >= 0.95
    """),
    md(r"""
    The network learns the rule in a few epochs. The F1 score starts lower
    than the accuracy and climbs more, because at first the network finds few
    of the rare positives. The validation curves are jumpy: with 100 samples,
    one sample is a whole percentage point of accuracy, and the few positives
    among them (9 here) carry the whole F1: one missed positive costs about 0.07.

    ## 4. The decision threshold

    `predict` says 1 when $P(y = 1 \mid x) \ge 0.5$. That threshold is a choice,
    not part of the model. Lowering it finds more positives (higher recall) at
    the price of more false alarms (lower precision); raising it does the
    opposite. Which one matters depends on the cost of each mistake: in a
    screening test a missed positive is worse than a false alarm.
    """),
    code(r"""
    p_val = net.predict_proba(X_val)[:, 1]
    thresholds = np.linspace(0.05, 0.95, 19)
    curves = {"precision": [], "recall": [], "F1": [], "accuracy": []}
    for t in thresholds:
        pred = (p_val >= t).astype(int)
        curves["precision"].append(precision_score(y_val, pred))
        curves["recall"].append(recall_score(y_val, pred))
        curves["F1"].append(f1_score(y_val, pred))
        curves["accuracy"].append(accuracy_score(y_val, pred))

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in curves.items():
        ax.plot(thresholds, values, marker=".", label=name)
    ax.axvline(0.5, color="gray", lw=0.5)
    ax.set_xlabel("threshold on $P(y = 1 \\mid x)$")
    ax.set_title("validation scores against the decision threshold")
    ax.legend();

    for t in (0.2, 0.5, 0.8):
        pred = (p_val >= t).astype(int)
        print(f"threshold {t}: precision {precision_score(y_val, pred):.3f}, "
              f"recall {recall_score(y_val, pred):.3f}, F1 {f1_score(y_val, pred):.3f}")
    recall = np.array(curves["recall"])
    assert np.all(np.diff(recall) <= 0)          # a higher threshold never finds more positives
    assert recall[0] > recall[-1]
    """),
    md(r"""
    minilr's classifiers take the threshold as a parameter,
    `MLPClassifier(threshold=...)` and `LogisticRegression(threshold=...)`; it
    changes `predict` and nothing else. Choose it on validation data, never on
    the test set, or the test score stops being an honest estimate.

    ## Summary

    * Backpropagation is the chain rule from the output back: one error term
      per layer, $\delta^{(l-1)} = (\delta^{(l)} W_l^\top) \odot f'(z^{(l-1)})$,
      and each gradient is the layer's input times its error.
    * A gradient check compares every derivative with a central difference: it
      confirms a right gradient to about $10^{-9}$ and exposes a wrong one.
    * The 10-10-10-1 ReLU network learns the sum rule in a few epochs of SGD.
    * With a rare class, watch F1 as well as accuracy, and pick the threshold
      for the mistakes you can least afford.
    """),
]


# ============================================================================
# Lesson 4
# ============================================================================
LESSONS["04_decision_boundary"] = [
    md(r"""
    # Lesson 4: watching the decision boundary move

    Logistic regression draws a straight line through the plane: on one side it
    predicts 1, on the other 0. On data generated from a known line we watch
    the learned line move towards it during training, and we find out why the
    accuracy stops well short of 1 even when the model is exactly right.
    """),
    code(r"""
    %matplotlib inline
    import matplotlib.pyplot as plt
    import numpy as np

    from minilr import LogisticRegression, sigmoid
    from minilr.datasets import make_linear_boundary
    from minilr.losses import cost_and_gradient
    from minilr.optim import gradient_descent
    from minilr.plotting import plot_boundary_snapshots, plot_decision_boundary
    """),
    md(r"""
    ## 1. Data with a known boundary

    `make_linear_boundary` draws two features, $x_1 \sim \mathcal N(0, 2^2)$ and
    $x_2 \sim \mathcal N(0, 1)$, and gives each point the label 1 with probability

    $$P(y = 1 \mid x) = \sigma(w_1 x_1 + w_2 x_2 + b), \qquad w = (1, 3),\ b = 0.1.$$

    So the data follow the logistic model exactly, and its *true boundary* is
    the line where that probability is $\tfrac12$:

    $$w_1 x_1 + w_2 x_2 + b = 0 \iff x_2 = -\frac{w_1 x_1 + b}{w_2}.$$
    """),
    code(r"""
    W_TRUE, B_TRUE = np.array([1.0, 3.0]), 0.1
    X, y = make_linear_boundary(1000, w=W_TRUE, b=B_TRUE, random_state=0)
    print("X:", X.shape, "  share of label 1:", y.mean())

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for label in (0, 1):
        ax.scatter(*X[y == label].T, s=10, label=f"y = {label}")
    x1 = np.array([X[:, 0].min(), X[:, 0].max()])
    ax.plot(x1, -(W_TRUE[0] * x1 + B_TRUE) / W_TRUE[1], "g--", label="true boundary")
    ax.set_ylim(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend();
    """),
    md(r"""
    The two colours overlap near the line: close to it, $P(y = 1 \mid x)$ is
    near $\tfrac12$ and the label is close to a coin toss. Far from it, the
    labels are almost always right.

    ## 2. Training, one snapshot every 10 epochs

    We train by batch gradient descent on minilr's cost, which keeps the
    intercept $b$ apart from the weights $w$:

    $$J(w, b) = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr], \quad z = Xw + b, \qquad
    \nabla_w J = \frac1m X^\top (h - y), \quad \frac{\partial J}{\partial b} = \frac1m \sum_i (h_i - y_i).$$

    `gradient_descent` works on one flat vector, here $(w_1, w_2, b)$, and calls
    `callback(epoch, params, cost)` after every step. Our callback keeps the
    parameters of every tenth epoch, with the accuracy and the cost at those
    parameters (the `cost` the callback is given is the one the step started
    from, one epoch earlier, so we evaluate it afresh).
    """),
    code(r"""
    def cost_and_grad(params):
        J, grad_w, grad_b = cost_and_gradient(params[:2], params[2], X, y)
        return J, np.r_[grad_w, grad_b]


    def accuracy(params):
        return np.mean((X @ params[:2] + params[2] > 0) == y)


    snapshots = []


    def every_10_epochs(epoch, params, _):
        if epoch % 10 == 0:
            snapshots.append({"epoch": epoch, "params": params.copy(),
                              "accuracy": accuracy(params), "cost": cost_and_grad(params)[0]})


    result = gradient_descent(cost_and_grad, np.zeros(3), learning_rate=0.5, max_iter=100, tol=0,
                              callback=every_10_epochs)
    for s in snapshots:
        print(f"epoch {s['epoch']:3d}: w = {s['params'][:2].round(3)}, b = {s['params'][2]:+.3f}, "
              f"accuracy {s['accuracy']:.3f}, cost {s['cost']:.4f}")
    assert [s["epoch"] for s in snapshots] == list(range(10, 101, 10))
    """),
    code(r"""
    plot_boundary_snapshots(snapshots, X, y, true_boundary=(*W_TRUE, B_TRUE), ncols=2);
    """),
    md(r"""
    The accuracy is already 0.86 after 10 epochs and hardly moves afterwards,
    while the line keeps turning slowly towards the true one. What changes most
    is the *length* of $w$, which more than doubles between epochs 10 and 100. The line
    $w^\top x + b = 0$ does not change when $w$ and $b$ are scaled together, but
    the probabilities $\sigma(w^\top x + b)$ do: a longer $w$ makes the model
    more confident. The cost measures confidence, so it keeps falling while
    $\lVert w \rVert$ grows towards the true $\lVert (1, 3) \rVert \approx 3.16$.
    """),
    code(r"""
    w, b = result.x[:2], result.x[2]
    final_accuracy, final_cost = accuracy(result.x), cost_and_grad(result.x)[0]
    print(f"after 100 epochs: w = {w.round(3)}, b = {b:.3f}, |w| = {np.linalg.norm(w):.3f}")
    print(f"accuracy {final_accuracy:.3f}, cost {final_cost:.4f}")
    assert 0.85 <= final_accuracy <= 0.87
    assert 0.29 <= final_cost <= 0.32
    """),
    md(r"""
    ## 3. Why the accuracy cannot reach 1

    Could a better model, or more epochs, reach accuracy 1? No, and we can
    measure the limit. The best any classifier can do is to predict, at every
    $x$, the more likely label; here we know those probabilities, so that is the
    true line itself. Its accuracy on these same points is the *Bayes accuracy*:
    """),
    code(r"""
    true_params = np.r_[W_TRUE, B_TRUE]
    bayes_accuracy = accuracy(true_params)
    p = sigmoid(X @ W_TRUE + B_TRUE)                       # the true P(y = 1 | x)
    expected_bayes = np.mean(np.maximum(p, 1 - p))          # its expectation over the labels
    print(f"Bayes accuracy on these labels: {bayes_accuracy:.3f}")
    print(f"expected Bayes accuracy at these x: {expected_bayes:.3f}")
    print(f"labels on the 'wrong' side of the true line: {np.mean((X @ W_TRUE + B_TRUE > 0) != y):.1%}")
    print(f"our model after 100 epochs: {final_accuracy:.3f}")
    print(f"cost of the true parameters: {cost_and_grad(true_params)[0]:.4f}, ours: {final_cost:.4f}")
    assert abs(final_accuracy - bayes_accuracy) <= 0.01
    assert abs(bayes_accuracy - expected_bayes) <= 0.03
    """),
    md(r"""
    Even the true line misclassifies about one point in seven: those labels
    were drawn on the unlikely side. The model's accuracy is within a point of
    the Bayes accuracy, so there is nothing left to learn; what remains is
    *label noise*, and no classifier can fit it except by memorising these
    particular points, which would not carry over to new ones.

    The map below shows where the noise lives: the points whose label
    disagrees with the true line (crosses) crowd around it, where
    $P(y = 1 \mid x)$ is close to $\tfrac12$.
    """),
    code(r"""
    ax = plot_decision_boundary(result.x, X, y, true_boundary=true_params)
    wrong = (X @ W_TRUE + B_TRUE > 0) != y
    ax.scatter(*X[wrong].T, marker="x", c="k", s=18, lw=0.8, label="label disagrees with the true line")
    ax.legend(loc="lower left", fontsize="small");
    """),
    md(r"""
    Training to convergence changes little. minilr's `LogisticRegression`
    (L-BFGS, no penalty) finds the parameters of lowest cost on these 1000
    points; they are closer to the truth than our 100 epochs, yet the accuracy
    is the same:
    """),
    code(r"""
    converged = LogisticRegression(lam=0).fit(X, y)
    params = np.r_[converged.coef_[0], converged.intercept_]
    print(f"converged: w = {params[:2].round(3)}, b = {params[2]:.3f}, accuracy {converged.score(X, y):.3f}, "
          f"cost {cost_and_grad(params)[0]:.4f}")
    assert abs(converged.score(X, y) - bayes_accuracy) <= 0.01
    assert np.allclose(params, true_params, atol=0.25)
    """),
    md(r"""
    ## Summary

    * A logistic regression on two features is a line; training moves it, and
      then mostly makes the model more confident without moving it.
    * Accuracy counts sides of the line; the cost also rewards confidence, which
      is why it keeps falling after the accuracy has stopped.
    * With noisy labels the ceiling is the Bayes accuracy (here about 0.86), not 1.
      A model that reaches it has learned all there is to learn.
    """),
]

# ============================================================================
# Lesson 5
# ============================================================================
LESSONS["05_scaling_out"] = [
    md(r"""
    # Lesson 5: scaling out with Dask

    Every lesson so far fitted in one process. When the data outgrows one machine,
    the model can stay small on one computer, the *driver*, while the work goes to
    the data: *workers* that each hold some of the rows. We build such a cluster
    on this machine with [Dask](https://www.dask.org), two worker processes of one
    thread each, and use it twice: for the ten one-vs-all classifiers of lesson 2,
    as ten independent jobs; and for one model trained *data-parallel*, where every
    worker computes the gradient of its own rows and the driver adds them up.
    """),
    code(r"""
    import os
    import pickle
    import tempfile
    import time

    import dask
    import numpy as np
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    from minilr import LogisticRegression
    from minilr.datasets import as_dask, load_digits_20x20
    from minilr.losses import cost_and_gradient
    from minilr.multiclass import OneVsAllClassifier

    blas_threads = threadpool_limits(1)  # the driver's products on one core, like each worker's
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)  # from now on, Dask computes on this cluster
    workers = client.scheduler_info()["workers"]
    print(f"{len(workers)} workers, {sum(w['nthreads'] for w in workers.values())} threads")
    assert len(workers) == 2
    """),
    md(r"""
    The cluster is bound to `127.0.0.1`, so nothing outside this machine can reach
    it. On a real cluster the same code connects to a scheduler's address instead,
    `Client("tcp://scheduler:8786")`, and the workers run on other machines.

    ## 1. One-vs-all: ten jobs on the cluster

    The ten binary problems of lesson 2 share nothing, so they are ten jobs.
    `OneVsAllClassifier` hands them to joblib, and `parallel_config(backend="dask")`
    makes joblib send them to the cluster. The 5000 × 400 images travel once: joblib's
    Dask backend scatters each large argument to the workers once per call, and every
    job receives a reference to it.
    """),
    code(r"""
    X, y = load_digits_20x20()
    binary = LogisticRegression(lam=1, solver="tnc")

    start = time.perf_counter()
    one_by_one = OneVsAllClassifier(binary).fit(X, y)
    t_here = time.perf_counter() - start

    start = time.perf_counter()
    with parallel_config(backend="dask"):  # joblib's jobs become Dask tasks
        on_cluster = OneVsAllClassifier(binary, n_jobs=2).fit(X, y)
    t_cluster = time.perf_counter() - start

    accuracy = on_cluster.score(X, y)
    print(f"one after another, here: {t_here:.1f} s    on the two workers: {t_cluster:.1f} s")
    print(f"training accuracy {accuracy:.2%}")
    assert np.array_equal(on_cluster.coef_, one_by_one.coef_)  # the same ten fits, bit for bit
    assert abs(accuracy - 0.9424) < 0.0005  # lesson 2's ten separate fits
    """),
    md(r"""
    The same ten fits, to the last bit, and on this machine no faster, probably
    slower: the images must reach the workers, every job is a round trip through the
    scheduler, and the two workers share this machine's two cores with the driver.
    Jobs on a cluster pay off when each one is long next to that overhead, or when
    together they need more cores or memory than one machine has.

    ## 2. Data-parallel gradient descent, by hand

    Now one model and more rows than one worker should hold. Split the $m$ rows into
    $B$ blocks, block $k$ with $m_k$ rows, and let $J_k$ be the mean cost over
    block $k$ alone, without the penalty. The cost is a sum over rows, so it is a sum
    over blocks:

    $$J(W, b) = \frac{1}{m}\Bigl[\sum_{k=1}^{B} m_k J_k(W, b) + \frac{\lambda}{2}\lVert W\rVert^2\Bigr],
    \qquad
    \nabla J = \frac{1}{m}\Bigl[\sum_{k=1}^{B} m_k \nabla J_k + \lambda\,[W, 0]\Bigr].$$

    $J_k$ and $\nabla J_k$ are what `cost_and_gradient(W, b, X_k, Y_k, lam=0)`
    returns: each worker calls it on its blocks, multiplies by $m_k$ to turn means
    into sums, and sends back a few numbers; the driver adds them up, adds the
    penalty once, and takes the step. Only $W$ and $b$ travel, never the rows.

    First the data goes where it will be used. We save it to files and hand the
    workers their names: `as_dask(path, chunk_rows)` makes a Dask array of blocks of
    whole rows, each read from the file by the worker that needs it, and
    `client.persist` keeps the blocks in the workers' memory.
    """),
    code(r"""
    folder = tempfile.TemporaryDirectory()
    m, n = X.shape
    K = 10
    Y = np.eye(K)[y]  # one-hot: column k says "is it a k?"
    for name, array in {"X": X, "Y": Y, "y": y}.items():
        np.save(os.path.join(folder.name, f"{name}.npy"), array)

    Xd, Yd, yd = client.persist([as_dask(os.path.join(folder.name, f"{name}.npy"), 1250)
                                 for name in ("X", "Y", "y")])
    print(Xd)
    print("rows per block:", Xd.chunks[0])
    assert Xd.chunks[0] == (1250,) * 4
    """),
    code(r"""
    def block_sums(X_k, Y_k, W, b):
        # On a worker: the block's cost and gradient as sums over its rows, no penalty.
        m_k = X_k.shape[0]
        J_k, gW_k, gb_k = cost_and_gradient(W, b, X_k, Y_k, lam=0.0)  # means over the block
        return m_k * J_k, m_k * gW_k, m_k * gb_k


    def cost_and_gradient_on_cluster(W, b, lam):
        # On the driver: one round trip to all the blocks at once, then the sums.
        tasks = [dask.delayed(block_sums)(X_k, Y_k, W, b)
                 for X_k, Y_k in zip(Xd.to_delayed().ravel(), Yd.to_delayed().ravel())]
        parts = dask.compute(*tasks)  # the workers compute their blocks in parallel
        J = sum(p[0] for p in parts) + lam / 2 * np.sum(W * W)
        gW = sum(p[1] for p in parts) + lam * W
        gb = sum(p[2] for p in parts)
        return J / m, gW / m, gb / m


    rng = np.random.default_rng(0)
    W, b = 0.01 * rng.standard_normal((n, K)), 0.01 * rng.standard_normal(K)
    J_cluster, gW_cluster, gb_cluster = cost_and_gradient_on_cluster(W, b, lam=1.0)
    J_memory, gW_memory, gb_memory = cost_and_gradient(W, b, X, Y, lam=1.0)
    print(f"cost on the cluster {J_cluster:.15f}\ncost in memory      {J_memory:.15f}")
    print(f"largest gradient difference: {np.max(np.abs(gW_cluster - gW_memory)):.1e}")
    assert abs(J_cluster - J_memory) < 1e-13
    assert np.allclose(gW_cluster, gW_memory, rtol=0, atol=1e-15)
    """),
    md(r"""
    The same cost and gradient, up to the last digit or two: a sum of four partial
    sums rounds a little differently from one long sum. With that function,
    gradient descent is the loop of lesson 1, with the driver taking the steps:
    """),
    code(r"""
    learning_rate, steps = 1.0, 20
    W, b = np.zeros((n, K)), np.zeros(K)
    for step in range(steps):
        J, gW, gb = cost_and_gradient_on_cluster(W, b, lam=1.0)
        W -= learning_rate * gW
        b -= learning_rate * gb

    gd = dict(lam=1, solver="gd", learning_rate=learning_rate, max_iter=steps, tol=0)
    in_memory = LogisticRegression(**gd).fit(X, y)
    print(f"cost before the last step: by hand {J:.10f}, in memory {in_memory.history_[-1]:.10f}")
    print(f"largest weight difference: {np.max(np.abs(W.T - in_memory.coef_)):.1e}")
    assert np.allclose(W.T, in_memory.coef_, rtol=0, atol=1e-12)
    assert np.allclose(b, in_memory.intercept_, rtol=0, atol=1e-12)
    """),
    md(r"""
    Twenty steps on the cluster land where twenty steps in memory do. This is
    *synchronous* data parallelism: every step waits for all the blocks, so each
    gradient is the exact gradient at the current weights.

    ## 3. The same with `LogisticRegression`

    `LogisticRegression.fit` does exactly this when it receives Dask arrays: the
    same `cost_and_gradient` on every block, one `dask.compute` per evaluation,
    the weights a small NumPy array on the driver. Every solver works this way,
    gradient descent and scipy's alike (the labels are encoded block by block too).
    """),
    code(r"""
    on_dask = LogisticRegression(**gd).fit(Xd, yd)
    print(f"gradient descent, {steps} steps: largest difference from the fit in memory "
          f"{np.max(np.abs(on_dask.coef_ - in_memory.coef_)):.1e}")
    assert np.allclose(on_dask.coef_, in_memory.coef_, rtol=0, atol=1e-12)

    start = time.perf_counter()
    lbfgs_memory = LogisticRegression(lam=1).fit(X, y)
    t_memory = time.perf_counter() - start
    start = time.perf_counter()
    lbfgs_dask = LogisticRegression(lam=1).fit(Xd, yd)
    t_dask = time.perf_counter() - start

    difference = (np.linalg.norm(lbfgs_dask.coef_ - lbfgs_memory.coef_)
                  / np.linalg.norm(lbfgs_memory.coef_))
    same_digit = np.mean(lbfgs_dask.predict(X) == lbfgs_memory.predict(X))
    print(f"L-BFGS in memory: {lbfgs_memory.n_iter_} iterations, {t_memory:.1f} s, "
          f"accuracy {lbfgs_memory.score(X, y):.2%}")
    print(f"L-BFGS on Dask:   {lbfgs_dask.n_iter_} iterations, {t_dask:.1f} s, "
          f"accuracy {lbfgs_dask.score(X, y):.2%}")
    print(f"relative difference of the weights {difference:.1e}; same digit for "
          f"{same_digit:.2%} of the images")
    assert difference < 1e-4 and same_digit > 0.999
    """),
    md(r"""
    Gradient descent agrees to the last digits, as by hand. L-BFGS agrees to about
    $10^{-5}$, and that is all one can ask: it stops once the gradient is below a
    tolerance ($10^{-4}$), and on a problem this flat in some directions, two runs
    whose sums round differently in the 16th digit stop at slightly different
    points, both within the tolerance. A tighter `tol` brings them closer.

    The times are this machine's, and the cluster's are longer: every evaluation is
    a round trip to the workers, a few milliseconds, next to a gradient over 5000
    rows that takes less than that. Data parallelism pays when one machine cannot
    hold the rows, or when a block's gradient takes much longer than the round trip.

    Prediction on a Dask array is lazy too: `predict` returns a Dask array that
    each worker computes for its own blocks when asked.
    """),
    code(r"""
    digits = lbfgs_dask.predict(Xd)
    print(digits)
    assert np.array_equal(digits.compute(), lbfgs_dask.predict(X))
    """),
    md(r"""
    ## 4. More rows than memory: SGD walking the blocks of a file

    A file larger than the memory of the cluster cannot be persisted; each pass
    reads it again, block by block. `as_dask` opens a `.npy` file as a memory map
    and puts only its name in the graph: the data stays on disk until a worker reads
    its block. Here a file of a million rows stands in for one too big for memory
    (the tests train on a file larger than the memory of both workers together).
    """),
    code(r"""
    rows, features = 1_000_000, 20
    rng = np.random.default_rng(1)
    w_true = rng.standard_normal(features) / 2
    X_big = np.lib.format.open_memmap(os.path.join(folder.name, "X_big.npy"), mode="w+",
                                      shape=(rows, features))
    y_big = np.lib.format.open_memmap(os.path.join(folder.name, "y_big.npy"), mode="w+",
                                      shape=(rows,), dtype=np.int64)
    for start in range(0, rows, 250_000):  # written in pieces, never whole in memory
        part = rng.standard_normal((250_000, features))
        X_big[start:start + 250_000] = part
        y_big[start:start + 250_000] = rng.random(250_000) < 1 / (1 + np.exp(-part @ w_true))
    X_big.flush()
    y_big.flush()
    del X_big, y_big

    X_file = as_dask(os.path.join(folder.name, "X_big.npy"), chunk_rows=125_000)
    y_file = as_dask(os.path.join(folder.name, "y_big.npy"), chunk_rows=125_000)
    graph = pickle.dumps(dict(X_file.__dask_graph__()))
    print(f"X: {X_file.nbytes / 1e6:.0f} MB in {X_file.numblocks[0]} blocks; "
          f"its graph: {len(graph) / 1e3:.1f} kB")
    assert len(graph) < 10_000
    """),
    md(r"""
    Mini-batch SGD needs many small steps, one round trip each would be far too
    slow, so `solver="sgd"` walks the blocks instead. Every epoch it draws an order
    of the blocks from its random generator; block by block, it loads the block to
    the driver (one round trip) and takes shuffled mini-batches of it there. The
    driver holds one block at a time, the workers only read, and the result does not
    depend on which worker read what: the same seed gives the same weights on any
    cluster.

    `blocks_per_step=k` is the synchronous data-parallel version: at every step,
    $k$ workers compute the gradients of $k$ whole blocks at the same weights, and
    the driver steps with their mean, weighted by rows. A pass is then a few exact
    steps instead of many noisy ones. We compare both with the weights that made
    the labels.
    """),
    code(r"""
    check = slice(0, 100_000)  # accuracy measured on the first 100 000 rows
    X_check, y_check = X_file[check].compute(), y_file[check].compute()
    bayes = np.mean((X_check @ w_true > 0) == y_check)  # the true boundary's accuracy

    ways = {"block walk, batches of 500": dict(batch_size=500, learning_rate=0.1),
            "2 blocks per step": dict(blocks_per_step=2, learning_rate=4.0)}
    for name, params in ways.items():
        start = time.perf_counter()
        model = LogisticRegression(lam=1, solver="sgd", max_iter=2, tol=0, random_state=0,
                                   **params).fit(X_file, y_file)
        seconds = time.perf_counter() - start
        accuracy = model.score(X_check, y_check)
        off = np.linalg.norm(model.coef_[0] - w_true) / np.linalg.norm(w_true)
        print(f"{name:27} 2 passes in {seconds:3.1f} s, accuracy {accuracy:.4f}, "
              f"{off:.1%} off the true weights")
        assert accuracy > bayes - 0.002 and off < 0.05
    print(f"{'the true weights':27} {'':19} accuracy {bayes:.4f}")
    """),
    md(r"""
    Both reach the accuracy of the weights that made the labels, in two passes. The
    block walk takes 4000 small noisy steps; two blocks per step take 8 exact ones,
    each the gradient of 250 000 rows, and exact steps can be long (a learning rate
    of 4 where SGD needs 0.1). That is the trade of synchronous data parallelism:
    few, expensive, exact steps, each a round trip to all the workers it uses.

    ## 5. Synchronous, asynchronous, Hogwild

    Everything here is *synchronous*: each step waits for all its blocks. The
    gradient is the exact one at the current weights, so the result is the
    one-machine result; but each step is as slow as the slowest worker, and a
    worker that falls behind (a *straggler*) holds up all the others.

    *Asynchronous* training drops the wait. A parameter server holds the weights;
    each worker fetches them, computes the gradient of its block and sends it back;
    the server applies every gradient the moment it arrives. No one waits, but a
    gradient may have been computed from weights that are $\tau$ updates old:

    $$w_{t+1} = w_t - \eta\,\nabla J_k\bigl(w_{t-\tau}\bigr).$$

    Stale gradients act like extra noise and momentum; training still converges if
    the delays stay bounded and the learning rate shrinks as they grow. And the
    result depends on timing, so no two runs give the same weights.

    *Hogwild!* (Niu, Recht, Ré and Wright, 2011) goes further on one machine with
    shared memory: threads update the same weights with no locks at all, and
    sometimes overwrite each other's updates. That costs little when each update
    touches only a few weights, as with sparse features (text, say), because two
    threads then rarely touch the same one. With dense features, as here, every
    update touches every weight, and collisions are the rule, not the exception.

    Finally, we close the cluster and remove the files.
    """),
    code(r"""
    client.close()
    cluster.close()
    folder.cleanup()
    blas_threads.restore_original_limits()
    """),
    md(r"""
    ## Summary

    * Independent jobs (one-vs-all classes) go to a Dask cluster through
      `joblib.parallel_config(backend="dask")`: the same fits, bit for bit; the data
      is sent once.
    * The cost is a sum over rows, so a gradient is a sum over blocks:
      $\nabla J = \frac1m\bigl[\sum_k m_k \nabla J_k + \lambda [W, 0]\bigr]$. Workers
      compute their blocks' sums; the driver adds them, adds the penalty once and
      steps. `LogisticRegression.fit` does this for Dask arrays, with the same
      `cost_and_gradient`.
    * `as_dask(path, chunk_rows)` reads a `.npy` file block by block, so the data can
      be larger than memory; SGD then walks the blocks in a seeded order.
    * On one machine a cluster only adds round trips; it pays off when the data does
      not fit on one machine.
    """),
]


# ============================================================================
# Building
# ============================================================================
def build(name, cells, execute=True):
    """Write ``tutorials/<name>.ipynb`` from ``cells``; run it in place if ``execute``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, source) in enumerate(cells):
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(new(source, id=f"cell-{i:02d}"))  # stable ids: small diffs
    path = HERE / f"{name}.ipynb"
    seconds = None
    if execute:
        start = time.perf_counter()
        client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(HERE)}})
        client.execute()
        seconds = time.perf_counter() - start
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="prefixes of the lessons to build (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = parser.parse_args(argv)
    names = [n for n in LESSONS if not args.lessons or any(n.startswith(p) for p in args.lessons)]
    if not names:
        parser.error(f"no lesson matches {args.lessons}; lessons: {list(LESSONS)}")
    for name in names:
        path, seconds = build(name, LESSONS[name], execute=not args.no_execute)
        took = "" if seconds is None else f" (ran in {seconds:.1f} s)"
        print(f"wrote {path.relative_to(HERE.parent)}{took}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
