import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def regularized_cost(Theta, X, y, l):
    m = X.shape[0]
    z = X @ Theta
    return np.mean(np.logaddexp(0, z) - y * z) + l / (2 * m) * np.sum(Theta ** 2)


def regularized_gradient(Theta, X, y, l):
    m = X.shape[0]
    return X.T @ (sigmoid(X @ Theta) - y) / m + l / m * Theta


def predict(X, All_Theta):
    probabilities = sigmoid(X @ All_Theta.T)
    return probabilities.argmax(axis=1) + 1
