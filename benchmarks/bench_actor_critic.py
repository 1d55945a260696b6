"""Sampled actor-critic (HAC, Zhou et al. 2023): Monte-Carlo rollouts per second with the numba
engine against the NumPy-order samplers (replayed by kernels), in the same process.

One HAC run (``pgtheory.algorithms.hnpg.hac``) per workload: every round draws ``K2 * m_on``
on-policy pairs and one Monte-Carlo rollout (an "episode", geometric termination) per pair
through :mod:`pgtheory.estimators`. Rates are episodes (rollouts) per second of the whole
algorithm (sampling, regression and actor included), best of ``--repeats`` interleaved runs.
The first call of each backend is a warm-up (numba compiles or loads its cache).

What the two columns measure: ``backend="numba"`` draws the Monte-Carlo rollouts with the numba
estimator engine (its own random streams); ``backend="numpy"`` draws them in the order of the NumPy
reference loops, which numba kernels replay on the generator's uniforms (the same samples bit for
bit, :mod:`pgtheory.algorithms.hnpg`). So "numpy-order" is not a NumPy-only run: the ratio compares
the two ways of drawing samples, both compiled. The pure NumPy loops run only where Numba is missing
or ``NUMBA_DISABLE_JIT=1``.

Workloads: two large-batch Garnet runs (thousands of rollouts of mean length 10-20 per call), and
the two small-batch workloads of the registered checks (``zhou2023-hac-sampled-rates``: rollouts
of mean length 1.4, ~9,000 per round at T = 64; ``zhou2023-comblock`` / ``zhou2023-offline-only``:
200 per round on the lock), where the numba engine's per-call set-up (parallel guide tables,
chunk seeds, thread launch) can cost more than the rollouts themselves. ``--quick`` runs the first
large-batch and the first small-batch workload.
"""

from __future__ import annotations

import argparse

import numpy as np

try:  # run as ``python -m benchmarks`` (package) or directly
    from ._util import interleaved_times, table
except ImportError:  # pragma: no cover
    from _util import interleaved_times, table


def main(argv=None) -> int:
    """Print episodes per second of sampled HAC with the numba engine and in NumPy order, and their ratio.

    Parameters
    ----------
    argv : list of str, optional
        ``--quick`` (smaller runs), ``--repeats k``.

    Returns
    -------
    int
        0 (ratios are reported, not enforced: the machine is shared).
    """
    from pgtheory.algorithms.hnpg import hac, hybrid_combination_lock
    from pgtheory.mdp import TabularMDP, instances, state_action_occupancy

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args, _ = ap.parse_known_args(argv)

    def garnet(S, A, g):
        return instances.garnet(S, A, 5, gamma=g, seed=0)

    def gap_mdp():  # the instance of zhou2023-hac-sampled-rates (one rewarding action per state)
        base = instances.garnet(5, 3, 2, gamma=0.3, seed=1)
        r = np.zeros((5, 3))
        r[np.arange(5), np.random.default_rng(1).integers(0, 3, size=5)] = 1.0
        return TabularMDP(np.asarray(base.P), r, 0.3, base.rho)

    def lock():  # the lock of zhou2023-comblock at H = 5, on-policy arm
        cl = hybrid_combination_lock(5, A=3, gamma=0.9, seed=5)
        return cl.mdp

    # (label, model, m_on = m_off, K1, K2, rounds)
    large = [("Garnet S=20 A=4 g=0.9", lambda: garnet(20, 4, 0.9), 4000, 2, 6, 3),
             ("Garnet S=100 A=8 g=0.95", lambda: garnet(100, 8, 0.95), 20000, 2, 6, 3)]
    small = [("hac-sampled-rates T=64", gap_mdp, 64, 5, 69, 4),
             ("comb lock H=5 (m=20, K2=10)", lock, 20, 5, 10, 40)]
    work = [large[0], small[0]] if args.quick else large + small
    rows = []
    for label, make, m, K1, K2, T in work:
        mdp = make()
        nu = np.full((mdp.S, mdp.A), 1.0 / (mdp.S * mdp.A)) if "lock" not in label else \
            state_action_occupancy(mdp, np.full((mdp.S, mdp.A), 1.0 / mdp.A))
        kw = dict(nu=nu, m_on=m, m_off=m, K1=K1, K2=K2)

        def run(backend, mdp=mdp, kw=kw, T=T):
            return lambda: hac(mdp, T, rng=1, backend=backend, eta=1.0, **kw)

        for b in ("numba", "numpy"):
            run(b)()  # warm-up
        best, res = interleaved_times({"numba": run("numba"), "numpy": run("numpy")}, repeat=args.repeats)
        eps = int(res["numba"].samples[-1])
        steps = int(res["numba"].metric("online_steps")[-1])
        rows.append({"workload": label, "episodes": eps, "env steps": steps, "rollouts/call": K2 * m,
                     "numba ep/s": eps / best["numba"], "numpy-order ep/s": eps / best["numpy"],
                     "numba/numpy-order": best["numpy"] / best["numba"]})
    print(table(rows))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
