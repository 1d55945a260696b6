"""Finite-horizon solvers (vs brute force) and distribution-shift measures (vs direct formulas)."""

import itertools

import numpy as np
import pytest

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import (
    FiniteHorizonMDP,
    TabularMDP,
    action_gap,
    backward_induction,
    concentrability_coefficient,
    distribution_mismatch,
    finite_horizon_evaluation,
    finite_horizon_occupancy,
    optimal_advantage,
    policy_evaluation,
    policy_iteration,
    state_occupancy,
)
from pgtheory.mdp.instances import garnet
from pgtheory.testing import assert_close


def _random_fh(seed, S=2, A=2, H=3, stationary=False):
    rng = np.random.default_rng(seed)
    shape = (S, A) if stationary else (H, S, A)
    P = rng.dirichlet(np.ones(S), size=shape)
    r = rng.normal(size=shape)
    return FiniteHorizonMDP(P, r, H, rng.dirichlet(np.ones(S)))


@pytest.mark.parametrize("seed", range(6))
def test_backward_induction_matches_brute_force(seed):
    fh = _random_fh(seed, S=2, A=2, H=3, stationary=seed % 2 == 0)
    best = -np.inf
    det = list(itertools.product(range(fh.A), repeat=fh.S))
    for combo in itertools.product(det, repeat=fh.H):  # (A^S)^H deterministic Markov policies
        pi = np.stack([np.eye(fh.A)[list(acts)] for acts in combo])
        best = max(best, finite_horizon_evaluation(fh, pi).certificate["objective"])
    sol = backward_induction(fh)
    assert_close(sol.certificate["objective"], best)
    assert sol.V.shape == (fh.H + 1, fh.S) and sol.policy.shape == (fh.H, fh.S, fh.A)
    assert_close(finite_horizon_evaluation(fh, sol.policy).V, sol.V)
    assert sol.residual <= 1e-14


def test_finite_horizon_evaluation_matches_a_long_discounted_chain():
    """With gamma = 0 the finite horizon H = 1 equals the myopic value; H large with an absorbing
    zero state equals the discounted value when rewards vanish after the first step."""
    mdp = garnet(4, 3, 2, 0.0, seed=2)
    fh = FiniteHorizonMDP(mdp.P, mdp.r, 1, mdp.rho)
    pi = np.full((4, 3), 1 / 3)
    assert_close(finite_horizon_evaluation(fh, pi).V[0], policy_evaluation(mdp, pi).V)


def test_finite_horizon_occupancy_identity():
    fh = _random_fh(3, S=3, A=2, H=5)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(2), size=(5, 3))
    d = finite_horizon_occupancy(fh, pi)
    assert_close(d.sum(axis=1), np.ones(5))
    dsa = finite_horizon_occupancy(fh, pi, state_action=True)
    assert_close(np.sum(dsa * fh.r), fh.rho @ finite_horizon_evaluation(fh, pi).V[0])


def test_finite_horizon_bad_input():
    fh = _random_fh(0)
    with pytest.raises(ShapeError):
        finite_horizon_evaluation(fh, np.full((2, 2, 2, 2), 0.5))
    with pytest.raises(ShapeError):
        finite_horizon_evaluation(fh, np.full((4, 2, 2), 0.5))
    with pytest.raises(ValidationError, match="FiniteHorizonMDP"):
        backward_induction(garnet(3, 2, 2, seed=0))


def test_distribution_mismatch_direct_formula():
    mdp = garnet(12, 3, 3, 0.9, seed=1)
    sol = policy_iteration(mdp)
    d = state_occupancy(mdp, sol.policy)
    mu = np.random.default_rng(0).dirichlet(np.ones(12))
    assert_close(distribution_mismatch(mdp, mu), np.max(d / mu))
    assert_close(distribution_mismatch(mdp, d, pi_star=sol.policy), 1.0)
    mu0 = mu.copy()
    mu0[np.argmax(d)] = 0.0
    assert distribution_mismatch(mdp, mu0 / mu0.sum()) == np.inf


def test_concentrability_dominates_mismatch_and_matches_enumeration():
    mdp = garnet(4, 2, 2, 0.8, seed=4)
    mu = np.full(4, 0.25)
    C = concentrability_coefficient(mdp, mu)
    assert C >= distribution_mismatch(mdp, mu) - 1e-12
    best = 0.0
    for acts in itertools.product(range(2), repeat=4):  # deterministic stationary policies suffice
        best = max(best, np.max(state_occupancy(mdp, np.eye(2)[list(acts)]) / mu))
    assert_close(C, best, rtol=1e-9)
    single = TabularMDP(np.ones((1, 2, 1)), np.zeros((1, 2)), 0.5)
    assert_close(concentrability_coefficient(single, np.ones(1)), 1.0)


def test_action_gap_and_optimal_advantage():
    r = np.array([[1.0, 0.7, 0.2]])
    mdp = TabularMDP(np.ones((1, 3, 1)), r, 0.5)
    adv = optimal_advantage(mdp)
    assert_close(adv, np.array([[0.0, -0.3, -0.8]]), atol=1e-12)
    assert action_gap(mdp) == pytest.approx(0.3)
