"""Engine-driven sampled N-PG-IGT on a tabular MDP: iterations per second, numba (1 and 2 threads) vs NumPy.

Run: ``python benchmarks/bench_oracles.py`` from the repository root. One process, same algorithm and
MDP, the oracle's backend is the only difference; ratios are printed against the NumPy-only loop.
"""

import time

import numpy as np

from pgtheory.algorithms import n_pg_igt
from pgtheory.mdp.instances import garnet
from pgtheory.oracles import SampledOracle


def _rate(mdp, backend, n, T):
    oracle = SampledOracle(mdp, n=n, backend=backend, rng=0)
    n_pg_igt(mdp, n_iter=5, eta=0.5, oracle=oracle, rng=0, n_records=2)  # warm-up (JIT compile / cache load)
    t = time.perf_counter()
    n_pg_igt(mdp, n_iter=T, eta=0.5, oracle=oracle, rng=0, n_records=2)
    return T / (time.perf_counter() - t)


def main(argv=None) -> int:
    """Print the three call sizes' rates (``argv`` is accepted for ``python -m benchmarks`` and ignored)."""
    import numba

    mdp = garnet(20, 4, 3, gamma=0.9, seed=0)
    for n, T in ((1, 300), (100, 150), (2000, 40)):
        base = _rate(mdp, "numpy", n, T)
        numba.set_num_threads(1)
        one = _rate(mdp, "numba", n, T)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _rate(mdp, "numba", n, T)
        print(f"S=20 A=4 gamma=0.9, n={n:5d} traj/call: numpy {base:8.1f} it/s | numba 1 thread {one:8.1f} it/s "
              f"({one / base:5.2f}x) | numba 2 threads {two:8.1f} it/s ({two / base:5.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
