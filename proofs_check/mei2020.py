"""Mei, Xiao, Szepesvári, Schuurmans (2020), arXiv:2005.06392: softmax PG.

Steps: the bandit objective is 5/2-smooth (falsification over random logits and rewards);
the MDP objective is 8/(1-gamma)^3-smooth (Lemma 7; falsification with the exact Hessian);
Theorem 4 gives the iteration complexity tabulated by Li et al. 2021 (Table 1) up to the
constant 16 (symbolic).
"""

import numpy as np
import sympy as sp

from pgtheory import bounds
from pgtheory.mdp import instances
from pgtheory.policies import SoftmaxPolicy, hessian

from ._framework import step


def _bandit_hessian(theta, r):
    p = np.exp(theta - theta.max())
    p /= p.sum()
    u = r - p @ r
    pu = p * u
    return np.diag(pu) - np.outer(p, pu) - np.outer(pu, p)


@step("mei2020", "bandit-smoothness-5/2", "the softmax bandit objective pi_theta^T r, r in [0,1]^K, is 5/2-smooth",
      kind="falsification")
def _bandit_smooth():
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(20000):
        K = int(rng.integers(2, 8))
        theta = rng.normal(scale=rng.choice([0.1, 1.0, 3.0]), size=K)
        r = rng.integers(0, 2, size=K).astype(float) if rng.random() < 0.5 else rng.random(K)
        H = _bandit_hessian(theta, r)
        worst = max(worst, float(np.max(np.abs(np.linalg.eigvalsh(H)))))
    # finite-difference check of the Hessian formula itself at one point
    theta, r = rng.normal(size=4), rng.random(4)

    def f(th):
        p = np.exp(th - th.max())
        return float(p @ r / p.sum())

    h = 1e-4
    E = np.eye(4)
    fd = np.array([[(f(theta + h * E[i] + h * E[j]) - f(theta + h * E[i] - h * E[j]) - f(theta - h * E[i] + h * E[j])
                     + f(theta - h * E[i] - h * E[j])) / (4 * h * h) for j in range(4)] for i in range(4)])
    fd_err = float(np.max(np.abs(fd - _bandit_hessian(theta, r))))
    return worst <= 2.5 and fd_err < 1e-5, f"max ||H||_2 = {worst:.4f} (<= 2.5); Hessian formula vs FD {fd_err:.1e}"


@step("mei2020", "mdp-smoothness-lemma7", "V^{pi_theta}(mu) is 8/(1-gamma)^3-smooth (softmax, rewards in [0,1])",
      kind="falsification")
def _mdp_smooth():
    worst, where = 0.0, None
    for seed in range(12):
        g = (0.5, 0.8, 0.9)[seed % 3]
        mdp = instances.garnet(3, 2, 2, gamma=g, seed=seed)
        theta = np.random.default_rng(seed).normal(scale=2.0, size=(3, 2))
        H = np.asarray(hessian(mdp, SoftmaxPolicy(3, 2), theta)).reshape(6, 6)
        ratio = float(np.max(np.abs(np.linalg.eigvalsh((H + H.T) / 2)))) / (8 / (1 - g) ** 3)
        if ratio > worst:
            worst, where = ratio, (seed, g)
    return worst <= 1, f"max ||H|| / (8/(1-gamma)^3) = {worst:.3g} at (seed, gamma) = {where}"


@step("mei2020", "thm4-vs-li2021-table1",
      "Thm 4 <= eps iff t >= 16 S D^2 ||1/mu|| /(c^2 (1-gamma)^6 eps): Li et al.'s O(C_spg^2 D^2 ||1/mu|| S/((1-gamma)^6 eps))")
def _table1():
    b = bounds.get_bound("mei2020.thm4")
    t, c = b.symbol("t"), b.symbol("c")
    eps = sp.Symbol("epsilon", positive=True)
    sol = sp.solve(sp.Eq(b.expr, eps), t)
    S, D, M, g = (b.symbol(n) for n in ("S", "D", "Minv", "gamma"))
    Cspg = 1 / c
    li = Cspg**2 * D**2 * M * S / ((1 - g) ** 6 * eps)
    ratio = sp.simplify(sol[0] / li) if len(sol) == 1 else None
    return ratio == 16, f"t_eps / (Li et al. Table 1 expression) = {ratio}"
