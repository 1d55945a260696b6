"""Figure: ``zhou2023-hac-sampled``, sampled HAC's regret under eq. (22) run by run and under Theorem 1's explicit bound (Zhou et al. 2023, arXiv:2311.08384).

One log-log panel: the regret of sampled HAC (mean and seed range), the exact-critic HAC with
the same step sizes, eq. (22) with each run's measured C_npg and Delta_on (median) and Theorem 1's
60 sqrt(T log A)/(1-gamma)^2. The caption is the check's verdict.

Usage: ``python figures/zhou2023_hac_sampled.py [--quick] [--out DIR] [--seeds N]`` runs the check
into ``DIR/zhou2023-hac-sampled/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-hac-sampled"


def draw(folder: Path) -> list:
    """Draw ``zhou2023_hac_sampled.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``zhou2023_hac_sampled.json`` (``T``, the regret per seed and T, the exact-critic
        regret, eq. (22) per run, Theorem 1's bound, sizes) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "zhou2023_hac_sampled.json")
    Ts = np.asarray(d["T"])
    reg, b22 = np.asarray(d["regret"], dtype=float), np.asarray(d["eq22"], dtype=float)
    fig, ax = plotting.new_axes(1, 1)
    ax.fill_between(Ts, reg.min(axis=0), reg.max(axis=0), color="C0", alpha=0.2, label="sampled HAC, seed range")
    ax.loglog(Ts, reg.mean(axis=0), "o-", color="C0", ms=3, label=f"sampled HAC, mean of {reg.shape[0]} seeds")
    ax.loglog(Ts, d["exact_regret"], "s:", color="C2", ms=3, label="exact-critic HAC (same eta_T)")
    ax.loglog(Ts, np.median(b22, axis=0), "--", color="C1", lw=1, label="eq. (22) with measured C_npg, Delta_on (median)")
    ax.loglog(Ts, d["thm1_bound"], "--", color="k", lw=1, label="60 sqrt(T log A)/(1-gamma)^2 (Thm 1)")
    ax.set_xlabel("rounds T (K2 - K1 = T, m_on = m_off = 2T)")
    ax.set_ylabel(r"regret $\sum_{t\leq T} V^\star(\rho) - V^{\pi_t}(\rho)$")
    ax.set_title(f"Sampled HAC, Garnet S={d['S']}, A={d['A']}, gamma={d['gamma']}")
    plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_hac_sampled")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
