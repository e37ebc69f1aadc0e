import math

import numpy as np
from scipy import optimize


def sigmoid(z):
    if np.isscalar(z):
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    z = np.asarray(z, dtype=float)
    g = np.zeros_like(z)
    for i, v in np.ndenumerate(z):
        g[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return g


def regularized_cost(Theta, X, y, l):
    m, n = X.shape
    J = 0
    for i in range(m):
        z = X[i] @ Theta
        # log(1 + exp(z)) without overflow
        J += max(z, 0) + math.log(1 + math.exp(-abs(z))) - y[i] * z
    J = J / m
    for j in range(1, n):
        J += l / (2 * m) * Theta[j] ** 2
    return J


def regularized_gradient(Theta, X, y, l):
    m, n = X.shape
    grad = np.zeros(n)
    for i in range(m):
        err = sigmoid(X[i] @ Theta) - y[i]
        grad += err * X[i]
    grad /= m
    for j in range(1, n):
        grad[j] += l / m * Theta[j]
    return grad


def one_vs_all(X, y, l, K):
    All_Theta = []
    for c in range(1, K + 1):
        yc = np.array([1.0 if label == c else 0.0 for label in y])
        theta0 = np.zeros(X.shape[1])
        res = optimize.minimize(lambda t: regularized_cost(t, X, yc, l), theta0,
                                jac=lambda t: regularized_gradient(t, X, yc, l), method="L-BFGS-B")
        All_Theta.append(res.x)
    return np.array(All_Theta)


def predict(X, All_Theta):
    m = X.shape[0]
    labels = np.zeros(m, dtype=int)
    for i in range(m):
        best, best_score = 0, -np.inf
        for k in range(All_Theta.shape[0]):
            score = X[i] @ All_Theta[k]
            if score > best_score:
                best, best_score = k, score
        labels[i] = best + 1
    return labels
