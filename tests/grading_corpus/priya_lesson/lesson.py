import numpy as np
from scipy.optimize import minimize

from my_math import sigmoid

LABELS_START_AT = 1


def regularized_cost(Theta, X, y, l):
    m = X.shape[0]
    z = X @ Theta
    return (np.logaddexp(0, z) - y * z).sum() / m + l * (Theta[1:] ** 2).sum() / (2 * m)


def regularized_gradient(Theta, X, y, l):
    m = X.shape[0]
    r = sigmoid(X @ Theta) - y
    penalty = np.concatenate([[0.0], Theta[1:]])
    return (X.T @ r + l * penalty) / m


def one_vs_all(X, y, l, K):
    All_Theta = np.zeros((K, X.shape[1]))
    for k in range(K):
        target = (y == k + LABELS_START_AT).astype(float)
        fit = minimize(regularized_cost, np.zeros(X.shape[1]), args=(X, target, l),
                       jac=regularized_gradient, method="BFGS")
        All_Theta[k] = fit.x
    return All_Theta


def predict(X, All_Theta):
    return np.argmax(X @ All_Theta.T, axis=1) + LABELS_START_AT


if __name__ == "__main__":
    data = np.loadtxt("digits.csv", delimiter=",")
    print(predict(data[:, 1:], one_vs_all(data[:, 1:], data[:, 0], 1.0, 10)))
