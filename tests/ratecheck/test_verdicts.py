"""Regression tests for misleading rate-check verdicts (issue 12): "violated" only on evidence,
NaN never satisfies a bound, tightness on every consistent verdict."""

import numpy as np
import pytest

from pgtheory.ratecheck import LOOSE_SLACK, MIN_SEEDS_FOR_CI, check_rate, claim_from_rate_check

NPG = dict(A=2, eta=1.0, gamma=0.9)  # agarwal2021.npg_softmax: B(T) = (log 2 + 100) / T
T4 = np.geomspace(1.0, 1e4, 200)


def _npg_bound(t):
    return (np.log(2) + 100.0) / t


def test_tutorial_case_is_not_violated():
    """The tutorial: softmax PG (default step, 20000 iterations) on the 5-state MDP of docs/tutorial
    against Mei et al.'s Theorem 4. The inequality holds at every iterate; the fitted slope (-0.19)
    is far from -1 because the window is pre-asymptotic. It used to be "violated"."""
    from pgtheory.algorithms import softmax_pg
    from pgtheory.mdp import TabularMDP, distribution_mismatch

    rng = np.random.default_rng(0)
    S, A = 5, 3
    P = rng.dirichlet(np.ones(S), size=(S, A))
    r = rng.uniform(size=(S, A))
    mdp = TabularMDP(P, r, gamma=0.9)
    tr = softmax_pg(mdp, n_iter=20000)
    t, gap = tr.iterations[1:].astype(float), tr.metric("suboptimality")[1:]
    D = distribution_mismatch(mdp, mdp.rho, rho=mdp.rho)
    res = check_rate("mei2020.thm4", t, gap, params=dict(S=S, gamma=0.9, D=D, Minv=float(np.max(1 / mdp.rho)),
                                                         c=tr.metric("running_c")[1:]))
    assert res.verdict == "inconclusive", res.reason
    assert res.inequality_holds and res.n_violations == 0
    assert "pre-asymptotic" in res.reason and "holds at all" in res.reason
    assert res.asymptotic is False and res.local_slopes[-1] < res.local_slopes[0] - 0.1


def test_preasymptotic_synthetic_trace_below_bound_is_not_violated():
    # the tutorial's shape: O(1/t) only after t ~ 1e4, local slope steepening across the last decade
    t = np.arange(1.0, 20001.0)
    y = 1e-3 / (1.0 + t / 5e3)
    res = check_rate("agarwal2021.npg_softmax", t, y, params=NPG)
    assert res.fit.ci[0] > -0.95  # the interval alone would say "slower than stated"
    assert res.verdict == "inconclusive" and "pre-asymptotic" in res.reason
    assert "holds at all" in res.reason


def test_single_stochastic_trace_is_never_violated():
    rng = np.random.default_rng(1)
    y = 1e-3 * T4**-0.5 * rng.lognormal(0, 0.05, T4.size)
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG, stochastic=True)
    assert res.verdict == "inconclusive" and "single stochastic trace" in res.reason
    # even a crossing of the bound by one stochastic trace is no evidence of violation
    res = check_rate("agarwal2021.npg_softmax", T4, 1.5 * _npg_bound(T4), params=NPG, stochastic=True)
    assert res.verdict == "inconclusive"


def test_few_seeds_are_inconclusive_not_violated():
    rng = np.random.default_rng(2)
    R = MIN_SEEDS_FOR_CI - 2
    y = 1e-3 * T4**-0.5 * rng.lognormal(0, 0.05, (R, T4.size))
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.stochastic and res.verdict == "inconclusive" and f"only {R} seeds" in res.reason


def test_inequality_broken_at_most_points_is_violated():
    y = np.where(np.arange(T4.size) % 10 == 0, 0.5, 2.0) * _npg_bound(T4)
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG, check="inequality")
    assert res.verdict == "violated" and res.n_violations == 180


def test_slower_rate_over_four_decades_is_violated():
    y = 1e-3 * T4**-0.5
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.inequality_holds and res.asymptotic
    assert res.verdict == "violated" and "asymptotic window" in res.reason


def test_slower_rate_over_seeds_is_violated():
    rng = np.random.default_rng(3)
    y = 1e-3 * T4**-0.5 * rng.lognormal(0, 0.3, (20, T4.size))
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.verdict == "violated", res.reason


def test_stated_rate_with_slack_1e4_is_consistent_and_loose():
    y = _npg_bound(T4) / 1e4
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.verdict == "consistent"
    assert res.tightness.loose and res.tightness.slack_min == pytest.approx(1e4, rel=1e-6)
    assert res.reason.startswith("loose") and f"{LOOSE_SLACK:g}x" in res.reason
    c = claim_from_rate_check(res)
    assert c.tightness is res.tightness and "slack 1.0e+04x" in c.tightness.text()
    assert "margin" in c.tightness.text()


def test_tight_consistent_claim_has_tightness():
    y = 0.5 * _npg_bound(T4)
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.verdict == "consistent" and not res.tightness.loose
    assert res.tightness.slack_min == pytest.approx(2.0) and res.tightness.slack_end == pytest.approx(2.0)
    assert abs(res.tightness.margin) < 1e-9


def test_geometric_margin_is_log_contraction():
    t = np.arange(0.0, 300.0)
    prm = dict(tau=0.1, eta=0.1, L0=1.0)
    y = 0.5 * 0.98**t  # stated contraction 1 - eta tau = 0.99; measured 0.98 is faster
    res = check_rate("cen2022.prop1_bandit", t, y, params=prm, floor=1e-12)
    assert res.verdict == "consistent"
    assert res.tightness.margin == pytest.approx(np.log(0.99) - np.log(0.98), rel=1e-6)


def test_nan_points_never_satisfy_the_bound():
    y = np.full(T4.size, np.nan)
    y[0] = 1e-6
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG, check="inequality")
    assert res.verdict == "inconclusive" and "NaN" in res.reason
    res = check_rate("agarwal2021.npg_softmax", T4, np.full(T4.size, np.nan), params=NPG)
    assert res.verdict == "inconclusive" and "NaN" in res.reason
    # NaN in one seed of many: that point is not evidence either way
    rng = np.random.default_rng(4)
    y = 1e-3 / T4 * rng.lognormal(0, 0.1, (10, T4.size))
    y[3, 50] = np.nan
    res = check_rate("agarwal2021.npg_softmax", T4, y, params=NPG)
    assert res.verdict == "inconclusive" and "NaN" in res.reason
