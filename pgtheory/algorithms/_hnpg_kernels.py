"""Numba kernels of the HAC samplers that consume a generator's uniforms exactly as the NumPy code does.

Sampled HAC (:func:`pgtheory.algorithms.hnpg.hac`) draws, every round, ``K2 * m_on`` pairs from
:math:`d^\\pi` (:func:`~pgtheory.algorithms.hnpg.sample_occupancy_pairs`) and one Monte-Carlo return per
pair (:func:`pgtheory.estimators.rollout_returns`, NumPy engine): vectorised over the live rollouts, one
Python iteration (a dozen NumPy calls) per time step, which dominated the sampled zhou2023 checks.

These kernels replay the same computation on a pre-drawn block of uniforms ``U`` from the caller's
generator and return how many they used, ``-1`` when the block ran out (the caller draws a larger
one). The NumPy code draws its uniforms in blocks, one per purpose and time step, over the live
rollouts in index order; every block is a run of consecutive doubles of the generator, so a kernel
that reads ``U`` in the same order, makes the same comparisons against the same cumulative tables
and sums the same terms in the same order returns the same samples, bit for bit (tested against the
NumPy code in ``tests/actor_critic``), and the caller leaves the generator exactly where the NumPy
code would (it redraws the used count from the saved state).

Arrays only; every callee lives in this file (numba's cache tracks the defining file only).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def occupancy_pairs_kernel(rho_cum, pic, Pc, gamma, n, U, out_s, out_a):
    """The loop of :func:`~pgtheory.algorithms.hnpg.sample_occupancy_pairs` on pre-drawn uniforms.

    ``rho_cum`` = ``cumsum(rho)``, ``pic`` = ``cumsum(pi, axis=1)``, ``Pc`` = ``cumsum(P, axis=2)``.
    Uniform blocks, as the NumPy loop draws them: ``n`` start states, then per step over the live
    rollouts (index order) the actions, the stop coins (stop when ``u >= gamma``) and, for those that
    go on, the next states. Inverse CDF as in NumPy: ``searchsorted(rho_cum, u, 'right')`` and the
    count of cumulative entries ``< u``, each clamped to the last index. Returns (uniforms used,
    environment steps), or (-1, 0) when ``U`` is too short.
    """
    S = rho_cum.shape[0]
    A = pic.shape[1]
    if U.shape[0] < n:
        return -1, 0
    idx = np.empty(n, dtype=np.int64)
    s = np.empty(n, dtype=np.int64)
    a = np.empty(n, dtype=np.int64)
    for i in range(n):
        u = U[i]
        c = 0
        for j in range(S):  # searchsorted(side="right") on the nondecreasing cumsum: entries <= u
            if rho_cum[j] <= u:
                c += 1
        s[i] = min(c, S - 1)
        idx[i] = i
    pos = n
    k = n
    steps = 0
    while k > 0:
        if pos + 2 * k > U.shape[0]:
            return -1, 0
        for j in range(k):
            u = U[pos + j]
            c = 0
            for b in range(A):
                if u > pic[s[j], b]:
                    c += 1
            a[j] = min(c, A - 1)
        pos += k
        steps += k
        m = 0
        for j in range(k):
            if U[pos + j] >= gamma:  # stop: this pair is the sample
                out_s[idx[j]] = s[j]
                out_a[idx[j]] = a[j]
            else:  # keep, compacted in order
                idx[m] = idx[j]
                s[m] = s[j]
                a[m] = a[j]
                m += 1
        pos += k
        k = m
        if k > 0:
            if pos + k > U.shape[0]:
                return -1, 0
            for j in range(k):
                u = U[pos + j]
                c = 0
                for t in range(S):
                    if u > Pc[s[j], a[j], t]:
                        c += 1
                s[j] = min(c, S - 1)
            pos += k
    return pos, steps


@njit(cache=True)
def _pairwise_sum(a, lo, n):
    """NumPy's pairwise summation of ``a[lo:lo+n]`` (8 accumulators, blocks of 128): the order of ``np.sum``."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    if n <= 128:
        r0 = a[lo]
        r1 = a[lo + 1]
        r2 = a[lo + 2]
        r3 = a[lo + 3]
        r4 = a[lo + 4]
        r5 = a[lo + 5]
        r6 = a[lo + 6]
        r7 = a[lo + 7]
        i = 8
        while i < n - (n % 8):
            r0 += a[lo + i]
            r1 += a[lo + i + 1]
            r2 += a[lo + i + 2]
            r3 += a[lo + i + 3]
            r4 += a[lo + i + 4]
            r5 += a[lo + i + 5]
            r6 += a[lo + i + 6]
            r7 += a[lo + i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[lo + i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise_sum(a, lo, n2) + _pairwise_sum(a, lo + n2, n - n2)


@njit(cache=True)
def row_sums(X):
    """``X.sum(axis=1)`` of a C-contiguous float64 matrix with NumPy's summation order (0.0 + pairwise sum)."""
    n, T = X.shape
    flat = X.reshape(n * T)
    out = np.empty(n)
    for i in range(n):
        out[i] = 0.0 + _pairwise_sum(flat, i * T, T)
    return out


@njit(cache=True)
def cumulative_rows(p):
    """Row-wise cumulative sums, exactly 1 from the last positive entry of each row on (the engine's tables)."""
    n, m = p.shape
    c = np.empty((n, m))
    for i in range(n):
        acc = 0.0
        last = 0
        for j in range(m):
            acc += p[i, j]  # np.cumsum: sequential
            c[i, j] = acc
            if p[i, j] > 0:
                last = j
        for j in range(last, m):
            c[i, j] = 1.0
    return c


@njit(cache=True)
def geometric_returns_kernel(pi_cum, p_cum, S, r, cont, s0, a0, U, out_R, out_len):
    """The NumPy engine's rollouts from given pairs with geometric termination, on pre-drawn uniforms.

    Mirrors ``pgtheory.estimators`` (NumPy reference, one block, dense ``P``, no step cap): from the
    pairs ``(s0, a0)``, per step over the live rollouts in index order a block of action uniforms (not at
    the first step: the action is given), a block for the next states and a block of continuation coins
    (go on when ``u < cont``). Actions: the count of ``pi_cum[s] <= u``, clamped; next states: the binary
    search of the engine (first ``j`` with ``p_cum[s*A+a, j] > u``, clamped). Returns are the padded reward
    rows summed as ``rewards.sum(axis=1)`` does (:func:`row_sums`). ``pi_cum`` (S, A) and ``p_cum``
    (S*A, S) are :func:`cumulative_rows` tables. Returns the uniforms used, or -1 when ``U`` is too short.
    """
    n = s0.shape[0]
    A = pi_cum.shape[1]
    cap = 16
    rew = np.zeros((n, cap))
    alive = np.arange(n)
    s = s0.copy()
    a = np.empty(n, dtype=np.int64)
    for i in range(n):
        out_len[i] = 0
    k = n
    pos = 0
    t = 0
    while k > 0:
        if t >= cap:  # grow the reward rows (padding stays 0)
            new = np.zeros((n, 2 * cap))
            for i in range(n):  # element loops, not slice assignment: see the note at the end
                for j in range(cap):
                    new[i, j] = rew[i, j]
            rew = new
            cap *= 2
        if t == 0:
            for j in range(k):
                a[j] = a0[alive[j]]
        else:
            if pos + k > U.shape[0]:
                return -1
            for j in range(k):
                u = U[pos + j]
                c = 0
                for b in range(A):
                    if pi_cum[s[j], b] <= u:
                        c += 1
                a[j] = min(c, A - 1)
            pos += k
        for j in range(k):
            rew[alive[j], t] = r[s[j], a[j]]
            out_len[alive[j]] += 1
        t += 1
        if pos + 2 * k > U.shape[0]:
            return -1
        for j in range(k):
            row = s[j] * A + a[j]
            lo = 0
            hi = S
            u = U[pos + j]
            while lo < hi:
                mid = (lo + hi) >> 1
                if p_cum[row, mid] > u:
                    hi = mid
                else:
                    lo = mid + 1
            s[j] = min(lo, S - 1)
        pos += k
        m = 0
        for j in range(k):
            if U[pos + j] < cont:
                alive[m] = alive[j]
                s[m] = s[j]
                m += 1
        pos += k
        k = m
    T = max(t, 1)
    # row_sums of rew[:, :T] read in place (row i starts at i * cap). Broadcasting slice assignments
    # (`out_R[:] = ...`, `new[:, :cap] = rew`) made this kernel's first compile 3 s longer (Numba's
    # shape-mismatch error path); the loops copy the same numbers.
    flat = rew.reshape(n * cap)
    for i in range(n):
        out_R[i] = 0.0 + _pairwise_sum(flat, i * cap, T)
    return pos

