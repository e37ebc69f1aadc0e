import numpy as np
from scipy import optimize


def _sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = np.asarray(y, dtype=float)
    z = X.dot(theta)
    h = _sigmoid(z)
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * theta[1:].dot(theta[1:])
    grad = X.T.dot(h - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    all_theta = np.zeros((num_labels, n))
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n), (X, (y == c), lambda_),
                                jac=True, method="CG", options={"maxiter": 50})
        all_theta[c] = res.x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    return np.argmax(X.dot(all_theta.T), axis=1)
