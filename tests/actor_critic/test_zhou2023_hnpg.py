"""HAC / HNPG (Zhou et al. 2023): exact pieces against independent computations, sampled pieces
for unbiasedness, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms import hnpg as M
from pgtheory.errors import ValidationError
from pgtheory.mdp import instances, policy_evaluation
from pgtheory.testing import assert_unbiased
from pgtheory.testing.strategies import tabular_mdps


def _occ_enum(mdp, pi, n_terms=3000):
    """d^pi(s, a) by summing the series (1-gamma) sum_t gamma^t Pr(s_t = s) pi(a|s) (no linear solve)."""
    Ppi = np.einsum("sa,sat->st", pi, np.asarray(mdp.P))
    x = np.asarray(mdp.rho, dtype=float).copy()
    d = np.zeros(mdp.S)
    w = 1.0 - mdp.gamma
    for _ in range(n_terms):
        d += w * x
        x = x @ Ppi
        w *= mdp.gamma
        if w < 1e-18:
            break
    return d[:, None] * pi


@settings(deadline=None, max_examples=15)
@given(tabular_mdps(min_states=2, max_states=5, min_actions=2, max_actions=3, gammas=(0.0, 0.5, 0.8)),
       st.integers(0, 2**31 - 1), st.sampled_from([0.1, 1.0, 10.0]))
def test_population_hpe_fixed_point_is_Q_pi(mdp, seed, lam):
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(mdp.A), size=mdp.S)
    nu = rng.dirichlet(np.ones(mdp.S * mdp.A)).reshape(mdp.S, mdp.A)
    tr = M.hpe_population(mdp, pi, nu, lam, 300)
    Q = policy_evaluation(mdp, pi).Q
    np.testing.assert_allclose(tr.final["f"], Q, atol=1e-9 * max(1.0, np.abs(Q).max()))
    e = tr.metric("on_policy_error")
    floor = (64 * np.finfo(float).eps * max(1.0, np.abs(Q).max())) ** 2
    assert np.all(e[1:] <= mdp.gamma * e[:-1] * (1 + 1e-9) + floor)  # Lemma 5 contraction


def test_hac_exact_step_is_the_npg_closed_form():
    mdp = instances.garnet(6, 3, 2, gamma=0.9, seed=4)
    eta = 0.3
    pi = np.full((6, 3), 1 / 3)
    for _ in range(5):  # pi_{t+1} ∝ pi_t exp(eta Q) = pi_t exp(eta (1-gamma) A / (1-gamma))
        sol = policy_evaluation(mdp, pi)
        adv = sol.Q - sol.V[:, None]
        w = pi * np.exp(eta * (1 - mdp.gamma) * adv / (1 - mdp.gamma))
        pi = w / w.sum(axis=1, keepdims=True)
    tr = M.hac_exact(mdp, 5, eta=eta)
    np.testing.assert_allclose(tr.final["pi"], pi, rtol=1e-12, atol=1e-14)
    from pgtheory.algorithms import softmax_npg

    np.testing.assert_allclose(softmax_npg(mdp, eta=eta * (1 - mdp.gamma), n_iter=5).final["pi"], pi, atol=1e-12)


def test_hac_exact_grid_matches_single_runs_and_hnpg_matches_hac():
    mdp = instances.garnet(5, 3, 2, gamma=0.8, seed=2)
    Ts = [6, 20, 50]
    grid = M.hac_exact_grid(mdp, Ts).metric("regret")
    single = [M.hac_exact(mdp, T).metric("regret")[-1] for T in Ts]
    np.testing.assert_allclose(grid, single, rtol=1e-10)
    nu = np.full((5, 3), 1 / 15)
    np.testing.assert_allclose(M.hnpg_population(mdp, nu, 50).metric("regret"), M.hac_exact(mdp, 50).metric("regret"),
                               rtol=1e-9)


def test_occupancy_ratios_by_enumeration():
    mdp = instances.garnet(5, 3, 2, gamma=0.7, seed=9)
    rng = np.random.default_rng(1)
    pe, pb = rng.dirichlet(np.ones(3), size=5), rng.dirichlet(np.ones(3), size=5)
    de, db = _occ_enum(mdp, pe), _occ_enum(mdp, pb)
    assert M.offline_concentrability(mdp, pe, db) == pytest.approx(np.max(de / db), rel=1e-9)
    assert M.npg_coverage(mdp, pe, [pb, pe]) == pytest.approx(max(np.max(de / db), 1.0), rel=1e-9)


@pytest.mark.parametrize("H", [2, 3, 5])
def test_comblock_exact_facts(H):
    A, g = 4, 0.9
    cl = M.hybrid_combination_lock(H, A=A, gamma=g, seed=H)
    mdp = cl.mdp
    assert float(mdp.rho @ policy_evaluation(mdp, cl.pi_star).V) == pytest.approx(g ** (H - 1), rel=1e-12)
    # uniform policy: probability of collecting the reward 1 (undiscounted) is A^-H, by layer-wise enumeration
    unif = np.full((mdp.S, A), 1 / A)
    Ppi = np.einsum("sa,sat->st", unif, np.asarray(mdp.P))
    x = np.asarray(mdp.rho, dtype=float)
    for _ in range(H - 1):
        x = x @ Ppi
    good_last = [3 * (H - 1), 3 * (H - 1) + 1]
    p_reward = sum(x[s] * (1 / A) for s in good_last)
    assert p_reward == pytest.approx(A ** -H, rel=1e-12)
    nu = _occ_enum(mdp, cl.eps_greedy(1 / H))
    assert M.offline_concentrability(mdp, cl.pi_star, nu) == pytest.approx((1 - 1 / H) ** -H, rel=1e-9)
    assert M.npg_coverage(mdp, cl.pi_star, [unif]) == pytest.approx(A ** H, rel=1e-9)


def test_bellman_transfer_is_at_most_sqrt_concentrability():
    mdp = instances.garnet(5, 3, 2, gamma=0.8, seed=5)
    rng = np.random.default_rng(2)
    pe, pb, pi = (rng.dirichlet(np.ones(3), size=5) for _ in range(3))
    nu = _occ_enum(mdp, pb)
    fs = [rng.uniform(0, 5, size=(5, 3)) for _ in range(20)]
    c_off = M.bellman_transfer_coefficient(mdp, pe, nu, pi, fs)
    assert c_off <= math.sqrt(M.offline_concentrability(mdp, pe, nu)) * (1 + 1e-12)  # Cauchy-Schwarz (Def. 4)


@pytest.mark.statistical
def test_occupancy_sampler_and_mc_targets_are_unbiased():
    """(s, a) ~ d^pi frequencies and Monte-Carlo targets y (engine, numba) against the exact d^pi and Q^pi.

    Seeded; n = 200,000 pairs and 4,000 rollouts per pair; Bonferroni over all coordinates at
    family-wise false-alarm rate 1e-5 per assertion (two assertions)."""
    from pgtheory.estimators import rollout_returns

    mdp = instances.garnet(4, 3, 2, gamma=0.8, seed=3)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=4)
    n = 200_000
    s, a, _ = M.sample_occupancy_pairs(mdp, pi, n, rng=11)
    onehot = np.zeros((n, 12))
    onehot[np.arange(n), s * 3 + a] = 1.0
    d = _occ_enum(mdp, pi).reshape(-1)
    assert_unbiased(onehot.mean(0), onehot.std(0, ddof=1) / math.sqrt(n), d)
    m = 4000
    ss = np.repeat(np.arange(4), 3 * m)
    aa = np.tile(np.repeat(np.arange(3), m), 4)
    y, _ = rollout_returns(mdp, pi, ss, aa, rng=np.random.default_rng(5), backend="numba")
    y = y.reshape(4, 3, m)
    Q = policy_evaluation(mdp, pi).Q
    assert_unbiased(y.mean(-1), y.std(-1, ddof=1) / math.sqrt(m), Q)


@pytest.mark.statistical
def test_offline_target_is_unbiased_for_the_bellman_backup():
    """r + gamma f(s', pi) with (s, a, r, s') ~ nu: per-pair means against T^pi f (n = 300,000, alpha 1e-5)."""
    mdp = instances.garnet(4, 3, 2, gamma=0.8, seed=6)
    rng = np.random.default_rng(1)
    pi = rng.dirichlet(np.ones(3), size=4)
    f = rng.uniform(0, 3, size=(4, 3))
    nu = np.full((4, 3), 1 / 12)
    s, a, r, s2 = M.sample_offline_tuples(mdp, nu, 300_000, rng=7)
    tgt = r + mdp.gamma * np.einsum("sa,sa->s", pi, f)[s2]
    idx = s * 3 + a
    cnt = np.bincount(idx, minlength=12)
    mean = np.bincount(idx, weights=tgt, minlength=12) / cnt
    var = np.bincount(idx, weights=tgt ** 2, minlength=12) / cnt - mean ** 2
    assert_unbiased(mean, np.sqrt(var * cnt / (cnt - 1) / cnt), M.bellman_operator(mdp, pi, f).reshape(-1))


def test_sampled_hac_approaches_exact_hac_with_many_samples():
    mdp = instances.garnet(4, 3, 2, gamma=0.6, seed=8)
    nu = np.full((4, 3), 1 / 12)
    T = 6
    tr = M.hac(mdp, T, nu=nu, m_on=3000, m_off=3000, K1=10, K2=20, rng=3, backend="numpy")
    ex = M.hac_exact(mdp, T)
    np.testing.assert_allclose(tr.metric("regret"), ex.metric("regret"), rtol=2e-3)
    assert tr.metric("critic_error").max() < 1e-3


def test_bad_input_raises_typed_errors_naming_the_argument():
    mdp = instances.garnet(4, 3, 2, gamma=0.8, seed=1)
    pi = np.full((4, 3), 1 / 3)
    nu = np.full((4, 3), 1 / 12)
    for lam in (0.0, -1.0, float("nan"), float("inf"), True):
        with pytest.raises(ValidationError, match="lam"):
            M.hpe_population(mdp, pi, nu, lam, 5)
        with pytest.raises(ValidationError, match="lam"):
            M.hac(mdp, 2, nu=nu, lam=lam, m_on=2, m_off=2, K1=1, K2=2, rng=0)
    bad_a = (np.array([0, 1]), np.array([0, 3]), np.array([0.0, 1.0]), np.array([1, 2]))
    bad_s = (np.array([0, 4]), np.array([0, 1]), np.array([0.0, 1.0]), np.array([1, 2]))
    bad_s2 = (np.array([0, 1]), np.array([0, 1]), np.array([0.0, 1.0]), np.array([-1, 2]))
    for data, what in ((bad_a, "actions"), (bad_s, "states"), (bad_s2, "next states")):
        with pytest.raises(ValidationError, match=f"offline_data has {what}"):
            M.hac(mdp, 2, offline_data=data, m_on=2, m_off=2, K1=1, K2=2, rng=0)
    with pytest.raises(ValidationError, match="H must be"):
        M.hybrid_combination_lock(0)
    with pytest.raises(ValidationError, match="K1"):
        M.hac(mdp, 2, nu=nu, m_on=2, m_off=2, K1=2, K2=2, rng=0)
    with pytest.raises(ValidationError, match="nu"):
        M.hac(mdp, 2, nu=np.ones((4, 2)), m_on=2, m_off=2, K1=1, K2=2, rng=0)
    with pytest.raises(ValidationError, match="mode"):
        M.hac(mdp, 2, nu=nu, m_on=2, m_off=2, K1=1, K2=2, rng=0, mode="greedy")


def test_fixed_offline_dataset_runs():
    mdp = instances.garnet(4, 3, 2, gamma=0.8, seed=1)
    s, a, r, s2 = M.sample_offline_tuples(mdp, np.full((4, 3), 1 / 12), 500, rng=0)
    tr = M.hac(mdp, 3, offline_data=(s, a, r, s2), m_on=50, m_off=50, K1=2, K2=5, rng=0, backend="numpy")
    assert tr.iterations.tolist() == [1, 2, 3] and np.all(np.diff(tr.samples) == 250)
