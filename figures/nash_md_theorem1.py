"""Figure: ``nash.md_theorem1``, Nash-MD Theorem 1, KL <= 8/(tau^2 (T+1)) (Munos et al. 2023, arXiv:2312.00886).

Usage: ``python figures/nash_md_theorem1.py [--quick] [--out DIR] [--seed N]`` -- writes PNG, PDF and CSV data
(default folder ``results/figures``, git-ignored) and prints the check's one-line verdict.
"""

import argparse
from pathlib import Path

from pgtheory.experiments import RunConfig, get


def main(argv=None):
    """Run the ``nash.md_theorem1`` check and write its figure.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--out", default="results/figures", help="output folder (git-ignored)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rep = get("nash.md_theorem1").run(RunConfig(quick=args.quick, out_dir=Path(args.out), seed=args.seed))
    print(f"{rep.name}: {rep.verdict} | {rep.measured} | {rep.seconds:.1f} s")
    for p in rep.figures + rep.data_files:
        print("  wrote", p)


if __name__ == "__main__":
    main()
