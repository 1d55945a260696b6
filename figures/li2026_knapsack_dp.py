"""Figure: ``li2026-knapsack-dp``, the knapsack allocation by exact DP against brute force and against the released DP (Knapsack RL, Li et al. 2026, arXiv:2509.25849).

Left: one five-prompt instance (25 rollouts, 2 <= N_i <= 7): the allocation maximising
sum_i Value(N_i, p_i) by brute force (bars), by the exact DP (crosses) and by the released DP
(circles), which scores a prompt left at the lower bound as 0. Right: over random instances, the
fraction whose released-DP allocation loses more than a given share of the optimal value. The
caption is the check's verdict.

Usage: ``python figures/li2026_knapsack_dp.py [--quick] [--out DIR]`` runs the check into
``DIR/li2026-knapsack-dp/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "li2026-knapsack-dp"


def draw(folder: Path) -> list:
    """Draw ``li2026-knapsack-dp.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``li2026-knapsack-dp_instance.csv``, ``li2026-knapsack-dp_regret.csv`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    inst, regret = plotting.read_data(folder, f"{CHECK}_instance.csv", f"{CHECK}_regret.csv")
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.6))
    x = np.arange(inst["p"].size)
    ax.bar(x, inst["brute_force"], 0.6, color="0.8", label="brute force (optimum)")
    ax.plot(x, inst["dp"], "x", ms=10, mew=2, label="exact DP")
    ax.plot(x, inst["released_dp"], "o", ms=9, mfc="none", mew=1.5, label="released DP (solve_by_dp)")
    ax.set_xticks(x, [f"p = {p:.3g}" for p in inst["p"]])
    ax.set_xlabel("prompt (success rate)")
    ax.set_ylabel("rollouts $N_i$")
    ax.set_title("one instance: 25 rollouts, $2 \\leq N_i \\leq 7$", fontsize=10)
    plotting.legend_outside(ax, fontsize=7)
    r = np.sort(regret["relative_regret"])
    frac = 1.0 - np.arange(r.size) / r.size
    pos = r > 1e-12  # regrets at rounding level (1e-16) are not losses
    bx.step(r[pos], frac[pos], where="post", label="released DP")
    bx.set_xscale("log")
    bx.set_xlabel("relative regret of the released DP's allocation (share of the optimal value lost)")
    bx.set_ylabel("fraction of instances with\nat least this regret")
    bx.set_ylim(0, max(0.05, float(frac[pos].max()) * 1.1) if pos.any() else 1)
    bx.set_title(f"{r.size} random instances (2-5 prompts); {int(pos.sum())} suboptimal", fontsize=10)
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
