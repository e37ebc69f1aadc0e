import numpy as np
import scipy.optimize as opt


def lrCostFunction(theta, X, y, lambda_):
    m = len(y)
    y = y.astype(float)
    h = 1 / (1 + np.exp(-(X @ theta)))
    J = -(y @ np.log(h) + (1 - y) @ np.log(1 - h)) / m + lambda_ / (2 * m) * (theta[1:] @ theta[1:])
    grad = X.T @ (h - y) / m
    grad[1:] = grad[1:] + lambda_ / m * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.c_[np.ones(m), X]
    all_theta = np.zeros((num_labels, n + 1))
    for c in range(num_labels):
        fun = lambda t, yc=(y == c).astype(float): np.mean(np.logaddexp(0, X @ t) - yc * (X @ t)) \
            + lambda_ / (2 * m) * (t[1:] @ t[1:])
        all_theta[c] = opt.minimize(fun, np.zeros(n + 1), method="L-BFGS-B").x
    return all_theta


def predictOneVsAll(all_theta, X):
    X = np.c_[np.ones(X.shape[0]), X]
    probs = 1 / (1 + np.exp(-(X @ all_theta.T)))
    return np.argmax(probs, axis=1)


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    a2 = 1 / (1 + np.exp(-(np.c_[np.ones(m), X] @ Theta1.T)))
    a3 = 1 / (1 + np.exp(-(np.c_[np.ones(m), a2] @ Theta2.T)))
    return np.argmax(a3, axis=1)
