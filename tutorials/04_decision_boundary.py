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
# # Lesson 4: watching the decision boundary move
#
# Logistic regression draws a straight line through the plane: on one side it
# predicts 1, on the other 0. On data generated from a known line we watch
# the learned line move towards it during training, and we find out why the
# accuracy stops well short of 1 even when the model is exactly right.
#
# **You will learn to**
#
# * read a logistic regression on two features as a line, and its weights'
#   length as confidence;
# * follow the boundary, the accuracy and the cost during gradient descent;
# * explain why label noise caps the accuracy (the Bayes accuracy), and why
#   that cap holds on new data, not on the training points.
#
# **Before you start:** lesson 1 (the cost, its gradient, gradient descent);
# the equation of a line in the plane; a probability as an expected share.
#
# **Time:** about 30 minutes; the notebook runs in a few seconds.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from minilr import LogisticRegression, sigmoid
from minilr.datasets import make_linear_boundary
from minilr.losses import cost_and_gradient
from minilr.optim import gradient_descent
from minilr.plotting import plot_boundary_snapshots, plot_decision_boundary

# %% [markdown]
# ## 1. Data with a known boundary
#
# `make_linear_boundary` draws two features, $x_1 \sim \mathcal N(0, 2^2)$ and
# $x_2 \sim \mathcal N(0, 1)$, and gives each point the label 1 with probability
#
# $$P(y = 1 \mid x) = \sigma(w_1 x_1 + w_2 x_2 + b), \qquad w = (1, 3),\ b = 0.1.$$
#
# So the data follow the logistic model exactly, and its *true boundary* is
# the line where that probability is $\tfrac12$:
#
# $$w_1 x_1 + w_2 x_2 + b = 0 \iff x_2 = -\frac{w_1 x_1 + b}{w_2}.$$

# %%
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


# %% [markdown]
# The two colours overlap near the line: close to it, $P(y = 1 \mid x)$ is
# near $\tfrac12$ and the label is close to a coin toss. Far from it, the
# labels are almost always right.
#
# ## 2. Training, one snapshot every 10 epochs
#
# We train by batch gradient descent on minilr's cost, which keeps the
# intercept $b$ apart from the weights $w$:
#
# $$J(w, b) = \frac{1}{m} \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr], \quad z = Xw + b, \qquad
# \nabla_w J = \frac1m X^\top (h - y), \quad \frac{\partial J}{\partial b} = \frac1m \sum_i (h_i - y_i).$$
#
# `gradient_descent` works on one flat vector, here $(w_1, w_2, b)$, and calls
# `callback(epoch, params, cost)` after every step. Our callback keeps the
# parameters of every tenth epoch, with the accuracy and the cost at those
# parameters (the `cost` the callback is given is the one the step started
# from, one epoch earlier, so we evaluate it afresh).

# %%
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

# %% [markdown]
# Four of the ten snapshots, drawn: the learned line (solid) and the true one
# (dashed) over the data.

# %%
shown = [s for s in snapshots if s["epoch"] in (10, 20, 50, 100)]
fig = plot_boundary_snapshots(shown, X, y, true_boundary=(*W_TRUE, B_TRUE), ncols=2)
handles, labels = fig.axes[0].get_legend_handles_labels()
fig.axes[0].get_legend().remove()  # one legend for all four panels, below them
fig.legend(handles, labels, loc="outside lower center", ncols=len(labels));

# %% [markdown]
# In a notebook the same training can be watched as it happens: a
# `LiveBoundaryPlot` passed to `fit` as its `callback` redraws one figure in
# place every 10 epochs (a script gets a PNG at the end instead, with `path=`).
# `LogisticRegression(solver="gd")` runs the same loop, so its line at epoch 100
# is our last snapshot's.

# %%
from minilr.plotting import LiveBoundaryPlot

live = LiveBoundaryPlot(X, y, every=10, true_boundary=(*W_TRUE, B_TRUE))
LogisticRegression(lam=0, solver="gd", learning_rate=0.5, max_iter=100, tol=0).fit(X, y, callback=live)
assert live.epoch == 100 and np.allclose(live.line, snapshots[-1]["params"], rtol=1e-10, atol=1e-12)

# %% [markdown]
# The accuracy is already 0.86 after 10 epochs and hardly moves afterwards,
# while the line keeps turning slowly towards the true one. What changes most
# is the *length* of $w$, which more than doubles between epochs 10 and 100. The line
# $w^\top x + b = 0$ does not change when $w$ and $b$ are scaled together, but
# the probabilities $\sigma(w^\top x + b)$ do: a longer $w$ makes the model
# more confident. The cost measures confidence, so it keeps falling while
# $\lVert w \rVert$ grows towards the true $\lVert (1, 3) \rVert \approx 3.16$.

# %%
w, b = result.x[:2], result.x[2]
final_accuracy, final_cost = accuracy(result.x), cost_and_grad(result.x)[0]
print(f"after 100 epochs: w = {w.round(3)}, b = {b:.3f}, |w| = {np.linalg.norm(w):.3f}")
print(f"accuracy {final_accuracy:.3f}, cost {final_cost:.4f}")
assert 0.85 <= final_accuracy <= 0.87
assert 0.29 <= final_cost <= 0.32

# %% [markdown]
# ## 3. Why the accuracy cannot reach 1
#
# Could a better model, or more epochs, reach accuracy 1? No, and we can
# measure the limit. On *new* data, the best any classifier can do is to
# predict, at every $x$, the more likely label; here we know those
# probabilities, so that is the true line itself. Its expected accuracy is the
# *Bayes accuracy*. First, the true line's score on our 1000 training points:

# %%
true_params = np.r_[W_TRUE, B_TRUE]
bayes_accuracy = accuracy(true_params)
p = sigmoid(X @ W_TRUE + B_TRUE)                       # the true P(y = 1 | x)
expected_bayes = np.mean(np.maximum(p, 1 - p))          # its expectation over the labels
print(f"the true line on these labels: {bayes_accuracy:.3f}")
print(f"its expected accuracy at these x: {expected_bayes:.3f}")
print(f"labels on the 'wrong' side of the true line: {np.mean((X @ W_TRUE + B_TRUE > 0) != y):.1%}")
print(f"our model after 100 epochs: {final_accuracy:.3f}")
print(f"cost of the true parameters: {cost_and_grad(true_params)[0]:.4f}, ours: {final_cost:.4f}")
assert abs(final_accuracy - bayes_accuracy) <= 0.01
assert abs(bayes_accuracy - expected_bayes) <= 0.03

# %% [markdown]
# Even the true line misclassifies about one point in seven: those labels
# were drawn on the unlikely side. That is *label noise*. The map below shows
# where it lives: the points whose label disagrees with the true line
# (crosses) crowd around it, where $P(y = 1 \mid x)$ is close to $\tfrac12$.

# %%
ax = plot_decision_boundary(result.x, X, y, true_boundary=true_params)
wrong = (X @ W_TRUE + B_TRUE > 0) != y
ax.scatter(*X[wrong].T, marker="x", c="k", s=18, lw=0.8, label="label disagrees with the true line")
ax.legend(loc="lower left", fontsize="small");

# %% [markdown]
# Training to convergence changes little. minilr's `LogisticRegression`
# (L-BFGS, no penalty) finds the parameters of lowest cost on these 1000
# points; they are closer to the truth than our 100 epochs:

# %%
converged = LogisticRegression(lam=0).fit(X, y)
params = np.r_[converged.coef_[0], converged.intercept_]
print(f"converged: w = {params[:2].round(3)}, b = {params[2]:.3f}, accuracy {converged.score(X, y):.3f}, "
      f"cost {cost_and_grad(params)[0]:.4f}")
assert abs(converged.score(X, y) - bayes_accuracy) <= 0.01
assert np.allclose(params, true_params, atol=0.25)

# %% [markdown]
# The converged model scores 0.864 on these points, and the epoch-30 snapshot
# scored 0.865: both *above* the true line's 0.861, which was supposed to be
# the best any classifier can do. No contradiction: they were fitted to these
# very labels, noise included, and a line that happens to put a few noisy labels
# on their "right" side scores better here by luck. The limit holds in
# expectation, on new data. So we draw a fresh sample of 200 000 points from the
# same distribution and score every line on it. We also compute each line's
# *expected* accuracy at those points,
# $\frac1N \sum_i P(y_i = \hat y_i \mid x_i)$, which no luck of the labels can
# move: the true line's is the Bayes accuracy.

# %%
X_new, y_new = make_linear_boundary(200_000, w=W_TRUE, b=B_TRUE, random_state=1)
p_new = sigmoid(X_new @ W_TRUE + B_TRUE)                 # the true P(y = 1 | x) at the new points


def scores(params):
    """Accuracy on the training points, on the new points, and expected on the new points."""
    predicted = X_new @ params[:2] + params[2] > 0
    expected = np.mean(np.where(predicted, p_new, 1 - p_new))
    return accuracy(params), np.mean(predicted == y_new), expected


lines = {"the true line": true_params, "epoch 30": snapshots[2]["params"],
         "epoch 100": result.x, "converged": params}
print(f"{'':16}{'training points':>16}{'new points':>12}{'expected':>10}")
for name, line in lines.items():
    print(f"{name:16}{scores(line)[0]:16.3f}{scores(line)[1]:12.4f}{scores(line)[2]:10.4f}")

best_new = max(lines, key=lambda name: scores(lines[name])[1])
assert snapshots[2]["epoch"] == 30
assert scores(params)[0] > bayes_accuracy and snapshots[2]["accuracy"] > bayes_accuracy  # ahead on their points
assert best_new == "the true line"                                     # on new data, the truth wins
assert all(scores(line)[2] <= scores(true_params)[2] for line in lines.values())

# %% [markdown]
# On new points the order is restored: the true line scores best, and every
# fitted line a little lower (by 0.0003 to 0.003), because it is close to the
# true line but not on it; the epoch-30 line, the best on the training points,
# is the furthest behind. The models are within a point of the Bayes
# accuracy, so there is almost nothing left to learn. What remains is label
# noise, and no classifier can fit it except by memorising the training points,
# which does not carry over to new ones.
#
# ## Summary
#
# * A logistic regression on two features is a line; training moves it, and
#   then mostly makes the model more confident without moving it.
# * Accuracy counts sides of the line; the cost also rewards confidence, which
#   is why it keeps falling after the accuracy has stopped.
# * With noisy labels the ceiling is the Bayes accuracy (here about 0.86), not 1.
#   It holds in expectation on new data; on its own training points a fitted
#   model can beat it by luck. A model that reaches it has learned all there is
#   to learn.
#
# ## Try this
#
# 1. Make the labels less noisy: multiply `W_TRUE` and `B_TRUE` by 3. What
#    happens to the Bayes accuracy, and to the length of the learned $w$?
# 2. Train on 50 points instead of 1000 (`make_linear_boundary(50, ...)`). How
#    far does the training accuracy exceed the true line's, and how does the
#    model do on the 200 000 new points?
# 3. Run gradient descent for 1000 epochs. Which changes more after epoch 100:
#    the accuracy, the cost or $\lVert w \rVert$?
