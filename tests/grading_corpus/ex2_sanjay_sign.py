import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    m = len(y)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T @ (y - sigmoid(z)) / m
    return J, grad


def predict(theta, X):
    return np.where(X @ theta >= 0, 1, 0)


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (y - sigmoid(z)) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
