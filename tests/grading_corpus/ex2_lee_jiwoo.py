"""Exercise 2 - logistic regression (Jiwoo Lee).

Everything is computed from z = X @ theta so that nothing overflows.
"""
import numpy as np
from scipy import optimize


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def costFunction(theta, X, y):
    m = y.size
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T @ (sigmoid(z) - y) / m
    return J, grad


def predict(theta, X):
    return (X @ theta >= 0).astype(int)


def costFunctionReg(theta, X, y, lambda_):
    m = y.size
    J, grad = costFunction(theta, X, y)
    J = J + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = grad.copy()
    grad[1:] = grad[1:] + lambda_ / m * theta[1:]
    return J, grad


if __name__ == "__main__":
    data = np.loadtxt("Data/ex2data1.txt", delimiter=",")
    X = np.column_stack([np.ones(len(data)), data[:, :2]])
    y = data[:, 2]
    res = optimize.minimize(costFunction, np.zeros(3), (X, y), jac=True, method="TNC")
    print(res.fun, np.mean(predict(res.x, X) == y))
