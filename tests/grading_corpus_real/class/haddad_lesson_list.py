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


def one_vs_all(X, y, l, K):
    thetas = []
    for k in range(1, K + 1):
        thetas.append(minimize(regularized_cost, np.zeros(X.shape[1]), args=(X, (y == k) * 1.0, l),
                               jac=regularized_gradient).x)
    return thetas


def predict(X, All_Theta):
    return np.argmax(X @ np.array(All_Theta).T, axis=1) + 1
