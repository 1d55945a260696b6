r"""Sweeps: one check over a grid of its settings, streamed to an append-only store that a rerun resumes.

``sweep("tiapkin2025-sampled", {"seed": range(16)}, out_dir="sw")`` (or
``pgtheory sweep tiapkin2025-sampled --grid seed=0:16 --out sw``) runs the check once per grid
cell (the Cartesian product of the values, in the order given) on an executor, and appends each
finished cell to ``sw/cells.jsonl`` as soon as it finishes.

What a grid may vary
--------------------
The run options ``quick`` (bool), ``seeds`` (int >= 1, the check's number of seeds) and ``seed``
(int >= 0, the base seed its streams are spawned from), and every parameter the check declares
with ``experiment(..., params={NAME: default})`` (read in the check with
``config.param(NAME, default)``; values must have the default's type: int, float, bool or str).
A seed sweep is ``--grid seed=0:100`` (``a:b`` is the integers ``a, ..., b-1``).

The store
---------
``DIR/cells.jsonl`` holds one JSON object per finished cell, one line each:
``{"check", "key", "cell", "config", "verdict", "reason", "measured", "seconds", "finished",
"pgtheory", "report"}`` where ``cell`` holds the grid values of the cell, ``config`` the whole
run configuration (``quick``, ``seeds``, ``seed``, ``params``), ``key`` its canonical JSON (the
identity of the cell) and ``report`` the check's :class:`~pgtheory.results.CheckReport` as a
dict. Each line is written by the parent process with one ``write`` on a file opened with
``O_APPEND``, then ``fsync``-ed before the next cell is recorded, so a crash or a SIGKILL loses at
most the cells that were still running: every recorded cell is complete. A line cut by a crash in
the middle of its write (no final newline) is dropped when the store is next opened, and that
cell is computed again. A rerun with the same grid skips every cell whose key is in the store
and computes only the others; cells that raised are not recorded (the rerun retries them).
Cells do not write figures (the store is the sweep's result).

The summary (:class:`SweepResult`, ``pgtheory sweep`` prints it and writes ``DIR/summary.csv``)
is read back from the store, not from memory.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import dataclasses
import datetime
import io
import itertools
import json
import logging
import os
import shutil
import textwrap
from pathlib import Path

from .. import __version__
from ..errors import ValidationError
from ._parallel import SerialExecutor, open_executor, parse_executor
from ._registry import RunConfig, get
from ._runner import run_one

__all__ = ["sweep", "load_sweep", "SweepResult", "parse_grid", "STORE_FILE"]

log = logging.getLogger(__name__)

#: Name of the append-only store in a sweep's folder.
STORE_FILE = "cells.jsonl"

_RUN_OPTIONS = {"quick": False, "seeds": 1, "seed": 0}


def _parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not a boolean (true/false)")


def _param_types(name: str) -> dict:
    types = {"quick": bool, "seeds": int, "seed": int}
    for k, v in get(name).params.items():
        types[k] = type(v)
    return types


def _coerce(name: str, key: str, value, kind):
    """``value`` as the type ``kind`` of parameter ``key`` (strings are parsed), checked."""
    try:
        if isinstance(value, str) and kind is not str:
            text = value.strip()
            try:
                value = _parse_bool(text) if kind is bool else (float(text) if kind is int else kind(text))
            except ValueError:
                raise ValueError(f"{text!r} is not {'a boolean (true/false)' if kind is bool else 'a number'}") from None
        if kind is bool and not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a bool")
        if kind is int and (isinstance(value, bool) or not float(value).is_integer()):
            raise ValueError(f"{value!r} is not an integer")
        if kind is float and isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        value = kind(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"grid: {key}={value!r} for check {name!r}: {exc}. Fix: give {kind.__name__} "
                              f"values for {key}.") from None
    if key == "seeds" and value < 1:
        raise ValidationError(f"grid: seeds={value} is not a positive integer. Fix: give seeds >= 1.")
    if key == "seed" and value < 0:
        raise ValidationError(f"grid: seed={value} is negative. Fix: give seeds >= 0.")
    return value


def parse_grid(name: str, specs) -> dict:
    """Parse ``--grid`` texts ``PARAM=v1,v2,...`` (or ``PARAM=a:b`` for the integers a..b-1) for check ``name``.

    Parameters
    ----------
    name : str
        A registered check.
    specs : list of str
        One text per parameter.

    Returns
    -------
    dict
        Parameter -> list of values, typed as the parameter (see :func:`sweep`).

    Raises
    ------
    pgtheory.errors.ValidationError
        A text without ``=``, an empty or repeated parameter, an unknown parameter (the message
        lists those the check has), or a value of the wrong type.
    """
    grid: dict = {}
    for spec in specs or ():
        key, sep, values = str(spec).partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ValidationError(f"grid: {spec!r} is not PARAM=v1,v2,... Fix: e.g. --grid seed=0,1,2 or "
                                  "--grid seed=0:16.")
        if key in grid:
            raise ValidationError(f"grid: {key} given twice. Fix: list all its values in one --grid {key}=...")
        vals = values.strip()
        if ":" in vals and "," not in vals:
            a, _, b = vals.partition(":")
            try:
                lo, hi = int(a), int(b)
            except ValueError:
                raise ValidationError(f"grid: {spec!r}: a:b ranges take integers. Fix: e.g. {key}=0:16.") from None
            if hi <= lo:
                raise ValidationError(f"grid: {spec!r} is an empty range. Fix: give a:b with b > a.")
            grid[key] = list(range(lo, hi))
        else:
            grid[key] = [v for v in vals.split(",") if v.strip()]
    return _check_grid(name, grid)


def _check_grid(name: str, grid) -> dict:
    types = _param_types(name)
    out = {}
    for key, values in dict(grid or {}).items():
        if key not in types:
            raise ValidationError(f"grid: check {name!r} has no parameter {key!r}. Fix: choose from "
                                  f"{', '.join(sorted(types))} (run options quick, seeds, seed, and the check's "
                                  "declared params).")
        vals = [_coerce(name, key, v, types[key]) for v in (values if not isinstance(values, (str, bytes))
                                                            else [values])]
        if not vals:
            raise ValidationError(f"grid: no values for {key!r}. Fix: give at least one value.")
        if len(set(map(repr, vals))) != len(vals):
            raise ValidationError(f"grid: repeated values for {key!r} ({vals}). Fix: give each value once.")
        out[key] = vals
    return out


def _cell_config(name: str, cell: dict, base: dict) -> dict:
    cfg = {"quick": bool(base["quick"]), "seeds": base["seeds"], "seed": int(base["seed"]), "params": {}}
    for k, v in cell.items():
        if k in _RUN_OPTIONS:
            cfg[k] = v
        else:
            cfg["params"][k] = v
    cfg["params"] = {k: cfg["params"][k] for k in sorted(cfg["params"])}
    return cfg


def _key(name: str, cfg: dict) -> str:
    return json.dumps({"check": name, **cfg}, sort_keys=True, separators=(",", ":"))


def _cell_worker(name: str, cfg: dict) -> dict:
    # executor entry point: one cell, the report back as plain data
    rep = run_one(name, RunConfig(quick=cfg["quick"], seeds=cfg["seeds"], seed=cfg["seed"],
                                  params=dict(cfg["params"])))
    return rep.to_dict()


def _read_lines(path: Path) -> list:
    """Records of the store; a last line without its newline (cut by a crash) is left out."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n")
    recs = []
    for line in data[: end + 1].splitlines():
        if line.strip():
            recs.append(json.loads(line))
    return recs


def _repair(path: Path) -> None:
    """Cut a trailing partial line (a write cut by a crash) so appends start on a fresh line."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        log.warning("sweep store %s: dropping a partial last line (%d bytes) left by an interrupted write",
                    path, len(data) - keep)
        with open(path, "r+b") as f:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())


class _Store:
    """Append-only JSON-lines file: one ``os.write`` per record on an ``O_APPEND`` descriptor, then fsync."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        _repair(path)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        if new:  # make the new file's directory entry durable too
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    def append(self, record: dict) -> None:
        from ..plotting import strict_json  # lazy: pgtheory.plotting is imported on use

        data = (json.dumps(strict_json(record), allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """The cells of a sweep as read from its store.

    Attributes
    ----------
    check : str
        The check swept.
    path : str or None
        The store (``DIR/cells.jsonl``); None for a sweep run without a folder.
    grid : dict
        Parameter -> values (empty when read with :func:`load_sweep` without a grid).
    cells : tuple of dict
        One record per finished cell (the store's lines; see the module docstring), in grid
        order when the grid is known, otherwise in store order.
    computed : int
        Cells computed by this call (0 for :func:`load_sweep`).
    resumed : int
        Cells of the grid found already in the store.
    errors : tuple of dict
        ``{"cell", "error"}`` for cells that raised in this call (not stored; a rerun retries them).
    """

    check: str
    path: str | None
    grid: dict
    cells: tuple
    computed: int = 0
    resumed: int = 0
    errors: tuple = ()

    def verdict_counts(self) -> dict:
        """How many cells got each verdict.

        Returns
        -------
        dict
            Verdict -> count, sorted by verdict.
        """
        counts: dict = {}
        for c in self.cells:
            counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
        return dict(sorted(counts.items()))

    def rows(self) -> list:
        """One flat dict per cell: the grid values, then verdict, measured, reason, seconds.

        Returns
        -------
        list of dict
        """
        keys = list(self.grid) or sorted({k for c in self.cells for k in c["cell"]})
        return [{**{k: c["cell"].get(k) for k in keys}, "verdict": c["verdict"], "measured": c["measured"],
                 "reason": c["reason"], "seconds": c["seconds"]} for c in self.cells]

    def summary(self, *, width: int | None = None) -> str:
        """A text table of the cells and a line of verdict counts.

        Parameters
        ----------
        width : int, optional
            Line width for the table (default: the terminal's).

        Returns
        -------
        str
        """
        width = width or shutil.get_terminal_size((100, 24)).columns
        rows = self.rows()
        keys = list(rows[0]) if rows else list(self.grid) + ["verdict", "measured", "seconds"]
        keys = [k for k in keys if k != "reason"]
        cells = [[f"{r[k]:.2f}" if k == "seconds" else str(r[k]) for k in keys] for r in rows]
        ws = [max([len(k)] + [len(c[i]) for c in cells]) for i, k in enumerate(keys)]
        fixed = sum(w for k, w in zip(keys, ws) if k != "measured") + 2 * (len(keys) - 1)
        if "measured" in keys:
            i = keys.index("measured")
            ws[i] = max(12, min(ws[i], width - fixed))
        lines = ["  ".join(k.ljust(w) for k, w in zip(keys, ws)).rstrip(), "  ".join("-" * w for w in ws)]
        for c in cells:
            wrapped = [textwrap.wrap(v, w, break_long_words=True) or [""] for v, w in zip(c, ws)]
            for j in range(max(map(len, wrapped))):
                lines.append("  ".join((x[j] if j < len(x) else "").ljust(w) for x, w in zip(wrapped, ws)).rstrip())
        counts = ", ".join(f"{v}: {n}" for v, n in self.verdict_counts().items()) or "no cells"
        lines.append("")
        lines.append(f"{self.check}: {len(self.cells)} cells ({counts}); computed {self.computed}, "
                     f"resumed {self.resumed}" + (f", {len(self.errors)} raised" if self.errors else "")
                     + (f"; store {self.path}" if self.path else ""))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Plain data (for JSON).

        Returns
        -------
        dict
        """
        return dataclasses.asdict(self)


def load_sweep(path) -> SweepResult:
    """Read a sweep's store back (a folder holding ``cells.jsonl``, or the file itself).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    SweepResult
        With the cells in store order, ``computed == 0`` and ``resumed == len(cells)``.

    Raises
    ------
    pgtheory.errors.ValidationError
        No store at ``path``.
    """
    p = Path(path)
    if p.is_dir():
        p = p / STORE_FILE
    if not p.is_file():
        raise ValidationError(f"path: no sweep store at {path}. Fix: give the --out folder of a sweep "
                              f"(it holds {STORE_FILE}).")
    recs = _read_lines(p)
    check = recs[0]["check"] if recs else ""
    return SweepResult(check=check, path=str(p), grid={}, cells=tuple(recs), computed=0, resumed=len(recs))


def sweep(name: str, grid=None, *, seeds: int | None = None, seed: int = 0, quick: bool = False, out_dir=None,
          executor=None, workers: int | None = None, progress: bool = False, on_cell=None) -> SweepResult:
    """Run check ``name`` on every cell of ``grid``, streaming each finished cell to an append-only store.

    Parameters
    ----------
    name : str
        A registered check.
    grid : dict, optional
        Parameter -> values: the run options ``quick``, ``seeds``, ``seed`` and the check's
        declared params (``Experiment.params``); strings are parsed as the parameter's type.
        The cells are the Cartesian product in the order given. Empty: one cell.
    seeds, seed, quick :
        Run options of every cell, unless the grid varies them.
    out_dir : str or Path, optional
        Folder of the store ``cells.jsonl`` (and ``summary.csv``); a rerun with the same folder
        resumes. Without it nothing is stored and nothing resumed.
    executor : str or concurrent.futures.Executor, optional
        Where cells run (see :func:`~pgtheory.experiments.open_executor`); default a process pool
        when ``workers`` > 1, serial otherwise. Each cell runs its own seeds serially.
    workers : int, optional
        Workers of a pool the sweep opens (default: all cores for ``"process"``, ``"dask"``,
        ``"ray"``).
    progress : bool
        Show a tqdm bar over the cells.
    on_cell : callable, optional
        Called with each new record after it is stored.

    Returns
    -------
    SweepResult
        The grid's cells read back from the store (from memory without ``out_dir``), how many were
        computed and resumed, and the cells that raised.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown check or parameter, a value of the wrong type, a bad executor spec, or a store in
        ``out_dir`` that belongs to another check (all before any cell runs).
    KeyboardInterrupt
        When interrupted: pending cells are cancelled, workers stopped; every cell recorded so
        far stays in the store.
    """
    try:
        get(name)
    except KeyError:
        raise ValidationError(f"check: no check named {name!r}. Fix: choose one from `pgtheory list`.") from None
    grid = _check_grid(name, grid)
    if seeds is not None:
        _coerce(name, "seeds", seeds, int)
    _coerce(name, "seed", seed, int)
    base = {"quick": bool(quick), "seeds": None if seeds is None else int(seeds), "seed": int(seed)}
    spec = executor if executor is not None else ("process" if (workers or 1) > 1 else "serial")
    if isinstance(spec, str):
        parse_executor(spec)
    keys = list(grid)
    cells = [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]
    configs = [_cell_config(name, c, base) for c in cells]
    ckeys = [_key(name, cfg) for cfg in configs]
    path = Path(out_dir) / STORE_FILE if out_dir is not None else None
    done = {}
    if path is not None:
        _repair(path)
        for rec in _read_lines(path):
            if rec.get("check") != name:
                raise ValidationError(f"out_dir: {path} holds a sweep of check {rec.get('check')!r}, not {name!r}. "
                                      "Fix: give another --out folder.")
            done.setdefault(rec["key"], rec)
    todo = [i for i, k in enumerate(ckeys) if k not in done]
    resumed = len(cells) - len(todo)
    memory: dict = {}
    errors = []
    store = _Store(path) if path is not None and todo else None
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm  # lazy: tqdm only for the interactive bar

        bar = tqdm(total=len(cells), initial=resumed, desc=name, unit="cell")

    def record(i, rep: dict):
        if rep.get("verdict") == "error":
            errors.append({"cell": cells[i], "error": rep.get("measured", "")})
        else:
            rec = {"check": name, "key": ckeys[i], "cell": cells[i], "config": configs[i],
                   "verdict": rep["verdict"], "reason": rep.get("reason", ""), "measured": rep.get("measured", ""),
                   "seconds": rep.get("seconds"),
                   "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                   "pgtheory": __version__, "report": rep}
            if store is not None:
                store.append(rec)
            memory[ckeys[i]] = rec
            if on_cell is not None:
                on_cell(rec)
        if bar is not None:
            bar.update(1)

    try:
        if todo:
            with open_executor(spec, workers) as ex:
                if isinstance(ex, SerialExecutor):
                    for i in todo:
                        record(i, _cell_worker(name, configs[i]))
                else:
                    futs = {ex.submit(_cell_worker, name, configs[i]): i for i in todo}
                    for fut in cf.as_completed(futs):
                        i = futs[fut]
                        try:
                            rep = fut.result()
                        except Exception as exc:  # a worker died
                            rep = {"verdict": "error", "measured": f"{type(exc).__name__}: {exc}"}
                        record(i, rep)
    finally:
        if bar is not None:
            bar.close()
        if store is not None:
            store.close()
    if path is not None:
        stored = {}
        for rec in _read_lines(path):
            stored.setdefault(rec["key"], rec)
    else:
        stored = memory
    recs = tuple(stored[k] for k in ckeys if k in stored)
    res = SweepResult(check=name, path=None if path is None else str(path), grid=grid, cells=recs,
                      computed=len(todo) - len(errors), resumed=resumed, errors=tuple(errors))
    if path is not None:
        _write_summary_csv(path.parent / "summary.csv", res)
    return res


def _write_summary_csv(path: Path, res: SweepResult) -> None:
    from ..plotting import atomic_write_text  # lazy: pgtheory.plotting is imported on use

    rows = res.rows()
    buf = io.StringIO()
    cols = list(rows[0]) if rows else list(res.grid) + ["verdict", "measured", "reason", "seconds"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r[c] is None else r[c] for c in cols])
    atomic_write_text(path, buf.getvalue())
