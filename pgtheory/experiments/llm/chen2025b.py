r"""Chen et al. (2025b), Self-Evolving Curriculum (SEC): absolute advantage as a learning-gain proxy.

Check ``chen2025b-sec-proxy``: SEC picks problem categories by the mean absolute advantage, "a proxy
measure for immediate learning gain". On softmax bandits (one category = one prompt) the exact
proxy :math:`\mathbb E[\frac1G\sum_i|A_i|]` and the exact expected one-step gain
:math:`\mathbb E[p(\theta+\eta\hat g)]-p(\theta)` of a GRPO step are computed by enumeration, and the
check measures how well the proxy tracks the gain (Spearman rank correlation, regret of the proxy's
choice). The paper states a proxy, not a theorem: there is no claim of exactness to test, so that
claim is inconclusive by design, with the measurements. A finding: with Dr. GRPO's advantage the proxy
is exactly 2 (G-1)/G p (1-p), a function of p alone, while the gain is not. Source: Chen et al. 2025,
arXiv:2505.14970 (abstract). The conventions (claims, provenance tags, rounding tolerances) are those
of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import ClaimResult, check_identity, check_ordering
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_sec_proxy", "CITATION"]

#: The paper (arXiv preprint); what was read: abstract.
CITATION = Citation(key="chen2025self",
                    authors=("Chen, Xiaoyin", "Lu, Jiarui", "Kim, Minsu", "Zhang, Dinghuai", "Tang, Jian",
                             "Pich{\\'e}, Alexandre", "Gontier, Nicolas", "Bengio, Yoshua", "Kamalloo, Ehsan"),
                    title="Self-Evolving Curriculum for LLM Reasoning", venue="", year=2025, arxiv="2505.14970",
                    url="https://arxiv.org/abs/2505.14970", entry_type="misc")

SEC = "Chen et al. 2025, Self-Evolving Curriculum, arXiv:2505.14970"
OPTS = {"ddof": 1, "epsilon": 1e-4}  # GRPO's advantage with TRL's defaults (explicit)


def check_sec_proxy(quick: bool = True) -> dict:
    """Spearman(proxy, exact gain) and regret over random categories; Dr. GRPO proxy = 2 (G-1)/G p (1-p)."""
    import pgtheory.bandits as B
    from scipy.stats import spearmanr  # lazy: scipy.stats, 0.4 s

    subs = []
    rng = np.random.default_rng(24)
    G, K, eta = 8, 5, 0.5
    n_cat = 24 if quick else 120
    proxy, gain, pvals = [], [], []
    while len(proxy) < n_cat:
        th = rng.normal(0, 1.5, K)
        r = (rng.random(K) < rng.uniform(0.1, 0.9)).astype(float)
        if r.sum() in (0, K):
            continue
        proxy.append(B.expected_abs_advantage("grpo", th, r, G, **OPTS))
        gain.append(B.expected_one_step_gain("grpo", th, r, G, eta, **OPTS)["gain"])
        pvals.append(float(B.success_probability(th, r)))
    proxy, gain = np.array(proxy), np.array(gain)
    rho = float(spearmanr(proxy, gain).statistic)
    pick = int(np.argmax(proxy))
    regret = float(gain.max() - gain[pick])
    measured = (f"Spearman(proxy, exact gain) = {rho:.3f} over {n_cat} categories; the proxy's choice has regret "
                f"{regret:.3g} ({regret / gain.max():.1%} of the best gain {gain.max():.3g})")
    c_a = ClaimResult(name="absolute advantage as a proxy for the immediate learning gain", kind="ordering",
                      verdict="inconclusive",
                      reason=f"no claim of exactness to test (the paper states a proxy, not a theorem); measured: "
                             f"{measured}",
                      source=_src(f"{SEC} (abstract: 'we leverage the absolute advantage from policy gradient methods "
                                  f"as a proxy measure for immediate learning gain')", "abstract"),
                      stated=f"E|A| (GRPO, ddof = 1, eps = 1e-4, G = {G}) ranks categories like the exact expected "
                             f"one-step gain of a GRPO step (eta = {eta}, K = {K})", measured=measured)
    subs.append(_sub("absolute advantage tracks the immediate learning gain", f"{SEC} (abstract)",
                     "unclear (proxy, not a theorem): measure rank correlation and regret",
                     {"categories": n_cat, "spearman": rho, "regret": regret, "best gain": float(gain.max()),
                      "eta": eta, "G": G}, "abstract", [c_a]))
    # Dr. GRPO: proxy = 2 (G-1)/G p (1-p) exactly, a function of p only; the gain is not
    lhs, rhs = [], []
    for _ in range(20):
        th = rng.normal(0, 1.5, K)
        r = (rng.random(K) < 0.5).astype(float)
        p = float(B.success_probability(th, r))
        lhs.append(B.expected_abs_advantage("dr_grpo", th, r, G))
        rhs.append(2 * (G - 1) / G * p * (1 - p))
    atol = SAFETY * B.num_count_vectors(K, G) * EPS
    c_b = check_identity(lhs, rhs, rtol=0.0, atol=atol,
                         tol_reason=f"{B.num_count_vectors(K, G)} count vectors x eps, x{SAFETY}: {atol:.2g}",
                         name="Dr. GRPO's mean |A| = 2 (G-1)/G p (1-p)",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours): with Dr. GRPO's advantage and 0/1 rewards the proxy depends on the "
                                "category only through its success probability p (20 random bandits)")
    # two categories with the same p: equal Dr. GRPO proxy, different exact gains
    th1, r1 = np.array([0.0, 0.0, 0.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0, 0.0, 0.0])  # p = 0.4, flat policy
    th2 = np.array([np.log(0.4 * 4 / 0.6), 0.0, 0.0, 0.0, 0.0])  # one correct arm with probability 0.4
    r2 = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    g1 = B.expected_one_step_gain("dr_grpo", th1, r1, G, eta)["gain"]
    g2 = B.expected_one_step_gain("dr_grpo", th2, r2, G, eta)["gain"]
    pr1, pr2 = B.expected_abs_advantage("dr_grpo", th1, r1, G), B.expected_abs_advantage("dr_grpo", th2, r2, G)
    c_c = check_ordering(abs(g1 - g2), atol * eta, relation=">",
                         name="equal proxy, different gains",
                         source=_src(f"our computation on {SEC}'s proxy", "inferred"),
                         stated=f"finding (ours): two categories with p = 0.4 (two correct arms of a flat 5-arm policy; "
                                f"one correct arm of probability 0.4) have the same Dr. GRPO proxy ({pr1:.4g} vs "
                                f"{pr2:.4g}) but exact one-step gains {g1:.4g} and {g2:.4g}",
                         left_label="|gain difference|", right_label="rounding")
    subs.append(_sub("the proxy is a function of p only (Dr. GRPO); the gain is not", "our derivation",
                     "proxy cannot separate categories of equal p",
                     {"proxy (two categories)": [pr1, pr2], "gain (two categories)": [g1, g2]}, "inferred",
                     [c_b, c_c]))
    points = {"proxy": proxy, "gain": gain, "p": np.array(pvals)}
    return {"name": "chen2025b-sec-proxy", "subchecks": subs, "points": points,
            "summary": {"spearman": rho, "regret": regret, "pick": pick}}


def _write_data(config, res, claims):
    from ...plotting import write_csv, write_json
    from .._registry import out_path

    return (), (write_csv(out_path(config, "chen2025b_sec_proxy.csv"), res["points"]),
                write_json(out_path(config, "chen2025b_sec_proxy_summary.json"), res["summary"]))


_run = register_check("chen2025b-sec-proxy", check_sec_proxy,
               "Self-Evolving Curriculum: absolute advantage vs the exact one-step learning gain (proxy, measured)",
               "Chen et al. 2025, arXiv:2505.14970", papers=("chen2025b",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
