"""Shared fixtures: the bundled breast-cancer data, with and without the bias column."""

import os

# scikit-learn's estimator checks test array-API dispatch with NumPy inputs only when
# this is set before scipy and scikit-learn are imported; minilr must pass them too.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest

from minilr.datasets import load_breast_cancer_wisconsin


@pytest.fixture
def breast_cancer():
    """(X, y): 699 x 9 median-imputed features and 0/1 labels (1 = malignant)."""
    return load_breast_cancer_wisconsin(return_names=False)


@pytest.fixture
def breast_cancer_bias(breast_cancer):
    """(X, y) with a first column of ones prepended to X (the lessons' form)."""
    X, y = breast_cancer
    return np.column_stack([np.ones(X.shape[0]), X]), y
