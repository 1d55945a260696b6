"""Figure: ``jia2023-coverability``, coverability of random stochastic layered MDPs never exceeds the spanning capacity (Jia et al. 2023, arXiv:2310.06113).

One panel per policy class: C_cov(Pi; M) of random stochastic MDPs against the Dirichlet
concentration of their transitions (jittered), the spanning capacity (the bound) and the
coverability at the deterministic maximiser, where it is attained. The caption is the check's
verdict.

Usage: ``python figures/jia2023_coverability.py [--quick] [--out DIR]`` runs the check into
``DIR/jia2023-coverability/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "jia2023-coverability"


def draw(folder: Path) -> list:
    """Draw ``jia2023_coverability.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``jia2023_coverability_figure.json`` (per class: the coverabilities, their jittered
        abscissae, the spanning capacity and the value at the maximiser) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "jia2023_coverability_figure.json")
    report = load_report(folder / "report.json")
    fig, axes = plotting.new_axes(1, 2, figsize=(10, 4.4))
    for ax, c in zip(np.atleast_1d(axes), d["classes"]):
        ax.plot(c["x"], c["ccov"], ".", alpha=0.5, color="C0", label="C_cov(Pi; M), random stochastic M")
        ax.axhline(c["S"], color="C3", lw=1.5, label=f"spanning capacity S = {c['S']} (bound)")
        ax.plot([np.log10(d["concs"][-1]) + 0.5], [c["at_max"]], "*", ms=13, color="C2",
                label=f"deterministic maximiser: C_cov = {c['at_max']:.0f}")
        ax.set_xlabel("log10 Dirichlet concentration of P rows")
        ax.set_ylabel("coverability C_cov")
        ax.set_title(f"{c['name']}, H = {d['H']}, |Pi| = {c['size']}", fontsize=9)
        ax.set_ylim(0, c["S"] * 1.35)
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle("Coverability never exceeds spanning capacity (sup over MDPs attained at the deterministic "
                 "maximiser) [I, checked]", fontsize=9)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "jia2023_coverability")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
