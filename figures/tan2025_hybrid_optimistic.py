"""Figure: ``tan2025-hybrid-optimistic``, the reconstructed optimistic hybrid actor-critic: online regret does not increase with the offline episodes loaded into the critic (Tan, Fan, Wei 2025, abstract; reconstruction, arXiv:2505.03710).

One panel: the online regret after T episodes (mean with a 3-standard-error bar) against N_off for
three behaviour policies, each with its c*_off. The caption is the check's verdict.

Usage: ``python figures/tan2025_hybrid_optimistic.py [--quick] [--out DIR] [--seeds N]`` runs the
check into ``DIR/tan2025-hybrid-optimistic/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tan2025-hybrid-optimistic"


def draw(folder: Path) -> list:
    """Draw ``tan2025_hybrid_optimistic.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tan2025_hybrid_optimistic.json`` (``N_off``, per behaviour the regret per N_off
        and seed, c*_off, sizes) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tan2025_hybrid_optimistic.json")
    n_offs = np.asarray(d["N_off"])
    R, z = d["seeds"], d["z"]
    fig, ax = plotting.new_axes(1, 1)
    x = np.where(n_offs == 0, 10.0, n_offs)
    for i, (name, r) in enumerate(d["regret"].items()):
        r = np.asarray(r, dtype=float)
        m = r.mean(axis=1)
        se = r.std(axis=1, ddof=1) / np.sqrt(R)
        ax.errorbar(x, m, yerr=z * se, fmt="o-", ms=3, capsize=2, color=f"C{i}",
                    label=f"{name} (c*_off = {d['c_star_occupancy'][name]:.3g})")
    ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(["0"] + [f"{int(n):d}" for n in n_offs[1:]])
    ax.set_xlabel("offline episodes N_off loaded into the critic")
    ax.set_ylabel(f"online regret after T = {d['T']} episodes")
    ax.set_title(f"optimistic hybrid, layered MDP H={d['H']}, S={d['S']}, A={d['A']} (mean +- {z:g} se)")
    plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tan2025_hybrid_optimistic")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
