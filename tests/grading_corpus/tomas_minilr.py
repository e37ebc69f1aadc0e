# Tomas Novak - homework 1 (logistic regression)
# sigmoid as in the lecture slides
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def compute_cost(theta, X, y, lam):
    m = len(y)
    z = X.dot(theta)
    # I used logaddexp because log(h) gave me nan on the big data set
    data_term = np.sum(np.logaddexp(0, z) - y * z) / m
    reg = (lam / (2 * m)) * np.sum(np.square(theta[1:]))
    return data_term + reg


def compute_gradient(theta, X, y, lam):
    m = len(y)
    h = sigmoid(X.dot(theta))
    grad = (1 / m) * X.T.dot(h - y)
    reg = (lam / m) * theta
    reg[0] = 0
    return grad + reg
