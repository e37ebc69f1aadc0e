import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def costFunction(theta, X, y):
    m = X.shape[0]
    h = sigmoid(X @ theta).reshape(m, 1)      # column vector, like in the lecture
    eps = 1e-12
    J = -np.mean(y * np.log(h + eps) + (1 - y) * np.log(1 - h + eps))
    grad = X.T @ (h - y) / m
    return J, grad


def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(int)
