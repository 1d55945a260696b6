"""Unified Policy Gradient Estimator and HPT (Lv et al. 2025, arXiv:2509.04419).

Exact: the joint count-vector enumeration of a mixed on/off-policy batch against brute force over
all ordered samples; the rows whose reference policy is the true sampling law (raw rewards) are
unbiased for grad J_mu; HPT's switch against its closed form. Statistical: the mixed sampler
against the exact mean (alpha = 1e-5, n = 200,000 batches). Hypothesis over random bandits.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close, assert_unbiased, test_seed

EPS = np.finfo(float).eps

ROWS = {
    "unified": B.UnifiedRow("unified", on_ref="behavior", on_adv="reward", off_ref="current", off_adv="one", mu=0.7),
    "luffy": B.UnifiedRow("luffy", on_ref="behavior", on_adv="pooled", off_ref="one", off_adv="pooled",
                          aggregation="pooled", ddof=1, epsilon=1e-6),
    "grpo_sft": B.UnifiedRow("grpo_sft", on_ref="behavior", on_adv="group", off_ref="current", off_adv="one", mu=0.3),
    "ppo_clip": B.UnifiedRow("ppo_clip", on_ref="behavior", on_adv="pm1", clip_epsilon=0.2),
}


def _brute(row, th, r, G_on, G_off, old, beta):
    K = th.size
    pio, pib = B.policy_probs(old), B.policy_probs(beta)
    mean = np.zeros(K)
    total = 0.0
    for on in itertools.product(range(K), repeat=G_on):
        for off in itertools.product(range(K), repeat=G_off):
            a_on, a_off = np.array(on, dtype=np.int64), np.array(off, dtype=np.int64)
            w = np.prod(pio[a_on]) * np.prod(pib[a_off])
            mean += w * B.unified_gradient(row, th, a_on, r[a_on], a_off, r[a_off], old_logits=old, beta_logits=beta)
            total += w
    return mean, total


@pytest.mark.parametrize("name", list(ROWS))
def test_exact_moments_match_brute_force(name):
    rng = np.random.default_rng(4)
    th, r = rng.normal(size=3), rng.uniform(-1, 1, size=3)
    old, beta = th + 0.3 * rng.normal(size=3), rng.normal(size=3)
    row = ROWS[name]
    G_on, G_off = (3, 2) if row.off_adv != "zero" else (3, 0)
    m = B.unified_exact_moments(row, th, r, G_on, G_off, old_logits=old, beta_logits=beta)
    ref, total = _brute(row, th, r, G_on, G_off, old, beta)
    assert_close(total, 1.0, atol=64 * EPS)
    n = 3 ** (G_on + G_off)
    assert_close(m.mean[0], ref, rtol=0, atol=16 * n * EPS * max(1.0, np.abs(ref).max()) * 10)


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 3))
def test_rows_with_true_sampling_law_are_unbiased(seed, G_on, G_off):
    """On-policy importance-weighted raw rewards + SFT on demonstrations: E = grad J_mu exactly."""
    rng = np.random.default_rng(seed)
    K = int(rng.integers(2, 5))
    th, r = rng.normal(0, 2, size=K), rng.uniform(-1, 1, size=K)
    old, beta = th + rng.normal(0, 0.5, size=K), rng.normal(0, 2, size=K)
    mu = float(rng.uniform(0, 2))
    row = B.UnifiedRow("unified", on_ref="behavior", on_adv="reward", off_ref="current", off_adv="one", mu=mu)
    m = B.unified_exact_moments(row, th, r, G_on, G_off, old_logits=old, beta_logits=beta)
    tgt = B.unified_target(th, r, mu, beta)
    ratio = float(np.max(B.policy_probs(th) / B.policy_probs(old)))
    n = m.n_groups
    assert_close(m.mean[0], tgt, rtol=0, atol=16 * n * EPS * (1 + mu) * max(1.0, ratio) * 4)


def test_sft_row_is_minus_grad_forward_kl():
    th, beta = np.array([0.2, -0.4, 1.0]), np.array([1.0, 0.0, -1.0])
    row = B.UnifiedRow("sft", on_adv="zero", off_ref="current", off_adv="one", mu=1.0)
    m = B.unified_exact_moments(row, th, np.zeros(3), 1, 3, beta_logits=beta)
    pb, pi = B.policy_probs(beta), B.policy_probs(th)
    h = 1e-6  # central differences of -KL(beta || theta)

    def kl(t):
        q = B.policy_probs(t)
        return float(np.sum(pb * np.log(pb / q)))

    fd = np.array([-(kl(th + h * e) - kl(th - h * e)) / (2 * h) for e in np.eye(3)])
    assert_close(m.mean[0], pb - pi, rtol=0, atol=64 * EPS)
    assert_close(m.mean[0], fd, rtol=0, atol=1e-8)  # truncation h^2 + rounding eps/h


def test_luffy_row_is_biased_for_grad_j_mu():
    th, r = np.array([0.3, -0.5, 0.8, 0.0]), np.array([1.0, 0.0, 0.5, 0.2])
    beta = np.array([1.0, 0.5, -1.0, 0.2])
    m = B.unified_exact_moments(ROWS["luffy"], th, r, 3, 2, beta_logits=beta)
    tgt = B.unified_target(th, r, 1.0, beta)
    cos = m.mean[0] @ tgt / np.linalg.norm(m.mean[0]) / np.linalg.norm(tgt)
    assert cos < 0.99


@pytest.mark.statistical
def test_mixed_sampler_matches_exact_mean():
    """n = 200,000 batches (K = 4, G_on = 3 from pi_old, G_off = 2 from pi_beta, Bernoulli rewards), alpha = 1e-5 over 4 coordinates."""
    th, q = np.array([0.3, -0.5, 0.8, 0.0]), np.array([0.9, 0.1, 0.5, 0.3])
    old, beta = th + np.array([0.1, -0.1, 0.05, 0.0]), np.array([1.0, 0.5, -1.0, 0.2])
    row = ROWS["luffy"]
    exact = B.unified_exact_moments(row, th, q, 3, 2, old_logits=old, beta_logits=beta, binary=True).mean
    mc = B.monte_carlo_unified(row, th, q, 3, 2, 200_000, rng=test_seed(18072), old_logits=old, beta_logits=beta,
                               binary=True)
    assert mc.n_trajectories == 200_000
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=1e-5)


@given(st.floats(0.02, 0.98), st.integers(1, 8))
def test_hpt_switch_closed_form(p, n):
    """gate = 0, binary: P(SFT) = (1-p)^n and E[u] = mu (1-p)^n (e_demo - pi) + w_n(p) grad p (GRPO)."""
    th = np.log([p, (1 - p) / 2, (1 - p) / 2])
    r = np.array([1.0, 0.0, 0.0])
    out = B.hpt_expected_update(th, r, n, 0, mu=0.5, estimator="grpo", ddof=0, epsilon=0.0)
    assert_close(out["p_sft"], (1 - p) ** n, rtol=0, atol=64 * B.num_count_vectors(3, n) * EPS)
    pi = B.policy_probs(th)
    w = float(B.binary_weight("grpo", p, n, ddof=0, epsilon=0.0)) if n >= 1 else 0.0
    ref = 0.5 * (1 - p) ** n * (np.eye(3)[0] - pi) + w * B.exact_logit_gradient(th, r)
    assert_close(out["mean"], ref, rtol=0, atol=64 * B.num_count_vectors(3, n) * EPS * max(1.0, abs(w)))


@pytest.mark.parametrize("call, err, word", [
    (lambda: B.UnifiedRow("x", on_ref="old"), ValidationError, "on_ref"),
    (lambda: B.UnifiedRow("x", mu=-1.0), ValidationError, "mu"),
    (lambda: B.UnifiedRow("x", clip_epsilon=0.0), ValidationError, "clip_epsilon"),
    (lambda: B.unified_exact_moments(ROWS["grpo_sft"], [0.0, 0.0], [1.0, 0.0], 1, 1, beta_logits=[0.0, 0.0]),
     ValidationError, "G_on >= 2"),
    (lambda: B.unified_exact_moments(ROWS["unified"], [0.0, 0.0], [1.0, 0.0], 2, 1), ValidationError, "beta_logits"),
    (lambda: B.unified_exact_moments(ROWS["unified"], [0.0, 0.0], [1.5, 0.0], 2, 1, beta_logits=[0.0, 0.0],
                                     binary=True), ValidationError, "[0, 1]"),
    (lambda: B.unified_exact_moments(ROWS["unified"], [0.0, 0.0], [1.0, 0.0, 0.0], 2, 1, beta_logits=[0.0, 0.0]),
     ShapeError, "rewards"),
    (lambda: B.hpt_expected_update([0.0, 0.0], [1.0, 0.0], 4, 2), ValidationError, "demo_arm"),
    (lambda: B.hpt_expected_update([0.0, 0.0], [0.5, 0.0], 4, 0), ValidationError, "0/1"),
    (lambda: B.hpt_expected_update([0.0, 0.0], [1.0, 0.0], 4, 0, gate=-1), ValidationError, "gate"),
])
def test_bad_input_raises_typed_errors(call, err, word):
    with pytest.raises(err) as info:
        call()
    assert word in str(info.value)


# ----------------------------------------------------------------------------- registered checks
from _d1_checks import draw_figure, run_quick  # noqa: E402


def test_lv2025_checks(tmp_path, monkeypatch):
    rep = run_quick("lv2025-unified-gradient", tmp_path / "u")
    assert rep.verdict == "consistent" and len(rep.claims) == 4
    assert all("provenance:" in c["source"] for c in rep.claims)
    rows = rep.details["subchecks"][0]["numbers"]["rows"]
    assert all(r["rel_err"] < 1e-12 for r in rows.values())
    rep = run_quick("lv2025-hpt-switch", tmp_path / "h")
    assert rep.verdict == "consistent"
    paths, seen = draw_figure("lv2025-hpt-switch", tmp_path / "h", monkeypatch)
    (outside, texts), = seen
    assert outside == [] and any(t.startswith("CONSISTENT") for t in texts) and paths[0].stat().st_size > 0
