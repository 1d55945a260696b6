"""PSR / NSR (Zhu et al. 2025, arXiv:2506.01347): positive and negative sample reinforcement.

Exact: the advantages r (PSR), r - 1 (NSR) and lambda / -1 (W-REINFORCE) summed over every ordered
group give grad p, grad p and (1 + lambda) grad p (L_NSR = 1 + L_PSR), deterministic or Bernoulli
rewards; with G = 1 their covariances differ by exactly sum_{correct} pi s s^T - sum_{wrong} pi s s^T;
the code's kept-subset mean weights grad p by (1 - (1-p)^G)/p (PSR) and (1 - p^G)/(1 - p) (NSR)
(derived here from the binomial law of the successes); one NSR step with the probability loss is
theta - eta grad pi_y (central differences) and moves log(pi_v / pi_w) by eta pi_y (pi_v - pi_w) for
unsampled v, w (Eqs. 7-8: order kept, prior-guided).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol

ADV = {
    "psr": lambda lam: (lambda a, r: r),
    "nsr": lambda lam: (lambda a, r: r - 1.0),
    "w_reinforce": lambda lam: (lambda a, r: np.where(r == 1, lam, -1.0)),
}


def _case(seed, K):
    rng = np.random.default_rng(seed)
    c = np.zeros(K)
    c[rng.permutation(K)[: rng.integers(1, K)]] = 1.0
    return rng.normal(0, 1.5, K), c, float(rng.uniform(0.0, 1.0))


@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.integers(1, 4), st.sampled_from(sorted(ADV)))
def test_expected_gradients_by_ordered_enumeration(seed, K, G, mode):
    th, c, lam = _case(seed, K)
    mu, _, n, mag = ordered_moments(ADV[mode](lam), th, c, G)
    factor = 1 + lam if mode == "w_reinforce" else 1.0
    atol = tol(n, mag, G, K)
    assert_close(mu, factor * policy_gradient(th, c), rtol=0, atol=atol + 8 * K * EPS * factor)
    assert_close(B.exact_moments(mode, th, c, G, lam=lam).mean[0], mu, rtol=0, atol=atol)


@settings(max_examples=10)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.sampled_from(sorted(ADV)))
def test_bernoulli_rewards(seed, G, mode):
    rng = np.random.default_rng(seed)
    th, q = rng.normal(0, 1.5, 3), rng.uniform(0.05, 0.95, 3)
    mu, _, n, mag = ordered_moments(ADV[mode](0.1), th, q, G, binary=True)
    factor = 1.1 if mode == "w_reinforce" else 1.0
    atol = tol(n, mag, G, 3)
    assert_close(mu, factor * policy_gradient(th, q), rtol=0, atol=atol + 8 * 3 * EPS)
    assert_close(B.exact_moments(mode, th, q, G, binary=True, lam=0.1).mean[0], mu, rtol=0, atol=atol)


@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_single_sample_covariance_difference(seed, K):
    th, c, _ = _case(seed, K)
    pi = softmax(th)
    S = np.eye(K) - pi
    outer = np.einsum("a,ai,aj->ij", pi * (2 * c - 1), S, S)  # sum_correct - sum_wrong of pi s s^T
    d = B.exact_moments("psr", th, c, 1).cov[0] - B.exact_moments("nsr", th, c, 1).cov[0]
    assert_close(d, outer, rtol=0, atol=8 * 4 * K * EPS)


@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.integers(1, 4))
def test_kept_subset_mean_weights(seed, K, G):
    th, c, _ = _case(seed, K)
    p = float(softmax(th) @ c)

    def subset(mode):
        def adv(a, r):
            keep = (r == 1) if mode == "psr" else (r == 0)
            nk = keep.sum(-1, keepdims=True)
            base = r if mode == "psr" else r - 1.0
            return np.where(nk > 0, base * G / np.maximum(nk, 1), 0.0)
        return adv

    for mode, w in (("psr", (1 - (1 - p) ** G) / p), ("nsr", (1 - p ** G) / (1 - p))):
        mu, _, n, mag = ordered_moments(subset(mode), th, c, G)
        atol = tol(n, mag, G, K) + 8 * (G + K) * EPS * w
        assert_close(mu, w * policy_gradient(th, c), rtol=0, atol=atol)
        # the reference w cancels: 1 - (1-p)^G (or 1 - p^G) carries an absolute error of about (G+1) eps,
        # then divided by p (or 1-p); e.g. G=1, small p: w = 1 exactly but computed 1 - 2e-14
        w_err = 4 * (G + 2) * EPS * (w + 1 / min(p, 1 - p))
        assert_close(float(B.binary_weight(mode, p, G, subset_mean=True)), w, rtol=0, atol=w_err)
        assert_close(B.exact_moments(mode, th, c, G, subset_mean=True).mean[0], mu, rtol=0, atol=atol)


@given(st.integers(0, 2**32 - 1), st.integers(3, 6), st.floats(0.05, 2.0))
def test_nsr_step_and_redistribution(seed, K, eta):
    rng = np.random.default_rng(seed)
    th = rng.normal(0, 1.5, K)
    y = int(rng.integers(K))
    h = 1e-6
    grad_py = np.array([(softmax(th + h * e)[y] - softmax(th - h * e)[y]) / (2 * h) for e in np.eye(K)])
    th2 = B.nsr_probability_step(th, y, eta)
    # pi_y has third derivatives <= 1: truncation eta h^2, rounding 8 eta eps / h
    assert_close(th2, th - eta * grad_py, rtol=0, atol=eta * (h ** 2 + 8 * EPS / h) + 8 * EPS * np.max(np.abs(th)))
    pi, pi2 = softmax(th), softmax(th2)
    others = [v for v in range(K) if v != y]
    for v in others:
        for w in others:
            lhs = np.log(pi2[v] / pi2[w]) - np.log(pi[v] / pi[w])
            assert_close(lhs, eta * pi[y] * (pi[v] - pi[w]), rtol=0, atol=8 * 4 * EPS * (np.max(np.abs(th)) + eta + 1))
    assert list(np.argsort(pi[others], kind="stable")) == list(np.argsort(pi2[others], kind="stable"))


def test_registered_check():
    rep = run_one("zhu2025a-psr-nsr", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    nums = rep.details["subchecks"][1]["numbers"]
    p = nums["p"]
    assert_close(nums["w_psr"], (1 - (1 - p) ** 4) / p, rtol=1e-12)
    assert_close(nums["w_nsr"], (1 - p ** 4) / (1 - p), rtol=1e-12)
    assert rep.details["subchecks"][2]["numbers"]["order_preserved"] is True
