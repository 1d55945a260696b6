"""Cauchy-linear contextual bandit: exact objective, gradient, Hessian and Lemma 1 constants.

Ground truths: numerical quadrature of E_{a ~ Cauchy}[r(s, a)] (scipy.integrate.quad),
scipy.special.voigt_profile, central finite differences, and the closed-form Cauchy Fisher integral.
"""

import numpy as np
import pytest
from scipy.integrate import quad

from pgtheory.bandits._continuous import CauchyContextualBandit, make_cauchy_bandit
from pgtheory.errors import InvalidProbabilityError, ShapeError, ValidationError
from pgtheory.policies._continuous import CauchyLinearPolicy
from pgtheory.testing import assert_close


@pytest.fixture(scope="module")
def bandit():
    return make_cauchy_bandit(n_contexts=6, dim=3, sigma=0.7, rng=5)


def test_objective_matches_quadrature_and_voigt(bandit):
    theta = np.array([0.4, -0.3, 1.1])
    tot = 0.0
    for s in range(bandit.features.shape[0]):
        mu, c = bandit.features[s] @ theta, bandit.targets[s]
        dens = lambda a: np.exp(-0.5 * (a - c) ** 2) * bandit.sigma / np.pi / (bandit.sigma**2 + (a - mu) ** 2)  # noqa: E731
        tot += bandit.context_probs[s] * quad(dens, -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
    assert_close(bandit.objective(theta), tot, rtol=1e-9)
    assert_close(bandit.objective(theta), bandit.objective_voigt(theta), rtol=1e-12)


def test_gradient_and_hessian_match_finite_differences(bandit):
    theta = np.array([-0.2, 0.5, 0.3])
    h = 1e-6
    E = np.eye(3) * h
    fd = np.array([(bandit.objective(theta + e) - bandit.objective(theta - e)) / (2 * h) for e in E])
    assert_close(bandit.gradient(theta), fd, rtol=1e-6, atol=1e-9)
    fdh = np.array([(bandit.gradient(theta + e) - bandit.gradient(theta - e)) / (2 * h) for e in E])
    assert_close(bandit.hessian(theta), fdh, rtol=1e-6, atol=1e-9)


def test_optimum_is_w_star_with_closed_form_value(bandit):
    from scipy.optimize import minimize

    assert_close(bandit.objective(bandit.w_star), bandit.optimal_value, rtol=1e-13)
    assert_close(bandit.gradient(bandit.w_star), np.zeros(3), atol=1e-13)
    res = minimize(lambda th: -bandit.objective(th), np.zeros(3), jac=lambda th: -bandit.gradient(th),
                   method="BFGS", options={"gtol": 1e-12})
    assert_close(res.x, bandit.w_star, rtol=1e-6, atol=1e-6)
    assert np.all(np.linalg.eigvalsh(bandit.hessian(bandit.w_star)) < 0)


def test_batched_objective_shapes(bandit):
    th = np.zeros((4, 2, 3))
    assert bandit.objective(th).shape == (4, 2)
    assert bandit.gradient(th).shape == (4, 2, 3)
    assert bandit.hessian(th).shape == (4, 2, 3, 3)


def test_cauchy_score_hessian_fisher(bandit):
    pol = bandit.policy
    rng = np.random.default_rng(1)
    theta = np.array([0.1, 0.2, -0.3])
    s = np.array([0, 2, 5])
    a = pol.sample(theta, s, rng)
    h = 1e-6
    sc = pol.score(theta, s, a)
    hs = pol.hess_log_prob(theta, s, a)
    for j in range(3):
        e = np.eye(3)[j] * h
        assert_close(sc[:, j], (pol.log_prob(theta + e, s, a) - pol.log_prob(theta - e, s, a)) / (2 * h),
                     rtol=1e-6, atol=1e-8)
        assert_close(hs[:, :, j], (pol.score(theta + e, s, a) - pol.score(theta - e, s, a)) / (2 * h),
                     rtol=1e-6, atol=1e-8)
    # score bound and the Fisher integral E[(2u/(s^2+u^2))^2] = 1/(2 s^2)
    assert np.all(np.linalg.norm(sc, axis=1) <= pol.score_bound() + 1e-12)
    sig = bandit.sigma
    val = quad(lambda u: (2 * u / (sig**2 + u * u)) ** 2 * sig / np.pi / (sig**2 + u * u), -np.inf, np.inf)[0]
    assert_close(val, 1 / (2 * sig**2), rtol=1e-9)
    assert_close(bandit.fisher(), bandit.features.T @ np.diag(bandit.context_probs) @ bandit.features / (2 * sig**2))


def test_lemma1_holds_on_random_parameters(bandit):
    """eps'(theta) + ||grad J|| >= sqrt(2 mu) (1 - J) pointwise (exact quantities, gamma = 0)."""
    c = bandit.lemma1_constants()
    rng = np.random.default_rng(0)
    th = bandit.w_star + rng.standard_normal((500, 3)) * np.exp(rng.uniform(-5, 3, (500, 1)))
    lhs = c["mu_F"] * np.sqrt(bandit.compatible_bias(th)) / c["M_g"] + np.linalg.norm(bandit.gradient(th), axis=1)
    rhs = np.sqrt(2 * c["mu"]) * (1.0 - bandit.objective(th))
    assert np.all(lhs >= rhs * (1 - 1e-12))


def test_bad_inputs():
    phi = np.eye(2)
    with pytest.raises(ShapeError, match="w_star"):
        CauchyContextualBandit(phi, np.ones(3), 0.5)
    with pytest.raises(ValidationError, match="sigma"):
        CauchyContextualBandit(phi, np.ones(2), -1.0)
    with pytest.raises(InvalidProbabilityError, match="context_probs"):
        CauchyContextualBandit(phi, np.ones(2), 0.5, context_probs=[0.7, 0.7])
    with pytest.raises(ShapeError):
        CauchyContextualBandit(np.ones(3), np.ones(3), 0.5)
    with pytest.raises(ShapeError, match="theta"):
        CauchyLinearPolicy(phi, 0.5).check_theta(np.ones(3))
