"""One calling convention (issue 13, item 1.3): every iterative algorithm takes ``oracle``, ``n_iter``,
``eta``, ``rng`` and ``backend`` and returns a Trace; old keywords and oracle strings still work for one
release and warn; bad oracles raise typed errors naming the fix. Also the new oracles' contracts."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from pgtheory import algorithms
from pgtheory.algorithms import (continuous_greedy, egpo, entropy_npg, modular_pg, nash_md, nash_mp, omwu,
                                 online_mirror_descent, projected_gradient_ascent, run_method, softmax_npg, softmax_pg,
                                 stochastic_nash_mp, subpo)
from pgtheory.bandits import ContextualBandit, exact_logit_gradient
from pgtheory.errors import ValidationError
from pgtheory.mdp import policy_evaluation, soft_policy_evaluation
from pgtheory.mdp.instances import garnet
from pgtheory.oracles import (ActionValueOracle, BanditOracle, ExactOracle, ExactSubRLOracle, GradientOracle,
                              SampledOracle, SubRLOracle)
from pgtheory.results import Trace
from pgtheory.submodular import bandit_env, random_coverage
from pgtheory.testing import assert_unbiased, test_seed

MDP = garnet(3, 2, 2, gamma=0.5, seed=11)
ENV = bandit_env(random_coverage(4, 8, rng=3), 2)
ENV_NULL = bandit_env(random_coverage(4, 8, rng=3), 2, null_action=True)

#: The iterative algorithms and the function that carries their keywords (the Fatkhullin et al. runners
#: pass ``**kw`` to ``run_method``).
ALGORITHMS = {
    "softmax_pg": softmax_pg, "softmax_npg": softmax_npg, "entropy_npg": entropy_npg,
    "n_pg_igt": run_method, "vanilla_pg": run_method, "n_sgdm": run_method, "harpg": run_method,
    "n_harpg": run_method, "nash_md": nash_md, "nash_mp": nash_mp, "egpo": egpo,
    "online_mirror_descent": online_mirror_descent, "omwu": omwu, "stochastic_nash_mp": stochastic_nash_mp,
    "subpo": subpo, "continuous_greedy": continuous_greedy, "projected_gradient_ascent": projected_gradient_ascent,
}


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_every_algorithm_takes_the_convention_keywords_and_returns_a_trace(name):
    assert callable(getattr(algorithms, name))
    params = inspect.signature(ALGORITHMS[name]).parameters
    # continuous greedy has no step size to choose: its Frank-Wolfe step is 1/n_iter by construction
    needed = {"oracle", "n_iter", "rng", "backend"} | (set() if name == "continuous_greedy" else {"eta"})
    missing = needed - set(params)
    assert not missing, f"{name} lacks {missing}"
    ret = inspect.signature(getattr(algorithms, name)).return_annotation
    assert ret in (Trace, "Trace"), f"{name} is not annotated to return a Trace"


@pytest.mark.parametrize("call", [
    lambda: softmax_npg(MDP, eta=0.5, n_iter=2, backend="numba"),
    lambda: entropy_npg(MDP, eta=0.5, tau=0.2, n_iter=2, backend="cupy"),
    lambda: nash_mp(__import__("pgtheory").games.random_preference_game(3, rng=0), 0.5, 2, backend="numba"),
    lambda: subpo(ENV, n_iter=2, backend="numba"),
], ids=["npg", "entropy_npg", "nash_mp", "subpo"])
def test_numpy_only_loops_reject_a_compiled_backend_by_name(call):
    with pytest.raises(ValidationError, match="backend='(numba|cupy)' is not implemented here"):
        call()


def test_auto_backend_is_accepted_everywhere():
    assert softmax_npg(MDP, eta=0.5, n_iter=2, backend="auto").metrics["value"].shape == (3,)
    assert subpo(ENV, n_iter=2, backend=None).metrics["objective"].shape == (3,)
    a = run_method(MDP, "vanilla_pg", n_iter=3, eta=0.5, rng=0, n_records=2, backend="auto")
    b = run_method(MDP, "vanilla_pg", n_iter=3, eta=0.5, rng=0, n_records=2, backend="numpy")
    assert np.array_equal(a.metrics["suboptimality"], b.metrics["suboptimality"])   # oracle runs: NumPy driver


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return f(*a, **k)


def test_subpo_oracle_strings_warn_and_match_the_objects_bitwise():
    g = ExactSubRLOracle(ENV).graph
    with pytest.warns(DeprecationWarning, match="SubRLOracle"):
        old = subpo(ENV, oracle="sampled", n_iter=6, eta=0.3, batch_size=16, graph=g, rng=5)
    # the strings drew from the run's gradient stream: an object with rng=5 passed to subpo does the same
    new = _quiet(subpo, ENV, oracle=SubRLOracle(ENV, n=16, graph=g), n_iter=6, eta=0.3, graph=g, rng=5)
    assert np.array_equal(old.metrics["objective"], new.metrics["objective"])
    assert np.array_equal(old.samples, new.samples) and old.sample_unit == new.sample_unit == "trajectories"
    with pytest.warns(DeprecationWarning, match="leave oracle unset"):
        old = subpo(ENV, oracle="exact", n_iter=4, eta=0.3)
    new = _quiet(subpo, ENV, n_iter=4, eta=0.3)
    assert np.array_equal(old.metrics["objective"], new.metrics["objective"])


@pytest.mark.parametrize("f,old,new", [
    (subpo, {"iterations": 4, "step_size": 0.3}, {"n_iter": 4, "eta": 0.3}),
    (modular_pg, {"iterations": 4, "step_size": 0.3}, {"n_iter": 4, "eta": 0.3}),
    (projected_gradient_ascent, {"iterations": 4, "step_size": 0.2}, {"n_iter": 4, "eta": 0.2}),
    (continuous_greedy, {"steps": 4}, {"n_iter": 4}),
])
def test_renamed_keywords_warn_and_give_the_same_numbers(f, old, new):
    env = ENV_NULL if f in (projected_gradient_ascent, continuous_greedy) else ENV
    with pytest.warns(DeprecationWarning, match="use (n_iter|eta)="):
        a = f(env, **old)
    b = _quiet(f, env, **new)
    assert np.array_equal(a.metrics["objective"], b.metrics["objective"])
    k = next(iter(old))
    with pytest.raises(ValidationError, match="deprecated alias"):
        f(env, **{k: old[k], ("eta" if k == "step_size" else "n_iter"): old[k]})


def test_subpo_oracle_errors_name_the_fix():
    with pytest.raises(ValidationError, match="oracle"):
        subpo(ENV, oracle="critic")
    with pytest.raises(ValidationError, match="gradient oracle"):
        subpo(ENV, oracle=object())
    with pytest.raises(ValidationError, match="belong to the oracle"):
        subpo(ENV, oracle=SubRLOracle(ENV, n=4), batch_size=8)
    with pytest.raises(ValidationError, match="disagrees with the oracle's policy"):
        subpo(ENV, oracle=SubRLOracle(ENV, n=4), policy="state_independent")
    with pytest.raises(ValidationError, match="reward='modular' disagrees"):
        modular_pg(ENV, oracle=SubRLOracle(ENV, n=4))
    with pytest.raises(ValidationError, match="another environment"):
        subpo(ENV, oracle=SubRLOracle(ENV_NULL, n=4))
    with pytest.raises(ValidationError, match="baseline"):
        SubRLOracle(ENV, baseline="critic")
    with pytest.raises(ValidationError, match="n must be"):
        SubRLOracle(ENV, n=1)                                  # leave-one-out needs two trajectories
    with pytest.raises(ValidationError, match="parameterization='direct'"):
        ExactSubRLOracle(ENV, "markov", parameterization="direct")
    with pytest.raises(ValidationError, match="parameterization='direct'"):
        continuous_greedy(ENV_NULL, n_iter=2, oracle=ExactSubRLOracle(ENV_NULL))


def test_npg_oracle_errors_name_the_fix():
    with pytest.raises(ValidationError, match="advantage"):
        softmax_npg(MDP, eta=0.5, n_iter=2, oracle="sampled")
    with pytest.raises(ValidationError, match=r"q\(theta"):
        entropy_npg(MDP, eta=0.5, tau=0.2, n_iter=2, oracle=SubRLOracle(ENV, n=4))
    with pytest.raises(ValidationError, match="tau must be"):
        ExactOracle(MDP).q(np.zeros((3, 2)), tau=-1.0)


def test_protocols():
    so = SampledOracle(MDP, n=2, backend="numpy")
    assert isinstance(so, ActionValueOracle) and isinstance(ExactOracle(MDP), ActionValueOracle)
    assert isinstance(SubRLOracle(ENV), GradientOracle) and isinstance(ExactSubRLOracle(ENV), GradientOracle)
    bandit = ContextualBandit(np.array([[1.0, 0.0]]))
    assert isinstance(BanditOracle(bandit), GradientOracle)
    with pytest.raises(ValidationError, match="G must be"):
        BanditOracle(bandit, "rloo", G=1)                     # RLOO needs two responses per group
    with pytest.raises(ValidationError, match="ContextualBandit"):
        BanditOracle(MDP)


def test_exact_action_values_are_the_evaluators():
    th = np.random.default_rng(0).normal(size=(3, 2))
    pi = np.exp(th) / np.exp(th).sum(1, keepdims=True)
    ex = ExactOracle(MDP)
    ev = policy_evaluation(MDP, pi)
    np.testing.assert_allclose(ex.advantage(th).mean, ev.Q - ev.V[:, None], rtol=0, atol=1e-14)
    np.testing.assert_allclose(ex.q(th, tau=0.3).mean, soft_policy_evaluation(MDP, pi, 0.3).Q, rtol=0, atol=1e-14)


@pytest.mark.statistical
@pytest.mark.parametrize("tau", [0.0, 0.3])
def test_sampled_soft_q_and_advantage_are_unbiased(tau):
    """Soft Q through the engine (reward r - tau log pi, plus tau log pi) and the advantage: |mean - exact|
    <= z se per entry, Bonferroni over 12 entries, false-alarm rate 1e-5 (n = 4000 rollouts per pair)."""
    th = np.random.default_rng(1).normal(size=(3, 2))
    so = SampledOracle(MDP, n=4000, backend="numpy", rng=test_seed(2100 + int(10 * tau)))
    ex = ExactOracle(MDP)
    q, a = so.q(th, tau=tau), so.advantage(th)
    assert_unbiased(np.concatenate([q.mean, a.mean]), np.concatenate([q.stderr, a.stderr]),
                    np.concatenate([ex.q(th, tau=tau).mean, ex.advantage(th).mean]))


@pytest.mark.statistical
def test_bandit_oracle_rloo_is_the_rho_weighted_policy_gradient():
    """RLOO is unbiased: |mean - rho * grad p| <= z se over the 6 entries, false-alarm rate 1e-5."""
    b = ContextualBandit(np.array([[0.9, 0.2, 0.5], [0.1, 0.7, 0.3]]), rho=[0.25, 0.75], binary=True)
    th = np.array([[0.3, -0.2, 0.0], [1.0, 0.0, -1.0]])
    est = BanditOracle(b, "rloo", G=4, n=20000, rng=test_seed(2200)).gradient(th)
    assert_unbiased(est.mean, est.stderr, exact_logit_gradient(th, b.rewards, b.rho))
