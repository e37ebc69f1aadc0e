import numpy as np
from sigmoid import sigmoid


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    h = sigmoid(np.dot(X, theta))
    J = -1 / m * (np.dot(y, np.log(h)) + np.dot(1 - y, np.log(1 - h))) + lambda_ / (2 * m) * np.dot(theta[1:], theta[1:])
    grad = 1 / m * np.dot(X.T, h - y)
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad
