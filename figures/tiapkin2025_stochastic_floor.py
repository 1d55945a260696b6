"""Figure: ``tiapkin2025-stochastic-floor``, stochastic (policy-gradient) Nash-MP: the KL floor against the inner sample size B, expected proportional to 1/B (Tiapkin et al. 2025, arXiv:2505.19731; our inference).

Left: the KL (mean over seeds) per outer iteration for each B, the exact proximal steps and the
registered bound. Right: the floor (mean and 10-90% over seeds) against B with its fitted line and
a 1/B reference. The caption is the check's verdict.

Usage: ``python figures/tiapkin2025_stochastic_floor.py [--quick] [--out DIR] [--seeds N]`` runs the
check into ``DIR/tiapkin2025-stochastic-floor/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tiapkin2025-stochastic-floor"


def draw(folder: Path) -> list:
    """Draw ``tiapkin2025_stochastic_floor.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tiapkin2025_stochastic_floor.csv`` (per B the floor's mean and quantiles),
        ``..._figure.json`` (mean KL per B, the exact run, the bound, the fitted line) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / "tiapkin2025_stochastic_floor.csv")
    d = plotting.read_json(folder / "tiapkin2025_stochastic_floor_figure.json")
    it = np.asarray(d["iterations"])
    fig, axes = plotting.new_axes(1, 2, figsize=(13, 4.4))
    ax = axes[0]
    for i, (B, kl) in enumerate(zip(d["batches"], d["mean_kl"])):
        ax.plot(it, kl, color=f"C{i}", label=f"stochastic, B = {B}")
    ax.plot(it, np.maximum(np.asarray(d["exact_kl"], dtype=float), 1e-16), "k-", lw=1, label="exact proximal steps")
    ax.plot(it.astype(float), d["bound"], "k--", lw=1, label="bound $KL_0(1+2\\beta)^{-k}$\n(Tiapkin+ 2025 v1, inferred)")
    ax.set_yscale("log")
    ax.set_ylim(1e-8, None)
    ax.set_xlabel("outer iteration k")
    ax.set_ylabel(r"$\mathrm{KL}(\pi^*\|\pi_k)$ (mean over seeds)")
    plotting.legend_outside(ax, fontsize=7)
    ax = axes[1]
    Bs, mean, lo, hi = cols["B"], cols["floor_mean"], cols["floor_q10"], cols["floor_q90"]
    fit = d["fit"]
    ax.errorbar(Bs, mean, yerr=[mean - lo, hi - mean], fmt="o", capsize=3, label="floor (mean,\n10-90% over seeds)")
    ax.plot(Bs, np.exp(fit["intercept"]) * Bs ** fit["slope"], "C0-", lw=1, label=f"fit: slope {fit['slope']:.2f}")
    ax.plot(Bs, mean[0] * Bs[0] / Bs, "k--", lw=1, label=r"$\propto 1/B$ (inferred)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("inner sample size B (preferences per inner PG step)")
    ax.set_ylabel("KL floor (last 5 iterates)")
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="findings"), width=150)
    return [Path(p) for p in plotting.save_figure(fig, folder / "tiapkin2025_stochastic_floor")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
