"""Self-Evolving Curriculum (Chen et al. 2025): absolute advantage vs the exact one-step learning gain.

Each point is a category (a random 5-arm bandit prompt): the exact mean absolute GRPO advantage
(SEC's proxy) against the exact expected increase of the success probability after one GRPO step,
coloured by the success probability p. The proxy's choice and the best category are marked; the
caption gives the rank correlation and the regret.

Run: ``python figures/chen2025b_sec_proxy.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "chen2025b-sec-proxy"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c, s = read_data(folder, "chen2025b_sec_proxy.csv", "chen2025b_sec_proxy_summary.json")
    fig, ax = new_axes()
    sc = ax.scatter(c["proxy"], c["gain"], c=c["p"], cmap="viridis", s=28, label="categories")
    fig.colorbar(sc, ax=ax, label="success probability $p$")
    k = int(s["pick"])
    best = int(np.argmax(c["gain"]))
    ax.plot(c["proxy"][k], c["gain"][k], "rs", mfc="none", ms=12, label="the proxy's choice")
    ax.plot(c["proxy"][best], c["gain"][best], "k*", ms=12, mfc="none", label="largest exact gain")
    ax.set_xlabel(r"proxy: exact $E[\frac{1}{G}\sum_i|A_i|]$ (GRPO)")
    ax.set_ylabel(r"exact one-step gain $E[p(\theta+\eta\hat g)]-p(\theta)$")
    ax.set_title(f"Spearman {s['spearman']:.3f}, regret {s['regret']:.3g}")
    legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=95)
    return [Path(p) for p in save_figure(fig, folder / "chen2025b_sec_proxy")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
