"""CUDA kernels (``pgtheory.estimators._cuda``, numba-cuda) tested without a GPU through Numba's CUDA simulator.

The module fixture turns the simulator on (``NUMBA_ENABLE_CUDASIM=1``, read when ``numba.cuda`` is
first imported) unless ``PGTHEORY_CUDA_TESTS=device``, in which case the same tests run on the
CUDA device (see docs/how-to/gpu.md). Everything skips cleanly when numba-cuda is not installed.

What is checked:

* the generator: Philox4x32-10 reproduces the Random123 known-answer vectors, and its host twin
  :func:`philox_uniforms` is counter-based (any sub-range of trajectories and steps is a slice);
* exactness: the kernels consume exactly the uniforms of :func:`philox_uniforms`, so the NumPy
  reference fed those uniforms gives the same trajectories (bitwise) and estimates (to rounding),
  for every estimator mode; fed the same pre-drawn uniforms (``_uniforms``) the public estimators
  agree with the NumPy reference on every case of ``test_backends.py``;
* launch geometry: threads per block, number of blocks and the accumulator placement (shared or
  global memory) change no trajectory and no per-trajectory estimate;
* wiring: ``backend="cuda"`` labels and errors, and the CuPy glue (kernels where they apply,
  fallback on the vectorised path where they do not), exercised with NumPy in place of CuPy;
* in distribution (statistical, seeded): the kernels' own stream against the NumPy reference;
* where the CUDA compilers are installed (NVVM, NVRTC; no GPU needed): the kernel compiles to PTX
  for real devices (sm_70, sm_90).

The simulator runs one Python thread per GPU thread, so sizes are tiny (the module takes ~10-20 s).
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import stats

from pgtheory import backend as B
from pgtheory.bandits import ContextualBandit
from pgtheory.errors import BackendUnavailableError, InfeasibleSizeError, ValidationError
from pgtheory.estimators import _cupy, _tables, gpomdp, hessian_vector_product_estimate, q_estimate, reinforce
from pgtheory.mdp import TabularMDP
from pgtheory.policies import LogLinearPolicy, SoftmaxPolicy
from pgtheory.testing import assert_close, bonferroni_z, test_seed

from .test_backends import _mdp, _parity_cases, _uniforms

HAVE_NUMBA_CUDA = importlib.util.find_spec("numba_cuda") is not None
pytestmark = pytest.mark.skipif(not HAVE_NUMBA_CUDA, reason="numba-cuda not installed (pip install numba-cuda)")


@pytest.fixture(scope="module", autouse=True)
def cuda_target():
    """``"simulator"`` (default) or ``"device"`` (``PGTHEORY_CUDA_TESTS=device``): where the kernels run."""
    want_device = os.environ.get("PGTHEORY_CUDA_TESTS", "simulator").strip().lower() == "device"
    if "numba.cuda" not in sys.modules and not want_device:
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # read when numba.cuda is first imported (below) ...
        if "numba" in sys.modules:  # ... from numba.core.config, which numba-cuda shares: re-read it
            import numba.core.config

            numba.core.config.reload_config()
    ok, why = B._cuda_status()
    if not ok:
        pytest.skip(f"backend='cuda' cannot run in this process: {why}")
    from pgtheory.estimators import _cuda

    target = "simulator" if _cuda.simulator() else "device"
    if want_device and target != "device":
        pytest.skip("PGTHEORY_CUDA_TESTS=device but numba.cuda is the simulator in this process")
    # The simulator's block manager polls its threads while holding the GIL: a short switch
    # interval lets the simulated threads run (about 10x faster at 1e-4 s than at the default 5e-3 s).
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield target
    sys.setswitchinterval(old)


def _cuda():
    from pgtheory.estimators import _cuda

    return _cuda


# ----------------------------------------------------------------------------- generator
def test_philox_known_answer_vectors():
    """The three Philox4x32-10 vectors of Random123's tests/kat_vectors (Salmon et al. 2011)."""
    f = _cuda().philox4x32_10
    cases = [((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
             ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
             ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
              (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1))]
    for ctr, key, expected in cases:
        got = f(*(np.uint64(c) for c in ctr), *(np.uint64(k) for k in key))
        assert tuple(int(w) for w in got) == expected
        # vectorised (host) evaluation gives the same words
        arr = f(*(np.full(3, c, dtype=np.uint64) for c in ctr), *(np.uint64(k) for k in key))
        assert all(np.all(a == e) for a, e in zip(arr, expected))


def test_philox_uniforms_are_counter_based():
    """Any block of trajectories / steps is a slice of the whole: nothing depends on how the work is cut."""
    pu = _cuda().philox_uniforms
    key = (0x1234, 0xBEEF)
    u0, U = pu(key, 9, 7)
    v0, V = pu(key, 3, 4, first=5)
    assert np.array_equal(v0, u0[5:8]) and np.array_equal(V, U[5:8, :4])
    w0, _ = pu((0x1235, 0xBEEF), 9, 7)
    assert not np.any(w0 == u0)
    assert U.min() >= 0.0 and U.max() < 1.0 and len(np.unique(U)) == U.size


# ----------------------------------------------------------------------------- exactness
def _kernel_vs_reference(f, seed, n_traj):
    """Run ``f`` with the kernels' own Philox stream, then the NumPy reference on the host twin of that stream."""
    a = f(rng=seed, backend="cuda", return_samples=True)
    key = _cuda().philox_key(np.random.default_rng(seed))
    u = _cuda().philox_uniforms(key, n_traj, 200)
    b = f(backend="numpy", return_samples=True, _uniforms=u)
    return a, b


def _exact_cases():
    rng = np.random.default_rng(7)
    m = _mdp(S=4, A=3, gamma=0.7, seed=1)
    sm, th = SoftmaxPolicy(4, 3), rng.normal(size=(4, 3))
    ll, th_ll, v_ll = LogLinearPolicy(rng.normal(size=(4, 3, 5))), rng.normal(size=5), rng.normal(size=5)
    bandit = ContextualBandit(rng.uniform(size=(4, 3)), binary=True)
    n = 16
    return {
        # geometric termination: continuation coins (Philox pair 1) and transitions (pair 0)
        "gpomdp-geometric": (lambda **k: gpomdp(m, sm, th, n, baseline="value", **k), n),
        # Bernoulli rewards (pair 1, second uniform)
        "reinforce-bandit-binary": (lambda **k: reinforce(bandit, sm, th, n, **k), n),
        # given starts (Q rollouts), n * S * A trajectories
        "q-truncate": (lambda **k: q_estimate(m, sm, th, 2, termination="truncate", horizon=6, **k), 2 * 12),
        # score-table policy with a Hessian-vector product
        "hvp-loglinear": (lambda **k: hessian_vector_product_estimate(m, ll, th_ll, v_ll, n, termination="truncate",
                                                                      horizon=5, **k), n),
    }


@pytest.mark.parametrize("case", sorted(_exact_cases()))
def test_kernels_consume_exactly_the_host_philox_stream(case):
    """Same trajectories bitwise (lengths, returns, steps) and same estimates to rounding."""
    f, n_traj = _exact_cases()[case]
    a, b = _kernel_vs_reference(f, test_seed(101), n_traj)
    assert a.backend == "cuda" and b.backend == "numpy"
    assert (a.n_steps, a.n_trajectories) == (b.n_steps, b.n_trajectories) and a.n_steps > a.n_trajectories // 2
    assert_close(a.samples, b.samples, rtol=1e-10, atol=1e-12)  # summation order of a trajectory's terms
    assert_close(a.mean, b.mean, rtol=1e-10, atol=1e-12)
    assert_close(a.stderr, b.stderr, rtol=1e-8, atol=1e-12)   # one-pass per block vs two-pass variance
    assert np.any(a.samples != 0)


@pytest.mark.parametrize("case", sorted(_parity_cases()))
def test_cuda_equals_numpy_on_shared_uniforms(case):
    """Every case of the Numba parity test, on pre-drawn uniforms (the kernels' ``use_u`` path)."""
    f = _parity_cases()[case]
    n, T = 6, 12
    ss = n * 12 if case in ("q", "advantage") else n
    u = _uniforms(ss, T, seed=23)
    a = f(n=n, backend="numpy", return_samples=True, _uniforms=u)
    b = f(n=n, backend="cuda", return_samples=True, _uniforms=u)
    assert b.backend == "cuda"
    assert (a.n_steps, a.n_trajectories) == (b.n_steps, b.n_trajectories)
    assert_close(b.samples, a.samples, rtol=1e-10, atol=1e-12)
    assert_close(b.mean, a.mean, rtol=1e-10, atol=1e-12)
    assert_close(b.stderr, a.stderr, rtol=1e-8, atol=1e-12)


# ----------------------------------------------------------------------------- geometry
def _tables_for(S=5, A=3, seed=3, table_policy=False):
    m = _mdp(S=S, A=A, gamma=0.75, seed=seed)
    rng = np.random.default_rng(seed)
    if table_policy:
        pol, th = LogLinearPolicy(rng.normal(size=(S, A, 4))), rng.normal(size=4)
    else:
        pol, th = SoftmaxPolicy(S, A), rng.normal(size=(S, A))
    return m, _tables.env_table(m), _tables.policy_map(pol, th)


@pytest.mark.parametrize("table_policy", [False, True])
def test_launch_geometry_changes_no_trajectory_and_no_estimate(table_policy):
    """tpb in {3, 8}, 1 block or several, accumulators in shared or in global memory: the same
    trajectories and per-trajectory estimates bitwise; the means and sums of squares, which are
    grouped differently, to rounding."""
    cu = _cuda()
    m, env, pm = _tables_for(table_policy=table_policy)
    n = 19
    kw = dict(est_mode=1, b_tab=np.zeros((1, env.S)), b_const=0.0, keep_samples=True)
    runs = []
    for tpb, n_blocks, shared in ((8, 3, True), (3, 7, True), (3, 2, False), (8, 1, False)):
        geo = cu.Plan(tpb=tpb, n_blocks=n_blocks, shared_acc=shared, slot_bytes=0, block_bytes=0)
        runs.append(cu.run(env, pm.pi, pm, n, rng=np.random.default_rng(5), geometry=geo, **kw))
    ref = runs[0]
    for out in runs[1:]:
        for key in ("returns", "lengths", "samples"):
            assert np.array_equal(out[key], ref[key]), key
        assert_close(out["mean"], ref["mean"], rtol=1e-12, atol=1e-15)
        assert_close(out["m2"], ref["m2"], rtol=1e-10, atol=1e-13)
    # the same grouping (tpb, blocks) in shared and in global memory: bitwise equal sums
    geo_g = cu.Plan(tpb=8, n_blocks=3, shared_acc=False, slot_bytes=0, block_bytes=0)
    out_g = cu.run(env, pm.pi, pm, n, rng=np.random.default_rng(5), geometry=geo_g, **kw)
    assert np.array_equal(out_g["mean"], ref["mean"]) and np.array_equal(out_g["m2"], ref["m2"])
    assert ref["lengths"].min() >= 1 and len(set(ref["lengths"])) > 1


def test_plan_is_device_independent_and_respects_the_budget():
    cu = _cuda()
    _, env, pm = _tables_for(S=6, A=4)
    geo = cu.plan(env, pm, 1000, hvp=False, tpb=32)
    assert geo.shared_acc and geo.n_blocks == 32 and geo.slot_bytes == 8 * (2 * 24 + 3 * 6) + 24
    assert cu.plan(env, pm, 1000, hvp=False, tpb=32, scratch_bytes=5 * geo.block_bytes).n_blocks == 5
    assert cu.plan(env, pm, 1000, hvp=False, tpb=32, scratch_bytes=geo.block_bytes - 1) is None
    assert cu.plan(env, pm, 10, hvp=False, tpb=32).n_blocks == 1
    assert_close(cu.block_counts(70, 8, 3), np.array([24.0, 24.0, 22.0]), rtol=0, atol=0)


# ----------------------------------------------------------------------------- wiring
def test_backend_cuda_resolves_and_labels_results():
    assert B.resolve_backend("cuda") == "cuda"
    assert "cuda" in B.BACKENDS and "cuda" not in B.available_backends()  # explicit only
    est = gpomdp(_mdp(), "softmax", np.zeros((4, 3)), 5, rng=0, backend="cuda")
    assert est.backend == "cuda" and est.mean.shape == (4, 3) and est.n_trajectories == 5


def test_cuda_raises_where_the_kernels_do_not_apply(monkeypatch):
    cu = _cuda()
    monkeypatch.setattr(cu, "SCRATCH_BYTES", 64)
    with pytest.raises(InfeasibleSizeError, match="backend='cupy'"):
        gpomdp(_mdp(), "softmax", np.zeros((4, 3)), 5, rng=0, backend="cuda")


def test_cupy_glue_uses_the_kernels_and_falls_back(monkeypatch):
    """The CuPy path with NumPy standing in for CuPy: the kernels when they apply (label ``cuda``, the
    kernels' result), the vectorised path when they do not (label ``cupy``, the vectorised result)."""
    cu = _cuda()
    _, env, pm = _tables_for()
    kw = dict(est_mode=0, b_tab=np.zeros((1, env.S)), b_const=0.2, keep_samples=True)
    a = _cupy.run(env, pm.pi, pm, 9, rng=np.random.default_rng(4), xp=np, kernels=True, **kw)
    k = cu.run(env, pm.pi, pm, 9, rng=np.random.default_rng(4), **kw)
    assert a["backend"] == "cuda" and np.array_equal(a["samples"], k["samples"])
    monkeypatch.setattr(cu, "SCRATCH_BYTES", 64)
    b = _cupy.run(env, pm.pi, pm, 9, rng=np.random.default_rng(4), xp=np, kernels=True, **kw)
    c = _cupy.run(env, pm.pi, pm, 9, rng=np.random.default_rng(4), xp=np, kernels=False, **kw)
    assert b["backend"] == "cupy" and np.array_equal(b["samples"], c["samples"])
    assert not np.array_equal(b["samples"], a["samples"])


def test_pre_drawn_uniforms_still_rejected_on_cupy():
    with pytest.raises((ValidationError, BackendUnavailableError)):
        reinforce(_mdp(), "softmax", np.zeros((4, 3)), 3, backend="cupy", _uniforms=_uniforms(3, 4))


# ----------------------------------------------------------------------------- in distribution
@pytest.mark.statistical
def test_cuda_agrees_with_numpy_in_distribution():
    """The kernels' own Philox stream against the NumPy reference's generator (independent draws).

    Two-sample z-test per coordinate, |m_cuda - m_numpy| <= z sqrt(se_cuda^2 + se_numpy^2), for
    REINFORCE and GPOMDP (n = 600 kernel trajectories -- the simulator is slow -- against
    n = 40,000 NumPy ones), and a chi-square goodness-of-fit test of the kernels' trajectory
    lengths against the geometric law P(L = l) = (1 - gamma) gamma^(l - 1) (tail l >= 6 pooled).
    alpha = 1e-5 in total: 1e-5 / 2 for the lengths, 1e-5 / 2 split by Bonferroni over
    2 estimators x 6 coordinates."""
    rng = np.random.default_rng(2)
    S, A, gamma = 3, 2, 0.5
    m = TabularMDP(rng.dirichlet(np.ones(S), size=(S, A)), rng.uniform(-1, 1, size=(S, A)), gamma,
                   rng.dirichlet(np.ones(S)))
    th = rng.normal(size=(S, A))
    z = bonferroni_z(0.5e-5, 2 * S * A)
    for k, f in enumerate((reinforce, gpomdp)):
        a = f(m, "softmax", th, 600, rng=test_seed(31 + k), backend="cuda")
        b = f(m, "softmax", th, 40_000, rng=test_seed(41 + k), backend="numpy")
        assert a.backend == "cuda" and np.all(a.stderr > 0)
        assert np.all(np.abs(a.mean - b.mean) <= z * np.hypot(a.stderr, b.stderr)), (a.mean, b.mean)
    # per-trajectory lengths come from the kernel's run() (estimates report only their sum)
    env, pm = _tables.env_table(m), _tables.policy_map(SoftmaxPolicy(S, A), th)
    out = _cuda().run(env, pm.pi, pm, 600, rng=np.random.default_rng(test_seed(51)), est_mode=2,
                 b_tab=np.zeros((1, S)), b_const=0.0)
    L = out["lengths"]
    edges = np.arange(1, 7)
    pmf = (1 - gamma) * gamma ** (edges[:-1] - 1)
    expected = np.append(pmf, 1 - pmf.sum()) * L.size
    observed = np.append([np.sum(L == l) for l in edges[:-1]], np.sum(L >= edges[-1]))
    assert stats.chisquare(observed, expected).pvalue > 0.5e-5


# ----------------------------------------------------------------------------- on a GPU
def _need_device_and_cupy(target):
    if target != "device" or not B.cupy_available():
        pytest.skip("needs a CUDA device, CuPy and PGTHEORY_CUDA_TESTS=device (docs/how-to/gpu.md)")


@pytest.mark.gpu
def test_device_cupy_backend_runs_the_kernels_exactly(cuda_target):  # pragma: no cover - needs a GPU
    """backend='cupy' runs the kernels on CuPy arrays (label 'cuda'), 4096 trajectories in blocks of 128,
    and matches the NumPy reference fed the host twin of the Philox stream (FMA contraction: rounding)."""
    _need_device_and_cupy(cuda_target)
    m = _mdp(S=6, A=4, gamma=0.9, seed=5)
    th = np.random.default_rng(5).normal(size=(6, 4))
    seed, n = test_seed(61), 4096
    a = gpomdp(m, "softmax", th, n, rng=seed, backend="cupy", baseline="value", return_samples=True)
    assert a.backend == "cuda"
    u = _cuda().philox_uniforms(_cuda().philox_key(np.random.default_rng(seed)), n, 400)
    b = gpomdp(m, "softmax", th, n, backend="numpy", baseline="value", return_samples=True, _uniforms=u)
    assert a.n_steps == b.n_steps
    assert_close(a.samples, b.samples, rtol=1e-10, atol=1e-12)
    assert_close(a.mean, b.mean, rtol=1e-10, atol=1e-12)


@pytest.mark.gpu
@pytest.mark.statistical
def test_device_vectorised_cupy_path_agrees_in_distribution(cuda_target):  # pragma: no cover - needs a GPU
    """The fallback (vectorised CuPy) path, forced: two-sample z-test against NumPy, n = 40,000 each,
    alpha = 1e-5 (Bonferroni over 12 coordinates)."""
    _need_device_and_cupy(cuda_target)
    m = _mdp()
    th = np.random.default_rng(1).normal(size=(4, 3))
    env, pm = _tables.env_table(m), _tables.policy_map(SoftmaxPolicy(4, 3), th)
    kw = dict(est_mode=1, b_tab=np.zeros((1, 4)), b_const=0.0)
    n = 40_000
    out = _cupy.run(env, pm.pi, pm, n, rng=np.random.default_rng(test_seed(71)), kernels=False, **kw)
    assert out["backend"] == "cupy"
    b = gpomdp(m, "softmax", th, n, rng=test_seed(72), backend="numpy")
    se = np.sqrt(out["m2"] / (n - 1) / n).reshape(4, 3)
    z = bonferroni_z(1e-5, th.size)
    assert np.all(np.abs(out["mean"].reshape(4, 3) - b.mean) <= z * np.hypot(se, b.stderr))


# ----------------------------------------------------------------------------- real-device compile
_PTX_SCRIPT = textwrap.dedent("""
    import sys, types
    import numpy as np, numba
    from numba import cuda

    def probe(x):
        x[0] = 1.0

    try:  # the toolchain: NVVM (and NVRTC, which numba-cuda also loads) compile a trivial kernel
        cuda.compile_ptx(probe, "(float64[:],)", cc=(7, 0))
    except Exception as exc:
        print("NO-TOOLCHAIN", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        sys.exit(0)
    import numba.cuda.dispatcher as D
    # Device functions ask the current device for its compute capability; there is none here.
    D.get_current_device = lambda: types.SimpleNamespace(compute_capability=(9, 0))
    from pgtheory.estimators import _cuda
    from pgtheory.estimators._tables import ModelTables, PolicyTables, EstimatorTables, Draws, Outputs
    f1, f2, f3 = np.zeros(2), np.zeros((2, 2)), np.zeros((2, 2, 2))
    i1, i2, g2 = np.zeros(2, np.int64), np.zeros((2, 2), np.int64), np.zeros((2, 2), np.int32)
    cfg = _cuda.KernelConfig(*([1] * 5), 1.0, 1.0, *([1] * 5), 0.0, *([1] * 9))
    args = (ModelTables(f1, i1, i1, f1, g2, f3), PolicyTables(f2, f2, f2, f2), EstimatorTables(f2, f1, f2, f2),
            Draws(i1, i1, i1, f1, f3), Outputs(f2, f2, f2, f1, i1, i1), cfg,
            _cuda.Scratch(f2, f2, f2, f2, i2, i1, f2, f2, f2, f2, f2))
    sig = tuple(numba.typeof(a) for a in args)
    for cc in ((7, 0), (9, 0)):
        ptx, _ = cuda.compile_ptx(_cuda.pg_kernel.py_func, sig, cc=cc)
        assert ".entry" in ptx and ptx.count(".local") == 0, cc
    print("PTX-OK", len(ptx))
""")


def test_kernel_compiles_to_ptx_for_real_devices():
    """Typing and lowering for the device target (which the simulator does not do), where the CUDA
    compilers (NVVM, NVRTC) are installed -- ``pip install "numba-cuda[cu12]"`` brings them, no GPU
    needed; skipped otherwise. Runs in a fresh process with the simulator off."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", _PTX_SCRIPT], capture_output=True, text=True, env=env, cwd=root,
                         timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    if "NO-TOOLCHAIN" in res.stdout:
        pytest.skip(f"the CUDA compilers (NVVM, NVRTC) are not installed: {res.stdout.strip()}")
    assert "PTX-OK" in res.stdout


def test_resolving_cuda_without_driver_does_not_import_numba_cuda():
    """On a machine without a CUDA driver and without the simulator, backend='cuda' raises a clear error
    and leaves numba.cuda unimported (so the simulator could still be turned on in that process)."""
    if B._cuda_driver_present():
        pytest.skip("a CUDA driver library is present on this machine")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    code = ("import sys\nfrom pgtheory import backend\ntry:\n    backend.resolve_backend('cuda')\n"
            "except backend.BackendUnavailableError as e:\n    print('RAISED', 'NUMBA_ENABLE_CUDASIM' in str(e))\n"
            "print('numba.cuda' in sys.modules)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root,
                         check=True).stdout.split()
    assert out == ["RAISED", "True", "False"]
