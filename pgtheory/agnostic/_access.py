r"""Environment-access models as objects that count what a learner uses.

=====================  =====================================================  ==================
model                  what the learner may ask                                charged per
=====================  =====================================================  ==================
:class:`GenerativeAccess`     any :math:`(h, s, a)`: one draw :math:`s' \sim P_h(\cdot|s,a)`, reward  query
:class:`LocalSimulatorAccess` like generative, only at states already observed       query
:class:`MuResetAccess`        episodes from layer ``h`` with :math:`s_h \sim \mu_h`, then a policy  episode (and steps)
:class:`OnlineAccess`         episodes from the start state :math:`s_1` only                 episode (and steps)
=====================  =====================================================  ==================

Sampled rewards are Bernoulli with the MDP's mean rewards (so returns are unbiased and bounded).
Every object holds its own seeded :class:`numpy.random.Generator` (``rng``: a generator or a
seed) and the counters ``n_queries``, ``n_episodes`` and ``n_steps``.

Why not :mod:`pgtheory.estimators`: its samplers draw whole trajectories of one (stochastic)
policy on tabular MDPs and report trajectory counts; the checks here need per-query generative
calls on arbitrary (layer, state, action) batches, episodes that start at any layer, forced
actions at chosen steps, and one charge per query or episode at the point of use. A small
vectorised sampler over layered MDPs with a seeded generator does exactly that.

References
----------
Krishnamurthy, Li, Sekhari. The Role of Environment Access in Agnostic Reinforcement Learning.
COLT 2025, arXiv:2504.05405 (access models; definitions from the abstract, details recalled).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import AccessError, ShapeError, ValidationError
from ._layered import LayeredMDP
from ._measures import _check_mu

__all__ = ["GenerativeAccess", "LocalSimulatorAccess", "MuResetAccess", "OnlineAccess", "Episodes"]


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _count_below(cdf, u):
    """``(u[:, None] > cdf).sum(axis=1)``: per row, the entries of ``cdf`` below ``u`` (the inverse-CDF index).

    Column by column for short rows: the same integers without NumPy's per-row reduction overhead."""
    if cdf.shape[1] > 16 or cdf.shape[1] == 0:
        return (u[:, None] > cdf).sum(axis=1)
    c = (u > cdf[:, 0]).astype(np.intp)
    for j in range(1, cdf.shape[1]):
        c += u > cdf[:, j]
    return c


def _draw_next(mdp, rng, h, s, a):
    """One next state per row of ``(s, a)`` at layer ``h`` (vectorised inverse-CDF draw)."""
    cdf = mdp._cdf[h][s, a]                  # = np.cumsum(mdp.P[h][s, a, :], axis=-1), made once per MDP
    u = rng.random(len(s))
    return np.minimum(_count_below(cdf, u), cdf.shape[1] - 1)


def _draw_reward(mdp, rng, h, s, a):
    return (rng.random(len(s)) < mdp.r[h][s, a]).astype(np.float64)


@dataclasses.dataclass(frozen=True)
class Episodes:
    r"""A batch of sampled episodes.

    Attributes
    ----------
    layer : int
        Layer the episodes start at.
    states, actions : int arrays, shape (n, H - layer)
        Per-layer states (indices within the layer) and actions.
    rewards : array, shape (n, H - layer)
        Sampled rewards (Bernoulli with the MDP's means).
    """

    layer: int
    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    @property
    def returns(self) -> np.ndarray:
        """Sum of rewards per episode."""
        return self.rewards.sum(axis=1)


class GenerativeAccess:
    r"""Generative access: query any :math:`(h, s, a)`, get :math:`s' \sim P_h(\cdot|s,a)` and a reward.

    Parameters
    ----------
    mdp : LayeredMDP
    rng : numpy.random.Generator or int, optional

    Attributes
    ----------
    n_queries : int
        Queries charged so far (one per (h, s, a) asked).
    """

    kind = "generative"

    def __init__(self, mdp: LayeredMDP, rng=None):
        self.mdp = mdp
        self.rng = _rng(rng)
        self.n_queries = 0
        self.n_episodes = 0
        self.n_steps = 0

    def _validate(self, h, s, a):
        mdp = self.mdp
        if not 0 <= h < mdp.H:
            raise ValidationError(f"h must be a layer 0..{mdp.H - 1}; got {h}.")
        if s.size and (s.min() < 0 or s.max() >= mdp.layer_sizes[h]):
            raise ValidationError(f"s must index states of layer {h} (0..{mdp.layer_sizes[h] - 1}).")
        if a.size and (a.min() < 0 or a.max() >= mdp.A):
            raise ValidationError(f"a must be an action 0..{mdp.A - 1}.")

    def query(self, h: int, s, a):
        r"""Sample one transition and reward per (state, action) row, charging one query each.

        Parameters
        ----------
        h : int
            Layer (0-based).
        s, a : int or int arrays of equal length
            States of layer ``h`` and actions.

        Returns
        -------
        (ndarray, ndarray)
            Next states in layer ``h+1`` (``-1`` at the last layer) and sampled rewards.
        """
        s = np.atleast_1d(np.asarray(s, dtype=np.int64))
        a = np.atleast_1d(np.asarray(a, dtype=np.int64))
        if s.shape != a.shape:
            raise ShapeError(f"s and a must have equal shapes; got {s.shape} and {a.shape}.")
        self._validate(h, s, a)
        self._before(h, s)
        self.n_queries += int(s.size)
        rw = _draw_reward(self.mdp, self.rng, h, s, a)
        if h == self.mdp.H - 1:
            return np.full(s.size, -1, dtype=np.int64), rw
        ns = _draw_next(self.mdp, self.rng, h, s, a)
        self._after(h + 1, ns)
        return ns, rw

    def _before(self, h, s):
        pass

    def _after(self, h, s):
        pass


class LocalSimulatorAccess(GenerativeAccess):
    r"""Local-simulator access: generative queries, but only at states already observed.

    The start state is observed initially; every next state returned by a query is added.

    Parameters
    ----------
    mdp : LayeredMDP
    rng : numpy.random.Generator or int, optional

    Raises
    ------
    pgtheory.errors.AccessError
        From :meth:`query` when ``s`` holds a state not observed yet.
    """

    kind = "local simulator"

    def __init__(self, mdp: LayeredMDP, rng=None):
        super().__init__(mdp, rng)
        self.seen = [np.zeros(n, dtype=bool) for n in mdp.layer_sizes]
        self.seen[0][mdp.start] = True

    def _before(self, h, s):
        unseen = s[~self.seen[h][s]]
        if unseen.size:
            raise AccessError(f"s = {int(unseen[0])} (layer {h}) has not been observed; a local simulator only "
                              f"resets to observed states. Fix: reach it first by queries from observed states, or "
                              f"use GenerativeAccess if the model allows any state.")

    def _after(self, h, s):
        self.seen[h][s] = True


class OnlineAccess:
    r"""Online access: episodes from the start state :math:`s_1`, following a given policy.

    Parameters
    ----------
    mdp : LayeredMDP
    rng : numpy.random.Generator or int, optional

    Attributes
    ----------
    n_episodes, n_steps : int
        Episodes and environment steps charged so far.
    """

    kind = "online"

    def __init__(self, mdp: LayeredMDP, rng=None):
        self.mdp = mdp
        self.rng = _rng(rng)
        self.n_queries = 0
        self.n_episodes = 0
        self.n_steps = 0

    def _starts(self, layer, n):
        if layer != 0:
            raise AccessError(f"layer = {layer}: online access starts every episode at s_1 (layer 0). "
                              f"Fix: layer=0, or use MuResetAccess for resets at later layers.")
        return np.full(n, self.mdp.start, dtype=np.int64)

    def episodes(self, policy, n: int, *, layer: int = 0, override=None) -> Episodes:
        r"""Sample ``n`` episodes, charging ``n`` episodes and their steps.

        Parameters
        ----------
        policy : int array, shape (|S|,), or float array, shape (|S|, A)
            Deterministic actions per global state, or action probabilities per global state.
        n : int
        layer : int
            Starting layer (0 for online access).
        override : (int array, int array), optional
            ``(t, a)`` of length ``n``: episode ``i`` plays ``a[i]`` at layer ``t[i]`` instead of the
            policy (``t[i] = -1``: never).

        Returns
        -------
        Episodes
        """
        mdp = self.mdp
        H, o = mdp.H, mdp.offsets
        pol = np.asarray(policy)
        stochastic = pol.ndim == 2
        if pol.shape[0] != o[-1]:
            raise ShapeError(f"policy must have one row per state ({o[-1]}); got shape {pol.shape}.")
        s = self._starts(layer, n)
        pol_cdf = np.cumsum(pol, axis=1) if stochastic else None     # rows gathered per layer below
        L = H - layer
        S_ = np.zeros((n, L), dtype=np.int64)
        A_ = np.zeros((n, L), dtype=np.int64)
        R_ = np.zeros((n, L))
        for j, h in enumerate(range(layer, H)):
            if stochastic:
                cdf = pol_cdf[o[h] + s]
                a = np.minimum(_count_below(cdf, self.rng.random(n)), mdp.A - 1)
            else:
                a = pol[o[h] + s].astype(np.int64)
            if override is not None:
                t, fa = override
                a = np.where(np.asarray(t) == h, np.asarray(fa), a)
            S_[:, j], A_[:, j] = s, a
            R_[:, j] = _draw_reward(mdp, self.rng, h, s, a)
            if h < H - 1:
                s = _draw_next(mdp, self.rng, h, s, a)
        self.n_episodes += int(n)
        self.n_steps += int(n) * L
        return Episodes(layer, S_, A_, R_)


class MuResetAccess(OnlineAccess):
    r""":math:`\mu`-reset access: episodes may start at any layer ``h`` from :math:`s_h \sim \mu_h`.

    Parameters
    ----------
    mdp : LayeredMDP
    mu : sequence of arrays
        ``mu[h]`` of shape ``(n_h,)``: the reset distribution of layer ``h``.
    rng : numpy.random.Generator or int, optional
    """

    kind = "mu-reset"

    def __init__(self, mdp: LayeredMDP, mu, rng=None):
        super().__init__(mdp, rng)

        self.mu = _check_mu(mdp, mu)

    def _starts(self, layer, n):
        if not 0 <= layer < self.mdp.H:
            raise ValidationError(f"layer must be 0..{self.mdp.H - 1}; got {layer}.")
        return self.rng.choice(self.mdp.layer_sizes[layer], size=n, p=self.mu[layer])
