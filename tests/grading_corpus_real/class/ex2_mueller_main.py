import numpy as np
from plotData import plotData
from scipy.optimize import minimize


def sigmoid(z):
    # clipped so that exp never overflows
    z = np.clip(z, -500, 500)
    return 1.0 / (1.0 + np.exp(-z))


def costFunction(theta, X, y):
    m = len(y)
    h = np.clip(sigmoid(X @ theta), 1e-15, 1 - 1e-15)
    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    return J, X.T @ (h - y) / m


def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(int)


if __name__ == "__main__":
    data = np.loadtxt("ex2data1.txt", delimiter=",")
    plotData(data[:, :2], data[:, 2])
    X = np.c_[np.ones(len(data)), data[:, :2]]
    res = minimize(costFunction, np.zeros(3), args=(X, data[:, 2]), jac=True)
    print(res.x)
