r"""P3O and equivalent rewards (Wu et al. 2023, arXiv:2310.00212), exactly on a two-prompt bandit.

``wu2023-reward-invariance``
    Equivalent rewards :math:`r'(x,y)=r(x,y)+\delta(x)` carry the same preferences. P3O's abstract:
    P3O "is invariant to equivalent rewards"; PPO "is not ... due to the need to calibrate the
    reward scale". Exactly (count-vector enumeration, joint over the prompts where a statistic
    couples them):

    * the pairwise policy gradient :math:`\frac12(r_1-r_2)(s_1-s_2)` (recalled form; disjoint pairs
      and all pairs) is invariant sample by sample, and its all-pairs average is RLOO;
    * reward whitening over the batch (PPO-style scale calibration) and TRL's GRPO with
      ``scale_rewards="batch"`` change the *expected* update under a per-prompt shift;
    * REINFORCE without a baseline keeps its expectation but its variance grows with the shift;
    * the KL-regularised optimum :math:`\pi^\star\propto\pi_{ref}e^{r/\beta}` is invariant.

Provenance: abstract [A]; the pairwise gradient recalled from the authors' blog post [R]; the
exact computations are ours [I]. P3O's clipped objectives were not read.
"""

from __future__ import annotations

import numpy as np

from ...bounds.catalog.wu2023 import WU2023 as CITATION
from .._registry import get
from ._common import EPS, register_check, SAFETY, _rel, _rms, _src, _sub, _sum_tol
from ._data import write_data

__all__ = ["CITATION", "check_reward_invariance"]

KEY = "wu2023"
SOURCE = "Wu et al. 2023, Pairwise Proximal Policy Optimization (P3O), arXiv:2310.00212"
ABS = f"{SOURCE} (abstract)"
BLOG = "the pairwise policy gradient as recalled from the authors' BAIR blog post"


def _instance():
    th = np.array([[0.3, -0.1, 0.0], [0.0, 0.5, -0.5]])
    r = np.array([[1.0, 0.0, 0.5], [0.2, 0.8, 0.0]])
    return th, r


def check_reward_invariance(quick: bool = True) -> dict:
    """Pairwise gradients invariant sample by sample; batch whitening not invariant in expectation; REINFORCE variance."""
    import pgtheory.bandits as B
    from ...ratecheck import check_identity, check_ordering, check_unbiased

    subs = []
    th, r = _instance()
    M, K = th.shape
    deltas = np.array([0.5, 1.0, 2.0, 5.0]) if quick else np.array([0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0])
    # (1) pairwise gradients: invariant sample by sample; all pairs = RLOO
    G = 4
    _, reps = B.count_vectors(K, G)
    a = np.stack([reps, reps], axis=1)  # every group of each prompt (the same count vectors for both)
    rr = r[np.arange(M)[None, :, None], a]
    diffs, rloo_diff = [], []
    for pairs in ("disjoint", "all"):
        g0 = B.pairwise_gradient(th, a, rr, pairs=pairs)
        for d in deltas:
            shifted = rr + np.array([0.0, d])[None, :, None]
            diffs.append(np.abs(B.pairwise_gradient(th, a, shifted, pairs=pairs) - g0).ravel())
        if pairs == "all":
            rloo_diff = np.abs(g0 - B.make_estimator("rloo")(th, a, rr)).ravel()
    tol = SAFETY * G * EPS * (deltas.max() + np.abs(r).max())
    c_1 = check_identity(np.concatenate(diffs), 0.0, rtol=0.0, atol=tol,
                         tol_reason="G x eps x (max shift + max reward) x8: the rounding of (r_i + d) - (r_j + d)",
                         name="pairwise policy gradient is invariant to r + delta(x), sample by sample",
                         source=_src(f"{ABS}; {BLOG}", "recalled"),
                         stated="P3O is invariant to equivalent rewards: the pairwise gradient (1/2)(r_1 - r_2)(s_1 - s_2) "
                                "averaged over disjoint pairs or all pairs of a group is unchanged on every group "
                                f"(K=3, G=4, 2 prompts) when one prompt's rewards are shifted by delta in {deltas.tolist()}")
    c_2 = check_identity(rloo_diff, 0.0, rtol=0.0, atol=SAFETY * G * G * EPS * np.abs(r).max(),
                         tol_reason="G^2 pair terms x eps x max reward x8",
                         name="all-pairs pairwise gradient = RLOO, sample by sample",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours): (1/(G(G-1))) sum_{i != j} (r_i - r_j) s_i = (1/G) sum_i (r_i - mean of "
                                "the others) s_i, so the all-pairs pairwise gradient is the RLOO estimator (exactly "
                                "unbiased; G = 2 is P3O's single pair)")
    subs.append(_sub("P3O's pairwise gradient is invariant to equivalent rewards; all pairs = RLOO", f"{ABS}; {BLOG}",
                     "holds exactly, sample by sample",
                     {"groups_per_prompt": int(reps.shape[0]), "G": G, "shifts": deltas.tolist(),
                      "max_abs_change": float(np.max(np.concatenate(diffs))), "max_abs_diff_vs_rloo": float(rloo_diff.max())},
                     "recalled", [c_1, c_2]))
    # (2) batch whitening and GRPO batch scaling: the expected update changes
    Gw = 2 if quick else 3
    rel_w, rel_g, lim_w, lim_g = [], [], [], []
    whiten = B.make_whitened_estimator(ddof=0, epsilon=0.0)
    grpo_b = B.make_estimator("grpo", scale_rewards="batch", ddof=1, epsilon=1e-4)
    e0w, e0g = B.exact_moments(whiten, th, r, Gw), B.exact_moments(grpo_b, th, r, Gw)
    for d in deltas:
        rs = B.shift_rewards(r, [0.0, d])
        ew, eg = B.exact_moments(whiten, th, rs, Gw), B.exact_moments(grpo_b, th, rs, Gw)
        rel_w.append(_rel(ew.mean, e0w.mean))
        rel_g.append(_rel(eg.mean, e0g.mean))
        lim_w.append(2 * _sum_tol(ew.n_groups, _rms(ew) + _rms(e0w))[0] / float(np.linalg.norm(e0w.mean)))
        lim_g.append(2 * _sum_tol(eg.n_groups, _rms(eg) + _rms(e0g))[0] / float(np.linalg.norm(e0g.mean)))
    c_3 = check_ordering(rel_w + rel_g, lim_w + lim_g, relation=">",
                         name="batch-level reward scaling is not invariant to r + delta(x) in expectation",
                         source=_src(f"{ABS} ('PPO is not invariant ... due to the need to calibrate the reward "
                                     "scale'); the batch-whitening instance is ours", "abstract"),
                         stated="PPO-style reward calibration is not invariant to equivalent rewards: with advantages "
                                "whitened over the whole batch (mean and std of all rewards of the 2 prompts) and with "
                                "TRL's GRPO scale_rewards='batch', the exact expected update changes (relative change "
                                f"above rounding) when one prompt's rewards are shifted by delta in {deltas.tolist()} "
                                f"(K=3, G={Gw}, joint enumeration)",
                         left_label="relative change of E[g]", right_label="rounding tolerance")
    subs.append(_sub("PPO-style batch reward scaling is not invariant to equivalent rewards", ABS,
                     "expected update changes", {"relative_change_whitened": dict(zip(map(float, deltas), rel_w)),
                                                 "relative_change_grpo_batch": dict(zip(map(float, deltas), rel_g)),
                                                 "joint_count_vectors": int(e0w.n_groups), "G": Gw},
                     "abstract", [c_3]))
    # (3) REINFORCE without baseline: same mean, larger variance
    G3 = 3
    m0 = B.exact_moments("reinforce", th, r, G3)
    means, var_rf, var_rloo, mags = [], [], [], []
    for d in deltas:
        rs = B.shift_rewards(r, [d, d])
        md = B.exact_moments("reinforce", th, rs, G3)
        means.append(md.mean)
        mags.append(_rms(md))
        var_rf.append(md.trace_variance)
        var_rloo.append(B.exact_moments("rloo", th, rs, G3).trace_variance)
    atol, why = _sum_tol(m0.n_groups, max(mags))
    c_4 = check_unbiased(np.concatenate([m0.mean] * len(deltas)), mean=np.concatenate(means), exact=True, atol=atol,
                         tol_reason=why, target_label="the unshifted expectation",
                         name="REINFORCE without baseline: same expected update under r + delta",
                         source=_src("our derivation (E[s] = 0)", "inferred"),
                         stated="finding (ours): REINFORCE with no baseline is invariant to equivalent rewards only in "
                                "expectation: E[delta s] = 0")
    c_5 = check_ordering(var_rf, m0.trace_variance, relation=">", tol=_sum_tol(m0.n_groups, max(mags) ** 2)[0],
                         name="REINFORCE without baseline: variance grows with the shift",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours): its total variance grows with the shift (tr Var = "
                                f"{', '.join(f'{v:.3g}' for v in var_rf)} for delta = {deltas.tolist()}, against "
                                f"{m0.trace_variance:.3g} unshifted); the pairwise/RLOO variance does not change",
                         left_label="tr Var (shifted)", right_label="tr Var (unshifted)")
    subs.append(_sub("REINFORCE is invariant only in expectation; its variance grows", "our derivation",
                     "same mean, larger variance", {"tr_var_reinforce": dict(zip(map(float, deltas), var_rf)),
                                                    "tr_var_rloo": dict(zip(map(float, deltas), var_rloo)),
                                                    "tr_var_unshifted": m0.trace_variance},
                     "inferred", [c_4, c_5]))
    # (4) the KL-regularised optimum
    ref = np.array([0.2, -0.4, 0.1])
    stars = [B.kl_tilt(B.policy_probs(ref), r[1] + d, 0.3) for d in deltas]
    base = B.kl_tilt(B.policy_probs(ref), r[1], 0.3)
    c_6 = check_identity(np.concatenate(stars), np.concatenate([base] * len(deltas)), rtol=0.0,
                         atol=SAFETY * 4 * EPS * (1 + max(deltas) / 0.3),
                         tol_reason="softmax of logits of size <= 1 + delta/beta: 4 flops x eps x that size x8",
                         name="the KL-regularised optimum is invariant to r + delta(x)",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours): pi* proportional to pi_ref exp(r/beta) is unchanged by a per-prompt "
                                "shift (beta = 0.3): the target every method aims at is invariant, only estimators differ")
    subs.append(_sub("the KL-regularised optimum is invariant", "our derivation", "holds exactly",
                     {"max_abs_diff": float(np.max(np.abs(np.concatenate(stars) - np.concatenate([base] * len(deltas)))))},
                     "inferred", [c_6]))
    data = {"wu2023-reward-invariance_shift.csv": {"delta": deltas, "rel_change_whitened": rel_w,
                                                   "rel_change_grpo_batch": rel_g,
                                                   "max_change_pairwise": [float(np.max(d_)) for d_ in
                                                                           diffs[len(deltas):]],
                                                   "tr_var_reinforce": var_rf, "tr_var_rloo": var_rloo},
            "wu2023-reward-invariance_base.json": {"tr_var_unshifted": m0.trace_variance, "K": K, "G_whitened": Gw,
                                                   "G_reinforce": G3}}
    return {"name": "wu2023-reward-invariance", "subchecks": subs, "data": data}


register_check("wu2023-reward-invariance", check_reward_invariance,
               "P3O: pairwise gradients are invariant to equivalent rewards; batch reward scaling is not",
               SOURCE, papers=(KEY,), draw=write_data)

for _name in ('wu2023-reward-invariance',):  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
    get(_name).run.__citation__ = (CITATION,)
