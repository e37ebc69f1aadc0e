import numpy as np
from scipy.optimize import minimize


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def regularized_cost(Theta, X, y, l):
    m = len(y)
    z = X @ Theta
    return np.sum(np.logaddexp(0, z) - y * z) / m + l / (2 * m) * Theta[1:] @ Theta[1:]


def regularized_gradient(Theta, X, y, l):
    m = len(y)
    penalty = np.r_[0.0, Theta[1:]]
    return X.T @ (sigmoid(X @ Theta) - y) / m + l / m * penalty


def one_vs_all(X, y, l, K):
    return np.array([minimize(regularized_cost, np.zeros(X.shape[1]), args=(X, (y == k).astype(float), l),
                              jac=regularized_gradient, method="BFGS").x for k in range(1, K + 1)])


def predict(X, All_Theta):
    return np.argmax(sigmoid(X @ All_Theta.T), axis=1) + 1
