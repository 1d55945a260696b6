"""Test helpers: ``assert_close`` with dtype-aware documented defaults."""

from __future__ import annotations

import numpy as np

__all__ = ["assert_close"]

#: Default tolerances for float64 comparisons of exact computations (LU solves of
#: well-conditioned systems lose a few digits: 1e-10 relative keeps margin for 1/(1-gamma)=100).
DEFAULT_RTOL = 1e-10
DEFAULT_ATOL = 1e-12


def assert_close(actual, desired, *, rtol: float | None = None, atol: float | None = None,
                 err_msg: str = "") -> None:
    """Assert ``|actual - desired| <= atol + rtol * |desired|`` elementwise, and equal shapes.

    Parameters
    ----------
    actual, desired : array_like
        Must have equal shapes.
    rtol, atol : float, optional
        Defaults: ``rtol = 1e-10``, ``atol = 1e-12`` for float64 (float32: 1e-5, 1e-6).
    err_msg : str
        Appended to the failure message.
    """
    a = np.asarray(actual)
    d = np.asarray(desired)
    if a.shape != d.shape:
        raise AssertionError(f"shape mismatch: actual {a.shape} vs desired {d.shape}. {err_msg}")
    is32 = a.dtype == np.float32 or d.dtype == np.float32
    rtol = (1e-5 if is32 else DEFAULT_RTOL) if rtol is None else rtol
    atol = (1e-6 if is32 else DEFAULT_ATOL) if atol is None else atol
    np.testing.assert_allclose(a, d, rtol=rtol, atol=atol, err_msg=err_msg)
