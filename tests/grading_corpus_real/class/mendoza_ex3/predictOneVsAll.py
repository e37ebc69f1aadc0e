import numpy as np
from sigmoid import sigmoid


def predictOneVsAll(all_theta, X):
    X = np.c_[np.ones(X.shape[0]), X]
    return sigmoid(X.dot(all_theta.T)).argmax(axis=1)
