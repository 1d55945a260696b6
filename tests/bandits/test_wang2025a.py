"""EMPG Prop. 1 (Wang et al. 2025, arXiv:2509.09265): the expected squared score norm is 1 - exp(-H_2(pi)).

Exact: the softmax score grad_theta log pi(a) by central differences of log-softmax (not the
library's formula) against e_a - pi; its squared norm 1 - 2 pi_a + ||pi||^2 per arm (confident arms
get small gradients); the mean under pi against 1 - exp(-H_2) with the Rényi-2 entropy
H_2 = -log sum pi^2 computed here, including logits up to +-30; the identity makes the expected
squared norm increasing in H_2 (checked on an ordered family of policies).
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _ordered import EPS, softmax


def _logits(seed, K, extreme):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 3, K) + (rng.choice([-30.0, 0.0, 30.0], K) if extreme else 0.0)


@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_score_by_central_differences(seed, K):
    th = _logits(seed, K, False)
    h = 1e-6

    def logsm(t):
        return t - t.max() - np.log(np.exp(t - t.max()).sum())

    fd = np.array([(logsm(th + h * e) - logsm(th - h * e)) / (2 * h) for e in np.eye(K)]).T  # row a: grad log pi(a)
    pi = softmax(th)
    # log-softmax has third derivatives <= 1: truncation h^2, rounding 8 eps |log pi| / h
    assert_close(np.eye(K) - pi, fd, rtol=0, atol=h ** 2 + 8 * EPS * (1 + np.max(np.abs(logsm(th)))) / h)
    assert_close(B.score_norm_sq(th), np.sum((np.eye(K) - pi) ** 2, axis=1), rtol=0, atol=8 * K * EPS)


@given(st.integers(0, 2**32 - 1), st.integers(2, 8), st.booleans())
def test_expected_squared_score_norm_is_one_minus_exp_minus_renyi2(seed, K, extreme):
    th = _logits(seed, K, extreme)
    pi = softmax(th)
    H2 = -np.log(np.sum(pi ** 2))
    lhs = float(pi @ B.score_norm_sq(th))
    assert_close(lhs, float(-np.expm1(-H2)), rtol=0, atol=8 * 2 * K * EPS)  # K terms <= 2, plus log/exp
    assert 0 <= lhs <= 1 - 1 / K + 8 * K * EPS  # the maximum 1 - 1/K at the uniform policy


def test_increasing_in_renyi2_entropy():
    """Policies softmax(t z) for a fixed z and temperatures 1/t: as t falls H_2 rises, and so does E||s||^2."""
    z = np.array([2.0, 0.5, -1.0, 0.3, -0.2])
    ts = np.linspace(3.0, 0.0, 31)
    H2 = [float(-np.log(np.sum(softmax(t * z) ** 2))) for t in ts]
    m = [float(softmax(t * z) @ B.score_norm_sq(t * z)) for t in ts]
    assert all(a < b for a, b in zip(H2, H2[1:])) and all(a < b for a, b in zip(m, m[1:]))
    assert_close(m[-1], 1 - 1 / 5, rtol=0, atol=64 * EPS)


def test_registered_check():
    rep = run_one("wang2025a-empg-renyi", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    assert rep.details["subchecks"][0]["numbers"]["max_abs_err_300_instances(incl. ±30 logits)"] < 1e-14
