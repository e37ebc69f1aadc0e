import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def cost(theta, X, y, lam):
    m = X.shape[0]
    z = X @ theta
    J = np.sum(np.logaddexp(0, z) - y * z)        # cross entropy
    return J + lam / (2 * m) * np.sum(theta[1:] ** 2)


def gradient(theta, X, y, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta)
    g = X.T @ (y - h) / m
    g[1:] += lam / m * theta[1:]
    return g
