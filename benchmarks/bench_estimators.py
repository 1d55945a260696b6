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
  NumPy's Mersenne Twister (stretch goal: lifts the ceiling set by the RNG);
* ``cuda`` -- the CUDA kernels (``pgtheory.estimators._cuda``, numba-cuda; what ``backend="cuda"``
  and, where they apply, ``backend="cupy"`` run), on CuPy arrays when CuPy is installed, on a
  CUDA device: the public-path call (tables to the device, guide table, scratch, kernel,
  reduction, copies back), after one warm-up call that compiles the kernel; ``n`` grows by 4x
  from 65,536 trajectories until a call takes >= 0.2 s (0.05 s with ``--quick``) or reaches 2**24;
* ``cupyvec`` -- the vectorised CuPy path (the NumPy reference with ``xp = cupy``, the fallback of
  ``backend="cupy"``), same protocol from 4,096 trajectories, when CuPy is installed.

Targets (issue 3): numba1 >= 60% of floor, >= 100x gym, >= 2.5x numpy; numba2 >= 1.7x numba1.
Target (issue 17): cuda >= 50x numba on 2 cores for S <= 1000 (and 10**10 env-steps / s for
S <= 100 is the aim). "numba on 2 cores" is ``numba2`` when measured, else ``2 x numba1`` (perfect
scaling: a ratio against it understates the GPU's). Without a CUDA device the ``cuda`` and
``cupyvec`` columns are ``n/a`` and the reason is printed; under Numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``) the kernels are only checked for correctness on a few trajectories
against the NumPy reference fed the same Philox uniforms (the simulator's speed means nothing).
``--methods cuda,cupyvec,numba1,numba2`` measures a subset (on a GPU machine, to save time).

Timing protocol. Every method is timed ``k`` times (``--repeats``; 5 by default, 3 with
``--quick``) and the best wall time and the best CPU time are kept (the minimum is the estimate
least disturbed by other processes). ``numba1`` and ``numba2`` are the same public-path call
(:func:`pgtheory.estimators._numba.run`, which is what ``backend="numba"`` runs: seeds, guide table,
kernel, reduction) with the same ``n`` trajectories, and their repeats are interleaved
(1, 2, 1, 2, ...) so that a change of machine load hits both alike; ``n`` is large enough (>= 0.1 s
per one-thread call) that thread start-up and the serial parts do not dominate. CPU time is the
process CPU time (all threads): for ``numba2`` it is printed as the CPU efficiency
``cpu(numba1) / cpu(numba2)`` (1 = no parallel overhead; the wall speedup cannot exceed
``2 x`` this). The machine is shared: the CPU time used by *other* processes during the numba
measurements (from ``/proc/stat``) is printed per size, and a size measured while others used more
than 0.1 core is flagged, since a busy second core depresses the two-thread wall rate.
Sampling tables are built once per instance and excluded (``env_table``); the per-call guide-table
build of the Numba path is included.

Run: ``python -m benchmarks estimators`` or ``python benchmarks/bench_estimators.py [--quick] [--repeats k]``.
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
    # Let idle pool threads (OpenMP, BLAS) stop spinning first: their busy-wait after a previous
    # parallel call would otherwise be billed to this call's process CPU time.
    time.sleep(0.03)
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def _best(fn, k):
    """Best wall time and best CPU time over ``k`` calls of ``fn``."""
    runs = [_timed(fn)[:2] for _ in range(k)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _busy_seconds():
    """CPU seconds spent by the whole machine so far (all CPUs; ``None`` where ``/proc/stat`` is missing)."""
    import os

    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    vals = [int(x) for x in fields]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)   # idle + iowait
    steal = vals[7] if len(vals) > 7 else 0
    return (sum(vals[:8]) - idle - steal) / os.sysconf("SC_CLK_TCK")


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


def _grow_and_time(call, n0, quick, k, n_max=1 << 24):
    """Grow ``n`` by 4x until one call takes >= 0.2 s (0.05 s quick), then keep the best of ``k`` calls."""
    target = 0.05 if quick else 0.2
    n = n0
    while True:
        w, _, out = _timed(lambda: call(n))
        if w >= target or n >= n_max:
            break
        n *= 4
    best = min([w] + [_timed(lambda: call(n))[0] for _ in range(max(0, k - 1))])
    return n, best, out


def gpu_instance(S, A, env, pmap, kw, quick, k, methods):
    """Rates of the CUDA kernels (``cuda``) and of the vectorised CuPy path (``cupyvec``) on a device.

    Returns ``(rates, notes)``: million env steps / s per measured method, and text lines (launch
    geometry, why a method was not measured, the simulator's correctness check).
    """
    from pgtheory import backend

    rates, notes = {}, []
    if not ({"cuda", "cupyvec"} & set(methods)):
        return rates, notes
    ok, why = backend._cuda_status()
    if not ok:
        notes.append(f"cuda: not measured -- {why}")
    else:
        from pgtheory.estimators import _cuda, _reference

        def cuda_module():
            from numba import cuda

            return cuda

        if _cuda.simulator():
            # correctness only: 4 trajectories against the reference on the same Philox uniforms
            n = 4
            out = _cuda.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), keep_samples=True, **kw)
            u = _cuda.philox_uniforms(_cuda.philox_key(np.random.default_rng(0)), n, H)
            ref = _reference.run(env, pmap.pi, pmap, n, uniforms=u, keep_samples=True, **kw)
            err = np.abs(out["samples"] - ref["samples"]) - 1e-10 * np.abs(ref["samples"])
            same = np.array_equal(out["lengths"], ref["lengths"]) and float(err.max()) <= 1e-12
            notes.append(f"cuda: simulator (NUMBA_ENABLE_CUDASIM=1): correctness only, {n} trajectories x {H} "
                         f"steps vs the NumPy reference on the same uniforms: {'match' if same else 'MISMATCH'}; "
                         f"no timing")
        elif "cuda" in methods:
            xp = _cuda.default_xp()

            def call(n):
                return _cuda.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), xp=xp, **kw)

            call(1024)  # compile the kernel for this device, allocate (cupy's memory pool)
            dev = cuda_module().get_current_device()
            name = getattr(dev, "name", "?")
            notes.append(f"cuda: device {name.decode() if isinstance(name, bytes) else name}, "
                         f"compute capability {getattr(dev, 'compute_capability', '?')}")
            n, w, out = _grow_and_time(call, 1 << 16, quick, k)
            steps = int(np.sum(out["lengths"]))
            rates["cuda"] = steps / w / 1e6
            geo = _cuda.plan(env, pmap, n, hvp=False)
            notes.append(f"cuda: n={n} trajectories, {geo.n_blocks} blocks x {geo.tpb} threads, accumulators in "
                         f"{'shared' if geo.shared_acc else 'global'} memory, arrays: "
                         f"{'CuPy' if xp is not None else 'Numba device arrays'}, best {w * 1e3:.1f} ms")
    if "cupyvec" in methods:
        if not backend.cupy_available():
            notes.append("cupyvec: not measured -- CuPy with a CUDA device is not available")
        else:
            from pgtheory.estimators import _cupy

            cp = backend.get_cupy()

            def vcall(n):
                return _cupy.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), xp=cp, kernels=False, **kw)

            vcall(256)
            n, w, out = _grow_and_time(vcall, 1 << 12, quick, min(k, 3), n_max=1 << 20)
            rates["cupyvec"] = int(np.sum(out["lengths"])) / w / 1e6
            notes.append(f"cupyvec: n={n} trajectories, best {w * 1e3:.1f} ms")
    return rates, notes


def run_instance(S, A, quick=False, repeats=None, methods=None):
    """Measure every method on one instance.

    Returns ``(rates, cpu, other, notes)``: wall and CPU rates (million steps / s, best of ``repeats``)
    per method (GPU methods: wall only), the CPU time of other processes during the numba
    measurements (in cores, or NaN), and the notes of :func:`gpu_instance`.
    """
    import numba

    from pgtheory.estimators import _numba, _reference, _tables
    from pgtheory.policies import SoftmaxPolicy

    k = repeats if repeats is not None else (3 if quick else 5)
    mdp, theta = _instance(S, A)
    env = _tables.env_table(mdp, termination="truncate", horizon=H)
    pmap = _tables.policy_map(SoftmaxPolicy(S, A), theta)
    kw = dict(est_mode=0, b_tab=np.zeros((1, S)), b_const=0.0)
    rates, cpu = {}, {}
    scale = 0.25 if quick else 1.0

    def record(name, steps, w, c):
        rates[name], cpu[name] = steps / w / 1e6, steps / c / 1e6

    def want(name):
        return methods is None or name in methods

    n = max(2, int(40 * scale))
    if want("python"):
        record("python", n * H, *_best(lambda: _python_loop(mdp, pmap.pi, n, np.random.default_rng(0)), min(k, 3)))
    try:
        env_cls = _gym_env_class() if want("gym") else None
    except ImportError:
        env_cls = None
    if env_cls is not None:
        record("gym", n * H, *_best(lambda: _gym_loop(env_cls, mdp, pmap.pi, n, 0), min(k, 3)))

    n = max(10, int((4000 if S <= 100 else 600) * scale))
    if want("numpy"):
        record("numpy", n * H, *_best(lambda: _reference.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0),
                                                             **kw), min(k, 3)))

    # >= ~0.1 s per one-thread call (>= 0.3 s without --quick) at every size.
    n = max(64, int((40_000 if S <= 100 else 10_000) * scale))
    threads = [nt for nt in (1, 2) if nt <= numba.config.NUMBA_NUM_THREADS  # `python -m benchmarks` pins 1
               and want(f"numba{nt}")]
    before = numba.get_num_threads()
    busy0, own0, wall0 = _busy_seconds(), time.process_time(), time.perf_counter()
    try:
        for nt in threads:  # warm (cache load, thread pool start)
            numba.set_num_threads(nt)
            _numba.run(env, pmap.pi, pmap, 64, rng=np.random.default_rng(1), **kw)
        walls = {nt: [] for nt in threads}
        cpus = {nt: [] for nt in threads}
        for _ in range(k):
            for nt in threads:
                numba.set_num_threads(nt)
                w, c, _ = _timed(lambda: _numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0), **kw))
                walls[nt].append(w)
                cpus[nt].append(c)
        for nt in threads:
            record(f"numba{nt}", n * H, min(walls[nt]), min(cpus[nt]))
        numba.set_num_threads(1)
        if want("splitmix1"):
            _numba.run(env, pmap.pi, pmap, 64, rng=np.random.default_rng(1), rng_kind="splitmix64", **kw)
            record("splitmix1", n * H, *_best(lambda: _numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(0),
                                                                 rng_kind="splitmix64", **kw), k))
    finally:
        numba.set_num_threads(before)
    busy1, own1, wall1 = _busy_seconds(), time.process_time(), time.perf_counter()
    other = np.nan if busy0 is None else max(0.0, (busy1 - busy0) - (own1 - own0)) / (wall1 - wall0)

    K = _numba.guide_size(env)
    guide = _numba.build_guides(env.p_indptr, env.p_cum, K)
    pi_cum = _tables.cumulative_rows(pmap.pi)
    args = (env.rho_cum, env.p_indptr, env.p_indices, env.p_cum, int(env.p_dense), guide, int(K), env.r, S, A,
            pi_cum)
    if want("floor"):
        _numba.sample_only_kernel(*args, 10, H, 1)
        record("floor", n * H, *_best(lambda: _numba.sample_only_kernel(*args, n, H, 7), k))
    gpu_rates, notes = gpu_instance(S, A, env, pmap, kw, quick, k, METHODS if methods is None else methods)
    for name, rate in gpu_rates.items():
        rates[name], cpu[name] = rate, np.nan
    return rates, cpu, other, notes


TARGETS = [("numba1", "floor", 0.6), ("numba1", "gym", 100.0), ("numba1", "numpy", 2.5), ("numba2", "numba1", 1.7),
           ("splitmix1", "floor", 1.0)]
#: Issue 17: the CUDA kernels against Numba on 2 cores (numba2, or 2 x numba1), for S <= 1000.
GPU_TARGET = 50.0
#: Issue 17's aim for S <= 100 (million env steps / s).
GPU_AIM = 1e4
METHODS = ["python", "gym", "numpy", "numba1", "numba2", "floor", "splitmix1", "cuda", "cupyvec"]


def main(argv=None) -> int:
    """Run the benchmark and print rates and ratios against the baselines of the same run.

    Parameters
    ----------
    argv : list of str, optional
        ``--quick`` (smaller sample sizes, S in {10, 100}), ``--sizes S:A,S:A,...``,
        ``--repeats k`` (timings per method; the best is kept), ``--methods m1,m2,...`` (a subset of
        :data:`METHODS`).

    Returns
    -------
    int
        0 (the targets are reported, not enforced: the machine is shared).
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None, help="comma-separated S:A pairs")
    ap.add_argument("--repeats", type=int, default=None, help="timings per method (best kept); 5, or 3 with --quick")
    ap.add_argument("--methods", default=None, help=f"comma-separated subset of {','.join(METHODS)}")
    args = ap.parse_args(argv)
    if args.sizes:
        sizes = [tuple(int(x) for x in p.split(":")) for p in args.sizes.split(",")]
    elif args.quick:
        sizes = [(10, 4), (100, 16)]
    else:
        sizes = [(S, A) for S in (10, 100, 1000) for A in (4, 16)]
    selected = None
    if args.methods:
        selected = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = sorted(set(selected) - set(METHODS))
        if unknown:
            ap.error(f"unknown methods {unknown}; choose from {METHODS}")
    methods = METHODS if selected is None else [m for m in METHODS if m in selected]
    import numba

    print(f"REINFORCE with gradient, softmax, truncation H={H}; million env steps / s, best of k; "
          f"wall [cpu in brackets; for numba2: cpu efficiency cpu(numba1)/cpu(numba2); GPU methods: wall only]")
    if numba.config.NUMBA_NUM_THREADS < 2 and "numba2" in methods:
        print(f"note: NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}, so numba2 is not measured; run "
              f"`PGTHEORY_BENCH_THREADS=2 python -m benchmarks estimators` (or this file directly) for it.")
    print(f"{'S':>5} {'A':>3} " + " ".join(f"{m:>15}" for m in methods) + "   other procs (cores)")
    rows = []
    for S, A in sizes:
        rates, cpu, other, notes = run_instance(S, A, quick=args.quick, repeats=args.repeats, methods=selected)
        cells = []
        for m in methods:
            if m not in rates:
                cells.append(f"{'n/a':>15}")
            elif m == "numba2" and "numba1" in cpu:
                cells.append(f"{rates[m]:7.3f} [eff {cpu[m] / cpu['numba1']:4.2f}]")
            elif m in ("cuda", "cupyvec"):
                cells.append(f"{rates[m]:9.1f} [gpu]")
            else:
                cells.append(f"{rates[m]:7.3f} [{cpu[m]:5.2f}]")
        flag = "  BUSY: 2-thread rate depressed" if other > 0.1 else ""
        print(f"{S:>5} {A:>3} " + " ".join(cells) + f"   {other:5.2f}{flag}")
        for line in notes:
            print(f"      {line}")
        rows.append((S, A, rates, cpu))
    print("\nratios vs targets, wall (cpu):")
    for S, A, rates, cpu in rows:
        parts = []
        for a, b, target in TARGETS:
            if a in rates and b in rates:
                r = rates[a] / rates[b]
                rc = cpu[a] / cpu[b] if a != "numba2" else 2.0 * cpu[a] / cpu[b]  # 2 x efficiency
                parts.append(f"{a}/{b} = {r:.2f} ({rc:.2f}) >= {target:g}: {'met' if r >= target else 'MISSED'}")
        if "cuda" in rates:
            base, label = ((rates["numba2"], "numba2") if "numba2" in rates else
                           (2.0 * rates["numba1"], "2 x numba1") if "numba1" in rates else (None, ""))
            if base is not None:
                r = rates["cuda"] / base
                verdict = ("met" if r >= GPU_TARGET else "MISSED") if S <= 1000 else "no target (S > 1000)"
                parts.append(f"cuda/({label}) = {r:.1f} >= {GPU_TARGET:g}: {verdict}")
            if S <= 100:
                parts.append(f"cuda = {rates['cuda'] / 1e3:.2f}e9 steps/s (aim 1e10: "
                             f"{'reached' if rates['cuda'] >= GPU_AIM else 'not reached'})")
            if "cupyvec" in rates:
                parts.append(f"cuda/cupyvec = {rates['cuda'] / rates['cupyvec']:.1f}")
        print(f"S={S:>4} A={A:>2}: " + "; ".join(parts))
    print("(cpu column of numba2/numba1: 2 x cpu efficiency, the speedup two fully busy threads would give)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
