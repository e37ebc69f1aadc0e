import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    m = y.shape[0]
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = (1 / m) * X.T @ (sigmoid(z) - y)
    return J, grad


def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5) * 1


def costFunctionReg(theta, X, y, lambda_):
    m = y.shape[0]
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + (lambda_ / 2) * np.sum(theta[1:] ** 2)
    grad = (1 / m) * X.T @ (sigmoid(z) - y)
    grad[1:] = grad[1:] + lambda_ * theta[1:]
    return J, grad
