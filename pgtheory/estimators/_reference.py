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

from ._tables import ESTIMATOR_GPOMDP, ESTIMATOR_REINFORCE, POLICY_SOFTMAX, EnvTable, PolicyMap, cumulative_rows

__all__: list[str] = []


def _add_at(xp, a, idx, v) -> None:
    """Unbuffered ``a[idx] += v`` (``np.add.at``; ``cupyx.scatter_add`` on CuPy)."""
    if xp is np:
        np.add.at(a, idx, v)
    else:  # pragma: no cover - needs a GPU
        import cupyx  # lazy: GPU only

        cupyx.scatter_add(a, idx, v)


def _row_search(cum, lo, hi, u, xp=np):
    """Vectorised binary search: first ``j`` in ``[lo, hi)`` with ``cum[j] > u`` (clamped to ``hi-1``)."""
    lo = lo.copy()
    hi0 = hi
    hi = hi.copy()
    while True:
        act = lo < hi
        if not act.any():
            break
        mid = (lo + hi) >> 1
        midc = xp.where(act, mid, 0)
        go = cum[midc] > u
        hi = xp.where(act & go, mid, hi)
        lo = xp.where(act & ~go, mid + 1, lo)
    return xp.minimum(lo, hi0 - 1)


def _row_search_dense(cum_rows, u, xp=np):
    """First ``j`` with ``cum_rows[i, j] > u[i]`` (dense rows, e.g. the policy); clamped to the row end."""
    idx = xp.sum(cum_rows <= u[:, None], axis=1)
    return xp.minimum(idx, cum_rows.shape[1] - 1)


class Trajectories:
    """Padded trajectories: ``states, actions`` (int64, -1 padding), ``rewards`` (0 padding), ``lengths``."""

    def __init__(self, states, actions, rewards, lengths):
        self.states = states
        self.actions = actions
        self.rewards = rewards
        self.lengths = lengths

    @property
    def mask(self):
        """``mask[i, t]`` is True for the steps of trajectory ``i`` (states are -1 after the end)."""
        return self.states >= 0


def sample_trajectories(env: EnvTable, pi_cum: np.ndarray, n: int, *, rng=None, uniforms=None,
                        start_states=None, start_actions=None, xp=np) -> Trajectories:
    """Sample ``n`` trajectories with inverse-CDF draws (see the module docstring for the layout).

    ``uniforms = (u0, U)`` with ``U`` of shape ``(n, T, 4)`` replaces ``rng`` (parity mode);
    trajectories are then also cut at ``T`` steps. ``xp`` is the array module (NumPy, or CuPy
    with ``env`` arrays on the device and a CuPy generator as ``rng``).
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

    alive = xp.arange(n)
    if start_states is None:
        s = _row_search_dense(xp.broadcast_to(env.rho_cum[None, :], (n, S)), draw0(alive), xp)
    else:
        s = xp.asarray(start_states, dtype=xp.int64).copy()
    rec_t, rec_i, rec_s, rec_a, rec_r = [], [], [], [], []
    t = 0
    while alive.size and (cap < 0 or t < cap):
        h = min(t, env.n_stages - 1)
        if t == 0 and start_actions is not None:
            a = xp.asarray(start_actions, dtype=xp.int64)[alive]
        else:
            a = _row_search_dense(pi_cum[s], draw(t, 0, alive), xp)
        rew = env.r[h, s, a]
        if env.bernoulli:
            rew = (draw(t, 3, alive) < rew).astype(xp.float64)
        rec_t.append(xp.full(alive.size, t))
        rec_i.append(alive)
        rec_s.append(s)
        rec_a.append(a)
        rec_r.append(rew)
        t += 1
        if cap >= 0 and t >= cap:
            break
        row = (h * S + s) * A + a
        lo = env.p_indptr[row]
        j = _row_search(env.p_cum, lo, env.p_indptr[row + 1], draw(t - 1, 1, alive), xp)
        nxt = j - lo if env.p_dense else env.p_indices[j]
        if env.cont_prob < 1.0:
            keep = draw(t - 1, 2, alive) < env.cont_prob
            alive, nxt = alive[keep], nxt[keep]
        s = nxt
    T = max(t, 1)
    states = xp.full((n, T), -1, dtype=xp.int64)
    actions = xp.full((n, T), -1, dtype=xp.int64)
    rewards = xp.zeros((n, T))
    if rec_t:
        tt, ii = xp.concatenate(rec_t), xp.concatenate(rec_i)
        states[ii, tt] = xp.concatenate(rec_s)
        actions[ii, tt] = xp.concatenate(rec_a)
        rewards[ii, tt] = xp.concatenate(rec_r)
    lengths = (states >= 0).sum(axis=1).astype(xp.int64)
    return Trajectories(states, actions, rewards, lengths)


def step_weights(env: EnvTable, tr: Trajectories, est_mode: int, b_tab: xp.ndarray, b_const: float,
                 ratio, xp=np):
    r"""Per-step weights ``w[i, t]`` and per-trajectory returns ``R[i]``.

    With :math:`\delta_t` = ``discount**t``, :math:`c_t=\prod_{j\le t}\pi(a_j|s_j)/\mu(a_j|s_j)`
    (1 on-policy) and :math:`R=\sum_t\delta_t r_t`:

    * ``est_mode = 0`` (REINFORCE): :math:`w_t = c_{L-1}(R - b)`;
    * ``est_mode = 1`` (GPOMDP): :math:`w_t = \sum_{k\ge t}\delta_k r_k c_k - \delta_t c_t b_{h_t}(s_t)`;
    * ``est_mode = 2`` (score sum): :math:`w_t = 1`.
    """
    mask = tr.mask
    n, T = mask.shape
    disc = env.discount ** xp.arange(T)
    rew = xp.where(mask, tr.rewards, 0.0)
    R = (rew * disc).sum(axis=1)
    s = xp.where(mask, tr.states, 0)
    a = xp.where(mask, tr.actions, 0)
    if ratio is None:
        c = xp.ones((n, T))
    else:
        c = xp.cumprod(xp.where(mask, ratio[s, a], 1.0), axis=1)
    if est_mode == ESTIMATOR_REINFORCE:
        c_last = c[xp.arange(n), xp.maximum(tr.lengths - 1, 0)]
        w = xp.broadcast_to((c_last * (R - b_const))[:, None], (n, T))
    elif est_mode == ESTIMATOR_GPOMDP:
        x = rew * disc * c
        rtg = xp.cumsum(x[:, ::-1], axis=1)[:, ::-1]
        h = xp.minimum(xp.arange(T), env.n_stages - 1)
        w = rtg - disc * c * b_tab[h[None, :], s]
    else:
        w = xp.ones((n, T))
    return xp.where(mask, w, 0.0), R


def per_sample_estimates(env: EnvTable, pmap: PolicyMap, tr: Trajectories, w, hvp=None, xp=np):
    r"""Per-trajectory estimates, shape ``(n, d)``.

    :math:`\hat g_i = \sum_t w_{i,t}\,\nabla\log\pi(a_{i,t}|s_{i,t})`; with ``hvp = (sv, hv)`` the
    Hessian-vector estimate :math:`\hat g_i\,(\sum_t \nabla\log\pi_t\cdot v) + \sum_t w_{i,t}\nabla^2\log\pi_t\,v`.
    """
    S, A = env.S, env.A
    pi, table = xp.asarray(pmap.pi), xp.asarray(pmap.table)
    mask = tr.mask
    n = mask.shape[0]
    ii, tt = xp.nonzero(mask)
    x = tr.states[ii, tt] * A + tr.actions[ii, tt]
    wv = w[ii, tt]
    W = xp.zeros((n, S * A))
    _add_at(xp, W, (ii, x), wv)
    if pmap.kind == POLICY_SOFTMAX:
        W3 = W.reshape(n, S, A)
        g = (W3 - W3.sum(axis=2, keepdims=True) * pi[None]).reshape(n, S * A)
    else:
        g = W @ table
    if hvp is None:
        return g
    sv, hv = hvp
    C = xp.zeros(n)
    _add_at(xp, C, ii, sv[x])
    if pmap.kind == POLICY_SOFTMAX:
        Ws = W.reshape(n, S, A).sum(axis=2)
        h = (Ws[:, :, None] * hv[None]).reshape(n, S * A)
    else:
        h = W @ hv
    return g * C[:, None] + h


def run(env: EnvTable, sample_pi: np.ndarray, pmap: PolicyMap, n: int, *, est_mode: int, b_tab, b_const,
        ratio=None, hvp=None, rng=None, uniforms=None, start_states=None, start_actions=None,
        keep_samples: bool = False, block: int | None = None, xp=np) -> dict:
    """Sample and estimate in blocks of trajectories.

    Returns a dict with ``mean`` and ``m2`` (sum of squared deviations, combined across blocks
    by Chan et al.'s pairwise update), ``returns`` and ``lengths`` per trajectory, and
    ``samples`` (shape ``(n, d)``) when ``keep_samples``. With ``xp`` = CuPy, ``env``, ``ratio``,
    ``b_tab``, ``hvp`` and the start arrays must be on the device and ``rng`` a CuPy generator;
    the returned arrays are on the device too.
    """
    pi_cum = xp.asarray(cumulative_rows(sample_pi))
    d = pmap.d
    if block is None:
        block = max(1, min(n, 4_000_000 // max(d, env.S * env.A, 1)))
    if uniforms is not None:
        block = n  # parity mode: one block so that the uniform layout is the caller's
    samples = xp.empty((n, d)) if keep_samples else None
    returns = xp.empty(n)
    lengths = xp.empty(n, dtype=xp.int64)
    mean = xp.zeros(d)
    m2 = xp.zeros(d)
    count = 0
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sl = slice(lo, hi)
        tr = sample_trajectories(env, pi_cum, hi - lo, rng=rng, uniforms=uniforms,
                                 start_states=None if start_states is None else start_states[sl],
                                 start_actions=None if start_actions is None else start_actions[sl], xp=xp)
        w, R = step_weights(env, tr, est_mode, b_tab, b_const, ratio, xp)
        g = per_sample_estimates(env, pmap, tr, w, hvp, xp)
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
