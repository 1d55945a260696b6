r"""Han et al. (2025), COPO: consistency-aware policy optimisation (the zero-advantage problem it addresses).

Check ``han2025-zero-signal``: in every all-equal group (all correct or all wrong) the group-relative
advantages of GRPO (TRL's defaults ddof = 1, eps = 1e-4), Dr. GRPO and RLOO are exactly zero, and the
exact probability that a group gives a zero update is p^G + (1 - p)^G with deterministic 0/1 rewards
(larger with Bernoulli rewards, where one response drawn G times with mixed outcomes also cancels).
COPO's remedy -- a global consistency reward and an entropy-based blend -- was read in the abstract
only and has no formula here: no exact form to test. Source: Han et al. 2025, arXiv:2508.04138
(abstract). The conventions (claims, provenance tags, rounding tolerances) are those of
:mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity, check_inequality
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_zero_signal", "CITATION"]

#: The paper (arXiv preprint); what was read: abstract.
CITATION = Citation(key="han2025copo",
                    authors=("Han, Jinghang", "Chen, Jiawei", "Shao, Hang", "Ma, Hao", "Li, Mingcheng", "Shen, Xintian",
                             "Zheng, Lihao", "Chen, Wei", "Wei, Tao", "Zhang, Lihua"),
                    title="COPO: Consistency-Aware Policy Optimization", venue="", year=2025, arxiv="2508.04138",
                    url="https://arxiv.org/abs/2508.04138", entry_type="misc")

HAN = "Han et al. 2025, COPO, arXiv:2508.04138"
ESTIMATORS = (("grpo", {"ddof": 1, "epsilon": 1e-4}), ("dr_grpo", {}), ("rloo", {}))


def check_zero_signal(quick: bool = True) -> dict:
    """All-equal groups have zero advantage (exact); P(zero update) = p^G + (1-p)^G (exact enumeration)."""
    import pgtheory.bandits as B

    subs = []
    rng = np.random.default_rng(23)
    n_inst = 12 if quick else 60
    Gs = (2, 4, 8)
    adv_equal = []
    z_det, z_formula, z_bern, z_bern_formula, labels = [], [], [], [], []
    for i in range(n_inst):
        K = int(rng.integers(2, 5))
        th = rng.normal(0, 1.5, K)
        r = (rng.random(K) < 0.5).astype(float)
        q = rng.uniform(0, 1, K)
        p = float(B.success_probability(th, r))
        pq = float(B.success_probability(th, q))
        G = Gs[i % len(Gs)]
        for name, o in ESTIMATORS:
            law = B.group_law(name, th, r, G, **o)
            A = law.coefficients
            same = np.all(law.rewards == law.rewards[:, :1], axis=1)
            adv_equal.append(float(np.max(np.abs(A[same]), initial=0.0)))
            z_det.append(B.zero_gradient_probability(name, th, r, G, **o))
            z_formula.append(float(B.zero_advantage_probability(p, G)))
            z_bern.append(B.zero_gradient_probability(name, th, q, G, binary=True, **o))
            z_bern_formula.append(float(B.zero_advantage_probability(pq, G)))
            labels.append((name, K, G))
    c_a = check_identity(np.asarray(adv_equal), 0.0, rtol=0.0, atol=0.0,
                         tol_reason="the implementations return exact zeros for all-equal groups (mean = first "
                                    "reward, std = 0 exactly)",
                         name="all-equal groups get zero advantage (GRPO, Dr. GRPO, RLOO)",
                         source=_src(f"{HAN} (abstract: 'when multiple sampled responses under a single prompt "
                                     f"converge to identical outcomes ... the group-based advantage degenerates to "
                                     f"zero')", "abstract"),
                         stated=f"the advantage of every response of every all-equal group is exactly 0 ({n_inst} "
                                f"bandits, K <= 4, G in {Gs}, three estimators, all count vectors)")
    n_max = max(B.num_count_vectors(8, G) for G in Gs)
    atol = SAFETY * n_max * EPS
    c_b = check_identity(np.asarray(z_det), np.asarray(z_formula), rtol=0.0, atol=atol,
                         tol_reason=f"sums of at most {n_max} multinomial probabilities, x{SAFETY}: {atol:.2g}",
                         name="P(zero group update) = p^G + (1 - p)^G (deterministic 0/1 rewards)",
                         source=_src(f"our derivation on {HAN}'s statement", "inferred"),
                         stated="finding (ours): by exact enumeration, the probability that a group's update vanishes "
                                "equals p^G + (1 - p)^G for deterministic 0/1 rewards (mixed groups never cancel)")
    c_c = check_inequality(np.arange(len(z_bern)), np.asarray(z_bern), np.asarray(z_bern_formula), side="lower",
                           rtol=0.0, atol=atol, name="with Bernoulli rewards the zero-update probability is larger",
                           source=_src("our derivation", "inferred"),
                           stated="finding (ours): with Bernoulli rewards P(zero update) >= p^G + (1 - p)^G (a response "
                                  "drawn G times with mixed outcomes also gives a zero update)", variable="instance")
    subs.append(_sub("group-relative advantages vanish when all outcomes agree", f"{HAN} (abstract)",
                     "holds exactly; probability p^G + (1 - p)^G",
                     {"instances": len(labels), "max |A| on all-equal groups": float(np.max(adv_equal)),
                      "max |P(zero) - formula| (deterministic)": float(np.max(np.abs(np.subtract(z_det, z_formula)))),
                      "max excess P(zero) (Bernoulli)": float(np.max(np.subtract(z_bern, z_bern_formula))),
                      "no exact form": "COPO's global consistency reward and entropy blend (abstract only): not tested"},
                     "abstract", [c_a, c_b, c_c]))
    return {"name": "han2025-zero-signal", "subchecks": subs}


_run = register_check("han2025-zero-signal", check_zero_signal,
               "COPO's premise: zero advantage in all-equal groups, with probability p^G + (1-p)^G (exact)",
               "Han et al. 2025, arXiv:2508.04138", papers=("han2025",))
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
