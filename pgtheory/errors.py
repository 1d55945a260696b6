"""Typed errors and warnings of pgtheory.

Every error is a subclass of :class:`ValueError` (or :class:`RuntimeError` for
environment problems), so ``except ValueError`` keeps working for callers who do
not care about the finer types.  Messages always name the offending argument and
say how to fix it, e.g.::

    InvalidTransitionError: P[s, a, :] must sum to 1 (found row (s=3, a=1) summing
    to 0.97). Fix: normalise each row, e.g. P / P.sum(axis=-1, keepdims=True).
"""

from __future__ import annotations

__all__ = [
    "PgTheoryError",
    "ValidationError",
    "ShapeError",
    "InvalidProbabilityError",
    "InvalidTransitionError",
    "InvalidDiscountError",
    "InvalidStepSizeError",
    "BackendUnavailableError",
    "InfeasibleSizeError",
    "ConvergenceWarning",
    "ModelWarning",
    "NotSubmodularError",
    "ModelMismatchError",
    "PrecisionWarning",
    "SolverError",
    "AccessError",
    "InfeasibleBudgetError",
]


class PgTheoryError(ValueError):
    """Base class of every pgtheory error raised for bad input."""


class ValidationError(PgTheoryError):
    """An argument has an invalid value (NaN, wrong sign, unknown option, ...)."""


class ShapeError(ValidationError):
    """An array argument has the wrong number of dimensions or a mismatched size."""


class InvalidProbabilityError(ValidationError):
    """A probability vector is negative, NaN, or does not sum to one."""


class InvalidTransitionError(InvalidProbabilityError):
    """A transition tensor ``P[s, a, :]`` is not row-stochastic."""


class InvalidDiscountError(ValidationError):
    """The discount factor is outside ``[0, 1)``."""


class InvalidStepSizeError(ValidationError):
    """A step size (learning rate) is outside the admissible range of the method."""


class InfeasibleSizeError(ValidationError):
    """An exact (enumerating) method was asked for an instance too large to enumerate."""


class BackendUnavailableError(RuntimeError):
    """A requested compute backend (e.g. ``"cupy"``) is not installed or has no device."""


class ConvergenceWarning(RuntimeWarning):
    """An iterative solver stopped at its iteration cap before meeting its tolerance."""


class ModelWarning(UserWarning):
    """An input model was accepted but altered or could not be fully verified (e.g. transition
    rows renormalised by more than rounding); the message names the argument and the change."""


class NotSubmodularError(ValidationError):
    """A method that is exact only for submodular set functions got one that is not (with a
    counterexample to diminishing returns)."""


class ModelMismatchError(ValidationError):
    """An imported model does not describe its source (e.g. a Gymnasium environment whose
    ``step()`` produces outcomes absent from its transition table ``P``)."""


class PrecisionWarning(UserWarning):
    """The requested tolerance is below what float64 can certify at the problem's scale.

    The message states the attainable tolerance (the smallest bound the solver's rounding-aware
    certificate could reach); the solver then returns ``converged=False`` instead of claiming ``tol``.
    """


class SolverError(RuntimeError):
    """An external numerical solver (e.g. HiGHS) failed; the message gives its status, the problem's
    scale and the fix."""


class AccessError(ValidationError):
    """A learner asked an environment-access model for something it does not grant (e.g. a local
    simulator queried at a state never observed); the message names the argument and the access
    model that would allow it."""


class InfeasibleBudgetError(ValidationError):
    """A budget allocation cannot be met: the per-item lower bounds sum above the total, or the
    upper bounds below it; the message names the argument and the two sums."""
