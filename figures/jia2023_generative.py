"""Figure: ``jia2023-generative``, generative queries of the trajectory-tree learner on tree bandits for two classes of equal size and different spanning capacity (Jia et al. 2023, arXiv:2310.06113).

Left: queries until 90% of seeds are eps/2-optimal, with bootstrap intervals, against eps, beside
the Hoeffding form of the recalled upper bound. Right: queries per tree against sum_h C_h and the
bound H * S. The caption is the check's verdict.

Usage: ``python figures/jia2023_generative.py [--quick] [--out DIR] [--seeds N]`` runs the check
into ``DIR/jia2023-generative/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "jia2023-generative"


def draw(folder: Path) -> list:
    """Draw ``jia2023_generative.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``jia2023_generative_figure.json`` (the eps grid; per class the 90% quantile of the
        queries with its interval, the bound, and the per-tree counts) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "jia2023_generative_figure.json")
    report = load_report(folder / "report.json")
    epss = np.asarray(d["eps"], dtype=float)
    H, classes = d["H"], d["classes"]
    fig, (ax, ax2) = plotting.new_axes(1, 2, figsize=(11, 4.8))
    for c, col in zip(classes, ("C0", "C3")):
        q, ci = np.asarray(c["q90"], dtype=float), np.asarray(c["ci90"], dtype=float)
        ax.errorbar(epss, q, yerr=[q - ci[0], ci[1] - q], fmt="o-", color=col, capsize=3,
                    label=f"{c['name']} (S={c['S']}, |Pi|={c['size']}): 90% of seeds eps/2-optimal")
        ax.plot(epss, c["bound"], "--", color=col, lw=1,
                label=f"{c['name']}: Hoeffding form of the bound, {c['sum_C']} * 8 log(2|Pi|/delta) / eps^2")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.invert_xaxis()
    ax.set_xticks(epss)
    ax.set_xticklabels([f"{e:.2g}" for e in epss], fontsize=7)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(top=max(c["bound"][-1] for c in classes) * 40)  # the bound at the smallest eps
    ax.set_xlabel("eps (planted gap)")
    ax.set_ylabel("generative queries")
    ax.set_title(f"Trajectory tree on tree bandits, H = {H}, {d['seeds']} seeds", fontsize=9)
    ax.legend(loc="upper left", fontsize=6.5)
    k = np.arange(2)
    ax2.bar(k - 0.25, [c["q_max"] for c in classes], 0.25, color="C2", label="max queries per tree")
    ax2.bar(k, [c["sum_C"] for c in classes], 0.25, color="C1", label="sum_h C_h(Pi; M*)")
    ax2.bar(k + 0.25, [H * c["S"] for c in classes], 0.25, color="0.6", label="H * S (bound)")
    ax2.set_xticks(k)
    ax2.set_xticklabels([f"{c['name']}\nS = {c['S']}" for c in classes])
    ax2.set_ylabel("queries per tree")
    ax2.set_ylim(0, 1.3 * H * max(c["S"] for c in classes))
    ax2.legend(loc="upper left", fontsize=7)
    ax2.set_title("queries per tree (every tree)", fontsize=9)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "jia2023_generative")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
