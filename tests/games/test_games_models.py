"""Preference / zero-sum game models: validation, instances, LP equilibria (cross-checked)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import InvalidProbabilityError, PgTheoryError, ShapeError, ValidationError
from pgtheory.games import (
    ContextualPreferenceGame,
    PreferenceGame,
    ZeroSumMatrixGame,
    intransitive_game,
    matrix_exploitability,
    random_preference_game,
    rock_paper_scissors,
    solve_zero_sum,
    tie_game,
)
from pgtheory.testing import assert_close


def test_random_game_is_a_preference_matrix():
    g = random_preference_game(7, rng=0)
    assert_close(g.P + g.P.T, np.ones((7, 7)), atol=0, rtol=0)
    assert_close(np.diag(g.P), np.full(7, 0.5), atol=0, rtol=0)
    assert_close(g.A, -g.A.T, atol=0, rtol=0)  # exactly antisymmetric
    pi = np.random.default_rng(1).dirichlet(np.ones(7))
    assert_close(g.preference(pi, pi), 0.5, atol=1e-15)


def test_seeded_constructors_are_reproducible():
    assert_close(random_preference_game(5, rng=3).P, random_preference_game(5, rng=3).P, atol=0, rtol=0)
    cg = random_preference_game(4, rng=3, contexts=3)
    assert isinstance(cg, ContextualPreferenceGame) and cg.P.shape == (3, 4, 4)
    assert_close(cg.rho, np.full(3, 1 / 3))


def test_instances_have_their_documented_equilibria():
    rps = rock_paper_scissors()
    assert rps.P[1, 0] == 1.0 and rps.P[0, 2] == 1.0 and rps.P[2, 1] == 1.0  # paper>rock, rock>scissors, scissors>paper
    for g in (rps, intransitive_game(7), intransitive_game(5, margin=0.3)):
        eq = solve_zero_sum(ZeroSumMatrixGame.from_preference(g))
        assert_close(eq.x, np.full(g.n, 1 / g.n), atol=1e-9)
        assert abs(eq.value) <= 1e-12
    tie = tie_game(4)
    assert_close(tie.P, np.full((4, 4), 0.5), atol=0, rtol=0)


@pytest.mark.parametrize("bad, err", [
    (np.array([[0.5, 0.7], [0.7, 0.5]]), InvalidProbabilityError),   # P + P^T != 1
    (np.array([[0.5, 1.2], [-0.2, 0.5]]), InvalidProbabilityError),  # outside [0, 1]
    (np.array([[0.6, 0.5], [0.5, 0.4]]), InvalidProbabilityError),   # diagonal != 1/2
    (np.ones((2, 3)) * 0.5, ShapeError),                             # not square
    (np.array([[0.5, np.nan], [0.5, 0.5]]), ValidationError),        # NaN
])
def test_bad_preference_matrix_raises_named_error(bad, err):
    with pytest.raises(err) as info:
        PreferenceGame(bad)
    assert isinstance(info.value, PgTheoryError)
    assert "P" in str(info.value)


def test_contextual_game_validation():
    P = np.stack([random_preference_game(3, rng=i).P for i in range(2)])
    with pytest.raises(InvalidProbabilityError):
        ContextualPreferenceGame(P, rho=[0.5, 0.6])
    with pytest.raises(ShapeError):
        ContextualPreferenceGame(P, rho=[1.0])
    with pytest.raises(ShapeError):
        PreferenceGame(P)
    with pytest.raises(ValidationError):
        intransitive_game(4)


@settings(deadline=None)
@given(m=st.integers(1, 6), k=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_lp_equilibrium_certificate_and_minimax(m, k, seed):
    """Both LPs solved independently agree (minimax theorem) and the pair has ~0 exploitability."""
    A = np.random.default_rng(seed).normal(size=(m, k))
    eq = solve_zero_sum(A)
    assert eq.exploitability <= 1e-8
    assert_close(eq.lower, eq.upper, atol=1e-8)
    assert_close(eq.value, eq.lower, atol=1e-8)
    assert_close(matrix_exploitability(A, eq.x, eq.y), eq.exploitability, atol=1e-15)


@settings(deadline=None, max_examples=15)
@given(n=st.integers(2, 5), seed=st.integers(0, 2**32 - 1))
def test_lp_value_matches_nashpy(n, seed):
    """Cross-check with a peer library (nashpy support enumeration) when it is installed."""
    nashpy = pytest.importorskip("nashpy")
    A = np.random.default_rng(seed).normal(size=(n, n))  # square: generic games are non-degenerate
    eq = solve_zero_sum(A)
    game = nashpy.Game(A)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nashpy's degeneracy notice
        eqs = list(game.support_enumeration()) or list(game.vertex_enumeration())
    values = [float(x @ A @ y) for x, y in eqs]
    assert values, "nashpy found no equilibrium (degenerate draw)"
    for v in values:  # every equilibrium of a zero-sum game has the same value
        assert_close(v, eq.value, atol=1e-8)


def test_as_contextual_is_the_validated_game_without_copying():
    """Issue 13 (bench_games): as_contextual shares the game's read-only arrays instead of validating
    and copying P again on every runner call; it is the game the constructor builds, array for array."""
    import numpy as np

    from pgtheory.games import ContextualPreferenceGame, random_preference_game, rock_paper_scissors

    for g in (random_preference_game(40, rng=3), rock_paper_scissors()):
        got = g.as_contextual()
        want = ContextualPreferenceGame(g.P[None], np.ones(1), name=g.name)
        assert isinstance(got, ContextualPreferenceGame) and got.name == want.name
        for field in ("P", "rho", "A"):
            a, b = getattr(got, field), getattr(want, field)
            assert a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes(), field
            assert not a.flags.writeable
        assert np.shares_memory(got.P, g.P) and np.shares_memory(got.A, g.A)
        assert (got.n, got.n_contexts) == (want.n, want.n_contexts)
