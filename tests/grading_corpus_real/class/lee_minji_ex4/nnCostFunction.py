import numpy as np
from sigmoid import sigmoid
from sigmoidGradient import sigmoidGradient


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    t1 = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:t1].reshape(hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[t1:].reshape(num_labels, hidden_layer_size + 1)
    m = len(y)
    a1 = np.insert(X, 0, 1, axis=1)
    z2 = a1 @ Theta1.T
    a2 = np.insert(sigmoid(z2), 0, 1, axis=1)
    h = sigmoid(a2 @ Theta2.T)
    Y = np.eye(num_labels)[y]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    d3 = h - Y
    d2 = d3 @ Theta2[:, 1:] * sigmoidGradient(z2)
    grad1 = d2.T @ a1 / m
    grad2 = d3.T @ a2 / m
    grad1[:, 1:] += lambda_ / m * Theta1[:, 1:]
    grad2[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return J, np.r_[grad1.ravel(), grad2.ravel()]
