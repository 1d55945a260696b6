"""D3S sample-level down-sampling (Wang et al., arXiv:2509.22115; ICLR 2026).

Exact: the enumerated max-variance subsets against the extreme-subset rule (hypothesis); the
D3S estimator's exact mean against brute force over ordered groups; the Cauchy-Schwarz bound over
every subset; binary rewards give a positive multiple of grad p (tool 2 of the dossier).
Statistical: the sampler with the D3S estimator against its exact mean (alpha = 1e-5).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close, assert_unbiased, test_seed

from _bandit_strategies import bandit_case

EPS = np.finfo(float).eps


@given(st.integers(0, 2**32 - 1), st.integers(2, 8), st.booleans())
def test_enumeration_agrees_with_extreme_subsets(seed, G, ties):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, G + 1))
    v = rng.choice([-1.0, 0.0, 0.5, 2.0], size=G) if ties else rng.normal(size=G)
    best, top, sub = B.max_variance_subsets(v, m)
    assert best.any()
    assert_close(top, B.max_variance_extremes(v, m), rtol=0, atol=8 * m * EPS * max(1.0, np.abs(v).max() ** 2))
    inc = B.d3s_inclusion(v, m)
    assert_close(inc.sum(), float(m), rtol=0, atol=64 * EPS * m)


@given(bandit_case(max_K=3, max_M=1, min_G=3, max_G=4))
def test_d3s_exact_mean_matches_brute_force(case):
    th, r, G, _ = case
    for recompute in ("full", "subset"):
        est = B.make_d3s_estimator(G - 1, ddof=0, epsilon=0.0, recompute=recompute)
        m = B.exact_moments(est, th, r, G)
        ref = B.brute_force_moments(est, th, r, G)
        scale = max(1.0, float(np.abs(ref.mean).max()), np.sqrt(ref.trace_variance))
        assert_close(m.mean, ref.mean, rtol=0, atol=16 * th.shape[-1] ** G * EPS * scale * G)


@given(bandit_case(max_K=4, max_M=1, min_G=2, max_G=6))
def test_cauchy_schwarz_bound_holds_on_every_subset(case):
    th, r, G, _ = case
    th, r = th[0], r[0]
    law = B.group_law("grpo", th, r, G, ddof=1 if G > 1 else 0, epsilon=1e-6)
    pi = B.policy_probs(th)
    scores = np.eye(th.size)[law.arms] - pi  # (N, G, K)
    A = law.coefficients
    for m in range(2, G + 1):
        _, sub = B.subset_variances(A, m)
        norm, bound = B.subset_norm_bound(A[:, sub], scores[:, sub])
        assert np.all(norm <= bound * (1 + 16 * m * EPS) + 16 * m * EPS)
        # (1/m) sum A^2 = Var_S(A) + mean_S(A)^2 (ddof = 0)
        var, _ = B.subset_variances(A, m)
        assert_close((A[:, sub] ** 2).mean(-1), var + A[:, sub].mean(-1) ** 2, rtol=1e-12, atol=1e-14)


@given(st.floats(0.05, 0.95), st.integers(3, 7))
def test_binary_rewards_give_a_multiple_of_grad_p(p, G):
    """Tool 2: the selection depends on the rewards only, so E[g] = w(p) grad p for one prompt."""
    th = np.log([p / 2, p / 2, 1 - p])
    r = np.array([1.0, 1.0, 0.0])
    est = B.make_d3s_estimator(2, ddof=0, epsilon=0.0)
    mean = B.exact_moments(est, th, r, G).mean[0]
    gp = B.exact_logit_gradient(th, r)
    w = float(mean @ gp / (gp @ gp))
    assert w > 0
    assert_close(mean, w * gp, rtol=0, atol=64 * B.num_count_vectors(3, G) * EPS * max(1.0, abs(w)))


@pytest.mark.statistical
def test_d3s_sampler_matches_exact_mean():
    """n = 200,000 groups (K = 4, G = 6, m = 3, general rewards), alpha = 1e-5 over 4 coordinates."""
    th, r = np.array([0.3, -0.2, 0.5, 0.0]), np.array([1.0, 0.2, 0.7, 0.0])
    est = B.make_d3s_estimator(3, ddof=1, epsilon=1e-6)
    exact = B.exact_moments(est, th, r, 6).mean
    mc = B.monte_carlo_gradient(est, th, r, 6, 200_000, rng=test_seed(18073))
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=1e-5)


@pytest.mark.parametrize("call, err, word", [
    (lambda: B.max_variance_subsets([1.0, 2.0, 3.0], 1), ValidationError, "2 <= m <= G"),
    (lambda: B.max_variance_subsets([1.0, 2.0], 3), ValidationError, "2 <= m <= G"),
    (lambda: B.max_variance_subsets([1.0, 2.0, 3.0], 2, ddof=2), ValidationError, "ddof"),
    (lambda: B.make_d3s_estimator(2, recompute="partial"), ValidationError, "recompute"),
    (lambda: B.make_d3s_estimator(1), ValidationError, "m must"),
    (lambda: B.exact_moments(B.make_d3s_estimator(4), [0.0, 0.0], [1.0, 0.0], 3), ValidationError, "G >= 4"),
    (lambda: B.subset_norm_bound(np.zeros(3), np.zeros((2, 4))), ShapeError, "scores"),
])
def test_bad_input_raises_typed_errors(call, err, word):
    with pytest.raises(err) as info:
        call()
    assert word in str(info.value)


# ----------------------------------------------------------------------------- registered check
from _d1_checks import draw_figure, run_quick  # noqa: E402


def test_wang2026_check_and_figure(tmp_path, monkeypatch):
    rep = run_quick("wang2026-variance-selection", tmp_path)
    by = {c["name"]: c for c in rep.claims}
    assert by["Cauchy-Schwarz bound on ||g_S|| holds on every subset"]["verdict"] == "consistent"
    assert by["the max-Var(A) subset has a larger expected update norm than a random subset"]["verdict"] == "consistent"
    assert "no claim of exactness to test" in by["Var(A) is a proxy for the update norm: the selection misses the "
                                                 "largest norm"]["stated"]
    paths, seen = draw_figure("wang2026-variance-selection", tmp_path, monkeypatch)
    (outside, texts), = seen
    assert outside == [] and texts and paths[0].stat().st_size > 0
