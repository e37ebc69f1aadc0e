r"""The update rules of mini-batch training: plain SGD, heavy-ball momentum and Adam.

Each rule updates the parameters in place from a gradient, ``rule.step(x, g)``;
:func:`minilr.optim.minibatch_sgd` and the MLP use the same rules.
"""

import math

import numpy as np

from ._validation import check_scalar

__all__ = ["SGD", "Momentum", "Adam", "UPDATE_RULES", "make_update_rule"]


class SGD:
    r"""Plain gradient step :math:`x \leftarrow x - \eta g`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.updates import SGD
    >>> rule, x = SGD(learning_rate=0.1), np.array([1.0, 2.0])
    >>> rule.step(x, np.array([1.0, -1.0]))  # in place
    >>> x
    array([0.9, 2.1])
    """

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g``."""
        x -= self.learning_rate * g


class Momentum:
    r"""Heavy-ball momentum.

    .. math::
        v \leftarrow \mu v - \eta g, \qquad x \leftarrow x + v

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.updates import Momentum
    >>> rule, x, g = Momentum(learning_rate=0.1, momentum=0.9), np.zeros(1), np.ones(1)
    >>> rule.step(x, g)
    >>> rule.step(x, g)  # in place; the second step also carries 0.9 of the first
    >>> np.round(x, 4)
    array([-0.29])
    """

    def __init__(self, learning_rate, momentum=0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.v = None

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g``."""
        if self.v is None:
            self.v = np.zeros_like(x)
        self.v *= self.momentum
        self.v -= self.learning_rate * g
        x += self.v


class Adam:
    r"""Adam (Kingma & Ba, 2015), in the paper's efficient form.

    .. math::
        m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2

        x \leftarrow x - \eta_t \frac{m}{\sqrt{v} + \epsilon}, \quad
        \eta_t = \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}

    The two bias corrections :math:`\hat m = m / (1 - \beta_1^t)`,
    :math:`\hat v = v / (1 - \beta_2^t)` are folded into the step size
    :math:`\eta_t`, as in scikit-learn's MLP: this is the textbook
    :math:`\eta \hat m / (\sqrt{\hat v} + \hat\epsilon)` with
    :math:`\hat\epsilon = \epsilon / \sqrt{1 - \beta_2^t}`.

    Examples
    --------
    >>> import numpy as np
    >>> from minilr.updates import Adam
    >>> rule, x = Adam(learning_rate=0.1), np.zeros(2)
    >>> rule.step(x, np.array([100.0, 0.01]))  # in place
    >>> np.round(x, 4)  # a step of the learning rate, whatever the gradient's scale
    array([-0.1, -0.1])
    """

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, x, g):
        """Update ``x`` in place from the gradient ``g`` (step ``t`` counts calls)."""
        if self.m is None:
            self.m, self.v = np.zeros_like(x), np.zeros_like(x)
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1 - self.beta2) * (g * g)
        # Both bias corrections folded into one scalar step size eta_t.
        eta = self.learning_rate * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        x -= eta * self.m / (np.sqrt(self.v) + self.eps)


UPDATE_RULES = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_update_rule(name, learning_rate, momentum=0.9):
    """Build the update rule called ``name`` ("sgd", "momentum" or "adam").

    Examples
    --------
    >>> from minilr.updates import make_update_rule
    >>> type(make_update_rule("momentum", 0.1, momentum=0.5)).__name__
    'Momentum'
    """
    check_scalar(name, "update", allowed=set(UPDATE_RULES))
    if name == "momentum":
        return Momentum(learning_rate, momentum)
    return UPDATE_RULES[name](learning_rate)
