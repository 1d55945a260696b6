"""RPO (Liu et al. 2024): the maximin policy against an adversarial reward equals the DPO + SFT minimiser.

Probability of each of the 4 responses as a function of the weight eta: lines from minimising
DPO_beta + eta beta NLL_base, markers from solving max_pi min_r directly (nested convex programs).
They coincide for every eta; as eta grows the policy moves towards the baseline distribution.

Run: ``python figures/liu2024_rpo.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_csv, save_figure

CHECK = "liu2024-rpo"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c = read_csv(folder / "liu2024_rpo.csv")
    K = sum(1 for k in c if k.startswith("rpo_pi"))
    fig, ax = new_axes()
    for y in range(K):
        ax.plot(c["eta"], c[f"rpo_pi{y}"], "-", color=f"C{y}", label=f"response {y}")
        ax.plot(c["eta"], c[f"maximin_pi{y}"], "o", color=f"C{y}", mfc="none", ms=9)
    ax.plot([], [], "k-", label="DPO + eta beta SFT (lines)")
    ax.plot([], [], "ko", mfc="none", label="maximin (markers)")
    ax.set_xscale("log")
    ax.set_xticks(c["eta"], [f"{e:g}" for e in c["eta"]])
    ax.minorticks_off()
    ax.set_xlabel(r"weight $\eta$ of the reward penalty")
    ax.set_ylabel(r"optimal policy $\pi^\star(y)$")
    ax.set_title(r"maximin $\equiv$ DPO + $\eta\beta\,$SFT ($\beta=0.3$)")
    legend_outside(ax, where="right", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=95)
    return [Path(p) for p in save_figure(fig, folder / "liu2024_rpo")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
