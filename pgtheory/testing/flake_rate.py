"""Measure the flake rate of the statistical tests: rerun them with fresh seeds and count failures.

Run from the repository root (where ``tests/`` is)::

    python -m pgtheory.testing.flake_rate --runs 50

Each run is ``python -m pytest -m statistical -n WORKERS -q -p no:cacheprovider`` with
``PGTHEORY_TEST_SEED`` set to ``SEED0 + i`` (``SEED0`` from ``--seed0``, default the current Unix
time, printed), so every run draws fresh samples in every statistical test (see
:func:`pgtheory.testing.test_seed`). A run fails when any statistical test fails. The script
prints ``failures/runs``, the exact (Clopper-Pearson) two-sided 95% interval of the per-run
failure probability, the seeds of the failing runs (rerun one with
``PGTHEORY_TEST_SEED=K python -m pytest -m statistical``), and which tests failed how often.

The suite's stated family-wise false-alarm rate (``tests/conftest.py``) is at most 1e-3 per run;
50 runs cannot confirm a rate that small (the upper end of the interval after 0/50 is 0.071), but
they catch a test whose real false-alarm rate is far above its stated ``alpha`` (a test that
fails in a few percent of seeds shows up as failures here). The exit status is 1 when any run
failed, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

__all__ = ["clopper_pearson", "main"]


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided confidence interval of a binomial probability from ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k : int
        Number of failures observed.
    n : int
        Number of runs (``n >= 1``).
    level : float
        Confidence level.

    Returns
    -------
    (float, float)
        Lower and upper ends; ``(0, 1 - (a/2)^(1/n))`` when ``k == 0``.
    """
    from scipy.stats import beta  # lazy: scipy.stats, 0.4 s

    a = 1.0 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"{v} is not positive; give an integer >= 1")
    return v


def _nonnegative(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"{v} is negative; give an integer >= 0")
    return v


def main(argv=None) -> int:
    """Run the statistical tests ``--runs`` times with fresh seeds and print the flake rate.

    Parameters
    ----------
    argv : list of str, optional
        ``--runs N`` (default 50), ``--workers W`` (pytest-xdist processes, default 2),
        ``--seed0 K`` (first ``PGTHEORY_TEST_SEED``, default the Unix time), ``--level``
        (confidence level, default 0.95), and extra pytest arguments after ``--``.

    Returns
    -------
    int
        1 when any run failed, else 0.
    """
    p = argparse.ArgumentParser(prog="python -m pgtheory.testing.flake_rate", description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=_positive, default=50, help="reseeded runs (default 50)")
    p.add_argument("--workers", type=_positive, default=2, help="pytest-xdist processes per run (default 2)")
    p.add_argument("--seed0", type=_nonnegative, default=None, help="PGTHEORY_TEST_SEED of the first run")
    p.add_argument("--level", type=float, default=0.95, help="confidence level of the interval")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = p.parse_args(argv)
    seed0 = int(time.time()) if args.seed0 is None else args.seed0
    print(f"{args.runs} runs of the statistical tests, PGTHEORY_TEST_SEED = {seed0} .. {seed0 + args.runs - 1}",
          flush=True)
    failed_runs, per_test, t0 = [], {}, time.perf_counter()
    for i in range(args.runs):
        k = seed0 + i
        cmd = [sys.executable, "-m", "pytest", "-m", "statistical", "-q", "-p", "no:cacheprovider",
               *(["-n", str(args.workers)] if args.workers > 1 else []), *args.pytest_args]
        t = time.perf_counter()
        proc = subprocess.run(cmd, env={**os.environ, "PGTHEORY_TEST_SEED": str(k)}, capture_output=True, text=True)
        failed = sorted(set(re.findall(r"^FAILED (\S+)", proc.stdout, flags=re.M)))
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and not failed):
            print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
            print(f"run {i + 1}: pytest exited with status {proc.returncode} without a test failure; "
                  "not a statistical failure, stopping", file=sys.stderr)
            return 2
        if failed:
            failed_runs.append(k)
            for name in failed:
                per_test[name] = per_test.get(name, 0) + 1
        print(f"run {i + 1}/{args.runs} seed {k}: {'FAILED ' + ', '.join(failed) if failed else 'passed'} "
              f"({time.perf_counter() - t:.0f} s)", flush=True)
    n, f = args.runs, len(failed_runs)
    lo, hi = clopper_pearson(f, n, args.level)
    print(f"\nflake rate: {f}/{n} runs failed = {f / n:.3g}; {args.level:.0%} Clopper-Pearson interval "
          f"[{lo:.3g}, {hi:.3g}] ({time.perf_counter() - t0:.0f} s in all)")
    if failed_runs:
        print("failing seeds (rerun with PGTHEORY_TEST_SEED=K python -m pytest -m statistical): "
              + ", ".join(map(str, failed_runs)))
        for name, c in sorted(per_test.items(), key=lambda kv: -kv[1]):
            print(f"  {c} x {name}")
    return 1 if failed_runs else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
