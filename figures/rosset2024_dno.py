"""DNO (Rosset et al. 2024): soft policy iteration on rock-paper-scissors.

Left: exploitability max_y (P pi_t)(y) - 1/2 of the iterates for three temperatures (it grows: no
convergence to the uniform Nash equilibrium). Right: the win rate of each iterate against its
predecessor (>= 1/2: monotone improvement, the paper's claim) and against the iterate two steps back
(can fall below 1/2: the improvement is not transitive), for the smallest temperature.

Run: ``python figures/rosset2024_dno.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_csv, save_figure

CHECK = "rosset2024-dno"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    c = read_csv(folder / "rosset2024_dno.csv")
    etas = sorted({k.split("eta")[1] for k in c if k.startswith("exploitability_eta")}, key=float)
    fig, (a1, a2) = new_axes(1, 2, figsize=(12.5, 4.6))
    for j, e in enumerate(etas):
        a1.plot(c["t"], c[f"exploitability_eta{e}"], color=f"C{j}", label=rf"$\eta={e}$")
    a1.axhline(0.0, color="k", lw=0.8, ls="--", label="Nash equilibrium (0)")
    a1.set_xlabel("iteration $t$")
    a1.set_ylabel(r"exploitability $\max_y(P\pi_t)(y)-\frac{1}{2}$")
    a1.set_title("rock-paper-scissors, $\\pi_0=(0.5,0.3,0.2)$")
    legend_outside(a1, where="below", fontsize=7)
    e = etas[0]
    a2.plot(c["t"], c[f"win_prev_eta{e}"], color="C0", label=r"$P(\pi_{t}\succ\pi_{t-1})$")
    a2.plot(c["t"], c[f"win_two_eta{e}"], color="C3", label=r"$P(\pi_{t}\succ\pi_{t-2})$")
    a2.axhline(0.5, color="k", lw=0.8, ls="--", label="1/2")
    a2.set_xlabel("iteration $t$")
    a2.set_ylabel("win rate")
    a2.set_title(rf"improvement per step ($\eta={e}$)")
    legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=150)
    return [Path(p) for p in save_figure(fig, folder / "rosset2024_dno")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
