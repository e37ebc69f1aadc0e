"""Sara Lopez: exercise 4, plus predict() from exercise 3 to get the training accuracy."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def sigmoidGradient(z):
    return sigmoid(z) * sigmoid(-z)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return np.random.uniform(low=-epsilon_init, high=epsilon_init, size=(L_out, 1 + L_in))


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    s = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:s].reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[s:].reshape((num_labels, hidden_layer_size + 1))
    m = X.shape[0]
    J = 0.0
    Theta1_grad = np.zeros_like(Theta1)
    Theta2_grad = np.zeros_like(Theta2)
    for i in range(m):
        a1 = np.r_[1.0, X[i]]
        z2 = Theta1 @ a1
        a2 = np.r_[1.0, sigmoid(z2)]
        z3 = Theta2 @ a2
        yk = (np.arange(num_labels) == int(y[i])).astype(float)
        J += np.sum(np.logaddexp(0, z3) - yk * z3)
        d3 = sigmoid(z3) - yk
        d2 = (Theta2[:, 1:].T @ d3) * sigmoidGradient(z2)
        Theta1_grad += np.outer(d2, a1)
        Theta2_grad += np.outer(d3, a2)
    J = J / m + lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    Theta1_grad /= m
    Theta2_grad /= m
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return J, np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()])


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    h1 = sigmoid(np.c_[np.ones(m), X] @ Theta1.T)
    h2 = sigmoid(np.c_[np.ones(m), h1] @ Theta2.T)
    return np.argmax(h2, axis=1)
