r"""NumPy reference implementation (the readable specification every other backend must match).

Two stages:

1. :func:`sample_trajectories` runs ``n`` trajectories side by side (vectorised over the
   trajectories that are still alive, one Python iteration per time step) with inverse-CDF
   sampling. Uniform draws are taken per step and per purpose, in the layout
   ``u0[i]`` (initial state) and ``U[i, t, k]`` with ``k = 0`` action, ``1`` next state,
   ``2`` continuation coin, ``3`` Bernoulli reward. In *parity mode* those uniforms are given
   (pre-drawn) and the Numba kernel consumes exactly the same ones.
2. :func:`per_sample_estimates` turns trajectories into per-trajectory weights
   :math:`w_{i,t}` and per-trajectory estimates :math:`\hat g_i=\sum_t w_{i,t}\,
   \nabla_\theta\log\pi_\theta(a_{i,t}|s_{i,t})` (plus the Hessian-vector terms), in blocks.

All estimators of :mod:`pgtheory.estimators` are instances of this pattern; the weights are
documented in :mod:`pgtheory.estimators._api`.
"""

from __future__ import annotations

import numpy as np

from ._tables import EnvTable, PolicyMap

__all__: list[str] = []


def _row_search(cum: np.ndarray, lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Vectorised binary search: first ``j`` in ``[lo, hi)`` with ``cum[j] > u`` (clamped to ``hi-1``)."""
    lo = lo.copy()
    hi0 = hi
    hi = hi.copy()
    while True:
        act = lo < hi
        if not act.any():
            break
        mid = (lo + hi) >> 1
        midc = np.where(act, mid, 0)
        go = cum[midc] > u
        hi = np.where(act & go, mid, hi)
        lo = np.where(act & ~go, mid + 1, lo)
    return np.minimum(lo, hi0 - 1)


def _row_search_dense(cum_rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """First ``j`` with ``cum_rows[i, j] > u[i]`` (dense rows, e.g. the policy); clamped to the row end."""
    idx = np.sum(cum_rows <= u[:, None], axis=1)
    return np.minimum(idx, cum_rows.shape[1] - 1)


class Trajectories:
    """Padded trajectories: ``states, actions`` (int64, -1 padding), ``rewards`` (0 padding), ``lengths``."""

    def __init__(self, states, actions, rewards, lengths):
        self.states = states
        self.actions = actions
        self.rewards = rewards
        self.lengths = lengths

    @property
    def mask(self) -> np.ndarray:
        """``mask[i, t]`` is True for the steps of trajectory ``i``."""
        return np.arange(self.states.shape[1])[None, :] < self.lengths[:, None]


def sample_trajectories(env: EnvTable, pi_cum: np.ndarray, n: int, *, rng=None, uniforms=None,
                        start_states=None, start_actions=None) -> Trajectories:
    """Sample ``n`` trajectories with inverse-CDF draws (see the module docstring for the layout).

    ``uniforms = (u0, U)`` with ``U`` of shape ``(n, T, 4)`` replaces ``rng`` (parity mode);
    trajectories are then also cut at ``T`` steps.
    """
    S, A = env.S, env.A
    if uniforms is not None:
        u0, U = uniforms
        cap = U.shape[1] if env.max_steps < 0 else min(env.max_steps, U.shape[1])

        def draw(t, k, idx):
            return U[idx, t, k]

        def draw0(idx):
            return u0[idx]
    else:
        cap = env.max_steps

        def draw(t, k, idx):
            return rng.random(idx.size)

        def draw0(idx):
            return rng.random(idx.size)

    alive = np.arange(n)
    if start_states is None:
        s = _row_search_dense(env.rho_cum[None, :].repeat(n, 0), draw0(alive))
    else:
        s = np.asarray(start_states, dtype=np.int64).copy()
    rec_t, rec_i, rec_s, rec_a, rec_r = [], [], [], [], []
    t = 0
    while alive.size and (cap < 0 or t < cap):
        h = min(t, env.n_stages - 1)
        if t == 0 and start_actions is not None:
            a = np.asarray(start_actions, dtype=np.int64)[alive]
        else:
            a = _row_search_dense(pi_cum[s], draw(t, 0, alive))
        rew = env.r[h, s, a]
        if env.bernoulli:
            rew = (draw(t, 3, alive) < rew).astype(np.float64)
        rec_t.append(np.full(alive.size, t))
        rec_i.append(alive)
        rec_s.append(s)
        rec_a.append(a)
        rec_r.append(rew)
        t += 1
        if cap >= 0 and t >= cap:
            break
        row = (h * S + s) * A + a
        nxt = env.p_indices[_row_search(env.p_cum, env.p_indptr[row], env.p_indptr[row + 1], draw(t - 1, 1, alive))]
        if env.cont_prob < 1.0:
            keep = draw(t - 1, 2, alive) < env.cont_prob
            alive, nxt = alive[keep], nxt[keep]
        s = nxt
    T = max(t, 1)
    states = np.full((n, T), -1, dtype=np.int64)
    actions = np.full((n, T), -1, dtype=np.int64)
    rewards = np.zeros((n, T))
    lengths = np.zeros(n, dtype=np.int64)
    if rec_t:
        tt, ii = np.concatenate(rec_t), np.concatenate(rec_i)
        states[ii, tt] = np.concatenate(rec_s)
        actions[ii, tt] = np.concatenate(rec_a)
        rewards[ii, tt] = np.concatenate(rec_r)
        np.add.at(lengths, ii, 1)
    return Trajectories(states, actions, rewards, lengths)


def step_weights(env: EnvTable, tr: Trajectories, est_mode: int, b_tab: np.ndarray, b_const: float,
                 ratio: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-step weights ``w[i, t]`` and per-trajectory returns ``R[i]``.

    With :math:`\delta_t` = ``discount**t``, :math:`c_t=\prod_{j\le t}\pi(a_j|s_j)/\mu(a_j|s_j)`
    (1 on-policy) and :math:`R=\sum_t\delta_t r_t`:

    * ``est_mode = 0`` (REINFORCE): :math:`w_t = c_{L-1}(R - b)`;
    * ``est_mode = 1`` (GPOMDP): :math:`w_t = \sum_{k\ge t}\delta_k r_k c_k - \delta_t c_t b_{h_t}(s_t)`;
    * ``est_mode = 2`` (score sum): :math:`w_t = 1`.
    """
    mask = tr.mask
    n, T = mask.shape
    disc = env.discount ** np.arange(T)
    rew = np.where(mask, tr.rewards, 0.0)
    R = (rew * disc).sum(axis=1)
    s = np.where(mask, tr.states, 0)
    a = np.where(mask, tr.actions, 0)
    if ratio is None:
        c = np.ones((n, T))
    else:
        c = np.cumprod(np.where(mask, ratio[s, a], 1.0), axis=1)
    if est_mode == 0:
        c_last = c[np.arange(n), np.maximum(tr.lengths - 1, 0)]
        w = np.broadcast_to((c_last * (R - b_const))[:, None], (n, T))
    elif est_mode == 1:
        x = rew * disc * c
        rtg = np.cumsum(x[:, ::-1], axis=1)[:, ::-1]
        h = np.minimum(np.arange(T), env.n_stages - 1)
        w = rtg - disc * c * b_tab[h[None, :], s]
    else:
        w = np.ones((n, T))
    return np.where(mask, w, 0.0), R


def per_sample_estimates(env: EnvTable, pmap: PolicyMap, tr: Trajectories, w: np.ndarray,
                         hvp=None) -> np.ndarray:
    r"""Per-trajectory estimates, shape ``(n, d)``.

    :math:`\hat g_i = \sum_t w_{i,t}\,\nabla\log\pi(a_{i,t}|s_{i,t})`; with ``hvp = (sv, hv)`` the
    Hessian-vector estimate :math:`\hat g_i\,(\sum_t \nabla\log\pi_t\cdot v) + \sum_t w_{i,t}\nabla^2\log\pi_t\,v`.
    """
    S, A = env.S, env.A
    mask = tr.mask
    n = mask.shape[0]
    ii, tt = np.nonzero(mask)
    x = tr.states[ii, tt] * A + tr.actions[ii, tt]
    wv = w[ii, tt]
    W = np.zeros((n, S * A))
    np.add.at(W, (ii, x), wv)
    if pmap.kind == 0:
        W3 = W.reshape(n, S, A)
        g = (W3 - W3.sum(axis=2, keepdims=True) * pmap.pi[None]).reshape(n, S * A)
    else:
        g = W @ pmap.table
    if hvp is None:
        return g
    sv, hv = hvp
    C = np.zeros(n)
    np.add.at(C, ii, sv[x])
    if pmap.kind == 0:
        Ws = W.reshape(n, S, A).sum(axis=2)
        h = (Ws[:, :, None] * hv[None]).reshape(n, S * A)
    else:
        h = W @ hv
    return g * C[:, None] + h


def run(env: EnvTable, sample_pi: np.ndarray, pmap: PolicyMap, n: int, *, est_mode: int, b_tab, b_const,
        ratio=None, hvp=None, rng=None, uniforms=None, start_states=None, start_actions=None,
        keep_samples: bool = False, block: int | None = None) -> dict:
    """Sample and estimate in blocks of trajectories.

    Returns a dict with ``mean`` and ``m2`` (sum of squared deviations, combined across blocks
    by Chan et al.'s pairwise update), ``returns`` and ``lengths`` per trajectory, and
    ``samples`` (shape ``(n, d)``) when ``keep_samples``.
    """
    from ._tables import cumulative_rows

    pi_cum = cumulative_rows(sample_pi)
    d = pmap.d
    if block is None:
        block = max(1, min(n, 4_000_000 // max(d, env.S * env.A, 1)))
    if uniforms is not None:
        block = n  # parity mode: one block so that the uniform layout is the caller's
    samples = np.empty((n, d)) if keep_samples else None
    returns = np.empty(n)
    lengths = np.empty(n, dtype=np.int64)
    mean = np.zeros(d)
    m2 = np.zeros(d)
    count = 0
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sl = slice(lo, hi)
        tr = sample_trajectories(env, pi_cum, hi - lo, rng=rng, uniforms=uniforms,
                                 start_states=None if start_states is None else start_states[sl],
                                 start_actions=None if start_actions is None else start_actions[sl])
        w, R = step_weights(env, tr, est_mode, b_tab, b_const, ratio)
        g = per_sample_estimates(env, pmap, tr, w, hvp)
        if keep_samples:
            samples[sl] = g
        returns[sl] = R
        lengths[sl] = tr.lengths
        mean, m2, count = combine_moments(mean, m2, count, g.mean(axis=0), ((g - g.mean(axis=0)) ** 2).sum(axis=0),
                                          hi - lo)
    return {"mean": mean, "m2": m2, "samples": samples, "returns": returns, "lengths": lengths}


def combine_moments(mean_a, m2_a, n_a, mean_b, m2_b, n_b):
    """Pairwise (Chan, Golub, LeVeque 1979) combination of means and sums of squared deviations."""
    n = n_a + n_b
    if n_a == 0:
        return mean_b, m2_b, n_b
    delta = mean_b - mean_a
    mean = mean_a + delta * (n_b / n)
    m2 = m2_a + m2_b + delta**2 * (n_a * n_b / n)
    return mean, m2, n
