"""Figure: ``zhou2023-hac-exact``, exact-critic HAC's cumulative regret against Theorem 1's 2 sqrt(T log A)/(1-gamma)^2 (Zhou et al. 2023, eq. 24, arXiv:2311.08384).

One log-log panel: the regret of one run per T on Garnet MDPs beside the bound, with the tail
slope and its interval. The caption is the check's verdict.

Usage: ``python figures/zhou2023_hac_exact.py [--quick] [--out DIR]`` runs the check into
``DIR/zhou2023-hac-exact/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-hac-exact"


def draw(folder: Path) -> list:
    """Draw ``zhou2023_hac_exact.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``zhou2023_hac_exact.json`` (per Garnet seed: ``T``, ``regret``, ``bound``),
        ``zhou2023_hac_exact_fit.json`` (the first run's tail slope and interval, or null) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    curves = plotting.read_json(folder / "zhou2023_hac_exact.json")
    f = plotting.read_json(folder / "zhou2023_hac_exact_fit.json")
    fig, ax = plotting.new_axes(1, 1)
    for i, c in enumerate(curves):
        ax.loglog(c["T"], c["regret"], "o-", color=f"C{i}", ms=3, label=f"HAC exact critic, Garnet seed {c['seed']}")
        ax.loglog(c["T"], c["bound"], "--", color=f"C{i}", lw=1,
                  label="2 sqrt(T log A)/(1-gamma)^2 (Thm 1, eq. 24)" if i == 0 else None)
    if f is not None:
        ax.text(0.03, 0.97, f"tail slope {f['slope']:.3f} [{f['ci'][0]:.3f}, {f['ci'][1]:.3f}]", transform=ax.transAxes,
                va="top", fontsize=8)
    ax.set_xlabel("rounds T (one run per T, eta_T = (1-gamma) sqrt(log A / T))")
    ax.set_ylabel(r"regret $\sum_{t\leq T} V^\star(\rho) - V^{\pi_t}(\rho)$")
    ax.set_title("Exact-critic HAC, Garnet S=8, A=4, gamma=0.9")
    plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_hac_exact")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
