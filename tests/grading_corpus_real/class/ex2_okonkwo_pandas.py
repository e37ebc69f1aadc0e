import numpy as np
import pandas as pd

df = pd.read_csv("ex2data1.txt", header=None)
X = df[[0, 1]].as_matrix()
y = df[2].as_matrix()


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0, -z))


def costFunction(theta, X, y):
    m = y.shape[0]
    z = X.dot(theta)
    J = (np.logaddexp(0, -z).dot(y) + np.logaddexp(0, z).dot(1 - y)) / m
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad


def predict(theta, X):
    return np.array([1 if s >= 0.5 else 0 for s in sigmoid(X.dot(theta))])


def costFunctionReg(theta, X, y, lambda_):
    m = y.shape[0]
    J, grad = costFunction(theta, X, y)
    reg = np.concatenate([[0.0], theta[1:]])
    return J + lambda_ * reg.dot(reg) / (2 * m), grad + lambda_ * reg / m
