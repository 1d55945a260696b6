"""Dr. GRPO (Liu et al. 2025, arXiv:2503.20783): GRPO's length and difficulty biases, and their removal.

Exact: the self-inclusive mean baseline gives E[g] = (G-1)/G grad J (every ordered group, and the
library's enumeration), so Dr. GRPO is unbiased up to that positive constant; with GRPO's per-response
1/|o| weight the mean is the closed form (G-1)/G sum_a pi_a (r_a - p)(e_a - pi)/l_a (derived here,
since E[A_i | y_i = a] = (G-1)/G (r_a - p)), which makes the long wrong answer's expected update
exceed the short one's by (G-1)/G pi p (1/l_short - 1/l_long) > 0, and a constant normaliser
1/L_max gives (G-1)/(G L_max) grad J; the difficulty weights w_G(p) of RLOO (1), Dr. GRPO ((G-1)/G)
and DisCO-b ((1 - p^G - (1-p)^G) / (p (1-p))) in closed form. The check's figure keeps its legend
inside and carries its verdict caption.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory import plotting
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close

from _bandit_strategies import bandit_case
from _ordered import EPS, ordered_moments, policy_gradient, softmax, tol


def dr_grpo(arms, r):
    """r_i - mean of the group (self included), no std (the paper's advantage)."""
    return r - r.mean(-1, keepdims=True)


@given(bandit_case(max_K=4, max_M=1, min_G=1, max_G=4))
def test_self_inclusive_mean_is_unbiased_up_to_G_minus_1_over_G(case):
    th, r, G, _ = case
    th, r = th[0], r[0]
    assert_close(B.dr_grpo_advantages(r), dr_grpo(None, r), rtol=0, atol=8 * G * EPS * np.max(np.abs(r)))
    mu, cov, n, mag = ordered_moments(dr_grpo, th, r, G)
    K = th.size
    atol = tol(n, mag, G, K)
    assert_close(mu, (G - 1) / G * policy_gradient(th, r), rtol=0, atol=atol + 8 * K * EPS * np.max(np.abs(r)))
    m = B.exact_moments("dr_grpo", th, r, G)
    assert_close(m.mean[0], mu, rtol=0, atol=atol)
    assert_close(m.cov[0], cov, rtol=0, atol=2 * mag * atol)


def length_closed_form(th, r, ell, G):
    """E[(1/G) sum_i (r_i - mean) (e_{y_i} - pi) / l_{y_i}] = (G-1)/G sum_a pi_a (r_a - p)(e_a - pi) / l_a."""
    pi = softmax(th)
    c = pi * (r - pi @ r) / ell
    return (G - 1) / G * (c - pi * c.sum())


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=4), st.integers(0, 2**32 - 1))
def test_per_response_length_weight_closed_form(case, seed):
    th, r, G, _ = case
    th, r = th[0], r[0]
    K = th.size
    ell = np.random.default_rng(seed).integers(1, 9, K).astype(float)
    est = B.make_estimator("dr_grpo", loss_type="grpo")
    got = B.exact_moments(est, th, r, G, lengths=ell).mean[0]
    mu, _, n, mag = ordered_moments(lambda a, rr: dr_grpo(a, rr) / ell[a], th, r, G)
    atol = tol(n, mag, G, K)
    assert_close(got, mu, rtol=0, atol=atol)
    assert_close(mu, length_closed_form(th, r, ell, G), rtol=0, atol=atol + 8 * K * EPS * np.max(np.abs(r)))
    # a constant normaliser 1/L_max: (G-1)/(G L_max) grad J, no length dependence
    const = B.exact_moments(B.make_estimator("dr_grpo", loss_type="dr_grpo", max_completion_length=8.0), th, r, G,
                            lengths=ell).mean[0]
    assert_close(const, (G - 1) / (8.0 * G) * policy_gradient(th, r), rtol=0, atol=atol + 8 * K * EPS * np.max(np.abs(r)))


def test_length_bias_sign_and_size():
    """The check's instance: pi uniform over (right, len 2), (right, len 8), (wrong, len 2), (wrong, len 8), G = 4.
    Long wrong minus short wrong = short right minus long right = (3/4)(1/4)(1/2)(1/2 - 1/8) = 9/256 under 1/|o|."""
    th, r, ell, G = np.zeros(4), np.array([1.0, 1.0, 0.0, 0.0]), np.array([2.0, 8.0, 2.0, 8.0]), 4
    e = B.exact_moments(B.make_estimator("dr_grpo", loss_type="grpo"), th, r, G, lengths=ell).mean[0]
    atol = 8 * 35 * EPS  # 35 count vectors, updates below 1
    assert_close(e[3] - e[2], 9 / 256, rtol=0, atol=atol)
    assert_close(e[0] - e[1], 9 / 256, rtol=0, atol=atol)
    rep = run_one("ahmadian2024-rloo-length", RunConfig(quick=True), catch=False)
    nums = rep.details["subchecks"][3]["numbers"]
    assert_close(nums["E_logit_update(long wrong) - E(short wrong)"]["grpo"], 9 / 256, rtol=0, atol=atol)
    assert abs(nums["E_logit_update(long wrong) - E(short wrong)"]["dr_grpo"]) <= atol


@settings(max_examples=10)
@given(st.integers(2, 8), st.floats(0.03, 0.97))
def test_difficulty_weights_closed_forms(G, p):
    """w_G(p) with E[g] = w_G(p) grad p: RLOO 1, Dr. GRPO (G-1)/G, DisCO-b (1 - p^G - (1-p)^G) / (p (1-p))."""
    scale = 8 * (G + 1) * EPS * G / (p * (1 - p))
    assert_close(float(B.binary_weight("rloo", p, max(G, 2))), 1.0, rtol=0, atol=scale)
    assert_close(float(B.binary_weight("dr_grpo", p, G)), (G - 1) / G, rtol=0, atol=scale)
    assert_close(float(B.binary_weight("disco", p, G)), (1 - p ** G - (1 - p) ** G) / (p * (1 - p)), rtol=0, atol=scale)


def test_disco_weight_by_ordered_enumeration():
    """DisCO-b advantage G/n+ (correct), -G/n- (wrong), 0 for one-outcome groups: E[g] = w_G(p) grad p, K = 3, G = 4."""
    th, c, G = np.array([0.3, -0.5, 0.8]), np.array([1.0, 0.0, 1.0]), 4

    def disco(arms, r):
        npos = r.sum(-1, keepdims=True)
        nneg = G - npos
        valid = (npos > 0) & (nneg > 0)
        return np.where(valid, np.where(r == 1, G / np.maximum(npos, 1), -G / np.maximum(nneg, 1)), 0.0)

    mu, _, n, mag = ordered_moments(disco, th, c, G)
    p = float(softmax(th) @ c)
    w = (1 - p ** G - (1 - p) ** G) / (p * (1 - p))
    assert_close(mu, w * policy_gradient(th, c), rtol=0, atol=tol(n, mag, G, 3) + 8 * G * EPS * w)
    assert_close(B.exact_moments("disco", th, c, G).mean[0], mu, rtol=0, atol=tol(n, mag, G, 3))


def test_registered_check():
    rep = run_one("liu2025-grpo-weights", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    claims = {c["name"]: c for c in rep.claims}
    assert claims["GRPO has a difficulty bias: w(0.1) > w(0.5)"]["verdict"] == "consistent"
    nums = rep.details["subchecks"][0]["numbers"]
    assert nums["max_rel_err_enumeration_vs_weight"] < 1e-12 and nums["max_abs_err_vs_closed_form_c_G"] < 1e-12


def test_llm_figures_keep_legends_inside(tmp_path, monkeypatch):
    """(moved from test_llm_claims.py) The liu2025 figure: legends inside the canvas, verdict caption drawn."""
    seen = []
    orig = plotting.save_figure

    def record(fig, stem, **kw):
        seen.append((str(stem), plotting.legends_inside(fig), [t.get_text() for t in fig.texts]))
        return orig(fig, stem, **kw)

    monkeypatch.setattr(plotting, "save_figure", record)
    rep = run_one("liu2025-grpo-weights", RunConfig(quick=True, out_dir=tmp_path), catch=False)
    assert seen and rep.figures
    for stem, bad, texts in seen:
        assert bad == [], (stem, bad)
        assert any(t.startswith(rep.verdict.upper()) for t in texts), texts  # verdict caption drawn
