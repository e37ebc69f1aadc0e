"""The catalogue entries of the course exercises' mistakes (ex2-ex4, the lesson), and their (J, grad) forms.

The wrong variants themselves are written out in
:mod:`minilr.exercises.judging.variants`; :mod:`minilr.exercises.judging.mistakes` adds these
entries to its ``CATALOGUE``.
"""

from ...losses import regularized_cost, regularized_gradient
from . import variants as v
from .catalogue import LOG_OF_ZERO, Mistake
from .catalogue import UNSTABLE_SIGMOID as _UNSTABLE

__all__ = ["COURSE_CATALOGUE", "cost_gradient_mistakes"]

_COLUMN = ("h is a column (m, 1) while y is (m,), so h - y broadcasts to an (m, m) matrix: keep h and y "
           "1-D (sigmoid(X @ theta) with theta of shape (n+1,)) or make both columns.")
_AS_COLUMN = ("The gradient is a column of shape (n+1, 1); return it 1-D, shape (n+1,) like theta (keep h and y "
              "1-D, or grad.ravel()): scipy.optimize.minimize needs a 1-D gradient.")
_F_ORDER = ("nn_params is unrolled in column-major order (order='F', MATLAB's): this exercise unrolls row by row, "
            "C order: Theta1 = nn_params[:n_h * (n_in + 1)].reshape(n_h, n_in + 1), and the gradient "
            "np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()]).")
_PROBABILITIES = "It returns probabilities; predict returns labels (0/1, or the class of the largest score)."
COURSE_CATALOGUE = [
    Mistake("log_sigmoid_of_one_minus_z", "cost", "log(sigmoid(1 - z)) is not log(1 - sigmoid(z)): the "
            "second term is (1 - y) * log(1 - h) with h = sigmoid(z).", v.cost_log_sigmoid_of_one_minus_z),
    Mistake("column_vector_broadcast", "cost", _COLUMN, v.cost_column_vector),
    Mistake("column_vector_broadcast", "cost", _COLUMN, v.cost_column_vector_mean),
    Mistake("column_vector_broadcast", "gradient", _COLUMN, v.gradient_column_vector),
    Mistake("gradient_as_column", "gradient", _AS_COLUMN, v.gradient_as_column),
    Mistake("returns_probabilities", "predict_binary", _PROBABILITIES + " Threshold at 0.5.",
            v.predict_binary_probabilities),
    Mistake("unstable_sigmoid", "predict_binary", _UNSTABLE, v.predict_binary_naive),
    Mistake("round_half_to_even", "predict_binary", "At exactly h = 0.5 (z = 0) it predicts 0: np.round rounds "
            "halves to even (np.round(0.5) is 0), as does h > 0.5; the rule is h >= 0.5 -> 1, so use "
            "(h >= 0.5).astype(int).", v.predict_binary_rounded),
    Mistake("threshold_without_sigmoid", "predict_binary", "It compares z = X @ theta with 0.5, without the "
            "sigmoid: predict 1 where sigmoid(X @ theta) >= 0.5, which is where X @ theta >= 0.",
            v.predict_binary_z_threshold),
    Mistake("unstable_sigmoid", "predict_network", _UNSTABLE, v.predict_network_naive),
    Mistake("unstable_sigmoid", "predict_one_vs_all", _UNSTABLE, v.predict_one_vs_all_naive),
    Mistake("returns_probabilities", "predict_one_vs_all", _PROBABILITIES + " Take the argmax over axis 1.",
            v.predict_one_vs_all_probabilities),
    Mistake("labels_off_by_one", "predict_network", "The labels are off by one: they run 1..K where this "
            "exercise numbers the classes 0..K-1 (argmax already counts from 0).", v.predict_network_from_one),
    Mistake("labels_off_by_one", "predict_network", "The labels are off by one: they run 0..K-1 where this "
            "exercise numbers the classes 1..K (add 1 to the argmax).", v.predict_network_from_zero),
    Mistake("returns_probabilities", "predict_network", _PROBABILITIES + " Take the argmax over axis 1.",
            v.predict_network_probabilities),
    Mistake("argmax_wrong_axis", "predict_network", "argmax over the wrong axis: the outputs are (m, K), "
            "one row per sample, so take argmax(..., axis=1).", v.predict_network_wrong_axis),
    Mistake("sigmoid_gradient_wrong", "sigmoid_gradient", "sigmoid(z) * (1 - z) is not the derivative: it is "
            "g(z) * (1 - g(z)) with g = sigmoid.", v.sigmoid_gradient_of_z),
    Mistake("unstable_sigmoid", "sigmoid_gradient", _UNSTABLE, v.sigmoid_gradient_naive),
    Mistake("bias_regularized", "nn_cost", "The bias columns Theta1[:, 0] and Theta2[:, 0] are regularised: "
            "the penalty sums Theta[:, 1:] only, and their gradient columns get no lam/m term.",
            v.nn_bias_regularized),
    Mistake("missing_1_over_m", "nn_cost", "The penalty is missing its 1/m: lam/(2m) * (sum of the squared "
            "weights), and lam/m * Theta[:, 1:] in the gradient.", v.nn_missing_1_over_m),
    Mistake("sum_instead_of_mean", "nn_cost", "The cross-entropy and its gradient are summed over the samples "
            "instead of averaged: divide by m.", v.nn_sum_not_mean),
    Mistake("labels_off_by_one", "nn_cost", "The labels are off by one: y is one-hot encoded as if it ran "
            "1..K (np.eye(K)[y - 1]) where this exercise numbers the classes 0..K-1.", v.nn_labels_from_one),
    Mistake("labels_off_by_one", "nn_cost", "The labels are off by one: y is one-hot encoded as if it ran "
            "0..K-1 where this exercise numbers the classes 1..K (use np.eye(K)[y - 1]).", v.nn_labels_from_zero),
    Mistake("log_of_zero", "nn_cost", LOG_OF_ZERO + " or clip h.", v.nn_log_of_zero),
    Mistake("unstable_sigmoid", "nn_cost", _UNSTABLE, v.nn_unstable_sigmoid),
    Mistake("column_major_unroll", "nn_cost", _F_ORDER, v.nn_column_major),
    Mistake("column_major_unroll", "nn_cost", _F_ORDER, v.nn_column_major_unroll),
    Mistake("column_major_unroll", "nn_cost", _F_ORDER, v.nn_column_major_gradient),
    Mistake("gradient_as_column", "nn_cost", "The gradient is a column of shape (N, 1); unroll it 1-D, like "
            "nn_params (np.concatenate of the ravelled gradients): scipy.optimize.minimize needs a 1-D gradient.",
            v.nn_gradient_column),
]


def _pair(cost, gradient):
    """A ``(J, grad)`` variant from a cost and a gradient, either possibly wrong."""

    def variant(theta, X, y, lam):
        return cost(theta, X, y, lam), gradient(theta, X, y, lam)

    return variant


def cost_gradient_mistakes(catalogue):
    """For ``(J, grad)`` functions: each cost mistake, each gradient mistake, and both with one key together.

    Examples
    --------
    >>> from minilr.exercises.judging.course_mistakes import COURSE_CATALOGUE, cost_gradient_mistakes
    >>> pairs = cost_gradient_mistakes(COURSE_CATALOGUE)
    >>> sorted({mk.key for mk in pairs})
    ['column_vector_broadcast', 'gradient_as_column', 'log_sigmoid_of_one_minus_z']
    >>> {mk.exercise for mk in pairs}
    {'cost_gradient'}
    """
    costs = [mk for mk in catalogue if mk.exercise == "cost"]
    gradients = [mk for mk in catalogue if mk.exercise == "gradient"]
    both = [Mistake(c.key, "cost_gradient", c.message, _pair(c.variant, g.variant))
            for c in costs for g in gradients if c.key == g.key]
    alone = [Mistake(c.key, "cost_gradient", c.message, _pair(c.variant, regularized_gradient)) for c in costs]
    alone += [Mistake(g.key, "cost_gradient", g.message, _pair(regularized_cost, g.variant)) for g in gradients]
    return both + alone
