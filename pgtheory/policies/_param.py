r"""Tabular policy parameterisations: softmax, log-linear and direct.

Each parameterisation is a frozen dataclass describing the map
:math:`\theta \mapsto \pi_\theta` and its score :math:`\nabla_\theta \log\pi_\theta(a|s)`.
The parameter is a NumPy array of shape ``param_shape``.

* :class:`SoftmaxPolicy` -- :math:`\pi_\theta(a|s) = \exp\theta_{s,a} / \sum_b \exp\theta_{s,b}`,
  ``theta`` of shape (S, A); score :math:`e_s \otimes (e_a - \pi_\theta(\cdot|s))`.
* :class:`LogLinearPolicy` -- :math:`\pi_\theta(a|s) \propto \exp(\phi(s,a)^\top\theta)`,
  ``theta`` of shape (d,); score :math:`\phi(s,a) - \mathbb E_{b\sim\pi(\cdot|s)}\phi(s,b)`.
* :class:`DirectPolicy` -- :math:`\pi_\theta = \theta` on the product of simplices,
  ``theta`` of shape (S, A); score :math:`e_{s,a} / \theta_{s,a}` (needs full support).

References
----------
Agarwal, Kakade, Lee, Mahajan (2021), "On the theory of policy gradient methods:
optimality, approximation, and distribution shift", JMLR 22(98), arXiv:1908.00261, Sec. 2.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array, check_distribution, check_positive_int, check_shape
from ..errors import ShapeError, ValidationError

__all__ = ["SoftmaxPolicy", "LogLinearPolicy", "DirectPolicy", "as_policy"]


class _Base:
    S: int
    A: int

    @property
    def param_shape(self) -> tuple:
        raise NotImplementedError

    @property
    def n_params(self) -> int:
        """Number of scalar parameters."""
        return int(np.prod(self.param_shape))

    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """Validate a parameter (finite, shape ``param_shape``) and return it as float64."""
        theta = as_float_array(theta, name)
        check_shape(theta, self.param_shape, name,
                    f"Fix: {type(self).__name__} with S={self.S}, A={self.A} takes {name} of shape {self.param_shape}.")
        return theta

    def log_probs(self, theta) -> np.ndarray:
        """``log pi_theta[s, a]``, shape (S, A) (may contain -inf for the direct policy)."""
        with np.errstate(divide="ignore"):
            return np.log(self.probs(theta))

    def score(self, theta, states, actions) -> np.ndarray:
        """Batched score ``grad_theta log pi_theta(a_i | s_i)``, shape ``(n, *param_shape)``."""
        raise NotImplementedError

    def jacobian(self, theta) -> np.ndarray:
        r"""``d pi_theta[s, a] / d theta``, shape ``(S, A, *param_shape)``.

        Computed as :math:`\pi(a|s)\,\nabla\log\pi(a|s)`.
        """
        theta = self.check_theta(theta)
        pi = self.probs(theta)
        s = np.repeat(np.arange(self.S), self.A)
        a = np.tile(np.arange(self.A), self.S)
        sc = self.score(theta, s, a).reshape((self.S, self.A) + self.param_shape)
        return pi.reshape(pi.shape + (1,) * len(self.param_shape)) * sc


@dataclasses.dataclass(frozen=True)
class SoftmaxPolicy(_Base):
    r"""Tabular softmax policy :math:`\pi_\theta(a|s) \propto \exp\theta_{s,a}`.

    Parameters
    ----------
    S, A : int
        Numbers of states and actions.
    """

    S: int
    A: int

    def __post_init__(self):
        check_positive_int(self.S, "S")
        check_positive_int(self.A, "A")

    @property
    def param_shape(self) -> tuple:
        """``(S, A)``."""
        return (self.S, self.A)

    def init(self) -> np.ndarray:
        """Zero logits (the uniform policy)."""
        return np.zeros(self.param_shape)

    def probs(self, theta) -> np.ndarray:
        """Stable softmax of each row of ``theta``; shape (S, A)."""
        return softmax(np.asarray(theta, dtype=np.float64), axis=-1)

    def log_probs(self, theta) -> np.ndarray:
        """Stable log-softmax of each row; shape (S, A)."""
        return log_softmax(np.asarray(theta, dtype=np.float64), axis=-1)

    def score(self, theta, states, actions) -> np.ndarray:
        """Batched score, shape (n, S, A): row ``s_i`` is ``e_{a_i} - pi(.|s_i)``, zero elsewhere."""
        pi = self.probs(theta)
        states = np.asarray(states, dtype=np.intp)
        actions = np.asarray(actions, dtype=np.intp)
        n = states.shape[0]
        out = np.zeros((n, self.S, self.A))
        out[np.arange(n), states, :] = -pi[states]
        out[np.arange(n), states, actions] += 1.0
        return out

    def from_policy(self, pi) -> np.ndarray:
        """Logits ``log pi`` reproducing a full-support policy ``pi``."""
        pi = check_distribution(pi, "pi", positive=True)
        return np.log(pi)


@dataclasses.dataclass(frozen=True, eq=False)
class LogLinearPolicy(_Base):
    r"""Log-linear policy :math:`\pi_\theta(a|s) \propto \exp(\phi(s,a)^\top\theta)`.

    Parameters
    ----------
    phi : array, shape (S, A, d)
        Features.
    """

    phi: np.ndarray

    def __post_init__(self):
        phi = as_float_array(self.phi, "phi", ndim=3)
        if 0 in phi.shape:
            raise ShapeError(f"phi has shape {phi.shape}; need S, A, d >= 1.")
        phi = np.array(phi)
        phi.setflags(write=False)
        object.__setattr__(self, "phi", phi)

    @property
    def S(self) -> int:  # type: ignore[override]
        return self.phi.shape[0]

    @property
    def A(self) -> int:  # type: ignore[override]
        return self.phi.shape[1]

    @property
    def d(self) -> int:
        """Feature dimension."""
        return self.phi.shape[2]

    @property
    def param_shape(self) -> tuple:
        """``(d,)``."""
        return (self.d,)

    def init(self) -> np.ndarray:
        """Zero parameter."""
        return np.zeros(self.d)

    def logits(self, theta) -> np.ndarray:
        """``phi @ theta``, shape (S, A)."""
        return self.phi @ np.asarray(theta, dtype=np.float64)

    def probs(self, theta) -> np.ndarray:
        """Stable softmax of the logits; shape (S, A)."""
        return softmax(self.logits(theta), axis=-1)

    def log_probs(self, theta) -> np.ndarray:
        """Stable log-softmax of the logits; shape (S, A)."""
        return log_softmax(self.logits(theta), axis=-1)

    def score(self, theta, states, actions) -> np.ndarray:
        """Batched score ``phi[s,a] - sum_b pi(b|s) phi[s,b]``, shape (n, d)."""
        pi = self.probs(theta)
        mean_phi = np.einsum("sa,sad->sd", pi, self.phi)
        states = np.asarray(states, dtype=np.intp)
        actions = np.asarray(actions, dtype=np.intp)
        return self.phi[states, actions] - mean_phi[states]

    @classmethod
    def tabular(cls, S: int, A: int) -> "LogLinearPolicy":
        """One-hot features: reproduces the softmax policy with ``theta = logits.ravel()``."""
        phi = np.eye(S * A).reshape(S, A, S * A)
        return cls(phi)


@dataclasses.dataclass(frozen=True)
class DirectPolicy(_Base):
    r"""Direct parameterisation :math:`\pi_\theta(a|s) = \theta_{s,a}`, ``theta`` on the simplex per state.

    Parameters
    ----------
    S, A : int
    """

    S: int
    A: int

    def __post_init__(self):
        check_positive_int(self.S, "S")
        check_positive_int(self.A, "A")

    @property
    def param_shape(self) -> tuple:
        """``(S, A)``."""
        return (self.S, self.A)

    def init(self) -> np.ndarray:
        """The uniform policy."""
        return np.full(self.param_shape, 1.0 / self.A)

    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """Validate: shape (S, A) and rows on the simplex."""
        theta = super().check_theta(theta, name)
        return check_distribution(theta, name, axis=-1)

    def probs(self, theta) -> np.ndarray:
        """``theta`` itself."""
        return np.asarray(theta, dtype=np.float64)

    def score(self, theta, states, actions) -> np.ndarray:
        """Batched score ``e_{s,a} / theta[s, a]``, shape (n, S, A); needs ``theta[s_i, a_i] > 0``."""
        theta = np.asarray(theta, dtype=np.float64)
        states = np.asarray(states, dtype=np.intp)
        actions = np.asarray(actions, dtype=np.intp)
        p = theta[states, actions]
        if np.any(p <= 0):
            raise ValidationError("DirectPolicy.score needs theta[s, a] > 0 at every sampled pair. "
                                  "Fix: use a full-support policy.")
        n = states.shape[0]
        out = np.zeros((n, self.S, self.A))
        out[np.arange(n), states, actions] = 1.0 / p
        return out

    def jacobian(self, theta) -> np.ndarray:
        """Identity: ``d pi[s,a] / d theta[s',a'] = 1{s=s', a=a'}``, shape (S, A, S, A)."""
        return np.eye(self.S * self.A).reshape(self.S, self.A, self.S, self.A)


def as_policy(policy, mdp) -> _Base:
    """Return ``policy`` or, for the strings ``"softmax"`` / ``"direct"``, the parameterisation for ``mdp``.

    Parameters
    ----------
    policy : SoftmaxPolicy, LogLinearPolicy, DirectPolicy or str
        A parameterisation, or ``"softmax"`` / ``"direct"``.
    mdp : TabularMDP or FiniteHorizonMDP
        The problem whose ``S`` and ``A`` the policy must match.

    Returns
    -------
    policy object

    Raises
    ------
    pgtheory.errors.ShapeError
        If the policy's ``S``, ``A`` differ from the MDP's.
    """
    if isinstance(policy, _Base):
        if (policy.S, policy.A) != (mdp.S, mdp.A):
            raise ShapeError(f"policy is for S={policy.S}, A={policy.A} but the MDP has S={mdp.S}, A={mdp.A}.")
        return policy
    if policy == "softmax":
        return SoftmaxPolicy(mdp.S, mdp.A)
    if policy == "direct":
        return DirectPolicy(mdp.S, mdp.A)
    raise ValidationError(f"policy must be a SoftmaxPolicy, LogLinearPolicy, DirectPolicy, 'softmax' or 'direct'; "
                          f"got {policy!r}.")
