r"""Ahmadian et al. (2024), Back to Basics: RLOO, with Dr. GRPO's scale and length normalisation.

Check ``ahmadian2024-rloo-length`` (formerly ``llm-rloo-length``): RLOO unbiased; Dr. GRPO scale
(G-1)/G; length-normalisation bias. Source: Ahmadian et al. 2024, arXiv:2402.14740; Liu et al. 2025,
arXiv:2503.20783. The conventions (claims, provenance tags, rounding tolerances) are those of
:mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_ordering, check_unbiased
from ._common import register_check, _rel, _rms, _src, _sub, _sum_tol

__all__ = ["check_rloo_length"]


def check_rloo_length(quick: bool = True) -> dict:
    """RLOO unbiased, Dr. GRPO scale (G-1)/G, length-normalisation bias (token aggregation)."""
    import pgtheory.bandits as B

    subs = []
    LIU = "Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783 v1 (abstract, Fig. 1)"
    rng = np.random.default_rng(7)
    worst_rloo, worst_dr = 0.0, 0.0
    sizes = [(3, 2), (4, 3), (5, 4)] if quick else [(3, 2), (4, 3), (5, 4), (6, 6), (8, 8)]
    e_rloo, e_dr, t_rloo, t_dr = [], [], [], []
    tol_rloo = tol_dr = 0.0
    for K, G in sizes:
        th, r = rng.normal(size=K) * 2, rng.normal(size=K)
        gJ = B.exact_logit_gradient(th, r)
        mr, md = B.exact_moments("rloo", th, r, G), B.exact_moments("dr_grpo", th, r, G)
        worst_rloo = max(worst_rloo, _rel(mr.mean[0], gJ))
        worst_dr = max(worst_dr, _rel(md.mean[0], (G - 1) / G * gJ))
        e_rloo.append(mr.mean[0])
        e_dr.append(md.mean[0])
        t_rloo.append(gJ)
        t_dr.append((G - 1) / G * gJ)
        tol_rloo = max(tol_rloo, _sum_tol(mr.n_groups + K, _rms(mr))[0])
        tol_dr = max(tol_dr, _sum_tol(md.n_groups + K, _rms(md))[0])
    tol_why = "largest over the sizes of (count vectors + K) x eps x sqrt(E||g||^2) x8"
    c_a = check_unbiased(np.concatenate(t_rloo), mean=np.concatenate(e_rloo), exact=True, atol=tol_rloo,
                         name="RLOO is unbiased for grad J",
                         source=_src("Ahmadian et al. 2024, arXiv:2402.14740, via TRL docs; Kool et al. 2019", "secondary"),
                         stated=f"E[g_RLOO] = grad J for general rewards, (K, G) in {sizes}; tolerance: {tol_why}")
    subs.append(_sub("RLOO (leave-one-out baseline) is unbiased for grad J",
                     "Ahmadian et al. 2024, arXiv:2402.14740; Kool et al. 2019", "holds in expectation",
                     {"max_rel_err": worst_rloo, "sizes(K,G)": sizes}, "inferred", [c_a]))
    c_b = check_unbiased(np.concatenate(t_dr), mean=np.concatenate(e_dr), exact=True, atol=tol_dr,
                         name="Dr. GRPO is unbiased up to the constant (G-1)/G", source=_src(LIU, "abstract"),
                         stated="Dr. GRPO is 'an unbiased optimization method', read as: its expected update is a "
                                "prompt-independent positive constant times grad J; exactly E[g] = (G-1)/G grad J (as an "
                                "estimator of grad J itself it is biased in scale by (G-1)/G, 0.75 at G=4); "
                                f"tolerance: {tol_why}")
    subs.append(_sub("Dr. GRPO (no std, self-inclusive mean) is unbiased",
                     "Liu et al. 2025, arXiv:2503.20783 v1 (abstract, Fig. 1)", "holds in expectation up to the factor (G-1)/G",
                     {"E[g] / grad J": "(G-1)/G exactly", "max_rel_err_vs_(G-1)/G": worst_dr,
                      "note": "direction unbiased; scale (G-1)/G (e.g. 0.75 at G=4); unbiased for (G-1)/G grad J"},
                     "inferred", [c_b]))
    # variance: RLOO vs REINFORCE(b=0) vs optimal constant baseline (one sample of each per group)
    th, r = np.array([1.0, 0.0, -0.5, 0.3]), np.array([1.0, 0.2, 0.0, 0.7])
    G = 4
    m_rloo = B.exact_moments("rloo", th, r, G)
    v_rloo = m_rloo.trace_variance
    v_rf = B.exact_moments("reinforce", th, r, G).trace_variance
    bstar = B.optimal_constant_baseline(th, r)
    v_opt = B.exact_moments("reinforce", th, r, G, baseline=bstar).trace_variance
    atol, why = _sum_tol(m_rloo.n_groups, _rms(m_rloo) ** 2)
    c_c = check_ordering(v_rloo, v_rf, relation="<", tol=atol, name="RLOO reduces variance vs no baseline",
                         source=_src("Ahmadian et al. 2024, arXiv:2402.14740, via TRL docs", "secondary"),
                         stated=f"tr Var[g_RLOO] < tr Var[g_REINFORCE, b=0] (K=4, G=4; rounding tolerance {why}); "
                                f"the optimal constant baseline does better still ({v_opt:.4g})",
                         left_label="tr Var RLOO", right_label="tr Var REINFORCE(b=0)")
    subs.append(_sub("RLOO reduces variance (vs no baseline)", "Ahmadian et al. 2024, arXiv:2402.14740",
                     "holds here; need not be the minimum-variance constant baseline",
                     {"tr_var_rloo": v_rloo, "tr_var_reinforce_b0": v_rf, "tr_var_optimal_constant_b": v_opt, "b_star": bstar},
                     "inferred", [c_c]))
    # length normalisation: arms 0 (correct, len 2), 1 (correct, len 8), 2 (wrong, len 2), 3 (wrong, len 8)
    th = np.zeros(4)
    r = np.array([1.0, 1.0, 0.0, 0.0])
    lengths = np.array([2.0, 8.0, 2.0, 8.0])
    out, tol_len = {}, 0.0
    for lt in ("grpo", "dr_grpo", "bnpo"):
        est = B.make_estimator("dr_grpo", loss_type=lt, max_completion_length=8.0)
        ml = B.exact_moments(est, th, r, 4, lengths=lengths)
        out[lt] = ml.mean[0]
        tol_len = max(tol_len, _sum_tol(ml.n_groups, _rms(ml))[0])
    d_wrong = {lt: float(v[3] - v[2]) for lt, v in out.items()}
    d_right = {lt: float(v[0] - v[1]) for lt, v in out.items()}
    c_d1 = check_ordering(min(d_wrong["grpo"], d_right["grpo"]), 0.0, relation=">",
                          name="GRPO's 1/|o|: long wrong answers pushed down less, short right answers up more",
                          source=_src(LIU, "abstract"),
                          stated="Liu et al. 2025: GRPO's 1/|o| gives a response-length bias: E[update(long wrong)] - "
                                 "E[update(short wrong)] > 0 and E[update(short right)] - E[update(long right)] > 0 "
                                 "(lengths 2 and 8, G=4)",
                          left_label="smaller of the two expected logit differences", right_label="0")
    c_d2 = check_identity([d_wrong["dr_grpo"], d_right["dr_grpo"]], [0.0, 0.0], rtol=0.0, atol=2 * tol_len,
                          tol_reason="difference of two enumerated means: 2 x (count vectors x eps x sqrt(E||g||^2) x8)",
                          name="a constant normaliser (loss_type dr_grpo) removes the length bias",
                          source=_src(f"{LIU}; TRL loss_type docs", "abstract"),
                          stated="with Dr. GRPO's constant normaliser the two length differences are 0")
    subs.append(_sub("GRPO's 1/|o| pushes long wrong answers down less (and short right answers up more); "
                     "a constant normaliser (loss_type dr_grpo) removes it",
                     "Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783 v1 (abstract, Fig. 1); TRL loss_type [docs]",
                     "holds exactly",
                     {"E_logit_update(long wrong) - E(short wrong)": d_wrong,
                      "E(short right) - E(long right)": d_right, "lengths": lengths.tolist(), "G": 4,
                      "note": "bnpo/dapo (batch token mean) make the length weights group-dependent"},
                     "inferred", [c_d1, c_d2]))
    # the same on a token tree (per-token softmax policies, shared prefixes)
    tree = B.TokenTree([[1], [2], [3, 4, 4, 4], [3, 5]])  # correct: [1], [3,5]; wrong: [2] (short), [3,4,4,4] (long)
    phi = np.array([0.2, 0.1, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    S = tree.score_matrix(phi)
    rt = np.array([1.0, 0.0, 0.0, 1.0])
    dd = {}
    for lt in ("grpo", "dr_grpo", "bnpo"):
        est = B.make_estimator("grpo", loss_type=lt, epsilon=0.0)
        mt = B.exact_moments(est, tree.log_probs(phi), rt, 4, lengths=tree.lengths, score_matrix=S).mean[0]
        dd[lt] = float(mt @ (S[2] - S[1]))
    c_e = check_ordering(dd["grpo"], dd["dr_grpo"], relation=">",
                         name="token tree: GRPO's 1/|o| favours the long wrong answer more than a constant normaliser",
                         source=_src(f"{LIU}; TRL loss_type docs", "abstract"),
                         stated="Liu et al. 2025's length bias on a token tree with shared prefixes: the expected "
                                "first-order change of log pi(long wrong) - log pi(short wrong) is larger under GRPO's "
                                "1/|o| than under the constant normaliser",
                         left_label="d log-ratio (grpo)", right_label="d log-ratio (dr_grpo)")
    subs.append(_sub("token tree: GRPO's 1/|o| favours the long wrong answer over the short one more than a constant "
                     "normaliser (expected first-order change of log pi(long wrong) - log pi(short wrong))",
                     "Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783 v1 (abstract, Fig. 1); TRL loss_type [docs]",
                     "holds exactly",
                     {"d_log_ratio": dd, "lengths": tree.lengths.tolist(), "n_params": tree.n_params, "G": 4,
                      "note": "with shared prefixes the constant normaliser's value is not 0; the 1/|o| excess is the bias"},
                     "inferred", [c_e]))
    return {"name": "ahmadian2024-rloo-length", "subchecks": subs}


register_check("ahmadian2024-rloo-length", check_rloo_length,
               "RLOO unbiased; Dr. GRPO scale (G-1)/G; length-normalisation bias",
               "Ahmadian et al. 2024, arXiv:2402.14740; Liu et al. 2025, arXiv:2503.20783",
               papers=("ahmadian2024", "liu2025"), replaces=("llm-rloo-length",))
