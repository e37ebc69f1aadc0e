import numpy as np


def sigmoid(z):
    # tanh form: no overflow at large |z|
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
