"""Learners: sample counting is exact; seeded statistical tests of eps-optimality.

Family-wise false-alarm budget of this file: the sum of the per-test rates stated below (< 1e-4).
"""

import numpy as np
import pytest

from pgtheory import agnostic as ag


def _two_tons_mdp(seed):
    rng = np.random.default_rng(seed)
    H = 4
    cls = ag.ell_ton_policies((1,) + (7,) * (H - 1), 2)
    sizes = cls.layer_sizes
    P = tuple(rng.dirichlet(np.full(sizes[h + 1], 0.3), size=(sizes[h], 2)) for h in range(H - 1))
    r = tuple(rng.random((n, 2)) * 0.25 for n in sizes)
    return ag.LayeredMDP(P, r), cls


def test_tree_queries_within_spanning_capacity_on_every_tree():
    """Deterministic bound (no false alarm): queries per tree = sum_h C_h(Pi; M~) <= H * S."""
    mdp, cls = _two_tons_mdp(3)
    sc = ag.spanning_capacity(cls)
    acc = ag.GenerativeAccess(mdp, rng=5)
    res = ag.trajectory_tree(acc, cls, 1500)
    assert res.per_round.max() <= sc.per_layer.sum() <= mdp.H * sc.value
    assert res.n_samples == acc.n_queries == res.per_round.sum()


@pytest.mark.statistical
def test_tree_is_eps_optimal():
    """Hoeffding for tree returns in [0, H/4] (mean rewards <= 1/4) and a union bound over |Pi| = 254:
    N = (H/4)^2 log(2|Pi|/delta) / (2 (eps/2)^2) trees give sup_pi |V_hat - V| <= eps/2, hence an
    eps-optimal output, w.p. >= 1 - delta. eps = 0.1, delta = 1e-5 (the false-alarm rate); seed fixed."""
    mdp, cls = _two_tons_mdp(11)
    eps, delta = 0.1, 1e-5
    N = int(np.ceil((mdp.H / 4) ** 2 * np.log(2 * cls.size / delta) / (2 * (eps / 2) ** 2)))
    res = ag.trajectory_tree(ag.GenerativeAccess(mdp, rng=2), cls, N)
    V = ag.policy_values(mdp, cls)
    assert np.abs(res.estimates - V).max() <= eps / 2
    assert V[res.index] >= V.max() - eps


@pytest.mark.statistical
def test_evaluate_all_is_eps_optimal():
    """hoeffding_episodes(|Pi|, eps, delta, H) episodes per policy; eps = 1 on returns in [0, H]
    (any eps-optimality statement holds w.p. >= 1 - delta = 1 - 1e-5; seed fixed)."""
    mdp, cls = _two_tons_mdp(4)
    small = ag.PolicyClass(cls.actions[:12], cls.layer_sizes, 2)
    n = ag.hoeffding_episodes(small.size, 1.0, 1e-5, mdp.H)
    acc = ag.OnlineAccess(mdp, rng=3)
    res = ag.evaluate_all(acc, small, n)
    V = ag.policy_values(mdp, small)
    assert V[res.index] >= V.max() - 1.0
    assert np.abs(res.estimates - V).max() <= 0.5
    assert res.n_samples == small.size * n


@pytest.mark.statistical
def test_importance_sampling_and_popler_lite_unbiased():
    """Uniform IS and POPLER-lite on singletons (H = 4): mean of 20 independent estimates within
    5 standard errors of V for every policy (Bonferroni over 2 x 17 policies: false alarm < 2e-5)."""
    rng = np.random.default_rng(9)
    H = 4
    cls = ag.singleton_policies((1,) + (5,) * (H - 1))
    sizes = cls.layer_sizes
    P = tuple(rng.dirichlet(np.ones(sizes[h + 1]), size=(sizes[h], 2)) for h in range(H - 1))
    mdp = ag.LayeredMDP(P, tuple(rng.random((n, 2)) for n in sizes))
    V = ag.policy_values(mdp, cls)
    for learner in (ag.importance_sampling, ag.popler_lite):
        est = np.array([learner(ag.OnlineAccess(mdp, rng=1000 + i), cls, 4000).estimates for i in range(20)])
        se = est.std(axis=0, ddof=1) / np.sqrt(20)
        assert np.all(np.abs(est.mean(axis=0) - V) <= 5 * se + 1e-12), learner.__name__
