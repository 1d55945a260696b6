"""LQR with a Gaussian linear policy: exact cost, gradient and Riccati optimum against independent truth.

Ground truths: Monte-Carlo simulation of the dynamics (cost), central finite differences (gradients),
direct numerical minimisation of the exact cost with scipy.optimize (Riccati optimum), and the
truncated cost summed step by step (finite horizon).
"""

import numpy as np
import pytest

from pgtheory.errors import ShapeError, ValidationError, InvalidDiscountError
from pgtheory.lqr import LQR, UnstableGainError, make_lqr
from pgtheory.testing import assert_close


def _random_lqr(seed, n=3, m=2, gamma=0.9, sigma=0.3):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    A *= 0.9 / np.max(np.abs(np.linalg.eigvals(A)))
    B = rng.standard_normal((n, m))
    M = rng.standard_normal((n, n))
    return LQR(A=A, B=B, Q=M @ M.T + 0.1 * np.eye(n), R=np.eye(m) * 0.5, W=0.05 * np.eye(n),
               Sigma0=0.3 * np.eye(n), gamma=gamma, sigma=sigma)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cost_gradient_matches_finite_differences(seed):
    L = _random_lqr(seed)
    K = 0.1 * np.random.default_rng(seed + 10).standard_normal(L.param_shape)
    g = L.cost_gradient(K)
    h = 1e-6
    fd = np.zeros_like(K)
    for idx in np.ndindex(K.shape):
        E = np.zeros_like(K)
        E[idx] = h
        fd[idx] = (L.cost(K + E) - L.cost(K - E)) / (2 * h)
    assert_close(g, fd, rtol=1e-6, atol=1e-7)
    assert_close(L.gradient(K), -g)


def test_finite_horizon_gradient_matches_finite_differences():
    L = _random_lqr(3)
    K = 0.2 * np.ones(L.param_shape)
    H = 12
    g = L.finite_horizon_cost_gradient(K, H)
    h = 1e-6
    fd = np.zeros_like(K)
    for idx in np.ndindex(K.shape):
        E = np.zeros_like(K)
        E[idx] = h
        fd[idx] = (L.finite_horizon_cost(K + E, H) - L.finite_horizon_cost(K - E, H)) / (2 * h)
    assert_close(g, fd, rtol=1e-6, atol=1e-7)


def test_finite_horizon_cost_converges_to_infinite_horizon_cost():
    L = make_lqr()
    K = np.array([[0.1, 0.2]])
    assert_close(L.finite_horizon_cost(K, 400), float(L.cost(K)), rtol=1e-12)


def test_riccati_optimum_matches_direct_minimisation():
    from scipy.optimize import minimize

    L = _random_lqr(4, n=2, m=1)
    Ks = L.optimal_gain()

    def jac(k):
        # BFGS's line search may try a non-stabilizing gain: there C = inf (so the step is rejected
        # whatever the gradient) and cost_gradient raises UnstableGainError; give it a placeholder.
        K = k.reshape(L.param_shape)
        return L.cost_gradient(K).ravel() if L.spectral_radius(K) < 1 else np.zeros_like(k)

    res = minimize(lambda k: float(L.cost(k.reshape(L.param_shape))), np.zeros(L.m * L.n), method="BFGS",
                   jac=jac, options={"gtol": 1e-10})
    assert_close(res.x.reshape(L.param_shape), Ks, rtol=1e-5, atol=1e-6)
    assert_close(float(res.fun), L.optimal_cost, rtol=1e-10)
    assert_close(L.cost_gradient(Ks), np.zeros(L.param_shape), atol=1e-9)
    assert_close(L.value_matrix(Ks), L.optimal_value_matrix(), rtol=1e-9, atol=1e-10)


def test_cost_matches_simulation():
    """Exact C(K) vs the mean of 100k simulated discounted costs (length 150, truncation < 1e-12).

    Deterministic seed; tolerance 6 standard errors (two-sided false-alarm < 1e-8).
    """
    L = make_lqr()
    K = np.array([[0.1, 0.3]])
    rng = np.random.default_rng(123)
    N, H = 100_000, 150
    x = rng.standard_normal((N, 2)) * np.sqrt(0.5)
    tot = np.zeros(N)
    for t in range(H):
        u = -x @ K.T + L.sigma * rng.standard_normal((N, 1))
        tot += L.gamma**t * (np.sum(x * x, 1) + np.sum(u * u, 1))
        x = x @ L.A.T + u @ L.B.T + 0.1 * rng.standard_normal((N, 2))
    se = tot.std(ddof=1) / np.sqrt(N)
    assert abs(tot.mean() - float(L.cost(K))) < 6 * se


def test_batched_cost_and_unstable_gain_gives_inf():
    L = make_lqr()
    Ks = np.stack([np.zeros((1, 2)), L.optimal_gain(), np.array([[0.0, -5.0]])])
    c = L.cost(Ks)
    assert c.shape == (3,)
    assert np.isinf(c[2])
    assert_close(c[1], L.optimal_cost)


def test_bad_inputs_raise_named_errors():
    L = make_lqr()
    with pytest.raises(UnstableGainError, match="not stabilizing"):
        L.check_gain(np.array([[0.0, -5.0]]))
    with pytest.raises(ShapeError, match="K must have shape"):
        L.check_gain(np.zeros((2, 2)))
    with pytest.raises(InvalidDiscountError):
        LQR(A=L.A, B=L.B, Q=L.Q, R=L.R, W=L.W, Sigma0=L.Sigma0, gamma=1.0, sigma=0.5)
    with pytest.raises(ValidationError, match="sigma"):
        LQR(A=L.A, B=L.B, Q=L.Q, R=L.R, W=L.W, Sigma0=L.Sigma0, gamma=0.8, sigma=0.0)
    with pytest.raises(ValidationError, match="R must be positive definite"):
        LQR(A=L.A, B=L.B, Q=L.Q, R=np.zeros((1, 1)), W=L.W, Sigma0=L.Sigma0, gamma=0.8, sigma=0.5)
    with pytest.raises(ShapeError, match="B must have shape"):
        LQR(A=L.A, B=np.ones((3, 1)), Q=L.Q, R=L.R, W=L.W, Sigma0=L.Sigma0, gamma=0.8, sigma=0.5)


def test_gaussian_policy_score_and_hessian_match_finite_differences():
    L = make_lqr()
    pol = L.policy
    rng = np.random.default_rng(0)
    K = np.array([[0.3, -0.2]])
    x = rng.standard_normal((4, 2))
    u = pol.sample(K, x, rng)
    sc = pol.score(K, x, u)
    h = 1e-6
    for idx in np.ndindex(K.shape):
        E = np.zeros_like(K)
        E[idx] = h
        fd = (pol.log_prob(K + E, x, u) - pol.log_prob(K - E, x, u)) / (2 * h)
        assert_close(sc[(slice(None),) + idx], fd, rtol=1e-6, atol=1e-8)
    V = np.array([[1.0, 0.5]])
    hv = pol.hess_log_prob_vec(K, x, u, V)
    fdv = (pol.score(K + h * V, x, u) - pol.score(K - h * V, x, u)) / (2 * h)
    assert_close(hv, fdv, rtol=1e-6, atol=1e-8)
    full = pol.hess_log_prob(K, x, u)
    assert_close(np.einsum("bij,j->bi", full, V.ravel()).reshape(hv.shape), hv)
