r"""Flet-Berliac et al. (EMNLP 2024), Contrastive Policy Gradient (CoPG).

Check ``fletberliac2024-copg`` (formerly ``llm-copg``): CoPG: on-policy 4 beta grad J_beta; off-
policy fixed point = tilt. Source: Flet-Berliac et al. 2024, arXiv:2406.19185. The conventions
(claims, provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_ordering, check_unbiased
from ._common import EPS, _cos, register_check, _rel, _src, _sub, _sum_tol

__all__ = ["check_copg"]


def check_copg(quick: bool = True) -> dict:
    """CoPG: on-policy update = 4 beta grad J_beta; off-policy fixed point = tilt; off-policy gradient not ∝ grad J_beta."""
    import pgtheory.bandits as B
    from scipy.optimize import minimize

    subs = []
    FLET = "Flet-Berliac et al. 2024, CoPG, arXiv:2406.19185 v1"
    K, beta = 5, 0.5
    th = np.array([0.3, -0.6, 1.0, 0.0, -0.2])
    ref = np.array([0.0, 0.4, -0.3, 0.2, 0.1])
    r = np.array([1.0, 0.0, 0.5, 0.2, 0.9])
    pi, pr = B.policy_probs(th), B.policy_probs(ref)
    S = np.eye(K) - pi
    Rb = r - beta * np.log(pi / pr)
    grad_Jb = (pi * Rb) @ S  # grad (E r - beta KL(pi||ref)) = E[R_beta s] (the -beta E[s] term is 0)
    upd = B.copg_expected_update(th, ref, r, beta)
    mag = 4 * beta * float(np.max(np.abs(Rb))) * 2 * 2
    atol, why = _sum_tol(K * K, mag, " (K^2 pairs, 2 beta |dR_beta| ||s - s'||)")
    c_1 = check_unbiased(4 * beta * grad_Jb, mean=upd, exact=True, atol=atol,
                         name="CoPG on-policy: E[-grad loss] = 4 beta grad J_beta",
                         source=_src(f"{FLET} ('generalises PG'), loss read in third-party summaries; the identity: "
                                     "our derivation", "secondary"),
                         stated="on-policy (y, y' ~ pi) the expected CoPG update is 4 beta grad (E r - beta KL(pi||ref)) "
                                f"(K=5, beta=0.5); tolerance: {why}")
    subs.append(_sub("CoPG on-policy: E[-grad loss] = 4 beta grad (E r - beta KL(pi||ref)) (generalises PG)",
                     "Flet-Berliac et al. 2024, CoPG, arXiv:2406.19185 v1 [secondary]", "holds in expectation (factor 4 beta)",
                     {"rel_err": _rel(upd, 4 * beta * grad_Jb)}, "inferred", [c_1]))
    mu = B.policy_probs(np.array([1.0, -1.0, 0.5, 0.0, 2.0]))
    star = B.kl_tilt(pr, r, beta)

    def f(z):
        return B.copg_loss(z, ref, r, beta, mu=mu)

    def g(z):
        return -B.copg_expected_update(z, ref, r, beta, mu=mu)

    res = minimize(f, x0=np.zeros(K), jac=g, method="BFGS", options={"gtol": 1e-12})
    pi_fixed = B.policy_probs(res.x)
    fixed_err = float(np.max(np.abs(pi_fixed - star)))
    c_2 = check_identity(pi_fixed, star, rtol=0.0, atol=10 * np.sqrt(EPS),
                         tol_reason="an argmin found by BFGS is accurate to ~sqrt(eps) (values within eps of a quadratic "
                                    "minimum allow sqrt(eps) in the argument), x10",
                         name="CoPG's off-policy fixed point is the optimal (tilted) policy",
                         source=_src(f"{FLET} (abstract)", "abstract"),
                         stated="CoPG estimates the optimal policy from off-policy data without importance sampling: the "
                                "minimiser of the expected loss under a fixed mu != pi is pi_ref e^{r/beta}/Z (K=5)")
    subs.append(_sub("CoPG estimates the optimal policy from off-policy data without importance sampling",
                     "Flet-Berliac et al. 2024, arXiv:2406.19185 v1 (abstract)", "holds exactly at the fixed point",
                     {"max_abs_err_pi_vs_tilt": fixed_err, "final_loss": float(res.fun)}, "inferred", [c_2]))
    off = B.copg_expected_update(th, ref, r, beta, mu=mu)
    cos_off = _cos(off, grad_Jb)
    c_3 = check_ordering(cos_off, 1.0 - atol / float(np.linalg.norm(off)), relation="<",
                         name="CoPG's off-policy update is not parallel to grad J_beta",
                         source=_src(f"our derivation on {FLET}", "inferred"),
                         stated="finding (ours; CoPG claims the off-policy fixed point, not an off-policy gradient of "
                                "J_beta): at a non-optimal pi the expected off-policy update is not parallel to "
                                "grad J_beta (cosine below 1 minus rounding)",
                         left_label="cos(E update, grad J_beta)", right_label="1 - rounding")
    subs.append(_sub("CoPG off-policy gradient at a non-optimal policy is ∝ grad J_beta",
                     "Flet-Berliac et al. 2024, arXiv:2406.19185 v1", "biased (only the fixed point is right)",
                     {"cos(E update, grad J_beta)": cos_off}, "inferred", [c_3]))
    return {"name": "fletberliac2024-copg", "subchecks": subs}


register_check("fletberliac2024-copg", check_copg,
               "CoPG: on-policy 4 beta grad J_beta; off-policy fixed point = tilt",
               "Flet-Berliac et al. 2024, arXiv:2406.19185",
               papers=("fletberliac2024",), replaces=("llm-copg",))
