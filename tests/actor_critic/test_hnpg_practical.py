"""Practical HNPG (Zhou et al. 2023, App. E.3, Algorithms 4-5): FHPE, the CG actor step, the TRPO line
search and the sampled variant, each against an independent computation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms import hnpg as M
from pgtheory.algorithms.actor_critic import comblock_finite_horizon, layered_mdp
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import FiniteHorizonMDP, finite_horizon_evaluation, finite_horizon_occupancy
from pgtheory.testing import assert_unbiased, test_seed

EPS = np.finfo(float).eps


def _q_by_recursion(fh, pi):
    """Q_h^pi by an explicit loop over (h, s, a, s') (no matrix products), for an independent check."""
    H, S, A = fh.H, fh.S, fh.A
    Q = np.zeros((H, S, A))
    V = np.zeros(S)
    for h in range(H - 1, -1, -1):
        for s in range(S):
            for a in range(A):
                Q[h, s, a] = fh.r[h, s, a] + sum(fh.P[h, s, a, t] * V[t] for t in range(S))
        V = np.array([sum(pi[h, s, a] * Q[h, s, a] for a in range(A)) for s in range(S)])
    return Q


def _rand_fh(seed, H=3, S=3, A=2):
    return layered_mdp(H, S, A, seed=seed)


@settings(deadline=None, max_examples=15)
@given(st.integers(0, 2**31 - 1), st.integers(1, 4), st.sampled_from([0.1, 1.0, 10.0]))
def test_fhpe_population_with_full_offline_support_is_Q_pi(seed, H, lam):
    fh = _rand_fh(seed, H=H)
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(fh.A), size=(H, fh.S))
    nu = rng.dirichlet(np.ones(fh.S * fh.A), size=H).reshape(H, fh.S, fh.A)
    tr = M.fhpe_population(fh, pi, nu, lam)
    Q = _q_by_recursion(fh, pi)
    # H backups of values <= H: rounding <= H^2 * 8 eps
    np.testing.assert_allclose(tr.final["f"], Q, rtol=0, atol=8 * H * H * EPS)
    assert np.all(tr.metric("on_policy_error") <= (8 * H * H * EPS) ** 2)


def test_fhpe_population_partial_support_is_the_weighted_mean_of_eq49():
    fh = _rand_fh(3, H=3, S=4, A=3)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(3), size=(3, 4))
    nu = rng.random((3, 4, 3))
    nu[nu < 0.5] = 0.0
    nu /= nu.sum(axis=(1, 2), keepdims=True)
    rho = np.zeros(4)
    rho[0] = 1.0
    fh = FiniteHorizonMDP(fh.P, fh.r, fh.H, rho)
    lam = 2.0
    f0 = rng.normal(size=(3, 4, 3))
    got = M.fhpe_population(fh, pi, nu, lam, f_init=f0).final["f"]
    # independent loop: d_h by forward recursion, Q_h by backward recursion, eq. (49) pair by pair
    Q = _q_by_recursion(fh, pi)
    d = np.zeros((3, 4))
    d[0] = rho
    for h in range(2):
        for s in range(4):
            for a in range(3):
                d[h + 1] += d[h, s] * pi[h, s, a] * fh.P[h, s, a]
    f = f0.copy()
    vnext = np.zeros(4)
    for h in (2, 1, 0):
        for s in range(4):
            for a in range(3):
                dsa = d[h, s] * pi[h, s, a]
                den = nu[h, s, a] + lam * dsa
                if den > 0:
                    f[h, s, a] = (nu[h, s, a] * (fh.r[h, s, a] + fh.P[h, s, a] @ vnext) + lam * dsa * Q[h, s, a]) / den
        vnext = np.array([pi[h, s] @ f[h, s] for s in range(4)])
    np.testing.assert_allclose(got, f, rtol=0, atol=64 * EPS * max(1.0, np.abs(f).max()))


def test_exact_practical_step_is_the_npg_closed_form():
    """damping 0, full support, enough CG steps: pi_{t+1,h} ∝ pi_{t,h} exp(eta_h A_h^{pi_t}), with eta_h the
    step the line search accepted (finite horizon: no 1/(1-gamma))."""
    fh = _rand_fh(11, H=3, S=3, A=3)
    nu = np.full((3, 3, 3), 1 / 9)
    T = 4
    tr = M.hnpg_practical_exact(fh, nu, T, damping=0.0, cg_iters=50, max_kl=0.05)
    etas = tr.metric("eta")
    assert tr.metric("accepted").all()
    pi = np.full((3, 3, 3), 1 / 3)
    for t in range(T):
        sol = finite_horizon_evaluation(fh, pi)
        adv = sol.Q - sol.V[:3, :, None]
        w = pi * np.exp(etas[t][:, None, None] * adv)
        pi = w / w.sum(axis=-1, keepdims=True)
    # CG stops at residual^2 < 1e-20 |g|^2: direction error ~ 1e-10 relative, times eta
    np.testing.assert_allclose(tr.final["pi"], pi, rtol=0, atol=1e-8)


def test_damped_cg_direction_solves_the_regularised_normal_equations_of_eq48():
    fh = _rand_fh(2, H=2, S=3, A=3)
    rng = np.random.default_rng(4)
    nu = rng.dirichlet(np.ones(9), size=2).reshape(2, 3, 3)
    delta, lam = 0.1, 1.0
    tr = M.hnpg_practical_exact(fh, nu, 1, damping=delta, lam=lam, cg_iters=60, max_kl=0.05)
    theta1 = tr.final["theta"]
    pi = np.full((2, 3, 3), 1 / 3)
    crit = M.fhpe_population(fh, pi, nu, lam)
    f, d = crit.final["f"], crit.final["d"]
    for h in range(2):
        c = (nu[h] + lam * d[h]) / (1 + lam)
        fbar = f[h] - (pi[h] * f[h]).sum(axis=1, keepdims=True)
        Phi = np.zeros((3, 3, 9))
        for s in range(3):
            for a in range(3):
                Phi[s, a, 3 * s:3 * s + 3] = np.eye(3)[a] - pi[h, s]
        X = Phi.reshape(9, 9)
        F = X.T @ (c.reshape(-1)[:, None] * X) + delta * np.eye(9)
        g = X.T @ (c.reshape(-1) * fbar.reshape(-1))
        w = np.linalg.solve(F, g).reshape(3, 3)
        eta = tr.metric("eta")[0, h]
        assert eta > 0
        np.testing.assert_allclose(theta1[h], eta * w, rtol=0, atol=1e-9 * max(1.0, eta * np.abs(w).max()))


def test_line_search_accepts_only_steps_meeting_its_stated_condition():
    # a concave surrogate gain and a quadratic KL: the first candidates break the trust region
    slope, max_kl, ratio = 2.0, 0.01, 0.1

    def gain(eta):
        return slope * eta - 3.0 * eta ** 2

    def kl(eta):
        return 0.5 * eta ** 2

    step = M.trpo_line_search(gain, kl, 1.0, slope, max_kl=max_kl, accept_ratio=ratio)
    assert step.accepted
    ok = [(k <= max_kl and g > 0 and g >= ratio * e * slope)
          for e, k, g in zip(step.tried_eta, step.tried_kl, step.tried_gain)]
    assert ok[-1] and not any(ok[:-1])  # the accepted candidate is the first that meets the rule
    assert step.eta == step.tried_eta[-1] and np.all(np.diff(step.tried_eta) < 0)
    np.testing.assert_allclose(step.tried_eta, 0.5 ** np.arange(step.n_tried))
    # nothing acceptable: no step
    none = M.trpo_line_search(lambda e: -e, kl, 1.0, slope, max_kl=max_kl, max_backtracks=5)
    assert not none.accepted and none.eta == 0.0 and none.n_tried == 5
    with pytest.raises(ValidationError, match="max_kl"):
        M.trpo_line_search(gain, kl, 1.0, slope, max_kl=0.0)
    with pytest.raises(ValidationError, match="eta_max"):
        M.trpo_line_search(gain, kl, float("nan"), slope)
    with pytest.raises(ValidationError, match="accept_ratio"):
        M.trpo_line_search(gain, kl, 1.0, slope, accept_ratio=1.0)


@pytest.mark.parametrize("sampled", [False, True])
def test_every_accepted_practical_step_is_inside_the_trust_region(sampled):
    fh, cl = comblock_finite_horizon(4, A=3, seed=1)
    nu = finite_horizon_occupancy(fh, cl.eps_greedy(0.25), state_action=True)
    max_kl = 0.02
    if sampled:
        tr = M.hnpg_practical(fh, 15, m_on=40, m_off=40, nu=nu, max_kl=max_kl, rng=2)
    else:
        tr = M.hnpg_practical_exact(fh, nu, 15, max_kl=max_kl)
    acc, kl, eta = tr.metric("accepted"), tr.metric("kl"), tr.metric("eta")
    assert acc.any()
    assert np.all(kl[acc] <= max_kl) and np.all(eta[acc] > 0)
    assert np.all(eta[~acc] == 0)


def test_hybrid_practical_hnpg_solves_the_lock_where_sampled_trpo_does_not():
    """The paper's Fig. 2 in miniature: with eps-greedy pi* data HNPG reaches the optimum; on-policy TRPO with
    the same online budget does not find the reward at H = 6, A = 4 (a uniform policy sees it w.p. 4^-6)."""
    fh, cl = comblock_finite_horizon(6, A=4, seed=3)
    nu = finite_horizon_occupancy(fh, cl.eps_greedy(1 / 6), state_action=True)
    hyb = M.hnpg_practical(fh, 60, m_on=30, m_off=30, nu=nu, rng=0, target=0.1)
    onp = M.hnpg_practical(fh, 60, m_on=30, m_off=30, mode="on_policy", rng=0, target=0.1)
    assert hyb.final["reached"] and not onp.final["reached"]


@pytest.mark.statistical
def test_episode_sampler_and_reward_to_go_are_unbiased():
    """Pairs at step h have law d_h^pi and the reward-to-go has conditional mean Q_h^pi.

    Seeded (test_seed); n = 200,000 episodes; Bonferroni over all coordinates at family-wise false-alarm
    rate 1e-5 per assertion (two assertions)."""
    fh = _rand_fh(5, H=3, S=3, A=2)
    rng = np.random.default_rng(1)
    pi = rng.dirichlet(np.ones(2), size=(3, 3))
    n = 200_000
    st_, ac, rw = M.sample_finite_horizon_episodes(fh, pi, n, rng=test_seed(1501))
    d = finite_horizon_occupancy(fh, pi, state_action=True)
    Q = finite_horizon_evaluation(fh, pi).Q
    y = np.cumsum(rw[:, ::-1], axis=1)[:, ::-1]
    freq, freq_se, qm, qse, qx = [], [], [], [], []
    for h in range(3):
        idx = st_[:, h] * 2 + ac[:, h]
        cnt = np.bincount(idx, minlength=6)
        p = cnt / n
        freq += list(p)
        freq_se += list(np.sqrt(p * (1 - p) / n))
        seen = cnt > 1
        m = np.bincount(idx, weights=y[:, h], minlength=6)[seen] / cnt[seen]
        v = np.bincount(idx, weights=y[:, h] ** 2, minlength=6)[seen] / cnt[seen] - m ** 2
        qm += list(m)
        qse += list(np.sqrt(np.maximum(v, 0) / (cnt[seen] - 1)))
        qx += list(Q[h].reshape(-1)[seen])
    assert_unbiased(freq, freq_se, d.reshape(-1))
    assert_unbiased(qm, qse, qx, atol=1e-12)


@pytest.mark.statistical
def test_sampled_fhpe_agrees_with_population_fhpe_with_many_samples():
    """One round of the sampled variant (m_on = m_off = 100,000) against fhpe_population at the same policy:
    the per-pair weighted means are ratio estimators, consistent with O(1/sqrt(n)) error; each pair's error is
    bounded by z * (H - h) / sqrt(n_pair) with z = 5.4 (Bonferroni over all pairs at 1e-5) times 2 for the
    error carried from step h+1 (one seed, test_seed)."""
    fh = _rand_fh(7, H=3, S=3, A=2)
    nu = np.full((3, 3, 2), 1 / 6)
    m = 100_000
    tr = M.hnpg_practical(fh, 1, m_on=m, m_off=m, nu=nu, rng=test_seed(1502), max_kl=1e-6)
    pi = np.full((3, 3, 2), 0.5)
    pop = M.fhpe_population(fh, pi, nu, 1.0)
    d = pop.final["d"]
    n_pair = m * (nu + d)  # expected samples per pair (offline + online)
    bound = 2 * 5.4 * (3 - np.arange(3))[:, None, None] / np.sqrt(n_pair)
    err = np.abs(tr.final["f"] - pop.final["f"])
    assert np.all(err <= bound), float(np.max(err / bound))


def test_bad_input_raises_typed_errors():
    fh, cl = comblock_finite_horizon(3, A=3, seed=0)
    nu = finite_horizon_occupancy(fh, cl.eps_greedy(0.3), state_action=True)
    for lam in (0.0, -1.0, float("nan"), True):
        with pytest.raises(ValidationError, match="lam"):
            M.hnpg_practical_exact(fh, nu, 2, lam=lam)
        with pytest.raises(ValidationError, match="lam"):
            M.fhpe_population(fh, np.full((3, fh.S, 3), 1 / 3), nu, lam)
    good = (np.array([0, 1, 2]), np.array([0, 3, 6]), np.array([0, 1, 2]), np.zeros(3), np.array([3, 6, 9]))

    def bad(i, v):
        x = list(good)
        x[i] = v
        return tuple(x)

    for data, what in ((bad(2, np.array([0, 3, 1])), "actions"), (bad(1, np.array([0, fh.S, 1])), "states"),
                       (bad(0, np.array([0, 1, 3])), "steps"), (bad(4, np.array([-1, 1, 1])), "next states"),
                       (bad(0, np.array([0, 0, 1])), "no tuple at steps")):
        with pytest.raises(ValidationError, match=what):
            M.hnpg_practical(fh, 2, m_on=2, m_off=2, offline_data=data, rng=0)
    M.hnpg_practical(fh, 2, m_on=2, m_off=2, offline_data=good, rng=0)  # the valid dataset runs
    with pytest.raises(ValidationError, match="exactly one"):
        M.hnpg_practical(fh, 2, m_on=2, m_off=2, rng=0)
    with pytest.raises(ValidationError, match="mode"):
        M.hnpg_practical_exact(fh, nu, 2, mode="offline")
    with pytest.raises(ValidationError, match="max_kl"):
        M.hnpg_practical_exact(fh, nu, 2, max_kl=-1.0)
    with pytest.raises(ValidationError, match="damping"):
        M.hnpg_practical_exact(fh, nu, 2, damping=float("inf"))
    with pytest.raises(ShapeError, match="nu"):
        M.hnpg_practical_exact(fh, nu[:2], 2)
    with pytest.raises(ValidationError, match="FiniteHorizonMDP"):
        M.hnpg_practical_exact(cl.mdp, nu, 2)
    with pytest.raises(ValidationError, match="H"):
        comblock_finite_horizon(0)
    assert math.isfinite(M.hnpg_practical_exact(fh, nu, 2).metric("regret")[-1])
