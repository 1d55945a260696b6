r"""Contextual bandits with tabular softmax policies: the exact "bandit abstraction" of LLM RL.

A prompt is a context :math:`x \in \{0..M-1\}` drawn with weight :math:`\rho(x)`, a response
is an arm :math:`a \in \{0..K-1\}`, the policy is :math:`\pi(\cdot\mid x)=\mathrm{softmax}(\theta_x)`
with logits ``theta[M, K]``. Rewards are deterministic ``rewards[M, K]`` or, with
``binary=True``, Bernoulli with success probability ``rewards[x, a]``.

Everything here is exact: :math:`p_x=\sum_a\pi(a\mid x)\bar r(x,a)`, :math:`J=\sum_x\rho(x)p_x`
and :math:`\nabla_{\theta_x}J=\rho(x)\,\pi_x\odot(\bar r_x-p_x\mathbf 1)` (the softmax score is
:math:`e_a-\pi_x`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array, check_distribution, check_shape
from ..errors import ShapeError, ValidationError
from ..results import ResultMixin

__all__ = ["ContextualBandit", "policy_probs", "success_probability", "exact_logit_gradient", "check_logits"]


def check_logits(logits, name: str = "logits", K: int | None = None) -> np.ndarray:
    """Validate a logits array (finite float64, last axis = arms).

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Softmax logits; NaN or inf raise :class:`~pgtheory.errors.ValidationError`.
    name : str
        Argument name used in error messages.
    K : int, optional
        Required number of arms.

    Returns
    -------
    numpy.ndarray
        The logits as float64.
    """
    arr = as_float_array(logits, name)
    if arr.ndim < 1 or arr.shape[-1] < 1:
        raise ShapeError(f"{name} must have a last axis of arms (K >= 1); got shape {arr.shape}. "
                         f"Fix: pass logits of shape (K,) or (M, K).")
    if K is not None and arr.shape[-1] != K:
        raise ShapeError(f"{name} must have {K} arms on its last axis; got shape {arr.shape}.")
    return arr


@dataclasses.dataclass(frozen=True, repr=False)
class ContextualBandit(ResultMixin):
    r"""A contextual bandit: ``M`` prompts, ``K`` responses, tabular rewards.

    Parameters
    ----------
    rewards : array_like, shape (M, K) or (K,)
        Reward of response ``a`` to prompt ``x`` (deterministic), or its success probability
        when ``binary=True``. A 1-D array is one prompt.
    rho : array_like, shape (M,), optional
        Prompt distribution; uniform by default.
    binary : bool
        If True, the reward of ``(x, a)`` is Bernoulli(``rewards[x, a]``); ``rewards`` must lie
        in [0, 1].

    Notes
    -----
    With binary rewards :math:`p_x` is the success probability of prompt ``x`` and
    :math:`J(\theta)=\sum_x\rho(x)p_x`.
    """

    rewards: np.ndarray
    rho: np.ndarray
    binary: bool = False

    def __init__(self, rewards, rho=None, binary: bool = False):
        r = as_float_array(rewards, "rewards", ndim=(1, 2))
        if r.ndim == 1:
            r = r[None, :]
        M, K = r.shape
        if K < 1 or M < 1:
            raise ShapeError(f"rewards must have at least one prompt and one arm; got shape {r.shape}.")
        if binary and (np.any(r < 0) or np.any(r > 1)):
            raise ValidationError("rewards must lie in [0, 1] when binary=True (they are success "
                                  "probabilities). Fix: pass probabilities or binary=False.")
        if rho is None:
            rho_arr = np.full(M, 1.0 / M)
        else:
            rho_arr = check_distribution(rho, "rho")
            check_shape(rho_arr, (M,), "rho", "Fix: one weight per prompt (row of rewards).")
        r.setflags(write=False)
        rho_arr.setflags(write=False)
        object.__setattr__(self, "rewards", r)
        object.__setattr__(self, "rho", rho_arr)
        object.__setattr__(self, "binary", bool(binary))

    @property
    def M(self) -> int:
        """Number of prompts (contexts)."""
        return self.rewards.shape[0]

    @property
    def K(self) -> int:
        """Number of responses (arms)."""
        return self.rewards.shape[1]

    def probs(self, logits) -> np.ndarray:
        """Policy probabilities ``pi[M, K]`` of logits ``theta[M, K]`` (see :func:`policy_probs`)."""
        return policy_probs(self._theta(logits))

    def objective(self, logits) -> float:
        r""":math:`J(\theta)=\sum_x\rho(x)\sum_a\pi(a\mid x)\bar r(x,a)`."""
        return float(self.rho @ success_probability(self._theta(logits), self.rewards))

    def gradient(self, logits) -> np.ndarray:
        r"""Exact :math:`\nabla_\theta J`, shape (M, K) (see :func:`exact_logit_gradient`)."""
        return exact_logit_gradient(self._theta(logits), self.rewards, self.rho)

    def _theta(self, logits) -> np.ndarray:
        th = check_logits(logits, "logits", K=self.K)
        if th.ndim == 1:
            th = th[None, :]
        check_shape(th, (self.M, self.K), "logits", "Fix: one row of logits per prompt.")
        return th


def policy_probs(logits) -> np.ndarray:
    r"""Softmax policy :math:`\pi=\mathrm{softmax}(\theta)` along the last axis (stable).

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Logits; extreme values (e.g. +-1e3) give exact zeros, never NaN.

    Returns
    -------
    numpy.ndarray, shape (..., K)
    """
    return softmax(np.asarray(logits, dtype=np.float64), axis=-1)


def success_probability(logits, rewards) -> np.ndarray:
    r"""Expected reward :math:`p_x=\sum_a\pi(a\mid x)\bar r(x,a)` per prompt.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    rewards : array_like, shape (..., K)
        Mean reward of each arm (success probability for binary rewards).

    Returns
    -------
    numpy.ndarray, shape (...)
        Clipped to ``[min_a r(x,a), max_a r(x,a)]`` (so to [0, 1] for success probabilities).

    Notes
    -----
    :math:`p_x` is a convex combination of the rewards, so it lies in their range exactly; the
    rounded sum of ``K`` products can leave it by a few ulp (e.g. ``1.0000000000000002`` when every
    arm succeeds), which :func:`binary_weight` and :func:`exact_moments` would reject. The clip
    removes only that rounding.
    """
    r = np.broadcast_to(np.asarray(rewards, dtype=np.float64), np.shape(np.asarray(logits)))
    p = np.sum(policy_probs(logits) * r, axis=-1)
    # rounding of a sum of probabilities times rewards: clip back into the convex hull of the rewards
    return np.clip(p, np.min(r, axis=-1), np.max(r, axis=-1))


def exact_logit_gradient(logits, rewards, rho=None) -> np.ndarray:
    r"""Exact policy gradient w.r.t. the logits.

    .. math:: \nabla_{\theta_x}J=\rho(x)\,\pi_x\odot(\bar r_x-p_x\mathbf 1).

    Parameters
    ----------
    logits : array_like, shape (M, K) or (K,)
    rewards : array_like, same shape
        Mean rewards.
    rho : array_like, shape (M,), optional
        Prompt weights (default: 1 for every prompt, i.e. per-prompt gradients of :math:`p_x`).

    Returns
    -------
    numpy.ndarray, same shape as ``logits``
    """
    th = np.asarray(logits, dtype=np.float64)
    r = np.broadcast_to(np.asarray(rewards, dtype=np.float64), th.shape)
    pi = policy_probs(th)
    p = np.sum(pi * r, axis=-1, keepdims=True)
    g = pi * (r - p)
    if rho is not None:
        g = g * np.asarray(rho, dtype=np.float64)[..., None]
    return g


def _log_probs(logits) -> np.ndarray:
    return log_softmax(np.asarray(logits, dtype=np.float64), axis=-1)
