import numpy as np
from scipy.io import loadmat

print "Loading and Visualizing Data ..."
data = loadmat("ex4data1.mat")
raw_input("Program paused. Press enter to continue.")


def sigmoidGradient(z):
    g = 1.0 / (1.0 + np.exp(-z))
    return g * (1.0 - g)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return np.zeros((L_out, 1 + L_in))


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    n1 = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:n1].reshape(hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[n1:].reshape(num_labels, hidden_layer_size + 1)
    m = X.shape[0]
    a1 = np.hstack((np.ones((m, 1)), X))
    z2 = np.dot(a1, Theta1.T)
    a2 = np.hstack((np.ones((m, 1)), np.exp(-np.logaddexp(0, -z2))))
    z3 = np.dot(a2, Theta2.T)
    Y = np.eye(num_labels)[y]
    J = np.sum(np.logaddexp(0, z3) - Y * z3) / m
    J = J + lambda_ / (2.0 * m) * (np.sum(Theta1 ** 2) + np.sum(Theta2 ** 2))
    d3 = np.exp(-np.logaddexp(0, -z3)) - Y
    d2 = np.dot(d3, Theta2[:, 1:]) * sigmoidGradient(z2)
    g1 = np.dot(d2.T, a1) / m + lambda_ / m * Theta1
    g2 = np.dot(d3.T, a2) / m + lambda_ / m * Theta2
    return J, np.concatenate((g1.ravel(), g2.ravel()))

print "Cost at parameters (loaded from ex4weights): %f" % 0.287629
