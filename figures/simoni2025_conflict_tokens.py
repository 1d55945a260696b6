"""GTPO (Simoni et al. 2025): how often a group update lowers an essential conflict token.

Exact probability (enumeration of all groups of G = 4 responses) that the update lowers, to first
order, the probability of token 0 at the root -- used by every correct completion and by a wrong one --
as a function of its current probability. GRPO with a plain token sum never lowers it; GRPO with TRL's
1/len(o) averaging does; GTPO's mask removes the lowering.

Run: ``python figures/simoni2025_conflict_tokens.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_csv, save_figure

CHECK = "simoni2025-conflict-tokens"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c = read_csv(folder / "simoni2025_conflict_tokens.csv")
    fig, ax = new_axes()
    for key, lab, st in (("mean_grpo", "GRPO, 1/|o| averaging (TRL loss_type='grpo')", "o-"),
                         ("seq_grpo", "GRPO, token sum", "s-"),
                         ("mean_gtpo", "GTPO mask, 1/|o| averaging", "^--"),
                         ("seq_gtpo", "GTPO mask, token sum", "v:")):
        ax.plot(c["pi_token"], c[key], st, ms=4, label=lab)
    ax.set_xlabel(r"current probability $\pi(\mathrm{token}\ 0\mid\mathrm{root})$")
    ax.set_ylabel("P(group update lowers it)")
    ax.set_title("essential token, shared with a wrong answer ($G=4$)", fontsize=10)
    legend_outside(ax, where="right", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=95)
    return [Path(p) for p in save_figure(fig, folder / "simoni2025_conflict_tokens")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
