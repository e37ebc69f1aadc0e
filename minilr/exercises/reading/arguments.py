"""Which of a check's arguments each of a student's parameters is, read from the parameters' names.

A profile says in which order its students take a check's arguments
(``one_vs_all(X, y, l, K)`` in the lesson), but students name their
parameters and often order them their own way: ``one_vs_all(X, y,
num_labels, lambda_)`` takes the number of classes third. When every
parameter's name says which argument it is (``num_labels``, ``K`` and
``n_classes`` are the number of classes; ``lambda_``, ``lam``, ``reg``,
``Lambda`` and ``l`` the regularisation strength), the function is called
in its own order. When the names cannot decide, the profile's order stands
and the record's message says so.
"""

__all__ = ["SYNONYMS", "match_arguments", "norm"]

# Canonical argument -> the names students give it (compared lower-case, underscores aside).
SYNONYMS = {
    "theta": {"theta", "t", "th", "w", "weights", "params", "parameters", "initialtheta", "beta"},
    "X": {"x", "xdata", "data", "features", "xtrain", "xmat", "design", "a1"},
    "y": {"y", "yvec", "ytrain", "target", "targets", "ydata"},
    "lam": {"lam", "lambda", "lambd", "lmbda", "lmbd", "lamda", "lamb", "lmb", "reg", "regparam", "regularization",
            "l", "la", "lambdareg", "regparameter", "reglambda"},
    "K": {"k", "numlabels", "nlabels", "numclasses", "nclasses", "nlabel", "numlabel", "classes", "numclass",
          "nbclasses", "labelscount"},
    "alpha": {"alpha", "a", "lr", "eta", "learningrate", "rate", "step"},
    "all_theta": {"alltheta", "allthetas", "thetas", "alltheta_", "theta", "classifiers"},
    "Theta1": {"theta1", "t1", "w1"},
    "Theta2": {"theta2", "t2", "w2"},
    "nn_params": {"nnparams", "params", "thetavec", "unrolled"},
    "input_layer_size": {"inputlayersize", "nin", "ninput", "inputsize", "ninputs", "inputs"},
    "hidden_layer_size": {"hiddenlayersize", "nh", "nhidden", "hiddensize", "hidden"},
    "num_labels": {"numlabels", "k", "nlabels", "numclasses", "nclasses", "outputsize", "nout"},
    "L_in": {"lin", "fanin", "nin", "incoming", "inputsize"},
    "L_out": {"lout", "fanout", "nout", "outgoing", "outputsize"},
}


def norm(name):
    """A parameter's name as compared: lower case, underscores aside.

    Examples
    --------
    >>> from minilr.exercises.reading.arguments import norm
    >>> norm("num_labels"), norm("Lambda_")
    ('numlabels', 'lambda')
    """
    return name.lower().replace("_", "")


def match_arguments(names, args, params=()):
    """The check's arguments in the order of the student's parameters, and whether their names decided it.

    Parameters
    ----------
    names : sequence of str or None
        The student's positional parameters (None when unknown).
    args : tuple of str
        The check's arguments in the profile's order.
    params : tuple of str, optional
        The parameter names the profile gives them, in the same order: names too.

    Returns
    -------
    order : tuple of str
        ``args`` reordered to the student's parameters, or ``args`` itself.
    decided : bool
        False when the names cannot say which argument each parameter is (the profile's order
        then stands); True when they can, or there is nothing to decide.

    Examples
    --------
    The lesson's ``one_vs_all`` takes ``(X, y, l, K)``; a student's takes the classes third:

    >>> from minilr.exercises.reading.arguments import match_arguments
    >>> match_arguments(["X", "y", "num_labels", "lambda_"], ("X", "y", "lam", "K"), ("X", "y", "l", "K"))
    (('X', 'y', 'K', 'lam'), True)
    >>> match_arguments(["a", "b", "c", "d"], ("X", "y", "lam", "K"))
    (('X', 'y', 'lam', 'K'), False)
    """
    args = tuple(args)
    if names is None or len(args) < 2 or len(names) < len(args):
        return args, True
    known = {a: set(SYNONYMS.get(a, ())) | {norm(a)} for a in args}
    if len(params) == len(args):
        for a, p in zip(args, params):
            known[a].add(norm(p))
    roles = []
    for name in names[: len(args)]:
        fits = [a for a in args if norm(name) in known[a]]
        roles.append(fits[0] if len(fits) == 1 else None)
    named = [r for r in roles if r is not None]
    if len(set(named)) != len(named):  # two parameters claim one argument: the names contradict each other
        return args, False
    left = [a for a in args if a not in named]
    if len(left) == 1:  # the one parameter not recognised is the one argument left
        roles = [left[0] if r is None else r for r in roles]
    if None in roles:
        return args, False
    return tuple(roles), True
