r"""N-PG-IGT (Algorithm 1 of Fatkhullin et al. 2023), vanilla PG and normalized SGD-momentum.

Algorithm 1 (N-PG-IGT), as run here for :math:`t = 0, 1, \dots, T-1` with :math:`\theta_{-1} := \theta_0`:

.. math::
    \bar\theta_t = \theta_t + \frac{1-\eta_t}{\eta_t}(\theta_t - \theta_{t-1}),\quad
    d_t = (1-\eta_t)d_{t-1} + \eta_t\tilde\nabla J_H(\bar\tau_t, \bar\theta_t),\quad
    \theta_{t+1} = \theta_t + \gamma_t\frac{d_t}{\|d_t\|},

one trajectory :math:`\bar\tau_t \sim \pi_{\bar\theta_t}` per iteration, schedules of Theorem 1
:math:`\eta_t = (t+1)^{-4/5}`, :math:`\gamma_t = \gamma_0/(t+1)`, horizon
:math:`H = \lceil\log(T+1)/(1-\gamma)\rceil`.  Indexing: the paper's loop starts from given
:math:`\theta_0, \theta_1, d_0`; starting at ``t = 0`` with :math:`\eta_0 = 1` makes :math:`d_0` the
plain estimate at :math:`\theta_0` and :math:`\theta_1 = \theta_0 + \gamma_0 d_0/\|d_0\|`, which is
one admissible choice of those inputs.  If :math:`d_t = 0` the normalized step is skipped.

Baselines (same driver, same estimators):

* vanilla PG: :math:`\theta_{t+1} = \theta_t + \gamma_t\tilde\nabla J_H(\tau_t,\theta_t)`,
  :math:`\gamma_t = \gamma_0(t+1)^{-2/3}`, one trajectory per iteration — the schedule of the
  authors' code [C] (``sgd``: :math:`\gamma_0(2/(t+2))^{2/3}`); the batch schedule of Yuan et al. (2022)
  behind the paper's :math:`\tilde O(\varepsilon^{-3})` comparison was **not** read (see the report).
* normalized SGD with momentum (ablation without transport): :math:`\eta_t = (t+1)^{-2/3}`,
  :math:`\gamma_t = \gamma_0/(t+1)` (authors' code ``nsgdm``, theorem-style indexing).

Every runner advances ``n_seeds`` independent runs as one batch (NumPy reference or a Numba kernel
consuming the same pre-drawn noise, so both backends agree to rounding) and returns a
:class:`~pgtheory.results.Trace` of the exact expected suboptimality :math:`J^\star - J(\theta_t)`
against trajectories used.

References
----------
.. [1] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. Stochastic Policy Gradient Methods: Improved
   Sample Complexity for Fisher-non-degenerate Policies. ICML 2023, arXiv:2302.01734,
   Algorithm 1 and Theorem 1.
.. [2] A. Cutkosky, H. Mehta. Momentum improves normalized SGD. ICML 2020 (implicit gradient transport).
.. [3] R. Yuan, R. M. Gower, A. Lazaric. A general sample complexity analysis of vanilla policy
   gradient. AISTATS 2022, arXiv:2107.11433.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._jit import pick
from .._validate import check_positive, check_positive_int
from ..backend import resolve_backend
from ..bandits import CauchyContextualBandit
from ..errors import ShapeError, ValidationError
from ..estimators import (
    cauchy_bandit_grad_from_noise,
    cauchy_bandit_hvp_from_noise,
    cauchy_bandit_transform,
    cauchy_bandit_uniforms,
    lqr_factors,
    lqr_grad_from_noise,
    lqr_hvp_from_noise,
    lqr_noise,
)
from ..lqr import LQR
from ..mdp import TabularMDP
from ..results import Trace
from ._common import harpg_momentum, harpg_point
from .._math import softmax
from ..mdp import policy_evaluation
from ..oracles import as_oracle
from ..policies import policy_gradient
from .pg import optimal_reference
import warnings

__all__ = [
    "MethodSpec", "METHODS", "step_size", "momentum_weight",
    "igt_extrapolate", "momentum_update", "normalized_step", "ascent_step",
    "n_pg_igt", "vanilla_pg", "n_sgdm", "run_method", "default_horizon",
]


@dataclasses.dataclass(frozen=True)
class MethodSpec:
    r"""Schedule and update type of one method: :math:`\gamma_t = \gamma_0(t+1)^{-a}`,
    :math:`\eta_t = (t+1)^{-b}`.

    Attributes
    ----------
    name : str
    kind : int
        0 plain, 1 momentum, 2 IGT (Algorithm 1), 3 Hessian-aided recursive momentum (Algorithm 2).
    normalized : bool
        Whether the step is :math:`\gamma_t d_t/\|d_t\|`.
    step_exponent : float
        ``a``.
    momentum_exponent : float
        ``b`` (unused for ``kind = 0``).
    trajectories_per_iteration : int
    source : str
    """

    name: str
    kind: int
    normalized: bool
    step_exponent: float
    momentum_exponent: float
    trajectories_per_iteration: int
    source: str


METHODS = {
    "vanilla_pg": MethodSpec("vanilla_pg", 0, False, 2 / 3, 0.0, 1,
                             "authors' code schedule gamma0 (t+1)^(-2/3), batch 1 [C]"),
    "n_sgdm": MethodSpec("n_sgdm", 1, True, 1.0, 2 / 3, 1, "ablation: authors' code 'nsgdm' [C]"),
    "n_pg_igt": MethodSpec("n_pg_igt", 2, True, 1.0, 4 / 5, 1, "Algorithm 1, Theorem 1"),
    "harpg": MethodSpec("harpg", 3, False, 0.5, 1.0, 2, "Algorithm 2, Theorem 2 (HARPG)"),
    "n_harpg": MethodSpec("n_harpg", 3, True, 1.0, 1.0, 2, "Algorithm 2, Theorem 2 (N-HARPG)"),
}


# ---------------------------------------------------------------------------------------------
# small pure update functions (batched over any leading axes)
# ---------------------------------------------------------------------------------------------
def step_size(spec: MethodSpec, t, gamma0: float):
    r""":math:`\gamma_t = \gamma_0 (t+1)^{-a}`.

    Parameters
    ----------
    spec : MethodSpec
        Method (gives the exponent ``a``).
    t : int or array
        Iteration index (from 0).
    gamma0 : float
        Initial step size.

    Returns
    -------
    float or array
    """
    return gamma0 * (np.asarray(t, dtype=np.float64) + 1.0) ** (-spec.step_exponent)


def momentum_weight(spec: MethodSpec, t):
    r""":math:`\eta_t = (t+1)^{-b}` (so :math:`\eta_0 = 1`).

    Parameters
    ----------
    spec : MethodSpec
        Method (gives the exponent ``b``).
    t : int or array
        Iteration index (from 0).

    Returns
    -------
    float or array
    """
    return (np.asarray(t, dtype=np.float64) + 1.0) ** (-spec.momentum_exponent)


def igt_extrapolate(theta, theta_prev, eta):
    r"""Transported point :math:`\bar\theta = \theta + \frac{1-\eta}{\eta}(\theta - \theta_{prev})`.

    Parameters
    ----------
    theta, theta_prev : array (R, p)
        Current and previous iterates (one row per seed).
    eta : float
        Momentum weight in (0, 1].

    Returns
    -------
    array (R, p)
    """
    return theta + ((1.0 - eta) / eta) * (theta - theta_prev)


def momentum_update(d, g, eta):
    r""":math:`d^+ = (1-\eta)d + \eta g`.

    Parameters
    ----------
    d, g : array (R, p)
        Momentum and new gradient estimate.
    eta : float
        Momentum weight.

    Returns
    -------
    array (R, p)
    """
    return (1.0 - eta) * d + eta * g


def _rownorm(d):
    return np.sqrt(np.sum(d.reshape(d.shape[0], -1) ** 2, axis=1)).reshape((-1,) + (1,) * (d.ndim - 1))


def normalized_step(theta, d, step):
    r""":math:`\theta^+ = \theta + \gamma\,d/\|d\|` per row (no move where :math:`d = 0`); rows = seeds.

    Parameters
    ----------
    theta, d : array (R, ...)
        Iterates and directions (one row per seed).
    step : float
        Step size.

    Returns
    -------
    array (R, ...)
    """
    nrm = _rownorm(d)
    return theta + step * np.divide(d, nrm, out=np.zeros_like(d), where=nrm > 0)


def ascent_step(theta, d, step):
    r""":math:`\theta^+ = \theta + \gamma\,d`.

    Parameters
    ----------
    theta, d : array
        Iterates and directions.
    step : float
        Step size.

    Returns
    -------
    array
    """
    return theta + step * d


def default_horizon(gamma: float, T: int) -> int:
    r"""Horizon of Theorems 1-2: :math:`H = \lceil\log(T+1)/(1-\gamma)\rceil` (``1`` when ``gamma = 0``).

    Parameters
    ----------
    gamma : float
        Discount factor in [0, 1).
    T : int
        Number of iterations.

    Returns
    -------
    int
    """
    if gamma == 0.0:
        return 1
    return max(1, int(math.ceil(math.log(T + 1) / (1.0 - gamma))))


# ---------------------------------------------------------------------------------------------
# model adapters (bandit: H = 1; LQR: length-H rollouts, stabilizing safeguard)
# ---------------------------------------------------------------------------------------------
class _BanditAdapter:
    is_lqr = False

    def __init__(self, model):
        self.model = model
        self.p = model.dim
        self.H = 1

    def theta0(self):
        return np.zeros(self.p)

    def check_theta(self, theta0):
        return self.model.policy.check_theta(theta0, "theta0")

    def noise(self, rng, Tc, R, second):
        u1 = cauchy_bandit_uniforms(rng, (Tc, R))
        if second:
            q = rng.random((Tc, R))
            u2 = cauchy_bandit_uniforms(rng, (Tc, R))
        else:
            q, u2 = np.zeros((0, 0)), np.zeros((0, 0, 2))
        return u1, q, u2

    def grad(self, theta, k, n1):
        return cauchy_bandit_grad_from_noise(self.model, theta, *cauchy_bandit_transform(self.model, n1[k]))

    def hvp(self, theta, v, k, n2):
        return cauchy_bandit_hvp_from_noise(self.model, theta, v, *cauchy_bandit_transform(self.model, n2[k]))

    def accept(self, new):
        return np.ones(new.shape[0], dtype=bool)

    def suboptimality(self, theta):
        return self.model.suboptimality(theta)

    def grad_norm(self, theta):
        return np.linalg.norm(self.model.gradient(theta), axis=-1)

    def run_numba(self, spec, gamma0, t0, theta, theta_prev, d, rejected, n1, q, n2):
        from ._igt_kernels import bandit_chunk, bandit_chunk_serial  # lazy: numba kernels

        m = self.model
        kernel = pick(bandit_chunk, bandit_chunk_serial, theta.shape[0])  # one thread: no parallel compile
        kernel(spec.kind, spec.normalized, spec.step_exponent, spec.momentum_exponent, gamma0, t0,
               theta, theta_prev, d, m.features, m.targets, m.sigma, np.cumsum(m.context_probs), n1, q, n2)


class _LQRAdapter:
    is_lqr = True

    def __init__(self, model, H, rho_max):
        self.model = model
        self.p = model.m * model.n
        self.H = H
        self.rho_max = rho_max

        self.L0, self.LW = lqr_factors(model)

    def theta0(self):
        return np.zeros(self.p)

    def check_theta(self, theta0):
        K = self.model.check_gain(theta0, "theta0", stabilizing=True)
        if self.model.spectral_radius(K) >= self.rho_max:
            raise ValidationError(f"theta0 has rho(sqrt(gamma)(A-BK)) = {float(self.model.spectral_radius(K)):.4g} "
                                  f">= rho_max = {self.rho_max}. Fix: start from a gain inside the safeguard region.")
        return K.reshape(-1)

    def _K(self, theta):
        return theta.reshape(theta.shape[0], self.model.m, self.model.n)

    def noise(self, rng, Tc, R, second):
        n1 = lqr_noise(self.model, rng, (Tc, R), self.H)
        if second:
            q = rng.random((Tc, R))
            n2 = lqr_noise(self.model, rng, (Tc, R), self.H)
        else:
            q = np.zeros((0, 0))
            n2 = (np.zeros((0, 0, 0)), np.zeros((0, 0, 0, 0)), np.zeros((0, 0, 0, 0)))
        return n1, q, n2

    def grad(self, theta, k, n1):
        g = lqr_grad_from_noise(self.model, self._K(theta), n1[0][k], n1[1][k], n1[2][k])
        return g.reshape(theta.shape)

    def hvp(self, theta, v, k, n2):
        h = lqr_hvp_from_noise(self.model, self._K(theta), self._K(v), n2[0][k], n2[1][k], n2[2][k])
        return h.reshape(theta.shape)

    def accept(self, new):
        return self.model.spectral_radius(self._K(new)) < self.rho_max

    def suboptimality(self, theta):
        return self.model.suboptimality(self._K(theta))

    def grad_norm(self, theta):
        return np.linalg.norm(self.model.gradient(self._K(theta)).reshape(theta.shape[0], -1), axis=-1)

    def run_numba(self, spec, gamma0, t0, theta, theta_prev, d, rejected, n1, q, n2):
        from ._igt_kernels import lqr_chunk, lqr_chunk_serial  # lazy: numba kernels

        m = self.model
        kernel = pick(lqr_chunk, lqr_chunk_serial, theta.shape[0])  # one thread: no parallel compile
        kernel(spec.kind, spec.normalized, spec.step_exponent, spec.momentum_exponent, gamma0, t0,
               theta, theta_prev, d, rejected, m.A, m.B, m.Q, m.R, self.L0, self.LW, m.gamma, m.sigma,
               self.rho_max, n1[0], n1[1], n1[2], q, n2[0], n2[1], n2[2])


class _OracleAdapter:
    """Tabular MDP (or any problem) driven through a :mod:`pgtheory.oracles` oracle, one call per seed.

    No noise is pre-drawn: each seed owns a generator spawned from ``rng``, and the oracle (e.g. the
    sampled GPOMDP gradient and HVP of :class:`pgtheory.oracles.SampledOracle`, which run on their own
    backend) consumes it. Suboptimality and gradient norms are exact."""

    is_lqr = False

    def __init__(self, mdp, oracle):

        self.model = mdp
        self.oracle = as_oracle(oracle, mdp)
        self.shape = (mdp.S, mdp.A)
        self.p = mdp.S * mdp.A
        self.H = 0
        self.J_star = optimal_reference(mdp)["J_star"]
        self.rngs = []

    def theta0(self):
        return np.zeros(self.p)

    def check_theta(self, theta0):
        th = np.asarray(theta0, dtype=np.float64)
        if th.shape != self.shape:
            raise ShapeError(f"theta0 must have shape {self.shape}; got {th.shape}. Fix: one logit per (s, a).")
        return th.reshape(-1)

    def noise(self, rng, Tc, R, second):
        if len(self.rngs) != R:
            self.rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(int(rng.integers(2 ** 63))).spawn(R)]
        q = rng.random((Tc, R)) if second else np.zeros((0, 0))
        return np.empty((Tc, 0)), q, None

    def grad(self, theta, k, n1):
        return np.stack([np.asarray(self.oracle.gradient(th.reshape(self.shape), rng=g).mean).reshape(-1)
                         for th, g in zip(theta, self.rngs)])

    def hvp(self, theta, v, k, n2):
        return np.stack([np.asarray(self.oracle.hvp(th.reshape(self.shape), vv.reshape(self.shape), rng=g).mean)
                         .reshape(-1) for th, vv, g in zip(theta, v, self.rngs)])

    def accept(self, new):
        return np.ones(new.shape[0], dtype=bool)

    def _J(self, th):

        return float(self.model.rho @ policy_evaluation(self.model, softmax(th.reshape(self.shape), axis=-1),
                                                        validate=False).V)

    def suboptimality(self, theta):
        return np.array([self.J_star - self._J(th) for th in theta])

    def grad_norm(self, theta):

        return np.array([np.linalg.norm(policy_gradient(self.model, "softmax", th.reshape(self.shape)))
                         for th in theta])


def _adapter(model, H, rho_max, T, oracle=None):
    if isinstance(model, TabularMDP):
        return _OracleAdapter(model, oracle)
    if oracle is not None:
        raise ValidationError("oracle= is supported for TabularMDP problems; the Cauchy bandit and the LQR use their "
                              "pre-drawn-noise samplers (pgtheory.oracles.CauchyBanditOracle / LQROracle wrap them). "
                              "Fix: drop oracle=.")
    if isinstance(model, CauchyContextualBandit):
        return _BanditAdapter(model)
    if isinstance(model, LQR):
        H = default_horizon(model.gamma, T) if H is None else check_positive_int(H, "H")
        return _LQRAdapter(model, H, rho_max)
    raise ValidationError(f"model must be a TabularMDP, a CauchyContextualBandit or an LQR; got {type(model).__name__}. "
                          f"Fix: build one with pgtheory.bandits.make_cauchy_bandit() or pgtheory.lqr.make_lqr().")


def _numpy_chunk(ad, spec, gamma0, t0, theta, theta_prev, d, rejected, n1, q, n2):
    """NumPy reference of one chunk (same noise, same order as the Numba kernels); in place.

    Parameters
    ----------
    ad : _BanditAdapter or _LQRAdapter
        Model adapter (gradient, HVP, acceptance test).
    spec : MethodSpec
    gamma0 : float
        Initial step size.
    t0 : int
        Iteration index of the chunk's first step.
    theta, theta_prev, d : arrays (R, p)
        Iterate, previous iterate and direction, updated in place.
    rejected : array (R,)
        Rejected-step counts, incremented in place.
    n1, q, n2
        The chunk's noise from ``ad.noise`` (gradient draws, HARPG mixing uniforms, HVP draws).
    """
    Tc = n1.shape[0] if isinstance(n1, np.ndarray) else n1[1].shape[0]
    for k in range(Tc):
        t = t0 + k
        eta = momentum_weight(spec, t)
        gam = step_size(spec, t, gamma0)
        if spec.kind == 2:
            g = ad.grad(igt_extrapolate(theta, theta_prev, eta), k, n1)
        else:
            g = ad.grad(theta, k, n1)
        if spec.kind == 0:
            d[...] = g
        elif spec.kind in (1, 2):
            d[...] = momentum_update(d, g, eta)
        else:
            qq = q[k][:, None]
            v = ad.hvp(harpg_point(theta, theta_prev, qq), theta - theta_prev, k, n2)
            d[...] = harpg_momentum(d, v, g, eta)
        new = normalized_step(theta, d, gam) if spec.normalized else ascent_step(theta, d, gam)
        ok = ad.accept(new)
        rejected += ~ok
        theta_prev[...] = theta
        theta[ok] = new[ok]


def _record_iterations(T: int, n_records: int) -> np.ndarray:
    pts = np.unique(np.round(np.logspace(0, np.log10(T), n_records)).astype(np.int64))
    return np.concatenate([[0], pts[pts <= T]])


def run_method(model, method: str, n_trajectories: int | None = None, eta: float | None = None, *,
               n_seeds: int = 1, rng=None, theta0=None, n_records: int = 40, H: int | None = None,
               backend: str = "numba", rho_max: float = 0.999, max_chunk: int | None = None, oracle=None,
               n_iter: int | None = None, gamma0: float | None = None) -> Trace:
    r"""Run one method of Fatkhullin et al. (2023) on ``n_seeds`` independent seeds as a batch.

    Parameters
    ----------
    model : CauchyContextualBandit, LQR or TabularMDP
        A TabularMDP (softmax policy) is driven through ``oracle``.
    method : {"n_pg_igt", "harpg", "n_harpg", "vanilla_pg", "n_sgdm"}
    n_trajectories : int, optional
        Trajectory budget ``N``; iterations ``T = N // trajectories_per_iteration`` (with an oracle on a
        TabularMDP: oracle calls; each call uses the oracle's ``n`` trajectories). Or give ``n_iter``.
    eta : float > 0
        Initial step size :math:`\gamma_0`; :math:`\gamma_t = \gamma_0 (t+1)^{-a}` (:data:`METHODS`).
        The one step-size keyword of :mod:`pgtheory.algorithms` (the paper calls it :math:`\gamma_0`;
        ``gamma0=`` still works and warns :class:`DeprecationWarning`).
    n_seeds : int
        Independent runs, advanced together (one kernel call per chunk).
    rng : Generator or int seed
        Source of all noise (drawn in chunks, shared by both backends).
    theta0 : array, optional
        Start (``(d,)`` for the bandit, ``(m, n)`` gain for LQR); default zeros.
    n_records : int
        Number of log-spaced record points.
    H : int, optional
        LQR rollout length; default :func:`default_horizon` ``(gamma, T)`` (Theorems 1-2).
    backend : {"numba", "numpy", "auto"} or None
        Driver of the pre-drawn-noise loop (the bandit and LQR): the Numba kernel or its NumPy
        reference (same noise, agreement to rounding). ``"auto"`` / ``None``: Numba when installed
        (:func:`pgtheory.backend.resolve_backend`).
    rho_max : float
        LQR safeguard: steps to gains with :math:`\rho(\sqrt\gamma(A-BK)) \ge` ``rho_max`` are rejected
        and counted (``Trace.metrics["rejected"]``).
    max_chunk : int, optional
        Iterations per noise chunk; default keeps each chunk's noise near 4 MB (cache-friendly).
    oracle : None or oracle of :mod:`pgtheory.oracles`
        TabularMDP only: the gradient (and, for HARPG, Hessian-vector) oracle, default
        :class:`~pgtheory.oracles.ExactOracle`; e.g. :class:`~pgtheory.oracles.SampledOracle` with
        ``n``, ``estimator="gpomdp"`` and ``backend`` (the ``backend`` argument here then only selects
        the driver loop, always NumPy for oracles).
    n_iter : int, optional
        Iterations ``T`` instead of ``n_trajectories``.
    gamma0 : float, optional
        Deprecated alias of ``eta``.

    Returns
    -------
    Trace
        ``samples`` = trajectories used; metrics ``"suboptimality"`` (mean over seeds of
        :math:`J^\star - J(\theta_t)`, shape (K,)), ``"suboptimality_by_seed"`` (n_seeds, K),
        ``"grad_norm"`` (mean exact :math:`\|\nabla J\|`), ``"rejected"`` (mean rejected steps so far);
        ``final = {"theta": (n_seeds, p), "rejected_by_seed": (n_seeds,)}``.

    References
    ----------
    Fatkhullin et al., ICML 2023, arXiv:2302.01734, Algorithms 1-2, Theorems 1-2.
    """
    if method not in METHODS:
        raise ValidationError(f"unknown method {method!r}. Fix: use one of {sorted(METHODS)}.")
    spec = METHODS[method]
    if gamma0 is not None:

        warnings.warn("gamma0= is deprecated; the initial step size is eta= (positional 4th argument) in every "
                      "algorithm of pgtheory.algorithms.", DeprecationWarning, stacklevel=3)
        if eta is not None:
            raise ValidationError("pass the initial step size once: eta= (gamma0= is its deprecated alias).")
        eta = gamma0
    if eta is None:
        raise ValidationError("the initial step size eta is required. Fix: pass eta=... (the paper's gamma_0).")
    gamma0 = check_positive(eta, "eta (the initial step gamma0)", step=True)
    if n_iter is not None:
        if n_trajectories is not None:
            raise ValidationError("pass either n_trajectories or n_iter, not both.")
        n_trajectories = check_positive_int(n_iter, "n_iter") * spec.trajectories_per_iteration
    if n_trajectories is None:
        raise ValidationError("the budget is required. Fix: pass n_trajectories=... or n_iter=....")
    N = check_positive_int(n_trajectories, "n_trajectories", minimum=spec.trajectories_per_iteration)
    R = check_positive_int(n_seeds, "n_seeds")
    check_positive_int(n_records, "n_records", minimum=2)
    if backend is None or backend == "auto":  # the one meaning of "auto" (pgtheory.backend): numba when installed
        backend = resolve_backend(backend, allowed=("numba", "numpy"))
    if backend not in ("numba", "numpy"):
        raise ValidationError(f"backend must be 'auto', 'numba' or 'numpy'; got {backend!r}.")
    if not (0 < rho_max <= 1):
        raise ValidationError(f"rho_max must lie in (0, 1]; got {rho_max!r}.")
    T = N // spec.trajectories_per_iteration
    ad = _adapter(model, H, rho_max, T, oracle)
    th0 = ad.theta0() if theta0 is None else ad.check_theta(theta0)
    if th0.shape != (ad.p,):
        raise ShapeError(f"theta0 must have {ad.p} entries; got shape {np.shape(theta0)}.")
    rng = np.random.default_rng(rng)
    theta = np.tile(th0, (R, 1))
    theta_prev = theta.copy()
    d = np.zeros_like(theta)
    rejected = np.zeros(R, dtype=np.int64)
    if max_chunk is None:
        per_iter = R * (2 if not ad.is_lqr else ad.H * (model.m + model.n) + model.n) * (2 if spec.kind == 3 else 1)
        max_chunk = max(1, int(5e5 // per_iter))
    rec = _record_iterations(T, n_records)
    sub = np.empty((R, rec.size))
    gn = np.empty(rec.size)
    rej = np.empty(rec.size)
    sub[:, 0] = ad.suboptimality(theta)
    gn[0] = ad.grad_norm(theta).mean()
    rej[0] = 0.0
    second = spec.kind == 3
    chunk_fn = _numpy_chunk if (backend == "numpy" or isinstance(ad, _OracleAdapter)) else None
    t = 0
    for i in range(1, rec.size):
        while t < rec[i]:
            Tc = int(min(max_chunk, rec[i] - t))
            n1, q, n2 = ad.noise(rng, Tc, R, second)
            if chunk_fn is None:
                ad.run_numba(spec, gamma0, t, theta, theta_prev, d, rejected, n1, q, n2)
            else:
                chunk_fn(ad, spec, gamma0, t, theta, theta_prev, d, rejected, n1, q, n2)
            t += Tc
        sub[:, i] = ad.suboptimality(theta)
        gn[i] = ad.grad_norm(theta).mean()
        rej[i] = rejected.mean()
    params = dict(method=method, gamma0=gamma0, n_seeds=R, n_trajectories=N, iterations=T,
                  step_exponent=spec.step_exponent, momentum_exponent=spec.momentum_exponent,
                  normalized=spec.normalized, trajectories_per_iteration=spec.trajectories_per_iteration,
                  H=ad.H, backend=backend, source=spec.source)
    if ad.is_lqr:
        params["rho_max"] = rho_max
    per_call = 1
    if isinstance(ad, _OracleAdapter):
        per_call = int(getattr(ad.oracle, "n", 1))
        params.update(oracle=type(ad.oracle).__name__, trajectories_per_call=per_call, backend="numpy driver",
                      oracle_backend=getattr(ad.oracle, "backend", "exact"))
    return Trace(iterations=rec, samples=rec * spec.trajectories_per_iteration * per_call,
                 metrics={"suboptimality": sub.mean(axis=0), "suboptimality_by_seed": sub,
                          "grad_norm": gn, "rejected": rej},
                 algorithm=method, params=params, sample_unit="trajectories",
                 final={"theta": theta, "rejected_by_seed": rejected})


_METHOD_DOC = r"""{summary}

    Parameters
    ----------
    model : CauchyContextualBandit, LQR or TabularMDP
    n_trajectories : int, optional
        Trajectory budget ({per_iteration} per iteration; or ``n_iter=`` iterations).
    eta : float
        Initial step size :math:`\gamma_0` (``gamma0=`` is a deprecated alias).
    **kw
        Keywords of :func:`pgtheory.algorithms.igt.run_method` (``oracle``, ``n_iter``, ``n_seeds``, ``rng``,
        ``theta0``, ``H``, ``backend``, ...).

    Returns
    -------
    Trace

    References
    ----------
    {references}
    """


def _method_function(method: str, module: str, summary: str, references: str):
    """Public runner ``method(model, n_trajectories, gamma0, **kw)`` for one entry of :data:`METHODS`.

    The named algorithms (:func:`n_pg_igt`, :func:`pgtheory.algorithms.harpg.harpg`, ...) differ only
    in the :class:`MethodSpec` that :func:`run_method` looks up, so they are built here from one body
    and one docstring template instead of being written out five times.

    Parameters
    ----------
    method : str
        Key of :data:`METHODS`; also the function's ``__name__``.
    module : str
        ``__module__`` of the function (the module that exports it).
    summary : str
        First paragraph of the docstring (schedules, with math).
    references : str
        Text of the References section.

    Returns
    -------
    callable
        ``(model, n_trajectories: int, gamma0: float, **kw) -> Trace``, calling :func:`run_method`.
    """
    words = {1: "one", 2: "two"}[METHODS[method].trajectories_per_iteration]

    def runner(model, n_trajectories: int | None = None, eta: float | None = None, **kw) -> Trace:
        return run_method(model, method, n_trajectories, eta, **kw)

    runner.__name__ = runner.__qualname__ = method
    runner.__module__ = module
    runner.__doc__ = _METHOD_DOC.format(summary=summary, per_iteration=words, references=references)
    return runner


n_pg_igt = _method_function(
    "n_pg_igt", __name__,
    r"""N-PG-IGT, Algorithm 1 of Fatkhullin et al. (2023): :math:`\eta_t=(t+1)^{-4/5}`,
    :math:`\gamma_t=\gamma_0/(t+1)`, one trajectory per iteration (see module docstring; keywords of
    :func:`run_method`).""",
    "Fatkhullin et al., ICML 2023, arXiv:2302.01734, Algorithm 1, Theorem 1.")

vanilla_pg = _method_function(
    "vanilla_pg", __name__,
    r"""Vanilla stochastic PG, :math:`\gamma_t = \gamma_0(t+1)^{-2/3}`, one trajectory per iteration.""",
    """Yuan, Gower, Lazaric, AISTATS 2022, arXiv:2107.11433 (the comparison rate); schedule from the
    code of Fatkhullin et al. 2023.""")

n_sgdm = _method_function(
    "n_sgdm", __name__,
    r"""Normalized SGD with momentum (IGT without transport; ablation), :math:`\eta_t = (t+1)^{-2/3}`,
    :math:`\gamma_t = \gamma_0/(t+1)`.""",
    "Cutkosky & Mehta, ICML 2020; used as ``nsgdm`` in the code of Fatkhullin et al. 2023.")


n_pg_igt.__citation__ = ("fatkhullin2023.thm1",)
vanilla_pg.__citation__ = ("fatkhullin2023.vanilla_pg", "fatkhullin2023.thm1")
n_sgdm.__citation__ = ("fatkhullin2023.thm1",)
run_method.__citation__ = ("fatkhullin2023.thm1", "fatkhullin2023.thm2_harpg", "fatkhullin2023.vanilla_pg")
