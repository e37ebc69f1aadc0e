import numpy as np
from scipy.special import expit


def sigmoidGradient(z):
    return expit(z) * (1 - expit(z))


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return np.random.uniform(low=-epsilon_init, high=epsilon_init, size=(L_out, L_in + 1))


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    # reshape the way MATLAB does
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)].reshape(
        (hidden_layer_size, input_layer_size + 1), order="F")
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):].reshape(
        (num_labels, hidden_layer_size + 1), order="F")
    m = X.shape[0]
    a1 = np.c_[np.ones(m), X]
    z2 = a1 @ Theta1.T
    a2 = np.c_[np.ones(m), expit(z2)]
    z3 = a2 @ Theta2.T
    Y = np.eye(num_labels)[y]
    J = np.sum(np.logaddexp(0, z3) - Y * z3) / m \
        + lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    d3 = expit(z3) - Y
    d2 = (d3 @ Theta2[:, 1:]) * sigmoidGradient(z2)
    Theta1_grad = d2.T @ a1 / m
    Theta2_grad = d3.T @ a2 / m
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return J, np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()])
