r"""Agnostic RL on layered MDPs: finite policy classes, spanning capacity, access models, learners.

Every quantity the agnostic-RL papers name is computed exactly on small layered MDPs:
spanning capacity :math:`\mathfrak S(\Pi)` (by a search over reachable configurations),
coverability, concentrability, pushforward concentrability, policy completeness and the values
:math:`V^\pi` of every policy in the class. Access models count what a learner uses.

Sources: Jia, Li, Rakhlin, Sekhari, Srebro, NeurIPS 2023 (arXiv:2310.06113) and Krishnamurthy,
Li, Sekhari, COLT 2025 (arXiv:2504.05405). Their full texts were not read: definitions are
recalled or taken from the abstracts, closed forms are derived here and checked by enumeration
(see ``docs/explanation/agnostic_rl.md``).

Public API
----------
LayeredMDP, BlockMDP
    Models.
PolicyClass, constant_policies, all_policies, open_loop_policies, singleton_policies, ell_ton_policies, sunflower_class, spanning_capacity_closed_form
    Finite classes of deterministic Markov policies.
SpanningCapacity, CompletenessResult, spanning_capacity, reachable_pairs, occupancies, policy_values, coverability, concentrability, pushforward_concentrability, policy_completeness
    Exact measures.
GenerativeAccess, LocalSimulatorAccess, MuResetAccess, OnlineAccess, Episodes
    Access models that charge per query / episode.
LearnerResult, evaluate_all, importance_sampling, trajectory_tree, psdp, cpi, popler_lite, hoeffding_episodes, online_replay
    Learners.
"""

from ._access import Episodes, GenerativeAccess, LocalSimulatorAccess, MuResetAccess, OnlineAccess
from ._classes import (PolicyClass, all_policies, constant_policies, ell_ton_policies, open_loop_policies,
                       singleton_policies, spanning_capacity_closed_form, sunflower_class)
from ._layered import BlockMDP, LayeredMDP
from ._learners import (LearnerResult, cpi, evaluate_all, hoeffding_episodes, importance_sampling, online_replay,
                        popler_lite, psdp, trajectory_tree)
from ._measures import (CompletenessResult, SpanningCapacity, concentrability, coverability, occupancies,
                        policy_completeness, policy_values, pushforward_concentrability, reachable_pairs,
                        spanning_capacity)

__all__ = ["LayeredMDP", "BlockMDP",
           "PolicyClass", "constant_policies", "all_policies", "open_loop_policies", "singleton_policies",
           "ell_ton_policies", "sunflower_class", "spanning_capacity_closed_form",
           "SpanningCapacity", "CompletenessResult", "spanning_capacity", "reachable_pairs", "occupancies",
           "policy_values", "coverability", "concentrability", "pushforward_concentrability", "policy_completeness",
           "GenerativeAccess", "LocalSimulatorAccess", "MuResetAccess", "OnlineAccess", "Episodes",
           "LearnerResult", "evaluate_all", "importance_sampling", "trajectory_tree", "psdp", "cpi", "popler_lite",
           "hoeffding_episodes", "online_replay"]
