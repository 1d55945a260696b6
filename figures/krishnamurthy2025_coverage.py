"""Figure: ``krishnamurthy2025-coverage``, exact concentrability C_conc and pushforward concentrability C_push of every mu-reset instance of the PSDP/CPI check (Krishnamurthy et al. 2025, arXiv:2504.05405).

One bar chart of the two coefficients per instance, with the C_conc values written above the
bars. The caption is the check's verdict.

Usage: ``python figures/krishnamurthy2025_coverage.py [--out DIR]`` runs the check into
``DIR/krishnamurthy2025-coverage/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "krishnamurthy2025-coverage"


def draw(folder: Path) -> list:
    """Draw ``krishnamurthy2025_coverage.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``krishnamurthy2025_coverage.json`` (``instances``, ``C_conc``, ``C_push``) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "krishnamurthy2025_coverage.json")
    report = load_report(folder / "report.json")
    cc, cp = d["C_conc"], d["C_push"]
    fig, ax = plotting.new_axes(1, 1, figsize=(7.5, 4.6))
    k = np.arange(len(cc))
    ax.bar(k - 0.18, cc, 0.36, label="C_conc(mu; Pi, M)", color="C0")
    ax.bar(k + 0.18, cp, 0.36, label="C_push(mu, M)", color="C1")
    for i, v in enumerate(cc):
        ax.text(i, v * 1.03 + 0.1, f"{v:.4g}", ha="center", fontsize=8)
    ax.set_xticks(k)
    ax.set_xticklabels(d["instances"], fontsize=7)
    ax.set_ylabel("coverage coefficient (exact)")
    ax.set_ylim(0, max(cp) * 1.35)
    ax.set_title("Coverage numbers of the mu-reset instances used by krishnamurthy2025-psdp-cpi", fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "krishnamurthy2025_coverage")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
