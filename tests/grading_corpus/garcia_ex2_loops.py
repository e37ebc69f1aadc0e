# Exercise 2 (Carlos Garcia) - I wrote everything with loops first to understand it
import numpy as np


def sigmoid(z):
    z = np.array(z, dtype=float)
    g = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        g[idx] = 1 / (1 + np.exp(-z[idx]))
    return g


def costFunction(theta, X, y):
    m = y.size
    J = 0
    grad = np.zeros(theta.shape)
    for i in range(m):
        h = sigmoid(np.dot(X[i], theta))
        J += -y[i] * np.log(h) - (1 - y[i]) * np.log(1 - h)
        for j in range(len(theta)):
            grad[j] += (h - y[i]) * X[i, j]
    return J / m, grad / m


def predict(theta, X):
    m = X.shape[0]
    p = np.zeros(m)
    for i in range(m):
        if sigmoid(np.dot(X[i], theta)) >= 0.5:
            p[i] = 1
    return p


def costFunctionReg(theta, X, y, lambda_):
    m = y.size
    J, grad = costFunction(theta, X, y)
    for j in range(1, len(theta)):
        J += lambda_ / (2 * m) * theta[j] ** 2
        grad[j] += lambda_ / m * theta[j]
    return J, grad
