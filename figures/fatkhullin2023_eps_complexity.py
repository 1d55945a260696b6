"""Figure: ``fatkhullin2023-eps-complexity``, trajectories needed to reach eps against eps (Fatkhullin et al. 2023, Thms 1-2 sample complexity, arXiv:2302.01734).

One panel: for each method, the trajectories until the mean suboptimality is at most eps, over the
eps the mean passes through in the last decade of trajectories, with the stated exponent
(eps^-2.5, eps^-2, eps^-3) drawn dotted through the smallest eps, on log-log axes; the caption is
the check's verdict.

Usage: ``python figures/fatkhullin2023_eps_complexity.py [--quick] [--out DIR] [--seed N] [--seeds N]``
runs the check into ``DIR/fatkhullin2023-eps-complexity/`` (default ``figures/output``) and draws
it; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "fatkhullin2023-eps-complexity"
COLOR = {"n_pg_igt": "C0", "harpg": "C1", "n_harpg": "C2", "vanilla_pg": "C3", "n_sgdm": "C7"}


def draw(folder: Path) -> list:
    """Draw ``fatkhullin2023-eps-complexity.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``fatkhullin2023-eps-complexity.json`` (per method: ``eps``, ``n_eps``, fitted
        ``slope`` and ``ci``, ``stated``, ``label``) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    rows = plotting.read_json(folder / f"{CHECK}.json")
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(figsize=(10.5, 5.0))
    for m, row in rows.items():
        e, ne = np.array(row["eps"], dtype=float), np.array(row["n_eps"], dtype=float)
        ok = np.isfinite(ne)
        lab = f"{row['label']}: slope {row['slope']:.2f} [{row['ci'][0]:.2f}, {row['ci'][1]:.2f}]"
        if np.isfinite(row["stated"]):
            lab += f", stated {row['stated']:.1f}"
        ax.plot(e[ok], ne[ok], "o-", ms=3, color=COLOR[m], label=lab)
        if np.isfinite(row["stated"]) and ok.any():
            j = np.nonzero(ok)[0][0]  # the stated exponent through the smallest eps reached
            ax.plot(e[ok], ne[j] * (e[ok] / e[j]) ** row["stated"], ":", color=COLOR[m], lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"accuracy $\varepsilon$")
    ax.set_ylabel(r"trajectories until $\mathbb{E}[J^\star - J] \leq \varepsilon$")
    ax.set_title(f"Fatkhullin et al. 2023, Thms 1-2 sample complexity: Cauchy bandit, "
                 f"{report.details['sizes']['seeds']} seeds\neps over the last decade of n; dotted: stated exponent "
                 "through the smallest eps", fontsize=9)
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
