"""Figure: ``nash.rate_vs_beta``, (b) fitted Nash-MP contraction per preference query vs beta against (1+2 beta)^(-1/2) (Tiapkin et al. 2025, arXiv:2505.19731v1).

Usage: ``python figures/nash_rate_vs_beta.py [--quick] [--out DIR] [--seed N]`` -- writes PNG, PDF and CSV data
(default folder ``results/figures``, git-ignored) and prints the check's one-line verdict.
"""

import argparse
from pathlib import Path

from pgtheory.experiments import RunConfig, get


def main(argv=None):
    """Run the ``nash.rate_vs_beta`` check and write its figure.

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
    rep = get("nash.rate_vs_beta").run(RunConfig(quick=args.quick, out_dir=Path(args.out), seed=args.seed))
    print(f"{rep.name}: {rep.verdict} | {rep.measured} | {rep.seconds:.1f} s")
    for p in rep.figures + rep.data_files:
        print("  wrote", p)


if __name__ == "__main__":
    main()
