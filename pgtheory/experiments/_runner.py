r"""Running registered experiments: one at a time, all of them with resume, and the report table.

Used by the ``pgtheory`` command and by ``figures/``; experiment modules use the helpers
:func:`report_from_checks` and :func:`rate_check_figure` to turn :class:`RateCheckResult` objects
into a :class:`~pgtheory.results.CheckReport` and a figure.

Output layout of ``run_all(out_dir=DIR)``: ``DIR/<name>/`` holds the experiment's figures
(PNG + PDF) and data (CSV / JSON) and ``DIR/<name>/report.json`` its report, written last and
atomically (temporary file + ``os.replace``). A report file therefore exists only for a finished
experiment, which is what resuming relies on: ``run_all`` skips experiments whose report exists
(unless ``force``), so an interrupted ``pgtheory reproduce`` picks up where it stopped.
``DIR/summary.json`` and ``DIR/summary.csv`` hold the table.

A failing experiment becomes a report with verdict ``"error"`` (the exception and its traceback in
``details``); it is never written as finished, so a resumed run retries it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import traceback
from pathlib import Path

from ..results import CheckReport
from ._registry import RunConfig, get, list_experiments

__all__ = ["run_one", "run_all", "format_table", "report_from_checks", "rate_check_figure", "load_report",
           "write_data_csv", "write_data_json", "outputs", "REPORT_FILE", "report_from_claims"]

log = logging.getLogger(__name__)

#: Name of the per-experiment report file.
REPORT_FILE = "report.json"


def _error_report(name: str, exc: BaseException, seconds: float) -> CheckReport:
    try:
        exp = get(name)
        title = exp.title
    except KeyError:
        title = ""
    return CheckReport(name=name, source=title, stated="", measured=f"{type(exc).__name__}: {exc}"[:200],
                       verdict="error",
                       details={"error": f"{type(exc).__name__}: {exc}",
                                "traceback": "".join(traceback.format_exception(exc))},
                       seconds=seconds)


def load_report(path) -> CheckReport:
    """Read a ``report.json`` written by :func:`run_one` back into a :class:`CheckReport`.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    CheckReport
    """
    d = json.loads(Path(path).read_text())
    fields = {f.name for f in dataclasses.fields(CheckReport)}
    d = {k: v for k, v in d.items() if k in fields}
    d["figures"] = tuple(d.get("figures", ()))
    d["data_files"] = tuple(d.get("data_files", ()))
    return CheckReport(**d)


def run_one(name: str, config: RunConfig | None = None, *, catch: bool = True) -> CheckReport:
    """Run experiment ``name`` and write its report (when ``config.out_dir`` is set).

    Parameters
    ----------
    name : str
        Registered experiment name.
    config : RunConfig, optional
        Options; ``out_dir`` is used as given (``run_all`` passes a per-experiment folder).
    catch : bool
        Turn an exception into an ``"error"`` report (default) instead of raising.

    Returns
    -------
    CheckReport
        With ``seconds`` filled in.
    """
    from ..plotting import write_json

    config = config or RunConfig()
    t0 = time.perf_counter()
    try:
        rep = get(name).run(config)
        if not isinstance(rep, CheckReport):
            raise TypeError(f"experiment {name!r} returned {type(rep).__name__}, not CheckReport")
        rep = dataclasses.replace(rep, seconds=time.perf_counter() - t0)
    except Exception as exc:
        if not catch:
            raise
        log.error("experiment %s failed: %s", name, exc)
        return _error_report(name, exc, time.perf_counter() - t0)
    if config.out_dir is not None:
        write_json(Path(config.out_dir) / REPORT_FILE, rep)
    return rep


def _worker(name: str, cfg: dict) -> dict:
    cfg = dict(cfg)
    cfg["out_dir"] = Path(cfg["out_dir"]) if cfg["out_dir"] is not None else None
    rep = run_one(name, RunConfig(**cfg))
    return rep.to_dict()


def run_all(names=None, *, quick: bool = False, out_dir=None, seeds: int | None = None, seed: int = 0,
            force: bool = False, workers: int = 1, progress: bool = False, on_result=None) -> list:
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
        ``> 1`` runs experiments in a ``concurrent.futures.ProcessPoolExecutor`` with that many
        processes; 1 runs them in this process.
    progress : bool
        Show a tqdm bar over experiments.
    on_result : callable, optional
        Called with each :class:`CheckReport` as it finishes (also for resumed ones).

    Returns
    -------
    list of CheckReport
        In the order of ``names``; resumed reports carry ``details["resumed"] = True``.
    """
    from ..plotting import write_json

    names = [e.name for e in list_experiments()] if names is None else list(names)
    for n in names:
        get(n)  # unknown names fail before anything runs
    out = Path(out_dir) if out_dir is not None else None
    results: dict = {}
    todo = []
    for n in names:
        rp = out / n / REPORT_FILE if out is not None else None
        if rp is not None and rp.exists() and not force:
            try:
                rep = load_report(rp)
                rep = dataclasses.replace(rep, details={**rep.details, "resumed": True})
                results[n] = rep
                if on_result:
                    on_result(rep)
                continue
            except Exception as exc:  # unreadable report: run again
                log.warning("could not read %s (%s); re-running", rp, exc)
        todo.append(n)

    def cfg_for(n):
        return dict(quick=quick, seeds=seeds, out_dir=str(out / n) if out is not None else None, seed=seed,
                    progress=False, executor=None)

    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="experiments", unit="exp")
    if workers > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=int(workers)) as ex:
            futs = {ex.submit(_worker, n, cfg_for(n)): n for n in todo}
            for fut in as_completed(futs):
                n = futs[fut]
                try:
                    d = fut.result()
                    d["figures"], d["data_files"] = tuple(d.get("figures", ())), tuple(d.get("data_files", ()))
                    rep = CheckReport(**d)
                except Exception as exc:  # worker crashed
                    rep = _error_report(n, exc, 0.0)
                results[n] = rep
                if on_result:
                    on_result(rep)
                if bar is not None:
                    bar.update(1)
    else:
        for n in todo:
            c = cfg_for(n)
            c["out_dir"] = Path(c["out_dir"]) if c["out_dir"] is not None else None
            if bar is not None:
                bar.set_postfix_str(n)
            rep = run_one(n, RunConfig(**c))
            results[n] = rep
            if on_result:
                on_result(rep)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    reports = [results[n] for n in names]
    if out is not None:
        write_json(out / "summary.json", [r.to_dict() for r in reports])
        from ..plotting import atomic_write_text

        rows = ["name,source,stated,measured,verdict,seconds"]
        for r in reports:
            cells = [r.name, r.source, r.stated, r.measured, r.verdict, f"{r.seconds:.2f}"]
            rows.append(",".join('"' + str(c).replace('"', "'") + '"' for c in cells))
        atomic_write_text(out / "summary.csv", "\n".join(rows) + "\n")
    return reports


def format_table(reports, *, width: int = 160) -> str:
    """Text table with columns check, source, stated, measured (with CI), verdict, seconds.

    Parameters
    ----------
    reports : list of CheckReport
    width : int
        Cells are shortened so a row fits about this many characters.

    Returns
    -------
    str
    """
    heads = ("check", "source", "stated", "measured", "verdict", "s")
    rows = [(r.name, r.source, r.stated, r.measured, r.verdict, f"{r.seconds:.1f}") for r in reports]
    caps = [30, 34, 30, 52]
    budget = max(width - 2 * len(heads) - 22 - 7, 60)
    scale = min(1.0, budget / sum(caps))
    caps = [max(6, int(c * scale)) for c in caps] + [22, 7]

    def cut(s, n):
        s = str(s)
        return s if len(s) <= n else s[: n - 1] + "…"

    ws = [min(c, max([len(h)] + [len(str(row[i])) for row in rows])) for i, (h, c) in enumerate(zip(heads, caps))]
    line = "  ".join(h.ljust(w) for h, w in zip(heads, ws))
    out = [line, "  ".join("-" * w for w in ws)]
    for row in rows:
        out.append("  ".join(cut(c, w).ljust(w) for c, w in zip(row, ws)))
    return "\n".join(out)


def rate_check_figure(checks, config: RunConfig, stem: str, *, title: str = "", labels=None, ncols: int | None = None,
                      xlabel: str | None = None, ylabel: str | None = None):
    """Draw rate checks side by side (one panel each) and save PNG + PDF under ``config.out_dir``.

    Parameters
    ----------
    checks : list of RateCheckResult
    config : RunConfig
        Nothing is drawn when ``config.out_dir`` is None.
    stem : str
        File name without suffix.
    title : str
        Figure title.
    labels : list of str, optional
        Panel titles.
    ncols : int, optional
        Panels per row (default: all in one row up to 3).
    xlabel, ylabel : str, optional

    Returns
    -------
    tuple of str
        Paths written (empty when not writing).
    """
    from ._registry import out_path

    p = out_path(config, stem)
    if p is None or not checks:
        return ()
    from .. import plotting

    n = len(checks)
    ncols = ncols or min(n, 3)
    nrows = -(-n // ncols)
    fig, axes = plotting.new_axes(nrows, ncols, squeeze=False)
    for k, (ax, res) in enumerate(zip(axes.ravel(), checks)):
        res.plot(ax=ax, title=(labels[k] if labels else None))
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return plotting.save_figure(fig, p)


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
    from .. import plotting

    return (getattr(plotting, writer)(p, obj),)


def outputs(config: RunConfig, stem: str, draw, *args, **kwargs) -> tuple:
    """Call ``draw(path, *args, **kwargs)`` to write figures and data, only when ``config`` writes files.

    Parameters
    ----------
    config : RunConfig
    stem : str
        File name without suffix; ``path = out_path(config, stem)``.
    draw : callable
        ``draw(path, *args, **kwargs) -> (figures, data_files)``, both tuples of paths.
    *args, **kwargs
        Passed on to ``draw``.

    Returns
    -------
    tuple
        ``(figures, data_files)``; ``((), ())`` when ``config.out_dir`` is None (``draw`` is not called).
    """
    from ._registry import out_path

    p = out_path(config, stem)
    if p is None:
        return (), ()
    return draw(p, *args, **kwargs)


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
