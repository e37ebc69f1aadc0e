import numpy as np


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def compute_cost(theta, X, y):
    z = X @ theta
    return np.mean(np.logaddexp(0, z) - y * z)


def compute_gradient(theta, X, y):
    return X.T @ (sigmoid(X @ theta) - y) / X.shape[0]


def costFunction(theta, X, y):
    return compute_cost(theta, X, y), compute_gradient(theta, X, y)


def predict(theta, X):
    return 1 * (sigmoid(X @ theta) >= 0.5)


def costFunctionReg(theta, X, y, lambda_):
    m = X.shape[0]
    shrink = np.hstack([0.0, theta[1:]])
    J = compute_cost(theta, X, y) + lambda_ / (2 * m) * shrink @ shrink
    return J, compute_gradient(theta, X, y) + lambda_ / m * shrink
