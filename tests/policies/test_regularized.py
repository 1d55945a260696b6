"""Entropy-regularised objective, gradient and NPG (Cen et al. 2021, arXiv:2007.06558).

Ground truth: V_tau computed in the test by an independent linear solve of
(I - gamma P_pi) V = r_pi + tau H(pi), and by Monte-Carlo-free series summation; central finite
differences; soft value iteration written in the test for the soft-optimal policy.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ValidationError
from pgtheory.mdp import soft_policy_evaluation
from pgtheory.policies import (
    DirectPolicy,
    LogLinearPolicy,
    SoftmaxPolicy,
    regularized_gradient,
    regularized_hessian,
    regularized_hessian_vector_product,
    regularized_natural_gradient,
    regularized_npg_update,
    regularized_objective,
    regularized_value_and_gradient,
)
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import logits, policies_for, tabular_mdps

from ._helpers import central_fd, random_mdp


def Jtau_of_pi(mdp, pi, tau):
    """Independent: sum_t gamma^t rho^T P_pi^t (r_pi + tau * entropy) by a linear solve."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(pi > 0, pi * np.log(pi), 0.0), axis=1)
    Ppi = np.einsum("sa,sat->st", pi, mdp.P)
    V = np.linalg.solve(np.eye(mdp.S) - mdp.gamma * Ppi, np.sum(pi * mdp.r, axis=1) + tau * ent)
    return float(mdp.rho @ V)


def soft_value_iteration(mdp, tau, iters=3000):
    V = np.zeros(mdp.S)
    for _ in range(iters):
        Q = mdp.r + mdp.gamma * mdp.P @ V
        m = Q.max(axis=1)
        V = m + tau * np.log(np.sum(np.exp((Q - m[:, None]) / tau), axis=1))
    Q = mdp.r + mdp.gamma * mdp.P @ V
    pi = np.exp((Q - Q.max(axis=1, keepdims=True)) / tau)
    return pi / pi.sum(axis=1, keepdims=True), V


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.01, 0.1, 1.0]))
@settings(deadline=None)
def test_soft_evaluation_satisfies_its_definition(mdp, data, tau):
    pi = data.draw(policies_for(mdp.S, mdp.A))  # may contain zeros (0 log 0 = 0)
    sol = soft_policy_evaluation(mdp, pi, tau)
    assert_close(sol.certificate["objective"], Jtau_of_pi(mdp, pi, tau), rtol=1e-9, atol=1e-11)
    assert sol.residual <= 1e-10 / (1 - mdp.gamma)
    assert_close(sol.Q, mdp.r + mdp.gamma * mdp.P @ sol.V, rtol=1e-12, atol=1e-12)


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.01, 0.1, 1.0]))
@settings(deadline=None)
def test_softmax_regularized_gradient_matches_fd(mdp, data, tau):
    theta = data.draw(logits((mdp.S, mdp.A), scale=data.draw(st.sampled_from([0.5, 3.0, 50.0]))))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    J, g = regularized_value_and_gradient(mdp, pol, theta, tau)
    assert np.all(np.isfinite(g))
    assert_close(J, Jtau_of_pi(mdp, pol.probs(theta), tau), rtol=1e-9, atol=1e-11)
    assert_close(regularized_objective(mdp, pol, theta, tau), J)
    fd = central_fd(lambda t: Jtau_of_pi(mdp, pol.probs(t), tau), theta)
    c = 1 / (1 - mdp.gamma)
    assert_close(g, fd, rtol=1e-5, atol=1e-7 * c**3)
    assert_close(regularized_gradient(mdp, pol, theta, tau), g)


def test_loglinear_and_direct_regularized_gradients_match_fd():
    rng = np.random.default_rng(51)
    mdp = random_mdp(4, 3, 0.9, 52)
    pol = LogLinearPolicy(rng.normal(size=(4, 3, 3)))
    theta = rng.normal(size=3)
    assert_close(regularized_gradient(mdp, pol, theta, 0.3),
                 central_fd(lambda t: Jtau_of_pi(mdp, pol.probs(t), 0.3), theta), rtol=1e-6, atol=1e-7)
    pi = rng.dirichlet(np.ones(3), size=4)
    # ambient-space FD (J_tau extends to positive pi off the simplex by the same formula)
    assert_close(regularized_gradient(mdp, DirectPolicy(4, 3), pi, 0.3),
                 central_fd(lambda p: Jtau_of_pi(mdp, p, 0.3), pi, h=1e-6), rtol=1e-6, atol=1e-7)


def test_direct_regularized_gradient_at_zero_probability_raises():
    mdp = random_mdp(3, 2, 0.9, 53)
    pi = np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValidationError, match="infinite"):
        regularized_gradient(mdp, DirectPolicy(3, 2), pi, 0.1)


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.05, 0.5]),
       st.sampled_from([0.1, 0.5, 1.0]))
@settings(deadline=None)
def test_regularized_npg_is_cen_update_18(mdp, data, tau, frac):
    """theta + eta F^+ grad J_tau gives pi^{1 - eta tau/(1-gamma)} exp(eta Q_tau/(1-gamma)) (Cen et al. Eq. (18))."""
    theta = data.draw(logits((mdp.S, mdp.A), scale=1.0))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    eta = frac * (1 - mdp.gamma) / tau
    pi = pol.probs(theta)
    Qt = soft_policy_evaluation(mdp, pi, tau).Q
    target = pi ** (1 - eta * tau / (1 - mdp.gamma)) * np.exp(eta * Qt / (1 - mdp.gamma))
    target /= target.sum(axis=1, keepdims=True)
    assert_close(pol.probs(regularized_npg_update(mdp, pol, theta, eta, tau)), target, rtol=1e-9, atol=1e-12)
    # the same step via the generic least-squares natural gradient on the exact Fisher matrix
    w = regularized_natural_gradient(mdp, pol, theta, tau, method="lstsq")
    assert_close(pol.probs(theta + eta * w), target, rtol=1e-6, atol=1e-9)
    assert_close(regularized_natural_gradient(mdp, pol, theta, tau), w, atol=1e-6 / (1 - mdp.gamma))


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.05, 0.5]))
@settings(deadline=None)
def test_npg_with_eta_one_minus_gamma_over_tau_is_soft_policy_iteration(mdp, data, tau):
    theta = data.draw(logits((mdp.S, mdp.A), scale=1.0))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    Qt = soft_policy_evaluation(mdp, pol.probs(theta), tau).Q
    spi = np.exp((Qt - Qt.max(axis=1, keepdims=True)) / tau)
    spi /= spi.sum(axis=1, keepdims=True)
    step = regularized_npg_update(mdp, pol, theta, (1 - mdp.gamma) / tau, tau)
    assert_close(pol.probs(step), spi, rtol=1e-9, atol=1e-12)


def test_soft_policy_iteration_converges_to_soft_optimum():
    """Iterating the eta = (1-gamma)/tau step reaches the soft VI fixed point (rate gamma, Cen et al. Thm 1)."""
    mdp = random_mdp(5, 3, 0.9, 54)
    tau = 0.2
    pol = SoftmaxPolicy(5, 3)
    theta = pol.init()
    for _ in range(400):
        theta = regularized_npg_update(mdp, pol, theta, (1 - mdp.gamma) / tau, tau)
        theta -= theta.max(axis=1, keepdims=True)
    pi_star, V_star = soft_value_iteration(mdp, tau)
    assert_close(pol.probs(theta), pi_star, rtol=1e-9, atol=1e-11)
    assert_close(soft_policy_evaluation(mdp, pol.probs(theta), tau).V, V_star, rtol=1e-9, atol=1e-9)


def test_loglinear_tabular_regularized_npg_equals_softmax():
    mdp = random_mdp(4, 3, 0.9, 55)
    theta = np.random.default_rng(56).normal(size=(4, 3))
    soft = SoftmaxPolicy(4, 3)
    lin = LogLinearPolicy.tabular(4, 3)
    a = soft.probs(regularized_npg_update(mdp, soft, theta, 0.05, 0.5))
    b = lin.probs(regularized_npg_update(mdp, lin, theta.ravel(), 0.05, 0.5))
    assert_close(b, a, rtol=1e-8, atol=1e-12)


def test_regularized_bad_input():
    mdp = random_mdp(3, 2, 0.9, 57)
    pol = SoftmaxPolicy(3, 2)
    with pytest.raises(ValidationError, match="tau"):
        regularized_objective(mdp, pol, np.zeros((3, 2)), 0.0)
    with pytest.raises(ValidationError, match="tau"):
        soft_policy_evaluation(mdp, np.full((3, 2), 0.5), -1.0)
    with pytest.raises(ValidationError, match="eta"):
        regularized_npg_update(mdp, pol, np.zeros((3, 2)), 0.0, 0.1)
    with pytest.raises(ValidationError, match="DirectPolicy"):
        regularized_npg_update(mdp, DirectPolicy(3, 2), np.full((3, 2), 0.5), 0.1, 0.1)
    with pytest.raises(ValidationError, match="pi"):
        soft_policy_evaluation(mdp, np.full((3, 2), 0.7), 0.1)


def test_soft_evaluation_with_zero_probabilities_uses_0_log_0():
    mdp = random_mdp(3, 2, 0.9, 58)
    pi = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    sol = soft_policy_evaluation(mdp, pi, 0.3)
    assert np.all(np.isfinite(sol.V)) and np.all(np.isfinite(sol.Q))
    assert_close(sol.certificate["objective"], Jtau_of_pi(mdp, pi, 0.3), rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- regularised Hessian
def _fd_jac(grad, theta, h=1e-6):
    n = theta.size
    out = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        e = e.reshape(theta.shape)
        out[:, i] = ((grad(theta + e) - grad(theta - e)) / (2 * h)).ravel()
    return out


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.01, 0.1, 1.0]))
@settings(deadline=None)
def test_softmax_regularized_hessian_matches_fd_and_hvp(mdp, data, tau):
    theta = data.draw(logits((mdp.S, mdp.A), scale=data.draw(st.sampled_from([0.5, 3.0]))))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    H = regularized_hessian(mdp, pol, theta, tau)
    assert_close(H, H.T, rtol=0.0, atol=0.0)
    c = 1 / (1 - mdp.gamma)
    assert_close(H, _fd_jac(lambda t: regularized_gradient(mdp, pol, t, tau), theta), rtol=1e-5, atol=1e-7 * c**4)
    v = np.random.default_rng(0).normal(size=theta.shape)
    assert_close(regularized_hessian_vector_product(mdp, pol, theta, v, tau), (H @ v.ravel()).reshape(v.shape),
                 rtol=1e-8, atol=1e-12 * c**3)


def test_loglinear_and_direct_regularized_hessian_match_fd():
    rng = np.random.default_rng(81)
    mdp = random_mdp(4, 3, 0.9, 82)
    pol = LogLinearPolicy(rng.normal(size=(4, 3, 3)))
    theta = rng.normal(size=3)
    H = regularized_hessian(mdp, pol, theta, 0.3)
    assert_close(H, _fd_jac(lambda t: regularized_gradient(mdp, pol, t, 0.3), theta), rtol=1e-5, atol=1e-6)
    v = rng.normal(size=3)
    assert_close(regularized_hessian_vector_product(mdp, pol, theta, v, 0.3), H @ v, rtol=1e-9, atol=1e-11)
    pi = rng.dirichlet(np.ones(3), size=4) * 0.9 + 0.1 / 3
    dpol = DirectPolicy(4, 3)
    Hd = regularized_hessian(mdp, dpol, pi, 0.3)

    def grad_amb(p):  # ambient gradient d(s)(Q_tau - tau log p - tau)/(1-gamma) for p off the simplex
        M = np.eye(4) - mdp.gamma * np.einsum("sa,sat->st", p, mdp.P)
        V = np.linalg.solve(M, np.sum(p * (mdp.r - 0.3 * np.log(p)), axis=1))
        d = (1 - mdp.gamma) * np.linalg.solve(M.T, mdp.rho)
        Q = mdp.r + mdp.gamma * mdp.P @ V
        return d[:, None] * (Q - 0.3 * np.log(p) - 0.3) / (1 - mdp.gamma)

    assert_close(Hd, _fd_jac(grad_amb, pi), rtol=1e-5, atol=1e-6)
    w = rng.normal(size=(4, 3))
    assert_close(regularized_hessian_vector_product(mdp, dpol, pi, w, 0.3), (Hd @ w.ravel()).reshape(4, 3),
                 rtol=1e-9, atol=1e-10)


@given(tabular_mdps(max_states=5, max_actions=4), st.data(), st.sampled_from([0.01, 0.1, 1.0]))
@settings(deadline=None)
def test_regularized_smoothness_bound(mdp, data, tau):
    """||Hess J_tau||_2 <= (8 + tau (4 + 8 log|A|)) / (1-gamma)^3 (Mei et al. 2020, Sec. 5 [R])."""
    theta = data.draw(logits((mdp.S, mdp.A), scale=data.draw(st.sampled_from([0.1, 1.0, 5.0]))))
    H = regularized_hessian(mdp, SoftmaxPolicy(mdp.S, mdp.A), theta, tau)
    bound = (8 + tau * (4 + 8 * np.log(mdp.A))) / (1 - mdp.gamma) ** 3
    assert np.abs(np.linalg.eigvalsh(H)).max() <= bound


@pytest.mark.parametrize("gap", [0.0, 20.0, 30.0, 40.0])
def test_regularized_gradient_near_deterministic_has_no_cancellation_floor(gap):
    """Issue 11: Q_tau - tau log pi - V_tau had an absolute floor ~eps |Q_tau|, swamping the dominant
    entries (true size ~e^-gap) at logit gaps 30-40. Reference: 50-digit mpmath."""
    from pgtheory._math import log_softmax
    from pgtheory.policies import SoftmaxPolicy

    from ._helpers import mp_softmax_gradient, near_deterministic_logits, pg_relative_bound

    tau = 0.1
    mdp = random_mdp(3, 3, 0.9, seed=11)
    theta = near_deterministic_logits(3, 3, gap, seed=int(gap))
    ref, Qt, adv, pi, d = mp_softmax_gradient(mdp.P, mdp.r, mdp.gamma, mdp.rho, theta, tau=tau)
    got = regularized_gradient(mdp, SoftmaxPolicy(3, 3), theta, tau)
    kappa = (1 + mdp.gamma) / (1 - mdp.gamma)  # cond_inf(I - gamma P_pi) bound
    # the centred quantity is Q_tau - tau log pi, whose scale includes tau * gap
    bound = pg_relative_bound(kappa, Qt - tau * log_softmax(theta), adv, pi, d, theta)
    rel = np.abs(got - ref) / np.abs(ref)
    assert np.all(rel <= bound), (rel, bound)
    assert np.max(bound) < 1e-10  # not vacuous on this instance
