import numpy as np
from scipy.optimize import minimize

from mlkit.activations import sigmoid
from mlkit.costs import lrCostFunction


def oneVsAll(X, y, num_labels, lambda_):
    X1 = np.column_stack([np.ones(len(X)), X])
    rows = []
    for label in range(num_labels):
        fit = minimize(lrCostFunction, np.zeros(X1.shape[1]), args=(X1, y == label, lambda_), jac=True)
        rows.append(fit.x)
    return np.vstack(rows)


def predictOneVsAll(all_theta, X):
    X1 = np.column_stack([np.ones(len(X)), X])
    return np.argmax(sigmoid(X1 @ all_theta.T), axis=1)


def predict(Theta1, Theta2, X):
    X1 = np.column_stack([np.ones(len(X)), X])
    hidden = np.column_stack([np.ones(len(X)), sigmoid(X1 @ Theta1.T)])
    return np.argmax(hidden @ Theta2.T, axis=1)
