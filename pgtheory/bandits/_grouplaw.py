r"""The whole law of one prompt's group estimator, and the functionals of it that the claims need.

:func:`~pgtheory.bandits.exact_moments` sums the law into a mean and a covariance. Some claims need
the law itself: the probability that the update is exactly zero (Knapsack RL, COPO, Scaf-GRPO),
the expected value of a non-linear function of the update such as :math:`p(\theta+\eta\hat g)` (a
one-step gain; Knapsack RL's value and SEC's absolute advantage are proxies for it), or a
per-group selection rule (D3S). :func:`group_law` returns, for one prompt, the
:math:`\binom{G+C-1}{C-1}` count vectors of its ``C`` outcome categories (an arm, or an (arm,
outcome) pair for Bernoulli rewards), their multinomial probabilities, a representative (sorted)
group of each, the per-sample coefficients :math:`c_i=A_iw_i` and the estimate
:math:`\hat g=\frac1G\sum_ic_i(e_{y_i}-\pi)` of each, so that
:math:`\mathbb E[f(\hat g)]=\sum_n\mathrm{Mult}(n)\,f(\hat g(n))` exactly for any ``f``. On it:

* :func:`zero_gradient_probability` :math:`=\sum_n\mathrm{Mult}(n)\,\mathbb 1[\hat g(n)=0]`; with
  deterministic 0/1 rewards and a group-centred advantage it equals :math:`p^G+(1-p)^G`
  (:func:`zero_advantage_probability`), with Bernoulli rewards it is larger;
* :func:`expected_abs_advantage` :math:`=\mathbb E[\frac1G\sum_i|c_i|]` (Self-Evolving Curriculum's
  learning-gain proxy);
* :func:`expected_one_step_gain` :math:`=\mathbb E[p(\theta+\eta\hat g)]-p(\theta)`, the exact expected
  change of the success probability after one step.

Each quantity has one function here, for any :class:`~pgtheory.bandits.GroupEstimator` and
behaviour policy, with its conventions (the threshold of "zero") as explicit arguments; the
checks of every paper that needs one of these quantities call it.

References
----------
Li et al. 2026 (Knapsack RL), arXiv:2509.25849; Han et al. 2025 (COPO), arXiv:2508.04138; Zhang et
al. 2025 (Scaf-GRPO), arXiv:2510.19807; Chen et al. 2025 (Self-Evolving Curriculum),
arXiv:2505.14970; Wang et al. 2026 (D3S), arXiv:2509.22115 (abstracts). The enumeration and the
closed forms are our derivations [inferred].
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import ShapeError, ValidationError
from ..results import ResultMixin
from ._estimators import _as_estimator
from ._exact import _as_probability, _categories, _multinomial_logpmf, _sorted_group_gradient, count_vectors
from ._model import _log_probs, check_logits, policy_probs, success_probability

__all__ = ["GroupLaw", "group_law", "zero_advantage_probability", "zero_gradient_probability",
           "expected_abs_advantage", "expected_one_step_gain"]


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
    counts : numpy.ndarray of int, shape (N, C)
        The count vectors over the ``C`` categories (rows sum to ``G``); with ``binary`` the
        categories are the (arm, outcome) pairs ``(0, 0), (0, 1), (1, 0), ...``.
    binary : bool
        Whether the categories are (arm, Bernoulli outcome) pairs.

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
    counts: np.ndarray
    binary: bool

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
                    estimator=est.name, counts=counts, binary=bool(binary))


def _probabilities(p, name="p") -> np.ndarray:
    arr = as_float_array(p, name)
    return _as_probability(arr, f"{name} must hold success probabilities in [0, 1]. Fix: pass rates in [0, 1].")


def _sizes(N, name="N") -> np.ndarray:
    arr = np.asarray(N)
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        raise ValidationError(f"{name} must hold integers (rollouts per prompt); got {N!r}.")
    arr = arr.astype(np.int64)
    if np.any(arr < 1):
        raise ValidationError(f"{name} must be >= 1 rollout; got minimum {int(arr.min())}. Fix: give every prompt a rollout.")
    return arr


def zero_advantage_probability(p, N) -> np.ndarray:
    r"""Probability :math:`p^N+(1-p)^N` that a group of ``N`` binary rewards is all-correct or all-wrong.

    With binary rewards this is the probability that every group-relative advantage is zero
    (GRPO, Dr. GRPO, RLOO: all-equal rewards are centred to 0), hence that the prompt's update is
    zero when each response has a deterministic reward (:func:`zero_gradient_probability`
    computes the exact probability of a zero update for any estimator and reward model).

    Parameters
    ----------
    p : array_like
        Success probabilities in [0, 1].
    N : int or array_like of int
        Rollouts per prompt (group size, >= 1), broadcast with ``p``.

    Returns
    -------
    numpy.ndarray
        Broadcast shape of ``p`` and ``N``.

    Raises
    ------
    InvalidProbabilityError
        ``p`` outside [0, 1] (beyond a few ulp of rounding).
    ValidationError
        ``N`` not a positive integer.

    References
    ----------
    Li et al., *Knapsack RL*, arXiv:2509.25849 v1 (abstract: uniform budgets give zero GRPO
    gradients on all-success / all-failure groups) [abstract]; COPO (Han et al. 2025,
    arXiv:2508.04138) and Scaf-GRPO (Zhang et al. 2025, arXiv:2510.19807), abstracts: the same
    zero-signal groups; the formula [inferred].

    Examples
    --------
    >>> from pgtheory.bandits import zero_advantage_probability
    >>> float(zero_advantage_probability(0.5, 4))
    0.125
    """
    pa = _probabilities(p)
    n = _sizes(N)
    return pa ** n + (1.0 - pa) ** n


def _zero_rows(law: GroupLaw, atol) -> np.ndarray:
    """Which count vectors' estimates are zero up to rounding (see :func:`zero_gradient_probability`)."""
    if atol is None:
        G = law.groups.shape[1]
        scale = np.maximum(1.0, np.max(np.abs(law.coefficients), axis=1))
        tol = 8 * G * np.finfo(np.float64).eps * scale[:, None]
    else:
        tol = check_positive(atol, "atol", strict=False)
    return np.all(np.abs(law.estimates) <= tol, axis=1)


def zero_gradient_probability(estimator, logits, rewards, G: int, *, binary: bool = False, behavior_logits=None,
                              atol=None, **options) -> float:
    r"""Exact probability that a group estimator's update is exactly zero, by count-vector enumeration.

    .. math:: P(\hat g=0)=\sum_n\mathrm{Mult}(n;G,q)\,\mathbb 1[\hat g(n)=0].

    "Zero" is up to the rounding of :math:`\hat g=\frac1G\sum_ic_i(e_{y_i}-\pi)`: a group whose
    coefficients cancel (all-equal rewards, or with Bernoulli rewards one arm drawn ``G`` times
    with mixed outcomes) gives a rounded sum of ``G`` terms of size at most :math:`\max_i|c_i|`,
    so by default a count vector counts as zero when every coordinate satisfies
    :math:`|\hat g_a|\le 8\,G\,\epsilon\max(1,\max_i|c_i|)` (its own coefficients). For
    deterministic per-arm 0/1 rewards and group-centred advantages this probability is
    :math:`p^G+(1-p)^G` (:func:`zero_advantage_probability`); with Bernoulli rewards per arm,
    groups in which every sampled arm's success rate equals the group's also give a zero update,
    so the probability is larger.

    Parameters
    ----------
    estimator : str or GroupEstimator
        A name of :data:`~pgtheory.bandits.ESTIMATORS` (options in ``**options``) or a
        :class:`~pgtheory.bandits.GroupEstimator`.
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Rewards, or success probabilities when ``binary=True``.
    G : int
        Group size (>= the estimator's minimum).
    binary : bool
        Bernoulli rewards.
    behavior_logits : array_like, shape (K,), optional
        Sampling policy (default ``logits``).
    atol : float, optional
        Threshold of "zero" on every coordinate of :math:`\hat g` (>= 0); default: the per-group
        rounding bound above.
    **options
        Estimator options.

    Returns
    -------
    float

    Raises
    ------
    ValidationError, ShapeError, InfeasibleSizeError
        As :func:`group_law`, or a negative ``atol``.

    References
    ----------
    Li et al., *Knapsack RL*, arXiv:2509.25849 v1 (abstract: all-correct / all-wrong groups give zero
    GRPO gradients) [abstract]; COPO (Han et al. 2025, arXiv:2508.04138) and Scaf-GRPO (Zhang et al.
    2025, arXiv:2510.19807), abstracts; the enumeration [inferred].

    Examples
    --------
    >>> from pgtheory.bandits import zero_gradient_probability
    >>> round(zero_gradient_probability("rloo", [0.0, 0.0], [1.0, 0.0], 4), 12)  # 0.5^4 + 0.5^4
    0.125
    """
    if atol is not None:
        check_positive(atol, "atol", strict=False)
    law = group_law(estimator, logits, rewards, G, binary=binary, behavior_logits=behavior_logits, **options)
    return float(law.probs @ _zero_rows(law, atol))


def expected_abs_advantage(estimator, logits, rewards, G: int, *, binary: bool = False, behavior_logits=None,
                           **options) -> float:
    r"""Exact :math:`\mathbb E[\frac1G\sum_i|c_i|]` of a group estimator's coefficients (SEC's learning-gain proxy).

    :math:`c_i=A_iw_i` is the coefficient of sample ``i`` (its advantage for estimators without a
    per-sample weight), summed over the group's law as in :func:`group_law`.

    Parameters
    ----------
    estimator : str or GroupEstimator
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Rewards, or success probabilities when ``binary=True``.
    G : int
    binary : bool
    behavior_logits : array_like, shape (K,), optional
    **options
        Estimator options.

    Returns
    -------
    float

    Raises
    ------
    ValidationError, ShapeError, InfeasibleSizeError
        As :func:`group_law`.

    References
    ----------
    Chen et al. 2025, *Self-Evolving Curriculum*, arXiv:2505.14970 (abstract: the absolute advantage
    as "a proxy measure for immediate learning gain") [abstract]; the enumeration [inferred].

    Examples
    --------
    >>> from pgtheory.bandits import expected_abs_advantage
    >>> round(expected_abs_advantage("dr_grpo", [0.0, 0.0], [1.0, 0.0], 2), 12)  # 2 (G-1)/G p (1-p) at p = 1/2
    0.25
    """
    law = group_law(estimator, logits, rewards, G, binary=binary, behavior_logits=behavior_logits, **options)
    return float(law.probs @ np.abs(law.coefficients).mean(axis=1))


def expected_one_step_gain(estimator, logits, rewards, G: int, eta: float, *, binary: bool = False,
                           behavior_logits=None, atol=None, **options) -> dict:
    r"""Exact expected change of a prompt's success probability after one estimator step.

    .. math:: \Delta(\eta)=\mathbb E\big[p(\theta+\eta\hat g)\big]-p(\theta)
              =\sum_n\mathrm{Mult}(n)\,\big(p(\theta+\eta\hat g(n))-p(\theta)\big),

    by count-vector enumeration (:func:`group_law`; the difference is taken per count vector before
    the sum, so a small gain keeps its relative accuracy), together with its first-order part
    :math:`\eta\,\mathbb E[\hat g]^\top\nabla p` and the probability of a zero update
    (:func:`zero_gradient_probability`). :math:`p(\theta)=\sum_a\pi_\theta(a)\bar r(a)`.

    Parameters
    ----------
    estimator : str or GroupEstimator
    logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
        Mean rewards in [0, 1] per arm (success probabilities when ``binary=True``).
    G : int
        Rollouts.
    eta : float
        Step size (> 0).
    binary : bool
    behavior_logits : array_like, shape (K,), optional
        Sampling policy (default ``logits``); the step is taken from ``logits``.
    atol : float, optional
        Threshold of "zero" for ``p_zero_update`` (as :func:`zero_gradient_probability`).
    **options
        Estimator options.

    Returns
    -------
    dict
        ``{"gain": float, "first_order": float, "p": float, "p_zero_update": float, "n_groups": int}``.

    Raises
    ------
    InvalidStepSizeError
        ``eta`` not a positive finite number.
    ValidationError, ShapeError, InfeasibleSizeError
        As :func:`group_law`.

    References
    ----------
    Our measure of learning gain [inferred], against which Knapsack RL's value (Li et al.,
    arXiv:2509.25849 v1, released code) and Self-Evolving Curriculum's absolute advantage (Chen et
    al. 2025, arXiv:2505.14970, abstract) are compared as proxies.
    """
    eta = check_positive(eta, "eta", step=True)
    if atol is not None:
        check_positive(atol, "atol", strict=False)
    law = group_law(estimator, logits, rewards, G, binary=binary, behavior_logits=behavior_logits, **options)
    rw = np.asarray(rewards, dtype=np.float64)
    th = law.logits
    p0 = float(success_probability(th, rw))
    p_new = success_probability(th[None, :] + eta * law.estimates, rw[None, :])
    grad_p = policy_probs(th) * (rw - p0)
    mean_g = law.expectation(law.estimates)
    return {"gain": float(law.probs @ (p_new - p0)), "first_order": float(eta * mean_g @ grad_p), "p": p0,
            "p_zero_update": float(law.probs @ _zero_rows(law, atol)), "n_groups": law.n_groups}
