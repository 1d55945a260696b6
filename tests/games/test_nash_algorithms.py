r"""Nash-learning machinery shared by several papers: the update rules (mirror step, EGPO / online
IPO, the centred payoff query), the linear methods converging to the equilibrium, EGPO's inferred
contraction (Zhou et al. 2025), and the input validation of every runner.

Ground truth: the exact equilibrium (``regularized_nash``, certified), closed forms of the mirror
step, finite differences of the IPO loss, and the inferred EGPO contraction (falsification test at
every iterate). Nash-MD (Munos et al. 2024) is tested in ``test_munos2024.py``; Nash-MP and its
stochastic variant (Tiapkin et al. 2025) are still tested here (half step, inferred bound, queries,
stochastic runs, performance).
"""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms.nash import (
    egpo,
    egpo_update,
    mirror_step,
    nash_md,
    nash_mp,
    nash_mp_update,
    omwu,
    online_ipo_grad,
    online_ipo_loss,
    online_mirror_descent,
    payoff,
    stochastic_nash_mp,
)
from pgtheory.bounds.catalog import tiapkin2025, zhou2025
from pgtheory.errors import InvalidStepSizeError, ValidationError
from pgtheory.games import intransitive_game, random_preference_game, regularized_nash, rock_paper_scissors
from pgtheory.testing import assert_close, test_seed

from ._helpers import instances

ROUND = 1e-13  # floating-point floor of KL evaluations near the equilibrium


def _ctx(game):
    c = game.as_contextual()
    return c.A, c.rho


# ---------------------------------------------------------------- update rules
@settings(deadline=None)
@given(inst=instances(max_n=8), seed=st.integers(0, 2**32 - 1))
def test_nash_mp_half_step_is_the_proximal_maximiser(inst, seed):
    """For J(pi) = <pi, P pi_k>/beta - KL(pi||mu) - KL(pi||pi_k)/eta: J(pi) = J(half) - (1+1/eta) KL(pi||half)."""
    game, beta, mu, _ = inst
    rng = np.random.default_rng(seed)
    A, _ = _ctx(game)
    lmu = np.log(mu)[None]
    th = np.log(rng.dirichlet(np.ones(game.n)))[None]
    eta = 2 * beta
    _, half = nash_mp_update(th, A, lmu, beta, eta)
    P = game.P
    pik = np.exp(th[0])

    def J(p):
        lp = np.log(p)
        return p @ P @ pik / beta - p @ (lp - lmu[0]) - p @ (lp - th[0]) / eta

    ph = np.exp(half[0])
    for _ in range(3):
        p = rng.dirichlet(np.ones(game.n))
        kl = p @ (np.log(p) - half[0])
        assert_close(J(p), J(ph) - (1 + 1 / eta) * kl, atol=1e-9, rtol=1e-9)


@settings(deadline=None)
@given(inst=instances(max_n=12))
def test_egpo_ipo_gradient_equals_policy_space_extragradient(inst):
    game, beta, mu, _ = inst
    A, _ = _ctx(game)
    lmu = np.log(np.atleast_2d(mu))
    th = np.log(np.random.default_rng(0).dirichlet(np.ones(game.n)))[None]
    eta = 1 / (1 + beta)
    a, ah = egpo_update(th, A, lmu, beta, eta, via_ipo_loss=True)
    b, bh = egpo_update(th, A, lmu, beta, eta, via_ipo_loss=False)
    assert_close(a, b, atol=1e-11)
    assert_close(ah, bh, atol=1e-11)


def test_ipo_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    th, tg = rng.normal(size=(1, 6)), rng.normal(size=(1, 6))
    g = online_ipo_grad(th, tg)
    h = 1e-6
    fd = np.array([(online_ipo_loss(th + h * e, tg) - online_ipo_loss(th - h * e, tg))[0] / (2 * h)
                   for e in np.eye(6)[:, None, :]])
    assert_close(g[0], fd, atol=1e-8)
    # the loss is the uniform-pair mean of squared log-ratio-difference errors
    u = th[0] - tg[0]
    brute = np.mean((u[:, None] - u[None, :]) ** 2)
    assert_close(online_ipo_loss(th, tg)[0], brute, atol=1e-14)


def test_mirror_step_is_the_geometric_mixture_formula():
    rng = np.random.default_rng(1)
    th, lmu = (np.log(rng.dirichlet(np.ones(4)))[None] for _ in range(2))
    g = rng.normal(size=(1, 4))
    out = np.exp(mirror_step(th, g, lmu, 0.3, 0.25))
    ref = np.exp(th) ** 0.75 * np.exp(lmu) ** 0.25 * np.exp(0.25 * g / 0.3)
    assert_close(out, ref / ref.sum(), atol=1e-15)


# ---------------------------------------------------------------- bounds at every iterate, convergence
@settings(deadline=None)
@given(inst=st.one_of(instances(), instances(max_n=6, contextual=True)))
def test_nash_mp_inferred_bound_holds_at_every_iterate(inst):
    """KL(pi*||pi_k) <= (1 + 2 beta)^(-N/2) KL(pi*||pi_0), N = 2k, eta = 2 beta (inferred; falsification test)."""
    game, beta, mu, pi0 = inst
    tr = nash_mp(game, beta, 80, mu=mu, pi0=pi0)
    kl = tr.metric("kl")
    bound = tiapkin2025.kl_bound(tr.samples, beta, kl[0])
    assert np.all(kl <= bound * (1 + 1e-9) + ROUND)
    assert tr.params["eta"] == pytest.approx(2 * beta)
    assert np.all(tr.samples == 2 * tr.iterations)


@settings(deadline=None)
@given(inst=instances())
def test_egpo_inferred_bound_holds_at_every_iterate(inst):
    game, beta, mu, pi0 = inst
    tr = egpo(game, beta, 80, mu=mu, pi0=pi0)
    kl = tr.metric("kl")
    bound = zhou2025.kl_bound(tr.samples, beta, tr.params["eta"], kl[0])
    assert np.all(kl <= bound * (1 + 1e-9) + ROUND)


@pytest.mark.parametrize("run", [
    lambda g, b: online_mirror_descent(g, b, 400, eta=0.5),
    lambda g, b: omwu(g, b, 400, eta=0.5),
    lambda g, b: nash_mp(g, b, 200),
    lambda g, b: egpo(g, b, 200),
])
def test_linear_methods_converge_to_the_equilibrium(run):
    g = random_preference_game(12, rng=4)
    tr = run(g, 0.5)
    assert tr.metric("kl")[-1] <= 1e-12
    assert tr.metric("gap")[-1] <= 1e-12
    assert tr.metric("span")[-1] <= 1e-5


def test_nash_mp_on_rps_and_queries_are_counted():
    tr = nash_mp(rock_paper_scissors(), 0.1, 10, pi0=[0.7, 0.2, 0.1])
    assert tr.sample_unit == "preference queries"
    assert list(tr.samples) == list(range(0, 22, 2))
    assert np.all(np.diff(tr.metric("kl")) < 0)
    assert_close(tr.final["pi"].sum(), 1.0, atol=1e-15)


# ---------------------------------------------------------------- stochastic Nash-MP
def test_stochastic_nash_mp_is_seeded_and_counts_samples():
    g = random_preference_game(4, rng=0)
    a = stochastic_nash_mp(g, 0.5, 3, n_inner=5, batch=8, rng=11)
    b = stochastic_nash_mp(g, 0.5, 3, n_inner=5, batch=8, rng=11)
    assert_close(a.metric("kl"), b.metric("kl"), atol=0, rtol=0)
    assert list(a.samples) == [0, 80, 160, 240]


@pytest.mark.statistical
def test_stochastic_nash_mp_approaches_exact_with_large_batches():
    """Seeded (rng=5), n = 5 responses, beta = 0.5, B = 5000 sampled preferences per inner step.
    The REINFORCE noise per coordinate has std <= 1/(2 beta sqrt(B)) ~ 0.014, which puts the
    stationary KL floor near 2e-5 (measured: 1.7e-5 averaged over the last 5 iterates); the assertion
    KL_15 <= 5e-4 (and < KL_0 / 20) leaves a margin of more than 20 floors, so its false-alarm rate is
    far below alpha = 1e-5."""
    g = random_preference_game(5, rng=1)
    tr = stochastic_nash_mp(g, 0.5, 15, n_inner=40, batch=5000, rng=test_seed(5))
    kl = tr.metric("kl")
    assert kl[-1] <= 5e-4 and kl[-1] < kl[0] / 20


# ---------------------------------------------------------------- bad input
def test_step_sizes_outside_admissible_range_raise():
    g = random_preference_game(3, rng=0)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        nash_mp(g, 0.1, 5, eta=0.3)  # > 2 beta
    with pytest.raises(InvalidStepSizeError, match="eta"):
        egpo(g, 0.1, 5, eta=0.95)  # > 1/(1 + beta)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        nash_md(g, 0.1, 5, eta=11.0)  # eta * beta > 1
    with pytest.raises(InvalidStepSizeError, match="eta"):
        online_mirror_descent(g, 0.1, 5, eta=0.0)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        omwu(g, 0.1, 5, eta=-1.0)
    with pytest.raises(InvalidStepSizeError, match="lr"):
        stochastic_nash_mp(g, 0.1, 5, n_inner=2, batch=2, lr=0.0)
    with pytest.raises(ValidationError, match="eta"):
        nash_md(g, 0.1, 5, eta="bogus")


def test_bad_inputs_to_runners_raise():
    g = random_preference_game(3, rng=0)
    with pytest.raises(ValidationError, match="beta"):
        nash_mp(g, 0.0, 5)
    with pytest.raises(ValidationError, match="mu"):
        nash_mp(g, 0.1, 5, mu=[0.5, 0.5, 0.0])
    with pytest.raises(ValidationError, match="pi0"):
        nash_mp(g, 0.1, 5, pi0=[1.0, 0.0, 0.0])
    with pytest.raises(ValidationError, match="beta"):
        nash_mp(g, 0.1, 5, equilibrium=regularized_nash(g, 0.2))
    with pytest.raises(ValidationError, match="n_iter"):
        nash_mp(g, 0.1, -1)


def test_performance_exact_nash_mp_1000_responses():
    """Exact Nash-MP, |Y| = 1001, 1000 iterations (2000 queries + metrics every iteration) in < 1 s.

    Measured as process CPU time (best of 5): on the shared 2-core CI machine wall-clock time
    depends on other processes' load, CPU time measures this code. The same-process baseline is
    the bare cost of the 2000 matrix-vector products: Nash-MP must stay within 1.6x of it, and
    when the machine is so contended that the bare products alone take > 0.8 s CPU the absolute
    target cannot be judged and only the ratio is asserted."""
    # the regular tournament on 1001 responses has the uniform equilibrium in closed form (A 1 = 0), so
    # no O(n^3) solve is needed here; pi_0 is random, so the run does the full work
    g = intransitive_game(1001, margin=0.6)
    eq = regularized_nash(g, 0.1)
    assert eq.iterations == 0 and eq.gap <= 1e-15
    pi0 = np.random.default_rng(0).dirichlet(np.ones(1001))
    A, th = g.as_contextual().A, np.log(pi0)[None]
    best, floor = np.inf, np.inf
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(2000):
            payoff(A, th)
        floor = min(floor, time.process_time() - t0)
        t0 = time.process_time()
        tr = nash_mp(g, 0.1, 1000, equilibrium=eq, pi0=pi0)
        best = min(best, time.process_time() - t0)
        if best < 1.0:
            break
    assert tr.metric("kl")[-1] <= 1e-12
    assert best < 1.6 * floor, f"Nash-MP {best:.3f} s vs bare matvec floor {floor:.3f} s"
    if floor > 0.8 and best >= 1.0:
        pytest.skip(f"machine too contended to judge the 1 s target: bare matvecs alone take {floor:.2f} s CPU")
    assert best < 1.0, f"exact Nash-MP took {best:.3f} s CPU (bare matvec floor {floor:.3f} s)"


def test_payoff_is_the_centred_query():
    g = random_preference_game(5, rng=0)
    pi = np.random.default_rng(0).dirichlet(np.ones(5))
    assert_close(payoff(g.as_contextual().A, np.log(pi)[None])[0], g.P @ pi - 0.5, atol=1e-15)


def test_stochastic_nash_mp_contextual_runs_and_improves():
    cg = random_preference_game(3, rng=2, contexts=2, rho=[0.3, 0.7])
    tr = stochastic_nash_mp(cg, 1.0, 8, n_inner=20, batch=2000, rng=3)
    kl = tr.metric("kl")
    assert tr.final["pi"].shape == (2, 3)
    assert kl[-1] < kl[0]
    assert tr.samples[-1] == 8 * 2 * 20 * 2000 * 2
