import numpy as np
from scipy.special import expit


def sigmoidGradient(z):
    return expit(z) * (1 - expit(z))


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    # start from zero, the optimiser will move them
    W = np.zeros((L_out, 1 + L_in))
    return W


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    n1 = hidden_layer_size * (input_layer_size + 1)
    Theta1 = np.reshape(nn_params[:n1], (hidden_layer_size, input_layer_size + 1))
    Theta2 = np.reshape(nn_params[n1:], (num_labels, hidden_layer_size + 1))
    m = y.size
    y = y.astype(int)

    a1 = np.concatenate([np.ones((m, 1)), X], axis=1)
    z2 = a1.dot(Theta1.T)
    a2 = np.concatenate([np.ones((m, 1)), expit(z2)], axis=1)
    z3 = a2.dot(Theta2.T)
    a3 = expit(z3)
    y_matrix = np.zeros((m, num_labels))
    y_matrix[np.arange(m), y] = 1

    J = np.sum(np.logaddexp(0, z3) - y_matrix * z3) / m
    J = J + lambda_ / (2 * m) * (np.sum(np.square(Theta1[:, 1:])) + np.sum(np.square(Theta2[:, 1:])))

    delta_3 = a3 - y_matrix
    delta_2 = delta_3.dot(Theta2)[:, 1:] * sigmoidGradient(z2)
    Theta1_grad = delta_2.T.dot(a1) / m
    Theta2_grad = delta_3.T.dot(a2) / m
    Theta1_grad[:, 1:] = Theta1_grad[:, 1:] + lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] = Theta2_grad[:, 1:] + lambda_ / m * Theta2[:, 1:]
    grad = np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()])
    return J, grad
