r"""Two measurements with a closed, curved class boundary: the data on which a model overfits.

:func:`make_closed_boundary` is reached as ``minilr.datasets.make_closed_boundary``,
with the lessons' other data. Lesson 6 fits it with polynomial features
(:func:`minilr.preprocessing.map_feature`) and watches the penalty tame them.
"""

import numpy as np

from ._validation import check_scalar

__all__ = ["make_closed_boundary", "closed_boundary_radius", "CLOSED_BOUNDARY_CENTRE"]

# The centre of the true boundary, (x1, x2).
CLOSED_BOUNDARY_CENTRE = (0.05, 0.1)


def closed_boundary_radius(angle):
    r"""Radius of :func:`make_closed_boundary`'s true boundary in the direction ``angle``.

    .. math::
        r(\phi) = 0.6 + 0.1 \cos 3\phi + 0.08 \sin 2\phi

    about the centre (0.05, 0.1): a closed, gently wavy curve.

    Parameters
    ----------
    angle : ndarray of shape (k,)
        In radians.

    Returns
    -------
    ndarray of shape (k,)

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.closed_boundary import closed_boundary_radius
    >>> closed_boundary_radius(np.array([0.0, np.pi])).round(2).tolist()
    [0.7, 0.5]
    """
    angle = np.asarray(angle, dtype=np.float64)
    return 0.6 + 0.1 * np.cos(3 * angle) + 0.08 * np.sin(2 * angle)



def make_closed_boundary(n_samples=118, flip=0.1, random_state=None):
    r"""Two measurements, class 1 inside a closed wavy curve, and a share of the labels flipped.

    Like the "microchip" data of the classic regularisation exercise (two test
    results per chip, accepted chips in a blob in the middle): no straight line
    separates the classes, polynomial features of degree 2 or more can, and with
    degree 6 and about a hundred points a model without a penalty bends its
    boundary around the flipped labels: it overfits.

    Parameters
    ----------
    n_samples : int, default=118
    flip : float in [0, 0.5), default=0.1
        Probability that a label is flipped (the label noise).
    random_state : int, Generator or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        :math:`x_1, x_2 \sim U(-0.75, 0.85)`, independent: about 45% of them lie inside the curve.
    y : ndarray of shape (n_samples,), int64

    Notes
    -----
    In polar coordinates :math:`(\rho, \phi)` about the centre (0.05, 0.1), with
    :math:`r(\phi)` from :func:`closed_boundary_radius`,

    .. math::
        y = [\rho < r(\phi)] \oplus [u < \text{flip}], \qquad u \sim U(0, 1),

    so the true boundary classifies a share of about ``1 - flip`` of new points right,
    and no classifier does better on average.

    Examples
    --------
    >>> from minilr.datasets import make_closed_boundary
    >>> X, y = make_closed_boundary(n_samples=6, random_state=0)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 0, 1, 0, 0])
    """
    check_scalar(n_samples, "n_samples", kind=int, low=1)
    check_scalar(flip, "flip", low=0.0, high=0.5)
    if flip >= 0.5:
        raise ValueError(f"flip must be below 0.5 (0.5 makes the labels pure noise), got {flip}.")
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-0.75, 0.85, size=(n_samples, 2))
    dx, dy = X[:, 0] - CLOSED_BOUNDARY_CENTRE[0], X[:, 1] - CLOSED_BOUNDARY_CENTRE[1]
    inside = np.hypot(dx, dy) < closed_boundary_radius(np.arctan2(dy, dx))
    flipped = rng.random(n_samples) < flip
    y = (inside ^ flipped).astype(np.int64)
    return X, y
