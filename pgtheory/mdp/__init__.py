"""Exact tabular MDPs: models, exact solvers, occupancy measures and instances.

Public API
----------
TabularMDP, FiniteHorizonMDP
    Frozen, validated models (dense or sparse transitions).
policy_evaluation, q_from_v, advantage, objective, state_occupancy, state_action_occupancy
    Exact quantities of a fixed policy.
"""

from ._bellman import (
    advantage,
    check_policy,
    objective,
    policy_evaluation,
    q_from_v,
    state_action_occupancy,
    state_occupancy,
)
from ._model import FiniteHorizonMDP, TabularMDP

__all__ = [
    "TabularMDP",
    "FiniteHorizonMDP",
    "check_policy",
    "policy_evaluation",
    "q_from_v",
    "advantage",
    "objective",
    "state_occupancy",
    "state_action_occupancy",
]
