"""Numba kernels of pgtheory.agnostic (imported on first use): the trajectory-tree learner on a plain
generative model, and the latent policy of a Block MDP.

The trajectory-tree kernel mirrors ``_learners.trajectory_tree`` with ``GenerativeAccess.query`` draw for draw: per chunk and layer the
distinct ``(tree, state, action)`` triples in increasing key order (what ``np.unique`` returns),
then one uniform per triple for the Bernoulli reward and one per triple for the inverse-CDF next
state, from the same ``numpy.random.Generator`` (numba draws ``rng.random()`` from the generator's
own bit generator, so the stream and the generator's state afterwards are NumPy's). Returns are
sums of 0/1 rewards, exact in float64, so the estimates agree bit for bit (tested in
``tests/agnostic/test_learner_kernels.py``). Arrays only.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def tree_run(actions, offsets, P, r, start, sizes, marks, rng):
    """Grow trajectory trees of every policy of ``actions`` (K, |S|) in chunks of ``sizes[j]`` trees.

    ``P`` / ``r``: the layered MDP's transition and mean-reward arrays per layer (``P`` holds one
    dummy array when ``H = 1``). Returns the summed returns ``total`` (K,), the queries per tree
    ``q`` (sum(sizes),) and, after each chunk ``j`` with ``marks[j]``, the argmax of ``total``.
    """
    K = actions.shape[0]
    H = len(r)
    A = r[0].shape[1]
    nS = 0
    for h in range(H):
        nS = max(nS, r[h].shape[0])
    Tmax = 0
    n_cp = 0
    for j in range(sizes.shape[0]):
        Tmax = max(Tmax, sizes[j])
        n_cp += 1 if marks[j] else 0
    total = np.zeros(K)
    q = np.zeros(sizes.sum(), dtype=np.int64)
    cp = np.zeros(n_cp, dtype=np.int64)
    st = np.empty((Tmax, K), dtype=np.int64)
    G = np.empty((Tmax, K))
    slot = np.full(nS * A, -1, dtype=np.int64)         # (state, action) -> index among the tree's triples
    us = np.empty(Tmax * K, dtype=np.int64)
    ua = np.empty(Tmax * K, dtype=np.int64)
    inv = np.empty((Tmax, K), dtype=np.int64)
    keys = np.empty(K, dtype=np.int64)
    srt = np.empty(K, dtype=np.int64)
    rw = np.empty(Tmax * K)
    ns = np.empty(Tmax * K, dtype=np.int64)
    base = 0
    i_cp = 0
    for j in range(sizes.shape[0]):
        T = sizes[j]
        st[:T] = start
        G[:T] = 0.0
        for h in range(H):
            U = 0
            for t in range(T):                          # distinct pairs of tree t, sorted by (state, action)
                for k in range(K):
                    s = st[t, k]
                    x = s * A + actions[k, offsets[h] + s]
                    keys[k] = x
                    i = k                               # insertion sort (K is small in the checks)
                    while i > 0 and srt[i - 1] > x:
                        srt[i] = srt[i - 1]
                        i -= 1
                    srt[i] = x
                first = U
                for k in range(K):
                    if k == 0 or srt[k] != srt[k - 1]:
                        slot[srt[k]] = U - first
                        us[U] = srt[k] // A
                        ua[U] = srt[k] % A
                        U += 1
                for k in range(K):
                    inv[t, k] = first + slot[keys[k]]
                q[base + t] += U - first
            rh = r[h]
            for i in range(U):                          # GenerativeAccess.query: rewards first ...
                rw[i] = 1.0 if rng.random() < rh[us[i], ua[i]] else 0.0
            if h < H - 1:                               # ... then next states by inverse CDF
                Ph = P[h]
                n_next = Ph.shape[2]
                for i in range(U):
                    u = rng.random()
                    acc = 0.0
                    c = 0
                    for m in range(n_next):
                        acc += Ph[us[i], ua[i], m]
                        if u > acc:
                            c += 1
                    ns[i] = min(c, n_next - 1)
            for t in range(T):
                for k in range(K):
                    G[t, k] += rw[inv[t, k]]
                    st[t, k] = ns[inv[t, k]] if h < H - 1 else -1
        for t in range(T):                              # G holds 0/1 sums: exact in any order
            for k in range(K):
                total[k] += G[t, k]
        base += T
        if marks[j]:
            best = 0
            for k in range(1, K):
                if total[k] > total[best]:
                    best = k
            cp[i_cp] = best
            i_cp += 1
    return total, q, cp


@njit(cache=True)
def latent_sum(acts, z, w, n, A):
    """``out[k, z[x], acts[k, x]] += w[x]`` over ``(k, x)`` in row-major order, observations with
    ``w[x] > 0`` only: ``BlockMDP.latent_policy``'s weighted bincount, term for term, without its
    (K, X) index and weight arrays. Returns ``(out, ok)``; ``ok`` is False (and ``out`` partial) at
    the first action outside ``0..A-1``."""
    K, X = acts.shape
    out = np.zeros((K, n, A))
    for k in range(K):
        for x in range(X):
            a = acts[k, x]
            if a < 0 or a >= A:
                return out, False
            if w[x] > 0:
                out[k, z[x], a] += w[x]
    return out, True
