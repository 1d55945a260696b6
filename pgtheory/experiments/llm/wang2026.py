r"""D³S sample-level selection (Wang et al., ICLR 2026; arXiv:2509.22115 v1), exactly on a bandit.

``wang2026-variance-selection``
    D³S keeps, in each group, the ``m`` rollouts that maximise the variance of the advantages and
    says this selection "is positively correlated with the upper bound of the policy gradient
    norm, yielding higher policy gradients" (abstract; the theorem was not read). Exactly, by
    enumerating every group (count vectors) and every ``m``-subset of it:

    * the Cauchy–Schwarz bound :math:`\|\hat g_S\|\le\sqrt{\overline{A^2}_S}\sqrt{\overline{\|s\|^2}_S}`
      (our reconstruction of "the upper bound") holds on every subset, and its rank correlation
      with :math:`\mathrm{Var}_S(A)` across the subsets of a group is positive;
    * the max-variance subset has a larger expected update norm than a uniformly random subset
      ("yielding higher policy gradients");
    * as a proxy for the actual norm (no claim of exactness to test): rank correlation of
      :math:`\mathrm{Var}_S(A)` with :math:`\|\hat g_S\|` and the regret of the selected subset;
    * the expected selected update is a positive multiple of :math:`\nabla p` with binary rewards
      (the selection depends on the rewards only) but not parallel to :math:`\nabla J` with graded
      rewards (our finding: the selection biases the direction).

Provenance: abstract [A]; the bound and every exact computation are ours [I].
"""

from __future__ import annotations

import math

import numpy as np

from ...bounds.catalog.wang2026 import WANG2026 as CITATION
from .._registry import get
from ._common import EPS, register_check, SAFETY, _cos, _src, _sub, _sum_tol
from ._data import write_data

__all__ = ["CITATION", "check_variance_selection", "subset_statistics"]

KEY = "wang2026"
SOURCE = "Wang et al. 2026, D3S (Learning More with Less), ICLR 2026, arXiv:2509.22115 v1"
ABS = f"{SOURCE} (abstract)"
GRPO = {"ddof": 1, "epsilon": 1e-6}


def subset_statistics(law, m: int) -> dict:
    """Per group (count vector) and per ``m``-subset: Var_S(A), ||g_S||, the Cauchy-Schwarz bound, the max-Var mask.

    Parameters
    ----------
    law : pgtheory.bandits.GroupLaw
        The GRPO group law (its coefficients are the advantages).
    m : int

    Returns
    -------
    dict
        ``var``, ``norm``, ``bound`` of shape (N, C(G, m)), ``best`` (bool, same shape), ``mean_selected``
        (shape (K,)): :math:`\\mathbb E[\\hat g_{S^*}]` with ties averaged.
    """
    import pgtheory.bandits as B

    A = law.coefficients
    pi = B.policy_probs(law.logits)
    scores = np.eye(pi.size)[law.arms] - pi  # (N, G, K)
    best, _, sub = B.max_variance_subsets(A, m)
    var, _ = B.subset_variances(A, m)
    norm, bound = B.subset_norm_bound(A[:, sub], scores[:, sub])
    g = np.einsum("ncm,ncmk->nck", A[:, sub], scores[:, sub]) / m
    w = best / best.sum(axis=1, keepdims=True)
    selected = np.einsum("nc,nck->nk", w, g)
    return {"var": var, "norm": norm, "bound": bound, "best": best, "g": g, "mean_selected": law.expectation(selected),
            "n_subsets": sub.shape[0]}


def _rank_corr(x, y, weights):
    """Probability-weighted mean over groups of the Spearman correlation across subsets (groups with ties only skipped)."""
    from scipy.stats import rankdata  # lazy: scipy.stats, 0.4 s

    rx, ry = rankdata(x, axis=1), rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx ** 2).sum(1) * (ry ** 2).sum(1))
    ok = den > 0
    rho = np.where(ok, (rx * ry).sum(1) / np.where(ok, den, 1.0), 0.0)
    return float((weights[ok] * rho[ok]).sum() / weights[ok].sum()), float(weights[ok].sum())


def check_variance_selection(quick: bool = True) -> dict:
    """D3S: the bound holds and tracks Var(A); selection raises E||g||; proxy quality; direction bias."""
    import pgtheory.bandits as B
    from ...ratecheck import check_identity, check_inequality, check_ordering

    subs = []
    th = np.array([0.4, -0.2, 0.8, 0.0])
    graded = np.array([1.0, 0.3, 0.6, 0.0])  # partial credit
    G = 6 if quick else 8
    ms = list(range(2, G))
    law = B.group_law("grpo", th, graded, G, **GRPO)
    stats = {m: subset_statistics(law, m) for m in ms}
    # (1) the Cauchy-Schwarz bound holds on every subset; its rank correlation with Var_S(A)
    norms = np.concatenate([s["norm"].ravel() for s in stats.values()])
    bounds = np.concatenate([s["bound"].ravel() for s in stats.values()])
    mag = float(np.max(np.abs(law.coefficients))) * 2.0
    c_1 = check_inequality(np.arange(norms.size), norms, bounds, side="upper", rtol=SAFETY * G * EPS,
                           atol=SAFETY * G * EPS * mag, stochastic=False, variable="(group, subset) index",
                           name="Cauchy-Schwarz bound on ||g_S|| holds on every subset",
                           source=_src("our reconstruction of the bound in the abstract", "inferred"),
                           stated=f"||(1/m) sum_S A_i s_i|| <= sqrt(mean_S A^2) sqrt(mean_S ||s||^2) on every m-subset "
                                  f"(m = 2..{G - 1}) of every group of G = {G} (GRPO advantages, K = 4, graded rewards)")
    rho_bound = {m: _rank_corr(s["var"], s["bound"], law.probs)[0] for m, s in stats.items()}
    c_2 = check_ordering(list(rho_bound.values()), 0.0, relation=">",
                         name="Var_S(A) is positively rank-correlated with the norm bound",
                         source=_src(f"{ABS}; the bound: our reconstruction", "abstract"),
                         stated="the Var(A)-maximising selection is positively correlated with the upper bound of the "
                                "policy-gradient norm: the probability-weighted mean Spearman correlation across the "
                                "subsets of a group between Var_S(A) and the Cauchy-Schwarz bound is > 0 for every m",
                         left_label="mean Spearman(Var_S(A), bound)", right_label="0")
    subs.append(_sub("the Var(A) selection is positively correlated with an upper bound of the gradient norm", ABS,
                     "holds for a Cauchy-Schwarz bound", {"spearman_var_vs_bound_by_m": rho_bound,
                                                          "subsets_checked": int(norms.size)},
                     "abstract", [c_1, c_2]))
    # (2) the selected subset's expected norm vs a random subset's; proxy quality for the actual norm
    sel, rnd, rho_norm, hit, regret = {}, {}, {}, {}, {}
    for m, s in stats.items():
        w = s["best"] / s["best"].sum(axis=1, keepdims=True)
        sel[m] = float(law.expectation((w * s["norm"]).sum(1)))
        rnd[m] = float(law.expectation(s["norm"].mean(1)))
        rho_norm[m] = _rank_corr(s["var"], s["norm"], law.probs)[0]
        top = s["norm"].max(axis=1)
        chosen = (w * s["norm"]).sum(1)
        hit[m] = float(law.expectation(np.all(~s["best"] | (s["norm"] >= top[:, None] * (1 - 1e-12)), axis=1)))
        regret[m] = float(law.expectation(np.where(top > 0, (top - chosen) / np.where(top > 0, top, 1.0), 0.0)))
    tol = _sum_tol(law.n_groups * math.comb(G, G // 2), mag)[0]
    c_3 = check_ordering([sel[m] for m in ms], [rnd[m] for m in ms], relation=">", tol=tol,
                         name="the max-Var(A) subset has a larger expected update norm than a random subset",
                         source=_src(f"{ABS} ('yielding higher policy gradients')", "abstract"),
                         stated="E||g_S*|| for the max-variance m-subset exceeds E||g_S|| for a uniformly random "
                                f"m-subset, for every m = 2..{G - 1} (exact over groups and subsets)",
                         left_label="E||g_S*||", right_label="E||g_S|| (random S)")
    c_4 = check_ordering(max(regret.values()), tol, relation=">",
                         name="Var(A) is a proxy for the update norm: the selection misses the largest norm",
                         source=_src("our measurement", "inferred"),
                         stated="finding (ours; no claim of exactness to test): the max-variance subset is not always "
                                "the subset of largest ||g_S|| -- expected relative regret "
                                f"{', '.join(f'm={m}: {regret[m]:.3g}' for m in ms)}; mean Spearman(Var_S(A), ||g_S||) "
                                f"{', '.join(f'm={m}: {rho_norm[m]:.3f}' for m in ms)}",
                         left_label="largest expected relative regret over m", right_label="rounding tolerance")
    subs.append(_sub("the Var(A) selection yields higher policy gradients (and how well Var(A) tracks the norm)", ABS,
                     "higher than random; a good, not exact, proxy",
                     {"E_norm_selected": sel, "E_norm_random": rnd, "spearman_var_vs_norm_by_m": rho_norm,
                      "P(selected attains the largest norm)": hit, "expected_relative_regret": regret},
                     "abstract", [c_3, c_4]))
    # (3) direction of the expected selected update
    gJ = B.exact_logit_gradient(th, graded)
    cos = {m: _cos(s["mean_selected"], gJ) for m, s in stats.items()}
    lim = [1.0 - 2 * tol / float(np.linalg.norm(stats[m]["mean_selected"])) for m in ms]
    c_5 = check_ordering([cos[m] for m in ms], lim, relation="<",
                         name="graded rewards: the selected update is not parallel to grad J",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours; D3S makes no unbiasedness claim): with graded rewards the expected "
                                "update on the max-variance subset is not a positive multiple of grad J for any m "
                                "(cosine below 1 minus rounding)",
                         left_label="cos(E g_S*, grad J)", right_label="1 - rounding")
    pb = 0.35
    thb = np.log([pb / 2, pb / 2, (1 - pb) / 2, (1 - pb) / 2])
    rb = np.array([1.0, 1.0, 0.0, 0.0])
    gp = B.exact_logit_gradient(thb, rb)
    est = B.make_d3s_estimator(G // 2, **GRPO)
    mb = B.exact_moments(est, thb, rb, G)
    wb = float(mb.mean[0] @ gp / (gp @ gp))
    atol, why = _sum_tol(mb.n_groups, float(np.sqrt(mb.trace_variance + np.sum(mb.mean ** 2))) * G)
    c_6 = check_identity(mb.mean[0], wb * gp, rtol=0.0, atol=atol, tol_reason=why,
                         name="binary rewards: the selected update is a positive multiple of grad p",
                         source=_src("our derivation (the selection depends on the rewards only)", "inferred"),
                         stated=f"finding (ours): with binary rewards and one prompt E[g_S*] = w grad p with w = {wb:.4g} "
                                f"> 0 (p = {pb}, G = {G}, m = {G // 2}): a prompt re-weighting, no direction bias")
    subs.append(_sub("direction of the expected update on the selected subset", "our derivation",
                     "binary: positive multiple of grad p; graded: direction bias",
                     {"cos(E g_S*, grad J)_graded_by_m": cos, "binary_weight_w": wb, "binary_p": pb}, "inferred",
                     [c_5, c_6]))
    curves = {"m": np.array(ms, dtype=float),
              "spearman_var_bound": [rho_bound[m] for m in ms], "spearman_var_norm": [rho_norm[m] for m in ms],
              "norm_ratio_selected_random": [sel[m] / rnd[m] for m in ms],
              "p_selected_is_largest": [hit[m] for m in ms], "expected_regret": [regret[m] for m in ms],
              "cos_selected_gradJ": [cos[m] for m in ms]}
    one = stats[G // 2]
    k = int(np.argmax(law.probs * (one["var"].std(1) > 0)))  # most likely group with distinct subsets
    scatter = {"var": one["var"][k], "norm": one["norm"][k], "bound": one["bound"][k],
               "selected": one["best"][k].astype(float)}
    data = {"wang2026-variance-selection_by_m.csv": curves, "wang2026-variance-selection_group.csv": scatter,
            "wang2026-variance-selection_group.json": {"G": G, "m": G // 2, "arms": law.arms[k].tolist(),
                                                       "rewards": law.rewards[k].tolist(),
                                                       "probability": float(law.probs[k])}}
    return {"name": "wang2026-variance-selection", "subchecks": subs, "data": data}


register_check("wang2026-variance-selection", check_variance_selection,
               "D3S: Var(A) selection vs the gradient-norm bound, the actual norm and the direction of the update",
               SOURCE, papers=(KEY,), draw=write_data)

for _name in ('wang2026-variance-selection',):  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
    get(_name).run.__citation__ = (CITATION,)
