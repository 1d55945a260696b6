r"""The ``pgtheory`` command: list, run and reproduce the registered checks.

Usage
-----
``pgtheory list``
    Registered experiments (name, title) and bounds (``--bounds``).
``pgtheory check NAME [--seeds N] [--quick] [--out DIR] [--seed S]``
    Run one experiment, print its row and the reasons behind its verdict.
``pgtheory reproduce [--quick] [--out DIR] [--workers N] [--force] [--only NAME ...]``
    Run every experiment (skipping those whose finished report exists in ``DIR``, unless
    ``--force``), print the table (check, source, stated rate, measured rate with CI, verdict),
    and write figures (PNG + PDF), data (CSV / JSON), ``DIR/<name>/report.json`` and
    ``DIR/summary.{json,csv}``. ``--workers N`` runs experiments in a process pool.
``pgtheory bound ID``
    Print a registered bound: statement, symbols, source, provenance, LaTeX, BibTeX.
``pgtheory cite [ID]``
    BibTeX of a bound (or of the package).

Exit status: 0 when every experiment ran (whatever its verdict: a ``violated`` verdict is a
finding, reported in the table); 1 when an experiment raised an error (reported as an ``error``
row, after all others ran); 2 for usage errors. Progress bars appear only on a terminal.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pgtheory`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    p = argparse.ArgumentParser(prog="pgtheory", description="Check policy-gradient theory numerically.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress messages")
    sub = p.add_subparsers(dest="cmd")
    ls = sub.add_parser("list", help="list registered experiments (and bounds)")
    ls.add_argument("--bounds", action="store_true", help="also list registered bounds")
    ck = sub.add_parser("check", help="run one experiment")
    ck.add_argument("name")
    ck.add_argument("--seeds", type=int, default=None, help="seeds for stochastic experiments")
    ck.add_argument("--seed", type=int, default=0, help="base seed")
    ck.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ck.add_argument("--out", type=Path, default=None, help="write figures and data here")
    rp = sub.add_parser("reproduce", help="run every experiment and print the table")
    rp.add_argument("--quick", action="store_true", help="small sizes (CI)")
    rp.add_argument("--out", type=Path, default=None, help="output folder (enables resume)")
    rp.add_argument("--workers", type=int, default=1, help="processes (ProcessPoolExecutor) for experiments")
    rp.add_argument("--seeds", type=int, default=None)
    rp.add_argument("--seed", type=int, default=0)
    rp.add_argument("--force", action="store_true", help="re-run experiments whose report exists in --out")
    rp.add_argument("--only", nargs="+", default=None, metavar="NAME", help="run only these experiments")
    bd = sub.add_parser("bound", help="describe a registered bound")
    bd.add_argument("id")
    ct = sub.add_parser("cite", help="BibTeX of a bound, or of pgtheory")
    ct.add_argument("id", nargs="?", default=None)
    return p


def _print_reasons(rep) -> None:
    for c in rep.details.get("checks", [])[:12]:
        print(f"  - [{c.get('verdict')}] {c.get('label') or c.get('check')}: {c.get('reason')}")
    if rep.verdict == "error":
        print(rep.details.get("traceback", ""))


def main(argv=None) -> int:
    """Entry point of the ``pgtheory`` command; a closed output pipe (``| head``) ends it quietly.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    import os
    import sys

    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (e.g. ``pgtheory list | head``): stop without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv=None) -> int:
    """Parse ``argv`` and run the sub-command; the body of :func:`main`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.version:
        import pgtheory

        print(pgtheory.__version__)
        return 0
    if args.cmd is None:
        parser.print_help()
        return 2
    tty = sys.stderr.isatty()
    if args.cmd == "list":
        from .experiments import list_experiments

        exps = list_experiments()
        w = max((len(e.name) for e in exps), default=4)
        print(f"{len(exps)} experiments:")
        for e in exps:
            print(f"  {e.name:<{w}}  {e.title}")
        if args.bounds:
            from .bounds import list_bounds

            bs = list_bounds()
            print(f"\n{len(bs)} bounds:")
            for b in bs:
                print(f"  {b.id:<34} {b.kind:<6} {b.citation.short()}")
        return 0
    if args.cmd == "bound":
        from .bounds import get as get_bound

        try:
            b = get_bound(args.id)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
        print(b.describe())
        print("\nLaTeX: " + b.latex())
        print("\n" + b.bibtex())
        return 0
    if args.cmd == "cite":
        from ._cite import cite

        try:
            print(cite(args.id))
        except Exception as exc:
            print(str(exc), file=sys.stderr)
            return 2
        return 0
    from .experiments import RunConfig, get
    from .experiments._runner import format_table, run_all, run_one

    if args.cmd == "check":
        try:
            get(args.name)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
        cfg = RunConfig(quick=args.quick, seeds=args.seeds, out_dir=args.out, seed=args.seed, progress=tty)
        rep = run_one(args.name, cfg)
        print(format_table([rep]))
        _print_reasons(rep)
        if rep.figures:
            print("figures: " + ", ".join(rep.figures))
        if rep.data_files:
            print("data: " + ", ".join(rep.data_files))
        return 1 if rep.verdict == "error" else 0
    # reproduce
    try:
        reports = run_all(args.only, quick=args.quick, out_dir=args.out, seeds=args.seeds, seed=args.seed,
                          force=args.force, workers=max(1, args.workers), progress=tty)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    print(format_table(reports))
    n_err = sum(r.verdict == "error" for r in reports)
    counts = {}
    for r in reports:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    resumed = sum(bool(r.details.get("resumed")) for r in reports)
    print("\n" + ", ".join(f"{v}: {k}" for k, v in sorted(counts.items()))
          + (f" ({resumed} resumed from {args.out})" if resumed else ""))
    for r in reports:
        if r.verdict == "error":
            print(f"\nERROR in {r.name}:\n{r.details.get('traceback', r.measured)}", file=sys.stderr)
    if args.out is not None:
        print(f"figures, data and reports in {args.out}")
    return 1 if n_err else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
