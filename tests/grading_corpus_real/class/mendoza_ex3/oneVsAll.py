import numpy as np
from scipy import optimize

import lrCostFunc


def oneVsAll(X, y, num_labels, lambda_):
    m, n = X.shape
    X = np.c_[np.ones(m), X]
    all_theta = np.zeros((num_labels, n + 1))
    for k in range(num_labels):
        res = optimize.minimize(lrCostFunc.lrCostFunction, np.zeros(n + 1), (X, y == k, lambda_), jac=True,
                                method='L-BFGS-B')
        all_theta[k, :] = res.x
    return all_theta
