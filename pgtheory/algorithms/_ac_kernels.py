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
  :func:`_einsum_dot`; the value sums over a transition row visit only its non-zero entries, in
  that order, which is exact (:func:`einsum_support`; the combination lock has two next states
  out of ``3H``); row sums that the reference does with ``np.sum`` are sequential;
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

__all__ = ["einsum_dot", "einsum_dot_at", "einsum_support", "support_dot", "reachable_states", "offline_counts",
           "critic_rows", "episode_head", "normaliser_ratio", "episode_tail"]


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
def _einsum_dot_at(x, off, div, b):
    """:func:`_einsum_dot` of ``x[off:off + n] / div`` and ``b`` (``n = len(b)``; each ratio rounded
    first; ``div = 1`` is exact) -- the form the kernels use on flattened arrays, without slicing."""
    n = b.shape[0]
    v0 = 0.0
    v1 = 0.0
    i = 0
    while n - i >= 8:
        v0 = (x[off + i] / div) * b[i] + ((x[off + i + 2] / div) * b[i + 2] + (
            (x[off + i + 4] / div) * b[i + 4] + ((x[off + i + 6] / div) * b[i + 6] + v0)))
        v1 = (x[off + i + 1] / div) * b[i + 1] + ((x[off + i + 3] / div) * b[i + 3] + (
            (x[off + i + 5] / div) * b[i + 5] + ((x[off + i + 7] / div) * b[i + 7] + v1)))
        i += 8
    while i < n:
        v0 = (x[off + i] / div) * b[i] + v0
        if i + 1 < n:
            v1 = (x[off + i + 1] / div) * b[i + 1] + v1
        else:
            v1 = 0.0 + v1
        i += 2
    return 0.0 + (v0 + v1)


@njit(cache=True)
def einsum_dot(a, b):
    """Public-to-the-tests face of :func:`_einsum_dot` (1-D float64 arrays of equal length)."""
    return _einsum_dot(a, b)


@njit(cache=True)
def einsum_dot_at(x, off, div, b):
    """Public-to-the-tests face of :func:`_einsum_dot_at`."""
    return _einsum_dot_at(x, off, div, b)


@njit(cache=True)
def einsum_support(P):
    """Non-zero entries of each row ``P[h, s, a, :]`` listed in the order :func:`_einsum_dot` adds them.

    In that order lane ``t % 2`` receives term ``t``: within each full block of 8 the terms of a lane
    in decreasing ``t``, blocks in increasing order, then the tail in increasing ``t``. A zero entry
    contributes the product ``+-0`` to a lane accumulator that starts at ``+0`` and so is never
    ``-0``; adding it changes nothing, so :func:`_support_dot` summing only the listed entries, in
    this order, returns exactly :func:`_einsum_dot` of the full row (for finite ``V``). Returns
    ``(idx, cnt)``: ``idx[h, s, a, :cnt[h, s, a]]``.
    """
    H, S, A, n = P.shape
    order = np.empty(n, dtype=np.int64)
    full = (n // 8) * 8
    j = 0
    for b in range(0, full, 8):
        for off in (6, 7, 4, 5, 2, 3, 0, 1):
            order[j] = b + off
            j += 1
    for t in range(full, n):
        order[j] = t
        j += 1
    idx = np.zeros((H, S, A, n), dtype=np.int64)
    cnt = np.zeros((H, S, A), dtype=np.int64)
    for h in range(H):
        for s in range(S):
            for a in range(A):
                c = 0
                for t in order:
                    if P[h, s, a, t] != 0.0:
                        idx[h, s, a, c] = t
                        c += 1
                cnt[h, s, a] = c
    return idx, cnt


@njit(cache=True)
def _support_dot(p, idx, cnt, V):
    """``np.einsum('t,t->', p, V)`` over the listed support of ``p`` (see :func:`einsum_support`)."""
    v0 = 0.0
    v1 = 0.0
    for k in range(cnt):
        t = idx[k]
        if t & 1:
            v1 = p[t] * V[t] + v1
        else:
            v0 = p[t] * V[t] + v0
    return 0.0 + (v0 + v1)


@njit(cache=True)
def support_dot(p, idx, cnt, V):
    """Public-to-the-tests face of :func:`_support_dot`."""
    return _support_dot(p, idx, cnt, V)


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
def reachable_states(P, rho):
    """``reach[h, s]``: whether state ``s`` has positive probability at step ``h`` under some policy
    (``rho``'s support carried forward through the positive transitions; every action counts).

    Values, critics and logits at the other pairs never reach an output, so the kernels keep them
    only on these pairs (the combination lock reaches at most 3 of its ``3H + 1`` states per step).
    The inverse-CDF draw ``min(#{k : u > cum_k}, K - 1)`` can leave this set only through a
    zero-probability index 0 at ``u = 0`` or a zero-probability last index when a cumulative sum
    rounds below ``u`` (each at most ``2^-53`` per draw); :func:`episode_head` then stops and the
    driver reruns the call on the NumPy reference.
    """
    H, S, A, _ = P.shape
    reach = np.zeros((H, S), dtype=np.bool_)
    for s in range(S):
        reach[0, s] = rho[s] > 0.0
    for h in range(H - 1):
        for s in range(S):
            if reach[h, s]:
                for a in range(A):
                    for t in range(S):
                        if P[h, s, a, t] > 0.0:
                            reach[h + 1, t] = True
    return reach


@njit(cache=True)
def _critic_row(r, hs_start, pair_s, N, Nsas_flat, i, bonus_coef, out, V, Vn):
    """Reference ``_optimistic_q`` of seed ``i`` at the reachable pairs: ``N`` (R, H, S, A),
    ``Nsas_flat`` the flattened ``Nsas`` (R, H, S, A, S) -> ``out`` (M, A), pair ``m`` being state
    ``pair_s[m]`` at the step ``h`` with ``hs_start[h] <= m < hs_start[h + 1]``.

    The empirical rows ``Nsas / max(N, 1)`` are summed densely in einsum order (a critic is
    recomputed only at a switch); the next states they weigh are reachable, and ``V`` is 0
    elsewhere, so every reachable entry equals the reference's.
    """
    R, H, S, A = N.shape
    for s in range(S):
        V[s] = 0.0
    for h in range(H - 1, -1, -1):
        cap = float(H - h)
        for s in range(S):
            Vn[s] = 0.0
        for m in range(hs_start[h], hs_start[h + 1]):
            s = pair_s[m]
            mx = 0.0
            for a in range(A):
                n = N[i, h, s, a]
                nn = max(n, 1.0)
                q = r[h, s, a] + _einsum_dot_at(Nsas_flat, (((i * H + h) * S + s) * A + a) * S, nn, V)
                if bonus_coef > 0:
                    q = q + bonus_coef / np.sqrt(nn)
                    if not n > 0:
                        q = cap
                elif not n > 0:
                    q = 0.0
                q = min(max(q, 0.0), cap)  # np.clip
                out[m, a] = q
                if a == 0 or q > mx:
                    mx = q
            Vn[s] = mx
        for s in range(S):
            V[s] = Vn[s]


@njit(cache=True)
def critic_rows(r, hs_start, pair_s, N, Nsas, bonus_coef, rows, f):
    """``f[i] = _optimistic_q(N[i], Nsas[i])`` at the reachable pairs for every ``i`` in ``rows``."""
    R, H, S, A = N.shape
    V = np.empty(S)
    Vn = np.empty(S)
    Nsas_flat = Nsas.reshape(Nsas.size)
    for i in rows:
        _critic_row(r, hs_start, pair_s, N, Nsas_flat, i, bonus_coef, f[i], V, Vn)


@njit(cache=True)
def _doubled(hs_start, pair_s, N, N_last, i):
    """Whether some count of seed ``i`` reached twice its value at the last switch (at least 2); the
    counts of unreachable pairs stay 0."""
    R, H, S, A = N.shape
    for h in range(H):
        for m in range(hs_start[h], hs_start[h + 1]):
            s = pair_s[m]
            for a in range(A):
                if N[i, h, s, a] >= 2.0 * max(N_last[i, h, s, a], 1.0):
                    return True
    return False


@njit(cache=True)
def episode_head(pi, P, idx, cnt, hs_start, pair_s, pm, r, Pc, rho_c, u, N, Nsas, N_last, f, logpi, switches,
                 every, reset, log_unif, eta, bonus_coef, V_out, z, k_out):
    """One online episode of every seed, up to the normaliser of the actor step.

    Policies, logits and critics are stored per reachable pair: ``pi, logpi, f, z`` (R, M, A),
    ``k_out`` (R, M); ``pm[h, s]`` is the pair of state ``s`` at step ``h`` (see
    :func:`reachable_states`). Counts keep the full (R, H, S, A[, S]) layout.

    * ``V_out[r] = V^{pi_t}_0`` (exact backward induction over the reachable states, einsum order;
      0 at unreachable states, which ``rho`` does not weigh);
    * one episode per seed drawn with ``u`` (shape ``(1 + 2H, R)``), counts updated;
    * seeds whose counts doubled since their last switch (all of them when ``every``) recompute
      the critic ``f``, record the switch, and reset ``logpi`` to ``log_unif`` when ``reset``;
    * ``x = logpi + eta f``; ``z = x - max_a x`` (a non-finite maximum counts as 0) and
      ``k_out = #{a : z = 0}``, the first half of ``pgtheory._math.log_softmax``.

    Returns the number of switching seeds, or -1 (state left half-updated) when a drawn state is
    outside the reachable pairs.
    """
    R, M, A = logpi.shape
    H, S = pm.shape
    Vc = np.empty(S)
    Vn = np.empty(S)
    Qs = np.empty(A)
    pc = np.empty(A)
    Vw = np.empty(S)
    Vw2 = np.empty(S)
    pi_flat = pi.reshape(pi.size)
    Nsas_flat = Nsas.reshape(Nsas.size)
    for i in range(R):
        for s in range(S):
            Vc[s] = 0.0
        for h in range(H - 1, -1, -1):
            for s in range(S):
                Vn[s] = 0.0
            for m in range(hs_start[h], hs_start[h + 1]):
                s = pair_s[m]
                for a in range(A):
                    v0 = 0.0  # _support_dot(P[h, s, a], ...), written out (no array views in this loop)
                    v1 = 0.0
                    for j in range(cnt[h, s, a]):
                        t = idx[h, s, a, j]
                        if t & 1:
                            v1 = P[h, s, a, t] * Vc[t] + v1
                        else:
                            v0 = P[h, s, a, t] * Vc[t] + v0
                    Qs[a] = r[h, s, a] + (0.0 + (v0 + v1))
                Vn[s] = _einsum_dot_at(pi_flat, (i * M + m) * A, 1.0, Qs)
            for s in range(S):
                Vc[s] = Vn[s]
        for s in range(S):
            V_out[i, s] = Vc[s]
    for i in range(R):
        s = _draw(rho_c, u[0, i])
        for h in range(H):
            m = pm[h, s]
            if m < 0:  # left the reachable pairs (see reachable_states): the driver reruns on the reference
                return -1
            acc = 0.0
            for a in range(A):  # np.cumsum (sequential)
                acc = pi[i, m, a] if a == 0 else acc + pi[i, m, a]
                pc[a] = acc
            a = _draw(pc, u[1 + 2 * h, i])
            s2 = _draw(Pc[h, s, a], u[2 + 2 * h, i])
            N[i, h, s, a] += 1.0
            Nsas[i, h, s, a, s2] += 1.0
            s = s2
    n_sw = 0
    for i in range(R):
        if every or _doubled(hs_start, pair_s, N, N_last, i):
            n_sw += 1
            _critic_row(r, hs_start, pair_s, N, Nsas_flat, i, bonus_coef, f[i], Vw, Vw2)
            for h in range(H):
                for s in range(S):
                    for a in range(A):
                        N_last[i, h, s, a] = N[i, h, s, a]
            if reset:
                for m in range(M):
                    for a in range(A):
                        logpi[i, m, a] = log_unif
            switches[i] += 1.0
    for i in range(R):
        for m in range(M):
            mx = -np.inf
            nan = False
            for a in range(A):
                x = logpi[i, m, a] + eta * f[i, m, a]
                z[i, m, a] = x
                if x != x:
                    nan = True
                elif x > mx:
                    mx = x
            if nan:
                mx = np.nan
            if not np.isfinite(mx):
                mx = 0.0
            k = 0
            for a in range(A):
                zz = z[i, m, a] - mx
                z[i, m, a] = zz
                if zz == 0.0:
                    k += 1
            k_out[i, m] = k
    return n_sw


@njit(cache=True)
def normaliser_ratio(z, e, k, ratio):
    """``ratio = rest / max(k, 1)`` with ``rest = sum_a [z != 0] exp(z)`` (sequential), per row of (R, M, A)."""
    R, M, A = z.shape
    for i in range(R):
        for m in range(M):
            rest = 0.0
            for a in range(A):
                rest += 0.0 if z[i, m, a] == 0.0 else e[i, m, a]
            ratio[i, m] = rest / float(max(k[i, m], 1))


@njit(cache=True)
def episode_tail(z, k, ratio, l1p, log_k, logpi, Vrho, v_star, cum, gap):
    """``logpi = z - L`` with ``L = log k + log1p(rest / k)`` (``log_k[k]`` from ``np.log``), per row of
    (R, M, A); then ``gap = v_star - V @ rho`` and ``cum += gap``.

    A row without an entry at its maximum (``k = 0``: a non-finite logit, which the actor's finite
    logits never produce) takes the reference's ``L = log(rest)`` from libm.
    """
    R, M, A = z.shape
    for i in range(R):
        for m in range(M):
            kk = k[i, m]
            L = log_k[kk] + l1p[i, m] if kk > 0 else np.log(ratio[i, m])
            for a in range(A):
                logpi[i, m, a] = z[i, m, a] - L
        g = v_star - Vrho[i]
        gap[i] = g
        cum[i] += g
