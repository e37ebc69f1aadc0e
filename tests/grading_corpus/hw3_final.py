# HW3 - Noor Khalil
import os

import numpy as np
from scipy import optimize
from scipy.io import loadmat

data = loadmat(os.path.join("Data", "ex3data1.mat"))
X, y = data["X"], data["y"].ravel()
y[y == 10] = 0
num_labels = 10


def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = y.astype(float)
    z = X.dot(theta)
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * np.sum(theta[1:] ** 2)
    grad = X.T.dot(sigmoid(z) - y) / m
    grad[1:] = grad[1:] + (lambda_ / m) * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n + 1), (X, (y == c), lambda_), jac=True,
                                method="TNC")
        all_theta[c] = res.x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    return np.argmax(X.dot(all_theta.T), axis=1)


all_theta = oneVsAll(X, y, num_labels, 0.1)
print("Training Set Accuracy:", np.mean(predictOneVsAll(all_theta, X) == y) * 100)
