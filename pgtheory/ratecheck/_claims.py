r"""One claim model: what a registered check states, checked by one primitive per kind.

A registered check is a set of **claims**. Each claim has a *kind* and exactly one checking
primitive, and every primitive returns a :class:`ClaimResult` with

* a verdict in one vocabulary -- ``"consistent"``, ``"violated"`` or ``"inconclusive"`` --
  saying whether the claim *as its source states it* is supported by the evidence;
* a one-sentence ``reason`` a reader can repeat (words such as "biased" or "holds exactly"
  describe the evidence inside the reason, never the verdict);
* a typed ``evidence`` object holding the numbers behind the verdict;
* for a consistent claim, its ``tightness``: how much room the statement leaves (slack of a
  bound over the measurement, margin of an exponent with its interval), so a vacuous pass
  is not mistaken for a confirmation. A claim holding with slack above
  :data:`LOOSE_SLACK` (100x) is labelled *loose* in its reason.

Kinds and primitives
--------------------
=================  ==================================  ==============================================
kind               primitive                            "violated" only when
=================  ==================================  ==============================================
``inequality``     :func:`check_inequality`             the bound fails at some point beyond the stated
                   (or :func:`check_rate` with          numerical tolerance (deterministic traces), or
                   ``check="inequality"``)              the mean over seeds exceeds it by more than a
                                                        Bonferroni z-interval (stochastic traces)
``rate``           :func:`check_rate`                   the exponent's interval lies on the slower side
                                                        *and* the window is shown to be asymptotic
``identity``       :func:`check_identity`               the difference exceeds the stated rounding tol
``unbiasedness``   :func:`check_unbiased`               exact: the expectation differs beyond rounding;
                                                        sampled: \|mean - target\| > z se at level alpha
``growth``         :func:`check_growth`                 the growth exponent's interval lies below the
                                                        stated one in an asymptotic window
``ordering``       :func:`check_ordering`               the stated order fails beyond tol (and beyond
                                                        both intervals, when intervals are given)
=================  ==================================  ==============================================

Statistical claims with fewer seeds or samples than the method needs for an interval are
*inconclusive*, never violated. :func:`combine` gives a check's headline: violated if any claim
is violated, inconclusive if any is inconclusive and none is violated, consistent only if all
are consistent.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import ValidationError
from ..results import ResultMixin
from ._fit import fit_polynomial

__all__ = ["ClaimResult", "Tightness", "InequalityEvidence", "IdentityEvidence", "UnbiasednessEvidence",
           "OrderingEvidence", "GrowthEvidence", "check_inequality", "check_identity", "check_unbiased",
           "check_ordering", "check_growth", "claim_from_rate_check", "combine", "CLAIM_KINDS", "LOOSE_SLACK",
           "asymptotic_test", "local_slopes", "tightness_from_slack", "explain", "as_illustration",
           "check_exponent"]

#: The kinds of claim, one checking primitive each.
CLAIM_KINDS = ("inequality", "rate", "identity", "unbiasedness", "growth", "ordering")

#: A consistent bound whose smallest slack (bound / measured) exceeds this is labelled "loose".
LOOSE_SLACK = 100.0

_VERDICTS = ("consistent", "violated", "inconclusive")


@dataclasses.dataclass(frozen=True, repr=False)
class Tightness(ResultMixin):
    r"""How much room a consistent claim leaves.

    Attributes
    ----------
    slack_min : float
        Smallest slack over the window: :math:`\min_k B(x_k) / y_k` for an upper bound
        (:math:`\min_k y_k / B(x_k)` for a lower bound); 1 means the bound is attained. NaN when
        there is no explicit bound.
    slack_end : float
        The slack at the last recorded point with a finite slack (points at the rounding floor
        have none).
    margin : float
        Exponent or log-contraction margin: how much faster than stated the measured rate is
        (positive = faster, in the stated direction). NaN when no rate was fitted.
    margin_ci : tuple of float
        Interval of ``margin`` (from the fit's interval).
    loose : bool
        ``slack_min > LOOSE_SLACK``.
    detail : str
        Tightness of claims that have no bound curve or rate: an identity's error as a fraction of
        its rounding tolerance, an ordering's ratio, an unbiasedness test's largest z against its
        threshold (never labelled loose: an identity far inside its tolerance is exact, not vacuous).
    """

    slack_min: float = float("nan")
    slack_end: float = float("nan")
    margin: float = float("nan")
    margin_ci: tuple = (float("nan"), float("nan"))
    loose: bool = False
    detail: str = ""

    def text(self) -> str:
        """Short text for the table's tightness column, e.g. ``"slack 2.1x (end 3.4x); margin +0.20 [+0.1, +0.3]"``."""
        parts = []
        if np.isfinite(self.slack_min):
            parts.append(f"slack {_fmt_ratio(self.slack_min)}" +
                         (f" (end {_fmt_ratio(self.slack_end)})" if np.isfinite(self.slack_end) else "") +
                         (", loose" if self.loose else ""))
        if np.isfinite(self.margin):
            lo, hi = self.margin_ci
            ci = f" [{lo:+.3g}, {hi:+.3g}]" if np.isfinite(lo) and np.isfinite(hi) else ""
            parts.append(f"margin {self.margin:+.3g}{ci}")
        if self.detail:
            parts.append(self.detail)
        return "; ".join(parts)


def _fmt_ratio(r: float) -> str:
    if not np.isfinite(r):
        return str(r)
    if r < 1.1:  # near-attained bounds: enough digits to tell 1.003x from 1x
        return f"{r:.4g}x"
    return f"{r:.3g}x" if r < 1e4 else f"{r:.1e}x"


def tightness_from_slack(slack: np.ndarray, *, margin: float = float("nan"),
                         margin_ci: tuple = (float("nan"), float("nan"))) -> Tightness:
    """Build a :class:`Tightness` from pointwise slacks (NaN and inf entries are ignored for the minimum)."""
    s = np.asarray(slack, dtype=float).reshape(-1)
    fin = s[np.isfinite(s)]
    smin = float(fin.min()) if fin.size else float("nan")
    send = float(fin[-1]) if fin.size else float("nan")  # last point with a finite slack
    return Tightness(slack_min=smin, slack_end=send, margin=float(margin),
                     margin_ci=tuple(float(v) for v in margin_ci), loose=bool(np.isfinite(smin) and smin > LOOSE_SLACK))


@dataclasses.dataclass(frozen=True, repr=False)
class InequalityEvidence(ResultMixin):
    """Evidence of an inequality claim: the measurement and the bound at every point.

    Attributes
    ----------
    x : array, shape (K,)
    y : array, shape (K,)
        Mean measurement over seeds.
    bound_values : array, shape (K,)
    side : str
        ``"upper"`` (y <= B) or ``"lower"`` (y >= B).
    n_violations : int
        Points where the claim fails beyond tolerance (and, for stochastic traces, beyond the
        z-interval).
    n_above : int
        Points where the mean crosses the bound at all (beyond rounding), significant or not.
    worst_ratio : float
        ``max y/B`` (upper) or ``min y/B`` (lower).
    worst_at : float
    rtol, atol : float
        Numerical tolerance of the comparison.
    n_seeds : int
    stochastic : bool
    z : float
        z-value used for stochastic traces (NaN otherwise).
    """

    x: np.ndarray
    y: np.ndarray
    bound_values: np.ndarray
    side: str
    n_violations: int
    n_above: int
    worst_ratio: float
    worst_at: float
    rtol: float
    atol: float
    n_seeds: int
    stochastic: bool
    z: float = float("nan")


@dataclasses.dataclass(frozen=True, repr=False)
class IdentityEvidence(ResultMixin):
    """Evidence of an identity claim: ``measured == expected`` up to ``atol + rtol |expected|``.

    Attributes
    ----------
    max_abs_error, max_rel_error : float
    tolerance : float
        The largest allowed difference at the worst point.
    worst_index : int
    n : int
        Number of compared entries.
    """

    max_abs_error: float
    max_rel_error: float
    tolerance: float
    worst_index: int
    n: int


@dataclasses.dataclass(frozen=True, repr=False)
class UnbiasednessEvidence(ResultMixin):
    """Evidence of an unbiasedness claim (exact or sampled).

    Attributes
    ----------
    exact : bool
        True when ``mean`` is an exact expectation (enumeration), False for a sample mean.
    mean, target : array
    se : array or None
        Standard errors of a sample mean.
    n : int or None
        Sample size.
    alpha : float
        Family-wise false-alarm level over the compared entries (sampled case).
    z : float
        Bonferroni z-value used (sampled case).
    max_abs_bias : float
    max_z : float
        Largest ``|mean - target| / se`` (sampled case).
    tolerance : float
        Rounding tolerance (exact case).
    """

    exact: bool
    mean: np.ndarray
    target: np.ndarray
    se: np.ndarray | None
    n: int | None
    alpha: float
    z: float
    max_abs_bias: float
    max_z: float
    tolerance: float


@dataclasses.dataclass(frozen=True, repr=False)
class OrderingEvidence(ResultMixin):
    """Evidence of an ordering claim ``left <relation> right``.

    Attributes
    ----------
    left, right : array
    relation : str
        ``"<="``, ``"<"``, ``">="`` or ``">"``.
    left_ci, right_ci : array or None
        Intervals, shape (2, ...), when the values are estimates.
    tol : float
    n_failures : int
    """

    left: np.ndarray
    right: np.ndarray
    relation: str
    left_ci: np.ndarray | None
    right_ci: np.ndarray | None
    tol: float
    n_failures: int


@dataclasses.dataclass(frozen=True, repr=False)
class GrowthEvidence(ResultMixin):
    """Evidence of a growth / separation claim: ``y`` grows at least like ``x**stated``.

    Attributes
    ----------
    fit : RateFit
    stated : float
        Stated growth exponent.
    tol : float
    local_slopes : array
        Slopes on successive sub-windows of the fit window (asymptotic-regime test).
    asymptotic : bool
        Whether the local slopes agree within the fit's interval.
    """

    fit: object
    stated: float
    tol: float
    local_slopes: np.ndarray
    asymptotic: bool


@dataclasses.dataclass(frozen=True, repr=False)
class ClaimResult(ResultMixin):
    """One claim of a check, its verdict, the reason and the evidence.

    Attributes
    ----------
    name : str
        Short label of the claim, e.g. ``"Thm 4 inequality"``.
    kind : str
        One of :data:`CLAIM_KINDS`.
    verdict : str
        ``"consistent"``, ``"violated"`` or ``"inconclusive"``.
    reason : str
        One sentence explaining the verdict.
    source : str
        Where the claim is stated (paper, theorem), with its provenance when not read first-hand.
    stated : str
        The claim in words.
    measured : str
        What was measured, with its interval.
    tightness : Tightness or None
        For consistent claims with a bound or a rate.
    evidence : object
        Typed evidence (:class:`InequalityEvidence`, :class:`~pgtheory.ratecheck.RateCheckResult`, ...).
    bound_id : str
        Registered bound id, when the claim is a registered bound.
    """

    name: str
    kind: str
    verdict: str
    reason: str
    source: str = ""
    stated: str = ""
    measured: str = ""
    tightness: Tightness | None = None
    evidence: object = None
    bound_id: str = ""

    def __post_init__(self):
        if self.kind not in CLAIM_KINDS:
            raise ValidationError(f"kind must be one of {CLAIM_KINDS}; got {self.kind!r}.")
        if self.verdict not in _VERDICTS:
            raise ValidationError(f"verdict must be one of {_VERDICTS}; got {self.verdict!r}.")

    def row(self) -> dict:
        """Plain summary of the claim (the report's ``claims`` entries): no arrays, JSON-safe."""
        return {"name": self.name, "kind": self.kind, "verdict": self.verdict, "reason": self.reason,
                "source": self.source, "stated": self.stated, "measured": self.measured,
                "tightness": self.tightness.text() if self.tightness is not None else "",
                "slack_min": None if self.tightness is None else _json_float(self.tightness.slack_min),
                "loose": bool(self.tightness.loose) if self.tightness is not None else False,
                "bound_id": self.bound_id}


def _json_float(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _label(verdict: str, tight: Tightness | None, reason: str) -> str:
    if verdict == "consistent" and tight is not None and tight.loose:
        return f"loose (slack above {LOOSE_SLACK:g}x everywhere): {reason}"
    return reason


def _z_two_sided(alpha: float, m: int) -> float:
    from scipy.stats import norm  # lazy: scipy.stats, 0.4 s

    return float(norm.isf(alpha / (2 * max(m, 1))))


def _z_one_sided(alpha: float, m: int) -> float:
    from scipy.stats import norm  # lazy: scipy.stats, 0.4 s

    return float(norm.isf(alpha / max(m, 1)))


# --------------------------------------------------------------------------- inequality
def check_inequality(x, y, bound_values, *, side: str = "upper", name: str = "inequality", source: str = "",
                     stated: str = "", rtol: float = 1e-9, atol: float = 1e-12, stochastic: bool | None = None,
                     alpha: float = 0.01, min_seeds: int = 5, bound_id: str = "", variable: str = "x") -> ClaimResult:
    r"""Check that ``y <= bound_values`` (or ``>=``) holds at every recorded point.

    Deterministic traces (one trace, ``stochastic=False``): the claim is *violated* at point
    :math:`k` when :math:`y_k > B_k (1 + \text{rtol}) + \text{atol}` (upper). The defaults only
    absorb rounding.

    Stochastic traces (``y`` of shape ``(R, K)``, theorems bound expectations): the mean over
    seeds is compared; a point counts as a violation only when
    :math:`\bar y_k - z\, \hat s_k > B_k(1+\text{rtol}) + \text{atol}`, with :math:`z` the
    one-sided Bonferroni quantile at family-wise level ``alpha`` over the ``K`` points. With
    fewer than ``min_seeds`` seeds there is no interval, so crossings give *inconclusive*.

    Parameters
    ----------
    x : array, shape (K,)
    y : array, shape (K,) or (R, K)
    bound_values : array, shape (K,)
    side : {"upper", "lower"}
    name, source, stated, bound_id, variable : str
        Labels carried into the result.
    rtol, atol : float
        Rounding tolerance of the comparison.
    stochastic : bool, optional
        Whether the traces are random (default: ``R > 1``).
    alpha : float
        Family-wise false-alarm level of the stochastic comparison.
    min_seeds : int
        Fewest seeds giving an interval.

    Returns
    -------
    ClaimResult
        Kind ``"inequality"`` with :class:`InequalityEvidence`; NaN points are never counted
        as satisfying the bound (they make the claim inconclusive).
    """
    if side not in ("upper", "lower"):
        raise ValidationError(f"side must be 'upper' or 'lower'; got {side!r}.")
    x = np.asarray(x, dtype=float).reshape(-1)
    ya = np.asarray(y, dtype=float)
    y2 = ya[None, :] if ya.ndim == 1 else ya
    if y2.ndim != 2 or y2.shape[1] != x.size:
        raise ValidationError(f"y must have shape ({x.size},) or (R, {x.size}); got {ya.shape}.")
    B = np.broadcast_to(np.asarray(bound_values, dtype=float), x.shape)
    R = y2.shape[0]
    stochastic = (R > 1) if stochastic is None else bool(stochastic)
    ybar = y2.mean(axis=0)
    se = y2.std(axis=0, ddof=1) / math.sqrt(R) if R > 1 else np.zeros_like(ybar)
    sign = 1.0 if side == "upper" else -1.0
    limit = B * (1 + sign * rtol) + sign * atol
    nan = ~np.isfinite(ybar) | np.isnan(B)
    above = sign * (ybar - limit) > 0
    above &= ~nan
    z = float("nan")
    if stochastic and R >= min_seeds:
        z = _z_one_sided(alpha, x.size)
        significant = above & (sign * (ybar - sign * z * se - limit) > 0)
    elif stochastic:
        significant = np.zeros_like(above)
    else:
        significant = above
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(nan, np.nan, ybar / B)
        slack = B / ybar if side == "upper" else ybar / B
    if np.all(np.isnan(ratio)):
        k, worst = 0, float("nan")
    else:
        k = int(np.nanargmax(ratio)) if side == "upper" else int(np.nanargmin(ratio))
        worst = float(ratio[k])
    ev = InequalityEvidence(x=x, y=ybar, bound_values=np.asarray(B, dtype=float), side=side,
                            n_violations=int(significant.sum()), n_above=int(above.sum()), worst_ratio=worst,
                            worst_at=float(x[k]) if x.size else float("nan"), rtol=rtol, atol=atol, n_seeds=R,
                            stochastic=stochastic, z=z)
    rel = "<=" if side == "upper" else ">="
    stated = stated or f"measured {rel} bound at every point"
    measured = f"worst y/B = {worst:.4g} at {variable} = {ev.worst_at:g}"
    tight = None
    if ev.n_violations:
        verdict = "violated"
        extra = f" by more than {z:.2f} standard errors of the mean over {R} seeds" if stochastic else ""
        reason = (f"the bound fails at {ev.n_violations} of {x.size} points{extra} "
                  f"(worst y/B = {worst:.4g} at {variable} = {ev.worst_at:g})")
    elif nan.any():
        verdict = "inconclusive"
        reason = f"the measurement or the bound is NaN/inf at {int(nan.sum())} of {x.size} points"
    elif ev.n_above:
        verdict = "inconclusive"
        why = (f"only {R} seed(s), fewer than the {min_seeds} an interval needs" if R < min_seeds
               else f"within {z:.2f} standard errors of the mean over {R} seeds")
        reason = (f"the mean crosses the bound at {ev.n_above} of {x.size} points (worst y/B = {worst:.4g}) "
                  f"but not significantly: {why}")
    else:
        verdict = "consistent"
        tight = tightness_from_slack(slack)
        reason = _label(verdict, tight, f"the bound holds at all {x.size} points (smallest slack "
                                        f"{_fmt_ratio(tight.slack_min)}, at the end {_fmt_ratio(tight.slack_end)})")
    return ClaimResult(name=name, kind="inequality", verdict=verdict, reason=reason, source=source, stated=stated,
                       measured=measured, tightness=tight, evidence=ev, bound_id=bound_id)


# --------------------------------------------------------------------------- identity
def check_identity(measured, expected, *, rtol: float, atol: float, name: str = "identity", source: str = "",
                   stated: str = "", tol_reason: str = "") -> ClaimResult:
    r"""Check an identity ``measured == expected`` up to a stated rounding tolerance.

    Violated when :math:`|m - e| > \text{atol} + \text{rtol}\,|e|` at some entry. The tolerance
    is the caller's statement of the computation's rounding (condition x eps x scale);
    ``tol_reason`` says where it comes from and is carried into the reason.

    Parameters
    ----------
    measured, expected : array_like
        Broadcastable arrays.
    rtol, atol : float
        Required (there is no default tolerance for an identity).
    name, source, stated, tol_reason : str

    Returns
    -------
    ClaimResult
        Kind ``"identity"`` with :class:`IdentityEvidence`.
    """
    m = np.asarray(measured, dtype=float)
    e = np.asarray(expected, dtype=float)
    m, e = np.broadcast_arrays(m, e)
    if not (rtol >= 0 and atol >= 0):
        raise ValidationError(f"rtol and atol must be >= 0; got rtol={rtol}, atol={atol}.")
    diff = np.abs(m - e).reshape(-1)
    allowed = (atol + rtol * np.abs(e)).reshape(-1)
    nan = ~np.isfinite(diff)
    with np.errstate(divide="ignore", invalid="ignore"):
        relerr = np.where(np.abs(e.reshape(-1)) > 0, diff / np.abs(e.reshape(-1)), np.where(diff > 0, np.inf, 0.0))
    if diff.size == 0:
        raise ValidationError("measured and expected are empty; nothing to compare.")
    k = int(np.nanargmax(np.where(nan, -np.inf, diff - allowed)))
    ev = IdentityEvidence(max_abs_error=float(np.nanmax(np.where(nan, np.nan, diff))) if (~nan).any() else float("nan"),
                          max_rel_error=float(np.nanmax(np.where(nan, np.nan, relerr))) if (~nan).any() else float("nan"),
                          tolerance=float(allowed[k]), worst_index=k, n=int(diff.size))
    why = f" ({tol_reason})" if tol_reason else ""
    if nan.any():
        verdict, reason = "inconclusive", f"{int(nan.sum())} of {diff.size} entries are NaN/inf"
    elif (diff > allowed).any():
        verdict = "violated"
        reason = (f"the identity fails at {int((diff > allowed).sum())} of {diff.size} entries: largest difference "
                  f"{ev.max_abs_error:.3g} (relative {ev.max_rel_error:.3g}) exceeds the rounding tolerance{why}")
    else:
        verdict = "consistent"
        reason = (f"holds exactly up to rounding at all {diff.size} entries: largest difference {ev.max_abs_error:.3g}"
                  f" within the tolerance{why}")
    tight = None
    if verdict == "consistent":
        frac = ev.max_abs_error / ev.tolerance if ev.tolerance > 0 else 0.0
        tight = Tightness(detail=f"error {ev.max_abs_error:.2g} = {frac:.2g} of the tolerance")
    return ClaimResult(name=name, kind="identity", verdict=verdict, reason=reason, source=source, tightness=tight,
                       stated=stated or "equality", measured=f"max |diff| = {ev.max_abs_error:.3g}", evidence=ev)


# --------------------------------------------------------------------------- unbiasedness
def check_unbiased(target, *, mean=None, se=None, n: int | None = None, samples=None, exact: bool = False,
                   alpha: float = 1e-3, rtol: float = 0.0, atol: float = 0.0, min_samples: int = 30,
                   name: str = "unbiasedness", source: str = "", stated: str = "", tol_reason: str = "",
                   target_label: str = "the target") -> ClaimResult:
    r"""Check that an estimator's expectation equals ``target``.

    *Exact* (``exact=True``, ``mean`` an exact expectation, e.g. by enumeration): an identity up
    to the rounding tolerance ``atol + rtol |target|``; a difference beyond it is a bias and the
    claim is violated.

    *Sampled* (``samples`` of shape ``(n, ...)``, or ``mean``, ``se`` and ``n``): the claim is
    violated when some entry has :math:`|\bar X - \text{target}| > z\,\hat s` with :math:`z`
    the two-sided Bonferroni quantile at family-wise level ``alpha`` over the entries. Fewer
    than ``min_samples`` samples (or a zero standard error with a nonzero difference) give
    *inconclusive*. The false-alarm rate of a true claim is at most ``alpha`` (up to the normal
    approximation of the mean).

    Parameters
    ----------
    target : array_like
    mean, se : array_like, optional
    n : int, optional
    samples : array, shape (n, ...), optional
    exact : bool
    alpha : float
    rtol, atol : float
        Rounding tolerance of the exact case (required > 0 there, by the caller's derivation).
    min_samples : int
    name, source, stated : str
    tol_reason : str
        Where the exact case's rounding tolerance comes from (carried into the reason).
    target_label : str
        How the reason names the target (e.g. ``"the finite-difference gradient"``).

    Returns
    -------
    ClaimResult
        Kind ``"unbiasedness"`` with :class:`UnbiasednessEvidence`.
    """
    t = np.asarray(target, dtype=float)
    if samples is not None:
        s = np.asarray(samples, dtype=float)
        n = s.shape[0]
        mean = s.mean(axis=0)
        se = s.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.full(s.shape[1:], np.nan)
    if mean is None:
        raise ValidationError("check_unbiased needs mean= (exact or with se= and n=) or samples=.")
    m = np.asarray(mean, dtype=float)
    m, t = np.broadcast_arrays(m, t)
    bias = np.abs(m - t)
    max_bias = float(np.nanmax(bias)) if bias.size else 0.0
    stated = stated or "E[estimator] = target"
    if exact:
        tol = atol + rtol * np.abs(t)
        ev = UnbiasednessEvidence(exact=True, mean=m, target=t, se=None, n=None, alpha=0.0, z=float("nan"),
                                  max_abs_bias=max_bias, max_z=float("nan"), tolerance=float(np.max(tol)) if tol.size else 0.0)
        why = f", {tol_reason}" if tol_reason else ""
        if not np.all(np.isfinite(m)):
            v, r = "inconclusive", "the exact expectation is NaN/inf"
        elif np.any(bias > tol):
            v, r = "violated", (f"biased: the exact expectation differs from {target_label} by {max_bias:.4g} "
                                f"(beyond the tolerance {ev.tolerance:.2g}{why})")
        else:
            v, r = "consistent", (f"the exact expectation equals {target_label} up to {max_bias:.2g} "
                                  f"(tolerance {ev.tolerance:.2g}{why})")
        tight = (Tightness(detail=f"bias {max_bias:.2g} = {max_bias / ev.tolerance:.2g} of the tolerance")
                 if v == "consistent" and ev.tolerance > 0 else None)
        return ClaimResult(name=name, kind="unbiasedness", verdict=v, reason=r, source=source, stated=stated,
                           measured=f"exact bias {max_bias:.3g}", evidence=ev, tightness=tight)
    sea = np.broadcast_to(np.asarray(se, dtype=float), m.shape) if se is not None else None
    if sea is None or n is None:
        raise ValidationError("a sampled unbiasedness check needs se= and n= (or samples=).")
    nent = max(int(m.size), 1)
    z = _z_two_sided(alpha, nent)
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = np.where(sea > 0, bias / sea, np.where(bias > 0, np.inf, 0.0))
    max_z = float(np.nanmax(zs)) if zs.size else 0.0
    ev = UnbiasednessEvidence(exact=False, mean=m, target=t, se=np.asarray(sea), n=int(n), alpha=alpha, z=z,
                              max_abs_bias=max_bias, max_z=max_z, tolerance=0.0)
    if n < min_samples or not np.all(np.isfinite(sea)):
        v, r = "inconclusive", f"only {n} samples (an interval needs at least {min_samples})"
    elif np.any(sea == 0) and np.any((sea == 0) & (bias > 0)):
        v, r = "inconclusive", "zero sample variance with a nonzero difference: no interval"
    elif max_z > z:
        v, r = "violated", (f"biased: the sample mean differs from {target_label} by {max_z:.2f} standard errors "
                            f"(threshold {z:.2f} at family-wise level {alpha:g}, n = {n})")
    else:
        v, r = "consistent", (f"in expectation: every entry within {max_z:.2f} <= {z:.2f} standard errors of "
                              f"{target_label} (family-wise level {alpha:g}, n = {n})")
    tight = Tightness(detail=f"max |bias|/se {max_z:.2f} of threshold {z:.2f}") if v == "consistent" else None
    return ClaimResult(name=name, kind="unbiasedness", verdict=v, reason=r, source=source, stated=stated,
                       measured=f"max |bias|/se = {max_z:.2f} (n = {n})", evidence=ev, tightness=tight)


# --------------------------------------------------------------------------- ordering
_REL = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}


def check_ordering(left, right, *, relation: str = "<=", left_ci=None, right_ci=None, tol: float = 0.0,
                   name: str = "ordering", source: str = "", stated: str = "", left_label: str = "left",
                   right_label: str = "right") -> ClaimResult:
    r"""Check an ordering ``left <relation> right`` entrywise.

    Exact values: violated where the relation fails beyond ``tol``. Estimates with intervals
    (``left_ci``, ``right_ci`` of shape ``(2, ...)``): violated only where the intervals are
    separated on the wrong side; a failing point estimate with overlapping intervals is
    inconclusive.

    Parameters
    ----------
    left, right : array_like
    relation : {"<=", "<", ">=", ">"}
    left_ci, right_ci : array_like, optional
    tol : float
    name, source, stated, left_label, right_label : str

    Returns
    -------
    ClaimResult
        Kind ``"ordering"`` with :class:`OrderingEvidence`.
    """
    if relation not in _REL:
        raise ValidationError(f"relation must be one of {sorted(_REL)}; got {relation!r}.")
    a = np.asarray(left, dtype=float)
    b = np.asarray(right, dtype=float)
    a, b = np.broadcast_arrays(a, b)
    up = relation.startswith("<")
    # shift by tol in the claim's favour: rounding never counts as a failure
    ok = _REL[relation](a - tol, b) if up else _REL[relation](a + tol, b)
    fails = ~ok
    sig = fails.copy()
    if left_ci is not None and right_ci is not None:
        lc = np.asarray(left_ci, dtype=float)
        rc = np.asarray(right_ci, dtype=float)
        sig = fails & ((lc[0] > rc[1] + tol) if up else (lc[1] < rc[0] - tol))
    ev = OrderingEvidence(left=a, right=b, relation=relation,
                          left_ci=None if left_ci is None else np.asarray(left_ci, dtype=float),
                          right_ci=None if right_ci is None else np.asarray(right_ci, dtype=float),
                          tol=tol, n_failures=int(sig.sum()))
    stated = stated or f"{left_label} {relation} {right_label}"
    if a.size == 1:
        measured = f"{left_label} = {float(a.reshape(-1)[0]):.4g}, {right_label} = {float(b.reshape(-1)[0]):.4g}"
    else:
        d = (a - b).reshape(-1)
        measured = f"{left_label} - {right_label} in [{np.nanmin(d):.3g}, {np.nanmax(d):.3g}]"
    # a strict claim about estimates is supported only where the intervals are separated the right way
    unresolved = np.zeros_like(fails)
    if left_ci is not None and right_ci is not None and relation in ("<", ">"):
        lc = np.asarray(left_ci, dtype=float)
        rc = np.asarray(right_ci, dtype=float)
        unresolved = ~fails & ~((lc[1] < rc[0]) if up else (lc[0] > rc[1]))
    where = "" if a.size == 1 else f" at {{}} of {a.size} entries"
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        v, r = "inconclusive", "a compared value is NaN/inf"
    elif sig.any():
        v, r = "violated", f"{stated} fails{where.format(int(sig.sum()))} ({measured})"
    elif fails.any():
        v, r = "inconclusive", (f"{stated} fails{where.format(int(fails.sum()))} in the point estimates but the "
                                f"intervals overlap ({measured})")
    elif unresolved.any():
        v, r = "inconclusive", (f"{stated} holds in the point estimates but the intervals overlap"
                                f"{where.format(int(unresolved.sum()))} ({measured})")
    else:
        v, r = "consistent", f"{stated} holds" + ("" if a.size == 1 else f" at all {a.size} entries") + f" ({measured})"
    tight = None
    if v == "consistent":
        d = (a - b).reshape(-1)
        k = int(np.argmin(np.abs(d)))  # the closest call
        with np.errstate(divide="ignore", invalid="ignore"):
            rr = float(a.reshape(-1)[k] / b.reshape(-1)[k]) if b.reshape(-1)[k] != 0 else float("nan")
        tight = Tightness(detail=f"closest {left_label} - {right_label} = {d[k]:.3g}"
                                 + (f" (ratio {rr:.3g})" if np.isfinite(rr) else ""))
    return ClaimResult(name=name, kind="ordering", verdict=v, reason=r, source=source, stated=stated,
                       measured=measured, evidence=ev, tightness=tight)


# --------------------------------------------------------------------------- growth
def local_slopes(u: np.ndarray, v: np.ndarray, n_sub: int = 3) -> np.ndarray:
    """Least-squares slopes of ``v`` on ``u`` over ``n_sub`` successive equal-width sub-windows of ``u``.

    Sub-windows with fewer than 3 points are skipped.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    if u.size < 3:
        return np.zeros(0)
    edges = np.linspace(u.min(), u.max(), n_sub + 1)
    out = []
    for i in range(n_sub):
        m = (u >= edges[i]) & (u <= edges[i + 1])
        if m.sum() >= 3:
            uu, vv = u[m], v[m]
            du = uu - uu.mean()
            den = float(du @ du)
            if den > 0:
                out.append(float(du @ (vv - vv.mean())) / den)
    return np.asarray(out)


def asymptotic_test(fit, n_sub: int = 3, *, tol: float | None = None, y=None, z: float = 1.96) -> tuple[bool, np.ndarray]:
    r"""Whether a fit's window looks asymptotic: the local slopes over ``n_sub`` successive
    sub-windows of the window agree.

    Rule
    ----
    * ``tol`` not given (the original rule): the local slopes agree within the width of the
      fit's interval.
    * ``tol`` given, one deterministic trace (``fit.statistical`` False): the spread
      :math:`\max_j \ell_j - \min_j \ell_j` of the local slopes is at most ``2 tol``. (The
      interval of a single trace *is* a range of local slopes, so "within the interval" would
      pass every trace; the tolerance that absorbs a finite window's curvature is the yardstick.)
    * ``tol`` given, seeds (``fit.statistical``, ``y`` of shape ``(R, K)`` given): the drift
      :math:`d = \ell_{\text{last}} - \ell_{\text{first}}` satisfies
      :math:`|d| \le 2\,\text{tol} + z\,\widehat{\text{se}}(d)`, with the leave-one-seed-out
      jackknife standard error of :math:`d`: a drift the noise explains is not evidence of a
      pre-asymptotic window, a significant one is.

    Parameters
    ----------
    fit : RateFit
    n_sub : int
    tol : float, optional
        Slope tolerance (``exponent_tol``, or ``rate_rtol |log rho|`` for geometric fits).
    y : array, shape (R, K), optional
        The seeds the fit was made from (statistical rule).
    z : float
        Quantile of the drift test.

    Returns
    -------
    (bool, array)
        The decision and the local slopes (first to last sub-window).
    """
    m = np.asarray(fit.mask, dtype=bool)
    x = np.asarray(fit.x, dtype=float)[m]
    yb = np.asarray(fit.y, dtype=float)
    yb = yb.mean(axis=0) if yb.ndim == 2 else yb
    yb = yb[m]
    pos = yb > 0
    u = np.log(x[pos]) if fit.model == "polynomial" else x[pos]
    ls = local_slopes(u, np.log(yb[pos]), n_sub)
    if ls.size < 2 or not np.all(np.isfinite(fit.ci)) or not np.all(np.isfinite(ls)):
        return False, ls
    if tol is None:
        width = max(fit.ci[1] - fit.ci[0], 1e-12)
        return bool(ls.max() - ls.min() <= width), ls
    if not fit.statistical or y is None:
        return bool(ls.max() - ls.min() <= 2 * tol), ls
    ya = np.asarray(y, dtype=float)
    ya = ya[None, :] if ya.ndim == 1 else ya
    R = ya.shape[0]
    if R < 3:
        return bool(ls.max() - ls.min() <= 2 * tol), ls
    yw = ya[:, m][:, pos]
    loo = (yw.sum(axis=0)[None, :] - yw) / (R - 1)
    # first and last sub-window slopes of every leave-one-out mean, vectorised over seeds
    edges = np.linspace(u.min(), u.max(), n_sub + 1)
    first = (u >= edges[0]) & (u <= edges[1])
    last = (u >= edges[-2]) & (u <= edges[-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        lv = np.log(loo)
        d = np.full(R, np.nan)
        if first.sum() >= 3 and last.sum() >= 3:
            def sl(mk):
                du = u[mk] - u[mk].mean()
                return (lv[:, mk] - lv[:, mk].mean(axis=1, keepdims=True)) @ du / float(du @ du)

            d = sl(last) - sl(first)
    if not np.all(np.isfinite(d)):
        return bool(ls.max() - ls.min() <= 2 * tol), ls
    se = float(np.sqrt((R - 1) / R * np.sum((d - d.mean()) ** 2)))
    return bool(abs(ls[-1] - ls[0]) <= 2 * tol + z * se), ls


def check_growth(x, y, stated: float, *, tol: float = 0.05, name: str = "growth", source: str = "",
                 stated_text: str = "", tail=1.0, stochastic: bool | None = None, min_seeds: int = 5,
                 variable: str = "x", **fit_kwargs) -> ClaimResult:
    r"""Check that ``y`` grows at least like ``x**stated`` (a growth or separation claim).

    The log-log slope is fitted on the tail window (:func:`~pgtheory.ratecheck.fit_polynomial`).
    Consistent when the interval's lower end is :math:`\ge` ``stated - tol``; violated only when
    its upper end is below ``stated - tol`` *and* the window is asymptotic (local slopes over
    successive sub-windows agree within the interval); otherwise inconclusive with the reason.
    Stochastic traces with fewer than ``min_seeds`` seeds are never violated.

    Parameters
    ----------
    x : array, shape (K,)
    y : array, shape (K,) or (R, K)
    stated : float
        Stated growth exponent (e.g. 1.5 for :math:`t_s \gtrsim t_{s-2}^{1.5}`).
    tol : float
    name, source, stated_text, variable : str
    tail : float or tuple
    stochastic : bool, optional
        Default ``R > 1``.
    min_seeds : int
    **fit_kwargs
        Passed to :func:`~pgtheory.ratecheck.fit_polynomial`.

    Returns
    -------
    ClaimResult
        Kind ``"growth"`` with :class:`GrowthEvidence`.
    """
    ya = np.asarray(y, dtype=float)
    R = 1 if ya.ndim == 1 else ya.shape[0]
    stochastic = (R > 1) if stochastic is None else bool(stochastic)
    fit = fit_polynomial(x, y, tail=tail, **fit_kwargs)
    asym, ls = asymptotic_test(fit, tol=tol, y=ya) if fit.ok else (False, np.zeros(0))
    ev = GrowthEvidence(fit=fit, stated=float(stated), tol=tol, local_slopes=ls, asymptotic=asym)
    stated_text = stated_text or f"growth exponent >= {stated:g} in {variable}"
    measured = fit.text() if fit.ok else "not fitted"
    tight = None
    if not fit.ok:
        v, r = "inconclusive", f"no fit: {fit.message}"
    elif fit.ci[0] >= stated - tol:
        v = "consistent"
        tight = Tightness(margin=fit.slope - stated, margin_ci=(fit.ci[0] - stated, fit.ci[1] - stated))
        r = f"measured growth exponent {measured} is at least the stated {stated:g} (tolerance {tol:g})"
    elif fit.ci[1] < stated - tol and asym and (not stochastic or R >= min_seeds):
        v, r = "violated", (f"measured growth exponent {measured} is below the stated {stated:g} in an asymptotic "
                            f"window (local slopes {np.round(ls, 3).tolist()})")
    else:
        why = ("the interval straddles the stated exponent" if fit.ci[1] >= stated - tol else
               (f"pre-asymptotic: local slope moved from {ls[0]:.3g} to {ls[-1]:.3g} across the window"
                if ls.size >= 2 and not asym else f"only {R} seed(s), fewer than {min_seeds}"))
        v, r = "inconclusive", f"measured growth exponent {measured} vs stated {stated:g}: {why}"
    return ClaimResult(name=name, kind="growth", verdict=v, reason=r, source=source, stated=stated_text,
                       measured=measured, tightness=tight, evidence=ev)


# --------------------------------------------------------------------------- rate checks and combining
def claim_from_rate_check(res, *, name: str | None = None, source: str | None = None) -> ClaimResult:
    """Wrap a :class:`~pgtheory.ratecheck.RateCheckResult` as a claim (kind ``"rate"``, or
    ``"inequality"`` when only the inequality was checked); the result is the evidence.

    Parameters
    ----------
    res : RateCheckResult
    name, source : str, optional
        Default: the result's label (or bound id) and source.

    Returns
    -------
    ClaimResult
    """
    kind = "inequality" if res.check == "inequality" else "rate"
    tight = getattr(res, "tightness", None)
    return ClaimResult(name=name or res.label or res.bound_id, kind=kind, verdict=res.verdict,
                       reason=res.reason, source=source if source is not None else res.source,
                       stated=res.stated_text, measured=res.measured_text,
                       tightness=tight if res.verdict == "consistent" else None, evidence=res, bound_id=res.bound_id)


def combine(claims) -> tuple[str, str]:
    """Headline verdict and reason of a set of claims.

    Parameters
    ----------
    claims : iterable of ClaimResult (or objects with ``verdict``, ``name``, ``reason``)

    Returns
    -------
    (str, str)
        ``"violated"`` if any claim is violated, ``"inconclusive"`` if any is inconclusive and
        none violated, ``"consistent"`` only if all are (an empty set is inconclusive); the reason
        names the claims that decided it.
    """
    cs = list(claims)
    if not cs:
        return "inconclusive", "no claim was checked"

    def nm(c):
        return getattr(c, "name", None) or (c.get("name") if isinstance(c, dict) else "claim")

    def vd(c):
        return c.get("verdict") if isinstance(c, dict) else c.verdict

    for word in ("error", "violated", "inconclusive"):
        hit = [c for c in cs if vd(c) == word]
        if hit:
            names = ", ".join(nm(c) for c in hit)
            if len(cs) == 1:
                return word, f"the claim is {word}: {names}"
            return word, f"{len(hit)} of {len(cs)} claims {word}: {names}"
    return "consistent", ("the claim is consistent" if len(cs) == 1 else f"all {len(cs)} claims consistent")


def explain(claims, *, max_claims: int = 3) -> tuple[str, str]:
    """Headline verdict and a caption for a figure: :func:`combine`'s reason followed by the reasons
    of the claims that decided it (the violated or inconclusive ones; all consistent: their tightness).

    Parameters
    ----------
    claims : iterable of ClaimResult or dict
        Claims, or their rows as a report stores them (``CheckReport.claims``, read back from
        ``report.json``: ``name``, ``verdict``, ``reason`` and the ``tightness`` text), which give
        the same caption; a figure script draws its caption from the report this way.
    max_claims : int
        At most this many claims are spelled out (the rest are counted).

    Returns
    -------
    (str, str)
    """
    cs = list(claims)
    verdict, head = combine(cs)

    def field(c, key):
        return c.get(key, "") if isinstance(c, dict) else getattr(c, key)

    def tight(c):
        if isinstance(c, dict):
            return c.get("tightness") or ""
        return c.tightness.text() if c.tightness is not None else ""

    deciding = [c for c in cs if field(c, "verdict") == verdict] if verdict != "consistent" else cs
    parts = []
    for c in deciding[:max_claims]:
        if verdict == "consistent":
            parts.append(f"{field(c, 'name')}: {tight(c) or field(c, 'reason')}")
        else:
            parts.append(f"{field(c, 'name')}: {field(c, 'reason')}")
    more = f" (+{len(deciding) - max_claims} more)" if len(deciding) > max_claims else ""
    return verdict, f"{head}. " + "; ".join(parts) + more


def as_illustration(claim: ClaimResult, why: str) -> ClaimResult:
    """A claim checked where its source's assumptions (or setting) do not hold: it can support the
    statement but cannot refute it, so a "violated" verdict becomes "inconclusive" ("not reproduced
    here") and ``why`` is put in the reason.

    Parameters
    ----------
    claim : ClaimResult
    why : str
        Why the setting is outside the claim (e.g. "the Gaussian score is unbounded on LQR").

    Returns
    -------
    ClaimResult
    """
    if claim.verdict == "violated":
        return dataclasses.replace(claim, verdict="inconclusive",
                                   reason=f"not reproduced here, but {why}, so this cannot refute the claim: "
                                          f"{claim.reason}")
    return dataclasses.replace(claim, reason=f"{claim.reason} ({why})")


def check_exponent(slope: float, ci, stated: float, *, direction: str = "at most", tol: float = 0.05,
                   asymptotic: bool | None = None, n_seeds: int | None = None, min_seeds: int = 5,
                   name: str = "exponent", source: str = "", stated_text: str = "", measured: str = "",
                   evidence=None) -> ClaimResult:
    r"""Check a fitted exponent (with its interval) against a stated one: the rate rule of
    :func:`~pgtheory.ratecheck.check_rate` for exponents fitted elsewhere (e.g. a sample complexity
    read off hitting times).

    ``direction="at most"`` (a decay exponent, "at least as fast as stated"): consistent when
    ``ci[1] <= stated + tol``; violated when ``ci[0] > stated + tol`` *and* ``asymptotic`` is True
    *and* there are at least ``min_seeds`` seeds; otherwise inconclusive with the reason.
    ``direction="at least"`` mirrors it (consistent when ``ci[0] >= stated - tol``).

    Parameters
    ----------
    slope : float
    ci : (float, float)
    stated : float
    direction : {"at most", "at least"}
    tol : float
    asymptotic : bool or None
        Result of an asymptotic-window test on the same data (None: not shown, never violated).
    n_seeds : int, optional
    min_seeds : int
    name, source, stated_text, measured : str
    evidence : object, optional

    Returns
    -------
    ClaimResult
        Kind ``"rate"``; consistent claims carry the exponent margin as their tightness.
    """
    if direction not in ("at most", "at least"):
        raise ValidationError(f"direction must be 'at most' or 'at least'; got {direction!r}.")
    lo, hi = (float(ci[0]), float(ci[1]))
    sgn = 1.0 if direction == "at most" else -1.0
    stated_text = stated_text or f"exponent {direction} {stated:g} (tolerance {tol:g})"
    measured = measured or f"slope {slope:.3f} [{lo:.3f}, {hi:.3f}]"
    tight = None
    if not (np.isfinite(slope) and np.isfinite(lo) and np.isfinite(hi) and np.isfinite(stated)):
        v, r = "inconclusive", f"no interval for the exponent ({measured})"
    elif (hi <= stated + tol) if sgn > 0 else (lo >= stated - tol):
        v = "consistent"
        a, b = sgn * (stated - hi), sgn * (stated - lo)
        tight = Tightness(margin=sgn * (stated - slope), margin_ci=(min(a, b), max(a, b)))
        r = f"measured {measured} is {direction} the stated {stated:g} (tolerance {tol:g})"
    elif (lo > stated + tol) if sgn > 0 else (hi < stated - tol):
        if n_seeds is not None and n_seeds < min_seeds:
            v, r = "inconclusive", f"measured {measured} vs stated {stated:g}: only {n_seeds} seeds"
        elif asymptotic is not True:
            v, r = "inconclusive", (f"measured {measured} is on the wrong side of the stated {stated:g}, but the "
                                    f"window is not shown to be asymptotic")
        else:
            v, r = "violated", (f"measured {measured} is on the wrong side of the stated {stated:g} (tolerance "
                                f"{tol:g}) in an asymptotic window")
    else:
        v, r = "inconclusive", f"the interval of {measured} straddles the stated {stated:g} (tolerance {tol:g})"
    return ClaimResult(name=name, kind="rate", verdict=v, reason=r, source=source, stated=stated_text,
                       measured=measured, tightness=tight, evidence=evidence)
