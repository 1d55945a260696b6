r"""Entropy control by REINFORCE on temperature-adjusted samples (AEPO's mechanism), exactly on a softmax bandit.

With :math:`\pi=\mathrm{softmax}(\theta)` and the temperature-adjusted policy
:math:`\pi_T=\mathrm{softmax}(\theta/T)\propto\pi^{1/T}`, the regulariser is the REINFORCE direction
of samples drawn from :math:`\pi_T` (:func:`temperature_reinforce_direction`):

.. math:: R_T(\theta)=\mathbb E_{y\sim\pi_T}\big[\rho(y)\nabla_\theta\log\pi_\theta(y)\big]
          =\sum_y\pi_T(y)\rho(y)(e_y-\pi),

with :math:`\rho\equiv1` (every sample) or :math:`\rho=r` (correct samples only; our reading of
"filter negative samples" [secondary]). For :math:`\rho\equiv1`, :math:`R_T=\pi_T-\pi` and its
first-order effect on the entropy :math:`H(\pi)=-\sum\pi\log\pi` (:func:`entropy_rate`) is
[inferred, our derivation]

.. math:: \langle\nabla_\theta H,R_T\rangle=-\mathrm{Cov}_{y\sim\pi}\big(\log\pi(y),\ \pi_T(y)-\pi(y)\big).

For two responses its sign is that of :math:`T-1` (hotter samples pull :math:`\pi` towards uniform);
for :math:`K>2` we have no proof, and the sign rule is checked on random instances (it held on
200,000 random policies with :math:`K\le8`, :math:`T\in[e^{-2},e^2]`; the check
``wang2025-temperature-reinforce`` states it as a finding). :func:`entropy_controlled_ascent` adds
:math:`\lambda R_{T_t}` to the exact expected GRPO update with a bang-bang temperature
:math:`T_t=T_{high}` if :math:`H(\pi_t)<H^\star` else :math:`T_{low}` (our reconstruction of
"temperature regulation" [inferred]; the paper's controller was not read).

References
----------
Wang et al. 2025, *Arbitrary Entropy Policy Optimization* (AEPO), arXiv:2510.08141 v1 abstract
("REINFORCE policy gradient on temperature-adjusted distributions", "stabilizes entropy at
arbitrary target levels"); v6 abstract ("we prove that temperature-guided REINFORCE can modulate
policy entropy").
"""

from __future__ import annotations

import math

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import ShapeError, ValidationError
from ._estimators import grpo_advantages
from ._model import check_logits, exact_logit_gradient, success_probability

__all__ = ["policy_entropy", "entropy_gradient", "temperature_reinforce_direction", "entropy_rate",
           "entropy_controlled_ascent"]


def policy_entropy(logits) -> float:
    r"""Shannon entropy :math:`H(\pi)=-\sum_y\pi(y)\log\pi(y)` of :math:`\pi=\mathrm{softmax}(\theta)` (nats).

    Parameters
    ----------
    logits : array_like, shape (K,)

    Returns
    -------
    float
    """
    th = check_logits(logits)
    lp = log_softmax(th)
    return float(-np.exp(lp) @ lp)


def entropy_gradient(logits) -> np.ndarray:
    r""":math:`\nabla_\theta H=-\pi\odot(\log\pi+H)`.

    Parameters
    ----------
    logits : array_like, shape (K,)

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    th = check_logits(logits)
    lp = log_softmax(th)
    pi = np.exp(lp)
    return -pi * (lp - pi @ lp)


def _rho(rewards, K):
    if rewards is None:
        return np.ones(K)
    r = as_float_array(rewards, "rewards", ndim=1)
    if r.shape[0] != K:
        raise ShapeError(f"rewards must have {K} entries; got {r.shape[0]}.")
    return r


def temperature_reinforce_direction(logits, T: float, rewards=None) -> np.ndarray:
    r"""REINFORCE direction of samples from the temperature-adjusted policy, :math:`\sum_y\pi_T(y)\rho(y)(e_y-\pi)`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    T : float
        Temperature > 0 (1: on-policy, the direction is 0 when :math:`\rho\equiv1`).
    rewards : array_like, shape (K,), optional
        :math:`\rho` (default: 1 for every sample).

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    th = check_logits(logits)
    T = check_positive(T, "T")
    rho = _rho(rewards, th.shape[0])
    c = softmax(th / T) * rho
    return c - softmax(th) * c.sum()


def entropy_rate(logits, T: float, rewards=None) -> float:
    r"""First-order entropy change :math:`\langle\nabla_\theta H,R_T\rangle` of the temperature-REINFORCE direction.

    Parameters
    ----------
    logits : array_like, shape (K,)
    T : float
    rewards : array_like, shape (K,), optional

    Returns
    -------
    float
        For ``rewards=None`` it equals :math:`-\mathrm{Cov}_\pi(\log\pi,\pi_T-\pi)`.
    """
    return float(entropy_gradient(logits) @ temperature_reinforce_direction(logits, T, rewards))


def entropy_controlled_ascent(logits0, rewards, G: int, target_entropy: float, *, eta: float, lam: float,
                              T_high: float, T_low: float, steps: int, filter_rewards: bool = False,
                              ddof: int = 1, epsilon: float = 1e-4) -> dict:
    r"""Exact expected GRPO ascent plus :math:`\lambda R_{T_t}` with a bang-bang temperature, on one binary-reward prompt.

    .. math:: \theta_{t+1}=\theta_t+\eta\big(w_G(p_t)\nabla p_t+\lambda R_{T_t}(\theta_t)\big),\qquad
              T_t=T_{high}\ \text{if}\ H(\pi_t)<H^\star\ \text{else}\ T_{low},

    :math:`w_G` the exact GRPO weight (as :func:`~pgtheory.bandits.binary_weight`, deterministic 0/1
    rewards per arm; the advantages of the ``G + 1`` reward patterns are computed once).

    Parameters
    ----------
    logits0 : array_like, shape (K,)
    rewards : array_like, shape (K,)
        0/1 correctness of each arm.
    G : int
        Group size (>= 2).
    target_entropy : float
        :math:`H^\star` in :math:`[0,\log K]`.
    eta, lam : float
        Step size > 0 and regulariser weight >= 0.
    T_high, T_low : float
        Temperatures, ``T_high > 1 > T_low > 0``.
    steps : int
    filter_rewards : bool
        Use :math:`\rho=r` (only correct samples) instead of :math:`\rho\equiv1`.
    ddof, epsilon
        GRPO's std convention.

    Returns
    -------
    dict
        ``entropy`` (steps+1,), ``p`` (steps+1,), ``T`` (steps,), ``logits`` (final).
    """
    th = check_logits(logits0).astype(float).copy()
    if th.ndim != 1:
        raise ShapeError(f"logits0 must have shape (K,); got {th.shape}.")
    r = as_float_array(rewards, "rewards", ndim=1)
    if r.shape != th.shape or not np.all((r == 0) | (r == 1)):
        raise ValidationError("rewards must be 0/1 correctness of each arm (same shape as logits0).")
    G = check_positive_int(G, "G", 2)
    K = th.shape[0]
    Hs = float(target_entropy)
    if not (0 <= Hs <= np.log(K)):
        raise ValidationError(f"target_entropy must lie in [0, log K] = [0, {np.log(K):.4g}]; got {target_entropy!r}.")
    eta = check_positive(eta, "eta", step=True)
    lam = check_positive(lam, "lam", strict=False)
    T_high, T_low = check_positive(T_high, "T_high"), check_positive(T_low, "T_low")
    if not (T_high > 1.0 > T_low):
        raise ValidationError(f"need T_high > 1 > T_low; got T_high={T_high}, T_low={T_low}.")
    steps = check_positive_int(steps, "steps")
    H = np.empty(steps + 1)
    p = np.empty(steps + 1)
    Ts = np.empty(steps)
    rho = r if filter_rewards else None
    # GRPO's binary-reward weight w_G(p) (as binary_weight): advantages of the G+1 reward patterns, computed once
    k = np.arange(G + 1)
    A = grpo_advantages((np.arange(G)[None, :] < k[:, None]).astype(float), ddof=ddof, epsilon=epsilon)
    a_plus, a_minus = np.where(k >= 1, A[:, 0], 0.0), np.where(k <= G - 1, A[:, -1], 0.0)
    comb = np.array([math.comb(G - 1, int(j)) if 0 <= j <= G - 1 else 0 for j in range(-1, G + 1)], dtype=float)

    def w_G(q):
        with np.errstate(divide="ignore", invalid="ignore"):
            pm = lambda j: np.where((j >= 0) & (j <= G - 1), comb[np.clip(j, -1, G) + 1] * q ** np.clip(j, 0, G - 1)  # noqa: E731
                                    * (1 - q) ** np.clip(G - 1 - j, 0, G - 1), 0.0)
        return float(np.sum(pm(k - 1) * a_plus - pm(k) * a_minus))

    for t in range(steps + 1):
        H[t] = policy_entropy(th)
        p[t] = float(success_probability(th, r))
        if t == steps:
            break
        T = T_high if H[t] < Hs else T_low
        Ts[t] = T
        w = w_G(p[t])
        th = th + eta * (w * exact_logit_gradient(th, r) + lam * temperature_reinforce_direction(th, T, rho))
    return {"entropy": H, "p": p, "T": Ts, "logits": th}
