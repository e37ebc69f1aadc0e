import numpy as np
from scipy.optimize import minimize


def lrCostFunction(theta, X, y, Lambda):
    m = y.shape[0]
    y = y * 1.0
    z = X.dot(theta)
    J = np.mean(np.logaddexp(0.0, z) - y * z) + Lambda / (2.0 * m) * np.dot(theta[1:], theta[1:])
    g = np.exp(-np.logaddexp(0.0, -z))
    grad = X.T.dot(g - y) / m
    grad[1:] += Lambda / m * theta[1:]
    return J, grad


def oneVsAll(X, y, lambda_, num_labels):
    X = np.insert(X, 0, 1.0, axis=1)
    thetas = np.zeros((num_labels, X.shape[1]))
    for k in range(num_labels):
        thetas[k] = minimize(lrCostFunction, np.zeros(X.shape[1]), (X, y == k, lambda_), jac=True,
                             method="L-BFGS-B").x
    return thetas


def predictOneVsAll(all_theta, X):
    return np.argmax(np.insert(X, 0, 1.0, axis=1).dot(all_theta.T), axis=1)
