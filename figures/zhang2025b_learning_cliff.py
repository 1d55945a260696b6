"""The learning cliff (Scaf-GRPO, Critique-GRPO): zero GRPO updates on hard prompts.

Left: P(zero group update) = p^G + (1 - p)^G against the success probability p for G = 2 ... 32
(lines), with the exact enumeration of GRPO's groups on 4-arm bandits (markers). Right: GRPO's
expected update is c_G(p) grad p; the weight c_G is largest for the hardest prompts, so the cliff in
expectation comes from the norm of grad p (at most p), not from the normalisation.

Run: ``python figures/zhang2025b_learning_cliff.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "zhang2025b-learning-cliff"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c, pts = read_data(folder, "zhang2025b_learning_cliff.csv", "zhang2025b_learning_cliff_points.csv")
    Gs = sorted({int(k.split("G")[1]) for k in c if k.startswith("P_zero_G")})
    fig, (a1, a2) = new_axes(1, 2, figsize=(12.5, 4.6))
    for j, G in enumerate(Gs):
        a1.plot(c["p"], c[f"P_zero_G{G}"], color=f"C{j}", label=rf"$p^G+(1-p)^G$, $G={G}$")
        sel = pts["G"] == G
        if sel.any():
            a1.plot(pts["p"][sel], pts["P_zero"][sel], "o", color=f"C{j}", mfc="none", ms=7)
        a2.plot(c["p"], c[f"c_G{G}"], color=f"C{j}", label=rf"$G={G}$")
    a1.plot([], [], "ko", mfc="none", label="exact enumeration (GRPO)")
    a1.set_xscale("log")
    a1.set_xlabel("success probability $p$")
    a1.set_ylabel("P(zero group update)")
    a1.set_title("the learning cliff")
    legend_outside(a1, where="below", fontsize=7)
    a2.plot(c["p"], np.ones_like(c["p"]), "k--", lw=1, label="REINFORCE / RLOO (1)")
    a2.set_xscale("log")
    a2.set_xlabel("success probability $p$")
    a2.set_ylabel(r"$c_G(p)$ in $E[\hat g_{GRPO}]=c_G(p)\nabla p$")
    a2.set_title("expected update: hardest prompts weighted most")
    legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=150)
    return [Path(p) for p in save_figure(fig, folder / "zhang2025b_learning_cliff")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
