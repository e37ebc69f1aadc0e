import numpy as np
from sigmoid import sigmoid


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = y.astype(float)
    z = X.dot(theta)
    J = np.sum(np.logaddexp(0, z) - y * z) / m + lambda_ * np.sum(theta[1:] ** 2) / (2 * m)
    grad = X.T.dot(sigmoid(z) - y) / m
    grad[1:] += lambda_ * theta[1:] / m
    return J, grad
