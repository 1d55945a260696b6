r"""Preference games and zero-sum matrix games: models, exact equilibria, certificates.

Public API
----------
Models and instances
    PreferenceGame, ContextualPreferenceGame, ZeroSumMatrixGame, random_preference_game,
    tie_game, rock_paper_scissors, intransitive_game
Exact solutions
    regularized_nash (Newton, to the float64 floor), regularized_nash_cvxpy (second method),
    solve_zero_sum (LP, HiGHS)
Certificates and metrics
    best_response, duality_gap, regularized_preference, kl_to_equilibrium, span_seminorm,
    matrix_exploitability
"""

from ._matrix import MatrixNashEquilibrium, ZeroSumMatrixGame, matrix_exploitability, solve_zero_sum
from ._preference import (
    PREFERENCE_ATOL,
    ContextualPreferenceGame,
    PreferenceGame,
    intransitive_game,
    random_preference_game,
    rock_paper_scissors,
    tie_game,
)
from ._regularized import (
    RegularizedNashEquilibrium,
    as_log_policy,
    duality_gap_rows,
    kl_rows,
    prepare_regularized_game,
    best_response,
    duality_gap,
    kl_to_equilibrium,
    regularized_nash,
    regularized_nash_cvxpy,
    regularized_preference,
    span_seminorm,
)

__all__ = [
    "PreferenceGame", "ContextualPreferenceGame", "ZeroSumMatrixGame", "PREFERENCE_ATOL",
    "random_preference_game", "tie_game", "rock_paper_scissors", "intransitive_game",
    "RegularizedNashEquilibrium", "regularized_nash", "regularized_nash_cvxpy",
    "best_response", "duality_gap", "regularized_preference", "kl_to_equilibrium", "span_seminorm",
    "MatrixNashEquilibrium", "solve_zero_sum", "matrix_exploitability",
    # building blocks of the Nash-MD / Nash-MP iterations (pgtheory.algorithms.nash)
    "prepare_regularized_game", "as_log_policy", "kl_rows", "duality_gap_rows",
]
