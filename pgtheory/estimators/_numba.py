r"""Numba backend: one compiled kernel that samples trajectories and reduces per-trajectory estimates.

Imported lazily (first use of ``backend="numba"``), compiled once per machine (``cache=True``).
The kernel follows :mod:`pgtheory.estimators._reference` step for step:

* trajectories are split into ``n_chunks`` = ``min(n, 64)`` fixed chunks; one worker per thread
  (``prange``) takes chunks from a shared atomic counter (dynamic assignment: a thread delayed by
  another process or by longer trajectories does not leave the other idle at the end, which a
  static split of 64 chunks over 2 threads did); chunk ``c`` reseeds the running thread's NumPy
  generator (Numba's per-thread Mersenne Twister) with ``seeds[c]`` (derived from the caller's
  ``rng`` through ``SeedSequence.spawn``) and writes only row ``c`` of the accumulators, so results
  depend on the seed only, not on the number of threads or on which thread ran which chunk;
* per-worker scratch is allocated once per call (not per chunk), accumulator rows are padded to
  whole cache lines (no false sharing between chunks running on different threads), and the
  serial parts around the kernel (guide table, reduction of the chunk rows) are compiled and
  parallel too -- at S = 1000, A = 16 they cost ~45 ms of single-threaded time per call before;
* inverse-CDF sampling with the rule "first index whose cumulative probability exceeds u"
  (linear scan over actions, binary search over the CSR successors of ``(s, a)``);
* per-trajectory weights :math:`w_t` as :func:`~pgtheory.estimators._reference.step_weights`, but in
  a single pass (prefix form of the reward-to-go, see :func:`pg_kernel`), so no step buffers;
* the softmax score is never materialised: only the rows of visited states are touched, so the
  cost per trajectory is :math:`O(L + A\cdot\#\text{visited states})`; table policies cost
  :math:`O(L\,d)`;
* per-chunk sums and sums of squares are combined by :func:`combine_chunks` (Chan et al.'s pairwise rule). Within a
  chunk the variance is the one-pass ``sumsq - n mean^2``, whose relative error is about
  ``1e-16 * mean^2 / var`` -- negligible for gradient coordinates (parity with the two-pass NumPy
  reference is tested at ``rtol = 1e-8``).

With ``use_u = 1`` the kernel reads the uniforms ``u0[i]``, ``U[i, t, k]`` instead of drawing
them (parity mode, used by the tests to compare with NumPy to rounding).
"""

from __future__ import annotations

import contextlib
from collections import namedtuple

import numba
import numpy as np
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from .._jit import pick, serial_twin
from ..errors import ValidationError
from ._tables import (
    ESTIMATOR_GPOMDP,
    ESTIMATOR_REINFORCE,
    ESTIMATOR_SCORE_SUM,
    POLICY_SOFTMAX,
    POLICY_TABLE,
    Draws,
    EnvTable,
    EstimatorTables,
    ModelTables,
    Outputs,
    PolicyMap,
    PolicyTables,
    cumulative_rows,
    n_chunks_for,
)

__all__: list[str] = []

# Named modes, compared as integers inside the kernels. Numba freezes module globals at compile
# time and the on-disk cache tracks only this file, so the kernels use these local copies; the
# asserts fail loudly (instead of reading a stale cache) if _tables ever renumbers them.
_REINFORCE, _GPOMDP, _SCORE_SUM = 0, 1, 2
_SOFTMAX, _TABLE = 0, 1
RNG_MT19937, RNG_SPLITMIX64 = 0, 1
assert (_REINFORCE, _GPOMDP, _SCORE_SUM) == (ESTIMATOR_REINFORCE, ESTIMATOR_GPOMDP, ESTIMATOR_SCORE_SUM)
assert (_SOFTMAX, _TABLE) == (POLICY_SOFTMAX, POLICY_TABLE)

#: Scalars: sizes, discounting / termination, the named modes (``policy_kind`` in {POLICY_SOFTMAX,
#: POLICY_TABLE}, ``estimator`` in {ESTIMATOR_REINFORCE, ESTIMATOR_GPOMDP, ESTIMATOR_SCORE_SUM},
#: ``rng_kind`` in {RNG_MT19937, RNG_SPLITMIX64}) and the 0/1 switches.
Config = namedtuple("Config", [
    "S", "A", "K", "p_dense", "n_stages", "discount", "cont_prob", "max_steps", "bernoulli",
    "policy_kind", "use_ratio", "estimator", "b_const", "hvp", "n", "n_chunks", "use_u", "keep",
    "rng_kind", "key", "d", "n_workers", "replicate",
])
#: Per-worker scratch of :func:`_chunk` (all zero / False between trajectories).
Scratch = namedtuple("Scratch", ["Nc", "Mc", "Ns", "Ms", "mark", "vis", "gN", "gM", "hN", "hM"])


@njit(cache=True, inline="always")
def _mix64(z):
    """SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit hash."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _draw(use_u, U, i, t, k, rng_kind, st):
    if use_u:
        return U[i, t, k]
    if rng_kind == 1:
        st[0] += np.uint64(0x9E3779B97F4A7C15)
        return float(_mix64(st[0]) >> np.uint64(11)) * 1.1102230246251565e-16
    return np.random.random()


@njit(cache=True)
def splitmix_uniforms(key, traj, m):
    """The first ``m`` uniforms of trajectory ``traj``'s SplitMix64 stream (for statistical tests)."""
    st = np.empty(1, dtype=np.uint64)
    st[0] = _mix64(key + np.uint64(traj) * np.uint64(0xD1B54A32D192ED03))
    out = np.empty(m)
    for k in range(m):
        out[k] = _draw(0, np.zeros((1, 1, 1)), 0, 0, 0, 1, st)
    return out


@njit(cache=True)
def _search_row(cum2, s, A, u):
    """First ``j`` with ``cum2[s, j] > u`` (linear scan; rows are short), clamped to ``A - 1``."""
    for j in range(A):
        if cum2[s, j] > u:
            return j
    return A - 1


@njit(cache=True)
def _search_csr(cum, lo, hi, u):
    """First ``j`` in ``[lo, hi)`` with ``cum[j] > u`` (binary search), clamped to ``hi - 1``."""
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    if lo >= end:
        lo = end - 1
    return lo


@njit(cache=True)
def _search_guided(cum, lo, hi, u, guide, grow, K):
    """First ``j`` in ``[lo, hi)`` with ``cum[j] > u`` (clamped to ``hi - 1``), started from a guide table.

    ``lo + guide[grow, b]`` is the answer for ``u = b / K``; the two scans make the result exact for
    any start (identical to :func:`_search_csr`), the guide only makes it O(1) on average
    (Chen and Asau 1974, "On generating random variates from an empirical distribution").
    """
    b = int(u * K)
    if b >= K:
        b = K - 1
    j = lo + guide[grow, b]
    if j > hi - 1:
        j = hi - 1
    while j > lo and cum[j - 1] > u:
        j -= 1
    while j < hi - 1 and cum[j] <= u:
        j += 1
    return j


@njit(cache=True, parallel=True)
def build_guides(p_indptr, p_cum, K):
    """Guide table: ``lo + g[row, b]`` is the first ``j`` of the row with ``cum[j] > b / K``.

    Shape (rows, K), int32 offsets from the row start ``lo = p_indptr[row]`` (half the memory of
    absolute int64 indices, so more of the table stays in cache next to ``p_cum``; a row is
    narrower than 2**31 entries whenever ``p_cum`` fits in memory). Rows are independent and
    built in parallel (the table is the same for any thread count).
    """
    rows = p_indptr.shape[0] - 1
    g = np.empty((rows, K), dtype=np.int32)
    for row in prange(rows):
        lo = p_indptr[row]
        hi = p_indptr[row + 1]
        j = lo
        for b in range(K):
            x = b / K
            while j < hi - 1 and p_cum[j] <= x:
                j += 1
            g[row, b] = j - lo
    return g


build_guides_serial = serial_twin(build_guides, "build_guides_serial")


@intrinsic
def _fetch_add(typingctx, arr, idx, val):
    """Atomic ``old = arr[idx]; arr[idx] += val; return old`` (sequentially consistent) on an int64 array."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.int64 and arr.ndim == 1):
        return None
    sig = types.int64(arr, types.intp, types.int64)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")

    return sig, codegen


@njit(cache=True)
def _chunk(c, model, pol, est, draws, out, cfg, scr):
    """Trajectories ``[c n / n_chunks, (c + 1) n / n_chunks)`` of chunk ``c`` (see :func:`pg_kernel`).

    The scratch arrays ``scr`` belong to the calling worker; they are all zero (``mark`` all False)
    on entry and are left so on exit (each trajectory resets what it touched).
    """
    rho_cum, p_indptr, p_indices, p_cum, guide, r = model
    pi_cum, pi, table, ratio = pol
    b_tab, sv, hv_soft, hv_tab = est
    start_s, start_a, seeds, u0, U = draws
    out_sum, out_sq, samples, returns, lengths, _counter = out
    Nc, Mc, Ns, Ms, mark, vis, gN, gM, hN, hM = scr
    S = cfg.S
    A = cfg.A
    K = cfg.K
    p_dense = cfg.p_dense
    n_stages = cfg.n_stages
    discount = cfg.discount
    cont_prob = cfg.cont_prob
    max_steps = cfg.max_steps
    bern = cfg.bernoulli
    kind = cfg.policy_kind
    use_ratio = cfg.use_ratio
    est_mode = cfg.estimator
    b_const = cfg.b_const
    hvp = cfg.hvp
    n = cfg.n
    n_chunks = cfg.n_chunks
    use_u = cfg.use_u
    keep = cfg.keep
    rng_kind = cfg.rng_kind
    key = cfg.key
    d = cfg.d
    lo_i = (c * n) // n_chunks
    hi_i = ((c + 1) * n) // n_chunks
    if not use_u and rng_kind == RNG_MT19937:
        np.random.seed(seeds[c])
    st = np.empty(1, dtype=np.uint64)
    st[0] = np.uint64(0)
    for i in range(lo_i, hi_i):
        if rng_kind == RNG_SPLITMIX64:
            st[0] = _mix64(key + np.uint64(i) * np.uint64(0xD1B54A32D192ED03))
        if start_s.shape[0] > 0:
            s = start_s[i]
        else:
            u = u0[i] if use_u else (np.random.random() if rng_kind == RNG_MT19937 else _draw(0, U, i, 0, 0, 1, st))
            s = _search_csr(rho_cum, 0, S, u)
        t = 0
        nvis = 0
        R = 0.0      # sum_k delta_k r_k
        Rc = 0.0     # sum_k delta_k r_k c_k  (= prefix P_{t-1} inside the loop)
        dk = 1.0
        ck = 1.0
        C = 0.0
        while True:
            if max_steps >= 0 and t >= max_steps:
                break
            h = t if t < n_stages else n_stages - 1
            if t == 0 and start_a.shape[0] > 0:
                a = start_a[i]
            else:
                a = _search_row(pi_cum, s, A, _draw(use_u, U, i, t, 0, rng_kind, st))
            rew = r[h, s, a]
            if bern:
                rew = 1.0 if _draw(use_u, U, i, t, 3, rng_kind, st) < rew else 0.0
            if use_ratio:
                ck *= ratio[s, a]
            m = 0.0
            if est_mode == _GPOMDP:
                m = Rc + dk * ck * b_tab[h, s]
            if kind == _SOFTMAX:
                if not mark[s]:
                    mark[s] = True
                    vis[nvis] = s
                    nvis += 1
                Nc[s, a] += 1.0
                Ns[s] += 1.0
                if est_mode == _GPOMDP:
                    Mc[s, a] += m
                    Ms[s] += m
                if hvp:
                    C += sv[s * A + a]
            else:
                x = s * A + a
                for jj in range(d):
                    gN[jj] += table[x, jj]
                if est_mode == _GPOMDP:
                    for jj in range(d):
                        gM[jj] += m * table[x, jj]
                if hvp:
                    C += sv[x]
                    for jj in range(d):
                        hN[jj] += hv_tab[x, jj]
                    if est_mode == _GPOMDP:
                        for jj in range(d):
                            hM[jj] += m * hv_tab[x, jj]
            R += dk * rew
            Rc += dk * rew * ck
            dk *= discount
            t += 1
            if max_steps >= 0 and t >= max_steps:
                break
            row = (h * S + s) * A + a
            lo = p_indptr[row]
            j = _search_guided(p_cum, lo, p_indptr[row + 1], _draw(use_u, U, i, t - 1, 1, rng_kind, st), guide, row, K)
            if cont_prob < 1.0:
                if _draw(use_u, U, i, t - 1, 2, rng_kind, st) >= cont_prob:
                    break
            s = j - lo if p_dense else p_indices[j]
        returns[i] = R
        lengths[i] = t
        if est_mode == _REINFORCE:
            alpha = ck * (R - b_const)
        elif est_mode == _GPOMDP:
            alpha = Rc
        else:
            alpha = 1.0
        if kind == _SOFTMAX:
            for q in range(nvis):
                sk = vis[q]
                wsum = alpha * Ns[sk] - Ms[sk]
                for b in range(A):
                    g = (alpha * Nc[sk, b] - Mc[sk, b]) - wsum * pi[sk, b]
                    if hvp:
                        g = g * C + wsum * hv_soft[sk, b]
                    x = sk * A + b
                    out_sum[c, x] += g
                    out_sq[c, x] += g * g
                    if keep:
                        samples[i, x] = g
                    Nc[sk, b] = 0.0
                    Mc[sk, b] = 0.0
                Ns[sk] = 0.0
                Ms[sk] = 0.0
                mark[sk] = False
        else:
            for jj in range(d):
                g = alpha * gN[jj] - gM[jj]
                if hvp:
                    g = g * C + (alpha * hN[jj] - hM[jj])
                    hN[jj] = 0.0
                    hM[jj] = 0.0
                out_sum[c, jj] += g
                out_sq[c, jj] += g * g
                if keep:
                    samples[i, jj] = g
                gN[jj] = 0.0
                gM[jj] = 0.0


@njit(cache=True, parallel=True)
def pg_kernel(model, pol, est, draws, out, cfg):
    r"""Sample ``n`` trajectories and accumulate per-chunk sums / sums of squares of the estimates.

    Single pass per trajectory: with :math:`P_{t-1}=\sum_{k<t}\delta_k r_k c_k` and
    :math:`R_c=\sum_k\delta_k r_k c_k`, the GPOMDP weight is
    :math:`w_t=R_c-m_t`, :math:`m_t=P_{t-1}+\delta_t c_t b_{h_t}(s_t)`, so
    :math:`\sum_t w_t\,\mathrm{score}_t=R_c\,N-M` with the visit counts :math:`N[s,a]` and
    :math:`M[s,a]=\sum_{t:(s_t,a_t)=(s,a)}m_t`, both accumulated while sampling (REINFORCE:
    :math:`\alpha N` with :math:`\alpha=c_{L-1}(R-b)`; score sums: :math:`N`).

    Arguments are grouped by role (:class:`ModelTables`, :class:`PolicyTables`,
    :class:`EstimatorTables`, :class:`Draws`, :class:`Outputs`, :class:`Config`); the modes are the
    named constants of :mod:`pgtheory.estimators._tables`.

    Scheduling: ``n_workers`` workers (one per thread) allocate their scratch once and then take
    chunks ``c`` in the order given by the atomic counter ``counter[0]`` (dynamic assignment, so a
    thread slowed down by another process does not hold up the others). Everything a chunk
    computes depends on ``c`` only (its trajectories, its seed ``seeds[c]``, its row of
    ``out_sum``/``out_sq``), never on which worker ran it, so the result does not depend on the
    number of threads or the order of completion.

    With ``replicate = 1`` each worker first copies the per-step lookup tables (transition CDFs,
    guide table, rewards, policy rows) into memory of its own. Sharing one copy between cores
    made two threads 10-25% less efficient than one whenever these tables are about the size of a
    core's L2 (S = 100, A = 16: ~2 MB), with or without any write to shared lines; the caller
    enables it only for tables small next to the work (see :func:`run`). Copies are identical, so
    the results are too.
    """
    S = cfg.S
    A = cfg.A
    d = cfg.d
    n_chunks = cfg.n_chunks
    counter = out.counter
    for w in prange(cfg.n_workers):
        if cfg.policy_kind == _SOFTMAX:
            Nc = np.zeros((S, A))
            Mc = np.zeros((S, A))
            Ns = np.zeros(S)
            Ms = np.zeros(S)
            mark = np.zeros(S, dtype=np.bool_)
            vis = np.empty(S, dtype=np.int64)
            gN = np.zeros(1)
            gM = np.zeros(1)
            hN = np.zeros(1)
            hM = np.zeros(1)
        else:
            Nc = np.zeros((1, 1))
            Mc = np.zeros((1, 1))
            Ns = np.zeros(1)
            Ms = np.zeros(1)
            mark = np.zeros(1, dtype=np.bool_)
            vis = np.empty(1, dtype=np.int64)
            gN = np.zeros(d)
            gM = np.zeros(d)
            hN = np.zeros(d)
            hM = np.zeros(d)
        if cfg.replicate:
            w_ptr = model.p_indptr.copy()
            w_idx = model.p_indices.copy()
            w_cum = model.p_cum.copy()
            w_guide = model.guide.copy()
            w_r = model.r.copy()
            w_picum = pol.pi_cum.copy()
            w_pi = pol.pi.copy()
        else:
            w_ptr = model.p_indptr
            w_idx = model.p_indices
            w_cum = model.p_cum
            w_guide = model.guide
            w_r = model.r
            w_picum = pol.pi_cum
            w_pi = pol.pi
        w_model = ModelTables(model.rho_cum, w_ptr, w_idx, w_cum, w_guide, w_r)
        w_pol = PolicyTables(w_picum, w_pi, pol.table, pol.ratio)
        scr = Scratch(Nc, Mc, Ns, Ms, mark, vis, gN, gM, hN, hM)
        while True:
            c = _fetch_add(counter, 0, 1)
            if c >= n_chunks:
                break
            _chunk(c, w_model, w_pol, est, draws, out, cfg, scr)


pg_kernel_serial = serial_twin(pg_kernel, "pg_kernel_serial")


def guide_size(env: EnvTable) -> int:
    """Buckets per row of the guide table: ``min(128, widest row)`` (expected scan <= width/128 + 1)."""
    return int(max(1, min(128, int(np.max(np.diff(env.p_indptr))))))


def chunk_seeds(rng: np.random.Generator, n_chunks: int) -> np.ndarray:
    """Per-chunk 32-bit seeds: ``SeedSequence(entropy drawn from rng).spawn(n_chunks)``."""
    ss = np.random.SeedSequence(int(rng.integers(0, 2**63 - 1)))
    return np.array([child.generate_state(1, dtype=np.uint32)[0] for child in ss.spawn(n_chunks)], dtype=np.int64)


@njit(cache=True, parallel=True)
def _combine_kernel(out_sum, out_sq, counts, n, d, mean, m2):
    """Columns ``[0, d)`` of :func:`combine_chunks`, in blocks of 256 coordinates per task; within a
    coordinate the chunks are added in the order ``c = 0, 1, ...`` whatever the thread count."""
    n_chunks = out_sum.shape[0]
    n_blocks = (d + 255) // 256
    for blk in prange(n_blocks):
        x0 = blk * 256
        x1 = min(d, x0 + 256)
        for x in range(x0, x1):
            mean[x] = 0.0
            m2[x] = 0.0
        for c in range(n_chunks):
            for x in range(x0, x1):
                mean[x] += out_sum[c, x]
        for x in range(x0, x1):
            mean[x] /= n
        for c in range(n_chunks):
            cnt = counts[c]
            for x in range(x0, x1):
                cm = out_sum[c, x] / cnt
                m2c = out_sq[c, x] - cnt * (cm * cm)
                if m2c < 0.0:
                    m2c = 0.0
                dev = cm - mean[x]
                m2[x] += m2c + cnt * (dev * dev)


_combine_kernel_serial = serial_twin(_combine_kernel, "_combine_kernel_serial")


def combine_chunks(out_sum: np.ndarray, out_sq: np.ndarray, n: int, n_chunks: int, d: int | None = None):
    """Mean and sum of squared deviations from per-chunk sums (Chan et al.'s pairwise rule).

    ``out_sum`` / ``out_sq`` have shape ``(n_chunks, >= d)`` (rows may be padded); only the first
    ``d`` columns (default: all) are combined. Compiled and parallel over coordinates: at
    ``d = S A = 16000`` the NumPy version of this step cost ~6 ms of serial time per call.
    """
    if d is None:
        d = out_sum.shape[1]
    bounds = (np.arange(n_chunks + 1) * n) // n_chunks
    counts = np.diff(bounds).astype(np.float64)
    mean = np.empty(d)
    m2 = np.empty(d)
    pick(_combine_kernel, _combine_kernel_serial, (d + 255) // 256)(out_sum, out_sq, counts, float(n), int(d), mean, m2)
    return mean, m2


@contextlib.contextmanager
def _threads(n: int):
    """Run the enclosed parallel kernels on at most ``n`` threads (``numba.set_num_threads``, restored after)."""
    saved = numba.get_num_threads()
    if n >= saved:
        yield
        return
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(saved)


def run(env: EnvTable, sample_pi: np.ndarray, pmap: PolicyMap, n: int, *, est_mode: int, b_tab, b_const,
        ratio=None, hvp=None, rng=None, uniforms=None, start_states=None, start_actions=None,
        keep_samples: bool = False, rng_kind: str = "mt19937") -> dict:
    """Numba counterpart of :func:`pgtheory.estimators._reference.run` (same inputs, same outputs).

    ``rng_kind="mt19937"`` (default) uses Numba's NumPy-compatible Mersenne Twister, reseeded per
    chunk; ``"splitmix64"`` uses a counter-based SplitMix64 stream per trajectory (key from the
    caller's ``rng``, counter = trajectory index), which is ~5x cheaper per draw and independent of
    chunking and threads; its uniformity and the estimators' unbiasedness under it are tested in
    ``tests/estimators/test_counter_rng.py``.
    """
    kinds = {"mt19937": RNG_MT19937, "splitmix64": RNG_SPLITMIX64}
    if rng_kind not in kinds:
        raise ValidationError(f"rng_kind must be 'mt19937' or 'splitmix64'; got {rng_kind!r}.")
    S, A = env.S, env.A
    d = pmap.d
    n_chunks = n_chunks_for(n, d)
    pi_cum = cumulative_rows(sample_pi)
    if uniforms is not None:
        u0, U = uniforms
        u0 = np.ascontiguousarray(u0, dtype=np.float64)
        U = np.ascontiguousarray(U, dtype=np.float64)
        max_steps = U.shape[1] if env.max_steps < 0 else min(env.max_steps, U.shape[1])
        seeds = np.zeros(n_chunks, dtype=np.int64)
        use_u = 1
    else:
        u0 = np.zeros(1)
        U = np.zeros((1, 1, 4))
        max_steps = env.max_steps
        seeds = chunk_seeds(rng, n_chunks)
        use_u = 0
    # the SplitMix64 key (only that generator reads it; Mersenne Twister chunks are seeded by `seeds`)
    key = (np.uint64(np.random.SeedSequence([int(x) for x in seeds]).generate_state(1, dtype=np.uint64)[0])
           if rng_kind == "splitmix64" else np.uint64(0))
    if hvp is None:
        sv = np.zeros(1)
        hv_soft = np.zeros((1, 1))
        hv_tab = np.zeros((1, 1))
        use_hvp = 0
    else:
        sv, hv = hvp
        use_hvp = 1
        if pmap.kind == POLICY_SOFTMAX:
            hv_soft, hv_tab = np.ascontiguousarray(hv, dtype=np.float64), np.zeros((1, 1))
        else:
            hv_soft, hv_tab = np.zeros((1, 1)), np.ascontiguousarray(hv, dtype=np.float64)
        sv = np.ascontiguousarray(sv, dtype=np.float64)
    table = pmap.table if pmap.kind == POLICY_TABLE else np.zeros((1, 1))
    if table.shape[1] == 0:
        table = np.zeros((table.shape[0], 0))
    use_ratio = 0 if ratio is None else 1
    ratio_arr = np.ones((1, 1)) if ratio is None else np.ascontiguousarray(ratio, dtype=np.float64)
    ss = np.zeros(0, dtype=np.int64) if start_states is None else np.ascontiguousarray(start_states, dtype=np.int64)
    sa = np.zeros(0, dtype=np.int64) if start_actions is None else np.ascontiguousarray(start_actions, dtype=np.int64)
    # Per-chunk rows padded to whole 64-byte cache lines: chunks run concurrently on different
    # threads never write to the same line.
    d_pad = max(8, -(-d // 8) * 8)
    out_sum = np.zeros((n_chunks, d_pad))
    out_sq = np.zeros((n_chunks, d_pad))
    samples = np.zeros((n, d)) if keep_samples else np.zeros((0, d))
    returns = np.empty(n)
    lengths = np.empty(n, dtype=np.int64)
    K = guide_size(env)
    n_workers = int(max(1, min(numba.get_num_threads(), n_chunks)))
    # Fewer chunks than threads: the parallel kernels run on that many threads only. Waking every
    # thread of the pool for one chunk cost 25x the work itself per call on a loaded 2-core
    # machine (33 ms against 1.3 ms per call for one GPOMDP trajectory); the results do not depend
    # on the thread count (see pg_kernel), so they are unchanged.
    # A small table (a few thousand entries) is built on one thread: waking a second costs more than the
    # work on a loaded machine (the table does not depend on the thread count).
    with _threads(n_workers if (env.p_indptr.shape[0] - 1) * K > 65536 else 1):
        guide = pick(build_guides, build_guides_serial, env.p_indptr.shape[0] - 1)(env.p_indptr, env.p_cum, K)
    r_arr = np.ascontiguousarray(env.r)
    pi_arr = np.ascontiguousarray(pmap.pi)
    table_bytes = sum(x.nbytes for x in (env.p_indptr, env.p_indices, env.p_cum, guide, r_arr, pi_cum, pi_arr))
    # Per-worker copies of the lookup tables (see pg_kernel) when they are at most 8 MB and cheap
    # next to the sampling (copying 256 bytes costs far less than sampling one trajectory).
    replicate = n_workers > 1 and table_bytes <= min(8 << 20, 256 * n)
    model = ModelTables(env.rho_cum, env.p_indptr, env.p_indices, env.p_cum, guide, r_arr)
    pol = PolicyTables(pi_cum, pi_arr, np.ascontiguousarray(table, dtype=np.float64), ratio_arr)
    est = EstimatorTables(np.ascontiguousarray(b_tab, dtype=np.float64), sv, hv_soft, hv_tab)
    draws = Draws(ss, sa, seeds, u0, U)
    out = Outputs(out_sum, out_sq, samples, returns, lengths, np.zeros(1, dtype=np.int64))
    cfg = Config(S=int(S), A=int(A), K=int(K), p_dense=int(env.p_dense), n_stages=int(env.n_stages),
                 discount=float(env.discount), cont_prob=float(env.cont_prob), max_steps=int(max_steps),
                 bernoulli=int(env.bernoulli), policy_kind=int(pmap.kind), use_ratio=int(use_ratio),
                 estimator=int(est_mode), b_const=float(b_const), hvp=int(use_hvp), n=int(n), n_chunks=int(n_chunks),
                 use_u=int(use_u), keep=int(keep_samples), rng_kind=int(kinds[rng_kind]), key=key, d=int(d),
                 n_workers=n_workers, replicate=int(replicate))
    with _threads(n_workers):
        # one worker: the serial twin (same results, no parallel compile; see pgtheory._jit)
        pick(pg_kernel, pg_kernel_serial, n_workers)(model, pol, est, draws, out, cfg)
        # d = 0 (rollout_returns: returns only) leaves nothing to combine: no parallel launch
        mean, m2 = combine_chunks(out_sum, out_sq, n, n_chunks, d) if d > 0 else (np.empty(0), np.empty(0))
    return {"mean": mean, "m2": m2, "samples": samples if keep_samples else None, "returns": returns,
            "lengths": lengths}


@njit(cache=True)
def sample_only_kernel(rho_cum, p_indptr, p_indices, p_cum, p_dense, guide, K, r, S, A, pi_cum, n, horizon, seed):
    """Sampling-only floor for benchmarks: the same draws and searches as :func:`pg_kernel`
    (truncation at ``horizon``), no estimator work; returns the total reward (so nothing is elided)."""
    np.random.seed(seed)
    tot = 0.0
    for i in range(n):
        s = _search_csr(rho_cum, 0, S, np.random.random())
        for t in range(horizon):
            a = _search_row(pi_cum, s, A, np.random.random())
            tot += r[0, s, a]
            if t + 1 == horizon:
                break
            row = s * A + a
            lo = p_indptr[row]
            j = _search_guided(p_cum, lo, p_indptr[row + 1], np.random.random(), guide, row, K)
            s = j - lo if p_dense else p_indices[j]
    return tot
