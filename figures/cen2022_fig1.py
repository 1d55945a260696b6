"""Figure: ``cen2022-fig1``, Cen et al.'s Figure 1 on the 3-armed bandit r = (1, .9, .1): policy paths and Proposition 1 (arXiv:2007.06558).

Top: the paths of entropy-regularised PG and NPG in (log pi(a1), log pi(a2)) for tau = 0.1 and 1.
Bottom: the NPG error ||log pi_t - log pi*_tau|| against Proposition 1's bound 2 (1-eta tau)^t L0,
with PG's error beside it. The caption is the check's verdict.

Usage: ``python figures/cen2022_fig1.py [--quick] [--out DIR]`` runs the check into
``DIR/cen2022-fig1/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "cen2022-fig1"


def draw(folder: Path) -> list:
    """Draw ``cen2022_fig1.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``cen2022_fig1_paths.json`` (per tau: the PG and NPG log-policy paths, log pi*_tau,
        PG's error and NPG's rate check) and ``report.json`` (``eta``).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    paths = plotting.read_json(folder / "cen2022_fig1_paths.json")
    report = load_report(folder / "report.json")
    eta = report.details["eta"]
    fig, axes = plotting.new_axes(2, 2, figsize=(13, 8.5))
    for i, (tau_key, d) in enumerate(paths.items()):
        tau = float(tau_key)
        pg, npg, lp_star, err_pg = (np.asarray(d[k], dtype=float) for k in ("pg", "npg", "lp_star", "err_pg"))
        ax = axes[0, i]
        ax.plot(pg[:, 0], pg[:, 1], label="entropy-regularised PG")
        ax.plot(npg[:, 0], npg[:, 1], label="entropy-regularised NPG")
        ax.plot(lp_star[0], lp_star[1], "k*", ms=10, label="pi*_tau")
        ax.plot(pg[0, 0], pg[0, 1], "ko", ms=4, label="start (uniform)")
        ax.set_xlabel("log pi(a1)")
        ax.set_ylabel("log pi(a2)")
        ax.set_title(f"policy paths, tau={tau:g}, eta={eta}", fontsize=9)
        if i == 1:
            plotting.legend_outside(ax, fontsize=7)
        ax = axes[1, i]
        plotting.plot_rate_check(d["npg_check"], ax=ax, label="NPG: ||log pi_t - log pi*_tau||", show_fit=False,
                                 color="C1", legend=None, title=f"error contraction, tau={tau:g}",
                                 bound_label="2 (1-eta tau)^t L0: Cen et al. 2021, Prop. 1")
        ok = err_pg > 1e-12 * err_pg.max()
        ax.plot(np.arange(err_pg.size)[ok], err_pg[ok], color="C0", label="PG: ||log pi_t - log pi*_tau||")
        ax.set_xlabel("iteration t")
        ax.set_ylabel("||log pi_t - log pi*_tau||_inf")
        if i == 1:
            plotting.legend_outside(ax, fontsize=7)
    fig.suptitle("Cen et al. 2021, Figure 1 (3-armed bandit r=(1, .9, .1))")
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / "cen2022_fig1")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
