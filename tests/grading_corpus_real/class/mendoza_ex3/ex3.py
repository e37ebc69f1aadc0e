from scipy.io import loadmat

from oneVsAll import oneVsAll
from predictOneVsAll import predictOneVsAll

data = loadmat('ex3data1.mat')
X, y = data['X'], data['y'].ravel() % 10
all_theta = oneVsAll(X, y, 10, 0.1)
print((predictOneVsAll(all_theta, X) == y).mean())
