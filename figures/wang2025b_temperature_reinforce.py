"""AEPO (Wang et al. 2025): entropy under exact GRPO ascent with a temperature-REINFORCE regulariser.

Entropy of a 6-arm softmax policy along exact expected GRPO steps (G = 8) plus lam x the REINFORCE
direction of samples at temperature T (bang-bang: T = 2 below the target, 0.5 above; our
reconstruction of AEPO's controller), for several target entropies (dotted), and without the
regulariser (collapse). The dash-dotted line is the highest entropy this weight can hold.

Run: ``python figures/wang2025b_temperature_reinforce.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

CHECK = "wang2025b-temperature-reinforce"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the PNG and PDF paths."""
    import json

    from pgtheory.plotting import add_verdict, legend_outside, new_axes, save_figure

    folder = Path(folder)
    c = _read_csv(folder / "wang2025b_entropy.csv")
    meta = json.loads((folder / "wang2025b_entropy_targets.json").read_text())
    fig, ax = new_axes()
    for j, Hs in enumerate(meta["targets"]):
        ax.plot(c["t"], c[f"H_target{Hs:g}"], color=f"C{j}", label=f"target {Hs:g} nats")
        ax.axhline(Hs, color=f"C{j}", ls=":", lw=1)
    ax.plot(c["t"], c["H_no_regulariser"], color="k", label="no regulariser (lam = 0)")
    ax.axhline(meta["ceiling"], color="0.4", ls="-.", lw=1, label=f"ceiling for lam = 2 ({meta['ceiling']:.2f})")
    ax.set_xlabel("exact ascent step $t$")
    ax.set_ylabel(r"entropy $H(\pi_t)$ (nats)")
    ax.set_title("entropy held at the target (reconstructed controller)")
    legend_outside(ax, where="right", fontsize=7)
    fig.tight_layout()
    verdict, reason = _caption(folder)
    add_verdict(fig, verdict, reason, width=95)
    return [Path(p) for p in save_figure(fig, folder / "wang2025b_temperature_reinforce")]


def _read_csv(path: Path) -> dict:
    """Columns of a CSV written by pgtheory.plotting.write_csv, as float arrays."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    cols = list(zip(*rows[1:])) if len(rows) > 1 else [()] * len(rows[0])
    return {name: np.array([float(v) for v in col]) for name, col in zip(rows[0], cols)}


def _caption(folder: Path) -> tuple:
    """Verdict and caption from the check's report.json (headline reason and every claim's verdict)."""
    from pgtheory.experiments import load_report

    rep = load_report(folder / "report.json")
    return rep.verdict, f"{rep.reason}. " + "; ".join(f"{c['name']}: {c['verdict']}" for c in rep.claims)


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    from pgtheory.experiments import figure_main

    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
