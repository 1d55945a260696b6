"""Cen, Cheng, Chen, Wei, Chi (Operations Research 2022; arXiv:2007.06558, read in v2): entropy-regularised NPG.

Steps: update (18) at eta = (1-gamma)/tau is soft policy iteration (symbolic + numeric); the
bandit recursion behind Proposition 1 and its factor 2 (symbolic); the constants of the
iteration complexity (25) (symbolic); consequence (24) on random MDPs (falsification).
"""

import numpy as np
import sympy as sp

from pgtheory import bounds
from pgtheory.algorithms import entropy_npg, soft_optimal_reference
from pgtheory.mdp import instances, soft_policy_evaluation

from ._framework import step

eta, tau, gamma, eps, A, C1 = sp.symbols("eta tau gamma epsilon A C1", positive=True)


@step("cen2022", "spi-identity", "eta=(1-gamma)/tau turns update (18) into pi_{t+1} ∝ exp(Q_tau^t / tau)")
def _spi():
    power = 1 - eta * tau / (1 - gamma)
    scale = eta / (1 - gamma)
    at = {eta: (1 - gamma) / tau}
    sym_ok = sp.simplify(power.subs(at)) == 0 and sp.simplify(scale.subs(at) - 1 / tau) == 0
    # numeric: one step of the implementation against soft policy iteration
    mdp = instances.garnet(6, 3, 3, gamma=0.8, seed=3)
    t_ = 0.3
    logits0 = np.random.default_rng(0).normal(size=(6, 3))
    pi0 = np.exp(logits0 - logits0.max(1, keepdims=True))
    pi0 /= pi0.sum(1, keepdims=True)
    tr = entropy_npg(mdp, eta=(1 - 0.8) / t_, tau=t_, n_iter=1, theta0=logits0)
    Q = soft_policy_evaluation(mdp, pi0, t_).Q
    spi = np.exp(Q / t_ - Q.max(1, keepdims=True) / t_)
    spi /= spi.sum(1, keepdims=True)
    err = float(np.max(np.abs(tr.final["pi"] - spi)))
    return sym_ok and err < 1e-12, f"exponent {sp.simplify(power.subs(at))}, scale {sp.simplify(scale.subs(at))}; " \
                                   f"max |pi_NPG - pi_SPI| = {err:.2e}"


@step("cen2022", "prop1-bandit-recursion",
      "bandit: e_{t+1} = (1-eta tau) e_t + c_t 1 for e_t = log pi_t - log pi*_tau (so span contracts exactly)")
def _bandit_recursion():
    K = 3
    r = sp.symbols("r0:%d" % K, real=True)
    l = sp.symbols("l0:%d" % K, real=True)  # log pi_t
    Zt, Zs = sp.symbols("Zt Zs", positive=True)
    lstar = [ri / tau - sp.log(Zs) for ri in r]
    lnext = [(1 - eta * tau) * li + eta * ri - sp.log(Zt) for li, ri in zip(l, r)]
    diffs = [sp.expand(lnext[i] - lstar[i] - (1 - eta * tau) * (l[i] - lstar[i])) for i in range(K)]
    const = all(sp.simplify(d - diffs[0]) == 0 for d in diffs)  # same constant in every coordinate
    return const, f"e_next - (1-eta tau) e = {sp.simplify(diffs[0])} (identical across actions)"


@step("cen2022", "prop1-factor-2",
      "for log-distributions, ||e||_inf <= span(e) <= 2||e||_inf, giving the factor 2 of Proposition 1",
      kind="falsification")
def _factor2():
    # e = log p - log q with p, q distributions has max(e) >= 0 >= min(e) (else sum p != sum q),
    # so |e_i| <= max - min = span; and span <= 2 ||e||_inf always. Checked on random pairs.
    rng = np.random.default_rng(0)
    worst_lo, worst_hi = 0.0, 0.0
    for _ in range(20000):
        k = rng.integers(2, 6)
        p, q = rng.dirichlet(np.ones(k) * 0.3), rng.dirichlet(np.ones(k))
        p, q = np.clip(p, 1e-300, None), np.clip(q, 1e-300, None)
        e = np.log(p) - np.log(q)
        sup, span = np.max(np.abs(e)), np.ptp(e)
        worst_lo = max(worst_lo, sup / span)
        worst_hi = max(worst_hi, span / (2 * sup))
    ok = worst_lo <= 1 + 1e-12 and worst_hi <= 1 + 1e-12
    return ok, f"max ||e||/span = {worst_lo:.4f}, max span/(2||e||) = {worst_hi:.4f} over 20000 random pairs"


@step("cen2022", "complexity-constants-25",
      "tau=(1-gamma)eps/(4 log|A|) makes the entropy bias eps/4 and 1/(eta tau) = 4 log|A|/((1-gamma) eta eps)")
def _complexity():
    t_ = (1 - gamma) * eps / (4 * sp.log(A))
    bias = sp.simplify(t_ * sp.log(A) / (1 - gamma))
    iters = sp.simplify(1 / (eta * t_) - 4 * sp.log(A) / ((1 - gamma) * eta * eps))
    # (1 - x)^t <= exp(-x t): f(x) = -x - log(1-x) >= 0 on (0, 1) since f(0) = 0 and f' = x/(1-x) >= 0
    x = sp.symbols("x", positive=True)
    fprime = sp.simplify(sp.diff(-x - sp.log(1 - x), x))
    ok = sp.simplify(bias - eps / 4) == 0 and iters == 0 and sp.simplify(fprime - x / (1 - x)) == 0
    return ok, f"bias = {bias}; 1/(eta tau) - claim = {iters}; d/dx(-x - log(1-x)) = {fprime}"


@step("cen2022", "consequence-24-falsification",
      "||V*_tau - V^(t+1)_tau||_inf <= 3 C1 gamma (1-eta tau)^t on random MDPs", kind="falsification")
def _conseq24():
    b = bounds.get_bound("cen2022.thm1_v")
    worst, where = 0.0, None
    for seed in range(6):
        for g, t_ in ((0.9, 0.1), (0.7, 1.0)):
            mdp = instances.garnet(6, 3, 2, gamma=g, seed=seed)
            ref = soft_optimal_reference(mdp, t_)
            for f in (0.2, 1.0):
                e = f * (1 - g) / t_
                tr = entropy_npg(mdp, eta=e, tau=t_, n_iter=60, reference=ref)
                t = tr.iterations[:-1].astype(float)
                B = b.evaluate(t=t, C1=tr.params["C1"], gamma=g, eta=e, tau=t_)
                ratio = tr.metric("v_error")[1:] / B
                k = int(np.argmax(ratio))
                if ratio[k] > worst:
                    worst, where = float(ratio[k]), (seed, g, t_, e, int(t[k]))
    return worst <= 1 + 1e-9, f"worst ||V*-V||/bound = {worst:.3g} at (seed, gamma, tau, eta, t) = {where}"
