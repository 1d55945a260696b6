r"""Figure: ``deng2025-token-influence``, the first-order token influence behind Token Hidden Reward against the exact change of the correct tokens' log-likelihood (Deng et al. 2025, arXiv:2510.03669).

Left: for the whole GRPO step and the tokens of largest \|THR\|, the error \|Delta(eta) - eta THR\| of
the first-order prediction against the step size (log-log), beside the exact second-order term
eta^2 \|c\| / 2: slope 2, the first-order identity is exact. Right: each token's THR against the exact
change its step causes at eta = 0.5, divided by eta. The caption is the check's verdict.

Usage: ``python figures/deng2025_token_influence.py [--quick] [--out DIR]`` runs the check into
``DIR/deng2025-token-influence/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "deng2025-token-influence"


def draw(folder: Path) -> list:
    """Draw ``deng2025-token-influence.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``deng2025-token-influence_remainder.csv``, ``..._scores.csv``, ``..._curvature.json``
        and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    rem, sc, curvature = plotting.read_data(folder, f"{CHECK}_remainder.csv", f"{CHECK}_scores.csv",
                                            f"{CHECK}_curvature.json")
    curv = curvature["curvature"]
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.8))
    eta = rem["eta"]
    order = np.argsort(-np.abs(sc["thr"]))[:3]
    series = [("whole GRPO step", rem["whole_step"], curv[-1])]
    series += [(f"token {j} (THR = {sc['thr'][j]:.3g})", rem[f"token_{j}"], curv[j]) for j in order]
    for label, r, c in series:
        (line,) = ax.loglog(eta, r, "o", label=f"|error|, {label}")
        ax.loglog(eta, 0.5 * abs(c) * eta ** 2, "--", lw=1, color=line.get_color(),
                  label=r"$\eta^2|c|/2$, " + label.split(" (")[0])
    ax.set_xlabel(r"step size $\eta$")
    ax.set_ylabel(r"$|\Delta(\eta) - \eta\,\mathrm{THR}|$")
    ax.set_title("first-order influence: the error is second order", fontsize=10)
    plotting.legend_outside(ax, fontsize=6.5)
    correct = sc["correct"] > 0
    lo, hi = float(min(sc["thr"].min(), sc["exact_eta0.5"].min())), float(max(sc["thr"].max(), sc["exact_eta0.5"].max()))
    bx.plot([lo, hi], [lo, hi], "k:", lw=1, label="exact = first order")
    bx.plot(sc["thr"][correct], sc["exact_eta0.5"][correct], "o", label="tokens of correct responses")
    bx.plot(sc["thr"][~correct], sc["exact_eta0.5"][~correct], "s", mfc="none", label="tokens of wrong responses")
    bx.set_xlabel(r"THR$_j$ (first-order influence)")
    bx.set_ylabel(r"exact change at $\eta$ = 0.5, divided by $\eta$")
    bx.set_title("log-linear model: V = 6, d = 4, 4 responses x 3 tokens", fontsize=10)
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
