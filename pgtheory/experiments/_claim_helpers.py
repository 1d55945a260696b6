r"""Small helpers the Nash and SubPO checks share to state their claims (no verdict logic here).

Every verdict is made by a primitive of :mod:`pgtheory.ratecheck`; these helpers only

* carry a bound's **provenance** into a claim (:func:`with_provenance`): a statement the catalog
  marks as not read first-hand (``"inferred"``, ``"abstract"``, ``"recalled"``) gets the tag in
  the claim's ``source`` (e.g. ``"... (inferred)"``) and a clause in its ``reason``;
* add a **finding** to a claim's reason (:func:`with_finding`), e.g. that a rate is much faster
  than stated, without touching its verdict;
* derive the **tightness** of a consistent rate check from its evidence
  (:func:`rate_tightness`) while :func:`pgtheory.ratecheck.claim_from_rate_check` does not.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["with_provenance", "with_finding", "rate_tightness", "rate_claim", "verdict_caption"]

#: provenance -> (tag in the source, phrase in the reason)
_TAGS = {"inferred": ("inferred", "inferred, not read in the paper"),
         "abstract": ("abstract only", "read in the abstract only, not in the full paper"),
         "recalled": ("recalled", "recalled, not re-read"),
         "code": ("from code", "taken from code, not from the paper")}


def with_provenance(claim, bound=None, *, note: str = ""):
    """Return ``claim`` with its bound's provenance in ``source`` and ``reason`` (unchanged when read first-hand).

    Parameters
    ----------
    claim : ClaimResult
    bound : Bound or str, optional
        Default: ``claim.bound_id``.
    note : str
        What was not read, in a few words (default: the first sentence of the bound's
        ``provenance_note``).

    Returns
    -------
    ClaimResult
    """
    from .. import bounds

    if bound is None and not claim.bound_id:
        return claim
    b = bounds.get_bound(bound or claim.bound_id) if not hasattr(bound, "provenance") else bound
    if b.provenance not in _TAGS:
        return claim
    tag, phrase = _TAGS[b.provenance]
    note = note or b.provenance_note.split(". ")[0].rstrip(".")
    source = claim.source if f"({tag})" in claim.source else f"{claim.source} ({tag})"
    reason = f"{claim.reason}; the statement is {phrase} ({note})"
    return dataclasses.replace(claim, source=source, reason=reason)


def with_finding(claim, finding: str):
    """Append a finding (a measured fact beyond the verdict) to ``claim.reason``; the verdict is unchanged."""
    if not finding:
        return claim
    return dataclasses.replace(claim, reason=f"{claim.reason}; finding: {finding}")


def rate_tightness(res, *, skip_first: bool = False):
    """Tightness of a consistent :class:`~pgtheory.ratecheck.RateCheckResult`.

    ``slack`` is ``B(x_k) / y_k`` (upper bounds) where the inequality was checked; ``margin`` is
    how much faster than stated the fitted rate is: ``stated - slope`` for polynomial upper
    bounds, ``log(stated) - log(rate)`` (per unit of the variable) for geometric ones; positive
    means faster. ``skip_first`` leaves out the first point (a trace normalised by its initial
    value attains a ``KL_0``-bound there by construction). None when the result is not consistent.
    """
    from ..ratecheck import tightness_from_slack

    if res.verdict != "consistent":
        return None
    margin, mci = float("nan"), (float("nan"), float("nan"))
    f = res.fit
    if f is not None and f.ok and np.isfinite(res.stated) and res.kind != "lower":
        if res.rate_type == "polynomial":
            margin, mci = res.stated - f.slope, (res.stated - f.ci[1], res.stated - f.ci[0])
        elif res.stated > 0:
            ls = math.log(res.stated)
            margin, mci = ls - math.log(f.rate), (ls - math.log(f.rate_ci[1]), ls - math.log(f.rate_ci[0]))
    if res.bound_values is not None and res.inequality_checked:
        with np.errstate(divide="ignore", invalid="ignore"):
            slack = np.where(res.y > 0, res.bound_values / res.y, np.inf)
        slack = slack[1:] if skip_first else slack
    else:
        slack = np.zeros(0)
    return tightness_from_slack(slack, margin=margin, margin_ci=mci)


def rate_claim(res, *, name: str, note: str = "", finding: str = "", skip_first: bool = False):
    """A rate check as a claim: :func:`~pgtheory.ratecheck.claim_from_rate_check`, its tightness,
    the bound's provenance and an optional finding.

    Parameters
    ----------
    res : RateCheckResult
    name : str
    note : str
        Passed to :func:`with_provenance`.
    finding : str
        Passed to :func:`with_finding`.
    skip_first : bool
        Passed to :func:`rate_tightness`.

    Returns
    -------
    ClaimResult
    """
    from ..ratecheck import claim_from_rate_check
    from ..ratecheck import LOOSE_SLACK

    c = claim_from_rate_check(res, name=name)
    if c.tightness is None and c.verdict == "consistent":
        t = rate_tightness(res, skip_first=skip_first)
        reason = c.reason
        if t is not None and t.loose:
            reason = f"loose (slack above {LOOSE_SLACK:g}x everywhere): {reason}"
        c = dataclasses.replace(c, tightness=t, reason=reason)
    return with_finding(with_provenance(c, note=note), finding)


def verdict_caption(claims, *, max_claims: int = 4) -> tuple[str, str]:
    """Headline verdict (:func:`pgtheory.ratecheck.combine`) and the caption under a figure.

    The caption is the headline reason, then the claims that decided it with their reasons
    (inconsistent ones first); a consistent claim shows its tightness and finding instead of the
    full reason. At most ``max_claims`` claims are spelled out. ``claims`` may be
    :class:`~pgtheory.ratecheck.ClaimResult` objects or their rows as ``report.json`` stores them
    (the figure scripts caption from the report; ``figure_caption(..., style="findings")``).
    """
    from ..ratecheck import combine

    def field(c, key):
        return c.get(key, "") if isinstance(c, dict) else getattr(c, key)

    def tight(c):
        if isinstance(c, dict):
            return c.get("tightness") or ""
        return c.tightness.text() if c.tightness is not None else ""

    claims = list(claims)
    verdict, reason = combine(claims)
    order = ([c for c in claims if field(c, "verdict") != "consistent"]
             + [c for c in claims if field(c, "verdict") == "consistent"])
    parts = []
    for c in order[:max_claims]:
        name, why = field(c, "name"), field(c, "reason")
        if field(c, "verdict") != "consistent":
            parts.append(f"[{name}] {field(c, 'verdict')}: {why}.")
            continue
        bits = [tight(c)] if tight(c) else []
        if "; finding: " in why:
            bits.append("finding: " + why.split("; finding: ", 1)[1])
        elif not bits:
            bits.append(why.split("; the statement is ")[0])
        parts.append(f"[{name}] " + "; ".join(bits) + ".")
    if len(order) > max_claims:
        parts.append(f"(+{len(order) - max_claims} more in report.json)")
    return verdict, reason + ". " + " ".join(parts)
