r"""Oracles: the one interface through which every iterative algorithm gets its gradients.

An algorithm of :mod:`pgtheory.algorithms` iterates on a problem and asks an *oracle* for the
first- (and, for HARPG, second-) order information it needs. The oracle is either **exact** (the
truth, from :mod:`pgtheory.policies` or the games' payoff) or **sampled** (the estimator engine
:mod:`pgtheory.estimators`, on NumPy, Numba or CuPy). Swapping one for the other is how a check
turns an exact-gradient theorem into a sample-complexity measurement.

The protocol
------------
:class:`GradientOracle` (first order) and :class:`HessianOracle` (adds ``hvp``) for policy
optimisation; :class:`PayoffOracle` for preference games. Every call returns a
:class:`~pgtheory.results.GradientEstimate` whose ``n_trajectories`` counts the samples the call
consumed (0 for an exact oracle's call is *not* used: an exact call counts 1 evaluation, so a
``Trace`` can always record cumulative oracle cost); the oracle also accumulates them in
``samples_used``.

.. code-block:: python

    class GradientOracle(Protocol):
        exact: bool                 # True: the estimate is the exact value (stderr 0)
        samples_used: int           # cumulative samples consumed by this oracle
        def gradient(self, theta, *, rng=None) -> GradientEstimate: ...

    class HessianOracle(GradientOracle, Protocol):
        def hvp(self, theta, v, *, rng=None) -> GradientEstimate: ...

    class ActionValueOracle(Protocol):   # natural policy gradient of tabular softmax policies
        exact: bool
        samples_used: int
        def advantage(self, theta, *, rng=None) -> GradientEstimate: ...          # A^pi (S, A)
        def q(self, theta, *, tau=0.0, rng=None) -> GradientEstimate: ...         # Q^pi_tau (S, A)

    class PayoffOracle(Protocol):
        exact: bool
        samples_used: int
        def payoff(self, theta_opp, *, rng=None) -> GradientEstimate: ...   # A_x pi'_x, (X, n)
        def compare(self, y, y_opp, *, rng) -> np.ndarray: ...              # Bernoulli outcomes

Implementations
---------------
:class:`ExactOracle`
    Exact :math:`\nabla J`, :math:`\nabla^2 J\,v` and the Fisher matrix of a tabular MDP and policy
    (:func:`pgtheory.policies.policy_gradient`, :func:`~pgtheory.policies.hessian_vector_product`,
    :func:`~pgtheory.policies.fisher_matrix`). Exposes ``problem``, so algorithms with a compiled
    exact kernel (softmax PG) still take it.
:class:`SampledOracle`
    REINFORCE / GPOMDP gradient and the Shen et al. HVP estimate through :mod:`pgtheory.estimators`
    with ``n``, ``estimator``, ``baseline``, ``backend``, ``termination``, ``horizon``.
:class:`ExactPreferenceOracle`, :class:`SampledPreferenceOracle`
    Exact payoff :math:`A_x\pi'_x` of a preference game, or its Monte-Carlo estimate from
    Bernoulli preference queries :math:`o\sim\mathrm{Bernoulli}(P[x, y, y'])`.
:class:`CauchyBanditOracle`, :class:`LQROracle`
    The score-function gradient and HVP estimators of the continuous models
    (:mod:`pgtheory.estimators`, Fatkhullin et al. 2023).
:class:`ExactSubRLOracle`, :class:`SubRLOracle`
    The exact SubPO gradient on the history graph and its sampled estimate
    (:func:`pgtheory.submodular.exact_gradient`, :func:`~pgtheory.submodular.sample_gradient`;
    Prajapat et al. 2024), for :func:`pgtheory.algorithms.subpo`.
:class:`BanditOracle`
    A softmax contextual-bandit policy gradient sampled with a named group estimator of LLM RL
    (:func:`pgtheory.bandits.monte_carlo_gradient`: REINFORCE, RLOO, GRPO, ...), for
    :func:`pgtheory.algorithms.softmax_pg` on :attr:`BanditOracle.mdp`.

Natural policy gradient (why advantages, not :math:`F^{-1}g`)
-------------------------------------------------------------
For tabular softmax policies :math:`F(\theta)^{\dagger}\nabla J(\theta) = A^{\pi_\theta}/(1-\gamma)` up to
a per-state constant, which the softmax ignores (Agarwal et al. 2021, Sec. 5.3, the derivation of
the softmax NPG update), so
:func:`pgtheory.algorithms.softmax_npg` asks its oracle for :math:`A^{\pi}` (``advantage``) and
:func:`~pgtheory.algorithms.entropy_npg` for the soft :math:`Q^{\pi}_\tau` (``q(theta, tau=...)``). The
sampled versions are Monte-Carlo action values of the estimator engine
(:func:`pgtheory.estimators.advantage_estimate`, :func:`~pgtheory.estimators.q_estimate`, ``n``
rollouts per state-action pair): unbiased, entrywise, so the sampled NPG step is the exact step
plus zero-mean noise of variance :math:`O(1/n)`. Solving :math:`\hat F w = \hat g` with sampled
:math:`\hat F` and :math:`\hat g` instead would be biased (:math:`\mathbb E[\hat F^{-1}]\ne F^{-1}`), and
:math:`F` is singular (rank :math:`S(A-1)`) and ill-conditioned where :math:`d^\pi_\rho(s)` is small.

Randomness: every sampling call takes ``rng`` (Generator or seed); when ``None`` the oracle's own
generator (built from its ``rng`` argument) is used, so a run is reproducible from one seed.

References
----------
Fatkhullin, Barakat, Kireeva, He (2023), ICML, arXiv:2302.01734 (first/second-order oracles of
N-PG-IGT and HARPG). Tiapkin et al. (2025), arXiv:2505.19731 (preference-query oracle of Nash-MP).
Baxter, Bartlett (2001), arXiv:1106.0665 (GPOMDP). Agarwal, Kakade, Lee, Mahajan (2021), JMLR,
arXiv:1908.00261, Sec. 5.3 (softmax NPG from advantages). Cen et al. (2021), arXiv:2007.06558,
Theorem 2 (entropy-regularised NPG with inexact soft Q-values). Prajapat et al. (2024), ICLR,
arXiv:2307.13372 (SubPO).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ValidationError
from .results import GradientEstimate
from . import estimators
from ._validate import check_positive_int
from .backend import resolve_backend
from .estimators import cauchy_bandit_gradient
from .estimators import cauchy_bandit_hvp
from .estimators import lqr_gradient
from .estimators import lqr_hvp
from .bandits import ContextualBandit
from .bandits import make_estimator
from .bandits import monte_carlo_gradient
from .mdp import TabularMDP
from .mdp import policy_evaluation
from .mdp import soft_policy_evaluation
from .policies import as_policy
from .policies import fisher_matrix
from .policies import hessian_vector_product
from .policies import policy_gradient
from .submodular import POLICY_CLASSES
from .submodular import SubRLEnv
from .submodular import build_history_graph
from .submodular import exact_gradient_direct
from .submodular import exact_gradient as subrl_exact_gradient
from .submodular import sample_gradient

__all__ = ["GradientOracle", "HessianOracle", "ActionValueOracle", "PayoffOracle", "ExactOracle", "SampledOracle",
           "ExactPreferenceOracle", "SampledPreferenceOracle", "CauchyBanditOracle", "LQROracle",
           "ExactSubRLOracle", "SubRLOracle", "BanditOracle", "as_oracle"]


@runtime_checkable
class GradientOracle(Protocol):
    r"""First-order oracle: :math:`\hat g(\theta)` with :math:`\mathbb E\hat g=\nabla J(\theta)`.

    Attributes
    ----------
    exact : bool
        Whether :meth:`gradient` returns the exact gradient.
    samples_used : int
        Samples (trajectories, or exact evaluations) consumed so far.
    """

    exact: bool
    samples_used: int

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        """Return the (estimated) gradient at ``theta``; ``n_trajectories`` counts the samples used."""


@runtime_checkable
class HessianOracle(GradientOracle, Protocol):
    r"""Second-order oracle: adds :math:`\widehat{\nabla^2J(\theta)}v` (unbiased)."""

    def hvp(self, theta, v, *, rng=None) -> GradientEstimate:
        """Return the (estimated) Hessian-vector product at ``theta`` along ``v``."""


@runtime_checkable
class ActionValueOracle(Protocol):
    r"""Action-value oracle of a tabular softmax policy: :math:`A^{\pi_\theta}` and (soft) :math:`Q^{\pi_\theta}_\tau`.

    What the natural policy gradient of a tabular softmax policy needs
    (:func:`pgtheory.algorithms.softmax_npg`, :func:`~pgtheory.algorithms.entropy_npg`): with
    :math:`\theta` the logits, :math:`F^\dagger\nabla J = A^{\pi_\theta}/(1-\gamma)` up to a per-state
    constant (see the module docstring).

    Attributes
    ----------
    exact : bool
        Whether the values returned are exact.
    samples_used : int
        Samples (trajectories, or exact evaluations) consumed so far.
    """

    exact: bool
    samples_used: int

    def advantage(self, theta, *, rng=None) -> GradientEstimate:
        r"""Return the (estimated) advantage :math:`A^{\pi_\theta}(s, a)`, shape (S, A)."""

    def q(self, theta, *, tau: float = 0.0, rng=None) -> GradientEstimate:
        """Return the (estimated) action value, entropy-regularised with weight ``tau``, shape (S, A)."""


@runtime_checkable
class PayoffOracle(Protocol):
    r"""Preference-query oracle: :math:`g_x(y) = P(y\succ\pi'_x) - 1/2` (exact or estimated)."""

    exact: bool
    samples_used: int

    def payoff(self, theta_opp, *, rng=None) -> GradientEstimate:
        """Return the (estimated) payoff against the opponent log-policy ``theta_opp`` (X, n)."""


def _gen(rng, own):
    if rng is None:
        return own
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _exact_estimate(x, name):
    x = np.asarray(x, dtype=np.float64)
    return GradientEstimate(mean=x, stderr=np.zeros_like(x), n_trajectories=1, n_steps=0, estimator=name,
                            backend="exact")


class ExactOracle:
    r"""Exact first- and second-order oracle of a tabular MDP and policy (the default of every algorithm).

    :math:`\nabla J(\theta)` by the policy-gradient theorem, :math:`\nabla^2J(\theta)v` and the Fisher
    matrix :math:`F(\theta)=\mathbb E_{s\sim d_\rho^\pi,a\sim\pi}[\nabla\log\pi\nabla\log\pi^\top]`, all
    from :mod:`pgtheory.policies`. Each call counts one exact evaluation.

    Parameters
    ----------
    problem : TabularMDP
        The MDP (the objective is :math:`J(\theta)=\rho^\top V^{\pi_\theta}`).
    policy : policy object or ``"softmax"`` / ``"direct"``
        Parameterisation (:func:`pgtheory.policies.as_policy`).

    Attributes
    ----------
    problem : TabularMDP
        Exposed so that algorithms with compiled exact kernels take them.
    exact : bool
        ``True``.

    References
    ----------
    Sutton et al. (2000), NeurIPS 12, Theorem 1; Agarwal et al. (2021), arXiv:1908.00261.
    """

    exact = True

    def __init__(self, problem, policy="softmax"):

        self.problem = problem
        self.policy = as_policy(policy, problem) if isinstance(policy, str) else policy
        self.samples_used = 0

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        r"""Exact :math:`\nabla_\theta J(\theta)`.

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        rng : ignored
            Accepted for protocol compatibility.

        Returns
        -------
        GradientEstimate
            ``stderr = 0``, ``n_trajectories = 1`` (one exact evaluation).
        """

        self.samples_used += 1
        return _exact_estimate(policy_gradient(self.problem, self.policy, theta), "exact_gradient")

    def hvp(self, theta, v, *, rng=None) -> GradientEstimate:
        r"""Exact :math:`\nabla^2J(\theta)\,v`.

        Parameters
        ----------
        theta, v : array, shape ``policy.param_shape``
        rng : ignored

        Returns
        -------
        GradientEstimate
        """

        self.samples_used += 1
        return _exact_estimate(hessian_vector_product(self.problem, self.policy, theta, v), "exact_hvp")

    def fisher(self, theta) -> np.ndarray:
        r"""Exact Fisher matrix :math:`F(\theta)` (:func:`pgtheory.policies.fisher_matrix`).

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``

        Returns
        -------
        array, shape (d, d)
        """

        return np.asarray(fisher_matrix(self.problem, self.policy, theta))

    def advantage(self, theta, *, rng=None) -> GradientEstimate:
        r"""Exact advantage :math:`A^{\pi_\theta}(s,a) = Q^{\pi_\theta}(s,a) - V^{\pi_\theta}(s)`.

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        rng : ignored

        Returns
        -------
        GradientEstimate
            ``mean`` of shape (S, A), ``stderr = 0``; one exact evaluation.
        """

        sol = policy_evaluation(self.problem, self.policy.probs(theta), validate=False)
        self.samples_used += 1
        return _exact_estimate(sol.Q - sol.V[:, None], "exact_advantage")

    def q(self, theta, *, tau: float = 0.0, rng=None) -> GradientEstimate:
        r"""Exact :math:`Q^{\pi_\theta}` (``tau = 0``) or soft :math:`Q^{\pi_\theta}_\tau` (Cen et al. 2021, Sec. 2).

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        tau : float
            Entropy weight :math:`\tau\ge 0`.
        rng : ignored

        Returns
        -------
        GradientEstimate
            ``mean`` of shape (S, A); one exact evaluation.
        """

        tau = _check_tau(tau)
        pi = self.policy.probs(theta)
        sol = (policy_evaluation(self.problem, pi, validate=False) if tau == 0.0
               else soft_policy_evaluation(self.problem, pi, tau))
        self.samples_used += 1
        return _exact_estimate(sol.Q, "exact_q" if tau == 0.0 else "exact_soft_q")


def _check_tau(tau):
    if isinstance(tau, bool) or not isinstance(tau, (int, float, np.floating, np.integer)) or not np.isfinite(tau) \
            or tau < 0:
        raise ValidationError(f"tau must be a finite real >= 0 (the entropy weight); got {tau!r}. "
                              f"Fix: pass tau=0.0 for plain action values.")
    return float(tau)


_ESTIMATORS = ("reinforce", "gpomdp")

#: Expected environment steps per call from which ``backend="auto"`` leaves NumPy for the compiled engine:
#: 0, because one numba thread already beat NumPy at one trajectory per call (benchmarks/bench_oracles.py:
#: 3.7x at n=1, 4.6x at n=100, 8.2x at n=2000 on Garnet S=20, A=4, gamma=0.9).
_ENGINE_MIN_STEPS = 0


class SampledOracle:
    r"""Sampled oracle of a tabular problem through the estimator engine :mod:`pgtheory.estimators`.

    :meth:`gradient` averages ``n`` per-trajectory REINFORCE or GPOMDP estimates (unbiased for
    :math:`\nabla J` under geometric termination; variance :math:`O(1/n)`); :meth:`hvp` averages ``n``
    Hessian-vector estimates :math:`\nabla\Phi\,(\nabla\log p^\top v)+\nabla^2\Phi\,v`
    (:func:`pgtheory.estimators.hessian_vector_product_estimate`, unbiased).

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model sampled from.
    policy : policy object or ``"softmax"`` / ``"direct"``
        Parameterisation.
    n : int
        Trajectories per call.
    estimator : {"gpomdp", "reinforce"}
        Gradient estimator.
    baseline : None, float, array or "value"
        Baseline (see :func:`pgtheory.estimators.gpomdp`; REINFORCE: None, float or ``"optimal"``).
    backend : {"auto", "numpy", "numba", "cupy"} or None
        Engine backend, resolved once here by :func:`pgtheory.backend.resolve_backend` with
        ``size_hint`` = expected environment steps per call (:math:`n/(1-\gamma)` or :math:`nH`) and
        ``min_size`` = 0: "auto" takes CuPy, then Numba, then NumPy, whichever is available (Numba was
        measured faster than NumPy from one trajectory per call on).
    termination : {"geometric", "truncate"}
        Termination of discounted MDPs.
    horizon : int, optional
        Truncation horizon or length cap.
    rng : Generator, int or None
        Default randomness of calls made without ``rng``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown ``estimator`` or non-positive ``n``.

    References
    ----------
    Williams (1992), Machine Learning 8 (REINFORCE); Baxter & Bartlett (2001), arXiv:1106.0665 (GPOMDP);
    Shen et al. (2019), ICML (HVP estimate).
    """

    exact = False

    def __init__(self, problem, policy="softmax", *, n: int = 1, estimator: str = "gpomdp", baseline=None,
                 backend: str | None = "auto", termination: str = "geometric", horizon=None, rng=None):

        if estimator not in _ESTIMATORS:
            raise ValidationError(f"estimator must be one of {_ESTIMATORS}; got {estimator!r}. "
                                  f"Fix: pass estimator='gpomdp' or estimator='reinforce'.")
        self.problem = problem
        self.policy = policy
        self.n = check_positive_int(n, "n")
        self.estimator = estimator
        self.baseline = baseline
        # "auto": pgtheory.backend's rule, with the expected environment steps of one call as the work
        # (_ENGINE_MIN_STEPS = 0: the compiled engine won at every measured call size).
        gamma = getattr(problem, "gamma", 0.0) or 0.0
        steps = self.n * (horizon if horizon is not None else 1.0 / max(1.0 - gamma, 1e-12))
        self.backend = resolve_backend(backend, size_hint=steps, min_size=_ENGINE_MIN_STEPS)
        self.termination = termination
        self.horizon = horizon
        self.rng = np.random.default_rng(rng)
        self.samples_used = 0

    def _count(self, est):
        self.samples_used += int(est.n_trajectories)
        return est

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        r"""Sampled :math:`\hat g(\theta)`, mean of ``n`` trajectories.

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        rng : Generator, int or None
            Randomness (default: the oracle's generator).

        Returns
        -------
        GradientEstimate
        """

        fn = estimators.gpomdp if self.estimator == "gpomdp" else estimators.reinforce
        return self._count(fn(self.problem, self.policy, theta, self.n, rng=_gen(rng, self.rng),
                              backend=self.backend, termination=self.termination, horizon=self.horizon,
                              baseline=self.baseline))

    def hvp(self, theta, v, *, rng=None) -> GradientEstimate:
        r"""Sampled :math:`\widehat{\nabla^2J(\theta)}\,v`, mean of ``n`` trajectories.

        Parameters
        ----------
        theta, v : array, shape ``policy.param_shape``
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
        """

        return self._count(estimators.hessian_vector_product_estimate(
            self.problem, self.policy, theta, v, self.n, rng=_gen(rng, self.rng), backend=self.backend,
            termination=self.termination, horizon=self.horizon))

    def advantage(self, theta, *, rng=None) -> GradientEstimate:
        r"""Sampled advantage :math:`\hat A(s,a)` from ``n`` rollouts per state-action pair.

        :func:`pgtheory.estimators.advantage_estimate`: the ``j``-th sample is
        :math:`\hat Q_j(s,a)-\sum_b\pi(b|s)\hat Q_j(s,b)`, unbiased for :math:`A^{\pi_\theta}`;
        ``n * S * A`` rollouts per call.

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
            ``mean`` and ``stderr`` of shape (S, A).
        """

        return self._count(estimators.advantage_estimate(
            self.problem, self.policy, theta, self.n, rng=_gen(rng, self.rng), backend=self.backend,
            termination=self.termination, horizon=self.horizon))

    def q(self, theta, *, tau: float = 0.0, rng=None) -> GradientEstimate:
        r"""Sampled (soft) action values from ``n`` rollouts per state-action pair.

        ``tau = 0``: :func:`pgtheory.estimators.q_estimate`. ``tau > 0`` (tabular MDPs): the soft
        :math:`Q_\tau^\pi(s,a) = r(s,a) + \gamma\,\mathbb E_{s'}V^\pi_\tau(s')` with
        :math:`V^\pi_\tau(s)=\mathbb E_{a\sim\pi}[Q^\pi_\tau(s,a)-\tau\log\pi(a|s)]` equals
        :math:`Q'(s,a) + \tau\log\pi(a|s)`, where :math:`Q'` is the plain action value of the same
        policy for the reward :math:`r'(s,a) = r(s,a) - \tau\log\pi(a|s)` (unroll both recursions:
        :math:`V' = V_\tau`). So the estimate is :func:`~pgtheory.estimators.q_estimate` on the MDP with
        reward :math:`r'` plus :math:`\tau\log\pi`: unbiased for :math:`Q^\pi_\tau` (this is the
        inexact evaluation of Cen et al. 2021, Theorem 2).

        Parameters
        ----------
        theta : array, shape ``policy.param_shape``
        tau : float
            Entropy weight :math:`\tau\ge 0`.
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
            ``mean`` and ``stderr`` of shape (S, A).

        Raises
        ------
        pgtheory.errors.ValidationError
            ``tau > 0`` on a problem that is not a :class:`~pgtheory.mdp.TabularMDP`.
        """

        tau = _check_tau(tau)
        gen = _gen(rng, self.rng)
        kw = dict(rng=gen, backend=self.backend, termination=self.termination, horizon=self.horizon)
        if tau == 0.0:
            return self._count(estimators.q_estimate(self.problem, self.policy, theta, self.n, **kw))
        if not isinstance(self.problem, TabularMDP):
            raise ValidationError(f"soft action values (tau > 0) are sampled on a TabularMDP; got "
                                  f"{type(self.problem).__name__}. Fix: pass tau=0 or a TabularMDP.")
        pol = as_policy(self.policy, self.problem) if isinstance(self.policy, str) else self.policy
        pi = np.asarray(pol.probs(theta), dtype=np.float64)
        logpi = np.log(pi, out=np.full_like(pi, -np.inf), where=pi > 0)
        shifted = TabularMDP(self.problem.P, np.asarray(self.problem.r) - tau * np.where(pi > 0, logpi, 0.0),
                             self.problem.gamma, rho=self.problem.rho)
        est = estimators.q_estimate(shifted, self.policy, theta, self.n, **kw)
        soft = est.mean + tau * np.where(pi > 0, logpi, 0.0)
        return self._count(GradientEstimate(mean=soft, stderr=est.stderr, n_trajectories=est.n_trajectories,
                                            n_steps=est.n_steps, estimator="soft_q", backend=est.backend))


# ------------------------------------------------------------------------------------------- games
class ExactPreferenceOracle:
    r"""Exact preference query of a (contextual) preference game: :math:`g_x = A_x\pi'_x`, :math:`A=P-1/2`.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame

    References
    ----------
    Munos et al. (2023), arXiv:2312.00886; Tiapkin et al. (2025), arXiv:2505.19731.
    """

    exact = True

    def __init__(self, game):
        self.game = game
        self.P = np.asarray(game.as_contextual().P, dtype=np.float64)
        self.A = self.P - 0.5
        self.samples_used = 0

    def payoff(self, theta_opp, *, rng=None) -> GradientEstimate:
        r"""Exact :math:`P(y\succ\pi'_x)-1/2` for every prompt and response (one query).

        Parameters
        ----------
        theta_opp : array, shape (X, n)
            Opponent log-probabilities.
        rng : ignored

        Returns
        -------
        GradientEstimate
            ``mean`` of shape (X, n).
        """
        self.samples_used += 1
        return _exact_estimate(np.einsum("xij,xj->xi", self.A, np.exp(theta_opp)), "exact_payoff")

    def compare(self, y, y_opp, *, rng) -> np.ndarray:
        r"""Sampled outcomes :math:`o_{x,b}\sim\mathrm{Bernoulli}(P[x, y_{x,b}, y'_{x,b}])`.

        Parameters
        ----------
        y, y_opp : array of int, shape (X, B)
            Responses and opponent responses per prompt.
        rng : Generator

        Returns
        -------
        array of float, shape (X, B), entries 0 or 1
        """
        return _compare(self, y, y_opp, rng)


def _compare(oracle, y, y_opp, rng):
    xs = np.arange(y.shape[0])[:, None]
    o = (rng.random(y.shape) < oracle.P[xs, y, y_opp]).astype(np.float64)
    oracle.samples_used += int(y.size)
    return o


class SampledPreferenceOracle(ExactPreferenceOracle):
    r"""Sampled preference queries: Bernoulli outcomes, and Monte-Carlo payoffs from them.

    :meth:`payoff` estimates :math:`P(y\succ\pi'_x)-1/2` for every ``(x, y)`` from ``n`` opponents
    :math:`y'\sim\pi'_x` and outcomes :math:`o\sim\mathrm{Bernoulli}(P[x,y,y'])`: unbiased, variance
    :math:`\le 1/(4n)`, ``X * n_actions * n`` queries per call. :meth:`compare` is the raw query
    used by stochastic Nash-MP.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    n : int
        Opponent samples per ``(x, y)`` in :meth:`payoff`.
    rng : Generator, int or None
        Default randomness.
    backend : {"auto", "numpy", "numba"} or None
        Where :meth:`payoff` draws its queries: ``"numba"`` (what ``"auto"`` picks when Numba is
        installed) in one compiled pass (:func:`pgtheory._preference_kernels.sampled_payoff`, on the
        same uniforms in the same order: the estimate is bitwise that of ``"numpy"``, about 4x
        faster at ``n = 20000``), ``"numpy"`` the reference passes over ``(X, m n)`` temporaries.

    References
    ----------
    Tiapkin et al. (2025), arXiv:2505.19731 (stochastic preference oracle).
    """

    exact = False

    def __init__(self, game, *, n: int = 1, rng=None, backend: str | None = "auto"):

        super().__init__(game)
        self.n = check_positive_int(n, "n")
        self.rng = np.random.default_rng(rng)
        self.backend = resolve_backend(backend, allowed=("numpy", "numba"))
        self._work = {}  # the kernel's arrays per (X, m, n), refilled by every call (no fresh pages per call)

    def payoff(self, theta_opp, *, rng=None) -> GradientEstimate:
        r"""Monte-Carlo :math:`\widehat{P(y\succ\pi'_x)}-1/2` from ``n`` queries per ``(x, y)``.

        Parameters
        ----------
        theta_opp : array, shape (X, n_actions)
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
            ``mean`` (X, n_actions), ``stderr``, ``n_trajectories`` = queries used.
        """
        g = _gen(rng, self.rng)
        X, m = theta_opp.shape
        n = self.n
        cdf = np.cumsum(np.exp(theta_opp), axis=-1)
        if self.backend == "numba":
            from ._preference_kernels import sampled_payoff  # lazy: numba kernels

            if (X, m, n) not in self._work:
                self._work = {(X, m, n): (np.empty((2, X, m * n)), np.empty((X, m, n)), np.empty((X, m), np.int64))}
            u, wins, counts = self._work[X, m, n]
            sampled_payoff(g.random(out=u), cdf, self.P, wins, counts)  # the two draws of the reference below
        else:
            u = g.random((X, m * n)) * cdf[:, -1:]
            # opponents y' ~ pi'_x by inverse CDF; the responses y run over 0..m-1, n each, so the
            # queried P[x, y, y'] is entry x * m * m + y * m + y' of P flattened
            flat = _count_at_or_below(cdf, u)
            np.minimum(flat, m - 1, out=flat)
            flat += (np.arange(X) * (m * m))[:, None] + np.repeat(np.arange(m) * m, n)[None, :]
            wins = (g.random((X, m * n)) < self.P.reshape(-1).take(flat)).reshape(X, m, n)  # _compare's draws
            counts = np.count_nonzero(wins, axis=-1)
            wins = wins.astype(np.float64)
        self.samples_used += int(wins.size)
        # the outcomes are 0 or 1, so their float sum is the exact count and o.mean(-1) = count / n
        mean = counts / n - 0.5
        se = wins.std(-1, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.nan)
        return GradientEstimate(mean=mean, stderr=se, n_trajectories=int(wins.size), n_steps=int(wins.size),
                                estimator="sampled_payoff", backend=self.backend)


def _count_at_or_below(cdf, u):
    r"""``#{j : cdf[x, j] <= u[x, b]}`` for every ``(x, b)`` (int array like ``u``), ``cdf`` non-decreasing per row.

    The inverse-CDF index of a uniform (before the cap at ``n - 1``), as
    ``(u[:, :, None] >= cdf[:, None, :]).sum(-1)`` counts it, without the (X, B, n) temporary: one
    comparison pass per entry of a short row, a binary search (``searchsorted``, side ``right``: the
    same count on a non-decreasing row) on a long one.
    """
    X, n = cdf.shape
    if n <= 32:
        k = np.zeros(u.shape, dtype=np.intp)
        for j in range(n):
            k += u >= cdf[:, j:j + 1]
        return k
    return np.stack([np.searchsorted(cdf[x], u[x], side="right") for x in range(X)]).astype(np.intp, copy=False)


# ------------------------------------------------------------------------------------ continuous
class CauchyBanditOracle:
    r"""Sampled oracle of the Cauchy-linear contextual bandit (Fatkhullin et al. 2023, Sec. 6).

    Wraps :func:`pgtheory.estimators.cauchy_bandit_gradient` and
    :func:`~pgtheory.estimators.cauchy_bandit_hvp` (``n`` rounds per call, unbiased).

    Parameters
    ----------
    model : CauchyContextualBandit
    n : int
        Rounds per call.
    rng : Generator, int or None

    References
    ----------
    Fatkhullin et al. (2023), arXiv:2302.01734.
    """

    exact = False

    def __init__(self, model, *, n: int = 1, rng=None):

        self.problem = model
        self.n = check_positive_int(n, "n")
        self.rng = np.random.default_rng(rng)
        self.samples_used = 0

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        """Sampled gradient (mean of ``n`` rounds).

        Parameters
        ----------
        theta : array, shape (d,)
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
        """

        est = cauchy_bandit_gradient(self.problem, theta, self.n, rng=_gen(rng, self.rng))
        self.samples_used += int(est.n_trajectories)
        return est

    def hvp(self, theta, v, *, rng=None) -> GradientEstimate:
        """Sampled Hessian-vector product (mean of ``n`` rounds).

        Parameters
        ----------
        theta, v : array, shape (d,)
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
        """

        est = cauchy_bandit_hvp(self.problem, theta, v, self.n, rng=_gen(rng, self.rng))
        self.samples_used += int(est.n_trajectories)
        return est


class LQROracle:
    r"""Sampled oracle of the LQR with a Gaussian linear policy: length-``H`` rollouts.

    Wraps :func:`pgtheory.estimators.lqr_gradient` and :func:`~pgtheory.estimators.lqr_hvp`
    (unbiased for the ``H``-step cost :math:`J_H`).

    Parameters
    ----------
    model : LQR
    H : int
        Rollout length.
    n : int
        Rollouts per call.
    rng : Generator, int or None

    References
    ----------
    Fatkhullin et al. (2023), arXiv:2302.01734, Sec. 6 (LQR experiment).
    """

    exact = False

    def __init__(self, model, *, H: int, n: int = 1, rng=None):

        self.problem = model
        self.H = check_positive_int(H, "H")
        self.n = check_positive_int(n, "n")
        self.rng = np.random.default_rng(rng)
        self.samples_used = 0

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        """Sampled gradient with respect to the gain ``K`` (shape (m, n)).

        Parameters
        ----------
        theta : array, shape (m, n)
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
        """

        est = lqr_gradient(self.problem, theta, self.n, self.H, rng=_gen(rng, self.rng))
        self.samples_used += int(est.n_trajectories)
        return est

    def hvp(self, theta, v, *, rng=None) -> GradientEstimate:
        """Sampled Hessian-vector product along ``v`` (shape (m, n)).

        Parameters
        ----------
        theta, v : array, shape (m, n)
        rng : Generator, int or None

        Returns
        -------
        GradientEstimate
        """

        est = lqr_hvp(self.problem, theta, v, self.n, self.H, rng=_gen(rng, self.rng))
        self.samples_used += int(est.n_trajectories)
        return est


# ------------------------------------------------------------------------------------- submodular RL
def _subrl_options(env, policy, reward):
    if not isinstance(env, SubRLEnv):
        raise ValidationError(f"env must be a pgtheory.submodular.SubRLEnv; got {type(env).__name__}. "
                              f"Fix: build one with pgtheory.submodular.bandit_env / grid_env.")
    if policy not in POLICY_CLASSES:
        raise ValidationError(f"policy: expected one of {POLICY_CLASSES}; got {policy!r}.")
    if reward not in ("submodular", "modular"):
        raise ValidationError(f"reward: expected 'submodular' or 'modular'; got {reward!r}.")


class ExactSubRLOracle:
    r"""Exact SubPO gradient of a submodular RL problem on its history graph (the default of ``subpo``).

    :math:`\nabla_\theta J(\pi_\theta)` with per-step reward the marginal gain
    :math:`F(s_{h+1}\mid\tau_{0:h})` (``reward="submodular"``) or :math:`F(\{s_{h+1}\})`
    (``"modular"``), by a forward and a backward pass over the history graph
    (:func:`pgtheory.submodular.exact_gradient`). Each call counts one exact evaluation.

    Parameters
    ----------
    env : SubRLEnv
    policy : {"markov", "state_independent", "history"}
        Tabular softmax policy class; ``theta`` has shape :func:`pgtheory.submodular.policy_shape`.
    reward : {"submodular", "modular"}
    graph : HistoryGraph, optional
        Built when omitted (may raise :class:`~pgtheory.errors.InfeasibleSizeError`).
    parameterization : {"softmax", "direct"}
        ``"direct"``: ``theta`` is a state-independent policy :math:`\pi^h(a)` itself, shape (H, A),
        and the gradient is :math:`\partial J/\partial\pi^h(a)`
        (:func:`pgtheory.submodular.exact_gradient_direct`; ``policy="state_independent"``,
        submodular reward), as used by :func:`pgtheory.algorithms.continuous_greedy` and
        :func:`~pgtheory.algorithms.projected_gradient_ascent`.
    backend : {"auto", "numpy", "numba"} or None
        Engine of the forward and backward passes (:func:`pgtheory.backend.resolve_backend`;
        ``"auto"``: the Numba kernels when Numba is installed). Both engines give the same floats
        bit for bit, so the choice changes speed only.

    Attributes
    ----------
    env, policy, reward, graph, parameterization
        As given (``graph`` built if omitted); :func:`pgtheory.algorithms.subpo` reads them.
    backend : str
        The resolved engine, ``"numpy"`` or ``"numba"``.

    References
    ----------
    Prajapat, Mutný, Zeilinger, Krause (2024), ICLR, arXiv:2307.13372 (SubPO).
    """

    exact = True

    def __init__(self, env, policy: str = "markov", *, reward: str = "submodular", graph=None,
                 parameterization: str = "softmax", backend: str | None = "auto"):
        _subrl_options(env, policy, reward)
        self.backend = resolve_backend(backend, allowed=("numpy", "numba"))
        if parameterization not in ("softmax", "direct"):
            raise ValidationError(f"parameterization: expected 'softmax' or 'direct'; got {parameterization!r}.")
        if parameterization == "direct" and (policy != "state_independent" or reward != "submodular"):
            raise ValidationError("parameterization='direct' is the state-independent policy pi^h(a) with the "
                                  "submodular reward. Fix: pass policy='state_independent', reward='submodular'.")
        self.env, self.policy, self.reward, self.parameterization = env, policy, reward, parameterization
        self.graph = build_history_graph(env) if graph is None else graph
        self.samples_used = 0

    def value_and_gradient(self, theta) -> tuple[float, np.ndarray]:
        r"""Exact objective of ``reward`` and :math:`\nabla_\theta J` in one pass (one evaluation).

        Parameters
        ----------
        theta : array, shape ``policy_shape(env, policy, graph)`` (``"direct"``: the policy, (H, A))

        Returns
        -------
        value : float
        grad : ndarray, shape of ``theta``
        """
        self.samples_used += 1
        if self.parameterization == "direct":
            return exact_gradient_direct(self.env, theta, graph=self.graph, backend=self.backend)
        return subrl_exact_gradient(self.env, theta, self.policy, graph=self.graph, reward=self.reward,
                                    backend=self.backend)

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        r"""Exact :math:`\nabla_\theta J(\pi_\theta)`.

        Parameters
        ----------
        theta : array, shape ``policy_shape(env, policy, graph)``
        rng : ignored

        Returns
        -------
        GradientEstimate
            ``stderr = 0``, one exact evaluation.
        """
        return _exact_estimate(self.value_and_gradient(theta)[1], "exact_subpo_gradient")


class SubRLOracle:
    r"""Sampled SubPO gradient: the mean of ``n`` per-trajectory estimates (Prajapat et al. 2024).

    .. math::

        \hat g = \frac1n\sum_{k=1}^n\sum_{i=0}^{H-1}\nabla_\theta\log\pi_\theta(a^k_i\mid x^k_i)
        \Big(\sum_{j\ge i}F(s^k_{j+1}\mid\tau^k_{0:j}) - b^k_i\Big),

    :func:`pgtheory.submodular.sample_gradient` (NumPy; SubRL rewards are marginal gains of a set
    function, which the additive-reward tabular engine of :mod:`pgtheory.estimators` cannot
    express). With ``baseline="loo"`` (leave-one-out batch mean) or ``"none"`` it is unbiased for
    :func:`pgtheory.submodular.exact_gradient`; its variance is :math:`O(1/n)`.

    Parameters
    ----------
    env : SubRLEnv
    policy : {"markov", "state_independent", "history"}
    n : int
        Trajectories per call (``n >= 2`` with ``baseline="loo"``).
    reward : {"submodular", "modular"}
    baseline : {"loo", "none"}
    graph : HistoryGraph, optional
        Needed for ``policy="history"`` (built then when omitted); when present,
        :func:`pgtheory.algorithms.subpo` records exact objectives instead of Monte-Carlo ones.
    backend : {"auto", "numpy"} or None
        The sampler is NumPy only (resolved by :func:`pgtheory.backend.resolve_backend`).
    rng : Generator, int or None
        Default randomness of calls made without ``rng``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown ``policy``, ``reward`` or ``baseline``; ``n`` too small for the baseline.

    References
    ----------
    Prajapat, Mutný, Zeilinger, Krause (2024), ICLR, arXiv:2307.13372 (SubPO estimator).
    """

    exact = False

    def __init__(self, env, policy: str = "markov", *, n: int = 100, reward: str = "submodular",
                 baseline: str = "loo", graph=None, backend: str | None = "auto", rng=None):
        _subrl_options(env, policy, reward)
        if baseline not in ("loo", "none"):
            raise ValidationError(f"baseline: expected 'loo' or 'none'; got {baseline!r}.")
        self.n = check_positive_int(n, "n", minimum=2 if baseline == "loo" else 1)
        self.backend = resolve_backend(backend, allowed=("numpy",))
        self.env, self.policy, self.reward, self.baseline = env, policy, reward, baseline
        self.graph = build_history_graph(env) if (graph is None and policy == "history") else graph
        self.rng = np.random.default_rng(rng)
        self.samples_used = 0

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        r"""Sampled SubPO gradient, mean of ``n`` trajectories.

        Parameters
        ----------
        theta : array, shape ``policy_shape(env, policy, graph)``
        rng : Generator, int or None
            Randomness (default: the oracle's generator).

        Returns
        -------
        GradientEstimate
            ``n_trajectories = n``.
        """
        est = sample_gradient(self.env, theta, self.policy, self.n, _gen(rng, self.rng), graph=self.graph,
                              reward=self.reward, baseline=self.baseline)
        self.samples_used += int(est.n_trajectories)
        return est


# --------------------------------------------------------------------------------- LLM-RL bandits
class BanditOracle:
    r"""Softmax contextual-bandit policy gradient sampled with a named group estimator (LLM RL).

    Each call draws ``n`` independent batches of ``G`` responses per prompt from
    :math:`\pi_x=\mathrm{softmax}(\theta_x)` and averages the group estimator ``estimator``
    (:func:`pgtheory.bandits.monte_carlo_gradient`, :func:`~pgtheory.bandits.make_estimator`:
    ``"reinforce"``, ``"rloo"``, ``"grpo"``, ``"dr_grpo"``, ...), then weights prompt ``x`` by
    :math:`\rho(x)`:

    .. math::

        \hat g_x = \rho(x)\,\frac1n\sum_{b=1}^n\frac1G\sum_{i=1}^G A_{b,i}w_{b,i}\,(e_{y_{b,i}}-\pi_x).

    Its mean is :math:`\nabla_\theta J` exactly when the estimator is unbiased (REINFORCE, RLOO);
    for the others (GRPO, Dr. GRPO, ...) it is the estimator's own expected direction, which
    :func:`pgtheory.bandits.exact_moments` gives in closed form. ``samples_used`` counts responses
    (``n * G * M`` per call).

    Parameters
    ----------
    bandit : ContextualBandit
        Prompts, responses and (mean or success-probability) rewards.
    estimator : str or GroupEstimator
        Named group estimator.
    G : int
        Responses per prompt in a group.
    n : int
        Independent groups per prompt and call.
    backend : {"auto", "numpy"} or None
        The group sampler is NumPy only (resolved by :func:`pgtheory.backend.resolve_backend`).
    rng : Generator, int or None
        Default randomness.
    **options
        Options of :func:`~pgtheory.bandits.make_estimator` (e.g. ``scale_rewards``).

    Attributes
    ----------
    mdp : TabularMDP
        The same bandit as an ``M``-state MDP with :math:`\gamma = 0` (state = prompt, start
        distribution :math:`\rho`): what :func:`pgtheory.algorithms.softmax_pg` iterates on, so its
        metrics are the exact :math:`J(\theta)=\sum_x\rho(x)\pi_x^\top\bar r_x`.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown estimator or options, ``G`` below what the estimator needs.

    References
    ----------
    Williams (1992) (REINFORCE); Ahmadian et al. (2024), arXiv:2402.14740 (RLOO); Shao et al. (2024),
    arXiv:2402.03300 (GRPO). See :mod:`pgtheory.bandits` for every estimator's source.
    """

    exact = False

    def __init__(self, bandit, estimator="reinforce", *, G: int = 2, n: int = 1, backend: str | None = "auto",
                 rng=None, **options):
        if not isinstance(bandit, ContextualBandit):
            raise ValidationError(f"bandit must be a pgtheory.bandits.ContextualBandit; got {type(bandit).__name__}. "
                                  f"Fix: pass ContextualBandit(rewards, rho).")
        self.bandit = bandit
        self.estimator = estimator if not isinstance(estimator, str) else make_estimator(estimator, **options)
        self.G = check_positive_int(G, "G", minimum=max(1, int(getattr(self.estimator, "min_G", 1))))
        self.n = check_positive_int(n, "n")
        self.backend = resolve_backend(backend, allowed=("numpy",))
        self.rng = np.random.default_rng(rng)
        self.samples_used = 0
        M, K = bandit.M, bandit.K
        P = np.broadcast_to(bandit.rho, (M, K, M)).copy()
        self.mdp = TabularMDP(P, np.asarray(bandit.rewards), 0.0, rho=bandit.rho)

    def gradient(self, theta, *, rng=None) -> GradientEstimate:
        r"""Sampled :math:`\hat g`, shape (M, K): ``n`` groups of ``G`` responses per prompt.

        Parameters
        ----------
        theta : array, shape (M, K)
            Logits.
        rng : Generator, int or None
            Randomness (default: the oracle's generator).

        Returns
        -------
        GradientEstimate
            ``mean`` and ``stderr`` weighted by :math:`\rho`; ``n_trajectories`` = ``n`` groups.
        """
        b = self.bandit
        est = monte_carlo_gradient(self.estimator, theta, b.rewards, self.G, self.n, rng=_gen(rng, self.rng),
                                   binary=b.binary)
        w = b.rho[:, None]
        self.samples_used += int(est.n_steps)
        return GradientEstimate(mean=w * est.mean, stderr=w * est.stderr, n_trajectories=est.n_trajectories,
                                n_steps=est.n_steps, estimator=f"bandit[{est.estimator}]", backend="numpy")


def as_oracle(oracle, problem, *, policy="softmax"):
    r"""Normalise an ``oracle=`` argument: ``None`` / ``"exact"`` give :class:`ExactOracle` of ``problem``.

    Parameters
    ----------
    oracle : None, "exact" or an object following :class:`GradientOracle`
    problem : TabularMDP
        The problem of the default oracle.
    policy : policy object or str
        Parameterisation of the default oracle.

    Returns
    -------
    GradientOracle

    Raises
    ------
    pgtheory.errors.ValidationError
        For anything without a ``gradient`` method.
    """
    if oracle is None or (isinstance(oracle, str) and oracle == "exact"):
        return ExactOracle(problem, policy)
    if not hasattr(oracle, "gradient"):
        raise ValidationError(f"oracle must be None, 'exact' or an oracle object with a gradient(theta, rng=...) "
                              f"method (pgtheory.oracles); got {oracle!r}. Fix: pass "
                              f"pgtheory.oracles.SampledOracle(problem, n=...) or leave oracle unset.")
    return oracle
