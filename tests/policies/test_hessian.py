"""Exact Hessian and Hessian-vector products of J(theta).

Ground truth: central finite differences of the exact gradient (itself checked against finite
differences of the lead's policy evaluation), second differences of J, symmetry, and the
published smoothness constants (Mei et al. 2020 Lemma 7; Agarwal et al. 2021 Lemma D.3).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import TabularMDP
from pgtheory.policies import (
    DirectPolicy,
    LogLinearPolicy,
    SoftmaxPolicy,
    hessian,
    hessian_vector_product,
    policy_gradient,
)
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import logits, policies_for, tabular_mdps

from ._helpers import J_of_pi, random_mdp


def _fd_jacobian_of_gradient(grad, theta, h=1e-6):
    n = theta.size
    out = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        e = e.reshape(theta.shape)
        out[:, i] = ((grad(theta + e) - grad(theta - e)) / (2 * h)).ravel()
    return out


def _tol(mdp):
    c = 1.0 / (1.0 - mdp.gamma)
    return dict(rtol=1e-5, atol=1e-7 * c**4)


@st.composite
def mdp_and_logits(draw, max_states=4, max_actions=3):
    mdp = draw(tabular_mdps(max_states=max_states, max_actions=max_actions))
    scale = draw(st.sampled_from([0.5, 3.0, 50.0]))
    return mdp, draw(logits((mdp.S, mdp.A), scale=scale))


@given(mdp_and_logits())
@settings(deadline=None)
def test_softmax_hessian_matches_fd_of_gradient_and_is_symmetric(case):
    mdp, theta = case
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    H = hessian(mdp, pol, theta)
    assert np.all(np.isfinite(H))
    assert_close(H, H.T, rtol=0.0, atol=0.0)
    fd = _fd_jacobian_of_gradient(lambda t: policy_gradient(mdp, pol, t), theta)
    assert_close(H, fd, **_tol(mdp))


def test_softmax_hessian_matches_second_differences_of_J():
    """Independent of the gradient code: second differences of J from the lead's policy evaluation."""
    mdp = random_mdp(3, 2, 0.8, 41)
    pol = SoftmaxPolicy(3, 2)
    theta = np.random.default_rng(42).normal(size=(3, 2))
    f = lambda t: J_of_pi(mdp, pol.probs(t))  # noqa: E731
    n, h = theta.size, 1e-4
    E = np.eye(n).reshape((n,) + theta.shape) * h
    fd = np.array([[(f(theta + E[i] + E[j]) - f(theta + E[i] - E[j]) - f(theta - E[i] + E[j])
                     + f(theta - E[i] - E[j])) / (4 * h * h) for j in range(n)] for i in range(n)])
    assert_close(hessian(mdp, pol, theta), fd, rtol=1e-5, atol=1e-6)


@given(tabular_mdps(max_states=4, max_actions=3), st.integers(1, 4), st.integers(0, 2**31))
@settings(deadline=None)
def test_loglinear_hessian_matches_fd(mdp, dim, seed):
    rng = np.random.default_rng(seed)
    pol = LogLinearPolicy(rng.normal(size=(mdp.S, mdp.A, dim)))
    theta = rng.normal(scale=2.0, size=dim)
    H = hessian(mdp, pol, theta)
    assert_close(H, H.T, rtol=0.0, atol=0.0)
    assert_close(H, _fd_jacobian_of_gradient(lambda t: policy_gradient(mdp, pol, t), theta), **_tol(mdp))


def test_loglinear_tabular_hessian_equals_softmax():
    mdp = random_mdp(4, 3, 0.9, 43)
    theta = np.random.default_rng(44).normal(size=(4, 3))
    assert_close(hessian(mdp, LogLinearPolicy.tabular(4, 3), theta.ravel()),
                 hessian(mdp, SoftmaxPolicy(4, 3), theta), rtol=1e-10, atol=1e-12)


@given(tabular_mdps(max_states=4, max_actions=3), st.data())
@settings(deadline=None)
def test_direct_hessian_matches_fd_in_ambient_space(mdp, data):
    pi = data.draw(policies_for(mdp.S, mdp.A, min_mass=0.05))
    H = hessian(mdp, DirectPolicy(mdp.S, mdp.A), pi)

    def grad_amb(p):  # d(s) Q(s,a) / (1-gamma) for any nonnegative p near the simplex
        M = np.eye(mdp.S) - mdp.gamma * np.einsum("sa,sat->st", p, mdp.P)
        V = np.linalg.solve(M, np.einsum("sa,sa->s", p, mdp.r))
        d = (1 - mdp.gamma) * np.linalg.solve(M.T, mdp.rho)
        Q = mdp.r + mdp.gamma * mdp.P @ V
        return d[:, None] * Q / (1 - mdp.gamma)

    assert_close(H, _fd_jacobian_of_gradient(grad_amb, pi), **_tol(mdp))


@given(mdp_and_logits(), st.integers(0, 2**31))
@settings(deadline=None)
def test_hvp_equals_hessian_times_vector(case, seed):
    mdp, theta = case
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    v = np.random.default_rng(seed).normal(size=theta.shape)
    c = 1.0 / (1 - mdp.gamma)
    assert_close(hessian_vector_product(mdp, pol, theta, v), (hessian(mdp, pol, theta) @ v.ravel()).reshape(v.shape),
                 rtol=1e-8, atol=1e-12 * c**3)


@pytest.mark.parametrize("kind", ["loglinear", "direct"])
def test_hvp_other_parameterisations(kind):
    rng = np.random.default_rng(45)
    mdp = random_mdp(5, 3, 0.95, 46)
    if kind == "loglinear":
        pol, theta = LogLinearPolicy(rng.normal(size=(5, 3, 4))), rng.normal(size=4)
    else:
        pol, theta = DirectPolicy(5, 3), rng.dirichlet(np.ones(3), size=5)
    v = rng.normal(size=theta.shape)
    assert_close(hessian_vector_product(mdp, pol, theta, v), (hessian(mdp, pol, theta) @ v.ravel()).reshape(v.shape),
                 rtol=1e-9, atol=1e-10)


@given(tabular_mdps(max_states=5, max_actions=4), st.data())
@settings(deadline=None)
def test_softmax_smoothness_bound(mdp, data):
    """||Hess J||_2 <= 8/(1-gamma)^3 for rewards in [0,1] (Mei et al. 2020, arXiv:2005.06392, Lemma 7)."""
    theta = data.draw(logits((mdp.S, mdp.A), scale=data.draw(st.sampled_from([0.1, 1.0, 5.0]))))
    H = hessian(mdp, SoftmaxPolicy(mdp.S, mdp.A), theta)
    assert np.abs(np.linalg.eigvalsh(H)).max() <= 8.0 / (1 - mdp.gamma) ** 3


@given(tabular_mdps(max_states=5, max_actions=4), st.data())
@settings(deadline=None)
def test_direct_smoothness_bound(mdp, data):
    """Along simplex directions, |u^T H u| <= 2 gamma |A| / (1-gamma)^3 ||u||^2 (Agarwal et al. 2021, Lemma D.3)."""
    pi = data.draw(policies_for(mdp.S, mdp.A))
    H = hessian(mdp, DirectPolicy(mdp.S, mdp.A), pi)
    # restrict to the tangent space of the product of simplices (rows summing to zero)
    Pm = np.kron(np.eye(mdp.S), np.eye(mdp.A) - np.ones((mdp.A, mdp.A)) / mdp.A)
    lam = np.abs(np.linalg.eigvalsh(Pm @ H @ Pm)).max()
    assert lam <= 2 * mdp.gamma * mdp.A / (1 - mdp.gamma) ** 3 + 1e-9


def test_sparse_mdp_hessian_matches_dense():
    mdp = random_mdp(6, 3, 0.9, 47)
    smdp = TabularMDP.from_sparse(mdp.P.reshape(18, 6), mdp.r, mdp.gamma, mdp.rho)
    rng = np.random.default_rng(48)
    theta, v = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    pol = SoftmaxPolicy(6, 3)
    assert_close(hessian(smdp, pol, theta), hessian(mdp, pol, theta), rtol=1e-9, atol=1e-12)
    assert_close(hessian_vector_product(smdp, pol, theta, v), hessian_vector_product(mdp, pol, theta, v),
                 rtol=1e-9, atol=1e-12)


def test_hessian_bad_input():
    mdp = random_mdp(3, 2, 0.9, 49)
    pol = SoftmaxPolicy(3, 2)
    with pytest.raises(ShapeError, match="v"):
        hessian_vector_product(mdp, pol, np.zeros((3, 2)), np.zeros(6))
    with pytest.raises(ValidationError, match="v"):
        hessian_vector_product(mdp, pol, np.zeros((3, 2)), np.full((3, 2), np.nan))
    with pytest.raises(ShapeError, match="theta"):
        hessian(mdp, pol, np.zeros(6))
    with pytest.raises(ShapeError, match="policy"):
        hessian(mdp, SoftmaxPolicy(2, 2), np.zeros((2, 2)))

    class Other:
        S, A = 3, 2

        def probs(self, theta):
            return np.full((3, 2), 0.5)

        def jacobian(self, theta):
            return np.zeros((3, 2, 1))

    with pytest.raises(ValidationError, match="second derivatives"):
        hessian(mdp, Other(), np.zeros(1))
