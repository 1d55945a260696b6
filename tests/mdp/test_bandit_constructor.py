"""``pgtheory.mdp.bandit``: a K-armed bandit as the one-state MDP with gamma = 0."""

import numpy as np
import pytest

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import TabularMDP, bandit, objective
from pgtheory.policies import SoftmaxPolicy, policy_gradient


@pytest.mark.parametrize("means,theta", [([1.0, 0.2], [0.3, -0.1]), ([0.5, 0.1, 0.9, 0.0], [0.0, 1.0, -2.0, 0.5]),
                                         ([2.0], [0.7])])
def test_exact_gradient_matches_closed_form(means, theta):
    r, th = np.asarray(means), np.asarray(theta)
    mdp = bandit(r)
    assert isinstance(mdp, TabularMDP) and mdp.gamma == 0.0 and mdp.r.shape == (1, r.size)
    pi = np.exp(th - th.max())
    pi /= pi.sum()
    g = policy_gradient(mdp, SoftmaxPolicy(1, r.size), th[None, :])
    np.testing.assert_allclose(g[0], pi * (r - pi @ r), rtol=1e-12, atol=1e-15)
    assert objective(mdp, pi[None, :]) == pytest.approx(pi @ r, rel=1e-14)


def test_errors_name_the_argument():
    with pytest.raises(ShapeError, match="means"):
        bandit([[1.0, 2.0]])
    with pytest.raises(ShapeError, match="means"):
        bandit([])
    with pytest.raises(ValidationError, match="means must be finite"):
        bandit([1.0, np.nan])
    with pytest.raises(ValidationError, match=r"rewards must be one of"):
        bandit([1.0], rewards="poisson")
    with pytest.raises(ValidationError, match=r"\[0, 1\]"):
        bandit([1.5, 0.2], rewards="bernoulli")
    assert bandit([0.5, 0.2], rewards="bernoulli").r.shape == (1, 2)
    assert bandit([-3.0, 5.0], rewards="gaussian").r[0, 0] == -3.0
