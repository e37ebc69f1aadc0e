import numpy as np
from scipy.special import expit
from scipy import optimize

EPS = 1e-15


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    m = len(y)
    h = np.clip(sigmoid(X @ theta), EPS, 1 - EPS)
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m
    grad = X.T @ (h - y) / m
    return J, grad


def predict(theta, X):
    return np.round(sigmoid(X @ theta))


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    J, grad = costFunction(theta, X, y)
    J += lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
