"""RPO (Liu et al. 2024): maximin against an adversarial reward = DPO + eta beta SFT, solved both ways."""

import numpy as np
import pytest

import pgtheory.bandits as B
from pgtheory._math import softmax
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _case(seed, K=4):
    rng = np.random.default_rng(seed)
    N = rng.integers(1, 6, size=(K, K)).astype(float)
    np.fill_diagonal(N, 0.0)
    return N, rng.normal(size=K), softmax(rng.normal(size=K)), rng


def _fd(f, x, h=1e-6):
    return np.array([(f(x + h * e)[0] - f(x - h * e)[0]) / (2 * h) for e in np.eye(x.shape[0])])


def test_losses_brute_force_and_gradients():
    N, ref, base, rng = _case(0)
    th = rng.normal(size=4)
    beta, eta = 0.3, 1.5
    lq, lr = np.log(softmax(th)), np.log(softmax(ref))
    brute = -sum(N[w, l] * np.log(1 / (1 + np.exp(-beta * ((lq[w] - lr[w]) - (lq[l] - lr[l])))))
                 for w in range(4) for l in range(4) if w != l) / N.sum()
    d, _ = B.dpo_loss(th, ref, N, beta)
    assert abs(d - brute) < 1e-14
    v, _ = B.rpo_objective(th, ref, N, base, beta, eta)
    assert abs(v - (brute - eta * beta * base @ lq)) < 1e-14
    for f in (lambda x: B.bt_nll(x, N), lambda x: B.dpo_loss(x, ref, N, beta),
              lambda x: B.rpo_objective(x, ref, N, base, beta, eta)):
        assert_close(f(th)[1], _fd(f, th), rtol=0, atol=1e-9)


def test_adversarial_value_gradient_matches_finite_differences():
    N, ref, base, rng = _case(1)
    th = ref + 0.3 * rng.normal(size=4)
    f = lambda x: B.rpo_adversarial_value(x, ref, N, base, 0.3, 0.8)[:2]  # noqa: E731
    # the inner argmin is accurate to ~1e-8 (L-BFGS-B, gtol 1e-13 on a smooth convex problem): h = 1e-5
    assert_close(f(th)[1], _fd(f, th, 1e-5), rtol=0, atol=1e-6)


@pytest.mark.parametrize("seed,eta", [(0, 0.5), (2, 3.0)])
def test_maximin_equals_dpo_plus_sft(seed, eta):
    N, ref, base, _ = _case(seed)
    beta = 0.3
    a = B.rpo_minimizer(ref, N, base, beta, eta)
    b = B.rpo_maximin(ref, N, base, beta, eta)
    # both are argmins/argmaxes found by BFGS at ~1e-11 gradient norm: policies agree to ~1e-8
    assert_close(a.policy, b.policy, rtol=0, atol=1e-7)
    assert abs(a.value + eta * beta * base @ np.log(softmax(ref)) - b.value) < 1e-9
    assert np.max(np.abs(b.reward)) < 50.0  # the reward box is inactive at the saddle
    assert_close(b.reward - b.reward.mean(), a.reward, rtol=0, atol=1e-6)


def test_bad_inputs():
    N, ref, base, _ = _case(0)
    with pytest.raises(ValidationError, match="pair_counts"):
        B.bt_nll(np.zeros(4), -N)
    with pytest.raises(ValidationError, match="diagonal"):
        B.bt_nll(np.zeros(4), N + np.eye(4))
    with pytest.raises(ShapeError, match="pair_counts"):
        B.bt_nll(np.zeros(4), N[:3])
    with pytest.raises(ValidationError, match="base"):
        B.rpo_objective(ref, ref, N, np.ones(4), 0.3, 1.0)
    with pytest.raises(ValidationError, match="beta"):
        B.dpo_loss(ref, ref, N, 0.0)
    with pytest.raises(ValidationError, match="reward_bound"):
        B.rpo_adversarial_value(ref, ref, N, base, 0.3, 1.0, reward_bound=0.0)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    run_check("liu2024-rpo", tmp_path, expected="consistent", bibtex_key="liu2024provably",
              monkeypatch=monkeypatch)
