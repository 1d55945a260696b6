"""The numba passes of the exact SubRL oracle (and the simplex projection of projected gradient
ascent) agree with the NumPy reference *bit for bit*, the per-graph tables are reused and
read-only, and graphs the kernels do not cover fall back to NumPy (issue 17: speed without a
change of result)."""

import numpy as np
import pytest

from pgtheory.algorithms import projected_gradient_ascent
from pgtheory.errors import ValidationError
from pgtheory.submodular import (
    CallableSetFunction,
    SubRLEnv,
    bandit_env,
    build_history_graph,
    corridor_trap_env,
    exact_gradient,
    exact_gradient_direct,
    exact_objective,
    grid_disc_coverage,
    grid_env,
    policy_shape,
    random_coverage,
    random_facility_location,
)
from pgtheory.testing import test_seed

pytest.importorskip("numba")

POLICIES = ["markov", "state_independent", "history"]


def _envs():
    rng = np.random.default_rng(test_seed(1701))
    S, A = 5, 3
    return {
        "bandit": bandit_env(random_coverage(6, 12, rng=rng), 3),                           # K = 1, A < 8
        "bandit_null": bandit_env(random_facility_location(8, 8, rng=rng), 3, null_action=True),  # A = 9
        "bandit_eps": bandit_env(random_coverage(8, 10, rng=rng), 3, eps=0.2),              # K = 8: pairwise
        "bandit_eps9": bandit_env(random_coverage(9, 10, rng=rng), 2, eps=0.5),             # K = 9: block + tail
        "trap": corridor_trap_env(4, 2.0),
        "grid": grid_env((2, 3), grid_disc_coverage((2, 3), np.arange(1, 7.0), radius=1), 4, start=0),
        # several start nodes, stochastic transitions
        "random": SubRLEnv(rng.dirichlet(np.full(S, 0.3), size=(S, A)), random_coverage(S, 8, rng=rng), 3,
                           rng.dirichlet(np.ones(S))),
    }


def _same(a, b):
    return np.asarray(a).dtype == np.asarray(b).dtype and np.asarray(a).tobytes() == np.asarray(b).tobytes()


@pytest.mark.parametrize("name", sorted(_envs()))
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("reward", ["submodular", "modular"])
def test_numba_passes_equal_numpy_bitwise(name, policy, reward):
    env = _envs()[name]
    g = build_history_graph(env)
    rng = np.random.default_rng(test_seed(1702))
    for scale in (0.0, 1.0, 8.0, 60.0):           # uniform, moderate, near-deterministic policies
        th = rng.normal(size=policy_shape(env, policy, g)) * scale
        v0, g0 = exact_gradient(env, th, policy, graph=g, reward=reward, backend="numpy")
        v1, g1 = exact_gradient(env, th, policy, graph=g, reward=reward, backend="numba")
        assert _same(v0, v1) and _same(g0, g1), (name, policy, reward, scale, np.abs(g0 - g1).max())
        o0 = exact_objective(env, th, policy, graph=g, reward=reward, backend="numpy")
        o1 = exact_objective(env, th, policy, graph=g, reward=reward, backend="numba")
        assert _same(o0, o1)


@pytest.mark.parametrize("name", sorted(_envs()))
def test_numba_direct_gradient_equals_numpy_bitwise(name):
    env = _envs()[name]
    g = build_history_graph(env)
    rng = np.random.default_rng(test_seed(1703))
    pi = rng.dirichlet(np.ones(env.A), size=env.H)
    for x in (pi, 3.0 * pi, np.zeros_like(pi), np.eye(env.H, env.A)):
        a = exact_gradient_direct(env, x, graph=g, backend="numpy")
        b = exact_gradient_direct(env, x, graph=g, backend="numba")
        assert _same(a[0], b[0]) and _same(a[1], b[1])


def test_numba_pairwise_row_sum_is_numpys():
    """The kernels' row sum reproduces ndarray.sum(-1) (NumPy's pairwise summation from +0.0) on rows
    whose rounding depends on the order: lengths 1..128, magnitudes over 60 decades."""
    from pgtheory.submodular import _subrl_kernels as k   # private on purpose: the kernel's own helper

    rng = np.random.default_rng(test_seed(1704))
    for n in range(1, k.MAX_ROW + 1):
        w = rng.standard_normal((20, n)) * np.exp(rng.uniform(-70, 70, (20, n)))
        ref = w.sum(-1)
        got = np.array([k._row_sum(row, n) for row in w])
        assert _same(ref, got), n
    for n in (1, 3, 9):                                                # +0.0 from -0.0 terms, as NumPy
        assert _same(np.full((1, n), -0.0).sum(-1)[0], np.float64(k._row_sum(np.full(n, -0.0), n)))


def test_projection_kernel_equals_numpy_bitwise_and_pga_traces_agree():
    from pgtheory.algorithms import _subpo_kernels as k   # private on purpose: the kernel against its reference
    from pgtheory.algorithms.subpo import _project_simplex

    rng = np.random.default_rng(test_seed(1705))
    for t in range(3000):
        y = rng.normal(size=(int(rng.integers(1, 6)), int(rng.integers(1, 12)))) * rng.choice([1e-3, 1.0, 1e6])
        if t % 3 == 0:
            y = np.round(y, 1)                      # ties
        if t % 5 == 0:
            y[:, : y.shape[1] // 2] = 0.0
        assert _same(_project_simplex(y), k.project_simplex_rows(y))
    env = bandit_env(random_facility_location(6, 6, rng=rng), 3, null_action=True)
    a = projected_gradient_ascent(env, n_iter=60, eta=0.3, backend="numpy")
    b = projected_gradient_ascent(env, n_iter=60, eta=0.3, backend="numba")
    for key in ("objective", "stationarity"):
        assert _same(a.metrics[key], b.metrics[key])
    assert _same(a.final["pi"], b.final["pi"])


def test_tables_are_cached_per_graph_read_only_and_dropped_with_it():
    import gc
    import weakref

    from pgtheory.submodular import _subrl   # private on purpose: the cache itself is under test

    env = bandit_env(random_coverage(5, 8, rng=3), 3)
    g = build_history_graph(env)
    th = np.zeros(policy_shape(env, "markov", g))
    exact_gradient(env, th, graph=g, reward="modular")
    plan = _subrl._plan(env, g, "markov", "modular")
    assert plan is _subrl._plan(env, g, "markov", "modular")       # made once
    assert not plan.r.flags.writeable and not plan.rows.flags.writeable
    with pytest.raises(ValueError):
        plan.r[0, 0, 0] = 1.0
    ref = weakref.ref(g)
    del g, plan
    gc.collect()
    assert ref() is None                                             # the cache does not keep graphs alive


def test_modular_table_follows_the_environment_not_only_the_graph():
    """Two environments on one graph structure with different F: each gets its own modular rewards."""
    F1 = random_coverage(4, 6, rng=5)
    F2 = CallableSetFunction(lambda items: 2.0 * F1.value(items), 4)
    e1, e2 = bandit_env(F1, 2), bandit_env(F2, 2)
    g = build_history_graph(e1)
    th = np.random.default_rng(test_seed(1706)).normal(size=policy_shape(e1, "markov", g))
    v1, g1 = exact_gradient(e1, th, graph=g, reward="modular")
    v2, g2 = exact_gradient(e2, th, graph=g, reward="modular")
    assert v2 == pytest.approx(2.0 * v1, rel=1e-14) and np.allclose(g2, 2.0 * g1, rtol=1e-14, atol=0)


def test_wide_graphs_fall_back_to_numpy_and_agree():
    """More actions than the kernels' row sum covers (MAX_ROW): the NumPy path runs, whatever backend,
    on a graph whose action sums round differently in another order."""
    from pgtheory.submodular import _subrl, _subrl_kernels   # private on purpose: the documented limit

    rng = np.random.default_rng(test_seed(1790))
    S, A = 12, _subrl_kernels.MAX_ROW + 2
    env = SubRLEnv(rng.dirichlet(np.full(S, 0.2), size=(S, A)), random_coverage(S, 20, rng=rng), 2, np.eye(S)[0])
    g = build_history_graph(env)
    assert _subrl._fits(_subrl._kernels("numba"), g) is None
    th = rng.normal(size=policy_shape(env, "markov", g)) * 3.0
    a = exact_gradient(env, th, graph=g, backend="numpy")
    b = exact_gradient(env, th, graph=g, backend="numba")
    assert _same(a[0], b[0]) and _same(a[1], b[1])


def test_unknown_backend_is_a_named_error_before_work():
    env = bandit_env(random_coverage(4, 6, rng=1), 2)
    with pytest.raises(ValidationError, match="backend"):
        exact_gradient(env, np.zeros((2, 5, 4)), backend="fortran")
    with pytest.raises(ValidationError, match="backend"):
        exact_objective(env, np.zeros((2, 5, 4)), backend="cupy")


@pytest.mark.parametrize("policy", POLICIES)
def test_sampled_gradient_on_visited_rows_equals_the_dense_formula(policy):
    """sample_gradient forms its mean and stderr on the rows a batch visits (issue 17); the numbers are
    those of the dense formula over every row, bit for bit (unvisited rows: 0.0 and 0.0)."""
    from pgtheory.submodular import sample_gradient, sample_subrl_trajectories

    env = grid_env((3, 3), grid_disc_coverage((3, 3), np.arange(1, 10.0), radius=1), 5, start=4)
    g = build_history_graph(env)
    shape = policy_shape(env, policy, g)
    th = np.random.default_rng(test_seed(1707)).normal(size=shape)
    for reward in ("submodular", "modular"):
        for n in (2, 7, 40):
            est = sample_gradient(env, th, policy, n, rng=test_seed(1708), graph=g, reward=reward)
            b = sample_subrl_trajectories(env, th, policy, n, test_seed(1708), graph=g)
            r = b.gains if reward == "submodular" else b.modular
            G = np.cumsum(r[:, ::-1], axis=1)[:, ::-1]
            G = G - (G.sum(0, keepdims=True) - G) / (n - 1)
            onehot = np.zeros_like(b.probs)
            np.put_along_axis(onehot, b.actions[:, :, None], 1.0, axis=-1)
            c = (onehot - b.probs) * G[:, :, None]
            n_rows = int(np.prod(shape[:-1]))
            tot, sq = np.zeros((n_rows, env.A)), np.zeros((n_rows, env.A))
            np.add.at(tot, b.rows.ravel(), c.reshape(-1, env.A))
            np.add.at(sq, b.rows.ravel(), (c ** 2).reshape(-1, env.A))
            mean = tot / n
            var = np.maximum(sq / n - mean ** 2, 0.0) * (n / max(n - 1, 1))
            assert _same(est.mean, mean.reshape(shape))
            assert _same(est.stderr, np.sqrt(var / n).reshape(shape))


def test_subpo_adam_in_place_equals_the_textbook_update():
    """subpo's Adam now updates its moments in place (issue 17): same iterates as the old expressions."""
    from pgtheory.algorithms import subpo

    env = _envs()["grid"]
    g = build_history_graph(env)
    tr = subpo(env, policy="history", n_iter=25, eta=0.3, optimizer="adam", graph=g, eval_every=25)
    theta = np.zeros(policy_shape(env, "history", g))
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(25):
        grad = exact_gradient(env, theta, "history", graph=g)[1]
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        mh = m / (1 - 0.9 ** (t + 1))
        vh = v / (1 - 0.999 ** (t + 1))
        theta = theta + 0.3 * mh / (np.sqrt(vh) + 1e-8)
    assert _same(tr.final["theta"], theta)
    assert tr.metrics["objective"][-1] == exact_objective(env, theta, "history", graph=g)
