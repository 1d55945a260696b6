"""Figure: ``fatkhullin2023-lqr`` (Fatkhullin, Barakat, Kireeva, He, ICML 2023, arXiv:2302.01734).

Usage: ``python figures/fatkhullin2023_lqr.py [--quick] [--out DIR] [--seeds R]`` — writes PNG, PDF and
data (default folder ``results/figures``, git-ignored) and prints the check's one-line verdict.
"""

import argparse
from pathlib import Path

from pgtheory.experiments import get
from pgtheory.experiments._registry import RunConfig


def main(argv=None):
    """Run the registered check ``fatkhullin2023-lqr`` and print where its figure and data went."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--out", default="results/figures", help="output folder (git-ignored)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=None, help="number of seeds (default: the check's own)")
    args = ap.parse_args(argv)
    rep = get("fatkhullin2023-lqr").run(RunConfig(quick=args.quick, out_dir=Path(args.out), seed=args.seed, seeds=args.seeds))
    print(f"{rep.name}: {rep.verdict} | {rep.measured} | {rep.seconds:.1f} s")
    for p in rep.figures + rep.data_files:
        print("  wrote", p)


if __name__ == "__main__":
    main()
