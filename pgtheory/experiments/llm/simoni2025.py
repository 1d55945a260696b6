r"""Simoni, Fontana, Rossolini & Saracino (2025), GTPO: conflict tokens and their protection.

Check ``simoni2025-conflict-tokens``: on a token tree where every correct completion starts with the
same token, exact enumeration of the groups shows that GRPO's update can lower that essential
"conflict" token's probability (GTPO's claim) -- but only with the per-response 1/len(o) token averaging
(TRL's ``loss_type="grpo"``); with a plain token sum it never can, in any group, and the expected GRPO
update is w_G(p) grad p, with no conflict in expectation. GTPO's mask removes the lowering and biases
the expected update away from grad p while keeping it an ascent direction. GTPO's entropy filter and
its amplification factor were not read (abstract only): the filter is not modelled and the factor is an
explicit argument. Source: Simoni et al. 2025, arXiv:2508.03772 (abstract). The conventions (claims,
provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity, check_ordering
from ._common import EPS, SAFETY, _cos, _src, _sub, register_check

__all__ = ["check_conflict_tokens", "CITATION"]

#: The paper (arXiv preprint); what was read: abstract.
CITATION = Citation(key="simoni2025gtpo", authors=("Simoni, Marco", "Fontana, Aleksandar", "Rossolini, Giulio",
                                                   "Saracino, Andrea"),
                    title="GTPO: Trajectory-Based Policy Optimization in Large Language Models", venue="", year=2025,
                    arxiv="2508.03772", url="https://arxiv.org/abs/2508.03772", entry_type="misc")

SIMONI = "Simoni et al. 2025, GTPO, arXiv:2508.03772"

#: Responses: (0, 1, 1, 1) is the only correct one; token 0 at the root is shared with the wrong (0, 2).
RESPONSES = [(0, 1, 1, 1), (0, 2), (3,), (3, 4, 4)]
REWARDS = np.array([1.0, 0.0, 0.0, 0.0])


def _root_shift(tree, logit):
    th = np.zeros(tree.n_params)
    th[tree.offsets[0]] = logit  # root children are (0, 3): the first root logit is token 0's
    return th


def check_conflict_tokens(quick: bool = True) -> dict:
    """P(update lowers the essential token) for GRPO (token sum or 1/len(o) averaging) and GTPO; expected updates vs grad p."""
    import pgtheory.bandits as B

    subs = []
    tree = B.TokenTree(RESPONSES)
    G = 4
    logits = np.linspace(-3.0, 3.0, 9 if quick else 49)
    watch = ((), 0)
    rows = {k: [] for k in ("pi_token", "seq_grpo", "mean_grpo", "mean_gtpo", "seq_gtpo")}
    worst = None
    for x in logits:
        th = _root_shift(tree, float(x))
        rows["pi_token"].append(float(tree.node_probs(th)[0][0]))
        for key, agg, gt in (("seq_grpo", "sequence", False), ("mean_grpo", "token_mean", False),
                             ("mean_gtpo", "token_mean", True), ("seq_gtpo", "sequence", True)):
            out = B.exact_token_update(tree, th, REWARDS, G, watch=watch, aggregation=agg, gtpo=gt, ddof=1, epsilon=0.0)
            rows[key].append(out["p_decrease"])
            if key == "mean_grpo" and out["worst_group"] is not None and (worst is None or out["p_decrease"] > worst[1]):
                worst = ([RESPONSES[i] for i in out["worst_group"]], out["p_decrease"], float(x))
    rows = {k: np.array(v) for k, v in rows.items()}
    c_a = check_ordering(float(rows["mean_grpo"].max()), 0.0, relation=">",
                         name="GRPO can lower an essential token shared with wrong completions (1/|o| averaging)",
                         source=_src(f"{SIMONI} (abstract: 'tokens frequently appear in completions with both positive "
                                     f"and negative rewards, leading to conflicting gradient updates that can reduce "
                                     f"their output probability, even though [they] can be essential')", "abstract"),
                         stated="with TRL's loss_type='grpo' (each response's token sum divided by its length) the "
                                "exact probability that a group's update lowers pi(token 0 | root) to first order is "
                                "positive, though every correct completion uses token 0 (G = 4, ddof = 1, eps = 0)",
                         left_label="max P(lowered)", right_label="0")
    c_b = check_identity(rows["seq_grpo"], 0.0, rtol=0.0, atol=0.0,
                         tol_reason="a probability of a set of count vectors, 0 when the set is empty",
                         name="with a plain token sum GRPO never lowers an essential token",
                         source=_src(f"our derivation and enumeration on {SIMONI}'s setting", "inferred"),
                         stated="finding (ours): summing the token scores of each response (equal weights), no group "
                                f"lowers the essential token, at any of {len(logits)} initial probabilities: the "
                                "conflict needs unequal per-response weights (1/|o|) or parameters shared across "
                                "prefixes")
    subs.append(_sub("GRPO's conflicting updates can reduce the probability of essential (conflict) tokens",
                     f"{SIMONI} (abstract)", "holds with 1/|o| token averaging only (exact enumeration)",
                     {"max P(lowered), 1/|o|": float(rows["mean_grpo"].max()),
                      "max P(lowered), token sum": float(rows["seq_grpo"].max()),
                      "counterexample group (1/|o|)": None if worst is None else {"group": worst[0],
                                                                                  "P(lowered)": worst[1],
                                                                                  "root logit of token 0": worst[2]},
                      "G": G, "n_groups": int(B.num_count_vectors(tree.R, G))}, "abstract", [c_a, c_b]))
    # expectations at one policy: GRPO (sum) = w_G grad p; GTPO's mask: no lowering, biased, still ascent
    th = _root_shift(tree, -1.0)
    p = float(tree.probs(th) @ REWARDS)
    e_g = B.exact_token_update(tree, th, REWARDS, G, watch=watch, aggregation="sequence", ddof=1, epsilon=0.0)
    e_m = B.exact_token_update(tree, th, REWARDS, G, watch=watch, aggregation="token_mean", gtpo=True, ddof=1,
                               epsilon=0.0)
    w = float(B.binary_weight("grpo", p, G, ddof=1, epsilon=0.0))
    mag = float(np.max(np.abs(e_g["mean"]))) + 1.0
    atol = SAFETY * e_g["n_groups"] * G * 4 * EPS * mag
    c_c = check_identity(e_g["mean"], w * e_g["grad_p"], rtol=0.0, atol=atol,
                         tol_reason=f"{e_g['n_groups']} groups x G x path length 4 summed terms x eps x {mag:.3g}, "
                                    f"x{SAFETY}: {atol:.2g}",
                         name="GRPO's expected token update is w_G(p) grad p (no conflict in expectation)",
                         source=_src("our derivation (binary-reward reduction on a token tree)", "inferred"),
                         stated=f"finding (ours): with binary rewards and one prompt, E[update] = w_G(p) grad p on the "
                                f"token tree (token sum, p = {p:.3g}, w_G = {w:.4g})")
    cos = _cos(e_m["mean"], e_m["grad_p"])
    c_d = check_ordering(cos, 1.0 - atol / float(np.linalg.norm(e_m["mean"])), relation="<",
                         name="GTPO's masked update is not parallel to grad p",
                         source=_src(f"our computation on {SIMONI}'s mask", "inferred"),
                         stated="finding (ours): with the conflict mask (1/|o| averaging, positive_scale = 1) the "
                                "expected update is biased in direction (cosine with grad p below 1 minus rounding)",
                         left_label="cos(E update, grad p)", right_label="1 - rounding")
    c_e = check_ordering(float(e_m["mean"] @ e_m["grad_p"]), 0.0, relation=">",
                         name="GTPO's masked update is still an ascent direction",
                         source=_src(f"our computation on {SIMONI}'s mask", "inferred"),
                         stated="finding (ours): <E[update_GTPO], grad p> > 0", left_label="<E update, grad p>",
                         right_label="0")
    subs.append(_sub("GTPO's protection of conflict tokens (expected update)", f"{SIMONI} (abstract); our computation",
                     "mask removes lowering; biased w.r.t. grad p",
                     {"p": p, "w_G(p)": w, "cos(E GTPO, grad p)": cos, "P(lowered) GTPO (1/|o|)": e_m["p_decrease"],
                      "not modelled": "the entropy filter ('provable threshold') and the amplification factor: not read"},
                     "inferred", [c_c, c_d, c_e]))
    return {"name": "simoni2025-conflict-tokens", "subchecks": subs, "curves": rows}


def _write_data(config, res, claims):
    from ...plotting import write_csv
    from .._registry import out_path

    return (), (write_csv(out_path(config, "simoni2025_conflict_tokens.csv"), res["curves"]),)


_run = register_check("simoni2025-conflict-tokens", check_conflict_tokens,
               "GTPO: GRPO lowers essential conflict tokens only under 1/|o| averaging; the mask biases the update",
               "Simoni et al. 2025, arXiv:2508.03772", papers=("simoni2025",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
