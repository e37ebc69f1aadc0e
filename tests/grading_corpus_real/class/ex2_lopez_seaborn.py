import numpy as np
import pandas as pd
import seaborn as sns
from scipy.special import expit

sns.set_style("whitegrid")


def sigmoid(z):
    return expit(z)


def costFunction(theta, X, y):
    z = X @ theta
    J = np.mean(np.logaddexp(0, z) - y * z)
    return J, X.T @ (expit(z) - y) / len(y)


def predict(theta, X):
    return (expit(X @ theta) >= 0.5).astype(int)


def costFunctionReg(theta, X, y, lambda_):
    m = len(y)
    J, grad = costFunction(theta, X, y)
    J = J + lambda_ / (2 * m) * np.sum(theta ** 2)
    grad = grad + lambda_ / m * theta
    return J, grad


df = pd.read_csv("ex2data2.txt", header=None, names=["test1", "test2", "accepted"])
sns.scatterplot(data=df, x="test1", y="test2", hue="accepted")
