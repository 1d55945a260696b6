r"""Compare a measured trace with a registered :class:`~pgtheory.bounds.Bound`.

Verdict rule
------------
``check_rate`` looks at two pieces of evidence.

1. **The inequality at every recorded point** (only when the bound's constants are explicit,
   ``bound.explicit``, and ``check`` includes it). For an upper bound the mean measurement must
   satisfy :math:`\bar y_k \le B(x_k)(1 + \text{ineq\_rtol}) + \text{ineq\_atol}` at every
   ``k``; for a lower bound :math:`\bar y_k \ge B(x_k)(1 - \text{ineq\_rtol}) - \text{ineq\_atol}`.
   The worst ratio :math:`\max_k (\bar y_k - \text{ineq\_atol})_+ / B(x_k)` (upper; for lower
   bounds :math:`\min_k (\bar y_k + \text{ineq\_atol}) / B(x_k)`) and where it occurs are
   reported, so values at the floating-point floor never show up as used slack. Default tolerances only absorb rounding (``1e-9`` relative,
   ``1e-12`` absolute).
2. **The rate**, fitted on the tail window (:mod:`pgtheory.ratecheck._fit`), against the stated
   one derived symbolically from the bound (``bound.exponent`` or ``bound.linear_rate``).
   Upper bounds ask "at least as fast as stated": with stated exponent :math:`p` and
   tolerance :math:`\delta` (``exponent_tol``, default 0.05, absorbing the curvature of a
   finite window), the rate is *consistent* when the interval's upper end is
   :math:`\le p + \delta`, *violated* when its lower end is :math:`> p + \delta`, and
   *undecided* otherwise. Geometric rates compare :math:`\log\hat\rho` with
   :math:`\log\rho\,(1-\text{rate\_rtol})` the same way (``rate_rtol`` default 0.05, relative).
   Lower bounds mirror this ("no faster than stated").

The verdict is ``"violated"`` if either piece of evidence is violated; ``"consistent"`` if every
piece checked is consistent; otherwise ``"inconclusive"`` (rate undecided, tail window too short,
or nothing could be checked). ``check="inequality"`` or ``check="rate"`` restricts the evidence;
use ``"inequality"`` for bounds that are loose in their exponent (e.g. an O(1/T) bound on a
method that converges linearly) -- the rate part would then be trivially consistent anyway.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._validate import as_float_array
from ..errors import ValidationError
from ..results import ResultMixin
from ._fit import RateFit, fit_linear, fit_polynomial

__all__ = ["RateCheckResult", "check_rate", "combine_verdicts", "VERDICTS"]

VERDICTS = ("consistent", "violated", "inconclusive")


@dataclasses.dataclass(frozen=True, repr=False)
class RateCheckResult(ResultMixin):
    r"""Evidence comparing a measured trace with a bound (never a bare boolean).

    Attributes
    ----------
    bound_id : str
    source : str
        Short citation, e.g. ``"Mei et al. 2020, Theorem 4"``.
    verdict : str
        ``"consistent"``, ``"violated"`` or ``"inconclusive"`` (see the module docstring).
    reason : str
        One sentence explaining the verdict.
    check : str
        ``"both"``, ``"inequality"`` or ``"rate"``.
    kind : str
        The bound's kind (``"upper"``, ``"lower"``, ``"rate"``).
    rate_type : str
        ``"polynomial"`` or ``"linear"``.
    variable : str
    stated : float
        Stated exponent (polynomial) or contraction per unit (linear); NaN when not derived.
    stated_text : str
    fit : RateFit or None
    measured_text : str
        Measured rate with its interval.
    rate_verdict : str or None
        ``"consistent"``, ``"violated"``, ``"undecided"``, ``"inconclusive"`` or None (not checked).
    tolerance : float
        ``exponent_tol`` or ``rate_rtol`` used.
    inequality_checked : bool
    inequality_holds : bool or None
    worst_ratio : float
        ``max_k (y_k - ineq_atol)_+ / B(x_k)`` (upper bounds; ``min_k (y_k + ineq_atol) / B(x_k)``
        for lower bounds); <= 1 (>= 1) when the bound holds; NaN when not checked.
    worst_at : float
        ``x`` where it occurs.
    n_violations : int
        Points where the inequality fails.
    x : array, shape (K,)
    y : array, shape (K,)
        Mean measurement.
    y_band : array, shape (2, K) or None
        Pointwise min and max over seeds (None for one trace).
    bound_values : array, shape (K,) or None
        :math:`B(x_k)` where the constants are explicit.
    label : str
        Name of the measured quantity for plots.
    """

    bound_id: str
    source: str
    verdict: str
    reason: str
    check: str
    kind: str
    rate_type: str
    variable: str
    stated: float
    stated_text: str
    fit: RateFit | None
    measured_text: str
    rate_verdict: str | None
    tolerance: float
    inequality_checked: bool
    inequality_holds: bool | None
    worst_ratio: float
    worst_at: float
    n_violations: int
    x: np.ndarray
    y: np.ndarray
    y_band: np.ndarray | None
    bound_values: np.ndarray | None
    label: str = ""

    def plot(self, ax=None, **kwargs):
        """Draw measurement, seed band, fitted rate with its interval band and the bound (log axes).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (a new figure when omitted).
        **kwargs
            Passed to :func:`pgtheory.plotting.plot_rate_check` (``color``, ``label``, ``title``).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .. import plotting

        return plotting.plot_rate_check(self, ax=ax, **kwargs)

    def row(self) -> dict:
        """The table row of ``pgtheory reproduce``: check, source, stated, measured, verdict."""
        return {"check": self.bound_id, "source": self.source, "stated": self.stated_text,
                "measured": self.measured_text, "verdict": self.verdict}


def _scalarise(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        a = np.asarray(v, dtype=np.float64)
        out[k] = float(a.reshape(-1)[-1]) if a.ndim else float(a)
    return out


def _stated(bound, var, params) -> float:
    scal = {k: v for k, v in _scalarise(params).items() if k != var}
    try:
        if bound.rate_type == "polynomial":
            e = bound.exponent(var)
            if getattr(e, "free_symbols", None):
                e = bound.exponent(var, **{k: v for k, v in scal.items() if k in bound.symbol_names})
        else:
            e = bound.linear_rate(var)
            if getattr(e, "free_symbols", None):
                e = bound.linear_rate(var, **{k: v for k, v in scal.items() if k in bound.symbol_names})
        return float(e)
    except (TypeError, ValueError):
        return float("nan")


def _rate_verdict(kind: str, lo: float, hi: float, target: float) -> str:
    if kind == "lower":
        if lo >= target:
            return "consistent"
        if hi < target:
            return "violated"
        return "undecided"
    if hi <= target:
        return "consistent"
    if lo > target:
        return "violated"
    return "undecided"


def check_rate(bound, x, y, *, params=None, var=None, check: str = "both", tail=None,
               exponent_tol: float = 0.05, rate_rtol: float = 0.05, ineq_rtol: float = 1e-9,
               ineq_atol: float = 1e-12, confidence: float = 0.95, rng=0, floor=None,
               label: str = "", **fit_kwargs) -> RateCheckResult:
    r"""Check a measured trace against ``bound``: the inequality at every point and the rate.

    Parameters
    ----------
    bound : Bound or str
        A registered bound or its id.
    x : array, shape (K,)
        Values of the bound's variable (e.g. iterations ``t``) at each record.
    y : array, shape (K,) or (R, K)
        The bounded quantity (one trace or ``R`` seeds; the mean is compared).
    params : dict, optional
        Values of the other symbols, by name; arrays of shape (K,) give per-point values
        (e.g. the running constant ``c`` of Mei et al.'s Theorem 4).
    var : str, optional
        The variable (default ``bound.variable``).
    check : {"both", "inequality", "rate"}
        Which evidence to use (see the module docstring).
    tail : float or tuple, optional
        Tail window (default: 1 decade for polynomial rates, the last half before the floor
        for linear rates).
    exponent_tol : float
        Tolerance on a polynomial exponent.
    rate_rtol : float
        Relative tolerance on :math:`\log\rho` for linear rates.
    ineq_rtol, ineq_atol : float
        Rounding tolerances of the pointwise inequality.
    confidence : float
        Level of bootstrap intervals (many seeds).
    rng : int or Generator
        Seed of the bootstrap.
    floor : float, optional
        Floating-point floor for linear fits.
    label : str
        Name of the measured quantity (plots).
    **fit_kwargs
        Passed to :func:`fit_polynomial` / :func:`fit_linear` (``min_points``, ``n_resamples``, ...).

    Returns
    -------
    RateCheckResult

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.ratecheck import check_rate
    >>> T = np.arange(1.0, 2001.0)
    >>> res = check_rate("agarwal2021.npg_softmax", T, 0.5 / T,
    ...                  params=dict(A=2, eta=1.0, gamma=0.9))
    >>> res.verdict
    'consistent'
    """
    from .. import bounds as _bounds

    if isinstance(bound, str):
        bound = _bounds.get(bound)
    if check not in ("both", "inequality", "rate"):
        raise ValidationError(f"check must be 'both', 'inequality' or 'rate'; got {check!r}.")
    var = bound.variable if var is None else var
    params = dict(params or {})
    x = as_float_array(x, "x", ndim=1)
    yarr = np.asarray(y, dtype=np.float64)
    y2 = yarr[None, :] if yarr.ndim == 1 else yarr
    if y2.ndim != 2 or y2.shape[1] != x.size:
        raise ValidationError(f"y must have shape ({x.size},) or (R, {x.size}); got {yarr.shape}.")
    ybar = y2.mean(axis=0)
    band = np.vstack([y2.min(axis=0), y2.max(axis=0)]) if y2.shape[0] > 1 else None

    # --- inequality at every point
    ineq_checked = check in ("both", "inequality") and bound.explicit
    holds, worst, worst_at, nviol, bvals = None, float("nan"), float("nan"), 0, None
    if ineq_checked:
        missing = [n for n in bound.symbol_names if n != var and n not in params]
        if missing:
            raise ValidationError(f"check_rate needs params for {missing} to evaluate {bound.id!r} at every point. "
                                  f"Fix: pass params={{{missing[0]!r}: ...}} or check='rate'.")
        bvals = np.broadcast_to(bound.evaluate(**{var: x}, **{k: v for k, v in params.items()
                                                               if k in bound.symbol_names}), x.shape).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if bound.kind == "upper":  # rounding below ineq_atol never counts as slack used
                ratio = np.maximum(ybar - ineq_atol, 0.0) / bvals
            else:
                ratio = (ybar + ineq_atol) / bvals
        if bound.kind == "upper":
            bad = ybar > bvals * (1 + ineq_rtol) + ineq_atol
            k = int(np.nanargmax(ratio))
        else:
            bad = ybar < bvals * (1 - ineq_rtol) - ineq_atol
            k = int(np.nanargmin(ratio))
        nviol = int(bad.sum())
        holds = nviol == 0
        worst, worst_at = float(ratio[k]), float(x[k])

    # --- rate
    stated = _stated(bound, var, params)
    fit, rate_v, tol = None, None, float("nan")
    if bound.rate_type == "polynomial":
        stated_text = f"exponent {stated:g} in {var}" if np.isfinite(stated) else f"exponent {stated} in {var}"
        tol = exponent_tol
    else:
        stated_text = f"contraction {stated:.5g} per {var}" if np.isfinite(stated) else "geometric"
        tol = rate_rtol
    if check in ("both", "rate"):
        if bound.rate_type == "polynomial":
            fit = fit_polynomial(x, y2, tail=1.0 if tail is None else tail, confidence=confidence, rng=rng,
                                 **fit_kwargs)
            target = stated + (exponent_tol if bound.kind != "lower" else -exponent_tol)
        else:
            fit = fit_linear(x, y2, tail=0.5 if tail is None else tail, floor=floor, confidence=confidence, rng=rng,
                             **fit_kwargs)
            logr = math.log(stated) if stated > 0 else float("-inf")
            target = logr * (1 - rate_rtol) if bound.kind != "lower" else logr * (1 + rate_rtol)
        if not fit.ok:
            rate_v = "inconclusive"
        elif not np.isfinite(stated):
            rate_v = "inconclusive"
        elif stated == float("-inf") and bound.rate_type == "polynomial":
            rate_v = "inconclusive"  # geometric bound registered as polynomial: no exponent to compare
        else:
            rate_v = _rate_verdict(bound.kind, fit.ci[0], fit.ci[1], target)
    measured_text = fit.text() if fit is not None else "not fitted"

    # --- verdict
    reasons = []
    if ineq_checked and not holds:
        reasons.append(f"the bound fails at {nviol} of {x.size} points (worst y/B = {worst:.4g} at {var} = {worst_at:g})")
    if rate_v == "violated":
        reasons.append(f"measured rate ({measured_text}) is {'slower' if bound.kind != 'lower' else 'faster'} "
                       f"than stated ({stated_text}, tolerance {tol:g})")
    if reasons:
        verdict = "violated"
    else:
        pieces = []
        if ineq_checked:
            pieces.append(f"the bound holds at all {x.size} points (worst y/B = {worst:.3g} at {var} = {worst_at:g})")
        if rate_v == "consistent":
            pieces.append(f"the rate is {'at least' if bound.kind != 'lower' else 'at most'} as fast as stated")
        if rate_v in ("undecided", "inconclusive"):
            why = fit.message if (fit is not None and not fit.ok) else "the interval straddles the stated rate"
            verdict = "inconclusive"
            reasons.append(f"rate {rate_v}: {why}")
            if pieces:
                reasons.insert(0, "; ".join(pieces))
        elif not pieces:
            verdict = "inconclusive"
            reasons.append("nothing could be checked (constants not explicit and the rate was not fitted)")
        else:
            verdict = "consistent"
            reasons.extend(pieces)
    return RateCheckResult(
        bound_id=bound.id, source=bound.citation.short(), verdict=verdict, reason="; ".join(reasons), check=check,
        kind=bound.kind, rate_type=bound.rate_type, variable=var, stated=stated, stated_text=stated_text, fit=fit,
        measured_text=measured_text, rate_verdict=rate_v, tolerance=tol, inequality_checked=ineq_checked,
        inequality_holds=holds, worst_ratio=worst, worst_at=worst_at, n_violations=nviol, x=x, y=ybar,
        y_band=band, bound_values=bvals, label=label)


def combine_verdicts(verdicts) -> str:
    """Overall verdict of several checks: violated > inconclusive > consistent.

    Parameters
    ----------
    verdicts : iterable of str or RateCheckResult

    Returns
    -------
    str
        ``"violated"`` if any is violated, else ``"inconclusive"`` if any is, else
        ``"consistent"`` (an empty input gives ``"inconclusive"``).
    """
    vs = [v.verdict if hasattr(v, "verdict") else str(v) for v in verdicts]
    if not vs:
        return "inconclusive"
    if "violated" in vs:
        return "violated"
    if any(v != "consistent" for v in vs):
        return "inconclusive"
    return "consistent"
