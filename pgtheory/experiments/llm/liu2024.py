r"""Liu et al. (2024), RPO: "Your SFT loss is implicitly an adversarial regularizer".

Check ``liu2024-rpo``: on a tabular 4-response bandit with pairwise preference data, the policy that
maximises the value against an adversarially chosen Bradley–Terry reward (the theoretical maximin
algorithm, solved directly as nested convex programs) equals the minimiser of DPO + eta beta x SFT on
the baseline distribution, with equal optimal values up to the constant eta beta E_base log pi_ref, for
several eta; the adversarial reward at the saddle point is the DPO reward beta log(pi/pi_ref). Source:
Liu et al. 2024, NeurIPS 2024, arXiv:2405.16436 (abstract; RPO = DPO + SFT as in TRL's paper index);
the theorems and Algorithm 1 were not read, the equivalence's algebra is our derivation. The
conventions (claims, provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity
from ._common import EPS, _src, _sub, register_check

__all__ = ["check_rpo", "CITATION"]

#: The paper (NeurIPS 2024); what was read: abstract and TRL's paper index.
CITATION = Citation(key="liu2024provably",
                    authors=("Liu, Zhihan", "Lu, Miao", "Zhang, Shenao", "Liu, Boyi", "Guo, Hongyi", "Yang, Yingxiang",
                             "Blanchet, Jose", "Wang, Zhaoran"),
                    title="Provably Mitigating Overoptimization in RLHF: Your SFT Loss is Implicitly an Adversarial "
                          "Regularizer",
                    venue="Advances in Neural Information Processing Systems (NeurIPS)", year=2024, arxiv="2405.16436",
                    url="https://arxiv.org/abs/2405.16436", entry_type="inproceedings")

LIU = "Liu et al. 2024, RPO, arXiv:2405.16436"

#: Bound R of the adversary's reward class ||r||_inf <= R (inactive at the saddle; reported).
REWARD_BOUND = 50.0


def check_rpo(quick: bool = True) -> dict:
    """Maximin over (policy, adversarial reward) vs DPO + eta beta SFT, for several eta."""
    import pgtheory.bandits as B

    rng = np.random.default_rng(22)
    K = 4
    N = rng.integers(1, 6, size=(K, K)).astype(float)
    np.fill_diagonal(N, 0.0)
    ref = rng.normal(size=K)
    base = B.policy_probs(rng.normal(size=K))
    beta = 0.3
    etas = (0.25, 1.0, 4.0) if quick else (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
    pol_a, pol_b, val_a, val_b, rew_a, rew_b, gmax, rmax = [], [], [], [], [], [], 0.0, 0.0
    for eta in etas:
        a = B.rpo_minimizer(ref, N, base, beta, eta)
        b = B.rpo_maximin(ref, N, base, beta, eta, reward_bound=REWARD_BOUND)
        pol_a.append(a.policy)
        pol_b.append(b.policy)
        val_a.append(a.value + eta * beta * float(base @ np.log(B.policy_probs(ref))))
        val_b.append(b.value)
        rew_a.append(a.reward)
        rew_b.append(b.reward - b.reward.mean())
        gmax = max(gmax, a.grad_norm, b.grad_norm)
        rmax = max(rmax, float(np.max(np.abs(b.reward))))
    tol = 100 * np.sqrt(EPS)
    why = ("optima found by BFGS (outer) and damped Newton (inner; L-BFGS-B if it leaves the box) are accurate to "
           f"~sqrt(eps) in the argument, x100 (final gradient norms <= {gmax:.1g})")
    c_a = check_identity(np.concatenate(pol_b), np.concatenate(pol_a), rtol=0.0, atol=tol, tol_reason=why,
                         name="maximin policy = argmin of DPO + eta beta SFT",
                         source=_src(f"{LIU} (abstract: 'an equivalent but surprisingly easy-to-implement "
                                     f"reformulation ... fuses the DPO loss with the SFT loss')", "abstract"),
                         stated=f"the policy maximising min_r [L_D(r) + eta (E_pi r - E_base r - beta KL(pi||ref))] "
                                f"equals the minimiser of DPO_beta + eta beta NLL_base, for eta in {etas} (K = {K}, "
                                f"beta = {beta}, all pairs compared; reward class ||r||_inf <= {REWARD_BOUND:g}, inactive: "
                                f"max |r*| = {rmax:.3g})")
    c_b = check_identity(val_b, val_a, rtol=0.0, atol=tol * max(1.0, float(np.max(np.abs(val_a)))), tol_reason=why,
                         name="maximin value = RPO optimum + eta beta E_base log pi_ref",
                         source=_src(f"our derivation of the equivalence in {LIU}", "inferred"),
                         stated="finding (ours): the two optimal values differ exactly by the constant eta beta E_base "
                                "log pi_ref (the SFT weight is eta beta)")
    c_c = check_identity(np.concatenate(rew_b), np.concatenate(rew_a), rtol=0.0, atol=tol * 10, tol_reason=why + ", x10 "
                         "for the inner problem's flat direction",
                         name="adversarial reward at the saddle = beta log(pi/pi_ref) + const",
                         source=_src(f"our derivation (DPO reparametrisation) on {LIU}", "inferred"),
                         stated="finding (ours): the adversary's reward at the saddle point is the DPO implicit reward "
                                "of the RPO solution, up to a constant")
    sub = _sub("maximin against an adversarial reward is equivalent to DPO + SFT on the baseline",
               f"{LIU} (abstract); TRL paper index [docs]", "holds exactly (our derivation; Algorithm 1 unread)",
               {"eta": list(etas), "beta": beta, "max |policy diff|": float(np.max(np.abs(np.subtract(pol_a, pol_b)))),
                "max |value diff|": float(np.max(np.abs(np.subtract(val_a, val_b)))), "max |r*| (box 50)": rmax,
                "note": "the unconstrained adversary is unbounded for large eta |pi - base| (L_D grows only linearly in "
                        "reward differences), so the max-min needs a bounded reward class; it is inactive at the saddle"},
               "abstract", [c_a, c_b, c_c])
    curves = {"eta": np.array(etas, float)}
    for y in range(K):
        curves[f"rpo_pi{y}"] = np.array([p[y] for p in pol_a])
        curves[f"maximin_pi{y}"] = np.array([p[y] for p in pol_b])
    return {"name": "liu2024-rpo", "subchecks": [sub], "curves": curves}


def _write_data(config, res, claims):
    from ...plotting import write_csv
    from .._registry import out_path

    return (), (write_csv(out_path(config, "liu2024_rpo.csv"), res["curves"]),)


_run = register_check("liu2024-rpo", check_rpo,
               "RPO: maximin against an adversarial reward = DPO + eta beta SFT (tabular, solved both ways)",
               "Liu et al. 2024, arXiv:2405.16436", papers=("liu2024",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
