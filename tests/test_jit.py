"""Serial twins of the parallel Numba kernels (pgtheory._jit): own cache files, chosen by thread and
task count, and bitwise equal to the parallel kernels they stand in for.

The equality tests force each choice (``pick`` patched to return the parallel or the serial kernel),
so they compare the two compilations whatever the machine's thread count."""

import numpy as np
import pytest

import pgtheory._jit as jit
from pgtheory import backend as B

pytestmark = pytest.mark.skipif(not B.numba_available(), reason="numba not installed")


def _pairs():
    from pgtheory.algorithms import _igt_kernels as igt_k
    from pgtheory.estimators import _numba as est_k

    return [(igt_k.bandit_chunk, igt_k.bandit_chunk_serial), (igt_k.lqr_chunk, igt_k.lqr_chunk_serial),
            (est_k.pg_kernel, est_k.pg_kernel_serial), (est_k.build_guides, est_k.build_guides_serial),
            (est_k._combine_kernel, est_k._combine_kernel_serial)]


def test_twins_are_serial_and_cached_under_their_own_names():
    for par, ser in _pairs():
        assert par.targetoptions.get("parallel") is True
        assert not ser.targetoptions.get("parallel")
        assert type(ser._cache).__name__ == "FunctionCache"  # cache=True, an on-disk cache of its own
        assert ser.py_func.__name__ == ser.py_func.__qualname__ == f"{par.py_func.__name__}_serial"
        assert ser.py_func.__code__.co_qualname == ser.py_func.__name__
        assert ser.py_func.__qualname__ != par.py_func.__qualname__  # Numba's cache key: module, qualname, line
        assert ser.py_func.__module__ == par.py_func.__module__
        assert ser.py_func.__code__.co_code == par.py_func.__code__.co_code


def test_pick_uses_the_parallel_kernel_only_with_threads_and_tasks():
    import numba

    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        assert jit.pick("par", "ser", 8) == "ser"
        if numba.config.NUMBA_NUM_THREADS >= 2:
            numba.set_num_threads(2)
            assert jit.pick("par", "ser", 8) == "par"
            assert jit.pick("par", "ser", 1) == "ser"
    finally:
        numba.set_num_threads(before)


def _forced(monkeypatch, module, which):
    monkeypatch.setattr(module, "pick", lambda par, ser, tasks: par if which == "parallel" else ser)


@pytest.mark.parametrize("method", ["n_pg_igt", "harpg"])
@pytest.mark.parametrize("model", ["bandit", "lqr"])
def test_igt_kernels_equal_bitwise(monkeypatch, method, model):
    from pgtheory.algorithms import igt
    from pgtheory.bandits._continuous import make_cauchy_bandit
    from pgtheory.lqr import make_lqr

    problem = make_cauchy_bandit() if model == "bandit" else make_lqr()
    kw = dict(rho_max=0.9) if model == "lqr" else {}
    g0 = 0.5 if model == "bandit" else (0.3 if method == "n_pg_igt" else 0.02)
    out = {}
    for which in ("parallel", "serial"):
        _forced(monkeypatch, igt, which)
        out[which] = igt.run_method(problem, method, 60, g0, n_seeds=5, rng=3, backend="numba", **kw)
    assert np.array_equal(out["parallel"].final["theta"], out["serial"].final["theta"])
    assert np.array_equal(out["parallel"].metrics["suboptimality"], out["serial"].metrics["suboptimality"])
    if model == "lqr":
        assert np.array_equal(out["parallel"].final["rejected_by_seed"], out["serial"].final["rejected_by_seed"])


@pytest.mark.parametrize("S,A,n", [(5, 3, 4000), (60, 6, 300)])  # many chunks; d = 360 > 256: two combine blocks
def test_estimator_kernels_equal_bitwise(monkeypatch, S, A, n):
    import numba

    from pgtheory.estimators import _numba, _tables
    from pgtheory.mdp.instances import garnet
    from pgtheory.policies import SoftmaxPolicy

    m = garnet(S, A, min(S, 4), gamma=0.9, seed=S)
    th = np.random.default_rng(1).normal(size=(S, A))
    env = _tables.env_table(m, termination="truncate", horizon=25)
    pmap = _tables.policy_map(SoftmaxPolicy(S, A), th)
    kw = dict(est_mode=1, b_tab=np.zeros((1, S)), b_const=0.0)
    before = numba.get_num_threads()
    out = {}
    try:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)  # several workers where the machine has them
        for which in ("parallel", "serial"):
            _forced(monkeypatch, _numba, which)
            out[which] = _numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(9), **kw)
    finally:
        numba.set_num_threads(before)
    for key in ("mean", "m2", "returns", "lengths"):
        assert np.array_equal(out["parallel"][key], out["serial"][key]), key


def test_guide_and_combine_kernels_equal_bitwise():
    from pgtheory.algorithms._hnpg_kernels import cumulative_rows
    from pgtheory.estimators import _numba

    rng = np.random.default_rng(4)
    rows, width, K = 300, 40, 32
    p = rng.dirichlet(np.ones(width), size=rows)
    cum = cumulative_rows(p).reshape(-1)
    indptr = np.arange(rows + 1, dtype=np.int64) * width
    assert np.array_equal(_numba.build_guides(indptr, cum, K), _numba.build_guides_serial(indptr, cum, K))
    n_chunks, d = 7, 700  # three blocks of 256 coordinates
    s, q = rng.normal(size=(n_chunks, d)), rng.random((n_chunks, d))
    counts = np.full(n_chunks, 10.0)
    res = []
    for kernel in (_numba._combine_kernel, _numba._combine_kernel_serial):
        mean, m2 = np.empty(d), np.empty(d)
        kernel(s, q, counts, 70.0, d, mean, m2)
        res.append((mean, m2))
    assert np.array_equal(res[0][0], res[1][0]) and np.array_equal(res[0][1], res[1][1])
