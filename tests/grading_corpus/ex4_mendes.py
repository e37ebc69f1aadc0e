"""Exercise 4 - neural network learning. Bruno Mendes."""
import numpy as np
from scipy.special import expit as sigmoid


def sigmoidGradient(z):
    g = sigmoid(z)
    return g * (1 - g)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    W = np.random.rand(L_out, 1 + L_in) * 2 * epsilon_init - epsilon_init
    return W


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)].reshape(
        hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):].reshape(
        num_labels, hidden_layer_size + 1)
    m = X.shape[0]

    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    z3 = a2 @ Theta2.T
    a3 = sigmoid(z3)
    Y = (y.reshape(-1, 1) == np.arange(num_labels)).astype(float)

    # cross-entropy from the logits: log(1 + e^z) - y z
    J = np.sum(np.logaddexp(0, z3) - Y * z3) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1 ** 2) + np.sum(Theta2 ** 2))

    d3 = a3 - Y
    d2 = (d3 @ Theta2[:, 1:]) * sigmoidGradient(z2)
    Theta1_grad = d2.T @ a1 / m
    Theta2_grad = d3.T @ a2 / m
    Theta1_grad += lambda_ / m * Theta1
    Theta2_grad += lambda_ / m * Theta2
    return J, np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()])
