"""Figure: ``krishnamurthy2025-psdp-cpi``, PSDP and CPI with mu-resets fail on a realizable but incomplete class and succeed once it is completed (Krishnamurthy et al. 2025, arXiv:2504.05405).

One bar chart: for each mu-reset instance (with its concentrability C_conc), the exact value of V*
and of the policies PSDP and CPI output, before and after completing the class. The caption is
the check's verdict.

Usage: ``python figures/krishnamurthy2025_psdp_cpi.py [--out DIR]`` runs the check into
``DIR/krishnamurthy2025-psdp-cpi/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "krishnamurthy2025-psdp-cpi"


def draw(folder: Path) -> list:
    """Draw ``krishnamurthy2025_psdp_cpi.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``krishnamurthy2025_psdp_cpi.json`` (per instance: V*, the values of PSDP's and CPI's
        outputs before and after completion, C_conc) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    T = plotting.read_json(folder / "krishnamurthy2025_psdp_cpi.json")["rows"]
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(1, 1, figsize=(8.5, 4.6))
    k = np.arange(len(T))
    w = 0.135
    series = [("V* = max_Pi V", [r["Vstar"] for r in T], "0.6"),
              ("PSDP", [r["psdp"] for r in T], "C3"),
              ("CPI from 50/50 mixture", [r["cpi_mix"]["value"] for r in T], "C1"),
              ("CPI from pi^B", [r["cpi_B"]["value"] for r in T], "C5"),
              ("PSDP, completed class", [r["psdp_done"] for r in T], "C2"),
              ("CPI, completed class", [r["cpi_done"]["value"] for r in T], "C0")]
    for i, (lab, v, col) in enumerate(series):
        ax.bar(k + (i - 2.5) * w, v, w, label=lab, color=col)
    ax.set_xticks(k)
    ax.set_xticklabels([f"{r['label']}\nC_conc = {r['C_conc']:.3g}" for r in T], fontsize=7)
    ax.set_ylabel("exact value V of the output policy")
    ax.set_ylim(0, 1.45)
    ax.set_title("PSDP / CPI with mu-resets on a realizable but incomplete class (H = 2)\n"
                 "failure: KLS25 [A]; instance ours [C]", fontsize=9)
    ax.legend(loc="upper center", ncol=3, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "krishnamurthy2025_psdp_cpi")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
