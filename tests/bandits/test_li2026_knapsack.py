"""Knapsack RL (Li et al., arXiv:2509.25849; ICML 2026): zero-gradient probability, value, exact allocation.

Exact: group_law against brute-force enumeration of ordered groups; the zero-update probability
against p^G + (1-p)^G; the DP against brute force over all allocations; the released code's DP
convention (unallocated prompts count 0) against its stored counterexample. Statistical: the
sampler's frequency of zero updates against the exact probability (one test, alpha = 1e-5,
n = 200,000 groups). Bad input raises typed errors before any work.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import (InfeasibleBudgetError, InvalidProbabilityError, InvalidStepSizeError, ShapeError,
                             ValidationError)
from pgtheory.testing import assert_close, bonferroni_z, test_seed

from _bandit_strategies import bandit_case


def _brute_law(est, th, r, G):
    """Mean over all K^G ordered groups of any function: returns (probs, estimates) per ordered group."""
    K = th.size
    seqs = np.array(list(itertools.product(range(K), repeat=G)), dtype=np.int64)
    pi = B.policy_probs(th)
    probs = np.prod(pi[seqs], axis=1)
    g = est(th[None, :], seqs[:, None, :], r[seqs][:, None, :])[:, 0, :]
    return probs, g


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4))
def test_group_law_matches_ordered_enumeration(case):
    th, r, G, _ = case
    th, r = th[0], r[0]
    est = B.make_estimator("grpo", ddof=0, epsilon=0.0)
    law = B.group_law(est, th, r, G)
    probs, g = _brute_law(est, th, r, G)
    assert_close(law.probs.sum(), 1.0, atol=64 * np.finfo(float).eps)
    scale = max(1.0, float(np.abs(g).max()))
    assert_close(law.expectation(law.estimates), probs @ g, rtol=0, atol=8 * probs.size * np.finfo(float).eps * scale)
    # a non-linear function of the update: E||g||^2
    assert_close(law.expectation((law.estimates ** 2).sum(1)), probs @ (g ** 2).sum(1), rtol=0,
                 atol=8 * probs.size * np.finfo(float).eps * scale ** 2)


@given(st.integers(0, 2**32 - 1), st.integers(2, 7), st.sampled_from(["grpo", "rloo", "dr_grpo"]))
def test_zero_update_probability_is_all_equal_groups(seed, G, name):
    """Deterministic per-arm binary rewards: P(g = 0) = p^G + (1-p)^G exactly."""
    rng = np.random.default_rng(seed)
    K = int(rng.integers(2, 5))
    th = rng.normal(0, 2, size=K)
    r = np.zeros(K)
    r[rng.permutation(K)[: int(rng.integers(1, K))]] = 1.0
    p = float(B.success_probability(th, r))
    opts = {"ddof": 0, "epsilon": 0.0} if name == "grpo" else {}
    got = B.zero_gradient_probability(name, th, r, G, **opts)
    assert_close(got, float(B.zero_advantage_probability(p, G)), rtol=0, atol=64 * B.num_count_vectors(K, G) * np.finfo(float).eps)


def test_bernoulli_rewards_add_zero_updates():
    """Per-arm Bernoulli rewards: groups where each sampled arm's success rate equals the group's also give 0."""
    th = np.array([0.3, -0.2, 0.5, 0.0])
    q = np.array([0.7, 0.2, 0.5, 0.9])
    p = float(B.success_probability(th, q))
    got = B.zero_gradient_probability("grpo", th, q, 2, binary=True, ddof=0, epsilon=0.0)
    # G = 2: zero iff both rewards equal, or both samples are the same arm (one success, one failure)
    pi = B.policy_probs(th)
    extra = float(np.sum(pi ** 2 * 2 * q * (1 - q)))
    assert_close(got, p ** 2 + (1 - p) ** 2 + extra, rtol=0, atol=1e-15)
    assert got > float(B.zero_advantage_probability(p, 2))


@pytest.mark.statistical
def test_sampled_zero_update_frequency_matches_exact():
    """n = 200,000 sampled groups (K = 4, G = 6, Bernoulli rewards); binomial z-test at alpha = 1e-5."""
    th = np.array([0.3, -0.2, 0.5, 0.0])
    q = np.array([0.7, 0.2, 0.5, 0.9])
    G, n = 6, 200_000
    exact = B.zero_gradient_probability("grpo", th, q, G, binary=True, ddof=1, epsilon=1e-6)
    a, r = B.sample_groups(th, q, G, n, rng=test_seed(18071), binary=True)
    est = B.make_estimator("grpo", ddof=1, epsilon=1e-6)
    g = est(th[None, :], a, r)
    # the exact routine's default rule: |g| <= 8 G eps max(1, max |c_i|) per group
    scale = np.maximum(1.0, np.abs(est.coefficients(th[None, :], a, r)).max(axis=(1, 2)))
    freq = float(np.mean(np.all(np.abs(g[:, 0, :]) <= 8 * G * np.finfo(float).eps * scale[:, None], axis=1)))
    se = np.sqrt(exact * (1 - exact) / n)
    assert abs(freq - exact) <= bonferroni_z(1e-5, 1) * se


def test_knapsack_value_formula():
    N, p = np.array([2, 4, 8]), 0.25
    assert_close(B.knapsack_value(N, p), (1 - p ** N - (1 - p) ** N) * p * (1 - p) ** 2)
    assert np.all(B.knapsack_value(5, [0.0, 1.0]) == 0.0)


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1))
def test_dp_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    p = rng.choice([0.0, 0.02, 0.3, 0.5, 0.77, 1.0], size=n) if seed % 3 == 0 else rng.uniform(0, 1, size=n)
    low = rng.integers(1, 4, size=n)
    up = low + rng.integers(0, 6, size=n)
    total = int(rng.integers(low.sum(), up.sum() + 1))
    alloc, obj = B.knapsack_allocate(p, total, low, up)
    ref, ref_obj, count = B.knapsack_brute_force(p, total, low, up)
    assert count >= 1 and alloc.sum() == total and np.all(alloc >= low) and np.all(alloc <= up)
    assert_close(obj, ref_obj, rtol=0, atol=8 * n * np.finfo(float).eps)
    assert_close(obj, float(np.sum(B.knapsack_value(alloc, p))), rtol=0, atol=8 * n * np.finfo(float).eps)


def test_released_dp_convention_counterexample():
    """Stored counterexample: the code's DP (unallocated prompts count 0) gives (3, 3); the optimum is (2, 4)."""
    p = [0.05, 0.10]
    code, code_obj = B.knapsack_allocate(p, 6, low=2, up=4, unallocated="zero")
    best, best_obj, _ = B.knapsack_brute_force(p, 6, low=2, up=4)
    assert code.tolist() == [3, 3] and best.tolist() == [2, 4]
    assert_close(code_obj, 0.0283003125, rtol=1e-12)
    assert_close(best_obj, 0.032134675, rtol=1e-12)


def test_expected_one_step_gain_two_arms():
    """Two arms (correct, wrong): gain = sum over k of Bin(k; N, p) [p(theta + eta g_k) - p]."""
    p, N, eta = 0.3, 5, 0.7
    th, r = np.log([p, 1 - p]), np.array([1.0, 0.0])
    out = B.expected_one_step_gain("dr_grpo", th, r, N, eta)
    from math import comb

    ref = 0.0
    for k in range(N + 1):
        A = np.array([1.0 - k / N, -k / N])
        g = (k * A[0] * (np.array([1, 0]) - [p, 1 - p]) + (N - k) * A[1] * (np.array([0, 1]) - [p, 1 - p])) / N
        th2 = th + eta * g
        ref += comb(N, k) * p ** k * (1 - p) ** (N - k) * (np.exp(th2[0]) / np.exp(th2).sum() - p)
    assert_close(out["gain"], ref, rtol=0, atol=1e-15)
    assert out["first_order"] > 0 and out["gain"] > 0
    # the zero-update probability it reports is zero_gradient_probability's: p^N + (1-p)^N here
    assert out["p_zero_update"] == B.zero_gradient_probability("dr_grpo", th, r, N)
    assert_close(out["p_zero_update"], p ** N + (1 - p) ** N, rtol=0, atol=8 * (N + 1) * np.finfo(float).eps)


@pytest.mark.parametrize("call, err, word", [
    (lambda: B.zero_advantage_probability(1.2, 4), InvalidProbabilityError, "p must"),
    (lambda: B.zero_advantage_probability(0.5, 0), ValidationError, "N must"),
    (lambda: B.knapsack_value(3, [-0.1]), ValidationError, "p must"),
    (lambda: B.knapsack_allocate([0.5, 0.5], 5, low=3), InfeasibleBudgetError, "lower bounds sum to 6 > total = 5"),
    (lambda: B.knapsack_allocate([0.5, 0.5], 10, low=1, up=4), InfeasibleBudgetError, "upper bounds sum to 8"),
    (lambda: B.knapsack_allocate([0.5, 0.5], 6, low=[3, 1], up=[2, 5]), InfeasibleBudgetError, "up[0]"),
    (lambda: B.knapsack_allocate([0.5], 4, unallocated="free"), ValidationError, "unallocated"),
    (lambda: B.knapsack_allocate([[0.5]], 4), ShapeError, "1-D"),
    (lambda: B.zero_gradient_probability("rloo", [0.0, 0.0], [1.0, 0.0], 1), ValidationError, "G >= 2"),
    (lambda: B.group_law("grpo", [0.0, 0.0], [1.5, 0.0], 3, binary=True), InvalidProbabilityError, "[0, 1]"),
    (lambda: B.group_law("grpo", [0.0, 0.0], [1.0, 0.0], 3, scale_rewards="batch"), ValidationError, "couple"),
    (lambda: B.expected_one_step_gain("rloo", [0.0, 0.0], [1.0, 0.0], 3, -1.0), InvalidStepSizeError, "eta"),
])
def test_bad_input_raises_typed_errors(call, err, word):
    with pytest.raises(err, match=None) as info:
        call()
    assert word in str(info.value)


# ----------------------------------------------------------------------------- registered checks
from _d1_checks import draw_figure, run_quick  # noqa: E402


def test_li2026_checks_verdicts_and_counterexample(tmp_path):
    zero = run_quick("li2026-zero-gradient", tmp_path / "z")
    claims = {c["name"]: c for c in zero.claims}
    assert claims["uniform budgets: P(zero GRPO update) = p^N + (1-p)^N"]["verdict"] == "consistent"
    assert all("provenance:" in c["source"] for c in zero.claims)
    dp = run_quick("li2026-knapsack-dp", tmp_path / "d")
    assert dp.verdict == "violated"
    bad = [c for c in dp.claims if c["verdict"] == "violated"]
    assert [c["name"] for c in bad] == ["the released DP returns the optimum of its value"]
    cx = dp.details["subchecks"][1]["numbers"]["counterexample"]
    assert cx["code_allocation_recomputed"] == [3, 3] and cx["optimal_allocation_recomputed"] == [2, 4]
    assert abs(cx["relative_regret"] - 0.11932165176713337) < 1e-12
    proxy = run_quick("li2026-value-proxy", tmp_path / "v")
    assert "no claim of exactness to test" in " ".join(c["stated"] for c in proxy.claims)


@pytest.mark.parametrize("name", ["li2026-zero-gradient", "li2026-knapsack-dp", "li2026-value-proxy"])
def test_li2026_figures_draw_from_the_data(tmp_path, monkeypatch, name):
    run_quick(name, tmp_path)
    paths, seen = draw_figure(name, tmp_path, monkeypatch)
    assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 0 for p in paths)
    (outside, texts), = seen
    assert outside == [] and any(t.startswith(("CONSISTENT", "VIOLATED", "INCONCLUSIVE")) for t in texts)


@st.composite
def token_trees(draw):
    """A random token tree (2-5 distinct responses over tokens 0..2, length <= 3) and logits for it."""
    seqs = draw(st.lists(st.lists(st.integers(0, 2), min_size=0, max_size=3).map(tuple), min_size=2, max_size=5,
                         unique=True))
    tree = B.TokenTree(seqs)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return tree, rng.normal(0, 1.5, tree.n_params), rng


@given(token_trees(), st.integers(2, 5))
def test_zero_update_probability_on_token_trees(case, G):
    """Responses of a token tree (the law of a sequence policy): P(zero GRPO update) = p^G + (1-p)^G."""
    tree, phi, rng = case
    r = np.zeros(tree.R)
    r[rng.permutation(tree.R)[: int(rng.integers(1, tree.R))]] = 1.0
    logp = tree.log_probs(phi)
    p = float(np.exp(logp) @ r)
    got = B.zero_gradient_probability("grpo", logp, r, G, ddof=1, epsilon=1e-6)
    atol = 64 * B.num_count_vectors(tree.R, G) * np.finfo(float).eps * (1 + G * np.abs(logp).max())
    assert_close(got, float(B.zero_advantage_probability(p, G)), rtol=0, atol=atol)
