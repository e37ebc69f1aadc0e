import numpy as np
import matplotlib.pyplot as plt


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def costFunction(theta, X, y):
    m = X.shape[0]
    h = sigmoid(X @ theta)
    cost = -(y @ np.log(h) + (1 - y) @ np.log(1 - h)) / m
    gradient = (X.T @ (h - y)) / m
    return cost, gradient


def predict(theta, X):
    # admitted when the score passes one half
    return (X @ theta >= 0.5).astype(int)


data = np.loadtxt("ex2data1.txt", delimiter=",")
X = np.c_[np.ones(len(data)), data[:, :2]]
y = data[:, 2]
print(costFunction(np.zeros(3), X, y))
plt.scatter(X[:, 1], X[:, 2], c=y)
plt.show()
