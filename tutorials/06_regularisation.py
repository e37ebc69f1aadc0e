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
# # Lesson 6: what λ does — overfitting, seen and tamed
#
# Every lesson so far has fitted with a penalty $\frac{\lambda}{2m}\lVert w \rVert^2$,
# and lesson 1 derived it. Here we see what it is *for*. With enough features a
# model can bend its boundary around every training point, noise included: it
# **overfits**, and does worse on new points than a simpler model. The penalty
# holds the weights back, and a held-out set tells us how much to hold them back.
#
# **You will learn to**
#
# * build polynomial features of two measurements, and standardise them;
# * recognise overfitting (training accuracy far above validation accuracy) and
#   underfitting (both low), and see each as a boundary;
# * read a validation curve and pick λ on the validation set, then report the
#   test accuracy once;
# * relate λ to the size of the weights;
# * move λ yourself with a slider and watch the boundary follow.
#
# **Before you start:** lesson 1 (the regularised cost $J_\lambda$) and lesson 4
# (a boundary in the plane); polynomials in two variables.
#
# **Time:** about 40 minutes; the notebook runs in well under a minute.

# %%
# %matplotlib inline
import warnings

import matplotlib.pyplot as plt
import numpy as np

from minilr import ConvergenceWarning
from minilr.closed_boundary import CLOSED_BOUNDARY_CENTRE, closed_boundary_radius
from minilr.datasets import make_closed_boundary
from minilr.model_selection import validation_curve
from minilr.preprocessing import map_feature, standardize
from minilr.widgets import LambdaExplorer, PolynomialFit, plot_lambda_boundaries

# %% [markdown]
# ## 1. Two measurements, a closed boundary, noisy labels
#
# Like the microchips of the classic exercise: two test results per chip, and
# the good chips (label 1) in a blob in the middle. The true boundary is a wavy
# closed curve, and one label in ten is flipped at random, so even the true curve
# gets about 10% of the points wrong. We draw 300 points and split them, in the
# order drawn, into 100 for **training**, 100 for **validation** (to choose λ)
# and 100 for **testing** (used once, at the very end).

# %%
X, y = make_closed_boundary(300, flip=0.1, random_state=6)
X_train, y_train = X[:100], y[:100]
X_val, y_val = X[100:200], y[100:200]
X_test, y_test = X[200:], y[200:]

angle = np.linspace(0, 2 * np.pi, 200)
radius = closed_boundary_radius(angle)
true_curve = np.column_stack([CLOSED_BOUNDARY_CENTRE[0] + radius * np.cos(angle),
                              CLOSED_BOUNDARY_CENTRE[1] + radius * np.sin(angle)])

fig, ax = plt.subplots(figsize=(4.5, 4))
for label, marker in [(0, "o"), (1, "^")]:
    ax.scatter(*X_train[y_train == label].T, marker=marker, s=18, label=f"y = {label}")
ax.plot(*true_curve.T, "--", color="tab:green", label="true boundary")
ax.set(xlabel="$x_1$", ylabel="$x_2$", title="the 100 training points")
ax.legend(fontsize="small")
plt.show()
print(f"share of 1s: training {y_train.mean():.2f}, validation {y_val.mean():.2f}, test {y_test.mean():.2f}")

# %% [markdown]
# ## 2. Polynomial features, standardised
#
# No straight line separates a blob from its surroundings. But a line in the
# space of monomials is a curve in the plane: `map_feature` turns $(x_1, x_2)$
# into a column of ones, then every $x_1^{i-j} x_2^{j}$ for $i = 1, \dots, 6$ and
# $j = 0, \dots, i$:
#
# $$1,\; x_1,\; x_2,\; x_1^2,\; x_1 x_2,\; x_2^2,\; x_1^3,\; \dots,\; x_1 x_2^5,\; x_2^6$$
#
# which is $(6+1)(6+2)/2 = 28$ columns. `LogisticRegression` fits its own
# intercept, so we drop the ones. Then we **standardise** each column with the
# *training* mean and standard deviation (the same numbers for every set). This
# matters here: $x^6$ of a number below 1 barely varies, so without it the
# penalty, which treats every weight alike, would hold back exactly the columns
# that need large weights to count.

# %%
Phi = map_feature(X_train[:, 0], X_train[:, 1], degree=6)
print("map_feature:", Phi.shape, " first row:", Phi[0, :6].round(3), "...")
Z_train, mean, std = standardize(Phi[:, 1:])
print(f"spread of the columns before: {Phi[:, 1:].std(axis=0).min():.4f} to {Phi[:, 1:].std(axis=0).max():.4f};"
      f" after: {Z_train.std(axis=0).min():.1f} to {Z_train.std(axis=0).max():.1f}")


def features(X):
    """The standardised degree-6 monomials of X (m, 2), scaled as the training set's."""
    return standardize(map_feature(X[:, 0], X[:, 1])[:, 1:], mean, std)[0]


# %% [markdown]
# `minilr.widgets.PolynomialFit` does exactly this (monomials, training scale,
# `LogisticRegression(lam=..., tol=1e-8)`), and draws its boundary from the two
# measurements; we use it from here on.
#
# ## 3. λ = 0, 1 and 100
#
# The classic picture. Without a penalty the 27 weights are free to bend the
# boundary around single points; with λ = 100 the weights are pushed so close to
# zero that the boundary cannot even follow the blob.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    fig, (fit_0, fit_1, fit_100) = plot_lambda_boundaries(X_train, y_train, X_val, y_val, [0, 1, 100],
                                                          true_curve=true_curve)
plt.show()
for w in caught:
    print(f"λ = 0: {type(w.message).__name__}: {str(w.message).split('. ')[0]}")
for fit in (fit_0, fit_1, fit_100):
    print(f"λ = {fit.lam:5g}: accuracy {fit.accuracy(X_train, y_train):.2f} training, "
          f"{fit.accuracy(X_val, y_val):.2f} validation; |w| = {np.linalg.norm(fit.model.coef_):6.1f}")

# %% [markdown]
# At λ = 0 the training accuracy is far above the validation accuracy: the model
# has learned the training points' noise, which new points do not share. That
# is **overfitting**. At λ = 100 both accuracies are low: the model is too
# constrained to follow the true curve. That is **underfitting**. λ = 1 sits in
# between. The cell below pins these claims.

# %%
gap_0 = fit_0.accuracy(X_train, y_train) - fit_0.accuracy(X_val, y_val)
assert gap_0 >= 0.10, f"λ = 0 should overfit: training above validation accuracy by 0.10 or more, got {gap_0:.2f}"
assert fit_1.accuracy(X_val, y_val) > fit_0.accuracy(X_val, y_val), "λ = 1 should beat λ = 0 on new points"
# underfitting: worse than λ = 1 on the training set *and* on the validation set
assert fit_100.accuracy(X_train, y_train) <= fit_1.accuracy(X_train, y_train) - 0.10
assert fit_100.accuracy(X_val, y_val) < fit_1.accuracy(X_val, y_val)
print(f"overfitting at λ = 0: training accuracy {gap_0:.2f} above validation")

# %% [markdown]
# ## 4. The size of the weights against λ
#
# The penalty adds $\frac{\lambda}{2m}\sum_j w_j^2$ to the cost, so the larger λ,
# the smaller the weights at the minimum. Small weights mean a smooth function of
# the features: the logit cannot swing from very negative to very positive
# between two nearby points.

# %%
lams = np.logspace(-2, 2, 17)
norms = [np.linalg.norm(PolynomialFit(X_train, y_train, lam).model.coef_) for lam in lams]
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.loglog(lams, norms, "o-")
ax.set(xlabel="λ", ylabel="‖w‖ (length of the weights)", title="the weights shrink as λ grows")
plt.show()
print(f"|w| = {norms[0]:.1f} at λ = {lams[0]:g}, {norms[-1]:.2f} at λ = {lams[-1]:g}")

# %% [markdown]
# ## 5. The validation curve: choosing λ on held-out data
#
# For each λ we fit on the training set and measure the **unregularised** mean
# cross-entropy
#
# $$J(w) = -\frac1m \sum_i \left[ y_i \log \sigma(z_i) + (1 - y_i) \log(1 - \sigma(z_i)) \right]$$
#
# on the training and on the validation set. The penalty is left out on purpose:
# it is part of what training minimises, not of how well the model predicts, and
# with it the costs at different λ would not be comparable.
#
# The training cost can only grow with λ. The validation cost falls while the
# penalty removes noise from the fit, then rises once it starts removing the
# signal. We pick the λ with the lowest validation cost. The test set stays out
# of this: had we picked λ on it, its accuracy would be an optimistic estimate.

# %%
train_costs, val_costs = validation_curve(features(X_train), y_train, features(X_val), y_val, lams)
best = int(np.argmin(val_costs))
lam_best = lams[best]

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.semilogx(lams, train_costs, "o-", label="training")
ax.semilogx(lams, val_costs, "o-", label="validation")
ax.axvline(lam_best, color="k", lw=0.8, label=f"chosen λ = {lam_best:.3g}")
ax.set(xlabel="λ", ylabel="cross-entropy (no penalty)", title="the validation curve")
ax.legend(fontsize="small")
plt.show()
print(f"chosen λ = {lam_best:.3g}: validation cost {val_costs[best]:.4f} "
      f"(at λ = {lams[0]:g}: {val_costs[0]:.4f}, at λ = {lams[-1]:g}: {val_costs[-1]:.4f})")

# %%
assert val_costs[best] == val_costs.min() and np.all(val_costs[best] < np.delete(val_costs, best))
assert np.all(np.diff(train_costs) > 0), "the training cost grows with λ"
assert 0 < best < len(lams) - 1, "the chosen λ is inside the range tried, not at its edge"

# %% [markdown]
# ## 6. Move λ yourself
#
# The slider below refits at the λ you choose (on a log scale, from 0.01 to 100)
# and redraws the boundary, with its accuracies, beside the two cost curves; the
# black dots are the costs of the model on the left. It needs a running kernel:
# on a web page the figure stays as it was drawn, and section 7 shows the same
# views side by side instead.

# %%
explorer = LambdaExplorer(X_train, y_train, X_val, y_val, lam=lam_best, lams=lams, true_curve=true_curve,
                          curve=(train_costs, val_costs))
slider = explorer.show()

# %% [markdown]
# ## 7. Five values of λ, side by side
#
# What the slider shows, at λ = 0, 0.1, 1, 10 and 100: the boundary goes from
# wiggly (bent around single points) to smooth to too small and round. The
# training accuracy falls at every step; the validation accuracy is best in the
# middle and drops at both ends.
#
# The validation accuracy happens to be a hair higher at λ = 10 than at the λ = 1
# the validation cost chose. On 100 points one or two points decide that;
# accuracy counts only which side of the boundary a point is on, while the cost
# also weighs how confident the model is, which makes it the steadier guide.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # λ = 0, as in section 3
    fig, fits = plot_lambda_boundaries(X_train, y_train, X_val, y_val, [0, 0.1, 1, 10, 100],
                                       true_curve=true_curve)
fig.suptitle("degree-6 boundaries from λ = 0 (left) to λ = 100 (right)")
plt.show()

# %% [markdown]
# ## 8. The test set, once
#
# Everything so far was chosen on the training and validation sets. Now, and only
# now, we measure the chosen model on the 100 test points, which played no part
# in any choice. This number estimates how it will do on new chips.

# %%
final = PolynomialFit(X_train, y_train, lam_best)
test_accuracy = final.accuracy(X_test, y_test)
print(f"λ = {lam_best:.3g}: test accuracy {test_accuracy:.2f} "
      f"(training {final.accuracy(X_train, y_train):.2f}, validation {final.accuracy(X_val, y_val):.2f})")
baseline = max(y_test.mean(), 1 - y_test.mean())  # always predicting the commoner class
assert test_accuracy > baseline + 0.2, f"the chosen model should beat the baseline {baseline:.2f} by far"

# %% [markdown]
# ## Summary
#
# * Degree-6 features give 27 weights for 100 points: enough to fit the noise.
#   Without a penalty the model overfits: its training accuracy is far above its
#   accuracy on new points.
# * λ shrinks the weights and smooths the boundary; too large a λ underfits.
# * Choose λ on a validation set with the unregularised cost, and report the test
#   accuracy once, for the chosen model only.
# * Standardise polynomial features (with the training scale) so that one λ
#   treats every column alike.
#
# ## Try this
#
# 1. Draw 1000 training points instead of 100 (`make_closed_boundary(1200, ...)`,
#    and take the first 1000). Does λ = 0 still overfit? Where is the best λ now?
# 2. Set `flip=0.0` (no label noise). How do the three boundaries of section 3
#    change, and does the validation curve still rise at small λ?
# 3. Fit without standardising (use `map_feature(...)[:, 1:]` directly as the
#    features). Which λ does the validation curve choose, and why is it different?
