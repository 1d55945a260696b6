"""AEPO's temperature-REINFORCE regulariser (Wang et al. 2025): entropy identity, sign rule, controlled dynamics."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from pgtheory._math import softmax
from pgtheory.errors import ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


@given(st.integers(0, 2**31), st.integers(2, 7))
@settings(max_examples=30)
def test_entropy_gradient_finite_differences(seed, K):
    th = np.random.default_rng(seed).normal(0, 2, K)
    h = 1e-6
    fd = np.array([(B.policy_entropy(th + h * e) - B.policy_entropy(th - h * e)) / (2 * h) for e in np.eye(K)])
    assert_close(B.entropy_gradient(th), fd, rtol=0, atol=1e-8)


@given(st.integers(0, 2**31), st.integers(2, 7), st.sampled_from([0.25, 0.5, 0.9, 1.1, 2.0, 5.0]))
@settings(max_examples=40)
def test_entropy_rate_is_minus_a_covariance_with_the_sign_of_T_minus_1(seed, K, T):
    th = np.random.default_rng(seed).normal(0, 2, K)
    pi = softmax(th)
    f = softmax(th / T) - pi
    cov = pi @ (np.log(pi) * f) - (pi @ np.log(pi)) * (pi @ f)
    v = B.entropy_rate(th, T)
    scale = max(1.0, float(np.max(np.abs(np.log(pi)))))
    assert abs(v + cov) <= 64 * K * EPS * scale
    assert (T - 1.0) * v > 0  # non-uniform pi (continuous draw); the sign rule (no proof for K > 2)


def test_on_policy_direction_vanishes():
    assert_close(B.temperature_reinforce_direction(np.array([0.3, -1.0, 2.0]), 1.0), np.zeros(3), rtol=0, atol=4 * EPS)


def test_without_regulariser_entropy_collapses():
    th = np.array([2.0, 0.5, 0.0, -1.0])
    r = np.array([0.0, 1.0, 0.0, 1.0])
    out = B.entropy_controlled_ascent(th, r, 8, 1.0, eta=0.5, lam=0.0, T_high=2.0, T_low=0.5, steps=300)
    assert np.all(np.diff(out["entropy"][20:]) < 0) and out["entropy"][-1] < 0.05


def test_bad_inputs():
    th = np.zeros(3)
    r = np.array([1.0, 0.0, 0.0])
    with pytest.raises(ValidationError, match="T_high"):
        B.entropy_controlled_ascent(th, r, 4, 0.5, eta=0.1, lam=1.0, T_high=0.9, T_low=0.5, steps=3)
    with pytest.raises(ValidationError, match="target_entropy"):
        B.entropy_controlled_ascent(th, r, 4, 2.0, eta=0.1, lam=1.0, T_high=2.0, T_low=0.5, steps=3)
    with pytest.raises(ValidationError, match="0/1"):
        B.entropy_controlled_ascent(th, np.array([0.5, 0, 0]), 4, 0.5, eta=0.1, lam=1.0, T_high=2.0, T_low=0.5, steps=3)
    with pytest.raises(ValidationError, match="G"):
        B.entropy_controlled_ascent(th, r, 1, 0.5, eta=0.1, lam=1.0, T_high=2.0, T_low=0.5, steps=3)
    with pytest.raises(ValidationError, match="T"):
        B.temperature_reinforce_direction(th, 0.0)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("wang2025b-temperature-reinforce", tmp_path, expected="consistent", bibtex_key="wang2025arbitrary",
                    monkeypatch=monkeypatch)
    assert rep.details["subchecks"][0]["numbers"]["fraction with wrong sign (correct samples only)"] > 0.1
