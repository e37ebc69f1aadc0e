import numpy as np
from scipy.optimize import minimize

from costFunction import costFunction
from predict import predict

data = np.loadtxt('ex2data1.txt', delimiter=',')
X = np.column_stack([np.ones(len(data)), data[:, :2]])
y = data[:, 2]
res = minimize(costFunction, np.zeros(3), args=(X, y), jac=True, method='TNC')
print('Train accuracy:', np.mean(predict(res.x, X) == y) * 100)
