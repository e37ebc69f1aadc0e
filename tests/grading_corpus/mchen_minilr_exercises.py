"""minilr exercises 1-7 -- Mei Chen"""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))          # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost(theta, X, y, lam):
    m = X.shape[0]
    z = X @ theta
    # log(1 + e^z) - y z  is the cross-entropy written from the logits
    J = np.mean(np.logaddexp(0, z) - y * z)
    return J + lam / (2 * m) * np.sum(theta[1:] ** 2)


def gradient(theta, X, y, lam):
    m = X.shape[0]
    h = sigmoid(X @ theta)
    grad = X.T @ (h - y) / m
    grad[1:] = grad[1:] + lam / m * theta[1:]
    return grad


def gradient_descent_step(theta, X, y, alpha, lam):
    return theta - alpha * gradient(theta, X, y, lam)


def predict_one_vs_all(all_theta, X):
    X1 = np.hstack([np.ones((X.shape[0], 1)), X])
    return np.argmax(X1 @ all_theta.T, axis=1)


def backprop(W1, b1, W2, b2, X, y):
    m = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    h = sigmoid(A1 @ W2 + b2)
    dZ2 = (h - y.reshape(-1, 1)) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


if __name__ == "__main__":
    from minilr.exercises import check_cost, check_gradient_fn, check_sigmoid
    print(check_sigmoid(sigmoid))
    print(check_cost(cost))
    print(check_gradient_fn(gradient))
