r"""Zhu, Chen, Yu, Zhao, Jia (2025b), Stratified GRPO (stratified advantage normalisation).

Check ``zhu2025b-stratified-grpo`` (formerly ``llm-stratified-grpo``): Stratified GRPO: identities
hold, SAN biased for grad J. Source: Zhu et al. 2025, arXiv:2510.06214. The conventions (claims,
provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity
from ._common import EPS, SAFETY, _cos, register_check, _src, _sub, _sum_tol

__all__ = ["check_stratified"]


def check_stratified(quick: bool = True) -> dict:
    """Prop. 1 / Thm. 1 identities, SAN moments and affine invariance; SAN is biased for grad J."""
    import pgtheory.bandits as B

    subs = []
    ZHU = "Zhu et al. 2025, Stratified GRPO, arXiv:2510.06214 v1"
    rng = np.random.default_rng(11)
    e1 = e2 = e3 = e4 = 0.0
    rmax, nmax = 0.0, 0
    for _ in range(50):
        n = int(rng.integers(4, 30))
        R = rng.normal(size=n)
        R[rng.random(n) < 0.2] = 0.0  # ties
        s = rng.integers(0, 3, size=n)
        rmax, nmax = max(rmax, float(np.max(np.abs(R)))), max(nmax, n)
        d = B.stratified_decomposition(R, s)
        e1 = max(e1, float(np.max(np.abs(d["A_global"] - d["A_strat"] - d["cross"]))))
        e2 = max(e2, abs(d["var_gap"] - d["var_gap_formula"]))
        A = B.san_advantages(R, s, epsilon=0.0, ddof=0)
        for k in np.unique(s):
            Ak = A[s == k]
            if np.ptp(R[s == k]) > 0:
                e3 = max(e3, abs(Ak.mean()), abs(np.mean(Ak ** 2) - 1.0))
        e4 = max(e4, float(np.max(np.abs(B.san_advantages(3.0 * R - 2.0, s) - A))))
    atol, why = _sum_tol(nmax, rmax ** 2, " (squared rewards, <= 29 per batch)")
    c_1 = check_identity([e1, e2], 0.0, rtol=0.0, atol=atol, tol_reason=why,
                         name="Prop. 1 (A_G = A_S + cross-stratum term) and Thm. 1 (variance gap)",
                         source=_src(f"{ZHU}, Prop. 1, Thm. 1, read in a third-party review", "secondary"),
                         stated="largest |A_G - A_S - cross| and |variance gap - formula| over 50 random batches "
                                "(ties, 3 strata) are 0")
    subs.append(_sub("Prop. 1 (A_G = A_S + cross-stratum term) and Thm. 1 (variance gap)",
                     "Zhu et al. 2025, Stratified GRPO, arXiv:2510.06214 v1, Prop. 1, Thm. 1 [secondary review]",
                     "holds exactly", {"max_err_prop1": e1, "max_err_thm1": e2}, "secondary", [c_1]))
    atol, why = _sum_tol(nmax, float(nmax), " (|A|^2 <= stratum size)")
    c_2 = check_identity([e3, e4], 0.0, rtol=0.0, atol=atol, tol_reason=why,
                         name="SAN: zero mean, unit variance per stratum; invariant to R -> aR+b (eps=0)",
                         source=_src(f"{ZHU} (abstract) and a third-party review", "abstract"),
                         stated="largest |stratum mean|, |stratum mean square - 1| (non-constant strata) and "
                                "|SAN(3R-2) - SAN(R)| over 50 random batches are 0 (constant strata give A = 0)")
    subs.append(_sub("SAN: zero mean, unit variance per stratum; invariant to R -> aR+b (eps=0)",
                     "Zhu et al. 2025, arXiv:2510.06214 v1 (abstract)", "holds exactly (constant strata: A=0)",
                     {"max_moment_err": float(e3), "max_affine_err": float(e4)}, "secondary", [c_2]))
    # bias for grad J with action-dependent strata
    th = np.array([0.2, -0.1, 0.5, 0.0, -0.6])
    r = np.array([0.0, 1.0, 0.3, 0.9, 0.5])
    strata = np.array([0, 0, 1, 1, 1])
    G = 5
    gJ = B.exact_logit_gradient(th, r)
    san = B.exact_moments("san", th, r, G, strata=strata)
    blend = B.exact_moments("san", th, r, G, strata=strata, blend=0.5)
    d1 = (strata == 1).astype(float)
    # per-sample check: every enumerated group has zero inter-stratum component
    counts, reps = B.count_vectors(5, G)
    est = B.make_estimator("san", strata=strata)
    g_all = est(th, reps[:, None, :], r[reps][:, None, :])[:, 0, :]
    mag = float(np.max(np.abs(g_all)))
    c_3 = check_identity(g_all @ d1, 0.0, rtol=0.0, atol=SAFETY * (G + 5) * EPS * mag,
                         tol_reason=f"{G} samples + 5 coordinates x eps x largest |g| {mag:.3g}, x{SAFETY}",
                         name="SAN has zero inter-stratum signal (biased for grad J with action-dependent strata)",
                         source=_src(f"our derivation on {ZHU}", "inferred"),
                         stated="finding (ours; the abstract's 'unbiased' is about the advantage moments, not grad J): "
                                "when strata depend on the actions, every enumerated SAN update has zero component "
                                f"along the stratum direction d, while grad J . d = {float(gJ @ d1):.4g}: SAN is biased "
                                "for grad J (unbiased only for its within-stratum part)")
    subs.append(_sub("SAN yields an unbiased learning signal (as an estimator of grad J)",
                     "Zhu et al. 2025, arXiv:2510.06214 v1 (abstract)",
                     "biased: zero inter-stratum gradient when strata depend on the actions",
                     {"E[g_SAN].d_stratum": float(san.mean[0] @ d1), "gradJ.d_stratum": float(gJ @ d1),
                      "max_per_group_|g.d|": float(np.max(np.abs(g_all @ d1))),
                      "E[g_blend0.5].d_stratum": float(blend.mean[0] @ d1), "cos(E g_SAN, grad J)": _cos(san.mean[0], gJ),
                      "note": "unbiased only for the within-stratum part of the gradient"}, "inferred", [c_3]))
    return {"name": "zhu2025b-stratified-grpo", "subchecks": subs}


register_check("zhu2025b-stratified-grpo", check_stratified,
               "Stratified GRPO: identities hold, SAN biased for grad J",
               "Zhu et al. 2025, arXiv:2510.06214",
               papers=("zhu2025b",), replaces=("llm-stratified-grpo",))
