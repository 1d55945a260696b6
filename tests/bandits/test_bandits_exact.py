"""Count-vector enumeration against brute-force product enumeration, and the exact identities.

Ground truth: brute force over all K^(M G) ordered groups; closed forms (c_G(p), (G-1)/G,
RLOO = grad J); finite differences. Exact identities are asserted to rtol 1e-10.
"""

import math

import numpy as np
import pytest
from _bandit_strategies import bandit_case
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ValidationError
from pgtheory.testing import assert_close

RTOL = 1e-10  # exact sums of <= 1e5 float64 terms

SEPARABLE = [("reinforce", {"baseline": 0.3}), ("rloo", {}), ("grpo", {"ddof": 0, "epsilon": 0.0}),
             ("grpo", {"ddof": 1, "epsilon": 1e-4}), ("dr_grpo", {}), ("oreal", {})]
BINARY_ONLY = [("psr", {}), ("nsr", {"subset_mean": True}), ("w_reinforce", {"lam": 0.1}), ("disco", {}),
               ("bnpo", {"alpha": 1.5, "beta": 2.0}), ("nft", {"normalize": 2})]


def _scale(x):
    return max(float(np.max(np.abs(x))), 1e-300)


def _atol(r, G):
    """Absolute float64 accuracy of sums whose terms are bounded by ~G (1 + max|r|) (cancellation)."""
    return 1e-13 * G * (1.0 + float(np.max(np.abs(r))))


def test_count_vectors_complete_and_unique():
    for C, G in [(1, 3), (2, 1), (3, 4), (5, 3), (4, 6)]:
        counts, reps = B.count_vectors(C, G)
        assert counts.shape == (math.comb(G + C - 1, C - 1), C)
        assert np.all(counts.sum(axis=1) == G)
        assert len({tuple(r) for r in counts}) == counts.shape[0]
        rebuilt = np.stack([np.bincount(r, minlength=C) for r in reps])
        assert np.array_equal(rebuilt, counts)


@given(bandit_case(max_K=3, max_M=1, min_G=2, max_G=4), st.sampled_from(SEPARABLE))
@settings(deadline=None)
def test_enumeration_equals_brute_force(case, est):
    th, r, G, _ = case
    name, opts = est
    e = B.exact_moments(name, th, r, G, **opts)
    b = B.brute_force_moments(name, th, r, G, **opts)
    assert_close(e.mean, b.mean, rtol=RTOL, atol=_atol(r, G))
    assert_close(e.cov[0], b.cov, rtol=RTOL, atol=_atol(r, G) ** 2 * 1e11)


@given(bandit_case(max_K=3, max_M=1, min_G=1, max_G=4, binary_only=True), st.sampled_from(BINARY_ONLY))
@settings(deadline=None)
def test_enumeration_equals_brute_force_binary_estimators(case, est):
    th, r, G, _ = case
    name, opts = est
    e = B.exact_moments(name, th, r, G, **opts)
    b = B.brute_force_moments(name, th, r, G, **opts)
    assert_close(e.mean, b.mean, rtol=RTOL, atol=_atol(r, G))


@pytest.mark.parametrize("name,opts", [("grpo", {"scale_rewards": "batch", "ddof": 0, "epsilon": 0.0}),
                                       ("bnpo", {}), ("dr_grpo", {"loss_type": "bnpo"})])
def test_joint_enumeration_equals_brute_force(name, opts):
    """Batch-coupled estimators (batch std, BNPO's batch Beta fit, batch token mean) over two prompts."""
    rng = np.random.default_rng(1)
    th = rng.normal(size=(2, 3))
    r = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    lengths = np.array([[1.0, 3.0, 2.0], [2.0, 2.0, 5.0]]) if "loss_type" in opts else None
    est = B.make_estimator(name, **opts)
    e = B.exact_moments(est, th, r, 3, lengths=lengths)
    assert e.joint
    if lengths is None:
        b = B.brute_force_moments(est, th, r, 3)
    else:  # brute force with lengths through the estimator call
        import itertools

        seqs = np.array(list(itertools.product(range(3), repeat=6))).reshape(-1, 2, 3)
        pi = B.policy_probs(th)
        w = np.prod(pi[np.arange(2)[None, :, None], seqs], axis=(1, 2))
        g = est(th, seqs, r[np.arange(2)[None, :, None], seqs], lengths=lengths).reshape(len(seqs), 6)
        b = type("X", (), {"mean": (w @ g).reshape(2, 3), "cov": ((g - w @ g) * w[:, None]).T @ (g - w @ g)})
    assert_close(e.mean, b.mean, rtol=RTOL, atol=1e-13)
    assert_close(e.cov, b.cov, rtol=RTOL, atol=1e-13)


@given(bandit_case(max_K=4, max_M=2, min_G=2, max_G=5))
@settings(deadline=None)
def test_rloo_unbiased_and_dr_grpo_scaled(case):
    th, r, G, _ = case
    g = B.exact_logit_gradient(th, r)
    assert_close(B.exact_moments("rloo", th, r, G).mean, g, rtol=RTOL, atol=_atol(r, G))
    assert_close(B.exact_moments("dr_grpo", th, r, G).mean, (G - 1) / G * g, rtol=RTOL, atol=_atol(r, G))
    assert_close(B.exact_moments("reinforce", th, r, G, baseline=-0.7).mean, g, rtol=RTOL,
                 atol=_atol(r, G))


@given(bandit_case(max_K=4, max_M=2, min_G=2, max_G=6, binary_only=True),
       st.sampled_from([("grpo", {"ddof": 0, "epsilon": 0.0}), ("grpo", {"ddof": 1, "epsilon": 1e-4}),
                        ("dr_grpo", {}), ("rloo", {}), ("disco", {}), ("psr", {"subset_mean": True}),
                        ("nsr", {}), ("bnpo", {"alpha": 1.5, "beta": 1.5}), ("oreal", {})]))
@settings(deadline=None)
def test_binary_reduction_matches_enumeration(case, est):
    """E[g_x] = w_G(p_x) grad p_x for every prompt (binary deterministic rewards)."""
    th, r, G, _ = case
    name, opts = est
    p = B.success_probability(th, r)
    w = B.binary_weight(name, p, G, **opts)
    g = B.exact_logit_gradient(th, r) * w[:, None]
    assert_close(B.exact_moments(name, th, r, G, **opts).mean, g, rtol=RTOL, atol=_atol(r, G))


@given(st.integers(2, 3), st.integers(2, 4), st.integers(0, 2**32 - 1))
@settings(deadline=None)
def test_binary_reduction_stochastic_rewards(K, G, seed):
    """Bernoulli rewards: enumeration over (arm, outcome) categories equals w_G(p) grad p."""
    rng = np.random.default_rng(seed)
    th, q = rng.normal(size=K) * 2, rng.random(K)
    p = B.success_probability(th, q)
    for name, opts in [("grpo", {"ddof": 1, "epsilon": 0.0}), ("rloo", {}), ("disco", {})]:
        w = float(B.binary_weight(name, p, G, **opts))
        e = B.exact_moments(name, th, q, G, binary=True, **opts)
        g = w * B.exact_logit_gradient(th, q)
        assert_close(e.mean[0], g, rtol=RTOL, atol=1e-13)


@pytest.mark.parametrize("G", [2, 3, 4, 8, 16])
@pytest.mark.parametrize("ddof", [0, 1])
def test_grpo_weight_closed_form(G, ddof):
    p = np.linspace(0.02, 0.98, 25)
    assert_close(B.binary_weight("grpo", p, G, ddof=ddof, epsilon=0.0), B.grpo_weight_closed_form(p, G, ddof=ddof))


def test_known_weights():
    """Dr. GRPO (G-1)/G, RLOO 1, PSR subset (1-(1-p)^G)/p, DisCO -> 1/(p(1-p)) for large G."""
    p = np.linspace(0.05, 0.95, 19)
    G = 6
    assert_close(B.binary_weight("dr_grpo", p, G), np.full_like(p, (G - 1) / G))
    assert_close(B.binary_weight("rloo", p, G), np.ones_like(p))
    assert_close(B.binary_weight("psr", p, G, subset_mean=True), (1 - (1 - p) ** G) / p)
    assert_close(B.binary_weight("nsr", p, G, subset_mean=True), (1 - p ** G) / (1 - p))
    assert_close(B.binary_weight("disco", p, 400), 1 / (p * (1 - p)), rtol=2e-2)
    assert_close(B.binary_weight("grpo", p, 2000, ddof=0, epsilon=0.0), B.grpo_weight_limit(p), rtol=2e-2)


@given(bandit_case(max_K=4, max_M=2, min_G=2, max_G=6))
@settings(deadline=None)
def test_all_equal_groups_give_zero(case):
    th, r, G, _ = case
    a = np.zeros((1, th.shape[0], G), dtype=int)
    rr = np.ones((1, th.shape[0], G)) * 0.3
    for name, o in [("rloo", {}), ("dr_grpo", {}), ("grpo", {"epsilon": 0.0}), ("grpo", {})]:
        assert np.all(B.make_estimator(name, **o)(th, a, rr) == 0.0)


@given(bandit_case(max_K=4, max_M=2, min_G=2, max_G=6, binary_only=True), st.sampled_from([1, 2]))
@settings(deadline=None)
def test_nft_equals_grpo_on_policy_samplewise(case, normalize):
    th, r, G, _ = case
    K = th.shape[1]
    counts, reps = B.count_vectors(K, G)
    a = np.broadcast_to(reps[:, None, :], (reps.shape[0], th.shape[0], G))
    rr = np.take_along_axis(np.broadcast_to(r, (reps.shape[0],) + r.shape), a, axis=-1)
    k = rr.sum(-1)
    ref = B.make_estimator("dr_grpo") if normalize == 1 else B.make_estimator("grpo", ddof=0, epsilon=0.0)
    g1 = B.make_estimator("nft", normalize=normalize)(th, a, rr)
    g2 = ref(th, a, rr)
    nondeg = (k > 0) & (k < G)
    assert_close(np.where(nondeg[..., None], g1, 0.0), np.where(nondeg[..., None], g2, 0.0), rtol=RTOL, atol=1e-12)


def test_nft_coefficients_are_minus_loss_gradient():
    """Finite differences of the NFT loss (per sample) at theta != theta_old."""
    from pgtheory.bandits._model import _log_probs

    th, old = np.array([0.3, -0.2, 0.9]), np.array([0.0, 0.1, 0.5])
    r = np.array([[1.0, 0.0, 0.0, 1.0]])
    a = np.array([[0, 1, 2, 0]])
    c = B.nft_coefficients(r, a, th, old, normalize=2)[0]
    rh = r.mean()
    w = np.sqrt((1 - rh) / rh)

    def loss(z, i):
        R = np.exp(_log_probs(z)[a[0, i]] - _log_probs(old)[a[0, i]])
        return w * (-np.log(R) if r[0, i] == 1 else -np.log((1 - rh * R) / (1 - rh)))

    h = 1e-6
    for i in range(4):
        fd = np.array([(loss(th + h * e, i) - loss(th - h * e, i)) / (2 * h) for e in np.eye(3)])
        score = np.eye(3)[a[0, i]] - B.policy_probs(th)
        assert_close(-fd, c[i] * score, rtol=1e-7, atol=1e-9)


@given(st.integers(2, 6), st.integers(0, 2**32 - 1), st.booleans())
@settings(deadline=None)
def test_per_arm_identities(K, seed, extreme):
    """k1/k3 values unbiased for KL(pi||ref); E grad k3 = grad KL(ref||pi); E||score||^2 = 1 - sum pi^2."""
    rng = np.random.default_rng(seed)
    th = rng.normal(size=K) * (30 if extreme else 2)
    ref = rng.normal(size=K)
    pi, pr = B.policy_probs(th), B.policy_probs(ref)
    from pgtheory._math import kl_divergence

    v, gr = B.kl_estimators(th, ref), B.kl_estimator_gradients(th, ref)
    kl = float(kl_divergence(pi, pr))
    assert_close(pi @ v["k1"], kl, rtol=1e-9, atol=1e-12)
    assert_close(pi @ v["k3"], kl, rtol=1e-9, atol=1e-12)
    S = np.eye(K) - pi
    assert_close(pi @ gr["k3"], -(pr @ S), rtol=1e-9, atol=1e-12)
    assert_close(pi @ B.score_norm_sq(th), 1 - np.sum(pi ** 2), rtol=RTOL, atol=1e-14)


def test_kl_gradients_against_finite_differences():
    th, ref = np.array([0.2, -0.7, 1.1, 0.0]), np.array([-0.5, 0.3, 0.0, 0.8])
    from pgtheory._math import kl_divergence

    h = 1e-6
    pr = B.policy_probs(ref)
    fwd = np.array([(kl_divergence(pr, B.policy_probs(th + h * e)) - kl_divergence(pr, B.policy_probs(th - h * e))) / (2 * h)
                    for e in np.eye(4)])
    rev = np.array([(kl_divergence(B.policy_probs(th + h * e), pr) - kl_divergence(B.policy_probs(th - h * e), pr)) / (2 * h)
                    for e in np.eye(4)])
    pi = B.policy_probs(th)
    gr = B.kl_estimator_gradients(th, ref)
    assert_close(pi @ gr["k3"], fwd, rtol=1e-7, atol=1e-9)
    assert_close(pi @ gr["k2"], rev, rtol=1e-7, atol=1e-9)


def test_bon_tilt_and_copg_and_fdpg():
    pi = B.policy_probs(np.array([0.3, -0.2, 1.0, 0.1]))
    c = np.array([True, False, True, False])
    p = float(pi[c].sum())
    for N in (2, 4, 7):
        assert_close(B.best_of_n_distribution(pi, c, N), B.kl_tilt(pi, c.astype(float), float(B.bon_tilt_beta(p, N))))
    th, ref, r, beta = np.array([0.3, -0.6, 1.0]), np.array([0.0, 0.4, -0.3]), np.array([1.0, 0.0, 0.5]), 0.7
    pi = B.policy_probs(th)
    Rb = r - beta * np.log(pi / B.policy_probs(ref))
    assert_close(B.copg_expected_update(th, ref, r, beta), 4 * beta * (pi * Rb) @ (np.eye(3) - pi))
    star = B.kl_tilt(B.policy_probs(ref), r, beta)
    assert B.copg_loss(np.log(star), ref, r, beta, mu=np.array([0.2, 0.5, 0.3])) <= 1e-25
    p = B.policy_probs(np.array([1.0, 0.0, -1.0]))
    assert_close(B.fdpg_expected_gradient(th, p, "rkl", z_ratio=3.0), B.fdpg_expected_gradient(th, p, "rkl"), atol=1e-14)
    assert_close(B.fdpg_expected_gradient(th, p, "kl", z_ratio=4.0), 0.25 * B.fdpg_expected_gradient(th, p, "kl"))


def test_bnpo_special_cases_and_rule():
    counts, reps = B.count_vectors(2, 7)
    r = (reps == 0).astype(float)[:, None, :]
    assert_close(B.bnpo_advantages(r, alpha=1.0, beta=1.0), B.dr_grpo_advantages(r))
    assert_close(B.bnpo_advantages(r, alpha=1.5, beta=1.5), np.pi / 8 * B.grpo_advantages(r, ddof=0, epsilon=0.0),
                 atol=1e-14)
    from scipy.special import digamma

    for a, b in [(2.0, 3.0), (0.7, 0.9), (10.0, 4.0)]:
        al, be = 1 + a / 3, 1 + b / 3  # stationarity (digamma) conditions hold with equality
        assert_close(digamma(al) - digamma(al + be), digamma(a + 3 - 2 * al) - digamma(a + b + 6 - 2 * al - 2 * be))
        v0 = B.bnpo_variance_proxy(al, be, a, b)
        for d in ([1e-3, 0], [0, 1e-3], [-1e-3, 0], [0, -1e-3]):
            assert B.bnpo_variance_proxy(al + d[0], be + d[1], a, b) > v0
    ph = np.array([0.2, 0.5, 0.9, 0.4])
    m, v = ph.mean(), ph.var()
    k = m * (1 - m) / v - 1
    assert_close(np.array(B.bnpo_beta_parameters(ph)), np.array([max(1, 1 + k * m / 3), max(1, 1 + k * (1 - m) / 3)]))


@given(st.integers(3, 30), st.integers(0, 2**32 - 1))
@settings(deadline=None)
def test_stratified_identities(n, seed):
    rng = np.random.default_rng(seed)
    R = rng.choice([0.0, 1.0, 0.5, rng.normal()], size=n)
    s = rng.integers(0, 3, size=n)
    d = B.stratified_decomposition(R, s)
    assert_close(d["A_global"], d["A_strat"] + d["cross"], atol=1e-14)
    assert_close(d["var_gap"], d["var_gap_formula"], atol=1e-14)
    A = B.san_advantages(R, s)
    assert_close(B.san_advantages(2.5 * R + 7.0, s), A, atol=1e-12)
    for k in np.unique(s):
        if np.ptp(R[s == k]) > 0:
            assert_close(A[s == k].mean(), 0.0, atol=1e-13)
            assert_close(np.mean(A[s == k] ** 2), 1.0)
        else:
            assert np.all(A[s == k] == 0.0)


@given(bandit_case(max_K=5, max_M=1, min_G=1, max_G=5))
@settings(deadline=None)
def test_san_kills_inter_stratum_component_samplewise(case):
    th, r, G, _ = case
    K = th.shape[1]
    strata = np.arange(K) % 2
    counts, reps = B.count_vectors(K, G)
    g = B.make_estimator("san", strata=strata)(th, reps[:, None, :], r[0][reps][:, None, :])[:, 0, :]
    d = (strata == 1).astype(float)
    assert_close(g @ d, np.zeros(len(g)), atol=1e-12)


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4))
@settings(deadline=None)
def test_loss_type_equal_lengths_is_plain(case):
    th, r, G, _ = case
    base = B.exact_moments("grpo", th, r, G).mean
    for lt in ("grpo", "bnpo", "dapo", "dr_grpo"):
        est = B.make_estimator("grpo", loss_type=lt)
        assert_close(B.exact_moments(est, th, r, G, lengths=np.ones(th.shape[1])).mean, base, rtol=RTOL,
                     atol=_atol(r, G))


def test_nsr_redistribution_identity():
    th = np.array([0.3, 1.0, -0.4, 0.0, -1.2])
    for y in range(5):
        th2 = B.nsr_probability_step(th, y, 0.5)
        pi, pi2 = B.policy_probs(th), B.policy_probs(th2)
        for v in range(5):
            for w in range(5):
                if y not in (v, w):
                    assert_close(np.log(pi2[v] / pi2[w]), np.log(pi[v] / pi[w]) + 0.5 * pi[y] * (pi[v] - pi[w]),
                                 atol=1e-14)


def test_large_enumeration_runs():
    """K = 8, G = 16 (245,157 count vectors): RLOO stays exactly unbiased."""
    rng = np.random.default_rng(0)
    th, r = rng.normal(size=8), rng.normal(size=8)
    e = B.exact_moments("rloo", th, r, 16)
    assert e.n_groups == 245157
    assert_close(e.mean[0], B.exact_logit_gradient(th, r), rtol=1e-9, atol=1e-14)


def test_token_tree_scores_and_enumeration():
    """TokenTree: scores = finite differences of log-probs; enumeration with score_matrix = brute force."""
    import itertools

    tree = B.TokenTree([[1], [2], [3, 4, 4], [3, 5], [3]])
    rng = np.random.default_rng(3)
    phi = rng.normal(size=tree.n_params)
    assert_close(tree.probs(phi).sum(), 1.0)
    S = tree.score_matrix(phi)
    h = 1e-6
    fd = np.array([(tree.log_probs(phi + h * e) - tree.log_probs(phi - h * e)) / (2 * h) for e in np.eye(tree.n_params)]).T
    assert_close(S, fd, rtol=1e-7, atol=1e-9)
    r = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    G = 3
    lp = tree.log_probs(phi)
    for lt in ("grpo", "dr_grpo", "bnpo"):
        est = B.make_estimator("grpo", loss_type=lt, ddof=0, epsilon=0.0)
        e = B.exact_moments(est, lp, r, G, lengths=tree.lengths, score_matrix=S).mean[0]
        seqs = np.array(list(itertools.product(range(5), repeat=G)))[:, None, :]
        w = np.exp(lp[seqs].sum(axis=(1, 2)))
        coef = est.coefficients(lp[None, :], seqs, r[seqs], lengths=tree.lengths)[:, 0, :]
        g = np.einsum("ng,ngp->np", coef, S[seqs[:, 0, :]]) / G
        assert_close(e, w @ g, rtol=RTOL, atol=1e-13)


@given(bandit_case(max_K=5, max_M=3, min_G=1, max_G=1))
@settings(deadline=None)
def test_exact_gradient_finite_differences(case):
    """exact_logit_gradient = central finite differences of J (independent ground truth), with rho."""
    th, r, _, _ = case
    M, K = th.shape
    rho = np.arange(1.0, M + 1) / np.arange(1.0, M + 1).sum()
    bandit = B.ContextualBandit(r, rho=rho)
    g = bandit.gradient(th)
    h = 1e-6
    fd = np.zeros_like(th)
    for x in range(M):
        for a in range(K):
            e = np.zeros_like(th)
            e[x, a] = h
            fd[x, a] = (bandit.objective(th + e) - bandit.objective(th - e)) / (2 * h)
    assert_close(g, fd, rtol=1e-6, atol=1e-9)
    assert_close(g, B.exact_logit_gradient(th, r) * rho[:, None])


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4), st.integers(0, 2**32 - 1))
@settings(deadline=None)
def test_ratio_weighted_rloo_unbiased_off_policy(case, seed):
    """E_{pi_old}[(pi/pi_old)(y_i) (r_i - mean of others) grad log pi(y_i)] = grad J(theta) for any full-support pi_old."""
    th, r, G, _ = case
    old = th + np.random.default_rng(seed).normal(size=th.shape)
    e = B.exact_moments(B.make_estimator("rloo", clip_epsilon=np.inf), th, r, G, behavior_logits=old).mean
    assert_close(e, B.exact_logit_gradient(th, r), rtol=1e-9, atol=1e-10 * (1 + np.max(np.abs(r))))


# --------------------------------------------------------------------------- issue 11: probability rounding
def test_success_probability_rounding_stays_in_reward_range_and_binary_weight_accepts_it():
    """Issue 11: success_probability returned 1.0000000000000002 (rounding of a sum of probabilities)
    and binary_weight then rejected it. Now p is clipped into [min r, max r] at the source, and
    binary_weight clips values within a few ulp of [0, 1] while still rejecting real violations."""
    rng = np.random.default_rng(0)
    th = rng.normal(size=(1000, 7))
    p = B.success_probability(th, np.ones((1000, 7)))
    assert np.all(p == 1.0)  # was 1.0000000000000004 at ~12% of the rows
    r = rng.uniform(-2.0, 3.0, size=(1000, 7))
    p = B.success_probability(th, r)
    assert np.all((p >= r.min(axis=1)) & (p <= r.max(axis=1)))
    p0 = B.success_probability(th, np.zeros((1000, 7)))
    assert np.all(p0 == 0.0)
    # a p a few ulp outside [0, 1] (what a caller's own sum gives) is rounding: same weight as the end point
    for p_end, p_out in [(1.0, 1.0 + 2 * np.finfo(float).eps), (0.0, -np.finfo(float).tiny), (0.0, -3e-16)]:
        assert B.binary_weight("rloo", p_out, 4) == B.binary_weight("rloo", p_end, 4)
    for bad in [1.0 + 1e-9, -1e-9, 1.5, np.nan]:
        with pytest.raises(ValidationError):
            B.binary_weight("rloo", bad, 4)
    # exact_moments(binary=True) takes the same probabilities
    m = B.exact_moments("rloo", [0.0, 1.0], [1.0 + 2 * np.finfo(float).eps, 0.5], 3, binary=True)
    assert np.all(np.isfinite(m.mean))


@pytest.mark.parametrize("binary", [False, True])
def test_exact_moments_with_an_underflowing_probability_emits_no_warning(binary):
    """Issue 11: an arm of probability e^-800 = 0 made exact_moments take log(0) (divide-by-zero
    RuntimeWarning, an error under the test config). Now log-probabilities come from the logits."""
    import warnings

    logits = np.array([0.0, -800.0, 1.0])
    rewards = np.array([1.0, 0.0, 0.3]) if not binary else np.array([1.0, 0.0, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = B.exact_moments("rloo", logits, rewards, 3, binary=binary)
        # the arm of probability 0 is never drawn: same moments as with that arm's logit at -inf-ish -1e3
        ref = B.exact_moments("rloo", np.array([0.0, -1e3, 1.0]), rewards, 3, binary=binary)
        if not binary:
            bf = B.brute_force_moments("rloo", logits, rewards, 3)
            # sums of 27 terms bounded by ~G(1 + max r): _atol's rounding scale
            assert_close(m.mean, bf.mean, rtol=RTOL, atol=_atol(rewards, 3))
    assert np.all(np.isfinite(m.mean)) and np.all(np.isfinite(m.cov))
    assert_close(m.mean, ref.mean, rtol=RTOL, atol=_atol(rewards, 3))
    # covariance terms are products of two gradient terms of size <= G (1 + max r)
    assert_close(m.cov, ref.cov, rtol=RTOL, atol=_atol(rewards, 3) * 3 * (1.0 + np.max(rewards)))
