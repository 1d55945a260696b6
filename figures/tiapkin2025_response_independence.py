"""Figure: ``tiapkin2025-response-independence``, Nash-MP's KL and fitted contraction per query for |Y| = 3 ... 1000 responses: the rate does not degrade (Tiapkin et al. 2025, arXiv:2505.19731).

Left: the normalised KL (mean over games) against preference queries for each |Y|, with the
registered (inferred) bound. Right: the fitted contraction per query with its 95% interval against
|Y|, and the stated (1+2 beta)^(-1/2). The caption is the check's verdict.

Usage: ``python figures/tiapkin2025_response_independence.py [--quick] [--out DIR] [--seeds N]``
runs the check into ``DIR/tiapkin2025-response-independence/`` (default ``figures/output``) and
draws it; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "tiapkin2025-response-independence"


def draw(folder: Path) -> list:
    """Draw ``tiapkin2025_response_independence.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tiapkin2025_response_independence.csv`` (per |Y| the fitted contraction and its
        interval), ``..._figure.json`` (the KL traces and the bound) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / "tiapkin2025_response_independence.csv")
    d = plotting.read_json(folder / "tiapkin2025_response_independence_figure.json")
    report = load_report(folder / "report.json")
    beta = report.details["beta"]
    n, fit, lo, hi = cols["n"], cols["rate"], cols["rate_lo"], cols["rate_hi"]
    fig, axes = plotting.new_axes(1, 2, figsize=(13, 4.4))
    ax = axes[0]
    ys = []
    for i, c in enumerate(d["curves"]):
        y = np.asarray(c["kl"], dtype=float)
        ax.plot(c["queries"], np.maximum(y, 1e-17), color=f"C{i}", label=f"|Y| = {c['responses']}")
        ys.append(y)
    ax.plot(d["bound_queries"], d["bound"], "k--", label="bound $(1+2\\beta)^{-N/2}$\n(Tiapkin+ 2025 v1; inferred)")
    ax.set_yscale("log")
    plotting.decade_ylim(ax, ys, top=3, floor=1e-12)  # the fit stops at its 1e-11 floor; below is rounding
    ax.set_xlabel("preference queries N")
    ax.set_ylabel(r"$\mathrm{KL}(\pi^*\|\pi_k)/\mathrm{KL}_0$ (mean over games)")
    plotting.legend_outside(ax, fontsize=8)
    ax = axes[1]
    ax.errorbar(n, fit, yerr=[fit - lo, hi - fit], fmt="o", capsize=3, label="Nash-MP fitted\n(95% CI over games)")
    ax.axhline(d["per_query_bound"], color="k", ls="--", label="stated $(1+2\\beta)^{-1/2}$")
    ax.set_xscale("log")
    ax.set_xlabel("number of responses |Y|")
    ax.set_ylabel(r"contraction per query $\hat\rho$ (lower = faster)")
    ax.set_title(f"beta = {beta}")
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report, style="findings", max_claims=2), width=150)
    return [Path(p) for p in plotting.save_figure(fig, folder / "tiapkin2025_response_independence")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
