r"""Sample-level down-sampling by advantage variance (D³S) and the gradient-norm bound it is tied to.

D³S (Wang et al.) keeps, in each group of ``G`` rollouts, the subset :math:`S` of ``m`` rollouts
that maximises the variance of the advantages :math:`\mathrm{Var}_S(A)` and updates on it:
:math:`\hat g_S=\frac1m\sum_{i\in S}A_i\,s_i` with :math:`s_i=e_{y_i}-\pi`. Its abstract says the
selection is "positively correlated with the upper bound of the policy gradient norm"; the natural
bound (Cauchy–Schwarz, our reconstruction) is

.. math:: \|\hat g_S\|\le\sqrt{\tfrac1m\textstyle\sum_{i\in S}A_i^2}\,\sqrt{\tfrac1m\textstyle\sum_{i\in S}\|s_i\|^2},
          \qquad \tfrac1m\textstyle\sum_{i\in S}A_i^2=\mathrm{Var}_S(A)+\bar A_S^2\ \ (\text{ddof}=0),

(:func:`subset_norm_bound`). :func:`max_variance_subsets` finds every maximiser by enumerating the
:math:`\binom Gm` subsets; :func:`max_variance_extremes` uses the fact that a maximiser consists
of the ``j`` smallest and ``m - j`` largest values for some ``j`` (a check of the enumeration).
:func:`make_d3s_estimator` wraps the rule as a :class:`~pgtheory.bandits.GroupEstimator` whose
per-sample coefficient is :math:`c_i=\frac Gm\,P(i\in S)\,A_i` (ties between maximising subsets
broken uniformly at random, averaged), so :func:`~pgtheory.bandits.exact_moments` gives its exact
mean. Conventions are arguments: ``ddof`` and ``epsilon`` of the GRPO advantage, the ``ddof`` of
the selection variance, and ``recompute`` (advantages of the full group, or recomputed on the
subset). The token-level rule (:math:`|A_{i,t}|H_{i,t}`) and the curriculum schedule are not
modelled.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ._estimators import GroupEstimator, grpo_advantages

__all__ = ["subset_variances", "max_variance_subsets", "max_variance_extremes", "subset_norm_bound",
           "d3s_inclusion", "make_d3s_estimator", "RECOMPUTE"]

#: Whether D3S's advantages come from the full group or are recomputed on the kept subset.
RECOMPUTE = ("full", "subset")

#: Largest number of subsets enumerated per group.
MAX_SUBSETS = 200_000


@functools.lru_cache(maxsize=64)
def _combos(G: int, m: int) -> np.ndarray:
    n = math.comb(G, m)
    if n > MAX_SUBSETS:
        raise InfeasibleSizeError(f"C({G}, {m}) = {n} subsets exceed {MAX_SUBSETS}. Fix: smaller groups.")
    out = np.array(list(itertools.combinations(range(G), m)), dtype=np.int64).reshape(n, m)
    out.setflags(write=False)
    return out


def _check_m(G: int, m, who: str) -> int:
    m = check_positive_int(m, "m")
    if not 2 <= m <= G:
        raise ValidationError(f"{who} needs 2 <= m <= G (a variance needs two values); got m={m}, G={G}. "
                              f"Fix: keep between 2 and G rollouts.")
    return m


def subset_variances(values, m: int, *, ddof: int = 0):
    r"""Variance of every ``m``-subset of the last axis of ``values``.

    Parameters
    ----------
    values : array_like, shape (..., G)
    m : int
        Subset size, 2 <= m <= G.
    ddof : {0, 1}

    Returns
    -------
    variances : numpy.ndarray, shape (..., C(G, m))
    subsets : numpy.ndarray of int, shape (C(G, m), m)
        Index sets in lexicographic order.

    References
    ----------
    Wang et al., *D³S*, arXiv:2509.22115 v1 (ICLR 2026), abstract: the selection maximises
    :math:`\mathrm{Var}(A)` over subsets of rollouts [abstract].
    """
    v = as_float_array(values, "values")
    if v.ndim < 1:
        raise ShapeError("values must have a last axis of G values.")
    G = v.shape[-1]
    m = _check_m(G, m, "subset_variances")
    if ddof not in (0, 1):
        raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
    sub = _combos(G, m)
    x = v[..., sub]  # (..., C, m)
    mean = x.mean(axis=-1, keepdims=True)
    return ((x - mean) ** 2).sum(axis=-1) / (m - ddof), sub


def _tie_tol(values, m):
    """Rounding tolerance of a variance of m values: 8 m eps max|v|^2 (sums of m squares)."""
    v = np.asarray(values, dtype=np.float64)
    return 8 * m * np.finfo(np.float64).eps * np.max(np.abs(v), axis=-1, keepdims=True) ** 2


def max_variance_subsets(values, m: int, *, ddof: int = 0):
    r"""All ``m``-subsets that maximise the variance, by enumeration (ties within rounding kept).

    Parameters
    ----------
    values : array_like, shape (..., G)
    m : int
    ddof : {0, 1}

    Returns
    -------
    best : numpy.ndarray of bool, shape (..., C(G, m))
        Which subsets attain the maximum (up to ``8 m eps max|v|^2``).
    max_variance : numpy.ndarray, shape (...)
    subsets : numpy.ndarray of int, shape (C(G, m), m)

    References
    ----------
    Wang et al., *D³S*, arXiv:2509.22115 v1 (ICLR 2026), abstract [abstract]; enumeration [inferred].
    """
    var, sub = subset_variances(values, m, ddof=ddof)
    top = var.max(axis=-1, keepdims=True)
    best = var >= top - _tie_tol(values, m)
    return best, top[..., 0], sub


def max_variance_extremes(values, m: int, *, ddof: int = 0) -> np.ndarray:
    r"""Largest ``m``-subset variance from the ``m + 1`` "extreme" subsets (``j`` smallest and ``m - j`` largest).

    A maximiser of the variance over ``m``-subsets can be chosen among them: replacing an interior
    value of a subset by the nearer unused extreme value on the side away from the subset mean
    does not decrease the variance. :math:`O(G\log G+m^2)` per group.

    Parameters
    ----------
    values : array_like, shape (..., G)
    m : int
    ddof : {0, 1}

    Returns
    -------
    numpy.ndarray, shape (...)

    References
    ----------
    The extreme-subset structure of a variance maximiser [inferred; tested against
    :func:`max_variance_subsets`]; D³S: Wang et al., arXiv:2509.22115 v1.
    """
    v = as_float_array(values, "values")
    G = v.shape[-1]
    m = _check_m(G, m, "max_variance_extremes")
    if ddof not in (0, 1):
        raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
    s = np.sort(v, axis=-1)
    best = None
    for j in range(m + 1):
        x = np.concatenate([s[..., :j], s[..., G - (m - j):]], axis=-1)
        var = ((x - x.mean(axis=-1, keepdims=True)) ** 2).sum(axis=-1) / (m - ddof)
        best = var if best is None else np.maximum(best, var)
    return best


def subset_norm_bound(advantages, scores):
    r"""Cauchy–Schwarz bound :math:`\sqrt{\frac1m\sum A_i^2}\sqrt{\frac1m\sum\|s_i\|^2}` on :math:`\|\frac1m\sum A_is_i\|`.

    Parameters
    ----------
    advantages : array_like, shape (..., m)
    scores : array_like, shape (..., m, P)

    Returns
    -------
    norm : numpy.ndarray, shape (...)
        :math:`\|\frac1m\sum_iA_is_i\|`.
    bound : numpy.ndarray, shape (...)

    References
    ----------
    Cauchy–Schwarz; our reconstruction [inferred] of the gradient-norm bound named in the abstract of
    Wang et al., arXiv:2509.22115 v1.
    """
    A = as_float_array(advantages, "advantages")
    S = as_float_array(scores, "scores")
    if S.shape[:-1] != A.shape:
        raise ShapeError(f"scores must have shape advantages.shape + (P,) = {A.shape} + (P,); got {S.shape}.")
    g = np.einsum("...i,...ip->...p", A, S) / A.shape[-1]
    bound = np.sqrt((A ** 2).mean(axis=-1)) * np.sqrt((S ** 2).sum(axis=-1).mean(axis=-1))
    return np.linalg.norm(g, axis=-1), bound


def d3s_inclusion(values, m: int, *, ddof: int = 0) -> np.ndarray:
    r"""Probability that each sample is kept when a maximising subset is drawn uniformly among the ties.

    Parameters
    ----------
    values : array_like, shape (..., G)
        The values whose subset variance is maximised (the advantages).
    m : int
    ddof : {0, 1}

    Returns
    -------
    numpy.ndarray, shape (..., G)
        :math:`P(i\in S)`; sums to ``m`` along the last axis.

    References
    ----------
    Wang et al., arXiv:2509.22115 v1 [abstract]; uniform tie-breaking [inferred].
    """
    best, _, sub = max_variance_subsets(values, m, ddof=ddof)
    G = np.shape(values)[-1]
    member = np.zeros((sub.shape[0], G))
    member[np.arange(sub.shape[0])[:, None], sub] = 1.0
    w = best / best.sum(axis=-1, keepdims=True)
    return w @ member


def make_d3s_estimator(m: int, *, ddof: int = 1, epsilon: float = 1e-6, select_ddof: int = 0,
                       recompute: str = "full") -> GroupEstimator:
    r"""D³S's sample-level rule as a group estimator: GRPO advantages, keep the max-variance ``m``-subset.

    .. math:: \hat g=\frac1m\sum_{i}P(i\in S)\,A_i\,(e_{y_i}-\pi)=\frac1G\sum_ic_i(e_{y_i}-\pi),\qquad
              c_i=\frac Gm\,P(i\in S)\,A_i,

    with :math:`A` the GRPO advantage of the full group (``recompute="full"``) or, for the kept
    samples, recomputed on the subset (``"subset"``, then averaged over tied subsets); :math:`S`
    maximises the variance of the full-group advantages; ties are averaged (uniform tie-breaking).

    Parameters
    ----------
    m : int
        Rollouts kept per group (2 <= m <= G; checked when called).
    ddof : {0, 1}
        Of the GRPO std (verl / ``torch.std``: 1).
    epsilon : float
        Added to that std (verl: 1e-6).
    select_ddof : {0, 1}
        Of the selection variance (the argmax does not depend on it).
    recompute : {"full", "subset"}

    Returns
    -------
    GroupEstimator
        Named ``"d3s"``, separable, ``min_G = m``.

    References
    ----------
    Wang et al., *Learning More with Less: D³S*, arXiv:2509.22115 v1 (ICLR 2026), abstract [abstract];
    the estimator's details (which advantages, tie-breaking) are [inferred].
    """
    m = check_positive_int(m, "m", 2)
    if recompute not in RECOMPUTE:
        raise ValidationError(f"recompute must be one of {RECOMPUTE}; got {recompute!r}.")
    if ddof not in (0, 1) or select_ddof not in (0, 1):
        raise ValidationError(f"ddof and select_ddof must be 0 or 1; got {ddof!r}, {select_ddof!r}.")
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValidationError(f"epsilon must be a finite number >= 0; got {epsilon!r}.")

    def advantage(r, a, th, beh):
        G = r.shape[-1]
        _check_m(G, m, "make_d3s_estimator")
        A = grpo_advantages(r, scale_rewards="group", ddof=ddof, epsilon=epsilon)
        if recompute == "full":
            return G / m * d3s_inclusion(A, m, ddof=select_ddof) * A
        best, _, sub = max_variance_subsets(A, m, ddof=select_ddof)
        w = best / best.sum(axis=-1, keepdims=True)
        A_sub = grpo_advantages(r[..., sub], scale_rewards="group", ddof=ddof, epsilon=epsilon)  # (..., C, m)
        out = np.zeros(r.shape)
        for c in range(sub.shape[0]):
            out[..., sub[c]] += w[..., c:c + 1] * A_sub[..., c, :]
        return G / m * out

    return GroupEstimator("d3s", {"m": m, "ddof": ddof, "epsilon": epsilon, "select_ddof": select_ddof,
                                  "recompute": recompute}, advantage, True, False, max(m, 1 + ddof))
