"""Sampled actor-critic (HAC, Zhou et al. 2023): Monte-Carlo rollouts per second with the numba
engine against the NumPy reference engine, in the same process.

One HAC run (``pgtheory.algorithms.hnpg.hac``) on a Garnet MDP: every round draws ``K2 * m_on``
on-policy pairs and one Monte-Carlo rollout (an "episode", geometric termination) per pair
through :mod:`pgtheory.estimators`. Rates are episodes (rollouts) per second of the whole
algorithm (sampling, regression and actor included), best of ``--repeats`` interleaved runs.
The first call of each backend is a warm-up (numba compiles or loads its cache).
"""

from __future__ import annotations

import argparse

import numpy as np

try:  # run as ``python -m benchmarks`` (package) or directly
    from ._util import interleaved_times, table
except ImportError:  # pragma: no cover
    from _util import interleaved_times, table


def main(argv=None) -> int:
    """Print episodes per second of sampled HAC with the numba and NumPy engines and their ratio.

    Parameters
    ----------
    argv : list of str, optional
        ``--quick`` (smaller runs), ``--repeats k``.

    Returns
    -------
    int
        0 (ratios are reported, not enforced: the machine is shared).
    """
    from pgtheory.algorithms.hnpg import hac
    from pgtheory.mdp import instances

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args, _ = ap.parse_known_args(argv)
    rows = []
    sizes = [(20, 4, 0.9, 4000)] if args.quick else [(20, 4, 0.9, 4000), (100, 8, 0.95, 20000)]
    for S, A, g, m in sizes:
        mdp = instances.garnet(S, A, 5, gamma=g, seed=0)
        nu = np.full((S, A), 1.0 / (S * A))
        kw = dict(nu=nu, m_on=m, m_off=m, K1=2, K2=6)
        T = 3

        def run(backend):
            return lambda: hac(mdp, T, rng=1, backend=backend, **kw)

        for b in ("numba", "numpy"):
            run(b)()  # warm-up
        best, res = interleaved_times({"numba": run("numba"), "numpy": run("numpy")}, repeat=args.repeats)
        eps = T * kw["K2"] * m
        steps = int(res["numba"].metric("online_steps")[-1])
        rows.append({"S": S, "A": A, "gamma": g, "episodes": eps, "env steps": steps,
                     "numba ep/s": eps / best["numba"], "numpy ep/s": eps / best["numpy"],
                     "numba/numpy": best["numpy"] / best["numba"]})
    print(table(rows))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
