"""The explicit PSDP/CPI failure instance (H = 2): exact outputs, gaps, coverage numbers, completion."""

import pytest

from pgtheory import agnostic as ag
from pgtheory.experiments.krishnamurthy2025 import psdp_instance

ROWS = [((1 / 3, 1 / 3, 1 / 3), 0.5, 3.0, 0.5, None), ((0.2, 0.2, 0.6), 0.15, 5.0, 0.85, 0.85),
        ((0.2, 0.1, 0.7), 0.05, 10.0, 0.95, 0.95)]


@pytest.mark.parametrize("mu2,b,C,psdp_gap,cpi_gap", ROWS)
def test_gaps_and_coverage(mu2, b, C, psdp_gap, cpi_gap):
    mdp, cls, mu = psdp_instance(mu2, b)
    V = ag.policy_values(mdp, cls)
    assert V.max() == 1.0
    assert 1.0 - ag.psdp(mdp, cls, mu).details["value"] == pytest.approx(psdp_gap, abs=1e-12)
    cpi_mix = ag.cpi(mdp, cls, mu)
    if cpi_gap is None:
        assert cpi_mix.details["value"] == pytest.approx(1.0, abs=1e-6)
        assert 1.0 - ag.cpi(mdp, cls, mu, start=1).details["value"] == pytest.approx(0.5, abs=1e-12)
    else:
        assert 1.0 - cpi_mix.details["value"] == pytest.approx(cpi_gap, abs=1e-6)
    assert ag.concentrability(mdp, cls, mu) == pytest.approx(C)
    assert ag.pushforward_concentrability(mdp, mu) == pytest.approx(C)
    assert not ag.policy_completeness(mdp, cls, mu=mu).complete
    done = cls.with_policies([[0, 0, 1, 1]])
    assert ag.policy_completeness(mdp, done).complete
    assert ag.psdp(mdp, done, mu).details["value"] == 1.0
    assert ag.cpi(mdp, done, mu).details["value"] == pytest.approx(1.0, abs=1e-6)


def test_variant_without_z():
    mdp, cls, mu = psdp_instance((1 / 3, 2 / 3), 0.6, z=False)
    assert ag.psdp(mdp, cls, mu).details["value"] == pytest.approx(0.6)


@pytest.mark.statistical
def test_sampled_psdp_converges_to_the_same_wrong_policy():
    """Sampled PSDP (m = 4000 resets per candidate) picks pi^B on row 2 (scores 0.20 vs 0.63 at
    layer 2, 0 vs 0.15 at layer 1). Each wrong pick needs a mean of 4000 Bernoulli returns to move
    by > 0.15 (Hoeffding: < 2 exp(-2 * 4000 * 0.15^2 / 4) ~ 1e-19); seed fixed; false alarm < 1e-12."""
    mdp, cls, mu = psdp_instance((0.2, 0.2, 0.6), 0.15)
    acc = ag.MuResetAccess(mdp, mu, rng=1)
    res = ag.psdp(mdp, cls, mu, access=acc, n=4000)
    assert list(res.per_round) == [1, 1]
    assert res.details["value"] == pytest.approx(0.15)
    assert res.n_samples == 2 * 2 * 4000


@pytest.mark.statistical
def test_sampled_cpi_fails_then_succeeds_once_completed():
    """Sampled CPI from pi^B on row 2. Incomplete class: pi^A's true mu-weighted advantage at pi^B
    is -0.58; its estimate (differences of means of n = 2000 returns in [0, 1], se <= 0.016) is
    positive with probability < 1e-200, so CPI stays at pi^B (V = 0.15). Completed class: the added
    greedy policy has advantage +0.05 at pi^B (se <= 0.01 at n = 5000); CPI climbs until the best
    estimated advantage is <= 0.02, and ends with V >= 0.9 (observed 0.94-0.97 over seeds 0-2; the
    margin is many standard errors; false alarm < 1e-4; seed fixed)."""
    mdp, cls, mu = psdp_instance((0.2, 0.2, 0.6), 0.15)
    acc = ag.MuResetAccess(mdp, mu, rng=4)
    res = ag.cpi(mdp, cls, mu, start=1, tol=0.0, access=acc, n=2000)
    assert res.details["value"] == pytest.approx(0.15)
    assert res.n_samples == acc.n_episodes > 0
    done = cls.with_policies([[0, 0, 1, 1]])
    res = ag.cpi(mdp, done, mu, start=1, tol=0.02, access=ag.MuResetAccess(mdp, mu, rng=4), n=5000, max_iter=300)
    assert res.details["value"] >= 0.9
