import numpy as np
from sigmoid import sigmoid


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    a2 = sigmoid(np.c_[np.ones(m), X].dot(Theta1.T))
    a3 = sigmoid(np.c_[np.ones(m), a2].dot(Theta2.T))
    return a3.argmax(axis=1)
