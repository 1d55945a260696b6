"""SubRL: exact objective (history graph) vs explicit trajectory enumeration vs Monte Carlo,
exact SubPO gradient vs finite differences and vs the sampled estimator, OPT by three methods,
and named errors raised before any heavy work."""

import numpy as np
import pytest

from pgtheory.errors import InfeasibleSizeError, InvalidTransitionError, ShapeError, ValidationError
from pgtheory.submodular import (
    SubRLEnv,
    bandit_env,
    build_history_graph,
    corridor_trap_env,
    exact_gradient,
    exact_max,
    exact_objective,
    grid_disc_coverage,
    grid_env,
    objective_by_enumeration,
    open_loop_optimum,
    optimal_value,
    policy_shape,
    random_coverage,
    random_facility_location,
    sample_gradient,
    sample_objective,
)
from pgtheory.testing import assert_close, assert_unbiased, test_seed

POLICIES = ["markov", "state_independent", "history"]


def _envs():
    return {
        "bandit": bandit_env(random_coverage(5, 9, rng=1), 3),
        "bandit_eps": bandit_env(random_facility_location(4, 5, rng=2), 3, eps=0.3),
        "grid": grid_env((2, 3), grid_disc_coverage((2, 3), np.arange(1, 7.0), radius=1), 4, start=0),
    }


@pytest.mark.parametrize("name", ["bandit", "bandit_eps", "grid"])
@pytest.mark.parametrize("policy", POLICIES)
def test_exact_objective_matches_enumeration(name, policy):
    env = _envs()[name]
    g = build_history_graph(env)
    theta = np.random.default_rng(0).normal(size=policy_shape(env, policy, g))
    J = exact_objective(env, theta, policy, graph=g)
    J_enum = objective_by_enumeration(env, theta, policy, graph=g)
    assert_close(J, J_enum, rtol=1e-10)
    # modular objective: backward values vs enumeration of sum_h F({s_h})
    from pgtheory.submodular import enumerate_trajectories
    states, _, prob = enumerate_trajectories(env, theta, policy, graph=g)
    assert_close(prob.sum(), 1.0, rtol=1e-12)
    Jm = prob @ env.singleton_values()[states].sum(1)
    assert_close(exact_objective(env, theta, policy, graph=g, reward="modular"), Jm, rtol=1e-10)


@pytest.mark.parametrize("name", ["bandit", "bandit_eps", "grid"])
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("reward", ["submodular", "modular"])
def test_exact_gradient_matches_finite_differences(name, policy, reward):
    env = _envs()[name]
    g = build_history_graph(env)
    rng = np.random.default_rng(1)
    theta = rng.normal(size=policy_shape(env, policy, g))
    val, grad = exact_gradient(env, theta, policy, graph=g, reward=reward)
    assert_close(val, exact_objective(env, theta, policy, graph=g, reward=reward), rtol=1e-12)
    h = 1e-6
    flat = theta.ravel()
    idx = rng.choice(flat.size, size=min(flat.size, 12), replace=False)
    fd = []
    for i in idx:
        e = np.zeros_like(flat)
        e[i] = h
        fd.append((exact_objective(env, (flat + e).reshape(theta.shape), policy, graph=g, reward=reward)
                   - exact_objective(env, (flat - e).reshape(theta.shape), policy, graph=g, reward=reward)) / (2 * h))
    assert_close(grad.ravel()[idx], np.array(fd), rtol=1e-5, atol=1e-8)


def test_optimum_three_ways():
    F = random_coverage(7, 12, rng=5)
    env = bandit_env(F, 3)
    opt, best = optimal_value(env)
    assert_close(opt, exact_max(F, 3).value, rtol=1e-12)
    grid = grid_env((2, 3), grid_disc_coverage((2, 3), np.arange(1, 7.0), radius=0), 4, start=0)
    assert_close(optimal_value(grid)[0], open_loop_optimum(grid), rtol=1e-12)
    # the greedy DP policy realises OPT: deterministic history policy with huge logits
    g = build_history_graph(env)
    theta = np.zeros(policy_shape(env, "history", g))
    theta[np.arange(g.n_decision), best] = 60.0
    assert_close(exact_objective(env, theta, "history", graph=g), opt, rtol=1e-10)


def test_corridor_trap_optimum_and_breadcrumb_value():
    env = corridor_trap_env(4, base=2.0)
    opt, _ = optimal_value(env)
    assert_close(opt, 16.0, rtol=1e-12)
    assert_close(open_loop_optimum(env), 16.0, rtol=1e-12)
    theta = np.zeros(policy_shape(env, "markov"))
    theta[:, :, 3] = 50.0          # always left: the breadcrumbs, worth 1
    assert_close(exact_objective(env, theta, "markov"), 1.0, rtol=1e-10)


@pytest.mark.statistical
@pytest.mark.parametrize("policy", ["markov", "history"])
def test_monte_carlo_objective_is_unbiased(policy):
    """n = 20000 trajectories, alpha = 1e-5 (one coordinate per objective, two objectives)."""
    env = _envs()["bandit_eps"]
    g = build_history_graph(env)
    theta = np.random.default_rng(3).normal(size=policy_shape(env, policy, g))
    for reward in ("submodular", "modular"):
        m, se = sample_objective(env, theta, policy, 20000, rng=test_seed(7), graph=g, reward=reward)
        assert_unbiased(m, se, exact_objective(env, theta, policy, graph=g, reward=reward), alpha=1e-5)


@pytest.mark.statistical
@pytest.mark.parametrize("policy,baseline", [("markov", "loo"), ("markov", "none"),
                                             ("state_independent", "loo"), ("history", "loo")])
def test_sampled_subpo_gradient_is_unbiased(policy, baseline):
    """n = 40000 trajectories, alpha = 1e-5 with Bonferroni over the visited coordinates."""
    env = bandit_env(random_coverage(3, 6, rng=8), 2, eps=0.2)
    g = build_history_graph(env)
    theta = np.random.default_rng(4).normal(size=policy_shape(env, policy, g)) * 0.5
    _, grad = exact_gradient(env, theta, policy, graph=g)
    est = sample_gradient(env, theta, policy, 40000, rng=test_seed(11), graph=g, baseline=baseline)
    assert est.mean.shape == theta.shape and est.n_trajectories == 40000
    assert_unbiased(est.mean, est.stderr, grad, alpha=1e-5)


def test_sampled_gradient_samples_average_to_mean():
    env = bandit_env(random_coverage(3, 6, rng=8), 2)
    est = sample_gradient(env, np.zeros((2, 4, 3)), "markov", 50, rng=0, return_samples=True)
    assert est.samples.shape == (50, 2, 4, 3)
    assert_close(est.samples.mean(0), est.mean, rtol=1e-12, atol=1e-14)


def test_bad_inputs_raise_named_errors_before_work():
    F = random_coverage(3, 4, rng=0)
    P = np.full((3, 2, 3), 1 / 3)
    with pytest.raises(ValidationError, match="H"):
        SubRLEnv(P, F, 0, np.ones(3) / 3)
    with pytest.raises(ShapeError, match="P"):
        SubRLEnv(np.ones((3, 2)), F, 2, np.ones(3) / 3)
    with pytest.raises(InvalidTransitionError, match="P"):
        SubRLEnv(P * 2, F, 2, np.ones(3) / 3)
    with pytest.raises(ValidationError, match="items"):
        SubRLEnv(P, F, 2, np.ones(3) / 3, items=np.array([0, 1, 5]))
    with pytest.raises(ValidationError, match="F"):
        SubRLEnv(P, lambda S: 0.0, 2, np.ones(3) / 3)
    with pytest.raises(ValidationError, match="eps"):
        bandit_env(F, 2, eps=1.5)
    with pytest.raises(ShapeError, match="F"):
        grid_env((2, 2), F, 3)
    env = bandit_env(random_coverage(10, 5, rng=0), 9)
    with pytest.raises(InfeasibleSizeError, match="max_trajectories"):
        objective_by_enumeration(env)
    with pytest.raises(InfeasibleSizeError, match="max_nodes"):
        build_history_graph(env, max_nodes=1000)
    with pytest.raises(ShapeError, match="theta"):
        exact_objective(bandit_env(F, 2), np.zeros((3, 3)), "markov")
    with pytest.raises(ValidationError, match="policy"):
        policy_shape(env, "neural")
    with pytest.raises(ValidationError, match="graph"):
        policy_shape(env, "history")
    with pytest.raises(ValidationError, match="baseline"):
        sample_gradient(bandit_env(F, 2), np.zeros((2, 4, 3)), baseline="critic")
    with pytest.raises(ValidationError, match="open_loop"):
        open_loop_optimum(bandit_env(F, 2, eps=0.1))
    big = grid_env((8, 8), grid_disc_coverage((8, 8)), 3)
    with pytest.raises(InfeasibleSizeError, match="64-bit"):
        build_history_graph(big)


@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_direct_gradient_and_dr_submodularity_on_bandit_like_env(eps):
    """d J / d pi^h(a) vs finite differences, and every cross second derivative <= 0 (DR-submodular)."""
    from pgtheory.submodular import exact_gradient_direct

    F = random_coverage(4, 8, rng=9)
    env = bandit_env(F, 3, eps=eps, null_action=True)
    g = build_history_graph(env)
    rng = np.random.default_rng(2)
    x = rng.dirichlet(np.ones(env.A), size=env.H)
    J, grad = exact_gradient_direct(env, x, graph=g)
    assert_close(J, exact_objective(env, np.log(x), "state_independent", graph=g), rtol=1e-12)
    h = 1e-6
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        Jp, _ = exact_gradient_direct(env, x + e.reshape(x.shape), graph=g)
        Jm, _ = exact_gradient_direct(env, x - e.reshape(x.shape), graph=g)
        assert_close((Jp - Jm) / (2 * h), grad.ravel()[i], rtol=1e-6, atol=1e-9)

    # DR-submodularity in the coordinates of the guarantee: y^h(a) for the real actions, the null
    # action taking the remaining mass 1 - sum_a y^h(a) (a down-closed polytope).
    def grad_y(y):
        pi = np.concatenate([y, 1 - y.sum(1, keepdims=True)], axis=1)
        _, gp = exact_gradient_direct(env, pi, graph=g)
        return gp[:, :-1] - gp[:, -1:]

    y = x[:, :-1] * 0.9
    gy = grad_y(y)
    assert gy.min() >= -1e-12                                   # monotone
    hess = np.zeros((y.size, y.size))
    for i in range(y.size):
        e = np.zeros(y.size)
        e[i] = h
        hess[i] = (grad_y(y + e.reshape(y.shape)) - grad_y(y - e.reshape(y.shape))).ravel() / (2 * h)
    assert_close(hess, hess.T, rtol=1e-5, atol=1e-7)
    assert hess.max() <= 1e-6                                   # every second derivative <= 0
    assert hess.min() < -1e-3                                   # and the check is not vacuous
