# helpers for exercise 3 (group 07: Ines, Marek)
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def add_intercept(X):
    return np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
