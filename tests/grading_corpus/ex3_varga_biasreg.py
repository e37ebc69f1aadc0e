import numpy as np
from scipy.special import expit


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = y.astype(float)
    h = expit(X @ theta)
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta ** 2)
    grad = X.T @ (h - y) / m + lambda_ / m * theta
    return J, grad


def predictOneVsAll(all_theta, X):
    X1 = np.c_[np.ones(X.shape[0]), X]
    return (X1 @ all_theta.T).argmax(axis=1)


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    a2 = expit(np.c_[np.ones(m), X] @ Theta1.T)
    a3 = expit(np.c_[np.ones(m), a2] @ Theta2.T)
    return a3.argmax(axis=1)
