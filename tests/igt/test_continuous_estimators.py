"""Score-function gradient and Hessian-vector estimators: unbiased against exact oracles.

Each statistical test is seeded and uses alpha = 1e-5 with Bonferroni over coordinates
(pgtheory.testing.assert_unbiased); n is stated in each docstring. 5 statistical tests here.
"""

import numpy as np
import pytest

from pgtheory.bandits._continuous import make_cauchy_bandit
from pgtheory.estimators._continuous import (cauchy_bandit_gradient, cauchy_bandit_hvp, harpg_correction,
                                             lqr_gradient, lqr_hvp)
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.lqr import make_lqr
from pgtheory.testing import assert_unbiased, test_seed

ALPHA = 1e-5


@pytest.fixture(scope="module")
def bandit():
    return make_cauchy_bandit()


@pytest.mark.statistical
def test_bandit_gradient_unbiased(bandit):
    """n = 200,000 one-step trajectories, alpha = 1e-5 over d = 4 coordinates."""
    th = np.array([0.3, -0.2, 0.1, 0.5])
    e = cauchy_bandit_gradient(bandit, th, 200_000, rng=test_seed(11))
    assert_unbiased(e.mean, e.stderr, bandit.gradient(th), alpha=ALPHA)


@pytest.mark.statistical
def test_bandit_hvp_unbiased_against_exact_hessian(bandit):
    """n = 200,000, alpha = 1e-5 over 4 coordinates; truth = exact Voigt Hessian times v."""
    th = np.array([0.3, -0.2, 0.1, 0.5])
    v = np.array([1.0, 0.5, -0.3, 0.2])
    e = cauchy_bandit_hvp(bandit, th, v, 200_000, rng=test_seed(12))
    assert_unbiased(e.mean, e.stderr, bandit.hessian(th) @ v, alpha=ALPHA)


@pytest.mark.statistical
def test_harpg_correction_unbiased_for_gradient_difference(bandit):
    """n = 200,000 draws of (q, trajectory); E[v] = grad J(theta) - grad J(theta'); alpha = 1e-5."""
    th = np.array([0.3, -0.2, 0.1, 0.5])
    th_prev = th - np.array([0.5, 0.25, -0.15, 0.1])
    e = harpg_correction(bandit, th, th_prev, 200_000, rng=test_seed(13))
    assert_unbiased(e.mean, e.stderr, bandit.gradient(th) - bandit.gradient(th_prev), alpha=ALPHA)


@pytest.mark.statistical
def test_lqr_gradient_unbiased_for_truncated_objective():
    """n = 60,000 rollouts of length H = 12; truth = exact grad J_H (adjoint recursion); alpha = 1e-5."""
    L = make_lqr()
    K = np.array([[0.1, 0.2]])
    e = lqr_gradient(L, K, 60_000, 12, rng=test_seed(14))
    assert_unbiased(e.mean, e.stderr, -L.finite_horizon_cost_gradient(K, 12), alpha=ALPHA)


@pytest.mark.statistical
def test_lqr_hvp_unbiased_for_truncated_hessian():
    """n = 60,000 rollouts, H = 12; truth = central difference (h = 1e-5) of the exact grad J_H,
    whose O(h^2) error (< 1e-8 here) is far below the standard error; alpha = 1e-5."""
    L = make_lqr()
    K = np.array([[0.1, 0.2]])
    V = np.array([[1.0, -0.5]])
    e = lqr_hvp(L, K, V, 60_000, 12, rng=test_seed(15))
    assert_unbiased(e.mean, e.stderr, -L.finite_horizon_cost_hvp(K, V, 12), alpha=ALPHA)


def test_estimator_bad_inputs(bandit):
    with pytest.raises(ShapeError):
        cauchy_bandit_gradient(bandit, np.zeros(3), 10, rng=0)
    with pytest.raises(ValidationError, match="n must be"):
        cauchy_bandit_gradient(bandit, np.zeros(4), 1, rng=0)
    L = make_lqr()
    with pytest.raises(ShapeError, match="V must have the shape"):
        lqr_hvp(L, np.zeros((1, 2)), np.zeros((2, 1)), 10, 5, rng=0)
    with pytest.raises(ValidationError, match="H must be"):
        lqr_gradient(L, np.zeros((1, 2)), 10, 0, rng=0)
