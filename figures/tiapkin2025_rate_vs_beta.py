"""Figure: ``tiapkin2025-rate-vs-beta``, Nash-MP's fitted contraction per preference query against beta beside the stated (1+2 beta)^(-1/2) (Tiapkin et al. 2025, arXiv:2505.19731; inferred constants).

One log-log panel: -log of the fitted contraction per query with its 95% interval over games, the
stated rate and its square (KL is quadratic in the logit error). The caption is the check's
verdict.

Usage: ``python figures/tiapkin2025_rate_vs_beta.py [--quick] [--out DIR] [--seeds N]`` runs the
check into ``DIR/tiapkin2025-rate-vs-beta/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "tiapkin2025-rate-vs-beta"


def draw(folder: Path) -> list:
    """Draw ``tiapkin2025_rate_vs_beta.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tiapkin2025_rate_vs_beta.csv`` (per beta the fitted contraction and its interval),
        ``tiapkin2025_rate_vs_beta_figure.json`` (the bound's contraction on a beta grid) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / "tiapkin2025_rate_vs_beta.csv")
    d = plotting.read_json(folder / "tiapkin2025_rate_vs_beta_figure.json")
    report = load_report(folder / "report.json")
    b, fit, lo, hi = cols["beta"], cols["rate"], cols["rate_lo"], cols["rate_hi"]
    bb, per_query = np.asarray(d["beta_grid"], dtype=float), np.asarray(d["per_query_bound"], dtype=float)
    fig, ax = plotting.new_axes(figsize=(10.5, 4.4))
    ax.plot(bb, -np.log(per_query), "k--",
            label="stated: $-\\log$ of $(1+2\\beta)^{-1/2}$\n(Tiapkin+ 2025 v1; inferred, $\\eta=2\\beta$)")
    ax.plot(bb, -2 * np.log(per_query), ":", color="0.4",
            label="$-\\log$ of $(1+2\\beta)^{-1}$: square of the\nstated factor (KL quadratic in logit error)")
    ax.errorbar(b, -np.log(fit), yerr=[np.log(hi) - np.log(fit), np.log(fit) - np.log(lo)], fmt="o", color="C0",
                capsize=3, label="Nash-MP fitted (95% CI over games)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"regularisation $\beta$")
    ax.set_ylabel(r"$-\log\hat\rho$ per preference query (larger = faster)")
    ax.set_title(f"Nash-MP linear rate vs beta (random games, |Y| = 10, {report.details['R']} games)")
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report, style="findings", max_claims=2), width=130)
    return [Path(p) for p in plotting.save_figure(fig, folder / "tiapkin2025_rate_vs_beta")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
