import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def costFunction(theta, X, y):
    m = y.size
    z = X.dot(theta)
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad


def predict(theta, X):
    return (sigmoid(X.dot(theta)) >= 0.5).astype(float)


def costFunctionReg(theta, X, y, lambda_):
    m = y.size
    z = X.dot(theta)
    J = np.sum(np.logaddexp(0, z) - y * z) / m + lambda_ / (2 * m) * np.sum(theta ** 2)
    grad = X.T.dot(sigmoid(z) - y) / m + lambda_ / m * theta
    return J, grad
