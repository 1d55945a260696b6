"""Token influence behind Token Hidden Reward (Deng et al. 2025, arXiv:2510.03669).

Exact: the influence matrix against the Frobenius inner products of the score matrices and against
finite differences of the log-likelihood with the analytic second-order term and a certified
third-order remainder; zero cross-context influence in the tabular case; THR scores add up to the
first-order change of the correct tokens' log-likelihood. Hypothesis over random log-linear models.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _model(seed, V=5, d=3, n=6):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (V, d)), rng.normal(0, 1, (n, d)), rng.integers(0, V, n)


@given(st.integers(0, 2**32 - 1))
def test_influence_is_inner_product_of_scores(seed):
    W, H, y = _model(seed)
    S = B.token_score_matrices(W, H, y)
    I = B.token_influence(W, H, y)
    assert_close(I, np.einsum("ivd,jvd->ij", S, S), rtol=1e-12, atol=1e-14)
    assert np.all(np.linalg.eigvalsh(I) >= -1e-12 * max(1.0, np.abs(I).max()))


@given(st.integers(0, 2**32 - 1), st.floats(1e-3, 1e-1))
def test_first_and_second_order_terms_are_exact(seed, eta):
    """Delta(eta) = eta sum_i I_ij A_j + eta^2/2 c + R, |R| <= eta^3 sum range^3 / 6 (+ rounding)."""
    W, H, y = _model(seed)
    j, A = 2, -0.8
    S = B.token_score_matrices(W, H, y)
    D = A * S[j]
    target = np.zeros(y.size, dtype=bool)
    target[[0, 3, 5]] = True
    first = A * B.token_influence(W, H, y)[target, j].sum()
    c = B.loglik_curvature(W, H, y, D, target)
    delta = B.loglik_change(W, H, y, D, eta, target)
    rounding = 64 * EPS * np.abs(B.token_log_probs(W, H, y)[target]).sum()
    assert abs(delta - eta * first - 0.5 * eta ** 2 * c) <= eta ** 3 * B.influence_remainder_bound(H, D, target) + rounding


def test_tabular_model_has_no_cross_context_influence():
    rng = np.random.default_rng(0)
    H = np.eye(3)[[0, 0, 1, 2, 2]]  # one-hot contexts
    W, y = rng.normal(size=(4, 3)), np.array([1, 2, 0, 3, 3])
    I = B.token_influence(W, H, y)
    ctx = H.argmax(1)
    assert np.all(I[ctx[:, None] != ctx[None, :]] == 0.0)
    assert np.all(np.diag(I) > 0)


@given(st.integers(0, 2**32 - 1))
def test_thr_scores_sum_to_the_first_order_change(seed):
    W, H, y = _model(seed, n=8)
    rng = np.random.default_rng(seed + 1)
    A = rng.choice([-1.0, 1.0], size=y.size)
    correct = A > 0
    thr = B.thr_scores(W, H, y, A, correct)
    S = B.token_score_matrices(W, H, y)
    D = np.einsum("j,jvd->vd", A, S)  # the whole GRPO step direction
    h = 1e-5
    fd = (B.loglik_change(W, H, y, D, h, correct) - B.loglik_change(W, H, y, D, -h, correct)) / (2 * h)
    assert_close(thr.sum(), fd, rtol=0, atol=1e-6 * max(1.0, np.abs(thr).sum()))


@pytest.mark.parametrize("call, err, word", [
    (lambda: B.token_influence(np.zeros((3, 2)), np.zeros((4, 3)), np.zeros(4, dtype=int)), ShapeError, "H must"),
    (lambda: B.token_influence(np.zeros((3, 2)), np.zeros((4, 2)), np.array([0, 1, 3, 0])), ValidationError, "token ids"),
    (lambda: B.token_influence(np.zeros((3, 2)), np.zeros((4, 2)), np.zeros(4)), ValidationError, "y must"),
    (lambda: B.thr_scores(np.zeros((3, 2)), np.zeros((4, 2)), np.zeros(4, dtype=int), np.zeros(3), np.ones(4)),
     ShapeError, "advantages"),
])
def test_bad_input_raises_typed_errors(call, err, word):
    with pytest.raises(err) as info:
        call()
    assert word in str(info.value)


# ----------------------------------------------------------------------------- registered check
from _d1_checks import draw_figure, run_quick  # noqa: E402


def test_deng2025_check_and_figure(tmp_path, monkeypatch):
    rep = run_quick("deng2025-token-influence", tmp_path)
    assert rep.verdict == "consistent" and all("provenance:" in c["source"] for c in rep.claims)
    paths, seen = draw_figure("deng2025-token-influence", tmp_path, monkeypatch)
    (outside, texts), = seen
    assert outside == [] and texts and paths[0].stat().st_size > 0
