import numpy as np
from scipy.special import expit


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    if y.dtype == bool:
        y = y.astype(int)
    h = expit(X.dot(theta)).reshape(-1, 1)
    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    reg = lambda_ / m * theta.reshape(-1, 1)
    reg[0] = 0
    grad = X.T.dot(h - y) / m + reg
    return J, grad


def predictOneVsAll(all_theta, X):
    m = X.shape[0]
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    return np.argmax(expit(X.dot(all_theta.T)), axis=1)
