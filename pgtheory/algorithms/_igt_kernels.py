r"""Numba kernels running Algorithms 1-2 of Fatkhullin et al. (2023) for a batch of seeds.

Imported lazily (on first use of ``backend="numba"`` by ``pgtheory.algorithms.igt`` /
``harpg``), never by ``import pgtheory``.  The kernels advance ``R`` independent runs (seeds)
through a chunk of iterations, consuming *pre-drawn standardised noise* (drawn by NumPy's
``Generator`` in the driver), so they agree with the NumPy reference runner to rounding.

Every kernel implements one generic iteration, selected by ``kind``:

* ``0`` plain:       ``d = g(theta)``                                     (vanilla PG)
* ``1`` momentum:    ``d = (1-eta) d + eta g(theta)``                      (normalized SGD-momentum)
* ``2`` IGT:         ``d = (1-eta) d + eta g(theta + (1-eta)/eta (theta - theta_prev))``   (Algorithm 1)
* ``3`` HARPG:       ``d = (1-eta)(d + H(theta_hat)(theta - theta_prev)) + eta g(theta)``,
  ``theta_hat = q theta + (1-q) theta_prev``                              (Algorithm 2)

then ``theta <- theta + gamma_t d/||d||`` (``normalized``) or ``theta + gamma_t d``, with
``gamma_t = gamma0 (t+1)^(-a)``, ``eta_t = (t+1)^(-b)``, ``t = t0, t0+1, ...``.

LQR kernel safeguard (documented, counted): a step whose gain is not stabilizing
(``rho(sqrt(gamma)(A-BK)) >= rho_max``) is *rejected*: the iterate stays, ``theta_prev`` is set to
it, the momentum is kept, and ``rejected[r]`` is incremented.

The kernels live beside the algorithm they run (``igt.py``), as ``_pg_kernels.py`` does for
``pg.py``; they serve both continuous models (bandit and LQR).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._jit import serial_twin

__all__ = ["bandit_chunk", "bandit_chunk_serial", "lqr_chunk", "lqr_chunk_serial"]


@njit(cache=True)
def _bandit_grad(phi, c, sigma, pt, s, xi, out):
    p = pt.shape[0]
    mu = 0.0
    for j in range(p):
        mu += phi[s, j] * pt[j]
    u = sigma * xi
    rew = np.exp(-0.5 * (mu + u - c[s]) ** 2)
    coef = rew * 2.0 * u / (sigma * sigma + u * u)
    for j in range(p):
        out[j] = coef * phi[s, j]


@njit(cache=True)
def _bandit_hvp(phi, c, sigma, pt, vec, s, xi, out):
    p = pt.shape[0]
    mu = 0.0
    pv = 0.0
    for j in range(p):
        mu += phi[s, j] * pt[j]
        pv += phi[s, j] * vec[j]
    u = sigma * xi
    s2 = sigma * sigma
    rew = np.exp(-0.5 * (mu + u - c[s]) ** 2)
    g1 = 2.0 * u / (s2 + u * u)
    g2 = 2.0 * (u * u - s2) / ((s2 + u * u) ** 2)
    coef = rew * (g1 * g1 + g2) * pv
    for j in range(p):
        out[j] = coef * phi[s, j]


@njit(cache=True)
def _schedules(T, t0, a_exp, b_exp, gamma0):
    etas = np.empty(T)
    gams = np.empty(T)
    for k in range(T):
        t1 = t0 + k + 1.0
        etas[k] = t1 ** (-b_exp)
        gams[k] = gamma0 * t1 ** (-a_exp)
    return etas, gams


@njit(cache=True)
def _step(theta, theta_prev, d, gam, normalized, newtheta):
    p = theta.shape[0]
    nrm = 0.0
    for j in range(p):
        nrm += d[j] * d[j]
    nrm = np.sqrt(nrm)
    if normalized:
        scale = gam / nrm if nrm > 0.0 else 0.0
    else:
        scale = gam
    for j in range(p):
        newtheta[j] = theta[j] + scale * d[j]


@njit(cache=True)
def _ctx(cum, u):
    S = cum.shape[0]
    for s in range(S - 1):
        if u < cum[s]:
            return s
    return S - 1


@njit(cache=True)
def _query_point(kind, eta, th, tp, pt):
    """Point where the gradient is sampled: IGT extrapolation ``th + (1-eta)/eta (th - tp)`` (kind 2), else ``th``."""
    p = th.shape[0]
    if kind == 2:
        co = (1.0 - eta) / eta
        for j in range(p):
            pt[j] = th[j] + co * (th[j] - tp[j])
    else:
        for j in range(p):
            pt[j] = th[j]


@njit(cache=True)
def _harpg_point(qq, th, tp, pt, delta):
    """HARPG: ``pt = qq th + (1-qq) tp`` and ``delta = th - tp`` (the Hessian is applied to ``delta`` at ``pt``)."""
    p = th.shape[0]
    for j in range(p):
        pt[j] = qq * th[j] + (1.0 - qq) * tp[j]
        delta[j] = th[j] - tp[j]


@njit(cache=True)
def _direction(kind, eta, g, v, dd):
    """Update the direction ``dd`` in place from the gradient ``g`` (and, for kind 3, the HVP ``v``)."""
    p = dd.shape[0]
    if kind == 0:
        for j in range(p):
            dd[j] = g[j]
    elif kind == 1 or kind == 2:
        for j in range(p):
            dd[j] = (1.0 - eta) * dd[j] + eta * g[j]
    else:
        for j in range(p):
            dd[j] = (1.0 - eta) * (dd[j] + v[j]) + eta * g[j]


@njit(cache=True)
def _accept(th, tp, new):
    """Accept the step: ``tp = th``, ``th = new``."""
    p = th.shape[0]
    for j in range(p):
        tp[j] = th[j]
        th[j] = new[j]


@njit(cache=True, parallel=True)
def bandit_chunk(kind, normalized, a_exp, b_exp, gamma0, t0, theta, theta_prev, d,
                 phi, c, sigma, cum, u1, q, u2):
    """Advance all seeds (rows of ``theta``) through ``u1.shape[0]`` iterations in place.

    ``u1``, ``u2`` (T, R, 2) uniforms: context by inverse CDF ``cum``, action noise tan(pi(u - 1/2)).
    """
    T = u1.shape[0]
    R = theta.shape[0]
    p = theta.shape[1]
    etas, gams = _schedules(T, t0, a_exp, b_exp, gamma0)
    for r in prange(R):  # seeds are independent: one thread per block of seeds
        g = np.empty(p)
        v = np.empty(p)
        pt = np.empty(p)
        delta = np.empty(p)
        new = np.empty(p)
        th = theta[r]
        tp = theta_prev[r]
        dd = d[r]
        for k in range(T):
            eta = etas[k]
            _query_point(kind, eta, th, tp, pt)
            _bandit_grad(phi, c, sigma, pt, _ctx(cum, u1[k, r, 0]), np.tan(np.pi * (u1[k, r, 1] - 0.5)), g)
            if kind == 3:
                _harpg_point(q[k, r], th, tp, pt, delta)
                _bandit_hvp(phi, c, sigma, pt, delta, _ctx(cum, u2[k, r, 0]), np.tan(np.pi * (u2[k, r, 1] - 0.5)), v)
            _direction(kind, eta, g, v, dd)
            _step(th, tp, dd, gams[k], normalized, new)
            _accept(th, tp, new)


bandit_chunk_serial = serial_twin(bandit_chunk, "bandit_chunk_serial")


@njit(cache=True)
def _lqr_rollout(A, B, Q, Rm, L0, LW, gamma, sigma, K, z0, xi, zw, xs, G):
    """Fill xs (H, n) with states and G (H,) with discounted reward-to-go for gain K (m, n)."""
    H = xi.shape[0]
    n = A.shape[0]
    m = B.shape[1]
    x = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += L0[i, j] * z0[j]
        x[i] = acc
    u = np.zeros(m)
    xn = np.zeros(n)
    disc = 1.0
    for h in range(H):
        for i in range(n):
            xs[h, i] = x[i]
        for a in range(m):
            acc = 0.0
            for j in range(n):
                acc -= K[a, j] * x[j]
            u[a] = acc + sigma * xi[h, a]
        cst = 0.0
        for i in range(n):
            for j in range(n):
                cst += x[i] * Q[i, j] * x[j]
        for a in range(m):
            for b in range(m):
                cst += u[a] * Rm[a, b] * u[b]
        G[h] = -disc * cst
        disc *= gamma
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += A[i, j] * x[j] + LW[i, j] * zw[h, j]
            for a in range(m):
                acc += B[i, a] * u[a]
            xn[i] = acc
        for i in range(n):
            x[i] = xn[i]
    for h in range(H - 2, -1, -1):
        G[h] += G[h + 1]


@njit(cache=True)
def _lqr_grad(A, B, Q, Rm, L0, LW, gamma, sigma, K, z0, xi, zw, xs, G, out):
    _lqr_rollout(A, B, Q, Rm, L0, LW, gamma, sigma, K, z0, xi, zw, xs, G)
    H = xi.shape[0]
    m, n = K.shape
    for a in range(m):
        for j in range(n):
            acc = 0.0
            for h in range(H):
                acc += G[h] * xi[h, a] * xs[h, j]
            out[a, j] = -acc / sigma


@njit(cache=True)
def _lqr_hvp(A, B, Q, Rm, L0, LW, gamma, sigma, K, V, z0, xi, zw, xs, G, out):
    _lqr_rollout(A, B, Q, Rm, L0, LW, gamma, sigma, K, z0, xi, zw, xs, G)
    H = xi.shape[0]
    m, n = K.shape
    sv = 0.0
    for h in range(H):
        for a in range(m):
            for j in range(n):
                sv -= xi[h, a] * xs[h, j] * V[a, j]
    sv /= sigma
    for a in range(m):
        for j in range(n):
            gacc = 0.0
            hacc = 0.0
            for h in range(H):
                gacc += G[h] * xi[h, a] * xs[h, j]
                vx = 0.0
                for k in range(n):
                    vx += V[a, k] * xs[h, k]
                hacc += G[h] * vx * xs[h, j]
            out[a, j] = (-gacc / sigma) * sv - hacc / (sigma * sigma)


@njit(cache=True)
def _rho(A, B, K, gamma):
    """rho(sqrt(gamma)(A - BK)); closed form for n <= 2 (the hot path), LAPACK otherwise."""
    AK = A - B @ K
    n = AK.shape[0]
    if n == 1:
        mx = abs(AK[0, 0])
    elif n == 2:
        half = 0.5 * (AK[0, 0] + AK[1, 1])
        det = AK[0, 0] * AK[1, 1] - AK[0, 1] * AK[1, 0]
        disc = half * half - det
        if disc >= 0.0:
            r = np.sqrt(disc)
            mx = max(abs(half + r), abs(half - r))
        else:
            mx = np.sqrt(det)
    else:
        ev = np.linalg.eigvals(AK.astype(np.complex128))
        mx = 0.0
        for e in ev:
            if abs(e) > mx:
                mx = abs(e)
    return np.sqrt(gamma) * mx


@njit(cache=True, parallel=True)
def lqr_chunk(kind, normalized, a_exp, b_exp, gamma0, t0, theta, theta_prev, d, rejected,
              A, B, Q, Rm, L0, LW, gamma, sigma, rho_max, z01, xi1, zw1, q, z02, xi2, zw2):
    """LQR analogue of :func:`bandit_chunk`; ``theta`` rows are ``vec(K)`` (row-major, length m*n)."""
    T = xi1.shape[0]
    R = theta.shape[0]
    H = xi1.shape[2]
    m = B.shape[1]
    n = A.shape[0]
    p = m * n
    etas, gams = _schedules(T, t0, a_exp, b_exp, gamma0)
    for r in prange(R):  # seeds are independent
        xs = np.empty((H, n))
        G = np.empty(H)
        g = np.empty(p)
        v = np.empty(p)
        pt = np.empty(p)
        delta = np.empty(p)
        new = np.empty(p)
        g2 = g.reshape((m, n))  # (m, n) views of the flat row-major buffers, for the gain-shaped callees
        v2 = v.reshape((m, n))
        pt2 = pt.reshape((m, n))
        delta2 = delta.reshape((m, n))
        new2 = new.reshape((m, n))
        th = theta[r]
        tp = theta_prev[r]
        dd = d[r]
        for k in range(T):
            eta = etas[k]
            _query_point(kind, eta, th, tp, pt)
            _lqr_grad(A, B, Q, Rm, L0, LW, gamma, sigma, pt2, z01[k, r], xi1[k, r], zw1[k, r], xs, G, g2)
            if kind == 3:
                _harpg_point(q[k, r], th, tp, pt, delta)
                _lqr_hvp(A, B, Q, Rm, L0, LW, gamma, sigma, pt2, delta2, z02[k, r], xi2[k, r], zw2[k, r], xs, G, v2)
            _direction(kind, eta, g, v, dd)
            _step(th, tp, dd, gams[k], normalized, new)
            if _rho(A, B, new2, gamma) >= rho_max:
                rejected[r] += 1
                for j in range(p):
                    tp[j] = th[j]
            else:
                _accept(th, tp, new)


lqr_chunk_serial = serial_twin(lqr_chunk, "lqr_chunk_serial")
