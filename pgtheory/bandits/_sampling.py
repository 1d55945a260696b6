r"""Seeded group samplers and Monte-Carlo estimates of the group estimators (NumPy).

The samplers draw ``n`` independent batches of ``G`` i.i.d. responses per prompt by inverse-CDF
sampling of uniforms from the caller's ``rng`` (a Generator or a seed), so results are
reproducible. :func:`monte_carlo_gradient` averages an estimator over the batches and returns a
:class:`~pgtheory.results.GradientEstimate` with standard errors; it is validated against
:func:`~pgtheory.bandits.exact_moments` in ``tests/bandits`` (statistical test with stated
sample size and error rate).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import ShapeError, ValidationError
from ..results import GradientEstimate
from ._estimators import _as_estimator
from ._model import check_logits, policy_probs

__all__ = ["sample_groups", "monte_carlo_gradient"]


def sample_groups(logits, rewards, G: int, n: int, *, rng=None, binary: bool = False):
    r"""Sample ``n`` batches of ``G`` i.i.d. responses per prompt from :math:`\pi=\mathrm{softmax}(\theta)`.

    Parameters
    ----------
    logits : array_like, shape (M, K) or (K,)
    rewards : array_like, same shape
        Rewards (or success probabilities when ``binary=True``).
    G : int
        Responses per prompt.
    n : int
        Number of independent batches.
    rng : numpy.random.Generator or int, optional
    binary : bool
        Draw Bernoulli(``rewards[x, a]``) rewards.

    Returns
    -------
    actions : numpy.ndarray of int, shape (n, M, G)
    sampled_rewards : numpy.ndarray, shape (n, M, G)
    """
    th = check_logits(logits)
    th = th[None, :] if th.ndim == 1 else th
    rw = as_float_array(rewards, "rewards")
    rw = rw[None, :] if rw.ndim == 1 else rw
    if rw.shape != th.shape:
        raise ShapeError(f"rewards must have the shape of logits {th.shape}; got {rw.shape}.")
    G = check_positive_int(G, "G")
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(rng)
    M, K = th.shape
    cdf = np.cumsum(policy_probs(th), axis=-1)
    cdf[:, -1] = 1.0
    u = rng.random((n, M, G))
    actions = np.empty((n, M, G), dtype=np.int64)
    for x in range(M):
        actions[:, x, :] = np.minimum(np.searchsorted(cdf[x], u[:, x, :], side="right"), K - 1)
    r = rw[np.arange(M)[None, :, None], actions]
    if binary:
        if np.any(rw < 0) or np.any(rw > 1):
            raise ValidationError("binary=True needs success probabilities in [0, 1] as rewards.")
        r = (rng.random((n, M, G)) < r).astype(np.float64)
    return actions, r


def monte_carlo_gradient(estimator, logits, rewards, G: int, n: int, *, rng=None, binary: bool = False,
                         behavior_logits=None, chunk: int = 100_000, **options) -> GradientEstimate:
    r"""Monte-Carlo mean and standard error of a group estimator over ``n`` sampled batches.

    Parameters
    ----------
    estimator : str or GroupEstimator
    logits : array_like, shape (M, K) or (K,)
    rewards : array_like, same shape
    G : int
    n : int
        Number of independent batches (each: ``G`` responses per prompt).
    rng : numpy.random.Generator or int, optional
    binary : bool
    behavior_logits : array_like, optional
        Sampling policy (default: ``logits``).
    chunk : int
        Batches evaluated at once (memory bound).
    **options
        Estimator options.

    Returns
    -------
    GradientEstimate
        ``mean`` and ``stderr`` of shape (M, K); ``n_trajectories = n``.
    """
    est = _as_estimator(estimator, **options)
    th = check_logits(logits)
    th = th[None, :] if th.ndim == 1 else th
    beh = th if behavior_logits is None else check_logits(behavior_logits, "behavior_logits")
    beh = beh[None, :] if beh.ndim == 1 else beh
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(rng)
    s1 = np.zeros(th.shape)
    s2 = np.zeros(th.shape)
    done = 0
    while done < n:
        m = min(chunk, n - done)
        a, r = sample_groups(beh, rewards, G, m, rng=rng, binary=binary)
        g = est(th, a, r, behavior_logits=beh)
        s1 += g.sum(axis=0)
        s2 += (g ** 2).sum(axis=0)
        done += m
    mean = s1 / n
    var = np.maximum(s2 / n - mean ** 2, 0.0) * n / max(n - 1, 1)
    return GradientEstimate(mean=mean, stderr=np.sqrt(var / n), n_trajectories=n, n_steps=n * G * th.shape[0],
                            estimator=est.name, backend="numpy")
