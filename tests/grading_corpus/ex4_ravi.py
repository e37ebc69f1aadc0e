import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


def sigmoidGradient(z):
    s = sigmoid(z)
    return s * (1 - s)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return np.ones((L_out, L_in + 1)) * epsilon_init


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    cut = hidden_layer_size * (input_layer_size + 1)
    T1 = nn_params[:cut].reshape(hidden_layer_size, input_layer_size + 1)
    T2 = nn_params[cut:].reshape(num_labels, hidden_layer_size + 1)
    m = len(X)
    A1 = np.c_[np.ones(m), X]
    Z2 = A1 @ T1.T
    A2 = np.c_[np.ones(m), sigmoid(Z2)]
    Z3 = A2 @ T2.T
    H = sigmoid(Z3)
    Y = np.eye(num_labels)[np.asarray(y, dtype=int)]
    J = np.sum(np.logaddexp(0, Z3) - Y * Z3) / m
    J += lambda_ / 2 * (np.sum(T1[:, 1:] ** 2) + np.sum(T2[:, 1:] ** 2))
    D3 = H - Y
    D2 = D3 @ T2[:, 1:] * sigmoidGradient(Z2)
    G1 = D2.T @ A1 / m
    G2 = D3.T @ A2 / m
    G1[:, 1:] += lambda_ * T1[:, 1:]
    G2[:, 1:] += lambda_ * T2[:, 1:]
    return J, np.r_[G1.ravel(), G2.ravel()]
