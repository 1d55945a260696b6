"""Figure: ``subpo-grid-coverage`` (Prajapat et al., ICLR 2024, arXiv:2307.13372).

Usage: ``python figures/subpo_grid_coverage.py [--quick] [--out DIR]`` — writes PNG, PDF and CSV data
(default folder ``results/figures``, git-ignored) and prints the check's one-line verdict.
"""

import argparse
from pathlib import Path

from pgtheory.experiments import get
from pgtheory.experiments._registry import RunConfig


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--out", default="results/figures", help="output folder (git-ignored)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rep = get("subpo-grid-coverage").run(RunConfig(quick=args.quick, out_dir=Path(args.out), seed=args.seed))
    print(f"{rep.name}: {rep.verdict} | {rep.measured} | {rep.seconds:.1f} s")
    for p in rep.figures + rep.data_files:
        print("  wrote", p)


if __name__ == "__main__":
    main()
