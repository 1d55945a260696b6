"""AEPO (Wang et al. 2025): entropy under exact GRPO ascent with a temperature-REINFORCE regulariser.

Entropy of a 6-arm softmax policy along exact expected GRPO steps (G = 8) plus lam x the REINFORCE
direction of samples at temperature T (bang-bang: T = 2 below the target, 0.5 above; our
reconstruction of AEPO's controller), for several target entropies (dotted), and without the
regulariser (collapse). The dash-dotted line is the highest entropy this weight can hold.

Run: ``python figures/wang2025b_temperature_reinforce.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "wang2025b-temperature-reinforce"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c, meta = read_data(folder, "wang2025b_entropy.csv", "wang2025b_entropy_targets.json")
    fig, ax = new_axes()
    for j, Hs in enumerate(meta["targets"]):
        ax.plot(c["t"], c[f"H_target{Hs:g}"], color=f"C{j}", label=f"target {Hs:g} nats")
        ax.axhline(Hs, color=f"C{j}", ls=":", lw=1)
    ax.plot(c["t"], c["H_no_regulariser"], color="k", label="no regulariser (lam = 0)")
    ax.axhline(meta["ceiling"], color="0.4", ls="-.", lw=1, label=f"ceiling for lam = 2 ({meta['ceiling']:.2f})")
    ax.set_xlabel("exact ascent step $t$")
    ax.set_ylabel(r"entropy $H(\pi_t)$ (nats)")
    ax.set_title("entropy held at the target (reconstructed controller)")
    legend_outside(ax, where="right", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=95)
    return [Path(p) for p in save_figure(fig, folder / "wang2025b_temperature_reinforce")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
