"""Figure: ``li2026-value-proxy``, Knapsack RL's value against the exact expected one-step gain of a GRPO step (Li et al. 2026, arXiv:2509.25849).

Left: for N = 4, 8, 16 rollouts, Value(N, p) = (1 - p^N - (1-p)^N) p (1-p)^2 and the exact expected
increase of the success probability after one GRPO step (eta = 1) on a two-arm softmax bandit,
each scaled to its maximum over p: where each peaks. Right: the allocation of one batch chosen by
the exact gain, by the value (exact DP) and by the released DP. The value is a proxy; the caption is
the check's verdict.

Usage: ``python figures/li2026_value_proxy.py [--quick] [--out DIR]`` runs the check into
``DIR/li2026-value-proxy/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "li2026-value-proxy"


def draw(folder: Path) -> list:
    """Draw ``li2026-value-proxy.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``li2026-value-proxy_curves.csv``, ``li2026-value-proxy_allocation.csv`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    curves, alloc = plotting.read_data(folder, f"{CHECK}_curves.csv", f"{CHECK}_allocation.csv")
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.6))
    Ns = sorted({int(k.split("=")[1]) for k in curves if k != "p"})
    for N in Ns:
        g, v = curves[f"gain_N={N}"], curves[f"value_N={N}"]
        (line,) = ax.plot(curves["p"], g / g.max(), lw=1.6, label=f"exact one-step gain, N = {N}")
        ax.plot(curves["p"], v / v.max(), "--", lw=1.4, color=line.get_color(), label=f"Value(N, p), N = {N}")
    ax.set_xlabel("success probability $p$ of the prompt")
    ax.set_ylabel("scaled to the maximum over $p$")
    ax.set_title("value proxy vs exact gain (GRPO, $\\eta$ = 1, two-arm bandit)", fontsize=10)
    plotting.legend_outside(ax, fontsize=7)
    bx.axhline(8, color="0.6", lw=1, ls=":", label="uniform (8 each)")
    bx.plot(alloc["p"], alloc["gain_optimal"], "x", ms=8, mew=2, label="best for the exact gain")
    bx.plot(alloc["p"], alloc["value_dp"], "o", ms=8, mfc="none", label="best for the value (exact DP)")
    bx.plot(alloc["p"], alloc["released_dp"], "+", ms=10, mew=1.5, label="released DP")
    bx.set_xlabel("success probability $p_i$ of each prompt")
    bx.set_ylabel("rollouts $N_i$")
    bx.set_title(f"one batch: {alloc['p'].size} prompts, 8 rollouts each on average, $2 \\leq N_i \\leq 32$",
                 fontsize=10)
    plotting.legend_outside(bx, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="verdicts"))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
