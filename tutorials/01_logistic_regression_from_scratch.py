# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 1: logistic regression from scratch
#
# We build logistic regression from its parts on a real medical data set: the
# sigmoid, the cost, its gradient (checked numerically), and batch gradient
# descent. Then we look at what the learning rate does, train on mini-batches,
# make predictions, standardise the features, and compare our weights with
# scikit-learn's.
#
# **You will learn to**
#
# * write the sigmoid, the cross-entropy cost and its gradient, and check the
#   gradient against a finite difference;
# * add an L2 penalty that leaves the bias alone (the cost of the exercise set);
# * train by batch gradient descent and by mini-batch SGD, and read a cost curve;
# * tell a learning rate that is too large from a cost formula that breaks;
# * predict, measure the accuracy, and standardise the features.
#
# **Before you start:** Python and NumPy arrays; derivatives and the chain rule;
# a matrix times a vector. This is the first lesson; the exercise set
# (`exercises/`) follows it.
#
# **Time:** about an hour to read, run and try things; the notebook runs in
# about 10 seconds.
#
# **Notation**, the same in every lesson and in the exercises: $m$ samples,
# $n$ features, $\alpha$ the learning rate, $\lambda$ the strength of the L2
# penalty.

# %%
# %matplotlib inline
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minilr
from minilr import LogisticRegression, check_gradient, sigmoid
from minilr.datasets import load_breast_cancer_wisconsin
from minilr.losses import regularized_cost, regularized_gradient
from minilr.optim import gradient_descent
from minilr.plotting import plot_cost_history, plot_learning_rates

# %% [markdown]
# ## 1. The data
#
# The Wisconsin breast-cancer data (Wolberg, 1992): 699 tumours, nine cell
# measurements each scored from 1 to 10 by a pathologist, and a label,
# malignant ($y = 1$) or benign ($y = 0$). Sixteen tumours have no value for
# *Bare Nuclei*. Let us count them before deciding what to do.

# %%
X_raw, y, names = load_breast_cancer_wisconsin(impute=None)
missing = np.isnan(X_raw)
print("missing values per feature:", {n: int(k) for n, k in zip(names, missing.sum(axis=0))})
median = np.nanmedian(X_raw[:, names.index("Bare_Nuclei")])
print("median of Bare_Nuclei:", median)
assert missing.sum() == 16

# %% [markdown]
# Sixteen values out of 699 × 9 is too few to be worth a model of its own: we
# replace each by the median of its column (the loader does this by default).
# Then we prepend a column of ones, $x_0 = 1$, so that the bias $\theta_0$ is
# just one more weight and the model is $z = \theta^\top x$.

# %%
X, y, names = load_breast_cancer_wisconsin()            # impute="median"
m = len(y)
Xb = np.column_stack([np.ones(m), X])                   # the bias column
print("X with bias column:", Xb.shape, "  malignant:", y.sum(), "of", m)
assert Xb.shape == (699, 10) and y.sum() == 241
assert np.all(X[missing] == median)

# %% [markdown]
# ## 2. The sigmoid and the cost
#
# Logistic regression predicts the probability of a malignant tumour as
#
# $$h_\theta(x) = \sigma(\theta^\top x), \qquad \sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# which squeezes any real $z$ into $(0, 1)$: $\sigma(0) = \tfrac12$, and
# $\sigma(z) \to 1$ as $z \to +\infty$.

# %%
z = np.linspace(-10, 10, 201)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(z, sigmoid(z))
ax.axhline(0.5, color="gray", lw=0.5)
ax.axvline(0, color="gray", lw=0.5)
ax.set_xlabel("$z$")
ax.set_ylabel(r"$\sigma(z)$")
ax.set_title("the sigmoid");


# %% [markdown]
# The cost is the mean cross-entropy between the labels and the predictions,
#
# $$J(\theta) = -\frac{1}{m} \sum_{i=1}^{m} \Bigl[y_i \log h_i + (1 - y_i) \log(1 - h_i)\Bigr],
# \qquad h_i = \sigma(\theta^\top x_i).$$
#
# A confident wrong prediction ($h_i \to 0$ when $y_i = 1$) costs a lot; a
# confident right one costs almost nothing. Here it is, written exactly as
# the formula reads:

# %%
def cost(theta, X, y):
    h = sigmoid(X @ theta)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))


theta0 = np.zeros(Xb.shape[1])
J0 = cost(theta0, Xb, y)
print(f"J(0) = {J0:.6f}    log 2 = {np.log(2):.6f}")
assert np.isclose(J0, np.log(2))
assert np.isclose(J0, regularized_cost(theta0, Xb, y, lam=0))


# %% [markdown]
# At $\theta = 0$ every $h_i$ is $\tfrac12$, so $J = \log 2$ whatever the
# data: a free first check. minilr's `regularized_cost(theta, X, y, lam)`
# gives the same number (with `lam=0`, no penalty), but it does not compute
# $\log h$: it works from the logits $z$ directly. Section 6 shows why.
#
# ## 3. The gradient
#
# Differentiating $J$ gives a remarkably simple result (the derivative of the
# sigmoid, $\sigma' = \sigma(1 - \sigma)$, cancels against the logs):
#
# $$\frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_{i=1}^{m} (h_i - y_i)\, x_{ij},
# \qquad \nabla J(\theta) = \frac{1}{m} X^\top (h - y).$$

# %%
def gradient(theta, X, y):
    h = sigmoid(X @ theta)
    return X.T @ (h - y) / len(y)


g0 = gradient(theta0, Xb, y)
print("m * gradient at 0:", m * g0)

# The reference figure in datasets/README.md: X.T @ (sigmoid(X @ 0) - y).
REFERENCE_GRADIENT = [108.5, -190.0, -488.5, -460.0, -356.0, -153.0, -606.5, -239.5, -411.0, -68.5]
assert np.allclose(m * g0, REFERENCE_GRADIENT)
assert np.allclose(g0, regularized_gradient(theta0, Xb, y, lam=0))

# %% [markdown]
# Read the first entry: at $\theta = 0$ every prediction is $\tfrac12$, so
# $\sum_i (h_i - y_i) = 699/2 - 241 = 108.5$. The bias gradient is positive
# because there are fewer malignant tumours than the model's coin-toss
# predicts, and gradient descent will push $\theta_0$ down.
#
# A formula derived by hand deserves a check. The central difference
#
# $$\frac{\partial J}{\partial \theta_j} \approx \frac{J(\theta + \epsilon e_j) - J(\theta - \epsilon e_j)}{2\epsilon}$$
#
# needs nothing but the cost. We check one coordinate by hand, at a random
# point (at $\theta = 0$ some mistakes cancel out):

# %%
rng = np.random.default_rng(0)
theta = rng.normal(scale=0.1, size=Xb.shape[1])
j, eps = 1 + names.index("Bare_Nuclei"), 1e-5
e_j = np.zeros_like(theta)
e_j[j] = eps

numeric = (cost(theta + e_j, Xb, y) - cost(theta - e_j, Xb, y)) / (2 * eps)
analytic = gradient(theta, Xb, y)[j]
print(f"dJ/dtheta_{j}: analytic {analytic:.10f}, numerical {numeric:.10f}")
assert abs(analytic - numeric) <= 1e-7 * abs(analytic)

# %% [markdown]
# `minilr.check_gradient` does the same for every coordinate and reports the
# relative error $\lVert g - \hat g \rVert / (\lVert g \rVert + \lVert \hat g \rVert)$:
# around $10^{-9}$ or below means the gradient is right; a wrong one is off by
# $10^{-2}$ or more.

# %%
check = check_gradient(lambda t: cost(t, Xb, y), lambda t: gradient(t, Xb, y), theta)
print(f"relative error {check.relative_error:.1e}, worst coordinate {check.worst_index}")
assert check.relative_error < 1e-7


# %% [markdown]
# ## 4. The regularised cost
#
# With many features and few samples, the weights can grow to fit the noise of
# the training set. An L2 penalty adds the squared weights to the cost, so that a
# large weight must earn its place:
#
# $$J_\lambda(\theta) = J(\theta) + \frac{\lambda}{2m} \sum_{j=1}^{n} \theta_j^2,
# \qquad \nabla J_\lambda(\theta) = \nabla J(\theta) + \frac{\lambda}{m}\,[0, \theta_1, \dots, \theta_n].$$
#
# The sum starts at $j = 1$: the bias $\theta_0$ only shifts the boundary, and a
# penalty on it would pull every prediction towards the same value, so it is not
# penalised (its gradient entry gets no penalty term). $\lambda \ge 0$ sets the
# strength, and $\lambda = 0$ is the plain cost. The $\frac12$ in
# $\frac{\lambda}{2m}$ is there so that the derivative of $\theta_j^2$ loses its 2.
# This is the cost and the gradient that the exercise set asks you to write, and
# minilr's `regularized_cost(theta, X, y, lam)` and `regularized_gradient`:

# %%
def cost_reg(theta, X, y, lam):
    m = len(y)
    return cost(theta, X, y) + lam / (2 * m) * np.sum(theta[1:] ** 2)


def gradient_reg(theta, X, y, lam):
    g = gradient(theta, X, y)
    g[1:] += lam / len(y) * theta[1:]   # g[0], the bias, is not penalised
    return g


lam = 10.0
penalty = cost_reg(theta, Xb, y, lam) - cost(theta, Xb, y)
print(f"lambda = {lam:g}: cost {cost_reg(theta, Xb, y, lam):.6f} (penalty {penalty:.6f}), "
      f"minilr {regularized_cost(theta, Xb, y, lam):.6f}")
print("gradient entries the penalty changes:",
      np.flatnonzero(gradient_reg(theta, Xb, y, lam) != gradient(theta, Xb, y)))
assert np.isclose(cost_reg(theta, Xb, y, lam), regularized_cost(theta, Xb, y, lam))
assert np.allclose(gradient_reg(theta, Xb, y, lam), regularized_gradient(theta, Xb, y, lam))
check_reg = check_gradient(lambda t: cost_reg(t, Xb, y, lam), lambda t: gradient_reg(t, Xb, y, lam), theta)
assert check_reg.relative_error < 1e-7

# %% [markdown]
# The rest of this lesson trains without a penalty ($\lambda = 0$): with 699
# tumours and nine features there is little noise to fit. Lesson 2, with 400
# weights per classifier, needs it.
#
# ## 5. Batch gradient descent
#
# Gradient descent walks downhill, a step of size $\alpha$ (the learning rate)
# at a time, each step computed on all $m$ samples (a *batch*):
#
# $$\theta \leftarrow \theta - \alpha\, \nabla J(\theta).$$
#
# `minilr.optim.gradient_descent` runs this loop for any function that
# returns `(cost, gradient)`, and records the cost of every epoch. The
# reference run in `datasets/README.md` takes 100 000 steps of
# `w -= 3e-4 * X.T @ (h - y)`, the *summed* gradient; with our *mean*
# gradient the same steps have $\alpha = 3 \cdot 10^{-4} \times m \approx 0.21$.

# %%
def cost_and_gradient(theta):
    return cost(theta, Xb, y), gradient(theta, Xb, y)


alpha = 3e-4 * m
gd = gradient_descent(cost_and_gradient, theta0, learning_rate=alpha, max_iter=100_000, tol=0)
print(gd)
print("theta =", np.round(gd.x, 4))

REFERENCE_THETA = [-9.71454392, 0.53464755, 0.01128227, 0.32376783, 0.23762062,
                   0.05832409, 0.42816088, 0.41212863, 0.15824303, 0.53584273]
assert np.allclose(gd.x, REFERENCE_THETA, atol=1e-6)

# %%
ax = plot_cost_history(gd.history)
ax.set_xscale("log");

# %% [markdown]
# The cost falls from $\log 2 \approx 0.693$ to about 0.081. The epoch axis is
# logarithmic: most of the progress happens in the first hundred epochs, the
# rest is slow polishing. Notice the start: the first steps overshoot, and the
# cost jumps to several times its initial value before the descent settles. The features are scores from 1 to 10,
# not standardised, so a step that suits the bias is large for the weights
# (section 8 standardises them).
#
# ## 6. The learning rate
#
# Too small a step wastes epochs; too large a step overshoots. We train with
# a few rates for 2 000 epochs each, still with our textbook cost. When the cost
# becomes NaN or infinite, minilr stops at once with a `minilr.DivergenceError`
# that names the epoch and carries the costs recorded until then (`err.history`).
# In the plot, a ✕ marks the last finite cost of a run that stopped.

# %%
rates = [0.01, 0.05, alpha, 0.3]
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

# %% [markdown]
# A rate of 0.01 is safe but slow, and 0.21 (the reference run's) gets furthest
# of the three that finish. At 0.3 the cost of epoch 4 was NaN and training
# stopped; the ✕ sits on epoch 3, the last finite cost. minilr's message
# suggests the usual cure, a smaller rate. But is the step too large? A NaN,
# unlike a large number, says that a formula broke. The first steps push some
# logits $z$ beyond about 37, where $\sigma(z)$ rounds to exactly $1.0$ in
# floating point, and our formula computes $(1 - y) \log(1 - h) = 0 \cdot \log 0 = 0 \cdot (-\infty)$:

# %%
theta = theta0.copy()
for _ in range(3):  # the three steps before the failure
    theta -= 0.3 * gradient(theta, Xb, y)
z = Xb @ theta
print("largest |z|:", np.abs(z).max().round(1), "   samples with h == 1.0 exactly:", np.sum(sigmoid(z) == 1))
with np.errstate(divide="ignore", invalid="ignore"):  # log(0) and 0 * inf, as explained
    print("our cost:", cost(theta, Xb, y), "   minilr's cost:", regularized_cost(theta, Xb, y, lam=0))

# %% [markdown]
# minilr's cost never takes $\log h$. It uses
# $-\log \sigma(z) = \log(1 + e^{-z})$ to rewrite each term as
#
# $$\log(1 + e^{z_i}) - y_i z_i, \quad \text{computed as} \quad \max(z_i, 0) + \log(1 + e^{-|z_i|}) - y_i z_i,$$
#
# which is finite for every finite $z$. minilr's `LogisticRegression` uses it;
# with `solver="gd"` it runs the same loop as above. We run 0.21 and 0.3 again
# with it, and a rate that really is too large, 100:

# %%
final_cost = {}
for rate in [round(alpha, 2), 0.3, 100.0]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", minilr.ConvergenceWarning)
        model = LogisticRegression(lam=0, solver="gd", learning_rate=rate, max_iter=2_000).fit(X, y)
    final_cost[rate] = model.history_[-1]
    print(f"learning rate {rate}: cost {model.history_[0]:.3f} -> max {model.history_.max():.1f} "
          f"-> {model.history_[-1]:.4f}")
    for w in caught:
        print("   ", type(w.message).__name__ + ":", w.message)

assert np.all(np.isfinite(model.history_))
assert final_cost[0.3] < final_cost[0.21]   # 0.3 was the better rate: the NaN was the formula's
assert final_cost[100.0] > model.history_[0]
assert any("learning rate is probably too large" in str(w.message) for w in caught)

# %% [markdown]
# With the stable cost, 0.3 does not fail: the cost jumps up, comes down, and
# ends *lower* than 0.21's. It was the better rate all along; the NaN came from
# the textbook formula, not from the step. (Both runs stop at `max_iter`, which
# minilr reports with a `ConvergenceWarning`.) A rate that really is too large
# looks different: at 100 the cost stays finite but climbs past a thousand and
# ends higher than it started, and minilr says so, naming the learning rate.
#
# A fit can also be watched while it runs: a `LiveCostPlot` passed to `fit` as
# its `callback` redraws one figure in place every 100 epochs here (in a script
# it writes a PNG at the end instead, with `path=`). Rate 0.3, with minilr's cost:

# %%
from minilr.plotting import LiveCostPlot

live = LiveCostPlot(every=100, logy=True)
watched = LogisticRegression(lam=0, solver="gd", learning_rate=0.3, max_iter=2_000, tol=0)
watched.fit(X, y, callback=live)
assert live.costs == list(watched.history_) and len(live.costs) == 2_000

# %% [markdown]
# ## 7. Mini-batch stochastic gradient descent
#
# A batch step reads all 699 samples. Stochastic gradient descent shuffles
# the samples every epoch and steps on small *mini-batches* $B$ of them,
#
# $$\theta \leftarrow \theta - \alpha\, \frac{1}{|B|} \sum_{i \in B} (h_i - y_i)\, x_i,$$
#
# so one epoch makes $\lceil m / |B| \rceil$ steps instead of one. Each step
# is noisy, so the cost per epoch jitters; a moving average over 100 epochs
# shows the trend (it needs 100 epochs, so it starts at epoch 100).
#
# The two curves below do not measure quite the same thing. For SGD, minilr's
# cost of an epoch is the mean of the mini-batch costs computed during that
# epoch, each at the weights of its own step; for batch gradient descent it is
# the cost of all samples at the start of the epoch, at one set of weights. The
# first is free (the batches' costs are computed anyway) but lags and jitters, so
# at the end we also compute SGD's cost on all samples at its final weights.

# %%
sgd = LogisticRegression(lam=0, solver="sgd", learning_rate=0.05, batch_size=32,
                         max_iter=2_000, tol=0, random_state=0).fit(X, y)
ax = plot_cost_history(sgd, smooth=100, label="SGD: mean batch cost during the epoch")
ax.plot(np.arange(1, 2_001), gd.history[:2_000], label="batch GD: cost at the start of the epoch")
ax.set(xscale="log", yscale="log", title="cost per epoch, mini-batch SGD and batch GD")
ax.legend()
sgd_theta = np.r_[sgd.intercept_, sgd.coef_[0]]
print(f"{len(sgd.history_)} epochs of {int(np.ceil(m / 32))} steps; cost after 100 epochs "
      f"{sgd.history_[99]:.4f}, at the end {sgd.history_[-1]:.4f}")
print(f"SGD's cost on all samples at its final weights: {regularized_cost(sgd_theta, Xb, y, lam=0):.4f}")
print(f"batch gradient descent after 100 epochs: {gd.history[99]:.4f}, after 2000: {gd.history[1_999]:.4f}")
assert sgd.history_[99] < gd.history[99]

# %% [markdown]
# Per epoch, mini-batches get further than full batches: 22 small steps beat
# one exact one. But with a fixed learning rate SGD never settles: it keeps
# jittering around the minimum, at a distance set by $\alpha$ and the batch size.

# %% [markdown]
# ## 8. Predictions, accuracy and standardised features
#
# The model says "malignant" when $h_\theta(x) \ge \tfrac12$, that is when
# $z = \theta^\top x \ge 0$. The *accuracy* is the share of tumours it gets
# right. We measure it on the data it was trained on, which flatters it a
# little; lesson 2 holds out a test set for an honest figure.

# %%
predicted = (sigmoid(Xb @ gd.x) >= 0.5).astype(int)
train_accuracy = np.mean(predicted == y)
print(f"training accuracy {train_accuracy:.4f}: {np.sum(predicted != y)} of {m} tumours misclassified")
print(f"saying 'benign' for everyone would score {np.mean(y == 0):.4f}")
assert train_accuracy > 0.96

# %% [markdown]
# Section 5's cost curve overshot at the start because the nine scores, from 1
# to 10, sit far from 0 and are not on a scale that suits one step size.
# *Standardising* each feature, $x_j \leftarrow (x_j - \mu_j) / s_j$ with the
# mean $\mu_j$ and standard deviation $s_j$ of the training data, centres them
# all at 0 with spread 1, and one learning rate then suits every weight (new
# data is scaled with the same $\mu$ and $s$). The exercise set trains this way.

# %%
mu, s = X.mean(axis=0), X.std(axis=0)
Xs = np.column_stack([np.ones(m), (X - mu) / s])


def cost_and_gradient_standardised(theta):
    return regularized_cost(theta, Xs, y, lam=0), regularized_gradient(theta, Xs, y, lam=0)


standardised = gradient_descent(cost_and_gradient_standardised, theta0, learning_rate=3.0,
                                max_iter=100, tol=0)
ax = plot_cost_history(gd.history[:100], label=f"raw scores, rate {alpha:.2f}")
plot_cost_history(standardised.history, ax=ax, label="standardised, rate 3")
ax.set_title("the first 100 epochs, raw and standardised features")
print(f"after 100 epochs: raw scores {gd.history[99]:.4f} (highest {gd.history[:100].max():.2f}), "
      f"standardised {standardised.history[-1]:.4f} (highest {standardised.history.max():.4f})")
print(f"training accuracy, standardised: {np.mean((Xs @ standardised.x >= 0) == y):.4f}")
assert standardised.history[-1] < gd.history[1_999] and standardised.history[-1] - gd.fun < 3e-4
assert standardised.history.max() == standardised.history[0]   # no overshoot

# %% [markdown]
# On standardised features a rate of 3 is safe, the cost never rises, and 100
# epochs end within 0.0003 of the minimum (0.0809, where 100 000 epochs on the
# raw scores arrived): closer than 2 000 epochs on the raw scores got. The
# weights are on the new scale: $\theta_j / s_j$ is the raw weight of feature $j$.
#
# ## 9. Our weights next to scikit-learn's
#
# scikit-learn's `LogisticRegression` minimises the same cross-entropy plus an
# L2 penalty $\frac{1}{2C}\lVert w \rVert^2$ (its sum is our mean times $m$),
# which is section 4's $\frac{\lambda}{2m}\lVert w \rVert^2$ with $\lambda = 1/C$.
# With `C=10000` the penalty is tiny, so the answer should be close to our
# unpenalised gradient descent. We also fit minilr's `LogisticRegression` with
# the same L-BFGS solver and tolerance as scikit-learn's default. (minilr
# itself never imports scikit-learn; we do it here only for this comparison.)

# %%
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

# %% [markdown]
# minilr and scikit-learn agree to every printed digit. Our gradient descent
# is off by about 0.01 in the bias. Who is right? Both solvers stopped at a
# *tolerance* (`tol=1e-4`, on the size of the gradient), not at the exact
# minimum. Tighten it and both move to where 100 000 epochs of gradient
# descent had arrived:

# %%
sk_tight = SklearnLogisticRegression(C=10_000, tol=1e-10, max_iter=10_000).fit(X, y)
ours_tight = LogisticRegression(lam=1 / 10_000, tol=1e-10).fit(X, y)
print(f"bias: scikit-learn {sk_tight.intercept_[0]:.5f}, minilr {ours_tight.intercept_[0]:.5f}, "
      f"our GD {gd.x[0]:.5f}")
assert np.allclose(np.r_[sk_tight.intercept_, sk_tight.coef_[0]], gd.x, atol=1e-3)
assert np.allclose(np.r_[ours_tight.intercept_, ours_tight.coef_[0]], gd.x, atol=1e-3)

# %% [markdown]
# ## Summary
#
# * The sigmoid turns a linear score into a probability; the cross-entropy
#   cost has the gradient $\frac1m X^\top (h - y)$, which a central difference
#   confirms. The L2 penalty $\frac{\lambda}{2m}\sum_{j \ge 1} \theta_j^2$ leaves
#   the bias alone.
# * Batch gradient descent reproduces the reference weights. The learning rate
#   trades speed for stability: 0.01 is slow, 0.3 the fastest of those tried,
#   and 100 overshoots so far that the cost ends higher than it began, which
#   minilr reports with a `ConvergenceWarning`.
# * A NaN cost means a broken formula before it means a broken rate: the
#   textbook cost gives NaN at rate 0.3 (minilr stops with a `DivergenceError`),
#   the cost computed from the logits stays finite and reaches the lowest cost.
# * Mini-batch SGD gets further per epoch but jitters around the minimum; its
#   cost per epoch is a mean over the epoch's batches, not the cost at one point.
# * Predict 1 when $\theta^\top x \ge 0$; standardised features let one large
#   rate suit every weight.
# * minilr's weights match scikit-learn's; both solvers stop at a tolerance.
#
# ## Try this
#
# 1. In section 4, set `lam = 1000`. Which gradient entries grow, and which
#    one never changes? What happens to the cost at $\theta = 0$?
# 2. Add the rate 1.0 to section 6's `rates`, and to the `LogisticRegression`
#    loop after it. Which cost formula fails, and at which epoch? From which rate
#    on does the stable cost end higher than it began?
# 3. Train the standardised model of section 8 with rates 10 and 30. Where does
#    it start to overshoot?
