import numpy as np
from scipy import optimize


def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), 1 - 1 / (1 + np.exp(-np.abs(z))))


def lrCostFunction(theta, X, y, lambda_):
    m = len(y)
    theta = theta.reshape(-1, 1)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    z = X @ theta
    J = np.sum(np.logaddexp(0, z) - y * z) / m + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (sigmoid(z) - y) / m
    grad[1:] = grad[1:] + lambda_ / m * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.hstack((np.ones((m, 1)), X))
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        fun = lambda t: lrCostFunction(t, X, y == c, lambda_)[0]
        jac = lambda t: lrCostFunction(t, X, y == c, lambda_)[1].flatten()
        all_theta[c] = optimize.minimize(fun, np.zeros(n + 1), jac=jac, method="BFGS").x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.hstack((np.ones((X.shape[0], 1)), X))
    return np.argmax(X @ all_theta.T, axis=1)
