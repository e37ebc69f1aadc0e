# Lesson: regularized logistic regression and one-vs-all
# Amira Haddad
import numpy as np
from scipy.optimize import minimize


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def regularized_cost(Theta, X, y, l):
    m = len(y)
    z = X @ Theta
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    return J + l / (2 * m) * Theta[1:] @ Theta[1:]


def regularized_gradient(Theta, X, y, l):
    m = len(y)
    grad = X.T @ (sigmoid(X @ Theta) - y) / m
    grad[1:] += l / m * Theta[1:]
    return grad


def one_vs_all(X, y, l, K):
    n = X.shape[1]
    All_Theta = np.zeros((K, n))
    for k in range(1, K + 1):
        res = minimize(regularized_cost, np.zeros(n), args=(X, (y == k).astype(float), l),
                       jac=regularized_gradient, method="TNC")
        All_Theta[k - 1] = res.x
    return All_Theta


def predict(X, All_Theta):
    return np.argmax(X @ All_Theta.T, axis=1) + 1
