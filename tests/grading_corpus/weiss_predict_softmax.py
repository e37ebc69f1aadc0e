"""Part 2: one-vs-all prediction and softmax (Jonas Weiss)"""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def predict_one_vs_all(all_theta, X):
    ones = np.ones((X.shape[0], 1))
    probs = sigmoid(np.hstack((ones, X)) @ all_theta.T)   # (m, K)
    return np.argmax(probs, axis=0)


def softmax(Z):
    expZ = np.exp(Z)
    return expZ / expZ.sum(axis=1, keepdims=True)


def backprop(W1, b1, W2, b2, X, y):
    m = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    h = sigmoid(A1 @ W2 + b2)
    dZ2 = (h - y.reshape(h.shape)) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = dZ2 @ W2.T          # back through W2
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2
