"""Shared ground-truth helpers for the policy tests (independent of the code under test)."""

import numpy as np

from pgtheory.mdp import policy_evaluation


def J_of_pi(mdp, pi, rho=None):
    """rho^T V^pi from the lead's exact policy evaluation (independent of pgtheory.policies)."""
    rho = mdp.rho if rho is None else rho
    return float(rho @ policy_evaluation(mdp, pi).V)


def central_fd(f, theta, h=1e-5):
    """Central finite differences of a scalar function f at theta (same shape as theta)."""
    theta = np.asarray(theta, dtype=np.float64)
    out = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        e = np.zeros_like(theta)
        e[idx] = h
        out[idx] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


def random_mdp(S, A, gamma, seed):
    from pgtheory.mdp import TabularMDP

    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    r = rng.uniform(size=(S, A))
    return TabularMDP(P, r, gamma, rng.dirichlet(np.ones(S)))


def mp_softmax_gradient(P, r, gamma, rho, theta, tau=0.0, dps=50):
    """Exact (``dps``-digit mpmath) softmax gradient of J (``tau = 0``) or of J_tau (entropy-regularised).

    Independent of pgtheory: probabilities, the linear solves for V and d, Q, and the advantage
    ``Q - tau log pi - V`` are all formed in ``dps``-digit arithmetic, so the reference is exact
    to double precision while the advantage keeps ``dps - 17`` digits after cancelling against
    ``V`` (enough for advantages down to ~1e-30 relative to Q, i.e. logit gaps up to ~65).
    Returns ``(grad, Q, A, pi, d)`` as float64 arrays (``A`` the (soft) advantage).
    """
    import mpmath as mp

    with mp.workdps(dps):
        S, A = r.shape
        g = mp.mpf(gamma)
        pi, logpi = [], []
        for s in range(S):
            m = max(mp.mpf(float(t)) for t in theta[s])
            z = [mp.exp(mp.mpf(float(t)) - m) for t in theta[s]]
            Z = mp.fsum(z)
            pi.append([x / Z for x in z])
            logpi.append([mp.mpf(float(t)) - m - mp.log(Z) for t in theta[s]])
        M = mp.matrix(S, S)
        b = mp.matrix(S, 1)
        for s in range(S):
            for t in range(S):
                M[s, t] = (1 if s == t else 0) - g * mp.fsum(pi[s][a] * mp.mpf(float(P[s, a, t])) for a in range(A))
            b[s] = mp.fsum(pi[s][a] * (mp.mpf(float(r[s, a])) - tau * logpi[s][a]) for a in range(A))
        V = mp.lu_solve(M, b)
        d = mp.lu_solve(M.T, mp.matrix([(1 - g) * mp.mpf(float(x)) for x in rho]))
        grad, Qf, Af = (np.empty((S, A)) for _ in range(3))
        for s in range(S):
            for a in range(A):
                q = mp.mpf(float(r[s, a])) + g * mp.fsum(mp.mpf(float(P[s, a, t])) * V[t] for t in range(S))
                adv = q - tau * logpi[s][a] - V[s]
                grad[s, a] = float(d[s] * pi[s][a] * adv / (1 - g))
                Qf[s, a], Af[s, a] = float(q), float(adv)
        pif = np.array([[float(x) for x in row] for row in pi])
        return grad, Qf, Af, pif, np.array([float(x) for x in d])


def mp_finite_horizon_gradient(P, r, rho, theta, dps=50):
    """Exact (mpmath) gradient of the finite-horizon objective for non-stationary softmax ``theta`` (H, S, A).

    Backward recursion for Q_h, V_h and forward recursion for d_h in ``dps`` digits, then
    ``d_h(s) pi_h(a|s) (Q_h(s,a) - V_h(s))``. Returns ``(grad, Q, A, pi, d)`` as float64 arrays.
    """
    import mpmath as mp

    with mp.workdps(dps):
        H, S, A = theta.shape
        pi = [[None] * S for _ in range(H)]
        for h in range(H):
            for s in range(S):
                m = max(mp.mpf(float(t)) for t in theta[h, s])
                z = [mp.exp(mp.mpf(float(t)) - m) for t in theta[h, s]]
                Z = mp.fsum(z)
                pi[h][s] = [x / Z for x in z]
        V = [[mp.mpf(0)] * S for _ in range(H + 1)]
        Q = [[None] * S for _ in range(H)]
        for h in range(H - 1, -1, -1):
            for s in range(S):
                Q[h][s] = [mp.mpf(float(r[h, s, a])) + mp.fsum(mp.mpf(float(P[h, s, a, t])) * V[h + 1][t]
                                                               for t in range(S)) for a in range(A)]
                V[h][s] = mp.fsum(pi[h][s][a] * Q[h][s][a] for a in range(A))
        d = [[mp.mpf(float(x)) for x in rho]]
        for h in range(H - 1):
            d.append([mp.fsum(d[h][s] * pi[h][s][a] * mp.mpf(float(P[h, s, a, t])) for s in range(S) for a in range(A))
                      for t in range(S)])
        grad, Qf, Af, pif = (np.empty((H, S, A)) for _ in range(4))
        df = np.empty((H, S))
        for h in range(H):
            for s in range(S):
                df[h, s] = float(d[h][s])
                for a in range(A):
                    adv = Q[h][s][a] - V[h][s]
                    grad[h, s, a] = float(d[h][s] * pi[h][s][a] * adv)
                    Qf[h, s, a], Af[h, s, a], pif[h, s, a] = float(Q[h][s][a]), float(adv), float(pi[h][s][a])
        return grad, Qf, Af, pif, df


def near_deterministic_logits(S, A, gap, seed):
    """Logits with one action ``gap`` above the others (O(1) spread) at every state, dominant action varying."""
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-1.0, 1.0, size=(S, A))
    theta[np.arange(S), np.arange(S) % A] += gap
    return theta


def pg_relative_bound(kappa, Q, adv, pi, d, theta):
    """Per-entry relative error bound of an exact softmax gradient entry d(s) pi(a|s) A(s,a) / (1-gamma).

    Works on any leading axes (stages): ``Q`` is the (soft) Q-function whose pi-centring is ``adv``
    (for the regularised gradient, ``Q - tau log pi``), ``d`` the state weights, ``kappa`` the
    condition number of the value computation (``(1+gamma)/(1-gamma)``, or ``H`` for backward
    recursion over ``H`` stages).

    Each factor's relative rounding: d(s) from an LU solve, ``kappa eps ||d|| / d(s)``; pi(a|s) from
    exp of a logit difference, ``eps (|theta| + A)``; A(s,a) moves by at most ``2 (1 - pi(a|s))`` times
    the absolute error of Q, which is ``kappa eps ||Q||`` (LU solve for V, one product for Q);
    ``kappa = cond_inf(I - gamma P_pi) <= (1+gamma)/(1-gamma)``. 16 covers the size-dependent constants
    of the solves (S <= 3) and the few operations per entry.
    """
    eps = np.finfo(float).eps
    one_minus_pi = pi.sum(axis=-1, keepdims=True) - pi  # 1 - pi without rounding 1 - (1 - 1e-18) to 0
    qscale = np.max(np.abs(Q), axis=-1, keepdims=True)
    cond_adv = 2.0 * one_minus_pi * qscale / np.abs(adv)
    cond_d = np.max(d) / d[..., None]
    return 16 * eps * (kappa * (cond_adv + cond_d) + np.max(np.abs(theta)) + pi.shape[-1])
