"""Stratified GRPO (Zhu et al. 2025, arXiv:2510.06214): SAN's identities hold; as a gradient estimator it is biased.

Exact: Prop. 1 (A_G = A_S + cross-stratum term) and Thm. 1 (variance gap = (1/n) sum_k n_k (R_k - R)^2)
written out with numpy; SAN (r - mean_k) / (std_k + eps) written out against the library; zero mean and
unit variance per non-constant stratum, invariance under R -> aR + b (a > 0) at eps = 0 (and its
failure for eps > 0); when strata are sets of arms, every group's SAN update has zero component along
the stratum direction d (so E[g_SAN] . d = 0 while grad J . d = P(k)(mu_k - J) != 0: biased for grad J),
the blend alpha SAN + (1 - alpha) GRPO recovers exactly (1 - alpha) E[g_GRPO] . d, and the expectation
over every ordered group equals the library's enumeration.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol


def san(R, s, eps=0.0):
    """(R_i - mean of its stratum) / (ddof-0 std of its stratum + eps); 0 in constant strata (eps = 0)."""
    out = np.zeros_like(R)
    for k in np.unique(s):
        m = s == k
        dev = R[m] - R[m].mean()
        sd = np.sqrt(np.mean(dev ** 2))
        out[m] = 0.0 if (eps == 0 and np.ptp(R[m]) == 0) else dev / (sd + eps)
    return out


def _batch(seed, n):
    rng = np.random.default_rng(seed)
    R = rng.normal(size=n)
    R[rng.random(n) < 0.2] = 0.0  # ties
    return R, rng.integers(0, 3, n)


@given(st.integers(0, 2**32 - 1), st.integers(3, 30))
def test_prop1_and_thm1(seed, n):
    R, s = _batch(seed, n)
    d = B.stratified_decomposition(R, s)
    means = {k: R[s == k].mean() for k in np.unique(s)}
    mk = np.array([means[k] for k in s])
    atol = 8 * n * EPS * (1 + np.max(np.abs(R))) ** 2
    assert_close(d["A_global"], R - R.mean(), rtol=0, atol=atol)
    assert_close(d["A_strat"], R - mk, rtol=0, atol=atol)
    assert_close(d["A_global"], d["A_strat"] + d["cross"], rtol=0, atol=atol)
    gap = np.mean((R - R.mean()) ** 2) - np.mean((R - mk) ** 2)
    formula = sum(np.sum(s == k) * (means[k] - R.mean()) ** 2 for k in means) / n
    assert_close(d["var_gap"], gap, rtol=0, atol=atol)
    assert_close(d["var_gap_formula"], formula, rtol=0, atol=atol)
    assert_close(gap, formula, rtol=0, atol=atol)


@given(st.integers(0, 2**32 - 1), st.integers(3, 30), st.sampled_from([0.0, 1e-3]))
def test_san_formula_moments_and_affine_invariance(seed, n, eps):
    R, s = _batch(seed, n)
    A = B.san_advantages(R, s, epsilon=eps)
    # the stratum mean is off by <= n eps max|R|, which divided by sd_k + eps moves A by n eps max|R| / sd_k;
    # the std's relative error n eps moves A (|A| <= sqrt(n_k)) by n eps sqrt(n); x8
    sds = [np.std(R[s == k]) for k in np.unique(s) if np.ptp(R[s == k]) > 0]
    atol = 8 * n * EPS * (np.max(np.abs(R)) / (min(sds, default=1.0) + eps) + np.sqrt(n))
    assert_close(A, san(R, s, eps), rtol=0, atol=atol)
    if eps == 0:
        for k in np.unique(s):
            Ak = A[s == k]
            if np.ptp(R[s == k]) > 0:
                assert_close([Ak.mean(), np.mean(Ak ** 2)], [0.0, 1.0], rtol=0, atol=8 * n * EPS * n)
        assert_close(B.san_advantages(3.0 * R - 2.0, s), A, rtol=0, atol=8 * n * EPS * n)
    elif any(np.ptp(R[s == k]) > 0 for k in np.unique(s)):
        # eps > 0 breaks the invariance by O(eps): (3 dev)/(3 sd + eps) != dev/(sd + eps)
        assert np.max(np.abs(B.san_advantages(3.0 * R - 2.0, s, epsilon=eps) - A)) > 8 * n * EPS * n


STRATA = np.array([0, 0, 1, 1, 1])


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4))
def test_zero_inter_stratum_signal_by_ordered_enumeration(seed, G):
    rng = np.random.default_rng(seed)
    th, r = rng.normal(0, 1, 5), rng.choice([0.0, 0.3, 0.5, 0.9, 1.0], 5)
    d = (STRATA == 1).astype(float)
    mu, _, n, mag = ordered_moments(lambda a, rr: np.array([san(x, STRATA[y]) for x, y in zip(rr, a)]), th, r, G)
    atol = tol(n, mag, G, 5)
    assert_close(B.exact_moments("san", th, r, G, strata=STRATA).mean[0], mu, rtol=0, atol=atol)
    assert abs(mu @ d) <= atol * 5
    # the true gradient along d: P(stratum 1) (E[r | stratum 1] - J)
    pi = softmax(th)
    P1 = pi @ d
    along = P1 * (pi * d @ r / P1 - pi @ r)
    assert_close(policy_gradient(th, r) @ d, along, rtol=0, atol=8 * 5 * EPS * 2)


def test_per_group_updates_have_no_stratum_component():
    th = np.array([0.2, -0.1, 0.5, 0.0, -0.6])
    r = np.array([0.0, 1.0, 0.3, 0.9, 0.5])
    G = 5
    counts, reps = B.count_vectors(5, G)
    g = B.make_estimator("san", strata=STRATA)(th, reps[:, None, :], r[reps][:, None, :])[:, 0, :]
    d = (STRATA == 1).astype(float)
    mag = float(np.max(np.abs(g))) + 1
    assert np.max(np.abs(g @ d)) <= 8 * (G + 5) * EPS * mag
    assert abs(policy_gradient(th, r) @ d) > 0.02  # 0.0231: the signal SAN removes


@given(st.floats(0.0, 1.0))
def test_blend_recovers_the_grpo_share(alpha):
    """E[g_alpha] . d = alpha E[g_SAN] . d + (1 - alpha) E[g_GRPO] . d = (1 - alpha) E[g_GRPO(ddof=0, eps=0)] . d."""
    th = np.array([0.2, -0.1, 0.5, 0.0, -0.6])
    r = np.array([0.0, 1.0, 0.3, 0.9, 0.5])
    d = (STRATA == 1).astype(float)
    m_blend = B.exact_moments("san", th, r, 4, strata=STRATA, blend=alpha)
    m_grpo = B.exact_moments("grpo", th, r, 4, ddof=0, epsilon=0.0)
    atol = 8 * m_blend.n_groups * EPS * 10  # |A| <= sqrt(G - 1) for SAN and GRPO (ddof 0), |score| <= 2: updates < 10
    assert_close(m_blend.mean[0] @ d, (1 - alpha) * (m_grpo.mean[0] @ d), rtol=0, atol=atol)


def test_registered_check():
    rep = run_one("zhu2025b-stratified-grpo", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    nums = rep.details["subchecks"][2]["numbers"]
    assert abs(nums["E[g_SAN].d_stratum"]) < 1e-15 and nums["gradJ.d_stratum"] > 0.02
    names = {c["name"] for c in rep.claims}
    assert "SAN has zero inter-stratum signal (biased for grad J with action-dependent strata)" in names
