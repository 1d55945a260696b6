r"""Statistical assertions with stated error rates.

The suite-wide rule (documented in ``docs/explanation/testing.md``): every statistical test
is seeded (deterministic in CI) and is given a false-alarm budget ``alpha`` (default
:data:`DEFAULT_ALPHA` = 1e-5).  A test comparing ``k`` coordinates uses the two-sided
Bonferroni threshold :math:`z = \Phi^{-1}(1 - \alpha / (2k))`.  With fewer than 100 such
tests the family-wise false-alarm rate of the whole suite is at most ``100 * 1e-5 = 1e-3``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_ALPHA", "bonferroni_z", "assert_unbiased", "z_scores"]

#: Per-test false-alarm rate; the suite holds fewer than 100 statistical tests -> FWER <= 1e-3.
DEFAULT_ALPHA = 1e-5


def bonferroni_z(alpha: float, k: int) -> float:
    r"""Two-sided threshold :math:`\Phi^{-1}(1-\alpha/(2k))` for ``k`` simultaneous comparisons.

    Parameters
    ----------
    alpha : float
        Family-wise false-alarm rate of the ``k`` comparisons.
    k : int
        Number of comparisons.

    Returns
    -------
    float
    """
    from scipy.stats import norm  # lazy: scipy.stats, 0.4 s

    return float(norm.isf(alpha / (2 * max(int(k), 1))))


def z_scores(mean, stderr, exact, se_floor: float = 1e-300) -> np.ndarray:
    """``(mean - exact) / stderr`` elementwise (coordinates with zero error and zero se give 0).

    Parameters
    ----------
    mean, stderr, exact : array_like
        Estimate, its standard error, and the exact value.
    se_floor : float
        Standard errors below this count as zero.

    Returns
    -------
    ndarray
    """
    mean, stderr, exact = (np.asarray(x, dtype=np.float64) for x in (mean, stderr, exact))
    diff = mean - exact
    return np.where((stderr <= se_floor) & (np.abs(diff) <= 1e-12), 0.0, diff / np.maximum(stderr, se_floor))


def assert_unbiased(mean, stderr, exact, *, alpha: float = DEFAULT_ALPHA, atol: float = 1e-12,
                    err_msg: str = "") -> float:
    r"""Assert :math:`|\hat m_i - g_i| \le z\,\widehat{se}_i + atol` for every coordinate ``i``.

    ``z`` is the Bonferroni threshold over all coordinates at family level ``alpha``. Returns
    the largest absolute z-score (for reporting).

    Parameters
    ----------
    mean, stderr, exact : array_like
        Estimate, its per-coordinate standard error, and the exact value (same shape).
    alpha : float
        Family-wise false-alarm rate of this assertion (default 1e-5).
    atol : float
        Absolute slack for coordinates where the estimator is exact.
    err_msg : str
        Appended to the failure message.

    Returns
    -------
    float
        Largest absolute z-score.
    """
    mean, stderr, exact = (np.asarray(x, dtype=np.float64) for x in (mean, stderr, exact))
    z = bonferroni_z(alpha, mean.size)
    bad = np.abs(mean - exact) > z * stderr + atol
    zs = np.abs(z_scores(mean, stderr, exact))
    if np.any(bad):
        i = tuple(int(j) for j in np.argwhere(bad)[0])
        raise AssertionError(f"estimate differs from the exact value beyond z={z:.2f} standard errors at {i}: "
                             f"mean={mean[i]:.6g}, exact={exact[i]:.6g}, se={stderr[i]:.3g} "
                             f"(max |z| = {zs.max():.2f}). {err_msg}")
    return float(zs.max()) if zs.size else 0.0
