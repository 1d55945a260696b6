r"""The ``pgtheory`` command: list, run and reproduce the registered checks.

Usage
-----
``pgtheory list [--bounds] [--map]``
    Registered experiments (name, title) and bounds (``--bounds``); ``--map`` prints, per paper
    key, its places (bound catalog, experiments, figures, proofs_check, tests, algorithms, BibTeX
    key), computed from the code (:func:`pgtheory.experiments.paper_map`).
``pgtheory check NAME [--seeds N] [--quick] [--out DIR] [--seed S] [--figures DIR | --no-figures] [--formats LIST]``
    Run one experiment, print its row and every claim with its verdict and reason.
``pgtheory reproduce [--quick] [--out DIR] [--executor KIND] [--workers N] [--force] [--only NAME ...] [--seeds N] [--seed S] [--figures DIR | --no-figures] [--formats LIST]``
    Run every experiment (resuming those whose finished report in ``DIR`` was made with the same
    result-determining settings: quick, seeds, seed, pgtheory version; ``--force`` reruns all),
    print the table (check, source, stated, measured rate with CI, verdict, tightness, seconds)
    and every check's claims with their verdicts and reasons, and write figures (``--formats``), data
    (CSV / JSON), ``DIR/<name>/report.json`` and ``DIR/summary.{json,csv,md}`` and
    ``DIR/claims.csv`` (layouts in :mod:`pgtheory.experiments._runner`). A report that cannot be
    resumed is rerun and the reason printed (``rerun NAME: settings differ: quick True -> False``).
    By default every core is used: ``--executor process`` (the default) with ``--workers`` = the
    number of cores this process may use. Several checks are sent to the executor whole (longest
    first when ``DIR`` holds earlier reports) and run their seeds serially inside their worker, so
    pools never nest; a single check (``--only NAME``) maps its seeds over the executor instead.
    ``--executor`` is one of ``process``, ``thread``, ``serial``, ``dask[=ADDRESS]`` (Dask
    distributed; a ``LocalCluster`` of ``--workers`` processes without an address; extra
    ``pgtheory[dask]``) or ``ray[=ADDRESS]`` (extra ``pgtheory[ray]``). Reports are identical
    whatever the executor and the number of workers (seeds are spawned before any map).
``pgtheory sweep CHECK --grid PARAM=v1,v2 ... [--seeds N] [--seed S] [--quick] [--out DIR] [--executor KIND] [--workers N]``
    Run ``CHECK`` on every cell of the grid (the product of the ``--grid`` values; ``PARAM=a:b``
    is the integers a..b-1) on the executor, append each finished cell to ``DIR/cells.jsonl``
    (default ``DIR``: ``sweep-CHECK``), show a progress bar, and print the summary read back from
    the store. PARAM is ``quick``, ``seeds``, ``seed`` or a parameter the check declares
    (``pgtheory list --params``). Rerunning the same command resumes: finished cells are never
    recomputed (see :mod:`pgtheory.experiments._sweep`).
``--figures DIR`` (``check``, ``reproduce``)
    Where the figure scripts are. With ``--out``, each check's figure is drawn after it finishes
    by the ``draw(folder)`` of ``figures/<name>.py`` (:mod:`pgtheory.experiments._figures`); by
    default the folder is ``$PGTHEORY_FIGURES`` or the ``figures/`` folder beside the source (a
    checkout installed with ``pip install -e .``). Without one (a wheel install) the checks run
    and give the same verdicts, and a note says once how to draw the figures later. A figure
    that fails to draw is printed as such under its check's claims; the verdict is unaffected.
``--no-figures`` (``check``, ``reproduce``)
    Write the data and reports but draw no figure (drawing is about a fifth of the CPU time of
    ``reproduce --quick``; the verdicts are the same). A later ``reproduce --out DIR`` without
    it resumes those reports and draws their figures (one task per figure on the executor, so on
    every core by default), and ``python figures/<name>.py --from DIR`` draws one.
``--formats LIST`` (``check``, ``reproduce``)
    Figure formats, comma-separated from ``png``, ``pdf``, ``svg``. Default: ``png`` with
    ``--quick`` (a quick run is for looking; writing the PDFs, with their embedded fonts, was a
    fifth of its CPU time), ``png,pdf`` for a full run
    (:func:`pgtheory.experiments.default_formats`). A resumed report whose figures lack a format
    asked for now gets them drawn; its numbers are not recomputed.
``--module MODULE`` (``list``, ``check``, ``reproduce``; repeatable)
    Also load checks registered in a user module: an importable module name or a path to a
    ``.py`` file whose functions carry ``@pgtheory.experiments.experiment(NAME, TITLE)``. They run
    like built-in checks (same reports, resume and figures). ``reproduce --module M`` without
    ``--only`` runs the checks of ``M`` only. Modules listed in the entry-point group
    ``pgtheory.experiments`` of installed packages are always loaded.
``pgtheory bound ID``
    Print a registered bound: statement, symbols, source, provenance, LaTeX, BibTeX.
``pgtheory cite [ID]``
    BibTeX of a bound (or of the package).

Options are checked before any work starts: ``--seeds`` and ``--workers`` must be integers >= 1,
``--seed`` an integer >= 0, ``--out`` a directory or a path that can be created as one (not an
existing file, not below one), and every ``NAME`` (``check NAME``, ``--only NAME ...``) a
registered experiment. A bad option exits with status 2 and a message naming the option and the
fix (``pgtheory check: error: argument --seeds: 0 is not a positive integer; give N >= 1``).

Printed text is wrapped to the terminal width, never cut.

Interruption: Ctrl-C (SIGINT) or SIGTERM during ``check``, ``reproduce`` or ``sweep`` cancels the
pending work, stops the workers (process pool children are terminated; a Dask cluster or Ray is
shut down) and exits within seconds with status 130 (SIGINT) or 143 (SIGTERM). Reports (and
sweep cells) that finished are kept on disk, and rerunning the same command resumes from them.

Exit status: 0 when every experiment ran (whatever its verdict: a ``violated`` verdict is a
finding, reported in the table); 1 when an experiment raised an error (reported as an ``error``
row with its reason and traceback, after all others ran); 2 for usage errors (bad options,
unknown experiment or bound); 130 / 143 when interrupted. Progress bars appear only on a terminal.
A former check name (``pgtheory.experiments.renamed()``, e.g. ``nash-compare``) still works in
``check`` and ``--only``: it prints a deprecation warning naming the new one and runs, and writes
its results, under the new name.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from ._options import formats as formats_type, out_dir as _out_dir, positive_int as _positive_int, seed as _seed  # shared with figure_main

__all__ = ["main", "build_parser"]


def _executor(text: str) -> str:
    from .errors import ValidationError
    from .experiments import parse_executor

    try:
        parse_executor(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("executor: ")) from None
    return text


def _executor_options(sub: argparse.ArgumentParser, what: str) -> None:
    from .experiments import default_workers

    sub.add_argument("--executor", type=_executor, default="process", metavar="KIND",
                     help=f"where {what} run: process (default), thread, serial, dask[=ADDRESS], ray[=ADDRESS]")
    sub.add_argument("--workers", type=_positive_int, default=None,
                     help=f"workers of the pool or local cluster (>= 1; default: all {default_workers()} cores)")


def _figures_options(sub: argparse.ArgumentParser) -> None:
    g = sub.add_mutually_exclusive_group()
    g.add_argument("--figures", type=Path, default=None, metavar="DIR",
                   help="folder of the figure scripts (default: $PGTHEORY_FIGURES, else figures/ beside the source)")
    g.add_argument("--no-figures", action="store_true",
                   help="draw no figure (data and reports only; the verdicts are the same)")
    sub.add_argument("--formats", type=formats_type, default=None, metavar="LIST",
                     help="figure formats, comma-separated from png, pdf, svg (default: png with --quick, "
                          "else png,pdf)")


def _module_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--module", action="append", default=None, metavar="MODULE",
                     help="load checks from this module (importable name or path to a .py file); repeatable")


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
    ls.add_argument("--map", action="store_true",
                    help="print, per paper key, its places (catalog, experiments, figures, proofs_check, tests, "
                         "algorithms, BibTeX key)")
    ls.add_argument("--params", action="store_true", help="also list each check's sweepable parameters")
    _module_option(ls)
    ck = sub.add_parser("check", help="run one experiment")
    ck.add_argument("name", metavar="NAME", help="registered experiment (`pgtheory list`)")
    ck.add_argument("--seeds", type=_positive_int, default=None, help="seeds for stochastic experiments (>= 1)")
    ck.add_argument("--seed", type=_seed, default=0, help="base seed (>= 0)")
    ck.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ck.add_argument("--out", type=_out_dir, default=None, help="write figures, data and report.json in this folder")
    _figures_options(ck)
    _executor_options(ck, "the check's seeds")
    _module_option(ck)
    rp = sub.add_parser("reproduce", help="run every experiment and print the table")
    rp.add_argument("--quick", action="store_true", help="small sizes (CI)")
    rp.add_argument("--out", type=_out_dir, default=None, help="output folder (enables resume)")
    _executor_options(rp, "checks")
    rp.add_argument("--seeds", type=_positive_int, default=None, help="seeds for stochastic experiments (>= 1)")
    rp.add_argument("--seed", type=_seed, default=0, help="base seed (>= 0)")
    rp.add_argument("--force", action="store_true", help="re-run experiments whose report exists in --out")
    rp.add_argument("--only", nargs="+", default=None, metavar="NAME", help="run only these experiments")
    _figures_options(rp)
    _module_option(rp)
    sw = sub.add_parser("sweep", help="run one check over a grid of settings, resumable")
    sw.add_argument("name", metavar="CHECK", help="registered experiment (`pgtheory list`)")
    sw.add_argument("--grid", nargs="+", action="extend", default=[], metavar="PARAM=VALUES",
                    help="PARAM=v1,v2,... or PARAM=a:b (integers a..b-1); PARAM is quick, seeds, seed or a "
                         "declared parameter of the check (`pgtheory list --params`)")
    sw.add_argument("--seeds", type=_positive_int, default=None, help="seeds of each run (>= 1), unless gridded")
    sw.add_argument("--seed", type=_seed, default=0, help="base seed (>= 0), unless gridded")
    sw.add_argument("--quick", action="store_true", help="small sizes, unless gridded")
    sw.add_argument("--out", type=_out_dir, default=None,
                    help="folder of the append-only store (default ./sweep-CHECK); rerun to resume")
    _executor_options(sw, "cells")
    _module_option(sw)
    bd = sub.add_parser("bound", help="describe a registered bound")
    bd.add_argument("id")
    ct = sub.add_parser("cite", help="BibTeX of a bound, or of pgtheory")
    ct.add_argument("id", nargs="?", default=None)
    return p


def _sub_parser(parser: argparse.ArgumentParser, cmd: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[cmd]
    return parser  # pragma: no cover


class _Terminated(KeyboardInterrupt):
    """SIGTERM, delivered like Ctrl-C so that the same clean-up runs."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def main(argv=None) -> int:
    """Entry point of the ``pgtheory`` command; a closed output pipe (``| head``) ends it quietly.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (130 after Ctrl-C, 143 after SIGTERM).
    """
    in_main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (e.g. ``pgtheory list | head``): stop without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, old)


def _interrupted(exc: KeyboardInterrupt, what: str) -> int:
    """Say what was kept after an interruption; the exit status (130 SIGINT, 143 SIGTERM)."""
    sig = "SIGTERM" if isinstance(exc, _Terminated) else "SIGINT"
    print(f"\ninterrupted ({sig}): {what}", file=sys.stderr, flush=True)
    code = 143 if sig == "SIGTERM" else 130
    sys.stdout.flush()
    # Threads of a thread pool cannot be stopped: leave without waiting for them (everything that
    # finished is on disk already).
    if threading.current_thread() is threading.main_thread() and any(
            t.is_alive() and not t.daemon and t is not threading.current_thread() for t in threading.enumerate()):
        os._exit(code)
    return code


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
    user_names: list = []
    for spec in getattr(args, "module", None) or ():
        from .errors import ValidationError
        from .experiments import load_module

        try:
            user_names += [n for n in load_module(spec) if n not in user_names]
        except ValidationError as exc:
            sub = _sub_parser(parser, args.cmd)
            sub.print_usage(sys.stderr)
            print(f"{sub.prog}: error: argument --module: {exc}", file=sys.stderr)
            return 2
    if args.cmd == "list":
        from .experiments import list_experiments

        if args.map:
            from .experiments import format_map, paper_map

            print(format_map(paper_map()))
            return 0
        exps = list_experiments()
        w = max((len(e.name) for e in exps), default=4)
        print(f"{len(exps)} experiments:")
        for e in exps:
            print(f"  {e.name:<{w}}  {e.title}")
            if args.params and e.params:
                print(f"  {'':<{w}}    params: " + ", ".join(f"{k}={v!r}" for k, v in e.params.items()))
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
    from .experiments import RunConfig, default_workers, get, list_experiments
    from .experiments._runner import format_reasons, format_table, run_all, run_one

    names = [args.name] if args.cmd in ("check", "sweep") else list(dict.fromkeys(args.only or user_names))
    unknown, current = [], []
    for n in names:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DeprecationWarning)
                current.append(get(n).name)  # a former name runs (and writes its results) under the new one
        except KeyError:
            unknown.append(n)
        else:
            for w in caught:
                print(f"pgtheory: warning: {w.message}", file=sys.stderr)
    figures = _figures_option(parser, args)
    if figures is _BAD:
        return 2
    if unknown:
        avail = ", ".join(e.name for e in list_experiments())
        what = {"check": "NAME", "sweep": "CHECK"}.get(args.cmd, "--only")
        msg = (f"argument {what}: no experiment named {', '.join(map(repr, unknown))}; "
               f"choose from `pgtheory list`: {avail}")
        sub = _sub_parser(parser, args.cmd)
        sub.print_usage(sys.stderr)
        print(f"{sub.prog}: error: {msg}", file=sys.stderr)
        return 2
    names = list(dict.fromkeys(current))
    if args.cmd == "check":
        from .experiments import open_executor

        try:
            with open_executor(args.executor, args.workers) as ex:
                cfg = RunConfig(quick=args.quick, seeds=args.seeds, out_dir=args.out, seed=args.seed, progress=tty,
                                executor=ex)
                rep = run_one(names[0], cfg, figures=figures, formats=args.formats)
        except KeyboardInterrupt as exc:
            return _interrupted(exc, f"{names[0]} did not finish; nothing was written for it")
        print(format_table([rep]))
        print()
        print(format_reasons(rep))
        if rep.figures:
            print("figures: " + ", ".join(rep.figures))
        if rep.data_files:
            print("data: " + ", ".join(rep.data_files))
        return 1 if rep.verdict == "error" else 0
    if args.cmd == "sweep":
        return _sweep(args, tty, names[0])
    # reproduce
    done: list = []
    try:
        reports = run_all(names or None, quick=args.quick, out_dir=args.out, seeds=args.seeds, seed=args.seed,
                          force=args.force, workers=args.workers or default_workers(), executor=args.executor,
                          progress=tty, on_result=done.append, figures=figures, formats=args.formats)
    except KeyboardInterrupt as exc:
        kept = sum(1 for r in done if r.verdict != "error" and not r.details.get("resumed"))
        where = (f"{kept} report(s) finished in this run are kept in {args.out}; rerun the same command to resume"
                 if args.out is not None else f"{kept} check(s) had finished (no --out: nothing was written)")
        return _interrupted(exc, where)
    print(format_table(reports))
    reruns = [f"rerun {r.name}: {r.details['rerun_reason']}" for r in reports if r.details.get("rerun_reason")]
    if reruns:
        print("\n" + "\n".join(reruns))
    print("\nclaims (verdict, claim, reason):")
    for r in reports:
        print(format_reasons(r, show_traceback=False))  # tracebacks go to stderr below
    n_err = sum(r.verdict == "error" for r in reports)
    counts = {}
    for r in reports:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    resumed = sum(bool(r.details.get("resumed")) for r in reports)
    print("\n" + ", ".join(f"{v}: {k}" for k, v in sorted(counts.items()))
          + (f" ({resumed} resumed from {args.out})" if resumed else ""))
    _note_other_commits(reports)
    for r in reports:
        if r.verdict == "error":
            print(f"\nERROR in {r.name}:\n{r.details.get('traceback', r.measured)}", file=sys.stderr)
    if args.out is not None:
        print(f"data and reports in {args.out} (figures not drawn: --no-figures)" if args.no_figures
              else f"figures, data and reports in {args.out}")
    return 1 if n_err else 0


def _sweep(args, tty: bool, name: str) -> int:
    """``pgtheory sweep``: parse the grid (exit 2 on a bad one), run, print the summary from the store."""
    from .errors import ValidationError
    from .experiments import parse_grid, sweep

    try:
        grid = parse_grid(name, args.grid)
    except ValidationError as exc:
        sub = _sub_parser(build_parser(), "sweep")
        sub.print_usage(sys.stderr)
        print(f"{sub.prog}: error: argument --grid: {str(exc).removeprefix('grid: ')}", file=sys.stderr)
        return 2
    out = args.out if args.out is not None else Path(f"sweep-{name}")
    n_new: list = []
    try:
        res = sweep(name, grid, seeds=args.seeds, seed=args.seed, quick=args.quick, out_dir=out,
                    executor=args.executor, workers=args.workers, progress=tty, on_cell=n_new.append)
    except ValidationError as exc:
        sub = _sub_parser(build_parser(), "sweep")
        sub.print_usage(sys.stderr)
        print(f"{sub.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        return _interrupted(exc, f"{len(n_new)} cell(s) finished in this run are stored in {out}; "
                                 "rerun the same command to resume")
    print(res.summary())
    for e in res.errors:
        print(f"ERROR in cell {e['cell']}: {e['error']}", file=sys.stderr)
    return 1 if res.errors else 0


_BAD = object()


def _figures_option(parser, args):
    """The figures folder to pass to the runner (None: look it up), checked before any work; says once
    when there is none. ``_BAD`` after printing a usage error."""
    from .errors import ValidationError
    from .experiments import figures_dir
    from .experiments import _runner

    if args.cmd not in ("check", "reproduce") or args.out is None:
        return None  # nothing is written (or, for sweep, no figure is drawn)
    if args.no_figures:
        return False
    try:
        where = figures_dir(args.figures)
    except ValidationError as exc:
        sub = _sub_parser(parser, args.cmd)
        sub.print_usage(sys.stderr)
        print(f"{sub.prog}: error: argument --figures: {exc}", file=sys.stderr)
        return _BAD
    if where is None:
        print(f"note: {_runner.NO_FIGURES_HINT}", file=sys.stderr)
        _runner._SAID_NO_FIGURES = True  # said here, once; the runner need not log it again
    return args.figures


def _note_other_commits(reports) -> None:
    """Say when resumed reports were written at another git commit (they are reused all the same)."""
    from .experiments import RunConfig
    from .experiments._runner import run_settings

    now = run_settings(RunConfig()).get("git_commit")
    other = [r.name for r in reports if r.details.get("resumed") and now
             and r.settings.get("git_commit") not in (None, now)]
    if other:
        print(f"note: {len(other)} resumed report(s) were written at another git commit ({', '.join(other)}); "
              "rerun with --force if the code they depend on changed")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
