"""Benchmark: wall-clock time of ``import pgtheory`` in a fresh interpreter (issue 13, item 8: < 0.05 s).

Each run starts a new ``python`` process (nothing cached in ``sys.modules``; the ``.pyc`` files are
warm after the first run, as for a user) and times the import inside it with ``time.perf_counter``,
so interpreter start-up is excluded. Baselines in the same loop: ``import numpy`` (what almost every
use of pgtheory pays next) and ``import pgtheory.mdp`` (the first subpackage a user touches, which
does import NumPy and SciPy's sparse module). The deterministic half of the contract -- the import
loads none of numba, scipy, sympy, matplotlib, cvxpy, cupy -- is a test
(``tests/test_package.py``); timing lives here because a shared machine makes a timing test flaky.

Run: ``python -m benchmarks import [--repeat N]`` or ``python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.05

_CODE = ("import time, sys; t = time.perf_counter(); import {mod}; dt = time.perf_counter() - t; "
         "print(dt); print(len(sys.modules))")


def _time_import(mod: str) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", _CODE.format(mod=mod)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return float(out[0]), int(out[1])


def main(argv=None) -> int:
    """Time the imports; returns 0 when the median of ``import pgtheory`` is under 0.05 s.

    Parameters
    ----------
    argv : list of str, optional
        ``--repeat N`` fresh interpreters per module (default 15), ``--quick`` (5).

    Returns
    -------
    int
        0 when the target is met, 1 otherwise.
    """
    ap = argparse.ArgumentParser(prog="bench_import")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    repeat = 5 if args.quick else args.repeat
    mods = ("pgtheory", "numpy", "pgtheory.mdp")
    _time_import("pgtheory")                      # warm the .pyc files
    times: dict = {m: [] for m in mods}
    loaded = {}
    for _ in range(repeat):                       # interleaved, so load spikes hit every module alike
        for m in mods:
            dt, n = _time_import(m)
            times[m].append(dt)
            loaded[m] = n
    print(f"fresh interpreters: {repeat} per module (python {sys.version.split()[0]})")
    print(f"{'module':>14}  {'min [ms]':>9}  {'median [ms]':>11}  {'max [ms]':>9}  {'modules loaded':>14}")
    for m in mods:
        t = times[m]
        print(f"{m:>14}  {1e3 * min(t):9.2f}  {1e3 * statistics.median(t):11.2f}  {1e3 * max(t):9.2f}  {loaded[m]:14d}")
    med = statistics.median(times["pgtheory"])
    ratio = med / statistics.median(times["numpy"])
    ok = med < TARGET_S
    print(f"import pgtheory: median {1e3 * med:.2f} ms = {ratio:.2f} x import numpy; target < {1e3 * TARGET_S:.0f} ms: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
