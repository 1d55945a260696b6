"""SubPO and the modular baseline: behaviour on instances with known answers."""

import numpy as np
import pytest

from pgtheory.algorithms.subpo import modular_pg, subpo
from pgtheory.errors import ValidationError
from pgtheory.oracles import SubRLOracle
from pgtheory.submodular import (
    bandit_env,
    build_history_graph,
    corridor_trap_env,
    exact_max,
    optimal_value,
    random_coverage,
)
from pgtheory.testing import assert_close


def test_exact_subpo_ascends_and_beats_one_minus_one_over_e():
    F = random_coverage(6, 12, rng=2)
    env = bandit_env(F, 3)
    opt = exact_max(F, 3).value
    tr = subpo(env, policy="markov", n_iter=300, eta=1.0 / opt, opt=opt)
    J = tr.metric("objective")
    assert np.all(np.diff(J) >= -1e-12)                 # small steps: monotone ascent of a smooth J
    assert tr.metric("ratio")[-1] >= 1 - 1 / np.e
    assert_close(tr.final["objective"], J[-1], rtol=1e-12)
    assert tr.sample_unit == "gradient calls" and tr.samples[-1] == 300


def test_modular_baseline_repeats_the_best_item():
    F = random_coverage(6, 12, rng=3)
    env = bandit_env(F, 3)
    opt = exact_max(F, 3).value
    tr = modular_pg(env, policy="markov", n_iter=400, eta=2.0 / opt, opt=opt)
    best_single = max(F.value({i}) for i in range(6))
    # modular RL concentrates on the best single item: true value tends to F({i*})
    assert tr.metric("objective")[-1] == pytest.approx(best_single, rel=0.05)
    assert tr.metric("surrogate")[-1] > tr.metric("objective")[-1]


def test_corridor_trap_ratio_is_base_to_minus_m():
    for m in (3, 4):
        env = corridor_trap_env(m, base=2.0)
        opt, _ = optimal_value(env)
        tr = subpo(env, policy="markov", n_iter=1500, eta=1.0, opt=opt, eval_every=500)
        assert tr.metric("ratio")[-1] == pytest.approx(2.0 ** -m, rel=0.02)


def test_sampled_subpo_improves_on_uniform_and_is_reproducible():
    F = random_coverage(5, 10, rng=6)
    env = bandit_env(F, 2)
    g = build_history_graph(env)
    kw = dict(n_iter=60, eta=0.2, optimizer="adam", graph=g, eval_every=20, rng=5)
    a, b = (subpo(env, oracle=SubRLOracle(env, "markov", n=64, graph=g), **kw) for _ in range(2))
    assert_close(a.metric("objective"), b.metric("objective"), rtol=0, atol=0)
    assert a.metric("objective")[-1] > a.metric("objective")[0]
    assert a.sample_unit == "trajectories" and a.samples[-1] == 60 * 64
    # without a graph the objective is a Monte-Carlo estimate with a standard error
    c = subpo(env, oracle=SubRLOracle(env, "markov", n=16), n_iter=5, eval_samples=200, rng=1)
    assert np.all(c.metric("objective_stderr") > 0)


def test_bad_arguments():
    env = bandit_env(random_coverage(3, 4, rng=0), 2)
    with pytest.raises(ValidationError, match="oracle"):
        subpo(env, oracle="critic")
    with pytest.raises(ValidationError, match="reward"):
        subpo(env, reward="additive")
    with pytest.raises(ValidationError, match="optimizer"):
        subpo(env, optimizer="rmsprop")
    with pytest.raises(ValidationError, match="eta"):
        subpo(env, eta=-1.0)
    with pytest.raises(ValidationError, match="n_iter"):
        subpo(env, n_iter=-3)
    with pytest.raises(ValidationError, match="theta0"):
        subpo(env, theta0=np.zeros(3))
    with pytest.raises(ValidationError, match="reward"):
        modular_pg(env, reward="submodular")


def test_continuous_greedy_and_pga_guarantees_on_bandit_like_instances():
    from pgtheory.algorithms.subpo import continuous_greedy, projected_gradient_ascent

    for seed in range(6):
        F = random_coverage(5, 10, rng=seed)
        env = bandit_env(F, 3, eps=0.1 * (seed % 3), null_action=True)
        g = build_history_graph(env)
        opt, _ = optimal_value(env, graph=g)
        assert_close(opt, optimal_value(bandit_env(F, 3, eps=0.1 * (seed % 3)))[0], rtol=1e-12)  # null is useless
        cg = continuous_greedy(env, n_iter=200, graph=g, opt=opt)
        assert cg.metric("ratio")[-1] >= 1 - 1 / np.e - 0.01            # (1 - 1/e) OPT - O(1/K)
        pi = cg.final["pi"]
        assert_close(pi.sum(1), np.ones(3), rtol=1e-9)
        pga = projected_gradient_ascent(env, n_iter=300, eta=0.2, graph=g, opt=opt)
        assert pga.metric("ratio")[-1] >= 0.5
        assert np.all(np.diff(pga.metric("objective")) >= -1e-10)       # ascent with a small step


def test_continuous_greedy_rejects_a_null_action_that_earns():
    from pgtheory.algorithms.subpo import continuous_greedy

    env = bandit_env(random_coverage(3, 4, rng=0), 2)        # no null action: the last action picks item 2
    with pytest.raises(ValidationError, match="null_action"):
        continuous_greedy(env, n_iter=5)
