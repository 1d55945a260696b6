r"""Zhang et al. (2025b), Scaf-GRPO: the "learning cliff" of group-relative advantages (with Critique-GRPO's "persistent failures").

Check ``zhang2025b-learning-cliff``: on hard prompts (success probability p near 0) a group of G
responses fails entirely with probability (1 - p)^G, and exact enumeration shows GRPO's update is then
exactly zero, so P(zero update) = p^G + (1 - p)^G -> 1 (the cliff). In expectation the update does not
vanish relative to the true gradient: E[g_GRPO] = c_G(p) grad p with c_G(p) largest for the hardest
prompts; what vanishes is grad p itself (its norm is at most p). Scaf-GRPO's hints act by raising p, which
the curve P(zero update) vs p and G shows. Sources: Zhang, Wu, Zhu, Tan, Yu, He & Jia 2025 (Scaf-GRPO),
arXiv:2510.19807 (abstract); Zhang et al. 2025a (Critique-GRPO), arXiv:2506.03106 (abstract: "persistent
failures"). The conventions (claims, provenance tags, rounding tolerances) are those of
:mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity, check_ordering
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_learning_cliff", "CITATION", "CITATION_CRITIQUE"]

#: Scaf-GRPO (arXiv preprint); what was read: abstract.
CITATION = Citation(key="zhang2025scaf",
                    authors=("Zhang, Xichen", "Wu, Sitong", "Zhu, Yinghao", "Tan, Haoru", "Yu, Shaozuo", "He, Ziyi",
                             "Jia, Jiaya"),
                    title="Scaf-GRPO: Scaffolded Group Relative Policy Optimization for Enhancing LLM Reasoning",
                    venue="", year=2025, arxiv="2510.19807", url="https://arxiv.org/abs/2510.19807", entry_type="misc")

#: Critique-GRPO (arXiv preprint); what was read: abstract.
CITATION_CRITIQUE = Citation(key="zhang2025critique",
                             authors=("Zhang, Xiaoying", "Sun, Hao", "Zhang, Yipeng", "Feng, Kaituo", "Lu, Chaochao",
                                      "Yang, Chao", "Meng, Helen"),
                             title="Critique-GRPO: Advancing LLM Reasoning with Natural Language and Numerical Feedback",
                             venue="", year=2025, arxiv="2506.03106", url="https://arxiv.org/abs/2506.03106",
                             entry_type="misc")

SCAF = "Zhang et al. 2025, Scaf-GRPO, arXiv:2510.19807"
CRIT = "Zhang et al. 2025, Critique-GRPO, arXiv:2506.03106"


def _hard_bandit(p_target, K=4):
    """Logits of a K-arm bandit with one correct arm whose probability is p_target (others equal)."""
    th = np.zeros(K)
    th[0] = np.log(p_target * (K - 1) / (1.0 - p_target))
    r = np.zeros(K)
    r[0] = 1.0
    return th, r


def check_learning_cliff(quick: bool = True) -> dict:
    """P(zero GRPO update) on hard prompts by enumeration; expected update c_G(p) grad p; the cliff curves."""
    import pgtheory.bandits as B

    subs = []
    ps = np.array([1e-3, 1e-2, 0.05, 0.2]) if quick else np.array([1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.2, 0.35])
    Gs = (2, 4, 8, 16) if quick else (2, 4, 8, 16, 32)
    z, f, pts = [], [], []
    for p in ps:
        th, r = _hard_bandit(float(p))
        for G in Gs:
            z.append(B.zero_gradient_probability("grpo", th, r, G, ddof=1, epsilon=1e-4))
            f.append(float(B.zero_advantage_probability(p, G)))
            pts.append((float(p), G))
    n_max = B.num_count_vectors(4, max(Gs))
    atol = SAFETY * n_max * EPS
    c_a = check_identity(np.asarray(z), np.asarray(f), rtol=0.0, atol=atol,
                         tol_reason=f"sums of at most {n_max} multinomial probabilities, x{SAFETY}: {atol:.2g}",
                         name="hard prompts: P(zero GRPO update) = (1 - p)^G + p^G -> 1",
                         source=_src(f"{SCAF} (abstract: 'models consistently fail, yielding a persistent zero-reward "
                                     f"signal ... this collapses the advantage calculation to zero'); {CRIT} (abstract: "
                                     f"'persistent failures')", "abstract"),
                         stated=f"by exact enumeration of GRPO's groups (TRL defaults ddof = 1, eps = 1e-4) on a 4-arm "
                                f"bandit, the update vanishes with probability (1 - p)^G + p^G, e.g. "
                                f"{(1 - ps[0]) ** Gs[1] + ps[0] ** Gs[1]:.4f} at p = {ps[0]:g}, G = {Gs[1]}")
    subs.append(_sub("the learning cliff: hard prompts give a zero GRPO gradient almost surely",
                     f"{SCAF} (abstract); {CRIT} (abstract)", "holds exactly: P = (1-p)^G + p^G",
                     {"(p, G)": pts, "P(zero update)": z}, "abstract", [c_a]))
    # in expectation: c_G(p) grad p, with c_G largest on the hardest prompts; |grad p| <= p is what vanishes
    G = 8
    cG = [float(B.binary_weight("grpo", p, G, ddof=1, epsilon=1e-4)) for p in ps]
    gnorm = []
    enum = []
    for p in ps:
        th, r = _hard_bandit(float(p))
        g = B.exact_logit_gradient(th, r)
        gnorm.append(float(np.linalg.norm(g)))
        m = B.exact_moments("grpo", th, r, G, ddof=1, epsilon=1e-4)
        enum.append(float(m.mean[0] @ g / (g @ g)))
    c_b = check_identity(np.asarray(enum), np.asarray(cG), rtol=0.0,
                         atol=SAFETY * B.num_count_vectors(4, G) * EPS * max(cG),
                         tol_reason=f"{B.num_count_vectors(4, G)} count vectors x eps x max c_G, x{SAFETY}",
                         name="expected GRPO update on a hard prompt = c_G(p) grad p",
                         source=_src("our derivation (binary-reward reduction)", "inferred"),
                         stated=f"finding (ours): the enumerated E[g_GRPO] projected on grad p equals the weight c_G(p) "
                                f"(G = {G}) at every p in {ps.tolist()}")
    c_c = check_ordering(cG[0], cG[-1], relation=">",
                         name="GRPO weights the hardest prompt most: the cliff is in grad p, not in the normalisation",
                         source=_src(f"our derivation on {SCAF}'s statement", "inferred"),
                         stated=f"finding (ours): c_G(p = {ps[0]:g}) > c_G(p = {ps[-1]:g}) (G = {G}): in expectation GRPO "
                                f"does not make hard prompts invisible relative to REINFORCE (weight 1); its expected "
                                f"update is small because |grad p| <= p ({gnorm[0]:.2g} at p = {ps[0]:g})",
                         left_label=f"c_G({ps[0]:g})", right_label=f"c_G({ps[-1]:g})")
    subs.append(_sub("in expectation: GRPO's update on hard prompts", "our derivation",
                     "c_G(p) grad p; vanishes like |grad p|",
                     {"p": ps.tolist(), "c_G(p), G=8": cG, "|grad p|": gnorm}, "inferred", [c_b, c_c]))
    pgrid = np.concatenate([np.geomspace(1e-3, 0.5, 60), 1 - np.geomspace(0.5, 1e-3, 60)[1:]])
    curves = {"p": pgrid}
    for Gc in (2, 4, 8, 16, 32):
        curves[f"P_zero_G{Gc}"] = B.zero_advantage_probability(pgrid, Gc)
        curves[f"c_G{Gc}"] = B.binary_weight("grpo", pgrid, Gc, ddof=1, epsilon=1e-4)
    points = {"p": np.array([q for q, _ in pts]), "G": np.array([g for _, g in pts], float), "P_zero": np.array(z)}
    return {"name": "zhang2025b-learning-cliff", "subchecks": subs, "curves": curves, "points": points}


def _write_data(config, res, claims):
    from ...plotting import write_csv
    from .._registry import out_path

    return (), (write_csv(out_path(config, "zhang2025b_learning_cliff.csv"), res["curves"]),
                write_csv(out_path(config, "zhang2025b_learning_cliff_points.csv"), res["points"]))


_run = register_check("zhang2025b-learning-cliff", check_learning_cliff,
               "Learning cliff: P(zero GRPO update) = (1-p)^G + p^G on hard prompts; expected update c_G(p) grad p",
               "Zhang et al. 2025, arXiv:2510.19807; Zhang et al. 2025, arXiv:2506.03106",
               papers=("zhang2025b", "zhang2025a"), draw=_write_data)
_run.__citation__ = (CITATION, CITATION_CRITIQUE)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
