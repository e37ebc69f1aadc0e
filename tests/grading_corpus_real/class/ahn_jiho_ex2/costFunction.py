import numpy as np
from sigmoid import sigmoid


def costFunction(theta, X, y):
    m = len(y)
    h = sigmoid(np.dot(X, theta))
    J = -1 / m * (np.dot(y, np.log(h)) + np.dot(1 - y, np.log(1 - h)))
    grad = 1 / m * np.dot(X.T, h - y)
    return J, grad
