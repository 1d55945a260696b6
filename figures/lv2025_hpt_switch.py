"""Figure: ``lv2025-hpt-switch``, the weights of HPT's expected update on the SFT and the RL gradient against the success probability (Lv et al. 2025, arXiv:2509.04419).

HPT's released switch trains on the demonstration when none of n rollouts succeeds and with GRPO
otherwise; its exact expected update is mu (1-p)^n (e_demo - pi) + w_n(p) grad p. The figure
draws the SFT weight (1-p)^n and GRPO's weight w_n(p) for n = 4, 8, 16: which gradient dominates at
which difficulty. The caption is the check's verdict.

Usage: ``python figures/lv2025_hpt_switch.py [--quick] [--out DIR]`` runs the check into
``DIR/lv2025-hpt-switch/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "lv2025-hpt-switch"


def draw(folder: Path) -> list:
    """Draw ``lv2025-hpt-switch.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``lv2025-hpt-switch_weights.csv`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    w = plotting.read_csv(folder / f"{CHECK}_weights.csv")
    fig, ax = plotting.new_axes(figsize=(9.5, 4.6))
    ns = sorted({int(k.split("=")[1]) for k in w if k != "p"})
    for n in ns:
        (line,) = ax.plot(w["p"], w[f"sft_weight_n={n}"], lw=1.6, label=f"SFT weight $(1-p)^n$, n = {n}")
        ax.plot(w["p"], w[f"rl_weight_n={n}"], "--", lw=1.4, color=line.get_color(),
                label=f"GRPO weight $w_n(p)$ on $\\nabla p$, n = {n}")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 10)
    ax.set_xlabel("success probability $p$ of the question")
    ax.set_ylabel("weight in the expected HPT update")
    ax.set_title("HPT (gate 0): $\\mathbb{E}[u] = \\mu(1-p)^n(e_{y^*}-\\pi) + w_n(p)\\nabla p$", fontsize=10)
    plotting.legend_outside(ax, fontsize=7)
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
