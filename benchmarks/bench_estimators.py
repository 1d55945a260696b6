"""Benchmark: REINFORCE-with-gradient throughput (million environment steps per second).

Random dense MDP (Dirichlet rows), softmax policy, truncation at H = 100 steps, for
S in {10, 100, 1000} and A in {4, 16}. Methods, all measured in this process:

* ``python``  -- per-step Python loop with ``rng.choice`` and a NumPy score update;
* ``gym``     -- a Gymnasium-style ``Env.step`` loop (a ``gymnasium.Env`` subclass whose ``step``
  does FrozenLake's categorical sampling; the agent samples actions and accumulates the score);
* ``numpy``   -- the vectorised NumPy reference (``backend="numpy"``);
* ``numba1`` / ``numba2`` -- the Numba kernel with 1 and 2 threads;
* ``floor``   -- sampling only, same draws and searches, NumPy's RNG inside Numba, 1 thread;
* ``splitmix1`` -- the Numba kernel, 1 thread, with the counter-based SplitMix64 stream instead of
  NumPy's Mersenne Twister (stretch goal: lifts the ceiling set by the RNG).

Targets (issue 3): numba1 >= 60% of floor, >= 100x gym, >= 2.5x numpy; numba2 >= 1.7x numba1.
The machine is shared: wall-clock rates depend on other processes, and CPU time (also printed for
the one-thread methods) measures this code. Sampling tables are built once per instance and
excluded (``env_table``); the per-call guide-table build of the Numba path is included.

Run: ``python -m benchmarks estimators`` or ``python benchmarks/bench_estimators.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

H = 100


def _instance(S, A, seed=0):
    from pgtheory.mdp import TabularMDP

    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    mdp = TabularMDP(P, rng.uniform(size=(S, A)), 0.99)
    theta = rng.normal(size=(S, A))
    return mdp, theta


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def _python_loop(mdp, pi, n_traj, rng):
    S, A = pi.shape
    P = np.asarray(mdp.P)
    grad = np.zeros((S, A))
    for _ in range(n_traj):
        s = rng.choice(S, p=mdp.rho)
        score = np.zeros((S, A))
        R = 0.0
        for t in range(H):
            a = rng.choice(A, p=pi[s])
            R += 0.99**t * mdp.r[s, a]
            score[s] -= pi[s]
            score[s, a] += 1.0
            s = rng.choice(S, p=P[s, a])
        grad += R * score
    return grad / n_traj


def _gym_env_class():
    import gymnasium as gym
    from gymnasium import spaces

    class TabularEnv(gym.Env):
        """A Gymnasium environment for a tabular MDP (FrozenLake-style categorical sampling)."""

        def __init__(self, mdp):
            self.P = np.asarray(mdp.P)
            self.R = np.asarray(mdp.r)
            self.rho = np.asarray(mdp.rho)
            self.observation_space = spaces.Discrete(mdp.S)
            self.action_space = spaces.Discrete(mdp.A)
            self.s = 0
            self.t = 0

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            self.s = int(np.searchsorted(np.cumsum(self.rho), self.np_random.random(), side="right"))
            self.t = 0
            return self.s, {}

        def step(self, a):
            rew = float(self.R[self.s, a])
            p = self.P[self.s, a]
            self.s = int(min(np.searchsorted(np.cumsum(p), self.np_random.random(), side="right"), len(p) - 1))
            self.t += 1
            return self.s, rew, False, self.t >= H, {}

    return TabularEnv


def _gym_loop(env_cls, mdp, pi, n_traj, seed):
    S, A = pi.shape
    env = env_cls(mdp)
    rng = np.random.default_rng(seed)
    cum = np.cumsum(pi, axis=1)
    grad = np.zeros((S, A))
    s, _ = env.reset(seed=seed)
    for _ in range(n_traj):
        s, _ = env.reset()
        score = np.zeros((S, A))
        R, t, done = 0.0, 0, False
        while not done:
            a = int(min(np.searchsorted(cum[s], rng.random(), side="right"), A - 1))
            score[s] -= pi[s]
            score[s, a] += 1.0
            s2, rew, term, trunc, _ = env.step(a)
            R += 0.99**t * rew
            t += 1
            s, done = s2, term or trunc
        grad += R * score
    return grad / n_traj


def run_instance(S, A, quick=False):
    """Measure every method on one instance; returns a dict of rates (million steps / s)."""
    import numba

    from pgtheory.estimators import _numba, _reference, _tables
    from pgtheory.policies import SoftmaxPolicy

    mdp, theta = _instance(S, A)
    env = _tables.env_table(mdp, termination="truncate", horizon=H)
    pmap = _tables.policy_map(SoftmaxPolicy(S, A), theta)
    kw = dict(est_mode=0, b_tab=np.zeros((1, S)), b_const=0.0)
    rates, cpu = {}, {}
    scale = 0.25 if quick else 1.0

    n = max(2, int(40 * scale))
    w, c, _ = _timed(lambda: _python_loop(mdp, pmap.pi, n, np.random.default_rng(0)))
    rates["python"], cpu["python"] = n * H / w / 1e6, n * H / c / 1e6
    try:
        env_cls = _gym_env_class()
    except ImportError:
        env_cls = None
    if env_cls is not None:
        w, c, _ = _timed(lambda: _gym_loop(env_cls, mdp, pmap.pi, n, 0))
        rates["gym"], cpu["gym"] = n * H / w / 1e6, n * H / c / 1e6

    n = max(10, int((4000 if S <= 100 else 600) * scale))
    w, c, _ = _timed(lambda: _reference.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), **kw))
    rates["numpy"], cpu["numpy"] = n * H / w / 1e6, n * H / c / 1e6

    n = max(64, int((40_000 if S <= 100 else 10_000) * scale))
    before = numba.get_num_threads()
    try:
        for nt in (1, 2):
            if nt > numba.config.NUMBA_NUM_THREADS:
                continue  # e.g. `python -m benchmarks` pins NUMBA_NUM_THREADS=1
            numba.set_num_threads(nt)
            _numba.run(env, pmap.pi, pmap, 64, rng=np.random.default_rng(1), **kw)  # warm (cache load)
            w, c, _ = _timed(lambda: _numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), **kw))
            rates[f"numba{nt}"], cpu[f"numba{nt}"] = n * H / w / 1e6, n * H / c / 1e6
        numba.set_num_threads(1)
        _numba.run(env, pmap.pi, pmap, 64, rng=np.random.default_rng(1), rng_kind="splitmix64", **kw)
        w, c, _ = _timed(lambda: _numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0),
                                            rng_kind="splitmix64", **kw))
        rates["splitmix1"], cpu["splitmix1"] = n * H / w / 1e6, n * H / c / 1e6
    finally:
        numba.set_num_threads(before)

    K = _numba.guide_size(env)
    guide = _numba.build_guides(env.p_indptr, env.p_cum, K)
    pi_cum = _tables.cumulative_rows(pmap.pi)
    args = (env.rho_cum, env.p_indptr, env.p_indices, env.p_cum, int(env.p_dense), guide, int(K), env.r, S, A,
            pi_cum)
    _numba.sample_only_kernel(*args, 10, H, 1)
    w, c, _ = _timed(lambda: _numba.sample_only_kernel(*args, n, H, 7))
    rates["floor"], cpu["floor"] = n * H / w / 1e6, n * H / c / 1e6
    return rates, cpu


TARGETS = [("numba1", "floor", 0.6), ("numba1", "gym", 100.0), ("numba1", "numpy", 2.5), ("numba2", "numba1", 1.7),
           ("splitmix1", "floor", 1.0)]


def main(argv=None) -> int:
    """Run the benchmark and print rates and ratios against the baselines of the same run.

    Parameters
    ----------
    argv : list of str, optional
        ``--quick`` (smaller sample sizes, S in {10, 100}), ``--sizes S:A,S:A,...``.

    Returns
    -------
    int
        0 (the targets are reported, not enforced: the machine is shared).
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None, help="comma-separated S:A pairs")
    args = ap.parse_args(argv)
    if args.sizes:
        sizes = [tuple(int(x) for x in p.split(":")) for p in args.sizes.split(",")]
    elif args.quick:
        sizes = [(10, 4), (100, 16)]
    else:
        sizes = [(S, A) for S in (10, 100, 1000) for A in (4, 16)]
    methods = ["python", "gym", "numpy", "numba1", "numba2", "floor", "splitmix1"]
    import numba

    print(f"REINFORCE with gradient, softmax, truncation H={H}; million env steps / s (wall; cpu in brackets)")
    if numba.config.NUMBA_NUM_THREADS < 2:
        print(f"note: NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}, so numba2 is not measured; run "
              f"`PGTHEORY_BENCH_THREADS=2 python -m benchmarks estimators` (or this file directly) for it.")
    print(f"{'S':>5} {'A':>3} " + " ".join(f"{m:>14}" for m in methods))
    rows = []
    for S, A in sizes:
        rates, cpu = run_instance(S, A, quick=args.quick)
        cells = []
        for m in methods:
            if m in rates:
                cells.append(f"{rates[m]:7.3f} [{cpu[m]:5.2f}]" if m != "numba2" else f"{rates[m]:14.3f}")
            else:
                cells.append(f"{'n/a':>14}")
        print(f"{S:>5} {A:>3} " + " ".join(cells))
        rows.append((S, A, rates, cpu))
    print("\nratios (wall) vs targets:")
    for S, A, rates, cpu in rows:
        parts = []
        for a, b, target in TARGETS:
            if a in rates and b in rates:
                r = rates[a] / rates[b]
                parts.append(f"{a}/{b} = {r:8.2f} (target >= {target:g}: {'met' if r >= target else 'MISSED'})")
        print(f"S={S:>4} A={A:>2}: " + "; ".join(parts))
        if "floor" in cpu:
            print(f"{'':>12}cpu-time: numba1/floor = {cpu['numba1'] / cpu['floor']:.2f}, "
                  f"numba1/gym = {cpu['numba1'] / cpu.get('gym', np.nan):.1f}, "
                  f"numba1/numpy = {cpu['numba1'] / cpu['numpy']:.2f}, "
                  f"splitmix1/floor = {cpu['splitmix1'] / cpu['floor']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
