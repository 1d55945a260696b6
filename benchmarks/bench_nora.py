"""Tabular actor-critic reconstruction of Tan, Fan, Wei (2025): online episodes per second of
``pgtheory.algorithms.actor_critic.nora_tabular`` with the numba kernels against the NumPy
reference loop, in the same process.

Workloads are the runs of the registered ``tan2025-*`` checks: the random layered MDP of
``tan2025-regret`` / ``tan2025-pac`` / ``tan2025-hybrid-optimistic`` (H = 3, S = 3, A = 2,
optimistic critic) and the combination lock of ``tan2025-hybrid-noff`` (H = 5, A = 5,
non-optimistic, offline data) and ``tan2025-hybrid-noff-horizon`` (H = 10). A rate counts every
seed's episode (``T * n_seeds`` per call); best of ``--repeats`` interleaved runs after a warm-up
call of each backend (numba loads or compiles its kernels). The two backends give bitwise equal
traces (checked here on every workload). ``--quick`` runs the first and third workloads.
"""

from __future__ import annotations

import argparse

import numpy as np

try:  # run as ``python -m benchmarks`` (package) or directly
    from ._util import interleaved_times, table
except ImportError:  # pragma: no cover
    from _util import interleaved_times, table


def main(argv=None) -> int:
    """Print episodes per second of ``nora_tabular`` with the numba and NumPy backends and their ratio.

    Parameters
    ----------
    argv : list of str, optional
        ``--quick`` (two workloads), ``--repeats k``.

    Returns
    -------
    int
        0 (ratios are reported, not enforced: the machine is shared); 1 when the backends' traces differ.
    """
    from pgtheory.algorithms.actor_critic import comblock_finite_horizon, layered_mdp, nora_tabular

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args, _ = ap.parse_known_args(argv)

    lay = layered_mdp(3, 3, 2, seed=1)
    lock5, cl5 = comblock_finite_horizon(5, A=5, seed=4)
    lock10, cl10 = comblock_finite_horizon(10, A=5, seed=4)
    # (label, nora_tabular keywords)
    work = [("layered H=3 T=3000 R=32 (regret)", dict(fh_mdp=lay, T=3000, n_seeds=32, bonus_scale=0.5, n_records=5)),
            ("layered H=3 T=3000 R=24 N_off=1000 (optimistic)",
             dict(fh_mdp=lay, T=3000, n_seeds=24, bonus_scale=0.5, n_offline=1000, n_records=3,
                  behavior=np.full((3, 3, 2), 0.5))),
            ("lock H=5 T=200 R=40 N_off=256 (noff)",
             dict(fh_mdp=lock5, T=200, n_seeds=40, bonus_scale=0.0, n_offline=256, behavior=cl5.eps_greedy(0.3),
                  n_records=3)),
            ("lock H=10 T=200 R=24 N_off=64 (noff-horizon)",
             dict(fh_mdp=lock10, T=200, n_seeds=24, bonus_scale=0.0, n_offline=64,
                  behavior=cl10.eps_greedy(1 - 2 ** -0.1), n_records=3))]
    if args.quick:
        work = [work[0], work[2]]
    rows, same = [], True
    for label, kw in work:
        def run(backend, kw=kw):
            return lambda: nora_tabular(rng=7, backend=backend, **kw)

        for b in ("numba", "numpy"):
            run(b)()  # warm-up
        best, res = interleaved_times({"numba": run("numba"), "numpy": run("numpy")}, repeat=args.repeats)
        bitwise = all(np.array_equal(res["numba"].metric(k), res["numpy"].metric(k)) for k in res["numpy"].metrics)
        same &= bitwise
        eps = kw["T"] * kw["n_seeds"]
        rows.append({"workload": label, "episodes/call": eps, "numba ep/s": eps / best["numba"],
                     "numpy ep/s": eps / best["numpy"], "numba/numpy": best["numpy"] / best["numba"],
                     "bitwise": "yes" if bitwise else "NO"})
    print(table(rows))
    return 0 if same else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
