import numpy as np
import matplotlib.pyplot as plt
from scipy.io import loadmat
from scipy.optimize import minimize

mat = loadmat(r"C:\Users\emeka\Desktop\coursera\ex4\ex4data1.mat")
X, y = mat["X"], mat["y"].ravel() % 10
m = X.shape[0]
input_layer_size, hidden_layer_size, num_labels = 400, 25, 10


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoidGradient(z):
    g = sigmoid(z)
    return g * (1.0 - g)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    rng = np.random.default_rng()
    return rng.uniform(-epsilon_init, epsilon_init, (L_out, L_in + 1))


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    split = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:split].reshape(hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[split:].reshape(num_labels, hidden_layer_size + 1)
    m = X.shape[0]
    A1 = np.hstack([np.ones((m, 1)), X])
    Z2 = A1 @ Theta1.T
    A2 = np.hstack([np.ones((m, 1)), sigmoid(Z2)])
    Z3 = A2 @ Theta2.T
    Y = np.zeros((m, num_labels))
    Y[np.arange(m), y] = 1
    # -[y log h + (1 - y) log(1 - h)] = log(1 + e^z) - y z, without log(0)
    J = np.sum(np.logaddexp(0, Z3) - Y * Z3) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    D3 = sigmoid(Z3) - Y
    D2 = (D3 @ Theta2[:, 1:]) * sigmoidGradient(Z2)
    G1 = D2.T @ A1 / m
    G2 = D3.T @ A2 / m
    G1[:, 1:] += lambda_ / m * Theta1[:, 1:]
    G2[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return J, np.concatenate([G1.ravel(), G2.ravel()])


initial = np.concatenate([randInitializeWeights(400, 25).ravel(), randInitializeWeights(25, 10).ravel()])
res = minimize(nnCostFunction, initial, args=(400, 25, 10, X, y, 1.0), jac=True, method="TNC",
               options={"maxiter": 100})
costs = []
plt.plot(costs)
plt.title("cost")
plt.show()
