r"""The exact beta-regularised equilibrium: certificate, second method (CVXPY), closed forms, errors.

Ground truth used: (i) the certificate gap(pi) = 2 beta KL(pi || BR(pi)) = 0 iff pi = BR(pi);
(ii) the gap recomputed from its definition max_pi' P_beta(pi' > pi) - min_pi' P_beta(pi > pi')
with the closed-form best responses; (iii) an independent convex program solved by CVXPY, with the
tolerance derived from KL(pi || pi*) <= gap(pi) / (2 beta) and Pinsker; (iv) closed forms (tie game:
pi* = mu; rock-paper-scissors with uniform mu: pi* uniform).
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ConvergenceWarning, InvalidProbabilityError, ShapeError, SolverError, ValidationError
from pgtheory.games import (
    best_response,
    duality_gap,
    kl_to_equilibrium,
    random_preference_game,
    regularized_nash,
    regularized_nash_cvxpy,
    regularized_preference,
    rock_paper_scissors,
    span_seminorm,
    tie_game,
)
from pgtheory.testing import assert_close

BETAS = st.floats(1e-3, 10.0).map(float)


@st.composite
def games_and_refs(draw, max_n=25):
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    game = random_preference_game(n, rng=rng)
    mu = rng.dirichlet(np.full(n, draw(st.sampled_from([0.3, 1.0, 5.0]))))
    tiny = draw(st.sampled_from([0.0, 1e-8, 1e-14, 1e-100]))
    if tiny > 0:  # reference policies with tiny mass on some responses
        mask = rng.random(n) < 0.4
        mu = np.where(mask, tiny, mu)
    mu = np.maximum(mu, 1e-300)
    return game, mu / mu.sum(), draw(BETAS)


@settings(deadline=None)
@given(gm=games_and_refs())
def test_equilibrium_certificate(gm):
    game, mu, beta = gm
    eq = regularized_nash(game, beta, mu)
    assert eq.converged
    assert abs(eq.gap) <= 1e-12
    assert eq.residual <= 1e-11
    assert_close(eq.pi.sum(), 1.0, atol=1e-14)
    # fixed point: pi* = BR(pi*)
    assert_close(best_response(game, eq.pi, beta, mu), eq.pi, atol=1e-13, rtol=1e-11)
    assert_close(eq.value, 0.5, atol=1e-14)


@settings(deadline=None)
@given(gm=games_and_refs(max_n=8), seed=st.integers(0, 2**32 - 1))
def test_gap_closed_form_equals_definition(gm, seed):
    """2 beta KL(pi||BR(pi)) equals the duality gap computed from P_beta and explicit best responses."""
    game, mu, beta = gm
    pi = np.random.default_rng(seed).dirichlet(np.ones(game.n))
    br = best_response(game, pi, beta, mu)
    # max_pi' P_beta(pi' > pi) is attained at BR(pi); min_pi' P_beta(pi > pi') = 1 - max_pi' P_beta(pi' > pi)
    best_dev = regularized_preference(game, br, pi, beta, mu)
    worst_for_pi = 1.0 - best_dev
    gap_def = best_dev - worst_for_pi
    scale = 1.0 + beta * (np.abs(np.log(mu)).max())
    assert_close(duality_gap(game, pi, beta, mu), gap_def, atol=1e-12 * scale, rtol=1e-9)
    # BR really is a maximiser: no vertex or random policy does better
    for other in [np.eye(game.n)[i] for i in range(game.n)] + [np.random.default_rng(seed + 1).dirichlet(np.ones(game.n))]:
        with np.errstate(divide="ignore"):
            assert regularized_preference(game, np.maximum(other, 0), pi, beta, mu) <= best_dev + 1e-12 * scale


@settings(deadline=None)
@given(gm=games_and_refs(max_n=8), seed=st.integers(0, 2**32 - 1))
def test_kl_to_equilibrium_bounded_by_gap(gm, seed):
    """KL(pi || pi*) <= gap(pi) / (2 beta): the identity P_beta(pi* > pi) = 1/2 + beta KL(pi || pi*)."""
    game, mu, beta = gm
    eq = regularized_nash(game, beta, mu)
    pi = np.random.default_rng(seed).dirichlet(np.ones(game.n))
    lhs = float(np.sum(pi * (np.log(pi) - eq.log_pi)))
    rhs = duality_gap(game, pi, beta, mu) / (2 * beta)
    assert_close(regularized_preference(game, eq.pi, pi, beta, mu), 0.5 + beta * lhs, atol=1e-12 * (1 + beta * abs(np.log(mu)).max()), rtol=1e-10)
    assert lhs <= rhs * (1 + 1e-10) + 1e-12


@settings(deadline=None, max_examples=12)
@given(gm=games_and_refs(max_n=8))
def test_equilibrium_matches_cvxpy(gm):
    """Second method: the convex program min_pi (1 + gap(pi))/2 solved by CVXPY's conic solver."""
    game, mu, beta = gm
    if mu.min() < 1e-12:  # conic solvers cannot represent masses below their tolerance
        mu = 0.5 * mu + 0.5 / game.n
    eq = regularized_nash(game, beta, mu)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", ConvergenceWarning)
        pc = regularized_nash_cvxpy(game, beta, mu)
    inaccurate = any(issubclass(w.category, ConvergenceWarning) for w in said)
    gap_c = max(duality_gap(game, np.maximum(pc, 1e-300) / np.maximum(pc, 1e-300).sum(), beta, mu), 0.0)
    # KL(pc || pi*) <= gap_c / (2 beta) and Pinsker give ||pc - pi*||_1 <= sqrt(gap_c / beta): this holds
    # whatever the reference's accuracy (its own gap is the certificate)
    assert np.abs(pc - eq.pi).sum() <= np.sqrt(gap_c / beta) + 1e-7
    assert gap_c >= eq.gap - 1e-15  # the Newton solution is at least as good
    # the conic solver converged, unless it said it did not ('optimal_inaccurate': no second method here)
    assert gap_c <= 1e-4 or inaccurate


@pytest.mark.parametrize("status", ["optimal_inaccurate", "infeasible", "solver_error"])
def test_cvxpy_reference_says_when_its_solver_did_not_finish(status, monkeypatch):
    """The second method never returns silently: an inaccurate solve warns (naming the prompt), no
    solution raises a typed error with the fix. (The status is forced; the solver runs as usual.)"""
    import cvxpy as cp

    solve = cp.Problem.solve

    def forced(self, *args, **kwargs):
        out = solve(self, *args, **kwargs)
        self._status = status
        return out

    monkeypatch.setattr(cp.Problem, "solve", forced)
    game = random_preference_game(3, rng=1)
    if status == "optimal_inaccurate":
        with pytest.warns(ConvergenceWarning, match=r"optimal_inaccurate' on prompt\(s\) \[0\].*duality_gap"):
            pi = regularized_nash_cvxpy(game, 0.5)
        assert_close(pi, regularized_nash(game, 0.5).pi, atol=1e-5)  # the value is still returned
    else:
        with pytest.raises(SolverError, match=f"status '{status}' for prompt 0.*Fix: try another conic solver"):
            regularized_nash_cvxpy(game, 0.5)


def test_closed_forms():
    mu = np.array([0.1, 0.2, 0.3, 0.4])
    eq = regularized_nash(tie_game(4), 0.05, mu)
    assert_close(eq.pi, mu, atol=1e-15)
    for beta in (1e-3, 0.1, 10.0):
        eq = regularized_nash(rock_paper_scissors(), beta)
        assert_close(eq.pi, np.full(3, 1 / 3), atol=1e-14)


def test_contextual_equilibrium_separates_over_prompts():
    cg = random_preference_game(4, rng=5, contexts=3, rho=[0.2, 0.3, 0.5])
    mu = np.random.default_rng(6).dirichlet(np.ones(4), size=3)
    eq = regularized_nash(cg, 0.2, mu)
    from pgtheory.games import PreferenceGame
    for x in range(3):
        single = regularized_nash(PreferenceGame(cg.P[x]), 0.2, mu[x])
        assert_close(eq.pi[x], single.pi, atol=1e-14)
    assert abs(eq.gap) <= 1e-13


def test_metrics():
    g = random_preference_game(5, rng=2)
    eq = regularized_nash(g, 0.3)
    assert kl_to_equilibrium(eq, eq.pi) == pytest.approx(0.0, abs=1e-15)
    lp = np.log(np.random.default_rng(0).dirichlet(np.ones(5)))
    assert span_seminorm(lp + 3.0, eq.log_pi) == pytest.approx(span_seminorm(lp, eq.log_pi), abs=1e-12)
    d = lp - eq.log_pi
    assert span_seminorm(lp, eq.log_pi) == pytest.approx(d.max() - d.min(), abs=1e-14)


@pytest.mark.parametrize("beta", [0.0, -1.0, float("nan"), "a"])
def test_bad_beta(beta):
    with pytest.raises(ValidationError, match="beta"):
        regularized_nash(random_preference_game(3, rng=0), beta)


@pytest.mark.parametrize("mu, err", [
    ([0.5, 0.5, 0.0], InvalidProbabilityError),      # zero mass
    ([0.5, 0.4, 0.2], InvalidProbabilityError),      # does not sum to one
    ([0.5, 0.6, -0.1], InvalidProbabilityError),     # negative
    ([0.5, 0.5], ShapeError),                        # wrong length
])
def test_bad_reference_policy(mu, err):
    with pytest.raises(err, match="mu"):
        regularized_nash(random_preference_game(3, rng=0), 0.1, mu)


def test_game_type_checked():
    with pytest.raises(ValidationError, match="PreferenceGame"):
        regularized_nash(np.full((2, 2), 0.5), 0.1)


@settings(deadline=None, max_examples=15)
@given(gm=games_and_refs(max_n=8), beta=st.floats(0.01, 10.0).map(float))
def test_equilibrium_matches_mirror_prox_run_to_convergence(gm, beta):
    """Second method valid for tiny reference masses (down to 1e-100): Nash-MP (mirror prox) iterated in
    log space until it stops moving; log-probabilities agree in the span semi-norm."""
    from pgtheory.algorithms.nash import mirror_step, payoff

    game, mu, _ = gm
    eq = regularized_nash(game, beta, mu)
    A, lmu = game.as_contextual().A, np.log(mu)[None]
    th = lmu.copy()
    alpha = 2 * beta / (1 + 2 * beta)
    K = int(np.log(1e40) / np.log1p(2 * beta)) + 10
    for _ in range(K):
        half = mirror_step(th, payoff(A, th), lmu, beta, alpha)
        th = mirror_step(th, payoff(A, half), lmu, beta, alpha)
    scale = 1.0 + np.abs(lmu).max() + 1.0 / beta
    assert span_seminorm(th[0], eq.log_pi) <= 1e-13 * scale
