"""What a catalogued mistake is: the record every catalogue module fills, and shared wording."""

from dataclasses import dataclass

__all__ = ["Mistake", "UNSTABLE_SIGMOID", "LOG_OF_ZERO", "NP_MATRIX", "RETURNS_LIST"]


@dataclass(frozen=True)
class Mistake:
    """One known mistake, as a wrong implementation.

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"bias_regularized"``.
    exercise : str
        The exercise whose signature ``variant`` has.
    message : str
        What to tell the student: the mistake and its fix.
    variant : callable
        The wrong implementation.

    Examples
    --------
    The first entry of minilr's catalogue, and a course's own mistake:

    >>> from minilr.exercises import CATALOGUE
    >>> from minilr.exercises.judging.catalogue import Mistake
    >>> CATALOGUE[0].key, CATALOGUE[0].exercise, float(CATALOGUE[0].variant(0.0))
    ('sign_flipped', 'sigmoid', 0.5)
    >>> squared = Mistake("squared", "double", "It squares x; double it: `2 * x`.", lambda x: x ** 2)
    >>> squared.variant(3.0)
    9.0
    """

    key: str
    exercise: str
    message: str
    variant: object


UNSTABLE_SIGMOID = ("Unstable sigmoid: 1 / (1 + exp(-z)) overflows (RuntimeWarning, or NaN) at "
                    "large |z|; use minilr.sigmoid's trick of only ever computing exp(-|z|).")

# sigma(z) rounds to exactly 1 from about z = 37, but to exactly 0 only below about -745 (sigma(-38) = 3.1e-17).
LOG_OF_ZERO = ("log(0): at large |z| the sigmoid rounds to exactly 1 (from about z = 37) or 0 (only below about "
               "z = -745), and log(1-h) or log(h) is then -inf (NaN after 0 * -inf); compute the cost from z")

# Found from the type of what the function returned, not by a wrong variant.
NP_MATRIX = ("np.matrix arithmetic: it returns an np.matrix, which is always 2-D and whose `*` is a matrix product "
             "(on arrays `*` multiplies elementwise); work with NumPy arrays, `@` for the matrix product, and "
             "return arrays of the exercise's shapes.")
RETURNS_LIST = ("It returns a Python list of classifiers: return one array of shape (K, n+1) (np.array(rows), or "
                "fill all_theta = np.zeros((K, n + 1)) row by row), since all_theta.T and all_theta[k] slices "
                "need an array.")
