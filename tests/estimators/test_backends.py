"""Backends: selection, parity of Numba with the NumPy reference on shared uniforms, agreement in
distribution otherwise, seeding and thread-count determinism, the CuPy glue, and lazy imports."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory import backend as B
from pgtheory.bandits import ContextualBandit
from pgtheory.errors import BackendUnavailableError, ValidationError
from pgtheory.estimators import (
    _cupy,
    _reference,
    _tables,
    advantage_estimate,
    gpomdp,
    hessian_vector_product_estimate,
    off_policy_gradient,
    q_estimate,
    reinforce,
)
from pgtheory.mdp import FiniteHorizonMDP, TabularMDP
from pgtheory.policies import DirectPolicy, LogLinearPolicy, SoftmaxPolicy
from pgtheory.testing import assert_close, bonferroni_z, test_seed

needs_numba = pytest.mark.skipif(not B.numba_available(), reason="numba not installed")


def _mdp(S=4, A=3, gamma=0.8, seed=0, sparse=False):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(S, 0.5), size=(S, A))
    if sparse:
        P[P < 0.1] = 0.0
        P /= P.sum(-1, keepdims=True)
        return TabularMDP.from_sparse(sp.csr_matrix(P.reshape(S * A, S)), rng.uniform(size=(S, A)), gamma)
    return TabularMDP(P, rng.uniform(-1, 1, size=(S, A)), gamma, rng.dirichlet(np.ones(S)))


# ----------------------------------------------------------------------------- selection
def test_resolve_backend_names_and_auto():
    assert B.resolve_backend("numpy") == "numpy"
    assert B.resolve_backend(" NumPy ") == "numpy"
    expected = "cupy" if B.cupy_available() else ("numba" if B.numba_available() else "numpy")
    assert B.resolve_backend("auto") == expected
    assert B.available_backends()[-1] == "numpy"


def test_resolve_backend_reads_environment(monkeypatch):
    monkeypatch.setenv("PGTHEORY_BACKEND", "numpy")
    assert B.resolve_backend(None) == "numpy"
    monkeypatch.setenv("PGTHEORY_BACKEND", "fortran")
    with pytest.raises(ValidationError, match="PGTHEORY_BACKEND"):
        B.resolve_backend(None)


def test_unknown_backend_raises():
    with pytest.raises(ValidationError, match="unknown backend"):
        B.resolve_backend("tpu")
    with pytest.raises(ValidationError):
        B.resolve_backend(3)


@pytest.mark.skipif(B.cupy_available(), reason="CuPy with a device is present")
def test_cupy_missing_raises_clear_error():
    with pytest.raises(BackendUnavailableError, match="pip install cupy"):
        B.resolve_backend("cupy")
    with pytest.raises(BackendUnavailableError):
        reinforce(_mdp(), "softmax", np.zeros((4, 3)), 10, rng=0, backend="cupy")


def test_import_pgtheory_imports_no_numba_or_cupy():
    code = ("import sys, pgtheory, pgtheory.estimators, pgtheory.backend; "
            "pgtheory.backend.resolve_backend('auto'); "
            "print(any(m == 'numba' or m.startswith('numba.') for m in sys.modules), 'cupy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


# ----------------------------------------------------------------------------- parity
def _uniforms(n, T, seed=11):
    rng = np.random.default_rng(seed)
    return rng.random(n), rng.random((n, T, 4))


def _parity_cases():
    rng = np.random.default_rng(3)
    m = _mdp()
    sm, th = SoftmaxPolicy(4, 3), rng.normal(size=(4, 3))
    ll = LogLinearPolicy(rng.normal(size=(4, 3, 5)))
    th_ll = rng.normal(size=5)
    dp = DirectPolicy(4, 3)
    th_d = rng.dirichlet(np.ones(3), size=4)
    fh = FiniteHorizonMDP(rng.dirichlet(np.ones(4), size=(3, 4, 3)), rng.uniform(size=(3, 4, 3)), 3)
    bandit = ContextualBandit(rng.uniform(size=(4, 3)), binary=True)
    mu = 0.5 * sm.probs(th) + 0.5 / 3
    v = rng.normal(size=(4, 3))
    v_ll = rng.normal(size=5)
    return {
        "reinforce-softmax": lambda **k: reinforce(m, sm, th, **k),
        "reinforce-const-baseline-truncate": lambda **k: reinforce(m, sm, th, baseline=0.3, termination="truncate",
                                                                   horizon=7, **k),
        "reinforce-optimal-baseline": lambda **k: reinforce(m, sm, th, baseline="optimal", **k),
        "gpomdp-value-loglinear": lambda **k: gpomdp(m, ll, th_ll, baseline="value", **k),
        "gpomdp-direct": lambda **k: gpomdp(m, dp, th_d, **k),
        "gpomdp-sparse": lambda **k: gpomdp(_mdp(sparse=True), sm, th, **k),
        "gpomdp-finite-horizon": lambda **k: gpomdp(fh, sm, th, baseline="value", **k),
        "reinforce-bandit-binary": lambda **k: reinforce(bandit, sm, th, **k),
        "off-policy-gpomdp": lambda **k: off_policy_gradient(m, sm, th, behavior=mu, **k),
        "off-policy-reinforce": lambda **k: off_policy_gradient(m, sm, th, behavior=mu, estimator="reinforce", **k),
        "q": lambda **k: q_estimate(m, sm, th, **k),
        "advantage": lambda **k: advantage_estimate(m, sm, th, **k),
        "hvp-softmax": lambda **k: hessian_vector_product_estimate(m, sm, th, v, **k),
        "hvp-loglinear": lambda **k: hessian_vector_product_estimate(m, ll, th_ll, v_ll, **k),
    }


@needs_numba
@pytest.mark.parametrize("case", sorted(_parity_cases()))
def test_numba_equals_numpy_on_shared_uniforms(case):
    """Same pre-drawn uniforms -> the same trajectories and estimates up to float64 rounding."""
    f = _parity_cases()[case]
    n, T = 60, 40
    ss = n * 12 if case in ("q", "advantage") else n  # one rollout per pair and sample
    u = _uniforms(ss, T)
    a = f(n=n, backend="numpy", return_samples=True, _uniforms=u)
    b = f(n=n, backend="numba", return_samples=True, _uniforms=u)
    assert (a.n_steps, a.n_trajectories) == (b.n_steps, b.n_trajectories)
    assert a.n_steps >= n
    assert_close(b.samples, a.samples, rtol=1e-10, atol=1e-12)  # summation order differs
    assert_close(b.mean, a.mean, rtol=1e-10, atol=1e-12)
    assert_close(b.stderr, a.stderr, rtol=1e-8, atol=1e-12)  # one-pass vs two-pass variance
    assert np.any(a.samples != 0)


@needs_numba
@pytest.mark.statistical
def test_numba_agrees_with_numpy_in_distribution():
    """Independent streams: two-sample z-test per coordinate, |m1 - m2| <= z sqrt(se1^2 + se2^2),
    n = 40,000 trajectories each, alpha = 1e-5 (Bonferroni over 12 coordinates x 2 estimators)."""
    m = _mdp()
    th = np.random.default_rng(1).normal(size=(4, 3))
    z = bonferroni_z(1e-5, 2 * th.size)
    for f in (reinforce, gpomdp):
        a = f(m, "softmax", th, 40_000, rng=test_seed(1), backend="numpy")
        b = f(m, "softmax", th, 40_000, rng=test_seed(2), backend="numba")
        assert np.all(np.abs(a.mean - b.mean) <= z * np.hypot(a.stderr, b.stderr))
        assert a.n_steps != b.n_steps  # really different streams


@pytest.mark.parametrize("backend", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_same_seed_same_result(backend):
    m = _mdp()
    th = np.zeros((4, 3))
    a = gpomdp(m, "softmax", th, 500, rng=42, backend=backend)
    b = gpomdp(m, "softmax", th, 500, rng=np.random.default_rng(42), backend=backend)
    c = gpomdp(m, "softmax", th, 500, rng=43, backend=backend)
    assert np.array_equal(a.mean, b.mean) and np.array_equal(a.stderr, b.stderr) and a.n_steps == b.n_steps
    assert not np.array_equal(a.mean, c.mean)
    assert a.backend == backend


@needs_numba
def test_numba_result_independent_of_thread_count():
    import numba

    m = _mdp()
    th = np.random.default_rng(0).normal(size=(4, 3))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = reinforce(m, "softmax", th, 3000, rng=5, backend="numba")
        numba.set_num_threads(max(1, min(2, numba.config.NUMBA_NUM_THREADS)))
        b = reinforce(m, "softmax", th, 3000, rng=5, backend="numba")
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(a.mean, b.mean) and np.array_equal(a.stderr, b.stderr)


@needs_numba
@pytest.mark.parametrize("S,n", [(4, 2), (40, 7), (4, 3000)])
def test_numba_thread_count_independence_both_table_modes(S, n):
    """Same seed, 1 vs 2 threads, bitwise equal, with the lookup tables shared by the workers
    (tables large next to n: S=4, n=2 and S=40, n=7) and copied per worker (S=4, n=3000); the
    results are also equal across those modes through the serial path (1 thread, no copies)."""
    import numba

    from pgtheory.estimators import _numba, _tables

    m = _mdp(S=S, A=3, seed=S)
    th = np.random.default_rng(1).normal(size=(S, 3))
    env = _tables.env_table(m, termination="truncate", horizon=30)
    pmap = _tables.policy_map(SoftmaxPolicy(S, 3), th)
    kw = dict(est_mode=1, b_tab=np.zeros((1, S)), b_const=0.0)
    before = numba.get_num_threads()
    try:
        outs = []
        for nt in (1, max(1, min(2, numba.config.NUMBA_NUM_THREADS))):
            numba.set_num_threads(nt)
            outs.append(_numba.run(env, pmap.pi, pmap, n, rng=np.random.default_rng(9), **kw))
    finally:
        numba.set_num_threads(before)
    for key in ("mean", "m2", "returns", "lengths"):
        assert np.array_equal(outs[0][key], outs[1][key]), key


def test_cupy_glue_runs_with_numpy_as_array_module():
    """The CuPy backend's code path (device tables, device generator, block loop, copies back)
    executed with xp = numpy reproduces the reference statistics for the same generator seed."""
    m = _mdp()
    pol = SoftmaxPolicy(4, 3)
    th = np.random.default_rng(0).normal(size=(4, 3))
    env = _tables.env_table(m)
    pm = _tables.policy_map(pol, th)
    kw = dict(est_mode=1, b_tab=np.zeros((1, 4)), b_const=0.0, keep_samples=True)
    out = _cupy.run(env, pm.pi, pm, 400, rng=np.random.default_rng(9), xp=np, **kw)
    assert out["samples"].shape == (400, 12) and out["lengths"].min() >= 1
    assert_close(out["mean"], out["samples"].mean(axis=0))
    seed = int(np.random.SeedSequence(int(np.random.default_rng(9).integers(0, 2**63 - 1)))
               .generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    ref = _reference.run(env, pm.pi, pm, 400, rng=np.random.default_rng(seed), **kw)
    assert_close(out["mean"], ref["mean"])
    assert_close(out["m2"], ref["m2"])


@pytest.mark.gpu
@pytest.mark.statistical
@pytest.mark.skipif(not B.cupy_available(), reason="needs CuPy and a CUDA device")
def test_cupy_agrees_with_numpy_in_distribution():  # pragma: no cover - needs a GPU
    """GPU: two-sample z-test (n = 40,000 each, alpha = 1e-5, Bonferroni over coordinates)."""
    m = _mdp()
    th = np.random.default_rng(1).normal(size=(4, 3))
    z = bonferroni_z(1e-5, 2 * th.size)
    for f in (reinforce, gpomdp):
        a = f(m, "softmax", th, 40_000, rng=test_seed(1), backend="numpy")
        b = f(m, "softmax", th, 40_000, rng=test_seed(2), backend="cupy")
        assert b.backend in ("cupy", "cuda")  # "cuda": the kernels ran on CuPy arrays (numba-cuda installed)
        assert np.all(np.abs(a.mean - b.mean) <= z * np.hypot(a.stderr, b.stderr))


def test_env_table_is_built_once_per_model_and_options():
    """A TabularMDP's sampling tables are cached on the (read-only) model per (termination, horizon):
    the same object comes back, other options get their own tables, bad options still raise, and the
    cached tables equal freshly built ones entry for entry (so the estimates cannot change)."""
    from pgtheory.estimators import _tables

    m = _mdp(S=5, A=3, seed=2)
    a = _tables.env_table(m)
    assert _tables.env_table(m) is a
    t30 = _tables.env_table(m, termination="truncate", horizon=30)
    assert t30 is not a and t30.max_steps == 30 and _tables.env_table(m, termination="truncate", horizon=30) is t30
    with pytest.raises(ValidationError, match="needs horizon"):
        _tables.env_table(m, termination="truncate")
    with pytest.raises(ValidationError, match="termination"):
        _tables.env_table(m, termination="never")
    fresh = _tables._tabular_env_table(m, "geometric", None)
    for f in ("rho_cum", "p_indptr", "p_indices", "p_cum", "r"):
        assert np.array_equal(getattr(a, f), getattr(fresh, f)), f
    assert (a.S, a.A, a.discount, a.cont_prob, a.max_steps, a.p_dense) == \
        (fresh.S, fresh.A, fresh.discount, fresh.cont_prob, fresh.max_steps, fresh.p_dense)
    other = _mdp(S=5, A=3, seed=3)
    assert _tables.env_table(other) is not a  # per model, not per shape
