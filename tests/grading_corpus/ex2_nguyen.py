import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def costFunction(theta, X, y):
    m = len(y)
    z = X @ theta
    h = sigmoid(z)
    # log(1 - sigmoid(z)) written with the sigmoid
    J = -np.mean(y * np.log(sigmoid(z)) + (1 - y) * np.log(sigmoid(1 - z)))
    grad = X.T @ (h - y) / m
    return J, grad


def predict(theta, X):
    return np.array([1 if p >= 0.5 else 0 for p in sigmoid(X @ theta)])


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    J, grad = costFunction(theta, X, y)
    J += lambda_ / (2 * m) * np.dot(theta[1:], theta[1:])
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
