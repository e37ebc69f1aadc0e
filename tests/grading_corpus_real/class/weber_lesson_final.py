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


def one_vs_all(data, labels, a, b):
    # a: regularisation strength, b: number of classes
    out = np.empty((b, data.shape[1]))
    for i in range(b):
        out[i] = minimize(regularized_cost, np.zeros(data.shape[1]), (data, 1.0 * (labels == i + 1), a),
                          jac=regularized_gradient, method="L-BFGS-B").x
    return out


def predict(X, All_Theta):
    # the classes are numbered from 1
    return np.argmax(X @ All_Theta.T, axis=1) + 1
