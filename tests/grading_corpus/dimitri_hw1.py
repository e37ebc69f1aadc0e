import numpy as np


def sigmoid(z):
    z = np.array(z, dtype=float)
    return np.exp(-np.logaddexp(0, -z))


def cost_function(theta, X, y, lam):
    m = X.shape[0]
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    J += lam / 2 * np.sum(theta[1:] ** 2)
    return J


def gradient(theta, X, y, lam):
    m = X.shape[0]
    error = sigmoid(X @ theta) - y
    grad = X.T @ error / m
    grad[1:] += lam * theta[1:]
    return grad


def gradient_descent_step(theta, X, y, alpha, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta)
    grad = X.T @ (h - y)
    grad[1:] += lam / m * theta[1:]
    return theta - alpha * grad
