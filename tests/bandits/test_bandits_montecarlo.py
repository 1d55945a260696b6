"""Monte-Carlo validation of the seeded samplers against exact enumeration.

Rule (pgtheory.testing): each test is seeded (deterministic) with false-alarm rate alpha = 1e-5,
Bonferroni over the M*K coordinates; 3 statistical tests here add 3e-5 to the suite's FWER.
"""

import numpy as np
import pytest

import pgtheory.bandits as B
from pgtheory.testing import assert_unbiased, test_seed

ALPHA = 1e-5


@pytest.mark.statistical
def test_grpo_sampler_stochastic_binary_two_prompts():
    """n = 200,000 batches (2 prompts, G = 4, Bernoulli rewards), alpha = 1e-5 over 6 coordinates."""
    th = np.array([[0.5, -0.3, 1.0], [0.0, 0.2, -1.0]])
    q = np.array([[0.9, 0.1, 0.4], [0.3, 0.7, 0.5]])
    exact = B.exact_moments("grpo", th, q, 4, binary=True, ddof=1, epsilon=1e-4).mean
    mc = B.monte_carlo_gradient("grpo", th, q, 4, 200_000, rng=test_seed(12345), binary=True, ddof=1, epsilon=1e-4)
    assert mc.n_trajectories == 200_000
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=ALPHA)


@pytest.mark.statistical
def test_rloo_sampler_general_rewards():
    """n = 200,000 groups (K = 5, G = 3, general rewards with ties), alpha = 1e-5 over 5 coordinates."""
    th = np.array([1.0, -0.5, 0.0, 0.3, -2.0])
    r = np.array([0.5, -1.0, 0.5, 2.0, 0.0])
    exact = B.exact_moments("rloo", th, r, 3).mean
    mc = B.monte_carlo_gradient("rloo", th, r, 3, 200_000, rng=test_seed(2024))
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=ALPHA)


@pytest.mark.statistical
def test_nft_sampler_off_policy():
    """NFT off-policy (samples from theta_old): n = 200,000 groups of G = 6, alpha = 1e-5 over 4 coordinates."""
    th = np.array([0.4, -0.2, 1.0, -1.3])
    old = th + np.array([0.05, -0.05, 0.03, 0.0])
    c = np.array([1.0, 0.0, 1.0, 0.0])
    exact = B.exact_moments("nft", th, c, 6, behavior_logits=old, normalize=2).mean
    mc = B.monte_carlo_gradient("nft", th, c, 6, 200_000, rng=test_seed(77), behavior_logits=old, normalize=2)
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=ALPHA)


def test_sampler_is_reproducible():
    a1, r1 = B.sample_groups(np.zeros(3), np.arange(3.0), 4, 10, rng=5)
    a2, r2 = B.sample_groups(np.zeros(3), np.arange(3.0), 4, 10, rng=np.random.default_rng(5))
    assert np.array_equal(a1, a2) and np.array_equal(r1, r2)


def test_sampler_power_detects_wrong_expectation():
    """The same n = 200,000 would reject GRPO's expectation if compared with grad J (bias ~60%)."""
    th = np.array([0.5, -0.3, 1.0])
    r = np.array([1.0, 0.0, 0.0])
    mc = B.monte_carlo_gradient("grpo", th, r, 4, 200_000, rng=9, ddof=0, epsilon=0.0)
    with pytest.raises(AssertionError):
        assert_unbiased(mc.mean, mc.stderr, B.exact_logit_gradient(th, r)[None, :], alpha=ALPHA)
