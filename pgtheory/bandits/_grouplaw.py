r"""The whole law of one prompt's group estimator: every count vector, its probability and its value.

:func:`~pgtheory.bandits.exact_moments` sums the law into a mean and a covariance. Some claims need
the law itself: the probability that the update is exactly zero (Knapsack RL), the expected value
of a non-linear function of the update such as :math:`p(\theta+\eta\hat g)` (a one-step gain), or
a per-group selection rule (D3S). :func:`group_law` returns, for one prompt, the
:math:`\binom{G+C-1}{C-1}` count vectors of its ``C`` outcome categories, their multinomial
probabilities, a representative (sorted) group of each, the per-sample coefficients
:math:`c_i=A_iw_i` and the estimate :math:`\hat g=\frac1G\sum_ic_i(e_{y_i}-\pi)` of each, so that
:math:`\mathbb E[f(\hat g)]=\sum_n\mathrm{Mult}(n)\,f(\hat g(n))` exactly for any ``f``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import ShapeError, ValidationError
from ..results import ResultMixin
from ._estimators import _as_estimator
from ._exact import _as_probability, _categories, _multinomial_logpmf, _sorted_group_gradient, count_vectors
from ._model import _log_probs, check_logits, policy_probs

__all__ = ["GroupLaw", "group_law"]


@dataclasses.dataclass(frozen=True, repr=False)
class GroupLaw(ResultMixin):
    r"""The law of a group estimator for one prompt, one row per count vector.

    Attributes
    ----------
    probs : numpy.ndarray, shape (N,)
        Multinomial probability of each count vector (they sum to 1 up to rounding).
    groups : numpy.ndarray of int, shape (N, G)
        Representative sorted group of each count vector, as category indices.
    arms : numpy.ndarray of int, shape (N, G)
        The arm of each sample of the representative group.
    rewards : numpy.ndarray, shape (N, G)
        The reward of each sample (0/1 outcomes when ``binary``).
    coefficients : numpy.ndarray, shape (N, G)
        Per-sample coefficients :math:`c_i=A_iw_i` of the estimator.
    estimates : numpy.ndarray, shape (N, K)
        :math:`\hat g=\frac1G\sum_ic_i(e_{y_i}-\pi)` of each count vector.
    logits : numpy.ndarray, shape (K,)
        The logits at which the estimator was evaluated.
    estimator : str

    References
    ----------
    Count-vector enumeration of permutation-invariant group estimators [inferred]; see
    :func:`~pgtheory.bandits.exact_moments`.
    """

    probs: np.ndarray
    groups: np.ndarray
    arms: np.ndarray
    rewards: np.ndarray
    coefficients: np.ndarray
    estimates: np.ndarray
    logits: np.ndarray
    estimator: str

    @property
    def n_groups(self) -> int:
        """Number of count vectors ``N``."""
        return int(self.probs.shape[0])

    def expectation(self, values) -> np.ndarray:
        r""":math:`\sum_n\mathrm{Mult}(n)\,v_n` for per-count-vector values ``values`` of shape (N, ...)."""
        v = np.asarray(values, dtype=np.float64)
        if v.shape[0] != self.n_groups:
            raise ShapeError(f"values must have {self.n_groups} rows (one per count vector); got shape {v.shape}.")
        return np.tensordot(self.probs, v, axes=(0, 0))


def group_law(estimator, logits, rewards, G: int, *, binary: bool = False, behavior_logits=None,
              **options) -> GroupLaw:
    r"""Every count vector of one prompt's group, its probability and the estimator's value on it.

    .. math:: \mathbb E[f(\hat g)]=\sum_{n:\ \sum_cn_c=G}\mathrm{Mult}(n;G,q)\,f(\hat g(n))

    for any function ``f`` (:meth:`GroupLaw.expectation`); ``q`` is the law of one sample's
    category (its arm, or its (arm, outcome) pair with Bernoulli rewards).

    Parameters
    ----------
    estimator : str or GroupEstimator
        A name of :data:`~pgtheory.bandits.ESTIMATORS` (options in ``**options``) or a
        :class:`~pgtheory.bandits.GroupEstimator`; its advantage must not couple prompts.
    logits : array_like, shape (K,)
        Policy logits of the prompt.
    rewards : array_like, shape (K,)
        Deterministic rewards, or success probabilities in [0, 1] when ``binary=True``.
    G : int
        Group size (>= the estimator's minimum).
    binary : bool
        Bernoulli rewards (``2K`` categories).
    behavior_logits : array_like, shape (K,), optional
        Sampling policy (default ``logits``).
    **options
        Estimator options when ``estimator`` is a name.

    Returns
    -------
    GroupLaw

    Raises
    ------
    ValidationError, ShapeError
        Bad logits or rewards, probabilities outside [0, 1], ``G`` below the estimator's minimum,
        or an estimator that couples prompts.
    InfeasibleSizeError
        More than ``MAX_GROUPS`` count vectors.

    References
    ----------
    Count-vector enumeration of permutation-invariant group estimators [inferred], the law behind
    :func:`~pgtheory.bandits.exact_moments`; used for Knapsack RL (Li et al., arXiv:2509.25849) and D³S
    (Wang et al., arXiv:2509.22115) checks.

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.bandits import group_law
    >>> law = group_law("grpo", [0.0, 0.0], [1.0, 0.0], 4, ddof=0, epsilon=0.0)
    >>> zero = np.all(law.estimates == 0, axis=1)
    >>> float(law.probs[zero].sum())  # 0.5^4 + 0.5^4: all-correct or all-wrong groups
    0.125
    """
    est = _as_estimator(estimator, **options)
    if not est.separable:
        raise ValidationError(f"group_law needs an estimator that does not couple prompts; {est.name!r} with "
                              f"these options does. Fix: use exact_moments for batch statistics.")
    th = check_logits(logits)
    if th.ndim != 1:
        raise ShapeError(f"logits must have shape (K,) (one prompt); got {th.shape}. Fix: call once per prompt.")
    rw = as_float_array(rewards, "rewards", ndim=1)
    if rw.shape != th.shape:
        raise ShapeError(f"rewards must have the shape of logits {th.shape}; got {rw.shape}.")
    if binary:
        rw = _as_probability(rw, "binary=True needs success probabilities in [0, 1] as rewards.")
    G = check_positive_int(G, "G")
    if G < est.min_G:
        raise ValidationError(f"estimator {est.name!r} needs G >= {est.min_G}; got G={G}. Fix: use larger groups.")
    beh = th if behavior_logits is None else check_logits(behavior_logits, "behavior_logits", K=th.shape[0])
    if beh.shape != th.shape:
        raise ShapeError(f"behavior_logits must have shape {th.shape}; got {beh.shape}.")
    K = th.shape[0]
    arms_c, outc, logq = _categories(_log_probs(beh), rw, binary)
    C = arms_c.shape[0]
    counts, reps = count_vectors(C, G)
    probs = np.exp(_multinomial_logpmf(C, G, logq))
    a = arms_c[reps]
    r = outc[reps]
    coef = est.coefficients(th[None, :], a[:, None, :], r[:, None, :], behavior_logits=beh[None, :])[:, 0, :]
    g = _sorted_group_gradient(policy_probs(th), C, coef, arms_c, K)
    for arr in (probs, reps, a, r, coef, g):
        arr.setflags(write=False)
    return GroupLaw(probs=probs, groups=reps, arms=a, rewards=r, coefficients=coef, estimates=g, logits=th,
                    estimator=est.name)
