"""Policy parameterisations and their exact gradients, Fisher matrices and Hessians.

Public API
----------
Policy, ContinuousPolicy
    The protocols every consumer (exact oracles, estimators, algorithms) relies on.
SoftmaxPolicy, LogLinearPolicy, DirectPolicy, as_policy
    Tabular parameterisations (probabilities, scores, Jacobians).
policy_gradient, value_and_gradient
    Exact gradient of J(theta) = rho^T V^{pi_theta} (policy-gradient theorem).
fisher_matrix, natural_gradient, npg_update
    Fisher information under the discounted visitation, the NPG direction and step.
performance_difference, PerformanceDifference
    Both sides of the performance-difference lemma.
hessian, hessian_vector_product
    Exact Hessian of J and exact Hessian-vector products.
regularized_objective, regularized_gradient, regularized_value_and_gradient, regularized_natural_gradient, regularized_npg_update, regularized_hessian, regularized_hessian_vector_product
    Entropy regularisation (Cen et al. 2021); the soft values themselves are :func:`pgtheory.mdp.soft_policy_evaluation`.
finite_horizon_softmax_evaluation, finite_horizon_objective, finite_horizon_gradient, finite_horizon_value_and_gradient, finite_horizon_fisher, finite_horizon_natural_gradient, finite_horizon_npg_update, FiniteHorizonEvaluation
    The same for (non-)stationary softmax policies on FiniteHorizonMDP.
GaussianLinearPolicy, CauchyLinearPolicy
    Continuous-action linear policies (module ``_continuous``, re-exported by its ``__all__``).
"""

from . import _continuous
from ._continuous import *  # noqa: F401,F403  (names listed in _continuous.__all__)
from ._finite import (
    FiniteHorizonEvaluation,
    finite_horizon_softmax_evaluation,
    finite_horizon_fisher,
    finite_horizon_gradient,
    finite_horizon_natural_gradient,
    finite_horizon_npg_update,
    finite_horizon_objective,
    finite_horizon_value_and_gradient,
)
from ._gradients import (
    PerformanceDifference,
    fisher_matrix,
    natural_gradient,
    npg_update,
    performance_difference,
    policy_gradient,
    value_and_gradient,
)
from ._hessian import hessian, hessian_vector_product
from ._regularized import (
    regularized_gradient,
    regularized_hessian,
    regularized_hessian_vector_product,
    regularized_natural_gradient,
    regularized_npg_update,
    regularized_objective,
    regularized_value_and_gradient,
)
from ._param import DirectPolicy, LogLinearPolicy, SoftmaxPolicy, as_policy
from ._protocol import ContinuousPolicy, Policy

__all__ = [
    "Policy",
    "ContinuousPolicy",
    "SoftmaxPolicy",
    "LogLinearPolicy",
    "DirectPolicy",
    "as_policy",
    "policy_gradient",
    "value_and_gradient",
    "fisher_matrix",
    "natural_gradient",
    "npg_update",
    "performance_difference",
    "PerformanceDifference",
    "hessian",
    "hessian_vector_product",
    "regularized_objective",
    "regularized_gradient",
    "regularized_value_and_gradient",
    "regularized_natural_gradient",
    "regularized_npg_update",
    "regularized_hessian",
    "regularized_hessian_vector_product",
    "FiniteHorizonEvaluation",
    "finite_horizon_softmax_evaluation",
    "finite_horizon_objective",
    "finite_horizon_gradient",
    "finite_horizon_value_and_gradient",
    "finite_horizon_fisher",
    "finite_horizon_natural_gradient",
    "finite_horizon_npg_update",
]
__all__ += list(_continuous.__all__)
