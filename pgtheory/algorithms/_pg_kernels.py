"""Numba kernel of exact softmax PG on dense tabular MDPs (imported on first use).

Mirrors the NumPy reference loop of :func:`pgtheory.algorithms.softmax_pg` operation by
operation (tested to agree to floating-point tolerance in ``tests/classic``). Arrays only;
callees in this file (numba cache invalidation tracks only the defining file).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def _softmax_rows(theta, out):
    S, A = theta.shape
    for s in range(S):
        m = -np.inf
        for a in range(A):
            if theta[s, a] > m:
                m = theta[s, a]
        z = 0.0
        for a in range(A):
            e = np.exp(theta[s, a] - m) if theta[s, a] > -np.inf else 0.0
            out[s, a] = e
            z += e
        for a in range(A):
            out[s, a] /= z


@njit(cache=True)
def _centred_row(pi, Q, s, out):
    """out[a] = Q[s,a] - sum_b pi[s,b] Q[s,b] without cancellation (pgtheory._math.centred, one row)."""
    A = pi.shape[1]
    star = 0
    for a in range(A):
        if pi[s, a] > pi[s, star]:
            star = a
    c = 0.0
    for b in range(A):
        if pi[s, b] > 0.0:
            c += pi[s, b] * (Q[s, b] - Q[s, star])
    for a in range(A):
        out[a] = (Q[s, a] - Q[s, star]) - c


@njit(cache=True)
def pg_dense_kernel(P, r, gamma, mu, rho, mult, theta, eta, n_iter, rec, a_star, J_star, rec_states,
                    out_sub, out_val, out_mop, out_runc, out_gn, out_V):
    S, A = r.shape
    pi = np.empty((S, A))
    M = np.empty((S, S))
    rpi = np.empty(S)
    Q = np.empty((S, A))
    adv = np.empty(A)
    c_run = np.inf
    c_arg = 0
    j = 0
    K = rec.shape[0]
    for t in range(n_iter + 1):
        _softmax_rows(theta, pi)
        p_opt = np.inf
        for s in range(S):
            if pi[s, a_star[s]] < p_opt:
                p_opt = pi[s, a_star[s]]
        if t >= 1 and p_opt < c_run:
            c_run = p_opt
            c_arg = t
        for s in range(S):
            acc = 0.0
            for sp in range(S):
                M[s, sp] = 0.0
            for a in range(A):
                acc += pi[s, a] * r[s, a]
                if pi[s, a] != 0.0:
                    for sp in range(S):
                        M[s, sp] -= gamma * pi[s, a] * P[s, a, sp]
            M[s, s] += 1.0
            rpi[s] = acc
        V = np.linalg.solve(M, rpi)
        for s in range(S):
            for a in range(A):
                acc = 0.0
                for sp in range(S):
                    acc += P[s, a, sp] * V[sp]
                Q[s, a] = r[s, a] + gamma * acc
        d = np.linalg.solve(np.ascontiguousarray(M.T), (1.0 - gamma) * mu)
        gn = 0.0
        for s in range(S):
            w = max(d[s], 0.0) / mult[s] / (1.0 - gamma)
            _centred_row(pi, Q, s, adv)
            for a in range(A):
                g = w * pi[s, a] * adv[a]
                gn += g * g
                if t < n_iter:
                    theta[s, a] += eta * g
        if j < K and rec[j] == t:
            v = 0.0
            for s in range(S):
                v += rho[s] * V[s]
            out_sub[j] = J_star - v
            out_val[j] = v
            out_mop[j] = p_opt
            out_runc[j] = c_run if t >= 1 else p_opt
            out_gn[j] = np.sqrt(gn)
            for k in range(rec_states.shape[0]):
                out_V[j, k] = V[rec_states[k]]
            j += 1
    return c_run, c_arg


@njit(cache=True)
def pg_gradient_dense(P, r, gamma, mu, mult, theta, grad):
    """Exact softmax-PG gradient (d_mu / mult) pi A / (1-gamma) into ``grad``; returns V (same ops as the loop)."""
    S, A = r.shape
    pi = np.empty((S, A))
    _softmax_rows(theta, pi)
    M = np.zeros((S, S))
    rpi = np.zeros(S)
    for s in range(S):
        for a in range(A):
            rpi[s] += pi[s, a] * r[s, a]
            if pi[s, a] != 0.0:
                for sp in range(S):
                    M[s, sp] -= gamma * pi[s, a] * P[s, a, sp]
        M[s, s] += 1.0
    V = np.linalg.solve(M, rpi)
    d = np.linalg.solve(np.ascontiguousarray(M.T), (1.0 - gamma) * mu)
    Q = np.empty((S, A))
    adv = np.empty(A)
    for s in range(S):
        for a in range(A):
            acc = 0.0
            for sp in range(S):
                acc += P[s, a, sp] * V[sp]
            Q[s, a] = r[s, a] + gamma * acc
    for s in range(S):
        w = max(d[s], 0.0) / mult[s] / (1.0 - gamma)
        _centred_row(pi, Q, s, adv)
        for a in range(A):
            grad[s, a] = w * pi[s, a] * adv[a]
    return V
