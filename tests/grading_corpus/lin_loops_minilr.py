import math

import numpy as np


def _sig(v):
    # one number at a time; two branches so that math.exp never sees a big positive number
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        out[idx] = _sig(z[idx])
    if out.ndim == 0:
        return float(out)
    return out


def cost(theta, X, y, lam):
    m, n = X.shape
    total = 0.0
    for i in range(m):
        z = 0.0
        for j in range(n):
            z += X[i, j] * theta[j]
        # -y log h - (1 - y) log(1 - h) = log(1 + e^z) - y z
        if z > 0:
            total += z + math.log1p(math.exp(-z)) - y[i] * z
        else:
            total += math.log1p(math.exp(z)) - y[i] * z
    penalty = 0.0
    for j in range(1, n):
        penalty += theta[j] ** 2
    return total / m + lam / (2 * m) * penalty


def gradient(theta, X, y, lam):
    m, n = X.shape
    grad = np.zeros(n)
    for i in range(m):
        h = _sig(sum(X[i, j] * theta[j] for j in range(n)))
        for j in range(n):
            grad[j] += (h - y[i]) * X[i, j]
    for j in range(n):
        grad[j] /= m
        if j > 0:
            grad[j] += lam / m * theta[j]
    return grad


def gradient_descent_step(theta, X, y, alpha, lam):
    g = gradient(theta, X, y, lam)
    new_theta = np.zeros(len(theta))
    for j in range(len(theta)):
        new_theta[j] = theta[j] - alpha * g[j]
    return new_theta
