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

Randomness: every sampling call takes ``rng`` (Generator or seed); when ``None`` the oracle's own
generator (built from its ``rng`` argument) is used, so a run is reproducible from one seed.

References
----------
Fatkhullin, Barakat, Kireeva, He (2023), ICML, arXiv:2302.01734 (first/second-order oracles of
N-PG-IGT and HARPG). Tiapkin et al. (2025), arXiv:2505.19731 (preference-query oracle of Nash-MP).
Baxter, Bartlett (2001), arXiv:1106.0665 (GPOMDP).
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
from .policies import as_policy
from .policies import fisher_matrix
from .policies import hessian_vector_product
from .policies import policy_gradient

__all__ = ["GradientOracle", "HessianOracle", "PayoffOracle", "ExactOracle", "SampledOracle",
           "ExactPreferenceOracle", "SampledPreferenceOracle", "CauchyBanditOracle", "LQROracle",
           "as_oracle"]


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

    References
    ----------
    Tiapkin et al. (2025), arXiv:2505.19731 (stochastic preference oracle).
    """

    exact = False

    def __init__(self, game, *, n: int = 1, rng=None):

        super().__init__(game)
        self.n = check_positive_int(n, "n")
        self.rng = np.random.default_rng(rng)

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
        cdf = np.cumsum(np.exp(theta_opp), axis=-1)
        u = g.random((X, m * self.n)) * cdf[:, -1:]
        yp = np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(-1), m - 1)
        y = np.repeat(np.arange(m), self.n)[None, :].repeat(X, axis=0)
        o = _compare(self, y, yp, g).reshape(X, m, self.n)
        mean = o.mean(-1) - 0.5
        se = o.std(-1, ddof=1) / np.sqrt(self.n) if self.n > 1 else np.full_like(mean, np.nan)
        return GradientEstimate(mean=mean, stderr=se, n_trajectories=int(o.size), n_steps=int(o.size),
                                estimator="sampled_payoff", backend="numpy")


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
