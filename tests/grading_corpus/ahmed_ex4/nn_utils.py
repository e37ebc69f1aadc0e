import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def unroll(*arrays):
    return np.concatenate([a.ravel() for a in arrays])


def roll(nn_params, input_layer_size, hidden_layer_size, num_labels):
    cut = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:cut].reshape(hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[cut:].reshape(num_labels, hidden_layer_size + 1)
    return Theta1, Theta2
