r"""Compare a measured trace with a registered :class:`~pgtheory.bounds.Bound`.

Verdict rule ("violated" only on evidence)
------------------------------------------
``check_rate`` looks at two pieces of evidence.

1. **The inequality at every recorded point** (only when the bound's constants are explicit,
   ``bound.explicit``, and ``check`` includes it), through
   :func:`~pgtheory.ratecheck.check_inequality`. One deterministic trace: violated at point
   ``k`` when :math:`y_k > B(x_k)(1 + \text{ineq\_rtol}) + \text{ineq\_atol}` (upper; lower
   bounds mirror it). Stochastic traces (``stochastic``, default ``R > 1``): the mean over seeds
   must exceed the bound by more than a one-sided Bonferroni z-interval (family-wise level
   ``alpha`` = 0.01 over the points); with fewer than ``MIN_SEEDS_FOR_CI`` = 5 seeds a crossing
   is inconclusive. NaN/inf points never count as satisfying the bound: they make the claim
   inconclusive (an all-NaN trace included). Default tolerances only absorb rounding (``1e-9``
   relative, ``1e-12`` absolute). The worst ratio :math:`\max_k (\bar y_k -
   \text{ineq\_atol})_+ / B(x_k)` (upper; lower: :math:`\min_k (\bar y_k + \text{ineq\_atol})
   / B(x_k)`) and where it occurs are reported.
2. **The rate**, fitted on the tail window (:mod:`pgtheory.ratecheck._fit`, NaN points left
   out), against the stated one derived symbolically from the bound (``bound.exponent`` or
   ``bound.linear_rate``). Upper bounds ask "at least as fast as stated": with stated exponent
   :math:`p` and tolerance :math:`\delta` (``exponent_tol``, default 0.05), the rate is
   *consistent* when the interval's upper end is :math:`\le p + \delta`; it is *violated*
   only when the interval's lower end is :math:`> p + \delta` **and** the window is shown to be
   asymptotic (:func:`~pgtheory.ratecheck._claims.asymptotic_test`: the local slopes over
   three successive sub-windows agree -- spread :math:`\le 2\delta` for one deterministic
   trace, drift within :math:`2\delta` plus its jackknife interval over seeds); a slower
   interval in a window whose local slope is still moving is *inconclusive* ("pre-asymptotic:
   local slope moved from ... to ..."). Stochastic traces with fewer than
   ``MIN_SEEDS_FOR_CI`` seeds (one stochastic trace included) give no rate verdict
   (inconclusive). Geometric rates compare :math:`\log\hat\rho` with
   :math:`\log\rho\,(1-\text{rate\_rtol})` the same way (``rate_rtol`` default 0.05,
   relative). Lower bounds mirror this ("no faster than stated").

The verdict is ``"violated"`` if either piece is violated; ``"consistent"`` if every piece
checked is consistent; otherwise ``"inconclusive"`` with both pieces in the reason (e.g. "the
bound holds at all 20000 points (...); rate inconclusive: pre-asymptotic: local slope moved from
-0.07 to -0.29 across the window"). ``check="inequality"`` or ``check="rate"`` restricts the
evidence; use ``"inequality"`` for bounds that are loose in their exponent (e.g. an O(1/T)
bound on a method that converges linearly).

Tightness: every result carries ``tightness`` -- the slack :math:`B/\bar y` smallest over the
points and at the last one (explicit bounds), and the exponent (or log-contraction) margin with
its interval. A consistent verdict with smallest slack above ``LOOSE_SLACK`` = 100x is labelled
"loose" in its reason.

Calibration (measured, ``tests/ratecheck/test_calibration.py``; details in :func:`check_rate`):
20 seeds of lognormal(0, 0.5) noise around ``2 t^p`` over 3 decades -- a true ``t^-1`` claim is
called violated in 0.1% of 1,000 replications (stated level 2.5%), an exponent slower by 0.2 in
91.8% of 2,000 (two seeds: 94.2% and 89.4%).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import NamedTuple

import numpy as np

from .. import bounds as _bounds
from .._validate import as_float_array
from ..errors import ValidationError
from ..results import ResultMixin
from ._claims import Tightness, _fmt_ratio, _label, asymptotic_test, check_inequality, tightness_from_slack
from ._fit import MIN_SEEDS_FOR_CI, RateFit, fit_linear, fit_polynomial

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
    tightness : Tightness or None
        How much room the bound leaves: ``slack_min`` / ``slack_end`` = :math:`B(x_k)/\bar y_k`
        (upper bounds; :math:`\bar y_k / B(x_k)` for lower) smallest over the recorded points and
        at the last one, from the explicit bound values; ``margin`` = how much faster than stated
        the fitted exponent (or log-contraction) is, with its interval. ``loose`` when
        ``slack_min > LOOSE_SLACK`` (100x).
    stochastic : bool
        Whether the traces were treated as random (mean over seeds with an interval).
    n_seeds : int
    asymptotic : bool or None
        Whether the fit window passed :func:`~pgtheory.ratecheck._claims.asymptotic_test`
        (None when no rate was fitted).
    local_slopes : array or None
        Slopes on successive sub-windows of the fit window (first to last).
    inequality : ClaimResult or None
        The pointwise inequality claim (:func:`~pgtheory.ratecheck.check_inequality`).
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
    tightness: object = None
    stochastic: bool = False
    n_seeds: int = 1
    asymptotic: bool | None = None
    local_slopes: np.ndarray | None = None
    inequality: object = None

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
        from .. import plotting  # lazy: plotting loads matplotlib

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
    """The stated exponent (or contraction) at the given parameter values: symbols given in
    ``params`` are substituted first (a bias floor ``eps_bias = 0`` leaves the decaying exponent,
    symbolic it would give 0), then any left free symbols make it NaN."""
    scal = {k: v for k, v in _scalarise(params).items() if k != var and k in bound.symbol_names}
    fn = bound.exponent if bound.rate_type == "polynomial" else bound.linear_rate
    try:
        e = fn(var, **scal) if scal else fn(var)
        return float(e)
    except (TypeError, ValueError):
        try:
            return float(fn(var))
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


def bound_source(bound) -> str:
    """The bound's short citation, with its provenance when not read first-hand (e.g. "(recalled)").

    Parameters
    ----------
    bound : Bound

    Returns
    -------
    str
    """
    prov = getattr(bound, "provenance", "verified")
    return bound.citation.short() + ("" if prov in ("verified", "", None) else f" ({_PROV.get(prov, prov)})")


#: How a bound's provenance tag reads in a claim's source.
_PROV = {"abstract": "from the abstract"}


@functools.lru_cache(maxsize=256)
def _stated_cached(bound_id, var, scal_items):
    return _stated(_bounds.get_bound(bound_id), var, dict(scal_items))


def _stated_value(bound, var, params) -> float:
    """The stated exponent / contraction, cached per (bound, scalar params) for registered bounds."""
    try:
        scal = tuple(sorted((k, v) for k, v in _scalarise(params).items()
                            if k != var and k in bound.symbol_names))
        if _bounds.get_bound(bound.id) is bound:
            return _stated_cached(bound.id, var, scal)
    except Exception:  # unregistered bound or unhashable params: compute directly
        pass
    return _stated(bound, var, params)


def check_rate(bound, x, y, *, params=None, var=None, check: str = "both", tail=None,
               exponent_tol: float = 0.05, rate_rtol: float = 0.05, ineq_rtol: float = 1e-9,
               ineq_atol: float = 1e-12, confidence: float = 0.95, rng=0, floor=None,
               label: str = "", stochastic: bool | None = None, alpha: float = 0.01,
               **fit_kwargs) -> RateCheckResult:
    r"""Check a measured trace against ``bound``: the inequality at every point and the rate.

    "Violated" is said only on evidence (module docstring): the inequality fails at some point
    beyond the rounding tolerance (stochastic traces: beyond a Bonferroni z-interval of the mean
    over seeds), or the rate's interval lies entirely on the slower side *and* the fit window is
    shown to be asymptotic (:func:`~pgtheory.ratecheck._claims.asymptotic_test`). A stochastic
    trace with fewer than ``MIN_SEEDS_FOR_CI`` seeds never gives a rate verdict; NaN points never
    count as satisfying the bound.

    Calibration (``tests/ratecheck/test_calibration.py``, 1,000 seeded replications each; ``R = 20``
    seeds -- the full-run default of most stochastic experiments --, ``y = 2 t^p`` times
    lognormal(0, 0.5) noise per seed and point, 60 log-spaced ``t`` over 3 decades, default window
    and tolerances, ``check="rate"`` against a stated ``t^-1``): a true claim (``p = -1``) is
    called "violated" in 1 of 1,000 replications (0.1%, 95% Clopper-Pearson interval [0.003%,
    0.56%]; the stated level is 2.5%, one side of the 95% interval); an exponent slower by 0.2
    (``p = -0.8``) is called "violated" in 942 of 1,000 on one seed and 894 of 1,000 on another
    (pooled 1,836 of 2,000 = 91.8%, [90.5%, 93.0%]); the rest are inconclusive (interval
    straddling the tolerance, or a significant drift of the local slopes).

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
        Level of the intervals over seeds.
    rng : int or Generator
        Seed of the bootstrap.
    floor : float, optional
        Floating-point floor for linear fits.
    label : str
        Name of the measured quantity (plots).
    stochastic : bool, optional
        Whether the traces are random (default: ``R > 1``). A stochastic trace is compared
        through the mean over seeds with an interval; a single stochastic trace (or fewer than
        ``MIN_SEEDS_FOR_CI`` seeds) is never "violated".
    alpha : float
        Family-wise false-alarm level of the stochastic pointwise inequality.
    **fit_kwargs
        Passed to :func:`fit_polynomial` / :func:`fit_linear` (``min_points``, ``n_resamples``, ...).

    Returns
    -------
    RateCheckResult
        With ``tightness`` (slack of the bound over the measurement, exponent margin) on every
        verdict where it can be measured; a consistent claim with slack above
        ``LOOSE_SLACK`` = 100x is labelled "loose" in its reason.

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
    if isinstance(bound, str):
        bound = _bounds.get_bound(bound)
    if check not in ("both", "inequality", "rate"):
        raise ValidationError(f"check must be 'both', 'inequality' or 'rate'; got {check!r}.")
    var = bound.variable if var is None else var
    params = dict(params or {})
    if var in params:
        raise ValidationError(f"params: {var!r} is the bound's variable, whose values are x; it cannot also be a "
                              f"constant. Fix: drop params[{var!r}] (or pass var= to name another variable).")
    x = as_float_array(x, "x", ndim=1)
    y2 = _seed_matrix(y, x.size)
    R = y2.shape[0]
    stochastic = (R > 1) if stochastic is None else bool(stochastic)
    finite_col, ybar, band = _summarise_seeds(y2)
    n_nan = int((~finite_col).sum())

    ineq_checked = check in ("both", "inequality") and bound.explicit
    ie = (_inequality_evidence(bound, var, params, x, y2, ybar, stochastic, ineq_rtol, ineq_atol, alpha)
          if ineq_checked else _NO_INEQUALITY)

    stated = _stated_value(bound, var, params)
    stated_text, tol = _stated_text(bound, stated, var, exponent_tol, rate_rtol)
    if check in ("both", "rate"):
        re_ = _rate_evidence(bound, stated, stated_text, x, y2, finite_col, stochastic, tail, exponent_tol,
                             rate_rtol, confidence, rng, floor, fit_kwargs)
    else:
        re_ = _NO_RATE
    measured_text = re_.fit.text() if re_.fit is not None else "not fitted"

    # tightness: from the explicit bound values and the fitted margin
    if ie.slack is not None:
        tight = tightness_from_slack(ie.slack, margin=re_.margin, margin_ci=re_.margin_ci)
    else:
        tight = Tightness(margin=re_.margin, margin_ci=re_.margin_ci)

    verdict, reason = _verdict(bound.kind, var, x, ie, re_, tight, stated_text, measured_text, tol)
    if n_nan and ie.claim is None:
        reason += f" ({n_nan} of {x.size} points are NaN/inf and were left out of the fit)"
    reason = _label(verdict, tight, reason)
    return RateCheckResult(
        bound_id=bound.id, source=bound_source(bound), verdict=verdict, reason=reason, check=check,
        kind=bound.kind, rate_type=bound.rate_type, variable=var, stated=stated, stated_text=stated_text,
        fit=re_.fit, measured_text=measured_text, rate_verdict=re_.verdict, tolerance=tol,
        inequality_checked=ineq_checked, inequality_holds=ie.holds, worst_ratio=ie.worst, worst_at=ie.worst_at,
        n_violations=ie.n_violations, x=x, y=ybar, y_band=band, bound_values=ie.bound_values, label=label,
        tightness=tight, stochastic=stochastic, n_seeds=R, asymptotic=re_.asymptotic, local_slopes=re_.local_slopes,
        inequality=ie.claim)


# ----------------------------------------------------------------------------- check_rate, piece by piece
def _seed_matrix(y, K: int) -> np.ndarray:
    """``y`` as an ``(R, K)`` float array (one trace becomes ``R = 1``); typed error otherwise."""
    yarr = np.asarray(y, dtype=np.float64)
    y2 = yarr[None, :] if yarr.ndim == 1 else yarr
    if y2.ndim != 2 or y2.shape[1] != K:
        raise ValidationError(f"y must have shape ({K},) or (R, {K}); got {yarr.shape}.")
    return y2


def _summarise_seeds(y2: np.ndarray):
    """``(finite_col, ybar, band)``: the points where every seed is a number, the mean over seeds, and
    the pointwise min/max over seeds (None for one trace)."""
    finite_col = np.all(np.isfinite(y2), axis=0)
    with np.errstate(invalid="ignore"):
        ybar = y2.mean(axis=0)
        band = np.vstack([y2.min(axis=0), y2.max(axis=0)]) if y2.shape[0] > 1 else None
    return finite_col, ybar, band


class _InequalityEvidence(NamedTuple):
    """What the pointwise inequality says (``claim`` None when it was not checked)."""

    claim: object
    holds: bool | None
    worst: float
    worst_at: float
    n_violations: int
    bound_values: np.ndarray | None
    slack: np.ndarray | None


_NO_INEQUALITY = _InequalityEvidence(None, None, float("nan"), float("nan"), 0, None, None)


def _bound_values(bound, var: str, params: dict, x: np.ndarray) -> np.ndarray:
    """:math:`B(x_k)` at every point (typed error naming the missing constants)."""
    missing = [n for n in bound.symbol_names if n != var and n not in params]
    if missing:
        raise ValidationError(f"check_rate needs params for {missing} to evaluate {bound.id!r} at every point. "
                              f"Fix: pass params={{{missing[0]!r}: ...}} or check='rate'.")
    return np.broadcast_to(bound.evaluate(**{var: x}, **{k: v for k, v in params.items()
                                                         if k in bound.symbol_names}), x.shape).astype(float)


def _ratio_and_slack(kind: str, ybar: np.ndarray, bvals: np.ndarray, ineq_atol: float):
    """Pointwise ratio measurement / bound (NaN where either is not finite) and slack of the bound
    (NaN below the rounding floor ``ineq_atol``, where the comparison is decided by the tolerance)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "upper":  # rounding below ineq_atol never counts as slack used
            ratio = np.maximum(ybar - ineq_atol, 0.0) / bvals
            slack = bvals / np.maximum(ybar, ineq_atol)
        else:
            ratio = (ybar + ineq_atol) / bvals
            slack = (ybar + ineq_atol) / bvals
    ratio = np.where(np.isfinite(ybar) & np.isfinite(bvals), ratio, np.nan)
    # slack only where both sides are above the rounding floor: below it the comparison is
    # decided by ineq_atol, not by the bound (a geometric bound at 1e-40 vs a measured 1e-16)
    above_floor = np.isfinite(ybar) & np.isfinite(bvals) & (ybar > ineq_atol) & (bvals > ineq_atol)
    return ratio, np.where(above_floor, slack, np.nan)


def _worst_index(kind: str, ratio: np.ndarray) -> int:
    """Index of the worst ratio (largest for upper bounds, smallest otherwise; 0 when all NaN)."""
    if np.all(np.isnan(ratio)):
        return 0
    return int(np.nanargmax(ratio)) if kind == "upper" else int(np.nanargmin(ratio))


def _inequality_evidence(bound, var, params, x, y2, ybar, stochastic, ineq_rtol, ineq_atol, alpha):
    """The inequality at every point (the claim primitive: NaN never satisfies, z-interval over seeds)."""
    bvals = _bound_values(bound, var, params, x)
    ineq = check_inequality(x, y2, bvals, side="lower" if bound.kind == "lower" else "upper",
                            rtol=ineq_rtol, atol=ineq_atol, stochastic=stochastic, alpha=alpha,
                            min_seeds=MIN_SEEDS_FOR_CI, variable=var, bound_id=bound.id)
    ratio, slack = _ratio_and_slack(bound.kind, ybar, bvals, ineq_atol)
    k = _worst_index(bound.kind, ratio)
    nviol = ineq.evidence.n_violations
    holds = ineq.verdict == "consistent" if ineq.verdict != "violated" else False
    holds = None if (ineq.verdict == "inconclusive" and nviol == 0) else holds
    return _InequalityEvidence(ineq, holds, float(ratio[k]), float(x[k]), nviol, bvals, slack)


def _stated_text(bound, stated: float, var: str, exponent_tol: float, rate_rtol: float) -> tuple[str, float]:
    """How the stated rate reads, and the tolerance it is compared with."""
    if bound.rate_type == "polynomial":
        text = f"exponent {stated:g} in {var}" if np.isfinite(stated) else f"exponent {stated} in {var}"
        return text, exponent_tol
    return (f"contraction {stated:.5g} per {var}" if np.isfinite(stated) else "geometric"), rate_rtol


class _RateEvidence(NamedTuple):
    """What the fitted rate says (``verdict`` None when the rate was not checked)."""

    fit: RateFit | None
    verdict: str | None
    why: str
    asymptotic: bool | None
    local_slopes: np.ndarray | None
    margin: float
    margin_ci: tuple


_NO_MARGIN = (float("nan"), (float("nan"), float("nan")))
_NO_RATE = _RateEvidence(None, None, "", None, None, *_NO_MARGIN)


def _fit_window(bound, stated, xf, yf, tail, exponent_tol, rate_rtol, confidence, rng, floor, fit_kwargs):
    """Fit the tail window; ``(fit, target, slope_tol, ref)``: the interval end the verdict compares with,
    the tolerance of the asymptotic test, and the stated exponent / log-contraction."""
    if bound.rate_type == "polynomial":
        fit = fit_polynomial(xf, yf, tail=1.0 if tail is None else tail, confidence=confidence, rng=rng,
                             **fit_kwargs)
        target = stated + (exponent_tol if bound.kind != "lower" else -exponent_tol)
        return fit, target, exponent_tol, stated
    fit = fit_linear(xf, yf, tail=0.5 if tail is None else tail, floor=floor, confidence=confidence, rng=rng,
                     **fit_kwargs)
    logr = math.log(stated) if stated > 0 else float("-inf")
    target = logr * (1 - rate_rtol) if bound.kind != "lower" else logr * (1 + rate_rtol)
    slope_tol = rate_rtol * abs(logr) if np.isfinite(logr) else float("nan")
    return fit, target, slope_tol, logr


def _margin(kind: str, ref: float, fit: RateFit):
    """How much faster than stated the fitted rate is (upper bounds; slower for lower), with its interval."""
    if not np.isfinite(ref):
        return _NO_MARGIN
    sgn = 1.0 if kind != "lower" else -1.0  # positive margin = faster than stated (upper)
    a, b = sgn * (ref - fit.ci[1]), sgn * (ref - fit.ci[0])
    return sgn * (ref - fit.slope), (min(a, b), max(a, b))


def _rate_evidence(bound, stated, stated_text, x, y2, finite_col, stochastic, tail, exponent_tol, rate_rtol,
                   confidence, rng, floor, fit_kwargs) -> _RateEvidence:
    """The rate, fitted on the finite points of the tail window, against the stated one (module docstring)."""
    if not finite_col.any():
        return _NO_RATE._replace(verdict="inconclusive", why=f"all {x.size} points are NaN/inf: nothing to fit")
    xf, yf = x[finite_col], y2[:, finite_col]
    fit, target, slope_tol, ref = _fit_window(bound, stated, xf, yf, tail, exponent_tol, rate_rtol, confidence,
                                              rng, floor, fit_kwargs)
    if not fit.ok:
        return _NO_RATE._replace(fit=fit, verdict="inconclusive", why=fit.message)
    if not np.isfinite(stated):
        return _NO_RATE._replace(fit=fit, verdict="inconclusive", why="the stated rate could not be derived")
    if stated == float("-inf") and bound.rate_type == "polynomial":
        return _NO_RATE._replace(fit=fit, verdict="inconclusive",
                                 why="geometric bound registered as polynomial: no exponent to compare")
    rate_v = _rate_verdict(bound.kind, fit.ci[0], fit.ci[1], target)
    margin, margin_ci = _margin(bound.kind, ref, fit)
    asym, ls = asymptotic_test(fit, tol=slope_tol if np.isfinite(slope_tol) else None, y=yf)
    rate_v, why = _qualify_rate(rate_v, stochastic, y2.shape[0], asym, ls, fit, stated_text)
    return _RateEvidence(fit, rate_v, why, asym, ls, margin, margin_ci)


def _qualify_rate(rate_v: str, stochastic: bool, R: int, asym, ls, fit: RateFit, stated_text: str):
    """``(rate verdict, why)`` after the evidence rules: too few seeds give no rate verdict, and a slower
    interval in a window that is not shown asymptotic is inconclusive."""
    drift = (f"local slope moved from {ls[0]:.3g} to {ls[-1]:.3g} across the window"
             if ls is not None and ls.size >= 2 else "too few points for local slopes")
    if stochastic and R < 2:
        return "inconclusive", ("a single stochastic trace has no interval for its rate "
                                f"(need >= {MIN_SEEDS_FOR_CI} seeds)")
    if stochastic and R < MIN_SEEDS_FOR_CI:
        return "inconclusive", f"only {R} seeds, fewer than the {MIN_SEEDS_FOR_CI} an interval needs"
    if rate_v == "violated" and not asym:
        return "inconclusive", (f"pre-asymptotic: {drift} (measured {fit.text()} vs stated {stated_text}); "
                                f"run longer to decide")
    if rate_v == "undecided":
        return rate_v, f"the interval straddles the stated rate ({fit.text()} vs {stated_text})"
    return rate_v, ""


def _inequality_text(ie: _InequalityEvidence, x: np.ndarray, var: str, tight) -> str:
    """One clause for the inequality: where the slack is smallest when it holds, else the claim's reason."""
    if ie.claim is None:
        return ""
    if ie.claim.verdict != "consistent":
        return ie.claim.reason
    fin = np.isfinite(ie.slack)
    at = float(x[fin][np.argmin(ie.slack[fin])]) if fin.any() else ie.worst_at
    return (f"the bound holds at all {x.size} points (smallest slack {_fmt_ratio(tight.slack_min)} "
            f"at {var} = {at:.4g}, {_fmt_ratio(tight.slack_end)} at the end)")


def _verdict(kind: str, var: str, x: np.ndarray, ie: _InequalityEvidence, re_: _RateEvidence, tight,
             stated_text: str, measured_text: str, tol: float) -> tuple[str, str]:
    """``(verdict, reason)`` from the two pieces of evidence (module docstring: violated only on evidence)."""
    ineq, rate_v = ie.claim, re_.verdict
    ineq_text = _inequality_text(ie, x, var, tight)
    reasons = []
    if ineq is not None and ineq.verdict == "violated":
        reasons.append(ineq.reason)
    if rate_v == "violated":
        reasons.append(f"measured rate ({measured_text}) is {'slower' if kind != 'lower' else 'faster'} "
                       f"than stated ({stated_text}, tolerance {tol:g}) in an asymptotic window "
                       f"(local slopes {np.round(re_.local_slopes, 3).tolist()})")
    if reasons:
        if ineq is not None and ineq.verdict == "consistent":
            reasons.insert(0, ineq_text)
        return "violated", "; ".join(reasons)
    pieces = [ineq_text] if ineq_text else []
    ineq_ok = ineq is None or ineq.verdict == "consistent"
    if rate_v == "consistent":
        pieces.append(f"the rate is {'at least' if kind != 'lower' else 'at most'} as fast as stated "
                      f"({measured_text} vs {stated_text})")
    if rate_v in ("undecided", "inconclusive") or not ineq_ok:
        if rate_v in ("undecided", "inconclusive"):
            pieces.append(f"rate inconclusive: {re_.why or 'the interval straddles the stated rate'}")
        return "inconclusive", "; ".join(pieces)
    if not pieces:
        return "inconclusive", "nothing could be checked (constants not explicit and the rate was not fitted)"
    return "consistent", "; ".join(pieces)


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
