import numpy as np
from sigmoid import sigmoid


def predict(theta, X):
    return (sigmoid(np.dot(X, theta)) >= 0.5).astype(int)
