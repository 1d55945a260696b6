"""Benchmark: exact Nash-MP and the exact regularised equilibrium on large preference games.

Target (issue 5): exact Nash-MP on |Y| = 1000 runs 1000 iterations (2000 preference queries, with
KL, duality gap and span recorded at every iteration) in under 1 s. Baselines in the same process:
the bare cost of the 2000 matrix-vector products (the floor any implementation pays) and the
equilibrium solver (Newton) against 1000 fixed-point iterations of Nash-MP used as a solver.

Wall-clock and process CPU time are both printed: on a shared machine the wall time depends on
other processes, the CPU time measures this code.

Run: ``python benchmarks/bench_games.py [--repeat N] [--n N] [--iters K]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _best(fn, repeat):
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def main(argv=None) -> int:
    """Run the benchmark; returns 0 when the target (CPU time < 1 s) is met.

    Parameters
    ----------
    argv : list of str, optional
        ``--repeat N`` (default 3), ``--n`` responses (default 1000), ``--iters`` (default 1000).

    Returns
    -------
    int
        Exit status.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--iters", type=int, default=1000)
    args = ap.parse_args(argv)

    from pgtheory.algorithms.nash import nash_mp, payoff
    from pgtheory.games import random_preference_game, regularized_nash

    n, K, beta = args.n, args.iters, 0.1
    g = random_preference_game(n, rng=0)
    mu = np.random.default_rng(1).dirichlet(np.ones(n))
    w, c, eq = _best(lambda: regularized_nash(g, beta, mu), args.repeat)
    print(f"regularized_nash n={n} beta={beta}: wall {w:.3f} s, cpu {c:.3f} s, gap {eq.gap:.1e}, "
          f"residual {eq.residual:.1e}, {eq.iterations} Newton steps")
    w_mp, c_mp, tr = _best(lambda: nash_mp(g, beta, K, mu=mu, equilibrium=eq), args.repeat)
    print(f"nash_mp n={n}, {K} iterations ({2 * K} queries, metrics every iteration): wall {w_mp:.3f} s, "
          f"cpu {c_mp:.3f} s, final KL {tr.metric('kl')[-1]:.1e}")
    A = g.as_contextual().A
    th = np.log(mu)[None]
    w_mv, c_mv, _ = _best(lambda: [payoff(A, th) for _ in range(2 * K)], args.repeat)
    print(f"baseline: {2 * K} bare preference queries (matrix-vector products): wall {w_mv:.3f} s, cpu {c_mv:.3f} s "
          f"-> Nash-MP overhead x{c_mp / max(c_mv, 1e-12):.2f} over the matvec floor")
    ok = c_mp < 1.0
    print(f"target |Y|={n}, {K} iterations < 1 s (CPU): {'met' if ok else 'NOT met'} ({c_mp:.3f} s cpu, {w_mp:.3f} s wall)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
