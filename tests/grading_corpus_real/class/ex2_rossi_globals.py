import numpy as np

data = np.loadtxt("ex2data1.txt", delimiter=",")
X = np.column_stack((np.ones(len(data)), data[:, 0:2]))
y = data[:, 2]
m, n = X.shape
ALPHA = 0.001


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def costFunction(theta, X, y):
    z = X.dot(theta)
    J = np.sum(np.logaddexp(0, z) - y * z) / m
    grad = X.T.dot(sigmoid(z) - y) / m
    return J, grad


def predict(theta, X):
    return (X.dot(theta) >= 0).astype(int)


def costFunctionReg(theta, X, y, lambda_):
    z = X.dot(theta)
    theta_r = np.r_[0.0, theta[1:]]
    J = np.sum(np.logaddexp(0, z) - y * z) / m + lambda_ / (2 * m) * theta_r.dot(theta_r)
    grad = X.T.dot(sigmoid(z) - y) / m + lambda_ / m * theta_r
    return J, grad
