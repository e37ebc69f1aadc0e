import numpy as np
from scipy import optimize
from scipy.io import loadmat

from nnCostFunction import nnCostFunction
from randInitializeWeights import randInitializeWeights

data = loadmat('ex4data1.mat')
X, y = data['X'], data['y'].ravel() % 10
params = np.r_[randInitializeWeights(400, 25).ravel(), randInitializeWeights(25, 10).ravel()]
res = optimize.minimize(nnCostFunction, params, args=(400, 25, 10, X, y, 1), jac=True, method='TNC',
                        options={'maxiter': 100})
print(res.fun)
