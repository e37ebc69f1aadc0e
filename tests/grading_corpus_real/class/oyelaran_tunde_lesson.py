import numpy as np
import scipy.optimize as so


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


def regularized_cost(Theta, X, y, Lambda):
    m = X.shape[0]
    z = X.dot(Theta)
    return (np.logaddexp(0, z) - y * z).sum() / m + Lambda * (Theta[1:] ** 2).sum() / (2 * m)


def regularized_gradient(Theta, X, y, Lambda):
    m = X.shape[0]
    g = X.T.dot(sigmoid(X.dot(Theta)) - y) / m
    g[1:] = g[1:] + Lambda * Theta[1:] / m
    return g


def one_vs_all(X, y, K, Lambda):
    all_theta = np.zeros((K, X.shape[1]))
    for k in range(K):
        all_theta[k] = so.fmin_l_bfgs_b(regularized_cost, np.zeros(X.shape[1]), fprime=regularized_gradient,
                                        args=(X, (y == k + 1) * 1.0, Lambda))[0]
    return all_theta


def predict(X, all_theta):
    return 1 + np.argmax(sigmoid(X.dot(all_theta.T)), axis=1)
