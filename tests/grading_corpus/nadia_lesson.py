import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


def regularized_cost(Theta, X, y, l):
    m = X.shape[0]
    z = X @ Theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    return J + l / m * np.sum(Theta[1:] ** 2)


def regularized_gradient(Theta, X, y, l):
    m = X.shape[0]
    h = sigmoid(X @ Theta)
    Theta_reg = Theta
    Theta_reg[0] = 0          # don't regularize the bias
    return X.T @ (h - y) / m + l / m * Theta_reg
