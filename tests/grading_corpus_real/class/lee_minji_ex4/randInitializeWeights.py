import numpy as np


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return (2 * np.random.random((L_out, L_in + 1)) - 1) * epsilon_init
