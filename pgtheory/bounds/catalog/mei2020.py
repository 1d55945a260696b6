r"""Mei, Xiao, Szepesvári, Schuurmans (ICML 2020): softmax policy gradient converges at O(1/t).

References
----------
J. Mei, C. Xiao, C. Szepesvári, D. Schuurmans. On the Global Convergence Rates of Softmax
Policy Gradient Methods. ICML 2020. arXiv:2005.06392 (v3).

Provenance: the paper body could not be read for this
catalog. Theorem 4's constant is taken from a third-party restatement and from Li et al. 2021,
Table 1 (which tabulates the same iteration complexity, read in full); the bandit constant
``5/(c^2 t)`` and step size 2/5 are recalled; Theorem 6 is quoted verbatim by Cen et al. 2021
(read in full). Each bound says so in its ``provenance_note``.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["MEI2020", "THM4", "BANDIT", "THM6", "THM10"]


def _cite(theorem: str, equation: str = "") -> Citation:
    return Citation(
        key="mei2020global",
        authors=("Mei, Jincheng", "Xiao, Chenjun", "Szepesvári, Csaba", "Schuurmans, Dale"),
        title="On the Global Convergence Rates of Softmax Policy Gradient Methods",
        venue="Proceedings of the 37th International Conference on Machine Learning (ICML)",
        series="Proceedings of Machine Learning Research", volume="119", entry_type="inproceedings",
        year=2020, arxiv="2005.06392", arxiv_version="v3", theorem=theorem, equation=equation,
        url="https://arxiv.org/abs/2005.06392")


MEI2020 = _cite("")

t, S, c, gamma, D, Minv = sp.symbols("t S c gamma D Minv", positive=True)
tau, A, rho_min, pmin, Delta0, Dmis, Delta = sp.symbols("tau A rho_min pmin Delta0 Dmis Delta", positive=True)

THM4 = register(Bound(
    id="mei2020.thm4",
    expr=16 * S / (c**2 * (1 - gamma) ** 6 * t) * D**2 * Minv,
    quantity=r"V^*(\rho) - V^{\pi_{\theta_t}}(\rho)",
    symbols={t: "iteration (t >= 1)", S: "number of states |S|",
             c: "c = inf_{s, k>=1} pi_{theta_k}(a*(s)|s): smallest optimal-action probability along the run "
                "(a check uses the running min over k <= t, which is >= the infimum, so the bound it evaluates is "
                "the tightest value the theorem allows at time t -- never the constant alone)",
             gamma: "discount factor", D: "distribution mismatch ||d_mu^{pi*} / mu||_inf",
             Minv: "||1/mu||_inf (mu = initial distribution used in the gradient)"},
    kind="upper", citation=_cite("Theorem 4"),
    assumptions=("tabular discounted MDP, rewards in [0, 1]", "softmax parameterisation, exact gradients",
                 "step size eta = (1-gamma)^3/8 (1/L with smoothness L = 8/(1-gamma)^3, Lemma 7)",
                 "mu has full support; rho is the evaluation distribution"),
    provenance="recalled",
    provenance_note="Constant 16 S/(c^2 (1-gamma)^6 t) ||d_mu^{pi*}/mu||^2 ||1/mu|| from a third-party restatement, "
                    "consistent with the iteration complexity in Li et al. 2021 Table 1 (verified); paper body not read.",
    variable="t"))

BANDIT = register(Bound(
    id="mei2020.bandit",
    expr=5 / (c**2 * t),
    quantity=r"(\pi^* - \pi_{\theta_t})^\top r",
    symbols={t: "iteration (t >= 1)", c: "inf_{k>=1} pi_{theta_k}(a*) (running min along the run in checks)"},
    kind="upper", citation=_cite("Theorem 2 (bandit case)"),
    assumptions=("K-armed bandit with rewards in [0, 1]", "softmax PG with exact gradient",
                 "step size eta = 2/5 (the bandit objective is 5/2-smooth)"),
    provenance="recalled",
    provenance_note="Constant 5/(c^2 t) and eta = 2/5 recalled, not checked against the paper [R]; exponent -1 consistent "
                    "with the abstract's O(1/t).",
    variable="t"))

THM6 = register(Bound(
    id="mei2020.thm6",
    expr=Delta0 * sp.exp(-(1 - gamma) ** 4 * t / ((8 / tau + 4 + 8 * sp.log(A)) * S) / Dmis * rho_min * pmin**2),
    quantity=r"V^*_\tau(\rho) - V^{\pi_{\theta_t}}_\tau(\rho)",
    symbols={t: "iteration", Delta0: "initial gap V*_tau(rho) - V_tau^{(0)}(rho)", gamma: "discount factor",
             tau: "entropy-regularisation weight", A: "number of actions |A|", S: "number of states |S|",
             Dmis: "||d_rho^{pi*_tau}/rho||_inf", rho_min: "min_s rho(s)",
             pmin: "inf_{0<=k<=t-1} min_{s,a} pi_k(a|s) (running)"},
    kind="upper", citation=_cite("Theorem 6"),
    assumptions=("entropy-regularised softmax PG with exact gradient of V_tau(rho)",
                 "step size eta = (1-gamma)^3/(8 + tau(4 + 8 log|A|))"),
    provenance="verified",
    provenance_note="Statement read as quoted in Cen et al. 2021 (full text, Section 3.1); step size recalled.",
    variable="t", rate_type="linear"))

THM10 = register(Bound(
    id="mei2020.thm10",
    expr=(1 - gamma) ** 5 * Delta**2 / (12 * t),
    quantity=r"V^*(\rho) - V^{\pi_{\theta_t}}(\rho)",
    symbols={t: "iteration", gamma: "discount factor",
             Delta: "Delta* = min_{s, a != a*(s)} Q*(s, a*(s)) - Q*(s, a)"},
    kind="lower", citation=_cite("Theorem 10"),
    assumptions=("softmax PG with exact gradients and step size eta <= (1-gamma)^3/8",
                 "stated as an iteration complexity (1-gamma)^5 Delta^2/(12 eps); inverted here to a bound on the gap"),
    provenance="inferred",
    provenance_note="Iteration-complexity form verified as quoted in Li et al. 2021 Table 1; the gap form is our "
                    "inversion and the exact conditions were not read, so it is checked only asymptotically.",
    variable="t", constants_explicit=False))
