"""Private validation helpers used at the public boundary (never in hot loops).

Each helper raises a :mod:`pgtheory.errors` error naming the argument and the fix.
Tolerances: probabilities are accepted when every entry is >= -``ATOL_PROB`` and each
row sums to 1 within ``ATOL_SUM`` (float64 rounding of rows with up to 10^5 entries).
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import (
    InvalidDiscountError,
    InvalidProbabilityError,
    InvalidStepSizeError,
    InvalidTransitionError,
    ShapeError,
    ValidationError,
)

ATOL_PROB = 1e-12
ATOL_SUM = 1e-8


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert ``x`` to a float64 array, checking its dimension and finiteness."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a numeric array; got {type(x).__name__}. "
                              f"Fix: pass a NumPy array of floats.") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ShapeError(f"{name} must have {' or '.join(map(str, allowed))} dimension(s); "
                             f"got shape {arr.shape}. Fix: reshape {name}.")
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValidationError(f"{name} contains NaN or inf (first at index {tuple(int(i) for i in bad)}). "
                              f"Fix: pass finite values.")
    return arr


def check_shape(arr: np.ndarray, shape: tuple, name: str, hint: str = "") -> None:
    """Raise :class:`ShapeError` unless ``arr.shape == shape`` (``None`` entries match anything)."""
    ok = arr.ndim == len(shape) and all(s is None or s == t for s, t in zip(shape, arr.shape))
    if not ok:
        want = "(" + ", ".join("?" if s is None else str(s) for s in shape) + ")"
        raise ShapeError(f"{name} must have shape {want}; got {arr.shape}. {hint}".rstrip())


def check_distribution(p, name: str, axis: int = -1, transition: bool = False,
                       positive: bool = False) -> np.ndarray:
    """Check that ``p`` is a (batch of) probability vector(s) along ``axis``.

    Returns the float64 array with tiny negative rounding (> -ATOL_PROB) clipped to 0.
    """
    arr = as_float_array(p, name)
    if arr.size == 0:
        raise ShapeError(f"{name} is empty (shape {arr.shape}). Fix: pass at least one state and one action.")
    err = InvalidTransitionError if transition else InvalidProbabilityError
    if np.any(arr < -ATOL_PROB):
        idx = tuple(int(i) for i in np.argwhere(arr < -ATOL_PROB)[0])
        raise err(f"{name} has a negative probability {arr[idx]:.3g} at index {idx}. "
                  f"Fix: probabilities must be >= 0.")
    if positive and np.any(arr <= 0):
        idx = tuple(int(i) for i in np.argwhere(arr <= 0)[0])
        raise err(f"{name} must have full support but is 0 at index {idx}. "
                  f"Fix: mix with the uniform distribution, e.g. (1-e)*p + e/len(p).")
    sums = arr.sum(axis=axis)
    bad = np.abs(sums - 1.0) > ATOL_SUM
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0])
        val = np.atleast_1d(sums)[where]
        raise err(f"{name} must sum to 1 along axis {axis} (found {val:.10g} at {where if where else 'the vector'}). "
                  f"Fix: normalise, e.g. {name} / {name}.sum(axis={axis}, keepdims=True).")
    return np.clip(arr, 0.0, None)


def check_gamma(gamma) -> float:
    """Check ``0 <= gamma < 1`` and return it as float."""
    if not isinstance(gamma, numbers.Real) or not np.isfinite(gamma):
        raise InvalidDiscountError(f"gamma must be a real number in [0, 1); got {gamma!r}.")
    g = float(gamma)
    if not (0.0 <= g < 1.0):
        raise InvalidDiscountError(f"gamma must lie in [0, 1); got {g}. Fix: use a discount such as 0.9 or 0.99; "
                                   f"for undiscounted problems use FiniteHorizonMDP.")
    return g


def check_positive_int(n, name: str, minimum: int = 1) -> int:
    """Check that ``n`` is an integer >= ``minimum``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}; got {n!r}.")
    return int(n)


def check_positive(x, name: str, strict: bool = True, upper: float | None = None,
                   step: bool = False) -> float:
    """Check that a real scalar is > 0 (or >= 0) and optionally <= ``upper``."""
    err = InvalidStepSizeError if step else ValidationError
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not np.isfinite(x):
        raise err(f"{name} must be a finite real number; got {x!r}.")
    x = float(x)
    if (strict and x <= 0) or (not strict and x < 0):
        raise err(f"{name} must be {'>' if strict else '>='} 0; got {x}.")
    if upper is not None and x > upper:
        raise err(f"{name} must be <= {upper:g}; got {x}.")
    return x


def check_tol(tol, name: str = "tol") -> float:
    """A tolerance must be a positive finite float."""
    return check_positive(tol, name)
