r"""The :class:`Policy` protocol: what the exact gradients, the estimators and the algorithms need.

A tabular policy maps a parameter :math:`\theta` (an array of shape ``param_shape``) to action
probabilities :math:`\pi_\theta(a \mid s)` on ``S`` states and ``A`` actions. Every consumer in
pgtheory uses only the members below, so any object providing them (not only the built-in
:class:`~pgtheory.policies.SoftmaxPolicy`, :class:`~pgtheory.policies.LogLinearPolicy` and
:class:`~pgtheory.policies.DirectPolicy`) can be passed:

* :func:`~pgtheory.policies.policy_gradient`, :func:`~pgtheory.policies.fisher_matrix`,
  :func:`~pgtheory.policies.hessian` and the other exact oracles call ``probs`` and ``jacobian``
  (the Hessians of user-defined classes also need ``score``);
* the estimators (:mod:`pgtheory.estimators`) tabulate ``probs`` and ``score``;
* every consumer validates parameters with ``check_theta`` and sizes arrays with ``param_shape``
  / ``n_params``.

The protocol is ``runtime_checkable``: ``isinstance(obj, Policy)`` checks that the members exist
(not their signatures). Continuous-action linear policies
(:class:`~pgtheory.policies.GaussianLinearPolicy`, :class:`~pgtheory.policies.CauchyLinearPolicy`)
follow the smaller :class:`ContinuousPolicy` protocol: there are no probability tables.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Policy", "ContinuousPolicy"]


@runtime_checkable
class Policy(Protocol):
    """A differentiable tabular policy :math:`\\theta \\mapsto \\pi_\\theta`, shape (S, A).

    Attributes
    ----------
    S, A : int
        Numbers of states and actions.
    param_shape : tuple of int
        Shape of :math:`\\theta`.
    n_params : int
        ``prod(param_shape)``.
    """

    S: int
    A: int

    @property
    def param_shape(self) -> tuple: ...

    @property
    def n_params(self) -> int: ...

    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """Validate ``theta`` (finite, shape ``param_shape``) and return it as float64."""

    def probs(self, theta) -> np.ndarray:
        """:math:`\\pi_\\theta(a \\mid s)`, shape (S, A); rows are distributions."""

    def score(self, theta, states, actions) -> np.ndarray:
        """Batched score :math:`\\nabla_\\theta\\log\\pi_\\theta(a_i \\mid s_i)`, shape ``(n, *param_shape)``."""

    def jacobian(self, theta) -> np.ndarray:
        """:math:`\\partial\\pi_\\theta(a \\mid s)/\\partial\\theta`, shape ``(S, A, *param_shape)``."""


@runtime_checkable
class ContinuousPolicy(Protocol):
    """A continuous-action policy :math:`u \\sim \\pi_K(\\cdot \\mid x)` with a score function."""

    @property
    def param_shape(self) -> tuple: ...

    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """Validate a parameter and return it as float64."""

    def score(self, theta, x, u) -> np.ndarray:
        """:math:`\\nabla_\\theta\\log\\pi_\\theta(u \\mid x)`."""
