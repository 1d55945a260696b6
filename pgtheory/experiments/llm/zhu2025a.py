r"""Zhu, Xia, Wei, Chen, Chen, Meng (2025a), positive and negative sample reinforcement (PSR / NSR).

Check ``zhu2025a-psr-nsr`` (formerly ``llm-psr-nsr``): PSR and NSR have identical expected
gradients; NSR redistribution. Source: Zhu et al. 2025, arXiv:2506.01347. The conventions (claims,
provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_unbiased
from ._common import EPS, SAFETY, register_check, _rel, _rms, _src, _sub, _sum_tol

__all__ = ["check_psr_nsr"]


def check_psr_nsr(quick: bool = True) -> dict:
    """PSR and NSR have identical expected gradients; W-REINFORCE (1+lam); NSR redistribution Eq. 7-8."""
    import pgtheory.bandits as B

    subs = []
    ZHU = "Zhu et al. 2025, arXiv:2506.01347"
    th = np.array([0.3, 1.0, -0.4, 0.0, -1.2])
    corr = np.array([1.0, 0.0, 0.0, 1.0, 0.0])
    G = 4
    gp = B.exact_logit_gradient(th, corr)
    ep, en = B.exact_moments("psr", th, corr, G), B.exact_moments("nsr", th, corr, G)
    ew = B.exact_moments("w_reinforce", th, corr, G, lam=0.1)
    atol, why = _sum_tol(ep.n_groups + 5, max(_rms(ep), _rms(en), _rms(ew)))
    c_1 = check_unbiased(np.concatenate([gp, gp, 1.1 * gp]), mean=np.concatenate([ep.mean[0], en.mean[0], ew.mean[0]]),
                         exact=True, atol=atol, name="PSR and NSR have the same expected gradient; W-REINFORCE = (1+lam) grad p",
                         source=_src(f"{ZHU}, Eqs. (1)-(4)", "paper"),
                         stated="L_NSR = 1 + L_PSR, so E[g_PSR] = E[g_NSR] = grad p and E[g_W-REINFORCE] = 1.1 grad p "
                                f"(lam = 0.1; K=5, G=4); tolerance: {why}")
    subs.append(_sub("PSR and NSR have the same expected gradient (L_NSR = 1 + L_PSR); W-REINFORCE = (1+lam) grad p",
                     "Zhu et al. 2025, arXiv:2506.01347, Eqs. (1)-(4) [paper]", "holds exactly",
                     {"rel_err_psr": _rel(ep.mean[0], gp), "rel_err_nsr": _rel(en.mean[0], gp),
                      "rel_err_w_reinforce_vs_1.1": _rel(ew.mean[0], 1.1 * gp),
                      "tr_var_psr": ep.trace_variance, "tr_var_nsr": en.trace_variance}, "paper", [c_1]))
    # subset mean -> grad log p / -grad log(1-p) at large G; exact finite-G weights
    p = float(B.success_probability(th, corr))
    wp = float(B.binary_weight("psr", p, G, subset_mean=True))
    wn = float(B.binary_weight("nsr", p, G, subset_mean=True))
    cp, cn = (1 - (1 - p) ** G) / p, (1 - p ** G) / (1 - p)
    atol, why = _sum_tol(G + 1, max(cp, cn) * G, " (binomial sum of weights <= G w)")
    c_2 = check_identity([wp, wn], [cp, cn], rtol=0.0, atol=atol, tol_reason=why,
                         name="PSR/NSR with the kept-subset mean weight grad p by (1-(1-p)^G)/p and (1-p^G)/(1-p)",
                         source=_src(f"our derivation on {ZHU}'s code compute_psr_nsr_outcome_advantage", "inferred"),
                         stated="finding (ours): with the code's kept-subset normalisation the expected updates are "
                                "(1-(1-p)^G)/p grad p (PSR) and (1-p^G)/(1-p) grad p (NSR): a prompt re-weighting "
                                "towards grad log p and -grad log(1-p)")
    subs.append(_sub("PSR/NSR with the kept-subset mean weight grad p by (1-(1-p)^G)/p and (1-p^G)/(1-p)",
                     "Zhu et al. 2025, arXiv:2506.01347, code compute_psr_nsr_outcome_advantage [code]",
                     "prompt re-weighting: grad log p vs -grad log(1-p) as G -> inf",
                     {"p": p, "w_psr": wp, "closed_psr": cp, "w_nsr": wn, "closed_nsr": cn}, "inferred", [c_2]))
    # redistribution identity
    eta, y = 0.7, 1
    th2 = B.nsr_probability_step(th, y, eta)
    pi, pi2 = B.policy_probs(th), B.policy_probs(th2)
    others = [v for v in range(5) if v != y]
    lhs = [np.log(pi2[v] / pi2[w]) - np.log(pi[v] / pi[w]) for v in others for w in others]
    rhs = [eta * pi[y] * (pi[v] - pi[w]) for v in others for w in others]
    errs = [abs(a_ - b_) for a_, b_ in zip(lhs, rhs)]
    order = bool(np.all(np.argsort(pi[others]) == np.argsort(pi2[others])))
    mag = float(np.max(np.abs(th2)) + np.max(np.abs(th)))
    c_3 = check_identity(lhs, rhs, rtol=0.0, atol=SAFETY * 4 * EPS * mag,
                         tol_reason=f"4 logs of softmax ratios x eps x logit magnitude {mag:.3g}, x{SAFETY}",
                         name="NSR redistributes mass to unsampled tokens in proportion to the prior (Eqs. 7-8)",
                         source=_src(f"{ZHU}, Eqs. (6)-(8), App. A", "paper"),
                         stated="one NSR step (probability loss, eta = 0.7) on token y changes log(pi_v/pi_w) by "
                                "eta pi_y (pi_v - pi_w) for unsampled v, w (so their order is preserved: "
                                f"{'yes' if order else 'no'})")
    subs.append(_sub("NSR redistributes mass to unsampled tokens in proportion to the prior (Eqs. 7-8)",
                     "Zhu et al. 2025, arXiv:2506.01347, Eqs. (6)-(8), App. A [paper]", "holds exactly",
                     {"max_log_ratio_err": float(max(errs)), "order_preserved": order}, "paper", [c_3]))
    return {"name": "zhu2025a-psr-nsr", "subchecks": subs}


register_check("zhu2025a-psr-nsr", check_psr_nsr,
               "PSR and NSR have identical expected gradients; NSR redistribution",
               "Zhu et al. 2025, arXiv:2506.01347",
               papers=("zhu2025a",), replaces=("llm-psr-nsr",))
