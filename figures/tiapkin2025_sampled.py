"""Figure: ``tiapkin2025-sampled``, Nash-MP with sampled Bernoulli preference queries through the oracle protocol against the exact oracle (Tiapkin et al. 2025, arXiv:2505.19731; illustration).

One semi-log panel: the KL of Nash-MP with the exact oracle and with the sampled oracle (mean and
min-max over seeds), the registered bound from Bound.evaluate and the sampling floor. The caption
is the check's verdict.

Usage: ``python figures/tiapkin2025_sampled.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the
check into ``DIR/tiapkin2025-sampled/`` (default ``figures/output``) and draws it; ``--from DIR``
only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "tiapkin2025-sampled"


def draw(folder: Path) -> list:
    """Draw ``tiapkin2025-sampled.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tiapkin2025-sampled.json`` (queries ``N``, the exact and the sampled runs' KL, the
        bound) and ``report.json`` (beta, floor, queries per response).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tiapkin2025-sampled.json")
    report = load_report(folder / "report.json")
    det = report.details
    N = np.asarray(d["N"], dtype=float)
    kls = np.asarray(d["kl_sampled"], dtype=float)
    fig, ax = plotting.new_axes(figsize=(8.0, 4.8))
    k = N / 2
    ax.semilogy(k, d["kl_exact"], "k-o", ms=3, label="exact oracle")
    ax.semilogy(k, kls.mean(axis=0), "C0-s", ms=3,
                label=f"sampled oracle ({det['opponents_per_response']} Bernoulli queries per response), "
                      f"mean of {kls.shape[0]}")
    ax.fill_between(k, kls.min(axis=0), kls.max(axis=0), color="C0", alpha=0.2, lw=0, label="sampled: min-max over seeds")
    ax.semilogy(k, d["bound"], "k--", lw=1, label=r"bound $KL_0(1+2\beta)^{-N/2}$ (Bound.evaluate)")
    ax.axhline(det["kl_floor"], color="C0", ls=":", lw=1, label="sampling floor (median of last 3)")
    ax.set_xlabel("Nash-MP iteration k (N = 2k exact queries)")
    ax.set_ylabel(r"KL$(\pi^*_\beta\,\|\,\pi_k)$")
    ax.set_title(f"Tiapkin et al. 2025: Nash-MP, beta={det['beta']}, exact vs sampled preference oracle", fontsize=9)
    ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tiapkin2025-sampled")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
