"""Pairwise gradients and invariance to equivalent rewards (P3O, Wu et al. 2023, arXiv:2310.00212).

Exact: the all-pairs pairwise gradient equals RLOO sample by sample; pairwise gradients are
invariant under r + delta(x) sample by sample; REINFORCE without baseline is invariant only in
expectation; batch whitening is not invariant in expectation (joint enumeration over prompts).
Statistical: the sampler with the batch-whitened estimator against its exact mean (alpha = 1e-5).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close, assert_unbiased, test_seed

EPS = np.finfo(float).eps


@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_all_pairs_equals_rloo_and_is_invariant(seed, G):
    rng = np.random.default_rng(seed)
    M, K = int(rng.integers(1, 3)), int(rng.integers(2, 5))
    th, r = rng.normal(0, 2, (M, K)), rng.uniform(-1, 1, (M, K))
    a = rng.integers(0, K, (20, M, G))
    rr = r[np.arange(M)[None, :, None], a]
    g = B.pairwise_gradient(th, a, rr, pairs="all")
    assert_close(g, B.make_estimator("rloo")(th, a, rr), rtol=0, atol=16 * G * EPS * max(1.0, np.abs(rr).max()))
    delta = rng.normal(0, 100, M)
    shifted = rr + delta[None, :, None]
    # exact sample by sample up to the rounding of r + delta - (r' + delta): |delta| eps per difference
    tol = 8 * G * EPS * (np.abs(delta).max() + np.abs(rr).max())
    assert_close(B.pairwise_gradient(th, a, shifted, pairs="all"), g, rtol=0, atol=tol)
    if G % 2 == 0:
        gd = B.pairwise_gradient(th, a, rr, pairs="disjoint")
        assert_close(B.pairwise_gradient(th, a, shifted, pairs="disjoint"), gd, rtol=0, atol=tol)


def test_disjoint_pairs_with_two_responses_is_rloo():
    th, r = np.array([[0.3, -0.2, 1.0]]), np.array([[1.0, 0.0, 0.4]])
    m = B.exact_moments("rloo", th, r, 2)
    _, reps = B.count_vectors(3, 2)
    a = reps[:, None, :]
    assert_close(B.pairwise_gradient(th, a, r[0][a], pairs="disjoint"), B.make_estimator("rloo")(th, a, r[0][a]),
                 rtol=0, atol=1e-16)
    assert_close(m.mean[0], B.exact_logit_gradient(th, r)[0], rtol=0, atol=1e-15)


def test_reinforce_is_invariant_only_in_expectation():
    th, r = np.array([0.3, -0.2, 1.0]), np.array([1.0, 0.0, 0.4])
    m0 = B.exact_moments("reinforce", th, r, 3)
    m5 = B.exact_moments("reinforce", th, r + 5.0, 3)
    assert_close(m5.mean, m0.mean, rtol=0, atol=64 * EPS * 6)
    assert m5.trace_variance > 10 * m0.trace_variance


def test_batch_whitening_is_not_invariant_in_expectation():
    TH = np.array([[0.3, -0.1, 0.0], [0.0, 0.5, -0.5]])
    R = np.array([[1.0, 0.0, 0.5], [0.2, 0.8, 0.0]])
    w = B.make_whitened_estimator()
    e1 = B.exact_moments(w, TH, R, 2).mean
    e2 = B.exact_moments(w, TH, B.shift_rewards(R, [0.0, 3.0]), 2).mean
    assert np.linalg.norm(e1 - e2) > 0.1 * np.linalg.norm(e1)
    # a common shift of every prompt leaves whitening unchanged (sample by sample)
    e3 = B.exact_moments(w, TH, B.shift_rewards(R, [2.0, 2.0]), 2).mean
    assert_close(e3, e1, rtol=0, atol=1e-13)


@pytest.mark.statistical
def test_whitened_sampler_matches_exact_mean():
    """n = 200,000 batches (M = 2 prompts, K = 3, G = 2), alpha = 1e-5 over 6 coordinates."""
    TH = np.array([[0.3, -0.1, 0.0], [0.0, 0.5, -0.5]])
    R = np.array([[1.0, 0.0, 0.5], [0.2, 0.8, 0.0]])
    w = B.make_whitened_estimator(ddof=1, epsilon=1e-6)
    exact = B.exact_moments(w, TH, R, 2).mean
    mc = B.monte_carlo_gradient(w, TH, R, 2, 200_000, rng=test_seed(18074))
    assert_unbiased(mc.mean, mc.stderr, exact, alpha=1e-5)


@pytest.mark.parametrize("call, err, word", [
    (lambda: B.pairwise_gradient([0.0, 0.0], np.zeros((1, 1), int), np.zeros((1, 1))), ValidationError, "G >= 2"),
    (lambda: B.pairwise_gradient([0.0, 0.0], np.zeros((1, 3), int), np.zeros((1, 3)), pairs="disjoint"),
     ValidationError, "even"),
    (lambda: B.pairwise_gradient([0.0, 0.0], np.zeros((1, 2), int), np.zeros((1, 2)), pairs="some"), ValidationError,
     "pairs"),
    (lambda: B.pairwise_gradient([0.0, 0.0], np.zeros((1, 2), int), np.zeros((1, 3))), ShapeError, "same shape"),
    (lambda: B.batch_whitened_advantages(np.zeros(3)), ShapeError, "(..., M, G)"),
    (lambda: B.make_whitened_estimator(ddof=2), ValidationError, "ddof"),
    (lambda: B.shift_rewards(np.zeros((2, 3)), [1.0]), ShapeError, "delta"),
])
def test_bad_input_raises_typed_errors(call, err, word):
    with pytest.raises(err) as info:
        call()
    assert word in str(info.value)


# ----------------------------------------------------------------------------- registered check
from _d1_checks import draw_figure, run_quick  # noqa: E402


def test_wu2023_check_and_figure(tmp_path, monkeypatch):
    rep = run_quick("wu2023-reward-invariance", tmp_path)
    assert rep.verdict == "consistent" and len(rep.claims) == 6
    paths, seen = draw_figure("wu2023-reward-invariance", tmp_path, monkeypatch)
    (outside, texts), = seen
    assert outside == [] and texts and paths[0].stat().st_size > 0
