"""Exact ground truth for the estimator tests (independent of pgtheory.estimators).

* discounted J and its gradient / Hessian-vector product: pgtheory.policies (policy-gradient
  theorem and the exact Hessian of helper B), cross-checked here by finite differences;
* the H-step truncated objective J_H and its gradient: forward state distributions p_t and
  backward k-step action values Q_k (written here from scratch);
* finite-horizon MDPs: pgtheory.policies.finite_horizon_gradient;
* bandits: pgtheory.bandits.exact_logit_gradient;
* exhaustive enumeration of all trajectories of a short truncated MDP (exact moments of any
  per-trajectory estimator).
"""

import itertools

import numpy as np


def truncated_objective(mdp, policy, theta, H):
    pi = policy.probs(theta)
    P = np.asarray(mdp.P)
    V = np.zeros(mdp.S)
    for _ in range(H):
        V = np.einsum("sa,sa->s", pi, mdp.r + mdp.gamma * P @ V)
    return float(mdp.rho @ V)


def truncated_gradient(mdp, policy, theta, H):
    r"""grad J_H = sum_{t<H} gamma^t sum_s p_t(s) sum_a dpi(a|s)/dtheta Q_{H-t}(s, a)."""
    pi = policy.probs(theta)
    jac = policy.jacobian(theta)
    P = np.asarray(mdp.P)
    Ppi = np.einsum("sa,sat->st", pi, P)
    Qs = {}
    V = np.zeros(mdp.S)
    for k in range(1, H + 1):
        Q = mdp.r + mdp.gamma * P @ V
        Qs[k] = Q
        V = np.einsum("sa,sa->s", pi, Q)
    g = np.zeros(policy.param_shape)
    p = mdp.rho.copy()
    for t in range(H):
        g += mdp.gamma**t * np.einsum("s,sa...,sa->...", p, jac, Qs[H - t])
        p = p @ Ppi
    return g


def fd_gradient(f, theta, eps=1e-6):
    g = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        e = np.zeros_like(theta)
        e[idx] = eps
        g[idx] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return g


def fd_hvp(grad, theta, v, eps=1e-5):
    return (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)


def enumerate_truncated(mdp, policy, theta, H):
    """All length-H trajectories with their probabilities: (states, actions, rewards, prob)."""
    pi = policy.probs(theta)
    P = np.asarray(mdp.P)
    S, A = mdp.S, mdp.A
    out = []
    for s0 in range(S):
        for acts in itertools.product(range(A), repeat=H):
            for nxt in itertools.product(range(S), repeat=H - 1):
                states = (s0,) + nxt
                p = mdp.rho[s0]
                for t in range(H):
                    p *= pi[states[t], acts[t]]
                    if t + 1 < H:
                        p *= P[states[t], acts[t], states[t + 1]]
                if p > 0:
                    rew = [mdp.r[states[t], acts[t]] for t in range(H)]
                    out.append((states, acts, rew, p))
    return out
