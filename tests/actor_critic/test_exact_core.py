"""The exact core used by HAC / HNPG: stacked policy systems (hac_exact_grid) and the closed-form
compatible regression (hnpg_population), each against an independent computation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms import hnpg as M
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import PolicySystem, instances, policy_evaluation, state_occupancy
from pgtheory.testing.strategies import tabular_mdps


@settings(deadline=None, max_examples=20)
@given(tabular_mdps(min_states=1, max_states=6, min_actions=1, max_actions=4, gammas=(0.0, 0.5, 0.9, 0.99)),
       st.integers(0, 2**31 - 1), st.integers(1, 4))
def test_stacked_policy_system_equals_single_systems(mdp, seed, n):
    rng = np.random.default_rng(seed)
    pis = rng.dirichlet(np.ones(mdp.A), size=(n, mdp.S))
    sys_ = PolicySystem.stack(mdp, pis)
    V = sys_.solve(np.einsum("nsa,sa->ns", pis, mdp.r))
    d = sys_.solve((1 - mdp.gamma) * np.broadcast_to(mdp.rho, (n, mdp.S)), transpose=True)
    B = sys_.solve(np.broadcast_to(np.eye(mdp.S), (n, mdp.S, mdp.S)))  # the inverses, (n, S, k) right-hand sides
    for i in range(n):
        sol = policy_evaluation(mdp, pis[i])
        # one LU of an (S, S) system with condition <= (1 + gamma)/(1 - gamma): error <= S cond eps |V|
        tol = 50 * mdp.S * (1 + mdp.gamma) / (1 - mdp.gamma) * np.finfo(float).eps * max(1.0, np.abs(sol.V).max())
        np.testing.assert_allclose(V[i], sol.V, rtol=0, atol=tol)
        np.testing.assert_allclose(d[i], state_occupancy(mdp, pis[i]), rtol=0, atol=tol)
        Mi = np.eye(mdp.S) - mdp.gamma * mdp.P_pi(pis[i])
        np.testing.assert_allclose(Mi @ B[i], np.eye(mdp.S), rtol=0, atol=tol)


def test_stacked_policy_system_bad_input():
    mdp = instances.garnet(4, 2, 2, gamma=0.9, seed=0)
    pis = np.full((3, 4, 2), 0.5)
    with pytest.raises(ShapeError, match="pis must have shape"):
        PolicySystem.stack(mdp, pis[0])
    with pytest.raises(ShapeError, match="right-hand sides"):
        PolicySystem.stack(mdp, pis).solve(np.ones((2, 4)))
    with pytest.raises(ValidationError, match="unfactored"):
        PolicySystem(np.zeros((3, 4, 4)), 0.9, factor=True)


def test_hac_exact_grid_matches_an_independent_per_run_loop():
    """The grid run advances all runs through one stacked solve; an independent loop (one run per T, its own
    solve and softmax update written out here) must give the same final regret to rounding."""
    mdp = instances.garnet(6, 3, 2, gamma=0.9, seed=3)
    Ts = np.array([5, 17, 40])
    grid = M.hac_exact_grid(mdp, Ts).metric("regret")
    P2 = np.asarray(mdp.P).reshape(-1, mdp.S)
    from pgtheory.algorithms import optimal_reference

    optimal_value = optimal_reference(mdp, mdp.rho)["J_star"]
    out = []
    for T in Ts:
        eta = (1 - mdp.gamma) * np.sqrt(np.log(mdp.A) / T)
        logpi = np.full((mdp.S, mdp.A), -np.log(mdp.A))
        cum = 0.0
        for _ in range(T):
            pi = np.exp(logpi)
            Mi = np.eye(mdp.S) - mdp.gamma * np.einsum("nsa,sat->nst", pi[None], np.asarray(mdp.P))[0]
            V = np.linalg.solve(Mi[None], np.einsum("sa,sa->s", pi, mdp.r)[None, :, None])[0, :, 0]
            Q = mdp.r + mdp.gamma * (P2 @ V).reshape(mdp.S, mdp.A)
            cum += optimal_value - V @ mdp.rho
            z = logpi + eta * Q
            logpi = z - (np.log(np.sum(np.exp(z - z.max(axis=1, keepdims=True)), axis=1, keepdims=True))
                         + z.max(axis=1, keepdims=True))
        out.append(cum)
    # log_softmax in the package may round differently from the expression above: compare to rounding
    np.testing.assert_allclose(grid, out, rtol=1e-12, atol=0)


def _lstsq_compatible(pi, f, c):
    S, A = pi.shape
    Phi = np.zeros((S, A, S, A))
    for s in range(S):
        Phi[s, :, s, :] = np.eye(A) - pi[s][None, :]
    wts = np.sqrt(c.reshape(-1))
    X = Phi.reshape(S * A, S * A) * wts[:, None]
    return np.linalg.lstsq(X, f.reshape(-1) * wts, rcond=None)[0].reshape(S, A), X


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 5), st.integers(2, 5), st.integers(0, 2**31 - 1), st.booleans(), st.booleans())
def test_compatible_regression_is_the_minimum_norm_least_squares_solution(S, A, seed, centred, zeros_in_pi):
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(A), size=S)
    if zeros_in_pi:
        pi[rng.random((S, A)) < 0.3] = 0.0
        pi[pi.sum(axis=1) == 0] = 1.0
        pi /= pi.sum(axis=1, keepdims=True)
    f = rng.normal(size=(S, A))
    if centred:
        f -= (pi * f).sum(axis=1, keepdims=True)
    c = rng.random((S, A))
    c[rng.random((S, A)) < 0.4] = 0.0
    w = M.compatible_regression(pi, f, c)
    w_ref, X = _lstsq_compatible(pi, f, c)
    # lstsq (SVD, rcond = eps * max(m, n)) is backward stable: error <= cond(X) * eps * |f| up to a modest factor
    sv = np.linalg.svd(X, compute_uv=False)
    sv = sv[sv > sv[0] * np.finfo(float).eps * X.shape[0]]
    tol = 100 * (sv[0] / sv[-1] if sv.size else 1.0) * np.finfo(float).eps * max(1.0, np.abs(f).max())
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=tol)


def test_compatible_regression_gives_the_npg_direction_on_full_support():
    rng = np.random.default_rng(5)
    mdp = instances.garnet(5, 3, 2, gamma=0.8, seed=1)
    pi = rng.dirichlet(np.ones(3), size=5)
    sol = policy_evaluation(mdp, pi)
    adv = sol.Q - sol.V[:, None]
    w = M.compatible_regression(pi, adv, np.full((5, 3), 0.1))
    # w = A^pi up to a per-state constant: pi exp(eta w) is pi exp(eta A) after normalisation
    np.testing.assert_allclose(w - w.mean(axis=1, keepdims=True), adv - adv.mean(axis=1, keepdims=True), atol=1e-12)
    with pytest.raises(ValidationError, match="weights"):
        M.compatible_regression(pi, adv, -np.ones((5, 3)))
    with pytest.raises(ShapeError):
        M.compatible_regression(pi, adv[:, :2], np.ones((5, 3)))


def test_hpe_linear_realizer_must_equal_Q_pi_on_the_support_of_d_pi():
    mdp = instances.garnet(5, 2, 2, gamma=0.8, seed=0)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(2), size=5)
    nu = np.full((5, 2), 0.1)
    Phi = rng.normal(size=(5, 2, 1))
    Q = policy_evaluation(mdp, pi).Q
    bad = Q.copy()
    bad[0, 0] += 1.0  # every state is reachable in this Garnet: Assumption 1 fails
    with pytest.raises(ValidationError, match="realizer must equal Q\\^pi"):
        M.hpe_linear(mdp, pi, nu, 1.0, Phi, n_iter=3, K1=1, realizer=bad)
    with pytest.raises(ShapeError, match="realizer"):
        M.hpe_linear(mdp, pi, nu, 1.0, Phi, n_iter=3, K1=1, realizer=Q[:, :1])
    # the default realizer (Q^pi) and an explicit Q^pi give the same run
    a = M.hpe_linear(mdp, pi, nu, 1.0, Phi, n_iter=5, K1=2).final["f_bar"]
    b = M.hpe_linear(mdp, pi, nu, 1.0, Phi, n_iter=5, K1=2, realizer=Q).final["f_bar"]
    np.testing.assert_array_equal(a, b)
