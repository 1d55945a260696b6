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


# ---- issue 11: accepted rows are renormalised exactly (no silent wrong values near gamma = 1) ----

def _nearly_stochastic(sparse=False):
    """Rows summing to 1 + 0.99e-8: inside the acceptance tolerance 1e-8, far beyond rounding."""
    S, A = 3, 2
    P = np.zeros((S, A, S))
    P[:, :, 0] = 0.5
    P[:, :, 1] = 0.5 + 0.99e-8
    return sp.csr_matrix(P.reshape(S * A, S)) if sparse else P


@pytest.mark.parametrize("sparse", [False, True])
def test_near_one_gamma_with_accepted_rows_gives_closed_form_values(sparse):
    """Constant reward 1: V = 1 / (1 - gamma) exactly. Before: gamma * P expansive, V(0) = -1.1e8."""
    from pgtheory.errors import ModelWarning

    gamma = 1 - 1e-9
    P = _nearly_stochastic(sparse)
    P_before = P.copy()
    with pytest.warns(ModelWarning, match=r"P: 6 row\(s\).*renormalised.*9\.9e-09 is at P\[0, 0, :\].*Fix:"):
        mdp = TabularMDP(P, np.ones((3, 2)), gamma)
    rows = np.asarray(mdp.P_matrix().sum(axis=1)).ravel()
    # exactly stochastic up to the rounding of a 2-term sum (2 * nnz * eps, nnz = 2)
    assert np.all(np.abs(rows - 1) <= 4 * np.finfo(float).eps)
    V = policy_evaluation(mdp, np.full((3, 2), 0.5)).V
    assert np.all(V >= 0)
    # backward-stable solve: relative error <= S * eps * cond(I - gamma P_pi), cond <= 2 / (1 - gamma)
    rtol = 3 * np.finfo(float).eps * 2 / (1 - gamma)
    np.testing.assert_allclose(V, 1 / (1 - gamma), rtol=rtol)
    # the caller's matrix is untouched
    assert (abs(P - P_before)).max() == 0 if sparse else np.array_equal(P, P_before)


def test_rounding_level_rows_are_accepted_silently():
    import warnings

    P = np.random.default_rng(0).random((4, 3, 4))
    P /= P.sum(axis=-1, keepdims=True)  # sums are 1 up to rounding only
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TabularMDP(P, np.zeros((4, 3)), 0.9, rho=np.full(4, 0.25))
        FiniteHorizonMDP(P, np.zeros((4, 3)), 3)


def test_finite_horizon_rows_renormalised():
    """Reward 1 for H = 10 stages: V_0 = 10 up to rounding (before: 10 (1 + O(H * 1e-8)))."""
    from pgtheory.errors import ModelWarning
    from pgtheory.mdp import finite_horizon_evaluation

    with pytest.warns(ModelWarning, match="P: .*renormalised"):
        fh = FiniteHorizonMDP(_nearly_stochastic(), np.ones((3, 2)), 10)
    assert np.all(np.abs(fh.P.sum(axis=-1) - 1) <= 4 * np.finfo(float).eps)  # 2 * nnz * eps, nnz = 2
    V = finite_horizon_evaluation(fh, np.full((3, 2), 0.5)).V
    np.testing.assert_allclose(V[0], 10.0, rtol=10 * 4 * np.finfo(float).eps)


# ---- issue 11: the remaining silent cases for gamma and rewards ----

@pytest.mark.parametrize("kwargs, err, match", [
    (dict(gamma=False), InvalidDiscountError, r"gamma .*bool False.*Fix"),        # was accepted as 0.0
    (dict(gamma="0.9"), InvalidDiscountError, r"gamma .*str.*Fix"),
    (dict(r=np.ones((3, 2)) + 1j), ValidationError, r"r is complex.*Fix"),       # was: imag dropped
    (dict(P=np.full((3, 2, 3), 1 / 3) + 1e-3j), ValidationError, r"P is complex.*Fix"),
    (dict(r=np.full((3, 2), 1e308)), ValidationError, r"r: values can reach .*overflow.*Fix: rescale r"),
])
def test_remaining_bad_scalars_and_rewards_raise(kwargs, err, match):
    args = dict(P=np.full((3, 2, 3), 1 / 3), r=np.ones((3, 2)), gamma=0.9)
    args.update(kwargs)
    with pytest.raises(err, match=match):
        TabularMDP(args["P"], args["r"], args["gamma"])


def test_harmless_variants_are_accepted():
    P, r = good()
    assert TabularMDP(P, r, np.array(0.9)).gamma == 0.9  # 0-d array
    assert TabularMDP(P, r + 0j, 0.9).r.dtype == np.float64  # complex with zero imaginary part
    with pytest.raises(ValidationError, match="r: values can reach"):
        FiniteHorizonMDP(P, np.full((3, 2), 1e308), 3)
