r"""The exact law of one prompt's group, group by group: zero-signal probabilities, |A| proxies, one-step gains.

:func:`~pgtheory.bandits.exact_moments` returns the mean and covariance of a group estimator;
the claims here need other functionals of the group's law, so :func:`group_outcome_law` exposes it: every
count vector :math:`n` of the ``C`` outcome categories (an arm, or an (arm, reward) pair for
Bernoulli rewards) with its multinomial probability and a representative group (arms and
rewards), and :func:`group_outcome_estimates` evaluates an estimator on each. Then, exactly,

* :func:`zero_update_probability` :math:`=\sum_n\mathrm{Mult}(n)\,\mathbb 1[\hat g(n)=0]`; with
  binary rewards every centred advantage vanishes on all-equal groups, so it is at least
  :math:`p^G+(1-p)^G` (:func:`zero_signal_probability`), with equality for deterministic rewards;
* :func:`expected_abs_advantage` :math:`=\mathbb E[\frac1G\sum_i|A_i|]` (Self-Evolving Curriculum's
  learning-gain proxy);
* :func:`expected_success_gain` :math:`=\mathbb E[p(\theta+\eta\hat g)]-p(\theta)`, the exact expected
  improvement of the success probability after one step.

References
----------
Han et al. 2025 (COPO), arXiv:2508.04138; Zhang et al. 2025 (Scaf-GRPO), arXiv:2510.19807;
Chen et al. 2025 (Self-Evolving Curriculum), arXiv:2505.14970 (abstracts). Our derivations [inferred].
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import InvalidProbabilityError, ShapeError, ValidationError
from ..results import ResultMixin
from ._estimators import make_estimator
from ._exact import count_vectors
from ._model import _log_probs, check_logits, success_probability

__all__ = ["GroupOutcomeLaw", "group_outcome_law", "group_outcome_estimates", "zero_signal_probability", "zero_update_probability",
           "expected_abs_advantage", "expected_success_gain"]


@dataclasses.dataclass(frozen=True, repr=False)
class GroupOutcomeLaw(ResultMixin):
    r"""The law of a group of ``G`` i.i.d. responses to one prompt, one row per count vector.

    Attributes
    ----------
    weights : numpy.ndarray, shape (N,)
        Multinomial probabilities (sum to 1).
    counts : numpy.ndarray of int, shape (N, C)
        Count vectors over the ``C`` categories.
    arms : numpy.ndarray of int, shape (N, G)
        A representative group (sorted) of each count vector.
    rewards : numpy.ndarray, shape (N, G)
        Its rewards.
    binary : bool
        Whether categories are (arm, Bernoulli outcome) pairs.
    """

    weights: np.ndarray
    counts: np.ndarray
    arms: np.ndarray
    rewards: np.ndarray
    binary: bool

    @property
    def n_groups(self) -> int:
        """Number of count vectors."""
        return int(self.weights.shape[0])


def _one_prompt(logits, rewards, binary):
    th = check_logits(logits)
    if th.ndim != 1:
        raise ShapeError(f"logits must have shape (K,) (one prompt); got {th.shape}.")
    r = as_float_array(rewards, "rewards", ndim=1)
    if r.shape != th.shape:
        raise ShapeError(f"rewards must have the shape of logits {th.shape}; got {r.shape}.")
    if binary and (np.any(r < 0) or np.any(r > 1)):
        raise InvalidProbabilityError("rewards must be success probabilities in [0, 1] when binary=True. "
                                      "Fix: pass probabilities or binary=False.")
    return th, r


def group_outcome_law(logits, rewards, G: int, *, binary: bool = False) -> GroupOutcomeLaw:
    r"""Enumerate the law of a group of ``G`` responses :math:`y_i\sim\mathrm{softmax}(\theta)` (one prompt).

    Parameters
    ----------
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Deterministic rewards, or success probabilities with ``binary=True``.
    G : int
        Group size (>= 1).
    binary : bool
        Bernoulli rewards: the categories are the ``2K`` (arm, outcome) pairs.

    Returns
    -------
    GroupOutcomeLaw
    """
    th, r = _one_prompt(logits, rewards, binary)
    G = check_positive_int(G, "G")
    K = th.shape[0]
    lp = _log_probs(th)
    if binary:
        with np.errstate(divide="ignore"):
            logq = (np.repeat(lp, 2) + np.stack([np.log1p(-r), np.log(r)], axis=1).ravel())
        arm_of, out_of = np.repeat(np.arange(K), 2), np.tile([0.0, 1.0], K)
    else:
        logq, arm_of, out_of = lp, np.arange(K), r
    C = logq.shape[0]
    counts, reps = count_vectors(C, G)
    lg = np.array([math.lgamma(k + 1.0) for k in range(G + 1)])
    finite = np.isfinite(logq)
    lw = lg[G] - lg[counts].sum(axis=1) + counts @ np.where(finite, logq, 0.0)
    if not np.all(finite):
        lw = np.where(counts[:, ~finite].sum(axis=1) > 0, -np.inf, lw)
    w = np.exp(lw)
    return GroupOutcomeLaw(w, counts, arm_of[reps], out_of[reps].astype(float), bool(binary))


def group_outcome_estimates(estimator: str, logits, rewards, G: int, *, binary: bool = False, **options):
    r"""The group law and the estimate :math:`\hat g(n)` of a named estimator on each count vector.

    Parameters
    ----------
    estimator : str
        A name of :data:`~pgtheory.bandits.ESTIMATORS`.
    logits, rewards : array_like, shape (K,)
    G : int
    binary : bool
    **options
        Estimator options (``ddof``, ``epsilon``, ...; see :func:`~pgtheory.bandits.make_estimator`).

    Returns
    -------
    law : GroupOutcomeLaw
    estimates : numpy.ndarray, shape (N, K)
    advantages : numpy.ndarray, shape (N, G)
        Per-response coefficients :math:`A_i` of each representative group.
    """
    est = make_estimator(estimator, **options)
    G = check_positive_int(G, "G")
    if G < est.min_G:
        raise ValidationError(f"estimator {est.name!r} needs G >= {est.min_G}; got G={G}. Fix: use larger groups.")
    law = group_outcome_law(logits, rewards, G, binary=binary)
    th = check_logits(logits)[None, :]
    a, r = law.arms[:, None, :], law.rewards[:, None, :]
    A = est.coefficients(th, a, r)[:, 0, :]
    g = est(th, a, r)[:, 0, :]
    return law, g, A


def zero_signal_probability(p, G: int) -> np.ndarray:
    r"""Probability :math:`p^G+(1-p)^G` that a group of ``G`` binary rewards is all-equal (zero centred advantage).

    Parameters
    ----------
    p : array_like
        Success probabilities in [0, 1].
    G : int
        Group size, >= 2 (a group statistic needs two responses).

    Returns
    -------
    numpy.ndarray, shape of ``p``

    References
    ----------
    COPO (Han et al. 2025, arXiv:2508.04138) and Scaf-GRPO (Zhang et al. 2025, arXiv:2510.19807),
    abstracts; Knapsack RL's zero-gradient probability (Li et al. 2025, arXiv:2509.25849) is the
    same formula.
    """
    pa = as_float_array(p, "p")
    if np.any(~(pa >= 0)) or np.any(~(pa <= 1)):
        raise InvalidProbabilityError(f"p must lie in [0, 1]; got values in [{np.nanmin(pa)!r}, {np.nanmax(pa)!r}].")
    G = check_positive_int(G, "G", 2)
    return pa ** G + (1.0 - pa) ** G


def zero_update_probability(estimator: str, logits, rewards, G: int, *, binary: bool = False, atol=None,
                              **options) -> float:
    r"""Exact probability that the group estimate is the zero vector, :math:`\sum_n\mathrm{Mult}(n)\mathbb 1[\hat g(n)=0]`.

    "Zero" is up to the rounding of :math:`\frac1G\sum_iA_i(e_{y_i}-\pi)`: a group whose centred
    advantages cancel (all-equal rewards, or one arm drawn ``G`` times) gives a sum of ``G`` terms
    that are exact multiples of a few rounded numbers, so :math:`|\hat g|\le 8\,G\,\epsilon\max(1,\max|A|)`
    (the default ``atol``); any other group is at least :math:`\min|A|\min_a\pi_a/G` away from zero.

    Parameters
    ----------
    estimator : str
    logits, rewards : array_like, shape (K,)
    G : int
        >= 2.
    binary : bool
    atol : float, optional
        Threshold of "zero" (default: the rounding bound above).
    **options
        Estimator options.

    Returns
    -------
    float
    """
    G = check_positive_int(G, "G", 2)
    law, g, A = group_outcome_estimates(estimator, logits, rewards, G, binary=binary, **options)
    tol = 8 * G * np.finfo(np.float64).eps * max(1.0, float(np.max(np.abs(A)))) if atol is None else float(atol)
    return float(law.weights @ np.all(np.abs(g) <= tol, axis=1))


def expected_abs_advantage(estimator: str, logits, rewards, G: int, *, binary: bool = False, **options) -> float:
    r"""Exact :math:`\mathbb E[\frac1G\sum_i|A_i|]` of a group estimator's advantages (SEC's learning-gain proxy).

    Parameters
    ----------
    estimator : str
    logits, rewards : array_like, shape (K,)
    G : int
    binary : bool
    **options

    Returns
    -------
    float
    """
    law, _, A = group_outcome_estimates(estimator, logits, rewards, G, binary=binary, **options)
    return float(law.weights @ np.abs(A).mean(axis=1))


def expected_success_gain(estimator: str, logits, rewards, G: int, eta: float, *, binary: bool = False,
                           **options) -> float:
    r"""Exact expected improvement :math:`\mathbb E[p(\theta+\eta\hat g)]-p(\theta)` after one step of size ``eta``.

    :math:`p(\theta)=\sum_a\pi_\theta(a)\bar r(a)` (the success probability for binary rewards).

    Parameters
    ----------
    estimator : str
    logits, rewards : array_like, shape (K,)
    G : int
    eta : float
        Step size > 0.
    binary : bool
    **options

    Returns
    -------
    float
    """
    eta = check_positive(eta, "eta", step=True)
    law, g, _ = group_outcome_estimates(estimator, logits, rewards, G, binary=binary, **options)
    th = check_logits(logits)
    r = as_float_array(rewards, "rewards", ndim=1)
    p_new = success_probability(th[None, :] + eta * g, r[None, :])
    return float(law.weights @ p_new - success_probability(th, r))
