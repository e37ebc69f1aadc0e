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
    Theta = Theta.reshape(-1, 1)
    error = sigmoid(X @ Theta) - y.reshape(-1, 1)
    grad = X.T @ error / m
    grad[1:] += l / m * Theta[1:]
    return grad


def one_vs_all(X, y, l, K):
    all_theta = np.zeros((K, X.shape[1]))
    for k in range(K):
        yk = (y == k + 1) * 1.0
        all_theta[k] = minimize(regularized_cost, np.zeros(X.shape[1]), args=(X, yk, l),
                                jac=lambda t, X, yk, l: regularized_gradient(t, X, yk, l).ravel()).x
    return all_theta


def predict(X, All_Theta):
    # the classes are numbered from 1
    return np.argmax(X @ All_Theta.T, axis=1) + 1
