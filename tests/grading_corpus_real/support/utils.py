"""A stand-in for the course's helper module ``utils``, as a teacher passes it with ``--support``.

The course's notebooks begin with ``import utils`` and ``grader = utils.Grader()``,
and many students call ``utils.sigmoid`` inside their own functions. This module
gives them the same names, written for minilr's grading corpus: a sigmoid that
never overflows, the feature map of exercise 2, and a ``Grader`` that keeps the
functions it is given and submits nothing (there is no course server to talk to
while a class is graded). The plotting helpers draw only when asked to, and import
matplotlib lazily, so importing this module costs nothing.
"""

import numpy as np

__all__ = ["sigmoid", "mapFeature", "plotDecisionBoundary", "displayData", "debugInitializeWeights",
           "computeNumericalGradient", "Grader"]


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise, computed from exp(-|z|) only."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def mapFeature(X1, X2, degree=6):
    """The polynomial features of two columns up to ``degree``, with the column of ones first."""
    X1, X2 = np.atleast_1d(X1).astype(float), np.atleast_1d(X2).astype(float)
    columns = [X1 ** (i - j) * X2 ** j for i in range(degree + 1) for j in range(i + 1)]
    return np.stack(columns, axis=1)


def plotDecisionBoundary(plotData, theta, X, y):
    """Draw the data and the line theta . x = 0 (needs matplotlib)."""
    from matplotlib import pyplot

    plotData(X[:, 1:3], y)
    if X.shape[1] <= 3:
        xs = np.array([X[:, 1].min() - 2, X[:, 1].max() + 2])
        pyplot.plot(xs, -(theta[0] + theta[1] * xs) / theta[2])


def displayData(X, example_width=None, figsize=(10, 10)):
    """Show the rows of X as square grey images (needs matplotlib)."""
    from matplotlib import pyplot

    X = np.atleast_2d(X)
    width = example_width or int(round(np.sqrt(X.shape[1])))
    rows = int(np.ceil(np.sqrt(X.shape[0])))
    fig, axes = pyplot.subplots(rows, rows, figsize=figsize)
    for ax, image in zip(np.ravel(axes), X):
        ax.imshow(image.reshape(width, -1, order="F"), cmap="Greys")
        ax.axis("off")


def debugInitializeWeights(fan_out, fan_in):
    """Fixed, deterministic weights of shape (fan_out, 1 + fan_in), for checking gradients."""
    return np.sin(np.arange(1, 1 + fan_out * (1 + fan_in))).reshape(fan_out, 1 + fan_in) / 10.0


def computeNumericalGradient(J, theta, e=1e-4):
    """The central-difference gradient of J at theta."""
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step.flat[i] = e
        grad.flat[i] = (J(theta + step)[0] - J(theta - step)[0]) / (2 * e)
    return grad


class Grader:
    """The course's submission object: ``grader[1] = sigmoid`` then ``grader.grade()``.

    Here it only remembers the functions; grading is the teacher's, with ``python -m minilr check``.
    """

    def __init__(self):
        self.functions = {}

    def __setitem__(self, part, function):
        self.functions[part] = function

    def __getitem__(self, part):
        return self.functions[part]

    def __iter__(self):
        return iter(self.functions.items())

    def __len__(self):
        return len(self.functions)

    def grade(self):
        print(f"{len(self.functions)} parts kept; your teacher grades them with the course's checks.")
