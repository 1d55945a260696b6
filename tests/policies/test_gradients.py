"""Exact policy gradients, Fisher matrices, NPG and the performance-difference lemma.

Ground truth: central finite differences of J computed by the lead's ``policy_evaluation``
(an independent code path), enumeration of E[score score^T] with the policy's own ``score``,
and closed forms from Agarwal et al. (2021, arXiv:1908.00261).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import TabularMDP, advantage, policy_evaluation, state_occupancy
from pgtheory.policies import (
    DirectPolicy,
    LogLinearPolicy,
    SoftmaxPolicy,
    fisher_matrix,
    natural_gradient,
    npg_update,
    performance_difference,
    policy_gradient,
    value_and_gradient,
)
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import logits, policies_for, tabular_mdps

from ._helpers import J_of_pi, central_fd, random_mdp


def _fd_tol(mdp):
    # FD truncation O(h^2 J''') plus rounding O(eps J / h); both scale with powers of 1/(1-gamma).
    c = 1.0 / (1.0 - mdp.gamma)
    return dict(rtol=1e-5, atol=1e-7 * c**3)


@st.composite
def mdp_and_logits(draw, max_states=4, max_actions=3):
    mdp = draw(tabular_mdps(max_states=max_states, max_actions=max_actions))
    scale = draw(st.sampled_from([0.5, 3.0, 50.0]))
    theta = draw(logits((mdp.S, mdp.A), scale=scale))
    return mdp, theta


@given(mdp_and_logits())
@settings(deadline=None)
def test_softmax_gradient_matches_finite_differences(case):
    mdp, theta = case
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    J, g = value_and_gradient(mdp, pol, theta)
    assert np.all(np.isfinite(g)) and np.isfinite(J)
    assert_close(J, J_of_pi(mdp, pol.probs(theta)))
    fd = central_fd(lambda t: J_of_pi(mdp, pol.probs(t)), theta)
    assert_close(g, fd, **_fd_tol(mdp))


@given(mdp_and_logits())
@settings(deadline=None)
def test_softmax_gradient_is_pg_theorem_closed_form(case):
    """d(s) pi(a|s) A(s,a) / (1-gamma), with d and A from the lead's solvers."""
    mdp, theta = case
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    pi = pol.probs(theta)
    d = state_occupancy(mdp, pi)
    expected = d[:, None] * pi * advantage(mdp, pi) / (1 - mdp.gamma)
    assert_close(policy_gradient(mdp, pol, theta), expected, rtol=1e-8, atol=1e-10)


@given(tabular_mdps(max_states=4, max_actions=3), st.integers(1, 4), st.integers(0, 2**31))
@settings(deadline=None)
def test_loglinear_gradient_matches_finite_differences(mdp, dim, seed):
    rng = np.random.default_rng(seed)
    pol = LogLinearPolicy(rng.normal(size=(mdp.S, mdp.A, dim)))
    theta = rng.normal(scale=2.0, size=dim)
    g = policy_gradient(mdp, pol, theta)
    fd = central_fd(lambda t: J_of_pi(mdp, pol.probs(t)), theta)
    assert_close(g, fd, **_fd_tol(mdp))


def test_loglinear_tabular_features_reproduce_softmax():
    mdp = random_mdp(5, 3, 0.9, 1)
    theta = np.random.default_rng(2).normal(size=(5, 3))
    g_soft = policy_gradient(mdp, SoftmaxPolicy(5, 3), theta)
    g_lin = policy_gradient(mdp, LogLinearPolicy.tabular(5, 3), theta.ravel())
    assert_close(g_lin, g_soft.ravel())
    F_soft = fisher_matrix(mdp, SoftmaxPolicy(5, 3), theta)
    F_lin = fisher_matrix(mdp, LogLinearPolicy.tabular(5, 3), theta.ravel())
    assert_close(F_lin, F_soft, atol=1e-14)


@given(tabular_mdps(max_states=4, max_actions=3), st.data())
@settings(deadline=None)
def test_direct_gradient_is_q_formula_and_matches_fd(mdp, data):
    """Direct parameterisation: dJ/dpi(a|s) = d(s) Q(s,a) / (1-gamma) (Agarwal et al. 2021, Sec. 4)."""
    pi = data.draw(policies_for(mdp.S, mdp.A, min_mass=0.05))
    g = policy_gradient(mdp, DirectPolicy(mdp.S, mdp.A), pi)
    sol = policy_evaluation(mdp, pi)
    d = state_occupancy(mdp, pi)
    assert_close(g, d[:, None] * sol.Q / (1 - mdp.gamma), rtol=1e-8, atol=1e-10)

    # FD in the ambient space (J extends to any nonnegative pi near the simplex via (I - gamma P_pi)^{-1} r_pi).
    def J_amb(p):
        M = np.eye(mdp.S) - mdp.gamma * np.einsum("sa,sat->st", p, mdp.P)
        return float(mdp.rho @ np.linalg.solve(M, np.einsum("sa,sa->s", p, mdp.r)))

    assert_close(g, central_fd(J_amb, pi, h=1e-6), **_fd_tol(mdp))


class _GenericPolicy:
    """A policy object exposing only probs/jacobian (softmax of 2*theta), to test the generic path."""

    def __init__(self, S, A):
        self.S, self.A = S, A

    def probs(self, theta):
        return SoftmaxPolicy(self.S, self.A).probs(2 * np.asarray(theta))

    def jacobian(self, theta):
        return 2 * SoftmaxPolicy(self.S, self.A).jacobian(2 * np.asarray(theta))


def test_generic_policy_object_uses_jacobian():
    mdp = random_mdp(4, 3, 0.8, 3)
    theta = np.random.default_rng(4).normal(size=(4, 3))
    pol = _GenericPolicy(4, 3)
    g = policy_gradient(mdp, pol, theta)
    assert_close(g, central_fd(lambda t: J_of_pi(mdp, pol.probs(t)), theta), **_fd_tol(mdp))
    F = fisher_matrix(mdp, pol, theta)
    assert_close(F, 4 * fisher_matrix(mdp, SoftmaxPolicy(4, 3), 2 * theta), atol=1e-14)


def test_sparse_mdp_gives_same_gradient():
    mdp = random_mdp(6, 3, 0.95, 5)
    smdp = TabularMDP.from_sparse(mdp.P.reshape(18, 6), mdp.r, mdp.gamma, mdp.rho)
    theta = np.random.default_rng(6).normal(size=(6, 3))
    pol = SoftmaxPolicy(6, 3)
    assert_close(policy_gradient(smdp, pol, theta), policy_gradient(mdp, pol, theta), rtol=1e-9, atol=1e-12)


def test_rho_argument_overrides_mdp_rho():
    mdp = random_mdp(4, 2, 0.9, 7)
    rho = np.array([1.0, 0.0, 0.0, 0.0])
    theta = np.random.default_rng(8).normal(size=(4, 2))
    pol = SoftmaxPolicy(4, 2)
    J, g = value_and_gradient(mdp, pol, theta, rho=rho)
    assert_close(J, J_of_pi(mdp, pol.probs(theta), rho))
    assert_close(g, policy_gradient(mdp.with_rho(rho), pol, theta))


# ----------------------------------------------------------------------------- Fisher
def _fisher_by_enumeration(mdp, pol, theta):
    pi = pol.probs(theta)
    d = state_occupancy(mdp, pi)
    n = int(np.prod(pol.param_shape))
    F = np.zeros((n, n))
    for s in range(mdp.S):
        for a in range(mdp.A):
            sc = pol.score(theta, [s], [a]).reshape(-1)
            F += d[s] * pi[s, a] * np.outer(sc, sc)
    return F


@pytest.mark.parametrize("kind", ["softmax", "loglinear", "direct"])
def test_fisher_matches_enumeration_and_is_psd(kind):
    rng = np.random.default_rng(11)
    mdp = random_mdp(4, 3, 0.9, 12)
    if kind == "softmax":
        pol, theta = SoftmaxPolicy(4, 3), rng.normal(size=(4, 3))
    elif kind == "loglinear":
        pol, theta = LogLinearPolicy(rng.normal(size=(4, 3, 5))), rng.normal(size=5)
    else:
        pol, theta = DirectPolicy(4, 3), rng.dirichlet(np.ones(3), size=4)
    F = fisher_matrix(mdp, pol, theta)
    assert_close(F, _fisher_by_enumeration(mdp, pol, theta), rtol=1e-10, atol=1e-13)
    assert_close(F, F.T, atol=0.0, rtol=0.0)
    assert np.linalg.eigvalsh(F).min() >= -1e-12


@given(mdp_and_logits())
@settings(deadline=None)
def test_softmax_fisher_psd_and_kernel_contains_per_state_constants(case):
    mdp, theta = case
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    F = fisher_matrix(mdp, pol, theta)
    assert np.all(np.isfinite(F))
    assert np.linalg.eigvalsh(F).min() >= -1e-12
    c = np.random.default_rng(0).normal(size=(mdp.S, 1)) * np.ones((1, mdp.A))
    assert_close(F @ c.ravel(), np.zeros(mdp.S * mdp.A), atol=1e-12)


def test_direct_fisher_with_zero_probability_raises():
    mdp = random_mdp(3, 2, 0.9, 13)
    pi = np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValidationError, match="Fisher"):
        fisher_matrix(mdp, DirectPolicy(3, 2), pi)


# ----------------------------------------------------------------------------- NPG
@given(tabular_mdps(max_states=4, max_actions=4), st.data())
@settings(deadline=None)
def test_softmax_npg_direction_is_advantage_over_one_minus_gamma(mdp, data):
    """F^+ grad J (generic lstsq path) = A/(1-gamma) + per-state constants (Agarwal et al., Sec. 5.3)."""
    theta = data.draw(logits((mdp.S, mdp.A), scale=1.0))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    w = natural_gradient(mdp, pol, theta, method="lstsq")
    adv = advantage(mdp, pol.probs(theta)) / (1 - mdp.gamma)
    diff = w - adv
    # per-state constants: each row of diff is constant
    assert_close(diff - diff.mean(axis=1, keepdims=True), np.zeros_like(diff), atol=1e-7 / (1 - mdp.gamma))
    # the closed form (method="auto") is the minimal-norm solution: rows of w sum to zero
    w_auto = natural_gradient(mdp, pol, theta)
    assert_close(w_auto, w, atol=1e-7 / (1 - mdp.gamma))
    assert_close(w_auto.sum(axis=1), np.zeros(mdp.S), atol=1e-10)


@given(tabular_mdps(max_states=4, max_actions=3), st.data(), st.sampled_from([0.1, 1.0, 10.0]))
@settings(deadline=None)
def test_softmax_npg_step_is_multiplicative_weights(mdp, data, eta):
    theta = data.draw(logits((mdp.S, mdp.A), scale=2.0))
    pol = SoftmaxPolicy(mdp.S, mdp.A)
    pi = pol.probs(theta)
    adv = advantage(mdp, pi)
    target = pi * np.exp(eta * adv / (1 - mdp.gamma))
    target /= target.sum(axis=1, keepdims=True)
    assert_close(pol.probs(npg_update(mdp, pol, theta, eta)), target, rtol=1e-9, atol=1e-13)
    # and via the generic natural gradient (F^+ grad J): same policy
    step = theta + eta * natural_gradient(mdp, pol, theta, method="lstsq")
    assert_close(pol.probs(step), target, rtol=1e-6, atol=1e-9)


def test_loglinear_npg_with_tabular_features_matches_softmax():
    mdp = random_mdp(4, 3, 0.9, 21)
    theta = np.random.default_rng(22).normal(size=(4, 3))
    soft = SoftmaxPolicy(4, 3).probs(npg_update(mdp, SoftmaxPolicy(4, 3), theta, 0.5))
    lin_pol = LogLinearPolicy.tabular(4, 3)
    lin = lin_pol.probs(npg_update(mdp, lin_pol, theta.ravel(), 0.5))
    assert_close(lin, soft, rtol=1e-8, atol=1e-12)


def test_npg_rejects_direct_policy_and_bad_step():
    mdp = random_mdp(3, 2, 0.9, 23)
    with pytest.raises(ValidationError, match="DirectPolicy"):
        npg_update(mdp, DirectPolicy(3, 2), np.full((3, 2), 0.5), 0.1)
    with pytest.raises(ValidationError, match="eta"):
        npg_update(mdp, SoftmaxPolicy(3, 2), np.zeros((3, 2)), -1.0)


# ----------------------------------------------------------------------------- performance difference
@given(tabular_mdps(max_states=5, max_actions=4), st.data())
@settings(deadline=None)
def test_performance_difference_lemma_is_an_identity(mdp, data):
    pi = data.draw(policies_for(mdp.S, mdp.A))
    pi2 = data.draw(policies_for(mdp.S, mdp.A))
    res = performance_difference(mdp, pi, pi2)
    assert_close(res.lhs, J_of_pi(mdp, pi2) - J_of_pi(mdp, pi), rtol=1e-9, atol=1e-11)
    assert_close(res.rhs, res.lhs, rtol=1e-8, atol=1e-10 / (1 - mdp.gamma))
    assert abs(res.gap) <= 1e-9 / (1 - mdp.gamma)


# ----------------------------------------------------------------------------- bad input
def test_theta_of_wrong_shape_raises_shape_error():
    mdp = random_mdp(3, 2, 0.9, 31)
    with pytest.raises(ShapeError, match="theta"):
        policy_gradient(mdp, SoftmaxPolicy(3, 2), np.zeros((2, 3)))


def test_nan_theta_raises_validation_error():
    mdp = random_mdp(3, 2, 0.9, 32)
    theta = np.zeros((3, 2))
    theta[1, 1] = np.nan
    with pytest.raises(ValidationError, match="theta"):
        policy_gradient(mdp, SoftmaxPolicy(3, 2), theta)


def test_policy_for_wrong_sizes_raises_shape_error():
    mdp = random_mdp(3, 2, 0.9, 33)
    with pytest.raises(ShapeError, match="policy"):
        policy_gradient(mdp, SoftmaxPolicy(4, 2), np.zeros((4, 2)))
    with pytest.raises(ShapeError, match="policy"):
        fisher_matrix(mdp, SoftmaxPolicy(3, 5), np.zeros((3, 5)))


def test_direct_theta_off_simplex_raises():
    mdp = random_mdp(3, 2, 0.9, 34)
    with pytest.raises(ValidationError, match="theta"):
        policy_gradient(mdp, DirectPolicy(3, 2), np.full((3, 2), 0.7))


def test_not_a_policy_or_not_an_mdp_raises():
    mdp = random_mdp(3, 2, 0.9, 35)
    with pytest.raises(ValidationError, match="policy"):
        policy_gradient(mdp, 42, np.zeros((3, 2)))
    with pytest.raises(ValidationError, match="policy"):
        policy_gradient(mdp, "gaussian", np.zeros((3, 2)))
    with pytest.raises(ValidationError, match="mdp"):
        policy_gradient(object(), SoftmaxPolicy(3, 2), np.zeros((3, 2)))


def test_bad_rho_and_method_raise():
    mdp = random_mdp(3, 2, 0.9, 36)
    with pytest.raises(ValidationError, match="rho"):
        policy_gradient(mdp, SoftmaxPolicy(3, 2), np.zeros((3, 2)), rho=np.array([0.5, 0.6, 0.0]))
    with pytest.raises(ShapeError, match="rho"):
        policy_gradient(mdp, SoftmaxPolicy(3, 2), np.zeros((3, 2)), rho=np.ones(4) / 4)
    with pytest.raises(ValidationError, match="method"):
        natural_gradient(mdp, SoftmaxPolicy(3, 2), np.zeros((3, 2)), method="cg")


@pytest.mark.parametrize("kind", ["softmax", "loglinear", "direct"])
def test_pg_theorem_with_the_parameterisations_own_jacobian(kind):
    """grad J = 1/(1-gamma) sum_{s,a} d(s) Q(s,a) d pi(a|s)/d theta, with the Jacobian from _param."""
    rng = np.random.default_rng(71)
    mdp = random_mdp(5, 3, 0.95, 72)
    if kind == "softmax":
        pol, theta = SoftmaxPolicy(5, 3), rng.normal(size=(5, 3))
    elif kind == "loglinear":
        pol, theta = LogLinearPolicy(rng.normal(size=(5, 3, 4))), rng.normal(size=4)
    else:
        pol, theta = DirectPolicy(5, 3), rng.dirichlet(np.ones(3), size=5)
    pi = pol.probs(theta)
    d = state_occupancy(mdp, pi)
    Q = policy_evaluation(mdp, pi).Q
    expected = np.tensordot(d[:, None] * Q, pol.jacobian(theta), axes=([0, 1], [0, 1])) / (1 - mdp.gamma)
    assert_close(policy_gradient(mdp, pol, theta), expected, rtol=1e-9, atol=1e-12)


def test_policy_strings_resolve_to_parameterisations():
    mdp = random_mdp(3, 2, 0.9, 73)
    theta = np.random.default_rng(74).normal(size=(3, 2))
    assert_close(policy_gradient(mdp, "softmax", theta), policy_gradient(mdp, SoftmaxPolicy(3, 2), theta))
    pi = SoftmaxPolicy(3, 2).probs(theta)
    assert_close(policy_gradient(mdp, "direct", pi), policy_gradient(mdp, DirectPolicy(3, 2), pi))
    assert_close(npg_update(mdp, "softmax", theta, 0.3), npg_update(mdp, SoftmaxPolicy(3, 2), theta, 0.3))


# --------------------------------------------------------------------------- issue 11: advantage cancellation
@pytest.mark.parametrize("gap", [0.0, 10.0, 20.0, 30.0, 35.0, 40.0])
def test_softmax_gradient_near_deterministic_has_no_cancellation_floor(gap):
    """Issue 11: A = Q - V had an absolute floor ~3e-13, so at logit gaps 30-40 the dominant entries
    (true size ~e^-gap) came out with relative errors 1e-1 to 1e3. Reference: 50-digit mpmath."""
    from ._helpers import mp_softmax_gradient, near_deterministic_logits, pg_relative_bound

    mdp = random_mdp(3, 3, 0.9, seed=11)
    theta = near_deterministic_logits(3, 3, gap, seed=int(gap))
    ref, Q, adv, pi, d = mp_softmax_gradient(mdp.P, mdp.r, mdp.gamma, mdp.rho, theta)
    got = policy_gradient(mdp, SoftmaxPolicy(3, 3), theta)
    kappa = (1 + mdp.gamma) / (1 - mdp.gamma)  # cond_inf(I - gamma P_pi) bound
    bound = pg_relative_bound(kappa, Q, adv, pi, d, theta)
    rel = np.abs(got - ref) / np.abs(ref)
    assert np.all(rel <= bound), (rel, bound)
    # the bound is not vacuous on this instance: well-separated Q values keep it near kappa * eps
    assert np.max(bound) < 1e-11


# --------------------------------------------------------------------------- issue 11: lstsq not minimum-norm
@pytest.mark.parametrize("kind", ["softmax", "loglinear"])
def test_lstsq_natural_gradient_is_minimum_norm_on_one_state_problems(kind):
    """Issue 11: method="lstsq" added an O(1) constant per state (NumPy's n*eps cut-off kept a
    ~3e-17 null eigenvalue of a Fisher matrix whose dominant diagonal entries carried an absolute
    rounding error ~eps). Now: per-state orthogonality to the all-ones null vector and equality
    with the pseudo-inverse solution (same cut-off), and with the closed form where every
    non-null Fisher direction is resolved."""
    from pgtheory.policies._gradients import default_rcond

    eps = np.finfo(float).eps
    rng = np.random.default_rng(11)
    for _ in range(150):
        A = int(rng.integers(2, 7))
        scale = float(rng.choice([0.5, 3.0, 10.0, 30.0]))
        mdp = TabularMDP(np.ones((1, A, 1)), rng.uniform(size=(1, A)), float(rng.choice([0.0, 0.9])))
        theta = rng.normal(size=(1, A)) * scale
        pol = SoftmaxPolicy(1, A) if kind == "softmax" else LogLinearPolicy.tabular(1, A)
        th = theta if kind == "softmax" else theta.ravel()
        w = np.ravel(natural_gradient(mdp, pol, th, method="lstsq"))
        F = fisher_matrix(mdp, pol, th)
        g = np.ravel(policy_gradient(mdp, pol, th))
        lam = np.linalg.eigvalsh(F)
        cut = default_rcond(A) * lam[-1]
        lam_min = lam[lam > cut].min()
        # computed eigenvectors of the kept directions lean into the null space by ~n eps lam_max / lam
        tol = 10 * A * eps * lam[-1] / lam_min * np.linalg.norm(w)
        assert abs(w.sum()) <= np.sqrt(A) * tol, (A, scale, w)
        assert_close(w, np.linalg.pinv(F, rtol=default_rcond(A), hermitian=True) @ g, rtol=0, atol=tol)
        if lam[1] > cut:  # every non-null direction resolved: w is the exact minimum-norm solution
            w_auto = np.ravel(natural_gradient(mdp, SoftmaxPolicy(1, A), theta))
            # plus both sides' own rounding: A = Q - V to kappa eps |Q|, |Q| <= 1/(1-gamma), w = A/(1-gamma)
            kappa = (1 + mdp.gamma) / (1 - mdp.gamma)
            assert_close(w, w_auto, rtol=0, atol=tol + 16 * kappa * eps / (1 - mdp.gamma) ** 2)
