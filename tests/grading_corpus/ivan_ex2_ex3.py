# Ivan Popov - exercises 2 and 3 in one file (the course allows one file)
import numpy as np
from scipy import optimize


# ---------------------------------------------------------------- exercise 2
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def costFunction(theta, X, y):
    m = y.size
    z = X @ theta
    return np.mean(np.logaddexp(0, z) - y * z), X.T @ (sigmoid(z) - y) / m


def costFunctionReg(theta, X, y, lambda_):
    m = y.size
    J, grad = costFunction(theta, X, y)
    return (J + lambda_ / (2 * m) * np.sum(theta[1:] ** 2),
            grad + lambda_ / m * np.concatenate([[0], theta[1:]]))


def predict(theta, X):
    return (X @ theta >= 0).astype(int)


# ---------------------------------------------------------------- exercise 3
def lrCostFunction(theta, X, y, lambda_):
    return costFunctionReg(theta, X, np.asarray(y, dtype=float), lambda_)


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n + 1), (X, y == c, lambda_), jac=True,
                                method="TNC")
        all_theta[c] = res.x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    return np.argmax(X @ all_theta.T, axis=1)
