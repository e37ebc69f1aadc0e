import numpy as np
from scipy.optimize import minimize


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def lrCostFunction(theta, X, y, lambda_):
    m = len(y)
    y = np.asarray(y, dtype=float)
    z = X @ theta
    J = np.sum(np.logaddexp(0, z) - y * z) / m + lambda_ / (2 * m) * np.sum(theta ** 2)
    grad = X.T @ (sigmoid(z) - y) / m + lambda_ / m * theta
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X1 = np.hstack([np.ones((m, 1)), X])
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(1, num_labels + 1):
        fit = minimize(lrCostFunction, np.zeros(n + 1), args=(X1, (y == c).astype(float), lambda_),
                       jac=True, method="BFGS")
        all_theta[c - 1] = fit.x
    return all_theta


def predictOneVsAll(all_theta, X):
    X1 = np.hstack([np.ones((X.shape[0], 1)), X])
    return np.argmax(sigmoid(X1 @ all_theta.T), axis=1) + 1


def predict(Theta1, Theta2, X):
    a1 = np.hstack([np.ones((X.shape[0], 1)), X])
    a2 = np.hstack([np.ones((X.shape[0], 1)), sigmoid(a1 @ Theta1.T)])
    return np.argmax(sigmoid(a2 @ Theta2.T), axis=1)
