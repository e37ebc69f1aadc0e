import numpy as np
from scipy import optimize


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    h = sigmoid(X @ theta)
    J = (-y @ np.log(h) - (1 - y) @ np.log(1 - h)) / m + lambda_ / (2 * m) * np.sum(theta[1:] ** 2
    grad = X.T @ (h - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n + 1), (X, (y == c), lambda_), jac=True,
                                method="CG", options={"maxiter": 50})
        all_theta[c] = res.x
    return all_theta
