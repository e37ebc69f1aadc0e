r"""The checks of the course exercises (ex2-ex4 and the lesson), and fitting any check to a profile's signature.

Each ``*_spec`` builds a :class:`~minilr.exercises.judging.runner.Spec` in its
*canonical* signature (below); :func:`adapt` then reorders the arguments
into the order a profile's students write them, fixes the ones their
function does not take (``costFunction`` has no ``lambda_``) and gives
``X`` its column of ones where the profile's convention has it.

============================  =====================================================================
kind                          canonical signature
============================  =====================================================================
``cost_gradient``             ``(theta, X, y, lam) -> (J, grad)``, X with its ones column
``predict_binary``            ``(theta, X) -> labels 0/1``, X with its ones column
``predict_network``           ``(Theta1, Theta2, X) -> labels``, X without the ones column
``sigmoid_gradient``          ``(z) -> g'(z)``
``nn_cost``                   ``(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y,
                              lam) -> (J, grad)``, Theta1 and Theta2 unrolled in C order
============================  =====================================================================

The others (``sigmoid``, ``cost``, ``gradient``, ``predict_one_vs_all``, ...)
are minilr's own, from :mod:`minilr.exercises.judging.checkers`; ``one_vs_all`` and
``rand_initialize_weights`` are judged by properties, in
:mod:`minilr.exercises.judging.judges`.
"""

from dataclasses import replace
from functools import partial

import numpy as np

from ...losses import regularized_cost, regularized_gradient
from . import variants as v
from .checkers import logistic_cases, logistic_data
from .mistakes import mistakes_for
from .runner import Case, Spec

__all__ = ["cost_gradient_spec", "predict_binary_spec", "predict_network_spec", "sigmoid_gradient_spec",
           "nn_cost_spec", "adapt", "with_ones_column"]

NN_ARGS = ("nn_params", "input_layer_size", "hidden_layer_size", "num_labels", "X", "y", "lam")


def _cost_and_gradient(theta, X, y, lam):
    return regularized_cost(theta, X, y, lam), regularized_gradient(theta, X, y, lam)


def cost_gradient_spec(seed=0):
    """``(theta, X, y, lam) -> (J, grad)``: ex2's ``costFunctionReg``, ex3's ``lrCostFunction``.

    Examples
    --------
    >>> from minilr.exercises.judging.course import cost_gradient_spec
    >>> from minilr.exercises.judging.runner import run_spec
    >>> spec = cost_gradient_spec()
    >>> spec.exercise, spec.arg_names, spec.names
    ('cost_gradient', ('theta', 'X', 'y', 'lam'), ('J', 'grad'))
    >>> run_spec(spec, spec.reference).passed
    True
    """
    rng = np.random.default_rng(seed + 1)
    extra = [("one sample, lam=0", *logistic_data(rng, 1, 3), 0.0),
             ("square X (4 x 4), lam=0", *logistic_data(rng, 4, 3), 0.0)]
    cases = tuple(Case(name, args, extreme="1000" in name) for name, *args in [*logistic_cases(seed), *extra])
    return Spec("cost_gradient", cases, _cost_and_gradient, tuple(mistakes_for("cost_gradient")),
                names=("J", "grad"), arg_names=("theta", "X", "y", "lam"), n_outputs=2)


def predict_binary_spec(seed=0):
    """``(theta, X) -> 0/1``: ex2's ``predict``; label 1 where sigmoid(X theta) >= 0.5.

    Examples
    --------
    >>> from minilr.exercises.judging.course import predict_binary_spec
    >>> from minilr.exercises.judging.runner import run_spec
    >>> spec = predict_binary_spec()
    >>> spec.arg_names, len(spec.cases)
    (('theta', 'X'), 4)
    >>> run_spec(spec, lambda theta, X: (X @ theta >= 0) * 1.0).passed
    True
    >>> run_spec(spec, lambda theta, X: (X @ theta > 0) * 1.0).mistakes  # 0 where h is exactly 0.5
    ('round_half_to_even',)
    """
    rng = np.random.default_rng(seed)
    theta, X, _ = logistic_data(rng, 12, 3)
    one, _one_X, _ = logistic_data(rng, 1, 3)
    big = (np.array([0.0, 1.0]), np.array([[1.0, 1000.0], [1.0, -1000.0], [1.0, 2.0], [1.0, -3.0]]))
    # theta = 0 puts every z exactly at 0, h exactly at 0.5: the rule says 1 (np.round says 0).
    cases = (Case("random data (12 samples)", (theta, X)), Case("one sample", (one, _one_X)),
             Case("theta = 0: every z exactly 0", (np.zeros_like(theta), X)),
             Case("|z| = 1000", big, extreme=True))
    return Spec("predict_binary", cases, v.predict_binary, tuple(mistakes_for("predict_binary")),
                names=("p",), arg_names=("theta", "X"))


def predict_network_spec(seed=0, *, first_label=0):
    """``(Theta1, Theta2, X) -> labels``: ex3's network ``predict``.

    Examples
    --------
    >>> from minilr.exercises.judging.course import predict_network_spec
    >>> from minilr.exercises.judging.runner import run_spec
    >>> spec = predict_network_spec(first_label=1)
    >>> spec.arg_names, spec.options
    (('Theta1', 'Theta2', 'X'), {'first_label': 1})
    >>> run_spec(spec, spec.reference).passed
    True
    """
    rng = np.random.default_rng(seed)

    def case(name, m, n=3, n_h=4, K=3):
        return Case(name, (rng.normal(size=(n_h, n + 1)), rng.normal(size=(K, n_h + 1)), rng.normal(size=(m, n))))

    Theta1, Theta2 = rng.normal(size=(4, 4)), np.zeros((3, 5))
    Theta2[:, 0] = [-1000.0, 1000.0, -1000.0]  # every sample is class 1, the outputs at +-1000
    cases = (case("random, K=3 classes, 8 samples", 8), case("one sample, K=4", 1, K=4),
             case("as many samples as classes (K = m = 3)", 3),
             Case("|z| = 1000", (Theta1, Theta2, rng.normal(size=(4, 3))), extreme=True))
    return Spec("predict_network", cases, partial(v.predict_network, first_label=first_label),
                tuple(mistakes_for("predict_network")), {"first_label": first_label}, names=("p",),
                arg_names=("Theta1", "Theta2", "X"))


def sigmoid_gradient_spec(seed=0):
    """``(z) -> sigmoid(z) * (1 - sigmoid(z))``: ex4's ``sigmoidGradient``, elementwise.

    Examples
    --------
    >>> from minilr.exercises.judging.course import sigmoid_gradient_spec
    >>> from minilr.exercises.judging.runner import run_spec
    >>> result = run_spec(sigmoid_gradient_spec(), lambda z: np.zeros(np.shape(z)))
    >>> result.passed
    False
    """
    rng = np.random.default_rng(seed)
    cases = (Case("random z of shape (4, 3)", (rng.normal(scale=3.0, size=(4, 3)),)),
             Case("z = 0 and +-2", (np.array([0.0, 2.0, -2.0]),)),
             Case("z from -1000 to 1000", (np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0]),),
                  extreme=True))
    return Spec("sigmoid_gradient", cases, v.sigmoid_gradient, tuple(mistakes_for("sigmoid_gradient")),
                names=("g",), arg_names=("z",))


def nn_cost_spec(seed=0, *, first_label=0):
    """ex4's ``nnCostFunction``: the regularised cost of a 1-hidden-layer sigmoid network and its gradient.

    Examples
    --------
    >>> from minilr.exercises.judging.course import nn_cost_spec
    >>> spec = nn_cost_spec()
    >>> spec.exercise, spec.n_outputs, len(spec.cases)
    ('nn_cost', 2, 4)
    >>> spec.arg_names[:4]
    ('nn_params', 'input_layer_size', 'hidden_layer_size', 'num_labels')
    """
    rng = np.random.default_rng(seed)

    def case(name, m, lam, n_in=3, n_h=4, K=3):
        params = rng.normal(size=n_h * (n_in + 1) + K * (n_h + 1))
        X = rng.normal(size=(m, n_in))
        y = rng.integers(0, K, size=m) + first_label
        return Case(name, (params, n_in, n_h, K, X, y, lam))

    # Every sample of class 1, the output layer's biases +-1000: confident and right, so J ~ 0.
    n_in, n_h, K = 3, 4, 3
    Theta1, Theta2 = rng.normal(size=(n_h, n_in + 1)), np.zeros((K, n_h + 1))
    Theta2[:, 0] = [-1000.0, 1000.0, -1000.0]
    big = Case("|z| = 1000, lam=0", (np.concatenate([Theta1.ravel(), Theta2.ravel()]), n_in, n_h, K,
                                     rng.normal(size=(4, n_in)), np.full(4, 1 + first_label), 0.0), extreme=True)
    cases = (case("random network 3-4-3, 6 samples, lam=0", 6, 0.0),
             case("random network 3-4-3, 6 samples, lam=1", 6, 1.0),
             case("one sample, lam=0.5", 1, 0.5), big)
    return Spec("nn_cost", cases, partial(v.nn_cost, first_label=first_label), tuple(mistakes_for("nn_cost")),
                {"first_label": first_label}, names=("J", "grad"), arg_names=NN_ARGS, n_outputs=2)


# ------------------------------------------------------------------ fitting a check to a profile
def adapt(spec, order, fixed=None):
    """The same check for a function taking the canonical arguments ``order`` in its own order.

    Parameters
    ----------
    spec : Spec
        In canonical order (``spec.arg_names``).
    order : sequence of str
        The canonical names in the order the student's function takes them,
        e.g. ``("X", "y", "lam", "K")`` for the lesson's ``one_vs_all``.
    fixed : dict, optional
        Canonical arguments the student's function does not take, with
        their value (``{"lam": 0.0}`` for ``costFunction``); only the cases
        with that value are kept.

    Returns
    -------
    Spec

    Examples
    --------
    ``costFunction(theta, X, y)`` has no ``lam``: only the cases with ``lam = 0`` stay.

    >>> from minilr.exercises.judging.course import adapt, cost_gradient_spec
    >>> spec = adapt(cost_gradient_spec(), ("theta", "X", "y"), fixed={"lam": 0.0})
    >>> spec.arg_names
    ('theta', 'X', 'y')
    >>> all(len(case.args) == 3 for case in spec.cases)
    True
    >>> adapt(cost_gradient_spec(), ("theta", "X"))
    Traceback (most recent call last):
    ...
    ValueError: the arguments ['lam', 'y'] do not match the exercise's (theta, X, y, lam).
    """
    canonical, fixed, order = tuple(spec.arg_names), dict(fixed or {}), tuple(order)
    unknown = set(order) ^ (set(canonical) - set(fixed))
    if unknown:
        raise ValueError(f"the arguments {sorted(unknown)} do not match the exercise's "
                         f"({', '.join(canonical)}).")
    if order == canonical and not fixed:
        return spec

    def to_canonical(args):
        by_name = dict(zip(order, args), **fixed)
        return tuple(by_name[name] for name in canonical)

    def wrap(fn):
        return lambda *args, **options: fn(*to_canonical(args), **options)

    def keep(case):
        return all(np.array_equal(case.args[canonical.index(k)], val) for k, val in fixed.items())

    cases = tuple(replace(c, args=tuple(c.args[canonical.index(name)] for name in order))
                  for c in spec.cases if keep(c))
    mistakes = tuple(replace(mk, variant=wrap(mk.variant)) for mk in spec.mistakes)
    reference = wrap(spec.reference) if spec.reference is not None else None
    return replace(spec, cases=cases, reference=reference, mistakes=mistakes, arg_names=order,
                   options=dict(spec.options, _canonical=to_canonical) if spec.judge else spec.options)


def with_ones_column(spec, name="X"):
    """The same check for students whose ``X`` already has its column of ones (in canonical order).

    Examples
    --------
    >>> from minilr.exercises.judging.course import predict_network_spec, with_ones_column
    >>> spec = predict_network_spec()
    >>> ones = with_ones_column(spec)
    >>> spec.cases[0].args[2].shape, ones.cases[0].args[2].shape
    ((8, 3), (8, 4))
    """
    i = spec.arg_names.index(name)

    def add(args):
        X = np.asarray(args[i], dtype=float)
        return (*args[:i], np.column_stack([np.ones(X.shape[0]), X]), *args[i + 1:])

    def strip(fn):
        return lambda *args, **options: fn(*args[:i], args[i][:, 1:], *args[i + 1:], **options)

    cases = tuple(replace(c, args=add(c.args)) for c in spec.cases)
    mistakes = tuple(replace(mk, variant=strip(mk.variant)) for mk in spec.mistakes)
    return replace(spec, cases=cases, reference=strip(spec.reference), mistakes=mistakes)
