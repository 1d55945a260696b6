"""Mode-seeking vs maximum likelihood (Tajwar et al. 2024): exact KL gradient flows on a categorical policy.

Target: a mode with 90% of the mass on 6 bins. Left: the mode is improbable under the initial policy;
right: it is probable. Solid: the mode's mass; dashed: the mass on the bins the initial policy
over-weights; blue = reverse KL (on-policy RL, mode-seeking), orange = forward KL (maximum likelihood).
Dotted lines: the levels whose hitting times the check compares. Which flow is faster depends on the
regime.

Run: ``python figures/tajwar2024_mode_seeking.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "tajwar2024-mode-seeking"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c, meta = read_data(folder, "tajwar2024_mode_seeking.csv", "tajwar2024_mode_seeking_levels.json")
    fig, axes = new_axes(1, 2, figsize=(12.5, 4.6))
    for j, ax in enumerate(axes):
        t = c[f"t_{j}"][1:]
        for d, colour in (("reverse", "C0"), ("forward", "C1")):
            name = "reverse KL (mode-seeking)" if d == "reverse" else "forward KL (max. likelihood)"
            ax.plot(t, c[f"mode_{j}_{d}"][1:], "-", color=colour, label=f"{name}: mode mass")
            ax.plot(t, c[f"over_{j}_{d}"][1:], "--", color=colour, label=f"{name}: over-weighted bins")
        lv = meta["levels"][str(j)]
        ax.axhline(lv["mode"], color="0.4", ls=":", lw=1, label="levels timed by the check")
        ax.axhline(lv["over"], color="0.4", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_xlabel("flow time $t$")
        ax.set_ylabel("probability mass")
        ax.set_title(meta["regimes"][j])
        legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=150)
    return [Path(p) for p in save_figure(fig, folder / "tajwar2024_mode_seeking")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
