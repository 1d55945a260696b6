"""Figure: ``li2026-zero-gradient``, the probability of a zero GRPO update, p^N + (1-p)^N, against p and N (Knapsack RL, Li et al. 2026, arXiv:2509.25849).

Left: the closed form p^N + (1-p)^N (lines) and the probability of an exactly zero GRPO update
enumerated over every group of a two-arm bandit (markers), for N = 2 ... 32 rollouts. Right: the
expected fraction of prompts with a non-zero update under uniform 8 rollouts and under the knapsack
allocation, for synthetic success-rate distributions. The caption is the check's verdict.

Usage: ``python figures/li2026_zero_gradient.py [--quick] [--out DIR]`` runs the check into
``DIR/li2026-zero-gradient/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "li2026-zero-gradient"


def draw(folder: Path) -> list:
    """Draw ``li2026-zero-gradient.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``li2026-zero-gradient_curves.csv``, ``..._enumerated.csv``, ``..._nonzero.json``
        and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    curves, enum, nonzero = plotting.read_data(folder, f"{CHECK}_curves.csv", f"{CHECK}_enumerated.csv",
                                               f"{CHECK}_nonzero.json")
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.6))
    colours = {}
    for name, col in curves.items():
        if name == "p":
            continue
        (line,) = ax.plot(curves["p"], col, lw=1.4, label=f"$p^N+(1-p)^N$, {name.replace('=', ' = ')}")
        colours[float(name.split("=")[1])] = line.get_color()
    for N in np.unique(enum["N"]):
        sel = enum["N"] == N
        ax.plot(enum["p"][sel], enum["P_zero"][sel], "o", ms=5, mfc="none", color=colours.get(float(N), "k"),
                label=f"enumerated GRPO, N = {int(N)}")
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 1.05)
    ax.set_xlabel("success probability $p$ of the prompt")
    ax.set_ylabel("P(zero GRPO update)")
    ax.set_title("All-correct or all-wrong groups: zero update", fontsize=10)
    plotting.legend_outside(ax, fontsize=7)
    labels = list(nonzero["by_distribution"])
    x = np.arange(len(labels))
    u = [nonzero["by_distribution"][k]["uniform_8"] for k in labels]
    k_ = [nonzero["by_distribution"][k]["knapsack"] for k in labels]
    bx.bar(x - 0.18, u, 0.36, label="uniform, 8 rollouts")
    bx.bar(x + 0.18, k_, 0.36, label="knapsack (released DP), 2..128")
    bx.set_xticks(x, labels)
    bx.set_ylim(0, 1)
    bx.set_xlabel("distribution of the prompts' success rates")
    bx.set_ylabel("expected fraction of prompts\nwith a non-zero update")
    bx.set_title(f"{nonzero['n_prompts']} prompts, 8 rollouts each on average", fontsize=10)
    plotting.legend_outside(bx, where="below", fontsize=7)
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
