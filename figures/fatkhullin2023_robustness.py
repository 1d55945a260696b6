"""Figure: ``fatkhullin2023-robustness``, trajectories needed against the initial step size on the Cauchy bandit (Fatkhullin et al. 2023, Experiment 2, arXiv:2302.01734).

One panel: for each method, the trajectories until the mean suboptimality reaches eps against the
initial step size gamma0 (crosses at the budget: not reached), with each method's successful range
in decades in the legend; the caption is the check's verdict.

Usage: ``python figures/fatkhullin2023_robustness.py [--quick] [--out DIR] [--seed N] [--seeds N]``
runs the check into ``DIR/fatkhullin2023-robustness/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "fatkhullin2023-robustness"
COLOR = {"n_pg_igt": "C0", "harpg": "C1", "n_harpg": "C2", "vanilla_pg": "C3", "n_sgdm": "C7"}


def draw(folder: Path) -> list:
    """Draw ``fatkhullin2023-robustness.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``fatkhullin2023-robustness.csv`` (``gamma0`` and the trajectories needed per
        method, NaN when not reached), ``fatkhullin2023-robustness.json`` (per method: ``label``,
        ``width_decades``) and ``report.json`` (budget, eps, seeds).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / f"{CHECK}.csv")
    meta = plotting.read_json(folder / f"{CHECK}.json")
    report = load_report(folder / "report.json")
    d = report.details
    N, eps, R = d["budget"], d["eps"], d["seeds"]
    grid = cols["gamma0"]
    fig, ax = plotting.new_axes(figsize=(10.0, 4.8))
    for m, row in meta.items():
        v = cols[m]
        ok = np.isfinite(v)
        ax.plot(grid, np.where(ok, v, N), "-", color=COLOR[m], alpha=0.5)
        w = row["width_decades"]
        reach = f"success range {w:.2f} dec." if np.isfinite(w) else "never reached"
        ax.plot(grid[ok], v[ok], "o", color=COLOR[m], label=f"{row['label']}: {reach}")
        ax.plot(grid[~ok], np.full((~ok).sum(), N), "x", color=COLOR[m])
    ax.axhline(N, color="k", lw=0.8, ls="--")
    ax.text(grid[0], N * 1.05, "budget (x = not reached)", fontsize=7, va="bottom")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"initial step size $\gamma_0$")
    ax.set_ylabel(rf"trajectories until $\mathbb{{E}}[J^\star-J] \leq {eps:g}$")
    ax.set_title(f"Fatkhullin et al. 2023, robustness (their Exp. 2) on the Cauchy bandit, {R} seeds", fontsize=9)
    plotting.legend_outside(ax, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
