r"""Group policy-gradient estimators of LLM RL on a softmax bandit (pure NumPy functions).

Shapes: a *batch* holds ``M`` prompts with a group of ``G`` responses each. ``actions`` and
``rewards`` have shape ``(..., M, G)`` (``...`` = independent batches, e.g. enumerated groups),
``logits`` has shape ``(M, K)`` and a gradient estimate has shape ``(..., M, K)``: row ``x`` is
the estimate of :math:`\nabla_{\theta_x}p_x` for prompt ``x`` (multiply by :math:`\rho(x)` for
:math:`\nabla J`). Every estimator has the form

.. math:: \hat g_x=\frac1G\sum_{i=1}^G A_i\,w_i\,(e_{y_i}-\pi_x),

with an advantage :math:`A_i` computed from the group's rewards and a per-sample weight
:math:`w_i` that models the token aggregation (``loss_type``) for responses of length
:math:`\ell_i` (the sum of per-token scores of a response is its sequence score, so the token
losses of TRL reduce exactly to per-sequence weights):

* ``"grpo"``: :math:`w_i=1/\ell_i` (mean over the response's tokens, then over responses);
* ``"bnpo"`` and ``"dapo"``: :math:`w_i=G M/\sum_{j}\ell_j` (all tokens of the batch; DAPO's
  global normaliser equals it in one process);
* ``"dr_grpo"``: :math:`w_i=1/L_{\max}` (a constant, ``max_completion_length``).

Option names follow TRL's ``GRPOConfig`` (``loss_type``, ``scale_rewards`` group / batch / none,
``epsilon`` added to the std). Note the name clash: TRL's ``loss_type="bnpo"`` is a token
aggregation, unrelated to the BNPO paper's Beta normalisation (estimator ``"bnpo"`` here).

Provenance tags in docstrings: [paper] formula read in the paper, [code] in the authors'
code (the file and function are named where used), [docs] third-party docs
(TRL), [inferred] our derivation.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np

from .._validate import as_float_array
from ..errors import ShapeError, ValidationError
from ._model import _log_probs, policy_probs

__all__ = [
    "LOSS_TYPES", "SCALE_REWARDS", "ESTIMATORS",
    "group_gradient", "loss_type_weights",
    "reinforce_advantages", "rloo_advantages", "grpo_advantages", "dr_grpo_advantages",
    "bnpo_beta_parameters", "bnpo_advantages", "san_advantages", "psr_nsr_advantages",
    "disco_advantages", "oreal_advantages", "nft_coefficients",
    "GroupEstimator", "make_estimator",
]

LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo")
SCALE_REWARDS = ("group", "batch", "none")


# --------------------------------------------------------------------------- helpers
def _group_mean(r):
    """Group mean, exactly r[0] for all-equal groups (so all-equal groups get A = 0 exactly)."""
    m = r.mean(axis=-1, keepdims=True)
    return np.where(np.all(r == r[..., :1], axis=-1, keepdims=True), r[..., :1], m)


def _safe_div(num, den):
    """num / den with 0 where den == 0 (then num is 0 too: all-equal groups)."""
    den_safe = np.where(den == 0, 1.0, den)
    return np.where(den == 0, 0.0, num / den_safe)


def _std(r, axis, ddof):
    n = np.prod([r.shape[a] for a in (axis if isinstance(axis, tuple) else (axis,))])
    if n - ddof <= 0:
        raise ValidationError(f"the standard deviation with ddof={ddof} needs more than {ddof} rewards; "
                              f"got {n}. Fix: use ddof=0 or a larger group (G >= 2).")
    m = r.mean(axis=axis, keepdims=True)
    var = ((r - m) ** 2).sum(axis=axis, keepdims=True) / (n - ddof)
    # exact zero for all-equal groups (rounding of the mean could leave ~1e-17)
    same = np.all(r == r.take([0], axis=axis[-1] if isinstance(axis, tuple) else axis), axis=axis, keepdims=True)
    return np.where(same, 0.0, np.sqrt(var))


def _check_G(G: int, minimum: int, who: str) -> None:
    if G < minimum:
        raise ValidationError(f"{who} needs groups of G >= {minimum} responses; got G={G}. "
                              f"Fix: sample at least {minimum} responses per prompt.")


def _rewards(rewards, name="rewards") -> np.ndarray:
    r = as_float_array(rewards, name)
    if r.ndim < 1 or r.shape[-1] < 1:
        raise ShapeError(f"{name} must have a last axis of G >= 1 responses; got shape {r.shape}.")
    return r


# --------------------------------------------------------------------------- gradient
def group_gradient(logits, actions, coef) -> np.ndarray:
    r"""Score-weighted group sum :math:`\frac1G\sum_i c_i(e_{y_i}-\pi_x)` w.r.t. the logits.

    Parameters
    ----------
    logits : array_like, shape (M, K)
        Policy logits (one row per prompt).
    actions : array_like of int, shape (..., M, G)
        Sampled responses.
    coef : array_like, shape (..., M, G)
        Per-sample coefficient :math:`c_i=A_iw_i`.

    Returns
    -------
    numpy.ndarray, shape (..., M, K)
        The estimate; :math:`e_{y}-\pi` is the softmax score :math:`\nabla_\theta\log\pi(y)`.
    """
    th = np.asarray(logits, dtype=np.float64)
    if th.ndim == 1:
        th = th[None, :]
    a = np.asarray(actions)
    c = np.asarray(coef, dtype=np.float64)
    c = np.broadcast_to(c, a.shape)
    M, K = th.shape
    G = a.shape[-1]
    pi = policy_probs(th)
    lead = a.shape[:-1]  # (..., M)
    B = int(np.prod(lead))
    idx = (np.arange(B).reshape(lead + (1,)) * K + a).ravel()
    csum = np.bincount(idx, weights=c.ravel(), minlength=B * K).reshape(lead + (K,))
    tot = c.sum(axis=-1, keepdims=True)
    return (csum - pi * tot) / G


def loss_type_weights(lengths, loss_type: str = "grpo", max_completion_length: float | None = None) -> np.ndarray:
    r"""Per-sample weights :math:`w_i` of TRL's token aggregations (``loss_type``).

    Parameters
    ----------
    lengths : array_like, shape (..., M, G)
        Response lengths :math:`\ell_i\ge1` (tokens).
    loss_type : {"grpo", "dr_grpo", "dapo", "bnpo"}
        ``grpo``: :math:`1/\ell_i`; ``bnpo``/``dapo``: :math:`MG/\sum_{batch}\ell_j`;
        ``dr_grpo``: :math:`1/L_{\max}`.
    max_completion_length : float, optional
        :math:`L_{\max}` for ``dr_grpo`` (default: the largest length in ``lengths``).

    Returns
    -------
    numpy.ndarray, shape (..., M, G)

    References
    ----------
    TRL ``GRPOTrainer`` docs, "loss types" [docs]; Liu et al. 2025, *Understanding R1-Zero-Like
    Training* (Dr. GRPO), arXiv:2503.20783 (abstract: length bias of :math:`1/|o_i|`).
    """
    if loss_type not in LOSS_TYPES:
        raise ValidationError(f"unknown loss_type {loss_type!r}. Fix: use one of {LOSS_TYPES}.")
    ell = as_float_array(lengths, "lengths")
    if np.any(ell <= 0):
        raise ValidationError("lengths must be positive token counts. Fix: pass lengths >= 1.")
    if loss_type == "grpo":
        return 1.0 / ell
    if loss_type == "dr_grpo":
        L = float(np.max(ell)) if max_completion_length is None else float(max_completion_length)
        return np.full(ell.shape, 1.0 / L)
    n = ell.shape[-1] * ell.shape[-2] if ell.ndim >= 2 else ell.shape[-1]
    axes = (-2, -1) if ell.ndim >= 2 else (-1,)
    return n / ell.sum(axis=axes, keepdims=True) * np.ones_like(ell)


# --------------------------------------------------------------------------- advantages
def reinforce_advantages(rewards, baseline: float = 0.0) -> np.ndarray:
    r"""REINFORCE advantage :math:`A_i=r_i-b` with a constant baseline.

    Parameters
    ----------
    rewards : array_like, shape (..., G)
    baseline : float
        Constant baseline :math:`b` (independent of the samples).

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Williams 1992 (REINFORCE). Unbiased for :math:`\nabla p` for any constant :math:`b` [inferred].
    """
    return _rewards(rewards) - float(baseline)


def rloo_advantages(rewards) -> np.ndarray:
    r"""RLOO advantage :math:`A_i=r_i-\frac1{G-1}\sum_{j\ne i}r_j=\frac G{G-1}(r_i-\bar r)`.

    Parameters
    ----------
    rewards : array_like, shape (..., G), G >= 2

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Kool, van Hoof & Welling 2019 (*Buy 4 REINFORCE samples*); Ahmadian et al. 2024, *Back to
    Basics*, arXiv:2402.14740 [docs: TRL RLOO]. Exactly unbiased for :math:`\nabla p` [inferred;
    the baseline of sample i is independent of :math:`y_i`].
    """
    r = _rewards(rewards)
    G = r.shape[-1]
    _check_G(G, 2, "rloo (leave-one-out baseline)")
    return G / (G - 1) * (r - _group_mean(r))  # = r_i - mean of the others


def grpo_advantages(rewards, *, scale_rewards: str = "group", ddof: int = 1, epsilon: float = 1e-4) -> np.ndarray:
    r"""GRPO group-relative advantage :math:`A_i=(r_i-\bar r)/(s+\epsilon)`.

    Parameters
    ----------
    rewards : array_like, shape (..., M, G) (or (..., G) when ``scale_rewards != "batch"``)
    scale_rewards : {"group", "batch", "none"}
        ``group``: :math:`s` = std of the group; ``batch``: std of all ``M*G`` rewards of the
        batch (axes -2, -1); ``none``: no division (Dr. GRPO).
    ddof : {0, 1}
        Delta degrees of freedom of the std (TRL / ``torch.std``: 1 [docs]).
    epsilon : float
        Added to the std (TRL: 1e-4 [docs]). With ``epsilon=0`` an all-equal group gets
        :math:`A\equiv0` (0/0 is defined as 0).

    Returns
    -------
    numpy.ndarray, same shape as ``rewards``

    References
    ----------
    Shao et al. 2024, *DeepSeekMath*, arXiv:2402.03300 v3, Sec. 4.1.2 (outcome supervision:
    normalised reward) [docs: TRL GRPOTrainer]; Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783.
    """
    if scale_rewards not in SCALE_REWARDS:
        raise ValidationError(f"unknown scale_rewards {scale_rewards!r}. Fix: use one of {SCALE_REWARDS}.")
    if ddof not in (0, 1):
        raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValidationError(f"epsilon must be a finite number >= 0; got {epsilon!r}.")
    r = _rewards(rewards)
    centred = dr_grpo_advantages(r)  # scale_rewards="none" is Dr. GRPO: one implementation of the centring
    if scale_rewards == "none":
        return centred
    if scale_rewards == "group":
        _check_G(r.shape[-1], 1 + ddof, f"the group std with ddof={ddof}")
        s = _std(r, -1, ddof)
    else:
        if r.ndim < 2:
            raise ShapeError("scale_rewards='batch' needs rewards of shape (..., M, G). Fix: add the prompt axis.")
        s = _std(r, (-2, -1), ddof)
    return _safe_div(centred, s + epsilon) if epsilon == 0 else centred / (s + epsilon)


def dr_grpo_advantages(rewards) -> np.ndarray:
    r"""Dr. GRPO advantage :math:`A_i=r_i-\bar r` (self-inclusive mean, no std).

    Parameters
    ----------
    rewards : array_like, shape (..., G)

    Returns
    -------
    numpy.ndarray, shape (..., G)

    Notes
    -----
    :math:`\mathbb E[\hat g]=\frac{G-1}{G}\nabla p` exactly (it is :math:`\frac{G-1}G` times RLOO).

    References
    ----------
    Liu et al. 2025, arXiv:2503.20783 (abstract) [docs: TRL ``scale_rewards="none"``].
    """
    r = _rewards(rewards)
    return r - _group_mean(r)


def bnpo_beta_parameters(phat) -> tuple[float, float]:
    r"""BNPO's Beta parameters :math:`(\alpha,\beta)` from the batch of group success rates.

    Method of moments on the :math:`\hat p` of the batch: :math:`\bar p`, :math:`v` (ddof=0),
    :math:`a=(\bar p(1-\bar p)/v-1)\bar p`, :math:`b=(\bar p(1-\bar p)/v-1)(1-\bar p)`, then
    :math:`\alpha=\max(1,1+a/3)`, :math:`\beta=\max(1,1+b/3)`. When :math:`v=0` (one prompt, or
    equal rates) we return :math:`(1, 1)` [inferred: the fit is undefined].

    Parameters
    ----------
    phat : array_like, shape (M,)
        Group success rates.

    Returns
    -------
    (alpha, beta) : tuple of float

    References
    ----------
    Xiao, Zhang & Cao 2025, *BNPO*, arXiv:2506.02864 v1; formula from the authors' code
    ``compute_bnpo_outcome_advantage`` [code, read in the file named].
    """
    ph = np.asarray(phat, dtype=np.float64).ravel()
    m = ph.mean()
    v = ph.var()
    if v <= 0 or m <= 0 or m >= 1:
        return 1.0, 1.0
    k = m * (1 - m) / v - 1
    return max(1.0, 1 + k * m / 3), max(1.0, 1 + k * (1 - m) / 3)


def _beta_density(p, a, b):
    logB = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        la = np.where(a == 1, 0.0, (a - 1) * np.log(p))  # a == 1: p^0 = 1 also at p = 0
        lb = np.where(b == 1, 0.0, (b - 1) * np.log1p(-p))
        return np.exp(la + lb - logB)


def bnpo_advantages(rewards, *, alpha: float | None = None, beta: float | None = None,
                    clamp: float = 1e6) -> np.ndarray:
    r"""BNPO advantage :math:`A_i=(r_i-\hat p)\,\min(1/f_N(\hat p;\alpha,\beta),\,\mathrm{clamp})`.

    :math:`\hat p` = group mean (self included), :math:`f_N` = Beta(α, β) density. Without
    ``alpha``/``beta`` they are fitted on the batch (:func:`bnpo_beta_parameters`), so a prompt's
    advantage depends on the other prompts (non-separable).

    Parameters
    ----------
    rewards : array_like, shape (..., M, G)
        Binary rewards (or rewards rescaled to [0, 1]).
    alpha, beta : float, optional
        Fixed Beta parameters (α=β=1: Dr. GRPO; α=β=3/2: GRPO with ddof=0 times π/8).
    clamp : float
        Upper clamp of :math:`1/f_N` (code: 1e6 [code]).

    Returns
    -------
    numpy.ndarray, same shape as ``rewards``

    References
    ----------
    Xiao, Zhang & Cao 2025, arXiv:2506.02864 v1 [code, read in the file named].
    """
    r = _rewards(rewards)
    if r.ndim < 2:
        r = r[None, :]
    phat = _group_mean(r)
    if alpha is None or beta is None:
        lead = r.shape[:-2]
        flat = phat.reshape((-1, r.shape[-2]))
        ab = np.array([bnpo_beta_parameters(row) for row in flat]).reshape(lead + (1, 1, 2))
        al, be = ab[..., 0], ab[..., 1]
        out = np.empty_like(r)
        # vectorise over distinct (alpha, beta) pairs
        pairs = np.unique(ab.reshape(-1, 2), axis=0)
        for a_, b_ in pairs:
            mask = np.broadcast_to((al == a_) & (be == b_), r.shape)
            inv = np.minimum(1.0 / np.maximum(_beta_density(phat, a_, b_), 1e-300), clamp)
            out = np.where(mask, (r - phat) * inv, out)
        return out
    inv = np.minimum(1.0 / np.maximum(_beta_density(phat, float(alpha), float(beta)), 1e-300), clamp)
    return (r - phat) * inv


def san_advantages(rewards, strata, *, epsilon: float = 0.0, ddof: int = 0, blend: float = 1.0) -> np.ndarray:
    r"""Stratified Advantage Normalisation (SAN), optionally blended with the global one.

    .. math:: \hat A_{SAN}(i)=\frac{r_i-\bar r_{k(i)}}{\hat\sigma_{k(i)}+\varepsilon},\qquad
              \hat A=\alpha\hat A_{SAN}+(1-\alpha)\frac{r_i-\bar r}{\hat\sigma+\varepsilon}.

    Strata are computed within each group (last axis). A singleton or constant stratum gets
    :math:`\hat A_{SAN}=0` when ``epsilon=0`` (0/0 := 0, numerator is 0).

    Parameters
    ----------
    rewards : array_like, shape (..., G)
    strata : array_like of int, shape (..., G)
        Stratum label of each response (e.g. its number of search calls).
    epsilon : float
    ddof : {0, 1}
    blend : float
        :math:`\alpha\in[0,1]` (1 = pure SAN).

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Zhu et al. 2025, *Stratified GRPO*, arXiv:2510.06214 v1, Sec. 3 (SAN; Prop. 1; Thm. 1)
    [secondary review, not checked against the paper; blend form from the abstract].
    """
    r = _rewards(rewards)
    s = np.broadcast_to(np.asarray(strata), r.shape)
    out = np.zeros_like(r)
    for k in np.unique(s):
        mask = s == k
        n = mask.sum(axis=-1, keepdims=True)
        nz = np.maximum(n, 1)
        mean = np.where(mask, r, 0).sum(axis=-1, keepdims=True) / nz
        # constant strata (max == min): exactly zero deviation (the rounded mean could leave 1e-16)
        const = (np.where(mask, r, -np.inf).max(axis=-1, keepdims=True)
                 == np.where(mask, r, np.inf).min(axis=-1, keepdims=True))
        dev = np.where(mask & ~const, r - mean, 0.0)
        var = (dev ** 2).sum(axis=-1, keepdims=True) / np.maximum(n - ddof, 1)
        sd = np.where((n - ddof > 0) & ~const, np.sqrt(var), 0.0)
        a = _safe_div(dev, sd + epsilon) if epsilon == 0 else dev / (sd + epsilon)
        out = np.where(mask, a, out)
    if blend != 1.0:
        out = blend * out + (1 - blend) * grpo_advantages(r, scale_rewards="group", ddof=ddof, epsilon=epsilon)
    return out


def psr_nsr_advantages(rewards, mode: str = "psr", *, lam: float = 0.1, subset_mean: bool = False) -> np.ndarray:
    r"""Positive / negative sample reinforcement (PSR, NSR) and W-REINFORCE weights.

    Binary rewards :math:`r\in\{0,1\}`: PSR :math:`A=r` (correct responses only), NSR
    :math:`A=r-1` (incorrect only), W-REINFORCE :math:`A=\lambda` if correct, :math:`-1` else.
    ``subset_mean=True`` averages over the kept subset of the group instead of over ``G``.

    Parameters
    ----------
    rewards : array_like, shape (..., G), values in {0, 1}
    mode : {"psr", "nsr", "w_reinforce"}
    lam : float
        λ of W-REINFORCE (paper: 0.1).
    subset_mean : bool

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Zhu et al. 2025, *The Surprising Effectiveness of Negative Reinforcement in LLM Reasoning*,
    arXiv:2506.01347, Eqs. (1)-(4) and the code's ``compute_psr_nsr_outcome_advantage`` [paper,
    code, read in the file named].
    """
    r = _rewards(rewards)
    if not np.all((r == 0) | (r == 1)):
        raise ValidationError("psr_nsr_advantages needs binary rewards in {0, 1}. Fix: threshold the rewards.")
    if mode == "psr":
        a, keep = r.copy(), r == 1
    elif mode == "nsr":
        a, keep = r - 1.0, r == 0
    elif mode == "w_reinforce":
        a, keep = np.where(r == 1, float(lam), -1.0), np.ones(r.shape, bool)
    else:
        raise ValidationError(f"unknown mode {mode!r}. Fix: use 'psr', 'nsr' or 'w_reinforce'.")
    if subset_mean:
        n = keep.sum(axis=-1, keepdims=True)
        a = _safe_div(a * r.shape[-1], n.astype(float))
    return a


def disco_advantages(rewards) -> np.ndarray:
    r"""DisCO-b (log-likelihood score) as a group advantage.

    Per question, :math:`\frac1{n^+}\sum_{i\in+}\nabla\log\pi(o_i)-\frac1{n^-}\sum_{j\in-}\nabla\log\pi(o_j)`,
    i.e. :math:`A_i=G/n^+` for correct and :math:`-G/n^-` for incorrect responses; groups with no
    correct or no incorrect response are dropped (:math:`A\equiv0`).

    Parameters
    ----------
    rewards : array_like, shape (..., G), values in {0, 1}

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Li et al. 2025, *DisCO*, arXiv:2505.12366; code ``compute_policy_loss_discob_logL`` [code, via
    read in the file named]. At θ=θ_old.
    """
    r = _rewards(rewards)
    G = r.shape[-1]
    npos = (r == 1).sum(axis=-1, keepdims=True).astype(float)
    nneg = G - npos
    valid = (npos > 0) & (nneg > 0)
    a = np.where(r == 1, G / np.maximum(npos, 1), -G / np.maximum(nneg, 1))
    return np.where(valid, a, 0.0)


def oreal_advantages(rewards, *, negative: str = "rloo") -> np.ndarray:
    r"""OREAL-style update: behaviour cloning on positives, shaped policy gradient on negatives.

    Positives get :math:`A_i=G/n^+` (token-level BC normalised by the positive count; here
    sequence-level), negatives get the RLOO (or GRPO) advantage times :math:`G/n^-` (normalised by
    the negative count). Groups without positives contribute only the negative term.

    Parameters
    ----------
    rewards : array_like, shape (..., G), values in {0, 1}
    negative : {"rloo", "grpo"}

    Returns
    -------
    numpy.ndarray, shape (..., G)

    References
    ----------
    Lyu et al. 2025, *Exploring the Limit of Outcome Reward*, arXiv:2502.06781 v1; loss as read
    in ``train_oreal.py`` [code, read in the file named]; the per-count normalisers are [inferred] from the
    description "normalized by the total number of positive / negative tokens".
    """
    r = _rewards(rewards)
    G = r.shape[-1]
    adv = rloo_advantages(r) if negative == "rloo" else grpo_advantages(r, ddof=1, epsilon=0.0)
    if negative not in ("rloo", "grpo"):
        raise ValidationError(f"unknown negative shaping {negative!r}. Fix: 'rloo' or 'grpo'.")
    npos = (r == 1).sum(axis=-1, keepdims=True).astype(float)
    nneg = G - npos
    return np.where(r == 1, G / np.maximum(npos, 1), adv * G / np.maximum(nneg, 1))


#: The released NFT code clamps the success rate r-hat to this interval (one default for both entry points).
_NFT_RHAT_CLIP = (0.02, 0.98)


def nft_coefficients(rewards, actions, logits, old_logits, *, normalize: int = 2, neg_weight: float = 1.0,
                     rhat_clip: tuple = _NFT_RHAT_CLIP, log_floor: float = 1e-6) -> np.ndarray:
    r"""NFT's descent-direction coefficients on :math:`\nabla\log\pi_\theta(y_i)`.

    With :math:`\hat r` = group success rate clipped to ``rhat_clip`` and the sequence ratio
    :math:`R=\pi_\theta(y)/\pi_{old}(y)`, the loss is :math:`-\log R` on correct and
    :math:`-\log\frac{1-\hat rR}{1-\hat r}` on incorrect responses, times the prompt weight
    :math:`w(\hat r)` = 1, :math:`1-\hat r`, :math:`\sqrt{(1-\hat r)/\hat r}` for ``normalize``
    0, 1, 2. Minus its gradient is :math:`c_i\nabla\log\pi_\theta(y_i)` with

    .. math:: c_i=w(\hat r)\Big[\mathbb 1_{r_i=1}-\mathrm{neg}\cdot\mathbb 1_{r_i=0}
              \frac{\hat rR_i}{1-\hat rR_i}\Big].

    At :math:`\theta=\theta_{old}` (:math:`R=1`) and unclipped :math:`\hat r`:
    ``normalize=1`` gives the Dr. GRPO advantage, ``normalize=2`` GRPO's (ddof=0, ε=0).

    Parameters
    ----------
    rewards : array_like, shape (..., M, G), values in {0, 1}
    actions : array_like of int, shape (..., M, G)
    logits, old_logits : array_like, shape (M, K)
        Current and sampling (old) policy logits.
    normalize : {0, 1, 2}
    neg_weight : float
        1 = NFT, 0 = rejection fine-tuning.
    rhat_clip : (float, float)
    log_floor : float
        Floor of the straight-through clamp of the log argument
        :math:`(1-\hat rR)/(1-\hat r)` (value clamped, gradient passed: the coefficient becomes
        :math:`\hat rR/((1-\hat r)\max(x,\text{floor}))`). The code's constant was not read; 1e-6 is
        [inferred]. The clamp is inactive when :math:`\hat rR<1`, e.g. at :math:`\theta=\theta_{old}`.

    Returns
    -------
    numpy.ndarray, shape (..., M, G)

    References
    ----------
    Chen et al. 2025, *Bridging Supervised Learning and Reinforcement Learning in Math Reasoning*,
    arXiv:2505.18116 v2; ``dp_actor.py`` of NVlabs/NFT [code, read in the file named].
    """
    r = _rewards(rewards)
    if normalize not in (0, 1, 2):
        raise ValidationError(f"normalize must be 0, 1 or 2; got {normalize!r}.")
    rh = np.clip(_group_mean(r), *rhat_clip)
    w = {0: np.ones_like(rh), 1: 1 - rh, 2: np.sqrt((1 - rh) / rh)}[normalize]
    lp = np.atleast_2d(_log_probs(logits))
    lpo = np.atleast_2d(_log_probs(old_logits))
    a = np.asarray(actions)
    M = lp.shape[0]
    xi = np.arange(M).reshape((M, 1))
    R = np.exp(lp[xi, a] - lpo[xi, a])
    # straight-through clamp: -grad log(clamp(x)) = grad(x) / max(x, log_floor), x = (1 - rh R)/(1 - rh)
    x = np.maximum((1 - rh * R) / (1 - rh), log_floor)
    neg = neg_weight * rh * R / ((1 - rh) * x)
    return w * np.where(r == 1, 1.0, -neg)


# --------------------------------------------------------------------------- estimator objects
ESTIMATORS = ("reinforce", "rloo", "grpo", "dr_grpo", "bnpo", "san", "psr", "nsr", "w_reinforce",
              "disco", "oreal", "nft")


@dataclasses.dataclass(frozen=True)
class GroupEstimator:
    r"""A named group estimator :math:`\hat g_x=\frac1G\sum_iA_iw_i(e_{y_i}-\pi_x)` with its options.

    Call it as ``est(logits, actions, rewards, lengths=None)`` with ``actions``, ``rewards``
    of shape (..., M, G) and ``logits`` (M, K); returns the estimate (..., M, K). Build it with
    :func:`make_estimator`.

    Attributes
    ----------
    name : str
    options : dict
    advantage : callable
        ``(rewards, actions, logits, behavior_logits) -> A`` of shape (..., M, G).
    separable : bool
        True when a prompt's estimate depends only on its own group (exact moments can then be
        enumerated prompt by prompt).
    needs_arms : bool
        True when the advantage depends on the sampled arms (not only on the rewards).
    min_G : int
    """

    name: str
    options: dict
    advantage: Callable
    separable: bool = True
    needs_arms: bool = False
    min_G: int = 1
    loss_type: str | None = None
    max_completion_length: float | None = None
    clip_epsilon: float | None = None

    def coefficients(self, logits, actions, rewards, lengths=None, behavior_logits=None) -> np.ndarray:
        """Per-sample coefficients :math:`c_i=A_iw_i` of the groups, shape (..., M, G).

        ``behavior_logits`` (M, K) is the sampling policy (default: ``logits``); only NFT uses it
        (as :math:`\\theta_{old}` when its ``old_logits`` option is not given).
        """
        a = np.asarray(actions)
        if a.shape[-1] < self.min_G:
            _check_G(a.shape[-1], self.min_G, self.name)
        A = self.advantage(np.asarray(rewards, dtype=np.float64), a, logits,
                           logits if behavior_logits is None else behavior_logits)
        if self.loss_type is not None and lengths is not None:
            ell = np.asarray(lengths, dtype=np.float64)
            th = np.asarray(logits)
            Lmax = self.max_completion_length
            if ell.shape[-1] == (th.shape[-1]) and ell.shape != a.shape:
                # per-arm lengths: L_max defaults to the longest response (not the longest sampled one)
                Lmax = float(np.max(ell)) if Lmax is None else Lmax
                ell = ell[a] if ell.ndim == 1 else np.take_along_axis(
                    np.broadcast_to(ell, a.shape[:-1] + ell.shape[-1:]), a, axis=-1)
            A = A * loss_type_weights(ell, self.loss_type, Lmax)
        if self.clip_epsilon is not None:
            A = A * _ppo_clip_factor(A, a, logits, logits if behavior_logits is None else behavior_logits,
                                     self.clip_epsilon)
        return A

    def __call__(self, logits, actions, rewards, lengths=None, behavior_logits=None) -> np.ndarray:
        """Evaluate the estimate for groups ``actions``/``rewards`` (..., M, G) -> (..., M, K)."""
        A = self.coefficients(logits, actions, rewards, lengths, behavior_logits)
        return group_gradient(logits, np.asarray(actions), A)


def _ppo_clip_factor(A, actions, logits, old_logits, eps):
    r"""Gradient factor of the clipped surrogate :math:`\min(\rho A,\mathrm{clip}(\rho,1\pm\epsilon)A)`.

    Its gradient is :math:`\rho A\nabla\log\pi` where the unclipped branch is active
    (:math:`A>0,\rho<1+\epsilon` or :math:`A<0,\rho>1-\epsilon`) and 0 elsewhere; returns
    :math:`\rho\,\mathbb 1[\text{active}]` (sequence-level ratio).
    """
    lp = np.atleast_2d(_log_probs(logits))
    lpo = np.atleast_2d(_log_probs(old_logits))
    xi = np.arange(lp.shape[0]).reshape((lp.shape[0], 1))
    rho = np.exp(lp[xi, actions] - lpo[xi, actions])
    active = np.where(A > 0, rho < 1 + eps, rho > 1 - eps)
    return rho * active


def make_estimator(name: str, *, loss_type: str | None = None, max_completion_length: float | None = None,
                   clip_epsilon: float | None = None, **options) -> GroupEstimator:
    r"""Build a named group estimator (see :data:`ESTIMATORS`).

    Parameters
    ----------
    name : str
        ``reinforce`` (option ``baseline``), ``rloo``, ``grpo`` (``scale_rewards``, ``ddof``,
        ``epsilon``), ``dr_grpo``, ``bnpo`` (``alpha``, ``beta``, ``clamp``), ``san``
        (``strata`` per arm, shape (K,) or (M, K); ``epsilon``, ``ddof``, ``blend``), ``psr``,
        ``nsr``, ``w_reinforce`` (``lam``, ``subset_mean``), ``disco``, ``oreal`` (``negative``),
        ``nft`` (``old_logits``, ``normalize``, ``neg_weight``, ``rhat_clip``).
    loss_type : {"grpo", "dr_grpo", "dapo", "bnpo"}, optional
        Token aggregation (needs ``lengths`` at call time; see :func:`loss_type_weights`).
    max_completion_length : float, optional
        :math:`L_{\max}` of ``loss_type="dr_grpo"``.
    clip_epsilon : float, optional
        PPO/GRPO clipping :math:`\epsilon` of the ratio :math:`\pi_\theta/\pi_{old}` (sampling policy =
        ``behavior_logits``); the coefficient becomes :math:`\rho A\,\mathbb 1[\text{unclipped}]`;
        ``np.inf`` gives the ratio-weighted (importance-sampled) estimator without clipping.
    **options
        Estimator options.

    Returns
    -------
    GroupEstimator

    Raises
    ------
    ValidationError
        Unknown ``name`` or ``loss_type``.
    """
    if loss_type is not None and loss_type not in LOSS_TYPES:
        raise ValidationError(f"unknown loss_type {loss_type!r}. Fix: use one of {LOSS_TYPES}.")
    est = _make(name, loss_type, max_completion_length, dict(options))
    if clip_epsilon is not None:
        if not (clip_epsilon > 0):
            raise ValidationError(f"clip_epsilon must be > 0 (np.inf: ratio-weighted, never clipped); got {clip_epsilon!r}.")
        est = dataclasses.replace(est, clip_epsilon=float(clip_epsilon), needs_arms=True)
    return est


def _make(name, loss_type, max_completion_length, o) -> GroupEstimator:
    sep = loss_type not in ("bnpo", "dapo")
    if name == "reinforce":
        b = float(o.get("baseline", 0.0))
        return GroupEstimator(name, o, lambda r, a, th, beh: reinforce_advantages(r, b), sep, False, 1,
                              loss_type, max_completion_length)
    if name == "rloo":
        return GroupEstimator(name, o, lambda r, a, th, beh: rloo_advantages(r), sep, False, 2,
                              loss_type, max_completion_length)
    if name in ("grpo", "dr_grpo"):
        sr = o.get("scale_rewards", "group" if name == "grpo" else "none")
        ddof = int(o.get("ddof", 1))
        eps = float(o.get("epsilon", 1e-4))
        if sr not in SCALE_REWARDS:
            raise ValidationError(f"unknown scale_rewards {sr!r}. Fix: use one of {SCALE_REWARDS}.")
        if ddof not in (0, 1):
            raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
        ming = 1 + ddof if sr == "group" else 1
        return GroupEstimator(name, o, lambda r, a, th, beh: grpo_advantages(r, scale_rewards=sr, ddof=ddof, epsilon=eps),
                              sep and sr != "batch", False, ming, loss_type, max_completion_length)
    if name == "bnpo":
        al, be, cl = o.get("alpha"), o.get("beta"), float(o.get("clamp", 1e6))
        fixed = al is not None and be is not None
        return GroupEstimator(name, o, lambda r, a, th, beh: bnpo_advantages(r, alpha=al, beta=be, clamp=cl),
                              sep and fixed, False, 1, loss_type, max_completion_length)
    if name == "san":
        if "strata" not in o:
            raise ValidationError("estimator 'san' needs strata=array of stratum labels per arm. "
                                  "Fix: make_estimator('san', strata=[0, 0, 1, ...]).")
        st = np.asarray(o["strata"])
        eps, ddof, bl = float(o.get("epsilon", 0.0)), int(o.get("ddof", 0)), float(o.get("blend", 1.0))

        def adv(r, a, th, beh, st=st):
            lab = st[a] if st.ndim == 1 else np.take_along_axis(np.broadcast_to(st, a.shape[:-1] + st.shape[-1:]), a, -1)
            return san_advantages(r, lab, epsilon=eps, ddof=ddof, blend=bl)
        return GroupEstimator(name, o, adv, sep, True, 1, loss_type, max_completion_length)
    if name in ("psr", "nsr", "w_reinforce"):
        lam, sm = float(o.get("lam", 0.1)), bool(o.get("subset_mean", False))
        return GroupEstimator(name, o, lambda r, a, th, beh: psr_nsr_advantages(r, name, lam=lam, subset_mean=sm),
                              sep, False, 1, loss_type, max_completion_length)
    if name == "disco":
        return GroupEstimator(name, o, lambda r, a, th, beh: disco_advantages(r), sep, False, 1,
                              loss_type, max_completion_length)
    if name == "oreal":
        neg = o.get("negative", "rloo")
        return GroupEstimator(name, o, lambda r, a, th, beh: oreal_advantages(r, negative=neg), sep, False, 2,
                              loss_type, max_completion_length)
    if name == "nft":
        old = o.get("old_logits")
        norm, nw = int(o.get("normalize", 2)), float(o.get("neg_weight", 1.0))
        clip = tuple(o.get("rhat_clip", _NFT_RHAT_CLIP))

        def adv(r, a, th, beh, old=old):
            return nft_coefficients(r, a, th, beh if old is None else old, normalize=norm, neg_weight=nw,
                                    rhat_clip=clip)
        return GroupEstimator(name, o, adv, sep, True, 1, loss_type, max_completion_length)
    raise ValidationError(f"unknown estimator {name!r}. Fix: use one of {ESTIMATORS}.")


def _as_estimator(estimator, **options) -> GroupEstimator:
    if isinstance(estimator, GroupEstimator):
        if options:
            raise ValidationError("pass options to make_estimator, not together with a GroupEstimator.")
        return estimator
    if isinstance(estimator, str):
        return make_estimator(estimator, **options)
    raise ValidationError(f"estimator must be a name in {ESTIMATORS} or a GroupEstimator; got {type(estimator).__name__}.")

