"""Figure: ``tan2025-hybrid-noff``, the reconstructed non-optimistic hybrid actor-critic: it fails without offline data, and the offline episodes it needs grow at most like c*_off and eps^-2 (Tan, Fan, Wei 2025, abstract; reconstruction, arXiv:2505.03710).

Left: N_off* (90% of seeds eps-optimal) against the occupancy ratio c*_off of the behaviour data
beside the abstract's O(c*_off), anchored. Right: N_off* against 1/eps beside O(1/eps^2), anchored.
The caption is the check's verdict.

Usage: ``python figures/tan2025_hybrid_noff.py [--quick] [--out DIR] [--seeds N]`` runs the check
into ``DIR/tan2025-hybrid-noff/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tan2025-hybrid-noff"


def draw(folder: Path) -> list:
    """Draw ``tan2025_hybrid_noff.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tan2025_hybrid_noff.json`` (behaviour eps_b, both c*_off definitions, N_off*
        against c*_off and against eps, the registered rates' shapes, sizes) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tan2025_hybrid_noff.json")
    eps_b, cstar, cpol, ns_c, eps_grid, ns_e, gap0 = (
        np.asarray(d[k], dtype=float) for k in ("eps_b", "c_star_occupancy", "c_star_policy_ratio", "N_off_star_c",
                                                 "eps", "N_off_star_eps", "gap_noff0"))
    fin, fe = np.isfinite(ns_c), np.isfinite(ns_e)
    fig, (a1, a2) = plotting.new_axes(1, 2)
    a1.loglog(cstar[fin], ns_c[fin], "o-", ms=4, label="N_off*: 90% of seeds eps-optimal (eps = 0.1)")
    ref = np.asarray(d["c_shape"], dtype=float)
    a1.loglog(cstar, ref * ns_c[fin][0] / ref[fin][0], "k--", lw=1, label="O(c*_off) (abstract), anchored")
    a1.text(0.03, 0.97, f"behaviour eps_b = {eps_b.min():g}..{eps_b.max():g}\n"
                        f"occupancy ratio {cstar.min():.2f}..{cstar.max():.1f}\n"
                        f"policy ratio {cpol.min():.2f}..{cpol.max():.2f} (the other definition)",
            transform=a1.transAxes, va="top", fontsize=7)
    a1.xaxis.set_minor_formatter(NullFormatter())
    a2.xaxis.set_minor_formatter(NullFormatter())
    a1.set_xlabel("c*_off = max_h max_sa d_h^pi*/d_h^mu (occupancy ratio)")
    a1.set_ylabel("offline episodes N_off*")
    a1.set_title(f"comb lock H={d['H']}, A={d['A']}, {d['T_online']} online episodes")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.loglog(1 / eps_grid[fe], ns_e[fe], "o-", ms=4, color="C1", label="N_off* (eps_b = 0.3)")
    ref = np.asarray(d["eps_shape"], dtype=float)
    a2.loglog(1 / eps_grid, ref * ns_e[fe][0] / ref[fe][0], "k--", lw=1, label="O(1/eps^2) (abstract), anchored")
    a2.set_xlabel("1/eps")
    a2.set_ylabel("offline episodes N_off*")
    a2.set_title(f"N_off* vs eps (with N_off = 0 the gap is {gap0.mean():.2f})")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tan2025_hybrid_noff")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
