"""RLOO (Ahmadian et al. 2024, arXiv:2402.14740; Kool et al. 2019): the leave-one-out estimator is unbiased.

Exact: the library's RLOO advantage against the leave-one-out mean written out; its expectation and
covariance (count-vector enumeration) against the sum over every ordered group (tests/bandits/_ordered.py,
no library code) and against grad J = pi * (r - p); the stored variance comparison of the check.
Statistical: groups sampled here with ``numpy`` (not the library's sampler), the library's RLOO sample mean
against grad J (one test, alpha = 1e-5 over K = 4 coordinates, n = 100,000 groups) and, on the same
samples, the power to reject the self-inclusive mean baseline's (G-1)/G scale.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pgtheory
import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.experiments.llm import ahmadian2024
from pgtheory.testing import assert_close, assert_unbiased, test_seed

from _bandit_strategies import bandit_case
from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol


def rloo(arms, r):
    """Leave-one-out advantage r_i - mean_{j != i} r_j, one loop over i (the paper's formula)."""
    G = r.shape[-1]
    out = np.empty_like(r)
    for i in range(G):
        others = np.delete(r, i, axis=-1)
        out[..., i] = r[..., i] - others.sum(axis=-1) / (G - 1)
    return out


@given(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0, 3.25]), min_size=2, max_size=7))
def test_advantage_is_leave_one_out(rs):
    r = np.array(rs)
    # G/(G-1) (r - mean) vs r_i - mean of the others: a few flops on rewards <= 3.25
    assert_close(B.rloo_advantages(r), rloo(None, r), rtol=0, atol=8 * r.size * EPS * 3.25)


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4))
def test_rloo_is_unbiased_by_ordered_enumeration(case):
    """E[g_RLOO] = grad J for any rewards: every ordered group, the library's enumeration, the closed form."""
    th, r, G, _ = case
    th, r = th[0], r[0]
    mu, cov, n, mag = ordered_moments(rloo, th, r, G)
    K = th.size
    atol = tol(n, mag, G, K)
    # the closed form pi (r - p) rounds on the reward scale: K products and a subtraction
    assert_close(mu, policy_gradient(th, r), rtol=0, atol=atol + 8 * K * EPS * np.max(np.abs(r)))
    m = B.exact_moments("rloo", th, r, G)
    assert_close(m.mean[0], mu, rtol=0, atol=atol)
    assert_close(m.cov[0], cov, rtol=0, atol=2 * mag * atol)  # products of two updates
    assert_close(B.exact_logit_gradient(th, r), policy_gradient(th, r), rtol=0, atol=8 * K * EPS)


def test_rloo_variance_against_no_baseline_and_the_optimal_constant():
    """The check's instance (K = G = 4): tr Var RLOO < tr Var REINFORCE(b = 0), and b* does better still."""
    th, r, G = np.array([1.0, 0.0, -0.5, 0.3]), np.array([1.0, 0.2, 0.0, 0.7]), 4
    _, c_rloo, n, mag = ordered_moments(rloo, th, r, G)
    _, c_b0, _, mag0 = ordered_moments(lambda a, rr: rr, th, r, G)
    pi = softmax(th)
    s2 = 1 - 2 * pi + pi @ pi  # ||e_a - pi||^2
    bstar = float(pi * s2 @ r / (pi @ s2))
    _, c_opt, _, _ = ordered_moments(lambda a, rr: rr - bstar, th, r, G)
    assert_close(B.optimal_constant_baseline(th, r), bstar, rtol=0, atol=8 * 4 * EPS)
    v = [np.trace(c) for c in (c_rloo, c_b0, c_opt)]
    assert v[0] < v[1] and v[2] < v[0], v
    atol = 2 * max(mag, mag0) * tol(n, max(mag, mag0), G, 4)
    assert_close(B.exact_moments("rloo", th, r, G).trace_variance, v[0], rtol=0, atol=atol)
    assert_close(B.exact_moments("reinforce", th, r, G).trace_variance, v[1], rtol=0, atol=atol)


@pytest.mark.statistical
def test_sampled_rloo_is_unbiased_and_the_test_has_power():
    """n = 100,000 groups (K = 4, G = 4, general rewards), drawn by numpy.random here, through the library's RLOO
    estimator; alpha = 1e-5 over 4 coordinates. The same samples with the self-inclusive mean (E = 3/4 grad J)
    are rejected (expected z of the 25% scale gap up to 164 vs the threshold 4.7)."""
    th, r, G, n = np.array([0.8, -0.4, 0.0, 0.5]), np.array([1.0, -0.5, 0.25, 0.6]), 4, 100_000
    pi = softmax(th)
    rng = np.random.default_rng(test_seed(24021474))
    arms = rng.choice(4, size=(n, G), p=pi)
    rr = r[arms]
    onehot = np.eye(4)[arms] - pi
    g = B.make_estimator("rloo")(th, arms[:, None, :], rr[:, None, :])[:, 0, :]  # the library's estimator
    gJ = policy_gradient(th, r)
    assert_unbiased(g.mean(0), g.std(0, ddof=1) / np.sqrt(n), gJ, alpha=1e-5)
    g_self = np.einsum("ng,ngk->nk", rr - rr.mean(1, keepdims=True), onehot) / G
    with pytest.raises(AssertionError):
        assert_unbiased(g_self.mean(0), g_self.std(0, ddof=1) / np.sqrt(n), gJ, alpha=1e-5)


def test_registered_check():
    rep = run_one("ahmadian2024-rloo-length", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    claims = {c["name"]: c for c in rep.claims}
    assert claims["RLOO is unbiased for grad J"]["verdict"] == "consistent"
    assert claims["RLOO reduces variance vs no baseline"]["verdict"] == "consistent"
    nums = rep.details["subchecks"][0]["numbers"]
    assert nums["max_rel_err"] < 1e-12 and nums["sizes(K,G)"] == [(3, 2), (4, 3), (5, 4)]
    bib = pgtheory.cite(ahmadian2024.CITATION)
    assert "{ahmadian2024back," in bib and "2402.14740" in bib
