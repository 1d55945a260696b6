"""Figure: ``zhou2023-practical-hnpg``, practical HNPG (Algorithms 4-5, TRPO steps) vs on-policy TRPO on the comb lock: online episodes to success vs H (Zhou et al. 2023, Fig. 2, tabular).

Usage: ``python figures/zhou2023_practical_hnpg.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the check
into ``DIR/zhou2023-practical-hnpg/`` (default ``figures/output``) and draws it from the ``zhou2023_practical_hnpg.json`` it
writes; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-practical-hnpg"
DATA = "zhou2023_practical_hnpg.json"


def draw(folder):
    """Draw the check's figure from ``folder/zhou2023_practical_hnpg.json``; return the paths of the files written (PNG + PDF by default).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(folder)
    d = plotting.read_json(folder / DATA)
    H = np.asarray(d["H"], dtype=float)
    cap = float(d["budget_episodes"])
    fig, ax = plotting.new_axes(1, 1, figsize=(8.0, 5.0))
    for key, col, lab, dx in (("episodes_hnpg", "C0", "practical HNPG", -0.08),
                              ("episodes_trpo", "C3", "on-policy TRPO", 0.08)):
        y = np.asarray(d[key], dtype=float)
        cens = ~np.isfinite(y)
        yc = np.minimum(y, cap)
        ax.semilogy(H, np.exp(np.log(yc).mean(axis=1)), "o-", color=col, ms=4,
                    label=f"{lab}, geometric mean of {y.shape[1]}")
        for j in range(y.shape[1]):
            ok = ~cens[:, j]
            ax.semilogy(H[ok] + dx, yc[ok, j], ".", color=col, alpha=0.5)
        nf = cens.sum(axis=1)
        if nf.any():
            ax.semilogy(H[nf > 0] + dx, np.full(int((nf > 0).sum()), cap), "^", color=col, ms=8, mfc="none",
                        label=f"{lab} failed (censored)")
    ax.semilogy(H, 3.0 ** H, "k:", lw=1, label="3^H = 1/P(reward) of uniform")
    ax.axhline(cap, color="0.5", ls="--", lw=1, label="online budget")
    ax.set_ylim(0.5 * np.nanmin(np.asarray(d["episodes_hnpg"], dtype=float)), 3 * cap)
    ax.set_xticks(H)
    ax.set_xlabel("horizon H (comb lock layers, A = 3)")
    ax.set_ylabel("online episodes to P(reward) > 1/2")
    ax.text(0.02, 0.97, "HNPG: eps-greedy pi* data (eps = 1/H);\nTRPO: no offline data", transform=ax.transAxes,
            va="top", fontsize=8)
    ax.set_title(f"Algorithm 4, TRPO steps: max KL {d['max_kl']:g}, damping {d['damping']:g}, lam {d['lam']:g}")
    plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_practical_hnpg")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
