r"""A K-armed bandit as a problem object: the one-state discounted MDP with :math:`\gamma = 0`.

Why a :class:`~pgtheory.mdp.TabularMDP` and not a new class: every exact oracle
(:func:`pgtheory.policies.policy_gradient`, Fisher, NPG), every algorithm
(:func:`pgtheory.algorithms.softmax_pg`, NPG, ...) and every sampled estimator
(:func:`pgtheory.estimators.reinforce`, ...) already take a ``TabularMDP``; a bandit is the
special case with one state, self-loops and :math:`\gamma = 0`, so
:math:`J(\theta) = \pi_\theta^\top r` and, for the softmax, :math:`\nabla J = \pi \odot (r - \pi^\top r)`.
The experiments' private ``bandit_mdp`` helper built the same object; this is its public form.

Stochastic rewards: the exact objective and gradient depend on the arms' mean rewards only, so
a Bernoulli or Gaussian bandit with these means has the same exact quantities. Sampled
estimators on this object draw the deterministic reward ``means[a]``; for sampled Bernoulli
rewards use :class:`pgtheory.bandits.ContextualBandit` ``(means, binary=True)``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError, ValidationError
from ._model import TabularMDP

__all__ = ["bandit"]

_KINDS = ("fixed", "bernoulli", "gaussian")


def bandit(means, *, rewards: str = "fixed") -> TabularMDP:
    r"""A K-armed bandit with mean rewards ``means``, as a one-state :class:`TabularMDP` (:math:`\gamma=0`).

    Parameters
    ----------
    means : array_like, shape (K,)
        Mean reward of each arm, finite, ``K >= 1``.
    rewards : {"fixed", "bernoulli", "gaussian"}
        The reward model the means describe. It only changes validation (``"bernoulli"`` needs
        means in [0, 1]); exact quantities depend on the means alone (see the module docstring).

    Returns
    -------
    TabularMDP
        ``P`` of shape ``(1, K, 1)`` (ones), ``r`` of shape ``(1, K)`` equal to ``means``,
        ``gamma = 0``; pass it to :func:`pgtheory.policies.policy_gradient`, the algorithms and
        the estimators like any MDP (policy parameters of shape ``(1, K)``).

    Raises
    ------
    pgtheory.errors.ShapeError
        ``means`` not one-dimensional or empty.
    pgtheory.errors.ValidationError
        Non-finite ``means``, an unknown ``rewards``, or Bernoulli means outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.mdp import bandit
    >>> from pgtheory.policies import SoftmaxPolicy, policy_gradient
    >>> mdp = bandit([1.0, 0.0])
    >>> policy_gradient(mdp, SoftmaxPolicy(1, 2), np.zeros((1, 2)))
    array([[ 0.25, -0.25]])
    """
    if rewards not in _KINDS:
        raise ValidationError(f"bandit: rewards must be one of {_KINDS}; got {rewards!r}. "
                              f"Fix: rewards='bernoulli' for success probabilities, 'gaussian' or 'fixed' otherwise.")
    try:
        m = np.asarray(means, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"bandit: means must be an array of numbers; got {means!r}. "
                              f"Fix: pass one mean reward per arm, e.g. [1.0, 0.5].") from exc
    if m.ndim != 1 or m.size == 0:
        raise ShapeError(f"bandit: means must be a non-empty 1-D array (one mean per arm); got shape {m.shape}. "
                         f"Fix: pass e.g. [1.0, 0.5]; for several contexts use pgtheory.bandits.ContextualBandit.")
    if not np.all(np.isfinite(m)):
        raise ValidationError(f"bandit: means must be finite; got {m.tolist()}. Fix: replace NaN/inf entries.")
    if rewards == "bernoulli" and (np.any(m < 0) or np.any(m > 1)):
        raise ValidationError(f"bandit: Bernoulli means are success probabilities and must lie in [0, 1]; got "
                              f"{m.tolist()}. Fix: rescale the means or use rewards='gaussian'.")
    K = m.size
    return TabularMDP(np.ones((1, K, 1)), m[None, :].copy(), gamma=0.0)
