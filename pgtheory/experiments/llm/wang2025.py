r"""Wang et al. (2025), EMPG: entropy-modulated policy gradients.

Check ``wang2025-empg-renyi`` (formerly ``llm-empg-renyi``): EMPG Prop. 1: E||score||^2 = 1 -
exp(-H_2). Source: Wang et al. 2025, arXiv:2509.09265. The conventions (claims, provenance tags,
rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity
from ._common import register_check, _src, _sub, _sum_tol

__all__ = ["check_empg"]


def check_empg(quick: bool = True) -> dict:
    """E||grad log pi||^2 = 1 - exp(-H_2(pi))."""
    import pgtheory.bandits as B

    rng = np.random.default_rng(4)
    worst = 0.0
    lhs_all, rhs_all = [], []
    for i in range(300):
        K = int(rng.integers(2, 9))
        th = rng.normal(size=K) * (30 if i % 3 == 0 else 3)
        pi = B.policy_probs(th)
        lhs = float(pi @ B.score_norm_sq(th))
        rhs = float(1 - np.sum(pi ** 2))
        worst = max(worst, abs(lhs - rhs))
        lhs_all.append(lhs)
        rhs_all.append(rhs)
    atol, why = _sum_tol(8, 2.0, " (K <= 8 arms, ||score||^2 <= 2)")
    c = check_identity(lhs_all, rhs_all, rtol=0.0, atol=atol, tol_reason=why,
                       name="E||grad log pi||^2 = 1 - exp(-H_2(pi)) (Prop. 1)",
                       source=_src("Wang et al. 2025, EMPG, arXiv:2509.09265 v1, Prop. 1, read in a third-party summary",
                                   "secondary"),
                       stated="the expected squared score norm of a softmax policy is 1 - exp(-H_2(pi)), a monotone "
                              "function of the Rényi-2 entropy (300 instances, K in 2..8, logits up to ±30 x N(0,1))")
    sub = _sub("expected squared score norm is a monotone function of the Rényi-2 entropy (Prop. 1)",
               "Wang et al. 2025, EMPG, arXiv:2509.09265 v1, Prop. 1 [secondary summary]",
               "holds exactly: 1 - exp(-H_2)", {"max_abs_err_300_instances(incl. ±30 logits)": worst},
               "secondary", [c])
    return {"name": "wang2025-empg-renyi", "subchecks": [sub]}


register_check("wang2025-empg-renyi", check_empg,
               "EMPG Prop. 1: E||score||^2 = 1 - exp(-H_2)",
               "Wang et al. 2025, arXiv:2509.09265",
               papers=("wang2025",), replaces=("llm-empg-renyi",))
