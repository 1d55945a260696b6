r"""CUDA kernels (``numba.cuda``, from the ``numba-cuda`` package): the trajectory sampler and the
REINFORCE / GPOMDP / Hessian-vector accumulation on a GPU, one thread per trajectory.

Imported lazily (``backend="cuda"``, or ``backend="cupy"`` when numba-cuda is installed); importing
it imports ``numba.cuda``, so ``import pgtheory`` never does. With ``NUMBA_ENABLE_CUDASIM=1`` set
before the first import of ``numba.cuda``, the same kernels run on the CPU through Numba's CUDA
simulator (one Python thread per GPU thread): that is how they are tested without a GPU.

The computation is the one of :func:`pgtheory.estimators._numba.pg_kernel` (same single-pass
weights, same score bookkeeping, same order of floating-point operations per trajectory), laid
out for a GPU:

Random numbers
    A counter-based generator, Philox4x32-10 (Salmon, Moraes, Dror, Shaw 2011), implemented in
    the kernel (:func:`philox4x32_10`; checked against the Random123 known-answer vectors). Every
    uniform is a pure function of the key (two 32-bit words derived from the caller's ``rng``
    through :class:`numpy.random.SeedSequence`), the trajectory index ``i`` and the step ``t``:

    * ``u0[i]`` (initial state) = words 0-1 of Philox(counter ``(0, 0, i mod 2^32, i div 2^32)``);
    * ``U[i, t, 0]`` (action), ``U[i, t, 1]`` (next state) = words 0-1, 2-3 of
      Philox(counter ``(t + 1, 0, i mod 2^32, i div 2^32)``);
    * ``U[i, t, 2]`` (continuation coin), ``U[i, t, 3]`` (Bernoulli reward) = words 0-1, 2-3 of
      Philox(counter ``(t + 1, 1, ...)``), computed only when a coin or a Bernoulli reward is used;

    two 32-bit words ``(hi, lo)`` give the 53-bit uniform
    :math:`u = (2^{21}\,hi + \lfloor lo / 2^{11}\rfloor)\,2^{-53}\in[0, 1)`. So the trajectories do
    not depend on the launch geometry (threads per block, blocks) nor on the device, and
    :func:`philox_uniforms` reproduces on the host, with NumPy, exactly the uniforms a kernel
    consumes: fed to the NumPy reference (its ``uniforms=`` hook) they give the same
    trajectories, which is how the kernels are tested exactly. Steps are limited to
    :math:`2^{32}-2` per trajectory (the counter word), trajectories to :math:`2^{64}`.

Threads, blocks and scratch
    Trajectories are cut into *tiles* of ``tpb`` (threads per block, 128 by default, 8 under the
    simulator); block ``b`` of a grid of ``n_blocks`` takes the tiles ``b, b + n_blocks, ...`` and
    thread ``j`` of the block samples trajectory ``tile * tpb + j`` of its tile. Each thread owns a *slot* of scratch in
    global memory, the dense counts of its trajectory, as the Numba kernel's per-worker scratch:
    for the tabular softmax the visit counts :math:`N[s,a]`, the GPOMDP sums :math:`M[s,a]` and their
    per-state totals (the score is never materialised), plus the list of visited states; for a
    score-table policy the vectors :math:`\sum_t\nabla\log\pi_t` and :math:`\sum_t m_t\nabla\log\pi_t`
    (and their Hessian-vector counterparts). ``n_blocks`` is
    ``min(tiles, MAX_BLOCKS, SCRATCH_BYTES // (scratch of one block))``: a function of
    ``n``, ``S``, ``A``, ``d`` and the options only, never of the device.

Per-block reduction
    After a tile is sampled, the block adds its ``tpb`` estimates to the block's accumulators
    (sum and sum of squares per coordinate) in rounds: in round ``k`` all threads of the block
    split the nonzero coordinates of trajectory ``k``'s estimate (for the softmax: the ``A``
    actions of each visited state) and each coordinate is touched by exactly one thread, so no
    atomics are needed and the order of the additions is fixed (trajectories in increasing
    ``i``). The accumulators live in shared memory when ``2 d`` doubles fit in 48 KiB
    (``d = S A`` for the softmax) and in a global row of the block otherwise. The host (or CuPy,
    on the device) combines the block rows by Chan, Golub and LeVeque's pairwise rule, as
    :func:`pgtheory.estimators._numba.combine_chunks`. With no atomics the order of the
    additions is fixed by ``(n, tpb, n_blocks)``, so repeated runs with the same seed should agree
    bitwise on a device (not measured: no GPU was available when this was written); the
    simulator and a device agree to rounding (the device compiler contracts multiply-adds into
    FMAs), and a different ``tpb`` or ``n_blocks`` regroups the sums (rounding), never the
    trajectories.

Arrays and compilation
    Launched on device arrays: CuPy arrays when CuPy is given (``xp=cupy``; zero copy through
    ``__cuda_array_interface__``, on CuPy's current stream), Numba device arrays otherwise (which
    is what the simulator uses: it has no CuPy). Inputs are host arrays (the
    :class:`~pgtheory.estimators._tables.EnvTable`), copied to the device per call; outputs come
    back to the host. The kernel is compiled once per process on first use (about 4 s of CPU for
    sm_90 here) and not cached on disk: its row searches are the Numba module's own functions
    (``_numba._search_*``, one source for both), and Numba's cache would track only this file.

Performance (not measured: no GPU was available)
    ``ptxas -arch=sm_90 -v`` on the kernel's PTX (CUDA 12.9) reports 138 registers per thread, no
    spills, one barrier: at most 3 blocks of 128 threads per SM on 64K registers (19 % occupancy),
    which a memory-latency-bound sampler may feel. The first levers to try on a GPU are
    :data:`TPB`, a register cap and :data:`SCRATCH_BYTES` (more blocks for large ``S * A``);
    ``python -m benchmarks estimators`` measures them (docs/how-to/gpu.md).

Where the kernels do not apply
    When one block's scratch exceeds :data:`SCRATCH_BYTES` (softmax: about ``tpb * (16 S A + 24 S)``
    bytes; score tables: ``tpb * 16 d``, ``tpb * 32 d`` with a Hessian-vector product), :func:`plan`
    returns ``None``: ``backend="cupy"`` then falls back on the vectorised CuPy path
    (:mod:`pgtheory.estimators._cupy`) and ``backend="cuda"`` raises
    :class:`~pgtheory.errors.InfeasibleSizeError`. Every estimator mode (REINFORCE with any
    baseline, GPOMDP with state baselines, off-policy weights, Q / advantage rollouts from given
    starts, Hessian-vector products; softmax and score-table policies; discounted,
    finite-horizon and bandit problems; pre-drawn uniforms) runs in the kernels otherwise.

References
----------
J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw (2011), "Parallel random numbers: as easy as
1, 2, 3", SC'11, doi:10.1145/2063384.2063405 (Philox4x32-10; known-answer vectors in the Random123
distribution, ``tests/kat_vectors``).
T. F. Chan, G. H. Golub, R. J. LeVeque (1979), "Updating formulae and a pairwise algorithm for
computing sample variances", Stanford CS report STAN-CS-79-773.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import namedtuple

import numpy as np
from numba import cuda, float64

from ..backend import cupy_available, get_cupy
from ..errors import InfeasibleSizeError
from . import _numba
from ._tables import (
    ESTIMATOR_GPOMDP,
    ESTIMATOR_REINFORCE,
    POLICY_SOFTMAX,
    Draws,
    EnvTable,
    EstimatorTables,
    ModelTables,
    Outputs,
    PolicyMap,
    PolicyTables,
    cumulative_rows,
)

__all__: list[str] = []

#: Threads per block (one trajectory per thread; a tile of ``TPB`` trajectories per block round).
TPB = 128
#: Threads per block under the CUDA simulator, which runs each block as Python threads that poll
#: one another at every ``syncthreads``: 600 short trajectories took 10.5 s at 128 threads per
#: block and 0.9 s at 8 (the trajectories are the same; only the grouping of the sums changes).
SIM_TPB = 8
#: Largest number of blocks launched (each loops over its tiles); enough to fill any current GPU.
MAX_BLOCKS = 4096
#: Device memory allowed for the per-thread scratch and the per-block accumulator rows (bytes).
SCRATCH_BYTES = 2 << 30
#: Shared memory used for the per-block accumulators when they fit (bytes; 48 KiB is the limit
#: without an opt-in on every CUDA device).
SHARED_BYTES = 48 << 10

# Named modes compared inside the kernels (local copies: module globals are frozen at compile time).
_REINFORCE, _GPOMDP = 0, 1
_SOFTMAX = 0
assert (_REINFORCE, _GPOMDP, _SOFTMAX) == (ESTIMATOR_REINFORCE, ESTIMATOR_GPOMDP, POLICY_SOFTMAX)

#: Scalars of a launch: sizes, discounting / termination, named modes, 0/1 switches, the Philox
#: key words ``key0, key1`` (< 2**32) and ``shared_acc`` (accumulators in shared memory).
KernelConfig = namedtuple("KernelConfig", [
    "S", "A", "K", "p_dense", "n_stages", "discount", "cont_prob", "max_steps", "bernoulli",
    "policy_kind", "use_ratio", "estimator", "b_const", "hvp", "n", "use_u", "keep", "has_start",
    "key0", "key1", "d", "shared_acc",
])
#: Per-thread scratch, one row per slot (``n_blocks * tpb`` rows): softmax counts ``Nc, Mc``
#: (slots, S*A), per-state totals ``Ns, Ms`` (slots, S), visited states ``vis`` (slots, S) and their
#: number ``nvis`` (slots,), the trajectory scalars ``info`` (slots, 2) = (weight alpha, score.v sum C),
#: and the score-table sums ``gN, gM, hN, hM`` (slots, d). Unused members are (1, 1) placeholders.
Scratch = namedtuple("Scratch", ["Nc", "Mc", "Ns", "Ms", "vis", "nvis", "info", "gN", "gM", "hN", "hM"])

# ----------------------------------------------------------------------------- Philox4x32-10
_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_MASK32 = np.uint64(0xFFFFFFFF)
_SH32 = np.uint64(32)
_SH21 = np.uint64(21)
_SH11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


def philox4x32_10(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 block function: counter words ``c0..c3`` and key words ``k0, k1`` -> 4 words.

    All arguments are ``numpy.uint64`` values (scalars or arrays, elementwise) below ``2**32``;
    so are the outputs. The same source is the device function of the kernels (compiled by
    ``numba.cuda``) and the vectorised host version (NumPy). Round: with
    :math:`(h_0,l_0)=M_0c_0`, :math:`(h_1,l_1)=M_1c_2` (high and low 32-bit words of the 64-bit
    products), :math:`c\\leftarrow(h_1\\oplus c_1\\oplus k_0,\\ l_1,\\ h_0\\oplus c_3\\oplus k_1,\\ l_0)`,
    then the Weyl key bump :math:`k\\leftarrow k+(W_0,W_1)\\bmod 2^{32}`; ten rounds (Salmon et al. 2011).
    The products are below :math:`2^{64}`, so no ``uint64`` arithmetic overflows.
    """
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _SH32) ^ c1 ^ k0, p1 & _MASK32, (p0 >> _SH32) ^ c3 ^ k1, p0 & _MASK32
        k0 = (k0 + _W0) & _MASK32
        k1 = (k1 + _W1) & _MASK32
    return c0, c1, c2, c3


_philox_dev = cuda.jit(device=True)(philox4x32_10)


@cuda.jit(device=True)
def _unit(hi, lo):
    """53-bit uniform in [0, 1) from two 32-bit words (``hi`` the most significant)."""
    return float((hi << _SH21) | (lo >> _SH11)) * _TWO_M53


@cuda.jit(device=True)
def _uniform_pair(k0, k1, i, step_word, pair):
    """The two uniforms of Philox(counter ``(step_word, pair, i mod 2^32, i div 2^32)``, key ``(k0, k1)``)."""
    iu = np.uint64(i)
    x0, x1, x2, x3 = _philox_dev(np.uint64(step_word), np.uint64(pair), iu & _MASK32, iu >> _SH32, k0, k1)
    return _unit(x0, x1), _unit(x2, x3)


def _unit_host(hi, lo):
    return ((hi << _SH21) | (lo >> _SH11)).astype(np.float64) * _TWO_M53


def philox_uniforms(key, n: int, T: int, first: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The uniforms ``(u0, U)`` the kernels draw for trajectories ``first .. first + n - 1``, steps ``< T``.

    ``key = (key0, key1)`` (two ints below ``2**32``); ``u0`` has shape ``(n,)`` and ``U`` shape
    ``(n, T, 4)``, in the layout of :func:`pgtheory.estimators._reference.sample_trajectories`
    (see the module docstring for the counters). Vectorised NumPy: the host twin of the kernels'
    generator, bit for bit.
    """
    k0 = np.uint64(int(key[0]))
    k1 = np.uint64(int(key[1]))
    i = np.arange(first, first + n, dtype=np.uint64)
    ilo, ihi = i & _MASK32, i >> _SH32
    x0, x1, _, _ = philox4x32_10(np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64), ilo, ihi, k0, k1)
    u0 = _unit_host(x0, x1)
    step = np.broadcast_to(np.arange(1, T + 1, dtype=np.uint64)[None, :], (n, T))
    lo2 = np.broadcast_to(ilo[:, None], (n, T))
    hi2 = np.broadcast_to(ihi[:, None], (n, T))
    U = np.empty((n, T, 4))
    for pair in (0, 1):
        w = philox4x32_10(step, np.full((n, T), pair, dtype=np.uint64), lo2, hi2, k0, k1)
        U[:, :, 2 * pair] = _unit_host(w[0], w[1])
        U[:, :, 2 * pair + 1] = _unit_host(w[2], w[3])
    return u0, U


def philox_key(rng: np.random.Generator) -> tuple[int, int]:
    """Two 32-bit key words from the caller's generator (``SeedSequence`` of one 63-bit draw)."""
    ss = np.random.SeedSequence(int(rng.integers(0, 2**63 - 1)))
    w = ss.generate_state(2, dtype=np.uint32)
    return int(w[0]), int(w[1])


# ----------------------------------------------------------------------------- device code
# The row searches are the Numba kernel's own functions (one source), compiled for the device.
_search_row = cuda.jit(device=True)(_numba._search_row.py_func)
_search_csr = cuda.jit(device=True)(_numba._search_csr.py_func)
_search_guided = cuda.jit(device=True)(_numba._search_guided.py_func)


@cuda.jit(device=True)
def _simulate(i, slot, model, pol, est, draws, out, cfg, scr):
    """Sample trajectory ``i`` into scratch row ``slot`` (the loop of ``_numba._chunk``, one trajectory).

    Leaves in the slot the counts of the trajectory and, in ``info[slot]``, its weight
    :math:`\\alpha` and the sum :math:`C=\\sum_t\\nabla\\log\\pi_t\\cdot v`; writes ``returns[i]``
    and ``lengths[i]``.
    """
    rho_cum, p_indptr, p_indices, p_cum, guide, r = model
    pi_cum, pi, table, ratio = pol
    b_tab, sv, hv_soft, hv_tab = est
    start_s, start_a, _seeds, u0, U = draws
    Nc, Mc, Ns, Ms, vis, nvis_a, info, gN, gM, hN, hM = scr
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
    hvp = cfg.hvp
    use_u = cfg.use_u
    d = cfg.d
    k0 = np.uint64(cfg.key0)
    k1 = np.uint64(cfg.key1)
    if kind == _SOFTMAX:
        # the reduction cleared N[s, a], M[s, a] of this slot's previous trajectory; clear the totals
        for q in range(nvis_a[slot]):
            sk = vis[slot, q]
            Ns[slot, sk] = 0.0
            Ms[slot, sk] = 0.0
    if cfg.has_start:
        s = start_s[i]
    else:
        if use_u:
            u = u0[i]
        else:
            u, _unused = _uniform_pair(k0, k1, i, 0, 0)
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
        if use_u:
            ua = U[i, t, 0]
            un = U[i, t, 1]
            uc = U[i, t, 2]
            ub = U[i, t, 3]
        else:
            ua, un = _uniform_pair(k0, k1, i, t + 1, 0)
            if bern or cont_prob < 1.0:
                uc, ub = _uniform_pair(k0, k1, i, t + 1, 1)
            else:
                uc = 0.0
                ub = 0.0
        if t == 0 and cfg.has_start:
            a = start_a[i]
        else:
            a = _search_row(pi_cum, s, A, ua)
        rew = r[h, s, a]
        if bern:
            rew = 1.0 if ub < rew else 0.0
        if use_ratio:
            ck *= ratio[s, a]
        m = 0.0
        if est_mode == _GPOMDP:
            m = Rc + dk * ck * b_tab[h, s]
        x = s * A + a
        if kind == _SOFTMAX:
            if Ns[slot, s] == 0.0:
                vis[slot, nvis] = s
                nvis += 1
            Nc[slot, x] += 1.0
            Ns[slot, s] += 1.0
            if est_mode == _GPOMDP:
                Mc[slot, x] += m
                Ms[slot, s] += m
            if hvp:
                C += sv[x]
        else:
            for jj in range(d):
                gN[slot, jj] += table[x, jj]
            if est_mode == _GPOMDP:
                for jj in range(d):
                    gM[slot, jj] += m * table[x, jj]
            if hvp:
                C += sv[x]
                for jj in range(d):
                    hN[slot, jj] += hv_tab[x, jj]
                if est_mode == _GPOMDP:
                    for jj in range(d):
                        hM[slot, jj] += m * hv_tab[x, jj]
        R += dk * rew
        Rc += dk * rew * ck
        dk *= discount
        t += 1
        if max_steps >= 0 and t >= max_steps:
            break
        row = (h * S + s) * A + a
        lo = p_indptr[row]
        j = _search_guided(p_cum, lo, p_indptr[row + 1], un, guide, row, K)
        if cont_prob < 1.0:
            if uc >= cont_prob:
                break
        s = j - lo if p_dense else p_indices[j]
    out.returns[i] = R
    out.lengths[i] = t
    if est_mode == _REINFORCE:
        alpha = ck * (R - cfg.b_const)
    elif est_mode == _GPOMDP:
        alpha = Rc
    else:
        alpha = 1.0
    info[slot, 0] = alpha
    info[slot, 1] = C
    nvis_a[slot] = nvis


@cuda.jit(device=True)
def _accumulate(acc, out, cfg, b, ik, x, g):
    """Add estimate coordinate ``g`` (trajectory ``ik``, coordinate ``x``) to block ``b``'s sums."""
    if cfg.shared_acc:
        acc[x] += g
        acc[cfg.d + x] += g * g
    else:
        out.out_sum[b, x] += g
        out.out_sq[b, x] += g * g
    if cfg.keep:
        out.samples[ik, x] = g


@cuda.jit(device=True)
def _reduce_one(ik, kslot, j, tpb, b, pol, est, out, cfg, scr, acc):
    """Round of the block reduction: threads ``j = 0..tpb-1`` split trajectory ``ik``'s coordinates.

    The estimate is the Numba kernel's: softmax :math:`g_{s,b}=(\\alpha N_{sb}-M_{sb})-w_s\\pi_{sb}`
    with :math:`w_s=\\alpha N_s-M_s` (Hessian-vector: :math:`g\\,C+w_s\\,(\\nabla^2\\log\\pi\\,v)_{sb}`),
    score tables :math:`\\alpha\\,gN-gM` (Hessian-vector: :math:`(\\alpha\\,gN-gM)C+\\alpha\\,hN-hM`).
    Each coordinate is read, cleared and accumulated by one thread.
    """
    Nc, Mc, Ns, Ms, vis, nvis_a, info, gN, gM, hN, hM = scr
    pi = pol.pi
    hv_soft = est.hv_soft
    alpha = info[kslot, 0]
    C = info[kslot, 1]
    A = cfg.A
    hvp = cfg.hvp
    if cfg.policy_kind == _SOFTMAX:
        tot = nvis_a[kslot] * A
        for e in range(j, tot, tpb):
            q = e // A
            bb = e - q * A
            sk = vis[kslot, q]
            x = sk * A + bb
            wsum = alpha * Ns[kslot, sk] - Ms[kslot, sk]
            g = (alpha * Nc[kslot, x] - Mc[kslot, x]) - wsum * pi[sk, bb]
            if hvp:
                g = g * C + wsum * hv_soft[sk, bb]
            Nc[kslot, x] = 0.0
            Mc[kslot, x] = 0.0
            _accumulate(acc, out, cfg, b, ik, x, g)
    else:
        for jj in range(j, cfg.d, tpb):
            g = alpha * gN[kslot, jj] - gM[kslot, jj]
            if hvp:
                g = g * C + (alpha * hN[kslot, jj] - hM[kslot, jj])
                hN[kslot, jj] = 0.0
                hM[kslot, jj] = 0.0
            gN[kslot, jj] = 0.0
            gM[kslot, jj] = 0.0
            _accumulate(acc, out, cfg, b, ik, jj, g)


@cuda.jit
def pg_kernel(model, pol, est, draws, out, cfg, scr):
    """Sample ``cfg.n`` trajectories (one per thread) and accumulate per-block sums and sums of squares.

    Grid: any number of blocks of any size ``tpb`` (the trajectories do not depend on them; see
    the module docstring); dynamic shared memory ``16 d`` bytes when ``cfg.shared_acc``. Block
    ``b`` writes row ``b`` of ``out.out_sum`` / ``out.out_sq`` only. The scratch ``scr`` must be
    zero on entry and is zero again on exit.
    """
    tpb = cuda.blockDim.x
    j = cuda.threadIdx.x
    b = cuda.blockIdx.x
    nb = cuda.gridDim.x
    slot = b * tpb + j
    d = cfg.d
    n = cfg.n
    acc = cuda.shared.array(0, dtype=float64)
    if cfg.shared_acc:
        for x in range(j, 2 * d, tpb):
            acc[x] = 0.0
    n_tiles = (n + tpb - 1) // tpb
    tile = b
    while tile < n_tiles:  # the same trip count for every thread of the block (syncthreads below)
        i0 = tile * tpb
        if i0 + j < n:
            _simulate(i0 + j, slot, model, pol, est, draws, out, cfg, scr)
        cuda.syncthreads()
        last = min(tpb, n - i0)
        for k in range(last):
            _reduce_one(i0 + k, b * tpb + k, j, tpb, b, pol, est, out, cfg, scr, acc)
            cuda.syncthreads()
        tile += nb
    if cfg.shared_acc:
        for x in range(j, d, tpb):
            out.out_sum[b, x] = acc[x]
            out.out_sq[b, x] = acc[d + x]
    if cfg.policy_kind == _SOFTMAX:  # leave the scratch zero (the totals of the last trajectory)
        Ns = scr.Ns
        Ms = scr.Ms
        for q in range(scr.nvis[slot]):
            sk = scr.vis[slot, q]
            Ns[slot, sk] = 0.0
            Ms[slot, sk] = 0.0
        scr.nvis[slot] = 0


@cuda.jit
def _fill_zero(flat):
    """``flat[:] = 0`` (grid-stride loop) for Numba device arrays."""
    start = cuda.grid(1)
    stride = cuda.gridsize(1)
    for x in range(start, flat.shape[0], stride):
        flat[x] = 0


# ----------------------------------------------------------------------------- host side
@dataclasses.dataclass(frozen=True)
class Plan:
    """Launch geometry of one call: ``n_blocks`` blocks of ``tpb`` threads, accumulators in shared
    memory or not, and the bytes of scratch per slot / per block (see :func:`plan`)."""

    tpb: int
    n_blocks: int
    shared_acc: bool
    slot_bytes: int
    block_bytes: int


def plan(env: EnvTable, pmap: PolicyMap, n: int, *, hvp: bool, tpb: int | None = None,
         scratch_bytes: int | None = None, max_blocks: int | None = None) -> Plan | None:
    """Launch geometry for ``n`` trajectories, or ``None`` when one block's scratch exceeds ``scratch_bytes``.

    Defaults: the module's :data:`TPB` (:data:`SIM_TPB` under the simulator), :data:`SCRATCH_BYTES`
    and :data:`MAX_BLOCKS` (read at call time). Depends on the sizes and the options only (never on
    the device), so the grouping of the sums, and hence the result, is the same on every device.
    """
    tpb = (SIM_TPB if simulator() else TPB) if tpb is None else int(tpb)
    scratch_bytes = SCRATCH_BYTES if scratch_bytes is None else int(scratch_bytes)
    max_blocks = MAX_BLOCKS if max_blocks is None else int(max_blocks)
    S, A, d = env.S, env.A, pmap.d
    if pmap.kind == POLICY_SOFTMAX:
        slot = 8 * (2 * S * A + 3 * S) + 8 * 3        # Nc, Mc; Ns, Ms, vis; info (2), nvis
    else:
        slot = 8 * (2 * d + (2 * d if hvp else 0)) + 8 * 3
    shared = 16 * max(d, 1) <= SHARED_BYTES
    block = tpb * slot + (0 if shared else 16 * max(d, 1))
    fit = scratch_bytes // block
    n_tiles = -(-n // tpb)
    n_blocks = int(min(n_tiles, max_blocks, fit))
    if n_blocks < 1:
        return None
    return Plan(int(tpb), n_blocks, bool(shared), int(slot), int(block))


def block_counts(n: int, tpb: int, n_blocks: int) -> np.ndarray:
    """Number of trajectories each block samples (tiles ``b, b + n_blocks, ...`` of ``tpb``)."""
    n_tiles = -(-n // tpb)
    tiles = np.arange(n_tiles)
    sizes = np.minimum(tpb, n - tiles * tpb)
    return np.bincount(tiles % n_blocks, weights=sizes, minlength=n_blocks).astype(np.float64)


def combine_blocks(out_sum, out_sq, counts, n: int, xp=np):
    """Mean and sum of squared deviations from per-block sums (Chan et al.'s rule), on ``xp`` arrays.

    ``out_sum``, ``out_sq``: (n_blocks, d); ``counts``: (n_blocks,) trajectories per block.
    :math:`m_2=\\sum_b\\big[(q_b-c_b\\bar x_b^2)_+ + c_b(\\bar x_b-\\bar x)^2\\big]`.
    """
    cnt = counts[:, None]
    mean = out_sum.sum(axis=0) / n
    cm = out_sum / cnt
    m2b = xp.maximum(out_sq - cnt * (cm * cm), 0.0)
    m2 = (m2b + cnt * (cm - mean[None, :]) ** 2).sum(axis=0)
    return mean, m2


def simulator() -> bool:
    """Whether ``numba.cuda`` is Numba's CUDA simulator in this process (``NUMBA_ENABLE_CUDASIM=1``)."""
    return "numba.cuda.simulator_init" in sys.modules


def default_xp():
    """The array module for a launch: CuPy when it sees a device (and the simulator is off), else ``None``
    (Numba device arrays; the simulator cannot read CuPy arrays)."""
    if simulator() or not cupy_available():
        return None
    return get_cupy()


class _Device:
    """Array placement: CuPy arrays when ``cp`` is the CuPy module, Numba device arrays otherwise.

    (``cp = numpy`` places host arrays, which only the simulator can read: the tests use it to run
    the CuPy glue of :mod:`pgtheory.estimators._cupy` without CuPy.)"""

    def __init__(self, cp=None):
        self.cp = cp
        self.sim = simulator()

    def put(self, a, dtype=None):
        a = np.ascontiguousarray(a, dtype=dtype)
        if a.size == 0:  # no zero-size device arrays: a placeholder the kernel never reads
            a = np.zeros((1,) * max(a.ndim, 1), dtype=a.dtype)
        return self.cp.asarray(a) if self.cp is not None else cuda.to_device(a)

    def zeros(self, shape, dtype=np.float64):
        shape = tuple(max(int(k), 1) for k in shape)
        if self.cp is not None:
            return self.cp.zeros(shape, dtype=dtype)
        if self.sim:
            return cuda.to_device(np.zeros(shape, dtype=dtype))
        arr = cuda.device_array(shape, dtype=dtype)  # pragma: no cover - needs a GPU without CuPy
        flat = arr.reshape(int(np.prod(shape)))
        _fill_zero[min(1024, -(-flat.shape[0] // 256)), 256](flat)
        return arr

    def host(self, a):
        if self.cp is not None:
            return np.asarray(self.cp.asnumpy(a) if hasattr(self.cp, "asnumpy") else a)
        return a.copy_to_host()


def run(env: EnvTable, sample_pi: np.ndarray, pmap: PolicyMap, n: int, *, est_mode: int, b_tab, b_const,
        ratio=None, hvp=None, rng=None, uniforms=None, start_states=None, start_actions=None,
        keep_samples: bool = False, xp=None, tpb: int | None = None, scratch_bytes: int | None = None,
        geometry: Plan | None = None) -> dict:
    """CUDA counterpart of :func:`pgtheory.estimators._reference.run` (host inputs, host outputs).

    ``xp`` is the CuPy module (arrays placed with CuPy) or ``None`` (Numba device arrays). Raises
    :class:`~pgtheory.errors.InfeasibleSizeError` when :func:`plan` finds no geometry (the caller
    may fall back on another path). ``uniforms = (u0, U)`` replaces the Philox stream (parity
    tests), with trajectories cut at ``U.shape[1]`` steps as in the other backends.
    """
    S, A, d = env.S, env.A, pmap.d
    geo = geometry or plan(env, pmap, n, hvp=hvp is not None, tpb=tpb, scratch_bytes=scratch_bytes)
    if geo is None:
        raise InfeasibleSizeError(
            f"the CUDA kernels' scratch for one block of {TPB if tpb is None else tpb} trajectories exceeds "
            f"{SCRATCH_BYTES if scratch_bytes is None else scratch_bytes} bytes for S={S}, A={A}, d={d}. "
            f"Fix: use backend='cupy' (falls back on the vectorised path), backend='numba', or a smaller problem.")
    dev = _Device(xp)
    pi_cum = cumulative_rows(sample_pi)
    if uniforms is not None:
        u0, U = uniforms
        max_steps = U.shape[1] if env.max_steps < 0 else min(env.max_steps, U.shape[1])
        key, use_u = (0, 0), 1
        du0, dU = dev.put(u0, np.float64), dev.put(U, np.float64)
    else:
        max_steps = env.max_steps
        key, use_u = philox_key(rng), 0
        du0, dU = dev.put(np.zeros(1)), dev.put(np.zeros((1, 1, 4)))
    if hvp is None:
        sv, hv_soft, hv_tab, use_hvp = np.zeros(1), np.zeros((1, 1)), np.zeros((1, 1)), 0
    else:
        sv, hv = hvp
        use_hvp = 1
        if pmap.kind == POLICY_SOFTMAX:
            hv_soft, hv_tab = hv, np.zeros((1, 1))
        else:
            hv_soft, hv_tab = np.zeros((1, 1)), hv
    table = pmap.table if (pmap.kind != POLICY_SOFTMAX and d > 0) else np.zeros((1, 1))
    has_start = start_states is not None
    K = _numba.guide_size(env)
    guide = _numba.build_guides(env.p_indptr, env.p_cum, K)
    model = ModelTables(dev.put(env.rho_cum, np.float64), dev.put(env.p_indptr, np.int64),
                        dev.put(env.p_indices, np.int64), dev.put(env.p_cum, np.float64), dev.put(guide, np.int32),
                        dev.put(env.r, np.float64))
    pol = PolicyTables(dev.put(pi_cum, np.float64), dev.put(pmap.pi, np.float64), dev.put(table, np.float64),
                       dev.put(np.ones((1, 1)) if ratio is None else ratio, np.float64))
    est = EstimatorTables(dev.put(b_tab, np.float64), dev.put(sv, np.float64), dev.put(hv_soft, np.float64),
                          dev.put(hv_tab, np.float64))
    draws = Draws(dev.put(start_states if has_start else np.zeros(1, dtype=np.int64), np.int64),
                  dev.put(start_actions if has_start else np.zeros(1, dtype=np.int64), np.int64),
                  dev.put(np.zeros(1, dtype=np.int64)), du0, dU)
    nb, t = min(geo.n_blocks, -(-n // geo.tpb)), geo.tpb  # no block without a tile (its count would be 0)
    out = Outputs(dev.zeros((nb, d)), dev.zeros((nb, d)), dev.zeros((n, d) if keep_samples else (1, 1)),
                  dev.zeros((n,)), dev.zeros((n,), np.int64), dev.zeros((1,), np.int64))
    slots = nb * t
    if pmap.kind == POLICY_SOFTMAX:
        scr = Scratch(dev.zeros((slots, S * A)), dev.zeros((slots, S * A)), dev.zeros((slots, S)),
                      dev.zeros((slots, S)), dev.zeros((slots, S), np.int64), dev.zeros((slots,), np.int64),
                      dev.zeros((slots, 2)), dev.zeros((1, 1)), dev.zeros((1, 1)), dev.zeros((1, 1)),
                      dev.zeros((1, 1)))
    else:
        hd = (slots, d) if hvp is not None else (1, 1)
        scr = Scratch(dev.zeros((1, 1)), dev.zeros((1, 1)), dev.zeros((1, 1)), dev.zeros((1, 1)),
                      dev.zeros((1, 1), np.int64), dev.zeros((slots,), np.int64), dev.zeros((slots, 2)),
                      dev.zeros((slots, d)), dev.zeros((slots, d)), dev.zeros(hd), dev.zeros(hd))
    cfg = KernelConfig(S=int(S), A=int(A), K=int(K), p_dense=int(env.p_dense), n_stages=int(env.n_stages),
                       discount=float(env.discount), cont_prob=float(env.cont_prob), max_steps=int(max_steps),
                       bernoulli=int(env.bernoulli), policy_kind=int(pmap.kind), use_ratio=int(ratio is not None),
                       estimator=int(est_mode), b_const=float(b_const), hvp=int(use_hvp), n=int(n), use_u=int(use_u),
                       keep=int(keep_samples), has_start=int(has_start), key0=int(key[0]), key1=int(key[1]),
                       d=int(d), shared_acc=int(geo.shared_acc))
    shared = 16 * max(d, 1) if geo.shared_acc else 0
    stream = 0
    if xp is not None and hasattr(xp, "cuda"):  # CuPy: launch on its current stream (ordering with its ops)
        ptr = xp.cuda.get_current_stream().ptr  # pragma: no cover - needs a GPU
        stream = cuda.external_stream(ptr) if ptr else 0  # pragma: no cover
    pg_kernel[nb, t, stream, shared](model, pol, est, draws, out, cfg, scr)
    counts = block_counts(n, t, nb)
    if d == 0:
        mean, m2 = np.zeros(0), np.zeros(0)
    elif xp is not None:
        mean, m2 = combine_blocks(out.out_sum, out.out_sq, xp.asarray(counts), n, xp)
        mean, m2 = dev.host(mean), dev.host(m2)
    else:
        mean, m2 = combine_blocks(dev.host(out.out_sum), dev.host(out.out_sq), counts, n, np)
    samples = None
    if keep_samples:
        samples = dev.host(out.samples)[:, :d] if d > 0 else np.zeros((n, 0))
    return {"mean": mean, "m2": m2, "samples": samples, "returns": dev.host(out.returns),
            "lengths": dev.host(out.lengths)}
