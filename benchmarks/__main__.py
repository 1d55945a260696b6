"""``python -m benchmarks [NAME ...] [--quick]``: run every ``benchmarks/bench_*.py`` module's ``main()``.

Threads: BLAS / OpenMP / numba are pinned to one thread before NumPy is imported (set
``PGTHEORY_BENCH_THREADS`` to change it), so timings are single-core and comparable across
libraries; ratios are computed within one run.
"""

from __future__ import annotations

import os
import sys

_THREADS = os.environ.get("PGTHEORY_BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, _THREADS)

import importlib  # noqa: E402
import pkgutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def _modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmark modules (all by default); extra ``--flags`` are passed on."""
    argv = list(sys.argv[1:] if argv is None else argv)
    flags = [a for a in argv if a.startswith("-")]
    names = [a for a in argv if not a.startswith("-")] or _modules()
    unknown = [n for n in names if n not in _modules()]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {_modules()}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        mod = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"\n=== benchmarks.bench_{name} (threads={os.environ['OMP_NUM_THREADS']}) ===", flush=True)
        t0 = time.perf_counter()
        try:
            rc = mod.main(flags)
        except SystemExit as exc:  # a module's argparse rejected a flag meant for another module
            if not flags or exc.code in (0, None):
                raise
            print(f"(bench_{name} does not accept {flags}; running it with its defaults)", flush=True)
            rc = mod.main([])
        status = status or int(rc or 0)
        print(f"--- bench_{name} done in {time.perf_counter() - t0:.1f} s (exit {rc or 0})", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
