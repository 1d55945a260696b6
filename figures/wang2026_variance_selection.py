"""Figure: ``wang2026-variance-selection``, D3S's max-Var(A) subset selection against the gradient-norm bound and the actual norm (Wang et al. 2026, arXiv:2509.22115).

Left: every m-subset of one group (G rollouts, graded rewards, GRPO advantages): its advantage
variance against the norm of its update and against the Cauchy-Schwarz bound; the max-variance
subsets are filled. Right: against the subset size m, the mean rank correlation of Var_S(A) with
the bound and with the actual norm, the probability that the selected subset has the largest norm,
and its expected relative regret. The caption is the check's verdict.

Usage: ``python figures/wang2026_variance_selection.py [--quick] [--out DIR]`` runs the check into
``DIR/wang2026-variance-selection/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "wang2026-variance-selection"


def draw(folder: Path) -> list:
    """Draw ``wang2026-variance-selection.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``wang2026-variance-selection_by_m.csv``, ``..._group.csv``, ``..._group.json`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    by_m, grp, meta = plotting.read_data(folder, f"{CHECK}_by_m.csv", f"{CHECK}_group.csv", f"{CHECK}_group.json")
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.8))
    sel = grp["selected"] > 0
    ax.scatter(grp["var"], grp["bound"], s=18, marker="^", facecolors="none", edgecolors="C1",
               label="Cauchy-Schwarz bound")
    ax.scatter(grp["var"], grp["norm"], s=18, facecolors="none", edgecolors="C0", label=r"$\|\hat g_S\|$")
    ax.scatter(grp["var"][sel], grp["norm"][sel], s=40, color="C0", label="selected (max Var)")
    ax.set_xlabel(r"$\mathrm{Var}_S(A)$ of the subset")
    ax.set_ylabel("update norm and its bound")
    ax.set_title(f"all {grp['var'].size} subsets of size m = {meta['m']} of one group of G = {meta['G']}\n"
                 f"(arms {meta['arms']}, probability {meta['probability']:.3g})", fontsize=9)
    plotting.legend_outside(ax, fontsize=7)
    m = by_m["m"]
    bx.plot(m, by_m["spearman_var_bound"], "o-", label="Spearman(Var, bound)")
    bx.plot(m, by_m["spearman_var_norm"], "s-", label=r"Spearman(Var, $\|\hat g_S\|$)")
    bx.plot(m, by_m["p_selected_is_largest"], "^-", label="P(selected has the largest norm)")
    bx.plot(m, by_m["expected_regret"], "v-", label="expected relative regret of the norm")
    bx.set_ylim(0, 1.02)
    bx.set_xticks(m)
    bx.set_xlabel("subset size m (rollouts kept)")
    bx.set_ylabel("probability-weighted over groups")
    ratio = ", ".join(f"{r:.2f}" for r in by_m["norm_ratio_selected_random"])
    bx.set_title(f"E||g_S*|| / E||g_S random|| = {ratio}", fontsize=9)
    plotting.legend_outside(bx, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="verdicts"))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
