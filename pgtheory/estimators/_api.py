r"""Public policy-gradient estimators with one signature over the NumPy, Numba and CuPy backends.

Every estimator samples ``n`` independent trajectories (or bandit rounds) of a
:class:`~pgtheory.mdp.TabularMDP`, :class:`~pgtheory.mdp.FiniteHorizonMDP` or
:class:`~pgtheory.bandits.ContextualBandit` under :math:`\pi_\theta` and returns a
:class:`~pgtheory.results.GradientEstimate`: the mean of the per-trajectory estimates, its
per-coordinate standard error ``std(ddof=1)/sqrt(n)``, the numbers of trajectories and environment
steps, and (``return_samples=True``) the per-trajectory estimates.

Each per-trajectory estimate has the form :math:`\hat g=\sum_t w_t\,\nabla_\theta\log\pi_\theta(a_t|s_t)`
with estimator-specific weights :math:`w_t` (documented per function).

Termination of discounted MDPs (``termination=``)
-------------------------------------------------
``"geometric"`` (default)
    After every step the trajectory continues with probability :math:`\gamma` (an independent
    coin), and rewards are summed *undiscounted*. Since :math:`\Pr(\text{alive at }t)=\gamma^t`,
    :math:`\mathbb E[\sum_t r_t]=J(\theta)` and every estimator below is **unbiased for the
    discounted objective** :math:`J` and its gradient (Zhang et al. 2020, arXiv:1906.08383, Sec. 3).
    The expected length is :math:`1/(1-\gamma)`. An optional ``horizon`` caps the length
    (then biased by at most the truncation bound below, with :math:`\gamma^H` the cap probability).
``"truncate"`` with ``horizon=H``
    Trajectories run exactly ``H`` steps with discounted rewards :math:`\gamma^t r_t`. The
    estimators are unbiased for the truncated objective :math:`J_H=\mathbb E[\sum_{t<H}\gamma^t r_t]`
    and its gradient, which differ from the discounted ones by
    :math:`|J-J_H|\le\gamma^H R_{\max}/(1-\gamma)` and, with :math:`\|\nabla\log\pi\|\le M_g`,
    :math:`\|\nabla J-\nabla J_H\|=\|\mathbb E\sum_{t\ge H}\gamma^t r_t\sum_{k\le t}\nabla\log\pi_k\|
    \le M_g R_{\max}\sum_{t\ge H}(t+1)\gamma^t
    = M_g R_{\max}\gamma^H\big(\tfrac{H}{1-\gamma}+\tfrac{1}{(1-\gamma)^2}\big)`,
    :math:`R_{\max}=\max|r|` (derived here from the GPOMDP form; bounds of this type appear in
    Yuan et al. 2022, arXiv:2107.11433). The softmax has :math:`M_g\le\sqrt2`.

Score-function estimators only see directions of positive probability: they are unbiased for
the coordinates of :math:`\nabla J` that move mass among actions with :math:`\pi_\theta(a|s)>0`
(all of them for softmax and log-linear policies); for a direct policy on the boundary of the
simplex, coordinates with :math:`\theta_{s,a}=0` are estimated as 0.

Finite-horizon MDPs run exactly ``H`` steps (undiscounted, stage-dependent ``P[h]``, ``r[h]``);
bandits run one step (with Bernoulli rewards when the bandit is ``binary``). Policies are
stationary: ``theta`` is shared by all stages.

Randomness and backends
-----------------------
``rng`` is a :class:`numpy.random.Generator` or a seed. The NumPy backend draws from it directly;
Numba derives 64 independent per-chunk seeds from it through :class:`numpy.random.SeedSequence`
(``spawn``), so the result depends on the seed only -- not on the number of threads. The same
seed gives identical results on a given backend. NumPy and Numba use different streams and agree
in distribution; fed the same pre-drawn uniforms (``_uniforms``, a testing hook) they agree to
rounding. The CUDA kernels (``backend="cuda"``, and ``"cupy"`` where they apply) draw from a
counter-based Philox4x32-10 stream keyed by a key derived from ``rng`` and indexed by (trajectory,
step), so their trajectories do not depend on the launch geometry or the device;
``pgtheory.estimators._cuda.philox_uniforms`` reproduces that stream on the host, and fed to the
NumPy reference it gives the same trajectories and estimates (to rounding).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _reference
from .._validate import as_float_array, check_positive_int
from ..backend import resolve_backend
from ..errors import ShapeError, ValidationError
from ..results import GradientEstimate, ResultMixin
from . import _tables as T
from ..mdp import check_policy
from ..policies import Policy

__all__ = [
    "TrajectoryBatch",
    "sample_trajectories",
    "reinforce",
    "gpomdp",
    "off_policy_gradient",
    "q_estimate",
    "advantage_estimate",
    "hessian_vector_product_estimate",
]


@dataclasses.dataclass(frozen=True, repr=False)
class TrajectoryBatch(ResultMixin):
    """A batch of sampled trajectories, padded to the longest one.

    Attributes
    ----------
    states, actions : array of int64, shape (n, T)
        ``-1`` after the end of a trajectory.
    rewards : array, shape (n, T)
        Sampled rewards ``r_t`` (undiscounted; 0 after the end).
    lengths : array of int64, shape (n,)
        Number of steps of each trajectory.
    termination : str
        ``"geometric"``, ``"truncate"``, ``"finite_horizon"`` or ``"bandit"``.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    lengths: np.ndarray
    termination: str


# ----------------------------------------------------------------------------- helpers
def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"rng must be a numpy.random.Generator, an int seed, a SeedSequence or None; "
                              f"got {rng!r}.") from exc


def _prepare(problem, policy, theta, n, termination, horizon, backend):
    backend = resolve_backend(backend)
    n = check_positive_int(n, "n")
    env = T.env_table(problem, termination=termination, horizon=horizon)
    pol = T.resolve_policy(policy, problem)
    theta = pol.check_theta(theta)
    pmap = T.policy_map(pol, theta)
    return backend, n, pol, theta, env, pmap


def _execute(backend, env, sample_pi, pmap, n, *, rng, est_mode, b_tab=None, b_const=0.0, ratio=None, hvp=None,
             keep_samples=False, start_states=None, start_actions=None, uniforms=None):
    """Run the backend's sampler/estimator kernel; ``b_tab=None`` is the zero baseline table."""
    rng = _rng(rng)
    if b_tab is None:
        b_tab = np.zeros((env.n_stages, env.S))
    kw = dict(est_mode=est_mode, b_tab=b_tab, b_const=b_const, ratio=ratio, hvp=hvp,
              start_states=start_states, start_actions=start_actions, keep_samples=keep_samples)
    if backend == "numpy":
        return _reference.run(env, sample_pi, pmap, n, rng=rng, uniforms=uniforms, **kw)
    if backend == "numba":
        from . import _numba  # lazy: numba kernels

        return _numba.run(env, sample_pi, pmap, n, rng=rng, uniforms=uniforms, **kw)
    if backend == "cuda":
        from . import _cuda  # lazy: numba.cuda kernels (numba-cuda)

        return {**_cuda.run(env, sample_pi, pmap, n, rng=rng, uniforms=uniforms, xp=_cuda.default_xp(), **kw),
                "backend": "cuda"}
    from . import _cupy  # lazy: CuPy backend

    if uniforms is not None:
        raise ValidationError("pre-drawn uniforms are supported on the numpy, numba and cuda backends only.")
    return _cupy.run(env, sample_pi, pmap, n, rng=rng, **kw)


def _result(out: dict, n: int, shape: tuple, estimator: str, backend: str, return_samples: bool,
            samples=None) -> GradientEstimate:
    if samples is not None:
        mean = samples.mean(axis=0)
        m2 = ((samples - mean) ** 2).sum(axis=0)
    else:
        mean, m2 = out["mean"], out["m2"]
    if n > 1:
        stderr = np.sqrt(np.maximum(m2, 0.0) / (n - 1) / n)
    else:
        stderr = np.full(mean.shape, np.inf)
    keep = None
    if return_samples:
        keep = (samples if samples is not None else out["samples"]).reshape((n,) + tuple(shape))
    return GradientEstimate(mean=np.asarray(mean).reshape(shape), stderr=np.asarray(stderr).reshape(shape),
                            n_trajectories=int(n), n_steps=int(np.sum(out["lengths"])), samples=keep,
                            estimator=estimator, backend=out.get("backend", backend))


def _estimate(name: str, backend, env, pmap, n, return_samples: bool, *, rng, uniforms, est_mode,
              sample_pi=None, b_tab=None, b_const=0.0, ratio=None, hvp=None) -> GradientEstimate:
    """Sample under ``sample_pi`` (default: the target ``pmap.pi``) and summarise as a GradientEstimate."""
    out = _execute(backend, env, pmap.pi if sample_pi is None else sample_pi, pmap, n, rng=rng, est_mode=est_mode,
                   b_tab=b_tab, b_const=b_const, ratio=ratio, hvp=hvp, keep_samples=return_samples,
                   uniforms=uniforms)
    return _result(out, n, pmap.param_shape, name, backend, return_samples)


def _kind_label(env: T.EnvTable, termination: str) -> str:
    return termination if env.kind == "discounted" else env.kind


# ----------------------------------------------------------------------------- sampler
def sample_trajectories(problem, policy: Policy | str, theta, n, *, rng=None, termination: str = "geometric",
                        horizon=None) -> TrajectoryBatch:
    r"""Sample ``n`` trajectories of :math:`\pi_\theta` (NumPy reference sampler, inverse-CDF draws).

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model (dense or sparse transitions).
    policy : policy object of :mod:`pgtheory.policies`, or ``"softmax"`` / ``"direct"``
        Parameterisation for ``problem``'s states and actions.
    theta : array, shape ``policy.param_shape``
        Parameter; must be finite.
    n : int
        Number of trajectories (>= 1).
    rng : Generator, int or None
        Randomness.
    termination : {"geometric", "truncate"}
        Discounted MDPs only (see the module docstring for the bias of each).
    horizon : int, optional
        ``H`` for truncation, or a length cap under geometric termination.

    Returns
    -------
    TrajectoryBatch
        States, actions, rewards (padded) and lengths.
    """
    _, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, "numpy")
    tr = _reference.sample_trajectories(env, T.cumulative_rows(pmap.pi), n, rng=_rng(rng))
    return TrajectoryBatch(tr.states, tr.actions, tr.rewards, tr.lengths, _kind_label(env, termination))


# ----------------------------------------------------------------------------- estimators
def reinforce(problem, policy: Policy | str, theta, n, *, rng=None, backend: str | None = "auto",
              termination: str = "geometric", horizon=None, baseline=None,
              return_samples: bool = False, _uniforms=None) -> GradientEstimate:
    r"""REINFORCE (likelihood-ratio) policy-gradient estimate with the total return.

    .. math::

        \hat g = (R(\tau) - b)\sum_{t} \nabla_\theta\log\pi_\theta(a_t|s_t),\qquad
        R(\tau)=\sum_t \delta_t r_t,

    with :math:`\delta_t=\gamma^t` under truncation and :math:`\delta_t = 1` under geometric
    termination, finite horizons and bandits. Unbiased for :math:`\nabla J` (geometric, finite
    horizon, bandit) or :math:`\nabla J_H` (truncation) for any constant :math:`b`.

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object of :mod:`pgtheory.policies` or ``"softmax"`` / ``"direct"``
        Any tabular parameterisation (the softmax has a specialised fast path).
    theta : array, shape ``policy.param_shape``
        Parameter (finite).
    n : int
        Number of trajectories (>= 1).
    rng : Generator, int or None
        Randomness (see the module docstring).
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend (:func:`pgtheory.backend.resolve_backend`).
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon ``H`` (required for ``"truncate"``), or a length cap.
    baseline : None, float or "optimal"
        ``None`` (:math:`b=0`), a constant, or ``"optimal"``: the per-coordinate variance-minimising
        baseline :math:`b_i=\mathbb E[g_i^2R]/\mathbb E[g_i^2]` with :math:`g=\sum_t\nabla\log\pi_t`
        (Peters & Schaal 2008, Eq. 9; Greensmith et al. 2004), estimated *leave-one-out*: sample
        ``j`` uses :math:`b_i^{(-j)}=\sum_{k\ne j}g_{k,i}^2R_k/\sum_{k\ne j}g_{k,i}^2`, which is independent
        of sample ``j``, so the mean stays exactly unbiased (the plug-in estimate from all samples,
        including ``j``, would carry an :math:`O(1/n)` bias). The per-sample estimates are then weakly
        dependent (through :math:`b^{(-j)}`), so ``stderr`` is accurate to :math:`O(1/n)`.
        State-dependent baselines need :func:`gpomdp`.
    return_samples : bool
        Keep the per-trajectory estimates in ``samples`` (memory ``n * d``).

    Returns
    -------
    GradientEstimate
        ``mean`` and ``stderr`` of shape ``policy.param_shape``; ``estimator="reinforce"``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Non-positive ``n`` or ``horizon``, NaN ``theta``, unknown ``backend`` or ``baseline``.
    pgtheory.errors.ShapeError
        ``theta`` or ``policy`` do not match the problem.

    References
    ----------
    R. J. Williams (1992), "Simple statistical gradient-following algorithms for connectionist
    reinforcement learning", Machine Learning 8:229-256.
    J. Peters, S. Schaal (2008), "Reinforcement learning of motor skills with policy gradients",
    Neural Networks 21(4):682-697, Sec. 3.2 (optimal baseline).
    E. Greensmith, P. Bartlett, J. Baxter (2004), "Variance reduction techniques for gradient
    estimates in reinforcement learning", JMLR 5:1471-1530.

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.mdp import TabularMDP
    >>> from pgtheory.policies import SoftmaxPolicy
    >>> from pgtheory.estimators import reinforce
    >>> P = np.full((2, 2, 2), 0.5); r = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> est = reinforce(TabularMDP(P, r, 0.5), SoftmaxPolicy(2, 2), np.zeros((2, 2)), 1000, rng=0,
    ...                 backend="numpy")
    >>> est.mean.shape, est.n_trajectories
    ((2, 2), 1000)
    """
    backend, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, backend)
    if isinstance(baseline, str) and baseline == "optimal":
        out = _execute(backend, env, pmap.pi, pmap, n, rng=rng, est_mode=T.ESTIMATOR_SCORE_SUM, keep_samples=True,
                       uniforms=_uniforms)
        G = out["samples"]
        R = out["returns"]
        G2 = G * G
        num = (G2 * R[:, None]).sum(axis=0)
        den = G2.sum(axis=0)
        den_j = den[None, :] - G2
        num_j = num[None, :] - G2 * R[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            b_j = np.where(den_j > 1e-300 * np.maximum(den[None, :], 1.0), num_j / np.where(den_j > 0, den_j, 1.0),
                           0.0)
        samples = (R[:, None] - b_j) * G
        return _result(out, n, pmap.param_shape, "reinforce+optimal_baseline", backend, return_samples,
                       samples=samples)
    if baseline is None:
        b_const = 0.0
    elif isinstance(baseline, str):
        raise ValidationError(f"reinforce takes baseline=None, a float or 'optimal'; got {baseline!r}. "
                              f"Fix: state-dependent baselines ('value', arrays) need gpomdp().")
    else:
        b = as_float_array(baseline, "baseline")
        if b.ndim != 0:
            raise ShapeError(f"reinforce takes a scalar baseline; got shape {b.shape}. "
                             f"Fix: use gpomdp() for state-dependent baselines.")
        b_const = float(b)
    return _estimate("reinforce", backend, env, pmap, n, return_samples, rng=rng, uniforms=_uniforms,
                     est_mode=T.ESTIMATOR_REINFORCE, b_const=b_const)


def gpomdp(problem, policy: Policy | str, theta, n, *, rng=None, backend: str | None = "auto",
           termination: str = "geometric", horizon=None, baseline=None,
           return_samples: bool = False, _uniforms=None) -> GradientEstimate:
    r"""GPOMDP / reward-to-go policy-gradient estimate, optionally with a state-dependent baseline.

    .. math::

        \hat g=\sum_t \nabla_\theta\log\pi_\theta(a_t|s_t)\Big(\sum_{k\ge t}\delta_k r_k-\delta_t\,b_{h_t}(s_t)\Big),

    (:math:`\delta_t` as in :func:`reinforce`). Rewards before :math:`t` are dropped because
    :math:`\mathbb E[\nabla\log\pi_t\mid s_{0:t}]=0`, which also makes any baseline :math:`b(s_t)`
    unbiased. Unbiased for :math:`\nabla J` (geometric, finite horizon, bandit) or
    :math:`\nabla J_H` (truncation).

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object of :mod:`pgtheory.policies` or ``"softmax"`` / ``"direct"``
        Parameterisation.
    theta : array, shape ``policy.param_shape``
        Parameter.
    n : int
        Number of trajectories.
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or length cap.
    baseline : None, float, array of shape (S,) or (H, S), or "value"
        :math:`b_h(s)`. ``"value"`` uses the exact :math:`V^{\pi_\theta}` (stage-wise
        :math:`V_h` for finite horizons) from :func:`pgtheory.mdp.policy_evaluation`.
    return_samples : bool
        Keep the per-trajectory estimates.

    Returns
    -------
    GradientEstimate
        ``estimator="gpomdp"``.

    References
    ----------
    J. Baxter, P. L. Bartlett (2001), "Infinite-horizon policy-gradient estimation", JAIR 15:319-350,
    arXiv:1106.0665.
    R. S. Sutton, D. McAllester, S. Singh, Y. Mansour (2000), "Policy gradient methods for
    reinforcement learning with function approximation", NeurIPS 12 (Theorem 1).
    """
    backend, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, backend)
    if isinstance(baseline, str) and baseline == "optimal":
        raise ValidationError("baseline='optimal' is implemented for reinforce(). Fix: use reinforce(..., "
                              "baseline='optimal') or gpomdp(..., baseline='value').")
    b_tab, _ = T.baseline_table(baseline, env, problem, pmap.pi)
    name = "gpomdp" if baseline is None else "gpomdp+baseline"
    return _estimate(name, backend, env, pmap, n, return_samples, rng=rng, uniforms=_uniforms,
                     est_mode=T.ESTIMATOR_GPOMDP, b_tab=b_tab)


def off_policy_gradient(problem, policy: Policy | str, theta, n, *, behavior, rng=None, backend: str | None = "auto",
                        estimator: str = "gpomdp", termination: str = "geometric", horizon=None,
                        baseline=None, return_samples: bool = False, _uniforms=None) -> GradientEstimate:
    r"""Importance-weighted policy gradient of :math:`\pi_\theta` from trajectories of a behaviour policy :math:`\mu`.

    With :math:`c_t=\prod_{j\le t}\pi_\theta(a_j|s_j)/\mu(a_j|s_j)`:

    * ``estimator="gpomdp"`` (per-decision importance sampling):
      :math:`\hat g=\sum_t\nabla\log\pi_\theta(a_t|s_t)\big(\sum_{k\ge t}\delta_k c_k r_k-\delta_t c_t b_{h_t}(s_t)\big)`;
    * ``estimator="reinforce"`` (trajectory-wise): :math:`\hat g=c_{L-1}(R-b)\sum_t\nabla\log\pi_\theta(a_t|s_t)`.

    Both are unbiased for :math:`\nabla J(\theta)` (resp. :math:`\nabla J_H`) whenever
    :math:`\mu(a|s)>0` wherever :math:`\pi_\theta(a|s)>0`; their variance grows with the length and
    with :math:`\max\pi/\mu`.

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object or ``"softmax"`` / ``"direct"``
        Target parameterisation.
    theta : array
        Target parameter.
    n : int
        Number of behaviour trajectories.
    behavior : array, shape (S, A)
        Behaviour policy probabilities :math:`\mu(a|s)` (rows on the simplex).
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    estimator : {"gpomdp", "reinforce"}
        Per-decision or trajectory-wise weights.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or cap.
    baseline : None, float, array or "value"
        As in :func:`gpomdp` (``"reinforce"``: constant only); ``"value"`` is the target's :math:`V^{\pi_\theta}`.
    return_samples : bool
        Keep per-trajectory estimates.

    Returns
    -------
    GradientEstimate
        ``estimator="off_policy_gpomdp"`` or ``"off_policy_reinforce"``.

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``behavior`` is not a policy, or lacks support where :math:`\pi_\theta` has it.

    References
    ----------
    D. Precup, R. S. Sutton, S. Singh (2000), "Eligibility traces for off-policy policy evaluation",
    ICML (per-decision importance sampling).
    T. Degris, M. White, R. S. Sutton (2012), "Off-policy actor-critic", ICML, arXiv:1205.4839.
    """
    backend, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, backend)
    mu = np.asarray(check_policy(_ShapeOnly(env.S, env.A), behavior, "behavior"), dtype=np.float64)
    pi = pmap.pi
    if np.any((mu <= 0) & (pi > 0)):
        s, a = (int(i) for i in np.argwhere((mu <= 0) & (pi > 0))[0])
        raise ValidationError(f"behavior has no support at (s={s}, a={a}) where the target policy does. "
                              f"Fix: use a behaviour policy with mu(a|s) > 0 wherever pi(a|s) > 0.")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.ascontiguousarray(np.where(mu > 0, pi / np.where(mu > 0, mu, 1.0), 0.0))
    if estimator == "gpomdp":
        b_tab, _ = T.baseline_table(baseline, env, problem, pi)
        b_const, est_mode = 0.0, T.ESTIMATOR_GPOMDP
    elif estimator == "reinforce":
        b_tab, b_const = T.baseline_table(baseline, env, problem, pi)
        if np.isnan(b_const):
            raise ValidationError("estimator='reinforce' takes a constant baseline. Fix: use estimator='gpomdp'.")
        est_mode = T.ESTIMATOR_REINFORCE
    else:
        raise ValidationError(f"estimator must be 'gpomdp' or 'reinforce'; got {estimator!r}.")
    return _estimate(f"off_policy_{estimator}", backend, env, pmap, n, return_samples, rng=rng, uniforms=_uniforms,
                     est_mode=est_mode, sample_pi=mu, b_tab=b_tab, b_const=b_const, ratio=ratio)


class _ShapeOnly:
    def __init__(self, S, A):
        self.S, self.A = S, A


def _q_samples(problem, policy, theta, n, rng, backend, termination, horizon, uniforms):
    backend, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, backend)
    S, A = env.S, env.A
    m = n * S * A
    start_s = np.tile(np.repeat(np.arange(S, dtype=np.int64), A), n)
    start_a = np.tile(np.tile(np.arange(A, dtype=np.int64), S), n)
    dummy = T.PolicyMap(T.POLICY_TABLE, pmap.pi, np.zeros((S * A, 0)), (0,), 0)
    out = _execute(backend, env, pmap.pi, dummy, m, rng=rng, est_mode=T.ESTIMATOR_SCORE_SUM, start_states=start_s,
                   start_actions=start_a, uniforms=uniforms)
    return backend, env, pmap, out, out["returns"].reshape(n, S, A)


def q_estimate(problem, policy: Policy | str, theta, n, *, rng=None, backend: str | None = "auto",
               termination: str = "geometric", horizon=None, return_samples: bool = False,
               _uniforms=None) -> GradientEstimate:
    r"""Monte-Carlo estimate of :math:`Q^{\pi_\theta}(s,a)` for every pair, from ``n`` rollouts per pair.

    A rollout starts in :math:`s` with action :math:`a` and then follows :math:`\pi_\theta`; its
    return :math:`\sum_t\delta_t r_t` is unbiased for :math:`Q^{\pi_\theta}(s,a)` under geometric
    termination (discounted :math:`Q`), finite horizons (stage-0 :math:`Q_0`) and bandits
    (:math:`\bar r(s,a)`), and for the :math:`H`-step :math:`Q_H` under truncation.

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object or ``"softmax"`` / ``"direct"``
        Parameterisation.
    theta : array
        Parameter.
    n : int
        Rollouts per state-action pair (``n * S * A`` in total).
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or cap.
    return_samples : bool
        Keep the per-rollout returns, shape ``(n, S, A)``.

    Returns
    -------
    GradientEstimate
        ``mean`` and ``stderr`` of shape (S, A); ``n_trajectories = n*S*A``; ``estimator="q"``.

    References
    ----------
    R. S. Sutton, A. G. Barto (2018), "Reinforcement Learning: An Introduction", 2nd ed., Sec. 5.1-5.2.
    """
    backend, env, pmap, out, Qs = _q_samples(problem, policy, theta, n, rng, backend, termination, horizon,
                                             _uniforms)
    return _sample_result(Qs, out, "q", backend, return_samples)


def advantage_estimate(problem, policy: Policy | str, theta, n, *, rng=None, backend: str | None = "auto",
                       termination: str = "geometric", horizon=None, return_samples: bool = False,
                       _uniforms=None) -> GradientEstimate:
    r"""Monte-Carlo estimate of :math:`A^{\pi_\theta}(s,a)=Q^{\pi_\theta}(s,a)-V^{\pi_\theta}(s)`.

    The ``j``-th sample is :math:`\hat Q_j(s,a)-\sum_b\pi_\theta(b|s)\hat Q_j(s,b)` built from the
    ``j``-th rollout of every pair (independent rollouts), which is unbiased because
    :math:`V(s)=\sum_b\pi(b|s)Q(s,b)`.

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object or ``"softmax"`` / ``"direct"``
        Parameterisation.
    theta : array
        Parameter.
    n : int
        Rollouts per pair.
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or cap.
    return_samples : bool
        Keep the per-sample advantages, shape ``(n, S, A)``.

    Returns
    -------
    GradientEstimate
        ``mean`` and ``stderr`` of shape (S, A); ``estimator="advantage"``.

    References
    ----------
    S. Kakade, J. Langford (2002), "Approximately optimal approximate reinforcement learning", ICML.
    """
    backend, env, pmap, out, Qs = _q_samples(problem, policy, theta, n, rng, backend, termination, horizon,
                                             _uniforms)
    adv = Qs - np.einsum("nsa,sa->ns", Qs, pmap.pi)[:, :, None]
    return _sample_result(adv, out, "advantage", backend, return_samples)


def _sample_result(X, out, name, backend, return_samples):
    n = X.shape[0]
    mean = X.mean(axis=0)
    stderr = X.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(mean.shape, np.inf)
    return GradientEstimate(mean=mean, stderr=stderr, n_trajectories=int(X.size), n_steps=int(out["lengths"].sum()),
                            samples=X if return_samples else None, estimator=name,
                            backend=out.get("backend", backend))


def hessian_vector_product_estimate(problem, policy: Policy | str, theta, v, n, *, rng=None,
                                    backend: str | None = "auto",
                                    termination: str = "geometric", horizon=None,
                                    return_samples: bool = False, _uniforms=None) -> GradientEstimate:
    r"""Unbiased stochastic Hessian-vector product :math:`\widehat{\nabla^2J(\theta)}\,v` (the HARPG oracle).

    For one trajectory :math:`\tau`, with :math:`\Phi(\tau,\theta)=\sum_h\big(\sum_{t\ge h}\delta_t r_t\big)
    \log\pi_\theta(a_h|s_h)` (so that :math:`\nabla\Phi` is the GPOMDP estimate) and
    :math:`\nabla\log p(\tau|\theta)=\sum_h\nabla\log\pi_\theta(a_h|s_h)`:

    .. math::

        \widehat{\nabla^2 J}(\tau,\theta)\,v=\nabla\Phi(\tau,\theta)\,\big(\nabla\log p(\tau|\theta)^\top v\big)
        +\nabla^2\Phi(\tau,\theta)\,v .

    Differentiating :math:`\nabla J(\theta)=\mathbb E_{\tau\sim p(\cdot|\theta)}[\nabla\Phi(\tau,\theta)]`
    gives :math:`\nabla^2J=\mathbb E[\nabla\Phi\,\nabla\log p^\top+\nabla^2\Phi]`, so the estimate
    is unbiased for :math:`\nabla^2J(\theta)v` (geometric termination, finite horizons, bandits) or
    :math:`\nabla^2J_H(\theta)v` (truncation; the form used in the analysis of HARPG). The
    termination coins do not depend on :math:`\theta`, so they do not enter :math:`\nabla\log p`.
    :math:`\nabla^2\log\pi_\theta` is exact for the softmax
    (:math:`-e_se_s^\top\otimes(\mathrm{diag}\,\pi_s-\pi_s\pi_s^\top)`), log-linear
    (:math:`-\mathrm{Cov}_{b\sim\pi_s}[\phi(s,b)]`) and direct (:math:`-e_{sa}e_{sa}^\top/\theta_{sa}^2`)
    policies; other classes use their ``score_hvp`` method if they have one, else a central
    difference of ``score`` along :math:`v` (error :math:`O(\epsilon^2)`).

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    policy : policy object or ``"softmax"`` / ``"direct"``
        Parameterisation.
    theta : array, shape ``policy.param_shape``
        Parameter at which the Hessian is taken (HARPG: :math:`\hat\theta_t`).
    v : array, shape ``policy.param_shape``
        Direction (HARPG: :math:`\theta_t-\theta_{t-1}`).
    n : int
        Number of trajectories (HARPG's theory: 1).
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or cap.
    return_samples : bool
        Keep per-trajectory estimates.

    Returns
    -------
    GradientEstimate
        Shape ``policy.param_shape``; ``estimator="hvp"``.

    References
    ----------
    Z. Shen, A. Ribeiro, H. Hassani, H. Qian, C. Mi (2019), "Hessian aided policy gradient", ICML,
    PMLR 97 (the policy-Hessian estimator :math:`\nabla\Phi\nabla\log p^\top+\nabla^2\Phi`; the paper's
    equation number was not re-read here -- the form agrees with the HARPG authors' code, see
    the authors' code and the paper's estimator definition -- and is validated against the exact Hessian
    of :func:`pgtheory.policies.hessian_vector_product` in the tests).
    S. Salehkaleybar, S. Khorasani, N. Kiyavash, N. He, P. Thiran (2022), "Adaptive momentum-based
    policy gradient with second-order information", arXiv:2205.08253.
    I. Fatkhullin, A. Barakat, A. Kireeva, N. He (2023), "Stochastic policy gradient methods: improved
    sample complexity for Fisher-non-degenerate policies", ICML, arXiv:2302.01734, Algorithm 2
    (the correction :math:`v_t=\widehat{\nabla^2J}(\hat\tau_t,\hat\theta_t)(\theta_t-\theta_{t-1})`).
    """
    backend, n, pol, theta, env, pmap = _prepare(problem, policy, theta, n, termination, horizon, backend)
    v = as_float_array(v, "v")
    if v.shape != tuple(pmap.param_shape):
        raise ShapeError(f"v must have the parameter's shape {tuple(pmap.param_shape)}; got {v.shape}.")
    hvp = T.hvp_tables(pol, theta, pmap, v)
    return _estimate("hvp", backend, env, pmap, n, return_samples, rng=rng, uniforms=_uniforms,
                     est_mode=T.ESTIMATOR_GPOMDP, hvp=hvp)


def rollout_returns(problem, pi, states, actions, *, rng=None, backend: str | None = "auto",
                    termination: str = "geometric", horizon=None):
    r"""Returns of rollouts started at given state-action pairs and continued with the policy table ``pi``.

    Rollout :math:`j` starts in :math:`s_j` with action :math:`a_j`, then follows :math:`\pi`; its return
    :math:`\sum_t \delta_t r_t` is an unbiased sample of :math:`Q^\pi(s_j, a_j)` under geometric termination
    (Sutton and Barto 2018, Sec. 5.2), the same sampler as :func:`q_estimate` at arbitrary pairs (e.g.
    pairs drawn from an occupancy measure, as fitted policy evaluation needs).

    Parameters
    ----------
    problem : TabularMDP, FiniteHorizonMDP or ContextualBandit
        The model.
    pi : array, shape (S, A)
        Policy table (rows on the simplex).
    states, actions : array of int, shape (m,)
        Start pairs.
    rng : Generator, int or None
        Randomness.
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        Compute backend.
    termination : {"geometric", "truncate"}
        For discounted MDPs.
    horizon : int, optional
        Truncation horizon or cap.

    Returns
    -------
    returns : array, shape (m,)
        One return per start pair.
    steps : int
        Environment steps simulated (sample cost).

    References
    ----------
    R. S. Sutton, A. G. Barto (2018), "Reinforcement Learning: An Introduction", 2nd ed., Sec. 5.2.
    """
    backend = resolve_backend(backend)
    pi = np.ascontiguousarray(np.asarray(pi, dtype=np.float64))
    s = np.ascontiguousarray(np.asarray(states, dtype=np.int64).reshape(-1))
    a = np.ascontiguousarray(np.asarray(actions, dtype=np.int64).reshape(-1))
    if s.shape != a.shape:
        raise ShapeError(f"states and actions must have the same length; got {s.size} and {a.size}.")
    if pi.ndim != 2:
        raise ShapeError(f"pi must have shape (S, A); got {pi.shape}. Fix: one row of action probabilities per state.")
    S, A = pi.shape
    if s.size and (s.min() < 0 or s.max() >= S or a.min() < 0 or a.max() >= A):
        raise ValidationError(f"states must lie in [0, {S}) and actions in [0, {A}). Fix: pass valid indices.")
    env = T.env_table(problem, termination=termination, horizon=horizon)
    dummy = T.PolicyMap(1, pi, np.zeros((S * A, 0)), (0,), 0)
    out = _execute(backend, env, pi, dummy, int(s.size), rng=rng, est_mode=T.ESTIMATOR_SCORE_SUM,
                   start_states=s, start_actions=a)
    return out["returns"], int(np.sum(out["lengths"]))
