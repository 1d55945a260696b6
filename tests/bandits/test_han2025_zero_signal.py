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
def test_group_outcome_law_matches_brute_force(case, binary):
    th, r, G, kind = case
    th, r = th[0], r[0]
    if binary:
        r = (r - r.min()) / max(np.ptp(r), 1.0)
    law = B.group_outcome_law(th, r, G, binary=binary)
    brute = _brute_law(th, r, G, binary)
    mine = {}
    for w, a, o in zip(law.weights, law.arms, law.rewards):
        if w > 0:
            key = tuple(sorted(zip(a.tolist(), o.tolist() if binary else r[a].tolist())))
            mine[key] = mine.get(key, 0.0) + w
    keys = {k for k, v in brute.items() if v > 1e-300} | set(mine)
    for k in keys:
        assert abs(mine.get(k, 0.0) - brute.get(k, 0.0)) <= 64 * G * EPS


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=5, binary_only=True))
def test_group_estimates_average_to_exact_moments(case):
    th, r, G, _ = case
    law, g, _ = B.group_outcome_estimates("grpo", th[0], r[0], G, ddof=0, epsilon=0.0)
    m = B.exact_moments("grpo", th[0], r[0], G, ddof=0, epsilon=0.0)
    assert_close(law.weights @ g, m.mean[0], rtol=0, atol=64 * law.n_groups * EPS * (1 + np.abs(g).max()))


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=6, binary_only=True), st.sampled_from(["grpo", "dr_grpo", "rloo"]))
def test_zero_update_probability_deterministic_rewards(case, est):
    """Deterministic 0/1 rewards: the estimate vanishes exactly on all-equal groups, p^G + (1-p)^G."""
    th, r, G, _ = case
    p = float(B.success_probability(th[0], r[0]))
    z = B.zero_update_probability(est, th[0], r[0], G)
    assert abs(z - B.zero_signal_probability(p, G)) <= 64 * B.num_count_vectors(4, G) * EPS


def test_bernoulli_rewards_add_single_arm_groups():
    """Bernoulli rewards: one arm drawn G times with mixed outcomes also gives g = 0 (scores cancel)."""
    th = np.array([0.5, -0.3, 1.2])
    q = np.array([0.9, 0.1, 0.5])
    G = 3
    pi = B.policy_probs(th)
    p = float(pi @ q)
    z = B.zero_update_probability("rloo", th, q, G, binary=True)
    mixed_single_arm = sum(pi[a] ** G * (1 - q[a] ** G - (1 - q[a]) ** G) for a in range(3))
    assert abs(z - (B.zero_signal_probability(p, G) + mixed_single_arm)) < 1e-14


def test_zero_signal_probability_curve():
    p = np.linspace(0, 1, 11)
    assert_close(B.zero_signal_probability(p, 4), p ** 4 + (1 - p) ** 4, rtol=0, atol=0)
    assert B.zero_signal_probability(0.0, 8) == 1.0


def test_bad_inputs():
    with pytest.raises(InvalidProbabilityError, match="p"):
        B.zero_signal_probability(1.2, 4)
    with pytest.raises(ValidationError, match="G"):
        B.zero_signal_probability(0.5, 1)
    with pytest.raises(ValidationError, match="G"):
        B.zero_update_probability("grpo", np.zeros(3), np.ones(3), 1)
    with pytest.raises(InvalidProbabilityError, match="rewards"):
        B.group_outcome_law(np.zeros(2), [0.5, 1.5], 3, binary=True)
    with pytest.raises(ValidationError, match="G >= 2"):
        B.group_outcome_estimates("rloo", np.zeros(2), [0.0, 1.0], 1)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("han2025-zero-signal", tmp_path, expected="consistent", bibtex_key="han2025copo",
                    monkeypatch=monkeypatch)
    assert "not tested" in rep.details["subchecks"][0]["numbers"]["no exact form"]
