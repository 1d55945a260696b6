"""Self-Evolving Curriculum's proxy (Chen et al. 2025): exact E|A| and exact one-step gain against brute force."""

import itertools

import numpy as np
import pytest
from _bandit_strategies import bandit_case
from hypothesis import given, settings

import pgtheory.bandits as B
from pgtheory.errors import InvalidStepSizeError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=6, binary_only=True))
def test_mean_abs_advantage_closed_form(case):
    """Dr. GRPO with deterministic 0/1 rewards: E[(1/G) sum |r_i - rbar|] = 2 (G-1)/G p (1-p)."""
    th, r, G, _ = case
    p = float(B.success_probability(th[0], r[0]))
    v = B.expected_abs_advantage("dr_grpo", th[0], r[0], G)
    assert abs(v - 2 * (G - 1) / G * p * (1 - p)) <= 64 * B.num_count_vectors(4, G) * EPS


def _brute_gain(est, th, r, G, eta, **o):
    pi = B.policy_probs(th)
    e = B.make_estimator(est, **o)
    total = 0.0
    for arms in itertools.product(range(th.shape[0]), repeat=G):
        a = np.array(arms)[None, None, :]
        g = e(th[None, :], a, r[a])[0, 0]
        total += np.prod(pi[list(arms)]) * B.success_probability(th + eta * g, r)
    return total - B.success_probability(th, r)


@given(bandit_case(max_K=3, max_M=1, min_G=2, max_G=4))
@settings(max_examples=15)
def test_one_step_gain_matches_brute_force(case):
    th, r, G, _ = case
    for est, o in (("rloo", {}), ("grpo", {"ddof": 1, "epsilon": 1e-4})):
        v = B.expected_one_step_gain(est, th[0], r[0], G, 0.3, **o)["gain"]
        assert abs(v - _brute_gain(est, th[0], r[0], G, 0.3, **o)) <= 1e-12


def test_small_step_gain_is_the_directional_derivative():
    th = np.array([0.4, -0.6, 1.1, 0.0])
    r = np.array([1.0, 0.0, 0.0, 1.0])
    G = 5
    m = B.exact_moments("rloo", th, r, G).mean[0]
    slope = B.exact_logit_gradient(th, r) @ m
    for eta in (1e-3, 1e-4):
        gain = B.expected_one_step_gain("rloo", th, r, G, eta)["gain"]
        assert abs(gain / eta - slope) < 5 * eta  # second-order term: eta E[g^T H g] / 2 with |H| <= 1, |g| <= 2


def test_bad_inputs():
    with pytest.raises(InvalidStepSizeError, match="eta"):
        B.expected_one_step_gain("rloo", np.zeros(3), np.ones(3), 3, 0.0)
    with pytest.raises(ValidationError, match="estimator"):
        B.expected_abs_advantage("ppo", np.zeros(3), np.ones(3), 3)


def test_registered_check(tmp_path, monkeypatch):
    """Inconclusive by design: a proxy has no claim of exactness; the measurements are in the reason."""
    from _d2_checks import run_check

    rep = run_check("chen2025b-sec-proxy", tmp_path, expected="inconclusive", bibtex_key="chen2025self",
                    monkeypatch=monkeypatch)
    assert rep.claims[0]["reason"].startswith("no claim of exactness to test")
    assert "Spearman" in rep.claims[0]["reason"] and "regret" in rep.claims[0]["reason"]
