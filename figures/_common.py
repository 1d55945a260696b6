"""Shared entry point of the figure scripts: run one registered experiment through the public API
and write its figures (PNG + PDF) and data (CSV / JSON) to ``--out`` (default ``figures/output``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(experiment: str, doc: str, argv=None) -> int:
    """Parse ``--quick`` / ``--out``, run ``experiment``, print what was written; return the exit status."""
    from pgtheory import experiments
    from pgtheory.experiments import RunConfig

    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output",
                   help="output folder (default figures/output, git-ignored)")
    p.add_argument("--seed", type=int, default=0, help="base seed (streams are spawned from it)")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default: the check's own)")
    args = p.parse_args(argv)
    rep = experiments.get(experiment).run(RunConfig(quick=args.quick, out_dir=args.out, seed=args.seed,
                                                    seeds=args.seeds))
    print(f"{rep.name}: {rep.verdict} -- {rep.measured} ({rep.seconds:.1f} s)")
    for f in rep.figures + rep.data_files:
        print("  wrote", f)
    return 0 if rep.verdict != "error" else 1
