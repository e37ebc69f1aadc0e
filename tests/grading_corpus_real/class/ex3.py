import numpy as np
from scipy import optimize
from scipy.io import loadmat
import utils

data = loadmat('D:\\Users\\andrea\\Documents\\ML\\machine-learning-ex3\\ex3\\ex3data1.mat')
X, y = data['X'], data['y'].ravel()
y[y == 10] = 0
m, n = X.shape


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    if y.dtype == bool:
        y = y.astype(int)
    h = utils.sigmoid(X.dot(theta))
    J = (-y.dot(np.log(h)) - (1 - y).dot(np.log(1 - h))) / m + (lambda_ / (2 * m)) * np.sum(theta[1:] ** 2)
    grad = X.T.dot(h - y) / m
    grad[1:] = grad[1:] + (lambda_ / m) * theta[1:]
    return J, grad


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    all_theta = np.zeros((num_labels, n + 1))
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    for c in range(num_labels):
        res = optimize.minimize(lrCostFunction, np.zeros(n + 1), (X, (y == c), lambda_),
                                jac=True, method='CG', options={'maxiter': 50})
        all_theta[c] = res.x
    return all_theta


def predictOneVsAll(all_theta, X):
    m = X.shape[0]
    X = np.concatenate([np.ones((m, 1)), X], axis=1)
    return np.argmax(utils.sigmoid(X.dot(all_theta.T)), axis=1)


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    a1 = np.concatenate([np.ones((m, 1)), X], axis=1)
    a2 = utils.sigmoid(a1.dot(Theta1.T))
    a2 = np.concatenate([np.ones((m, 1)), a2], axis=1)
    a3 = utils.sigmoid(a2.dot(Theta2.T))
    return np.argmax(a3, axis=1)


lambda_ = 0.1
all_theta = oneVsAll(X, y, 10, lambda_)
pred = predictOneVsAll(all_theta, X)
print('Training Set Accuracy: {:.2f}%'.format(np.mean(pred == y) * 100))
weights = loadmat('D:\\Users\\andrea\\Documents\\ML\\machine-learning-ex3\\ex3\\ex3weights.mat')
Theta1, Theta2 = weights['Theta1'], weights['Theta2']
Theta2 = np.roll(Theta2, 1, axis=0)
print('Training Set Accuracy: {:.1f}%'.format(np.mean(predict(Theta1, Theta2, X) == y) * 100))
