"""Tan-Fan-Wei reconstruction (abstract only): exact coverage quantities, samplers, switching, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms import actor_critic as AC
from pgtheory.errors import ValidationError
from pgtheory.mdp import backward_induction, finite_horizon_evaluation
from pgtheory.testing import assert_unbiased


def _occ_enum(fh, pi):
    """Stage-wise d_h(s, a) by the forward recursion written out here (independent of pgtheory.mdp)."""
    H, S, A = fh.H, fh.S, fh.A
    d = np.zeros((H, S, A))
    x = np.asarray(fh.rho, dtype=float)
    for h in range(H):
        d[h] = x[:, None] * pi[h]
        x = np.einsum("sa,sat->t", d[h], fh.P[h])
    return d


@settings(deadline=None, max_examples=15)
@given(st.integers(1, 4), st.integers(2, 4), st.integers(2, 3), st.integers(0, 2**31 - 1))
def test_occupancy_concentrability_matches_enumeration(H, S, A, seed):
    fh = AC.layered_mdp(H, S, A, seed=seed)
    rng = np.random.default_rng(seed)
    pe = rng.dirichlet(np.ones(A), size=(H, S))
    mu = rng.dirichlet(np.ones(A), size=(H, S))
    de, dm = _occ_enum(fh, pe), _occ_enum(fh, mu)
    pos = de > 0
    expect = np.max(de[pos] / dm[pos])
    assert AC.concentrability_occupancy(fh, pe, mu) == pytest.approx(expect, rel=1e-10)
    assert AC.concentrability_policy_ratio(pe, mu) == pytest.approx(np.max(pe / mu), rel=1e-12)


@pytest.mark.parametrize("H,eps", [(3, 0.2), (5, 0.3), (8, 1 / 8)])
def test_two_cstar_definitions_differ_by_a_power_of_H_on_the_lock(H, eps):
    fh, cl = AC.comblock_finite_horizon(H, A=4, seed=1)
    mu = cl.eps_greedy(eps)
    assert AC.concentrability_occupancy(fh, cl.pi_star, mu) == pytest.approx((1 - eps) ** -H, rel=1e-10)
    assert AC.concentrability_policy_ratio(cl.pi_star, mu) == pytest.approx(1 / (1 - eps), rel=1e-12)
    assert float(fh.rho @ backward_induction(fh).V[0]) == pytest.approx(1.0)
    unif = np.full((fh.S, 4), 0.25)
    # the uniform policy collects the reward 1 w.p. 4^-H (the anti-shaped rewards add the rest)
    d = _occ_enum(fh, np.broadcast_to(unif, (H, fh.S, 4)))
    p_reward = sum(d[H - 1, 3 * (H - 1) + j, cl.good_action[H - 1, j]] for j in range(2))
    assert p_reward == pytest.approx(4.0 ** -H, rel=1e-12)


@pytest.mark.statistical
def test_offline_episode_counts_are_unbiased_for_occupancies():
    """N[h, s, a] / N_off estimates d_h^mu(s, a): n = 40,000 episodes, Bonferroni, alpha = 1e-5."""
    fh = AC.layered_mdp(3, 3, 2, seed=4)
    mu = np.random.default_rng(0).dirichlet(np.ones(2), size=(3, 3))
    n = 40_000
    N, Nsas = AC.sample_offline_episodes(fh, mu, n, rng=3)
    p = N / n
    d = _occ_enum(fh, mu)
    assert_unbiased(p, np.sqrt(np.maximum(p * (1 - p), 1e-300) / n), d, atol=1e-12)
    np.testing.assert_allclose(Nsas.sum(-1), N)


def test_switches_respect_the_cap_and_regret_is_exact():
    fh = AC.layered_mdp(2, 3, 2, seed=2)
    tr = AC.nora_tabular(fh, 500, n_seeds=4, rng=0, n_records=None)
    assert np.all(tr.final["switches"] <= tr.final["switch_cap"])
    assert np.all(np.diff(tr.metric("switches"), axis=1) >= 0)
    reg = tr.metric("regret")
    assert np.all(np.diff(reg, axis=1) >= -1e-12)  # V* >= V^pi for every pi
    np.testing.assert_allclose(tr.metric("gap"), reg / tr.iterations[None, :])


def test_first_episode_regret_is_the_uniform_policy_gap():
    fh = AC.layered_mdp(3, 2, 3, seed=5)
    tr = AC.nora_tabular(fh, 3, n_seeds=2, rng=0, n_records=None)
    v_star = fh.rho @ backward_induction(fh).V[0]
    v_unif = fh.rho @ finite_horizon_evaluation(fh, np.full((fh.S, fh.A), 1 / fh.A)).V[0]
    np.testing.assert_allclose(tr.metric("regret")[:, 0], v_star - v_unif, rtol=1e-12)


def test_rare_switching_beats_switching_every_episode():
    fh = AC.layered_mdp(3, 3, 2, seed=1)
    rare = AC.nora_tabular(fh, 1500, n_seeds=8, rng=0, bonus_scale=0.5, n_records=3).metric("regret")[:, -1]
    every = AC.nora_tabular(fh, 1500, n_seeds=8, rng=0, bonus_scale=0.5, switch="every", n_records=3)
    assert rare.mean() < every.metric("regret")[:, -1].mean()


def test_non_optimistic_variant_needs_offline_data_on_the_lock():
    fh, cl = AC.comblock_finite_horizon(5, A=5, seed=4)
    none = AC.nora_tabular(fh, 150, n_seeds=8, rng=0, bonus_scale=0.0, n_records=3)
    assert np.all(none.metric("gap")[:, -1] > 0.5)
    off = AC.nora_tabular(fh, 150, n_seeds=8, rng=0, bonus_scale=0.0, n_offline=200, behavior=cl.eps_greedy(0.2),
                          n_records=3)
    assert np.mean(off.metric("suboptimality")[:, -1] <= 0.1) >= 0.75


def test_bad_input():
    fh, cl = AC.comblock_finite_horizon(3, A=3, seed=0)
    with pytest.raises(ValidationError, match="N_off"):
        AC.nora_tabular(fh, 5, n_offline=-1, behavior=cl.eps_greedy(0.1))
    with pytest.raises(ValidationError, match="N_off"):
        AC.sample_offline_episodes(fh, cl.eps_greedy(0.1), -3, rng=0)
    with pytest.raises(ValidationError, match="behavior"):
        AC.nora_tabular(fh, 5, n_offline=3)
    with pytest.raises(ValidationError, match="H must be"):
        AC.layered_mdp(0, 2, 2)
    with pytest.raises(ValidationError, match="H must be"):
        AC.comblock_finite_horizon(0)
    with pytest.raises(ValidationError, match="bonus_scale"):
        AC.nora_tabular(fh, 5, bonus_scale=-1.0)
    with pytest.raises(ValidationError, match="switch"):
        AC.nora_tabular(fh, 5, switch="never")
    with pytest.raises(ValidationError, match="FiniteHorizonMDP"):
        AC.nora_tabular(cl.mdp, 5)


def test_occupancy_ratio_by_path_enumeration():
    """Every (s_0, a_0, ..., s_{H-1}, a_{H-1}) path with its probability (S = 3, A = 2, H = 3: 216 paths)."""
    import itertools

    fh = AC.layered_mdp(3, 3, 2, seed=11)
    rng = np.random.default_rng(3)
    pe, mu = rng.dirichlet(np.ones(2), size=(3, 3)), rng.dirichlet(np.ones(2), size=(3, 3))

    def occ(pi):
        d = np.zeros((3, 3, 2))
        for path in itertools.product(range(3), range(2), range(3), range(2), range(3), range(2)):
            s, a = path[0::2], path[1::2]
            p = fh.rho[s[0]]
            for h in range(3):
                p *= pi[h, s[h], a[h]] * (fh.P[h, s[h], a[h], s[h + 1]] if h < 2 else 1.0)
            for h in range(3):
                d[h, s[h], a[h]] += p
        return d

    de, dm = occ(pe), occ(mu)
    pos = de > 0  # rho is a point mass: unreachable pairs have 0/0
    assert AC.concentrability_occupancy(fh, pe, mu) == pytest.approx(np.max(de[pos] / dm[pos]), rel=1e-10)


# ----------------------------------------------------------------------------- numba backend of nora_tabular
def _einsum_order_is_sse2():
    """Whether this NumPy's einsum sums a dot product in the two-lane order the kernels copy (probe on lengths
    1..40 with terms of very different sizes, where any other order rounds differently)."""
    from pgtheory.algorithms._ac_kernels import einsum_dot

    rng = np.random.default_rng(0)
    for n in range(1, 41):
        a = rng.random((50, n))
        b = rng.random((50, n)) * rng.choice([1.0, 1e3, 1e-3], size=(50, n))
        ref = np.einsum("rt,rt->r", a, b)
        if any(einsum_dot(a[i], b[i]) != ref[i] for i in range(50)):
            return False
    return True


_BACKEND_CASES = {
    "optimistic, doubling": lambda: dict(fh_mdp=AC.layered_mdp(3, 3, 2, seed=1), T=400, n_seeds=6, rng=5,
                                         bonus_scale=0.5, n_records=None),
    "switch every episode": lambda: dict(fh_mdp=AC.layered_mdp(3, 3, 2, seed=1), T=150, n_seeds=5, rng=6,
                                         bonus_scale=0.5, switch="every", n_records=None),
    "offline, no reset, A=3": lambda: dict(fh_mdp=AC.layered_mdp(4, 5, 3, seed=3), T=200, n_seeds=4, rng=1,
                                           bonus_scale=0.5, n_offline=40, reset=False, n_records=None,
                                           behavior=np.random.default_rng(0).dirichlet(np.ones(3), size=(4, 5))),
    "lock H=6, non-optimistic, offline": lambda: dict(
        fh_mdp=AC.comblock_finite_horizon(6, A=5, seed=4)[0], T=120, n_seeds=9, rng=12, bonus_scale=0.0,
        n_offline=60, behavior=AC.comblock_finite_horizon(6, A=5, seed=4)[1].eps_greedy(0.1), n_records=None),
}


@pytest.mark.parametrize("case", sorted(_BACKEND_CASES))
def test_numba_backend_reproduces_the_numpy_reference(case):
    """Same uniforms, same counts and switches; every recorded value bitwise equal where NumPy's einsum sums in
    the order the kernels copy (the SSE2 builds tested here), else within the rounding of the value sums."""
    pytest.importorskip("numba")
    kw = _BACKEND_CASES[case]()
    g_ref, g_fast = np.random.default_rng(kw["rng"]), np.random.default_rng(kw.pop("rng"))
    ref = AC.nora_tabular(backend="numpy", rng=g_ref, **kw)
    fast = AC.nora_tabular(backend="numba", rng=g_fast, **kw)
    assert ref.params["backend"] == "numpy" and fast.params["backend"] == "numba"
    assert g_fast.random() == g_ref.random()  # the same number of draws
    np.testing.assert_array_equal(fast.final["switches"], ref.final["switches"])
    np.testing.assert_array_equal(fast.metric("switches"), ref.metric("switches"))
    if _einsum_order_is_sse2():
        for k in ref.metrics:
            np.testing.assert_array_equal(fast.metric(k), ref.metric(k), err_msg=k)
    else:
        fh = kw["fh_mdp"]
        # values in [0, H], each summed over S and A terms in H steps, accumulated over T episodes
        atol = 8 * kw["T"] * fh.H ** 2 * (fh.S + fh.A) * np.finfo(float).eps
        for k in ("regret", "suboptimality"):
            np.testing.assert_allclose(fast.metric(k), ref.metric(k), rtol=0, atol=atol, err_msg=k)


def test_backend_choice_and_bad_backend():
    fh = AC.layered_mdp(2, 2, 2, seed=0)
    assert AC.nora_tabular(fh, 5, rng=0, backend="auto").params["backend"] == "numpy"  # below 100 episodes
    with pytest.raises(ValidationError, match="backend"):
        AC.nora_tabular(fh, 5, backend="cupy")
    with pytest.raises(ValidationError, match="backend"):
        AC.nora_tabular(fh, 5, backend="fortran")


@pytest.mark.parametrize("n_offline", [0, 30])
def test_numba_backend_falls_back_to_the_reference_outside_the_reachable_pairs(monkeypatch, n_offline):
    """The inverse-CDF draw can land (probability <= 2^-53) on a zero-probability first or last state; the kernels
    keep only reachable pairs, so the driver must notice and rerun on the reference. Forced here by hiding a
    reachable state from the kernels: the trace is still the reference's, with the generator left in its state."""
    pytest.importorskip("numba")
    from pgtheory.algorithms import _ac_kernels as K

    fh, cl = AC.comblock_finite_horizon(4, A=3, seed=2)
    true_reach = K.reachable_states(np.ascontiguousarray(fh.P), np.ascontiguousarray(fh.rho))
    assert true_reach.sum() < fh.H * fh.S  # the lock: few states per step
    small = true_reach.copy()
    small[1, np.flatnonzero(small[1])[0]] = False
    monkeypatch.setattr(K, "reachable_states", lambda P, rho: small)
    kw = dict(T=150, n_seeds=5, bonus_scale=0.5, n_offline=n_offline, behavior=cl.eps_greedy(0.3), n_records=None)
    g_ref, g_fast = np.random.default_rng(9), np.random.default_rng(9)
    ref = AC.nora_tabular(fh, rng=g_ref, backend="numpy", **kw)
    fast = AC.nora_tabular(fh, rng=g_fast, backend="numba", **kw)
    assert fast.params["backend"] == "numpy"
    for k in ref.metrics:
        np.testing.assert_array_equal(fast.metric(k), ref.metric(k), err_msg=k)
    assert g_fast.random() == g_ref.random()
