"""Figure: ``tan2025-hybrid-noff-horizon``, reconstructed non-optimistic hybrid actor-critic: offline episodes needed grow at most like H^4 at fixed c*_off and eps (Tan, Fan, Wei 2025, arXiv abstract; reconstruction).

Usage: ``python figures/tan2025_hybrid_noff_horizon.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the check
into ``DIR/tan2025-hybrid-noff-horizon/`` (default ``figures/output``) and draws it from the ``tan2025_hybrid_noff_horizon.json`` it
writes; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tan2025-hybrid-noff-horizon"
DATA = "tan2025_hybrid_noff_horizon.json"


def draw(folder):
    """Draw the check's figure from ``folder/tan2025_hybrid_noff_horizon.json``; return the paths of the files written (PNG + PDF by default).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
    """
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    folder = Path(folder)
    d = plotting.read_json(folder / DATA)
    H = np.asarray(d["H"], dtype=float)
    ns = np.asarray(d["N_off_star"], dtype=float)
    succ = np.asarray(d["success"], dtype=float)
    grid = np.asarray(d["grid"], dtype=float)
    fig, (a1, a2) = plotting.new_axes(1, 2)
    fin = np.isfinite(ns)
    a1.loglog(H[fin], ns[fin], "o-", ms=4, label=f"N_off*: {d['level']:.0%} of {d['n_seeds']} seeds eps-optimal")
    b = np.asarray(d["bound_H4"], dtype=float)
    a1.loglog(H, b * ns[fin][0] / b[fin][0], "k--", lw=1, label="O(H^4) (arXiv abstract), anchored at the first H")
    a1.loglog(H, ns[fin][0] * H / H[fin][0], ":", color="0.4", lw=1, label="slope 1, anchored")
    ci = np.asarray(d["slope_ci"], dtype=float)
    a1.text(0.03, 0.97, f"slope {float(d['slope']):.2f} [{ci[0]:.2f}, {ci[1]:.2f}] (bootstrap over seeds)\n"
                        f"c*_off (occupancy ratio) = {np.asarray(d['c_star_occupancy'], dtype=float).mean():.3g} "
                        f"at every H\npolicy ratio {np.min(d['c_star_policy_ratio']):.2f}.."
                        f"{np.max(d['c_star_policy_ratio']):.2f}",
            transform=a1.transAxes, va="top", fontsize=7)
    for ax in (a1,):
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(H)
    a1.set_xlabel("horizon H (comb lock layers)")
    a1.set_ylabel("offline episodes N_off*")
    a1.set_title(f"fixed eps = {d['eps']:g}, c*_off fixed, {d['T_online']} online episodes, A = {d['A']}")
    plotting.legend_outside(a1, where="below", fontsize=7)
    for a in range(H.size):
        a2.semilogx(grid, succ[a], "o-", ms=3, color=f"C{a}", label=f"H = {int(H[a])}")
    a2.axhline(float(d["level"]), color="k", ls="--", lw=1, label=f"level {d['level']:.0%}")
    a2.set_xlabel("offline episodes N_off (behaviour eps_b = 1 - c^(-1/H))")
    a2.set_ylabel("fraction of seeds eps-optimal after T")
    a2.set_title("success vs offline data")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tan2025_hybrid_noff_horizon")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
