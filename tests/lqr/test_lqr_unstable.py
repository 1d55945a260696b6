"""Issue 11 (no silent wrong results): a non-stabilizing gain has infinite cost, so every LQR
quantity defined by a divergent series raises UnstableGainError and the cost-type ones return inf.

Before the fix, value_matrix / state_covariance / gradient returned the (finite, indefinite)
solution of the Lyapunov equation, e.g. gradient([[0, -5]]) = [[-0.41, -0.05]] while C = inf.
"""

import numpy as np
import pytest

from pgtheory.lqr import UnstableGainError, make_lqr

K_BAD = np.array([[0.0, -5.0]])  # rho(sqrt(gamma)(A - BK)) = 5.19 for make_lqr()


@pytest.mark.parametrize("method", ["gradient", "cost_gradient", "value_matrix", "state_covariance"])
def test_series_quantities_raise_for_unstable_gain(method):
    L = make_lqr()
    assert L.spectral_radius(K_BAD) >= 1
    with pytest.raises(UnstableGainError, match=r"K is not stabilizing.*Fix:"):
        getattr(L, method)(K_BAD)
    # in a batch, the error names the offending entry
    with pytest.raises(UnstableGainError, match=r"K\[1\]"):
        getattr(L, method)(np.stack([np.zeros((1, 2)), K_BAD]))


def test_cost_type_quantities_are_inf_entrywise():
    L = make_lqr()
    Ks = np.stack([np.zeros((1, 2)), K_BAD, L.optimal_gain()])
    c = L.cost(Ks)
    assert np.isinf(c[1]) and np.all(np.isfinite(c[[0, 2]]))
    assert np.isinf(L.cost(K_BAD)) and L.objective(K_BAD) == -np.inf and np.isinf(L.suboptimality(K_BAD))
    assert c[2] == pytest.approx(L.optimal_cost)


def test_stable_gains_still_agree_with_the_series():
    """The value matrix of a stabilizing gain is the (PSD) truncated series' limit."""
    L = make_lqr()
    K = 0.5 * L.optimal_gain()
    AK = L.closed_loop(K)
    M = L.Q + K.T @ L.R @ K
    P, term = np.zeros((2, 2)), M.copy()
    for _ in range(2000):
        P += term
        term = L.gamma * AK.T @ term @ AK
    np.testing.assert_allclose(L.value_matrix(K), P, rtol=1e-12)
    assert np.linalg.eigvalsh(L.value_matrix(K))[0] > 0


def test_unstabilizable_system_has_a_typed_error_for_the_optimum():
    """(sqrt(gamma) A, sqrt(gamma) B) not stabilizable: scipy raised a bare LinAlgError."""
    from pgtheory.lqr import LQR

    L = LQR(A=np.diag([2.0, 0.5]), B=np.array([[0.0], [1.0]]), Q=np.eye(2), R=np.eye(1), W=0.01 * np.eye(2),
            Sigma0=np.eye(2), gamma=0.9, sigma=0.5)
    for method in ("optimal_gain", "optimal_value_matrix"):
        with pytest.raises(UnstableGainError, match=r"A, B: .*no stabilizing solution.*Fix: make"):
            getattr(L, method)()
    assert np.isinf(L.cost(np.array([[0.0, 0.3]])))  # the unactuated mode 2 * sqrt(0.9) > 1
