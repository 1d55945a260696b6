"""Numba kernels of the exact SubRL passes on the history graph (imported on first use).

Each kernel mirrors the NumPy reference of :mod:`pgtheory.submodular._subrl` operation by
operation, *in the same floating-point order*, so that the two backends agree bit for bit
(tested in ``tests/submodular/test_subrl_kernels.py``):

* products are formed left to right as NumPy broadcasts them (``(d * pi) * prob``);
* ``np.bincount`` and ``np.add.at`` add in index order, i.e. sequentially per bin;
* ``ndarray.sum(-1)`` is NumPy's pairwise summation started from ``+0.0``
  (:func:`_pairwise` copies ``pairwise_sum`` of NumPy's ``loops_utils.h.src`` for rows of up to
  :data:`MAX_ROW` terms).

The softmax's ``np.exp`` and the dot products of the objective stay in NumPy: NumPy's SIMD
``exp`` and BLAS ``ddot`` are not reproduced bit for bit by LLVM (the max shift and the
normalisation around ``exp`` are here). Arrays only; callees live in
this file (numba's cache invalidation tracks only the defining file).
"""

import numpy as np
from numba import njit


#: Longest row the kernels sum: NumPy halves longer rows recursively, and a recursive kernel cannot be
#: loaded back from numba's cache (it crashes), so graphs with more actions or successors than this
#: stay on the NumPy path.
MAX_ROW = 128


@njit(cache=True)
def _pairwise(a, n):
    """NumPy's pairwise sum of ``a[:n]``, ``n <= MAX_ROW``: sequential from ``-0.0`` below 8 terms,
    else 8 interleaved accumulators combined as a tree, then the tail."""
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return res


@njit(cache=True)
def _row_sum(a, n):
    """``a[:n].sum()`` as NumPy reduces a row: ``+0.0`` plus the pairwise sum."""
    return 0.0 + _pairwise(a, n)


@njit(cache=True)
def shift_rows(x):
    """``x - np.max(x, axis=-1, keepdims=True)`` (the max is exact in any order; with both -0.0 and +0.0
    in a row the shifted zeros may differ in sign only, which ``exp`` maps to the same 1.0)."""
    R, A = x.shape
    out = np.empty((R, A))
    for r in range(R):
        m = x[r, 0]
        for a in range(1, A):
            if x[r, a] > m:
                m = x[r, a]
        for a in range(A):
            out[r, a] = x[r, a] - m
    return out


@njit(cache=True)
def normalise_rows(z, rows):
    """``(z / z.sum(-1, keepdims=True))[rows]``: the softmax's normalisation, one copy per node."""
    R, A = z.shape
    s = np.empty(R)
    for r in range(R):
        s[r] = _row_sum(z[r], A)
    out = np.empty((rows.shape[0], A))
    for i in range(rows.shape[0]):
        r = rows[i]
        for a in range(A):
            out[i, a] = z[r, a] / s[r]
    return out


@njit(cache=True)
def forward(layer_start, H, child, prob, init_prob, pi, n_nodes):
    """Reach probabilities ``d`` of every node (``_subrl._forward``)."""
    nd, A, K = child.shape
    d = np.zeros(n_nodes)
    for j in range(layer_start[1] - layer_start[0]):
        d[layer_start[0] + j] = init_prob[j]
    for h in range(H):
        for i in range(layer_start[h], layer_start[h + 1]):
            di = d[i]
            for a in range(A):
                w = di * pi[i, a]
                for k in range(K):
                    c = child[i, a, k]
                    if c >= 0:
                        d[c] += w * prob[i, a, k]
    return d


@njit(cache=True)
def backward(layer_start, H, child, prob, r, pi, n_nodes):
    """Values ``V`` (all nodes) and ``Q`` (decision nodes) for step rewards ``r`` (``_subrl._backward``)."""
    nd, A, K = child.shape
    V = np.zeros(n_nodes)
    Q = np.zeros((nd, A))
    buf = np.empty(max(A, K))
    for h in range(H - 1, -1, -1):
        for i in range(layer_start[h], layer_start[h + 1]):
            for a in range(A):
                if K < 8:                               # _row_sum inlined: sequential from -0.0
                    acc = -0.0
                    for k in range(K):
                        c = child[i, a, k]
                        vm = V[c] if c >= 0 else 0.0    # V[max(c, 0)] * (c >= 0); V[0] is still 0 here
                        acc += prob[i, a, k] * (r[i, a, k] + vm)
                    Q[i, a] = 0.0 + acc
                else:
                    for k in range(K):
                        c = child[i, a, k]
                        vm = V[c] if c >= 0 else 0.0
                        buf[k] = prob[i, a, k] * (r[i, a, k] + vm)
                    Q[i, a] = _row_sum(buf, K)
        for i in range(layer_start[h], layer_start[h + 1]):
            if A < 8:
                acc = -0.0
                for a in range(A):
                    acc += pi[i, a] * Q[i, a]
                V[i] = 0.0 + acc
            else:
                for a in range(A):
                    buf[a] = pi[i, a] * Q[i, a]
                V[i] = _row_sum(buf, A)
    return V, Q


@njit(cache=True)
def gradient(layer_start, H, child, prob, r, init_prob, pi, rows, n_rows, n_nodes, direct):
    """``V``, ``Q`` and the gradient ``g`` (``n_rows``, A) of ``exact_gradient`` (softmax) or, with
    ``direct``, of ``exact_gradient_direct``; ``np.add.at`` order (node by node)."""
    V, Q = backward(layer_start, H, child, prob, r, pi, n_nodes)
    d = forward(layer_start, H, child, prob, init_prob, pi, n_nodes)
    nd, A = pi.shape
    g = np.zeros((n_rows, A))
    for i in range(nd):
        row = rows[i]
        for a in range(A):
            if direct:
                g[row, a] += d[i] * Q[i, a]
            else:
                g[row, a] += (d[i] * pi[i, a]) * (Q[i, a] - V[i])
    return V, g
