"""NFT (Chen et al. 2025, arXiv:2505.18116): NFT equals GRPO / Dr. GRPO on-policy, and what the r-hat clamp changes.

Exact: NFT's coefficients written from its loss (minus the gradient of -log R on correct and of
-log((1 - r R)/(1 - r)) on wrong answers, times w(r)), summed over every ordered group on- and
off-policy, against the library's enumeration; sample by sample at theta = theta_old NFT is Dr. GRPO
(normalize = 1) and GRPO with ddof = 0 (normalize = 2) wherever r-hat is not clamped; the released
clamp r-hat in [0.02, 0.98] adds exactly (p^{G-1} + (1-p)^{G-1}) / 7 grad p (normalize = 2) and
0.02 (p^{G-1} + (1-p)^{G-1}) grad p (normalize = 1) to the on-policy mean (derived here from the
all-correct and all-wrong groups), which is the 2.33% the check reports as a violation.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol

TH = np.array([0.4, -0.2, 1.0, -1.3])  # the check's instance
CORR = np.array([1.0, 0.0, 1.0, 0.0])


def nft(th, old, normalize, clip=(0.02, 0.98)):
    """NFT coefficient on grad log pi_theta(y_i): w(r) [1{correct} - 1{wrong} r R_i / (1 - r R_i)], R = pi/pi_old."""
    pi, po = softmax(th), softmax(old)

    def adv(arms, r):
        rh = np.clip(r.mean(-1, keepdims=True), *clip)
        w = {1: 1 - rh, 2: np.sqrt((1 - rh) / rh)}[normalize]
        R = pi[arms] / po[arms]
        return w * np.where(r == 1, 1.0, -rh * R / (1 - rh * R))
    return adv


@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 2]), st.integers(2, 5))
def test_on_policy_mean_by_ordered_enumeration(seed, normalize, G):
    rng = np.random.default_rng(seed)
    K = 3
    th = rng.normal(0, 1.5, K)
    c = np.zeros(K)
    c[rng.permutation(K)[: rng.integers(1, K)]] = 1.0
    mu, _, n, mag = ordered_moments(nft(th, th, normalize), th, c, G)
    assert_close(B.exact_moments("nft", th, c, G, normalize=normalize).mean[0], mu, rtol=0, atol=tol(n, mag, G, K))


def test_off_policy_mean_by_ordered_enumeration():
    """Samples from theta_old, score at theta (the check's off-policy instance, G = 4)."""
    old = TH + np.array([0.05, -0.05, 0.03, 0.0])
    mu, _, n, mag = ordered_moments(nft(TH, old, 2), TH, CORR, 4, behavior_logits=old)
    got = B.exact_moments("nft", TH, CORR, 4, behavior_logits=old, normalize=2).mean[0]
    assert_close(got, mu, rtol=0, atol=tol(n, mag, 4, 4))
    grpo_old = B.exact_moments("grpo", old, CORR, 4, ddof=0, epsilon=0.0).mean[0]
    assert np.linalg.norm(got - grpo_old) > 1e3 * tol(n, mag, 4, 4)  # differs off-policy (our finding)


@given(st.integers(2, 7), st.sampled_from([1, 2]))
def test_samplewise_equal_to_grpo_where_the_clamp_is_inactive(G, normalize):
    """Every ordered group with both outcomes (K = 2: one right, one wrong arm): NFT = Dr. GRPO / GRPO(ddof=0)."""
    th = np.array([0.3, -0.4])
    c = np.array([1.0, 0.0])
    arms = np.array(np.meshgrid(*[[0, 1]] * G, indexing="ij")).reshape(G, -1).T
    r = c[arms]
    k = r.sum(1)
    keep = (k > 0) & (k < G)
    a, rr = arms[keep][:, None, :], r[keep][:, None, :]
    ref = B.make_estimator("dr_grpo") if normalize == 1 else B.make_estimator("grpo", ddof=0, epsilon=0.0)
    g_nft = B.make_estimator("nft", normalize=normalize)(th, a, rr)
    g_ref = ref(th, a, rr)
    assert_close(g_nft, g_ref, rtol=0, atol=8 * G * EPS * max(1.0, float(np.max(np.abs(g_ref)))))


def clamp_excess(p, G, normalize):
    """E[g_NFT] - E[g_GRPO] on-policy = (P(all right) c_right E[s | right] + P(all wrong) c_wrong E[s | wrong]).

    All right: r-hat = 0.98, coefficient w(0.98); all wrong: r-hat = 0.02, coefficient -w(0.02) 0.02/0.98;
    E[s | right] = grad p / p, E[s | wrong] = -grad p / (1 - p). Returns the factor on grad p."""
    w = {1: lambda x: 1 - x, 2: lambda x: np.sqrt((1 - x) / x)}[normalize]
    return p ** (G - 1) * w(0.98) + (1 - p) ** (G - 1) * w(0.02) * 0.02 / 0.98


def test_clamp_excess_closed_form():
    """normalize = 2: the factor is (p^{G-1} + (1-p)^{G-1}) / 7; normalize = 1: 0.02 (p^{G-1} + (1-p)^{G-1})."""
    G = 6
    p = float(softmax(TH) @ CORR)
    gp = policy_gradient(TH, CORR)
    for normalize, ref in ((2, "grpo"), (1, "dr_grpo")):
        opts = {"ddof": 0, "epsilon": 0.0} if ref == "grpo" else {}
        m_nft = B.exact_moments("nft", TH, CORR, G, normalize=normalize)
        m_ref = B.exact_moments(ref, TH, CORR, G, **opts)
        f = clamp_excess(p, G, normalize)
        atol = 8 * (m_nft.n_groups + G) * EPS * 2 * np.sqrt(np.trace(m_nft.cov[0]) + m_nft.mean[0] @ m_nft.mean[0])
        assert_close(m_nft.mean[0] - m_ref.mean[0], f * gp, rtol=0, atol=atol)
    assert_close(clamp_excess(p, G, 2), (p ** 5 + (1 - p) ** 5) / 7, rtol=16 * EPS)
    assert_close(clamp_excess(p, G, 1), 0.02 * (p ** 5 + (1 - p) ** 5), rtol=16 * EPS)
    # the relative difference the check reports: factor / c_6(p), since E[g_GRPO] = c_6(p) grad p
    assert_close(clamp_excess(p, G, 2) / float(B.grpo_weight_closed_form(p, G)), 0.0233, rtol=0, atol=5e-5)


def test_nft_headline_shows_the_failing_subclaim():
    """(moved from test_llm_claims.py) Before: 'holds exactly' while the on-policy expectations differed
    (clamped all-equal groups)."""
    rep = run_one("chen2025a-nft-grpo", RunConfig(quick=True), catch=False)
    assert rep.verdict == "violated"
    bad = [c for c in rep.claims if c["verdict"] == "violated"]
    assert [c["name"] for c in bad] == ["released NFT code (r-hat clamped to [0.02, 0.98]) matches GRPO on-policy in expectation"]
    assert "0.0233" in bad[0]["reason"]  # relative difference of the on-policy expectations
    assert bad[0]["name"] in rep.reason
    nums = rep.details["subchecks"][0]["numbers"]
    p = float(softmax(TH) @ CORR)
    assert_close(nums["rel_diff_of_expectations_on_policy(normalize=2)"],
                 clamp_excess(p, 6, 2) / float(B.grpo_weight_closed_form(p, 6)), rtol=1e-12)
