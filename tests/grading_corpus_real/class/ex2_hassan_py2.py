import numpy as np
from scipy import optimize


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def costFunction(theta, X, y):
    m = len(y)
    h = sigmoid(X.dot(theta))
    J = (-y.dot(np.log(h)) - (1 - y).dot(np.log(1 - h))) / m
    return J, X.T.dot(h - y) / m


print "Cost at initial theta (zeros):", costFunction(np.zeros(3), np.ones((2, 3)), np.array([0.0, 1.0]))[0]


def predict(theta, X):
    p = sigmoid(X.dot(theta))
    return (p >= 0.5) * 1


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    h = sigmoid(X.dot(theta))
    J = (-y.dot(np.log(h)) - (1 - y).dot(np.log(1 - h))) / m + lambda_ / (2.0 * m) * np.sum(theta[1:] ** 2)
    grad = X.T.dot(h - y) / m
    grad[1:] = grad[1:] + (lambda_ / m) * theta[1:]
    return J, grad
