"""``GradientEstimate.confidence_interval``: normal intervals from the stored standard errors.

Coverage is checked as a seeded statistical test: ``R = 400`` independent REINFORCE estimates
(``n = 200`` trajectories each) on a 2-armed bandit whose exact gradient is
``pi (r - pi^T r)``. The number of intervals covering the truth is Binomial(R, level) when the
intervals are exact; the test fails when it leaves the two-sided binomial acceptance region of
total false-alarm rate ``ALPHA = 1e-3`` per count checked (3 counts: two coordinates and the
simultaneous intervals, one-sided for the latter), plus 1.5 points of slack for the O(1/sqrt n)
error of the normal approximation.
"""

import numpy as np
import pytest
from scipy.stats import binom

from pgtheory.errors import ValidationError
from pgtheory.estimators import reinforce
from pgtheory.mdp import bandit
from pgtheory.results import GradientEstimate
from pgtheory.testing import test_seed

R, N, LEVEL, ALPHA, SLACK = 400, 200, 0.95, 1e-3, 0.015


def test_interval_arithmetic_and_bonferroni():
    g = GradientEstimate(mean=np.array([1.0, -1.0, 0.0]), stderr=np.array([0.1, 0.2, 0.0]), n_trajectories=50,
                         n_steps=50)
    lo, hi = g.confidence_interval(0.95)
    np.testing.assert_allclose(hi - g.mean, 1.959963984540054 * g.stderr, rtol=1e-12)
    np.testing.assert_allclose(g.mean - lo, hi - g.mean, rtol=1e-12)
    slo, shi = g.confidence_interval(0.95, simultaneous=True)
    np.testing.assert_allclose(shi - g.mean, 2.3939797998185104 * g.stderr, rtol=1e-10)  # Phi^-1(1 - 0.05/6)
    assert np.all(slo <= lo)
    for bad in (0.0, 1.0, 95, "0.9", True):
        with pytest.raises(ValidationError, match="level"):
            g.confidence_interval(bad)


@pytest.mark.statistical
def test_coverage_on_a_two_armed_bandit():
    r = np.array([1.0, 0.2])
    theta = np.array([[0.4, -0.3]])
    pi = np.exp(theta[0]) / np.exp(theta[0]).sum()
    truth = pi * (r - pi @ r)
    mdp = bandit(r)
    seeds = np.random.SeedSequence(test_seed(4242)).spawn(R)
    cover = np.zeros(2, dtype=int)
    cover_sim = 0
    for ss in seeds:
        est = reinforce(mdp, "softmax", theta, N, rng=np.random.default_rng(ss), backend="numpy")
        lo, hi = est.confidence_interval(LEVEL)
        cover += (lo[0] <= truth) & (truth <= hi[0])
        slo, shi = est.confidence_interval(LEVEL, simultaneous=True)
        cover_sim += bool(np.all((slo[0] <= truth) & (truth <= shi[0])))
    a = ALPHA / 3
    lo_ok = binom.ppf(a / 2, R, LEVEL) / R - SLACK
    hi_ok = binom.isf(a / 2, R, LEVEL) / R + SLACK
    rates = cover / R
    assert np.all((lo_ok <= rates) & (rates <= hi_ok)), (rates, lo_ok, hi_ok)
    # Bonferroni intervals cover both coordinates with probability at least LEVEL
    assert cover_sim / R >= binom.ppf(a, R, LEVEL) / R - SLACK, cover_sim / R
    print(f"coverage per coordinate {rates}, simultaneous {cover_sim / R} (accept [{lo_ok:.3f}, {hi_ok:.3f}])")
