# -*- coding: utf-8 -*-
# Exercice 4 : réseau de neurones (Lucas Méndez)
import numpy as np


def sigmoide(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoidGradient(z):
    s = sigmoide(z)
    return s * (1 - s)


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    # poids aléatoires pour casser la symétrie
    return np.random.rand(L_out, 1 + L_in)


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    n1 = hidden_layer_size * (input_layer_size + 1)
    Theta1 = nn_params[:n1].reshape(hidden_layer_size, input_layer_size + 1)
    Theta2 = nn_params[n1:].reshape(num_labels, hidden_layer_size + 1)
    m = X.shape[0]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoide(z2)])
    z3 = a2 @ Theta2.T
    Y = np.eye(num_labels)[y.astype(int)]
    J = np.sum(np.logaddexp(0, z3) - Y * z3) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    d3 = sigmoide(z3) - Y
    d2 = (d3 @ Theta2[:, 1:]) * sigmoidGradient(z2)
    grad1 = d2.T @ a1 / m
    grad2 = d3.T @ a2 / m
    grad1[:, 1:] += lambda_ / m * Theta1[:, 1:]
    grad2[:, 1:] += lambda_ / m * Theta2[:, 1:]
    grad = np.concatenate([grad1.ravel(), grad2.ravel()])
    # TODO : renvoyer J et grad
