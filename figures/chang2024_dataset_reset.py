"""DR-PO skeleton (Chang et al. 2024): exact policy gradient with and without dataset resets on a token tree.

Left: value at the root of exact softmax PG on a tree (3 tokens, 4 steps) where every response starting
with token 0 pays 0.5 and one preferred response (covered by the offline data) pays 1: started at the
root only, PG settles on the plateau; with rollouts reset to the preferred response's prefixes (root
weight 0.5 or 0.2) it reaches the covered response. Right: the gap to the covered response and the
reset bound C_nu x sum_s nu(s) max_a A(s, a) at every recorded iterate (log-log).

Run: ``python figures/chang2024_dataset_reset.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "chang2024-dataset-reset"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    folder = Path(folder)
    v, b = read_data(folder, "chang2024_dataset_reset_values.csv", "chang2024_dataset_reset_bound.csv")
    fig, (a1, a2) = new_axes(1, 2, figsize=(12.5, 4.6))
    labels = {"1": "root only (no reset)", "0.5": r"dataset reset, $\nu(\mathrm{root})=0.5$",
              "0.2": r"dataset reset, $\nu(\mathrm{root})=0.2$"}
    t = v["t"] + 1
    for j, (w, lab) in enumerate(labels.items()):
        a1.plot(t, v[f"V_root_w{w}"], color=f"C{j}", label=lab)
    a1.axhline(1.0, color="k", ls="--", lw=1, label="covered response (value 1)")
    a1.axhline(0.5, color="0.5", ls=":", lw=1, label="plateau (value 0.5)")
    a1.set_xscale("log")
    a1.set_xlabel("exact PG iteration $t+1$")
    a1.set_ylabel(r"value at the root $V^{\pi_t}(s_0)$")
    a1.set_title("exact softmax PG on the token tree")
    legend_outside(a1, where="below", fontsize=7)
    tb = b["t"] + 1
    for j, w in enumerate(("0.5", "0.2"), start=1):
        a2.plot(tb, b[f"gap_w{w}"], "o-", color=f"C{j}", ms=3, label=f"gap to the covered response ({w})")
        a2.plot(tb, b[f"bound_w{w}"], "--", color=f"C{j}", label=rf"bound $C_\nu\sum_s\nu(s)\max_aA(s,a)$ ({w})")
    a2.plot(tb, b["gap_w1"], "o-", color="C0", ms=3, label="gap, root only (bound infinite)")
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlabel("exact PG iteration $t+1$")
    a2.set_ylabel(r"$V^{\tilde\pi}(s_0)-V^{\pi_t}(s_0)$ and its bound")
    a2.set_title("reset-distribution bound at every iterate")
    legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=150)
    return [Path(p) for p in save_figure(fig, folder / "chang2024_dataset_reset")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
