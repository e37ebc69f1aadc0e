"""Exercise 3: multi-class classification and neural network prediction (Wei Zhang)."""
import numpy as np
from scipy import optimize
from scipy.special import expit


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = y.astype(float)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T @ (expit(z) - y) / m
    grad[1:] += lambda_ / m * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n + 1), (X, (y == c), lambda_),
                                jac=True, method="L-BFGS-B")
        all_theta[c] = res.x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    return np.argmax(X @ all_theta.T, axis=1)


def predict(Theta1, Theta2, X):
    if X.ndim == 1:
        X = X[None]
    m = X.shape[0]
    a1 = np.concatenate([np.ones((m, 1)), X], axis=1)
    a2 = expit(a1 @ Theta1.T)
    a2 = np.concatenate([np.ones((m, 1)), a2], axis=1)
    return np.argmax(a2 @ Theta2.T, axis=1)
