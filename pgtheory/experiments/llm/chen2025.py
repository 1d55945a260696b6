r"""Chen et al. (2025), Negative-aware Fine-Tuning (NFT).

Check ``chen2025-nft-grpo`` (formerly ``llm-nft-grpo``): NFT = GRPO / Dr. GRPO sample by sample at
theta = theta_old. Source: Chen et al. 2025, arXiv:2505.18116. The conventions (claims, provenance
tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_ordering
from ._common import register_check, _rel, _rms, _src, _sub, _sum_tol

__all__ = ["check_nft"]


def check_nft(quick: bool = True) -> dict:
    """NFT = Dr. GRPO (normalize=1) / GRPO (normalize=2) sample by sample at theta = theta_old."""
    import pgtheory.bandits as B

    subs = []
    CHEN = "Chen et al. 2025, arXiv:2505.18116 v2"
    K, G = 4, 6
    th = np.array([0.4, -0.2, 1.0, -1.3])
    corr = np.array([1.0, 0.0, 1.0, 0.0])
    counts, reps = B.count_vectors(K, G)
    a = reps[:, None, :]
    r = corr[a]
    k = r.sum(-1)[:, 0]
    nondeg = (k > 0) & (k < G)
    res, diffs, mag = {}, [], 0.0
    for norm, ref in ((1, B.make_estimator("dr_grpo")), (2, B.make_estimator("grpo", ddof=0, epsilon=0.0))):
        nft = B.make_estimator("nft", normalize=norm)
        g_ref = ref(th, a, r)
        d = np.abs(nft(th, a, r) - g_ref)[:, 0, :].max(axis=1)
        res[norm] = (float(d[nondeg].max()), float(d[~nondeg].max()))
        diffs.append(d[nondeg])
        mag = max(mag, float(np.max(np.abs(g_ref))))
    on_nft_m = B.exact_moments("nft", th, corr, G, normalize=2)
    on_nft = on_nft_m.mean
    on_grpo_m = B.exact_moments("grpo", th, corr, G, ddof=0, epsilon=0.0)
    on_grpo = on_grpo_m.mean
    atol, why = _sum_tol(G, mag, " (per-sample estimator value)")
    c_a1 = check_identity(np.concatenate(diffs), 0.0, rtol=0.0, atol=atol, tol_reason=why,
                          name="NFT = GRPO / Dr. GRPO sample by sample on groups with both outcomes (on-policy)",
                          source=_src(f"{CHEN} (abstract); NVlabs/NFT README, dp_actor.py", "abstract"),
                          stated="NFT and GRPO are equivalent in strict on-policy training: at theta = theta_old the NFT "
                                 "gradient equals Dr. GRPO's (normalize=1) and GRPO's (normalize=2) on every group with "
                                 "correct and wrong answers (the r-hat clamp inactive), K=4, G=6")
    atol2, why2 = _sum_tol(on_nft_m.n_groups, _rms(on_nft_m) + _rms(on_grpo_m))
    c_a2 = check_identity(on_nft, on_grpo, rtol=0.0, atol=atol2, tol_reason=why2,
                          name="released NFT code (r-hat clamped to [0.02, 0.98]) matches GRPO on-policy in expectation",
                          source=_src("NVlabs/NFT README ('normalize=2 matches standard GRPO, on-policy') and "
                                      "ray_nft_trainer.py (clamp)", "code"),
                          stated="the README's statement about the released code, with its r-hat clamp: on-policy the "
                                 "expected NFT update (normalize=2) equals GRPO's (K=4, G=6). Decision: this is the code's "
                                 "claim as its README states it, so a difference is a violation; all-correct/all-wrong "
                                 "groups give GRPO 0 but the clamped NFT a non-zero update (the unclamped method agrees)")
    subs.append(_sub("NFT and GRPO are equivalent in strict on-policy training (normalize=1: Dr. GRPO, 2: GRPO)",
                     "Chen et al. 2025, arXiv:2505.18116 v2 (abstract); NVlabs/NFT README, dp_actor.py [code]",
                     "holds exactly, sample by sample (clamp inactive)",
                     {"max_abs_diff_nondegenerate(normalize=1)": res[1][0], "max_abs_diff_nondegenerate(normalize=2)": res[2][0],
                      "max_abs_diff_all_equal_groups(normalize=1)": res[1][1],
                      "max_abs_diff_all_equal_groups(normalize=2)": res[2][1], "K": K, "G": G,
                      "rel_diff_of_expectations_on_policy(normalize=2)": _rel(on_nft, on_grpo),
                      "note": "all-correct/all-wrong groups: GRPO gives 0, NFT's clipped rate 0.02/0.98 does not"},
                     "code", [c_a1, c_a2]))
    old = th + np.array([0.05, -0.05, 0.03, 0.0])  # keeps rhat R < 1 (clamp inactive)
    e_nft = B.exact_moments("nft", th, corr, G, behavior_logits=old, normalize=2)
    e_grpo = B.exact_moments("grpo", old, corr, G, ddof=0, epsilon=0.0)
    rel_off = _rel(e_nft.mean, e_grpo.mean)
    atol, why = _sum_tol(e_nft.n_groups, _rms(e_nft) + _rms(e_grpo))
    c_b = check_ordering(rel_off, atol / float(np.linalg.norm(e_grpo.mean)), relation=">",
                         name="NFT differs from GRPO off-policy", source=_src("our derivation check (b)", "inferred"),
                         stated="finding (ours; the paper claims equivalence only on-policy): for theta != theta_old "
                                "the expected NFT and GRPO updates differ by more than rounding",
                         left_label="relative difference", right_label=f"rounding tolerance ({why}) / |E g_GRPO|")
    subs.append(_sub("NFT = GRPO off-policy (theta != theta_old)", "Chen et al. 2025, arXiv:2505.18116 v2",
                     "fails off-policy (expected)",
                     {"rel_diff_of_expectations": rel_off, "||theta-theta_old||": float(np.linalg.norm(th - old))},
                     "inferred", [c_b]))
    return {"name": "chen2025-nft-grpo", "subchecks": subs}


register_check("chen2025-nft-grpo", check_nft,
               "NFT = GRPO / Dr. GRPO sample by sample at theta = theta_old",
               "Chen et al. 2025, arXiv:2505.18116",
               papers=("chen2025",), replaces=("llm-nft-grpo",))
