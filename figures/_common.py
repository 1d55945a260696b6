"""Shared entry point of the figure scripts: run one registered experiment through the public API
and write its figures (PNG + PDF) and data (CSV / JSON) to ``--out`` (default ``figures/output``).

With ``--from DIR`` nothing is computed: DIR is a ``pgtheory reproduce --out DIR`` (or
:func:`pgtheory.experiments.run_all`) folder, and the script prints the verdict recorded in
``DIR/<experiment>/report.json`` and lists the PNGs already written there. The docs build uses
this: it runs one quick reproduction of every figure's check on a process pool, then every
gallery script only reads it (see ``docs/conf.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(experiment: str, doc: str, argv=None) -> int:
    """Parse ``--quick`` / ``--out`` / ``--from``, run (or read) ``experiment``, print what was written; return the exit status."""
    from pgtheory import experiments
    from pgtheory.experiments import RunConfig, load_report

    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output",
                   help="output folder (default figures/output, git-ignored)")
    p.add_argument("--seed", type=int, default=0, help="base seed (streams are spawned from it)")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default: the check's own)")
    p.add_argument("--from", dest="from_dir", type=Path, default=None, metavar="DIR",
                   help="compute nothing: show the report and PNGs already in DIR/<experiment>/ "
                        "(a `pgtheory reproduce --out DIR` folder)")
    args = p.parse_args(argv)
    if args.from_dir is not None:
        folder = args.from_dir / experiment
        report = folder / "report.json"
        if not report.is_file():
            print(f"{experiment}: no finished report in {folder} (run `pgtheory reproduce --out {args.from_dir}` first)")
            return 1
        rep = load_report(report)
        print(f"{rep.name}: {rep.verdict} -- {rep.measured} ({rep.seconds:.1f} s, read from {folder})")
        for f in sorted(folder.glob("*.png")):
            print("  figure", f)
        return 0 if rep.verdict != "error" else 1
    rep = experiments.get(experiment).run(RunConfig(quick=args.quick, out_dir=args.out, seed=args.seed,
                                                    seeds=args.seeds))
    print(f"{rep.name}: {rep.verdict} -- {rep.measured} ({rep.seconds:.1f} s)")
    for f in rep.figures + rep.data_files:
        print("  wrote", f)
    return 0 if rep.verdict != "error" else 1
