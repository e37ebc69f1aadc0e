import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0, -z))


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def softmax_cost(Theta, X, y, lam):
    m, K = X.shape[0], Theta.shape[1]
    P = softmax(X @ Theta)
    Y = np.eye(K)[y]
    J = -np.sum(Y * np.log(P)) / m + lam / (2 * m) * np.sum(Theta[1:] ** 2)
    grad = X.T @ (P - Y) / m
    grad[1:] += lam / m * Theta[1:]
    return J, grad
