r"""Running registered experiments: one at a time, all of them with resume, and the report table.

Used by the ``pgtheory`` command and by ``figures/``; experiment modules use the helper
:func:`report_from_claims` to turn claims and rate checks into a
:class:`~pgtheory.results.CheckReport`, and :func:`write_data_csv` / :func:`write_data_json` to
write the data their figure needs.

Experiments compute, figures draw: an experiment writes data files and states claims and never
imports matplotlib; after it finishes, :func:`run_one` writes ``report.json`` and calls the
``draw(folder)`` of the check's script in ``figures/`` (:func:`draw_report_figures`, found by
:func:`~pgtheory.experiments.figure_script`), which reads the data and the report and writes
the figure beside them (:func:`default_formats`: PNG + PDF, PNG only in a quick run).

Output layout of ``run_all(out_dir=DIR)``: ``DIR/<name>/`` holds the experiment's data (CSV /
JSON), its figures (PNG + PDF, or the ``formats`` asked for) and ``DIR/<name>/report.json`` its report, written atomically
(temporary file + ``os.replace``) once the check has finished, and rewritten with the figures
once they are drawn. A report file therefore exists only for a finished experiment, which is
what resuming relies on (a resumed report keeps the figures it drew; one written with figures off,
``--no-figures``, has its figure drawn when resumed by a run that draws). The tables of the whole run:

``DIR/summary.json``
    Every report (as in ``report.json``).
``DIR/summary.csv``
    One row per check: ``name, source, stated, measured, verdict, reason, tightness, seconds``.
``DIR/claims.csv``
    One row per claim of every check: ``check, claim, kind, verdict, reason, source, stated,
    measured, tightness, slack_min, loose, bound_id`` (a check with no claim list contributes the
    rows of its rate checks, ``details["checks"]``, with the columns it has).
``DIR/summary.md``
    A markdown table of the checks (verdict, reason, tightness), then each check's claims with
    their verdicts and reasons.

All files are strict JSON / CSV (non-finite floats in JSON as the strings ``"nan"``, ``"inf"``,
``"-inf"``, see :func:`pgtheory.plotting.write_json`) and get the user's umask.

Settings and resume
-------------------
:func:`run_one` stamps each report's ``settings`` (:func:`run_settings`): the options that
determine the result (``quick``, ``seeds``, ``seed``, the check ``params``, the pgtheory
``version``) and, for
provenance, the git commit of the source tree (None outside a git checkout), the Python, NumPy,
SciPy and Numba versions, and the ids of the bounds the report's claims use. ``run_all`` skips an
experiment whose report exists in ``DIR`` only when its result-determining settings
(:data:`RESUME_KEYS`) equal the current ones; otherwise it reruns it and says why
(``details["rerun_reason"]`` of the new report, a log line, and a line printed by the CLI).
Reports without settings (pgtheory 0.1.0) are rerun with the reason ``"no settings recorded"``.
The git commit and library versions are recorded but do not force a rerun: they change with every
commit and upgrade, which would make resuming an interrupted run impossible during development,
and a change that matters shows in the package version; after editing an experiment, rerun it
with ``--force`` (the CLI notes resumed reports written at another commit).

A failing experiment becomes a report with verdict ``"error"`` (the exception in ``reason``, its
traceback in ``details``); it is never written as finished, so a resumed run retries it.

:func:`load_report` reads ``report.json`` back: the strings ``"nan"``, ``"inf"`` and ``"-inf"``
become floats again in ``seconds`` and wherever they appear as values inside ``details``,
``claims`` and ``settings`` (pgtheory never stores those words as text there); the text fields
(``name``, ``source``, ``stated``, ``measured``, ``verdict``, ``reason``, ``tightness``) are
left as read.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import dataclasses
import functools
import io
import json
import logging
import shutil
import textwrap
import threading
import time
import traceback
from pathlib import Path

from ..results import CheckReport
from ._durations import expected_seconds
from ._figures import NO_FIGURES_HINT, defined_in, draw_figures, figure_script, figures_dir
from ._parallel import SerialExecutor, open_executor, parse_executor
from ._registry import RunConfig, get, list_experiments

__all__ = ["run_one", "run_all", "format_table", "report_from_checks", "draw_report_figures", "load_report",
           "write_data_csv", "write_data_json", "REPORT_FILE", "report_from_claims", "run_settings",
           "settings_mismatch", "format_reasons", "write_summaries", "RESUME_KEYS"]

log = logging.getLogger(__name__)

#: Name of the per-experiment report file.
REPORT_FILE = "report.json"


def _error_report(name: str, exc: BaseException, seconds: float, config: RunConfig | None = None) -> CheckReport:
    try:
        exp = get(name)
        title = exp.title
    except KeyError:
        title = ""
    msg = f"{type(exc).__name__}: {exc}"
    return CheckReport(name=name, source=title, stated="", measured=msg,
                       verdict="error",
                       details={"error": msg,
                                "traceback": "".join(traceback.format_exception(exc))},
                       seconds=seconds, reason=f"the experiment raised {msg}",
                       settings=run_settings(config or RunConfig()))


#: Settings that determine a report's result: a report is resumed only when these match
#: (``params``, the check parameters of :attr:`RunConfig.params`, counts as ``{}`` when absent).
RESUME_KEYS = ("quick", "seeds", "seed", "version", "params")


@functools.lru_cache(maxsize=1)
def _environment() -> dict:
    """Versions and git commit, computed once per process (no heavy imports: numba is not imported)."""
    import platform
    import subprocess
    from importlib import metadata

    import pgtheory

    def version(dist):
        try:
            return metadata.version(dist)
        except Exception:
            return None

    commit = None
    src = Path(pgtheory.__file__).resolve().parent
    try:
        proc = subprocess.run(["git", "rev-parse", "HEAD"], cwd=src, capture_output=True, text=True, timeout=10)
        if proc.returncode == 0 and proc.stdout.strip():
            commit = proc.stdout.strip()
    except Exception:  # no git, not a checkout, timeout
        commit = None
    return {"version": pgtheory.__version__, "git_commit": commit, "python": platform.python_version(),
            "numpy": version("numpy"), "scipy": version("scipy"), "numba": version("numba")}


def run_settings(config: RunConfig, report: CheckReport | None = None) -> dict:
    """The ``settings`` a run with ``config`` records in its report.

    Parameters
    ----------
    config : RunConfig
        The run's options (``quick``, ``seeds``, ``seed``, ``params`` are recorded).
    report : CheckReport, optional
        The bound ids are collected from its claims' ``bound_id`` and from ``details``
        (``details["bounds"]`` / ``details["bound_ids"]`` lists and ``details["checks"][i]["bound_id"]``).

    Returns
    -------
    dict
        ``quick``, ``seeds``, ``seed``, ``params``, ``version`` (the result-determining :data:`RESUME_KEYS`),
        ``git_commit`` (None outside a git checkout), ``python``, ``numpy``, ``scipy``, ``numba``
        (None when not installed) and ``bounds`` (sorted ids).
    """
    ids = set()
    if report is not None:
        for c in report.claims or ():
            if isinstance(c, dict) and c.get("bound_id"):
                ids.add(str(c["bound_id"]))
        det = report.details or {}
        for key in ("bounds", "bound_ids"):
            v = det.get(key)
            if isinstance(v, (list, tuple)):
                ids.update(str(b) for b in v if isinstance(b, str) and b)
        for row in det.get("checks", ()) or ():
            if isinstance(row, dict) and isinstance(row.get("bound_id"), str) and row["bound_id"]:
                ids.add(row["bound_id"])
    return {"quick": bool(config.quick), "seeds": None if config.seeds is None else int(config.seeds),
            "seed": int(config.seed), "params": {k: config.params[k] for k in sorted(config.params)},
            **_environment(), "bounds": sorted(ids)}


def settings_mismatch(recorded: dict | None, current: dict) -> str:
    """Why a report with ``recorded`` settings may not be resumed under ``current`` ones ("" if it may).

    Parameters
    ----------
    recorded : dict or None
        ``report.settings`` of the finished report (empty for reports of pgtheory 0.1.0).
    current : dict
        :func:`run_settings` of the run about to start.

    Returns
    -------
    str
        ``""`` when every key of :data:`RESUME_KEYS` matches; otherwise ``"no settings recorded"``
        or e.g. ``"settings differ: quick True -> False, seeds 3 -> default"``.
    """
    if not recorded:
        return "no settings recorded"

    def show(k, v):
        return "default" if (k == "seeds" and v is None) else ("missing" if v is _MISSING else repr(v))

    def value(d, k):
        return d.get(k, {}) if k == "params" else d.get(k, _MISSING)

    diffs = [f"{k} {show(k, value(recorded, k))} -> {show(k, value(current, k))}"
             for k in RESUME_KEYS if value(recorded, k) != value(current, k)]
    return "settings differ: " + ", ".join(diffs) if diffs else ""


_MISSING = object()
_NONFINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def _decode_nonfinite(x):
    if isinstance(x, str):
        return _NONFINITE.get(x, x)
    if isinstance(x, dict):
        return {k: _decode_nonfinite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_decode_nonfinite(v) for v in x]
    return x


def _report_from_dict(d: dict) -> CheckReport:
    fields = {f.name for f in dataclasses.fields(CheckReport)}
    d = {k: v for k, v in d.items() if k in fields}
    d["figures"] = tuple(d.get("figures", ()))
    d["data_files"] = tuple(d.get("data_files", ()))
    d["claims"] = tuple(d.get("claims", ()) or ())
    d["settings"] = dict(d.get("settings") or {})
    return CheckReport(**d)


def load_report(path) -> CheckReport:
    """Read a ``report.json`` written by :func:`run_one` back into a :class:`CheckReport`.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    CheckReport
        Non-finite floats, stored as the strings ``"nan"``, ``"inf"``, ``"-inf"``, are floats
        again in ``seconds`` and in the values inside ``details``, ``claims`` and ``settings``;
        text fields are left as read (see the module docstring). Reports of pgtheory 0.1.0 load
        with empty ``reason``, ``tightness``, ``claims`` and ``settings``.
    """
    d = json.loads(Path(path).read_text())
    for key in ("details", "claims", "settings"):
        if key in d:
            d[key] = _decode_nonfinite(d[key])
    if isinstance(d.get("seconds"), str):
        d["seconds"] = float(_NONFINITE.get(d["seconds"], d["seconds"]))
    return _report_from_dict(d)


def default_formats(quick: bool) -> tuple:
    """The figure formats a run draws when not told: PNG for a quick run, PNG and PDF for a full one.

    A quick run is for looking (PDF writing, with its font embedding, was a fifth of the CPU of
    ``reproduce --quick``); the figures for a paper come from the full run, or from
    ``--formats png,pdf``.

    Parameters
    ----------
    quick : bool

    Returns
    -------
    tuple of str
    """
    return ("png",) if quick else ("png", "pdf")


def run_one(name: str, config: RunConfig | None = None, *, catch: bool = True, figures=None,
            formats=None) -> CheckReport:
    """Run experiment ``name``, write its report and draw its figure (when ``config.out_dir`` is set).

    Parameters
    ----------
    name : str
        Registered experiment name.
    config : RunConfig, optional
        Options; ``out_dir`` is used as given (``run_all`` passes a per-experiment folder).
    catch : bool
        Turn an exception into an ``"error"`` report (default) instead of raising.
    figures : str, Path, bool or None
        Where the figure scripts are (:func:`figures_dir`): None looks them up
        (``$PGTHEORY_FIGURES``, then the ``figures/`` folder beside the source), a path names the
        folder, False draws nothing.
    formats : str or iterable of str, optional
        Figure formats (:func:`pgtheory.plotting.check_formats`); default
        :func:`default_formats` of ``config.quick``.

    Returns
    -------
    CheckReport
        With ``seconds`` and ``settings`` (:func:`run_settings`) filled in. When the check
        declares a figure and writes files, ``figures`` lists what its script drew and
        ``details["figure"]`` says how drawing went: ``{"status": "drawn" | "failed" |
        "not drawn", "script": ..., "reason": ...}`` (plus ``"traceback"`` when it failed). A
        figure that fails to draw leaves the verdict as it is (see :func:`draw_report_figures`).

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``figures`` (or ``$PGTHEORY_FIGURES``) names a folder that does not exist, before
        anything runs.
    """
    from ..plotting import check_formats, write_json

    config = config or RunConfig()
    formats = default_formats(config.quick) if formats is None else check_formats(formats)
    if figures is not False:
        figures_dir(figures)  # a bad folder fails before the check runs
    t0 = time.perf_counter()
    try:
        rep = get(name).run(config)
        if not isinstance(rep, CheckReport):
            raise TypeError(f"experiment {name!r} returned {type(rep).__name__}, not CheckReport")
        rep = dataclasses.replace(rep, seconds=time.perf_counter() - t0,
                                  settings={**(rep.settings or {}), **run_settings(config, rep)})
    except Exception as exc:
        if not catch:
            raise
        log.error("experiment %s failed: %s", name, exc)
        return _error_report(name, exc, time.perf_counter() - t0, config)
    if config.out_dir is not None:
        write_json(Path(config.out_dir) / REPORT_FILE, rep)
        if figures is not False and getattr(get(name), "figure", True):
            rep = draw_report_figures(rep, config.out_dir, figures=figures, formats=formats)
    return rep


_SAID_NO_FIGURES = False
_DRAW_LOCK = threading.Lock()


def draw_report_figures(report: CheckReport, folder, *, figures=None, draw=None, formats=None) -> CheckReport:
    """Draw a finished check's figure from its output folder and record how it went in its report.

    The report (already in ``folder/report.json``, which the script reads for its caption) is
    rewritten with the files drawn added to ``figures`` and ``details["figure"]`` set to
    ``{"status": ..., "script": ..., "reason": ...}``:

    * ``"drawn"``: the script's ``draw(folder)`` wrote its files;
    * ``"failed"``: it raised or wrote nothing (``reason`` and ``traceback`` say what); logged
      as an error. The check's verdict stays what it was: drawing is not part of the check;
    * ``"not drawn"``: no figures folder (a wheel install; said once per process as a warning,
      with how to draw them later) or no script for this check in it, or the check ended in
      ``"error"`` (nothing to draw).

    Parameters
    ----------
    report : CheckReport
    folder : str or Path
        The check's output folder.
    figures : str or Path, optional
        Folder of the figure scripts (:func:`figures_dir`).
    draw : callable, optional
        The script's own ``draw(folder)``, called instead of looking the script up (what
        :func:`pgtheory.experiments.figure_main` passes when a script runs its check);
        ``details["figure"]["script"]`` is then the file that defines it.
    formats : str or iterable of str, optional
        Figure formats (:func:`pgtheory.plotting.figure_formats`); default PNG and PDF.

    Returns
    -------
    CheckReport
        The updated report (also written to ``folder/report.json``).
    """
    global _SAID_NO_FIGURES
    from ..plotting import check_formats, figure_formats, write_json

    formats = ("png", "pdf") if formats is None else check_formats(formats)
    folder = Path(folder)
    status: dict
    drawn: tuple = ()
    if report.verdict == "error":
        status = {"status": "not drawn", "script": None, "reason": "the check ended in error"}
    else:
        if draw is not None:  # a script drawing its own check (figure_main)
            where, script = None, defined_in(draw)
        else:
            where = figures_dir(figures)
            script = figure_script(report.name, figures) if where is not None else None
        if script is None and where is None:
            status = {"status": "not drawn", "script": None, "reason": NO_FIGURES_HINT}
            if not _SAID_NO_FIGURES:
                log.warning(NO_FIGURES_HINT)
                _SAID_NO_FIGURES = True
        elif script is None:
            status = {"status": "not drawn", "script": None,
                      "reason": f"no script {report.name.replace('-', '_')}.py in {where}"}
        else:
            try:
                # pyplot keeps global state: one figure at a time per process (thread executors)
                with _DRAW_LOCK, figure_formats(formats):
                    drawn = draw_figures(report.name, folder, figures, draw=draw)
                status = {"status": "drawn", "script": str(script), "reason": ""}
            except Exception as exc:
                msg = f"{type(exc).__name__}: {exc}"
                log.error("figure of %s failed to draw: %s", report.name, msg)
                status = {"status": "failed", "script": str(script), "reason": msg,
                          "traceback": "".join(traceback.format_exception(exc))}
    rep = dataclasses.replace(report, figures=tuple(report.figures) + tuple(f for f in drawn if f not in report.figures),
                              details={**report.details, "figure": status})
    write_json(folder / REPORT_FILE, rep)
    return rep


def _worker(name: str, cfg: dict, figures=None, formats=None) -> dict:
    # executor entry point: the report travels back as plain data
    cfg = dict(cfg)
    cfg["out_dir"] = Path(cfg["out_dir"]) if cfg["out_dir"] is not None else None
    rep = run_one(name, RunConfig(**cfg), figures=figures, formats=formats)
    return rep.to_dict()


def _draw_worker(folder: str, figures=None, formats=None) -> dict:
    # executor entry point for a resumed report whose figure is missing or lacks a format
    folder = Path(folder)
    return draw_report_figures(load_report(folder / REPORT_FILE), folder, figures=figures, formats=formats).to_dict()


def _drawn(fut, folder: Path) -> CheckReport:
    """The report a :func:`_draw_worker` future returned; the report as it is on disk when the worker
    died (a drawing that raised is recorded by :func:`draw_report_figures` itself)."""
    try:
        return _report_from_dict(fut.result())
    except Exception as exc:
        log.error("drawing the figure of %s stopped: %s: %s", folder.name, type(exc).__name__, exc)
        return load_report(folder / REPORT_FILE)


def _group_worker(names: list, cfgs: list, figures=None, formats=None) -> list:
    # checks sharing an in-process cache (Experiment.shares) run one after the other in one worker
    return [_worker(n, c, figures, formats) for n, c in zip(names, cfgs)]


def _needs_drawing(rep: CheckReport, formats: tuple) -> bool:
    """Whether a resumed report must have its figure drawn: written with figures off (no
    ``details["figure"]``), or drawn without one of ``formats`` (a quick run's PNG, now PDF too)."""
    fig = rep.details.get("figure")
    if not isinstance(fig, dict):
        return True
    if fig.get("status") != "drawn":
        return False  # failed or not drawn: as it was (rerun with --force to retry)
    have = {Path(f).suffix.lstrip(".").lower() for f in rep.figures}
    return not set(formats) <= have


def _expected_seconds(out: Path | None, name: str, quick: bool) -> float:
    """How long check ``name`` is expected to take: the ``seconds`` of an earlier report in ``out``
    written in the same mode (quick or full), else the shipped table
    (:data:`pgtheory.experiments._durations.EXPECTED_SECONDS`). A scheduling hint only."""
    if out is not None:
        try:
            rep = json.loads((out / name / REPORT_FILE).read_text())
            if bool((rep.get("settings") or {}).get("quick")) == bool(quick):
                return max(float(rep["seconds"]), 0.0)
        except Exception:  # no earlier report, or one without seconds: the table
            pass
    return expected_seconds(name, quick)


def run_all(names=None, *, quick: bool = False, out_dir=None, seeds: int | None = None, seed: int = 0,
            force: bool = False, workers: int = 1, progress: bool = False, on_result=None,
            executor=None, params: dict | None = None, figures=None, formats=None) -> list:
    """Run experiments (default: all registered), resuming from finished reports in ``out_dir``.

    Parameters
    ----------
    names : list of str, optional
        Experiments to run (default all, sorted by name).
    quick : bool
        Small sizes.
    out_dir : str or Path, optional
        Output folder; each experiment writes to ``out_dir/<name>/``. Without it nothing is
        written and nothing is resumed.
    seeds : int, optional
        Seeds for stochastic experiments.
    seed : int
        Base seed.
    force : bool
        Re-run experiments whose report already exists.
    workers : int
        Workers of the executor (default 1). With ``executor=None``, ``workers > 1`` means a
        process pool of that many processes and 1 means serial in this process.
    progress : bool
        Show a tqdm bar over experiments.
    on_result : callable, optional
        Called with each :class:`CheckReport` as it finishes (also for resumed ones).
    executor : str or concurrent.futures.Executor, optional
        Where to run: a spec for :func:`~pgtheory.experiments.open_executor` (``"serial"``,
        ``"process"``, ``"thread"``, ``"dask[=ADDRESS]"``, ``"ray[=ADDRESS]"``; opened with
        ``workers`` and closed at the end) or an open Executor (left open). Several checks are
        sent to it whole, longest first (by an earlier report in ``out_dir`` of the same mode,
        else by the shipped table of expected seconds, ``pgtheory.experiments._durations``; the
        order changes no number) (checks with the same ``Experiment.shares`` key as one task, so a cache they
        share is computed once), and run their seeds serially inside (so nested pools never
        multiply processes); a single check runs here and maps its seeds over it. Reports are identical
        whatever the executor (seeds are spawned before any map).
    params : dict, optional
        Check parameters (:attr:`RunConfig.params`) for every experiment run.
    figures : str, Path, bool or None
        Folder of the figure scripts, None to look it up, False to draw nothing (see
        :func:`run_one`). Resumed reports keep the figures they drew; a resumed report written
        with figures off (``figures=False``, ``--no-figures``: it has no ``details["figure"]``)
        gets its figure drawn now, on the executor with the checks that run (after them, as
        short tasks), or in this process with the serial executor.
    formats : str or iterable of str, optional
        Figure formats (:func:`pgtheory.plotting.check_formats`); default
        :func:`default_formats` of ``quick`` (PNG for a quick run, PNG and PDF for a full one).
        A resumed report whose figures lack a requested format gets them drawn the same way.

    Returns
    -------
    list of CheckReport
        In the order of ``names``. A report is resumed only when its result-determining settings
        (:data:`RESUME_KEYS`) match this run's; resumed reports carry ``details["resumed"] = True``,
        and a report rerun because an earlier one could not be resumed carries
        ``details["rerun_reason"]`` (e.g. ``"settings differ: quick True -> False"``).

    Raises
    ------
    KeyboardInterrupt
        When interrupted (Ctrl-C; the command line turns SIGTERM into one too): pending checks are
        cancelled and the executor's workers stopped (:func:`~pgtheory.experiments.open_executor`)
        before it propagates. Reports of the checks that finished are already written; the
        summaries are not (a rerun resumes and writes them).
    """
    # unknown names fail before anything runs; a former name runs (and resumes) under its new one
    names = [e.name for e in list_experiments()] if names is None else list(dict.fromkeys(get(n).name for n in names))
    spec = executor if executor is not None else ("process" if workers > 1 else "serial")
    if isinstance(spec, str):
        parse_executor(spec)  # a bad spec fails before anything runs
    from ..plotting import check_formats

    formats = default_formats(quick) if formats is None else check_formats(formats)  # fails before work too
    if figures is not False:
        figures = figures_dir(figures) if figures is not None else None  # a bad folder fails here too
    out = Path(out_dir) if out_dir is not None else None
    params = dict(params or {})
    current = run_settings(RunConfig(quick=quick, seeds=seeds, seed=seed, params=params))
    results: dict = {}
    rerun: dict = {}
    todo = []
    redraw: dict = {}  # resumed reports whose figure is drawn below

    def resumed(n, rep):
        rep = dataclasses.replace(rep, details={**rep.details, "resumed": True})
        results[n] = rep
        if on_result:
            on_result(rep)

    for n in names:
        rp = out / n / REPORT_FILE if out is not None else None
        if rp is not None and rp.exists() and not force:
            try:
                rep = load_report(rp)
            except Exception as exc:  # unreadable report: run again
                rerun[n] = f"could not read the earlier report ({type(exc).__name__}: {exc})"
                log.warning("could not read %s (%s); re-running", rp, exc)
            else:
                why = settings_mismatch(rep.settings, current)
                if not why:
                    if figures is not False and getattr(get(n), "figure", True) and _needs_drawing(rep, formats):
                        # written with figures off (--no-figures) or without a format asked for now:
                        # its figure is drawn from its folder, on the executor with the checks below
                        redraw[n] = rep
                    else:
                        resumed(n, rep)
                    continue
                rerun[n] = why
                log.info("re-running %s: %s", n, why)  # the CLI prints it; here only with --verbose
        todo.append(n)

    def cfg_for(n):
        return dict(quick=quick, seeds=seeds, out_dir=str(out / n) if out is not None else None, seed=seed,
                    progress=False, executor=None, params=params)

    def finish(n, rep):
        if n in rerun:
            rep = dataclasses.replace(rep, details={**rep.details, "rerun_reason": rerun[n]})
        results[n] = rep
        if on_result:
            on_result(rep)
        if bar is not None:
            bar.update(1)

    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="experiments", unit="exp")
    fig_arg = str(figures) if isinstance(figures, Path) else figures
    try:
        if todo or redraw:
            with open_executor(spec, int(workers)) as ex:
                if isinstance(ex, SerialExecutor) or len(todo) == 1 or not todo:
                    inner = None if isinstance(ex, SerialExecutor) else ex
                    # resumed figures: on the pool (while a single check runs here), else here first
                    drawing = {}
                    for n, rep in redraw.items():
                        if inner is None:
                            resumed(n, draw_report_figures(rep, out / n, figures=figures, formats=formats))
                        else:
                            drawing[n] = inner.submit(_draw_worker, str(out / n), fig_arg, formats)
                    for n in todo:
                        c = cfg_for(n)
                        c["out_dir"] = Path(c["out_dir"]) if c["out_dir"] is not None else None
                        c["executor"] = inner
                        if bar is not None:
                            bar.set_postfix_str(n)
                        finish(n, run_one(n, RunConfig(**c), figures=figures, formats=formats))
                    for n, fut in drawing.items():
                        resumed(n, _drawn(fut, out / n))
                else:
                    # checks sharing a cache go together; longest first (earlier reports, else the
                    # shipped table) so that the last tasks do not leave workers idle
                    groups: dict = {}
                    for n in todo:
                        groups.setdefault(get(n).shares or n, []).append(n)
                    tasks = sorted(groups.values(), key=lambda g: -sum(_expected_seconds(out, n, quick) for n in g))
                    futs = {ex.submit(_group_worker, g, [cfg_for(n) for n in g], fig_arg, formats): g for g in tasks}
                    # resumed figures after the checks (short tasks: they fill the end of the run)
                    draws = {ex.submit(_draw_worker, str(out / n), fig_arg, formats): n for n in redraw}
                    for fut in cf.as_completed([*futs, *draws]):
                        if fut in draws:
                            resumed(draws[fut], _drawn(fut, out / draws[fut]))
                            continue
                        group = futs[fut]
                        try:
                            reps = [_report_from_dict(d) for d in fut.result()]
                        except Exception as exc:  # worker crashed
                            reps = [_error_report(n, exc, 0.0, RunConfig(quick=quick, seeds=seeds, seed=seed))
                                    for n in group]
                        for n, rep in zip(group, reps):
                            finish(n, rep)
    finally:
        if bar is not None:
            bar.close()
    reports = [results[n] for n in names]
    if out is not None:
        write_summaries(out, reports)
    return reports


_SUMMARY_COLS = ("name", "source", "stated", "measured", "verdict", "reason", "tightness", "seconds")
_CLAIM_COLS = ("check", "claim", "kind", "verdict", "reason", "source", "stated", "measured", "tightness",
               "slack_min", "loose", "bound_id")


def _claim_rows(rep: CheckReport) -> list:
    """The claims of a report as dicts (name, kind, verdict, reason, ...); old reports: their rate checks."""
    if rep.claims:
        return [dict(c) for c in rep.claims]
    rows = []
    for c in rep.details.get("checks", ()) or ():
        if isinstance(c, dict):
            rows.append({"name": c.get("label") or c.get("check") or c.get("bound_id") or "rate check",
                         "kind": "rate", "verdict": c.get("verdict", ""), "reason": c.get("reason", ""),
                         "stated": c.get("stated", ""), "measured": c.get("measured", ""),
                         "bound_id": c.get("bound_id", "")})
    return rows


def _csv_text(header, rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def _md(s) -> str:
    return " ".join(str(s).split()).replace("|", "\\|")


def write_summaries(out, reports) -> tuple:
    """Write ``summary.json``, ``summary.csv``, ``claims.csv`` and ``summary.md`` of ``reports`` into ``out``.

    Parameters
    ----------
    out : str or Path
        Output folder (created if needed).
    reports : list of CheckReport

    Returns
    -------
    tuple of str
        The paths written (see the module docstring for the layouts).
    """
    from ..plotting import atomic_write_text, write_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [write_json(out / "summary.json", [r.to_dict() for r in reports])]
    paths.append(str(atomic_write_text(out / "summary.csv", _csv_text(
        _SUMMARY_COLS, [(r.name, r.source, r.stated, r.measured, r.verdict, r.reason, r.tightness, f"{r.seconds:.2f}")
                        for r in reports]))))
    claim_rows = []
    for r in reports:
        for c in _claim_rows(r):
            claim_rows.append((r.name, c.get("name", ""), c.get("kind", ""), c.get("verdict", ""), c.get("reason", ""),
                               c.get("source", ""), c.get("stated", ""), c.get("measured", ""),
                               c.get("tightness", ""), c.get("slack_min"), c.get("loose", ""), c.get("bound_id", "")))
    paths.append(str(atomic_write_text(out / "claims.csv", _csv_text(_CLAIM_COLS, claim_rows))))
    md = ["# pgtheory checks", "",
          "| check | verdict | reason | tightness | source | s |", "|---|---|---|---|---|---|"]
    for r in reports:
        md.append(f"| {_md(r.name)} | {_md(r.verdict)} | {_md(_headline_reason(r))} | {_md(r.tightness)} | "
                  f"{_md(r.source)} | {r.seconds:.1f} |")
    md.append("")
    for r in reports:
        md += [f"## {r.name}: {r.verdict}", ""]
        if r.stated or r.measured:
            md += [f"Stated: {_md(r.stated)}. Measured: {_md(r.measured)}.", ""]
        rows = _claim_rows(r)
        for c in rows:
            tight = f" ({_md(c['tightness'])})" if c.get("tightness") else ""
            md.append(f"- **{_md(c.get('verdict', ''))}** {_md(c.get('name', ''))}: {_md(c.get('reason', ''))}{tight}")
        if not rows:
            md.append(f"- {_md(_headline_reason(r))}")
        md.append("")
    paths.append(str(atomic_write_text(out / "summary.md", "\n".join(md))))
    return tuple(paths)


def _headline_reason(rep: CheckReport) -> str:
    if rep.reason:
        return rep.reason
    if rep.verdict == "error":
        return rep.details.get("error", rep.measured)
    return ""


def _term_width(width) -> int:
    return int(width) if width is not None else shutil.get_terminal_size((100, 24)).columns


def format_table(reports, *, width: int | None = None) -> str:
    """Text table with columns check, source, stated, measured (with CI), verdict, tightness, seconds.

    Long cells are wrapped onto further lines of their row (never cut), so every word of every
    cell is printed.

    Parameters
    ----------
    reports : list of CheckReport
    width : int, optional
        Target line width (default: the terminal's, ``shutil.get_terminal_size``). Columns are
        narrowed, widest first, down to a minimum width so a row fits; a row may exceed ``width``
        only when even the minimum widths do not fit.

    Returns
    -------
    str
    """
    width = _term_width(width)
    heads = ("check", "source", "stated", "measured", "verdict", "tightness", "s")
    rows = [(r.name, r.source, r.stated, r.measured, r.verdict, r.tightness, f"{r.seconds:.1f}") for r in reports]
    natural = [max([len(h)] + [len(str(row[i])) for row in rows]) for i, h in enumerate(heads)]
    # the check, verdict and seconds columns are never narrowed; the others down to 12 characters
    shrink = {1, 2, 3, 5}
    ws = list(natural)
    floor = [w if i not in shrink else min(w, 12) for i, w in enumerate(natural)]
    sep = 2
    while sum(ws) + sep * (len(ws) - 1) > width:
        cand = [i for i in shrink if ws[i] > floor[i]]
        if not cand:
            break
        i = max(cand, key=lambda j: ws[j])
        ws[i] -= 1

    def wrap(text, w):
        return textwrap.wrap(str(text), width=w, break_long_words=True, break_on_hyphens=False) or [""]

    out = ["  ".join(h.ljust(w) for h, w in zip(heads, ws)).rstrip(), "  ".join("-" * w for w in ws)]
    for row in rows:
        cells = [wrap(c, w) for c, w in zip(row, ws)]
        for k in range(max(len(c) for c in cells)):
            out.append("  ".join((c[k] if k < len(c) else "").ljust(w) for c, w in zip(cells, ws)).rstrip())
    return "\n".join(out)


def format_reasons(report: CheckReport, *, width: int | None = None, show_traceback: bool = True) -> str:
    """The headline reason and every claim of ``report`` (verdict, name, reason, tightness), wrapped.

    Parameters
    ----------
    report : CheckReport
    width : int, optional
        Line width (default: the terminal's); long lines are wrapped, never cut.
    show_traceback : bool
        Append the traceback of an ``"error"`` report.

    Returns
    -------
    str
        Lines like ``name: consistent (all 3 claims consistent)`` then one bullet per claim;
        a line when its figure failed to draw (``details["figure"]``); for an error, its
        traceback.
    """
    width = max(_term_width(width), 40)
    lines = []

    def para(text, first, rest):
        lines.extend(textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                                   break_long_words=True, break_on_hyphens=False) or [first.rstrip()])

    head = f"{report.name}: {report.verdict}"
    why = _headline_reason(report)
    para(head + (f" ({why})" if why else ""), "", "    ")
    for c in _claim_rows(report):
        text = f"[{c.get('verdict', '')}] {c.get('name', '')}: {c.get('reason', '')}"
        if c.get("tightness"):
            text += f" ({c['tightness']})"
        para(text, "  - ", "      ")
    fig = report.details.get("figure") if isinstance(report.details, dict) else None
    if isinstance(fig, dict) and fig.get("status") == "failed":
        para(f"figure FAILED to draw (the verdict stands): {fig.get('reason', '')} "
             f"[{fig.get('script', '')}]", "  ! ", "      ")
    if show_traceback and report.verdict == "error" and report.details.get("traceback"):
        lines.append(report.details["traceback"].rstrip())
    return "\n".join(lines)


def write_data_csv(config: RunConfig, filename: str, columns) -> tuple:
    """Write ``columns`` as a CSV file under ``config.out_dir`` (nothing when it is None).

    Parameters
    ----------
    config : RunConfig
    filename : str
        File name with its suffix, e.g. ``"mei2020_bandit.csv"``.
    columns : dict of str to array_like
        Column name -> values (see :func:`pgtheory.plotting.write_csv`).

    Returns
    -------
    tuple of str
        ``(path,)``, or ``()`` when not writing: ready to pass as ``data_files``.
    """
    return _write_data(config, filename, "write_csv", columns)


def write_data_json(config: RunConfig, filename: str, obj) -> tuple:
    """Write ``obj`` as a JSON file under ``config.out_dir`` (nothing when it is None).

    Parameters
    ----------
    config : RunConfig
    filename : str
        File name with its suffix, e.g. ``"mei2020_mdp.json"``.
    obj : object
        Anything :func:`pgtheory.plotting.write_json` accepts (NumPy values included).

    Returns
    -------
    tuple of str
        ``(path,)``, or ``()`` when not writing.
    """
    return _write_data(config, filename, "write_json", obj)


def _write_data(config, filename, writer, obj) -> tuple:
    from ._registry import out_path

    p = out_path(config, filename)
    if p is None:
        return ()
    from ..plotting import write_csv, write_json

    return ((write_csv if writer == "write_csv" else write_json)(p, obj),)


def report_from_claims(name: str, claims, *, source: str, stated: str, measured: str | None = None,
                       details: dict | None = None, figures=(), data_files=()) -> CheckReport:
    """Build the :class:`CheckReport` of a check from its claims (the only way a verdict is made).

    The headline is :func:`pgtheory.ratecheck.combine` of the claims (violated if any claim is
    violated, inconclusive if any is inconclusive and none violated, consistent only if all are);
    every claim is listed in ``report.claims`` with its verdict, reason and tightness, and rate
    checks keep their fitted numbers under ``details["checks"]``.

    Parameters
    ----------
    name : str
        Experiment name.
    claims : list of ClaimResult or RateCheckResult
        Rate checks are wrapped with :func:`pgtheory.ratecheck.claim_from_rate_check`.
    source : str
        Paper and theorem.
    stated : str
        Stated result in words.
    measured : str, optional
        Default: the measured texts of the claims joined by ``"; "`` (deduplicated).
    details : dict, optional
        Extra numbers.
    figures, data_files : tuple of str

    Returns
    -------
    CheckReport
    """
    from ..ratecheck import ClaimResult, claim_from_rate_check, combine

    cs = [c if isinstance(c, ClaimResult) else claim_from_rate_check(c) for c in claims]
    rows = []
    for c in cs:
        ev = c.evidence
        if ev is not None and hasattr(ev, "rate_verdict"):
            rows.append({**ev.row(), "reason": ev.reason, "rate_verdict": ev.rate_verdict,
                         "inequality_holds": ev.inequality_holds, "worst_ratio": ev.worst_ratio,
                         "worst_at": ev.worst_at, "label": ev.label,
                         "fit": None if ev.fit is None else {"slope": ev.fit.slope, "ci": list(ev.fit.ci),
                                                             "rate": ev.fit.rate, "rate_ci": list(ev.fit.rate_ci),
                                                             "window": list(ev.fit.window),
                                                             "ci_method": ev.fit.ci_method, "ok": ev.fit.ok}})
    if measured is None:
        seen = []
        for c in cs:
            if c.measured and c.measured not in seen:
                seen.append(c.measured)
        measured = "; ".join(seen)
    verdict, reason = combine(cs)
    tight = "; ".join(f"{c.name}: {c.tightness.text()}" for c in cs
                      if c.verdict == "consistent" and c.tightness is not None and c.tightness.text())
    det = dict(details or {})
    if rows:
        det["checks"] = rows
    return CheckReport(name=name, source=source, stated=stated, measured=measured, verdict=verdict,
                       details=det, figures=tuple(figures), data_files=tuple(data_files), reason=reason,
                       tightness=tight, claims=tuple(c.row() for c in cs))


def report_from_checks(name: str, checks, *, source: str, stated: str, measured: str | None = None,
                       details: dict | None = None, figures=(), data_files=()) -> CheckReport:
    """Combine rate checks into one :class:`CheckReport`; the same as :func:`report_from_claims`.

    Parameters
    ----------
    name : str
    checks : list of RateCheckResult or ClaimResult
    source, stated : str
    measured : str, optional
    details : dict, optional
    figures, data_files : tuple of str

    Returns
    -------
    CheckReport
    """
    return report_from_claims(name, checks, source=source, stated=stated, measured=measured, details=details,
                              figures=figures, data_files=data_files)
