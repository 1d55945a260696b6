"""The command line of the figure scripts, and their verdict captions.

Every ``figures/<name>.py`` ends with ``main()`` calling :func:`figure_main` with its check name
and its ``draw``; the script draws, this runs (or finds) what it draws from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._options import out_dir, positive_int, seed
from ..errors import ValidationError
from ._registry import RunConfig, get
from ._runner import REPORT_FILE, draw_report_figures, load_report, run_one

__all__ = ["figure_main", "figure_caption"]


#: Caption styles of :func:`figure_caption`.
CAPTION_STYLES = ("explain", "findings", "headline", "verdicts")


def figure_caption(report, claims=None, *, max_claims: int | None = None, style: str = "explain") -> tuple:
    """The verdict caption of a figure, from its check's ``report.json``.

    Parameters
    ----------
    report : str, Path or CheckReport
        The check's output folder, its ``report.json``, or the loaded report.
    claims : list of str, optional
        Names of the claims the figure shows, in caption order (default: all the report's claims,
        in their order).
    max_claims : int, optional
        At most this many claims are spelled out (default 3 for ``"explain"``, 4 for
        ``"findings"``).
    style : {"explain", "findings", "headline", "verdicts"}
        ``"explain"``: :func:`pgtheory.ratecheck.explain` (the headline reason, then the deciding
        claims' reasons, or their tightness when all are consistent); ``"findings"``: the headline
        reason, then the claims, inconsistent ones first, each with its reason, or its tightness
        and finding when consistent; ``"headline"``: the report's own verdict and reason
        (:func:`pgtheory.ratecheck.combine` of the claims); ``"verdicts"``: the report's verdict,
        and its reason followed by every claim's name and verdict
        (``"<reason>. <name>: <verdict>; ..."``, the caption of checks whose figure shows the
        claims' numbers itself).

    Returns
    -------
    (str, str)
        ``(verdict, reason)`` for :func:`pgtheory.plotting.add_verdict`: the same text the style
        gives on the claims themselves (the report stores each claim's name, verdict, reason and
        tightness text).

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``style`` is unknown, or a name in ``claims`` is not a claim of the report.
    """
    from ..ratecheck import combine, explain
    from ._claim_helpers import verdict_caption

    if style not in CAPTION_STYLES:
        raise ValidationError(f"style: {style!r} is not one of {CAPTION_STYLES}. Fix: pick one of them.")
    if isinstance(report, (str, Path)):
        p = Path(report)
        report = load_report(p / REPORT_FILE if p.is_dir() else p)
    rows = list(report.claims)
    if claims is not None:
        by_name = {r["name"]: r for r in rows}
        missing = [c for c in claims if c not in by_name]
        if missing:
            raise ValidationError(f"claims: {missing} are not claims of {report.name!r} (it has "
                                  f"{sorted(by_name)}). Fix: use the names in its report.json.")
        rows = [by_name[c] for c in claims]
    if style == "headline":
        return combine(rows)
    if style == "verdicts":
        return report.verdict, f"{report.reason}. " + "; ".join(f"{c['name']}: {c['verdict']}" for c in rows)
    if style == "findings":
        return verdict_caption(rows, max_claims=4 if max_claims is None else max_claims)
    return explain(rows, max_claims=3 if max_claims is None else max_claims)


def figure_main(name: str, draw, doc: str | None = None, argv=None) -> int:
    """Command line of a figure script: ``python figures/<name>.py [--quick] [--out DIR] [--from DIR]``.

    Without ``--from`` the check runs through the public API (:func:`run_one`) into
    ``DIR/<name>/`` (``--out``, default ``figures/output``), then the script's own ``draw`` draws
    from that folder through :func:`draw_report_figures`, so its ``report.json`` records the
    figure as a ``pgtheory check`` run does (``figures`` and ``details["figure"]``: drawn, or
    failed with the reason and traceback). With ``--from DIR`` nothing is computed: ``draw``
    reads ``DIR/<name>/`` of an earlier ``pgtheory reproduce --out DIR`` run (the docs gallery
    does this) and that run's ``report.json`` is left as it is.

    The options are checked as the ``pgtheory`` command checks them, before anything runs:
    ``--seeds`` an integer >= 1, ``--seed`` an integer >= 0, ``--out`` a directory or a path that
    can be created as one; a bad value exits with status 2 and a message naming the option and the
    fix (``error: argument --seeds: 0 is not a positive integer; give N >= 1``).

    Parameters
    ----------
    name : str
        Registered check name.
    draw : callable
        The script's ``draw(folder) -> list[Path]``.
    doc : str, optional
        The script's docstring (its first line is the ``--help`` description).
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0, or 1 when the check ended in ``"error"``, its figure failed to draw, or
        ``--from`` holds no report of it.

    Raises
    ------
    SystemExit
        With status 2 for a bad option (``argparse``), before anything runs.
    KeyError
        When ``name`` is not a registered check.
    """
    get(name)  # an unknown name fails before anything runs
    p = argparse.ArgumentParser(description=(doc or name).strip().splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--out", type=out_dir, default=None,
                   help="output folder; files go to OUT/<check>/ (default figures/output, git-ignored)")
    p.add_argument("--seed", type=seed, default=0, help="base seed (>= 0; streams are spawned from it)")
    p.add_argument("--seeds", type=positive_int, default=None, help="number of seeds (>= 1; default: the check's own)")
    p.add_argument("--from", dest="from_dir", type=Path, default=None, metavar="DIR",
                   help="compute nothing: draw from DIR/<check>/ of a `pgtheory reproduce --out DIR` run")
    args = p.parse_args(argv)
    if args.from_dir is not None:
        folder = args.from_dir / name
        if not (folder / REPORT_FILE).is_file():
            print(f"{name}: no finished report in {folder} (run `pgtheory reproduce --out {args.from_dir}` first)")
            return 1
        rep = load_report(folder / REPORT_FILE)
        print(f"{rep.name}: {rep.verdict} -- {rep.measured} ({rep.seconds:.1f} s, read from {folder})")
        if rep.verdict == "error":
            return 1
    else:
        # default: figures/output beside the script that defines draw
        out = args.out if args.out is not None else Path(draw.__code__.co_filename).resolve().parent / "output"
        folder = out / name
        rep = run_one(name, RunConfig(quick=args.quick, out_dir=folder, seed=args.seed, seeds=args.seeds),
                      figures=False)
        print(f"{rep.name}: {rep.verdict} -- {rep.measured} ({rep.seconds:.1f} s)")
        for f in rep.data_files:
            print("  wrote", f)
        if rep.verdict == "error":
            return 1
        rep = draw_report_figures(rep, folder, draw=draw)  # records the figure in report.json
        fig = rep.details["figure"]
        if fig["status"] != "drawn":
            print(f"{name}: figure {fig['status'].upper()}: {fig['reason']}\n{fig.get('traceback', '')}",
                  file=sys.stderr)
            return 1
        for f in rep.figures:
            print("  figure", f)
        return 0
    for f in draw(folder):
        print("  figure", f)
    return 0
