r"""Tiapkin et al. (2025; arXiv:2505.19731 **v1**, abstract read, statements inferred): Nash-MP
(mirror prox) converges linearly, KL to the beta-regularised equilibrium at order
:math:`(1+2\beta)^{-N/2}` in the number N of preference queries.

The constant, the step :math:`\eta = 2\beta` and the count N = 2k are our inference (see
``pgtheory.bounds.catalog.tiapkin2025``). What is tested, and against which independent ground truth:

* Nash-MP's half step is the proximal maximiser (the identity
  :math:`J(\pi) = J(\pi_{1/2}) - (1+1/\eta)\mathrm{KL}(\pi\|\pi_{1/2})`, independent of the closed
  form), queries are counted (two per iteration), the inferred bound holds at every iterate on random
  (contextual) games (hypothesis), and 1000 iterations on 1001 responses take under a second;
* the equilibrium itself: :func:`pgtheory.games.regularized_nash` against a second method (mpmath's
  Newton solver in probability space, 40 digits), to the error its own residual implies;
* the inferred bound in 40-digit arithmetic (the update as printed in the dossier's reading of v1,
  implemented here), where it is nearly tight for small beta, with the library's KL trace equal to
  the 40-digit one;
* why the step must scale with beta: on the 3-action cycle, :math:`\eta = 2\beta` converges and
  :math:`\eta = 4\beta` stalls far above the bound (the dossier's check C2);
* stochastic Nash-MP (seeded, sample counts, a statistical test of its floor);
* the registered checks: quick runs are consistent, write their files, their figures carry the
  verdict; inferred statements say so; a single stochastic seed is never "violated"; the sampled-
  query check is an illustration.
"""

import time

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.algorithms.nash import nash_mp, nash_mp_update, payoff, stochastic_nash_mp
from pgtheory.bounds.catalog import tiapkin2025
from pgtheory.experiments import RunConfig, get, list_experiments, run_one
from pgtheory.games import (
    intransitive_game,
    kl_to_equilibrium,
    random_preference_game,
    regularized_nash,
    rock_paper_scissors,
)
from pgtheory.testing import assert_close, test_seed

from ._helpers import (
    DPS,
    EPS,
    ROUND,
    check_claims_and_figures,
    ctx,
    instances,
    mp_best_response,
    mp_equilibrium,
    mp_kl,
    mp_log_policy,
    mp_vector,
    run_recording,
)

NAMES = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence",
         "tiapkin2025-stochastic-floor", "tiapkin2025-sampled"]
FAST = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence",
        "tiapkin2025-stochastic-floor"]


def test_registered():
    names = {e.name for e in list_experiments()}
    assert set(NAMES) <= names


# ----------------------------------------------------------------------------- the algorithm
@settings(deadline=None)
@given(inst=instances(max_n=8), seed=st.integers(0, 2**32 - 1))
def test_nash_mp_half_step_is_the_proximal_maximiser(inst, seed):
    """For J(pi) = <pi, P pi_k>/beta - KL(pi||mu) - KL(pi||pi_k)/eta: J(pi) = J(half) - (1+1/eta) KL(pi||half)."""
    game, beta, mu, _ = inst
    rng = np.random.default_rng(seed)
    A, _ = ctx(game)
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


def test_nash_mp_on_rps_and_queries_are_counted():
    tr = nash_mp(rock_paper_scissors(), 0.1, 10, pi0=[0.7, 0.2, 0.1])
    assert tr.sample_unit == "preference queries"
    assert list(tr.samples) == list(range(0, 22, 2))
    assert np.all(np.diff(tr.metric("kl")) < 0)
    assert_close(tr.final["pi"].sum(), 1.0, atol=1e-15)


# ----------------------------------------------------------------------------- stochastic Nash-MP
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


def test_stochastic_nash_mp_contextual_runs_and_improves():
    cg = random_preference_game(3, rng=2, contexts=2, rho=[0.3, 0.7])
    tr = stochastic_nash_mp(cg, 1.0, 8, n_inner=20, batch=2000, rng=3)
    kl = tr.metric("kl")
    assert tr.final["pi"].shape == (2, 3)
    assert kl[-1] < kl[0]
    assert tr.samples[-1] == 8 * 2 * 20 * 2000 * 2


# ----------------------------------------------------------------------------- performance
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


# ----------------------------------------------------------------------------- 40-digit ground truth
@pytest.mark.parametrize("seed, beta", [(0, 0.02), (1, 0.1), (2, 1.0)])
def test_equilibrium_matches_a_second_method_in_40_digits(seed, beta):
    r""":func:`regularized_nash` (float64 log-space Newton) against mpmath's Newton solver on
    :math:`\pi = \mathrm{BR}(\pi)` in probability space (40 digits, residual below 1e-30).

    Two tolerances from the computation. (i) The float solution is a fixed point to float64
    rounding: its residual :math:`\|\pi_f - \mathrm{BR}(\pi_f)\|_\infty`, evaluated in 40 digits, is at
    most :math:`8(n+2)\varepsilon\max_i\pi_i(1+|\log\pi_i|)` (the rounding of its log-probabilities;
    measured 1e-17 to 1e-16, the bound 2e-14). (ii) To first order its error is :math:`(I - J)^{-1}` times
    that residual, :math:`J = \partial\mathrm{BR}/\partial\pi = \beta^{-1}(\mathrm{diag}\,\sigma -
    \sigma\sigma^\top)P` at the equilibrium, so the distance to the 40-digit solution is at most twice
    :math:`\|(I-J)^{-1}\|_\infty` times the residual (plus 1e-30)."""
    n = 6
    rng = np.random.default_rng(seed)
    g = random_preference_game(n, rng=rng)
    mu = rng.dirichlet(np.ones(n))
    eq = regularized_nash(g, beta, mu)
    with mp.workdps(DPS):
        star, res = mp_equilibrium(g.P, beta, mu)
        assert res < mp.mpf(10) ** -30
        Pm = [mp_vector(row) for row in g.P]
        lmu = [mp.log(v) for v in mp_vector(mu)]
        b = mp.mpf(float(beta))
        pf = mp_vector(eq.pi)
        res_f = max(abs(a - c) for a, c in zip(pf, mp_best_response(Pm, pf, b, lmu)))
        s = mp_best_response(Pm, star, b, lmu)
        J = mp.matrix(n, n)
        for i in range(n):
            for j in range(n):
                J[i, j] = (s[i] * Pm[i][j] - s[i] * mp.fsum(s[k] * Pm[k][j] for k in range(n))) / b
        inv = (mp.eye(n) - J) ** -1
        cond = max(mp.fsum(abs(inv[i, j]) for j in range(n)) for i in range(n))
        tol = float(2 * cond * res_f + mp.mpf(10) ** -30)
        dist = float(max(abs(a - c) for a, c in zip(pf, star)))
    floor = 8 * (n + 2) * EPS * float(np.max(eq.pi * (1 + np.abs(eq.log_pi))))
    assert float(res_f) <= floor, (float(res_f), floor)
    assert dist <= tol, (dist, tol)


def _mp_nash_mp(P, beta, log_mu, log_pi0, K, eta):
    r"""Nash-MP as printed in the dossier's reading of v1 (both steps anchored at :math:`\pi_k`):
    :math:`\log\pi' = [\eta^{-1}\log\pi_k + \log\mu + Pq/\beta]/(1+\eta^{-1}) + \mathrm{const}` with
    :math:`q = \pi_k` for the half step and :math:`q = \pi_{k+1/2}` for the full one; log-policies k = 0..K."""
    n = len(log_mu)
    Pm = [mp_vector(row) for row in np.asarray(P)]
    b, e = mp.mpf(float(beta)), mp.mpf(float(eta))

    def prox(th, q):
        return mp_log_policy([(th[i] / e + log_mu[i] + mp.fsum(Pm[i][j] * q[j] for j in range(n)) / b) / (1 + 1 / e)
                              for i in range(n)])

    th, out = list(log_pi0), [list(log_pi0)]
    for _ in range(K):
        half = prox(th, [mp.exp(v) for v in th])
        th = prox(th, [mp.exp(v) for v in half])
        out.append(th)
    return out


@pytest.mark.parametrize("seed, beta", [(0, 0.05), (1, 0.05), (2, 0.5)])
def test_inferred_bound_in_40_digits_is_nearly_tight_and_the_kl_trace_agrees(seed, beta):
    r"""In 40 digits: :math:`\mathrm{KL}(\pi^*\|\pi_k) \le (1+2\beta)^{-k}\mathrm{KL}(\pi^*\|\pi_0)` at every
    k with :math:`\eta = 2\beta` (allowance 1e-30), for as many iterations as the bound stays above 1e-25
    (the KL itself falls faster, like the square of the stated factor, down to the 40-digit floor).
    The bound is nearly tight for small beta (largest ratio above 1/2 at beta = 0.05; measured
    0.77-0.90), so a slower method would violate it. The library's KL trace equals the 40-digit one
    to float64 rounding, :math:`16\,n\,\varepsilon(1+\max|\log\pi|)` (n-term sums and one log-sum-exp
    per proximal step; measured 2e-15)."""
    n = 5
    g = random_preference_game(n, rng=seed)
    mu = np.random.default_rng(seed + 100).dirichlet(np.ones(n))
    with mp.workdps(DPS):
        star, res = mp_equilibrium(g.P, beta, mu)
        assert res < mp.mpf(10) ** -30
        log_star = [mp.log(v) for v in star]
        lmu = [mp.log(v) for v in mp_vector(mu)]
        kl0 = mp_kl(star, log_star, lmu)
        K = int(mp.floor(mp.log(kl0 * mp.mpf(10) ** 25) / mp.log(1 + 2 * mp.mpf(float(beta)))))
        its = _mp_nash_mp(g.P, beta, lmu, lmu, K, 2 * beta)
        kl = [mp_kl(star, log_star, th) for th in its]
        bound = [kl0 * (1 + 2 * mp.mpf(float(beta))) ** -k for k in range(K + 1)]
        assert all(a <= c + mp.mpf(10) ** -30 for a, c in zip(kl, bound))
        worst = float(max(a / c for a, c in zip(kl[1:], bound[1:])))
        kl_f = np.array([float(v) for v in kl])
        scale = 1 + max(float(abs(v)) for th in its for v in th)
    if beta <= 0.05:
        assert worst > 0.5, worst
    tr = nash_mp(g, beta, K, mu=mu)
    np.testing.assert_allclose(tr.metric("kl"), kl_f, rtol=0, atol=16 * n * EPS * scale)
    assert list(tr.samples) == list(range(0, 2 * K + 1, 2))


def test_step_size_must_scale_with_beta_on_the_three_action_cycle():
    r"""The dossier's check C2 (numerical [S], not a statement of the paper): rock-paper-scissors
    (P(i > i+1) = 1), beta = 0.02, uniform reference (equilibrium uniform, in closed form),
    :math:`\pi_0 = (0.9, 0.05, 0.05)`. With :math:`\eta = 2\beta` the KL is below 1e-12 within 400
    iterations and below the inferred bound at every one; with :math:`\eta = 4\beta` (outside the
    inferred range, so through :func:`nash_mp_update`) it stalls (KL > 1e-3 after 400 iterations),
    more than 1e4 times the bound."""
    g, beta = rock_paper_scissors(), 0.02
    A = g.as_contextual().A
    lmu = np.log(np.full((1, 3), 1 / 3))
    eq = regularized_nash(g, beta)
    assert_close(eq.pi, np.full(3, 1 / 3), atol=1e-14)
    out = {}
    for mult in (2, 4):
        th = np.log(np.array([[0.9, 0.05, 0.05]]))
        kl0 = kl_to_equilibrium(eq, np.exp(th[0]))
        kls = []
        for _ in range(400):
            th, _ = nash_mp_update(th, A, lmu, beta, mult * beta)
            kls.append(kl_to_equilibrium(eq, np.exp(th[0])))
        out[mult] = (np.array(kls), tiapkin2025.kl_bound(2 * np.arange(1, 401), beta, kl0))
    kl2, b2 = out[2]
    assert kl2[-1] < 1e-12 and np.all(kl2 <= b2 * (1 + 1e-9) + ROUND)
    kl4, b4 = out[4]
    assert kl4[-1] > 1e-3 and kl4[-1] / b4[-1] > 1e4  # measured KL 5.7e-3, 4e4 times the bound


# ----------------------------------------------------------------------------- registered checks
def test_quick_run_is_consistent_and_writes_files(tmp_path):
    # 5 seeds: MIN_SEEDS_FOR_CI, the fewest for which a rate claim can be decided (fewer are inconclusive)
    rep = run_one("tiapkin2025-rate-vs-beta", RunConfig(quick=True, seeds=5, out_dir=tmp_path),
                  catch=False)  # its script draws
    assert rep.verdict == "consistent", rep.measured
    assert rep.figures and all((tmp_path / p.split("/")[-1]).exists() for p in rep.figures)
    assert rep.data_files


@pytest.mark.parametrize("name", FAST)
def test_quick_claims_and_figures(name, tmp_path, monkeypatch):
    rep, seen, _ = run_recording(name, tmp_path, monkeypatch)
    check_claims_and_figures(rep, seen)


def test_inferred_statements_say_so():
    rep = get("tiapkin2025-compare").run(RunConfig(quick=True))
    by = {c["name"]: c for c in rep.claims}
    for name in ("Nash-MP KL bound", "EGPO KL bound"):
        assert "(inferred)" in by[name]["source"] and "inferred" in by[name]["reason"]
    # Nash-MD is fitted (last decade), not "not fitted"
    assert "not fitted" not in by["Nash-MD Thm 1"]["measured"]
    assert by["Nash-MD Thm 1"]["verdict"] == "consistent"
    # the finding stays a finding: the stated upper bound is consistent, the square is in the reason
    assert by["Nash-MP KL bound"]["verdict"] == "consistent" and "square" in by["Nash-MP KL bound"]["reason"]


def test_single_stochastic_seed_is_never_violated():
    rep = get("tiapkin2025-stochastic-floor").run(RunConfig(quick=True, seeds=1))
    assert rep.verdict != "violated", rep.reason
    assert any("fewer than" in c["reason"] for c in rep.claims)


def test_sampled_query_check_is_a_consistent_illustration():
    """``tiapkin2025-sampled`` in quick mode (8 seeds of 4000 sampled opponents per response and query,
    spawned from ``RunConfig.seed``: deterministic at the default seed, not a statistical test): its
    one claim is the registered rate, marked as an illustration (the bound is for exact proximal
    steps), and consistent."""
    rep = get("tiapkin2025-sampled").run(RunConfig(quick=True))
    (c,) = rep.claims
    assert rep.verdict == "consistent" and c["verdict"] == "consistent", c["reason"]
    assert c["bound_id"] == "tiapkin2025.kl_rate" and "exact proximal steps" in c["reason"]
    assert rep.details["queries_per_iteration_sampled"] > 2  # sampled queries are counted, not the 2 exact ones
