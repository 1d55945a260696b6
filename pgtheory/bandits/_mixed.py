r"""Mixed on-policy / off-policy estimators: the Unified Policy Gradient Estimator (UPGE) and HPT.

Lv et al. write the gradient of many post-training methods (SFT, REINFORCE, PPO, GRPO, SRFT,
LUFFY, ...) in one form [paper table, code README]:

.. math:: \mathrm{grad}_{Uni}=\mathbb 1_{stable}\,\frac1{\pi_{ref}}\,\hat A\,\nabla\pi_\theta,

and call them gradients of one objective :math:`J_\mu(\theta)=\mathbb E_{\pi_\theta}[r]-\mu\,
\mathrm{KL}(\pi_\beta\|\pi_\theta)` under different data assumptions. On a bandit prompt a batch
holds ``G_on`` on-policy responses drawn from :math:`\pi_{old}` and ``G_off`` demonstrations drawn
from :math:`\pi_\beta`. Since :math:`\nabla\pi_\theta(y)=\pi_\theta(y)\,(e_y-\pi_\theta)`, each sample
contributes :math:`c_i\,(e_{y_i}-\pi_\theta)` with :math:`c_i=\mathbb 1_{stable,i}\,\hat A_i\,
\pi_\theta(y_i)/\pi_{ref}(y_i)`; a :class:`UnifiedRow` names the choices of each component (the
conventions are explicit fields):

* ``ref``: ``"current"`` (:math:`\pi_{ref}=\pi_\theta`, ratio 1: SFT, REINFORCE), ``"behavior"``
  (the law that drew the sample: :math:`\pi_{old}` on-policy, :math:`\pi_\beta` off-policy, i.e.
  importance weighting), ``"one"`` (:math:`\pi_{ref}\equiv1`: SRFT, LUFFY off-policy);
* ``adv``: ``"reward"`` (:math:`r`), ``"pm1"`` (:math:`2r-1`), ``"one"`` (SFT), ``"zero"`` (part
  unused), ``"group"`` (standardised within the part, ``ddof``/``epsilon``), ``"pooled"``
  (standardised over the on- and off-policy samples together, as LUFFY/SRFT);
* ``clip_epsilon``: PPO's stabilisation mask on the on-policy ratio :math:`\pi_\theta/\pi_{old}`;
* ``aggregation``: ``"per_part"`` (:math:`\frac1{G_{on}}\sum_{on}+\frac\mu{G_{off}}\sum_{off}`) or
  ``"pooled"`` (:math:`\frac1{G_{on}+G_{off}}(\sum_{on}+\mu\sum_{off})`).

The target is :math:`\nabla J_\mu=\mathbb E_{\pi_\theta}[r\,s]+\mu\,\mathbb E_{\pi_\beta}[s]` with
:math:`s=e_y-\pi_\theta` (:func:`unified_target`). :func:`unified_exact_moments` enumerates the
joint count vectors of both parts; :func:`hpt_expected_update` is HPT's switch (SFT on a
demonstration when at most ``gate`` of ``n`` rollouts succeed, RL otherwise) in closed form by
enumeration.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ..results import GradientEstimate
from ._estimators import _as_estimator
from ._exact import MAX_GROUPS, ExactMoments, _as_probability, _categories, _multinomial_logpmf, count_vectors
from ._grouplaw import group_law
from ._model import _log_probs, check_logits, policy_probs
from ._sampling import sample_groups

__all__ = ["UnifiedRow", "UNIFIED_REFS", "UNIFIED_ADVANTAGES", "UNIFIED_AGGREGATIONS", "unified_coefficients",
           "unified_gradient", "unified_target", "unified_exact_moments", "monte_carlo_unified",
           "hpt_expected_update"]

UNIFIED_REFS = ("current", "behavior", "one")
UNIFIED_ADVANTAGES = ("reward", "pm1", "one", "zero", "group", "pooled")
UNIFIED_AGGREGATIONS = ("per_part", "pooled")


@dataclasses.dataclass(frozen=True)
class UnifiedRow:
    r"""One row of the unified estimator: the choice of each component, for each part of the batch.

    Attributes
    ----------
    name : str
    on_ref, off_ref : {"current", "behavior", "one"}
        :math:`\pi_{ref}` of the on-policy and off-policy samples.
    on_adv, off_adv : {"reward", "pm1", "one", "zero", "group", "pooled"}
        Advantage of each part (``"zero"``: the part does not contribute).
    mu : float
        Weight of the off-policy part (the :math:`\mu` of :math:`J_\mu`), >= 0.
    clip_epsilon : float or None
        PPO mask on the on-policy ratio :math:`\rho=\pi_\theta/\pi_{old}`: keep a sample when
        :math:`\hat A>0,\rho<1+\epsilon` or :math:`\hat A<0,\rho>1-\epsilon` (None: no mask).
    aggregation : {"per_part", "pooled"}
    ddof : {0, 1}
        Degrees of freedom of the std in ``"group"`` / ``"pooled"`` advantages.
    epsilon : float
        Added to that std (0/0 := 0 when 0).

    References
    ----------
    Lv et al. 2025, *Towards a Unified View of LLM Post-Training*, arXiv:2509.04419 v1: table of
    post-training algorithms (reference policy, advantage, estimator) [paper figure] and README formula
    [code]; the parametrisation as fields [inferred].
    """

    name: str
    on_ref: str = "behavior"
    on_adv: str = "reward"
    off_ref: str = "current"
    off_adv: str = "zero"
    mu: float = 1.0
    clip_epsilon: float | None = None
    aggregation: str = "per_part"
    ddof: int = 0
    epsilon: float = 0.0

    def __post_init__(self):
        for field, allowed in (("on_ref", UNIFIED_REFS), ("off_ref", UNIFIED_REFS), ("on_adv", UNIFIED_ADVANTAGES),
                               ("off_adv", UNIFIED_ADVANTAGES), ("aggregation", UNIFIED_AGGREGATIONS)):
            if getattr(self, field) not in allowed:
                raise ValidationError(f"UnifiedRow.{field} must be one of {allowed}; got {getattr(self, field)!r}.")
        if not (np.isfinite(self.mu) and self.mu >= 0):
            raise ValidationError(f"UnifiedRow.mu must be a finite number >= 0; got {self.mu!r}.")
        if self.ddof not in (0, 1):
            raise ValidationError(f"UnifiedRow.ddof must be 0 or 1; got {self.ddof!r}.")
        if not (np.isfinite(self.epsilon) and self.epsilon >= 0):
            raise ValidationError(f"UnifiedRow.epsilon must be a finite number >= 0; got {self.epsilon!r}.")
        if self.clip_epsilon is not None and not (self.clip_epsilon > 0):
            raise ValidationError(f"UnifiedRow.clip_epsilon must be > 0 or None; got {self.clip_epsilon!r}.")

    @property
    def min_sizes(self) -> tuple:
        """Smallest (G_on, G_off) the row's statistics need: a group statistic (mean and std) needs 2 samples."""
        g_on = 2 if self.on_adv == "group" else (0 if self.on_adv == "zero" else 1)
        g_off = 2 if self.off_adv == "group" else (0 if self.off_adv == "zero" else 1)
        if "pooled" in (self.on_adv, self.off_adv) and g_on + g_off < 2:
            g_on = 2 - g_off
        return g_on, g_off


def _standardise(r, ddof, eps):
    """(r - mean)/(std + eps) along the last axis; all-equal rows give exactly 0."""
    n = r.shape[-1]
    same = np.all(r == r[..., :1], axis=-1, keepdims=True)
    m = np.where(same, r[..., :1], r.mean(axis=-1, keepdims=True))
    var = ((r - m) ** 2).sum(axis=-1, keepdims=True) / max(n - ddof, 1)
    s = np.where(same, 0.0, np.sqrt(var)) + eps
    c = r - m
    return np.where(s == 0, 0.0, c / np.where(s == 0, 1.0, s))


def _advantage(kind, r, pooled, start, stop):
    if kind == "reward":
        return r
    if kind == "pm1":
        return 2.0 * r - 1.0
    if kind == "one":
        return np.ones_like(r)
    if kind == "zero":
        return np.zeros_like(r)
    if kind == "pooled":
        return pooled[..., start:stop]
    raise AssertionError(kind)


def unified_coefficients(row: UnifiedRow, logits, on_actions, on_rewards, off_actions, off_rewards, *,
                         old_logits=None, beta_logits=None):
    r"""Per-sample coefficients :math:`c_i=\mathbb 1_{stable}\hat A_i\pi_\theta(y_i)/\pi_{ref}(y_i)` of both parts.

    Parameters
    ----------
    row : UnifiedRow
    logits : array_like, shape (K,)
        :math:`\theta`.
    on_actions, on_rewards : array_like, shape (..., G_on)
        On-policy samples (drawn from :math:`\pi_{old}`).
    off_actions, off_rewards : array_like, shape (..., G_off)
        Off-policy demonstrations (drawn from :math:`\pi_\beta`).
    old_logits : array_like, shape (K,), optional
        :math:`\theta_{old}` (default :math:`\theta`).
    beta_logits : array_like, shape (K,), optional
        :math:`\pi_\beta`'s logits (needed when ``off_ref="behavior"``).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Coefficients of shapes (..., G_on) and (..., G_off), including the aggregation weights, so
        that the estimate is :math:`\sum_ic_i(e_{y_i}-\pi_\theta)` (:func:`unified_gradient`).

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419 v1, README formula
    :math:`\mathbb 1_{stable}\frac1{\pi_{ref}}\hat A\nabla\pi_\theta` [code].
    """
    th = check_logits(logits)
    old = th if old_logits is None else check_logits(old_logits, "old_logits", K=th.shape[-1])
    lp, lpo = _log_probs(th), _log_probs(old)
    a_on, a_off = np.asarray(on_actions), np.asarray(off_actions)
    r_on = np.asarray(on_rewards, dtype=np.float64)
    r_off = np.asarray(off_rewards, dtype=np.float64)
    g_on, g_off = a_on.shape[-1], a_off.shape[-1]
    if row.off_ref == "behavior" and g_off and beta_logits is None:
        raise ValidationError("off_ref='behavior' needs beta_logits (the demonstrations' law). Fix: pass beta_logits.")
    both = np.concatenate([r_on, r_off], axis=-1)
    pooled = _standardise(both, row.ddof, row.epsilon) if "pooled" in (row.on_adv, row.off_adv) else None
    A_on = (_standardise(r_on, row.ddof, row.epsilon) if row.on_adv == "group"
            else _advantage(row.on_adv, r_on, pooled, 0, g_on))
    A_off = (_standardise(r_off, row.ddof, row.epsilon) if row.off_adv == "group"
             else _advantage(row.off_adv, r_off, pooled, g_on, g_on + g_off))

    def ratio(ref, a, beh_lp):
        if ref == "current":
            return np.ones(a.shape)
        if ref == "behavior":
            return np.exp(lp[a] - beh_lp[a])
        return np.exp(lp[a])  # pi_ref = 1

    w_on = ratio(row.on_ref, a_on, lpo)
    w_off = ratio(row.off_ref, a_off, _log_probs(check_logits(beta_logits, "beta_logits")) if beta_logits is not None else lp)
    c_on = A_on * w_on
    if row.clip_epsilon is not None:
        rho = np.exp(lp[a_on] - lpo[a_on])
        c_on = c_on * np.where(A_on > 0, rho < 1 + row.clip_epsilon, rho > 1 - row.clip_epsilon)
    c_off = row.mu * A_off * w_off
    if row.aggregation == "per_part":
        c_on = c_on / max(g_on, 1)
        c_off = c_off / max(g_off, 1)
    else:
        c_on = c_on / (g_on + g_off)
        c_off = c_off / (g_on + g_off)
    return c_on, c_off


def unified_gradient(row: UnifiedRow, logits, on_actions, on_rewards, off_actions, off_rewards, *, old_logits=None,
                     beta_logits=None) -> np.ndarray:
    r"""The row's estimate :math:`\sum_ic_i(e_{y_i}-\pi_\theta)` for batches of both parts, shape (..., K).

    Parameters
    ----------
    row : UnifiedRow
    logits : array_like, shape (K,)
    on_actions, on_rewards : array_like, shape (..., G_on)
    off_actions, off_rewards : array_like, shape (..., G_off)
    old_logits, beta_logits : array_like, shape (K,), optional

    Returns
    -------
    numpy.ndarray, shape (..., K)

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419 v1, README formula [code].
    """
    th = check_logits(logits)
    K = th.shape[-1]
    c_on, c_off = unified_coefficients(row, th, on_actions, on_rewards, off_actions, off_rewards,
                                       old_logits=old_logits, beta_logits=beta_logits)
    pi = policy_probs(th)
    out = np.zeros(c_on.shape[:-1] + (K,))
    for a, c in ((np.asarray(on_actions), c_on), (np.asarray(off_actions), c_off)):
        if a.shape[-1]:
            out += np.einsum("...g,...gk->...k", c, np.eye(K)[a])
            out -= c.sum(axis=-1, keepdims=True) * pi
    return out


def unified_target(logits, rewards, mu: float, beta_logits) -> np.ndarray:
    r""":math:`\nabla J_\mu=\sum_a\pi_\theta(a)\bar r(a)(e_a-\pi_\theta)+\mu\sum_a\pi_\beta(a)(e_a-\pi_\theta)`.

    The gradient of :math:`\mathbb E_{\pi_\theta}[r]-\mu\,\mathrm{KL}(\pi_\beta\|\pi_\theta)` w.r.t. the logits
    (:math:`-\nabla\mathrm{KL}(\pi_\beta\|\pi_\theta)=\mathbb E_{\pi_\beta}[\nabla\log\pi_\theta]`).

    Parameters
    ----------
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Mean rewards.
    mu : float
    beta_logits : array_like, shape (K,)

    Returns
    -------
    numpy.ndarray, shape (K,)

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419 v1 (abstract: one objective); :math:`J_\mu` as stated in a
    third-party review [secondary].
    """
    th = check_logits(logits)
    r = as_float_array(rewards, "rewards", ndim=1)
    pi, pb = policy_probs(th), policy_probs(check_logits(beta_logits, "beta_logits", K=th.shape[-1]))
    S = np.eye(th.shape[-1]) - pi
    return (pi * r) @ S + float(mu) * (pb @ S)


def _check_inputs(row, logits, rewards, G_on, G_off, old_logits, beta_logits, binary):
    if not isinstance(row, UnifiedRow):
        raise ValidationError(f"row must be a UnifiedRow; got {type(row).__name__}.")
    th = check_logits(logits)
    if th.ndim != 1:
        raise ShapeError(f"logits must have shape (K,) (one prompt); got {th.shape}.")
    K = th.shape[0]
    r = as_float_array(rewards, "rewards", ndim=1)
    if r.shape != (K,):
        raise ShapeError(f"rewards must have shape ({K},); got {r.shape}.")
    if binary:
        r = _as_probability(r, "binary=True needs success probabilities in [0, 1] as rewards.")
    G_on = check_positive_int(G_on, "G_on", 0)
    G_off = check_positive_int(G_off, "G_off", 0)
    need_on, need_off = row.min_sizes
    if G_on < need_on or G_off < need_off or G_on + G_off < 1:
        raise ValidationError(f"row {row.name!r} needs G_on >= {need_on} and G_off >= {need_off} (a group mean and "
                              f"std need 2 samples); got G_on={G_on}, G_off={G_off}. Fix: larger groups.")
    old = th if old_logits is None else check_logits(old_logits, "old_logits", K=K)
    if beta_logits is None:
        if G_off:
            raise ValidationError("beta_logits (the demonstrations' law pi_beta) is required when G_off > 0.")
        beta = th
    else:
        beta = check_logits(beta_logits, "beta_logits", K=K)
    return th, r, G_on, G_off, old, beta


def unified_exact_moments(row: UnifiedRow, logits, rewards, G_on: int, G_off: int, *, old_logits=None,
                          beta_logits=None, binary: bool = False) -> ExactMoments:
    r"""Exact mean and covariance of a unified row by joint count-vector enumeration of both parts.

    The row is permutation invariant within each part, so its law is a sum over the
    :math:`N_{on}\times N_{off}` pairs of count vectors (on-policy categories drawn from
    :math:`\pi_{old}`, demonstrations from :math:`\pi_\beta`).

    Parameters
    ----------
    row : UnifiedRow
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Rewards (success probabilities with ``binary=True``), shared by both parts.
    G_on, G_off : int
        Sizes of the parts (>= the row's :attr:`UnifiedRow.min_sizes`).
    old_logits : array_like, shape (K,), optional
        On-policy sampling law (default ``logits``).
    beta_logits : array_like, shape (K,)
        Demonstrations' law (required when ``G_off > 0``).
    binary : bool

    Returns
    -------
    ExactMoments
        ``mean`` of shape (1, K), ``cov`` of shape (1, K, K).

    Raises
    ------
    ValidationError, ShapeError
        Bad inputs, parts smaller than the row needs.
    InfeasibleSizeError
        More than ``MAX_GROUPS`` joint count vectors.

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419 v1 [paper figure, code]; joint count-vector enumeration [inferred].
    """
    th, r, G_on, G_off, old, beta = _check_inputs(row, logits, rewards, G_on, G_off, old_logits, beta_logits, binary)
    parts = []
    for G, law in ((G_on, old), (G_off, beta)):
        arms, outc, logq = _categories(_log_probs(law), r, binary)
        if G == 0:
            parts.append((np.zeros((1, 0), dtype=np.int64), np.zeros((1, 0)), np.zeros(1)))
            continue
        C = arms.shape[0]
        _, reps = count_vectors(C, G)
        parts.append((arms[reps], outc[reps], _multinomial_logpmf(C, G, logq)))
    n_on, n_off = parts[0][0].shape[0], parts[1][0].shape[0]
    if n_on * n_off > MAX_GROUPS:
        raise InfeasibleSizeError(f"{n_on * n_off} joint count vectors exceed {MAX_GROUPS}. Fix: smaller parts.")
    i, j = np.meshgrid(np.arange(n_on), np.arange(n_off), indexing="ij")
    i, j = i.ravel(), j.ravel()
    g = unified_gradient(row, th, parts[0][0][i], parts[0][1][i], parts[1][0][j], parts[1][1][j],
                         old_logits=old, beta_logits=beta)
    w = np.exp(parts[0][2][i] + parts[1][2][j])
    mu = w @ g
    d = g - mu
    return ExactMoments(mu[None, :], ((d * w[:, None]).T @ d)[None], int(w.size), row.name, False)


def monte_carlo_unified(row: UnifiedRow, logits, rewards, G_on: int, G_off: int, n: int, *, rng=None,
                        old_logits=None, beta_logits=None, binary: bool = False) -> GradientEstimate:
    r"""Monte-Carlo mean and standard error of a unified row over ``n`` sampled batches (seeded).

    On-policy groups are drawn from :math:`\pi_{old}` and demonstrations from :math:`\pi_\beta`
    with :func:`~pgtheory.bandits.sample_groups` (inverse-CDF sampling from ``rng``).

    Parameters
    ----------
    row : UnifiedRow
    logits, rewards : array_like, shape (K,)
    G_on, G_off : int
    n : int
        Number of batches.
    rng : numpy.random.Generator or int, optional
    old_logits, beta_logits : array_like, shape (K,), optional
    binary : bool

    Returns
    -------
    GradientEstimate
        ``mean`` and ``stderr`` of shape (1, K).

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419 v1 [paper figure, code]; the sampler [inferred].
    """
    th, r, G_on, G_off, old, beta = _check_inputs(row, logits, rewards, G_on, G_off, old_logits, beta_logits, binary)
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(rng)
    if G_on:
        a_on, r_on = sample_groups(old, r, G_on, n, rng=rng, binary=binary)
    else:
        a_on, r_on = np.zeros((n, 1, 0), dtype=np.int64), np.zeros((n, 1, 0))
    if G_off:
        a_off, r_off = sample_groups(beta, r, G_off, n, rng=rng, binary=binary)
    else:
        a_off, r_off = np.zeros((n, 1, 0), dtype=np.int64), np.zeros((n, 1, 0))
    g = unified_gradient(row, th, a_on[:, 0], r_on[:, 0], a_off[:, 0], r_off[:, 0], old_logits=old, beta_logits=beta)
    mean = g.mean(axis=0)
    se = g.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(mean.shape, np.nan)
    return GradientEstimate(mean=mean[None], stderr=se[None], n_trajectories=n, n_steps=n * (G_on + G_off),
                            estimator=row.name, backend="numpy")


def hpt_expected_update(logits, rewards, n: int, demo_arm: int, *, mu: float = 1.0, gate: int = 0,
                        estimator="grpo", binary: bool = False, **options) -> dict:
    r"""Exact expected update of HPT's switch: SFT on a demonstration when at most ``gate`` of ``n`` rollouts succeed.

    .. math:: \mathbb E[u]=\mu\,P(k\le\text{gate})\,(e_{y^\star}-\pi)
              +\mathbb E\big[\hat g_{RL}\,\mathbb 1\{k>\text{gate}\}\big],

    where :math:`k` is the number of successes among the ``n`` rollouts, :math:`y^\star` the
    demonstration and :math:`\hat g_{RL}` the RL estimator; enumerated over count vectors. For
    ``gate=0`` and binary rewards :math:`P(\text{SFT})=(1-p)^n`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Rewards in {0, 1}, or success probabilities with ``binary=True``.
    n : int
        Rollouts per question.
    demo_arm : int
        The demonstration :math:`y^\star` (an arm index).
    mu : float
        Weight of the SFT loss (the released config's :math:`\beta(P)` on the SFT branch).
    gate : int
        Largest number of successes that switches to SFT (released config: 0).
    estimator : str or GroupEstimator
        RL estimator of the other branch.
    binary : bool
    **options
        Estimator options.

    Returns
    -------
    dict
        ``{"mean": (K,), "p_sft": float, "sft_part": (K,), "rl_part": (K,), "n_groups": int}``.

    Raises
    ------
    ValidationError
        ``demo_arm`` out of range, negative ``gate``, non-binary rewards, or as
        :func:`~pgtheory.bandits.group_law`.

    References
    ----------
    Lv et al. 2025, arXiv:2509.04419, Algorithm 1 (``figs/hpt_pseudo_code.png``) [paper figure];
    released switch rule (gate 0) in ``mix_trainer.py`` of TsinghuaC3I/Unify-Post-Training
    [code, as read for the dossier].
    """
    th = check_logits(logits)
    K = th.shape[-1]
    if isinstance(demo_arm, bool) or not isinstance(demo_arm, (int, np.integer)) or not 0 <= int(demo_arm) < K:
        raise ValidationError(f"demo_arm must be an arm index in [0, {K}); got {demo_arm!r}.")
    if isinstance(gate, bool) or not isinstance(gate, (int, np.integer)) or gate < 0:
        raise ValidationError(f"gate must be an integer >= 0; got {gate!r}.")
    r = as_float_array(rewards, "rewards", ndim=1)
    if not binary and not np.all((r == 0) | (r == 1)):
        raise ValidationError("HPT counts successes: rewards must be 0/1 (or pass binary=True with success "
                              "probabilities).")
    if not (np.isfinite(mu) and mu >= 0):
        raise ValidationError(f"mu must be a finite number >= 0; got {mu!r}.")
    est = _as_estimator(estimator, **options)
    law = group_law(est, th, r, n, binary=binary)
    k = law.rewards.sum(axis=1)
    sft = k <= gate
    p_sft = float(law.probs[sft].sum())
    s_demo = np.eye(K)[int(demo_arm)] - policy_probs(th)
    sft_part = float(mu) * p_sft * s_demo
    rl_part = law.probs[~sft] @ law.estimates[~sft]
    return {"mean": sft_part + rl_part, "p_sft": p_sft, "sft_part": sft_part, "rl_part": rl_part,
            "n_groups": law.n_groups}
