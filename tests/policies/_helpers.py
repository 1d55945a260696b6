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
