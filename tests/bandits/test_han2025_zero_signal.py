"""Group laws and the zero-signal probability (COPO, Han et al. 2025; Scaf-GRPO's learning cliff): brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from _bandit_strategies import bandit_case
from pgtheory.errors import InvalidProbabilityError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _brute_law(th, r, G, binary):
    """Sum over the K^G ordered groups (and 2^G outcome patterns): {sorted (arm, outcome) tuple: probability}."""
    pi = B.policy_probs(th)
    K = th.shape[0]
    law = {}
    for arms in itertools.product(range(K), repeat=G):
        pa = np.prod(pi[list(arms)])
        outs = itertools.product([0.0, 1.0], repeat=G) if binary else [tuple(r[list(arms)])]
        for o in outs:
            po = np.prod([r[a] if x == 1 else 1 - r[a] for a, x in zip(arms, o)]) if binary else 1.0
            key = tuple(sorted(zip(arms, o)))
            law[key] = law.get(key, 0.0) + pa * po
    return law


@given(bandit_case(max_K=3, max_M=1, min_G=1, max_G=3), st.booleans())
@settings(max_examples=20)
def test_group_law_matches_brute_force(case, binary):
    """Every (arm, outcome) multiset's probability, and the count vectors behind the representative groups."""
    th, r, G, kind = case
    th, r = th[0], r[0]
    if binary:
        r = (r - r.min()) / max(np.ptp(r), 1.0)
    law = B.group_law("reinforce", th, r, G, binary=binary)
    assert law.binary is binary
    C = law.counts.shape[1]
    assert C == (2 * th.size if binary else th.size) and np.all(law.counts.sum(axis=1) == G)
    cats = law.groups if not binary else 2 * law.arms + law.rewards.astype(int)  # category of each sample
    assert np.array_equal(np.stack([np.bincount(c, minlength=C) for c in cats]), law.counts)
    brute = _brute_law(th, r, G, binary)
    mine = {}
    for w, a, o in zip(law.probs, law.arms, law.rewards):
        if w > 0:
            key = tuple(sorted(zip(a.tolist(), o.tolist() if binary else r[a].tolist())))
            mine[key] = mine.get(key, 0.0) + w
    keys = {k for k, v in brute.items() if v > 1e-300} | set(mine)
    for k in keys:
        assert abs(mine.get(k, 0.0) - brute.get(k, 0.0)) <= 64 * G * EPS


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=5, binary_only=True))
def test_group_estimates_average_to_exact_moments(case):
    th, r, G, _ = case
    law = B.group_law("grpo", th[0], r[0], G, ddof=0, epsilon=0.0)
    g = law.estimates
    m = B.exact_moments("grpo", th[0], r[0], G, ddof=0, epsilon=0.0)
    assert_close(law.expectation(g), m.mean[0], rtol=0, atol=64 * law.n_groups * EPS * (1 + np.abs(g).max()))


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=6, binary_only=True), st.sampled_from(["grpo", "dr_grpo", "rloo"]))
def test_zero_update_probability_deterministic_rewards(case, est):
    """Deterministic 0/1 rewards: the estimate vanishes exactly on all-equal groups, p^G + (1-p)^G."""
    th, r, G, _ = case
    p = float(B.success_probability(th[0], r[0]))
    z = B.zero_gradient_probability(est, th[0], r[0], G)
    assert abs(z - B.zero_advantage_probability(p, G)) <= 64 * B.num_count_vectors(4, G) * EPS


def test_bernoulli_rewards_add_single_arm_groups():
    """Bernoulli rewards: one arm drawn G times with mixed outcomes also gives g = 0 (scores cancel)."""
    th = np.array([0.5, -0.3, 1.2])
    q = np.array([0.9, 0.1, 0.5])
    G = 3
    pi = B.policy_probs(th)
    p = float(pi @ q)
    z = B.zero_gradient_probability("rloo", th, q, G, binary=True)
    mixed_single_arm = sum(pi[a] ** G * (1 - q[a] ** G - (1 - q[a]) ** G) for a in range(3))
    assert abs(z - (B.zero_advantage_probability(p, G) + mixed_single_arm)) < 1e-14


def test_zero_threshold_is_an_explicit_argument():
    """atol replaces the rounding rule: 0 keeps the exact zeros (RLOO cancels exactly here), a threshold above the
    smallest non-zero max|g| also counts those groups, a huge one counts every group."""
    th = np.array([0.5, -0.3, 1.2])
    q = np.array([0.9, 0.1, 0.5])
    G = 3
    law = B.group_law("rloo", th, q, G, binary=True)
    size = np.abs(law.estimates).max(axis=1)
    smallest = float(size[size > 0].min())
    default = B.zero_gradient_probability("rloo", th, q, G, binary=True)
    assert_close(default, float(law.probs[size == 0].sum()), rtol=0, atol=law.n_groups * EPS)
    assert B.zero_gradient_probability("rloo", th, q, G, binary=True, atol=0.0) == default
    wider = B.zero_gradient_probability("rloo", th, q, G, binary=True, atol=1.5 * smallest)
    assert_close(wider, float(law.probs[size <= 1.5 * smallest].sum()), rtol=0, atol=law.n_groups * EPS)
    assert wider > default + 1e-3
    assert_close(B.zero_gradient_probability("rloo", th, q, G, binary=True, atol=1e3), 1.0, rtol=0,
                 atol=law.n_groups * EPS)


def test_zero_advantage_probability_curve():
    p = np.linspace(0, 1, 11)
    assert_close(B.zero_advantage_probability(p, 4), p ** 4 + (1 - p) ** 4, rtol=0, atol=0)
    assert B.zero_advantage_probability(0.0, 8) == 1.0
    assert np.all(B.zero_advantage_probability(p, 1) == 1.0)  # one response: its centred advantage is 0


def test_bad_inputs():
    with pytest.raises(InvalidProbabilityError, match="p"):
        B.zero_advantage_probability(1.2, 4)
    with pytest.raises(ValidationError, match="N"):
        B.zero_advantage_probability(0.5, 0)
    with pytest.raises(ValidationError, match="G >= 2"):
        B.zero_gradient_probability("rloo", np.zeros(3), np.ones(3), 1)
    with pytest.raises(ValidationError, match="atol"):
        B.zero_gradient_probability("grpo", np.zeros(3), np.ones(3), 2, atol=-1.0)
    with pytest.raises(InvalidProbabilityError, match="rewards"):
        B.group_law("grpo", np.zeros(2), [0.5, 1.5], 3, binary=True)
    with pytest.raises(ValidationError, match="G >= 2"):
        B.group_law("rloo", np.zeros(2), [0.0, 1.0], 1)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("han2025-zero-signal", tmp_path, expected="consistent", bibtex_key="han2025copo",
                    monkeypatch=monkeypatch)
    assert "not tested" in rep.details["subchecks"][0]["numbers"]["no exact form"]
