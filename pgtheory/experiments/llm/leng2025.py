r"""Leng et al. (2025), MMR1: reward variance and the policy-gradient magnitude.

Check ``leng2025-mmr1-variance`` (formerly ``llm-mmr1-variance``): MMR1: Eq. (4) and Prop. 1 fail;
gradient lower bound with min pi. Source: Leng et al. 2025, arXiv:2509.21268. The conventions
(claims, provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_inequality, check_ordering
from ._common import EPS, SAFETY, register_check, _src, _sub, _sum_tol

__all__ = ["check_mmr1"]


def check_mmr1(quick: bool = True) -> dict:
    """MMR1 Eq. (4) and Prop. 1 fail; ||grad J||^2 >= min(pi) Var[R] holds."""
    import pgtheory.bandits as B

    subs = []
    LENG = "Leng et al. 2025, MMR1, arXiv:2509.21268"
    th = np.array([0.9, -0.4, 0.1, 0.6])
    r = np.array([1.0, 0.0, 0.3, 0.8])
    pi = B.policy_probs(th)
    Rbar = float(pi @ r)
    varR = float(pi @ (r - Rbar) ** 2)
    gamma = float(pi @ B.score_norm_sq(th))
    C = B.single_sample_covariance(th, r, Rbar)
    mag = float(np.max(np.abs(r - Rbar)) ** 2 * 2.0)  # (R - b)^2 ||s||^2 <= max (R-b)^2 * 2
    atol, why = _sum_tol(4 * 4, mag, " (K arms x K coordinates, (R-b)^2 ||s||^2)")
    c_1 = check_identity(float(np.trace(C)), varR * gamma, rtol=0.0, atol=atol, tol_reason=why,
                         name="Eq. (4): Var[G] = Var[R] Gamma with the mean baseline",
                         source=_src(f"{LENG}, Sec. 4 Eq. (4), Lemma A.1", "paper"),
                         stated="tr Var[g (R - mean R)] = Var[R] E||grad log pi||^2 (K=4 softmax bandit)")
    subs.append(_sub("Var[G] = Var[R] Gamma with the mean baseline (Eq. 4, Lemma A.1)",
                     "Leng et al. 2025, MMR1, arXiv:2509.21268, Sec. 4 Eq. (4) [paper]", "violated",
                     {"tr_Var_G": float(np.trace(C)), "Var_R_times_Gamma": varR * gamma}, "paper", [c_1]))
    b = B.optimal_constant_baseline(th, r)
    Cb = B.single_sample_covariance(th, r, b)
    c_2 = check_ordering(float(np.trace(C)), float(np.trace(Cb)), relation="<=", tol=atol,
                         name="Prop. 1: the mean baseline minimises the total variance",
                         source=_src(f"{LENG}, Prop. 1 (App. A.1.1)", "paper"),
                         stated="tr Var with b = mean R <= tr Var with any constant baseline, here b* = "
                                f"E[||s||^2 R]/E[||s||^2] = {b:.4g} (rounding tolerance {why})",
                         left_label="tr Var(b = mean R)", right_label="tr Var(b*)")
    subs.append(_sub("the mean baseline minimises the total variance (Prop. 1)",
                     "Leng et al. 2025, arXiv:2509.21268, Prop. 1 (App. A.1.1) [paper]", "violated",
                     {"b_mean": Rbar, "b_star": b, "tr_var_mean": float(np.trace(C)), "tr_var_b_star": float(np.trace(Cb))},
                     "paper", [c_2]))
    rng = np.random.default_rng(5)
    worst = np.inf
    g2s, lows = [], []
    for _ in range(200):
        K = int(rng.integers(2, 7))
        t, rr = rng.normal(size=K) * 3, rng.random(K)
        p_ = B.policy_probs(t)
        v = float(p_ @ (rr - p_ @ rr) ** 2)
        g2 = float(np.sum(B.exact_logit_gradient(t, rr) ** 2))
        worst = min(worst, g2 - p_.min() * v, p_.max() * v - g2)
        g2s.append(g2)
        lows.append(p_.min() * v)
    c_3 = check_inequality(np.arange(200), g2s, lows, side="lower", rtol=SAFETY * 6 * EPS, atol=0.0,
                           stochastic=False, variable="instance",
                           name="||grad J||^2 >= c Var[R] with c = min_y pi(y)",
                           source=_src(f"our derivation on {LENG}, Assumption 1(ii)", "inferred"),
                           stated="finding (ours; the paper assumes a uniform c_min > 0 'from a positive-definite Fisher', "
                                  "which fails for softmax): on softmax bandits ||grad J||^2 >= min_y pi(y) Var[R] "
                                  "(200 random instances, K in 2..6; rounding rtol 6 terms x eps x8); the upper bound "
                                  "max_y pi(y) Var[R] is in the numbers")
    subs.append(_sub("||grad J||^2 >= c Var[R] (Assumption 1(ii))", "Leng et al. 2025, arXiv:2509.21268, Assumption 1(ii) [paper]",
                     "holds exactly with c = min_y pi(y) (not uniform)",
                     {"min_slack_over_200_instances": float(worst), "bound": "min(pi) Var[R] <= ||grad J||^2 <= max(pi) Var[R]"},
                     "inferred", [c_3]))
    # Theorem 1 (variance-progress) with exact one-step expectations, L = 5/2 (Mei et al. 2020, Lemma 2 [R]),
    # c_min = min pi, Gamma = E||score||^2, single-sample REINFORCE with the mean baseline
    L_smooth = 2.5
    worst_slack, n_inst = np.inf, 0
    gains, bounds = [], []
    for _ in range(200):
        K = int(rng.integers(2, 7))
        t, rr = rng.normal(size=K) * 2, rng.random(K)
        p_ = B.policy_probs(t)
        rbar = float(p_ @ rr)
        v = float(p_ @ (rr - rbar) ** 2)
        cmin, gam = float(p_.min()), float(1 - np.sum(p_ ** 2))
        eta_max = cmin / (4 * L_smooth * gam)
        J0 = rbar
        for frac in (0.25, 0.5, 1.0):
            eta = frac * eta_max
            Jnext = sum(p_[y] * float(B.policy_probs(t + eta * (rr[y] - rbar) * (np.eye(K)[y] - p_)) @ rr) for y in range(K))
            worst_slack = min(worst_slack, (Jnext - J0) - eta * cmin * v / 4)
            gains.append(Jnext - J0)
            bounds.append(eta * cmin * v / 4)
        n_inst += 1
    c_4 = check_inequality(np.arange(len(gains)), gains, bounds, side="lower", rtol=0.0, atol=SAFETY * 6 * 6 * EPS,
                           stochastic=False, variable="(instance, eta)",
                           name="Theorem 1 (variance-progress)",
                           source=_src(f"{LENG}, Theorem 1; L = 5/2 from Mei et al. 2020 (arXiv:2005.06392, Lemma 2) "
                                       "[recalled]", "paper"),
                           stated="E[J(theta+)] - J(theta) >= eta c_min Var[R] / 4 for eta <= c_min/(4 L Gamma), with "
                                  "c_min = min_y pi(y), L = 5/2, single-sample REINFORCE with the mean baseline "
                                  "(200 instances x 3 step sizes; rounding atol: K <= 6 terms of J(theta+) and J(theta), "
                                  "each a sum of 6 products, x eps x8)")
    subs.append(_sub("Variance-Progress Theorem 1: E[J(theta+)] - J(theta) >= eta c_min Var[R] / 4 for eta <= c_min/(4 L Gamma)",
                     "Leng et al. 2025, arXiv:2509.21268, Theorem 1 [paper]; L = 5/2 from Mei et al. 2020 (arXiv:2005.06392, Lemma 2) [recalled]",
                     "holds (given valid L, c_min)",
                     {"min_slack_over_instances_and_eta": float(worst_slack), "instances": n_inst,
                      "eta_grid": "(0.25, 0.5, 1) x c_min/(4 L Gamma)", "c_min": "min_y pi(y) (policy-dependent)"},
                     "paper", [c_4]))
    return {"name": "leng2025-mmr1-variance", "subchecks": subs}


register_check("leng2025-mmr1-variance", check_mmr1,
               "MMR1: Eq. (4) and Prop. 1 fail; gradient lower bound with min pi",
               "Leng et al. 2025, arXiv:2509.21268",
               papers=("leng2025",), replaces=("llm-mmr1-variance",))
