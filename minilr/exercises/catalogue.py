"""What a catalogued mistake is: the record every catalogue module fills, and shared wording."""

from dataclasses import dataclass

__all__ = ["Mistake", "UNSTABLE_SIGMOID"]


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
    """

    key: str
    exercise: str
    message: str
    variant: object


UNSTABLE_SIGMOID = ("Unstable sigmoid: 1 / (1 + exp(-z)) overflows (RuntimeWarning, or NaN) at "
                    "large |z|; use minilr.sigmoid's trick of only ever computing exp(-|z|).")
