import numpy as np
from scipy.optimize import minimize


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def regularized_cost(Theta, X, y, l):
    m = len(y)
    z = X @ Theta
    return np.mean(np.logaddexp(0, z) - y * z) + l / (2 * m) * np.sum(Theta[1:] ** 2)


def regularized_gradient(Theta, X, y, l):
    m = len(y)
    grad = X.T @ (sigmoid(X @ Theta) - y) / m
    grad[1:] += l / m * Theta[1:]
    return grad


def one_vs_all(X, y, K, reg):
    rows = []
    for label in range(1, K + 1):
        target = np.where(y == label, 1.0, 0.0)
        rows.append(minimize(regularized_cost, np.zeros(X.shape[1]), args=(X, target, reg),
                             jac=regularized_gradient).x)
    return np.array(rows)


def predict(X, All_Theta):
    # the classes are numbered from 1
    return np.argmax(X @ All_Theta.T, axis=1) + 1
