"""Exact discounted solvers: mutual agreement, certificates, structural properties, bad input.

Ground truth: policy iteration with exact LU evaluation, and brute-force enumeration of all
deterministic policies on tiny instances. Documented tolerances: VI / MPI / soft VI guarantee
``||V - V*|| <= tol``; PI is exact up to LU rounding (1e-10 relative); the LP (HiGHS) returns the
exact value of its extracted policy, whose optimality holds up to HiGHS tolerance (1e-7).
"""

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ConvergenceWarning, ShapeError, ValidationError
from pgtheory.mdp import (
    TabularMDP,
    bellman_residual,
    greedy_policy,
    lp_dual,
    lp_primal,
    modified_policy_iteration,
    policy_evaluation,
    policy_iteration,
    soft_policy_evaluation,
    soft_value_iteration,
    state_action_occupancy,
    value_iteration,
)
from pgtheory.mdp.instances import garnet
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import tabular_mdps

TOL = 1e-9


def _sparse(mdp):
    return TabularMDP(sp.csr_matrix(mdp.P.reshape(mdp.S * mdp.A, mdp.S)), mdp.r, mdp.gamma, mdp.rho)


def _brute_force_vstar(mdp):
    best = np.full(mdp.S, -np.inf)
    for acts in itertools.product(range(mdp.A), repeat=mdp.S):
        pi = np.eye(mdp.A)[list(acts)]
        best = np.maximum(best, policy_evaluation(mdp, pi).V)
    return best


@given(tabular_mdps(max_states=5, max_actions=4))
def test_all_solvers_agree_and_certify(mdp):
    pi_sol = policy_iteration(mdp)
    assert pi_sol.converged
    scale = 1.0 / (1.0 - mdp.gamma)
    # PI: its V is the exact value of its policy, and it is optimal (Bellman residual ~ 0)
    assert_close(pi_sol.V, policy_evaluation(mdp, pi_sol.policy).V, rtol=1e-10, atol=1e-12 * scale)
    assert pi_sol.residual <= 1e-10 * scale
    assert pi_sol.certificate["greedy_gap"] <= 1e-10 * scale
    for solver in (lambda m: value_iteration(m, tol=TOL), lambda m: modified_policy_iteration(m, m=5, tol=TOL)):
        sol = solver(mdp)
        assert sol.converged
        bound = sol.certificate["value_error_bound"]
        assert bound <= TOL
        assert np.max(np.abs(sol.V - pi_sol.V)) <= bound + 1e-12 * scale
        assert sol.certificate["greedy_gap"] == 0.0
        # greedy policy loss within the Singh-Yee bound, checked by exact evaluation
        loss = np.max(pi_sol.V - policy_evaluation(mdp, sol.policy).V)
        assert loss <= sol.certificate["policy_loss_bound"] + 1e-12 * scale
    for lp in (lp_primal, lp_dual):
        sol = lp(mdp)
        assert sol.certificate["duality_gap"] <= 1e-7 * scale
        assert_close(sol.V, pi_sol.V, rtol=0, atol=1e-6 * scale)
        assert_close(sol.occupancy.sum(), 1.0)


@settings(max_examples=15)
@given(tabular_mdps(max_states=3, max_actions=3))
def test_policy_iteration_matches_brute_force(mdp):
    assert_close(policy_iteration(mdp).V, _brute_force_vstar(mdp), rtol=1e-9, atol=1e-12)


@given(tabular_mdps(max_states=5, max_actions=4), st.floats(-3.0, 3.0))
def test_reward_shift_leaves_optimal_policy_unchanged(mdp, c):
    base = policy_iteration(mdp)
    shifted = policy_iteration(TabularMDP(mdp.P, mdp.r + c, mdp.gamma, mdp.rho))
    assert_close(shifted.V, base.V + c / (1.0 - mdp.gamma), rtol=1e-9, atol=1e-9)
    # same optimal actions: the shifted policy is optimal for the original MDP
    assert_close(policy_evaluation(mdp, shifted.policy).V, base.V, rtol=1e-9, atol=1e-9)


@given(tabular_mdps(max_states=5, min_actions=2, max_actions=4), st.integers(0, 2**32 - 1))
def test_permuting_actions_permutes_the_solution(mdp, seed):
    perm = np.random.default_rng(seed).permutation(mdp.A)
    permuted = TabularMDP(mdp.P[:, perm, :], mdp.r[:, perm], mdp.gamma, mdp.rho)
    a, b = policy_iteration(mdp), policy_iteration(permuted)
    assert_close(b.V, a.V, rtol=1e-9, atol=1e-12)
    assert_close(b.Q, a.Q[:, perm], rtol=1e-9, atol=1e-12)
    v = value_iteration(permuted, tol=TOL)
    assert_close(v.Q, value_iteration(mdp, tol=TOL).Q[:, perm], rtol=0, atol=3 * TOL)


@given(tabular_mdps(min_states=2, max_states=6, min_actions=2, max_actions=4, gammas=(0.5, 0.9, 0.99)))
def test_policy_iteration_improves_monotonically(mdp):
    # start from the worst myopic policy to get several improvement steps
    sol = policy_iteration(mdp, pi0=np.argmin(mdp.r, axis=1))
    trace = sol.certificate["objective_trace"]
    assert all(b >= a - 1e-10 * abs(a) - 1e-12 for a, b in zip(trace, trace[1:]))
    if sol.certificate["min_improvement"] is not None:
        assert sol.certificate["min_improvement"] >= -1e-10 / (1 - mdp.gamma)


def test_value_iteration_warns_at_cap():
    mdp = garnet(30, 3, 4, 0.99, seed=0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        sol = value_iteration(mdp, tol=1e-12, max_iter=3)
    assert not sol.converged and sol.iterations == 3
    assert sol.certificate["value_error_bound"] > 1e-12
    with pytest.warns(ConvergenceWarning):
        assert not modified_policy_iteration(mdp, m=1, tol=1e-12, max_iter=2).converged
    with pytest.warns(ConvergenceWarning):
        assert not soft_value_iteration(mdp, 0.1, tol=1e-12, max_iter=2).converged
    with pytest.warns(ConvergenceWarning):
        assert not policy_iteration(mdp, pi0=np.argmin(mdp.r, axis=1), max_iter=1).converged


def test_value_error_bound_is_valid_and_reasonably_tight():
    mdp = garnet(60, 4, 3, 0.95, seed=3)
    vstar = policy_iteration(mdp).V
    for tol in (1e-2, 1e-4, 1e-8):
        sol = value_iteration(mdp, tol=tol)
        err = np.max(np.abs(sol.V - vstar))
        assert err <= sol.certificate["value_error_bound"] <= tol


def test_gamma_zero_is_one_sweep_and_myopic():
    mdp = garnet(10, 3, 2, 0.0, seed=1)
    sol = value_iteration(mdp, tol=1e-12)
    assert sol.converged and sol.iterations == 1
    assert_close(sol.V, mdp.r.max(axis=1))


@pytest.mark.parametrize("gamma", [0.9, 0.99])
def test_sparse_and_dense_agree(gamma):
    dense = garnet(80, 5, 4, gamma, seed=2, sparse=False)
    sparse = _sparse(dense)
    for f in (policy_iteration, lambda m: value_iteration(m, tol=1e-10), lambda m: modified_policy_iteration(m, tol=1e-10),
              lp_primal, lp_dual):
        a, b = f(dense), f(sparse)
        assert_close(b.V, a.V, rtol=0, atol=1e-9 / (1 - gamma))
    a = policy_iteration(sparse, eval_method="iterative")
    assert_close(a.V, policy_iteration(dense).V, rtol=1e-10, atol=0)


def test_iterative_evaluation_on_a_large_sparse_garnet():
    mdp = garnet(30_000, 2, 3, 0.95, seed=0)
    it = policy_iteration(mdp, eval_method="iterative")
    assert it.converged and it.certificate["evaluation_residual"] <= 1e-10 * (1 - mdp.gamma)
    assert it.residual <= 1e-10
    vi = value_iteration(mdp, tol=1e-8)
    assert np.max(np.abs(vi.V - it.V)) <= 1e-8 + 1e-10


def test_lp_occupancy_is_that_of_the_optimal_policy():
    mdp = garnet(25, 3, 4, 0.9, seed=5)
    for lp in (lp_dual, lp_primal):
        sol = lp(mdp)
        assert_close(sol.occupancy, state_action_occupancy(mdp, sol.policy), rtol=0, atol=1e-8)
        assert sol.certificate["occupancy_flow_residual"] <= 1e-8
        assert_close(sol.certificate["dual_objective"], (1 - mdp.gamma) * mdp.rho @ sol.V, rtol=1e-7)


def test_lp_cvxpy_agrees_with_highs():
    mdp = garnet(12, 3, 3, 0.9, seed=7)
    for lp in (lp_primal, lp_dual):
        a, b = lp(mdp, solver="highs"), lp(mdp, solver="cvxpy")
        assert_close(b.V, a.V, rtol=0, atol=1e-6)
        assert_close(b.occupancy, a.occupancy, rtol=0, atol=1e-5)
        assert b.certificate["duality_gap"] <= 1e-5


def test_lp_with_rho_zero_weights():
    mdp = garnet(15, 3, 2, 0.9, seed=8)
    rho = np.zeros(15)
    rho[0] = 1.0
    sol = lp_dual(mdp, weights=rho)
    assert_close(sol.occupancy.sum(axis=1), __import__("pgtheory").mdp.state_occupancy(mdp, sol.policy, rho),
                 rtol=0, atol=1e-8)
    assert_close(sol.certificate["dual_objective"], (1 - 0.9) * policy_iteration(mdp).V[0], rtol=1e-7)


# ---------------------------------------------------------------- soft (entropy-regularised)
@pytest.mark.parametrize("tau", [0.05, 1.0])
def test_soft_vi_on_a_bandit_matches_closed_form(tau):
    r = np.array([[1.0, 0.9, 0.1]])
    mdp = TabularMDP(np.ones((1, 3, 1)), r, 0.0)
    sol = soft_value_iteration(mdp, tau, tol=1e-12)
    z = np.exp(r[0] / tau)
    assert_close(sol.policy[0], z / z.sum())
    assert_close(sol.V[0], tau * np.log(z.sum()))


@given(tabular_mdps(max_states=5, max_actions=4), st.sampled_from([0.01, 0.3, 2.0]))
def test_soft_vi_fixed_point_and_sandwich(mdp, tau):
    sol = soft_value_iteration(mdp, tau, tol=1e-10)
    scale = 1 / (1 - mdp.gamma)
    ev = soft_policy_evaluation(mdp, sol.policy, tau)
    assert_close(ev.V, sol.V, rtol=0, atol=1e-9 * scale)  # V*_tau = V_tau^{pi*_tau}
    # soft-optimality: better than the uniform policy in regularised value
    uni = np.full((mdp.S, mdp.A), 1 / mdp.A)
    assert np.all(soft_policy_evaluation(mdp, uni, tau).V <= sol.V + 1e-9 * scale)
    # Cen et al. (12): V^{pi*_tau} <= V* <= V^{pi*_tau} + tau log A / (1-gamma)
    vstar = policy_iteration(mdp).V
    v_unreg = policy_evaluation(mdp, sol.policy).V
    assert np.all(v_unreg <= vstar + 1e-9 * scale)
    assert np.all(vstar <= v_unreg + tau * np.log(mdp.A) * scale + 1e-9 * scale)


def test_soft_policy_evaluation_matches_monte_carlo_free_identity():
    mdp = garnet(6, 3, 3, 0.8, seed=4)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=6)
    ev = soft_policy_evaluation(mdp, pi, 0.5)
    # V = sum_a pi (Q - tau log pi)
    assert_close(ev.V, np.sum(pi * (ev.Q - 0.5 * np.log(pi)), axis=1))


# ---------------------------------------------------------------- helpers and bad input
def test_helpers():
    Q = np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]])
    assert_close(greedy_policy(Q), np.array([[1.0, 0, 0], [0, 1.0, 0]]))
    mdp = garnet(10, 2, 3, 0.9, seed=0)
    sol = policy_iteration(mdp)
    assert bellman_residual(mdp, sol.V) <= 1e-12 * 10
    assert bellman_residual(mdp, sol.V + 1.0) == pytest.approx(0.1, rel=1e-9)


@pytest.mark.parametrize("kwargs, err", [
    ({"tol": 0.0}, ValidationError), ({"tol": -1e-3}, ValidationError), ({"tol": float("nan")}, ValidationError),
    ({"max_iter": 0}, ValidationError), ({"max_iter": 2.5}, ValidationError), ({"V0": np.zeros(3)}, ShapeError),
])
def test_value_iteration_bad_input(kwargs, err):
    with pytest.raises(err):
        value_iteration(garnet(5, 2, 2, 0.9, seed=0), **kwargs)


@pytest.mark.parametrize("m", [-1, 2.5, True, "3"])
def test_mpi_bad_m(m):
    with pytest.raises(ValidationError, match="m must"):
        modified_policy_iteration(garnet(5, 2, 2, 0.9, seed=0), m=m)


def test_other_bad_input():
    mdp = garnet(5, 2, 2, 0.9, seed=0)
    with pytest.raises(ValidationError, match="eval_method"):
        policy_iteration(mdp, eval_method="magic")
    with pytest.raises(ValidationError, match="sparse"):
        policy_iteration(mdp, eval_method="iterative")
    with pytest.raises(ValidationError, match="actions outside"):
        policy_iteration(mdp, pi0=np.array([0, 1, 2, 0, 0]))
    with pytest.raises(ShapeError):
        policy_iteration(mdp, pi0=np.zeros(4, dtype=int))
    with pytest.raises(ValidationError, match="solver"):
        lp_primal(mdp, solver="gurobi")
    with pytest.raises(ValidationError, match="tau"):
        soft_value_iteration(mdp, tau=0.0)
    with pytest.raises(ValidationError, match="TabularMDP"):
        value_iteration("not an mdp")
    with pytest.raises(ValidationError):
        lp_dual(mdp, weights=np.ones(5))


def test_policy_iteration_accepts_stochastic_and_one_hot_starts():
    mdp = garnet(8, 3, 3, 0.9, seed=1)
    ref = policy_iteration(mdp).V
    uni = np.full((8, 3), 1 / 3)
    assert_close(policy_iteration(mdp, pi0=uni).V, ref)
    assert_close(policy_iteration(mdp, pi0=np.eye(3)[np.zeros(8, dtype=int)]).V, ref)


def test_no_warning_when_converged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value_iteration(garnet(20, 3, 3, 0.99, seed=0), tol=1e-8)


def test_iterative_policy_evaluation_matches_direct_solve():
    from pgtheory.mdp import iterative_policy_evaluation

    mdp = garnet(800, 4, 3, 0.99, seed=9, sparse=True)
    pi = np.random.default_rng(0).dirichlet(np.ones(4), size=800)
    it = iterative_policy_evaluation(mdp, pi)
    assert it.message == "GMRES"
    ref = policy_evaluation(mdp, pi)
    assert np.max(np.abs(it.V - ref.V)) <= it.certificate["value_error_bound"] + 1e-12
    assert it.certificate["value_error_bound"] <= 1e-10
    assert_close(iterative_policy_evaluation(mdp, pi, method="direct").V, ref.V)
    with pytest.raises(ValidationError, match="sparse"):
        iterative_policy_evaluation(garnet(5, 2, 2, seed=0), np.full((5, 2), 0.5), method="iterative")


@pytest.mark.parametrize("sparse", [False, True])
def test_numba_and_numpy_sweeps_agree(sparse):
    mdp = garnet(400, 4, 5, 0.95, seed=11, sparse=sparse)
    for f in (value_iteration, modified_policy_iteration):
        a, b = f(mdp, tol=1e-10, backend="numpy"), f(mdp, tol=1e-10, backend="numba")
        assert a.iterations == b.iterations
        assert_close(b.V, a.V, rtol=0, atol=1e-12)
        assert_close(b.policy, a.policy)
    with pytest.raises(ValidationError, match="backend"):
        value_iteration(mdp, backend="cuda")


def test_dense_mostly_zero_P_is_swept_as_csr():
    from pgtheory.mdp._solvers import _sparsify

    mdp = garnet(400, 8, 4, 0.9, seed=12, sparse=False)  # 1.28e6 entries, 1% nonzero
    csr = _sparsify(mdp)
    assert csr is not None
    assert_close(csr.toarray(), mdp.P.reshape(400 * 8, 400), rtol=0, atol=0)
    dense = TabularMDP(np.full((200, 26, 200), 1 / 200), np.zeros((200, 26)), 0.9)
    assert _sparsify(dense) is None
    assert_close(modified_policy_iteration(mdp, tol=1e-10).V, policy_iteration(_sparse(mdp)).V, rtol=0, atol=1e-9)
