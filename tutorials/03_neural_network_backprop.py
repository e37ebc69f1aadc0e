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
# # Lesson 3: a neural network and backpropagation
#
# A neural network is logistic regression stacked on learned features. We
# write the forward and backward passes of a one-hidden-layer network by hand,
# check them against minilr and against finite differences, and then train a
# deeper network on a problem whose answer we know, watching accuracy and F1
# epoch by epoch and seeing what the decision threshold changes.
#
# **You will learn to**
#
# * write the forward and backward pass of a network with one hidden layer,
#   and read minilr's version for any number of layers;
# * check a network's gradient against finite differences, and see a bug show;
# * train a network with mini-batch SGD and follow accuracy and F1 per epoch
#   on training and validation data;
# * choose a decision threshold from precision and recall.
#
# **Before you start:** lesson 1 (the cross-entropy cost, its gradient, the
# gradient check, the L2 penalty); the chain rule for a function of a vector;
# matrix products.
#
# **Time:** about an hour; the notebook runs in a few seconds.

# %%
# %matplotlib inline
import inspect
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minilr
from minilr import check_gradient, sigmoid
from minilr.datasets import make_sum_threshold
from minilr.metrics import accuracy_score, f1_score, precision_score, recall_score
from minilr import MLPClassifier
from minilr.neural_net import (backward, flatten_params, init_params,
                               loss_and_gradients, unflatten_params)


# %% [markdown]
# ## 1. One hidden layer, by hand
#
# Samples are the rows of $X$ (shape $m \times n$). A layer multiplies by a
# weight matrix and adds a bias; the hidden layer then applies the ReLU,
# $f(z) = \max(z, 0)$; the output unit applies the sigmoid:
#
# $$z^{(1)} = X W_1 + b_1, \quad a^{(1)} = f\bigl(z^{(1)}\bigr), \quad
# z^{(2)} = a^{(1)} W_2 + b_2, \quad h = \sigma\bigl(z^{(2)}\bigr).$$
#
# The cost is lesson 1's cross-entropy, plus an L2 penalty on the weights
# (not the biases):
#
# $$J = \frac1m \sum_i \bigl[\log(1 + e^{z^{(2)}_i}) - y_i z^{(2)}_i\bigr]
#       + \frac{\lambda}{2m} \bigl(\lVert W_1 \rVert^2 + \lVert W_2 \rVert^2\bigr).$$
#
# Backpropagation is the chain rule applied from the output backwards. The
# error at the output is the same as in logistic regression, and each layer
# passes its error back through its weights and the derivative of its
# activation, $f'(z) = [z > 0]$ for the ReLU (the bracket is 1 when $z > 0$
# and 0 otherwise, as in lesson 2):
#
# $$\delta^{(2)} = \frac1m (h - y), \qquad
# \nabla_{W_2} J = a^{(1)\top} \delta^{(2)} + \frac{\lambda}{m} W_2, \qquad
# \nabla_{b_2} J = \textstyle\sum_i \delta^{(2)}_i,$$
#
# $$\delta^{(1)} = \bigl(\delta^{(2)} W_2^\top\bigr) \odot f'\bigl(z^{(1)}\bigr), \qquad
# \nabla_{W_1} J = X^\top \delta^{(1)} + \frac{\lambda}{m} W_1, \qquad
# \nabla_{b_1} J = \textstyle\sum_i \delta^{(1)}_i.$$

# %%
def one_hidden_layer(params, X, y, lam):
    W1, b1, W2, b2 = params
    m = X.shape[0]
    # forward
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    h = sigmoid(z2)
    J = np.mean(np.logaddexp(0, z2[:, 0]) - y * z2[:, 0])   # log(1 + e^z) - y z
    J += lam / (2 * m) * (np.sum(W1**2) + np.sum(W2**2))
    # backward
    d2 = (h - y[:, None]) / m
    gW2 = a1.T @ d2 + lam / m * W2
    gb2 = d2.sum(axis=0)
    d1 = (d2 @ W2.T) * (z1 > 0)
    gW1 = X.T @ d1 + lam / m * W1
    gb1 = d1.sum(axis=0)
    return J, [gW1, gb1, gW2, gb2]


# %% [markdown]
# minilr's `loss_and_gradients(params, X, Y, lam, activation)` computes
# the same, for any number of layers; `params` is the list
# `[W1, b1, W2, b2, ...]`, and `lam` is our $\lambda$ (scikit-learn's
# `MLPClassifier` calls it `alpha`). On a small random problem, a 4-5-1
# network, the two agree to rounding error:

# %%
rng = np.random.default_rng(0)
X_small = rng.normal(size=(20, 4))
y_small = (rng.random(20) < 0.5).astype(float)
params = init_params([4, 5, 1], init="xavier", random_state=0)
for p in params[1::2]:
    p += rng.normal(scale=0.1, size=p.shape)   # nonzero biases, to test them too

J_ours, grads_ours = one_hidden_layer(params, X_small, y_small, lam=0.3)
J_minilr, grads_minilr = loss_and_gradients(params, X_small, y_small, lam=0.3, activation="relu")
print(f"cost: ours {J_ours:.12f}, minilr {J_minilr:.12f}")
for name, g, G in zip(["W1", "b1", "W2", "b2"], grads_ours, grads_minilr):
    print(f"  {name}: shape {g.shape}, largest difference {np.abs(g - G).max():.1e}")
assert np.isclose(J_ours, J_minilr, rtol=1e-12)
assert all(np.allclose(g, G, rtol=1e-10, atol=1e-14) for g, G in zip(grads_ours, grads_minilr))

# %% [markdown]
# Here is minilr's backward pass. It is the same two lines per layer, written
# once as a loop from the last layer to the first: `delta` starts as
# $\frac1m(h - y)$, each layer's gradient is `a_prev.T @ delta` (plus the
# penalty) and `delta.sum(axis=0)`, and `delta @ W.T` times the activation's
# derivative carries the error one layer back.

# %%
source = inspect.getsource(backward)
docstring_end = source.index('"' * 3, source.index('"' * 3) + 3) + 3
print(source[docstring_end:].strip("\n"))   # the code, without its docstring

# %% [markdown]
# ## 2. A gradient check of the whole network
#
# Agreeing with minilr is not proof that either is right. The central
# difference of lesson 1 is: we flatten all weights and biases into one
# vector $\theta$ and compare every partial derivative. The network is the
# one we train below, 10 inputs and three hidden layers of 10 ReLUs, 341
# parameters in all.

# %%
sizes = [10, 10, 10, 10, 1]
X_check, y_check = make_sum_threshold(30, random_state=1)
theta = flatten_params(init_params(sizes, init="xavier", random_state=2))
theta += np.random.default_rng(3).normal(scale=0.1, size=theta.size)  # nonzero biases


def network_cost(theta):
    J, grads = loss_and_gradients(unflatten_params(theta, sizes), X_check, y_check,
                                  lam=0.1, activation="relu")
    return J, flatten_params(grads)


check = check_gradient(network_cost, None, theta)
print(f"{theta.size} parameters, relative error {check.relative_error:.1e}")
assert check.relative_error < 1e-7


# %% [markdown]
# The check also catches mistakes. Forget the ReLU's derivative in our hand
# written version (the `* (z1 > 0)`), and on the small 4-5-1 network of
# section 1 the error jumps by many orders of magnitude:

# %%
def forgot_relu_derivative(params, X, y, lam):
    J, grads = one_hidden_layer(params, X, y, lam)
    W1, b1, W2, b2 = params
    d2 = (sigmoid(np.maximum(X @ W1 + b1, 0) @ W2 + b2) - y[:, None]) / len(y)
    d1 = d2 @ W2.T                                  # the bug: no "* (z1 > 0)"
    return J, [X.T @ d1 + lam / len(y) * W1, d1.sum(axis=0), grads[2], grads[3]]


sizes_small = [4, 5, 1]
for fn in (one_hidden_layer, forgot_relu_derivative):
    def f(theta):
        J, grads = fn(unflatten_params(theta, sizes_small), X_small, y_small, 0.3)
        return J, flatten_params(grads)
    err = check_gradient(f, None, flatten_params(params)).relative_error
    print(f"{fn.__name__:24s} relative error {err:.1e}")
assert err > 1e-3

# %% [markdown]
# ## 3. Training a 10-10-10-1 network
#
# The data: ten features drawn from $\mathcal N(0, 1)$, and the label says
# whether their sum exceeds 3,
#
# $$y = \Bigl[\textstyle\sum_{j=1}^{10} x_j > 3\Bigr].$$
#
# The sum of ten standard normals has standard deviation $\sqrt{10}$, so only
# about 17% of the samples are positive. We train on 1000 samples and
# validate on 100 fresh ones. `MLPClassifier` trains by mini-batch SGD:
# batches of 10, learning rate 0.1, 10 epochs, Xavier initialisation.

# %%
X, y = make_sum_threshold(1000, random_state=0)
X_val, y_val = make_sum_threshold(100, random_state=1)
print(f"positives: {y.mean():.1%} of the training set, {y_val.sum()} of the {len(y_val)} validation samples")

settings = dict(hidden_layer_sizes=(10, 10, 10), activation="relu", init="xavier",
                update="sgd", learning_rate=0.1, batch_size=10, random_state=0)
with warnings.catch_warnings():
    # 10 epochs is our budget, not convergence: minilr would say the cost has not settled.
    warnings.simplefilter("ignore", minilr.ConvergenceWarning)
    net = MLPClassifier(max_iter=10, **settings).fit(X, y, validation_data=(X_val, y_val))
print("cost per epoch:          ", net.history_.round(3))
print("validation accuracy:     ", net.validation_history_)

# %% [markdown]
# `validation_history_` records the validation accuracy after every epoch.
# Accuracy alone flatters a model when one class is rare: predicting 0 for
# everyone, with no model at all, already scores well. That *baseline* is what
# an accuracy must be read against, on the same data:

# %%
baseline_train, baseline_val = np.mean(y == 0), np.mean(y_val == 0)
print(f"predicting 0 for everyone: training accuracy {baseline_train:.3f}, "
      f"validation accuracy {baseline_val:.2f}")
assert baseline_val == 0.91 and baseline_train > 0.8

# %% [markdown]
# On the validation set the baseline is 91% (the training figure, 82%, is not
# the one to compare with): its 9 mistakes are the 9 positives. A validation
# accuracy of 0.97 then means 3 mistakes instead of 9; good, but much less than
# "97%" suggests. The F1 score looks at the positive class only,
#
# $$\text{precision} = \frac{tp}{tp + fp}, \quad \text{recall} = \frac{tp}{tp + fn}, \quad
# F_1 = \frac{2 \cdot \text{precision} \cdot \text{recall}}{\text{precision} + \text{recall}}.$$
#
# To score each epoch ourselves we use the fact that training is
# reproducible: with the same `random_state`, a network trained for $k$ epochs
# is exactly the 10-epoch network after its $k$-th epoch (same initial
# weights, same shuffles). So we train for 1, 2, ..., 10 epochs.

# %%
rows = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", minilr.ConvergenceWarning)
    for epochs in range(1, 11):
        net_k = MLPClassifier(max_iter=epochs, **settings).fit(X, y)
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

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (col, title) in zip(axes, [(1, "accuracy"), (2, "F1")]):
    ax.plot(per_epoch[:, 0], per_epoch[:, col], "o-", label="training (1000)")
    ax.plot(per_epoch[:, 0], per_epoch[:, col + 2], "s-", label="validation (100)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(title)
    ax.set_title(f"{title} after each epoch")
    ax.legend()
axes[0].axhline(baseline_val, color="gray", lw=0.8, ls=":", label="validation baseline (all 0)")
axes[0].legend()
axes[0].set_ylim(0.5, 1.02);

# %%
final_acc, final_f1 = per_epoch[-1, 3], per_epoch[-1, 4]
print(f"after 10 epochs: validation accuracy {final_acc:.2f}, F1 {final_f1:.3f}")
assert final_acc >= 0.9 and final_f1 >= 0.8
assert per_epoch[-1, 1] >= 0.95

# %% [markdown]
# The network learns the rule in a few epochs. The F1 score starts lower
# than the accuracy and climbs more, because at first the network finds few
# of the rare positives. The validation curves are jumpy: with 100 samples,
# one sample is a whole percentage point of accuracy, and the few positives
# among them (9 here) carry the whole F1: one missed positive costs about 0.07.
#
# ## 4. The decision threshold
#
# `predict` says 1 when $P(y = 1 \mid x) \ge 0.5$. That threshold is a choice,
# not part of the model. Lowering it finds more positives (higher recall) at
# the price of more false alarms (lower precision); raising it does the
# opposite. Which one matters depends on the cost of each mistake: in a
# screening test a missed positive is worse than a false alarm.

# %%
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
ax.set_ylabel("score on the validation set")
ax.set_title("validation scores against the decision threshold")
ax.legend();

for t in (0.2, 0.5, 0.8):
    pred = (p_val >= t).astype(int)
    print(f"threshold {t}: precision {precision_score(y_val, pred):.3f}, "
          f"recall {recall_score(y_val, pred):.3f}, F1 {f1_score(y_val, pred):.3f}")
recall = np.array(curves["recall"])
assert np.all(np.diff(recall) <= 0)          # a higher threshold never finds more positives
assert recall[0] > recall[-1]

# %% [markdown]
# minilr's classifiers take the threshold as a parameter,
# `MLPClassifier(threshold=...)` and `LogisticRegression(threshold=...)`; it
# changes `predict` and nothing else. Choose it on validation data, never on
# the test set, or the test score stops being an honest estimate.
#
# ## Summary
#
# * Backpropagation is the chain rule from the output back: one error term
#   per layer, $\delta^{(l-1)} = (\delta^{(l)} W_l^\top) \odot f'(z^{(l-1)})$,
#   and each gradient is the layer's input times its error.
# * A gradient check compares every derivative with a central difference: it
#   confirms a right gradient to about $10^{-9}$ and exposes a wrong one.
# * The 10-10-10-1 ReLU network learns the sum rule in a few epochs of SGD.
# * With a rare class, read accuracy against the all-zero baseline (91% on
#   this validation set), watch F1 as well, and pick the threshold for the
#   mistakes you can least afford.
#
# ## Try this
#
# 1. Change `sizes` in section 2 to `[10, 1]` (no hidden layer: logistic
#    regression) and to `[10, 30, 1]`: does the check still pass? Then, in
#    `one_hidden_layer`, leave out the penalty term of `gW1` instead: how large
#    is the error with `lam=0.3`, and with `lam=0`?
# 2. Train for 30 epochs (`max_iter=30`), with the penalty `lam=0` and `lam=1.0`. Does
#    the validation F1 keep improving, and does the penalty help?
# 3. Choose the threshold with the best validation F1 from `curves`. Why should
#    its F1 on fresh data (`make_sum_threshold(1000, random_state=2)`) be a
#    little lower?
