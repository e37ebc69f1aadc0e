import numpy as np

from mlkit.activations import sigmoid


def lrCostFunction(theta, X, y, lambda_):
    m = len(y)
    y = np.asarray(y, dtype=float)
    z = X @ theta
    reg = theta.copy()
    reg[0] = 0.0
    J = (np.logaddexp(0, z) - y * z).mean() + lambda_ / (2 * m) * reg @ reg
    grad = X.T @ (sigmoid(z) - y) / m + lambda_ / m * reg
    return J, grad
