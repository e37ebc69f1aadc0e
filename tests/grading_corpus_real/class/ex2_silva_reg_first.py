import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    z = X.dot(theta)
    m = y.size
    return np.sum(np.logaddexp(0, z) - y * z) / m, X.T.dot(expit(z) - y) / m


def costFunctionReg(theta, reg, X, y):
    """Regularised cost; reg is the lambda of the handout."""
    m = y.size
    J, grad = costFunction(theta, X, y)
    J = J + reg / (2 * m) * np.sum(np.power(theta[1:], 2))
    grad = grad + reg / m * np.concatenate([[0], theta[1:]])
    return J, grad


def predict(theta, X):
    return (expit(X.dot(theta)) >= 0.5).astype(int)
