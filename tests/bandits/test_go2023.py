"""f-DPG (Go et al. 2023, arXiv:2302.08215): the policy gradient of any f-divergence, and a misestimated Z.

Exact: the f-divergences against their textbook forms (KL(p || pi), KL(pi || p), twice the
Jensen-Shannon divergence, total variation); the importance-weighted f-DPG expectation
E_q[(pi/q)(f'(pi/p) - b) grad log pi] against central differences of D_f(pi_theta || p) for any
proposal q and baseline b; with Z-hat = c Z the forward-KL gradient is exactly 1/c times the true one
(direction kept), the reverse-KL gradient is unchanged (the pseudo-reward shifts by the constant
log c, which the score absorbs), and the JS gradient changes direction (stored instance).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _ordered import EPS, softmax


def _case(seed, K):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, K), softmax(rng.normal(0, 1, K)), softmax(rng.normal(0, 1, K)), float(rng.normal())


@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_divergences_against_their_textbook_forms(seed, K):
    th, p, _, _ = _case(seed, K)
    pi = softmax(th)
    m = (pi + p) / 2
    kl = lambda a, b: float(a @ np.log(a / b))  # noqa: E731
    mag = float(np.max(np.abs(np.log(pi / p))) + 1)
    atol = 8 * 4 * K * EPS * mag
    assert_close(B.f_divergence(pi, p, "kl"), kl(p, pi), rtol=0, atol=atol)
    assert_close(B.f_divergence(pi, p, "rkl"), kl(pi, p), rtol=0, atol=atol)
    assert_close(B.f_divergence(pi, p, "js"), kl(pi, m) + kl(p, m), rtol=0, atol=atol)
    assert_close(B.f_divergence(pi, p, "tv"), 0.5 * float(np.abs(pi - p).sum()), rtol=0, atol=atol)


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.sampled_from(["kl", "rkl", "js"]))
def test_fdpg_expectation_is_grad_D_f_for_any_proposal_and_baseline(seed, K, f):
    th, p, q, b = _case(seed, K)
    h = 1e-5
    fd = np.array([(B.f_divergence(softmax(th + h * e), p, f) - B.f_divergence(softmax(th - h * e), p, f)) / (2 * h)
                   for e in np.eye(K)])
    mag = float(np.max(np.abs(np.log(softmax(th) / p))) + np.max(p / softmax(th)) + 1)
    # central differences: truncation h^2 x third derivative (<= 10 mag^3) + rounding 8 K eps mag / h
    atol = 10 * h ** 2 * mag ** 3 + 8 * K * EPS * mag / h
    got = B.fdpg_expected_gradient(th, p, f, proposal=q, baseline=b)
    assert_close(got, fd, rtol=0, atol=atol)
    # the baseline and the proposal do not change the expectation (E_pi[score] = 0, importance weights cancel)
    assert_close(got, B.fdpg_expected_gradient(th, p, f), rtol=0, atol=8 * K * EPS * mag * (1 + abs(b)))


@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.floats(0.2, 5.0))
def test_misestimated_partition_function(seed, K, c):
    th, p, _, _ = _case(seed, K)
    true = {f: B.fdpg_expected_gradient(th, p, f) for f in ("kl", "rkl")}
    mis = {f: B.fdpg_expected_gradient(th, p, f, z_ratio=c) for f in ("kl", "rkl")}
    mag = float(np.max(np.abs(np.log(softmax(th) / p))) + np.max(p / softmax(th)) + abs(np.log(c)) + 1)
    atol = 8 * 2 * K * EPS * mag * max(1.0, 1 / c)
    assert_close(mis["kl"], true["kl"] / c, rtol=0, atol=atol)
    assert_close(mis["rkl"], true["rkl"], rtol=0, atol=atol)


def test_js_direction_biased_by_z():
    """The check's instance (K = 4, Z-hat = 2Z): the JS gradient's relative error 0.35803, of which an orthogonal
    residual of 1.7% of its length (cos 0.99985): not a positive multiple of the true gradient, unlike KL's."""
    th = np.array([0.2, -0.5, 1.0, 0.0])
    p = softmax(np.array([1.0, 0.0, -1.0, 0.5]))
    true, mis = B.fdpg_expected_gradient(th, p, "js"), B.fdpg_expected_gradient(th, p, "js", z_ratio=2.0)
    resid = mis - (mis @ true) / (true @ true) * true
    mag = float(np.max(np.abs(np.log(softmax(th) / p))) + 2)
    assert np.linalg.norm(resid) / np.linalg.norm(mis) > 1e6 * 8 * 4 * EPS * mag  # 0.017 vs rounding ~1e-14
    assert_close(float(np.linalg.norm(mis - true) / np.linalg.norm(true)), 0.3580337269532854, rtol=1e-10)


def test_registered_check():
    rep = run_one("go2023-fdpg", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    claims = {c["name"]: c["verdict"] for c in rep.claims}
    assert claims["Z-hat = 2Z biases the JS gradient's direction"] == "consistent"
    assert rep.details["subchecks"][0]["numbers"]["max_rel_err_vs_finite_difference(h=1e-6)"] < 1e-6
