"""AEPO (Wang et al. 2025): entropy under exact GRPO ascent with a temperature-REINFORCE regulariser.

Entropy of a 6-arm softmax policy along exact expected GRPO steps (G = 8) plus lam x the REINFORCE
direction of samples at temperature T (bang-bang: T = 2 below the target, 0.5 above; our
reconstruction of AEPO's controller), for several target entropies (dotted), and without the
regulariser (collapse). The dash-dotted line is the highest entropy this weight can hold.

Run: ``python figures/wang2025b_temperature_reinforce.py [--quick] [--out DIR] [--from DIR]``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

NAME = "wang2025b-temperature-reinforce"


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


def main(name: str = NAME, argv=None) -> int:
    """Run the check ``name`` (or read a finished run with ``--from DIR``) and draw its figure; returns the exit status."""
    from pgtheory.experiments import RunConfig, run_one

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output",
                   help="output folder (default figures/output); the check writes into OUT/<check name>")
    p.add_argument("--from", dest="from_dir", type=Path, default=None, metavar="DIR",
                   help="compute nothing: draw from DIR/<check name> of a `pgtheory reproduce --out DIR` run")
    args = p.parse_args(argv)
    folder = (args.from_dir if args.from_dir is not None else args.out) / name
    if args.from_dir is None:
        rep = run_one(name, RunConfig(quick=args.quick, out_dir=folder))
        print(f"{rep.name}: {rep.verdict} -- {rep.reason} ({rep.seconds:.1f} s)")
        if rep.verdict == "error":
            return 1
    for f in draw(folder):
        print("  figure", f)
    return 0


if __name__ == "__main__":
    status = main("wang2025b-temperature-reinforce")
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
