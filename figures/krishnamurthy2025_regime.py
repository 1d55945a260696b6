"""Figure: ``krishnamurthy2025-regime``, the open-loop class on a fresh-state MDP has coverability 2 while its spanning capacity is 2^H (Krishnamurthy et al. 2025, arXiv:2504.05405).

One panel, log2 scale: the exact spanning capacity and coverability against the horizon, beside
2^H and the constant 2 (the parameters of KLS25's generative lower bound, not its hard instance).
The caption is the check's verdict.

Usage: ``python figures/krishnamurthy2025_regime.py [--quick] [--out DIR]`` runs the check into
``DIR/krishnamurthy2025-regime/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "krishnamurthy2025-regime"


def draw(folder: Path) -> list:
    """Draw ``krishnamurthy2025_regime.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``krishnamurthy2025_regime.json`` (``H``, ``C_cov``, ``S``, ``size``) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "krishnamurthy2025_regime.json")
    report = load_report(folder / "report.json")
    Hs, S, ccov = d["H"], d["S"], d["C_cov"]
    fig, ax = plotting.new_axes(1, 1, figsize=(7.5, 4.6))
    Hg = np.array(Hs, dtype=float)
    ax.plot(Hg, 2.0 ** Hg, "-", color="C3", lw=1, label="2^H (closed form; = |Pi|)")
    ax.plot(Hs, S, "o", color="C3", mfc="none", ms=8, label="spanning capacity S(Pi), exact")
    ax.axhline(2.0, color="C0", lw=1, label="C_cov = 2 (KLS25 regime [T])")
    ax.plot(Hs, ccov, "s", color="C0", mfc="none", ms=7, label="coverability C_cov(Pi, M), exact")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("horizon H")
    ax.set_ylabel("value (log2 scale)")
    ax.set_title("Open-loop class on a fresh-state MDP (N = 2^(H-1) states per layer)\n"
                 "the numbers of KLS25's lower-bound regime, not its hard instance [I]", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "krishnamurthy2025_regime")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
