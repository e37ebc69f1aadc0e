import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    m, n = X.shape
    theta = theta.reshape((n, 1))
    y = y.reshape((m, 1))
    z = X.dot(theta)
    J = float(np.sum(np.logaddexp(0, z) - y * z) / m)
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad


def predict(theta, X):
    return (sigmoid(X.dot(theta)) >= 0.5).astype(int)


def costFunctionReg(theta, X, y, lambda_):
    m, n = X.shape
    theta = theta.reshape((n, 1))
    y = y.reshape((m, 1))
    z = X.dot(theta)
    t = theta.copy()
    t[0] = 0
    J = float(np.sum(np.logaddexp(0, z) - y * z) / m) + lambda_ / (2 * m) * float(np.sum(t ** 2))
    grad = X.T.dot(sigmoid(z) - y) / m + lambda_ / m * t
    return J, grad
