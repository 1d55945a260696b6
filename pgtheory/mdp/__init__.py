r"""Exact tabular MDPs: models, exact solvers, occupancy measures and instances.

Public API
----------
TabularMDP, FiniteHorizonMDP
    Frozen, validated models (dense or sparse transitions).
PolicySystem, solve_policy_system
    The policy linear system :math:`I - \gamma P_\pi`: the one place it is built and solved.
policy_evaluation, q_from_v, advantage, objective, state_occupancy, state_action_occupancy
    Exact quantities of a fixed policy (``iterative_policy_evaluation``: GMRES with a certified
    residual for large sparse MDPs).
value_iteration, policy_iteration, modified_policy_iteration, lp_primal, lp_dual
    Exact solvers of discounted MDPs with certificates (Bellman residual, value-error bound,
    greedy gap, LP duality gap).
soft_value_iteration, soft_policy_evaluation
    Entropy-regularised optimum and values.
backward_induction, finite_horizon_evaluation, finite_horizon_occupancy
    Finite-horizon MDPs.
distribution_mismatch, concentrability_coefficient, action_gap, optimal_advantage
    Distribution-shift measures and optimal-solution helpers.
from_pymdptoolbox, from_gymnasium, to_gymnasium
    Importers and exporters.
bandit
    A K-armed bandit as the one-state MDP with gamma = 0.
instances
    Garnet, chain, RiverSwim, gridworld, combination lock, Li et al. (2021) hard MDP.
"""

from . import instances
from ._bandit import bandit
from ._bellman import (
    PolicySystem,
    advantage,
    check_policy,
    objective,
    policy_evaluation,
    q_from_v,
    solve_policy_system,
    state_action_occupancy,
    state_occupancy,
)
from ._finite import backward_induction, finite_horizon_evaluation, finite_horizon_occupancy
from ._io import from_gymnasium, from_pymdptoolbox, to_gymnasium
from ._lp import lp_dual, lp_primal
from ._measures import action_gap, concentrability_coefficient, distribution_mismatch, optimal_advantage
from ._model import FiniteHorizonMDP, TabularMDP
from ._solvers import (
    bellman_residual,
    greedy_policy,
    iterative_policy_evaluation,
    modified_policy_iteration,
    policy_iteration,
    soft_policy_evaluation,
    soft_value_iteration,
    value_iteration,
)

__all__ = [
    "TabularMDP",
    "bandit",
    "FiniteHorizonMDP",
    "PolicySystem",
    "solve_policy_system",
    "check_policy",
    "policy_evaluation",
    "q_from_v",
    "advantage",
    "objective",
    "state_occupancy",
    "state_action_occupancy",
    "value_iteration",
    "policy_iteration",
    "modified_policy_iteration",
    "lp_primal",
    "lp_dual",
    "soft_value_iteration",
    "soft_policy_evaluation",
    "greedy_policy",
    "bellman_residual",
    "iterative_policy_evaluation",
    "backward_induction",
    "finite_horizon_evaluation",
    "finite_horizon_occupancy",
    "distribution_mismatch",
    "concentrability_coefficient",
    "action_gap",
    "optimal_advantage",
    "from_pymdptoolbox",
    "from_gymnasium",
    "to_gymnasium",
    "instances",
]
