"""GRPO (Shao et al. 2024, DeepSeekMath, arXiv:2402.03300): what the group-standardised estimator's mean is.

Exact: the library's GRPO advantage against (r - mean) / (std + eps) written out; its expectation and
covariance against every ordered group (tests/bandits/_ordered.py); with Bernoulli rewards and one
prompt, E[g] = c_G(p) grad p with c_G summed here from the binomial law (c_2 = 1 and c_3 = sqrt 2 for
every p, so the difficulty bias starts at G = 4; for G >= 4 c_G is smallest at p = 1/2 and below
sqrt(G - 1)); with two prompts the re-weighting (biased for grad J); with G = 2 and general rewards
the closed form sum_a pi_a m_a (e_a - pi), m_a = E_b[sign(r_a - r_b)] (not parallel to grad J); the k3
penalty's value and gradient against finite differences of both KL directions.
Statistical: groups drawn with numpy.random here, the library's GRPO sample mean against the exact
c_G(p) grad p (alpha = 1e-5 over K = 3 coordinates, n = 60,000 groups) and the power to reject grad J.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close, assert_unbiased, test_seed

from _bandit_strategies import bandit_case
from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol


def grpo(ddof=0, eps=0.0):
    """(r_i - mean) / (std_ddof + eps), with 0/0 := 0 for all-equal groups (the paper's formula)."""
    def adv(arms, r):
        c = r - r.mean(-1, keepdims=True)
        s = np.sqrt((c ** 2).sum(-1, keepdims=True) / (r.shape[-1] - ddof)) + eps
        same = np.all(r == r[..., :1], axis=-1, keepdims=True)
        return np.where(same, 0.0, c / np.where(same, 1.0, s))
    return adv


def weight_by_successes(G, p, ddof=0):
    """c_G(p) = (1/G) sum_k Bin(k; G, p) [k A+(k) / p - (G - k) A-(k) / (1 - p)] (binomial law of successes)."""
    tot = 0.0
    for k in range(1, G):
        f = k / G
        s = math.sqrt(f * (1 - f) * G / (G - ddof))
        a_plus, a_minus = (1 - f) / s, -f / s
        tot += math.comb(G, k) * p ** k * (1 - p) ** (G - k) * (k * a_plus / p - (G - k) * a_minus / (1 - p))
    return tot / G


@given(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0]), min_size=2, max_size=6), st.sampled_from([0, 1]),
       st.sampled_from([0.0, 1e-6, 1e-4]))
def test_advantage_formula(rs, ddof, eps):
    r = np.array(rs)
    got = B.grpo_advantages(r, ddof=ddof, epsilon=eps)
    # mean, std and one division on rewards <= 2: relative rounding ~ G eps per step
    assert_close(got, grpo(ddof, eps)(None, r), rtol=8 * r.size * EPS, atol=8 * r.size * EPS)


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4), st.sampled_from([0, 1]), st.sampled_from([0.0, 1e-4]))
def test_expectation_by_ordered_enumeration(case, ddof, eps):
    th, r, G, _ = case
    th, r = th[0], r[0]
    mu, cov, n, mag = ordered_moments(grpo(ddof, eps), th, r, G)
    m = B.exact_moments("grpo", th, r, G, ddof=ddof, epsilon=eps)
    atol = tol(n, mag, G, th.size)
    assert_close(m.mean[0], mu, rtol=0, atol=atol)
    assert_close(m.cov[0], cov, rtol=0, atol=2 * mag * atol)


@settings(max_examples=15)
@given(st.integers(2, 3), st.integers(2, 4), st.integers(0, 2**32 - 1), st.sampled_from([0, 1]))
def test_binary_one_prompt_mean_is_c_G_times_grad_p(K, G, seed, ddof):
    """Bernoulli rewards: every ordered (arm, outcome) sequence gives E[g] = c_G(p) grad p."""
    rng = np.random.default_rng(seed)
    th, q = rng.normal(0, 1.5, K), rng.uniform(0.05, 0.95, K)
    mu, _, n, mag = ordered_moments(grpo(ddof), th, q, G, binary=True)
    p = float(softmax(th) @ q)
    c = weight_by_successes(G, p, ddof)
    atol = tol(n, mag, G, K) + 8 * G * EPS * c  # + the binomial sum's rounding
    assert_close(mu, c * policy_gradient(th, q), rtol=0, atol=atol)
    assert_close(B.exact_moments("grpo", th, q, G, binary=True, ddof=ddof, epsilon=0.0).mean[0], mu, rtol=0, atol=atol)
    assert_close(float(B.grpo_weight_closed_form(p, G, ddof)), c, rtol=0, atol=8 * G * EPS * c)
    assert_close(float(B.binary_weight("grpo", p, G, ddof=ddof, epsilon=0.0)), c, rtol=0, atol=8 * G * EPS * c)


def test_difficulty_weight_shape():
    """Closed form (ddof = 0): c_2 = 1 and c_3 = sqrt(2) for every p (no difficulty bias); for G >= 4 the weight is
    strictly smallest at p = 1/2, rises to sqrt(G - 1) at the ends and tends to 1/sqrt(p (1 - p)) as G grows."""
    p = np.linspace(0.01, 0.99, 99)
    atol = 8 * 4 * EPS * 2
    assert_close(B.grpo_weight_closed_form(p, 2), np.ones_like(p), rtol=0, atol=atol)
    assert_close(B.grpo_weight_closed_form(p, 3), np.full_like(p, math.sqrt(2)), rtol=0, atol=atol)
    for G in (4, 6, 8, 16):
        c = B.grpo_weight_closed_form(p, G)
        mid = c[49]  # p = 0.5
        assert np.all(np.delete(c, 49) > mid + 8 * G * EPS * mid)
        # the k = 1 term alone as p -> 0: (1 - 1/G) / sqrt((1/G)(1 - 1/G)) = sqrt(G - 1), approached linearly in p
        edge = math.sqrt(G - 1) - float(B.grpo_weight_closed_form(1e-6, G))
        assert np.all(c < math.sqrt(G - 1)) and 0 < edge < G ** 2 * 1e-6
        assert_close(mid, weight_by_successes(G, 0.5), rtol=8 * G * EPS)
    # ddof = 1 multiplies by sqrt((G - 1) / G)
    assert_close(B.grpo_weight_closed_form(p, 6, ddof=1), math.sqrt(5 / 6) * B.grpo_weight_closed_form(p, 6), rtol=64 * EPS)
    gaps = [abs(float(B.grpo_weight_closed_form(0.3, G)) - float(B.grpo_weight_limit(0.3))) for G in (8, 32, 128, 512)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 5e-3


def test_two_prompts_reweight_by_difficulty():
    """E[g_x] = c_4(p_x) grad p_x per prompt (summed over ordered groups), so E[g] is not grad J when p differs."""
    th = np.array([[0.0, 0.0, 0.0, 0.0], [-1.0, 0.0, 0.0, 0.0]])
    r = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    m = B.exact_moments("grpo", th, r, 4, ddof=0, epsilon=0.0).mean
    means, cs = [], []
    for x in range(2):
        mu, _, n, mag = ordered_moments(grpo(), th[x], r[x], 4)
        p = float(softmax(th[x]) @ r[x])
        cs.append(weight_by_successes(4, p))
        assert_close(mu, cs[-1] * policy_gradient(th[x], r[x]), rtol=0, atol=tol(n, mag, 4, 4) + 32 * EPS * cs[-1])
        means.append(mu)
    assert_close(m, np.array(means), rtol=0, atol=tol(n, mag, 4, 4))
    assert cs[1] > cs[0]  # the harder prompt (p = 0.109) is up-weighted: 1.687 vs 1.616 at p = 0.5
    gJ = 0.5 * np.array([policy_gradient(th[x], r[x]) for x in range(2)])
    Eg = 0.5 * m
    cos = float(np.sum(Eg * gJ) / np.linalg.norm(Eg) / np.linalg.norm(gJ))
    assert cos < 1 - 1e-5  # 0.99987: direction differs from grad J


@given(st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_two_responses_general_rewards_closed_form(K, seed):
    """G = 2, ddof = 0, eps = 0: A_i = sign(r_i - r_j), so E[g] = sum_a pi_a m_a (e_a - pi) with
    m_a = sum_b pi_b sign(r_a - r_b): a policy gradient for the win rate m, not for r."""
    rng = np.random.default_rng(seed)
    th, r = rng.normal(0, 2, K), rng.choice([-1.0, 0.0, 0.3, 1.0], K)
    pi = softmax(th)
    m = np.sign(r[:, None] - r[None, :]) @ pi
    closed = pi * m - pi * (pi @ m)
    got = B.exact_moments("grpo", th, r, 2, ddof=0, epsilon=0.0).mean[0]
    assert_close(got, closed, rtol=0, atol=8 * (K + 4) * EPS)


def test_two_responses_general_rewards_is_not_parallel_to_grad_J():
    th, r = np.zeros(3), np.array([0.0, 0.1, 1.0])  # win rates (-2/3, 0, 2/3) vs r - p = (-0.37, -0.27, 0.63)
    g = B.exact_moments("grpo", th, r, 2, ddof=0, epsilon=0.0).mean[0]
    assert_close(g, np.array([-2.0, 0.0, 2.0]) / 9, rtol=0, atol=64 * EPS)
    gJ = policy_gradient(th, r)
    resid = g - (g @ gJ) / (gJ @ gJ) * gJ
    assert np.linalg.norm(resid) / np.linalg.norm(g) > 0.1


@given(st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_k3_value_unbiased_and_gradient_is_forward_kl(K, seed):
    """E_pi[k3] = KL(pi || ref); E_pi[grad k3] = grad KL(ref || pi) (central differences), != grad KL(pi || ref)."""
    rng = np.random.default_rng(seed)
    th, ref = rng.normal(0, 1, K), rng.normal(0, 1, K)
    pi, pr = softmax(th), softmax(ref)
    vals, grads = B.kl_estimators(th, ref), B.kl_estimator_gradients(th, ref)
    kl_rev = float(pi @ np.log(pi / pr))
    mag = float(np.max(np.abs(np.log(pr / pi))) + np.max(pr / pi))
    assert_close(float(pi @ vals["k3"]), kl_rev, rtol=0, atol=8 * 4 * K * EPS * mag)

    def fwd(t):
        return float(pr @ np.log(pr / softmax(t)))

    def rev(t):
        q = softmax(t)
        return float(q @ np.log(q / pr))

    h = 1e-5
    E = np.eye(K)
    fd_fwd = np.array([(fwd(th + h * e) - fwd(th - h * e)) / (2 * h) for e in E])
    fd_rev = np.array([(rev(th + h * e) - rev(th - h * e)) / (2 * h) for e in E])
    # central differences: truncation h^2 |third derivative| (<= 10 mag^3 here) + rounding 8 eps mag / h
    fd_tol = 10 * h ** 2 * mag ** 3 + 8 * EPS * mag / h
    assert_close(pi @ grads["k3"], fd_fwd, rtol=0, atol=fd_tol)
    assert_close(pi @ grads["k2"], fd_rev, rtol=0, atol=fd_tol)  # k2 is the one whose gradient is grad KL(pi||ref)
    if np.linalg.norm(fd_fwd - fd_rev) > 100 * fd_tol:
        assert np.linalg.norm(pi @ grads["k3"] - fd_rev) > 10 * fd_tol


@pytest.mark.statistical
def test_sampled_grpo_matches_c_G_grad_p_and_rejects_grad_J():
    """n = 60,000 groups (K = 3, G = 4, deterministic binary rewards), drawn by numpy.random here, through the
    library's GRPO estimator (ddof = 0, eps = 0);
    alpha = 1e-5 over 3 coordinates. E = c_4(p) grad p with c_4(0.323) = 1.631: grad J itself is rejected (expected z up to 176 vs 4.7)."""
    th, r, G, n = np.array([0.5, -0.3, 1.0]), np.array([1.0, 0.0, 0.0]), 4, 60_000
    pi = softmax(th)
    rng = np.random.default_rng(test_seed(240203300))
    arms = rng.choice(3, size=(n, G), p=pi)
    g = B.make_estimator("grpo", ddof=0, epsilon=0.0)(th, arms[:, None, :], r[arms][:, None, :])[:, 0, :]
    se = g.std(0, ddof=1) / np.sqrt(n)
    c = weight_by_successes(G, float(pi @ r))
    assert_unbiased(g.mean(0), se, c * policy_gradient(th, r), alpha=1e-5)
    with pytest.raises(AssertionError):
        assert_unbiased(g.mean(0), se, policy_gradient(th, r), alpha=1e-5)


def test_registered_check():
    rep = run_one("shao2024-grpo-expectation", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    subs = rep.details["subchecks"]
    a = subs[0]["numbers"]
    assert_close(a["c_G_closed_form"], weight_by_successes(4, a["p"]), rtol=64 * EPS)
    assert a["max_rel_err"] < 1e-12
    assert subs[1]["numbers"]["weight_ratio"] < 1  # c_G(0.5) / c_G(0.109)
    names = {c["name"] for c in rep.claims}
    assert {"k3's gradient is the forward-KL gradient", "GRPO, general rewards, one prompt: direction bias"} <= names
