r"""Layered (episodic) MDPs and Block MDPs for the agnostic-RL checks.

A layered MDP has per-layer state sets :math:`\mathcal S_1, \dots, \mathcal S_H` (layer ``h``
holds ``layer_sizes[h]`` states, indexed ``0..n_h-1``), ``A`` actions, a start state
:math:`s_1 \in \mathcal S_1`, transitions :math:`P_h(\cdot \mid s, a)` from layer ``h`` to
layer ``h+1`` and mean rewards :math:`r_h(s, a) \in [0, 1]` per step, so returns lie in
:math:`[0, H]`. Sampled rewards are Bernoulli with these means (:mod:`._access`).

States are also numbered globally, layer by layer: state ``s`` of layer ``h`` is
``offsets[h] + s``. Policy classes (:mod:`._classes`) store one action per global state.

References
----------
Z. Jia, G. Li, A. Rakhlin, A. Sekhari, N. Srebro. When is Agnostic Reinforcement Learning
Statistically Tractable? NeurIPS 2023, arXiv:2310.06113 (setting: layered MDPs, start state).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from ..backend import resolve_backend
from ..errors import InvalidProbabilityError, InvalidTransitionError, ShapeError, ValidationError

__all__ = ["LayeredMDP", "BlockMDP"]


def _check_horizon(H, name="layer_sizes"):
    if H < 1:
        raise ValidationError(f"{name} must describe at least one layer (horizon H >= 1); got H = {H}. "
                              f"Fix: pass one entry per layer, e.g. {name}=(1, 2, 2).")


@dataclasses.dataclass(frozen=True, eq=False)
class LayeredMDP:
    r"""A finite-horizon layered MDP with a start state.

    .. math::
        V^\pi = \mathbb E\Big[\sum_{h=1}^H r_h(s_h, a_h)\Big], \quad s_1 \text{ fixed}, \;
        a_h = \pi(s_h), \; s_{h+1} \sim P_h(\cdot \mid s_h, a_h).

    Parameters
    ----------
    P : tuple of arrays
        ``P[h]`` has shape ``(n_h, A, n_{h+1})`` for ``h = 0..H-2``; rows sum to one.
    r : tuple of arrays
        ``r[h]`` has shape ``(n_h, A)``, mean rewards in ``[0, 1]``, ``h = 0..H-1``.
    start : int
        Index of the start state in layer 0.

    Attributes
    ----------
    H, A : int
    layer_sizes : tuple of int
    offsets : ndarray of int, shape (H + 1,)
        Global index of the first state of each layer (last entry: total number of states).

    Raises
    ------
    pgtheory.errors.ValidationError
        ``H = 0`` (no reward layer), a start outside layer 0, rewards outside ``[0, 1]``.
    pgtheory.errors.ShapeError, pgtheory.errors.InvalidTransitionError
        Mismatched layer shapes or rows not summing to one.

    References
    ----------
    Jia et al. 2023 (arXiv:2310.06113), the layered setting of agnostic RL.
    """

    P: tuple
    r: tuple
    start: int = 0

    def __post_init__(self):
        r = tuple(np.asarray(x, dtype=np.float64) for x in self.r)
        _check_horizon(len(r), "r")
        P = tuple(np.asarray(x, dtype=np.float64) for x in self.P)
        H = len(r)
        if len(P) != H - 1:
            raise ShapeError(f"P must hold H - 1 = {H - 1} transition arrays (one per layer boundary); got {len(P)}. "
                             f"Fix: pass P[h] of shape (n_h, A, n_(h+1)) for h = 0..H-2.")
        if any(x.ndim != 2 for x in r):
            raise ShapeError("every r[h] must have shape (n_h, A). Fix: one row per state of layer h.")
        A = r[0].shape[1]
        sizes = tuple(int(x.shape[0]) for x in r)
        for h, x in enumerate(r):
            if x.shape[1] != A:
                raise ShapeError(f"r[{h}] has {x.shape[1]} actions but r[0] has {A}. Fix: same A in every layer.")
            if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
                raise ValidationError(f"r[{h}] must lie in [0, 1] (found range [{np.nanmin(x):g}, {np.nanmax(x):g}]). "
                                      f"Fix: rescale rewards to [0, 1].")
        for h, x in enumerate(P):
            if x.shape != (sizes[h], A, sizes[h + 1]):
                raise ShapeError(f"P[{h}] must have shape (n_{h}, A, n_{h + 1}) = {(sizes[h], A, sizes[h + 1])}; "
                                 f"got {x.shape}. Fix: match the layer sizes of r.")
            if np.any(x < 0) or not np.allclose(x.sum(-1), 1.0, atol=1e-9):
                raise InvalidTransitionError(f"P[{h}][s, a, :] must be a probability vector (found rows summing to "
                                             f"{x.sum(-1).min():.6g}..{x.sum(-1).max():.6g}). Fix: normalise each row.")
        if not 0 <= int(self.start) < sizes[0]:
            raise ValidationError(f"start must index a state of layer 0 (0..{sizes[0] - 1}); got {self.start}.")
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "r", r)
        object.__setattr__(self, "start", int(self.start))

    @property
    def H(self) -> int:
        """Horizon (number of layers)."""
        return len(self.r)

    @property
    def A(self) -> int:
        """Number of actions."""
        return int(self.r[0].shape[1])

    @property
    def layer_sizes(self) -> tuple:
        """States per layer."""
        return tuple(int(x.shape[0]) for x in self.r)

    @property
    def offsets(self) -> np.ndarray:
        """Global index of each layer's first state; last entry is the number of states."""
        return np.concatenate([[0], np.cumsum(self.layer_sizes)]).astype(np.int64)

    @functools.cached_property
    def _cdf(self) -> tuple:
        """``cumsum(P[h], axis=-1)`` per layer, made once: the samplers' inverse-CDF draws gather its rows
        (the same numbers as the cumulative sums of gathered rows, which they computed on every draw)."""
        return tuple(np.cumsum(x, axis=-1) for x in self.P)

    @property
    def is_deterministic(self) -> bool:
        """Whether every transition row is a point mass."""
        return all(np.all((x == 0) | (x == 1)) for x in self.P)

    @classmethod
    def deterministic(cls, next_state, r, start: int = 0, layer_sizes=None) -> "LayeredMDP":
        """Build a deterministic layered MDP from next-state tables.

        Parameters
        ----------
        next_state : sequence of int arrays
            ``next_state[h][s, a]`` is the layer-``h+1`` state reached, ``h = 0..H-2``.
        r : sequence of arrays
            Mean rewards ``r[h]`` of shape ``(n_h, A)``.
        start : int
            Start state in layer 0.
        layer_sizes : sequence of int, optional
            Sizes (default: the shapes of ``r``).

        Returns
        -------
        LayeredMDP
        """
        r = [np.asarray(x, dtype=np.float64) for x in r]
        sizes = [x.shape[0] for x in r] if layer_sizes is None else list(layer_sizes)
        P = []
        for h, ns in enumerate(next_state):
            ns = np.asarray(ns, dtype=np.int64)
            if ns.min(initial=0) < 0 or ns.max(initial=0) >= sizes[h + 1]:
                raise ValidationError(f"next_state[{h}] must index states of layer {h + 1} (0..{sizes[h + 1] - 1}).")
            M = np.zeros((sizes[h], ns.shape[1], sizes[h + 1]))
            np.put_along_axis(M, ns[..., None], 1.0, axis=-1)
            P.append(M)
        return cls(tuple(P), tuple(r), start)

    @classmethod
    def fresh_uniform(cls, H: int, A: int, N: int, r=None) -> "LayeredMDP":
        r"""Start state, then ``N`` states per layer reached uniformly whatever the action.

        Parameters
        ----------
        H, A, N : int
            Horizon, actions, states per layer after the first.
        r : sequence of arrays, optional
            Mean rewards (default zero).

        Returns
        -------
        LayeredMDP
            :math:`P_h(s' \mid s, a) = 1/N` for every ``s, a``.
        """
        _check_horizon(H, "H")
        sizes = [1] + [N] * (H - 1)
        P = tuple(np.full((sizes[h], A, sizes[h + 1]), 1.0 / sizes[h + 1]) for h in range(H - 1))
        r = tuple(np.zeros((n, A)) for n in sizes) if r is None else tuple(r)
        return cls(P, r, 0)

    def with_rewards(self, r) -> "LayeredMDP":
        """The same transitions with new mean rewards ``r`` (tuple of ``(n_h, A)`` arrays).

        Parameters
        ----------
        r : sequence of arrays

        Returns
        -------
        LayeredMDP
        """
        return LayeredMDP(self.P, tuple(r), self.start)


@dataclasses.dataclass(frozen=True, eq=False)
class BlockMDP:
    r"""A Block MDP: a latent layered MDP whose latent states emit rich observations.

    Latent state ``z`` of layer ``h`` emits observation ``x`` with probability ``q[h][z, x]``;
    supports of different latent states are disjoint (a decoder :math:`\phi^*: x \mapsto z`
    exists but is not given to learners). Policies act on observations. For an observation-level
    deterministic policy :math:`\pi` the latent process sees the stochastic latent policy
    :math:`\bar\pi(a \mid z) = \sum_x q(x \mid z) 1\{\pi(x) = a\}`, and
    :math:`V^\pi(M) = V^{\bar\pi}(\text{latent})` exactly.

    Parameters
    ----------
    latent : LayeredMDP
        Latent layered MDP (rewards depend on the latent state and action).
    q : tuple of arrays
        ``q[h]`` of shape ``(n_h, X_h)``: emission probabilities, rows summing to one, disjoint
        supports.

    References
    ----------
    A. Krishnamurthy, G. Li, A. Sekhari. The Role of Environment Access in Agnostic Reinforcement
    Learning. COLT 2025, arXiv:2504.05405 (Block-MDP setting; abstract).
    """

    latent: LayeredMDP
    q: tuple

    def __post_init__(self):
        q = tuple(np.asarray(x, dtype=np.float64) for x in self.q)
        if len(q) != self.latent.H:
            raise ShapeError(f"q must hold one emission array per layer (H = {self.latent.H}); got {len(q)}.")
        for h, x in enumerate(q):
            if x.ndim != 2 or x.shape[0] != self.latent.layer_sizes[h]:
                raise ShapeError(f"q[{h}] must have shape (n_{h} = {self.latent.layer_sizes[h]}, X_{h}); got {x.shape}.")
            if np.any(x < 0) or not np.allclose(x.sum(1), 1.0):
                raise InvalidProbabilityError(f"q[{h}][z, :] must be probability vectors. Fix: normalise rows.")
            if np.any((x > 0).sum(0) > 1):
                raise ValidationError(f"q[{h}]: an observation is emitted by two latent states; Block MDPs need "
                                      f"disjoint supports. Fix: give each latent state its own observations.")
        object.__setattr__(self, "q", q)

    @classmethod
    def uniform_emission(cls, latent: LayeredMDP, m: int) -> "BlockMDP":
        """Each latent state emits ``m`` observations of its own, uniformly.

        Parameters
        ----------
        latent : LayeredMDP
        m : int
            Observations per latent state (observation ``z*m + j`` belongs to ``z``).

        Returns
        -------
        BlockMDP
        """
        q = []
        for n in latent.layer_sizes:
            x = np.zeros((n, n * m))
            for z in range(n):
                x[z, z * m:(z + 1) * m] = 1.0 / m
            q.append(x)
        return cls(latent, tuple(q))

    @property
    def obs_sizes(self) -> tuple:
        """Observations per layer."""
        return tuple(int(x.shape[1]) for x in self.q)

    def latent_policy(self, obs_actions, *, backend: str | None = "auto") -> tuple:
        r"""Latent stochastic policy :math:`\bar\pi_h(a \mid z)` of observation-level policies.

        Parameters
        ----------
        obs_actions : sequence of int arrays
            ``obs_actions[h]`` of shape ``(K, X_h)``: the action of each of ``K`` policies per
            observation of layer ``h``.
        backend : {"auto", "numpy", "numba"} or None
            ``"numba"`` adds the terms in a compiled loop (:mod:`pgtheory.agnostic._kernels`), in the
            same order as the NumPy path, so the two agree bit for bit; ``"auto"`` uses it when Numba
            is installed (:func:`pgtheory.backend.resolve_backend`).

        Returns
        -------
        tuple of arrays
            ``pibar[h]`` of shape ``(K, n_h, A)``.

        Raises
        ------
        pgtheory.errors.ShapeError
            ``obs_actions`` without one ``(K, X_h)`` integer array per layer.
        pgtheory.errors.ValidationError
            An action outside ``0..A-1``.
        """
        A = self.latent.A
        kern = None
        if resolve_backend(backend, allowed=("numba", "numpy")) == "numba":
            from . import _kernels as kern  # lazy: numba kernels
        if len(obs_actions) != len(self.q):
            raise ShapeError(f"obs_actions must hold one array per layer ({len(self.q)}); got {len(obs_actions)}.")
        acts_all = [np.asarray(a) for a in obs_actions]
        for h, (acts, x) in enumerate(zip(acts_all, self.q)):
            if acts.ndim != 2 or acts.shape[1] != x.shape[1] or acts.shape[0] != acts_all[0].shape[0]:
                raise ShapeError(f"obs_actions[{h}] must have shape (K, X_{h}) = (K, {x.shape[1]}) with the same K "
                                 f"in every layer; got {acts.shape}. Fix: one action per policy and observation.")
            if not np.issubdtype(acts.dtype, np.integer) or (kern is None and acts.size and
                                                             (acts.min() < 0 or acts.max() >= A)):
                raise _bad_actions(h, A)
        out = []
        for h, x in enumerate(self.q):
            acts = acts_all[h]
            K, (n, X) = acts.shape[0], x.shape
            # sum_x q[z, x] 1{acts[k, x] = a}: every observation has one latent state (disjoint supports), so
            # one weighted bincount over (k, x) in order adds, per (k, z, a), the same terms in the same
            # (increasing x) order as einsum("zx,kxa->kza", q, onehot) did, without the (K, X, A) one-hot
            # array or the n-fold products with zeros (issue 17)
            z = x.argmax(axis=0)                            # latent state of each observation
            w = x[z, np.arange(X)]                          # its emission probability (0: emitted by none)
            if kern is not None:                            # the kernel checks the actions as it goes
                pibar, ok = kern.latent_sum(np.ascontiguousarray(acts, dtype=np.int64), z, w, n, A)
                if not ok:
                    raise _bad_actions(h, A)
                out.append(pibar)
                continue
            keep = w > 0
            idx = (np.arange(K)[:, None] * n + z[keep]) * A + acts[:, keep]
            out.append(np.bincount(idx.ravel(), np.broadcast_to(w[keep], idx.shape).ravel(),
                                   minlength=K * n * A).reshape(K, n, A))
        return tuple(out)


def _bad_actions(h, A):
    return ValidationError(f"obs_actions[{h}] must hold integer actions in 0..{A - 1}. "
                           f"Fix: pass actions of the latent MDP's action set.")
