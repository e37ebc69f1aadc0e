"""Exercise 2 - logistic regression (Piotr Kowalski)"""
import numpy as np
import matplotlib.pyplot as plt
from scipy.optimize import minimize

data = np.loadtxt("ex2data1.txt", delimiter=",")
X_raw, y = data[:, :2], data[:, 2]
m = len(y)
X = np.hstack([np.ones((m, 1)), X_raw])


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def costFunction(theta, X, y):
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T @ (sigmoid(z) - y) / len(y)
    return J, grad


def costFunctionReg(theta, X, y, lambda_):
    J, grad = costFunction(theta, X, y)
    m = len(y)
    penalty = theta.copy()
    penalty[0] = 0
    return J + lambda_ / (2 * m) * penalty @ penalty, grad + lambda_ / m * penalty


def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(float)


res = minimize(costFunction, np.zeros(3), args=(X, y), jac=True, method="TNC")
theta = res.x
print("cost", res.fun, "theta", theta)
print("accuracy", np.mean(predict(theta, X) == y))
plt.scatter(X_raw[:, 0], X_raw[:, 1], c=y, cmap="bwr")
xs = np.array([30, 100])
plt.plot(xs, -(theta[0] + theta[1] * xs) / theta[2])
plt.savefig("boundary.png")
plt.show()
