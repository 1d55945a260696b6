"""The fast paths of HAC / HNPG (Zhou et al. 2023) and of Li et al.'s flow against the code they replace.

Each fast path claims to compute the *same bits* as a slower reference (a NumPy loop kept in the
package, or the code as it was, written out here): the numba samplers replay the NumPy samplers on
the generator's uniforms, the batched HPE / actor steps / stacked solves run the same arithmetic on
stacked arrays. So every test compares with ``np.array_equal`` (no tolerance) and, for samplers,
also checks that the generator is left in the same state. A one-ulp change anywhere fails them.
"""

import math

import numpy as np
import pytest

from pgtheory._math import log_softmax
from pgtheory.algorithms import _hnpg_kernels as K
from pgtheory.algorithms import hnpg as M
from pgtheory.algorithms import pg
from pgtheory.estimators import rollout_returns
from pgtheory.mdp import PolicySystem, TabularMDP, instances


def _cases(n_cases, seed=0):
    """Random small MDPs, policies (some with zero-probability actions) and batch sizes, incl. gamma = 0 and
    gamma = 0.99 (rollouts longer than 128 steps: numpy's pairwise sum recurses)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_cases):
        S, A = int(rng.integers(1, 9)), int(rng.integers(1, 5))
        g = [0.0, 0.3, 0.8, 0.95, 0.99][k % 5]
        mdp = instances.garnet(S, A, min(S, 3), gamma=g, seed=k)
        pi = rng.dirichlet(np.ones(A), size=S)
        if A > 1 and k % 3 == 0:
            pi[:, 0] = 0.0
            pi /= pi.sum(axis=1, keepdims=True)
        out.append((mdp, pi, int(rng.integers(1, 2500))))
    return out


@pytest.mark.parametrize("case", range(10))
def test_occupancy_pair_kernel_replays_the_numpy_sampler(case):
    mdp, pi, n = _cases(10)[case]
    r1, r2 = np.random.default_rng(case), np.random.default_rng(case)
    got = M.sample_occupancy_pairs(mdp, pi, n, r1)
    want = M._occupancy_pairs_numpy(np.cumsum(pi, axis=1), np.cumsum(np.asarray(mdp.P), axis=2), mdp.gamma,
                                    np.cumsum(mdp.rho), n, r2)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]) and got[2] == want[2]
    assert r1.bit_generator.state == r2.bit_generator.state  # the generator is where the NumPy loop leaves it


@pytest.mark.parametrize("case", range(10))
def test_monte_carlo_kernel_replays_the_numpy_engine(case):
    mdp, pi, n = _cases(10, seed=1)[case]
    rng = np.random.default_rng(100 + case)
    s, a = rng.integers(0, mdp.S, size=n), rng.integers(0, mdp.A, size=n)
    r1, r2 = np.random.default_rng(case), np.random.default_rng(case)
    y1, steps1 = M._mc_targets(mdp, pi, s, a, r1, "numpy")
    y2, steps2 = rollout_returns(mdp, pi, s, a, rng=r2, backend="numpy", termination="geometric")
    assert np.array_equal(y1, y2) and steps1 == steps2
    assert r1.bit_generator.state == r2.bit_generator.state


def test_monte_carlo_kernel_on_a_lock_with_deterministic_rows():
    """Zero rewards and one-hot transitions (the combination lock): the engine's binary search and row ends."""
    cl = M.hybrid_combination_lock(4, A=3, gamma=0.9, seed=4)
    pi = np.full((cl.mdp.S, 3), 1.0 / 3)
    rng = np.random.default_rng(5)
    s, a = rng.integers(0, cl.mdp.S, size=400), rng.integers(0, 3, size=400)
    r1, r2 = np.random.default_rng(6), np.random.default_rng(6)
    y1, n1 = M._mc_targets(cl.mdp, pi, s, a, r1, "numpy")
    y2, n2 = rollout_returns(cl.mdp, pi, s, a, rng=r2, backend="numpy", termination="geometric")
    assert np.array_equal(y1, y2) and n1 == n2 and r1.bit_generator.state == r2.bit_generator.state


def test_replay_draws_a_longer_block_when_the_first_runs_out():
    """An expected count far too small makes the kernel run out of uniforms: _replay redraws from the saved
    state, and the samples and the generator's state are still the NumPy sampler's."""
    mdp, pi, n = instances.garnet(6, 3, 3, gamma=0.95, seed=2), np.full((6, 3), 1 / 3), 3000
    pic, Pc, rc = np.cumsum(pi, axis=1), np.cumsum(np.asarray(mdp.P), axis=2), np.cumsum(mdp.rho)
    out_s, out_a = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    calls = []

    def run(U):
        calls.append(U.size)
        return K.occupancy_pairs_kernel(rc, pic, Pc, mdp.gamma, n, U, out_s, out_a)[0]

    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    M._replay(run, r1, 0.0)
    want = M._occupancy_pairs_numpy(pic, Pc, mdp.gamma, rc, n, r2)
    assert len(calls) > 1 and calls[1] == 2 * calls[0]  # it did run out, and doubled
    assert np.array_equal(out_s, want[0]) and np.array_equal(out_a, want[1])
    assert r1.bit_generator.state == r2.bit_generator.state


def _same_state(a, b):
    """Bit-generator states (nested dicts, with arrays for MT19937 and Philox) are equal."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    return bool(np.array_equal(a, b))


def _generator(kind, seed):
    if kind == "pcg64, half a draw buffered":
        g = np.random.default_rng(seed)
        g.random(dtype=np.float32)  # leaves a buffered 32-bit half (has_uint32 = 1)
        return g
    return np.random.Generator({"pcg64": np.random.PCG64, "mt19937": np.random.MT19937,
                                "philox": np.random.Philox}[kind](seed))


@pytest.mark.parametrize("kind", ["pcg64", "pcg64, half a draw buffered", "mt19937", "philox"])
def test_replayed_samplers_leave_every_generator_where_the_numpy_code_does(kind):
    """_replay advances PCG64 with advance() and other generators (or a buffered half) by drawing."""
    mdp, pi = instances.garnet(5, 3, 3, gamma=0.8, seed=1), np.full((5, 3), 1 / 3)
    r1, r2 = _generator(kind, 4), _generator(kind, 4)
    s1, a1, _ = M.sample_occupancy_pairs(mdp, pi, 500, r1)
    s2, a2, _ = M._occupancy_pairs_numpy(np.cumsum(pi, axis=1), np.cumsum(np.asarray(mdp.P), axis=2), mdp.gamma,
                                         np.cumsum(mdp.rho), 500, r2)
    y1, _ = M._mc_targets(mdp, pi, s1, a1, r1, "numpy")
    y2, _ = rollout_returns(mdp, pi, s2, a2, rng=r2, backend="numpy", termination="geometric")
    assert np.array_equal(s1, s2) and np.array_equal(a1, a2) and np.array_equal(y1, y2)
    assert _same_state(r1.bit_generator.state, r2.bit_generator.state)
    assert r1.random(dtype=np.float32) == r2.random(dtype=np.float32)  # the buffered half too


@pytest.mark.parametrize("T", [1, 2, 5, 7, 8, 9, 16, 127, 128, 129, 130, 255, 256, 1000, 1031])
def test_row_sums_follow_numpys_summation_order(T):
    rng = np.random.default_rng(T)
    X = rng.standard_normal((7, T)) * 10.0 ** rng.integers(-8, 8, size=(7, T))
    assert np.array_equal(K.row_sums(X), X.sum(axis=1))


def test_cumulative_rows_kernel_matches_the_engine_tables():
    from pgtheory.estimators import _tables  # the engine's table builder (test-only look at a private module)

    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(7), size=50)
    p[::3, 4:] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    assert np.array_equal(K.cumulative_rows(p), _tables.cumulative_rows(p))


def _hpe_reference(f, pi, g, vmax, lam, K1, K2, SA, m_on, m_off, idx_on, y, off):
    """The per-iteration loop of hac's HPE as it was written before the batched version."""
    S, A = pi.shape
    fk = f.copy()
    fsum = np.zeros(SA)
    for k in range(K2):
        num, den = np.zeros(SA), np.zeros(SA)
        if off is not None:
            idx_off, ro, s2o = off
            vnext = np.einsum("sa,sa->s", pi, fk)
            num += np.bincount(idx_off[k], weights=ro[k] + g * vnext[s2o[k]], minlength=SA) / m_off
            den += np.bincount(idx_off[k], minlength=SA) / m_off
        if idx_on is not None:
            num += lam * np.bincount(idx_on[k], weights=y[k], minlength=SA) / m_on
            den += lam * np.bincount(idx_on[k], minlength=SA) / m_on
        flat = fk.reshape(-1)
        flat = np.where(den > 0, np.clip(num / np.where(den > 0, den, 1.0), 0.0, vmax), flat)
        fk = flat.reshape(S, A)
        if k >= K1:
            fsum += flat
    return (fsum / (K2 - K1)).reshape(S, A)


@pytest.mark.parametrize("mode", ["hybrid", "on_policy", "offline"])
@pytest.mark.parametrize("seed", range(4))
def test_batched_hpe_equals_the_per_iteration_loop(mode, seed):
    rng = np.random.default_rng(seed)
    S, A, K2, m_on, m_off = 5, 3, int(rng.integers(2, 30)), int(rng.integers(1, 40)), int(rng.integers(1, 40))
    K1, g, lam, SA = int(rng.integers(0, K2)), 0.8, float(rng.choice([0.5, 1.0, 3.0])), S * A
    pi = rng.dirichlet(np.ones(A), size=S)
    f0 = rng.random((S, A)) * 5
    idx_on = rng.integers(0, SA, size=(K2, m_on)) if mode != "offline" else None
    y = rng.random((K2, m_on)) * 5 if mode != "offline" else None
    off = None if mode == "on_policy" else (rng.integers(0, SA, size=(K2, m_off)), rng.random((K2, m_off)),
                                            rng.integers(0, S, size=(K2, m_off)))
    args = (f0, pi, g, 5.0, lam, K1, K2, SA, m_on, m_off, idx_on, y, off)
    assert np.array_equal(M._hpe_box(*args), _hpe_reference(*args))


def _grid_reference(mdp, Ts):
    """hac_exact_grid's loop as it was: PolicySystem.stack and log_softmax."""
    Ts = np.unique(np.asarray(Ts, dtype=np.int64))
    J = pg.optimal_reference(mdp, mdp.rho)["J_star"]
    S, A, g = mdp.S, mdp.A, mdp.gamma
    r, P2T = np.asarray(mdp.r), np.asarray(mdp.P).reshape(S * A, S).T
    eta3 = np.array([(1 - g) * math.sqrt(math.log(A) / t) for t in Ts])[:, None, None]
    logpi, cum, k = np.full((Ts.size, S, A), -math.log(A)), np.zeros(Ts.size), 0
    for t in range(1, int(Ts[-1]) + 1):
        while Ts[k] < t:
            k += 1
        pi = np.exp(logpi[k:])
        V = PolicySystem.stack(mdp, pi).solve(np.einsum("nsa,sa->ns", pi, r))
        Q = r[None] + g * (V @ P2T).reshape(-1, S, A)
        cum[k:] += J - V @ mdp.rho
        logpi[k:] = log_softmax(logpi[k:] + eta3[k:] * Q, axis=-1)
    return cum


def test_hac_exact_grid_is_bitwise_the_stacked_policy_system_loop():
    mdp = instances.garnet(6, 4, 3, gamma=0.9, seed=1)
    Ts = [3, 10, 31, 200]
    assert np.array_equal(M.hac_exact_grid(mdp, Ts).metric("regret"), _grid_reference(mdp, Ts))


@pytest.mark.parametrize("seed", range(40))
def test_batched_actor_steps_equal_the_per_step_loop(seed):
    rng = np.random.default_rng(seed)
    H, S, A = int(rng.integers(1, 8)), int(rng.integers(1, 9)), int(rng.integers(2, 6))
    theta = rng.standard_normal((H, S, A)) * rng.choice([0.0, 0.5, 3.0])
    c = rng.dirichlet(np.ones(S * A), size=H).reshape(H, S, A)
    if seed % 4 == 0:
        c[:, 0] = 0.0  # unvisited states
    f = rng.standard_normal((H, S, A)) * rng.choice([1e-8, 1.0, 10.0])
    pi = np.exp(log_softmax(theta, axis=-1))
    fbar = f - np.einsum("hsa,hsa->hs", pi, f)[..., None]
    kw = dict(max_kl=float(rng.choice([1e-4, 1e-2, 1.0])), damping=float(rng.choice([0.0, 0.1])),
              cg_iters=int(rng.integers(1, 12)), max_backtracks=int(rng.integers(1, 11)),
              accept_ratio=float(rng.choice([0.0, 0.1, 0.9])))
    got, want = M._actor_steps(theta, c, fbar, **kw), M._actor_steps_loop(theta, c, fbar, **kw)
    for x, w in zip(got, want):
        assert np.array_equal(x, w)


def test_batched_actor_steps_cover_rejections_and_the_non_finite_fallback():
    rng = np.random.default_rng(0)
    H, S, A = 6, 4, 3
    theta = rng.standard_normal((H, S, A))
    c = rng.dirichlet(np.ones(S * A), size=H).reshape(H, S, A)
    fbar = rng.standard_normal((H, S, A))
    fbar -= np.einsum("hsa,hsa->hs", np.exp(log_softmax(theta)), fbar)[..., None]
    fbar[0] = 0.0  # no signal: no step
    kw = dict(max_kl=1e-6, damping=0.1, cg_iters=10, max_backtracks=2, accept_ratio=0.99)  # most candidates fail
    got, want = M._actor_steps(theta, c, fbar, **kw), M._actor_steps_loop(theta, c, fbar, **kw)
    assert not want[3].all()
    for x, w in zip(got, want):
        assert np.array_equal(x, w)
    theta[1, 0, 0] = -np.inf  # a masked action: the batched path hands over to the loop (whose KL warns on -inf)
    with np.errstate(invalid="ignore"):
        got, want = M._actor_steps(theta, c, fbar, **kw), M._actor_steps_loop(theta, c, fbar, **kw)
    for x, w in zip(got, want):
        assert np.array_equal(x, w)


def _episodes_reference(fh, pi, n, rng):
    """The episode sampler as it was: one draw per purpose and step."""
    H, S, A = fh.H, fh.S, fh.A
    s = np.minimum(np.searchsorted(np.cumsum(fh.rho), rng.random(n), side="right"), S - 1)
    st, ac, rw = np.empty((n, H), np.int64), np.empty((n, H), np.int64), np.empty((n, H))
    pic, Pc = np.cumsum(pi, axis=-1), np.cumsum(fh.P, axis=-1)
    for h in range(H):
        a = np.minimum((rng.random(n)[:, None] > pic[h, s]).sum(axis=1), A - 1)
        st[:, h], ac[:, h], rw[:, h] = s, a, fh.r[h, s, a]
        s = np.minimum((rng.random(n)[:, None] > Pc[h, s, a]).sum(axis=1), S - 1)
    return st, ac, rw


def test_episode_sampler_draws_the_same_uniforms_in_one_block():
    from pgtheory.algorithms.actor_critic import comblock_finite_horizon

    fh, _ = comblock_finite_horizon(5, A=3, seed=5)
    pi = np.random.default_rng(1).dirichlet(np.ones(3), size=(fh.H, fh.S))
    r1, r2 = np.random.default_rng(2), np.random.default_rng(2)
    for x, w in zip(M._sample_fh_episodes(fh, pi, 257, r1), _episodes_reference(fh, pi, 257, r2)):
        assert np.array_equal(x, w)
    assert r1.bit_generator.state == r2.bit_generator.state


def test_fh_objective_is_finite_horizon_evaluations_objective():
    from pgtheory.algorithms.actor_critic import comblock_finite_horizon
    from pgtheory.mdp import finite_horizon_evaluation

    fh, _ = comblock_finite_horizon(6, A=3, seed=6)
    pi = np.random.default_rng(3).dirichlet(np.ones(3), size=(fh.H, fh.S))
    assert M._fh_objective(fh, pi) == finite_horizon_evaluation(fh, pi).certificate["objective"]


def test_flow_values_and_solve_pair_equal_the_single_solves():
    li = instances.li2021_hard_mdp(gamma=0.97, n_states=1e12)
    base = li.mdp
    P, r, g = np.asarray(base.P), np.asarray(base.r), base.gamma
    rng = np.random.default_rng(0)
    thetas = np.where(li.action_mask, rng.standard_normal((300,) + li.action_mask.shape) * 5, -np.inf)
    V = pg._flow_values(P, r, g, thetas, block=64)
    for i in range(0, 300, 7):
        th = thetas[i]
        assert np.array_equal(pg._flow_gradient(P, r, g, np.asarray(base.rho), li.multiplicity, th)[1], V[i])
        e = np.exp(th - th.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        sys_ = PolicySystem(np.einsum("sa,sat->st", p, P), g)
        b, c = (p * r).sum(axis=1), (1 - g) * np.asarray(base.rho)
        x, y = sys_.solve_pair(b, c)
        assert np.array_equal(x, sys_.solve(b)) and np.array_equal(y, sys_.solve(c, transpose=True))


def test_linf_fit_cache_returns_the_solved_value():
    rng = np.random.default_rng(0)
    X, gv = rng.standard_normal((12, 3)), rng.standard_normal(12)
    first = M._linf_fit(X, gv)
    assert first == M._linf_fit_solve(X, gv) and M._linf_fit(X.copy(), gv.copy()) == first
    assert M._linf_fit(X, gv + 1.0) != first  # another LP is solved, not served from the cache


def test_gap_mdp_rollouts_through_hac_match_the_engine_run_by_run():
    """End to end: hac with the NumPy engine (replayed) against hac with the kernels switched off."""
    base = instances.garnet(5, 3, 2, gamma=0.3, seed=1)
    mdp = TabularMDP(np.asarray(base.P), np.eye(5, 3)[:, :3] * 1.0, 0.3, base.rho)
    nu = np.full((5, 3), 1 / 15)
    kw = dict(nu=nu, m_on=7, m_off=7, K1=3, K2=9, backend="numpy")
    fast = M.hac(mdp, 6, rng=np.random.default_rng(4), **kw)
    orig = M._kernels
    try:
        M._kernels = lambda: None  # the NumPy samplers and the estimator engine itself
        slow = M.hac(mdp, 6, rng=np.random.default_rng(4), **kw)
    finally:
        M._kernels = orig
    for key in ("regret", "critic_error", "online_steps"):
        assert np.array_equal(fast.metric(key), slow.metric(key))
    assert np.array_equal(fast.final["f"], slow.final["f"])
