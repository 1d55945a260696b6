"""Benchmark (issue 17): the reproduction on 1 vs 2 workers, and a seed sweep on serial / process pool / Dask.

(a) ``pgtheory reproduce --quick`` (or the full run with ``--full``) in a fresh output folder,
    ``--workers 1`` then ``--workers 2`` (process pool), each in its own subprocess; wall time and
    the CPU time of the subprocess tree (``RUSAGE_CHILDREN``), their ratio, and whether the two
    runs' reports agree (claims, verdicts, measured values and details, timings left out).
(b) ``pgtheory.experiments.sweep`` of one check over ``--sweep-seeds`` base seeds (default 8 of
    ``tiapkin2025-sampled --quick``) on the serial executor, a 2-process pool and a Dask
    ``LocalCluster`` of 2 single-threaded worker processes (skipped when distributed is not
    installed); wall time, the speed-up over serial, and whether every executor stored the same
    cells (bitwise, timings left out). Dask's time includes starting the cluster (reported apart).

With ``--cold`` (a) adds a third run, 2 workers with an empty ``NUMBA_CACHE_DIR``: the first run
after installing (or after editing a kernel), which compiles every Numba kernel it calls; the
difference from the warm 2-worker run is what that one-time compilation costs.

The workers' thread counts are not pinned here (unlike the other benchmarks): the point is how
the run uses the machine. On a shared machine the wall times depend on other processes; the two
parts interleave nothing, so compare ratios from one run.

Run: ``python benchmarks/bench_scale.py [--full] [--cold] [--only NAME ...] [--sweep-check NAME] [--sweep-seeds N]``
(or ``python -m benchmarks scale`` with ``--flag=value`` forms).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SKIP = ("second", "time", "wall", "elapsed")


def _strip(x):
    """A report without timings, paths and settings (what must agree between executors)."""
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if not any(w in k.lower() for w in _SKIP)
                and k not in ("figures", "data_files", "settings", "resumed", "rerun_reason", "finished")}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


def _reproduce(out: Path, workers: int, full: bool, only, numba_cache: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if numba_cache is not None:  # an empty cache: every kernel the run calls is compiled
        env["NUMBA_CACHE_DIR"] = str(numba_cache)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env.pop(var, None)  # python -m benchmarks pins them to 1; the reproduction picks its own
    cmd = [sys.executable, "-m", "pgtheory", "reproduce", "--out", str(out), "--workers", str(workers)]
    cmd += [] if full else ["--quick"]
    cmd += ["--only", *only] if only else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reports = {p.parent.name: _strip(json.loads(p.read_text())) for p in out.glob("*/report.json")}
    return {"workers": workers, "numba_cache": "warm" if numba_cache is None else "empty", "wall_s": wall, "cpu_s": cpu, "exit": proc.returncode, "reports": reports,
            "stderr": proc.stderr[-2000:]}


def _sweep_times(check: str, n_seeds: int, quick: bool) -> list:
    from pgtheory.experiments import load_sweep, open_executor, sweep

    rows, stores = [], {}
    kinds = [("serial", None), ("process", 2)]
    try:
        import distributed  # noqa: F401  (optional)

        kinds.append(("dask", 2))
    except ImportError:
        print("(distributed not installed: the Dask row is skipped; pip install 'pgtheory[dask]')")
    for kind, workers in kinds:
        tmp = Path(tempfile.mkdtemp(prefix=f"pgtheory-bench-sweep-{kind}-"))
        try:
            t0 = time.perf_counter()
            with open_executor(kind, workers) as ex:
                t_start = time.perf_counter() - t0
                t1 = time.perf_counter()
                res = sweep(check, {"seed": list(range(n_seeds))}, quick=quick, out_dir=tmp, executor=ex)
                t_run = time.perf_counter() - t1
            stores[kind] = sorted(json.dumps(_strip(c["report"]), sort_keys=True) for c in load_sweep(tmp).cells)
            rows.append({"executor": kind if workers is None else f"{kind}({workers})", "cells": len(res.cells),
                         "start_s": t_start, "sweep_s": t_run, "total_s": time.perf_counter() - t0})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    ref = stores["serial"]
    for r, kind in zip(rows, [k for k, _ in kinds]):
        r["speedup_vs_serial"] = rows[0]["sweep_s"] / r["sweep_s"]
        r["same_cells_as_serial"] = stores[kind] == ref
    return rows


def main(argv=None) -> int:
    """Run both parts and print their tables.

    Parameters
    ----------
    argv : list of str, optional
        ``--full`` (the full reproduction instead of ``--quick``), ``--only NAME ...`` (a subset of
        checks), ``--sweep-check NAME`` (default ``tiapkin2025-sampled``), ``--sweep-seeds N``
        (default 8), ``--cold`` (also 2 workers on an empty Numba cache), ``--skip-reproduce``,
        ``--skip-sweep``.

    Returns
    -------
    int
        0 when both reproductions ran and agreed and every executor stored the same cells.
    """
    from benchmarks._util import table

    p = argparse.ArgumentParser(prog="bench_scale")
    p.add_argument("--full", action="store_true")
    p.add_argument("--cold", action="store_true")
    p.add_argument("--only", nargs="+", default=None)
    p.add_argument("--sweep-check", default="tiapkin2025-sampled")
    p.add_argument("--sweep-seeds", type=int, default=8)
    p.add_argument("--skip-reproduce", action="store_true")
    p.add_argument("--skip-sweep", action="store_true")
    a = p.parse_args(argv)
    ok = True
    if not a.skip_reproduce:
        what = ("full" if a.full else "--quick") + (f", {len(a.only)} checks" if a.only else ", all checks")
        print(f"(a) pgtheory reproduce ({what}), 1 vs 2 workers, {os.cpu_count()} cores")
        runs = []
        for w, cold in [(1, False), (2, False)] + ([(2, True)] if a.cold else []):
            tmp = Path(tempfile.mkdtemp(prefix=f"pgtheory-bench-repro-{w}-"))
            try:
                runs.append(_reproduce(tmp / "out", w, a.full, a.only, tmp / "numba-cache" if cold else None))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        same = all(r["reports"] == runs[0]["reports"] for r in runs[1:])
        print(table([{"workers": r["workers"], "numba_cache": r["numba_cache"], "wall_s": r["wall_s"],
                      "cpu_s": r["cpu_s"], "exit": r["exit"], "reports": len(r["reports"])} for r in runs]))
        print(f"wall ratio 1 worker / 2 workers: {runs[0]['wall_s'] / runs[1]['wall_s']:.2f}x; "
              f"cpu ratio: {runs[0]['cpu_s'] / runs[1]['cpu_s']:.2f}; reports identical: {same}")
        if a.cold:
            print(f"empty Numba cache, 2 workers: +{runs[2]['wall_s'] - runs[1]['wall_s']:.1f} s wall, "
                  f"+{runs[2]['cpu_s'] - runs[1]['cpu_s']:.1f} CPU-s (the one-time compilation)")
        ok = ok and same and all(r["exit"] in (0, 1) for r in runs)
        for r in runs:
            if r["exit"] not in (0, 1):
                print(r["stderr"])
    if not a.skip_sweep:
        print(f"\n(b) sweep {a.sweep_check} --quick over seeds 0..{a.sweep_seeds - 1}")
        rows = _sweep_times(a.sweep_check, a.sweep_seeds, True)
        print(table(rows))
        ok = ok and all(r["same_cells_as_serial"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
