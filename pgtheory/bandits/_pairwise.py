r"""Pairwise (relative-feedback) policy gradients and invariance to equivalent rewards (P3O).

Two reward functions are *equivalent* when they induce the same preferences within every prompt,
e.g. :math:`r'(x,y)=r(x,y)+\delta(x)`. P3O (Wu et al.) updates from reward differences of two
responses to the same prompt; the pairwise policy gradient (recalled from the authors' blog post,
not re-read) is

.. math:: \hat g=\tfrac12\big(r(y_1)-r(y_2)\big)\big(\nabla\log\pi(y_1)-\nabla\log\pi(y_2)\big),

which depends on the rewards only through within-prompt differences, hence is invariant sample
by sample. :func:`pairwise_gradient` averages it over disjoint pairs (``pairs="disjoint"``,
``G`` even) or over all ordered pairs of a group (``"all"``); the all-pairs average equals the
RLOO estimator sample by sample (our identity). :func:`batch_whitened_advantages` is the
reward-scale calibration of PPO-style pipelines (advantages standardised over the whole batch of
prompts), whose dependence on :math:`\delta(x)` makes the expected update change;
:func:`make_whitened_estimator` wraps it as a (batch-coupled) group estimator for
:func:`~pgtheory.bandits.exact_moments`.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array
from ..errors import ShapeError, ValidationError
from ._estimators import GroupEstimator
from ._model import check_logits, policy_probs

__all__ = ["PAIRINGS", "pairwise_gradient", "batch_whitened_advantages", "make_whitened_estimator",
           "shift_rewards"]

PAIRINGS = ("disjoint", "all")


def pairwise_gradient(logits, actions, rewards, *, pairs: str = "all") -> np.ndarray:
    r"""Pairwise policy gradient of groups, w.r.t. the logits, computed pair by pair.

    .. math:: \hat g_x=\frac1{|\mathcal P|}\sum_{(i,j)\in\mathcal P}\tfrac12(r_i-r_j)(s_i-s_j),
              \qquad s_i=e_{y_i}-\pi_x,

    with :math:`\mathcal P` the disjoint pairs :math:`(1,2),(3,4),\dots` or all unordered pairs
    :math:`i<j`.

    Parameters
    ----------
    logits : array_like, shape (M, K) or (K,)
    actions : array_like of int, shape (..., M, G)
    rewards : array_like, shape (..., M, G)
    pairs : {"disjoint", "all"}
        ``"disjoint"`` needs an even ``G`` (P3O's two responses per prompt: ``G = 2``).

    Returns
    -------
    numpy.ndarray, shape (..., M, K)

    Raises
    ------
    ValidationError
        ``G < 2``, odd ``G`` with disjoint pairs, unknown ``pairs``.

    References
    ----------
    Wu et al. 2023, *Pairwise Proximal Policy Optimization*, arXiv:2310.00212 (abstract); the
    pairwise gradient as recalled from the BAIR blog post "Rethinking the Role of PPO in RLHF"
    [recalled, not re-read]; the equality with RLOO for ``pairs="all"`` [inferred].
    """
    if pairs not in PAIRINGS:
        raise ValidationError(f"pairs must be one of {PAIRINGS}; got {pairs!r}.")
    th = check_logits(logits)
    th = th[None, :] if th.ndim == 1 else th
    a = np.asarray(actions)
    r = as_float_array(rewards, "rewards")
    if a.shape != r.shape:
        raise ShapeError(f"actions and rewards must have the same shape; got {a.shape} and {r.shape}.")
    G = a.shape[-1]
    if G < 2:
        raise ValidationError(f"a pairwise gradient needs groups of G >= 2 responses; got G={G}. Fix: sample two or more.")
    if pairs == "disjoint":
        if G % 2:
            raise ValidationError(f"pairs='disjoint' needs an even group size; got G={G}. Fix: pairs='all' or even G.")
        plist = [(i, i + 1) for i in range(0, G, 2)]
    else:
        plist = [(i, j) for i in range(G) for j in range(i + 1, G)]
    K = th.shape[-1]
    pi = policy_probs(th)
    eye = np.eye(K)
    out = np.zeros(a.shape[:-1] + (K,))
    for i, j in plist:
        d = 0.5 * (r[..., i] - r[..., j])
        out += d[..., None] * ((eye[a[..., i]] - pi) - (eye[a[..., j]] - pi))
    return out / len(plist)


def batch_whitened_advantages(rewards, *, ddof: int = 0, epsilon: float = 0.0) -> np.ndarray:
    r"""Advantages standardised over the whole batch: :math:`A=(r-\bar r_{batch})/(s_{batch}+\epsilon)`.

    The mean and std are over all ``M x G`` rewards of a batch (axes -2, -1), as in PPO-style
    reward whitening; with ``epsilon = 0`` an all-equal batch gets :math:`A\equiv0`.

    Parameters
    ----------
    rewards : array_like, shape (..., M, G)
    ddof : {0, 1}
    epsilon : float

    Returns
    -------
    numpy.ndarray, same shape

    References
    ----------
    Wu et al. 2023, *P3O*, arXiv:2310.00212 (abstract: PPO must calibrate the reward scale)
    [abstract]; batch whitening as one such calibration [inferred].
    """
    r = as_float_array(rewards, "rewards")
    if r.ndim < 2:
        raise ShapeError(f"rewards must have shape (..., M, G); got {r.shape}. Fix: add the prompt axis.")
    if ddof not in (0, 1):
        raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValidationError(f"epsilon must be a finite number >= 0; got {epsilon!r}.")
    n = r.shape[-1] * r.shape[-2]
    if n - ddof <= 0:
        raise ValidationError(f"a batch std with ddof={ddof} needs more than {ddof} rewards; got {n}.")
    flat = r.reshape(r.shape[:-2] + (n,))
    same = np.all(flat == flat[..., :1], axis=-1)[..., None, None]
    m = np.where(same, r[..., :1, :1], r.mean(axis=(-2, -1), keepdims=True))
    s = np.where(same, 0.0, np.sqrt(((r - m) ** 2).sum(axis=(-2, -1), keepdims=True) / (n - ddof))) + epsilon
    return np.where(s == 0, 0.0, (r - m) / np.where(s == 0, 1.0, s))


def make_whitened_estimator(*, ddof: int = 0, epsilon: float = 0.0) -> GroupEstimator:
    r"""REINFORCE with batch-whitened rewards as a group estimator (couples the prompts of a batch).

    Parameters
    ----------
    ddof : {0, 1}
    epsilon : float

    Returns
    -------
    GroupEstimator
        Named ``"batch_whitened"``, not separable (use :func:`~pgtheory.bandits.exact_moments`
        with all prompts at once).

    References
    ----------
    Wu et al. 2023, arXiv:2310.00212 (abstract) [abstract]; the estimator [inferred].
    """
    batch_whitened_advantages(np.zeros((1, 2)), ddof=ddof, epsilon=epsilon)  # validate the options now
    return GroupEstimator("batch_whitened", {"ddof": ddof, "epsilon": epsilon},
                          lambda r, a, th, beh: batch_whitened_advantages(r, ddof=ddof, epsilon=epsilon),
                          False, False, 1)


def shift_rewards(rewards, delta) -> np.ndarray:
    r"""An equivalent reward table :math:`r'(x,y)=r(x,y)+\delta(x)` (same preferences within each prompt).

    Parameters
    ----------
    rewards : array_like, shape (M, K)
    delta : array_like, shape (M,)

    Returns
    -------
    numpy.ndarray, shape (M, K)

    References
    ----------
    Wu et al. 2023, arXiv:2310.00212 (abstract: equivalent rewards) [abstract].
    """
    r = as_float_array(rewards, "rewards", ndim=2)
    d = as_float_array(delta, "delta", ndim=1)
    if d.shape != (r.shape[0],):
        raise ShapeError(f"delta must have one shift per prompt, shape ({r.shape[0]},); got {d.shape}.")
    return r + d[:, None]
