"""Agarwal, Kakade, Lee, Mahajan (2021), arXiv:1908.00261: softmax NPG.

Steps: the closed-form softmax NPG step equals the Fisher-preconditioned gradient step
(numeric, public API); the recalled bound with eta = (1-gamma)^2 log|A| gives the iteration
complexity 2/((1-gamma)^2 eps) quoted by Cen et al. (symbolic); the bound on random MDPs
(falsification).
"""

import numpy as np
import sympy as sp

from pgtheory import bounds
from pgtheory.algorithms import softmax_npg
from pgtheory.mdp import advantage, instances
from pgtheory.policies import SoftmaxPolicy, natural_gradient

from ._framework import step


@step("agarwal2021", "npg-closed-form", "F^+ grad V = A^pi/(1-gamma) up to per-state constants (softmax, tabular)",
      kind="exact")
def _closed_form():
    worst = 0.0
    for seed in range(5):
        mdp = instances.garnet(5, 3, 3, gamma=0.85, seed=seed)
        theta = np.random.default_rng(seed).normal(size=(5, 3))
        w = natural_gradient(mdp, SoftmaxPolicy(5, 3), theta, method="lstsq")
        pi = np.exp(theta - theta.max(1, keepdims=True))
        pi /= pi.sum(1, keepdims=True)
        target = advantage(mdp, pi) / (1 - mdp.gamma)
        d = w - target  # must be constant within each state (the Fisher null space)
        worst = max(worst, float(np.max(np.ptp(d, axis=1))))
    return worst < 1e-8, f"max over states of spread(w - A/(1-gamma)) = {worst:.2e}"


@step("agarwal2021", "complexity-from-bound",
      "eta=(1-gamma)^2 log|A| in log|A|/(eta T) + 1/((1-gamma)^2 T) <= eps gives T = 2/((1-gamma)^2 eps)")
def _complexity():
    b = bounds.get_bound("agarwal2021.npg_softmax")
    A, eta, gamma, T = (b.symbol(n) for n in ("A", "eta", "gamma", "T"))
    eps = sp.Symbol("epsilon", positive=True)
    expr = b.expr.subs(eta, (1 - gamma) ** 2 * sp.log(A))
    sol = sp.solve(sp.Eq(expr, eps), T)
    ok = len(sol) == 1 and sp.simplify(sol[0] - 2 / ((1 - gamma) ** 2 * eps)) == 0
    return ok, f"T = {sol}"


@step("agarwal2021", "npg-bound-falsification", "the NPG bound at every T on random MDPs and step sizes",
      kind="falsification")
def _falsify():
    b = bounds.get_bound("agarwal2021.npg_softmax")
    worst, where = 0.0, None
    for seed in range(8):
        mdp = instances.garnet(6, 4, 2, gamma=0.9, seed=100 + seed)
        for eta in (0.01, 0.3, 3.0, 30.0):
            tr = softmax_npg(mdp, eta=eta, n_iter=60)
            T = tr.iterations[1:].astype(float)
            ratio = tr.metric("suboptimality")[1:] / b.evaluate(T=T, A=4, eta=eta, gamma=0.9)
            k = int(np.argmax(ratio))
            if ratio[k] > worst:
                worst, where = float(ratio[k]), (seed, eta, int(T[k]))
    return worst <= 1, f"worst gap/bound = {worst:.3g} at (seed, eta, T) = {where}"
