r"""Submodular set functions, their maximisation, and submodular RL (SubRL).

Set functions (monotone submodular): :class:`WeightedCoverage` (with :func:`grid_disc_coverage`),
:class:`FacilityLocation`, :class:`LogDetGain`; :class:`CallableSetFunction` wraps user code and
:func:`check_submodular` tests it (exhaustively for small ground sets, with a counterexample).
Maximisation under :math:`|S| \le k`: :func:`greedy` (the :math:`1-1/e` algorithm) and
:func:`exact_max` (enumeration or branch and bound).

SubRL (Prajapat, Mutný, Zeilinger, Krause, ICLR 2024, arXiv:2307.13372): :class:`SubRLEnv`,
:func:`bandit_env`, :func:`grid_env`, :func:`corridor_trap_env`; exact objective, gradient and
optimum on the history graph (:func:`build_history_graph`, :func:`exact_objective`,
:func:`exact_gradient`, :func:`optimal_value`), explicit trajectory enumeration, and sampled
SubPO gradients (:func:`sample_gradient`). The SubPO algorithm is
:func:`pgtheory.algorithms.subpo.subpo`.
"""

from ._check import MAX_EXHAUSTIVE_N, SubmodularityReport, check_submodular
from ._functions import (
    CallableSetFunction,
    FacilityLocation,
    LogDetGain,
    SetFunction,
    WeightedCoverage,
    as_mask,
    grid_disc_coverage,
    masks_from_bits,
    random_coverage,
    random_facility_location,
)
from ._optimize import MAX_ENUMERATION, SelectionResult, count_subsets, exact_max, greedy
from ._sampling import SubRLTrajectoryBatch, sample_gradient, sample_objective, sample_subrl_trajectories
from ._subrl import (
    GRID_ACTIONS,
    MAX_NODES,
    MAX_TRAJECTORIES,
    POLICY_CLASSES,
    HistoryGraph,
    SubRLEnv,
    bandit_env,
    build_history_graph,
    corridor_trap_env,
    enumerate_trajectories,
    exact_gradient,
    exact_gradient_direct,
    exact_objective,
    grid_env,
    objective_by_enumeration,
    open_loop_optimum,
    optimal_value,
    policy_shape,
)

__all__ = [
    "SetFunction", "WeightedCoverage", "FacilityLocation", "LogDetGain", "CallableSetFunction",
    "grid_disc_coverage", "random_coverage", "random_facility_location", "as_mask", "masks_from_bits",
    "check_submodular", "SubmodularityReport", "MAX_EXHAUSTIVE_N",
    "greedy", "exact_max", "count_subsets", "SelectionResult", "MAX_ENUMERATION",
    "SubRLEnv", "HistoryGraph", "bandit_env", "grid_env", "corridor_trap_env", "build_history_graph",
    "policy_shape", "exact_objective", "exact_gradient", "exact_gradient_direct", "optimal_value", "enumerate_trajectories",
    "objective_by_enumeration", "open_loop_optimum", "POLICY_CLASSES", "GRID_ACTIONS", "MAX_NODES",
    "MAX_TRAJECTORIES",
    "SubRLTrajectoryBatch", "sample_subrl_trajectories", "sample_objective", "sample_gradient",
]
