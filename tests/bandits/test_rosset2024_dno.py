"""DNO's idealised update (Rosset et al. 2024): soft policy iteration, monotone improvement, regression fixed point."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from pgtheory._math import softmax
from pgtheory.errors import ValidationError
from pgtheory.games import random_preference_game, rock_paper_scissors
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _case(seed, n):
    rng = np.random.default_rng(seed)
    return random_preference_game(n, rng=rng).P, softmax(rng.normal(0, 1.5, n)), rng


@given(st.integers(0, 2**31), st.integers(2, 6), st.sampled_from([0.1, 0.5, 2.0]))
@settings(max_examples=30)
def test_each_iterate_beats_its_predecessor(seed, n, eta):
    P, pi0, _ = _case(seed, n)
    out = B.dno_soft_policy_iteration(P, pi0, eta, 20)
    # P(pi_{t+1} > pi_t) - 1/2 = Cov-like sum of n^2 terms of size <= 1: rounding 8 n^2 eps
    assert np.all(out["win_vs_previous"] >= 0.5 - 8 * n * n * EPS)
    assert abs(pi0 @ B.win_rates(P, pi0) - 0.5) <= 8 * n * n * EPS


def test_intransitive_game_cycles_away_from_nash():
    """Rock-paper-scissors: exploitability grows (no last-iterate convergence) and pi_{t+2} can lose to pi_t."""
    out = B.dno_soft_policy_iteration(rock_paper_scissors().P, [0.5, 0.3, 0.2], 0.5, 60)
    assert out["exploitability"][-1] > out["exploitability"][0]
    assert B.preference_exploitability(rock_paper_scissors().P, np.full(3, 1 / 3)) == pytest.approx(0.0, abs=1e-15)


@given(st.integers(0, 2**31), st.integers(2, 5))
@settings(max_examples=10)
def test_regression_minimiser_is_the_soft_policy_iteration_target(seed, n):
    P, pt, _ = _case(seed, n)
    eta = 0.7
    fit = B.dno_regression_minimizer(pt, P, eta)
    target = softmax(np.log(pt) + B.win_rates(P, pt) / eta)
    # BFGS argmin of a smooth convex loss: ~sqrt(eps) accuracy in the argument, x100
    assert_close(fit, target, rtol=0, atol=100 * np.sqrt(EPS))


def test_regression_loss_brute_force_and_gradient():
    P, pt, rng = _case(3, 4)
    th = rng.normal(size=4)
    eta = 0.4
    loss, g = B.dno_regression_loss(th, pt, P, eta)
    r = P @ pt
    lq = np.log(softmax(th))
    brute = 0.0
    for y in range(4):
        for y2 in range(4):
            R = r[y] - r[y2]
            D = eta * (lq[y] - np.log(pt[y])) - eta * (lq[y2] - np.log(pt[y2]))
            s = 1 / (1 + np.exp(-R))
            brute -= pt[y] * pt[y2] * (s * np.log(1 / (1 + np.exp(-D))) + (1 - s) * np.log(1 / (1 + np.exp(D))))
    assert abs(loss - brute) < 1e-13
    h = 1e-6
    fd = np.array([(B.dno_regression_loss(th + h * e, pt, P, eta)[0] - B.dno_regression_loss(th - h * e, pt, P, eta)[0])
                   / (2 * h) for e in np.eye(4)])
    assert_close(g, fd, rtol=0, atol=1e-9)


def test_bad_inputs():
    P = rock_paper_scissors().P
    with pytest.raises(ValidationError):
        B.win_rates(np.array([[0.5, 0.9], [0.9, 0.5]]), [0.5, 0.5])  # P + P^T != 1
    with pytest.raises(ValidationError, match="eta"):
        B.dno_soft_policy_iteration(P, np.full(3, 1 / 3), 0.0, 5)
    with pytest.raises(ValidationError, match="full support"):
        B.dno_soft_policy_iteration(P, [1.0, 0.0, 0.0], 1.0, 5)
    with pytest.raises(ValidationError, match="pi"):
        B.win_rates(P, [0.5, 0.6, 0.1])


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    run_check("rosset2024-dno", tmp_path, expected="consistent", bibtex_key="rosset2024direct",
              monkeypatch=monkeypatch)
