"""Bad input to the MDP models raises a pgtheory error naming the argument (one test per case)."""

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory.errors import InvalidDiscountError, InvalidProbabilityError, InvalidTransitionError, ShapeError, ValidationError
from pgtheory.mdp import FiniteHorizonMDP, TabularMDP, policy_evaluation


def good():
    P = np.full((3, 2, 3), 1 / 3)
    r = np.arange(6.0).reshape(3, 2)
    return P, r


def test_rows_not_summing_to_one():
    P, r = good()
    P[1, 0, 0] += 0.1
    with pytest.raises(InvalidTransitionError, match=r"P.*sum to 1.*s=1, a=0|P.*sum to 1"):
        TabularMDP(P, r, 0.9)


def test_negative_probability():
    P, r = good()
    P[0, 1] = [1.2, -0.2, 0.0]
    with pytest.raises(InvalidTransitionError, match="negative"):
        TabularMDP(P, r, 0.9)


def test_nan_probability():
    P, r = good()
    P[0, 0, 0] = np.nan
    with pytest.raises(ValidationError, match="P contains NaN"):
        TabularMDP(P, r, 0.9)


def test_nan_reward():
    P, r = good()
    r[0, 0] = np.nan
    with pytest.raises(ValidationError, match="r contains NaN"):
        TabularMDP(P, r, 0.9)


@pytest.mark.parametrize("gamma", [1.0, -0.1, 1.5, float("nan")])
def test_gamma_outside_unit_interval(gamma):
    P, r = good()
    with pytest.raises(InvalidDiscountError, match="gamma"):
        TabularMDP(P, r, gamma)


def test_shape_mismatch():
    P, r = good()
    with pytest.raises(ShapeError, match="P must have shape"):
        TabularMDP(P[:, :1], r, 0.9)


def test_rho_not_distribution():
    P, r = good()
    with pytest.raises(InvalidProbabilityError, match="rho"):
        TabularMDP(P, r, 0.9, rho=[0.5, 0.5, 0.5])


def test_zero_actions():
    with pytest.raises(ShapeError, match="at least one"):
        TabularMDP(np.zeros((3, 0, 3)), np.zeros((3, 0)), 0.9)


def test_sparse_rows_checked():
    P, r = good()
    M = sp.csr_matrix(P.reshape(6, 3))
    M[2, 0] = 0.0
    with pytest.raises(InvalidTransitionError, match="s=1, a=0"):
        TabularMDP.from_sparse(M, r, 0.9)


def test_policy_shape_checked():
    P, r = good()
    with pytest.raises(ShapeError, match="pi must have shape"):
        policy_evaluation(TabularMDP(P, r, 0.9), np.full((3, 3), 1 / 3))


def test_finite_horizon_stage_mismatch():
    P, r = good()
    with pytest.raises(ShapeError, match="stages"):
        FiniteHorizonMDP(P, np.stack([r, r]), H=3)


def test_evaluation_closed_form_two_state():
    # Two absorbing states with rewards 0 and 1: V = r / (1 - gamma).
    P = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    mdp = TabularMDP(P, np.array([[0.0], [1.0]]), 0.9)
    sol = policy_evaluation(mdp, np.ones((2, 1)))
    np.testing.assert_allclose(sol.V, [0.0, 10.0], rtol=1e-13)
    assert sol.residual < 1e-12
