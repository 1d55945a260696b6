"""Figure: ``prajapat2024-grid-coverage``, SubPO against modular RL on a bimodal disc-coverage grid, with exact OPT (Prajapat et al., ICLR 2024, arXiv:2307.13372; small paper-style version).

One panel: the exact ratio J/OPT of every recorded iterate (mean over seeds with its 95%
t-interval) for SubPO-M, SubPO-NM and modular-reward PG, beside 1-1/e. The caption is the check's
verdict.

Usage: ``python figures/prajapat2024_grid_coverage.py [--quick] [--out DIR] [--seeds N]`` runs the
check into ``DIR/prajapat2024-grid-coverage/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "prajapat2024-grid-coverage"
LABELS = {"subpo_markov": "SubPO-M (Markov, time-indexed)", "subpo_history": "SubPO-NM (history policy)",
          "modular_markov": "modular-reward PG"}


def draw(folder: Path) -> list:
    """Draw ``prajapat2024_grid_coverage.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``prajapat2024_grid_coverage.csv`` (per recorded iteration the mean ratio of each
        method), ``..._figure.json`` (interval half-widths, sizes, the constant) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / "prajapat2024_grid_coverage.csv")
    d = plotting.read_json(folder / "prajapat2024_grid_coverage_figure.json")
    it = cols["iteration"]
    fig, ax = plotting.new_axes(figsize=(10, 4.4))
    for k, lab in LABELS.items():
        m = cols[k + "_mean"]
        if k in d["half_width_95"]:
            h = np.asarray(d["half_width_95"][k], dtype=float)
            ax.fill_between(it, m - h, m + h, alpha=0.2)
        ax.plot(it, m, label=lab)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.axhline(d["fw_constant"], color="C3", ls="--", label="$1-1/e$ (guarantee only for\neps-Bandit SMDPs, per reviews)")
    ax.set_xlabel("iteration (100 trajectories each, Adam)")
    ax.set_ylabel(r"$J(\pi_t)/\mathrm{OPT}$ (exact, history-graph DP)")
    ax.set_title(f"Bimodal disc coverage, {d['shape'][0]}x{d['shape'][1]} grid, H={d['H']} ({d['seeds']} seeds, 95% CI)")
    ax.set_ylim(0, 1.05)
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="findings"), width=130)
    return [Path(p) for p in plotting.save_figure(fig, folder / "prajapat2024_grid_coverage")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
