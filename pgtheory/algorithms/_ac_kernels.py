r"""Numba kernels of the tabular actor-critic reconstruction :func:`pgtheory.algorithms.nora_tabular`.

Imported lazily (``backend="numba"`` or ``"auto"`` on long runs), never by ``import pgtheory``.
The NumPy loop in ``actor_critic.py`` is the specification; these kernels follow it operation by
operation so that, driven by :func:`pgtheory.algorithms.actor_critic.nora_tabular`, the two backends
give **bitwise identical** traces on the NumPy builds this package is tested on:

* the uniforms are the reference's own draws (``Generator.random`` in the driver, in the same
  order: start state, then action and next state per step), and a draw is the same inverse-CDF
  count ``#{k : u > cum_k}`` on the same cumulative rows (``np.cumsum`` is sequential);
* the contractions the reference does with ``np.einsum`` (:math:`\sum_{s'}P(s'|s,a)V(s')`,
  :math:`\sum_a\pi(a|s)Q(s,a)`) are summed in the order of NumPy's ``einsum`` inner kernel
  (``sum_of_products_contig_contig_outstride0_two`` on the SSE2 baseline: two lanes, even and odd
  indices, four-vector unrolled blocks, lane sum last; no fused multiply-add) -- see
  :func:`_einsum_dot`; row sums that the reference does with ``np.sum`` are sequential;
* the transcendental functions (``exp``, ``log1p``) and the value ``V @ rho`` (BLAS ``gemv``) are
  **not** computed here: the driver calls NumPy for them between kernels, because NumPy's SIMD
  ``exp`` / ``log1p`` and OpenBLAS differ from libm and from a plain loop in the last bit.

On a NumPy build whose ``einsum`` kernel sums in another order the backends agree to rounding
(about ``(S + A) eps`` relative per value, accumulated over the episodes); ``tests/actor_critic``
states which case holds. Arrays only; every callee lives in this file (numba's cache tracks the
defining file only).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["einsum_dot", "offline_counts", "critic_rows", "episode_head", "normaliser_ratio", "episode_tail"]


@njit(cache=True)
def _einsum_dot(a, b):
    """``np.einsum('t,t->', a, b)`` summed in NumPy's order (SSE2 two-lane kernel, see the module doc)."""
    n = a.shape[0]
    v0 = 0.0
    v1 = 0.0
    i = 0
    while n - i >= 8:  # four two-lane vectors per block, innermost product first
        v0 = a[i] * b[i] + (a[i + 2] * b[i + 2] + (a[i + 4] * b[i + 4] + (a[i + 6] * b[i + 6] + v0)))
        v1 = a[i + 1] * b[i + 1] + (a[i + 3] * b[i + 3] + (a[i + 5] * b[i + 5] + (a[i + 7] * b[i + 7] + v1)))
        i += 8
    while i < n:  # tail, one (zero-padded) vector at a time
        v0 = a[i] * b[i] + v0
        if i + 1 < n:
            v1 = a[i + 1] * b[i + 1] + v1
        else:
            v1 = 0.0 + v1
        i += 2
    return 0.0 + (v0 + v1)  # einsum adds the lane sum to its zero-initialised output


@njit(cache=True)
def einsum_dot(a, b):
    """Public-to-the-tests face of :func:`_einsum_dot` (1-D float64 arrays of equal length)."""
    return _einsum_dot(a, b)


@njit(cache=True)
def _draw(cum, u):
    """Inverse-CDF draw of the reference ``_draw``: ``min(#{k : u > cum[k]}, K - 1)``."""
    K = cum.shape[0]
    c = 0
    for k in range(K):
        if u > cum[k]:
            c += 1
    return min(c, K - 1)


@njit(cache=True)
def offline_counts(rho_c, mc, Pc, u, N, Nsas):
    """Add ``n`` behaviour episodes to ``N[h, s, a]`` / ``Nsas[h, s, a, s']`` (one seed).

    ``u`` has shape ``(1 + 2H, n)``: the start-state uniforms, then per step ``h`` the action
    (row ``1 + 2h``) and next-state (row ``2 + 2h``) uniforms -- the order of the reference's
    ``rng.random(n)`` calls. ``mc`` = cumulative behaviour rows ``(H, S, A)``, ``Pc`` cumulative
    transition rows ``(H, S, A, S)``.
    """
    H = mc.shape[0]
    n = u.shape[1]
    for i in range(n):
        s = _draw(rho_c, u[0, i])
        for h in range(H):
            a = _draw(mc[h, s], u[1 + 2 * h, i])
            s2 = _draw(Pc[h, s, a], u[2 + 2 * h, i])
            N[h, s, a] += 1.0
            Nsas[h, s, a, s2] += 1.0
            s = s2


@njit(cache=True)
def _critic_row(r, N, Nsas, bonus_coef, out, V, Vn, phat):
    """Reference ``_optimistic_q`` for one seed: ``N`` (H, S, A), ``Nsas`` (H, S, A, S) -> ``out`` (H, S, A)."""
    H, S, A = N.shape
    for s in range(S):
        V[s] = 0.0
    for h in range(H - 1, -1, -1):
        cap = float(H - h)
        for s in range(S):
            for a in range(A):
                n = N[h, s, a]
                nn = max(n, 1.0)
                for t in range(S):
                    phat[t] = Nsas[h, s, a, t] / nn
                q = r[h, s, a] + _einsum_dot(phat, V)
                if bonus_coef > 0:
                    q = q + bonus_coef / np.sqrt(nn)
                    if not n > 0:
                        q = cap
                elif not n > 0:
                    q = 0.0
                out[h, s, a] = min(max(q, 0.0), cap)  # np.clip
        for s in range(S):
            m = out[h, s, 0]
            for a in range(1, A):
                if out[h, s, a] > m:
                    m = out[h, s, a]
            Vn[s] = m
        for s in range(S):
            V[s] = Vn[s]


@njit(cache=True)
def critic_rows(r, N, Nsas, bonus_coef, rows, f):
    """``f[i] = _optimistic_q(N[i], Nsas[i])`` for every ``i`` in ``rows`` (the seeds that switch)."""
    R, H, S, A = N.shape
    V = np.empty(S)
    Vn = np.empty(S)
    phat = np.empty(S)
    for i in rows:
        _critic_row(r, N[i], Nsas[i], bonus_coef, f[i], V, Vn, phat)


@njit(cache=True)
def episode_head(pi, P, r, Pc, rho_c, u, N, Nsas, N_last, f, logpi, switches, every, reset, log_unif,
                 eta, bonus_coef, V_out, z, k_out):
    """One online episode of every seed, up to the normaliser of the actor step.

    * ``V_out[r] = V^{pi_t}_0`` (exact backward induction, einsum order);
    * one episode per seed drawn with ``u`` (shape ``(1 + 2H, R)``), counts updated;
    * seeds whose counts doubled since their last switch (all of them when ``every``) recompute
      the critic ``f``, record the switch, and reset ``logpi`` to ``log_unif`` when ``reset``;
    * ``x = logpi + eta f``; ``z = x - max_a x`` (a non-finite maximum counts as 0) and
      ``k_out[r, h, s] = #{a : z = 0}``, the first half of ``pgtheory._math.log_softmax``.

    Returns the number of switching seeds.
    """
    R, H, S, A = logpi.shape
    Vc = np.empty(S)
    Vn = np.empty(S)
    Qs = np.empty(A)
    pc = np.empty(A)
    phat = np.empty(S)
    Vw = np.empty(S)
    Vw2 = np.empty(S)
    for i in range(R):
        for s in range(S):
            Vc[s] = 0.0
        for h in range(H - 1, -1, -1):
            for s in range(S):
                for a in range(A):
                    Qs[a] = r[h, s, a] + _einsum_dot(P[h, s, a], Vc)
                Vn[s] = _einsum_dot(pi[i, h, s], Qs)
            for s in range(S):
                Vc[s] = Vn[s]
        for s in range(S):
            V_out[i, s] = Vc[s]
    for i in range(R):
        s = _draw(rho_c, u[0, i])
        for h in range(H):
            acc = 0.0
            for a in range(A):  # np.cumsum (sequential)
                acc = pi[i, h, s, a] if a == 0 else acc + pi[i, h, s, a]
                pc[a] = acc
            a = _draw(pc, u[1 + 2 * h, i])
            s2 = _draw(Pc[h, s, a], u[2 + 2 * h, i])
            N[i, h, s, a] += 1.0
            Nsas[i, h, s, a, s2] += 1.0
            s = s2
    n_sw = 0
    for i in range(R):
        sw = every
        if not sw:
            for h in range(H):
                for s in range(S):
                    for a in range(A):
                        if N[i, h, s, a] >= 2.0 * max(N_last[i, h, s, a], 1.0):
                            sw = True
        if sw:
            n_sw += 1
            _critic_row(r, N[i], Nsas[i], bonus_coef, f[i], Vw, Vw2, phat)
            for h in range(H):
                for s in range(S):
                    for a in range(A):
                        N_last[i, h, s, a] = N[i, h, s, a]
                        if reset:
                            logpi[i, h, s, a] = log_unif
            switches[i] += 1.0
    for i in range(R):
        for h in range(H):
            for s in range(S):
                m = -np.inf
                nan = False
                for a in range(A):
                    x = logpi[i, h, s, a] + eta * f[i, h, s, a]
                    z[i, h, s, a] = x
                    if x != x:
                        nan = True
                    elif x > m:
                        m = x
                if nan:
                    m = np.nan
                if not np.isfinite(m):
                    m = 0.0
                k = 0
                for a in range(A):
                    zz = z[i, h, s, a] - m
                    z[i, h, s, a] = zz
                    if zz == 0.0:
                        k += 1
                k_out[i, h, s] = k
    return n_sw


@njit(cache=True)
def normaliser_ratio(z, e, k, ratio):
    """``ratio = rest / max(k, 1)`` with ``rest = sum_a [z != 0] exp(z)`` (sequential), per row."""
    R, H, S, A = z.shape
    for i in range(R):
        for h in range(H):
            for s in range(S):
                rest = 0.0
                for a in range(A):
                    rest += 0.0 if z[i, h, s, a] == 0.0 else e[i, h, s, a]
                ratio[i, h, s] = rest / float(max(k[i, h, s], 1))


@njit(cache=True)
def episode_tail(z, k, ratio, l1p, log_k, logpi, Vrho, v_star, cum, gap):
    """``logpi = z - L`` with ``L = log k + log1p(rest / k)`` (``log_k[k]`` from ``np.log``), then
    ``gap = v_star - V @ rho`` and ``cum += gap``.

    A row without an entry at its maximum (``k = 0``: a non-finite logit, which the actor's finite
    logits never produce) takes the reference's ``L = log(rest)`` from libm.
    """
    R, H, S, A = z.shape
    for i in range(R):
        for h in range(H):
            for s in range(S):
                kk = k[i, h, s]
                L = log_k[kk] + l1p[i, h, s] if kk > 0 else np.log(ratio[i, h, s])
                for a in range(A):
                    logpi[i, h, s, a] = z[i, h, s, a] - L
        g = v_star - Vrho[i]
        gap[i] = g
        cum[i] += g
