r"""Liu et al. (2025), Dr. GRPO: difficulty weights of the GRPO family (with DisCO, Li et al. 2025).

Check ``liu2025-grpo-weights`` (formerly ``llm-grpo-weights``): Difficulty weights w(p) of the GRPO
family and DisCO vs the true gradient. Source: Liu et al. 2025, arXiv:2503.20783; Li et al. 2025,
arXiv:2505.12366. The conventions (claims, provenance tags, rounding tolerances) are those of
:mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...ratecheck import check_identity, check_ordering
from .._registry import out_path
from ._common import register_check, verdict_caption, _rel, _rms, _src, _sub, _sum_tol

__all__ = ["check_weights", "difficulty_weight_curves", "plot_difficulty_weights"]


def difficulty_weight_curves(G_values=(4, 8, 16), n_p: int = 99) -> dict:
    r"""Exact difficulty weights :math:`w_G(p)` (:math:`\mathbb E\hat g=w_G(p)\nabla p`) of the GRPO family.

    Parameters
    ----------
    G_values : tuple of int
        Group sizes.
    n_p : int
        Number of grid points in (0, 1).

    Returns
    -------
    dict
        ``p`` and one array per (method, G) plus the large-G limits.
    """
    import pgtheory.bandits as B

    p = np.linspace(0.01, 0.99, n_p)
    out = {"p": p, "true gradient": np.ones_like(p), "GRPO limit 1/sqrt(p(1-p))": B.grpo_weight_limit(p),
           "DisCO limit 1/(p(1-p))": 1 / (p * (1 - p))}
    for G in G_values:
        out[f"GRPO ddof=0 G={G}"] = B.binary_weight("grpo", p, G, ddof=0, epsilon=0.0)
        out[f"GRPO ddof=1 G={G}"] = B.binary_weight("grpo", p, G, ddof=1, epsilon=0.0)
        out[f"Dr. GRPO G={G}"] = B.binary_weight("dr_grpo", p, G)
        out[f"RLOO G={G}"] = B.binary_weight("rloo", p, G)
        out[f"BNPO a=b=3/2 G={G}"] = B.binary_weight("bnpo", p, G, alpha=1.5, beta=1.5)
        out[f"DisCO-b G={G}"] = B.binary_weight("disco", p, G)
    return out


def plot_difficulty_weights(curves: dict, stem, *, verdict: str | None = None, reason: str = "") -> tuple:
    """Plot :func:`difficulty_weight_curves` (log y) and save PNG + PDF at ``stem``.

    The legend sits below the axes (inside the canvas, off the data); with ``verdict`` the
    check's verdict and reason are written under the figure (:func:`pgtheory.plotting.add_verdict`).

    Parameters
    ----------
    curves : dict
        Output of :func:`difficulty_weight_curves`.
    stem : str or Path
        Path without suffix.
    verdict : str, optional
        Headline verdict of ``llm-grpo-weights`` (``"consistent"``, ...); nothing is written when None.
    reason : str
        One sentence: the claims behind the verdict.

    Returns
    -------
    tuple of str
        Paths written.
    """
    from ...plotting import add_verdict, legend_outside, new_axes, save_figure

    fig, ax = new_axes(figsize=(7.5, 5.2))
    p = curves["p"]
    Gs = sorted({int(k.split("G=")[1]) for k in curves if "G=" in k})
    Gmax = Gs[-1]
    ax.plot(p, curves["true gradient"], "k-", lw=2.5, label="true gradient (REINFORCE, RLOO): w = 1")
    ax.plot(p, curves[f"Dr. GRPO G={Gmax}"], "k:", lw=2, label=f"Dr. GRPO: w = (G-1)/G, G={Gmax}")
    styles = {4: ":", 8: "--", 16: "-"}
    for G in Gs:
        ax.plot(p, curves[f"GRPO ddof=1 G={G}"], color="C0", ls=styles.get(G, "-"), label=f"GRPO (std, ddof=1), G={G}")
    ax.plot(p, curves["GRPO limit 1/sqrt(p(1-p))"], color="C0", lw=3, alpha=0.35, label="GRPO, G→∞: 1/√(p(1-p))")
    ax.plot(p, curves[f"BNPO a=b=3/2 G={Gmax}"], color="C2", label=f"BNPO α=β=3/2, G={Gmax} (= π/8 × GRPO ddof=0)")
    for G in Gs:
        ax.plot(p, curves[f"DisCO-b G={G}"], color="C3", ls=styles.get(G, "-"), label=f"DisCO-b (log-L), G={G}")
    ax.plot(p, curves["DisCO limit 1/(p(1-p))"], color="C3", lw=3, alpha=0.35, label="DisCO-b, G→∞: 1/(p(1-p))")
    ax.set_yscale("log")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("success probability p of the prompt (easy prompts on the right)")
    ax.set_ylabel("weight w_G(p) in E[ĝ] = w_G(p)·∇p")
    ax.set_title("Exact difficulty weights of the GRPO family vs the true gradient (binary rewards, one prompt)\n"
                 "Shao+24 GRPO, Liu+25 Dr. GRPO, Xiao+25 BNPO, Li+25 DisCO", fontsize=9)
    ax.set_ylim(0.3, 300)
    legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    if verdict is not None:
        add_verdict(fig, verdict, reason)
    return save_figure(fig, stem)


def check_weights(quick: bool = True) -> dict:
    """Difficulty weights w(p) of GRPO / Dr. GRPO / RLOO / BNPO / DisCO vs the true gradient."""
    import pgtheory.bandits as B

    subs = []
    LIU = "Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783 v1 (abstract, Fig. 1)"
    LI = "Li et al. 2025, DisCO, arXiv:2505.12366"
    Gs = (4, 8) if quick else (4, 8, 16)
    # enumeration agrees with the 1-D weight and the closed form
    th = np.array([0.4, -0.8, 0.0, 1.1, -0.2])
    corr = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    p = float(B.success_probability(th, corr))
    gp = B.exact_logit_gradient(th, corr)
    err = 0.0
    meas, expd, tol = [], [], 0.0
    for name, opts in (("grpo", dict(ddof=1, epsilon=0.0)), ("dr_grpo", {}), ("rloo", {}), ("disco", {}),
                       ("bnpo", dict(alpha=1.5, beta=1.5))):
        w = float(B.binary_weight(name, p, 6, **opts))
        mw = B.exact_moments(name, th, corr, 6, **opts)
        err = max(err, _rel(mw.mean[0], w * gp))
        meas.append(mw.mean[0])
        expd.append(w * gp)
        tol = max(tol, _sum_tol(mw.n_groups + 7, _rms(mw) * max(1.0, w))[0])
    pg = np.linspace(0.05, 0.95, 19)
    w_bin = B.binary_weight("grpo", pg, 8, ddof=0, epsilon=0.0)
    w_cf = B.grpo_weight_closed_form(pg, 8)
    err_cf = float(np.max(np.abs(w_bin - w_cf)))
    tol = max(tol, _sum_tol(9, 8 * float(np.max(w_cf)), " (binomial sums, G=8)")[0])
    c_1 = check_identity(np.concatenate(meas + [w_bin]), np.concatenate(expd + [w_cf]), rtol=0.0, atol=tol,
                         tol_reason="largest of (count vectors + G + 1) x eps x sqrt(E||g||^2) w x8 over the five "
                                    "estimators and of (G+1) x eps x G max w x8 for the closed form",
                         name="binary rewards, one prompt: E[g] = w_G(p) grad p for the whole family",
                         source=_src("our derivation tool 2 (our derivation)", "inferred"),
                         stated="finding (ours): enumeration (K=5, G=6; GRPO ddof=1, Dr. GRPO, RLOO, DisCO-b, BNPO 3/2) "
                                "equals w_G(p) grad p, and the 1-D GRPO weight equals the closed form c_8(p) on 19 p")
    subs.append(_sub("binary rewards, one prompt: every GRPO-family estimator has E[g] = w_G(p) grad p",
                     "our derivation tool 2 (our derivation)", "holds exactly",
                     {"max_rel_err_enumeration_vs_weight": err, "max_abs_err_vs_closed_form_c_G": err_cf}, "inferred",
                     [c_1]))
    cur = difficulty_weight_curves(Gs, n_p=49)
    G = Gs[-1]
    pick = lambda key, pv: float(np.interp(pv, cur["p"], cur[key]))  # noqa: E731
    grpo_ratio = pick(f"GRPO ddof=1 G={G}", 0.1) / pick(f"GRPO ddof=1 G={G}", 0.5)
    disco_ratio = pick(f"DisCO-b G={G}", 0.1) / pick(f"DisCO-b G={G}", 0.5)
    c_2 = check_ordering(grpo_ratio, 1.0, relation=">", name="GRPO has a difficulty bias: w(0.1) > w(0.5)",
                         source=_src(f"{LIU}; {LI}", "abstract"),
                         stated="Liu et al. / Li et al.: GRPO's std normalisation up-weights too-easy/too-hard prompts "
                                f"relative to grad J: w_GRPO(0.1)/w_GRPO(0.5) > 1 (ddof=1, G={G}); it is unbiased for "
                                "grad sum_q F_G(p_q), F_inf = 2 arcsin sqrt(p)",
                         left_label="w_GRPO(0.1)/w_GRPO(0.5)", right_label="1 (grad J)")
    subs.append(_sub("GRPO's std normalisation re-weights prompts by difficulty (the claimed difficulty bias) instead of estimating grad J",
                     "Liu et al. 2025 (Dr. GRPO), arXiv:2503.20783 v1 (abstract, Fig. 1); Li et al. 2025 (DisCO), arXiv:2505.12366",
                     "holds exactly: w(p) ~ 1/sqrt(p(1-p)) up-weights easy/hard prompts",
                     {f"w_GRPO(0.1)/w_GRPO(0.5), G={G}": grpo_ratio, "limit ratio": float(0.5 / np.sqrt(0.09)),
                      "note": "unbiased for grad sum_q F_G(p_q); F_inf = 2 arcsin sqrt(p)"}, "inferred", [c_2]))
    c_3 = check_ordering(disco_ratio, grpo_ratio, relation=">",
                         name="against grad J, DisCO re-weights by difficulty more than GRPO",
                         source=_src(f"our derivation on {LI} (abstract; code)", "inferred"),
                         stated="finding (ours): measured against grad J, DisCO-b's weight is more difficulty-dependent "
                                f"than GRPO's: w_DisCO(0.1)/w_DisCO(0.5) > w_GRPO(0.1)/w_GRPO(0.5) (G={G}; E[g] -> "
                                "grad log(p/(1-p))). Decision: DisCO's claim 'completely eliminates difficulty bias' is "
                                "about the question weights of its own discriminative objective, which this does not "
                                "contradict, so it is not marked violated",
                         left_label="DisCO ratio", right_label="GRPO ratio")
    subs.append(_sub("DisCO completely eliminates the difficulty bias",
                     "Li et al. 2025, DisCO, arXiv:2505.12366 (abstract); code [code]",
                     "holds for its own objective (log-odds); biased w.r.t. grad J",
                     {f"w_DisCO(0.1)/w_DisCO(0.5), G={G}": disco_ratio, "limit ratio": float(0.25 / 0.09),
                      "note": "E[g] -> grad log(p/(1-p)): strongest re-weighting in terms of grad J"}, "inferred", [c_3]))
    return {"name": "liu2025-grpo-weights", "subchecks": subs, "curves": cur}


def _draw(config, res, claims) -> tuple:
    """The difficulty-weight figure and its CSV (``(figures, data_files)``; nothing when not writing)."""
    from ...plotting import write_csv

    curves = difficulty_weight_curves((4, 8, 16), n_p=99) if not config.quick else res["curves"]
    stem = out_path(config, "liu2025_grpo_weights")
    if stem is None:
        return (), ()
    verdict, reason = verdict_caption(claims)
    figures = plot_difficulty_weights(curves, stem, verdict=verdict, reason=reason)
    return figures, (write_csv(str(stem) + ".csv", {k: np.asarray(v) for k, v in curves.items()}),)


register_check("liu2025-grpo-weights", check_weights,
               "Difficulty weights w(p) of the GRPO family and DisCO vs the true gradient",
               "Liu et al. 2025, arXiv:2503.20783; Li et al. 2025, arXiv:2505.12366",
               papers=("liu2025", "li2025"), draw=_draw, replaces=("llm-grpo-weights",))
