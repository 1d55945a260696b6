r"""HAC / HNPG: hybrid (offline + on-policy) actor-critic of Zhou, Sekhari, Song and Sun (2023).

Module name: ``hnpg`` (``pgtheory/algorithms/`` names modules by algorithm family -- ``pg``,
``npg``, ``harpg``, ``igt`` -- not by paper; the bounds and checks use the paper key
``zhou2023``).

Setting (paper Sec. 3). Discounted tabular MDP, rewards in [0, 1]. Exact quantities use a
**state** reset :math:`\rho` with :math:`a_0\sim\pi`, so
:math:`d^\pi(s,a) = (1-\gamma)\rho^\top(I-\gamma P_\pi)^{-1}\otimes\pi` and the
performance-difference lemma is exact (the paper's Lemma 1 is stated with a state-action reset
:math:`\mu_0`, for which the step-0 term does not vanish in general). The Bellman operator is
:math:`T^\pi f(s,a) = r(s,a) + \gamma\,\mathbb E_{s'\sim P(s,a),a'\sim\pi(s')} f(s',a')`.

Algorithms implemented (paper numbering):

* **Algorithm 2, HPE** (hybrid fitted policy evaluation), eq. (1):
  :math:`f_k\in\arg\min_f \hat{\mathbb E}_{D_{off}}[(f(s,a)-r-\gamma f_{k-1}(s',\pi(s')))^2]
  + \lambda\hat{\mathbb E}_{D_{on}}[(f(s,a)-y)^2]`, output :math:`\bar f = \frac1{K_2-K_1}\sum_{k>K_1} f_k`.
  For the tabular (complete) class the minimiser is per pair (closed form, :func:`hpe_population`
  in expectation, :func:`hac` with samples); for a linear class with :math:`Q^\pi` added
  (complete only approximately) a weighted least-squares solve (:func:`hpe_linear`).
* **Algorithm 1, HAC**: :math:`\pi^{t+1}(a|s)\propto\pi^t(a|s)\exp(\eta f^t(s,a))`,
  :math:`\eta=(1-\gamma)\sqrt{\log A/T}`, :math:`\pi^1` uniform (:func:`hac_exact` with
  :math:`f^t=Q^{\pi_t}`, :func:`hac` with sampled HPE).
* **Algorithm 3, HNPG** for tabular softmax :math:`\pi_\theta`: the compatible regression
  (eq. 2 / 29) :math:`w^t\in\arg\min_w \mathbb E_\nu[(w^\top\phi^t-\bar f^t)^2] +
  \lambda\mathbb E_{d^{\pi}}[(w^\top\phi^t-\bar f^t)^2]`, :math:`\theta^{t+1}=\theta^t+\eta w^t`
  (:func:`hnpg_population`, population weights, exact critic; the regression in closed form,
  :func:`compatible_regression`).
* **Algorithms 4-5, practical HNPG** (App. E.3, finite horizon, one critic and one softmax policy
  per step): FHPE backwards in ``h`` (eq. 49, :func:`fhpe_population`), the per-step compatible
  regression (eq. 48) by damped conjugate gradients and a TRPO line search for the step (eq. 50,
  :func:`trpo_line_search`); exact (:func:`hnpg_practical_exact`, population losses) and sampled
  (:func:`hnpg_practical`, Monte-Carlo reward-to-go targets and offline tuples per step). Where the
  paper is silent (CG steps, backtracking factor, acceptance ratio) the authors' code is followed
  and said so.

Samplers: on-policy pairs :math:`(s,a)\sim d^\pi` come from a small vectorised geometric-rollout
sampler here (the estimator engine has no "draw the stopping pair" mode); the unbiased
Monte-Carlo targets :math:`y` (roll from :math:`(s,a)`, stop w.p. :math:`1-\gamma` per step,
undiscounted sum) go through the estimator engine :mod:`pgtheory.estimators` (numba by
default); offline tuples :math:`(s,a,r,s')` with :math:`(s,a)\sim\nu` are drawn here (the engine
has no offline-tuple sampler). The pair sampler and, with ``backend="numpy"``, the engine's NumPy
rollouts are replayed by numba kernels (:mod:`._hnpg_kernels`) that read the generator's uniforms in
the order the NumPy code draws them: the same samples bit for bit, a fraction of the time (the NumPy
loops stay as the reference and the fallback).

References
----------
Y. Zhou, A. Sekhari, Y. Song, W. Sun (2023). Offline Data Enhanced On-Policy Policy Gradient with
Provable Guarantees. arXiv:2311.08384. Algorithms 1-5, eq. (1), (2), (48)-(50), Lemma 5, Lemma 6,
Theorem 1 (eq. 22-25), Appendix E.1 (combination lock), E.3 and Table 1 (practical HNPG). Authors' code:
github.com/YifeiZhou02/HNPG (``trpo.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import time

import numpy as np

from .._math import log_softmax, log_softmax_finite
from .._validate import as_float_array, check_distribution, check_positive_int
from ..backend import resolve_backend
from ..errors import InvalidStepSizeError, ShapeError, ValidationError
from ..estimators import rollout_returns
from ..mdp import (FiniteHorizonMDP, PolicySystem, TabularMDP, backward_induction, check_policy,
                   finite_horizon_evaluation, finite_horizon_occupancy, policy_evaluation, state_occupancy)
from ..results import ResultMixin, Trace
from .pg import _Evaluator, optimal_reference, record_schedule

__all__ = ["HybridCombLock", "hybrid_combination_lock", "bellman_operator", "bellman_error", "hpe_population",
           "hpe_linear", "hac_exact", "hac_exact_grid", "hac", "hnpg_population", "compatible_regression",
           "offline_concentrability", "npg_coverage", "bellman_transfer_coefficient", "sample_occupancy_pairs",
           "sample_offline_tuples", "check_offline_data", "LineSearchStep", "trpo_line_search", "check_offline_steps",
           "fhpe_population", "hnpg_practical_exact", "hnpg_practical", "sample_finite_horizon_episodes"]

_CITE = ("zhou2023.thm1_exact_critic",)


# --------------------------------------------------------------------------- validation helpers
def _check_mdp(mdp):

    if not isinstance(mdp, TabularMDP) or mdp.is_sparse:
        raise ValidationError(f"mdp must be a dense TabularMDP; got {type(mdp).__name__}.")
    return mdp


def _check_lam(lam, name: str = "lam") -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not math.isfinite(lam) or lam <= 0:
        raise ValidationError(f"{name} must be a finite real number > 0 (the weight of the on-policy loss in "
                              f"eq. (1); the paper uses lam in [1, T]); got {lam!r}.")
    return float(lam)


def _check_pi(mdp, pi, name="pi"):

    return check_policy(mdp, pi, name)


def _check_nu(mdp, nu, name="nu"):
    nu = as_float_array(nu, name, ndim=2)
    if nu.shape != (mdp.S, mdp.A):
        raise ShapeError(f"{name} must have shape (S, A) = {(mdp.S, mdp.A)}; got {nu.shape}. "
                         f"Fix: pass the offline state-action distribution nu[s, a].")
    return check_distribution(nu.reshape(-1), name).reshape(mdp.S, mdp.A)


def check_offline_data(mdp, data, name: str = "offline_data"):
    r"""Validate offline tuples :math:`(s, a, r, s')` against ``mdp``.

    Parameters
    ----------
    mdp : TabularMDP
        The model (gives ``S``, ``A``).
    data : tuple of 4 arrays
        ``(s, a, r, s_next)``, equal lengths; ``s, s_next`` in ``0..S-1``, ``a`` in ``0..A-1``,
        ``r`` finite.
    name : str
        Argument name used in error messages.

    Returns
    -------
    tuple of arrays
        ``(s, a, r, s_next)`` as int64, int64, float64, int64.

    Raises
    ------
    pgtheory.errors.ValidationError
        A state outside ``S``, an action outside ``A``, a non-finite reward, or unequal lengths.
    """
    try:
        s, a, r, s2 = data
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a tuple (s, a, r, s_next) of equal-length arrays.") from None
    s, a, s2 = (np.asarray(x) for x in (s, a, s2))
    r = np.asarray(r, dtype=np.float64)
    if not (s.shape == a.shape == r.shape == s2.shape) or s.ndim != 1:
        raise ShapeError(f"{name}: s, a, r, s_next must be 1-d arrays of equal length; got shapes "
                         f"{s.shape}, {a.shape}, {r.shape}, {s2.shape}.")
    for arr, what, hi in ((s, "states", mdp.S), (s2, "next states", mdp.S), (a, "actions", mdp.A)):
        if arr.size and (not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0 or arr.max() >= hi):
            raise ValidationError(f"{name} has {what} outside 0..{hi - 1} (found range "
                                  f"[{arr.min()}, {arr.max()}], dtype {arr.dtype}). Fix: pass integer indices of "
                                  f"this MDP's {'actions' if what == 'actions' else 'states'}.")
    if not np.all(np.isfinite(r)):
        raise ValidationError(f"{name} has non-finite rewards.")
    return s.astype(np.int64), a.astype(np.int64), r, s2.astype(np.int64)


# --------------------------------------------------------------------------- the paper's combination lock
@dataclasses.dataclass(frozen=True, eq=False)
class HybridCombLock:
    """The combination lock of Zhou et al. (2023), App. E.1, as an exact discounted tabular MDP.

    Attributes
    ----------
    mdp : TabularMDP
        States: layer ``h`` has good states ``3h`` (g1), ``3h+1`` (g2) and the dead state ``3h+2``;
        ``3H`` is an absorbing end state. Start: uniform over the two good states of layer 0.
    H, A : int
        Horizon (layers) and number of actions.
    good_action : array of int, shape (H, 2)
        The good action of g1_h and g2_h.
    pi_star : array, shape (S, A)
        The optimal policy: the good action in good states, uniform in dead and end states (where
        every action is optimal; uniform there makes the occupancy ratios against the
        epsilon-greedy data exactly :math:`(1-\varepsilon)^{-H}`).
    """

    mdp: object
    H: int
    A: int
    good_action: np.ndarray
    pi_star: np.ndarray

    def eps_greedy(self, eps: float) -> np.ndarray:
        """The behaviour policy of the paper's offline data: good action w.p. ``1 - eps``, else uniform
        over the other actions (so the good action has probability exactly ``1 - eps``); uniform in
        dead/end states.

        Parameters
        ----------
        eps : float
            Exploration rate in [0, 1] (the paper: ``1/H``).

        Returns
        -------
        array, shape (S, A)
        """
        if not (0.0 <= float(eps) <= 1.0):
            raise ValidationError(f"eps must be in [0, 1]; got {eps!r}.")
        S, A = self.mdp.S, self.A
        pi = np.full((S, A), 1.0 / A)
        for h in range(self.H):
            for j in range(2):
                row = np.full(A, eps / (A - 1) if A > 1 else 0.0)
                row[self.good_action[h, j]] = 1.0 - eps if A > 1 else 1.0
                pi[3 * h + j] = row
        return pi


def hybrid_combination_lock(H: int, A: int = 10, gamma: float = 0.95, seed=None, anti_reward: float = 0.1,
                            anti_prob: float = 0.5) -> HybridCombLock:
    r"""The combination lock of Zhou et al. (2023, App. E.1), tabular (latent-state) version.

    Layers ``h = 0..H-1`` with states g1_h, g2_h, dead_h. In a good state the good action (drawn by
    ``seed``, one per good state) moves to g1_{h+1} or g2_{h+1} w.p. 1/2 (at the last layer: to the
    end state with reward 1); any other action moves to dead_{h+1} (end after the last layer) with
    the anti-shaped reward ``anti_reward`` w.p. ``anti_prob`` (expected reward stored). Dead states
    are absorbing in the dead chain with reward 0. Start: uniform over g1_0, g2_0 (the paper does
    not state the initial distribution; our choice).

    So :math:`V^*(\rho)=\gamma^{H-1}` (undiscounted: 1), and a uniform policy collects the reward
    1 w.p. :math:`A^{-H}`.

    Parameters
    ----------
    H : int
        Number of layers (>= 1).
    A : int
        Number of actions (>= 2; the paper uses 10).
    gamma : float
        Discount factor.
    seed : int or Generator, optional
        Draws the good actions.
    anti_reward, anti_prob : float
        The anti-shaped reward of a wrong action and its probability.

    Returns
    -------
    HybridCombLock
    """

    H = check_positive_int(H, "H")
    A = check_positive_int(A, "A", minimum=2)
    rng = np.random.default_rng(seed)
    good = rng.integers(0, A, size=(H, 2))
    S = 3 * H + 1
    end = 3 * H
    P = np.zeros((S, A, S))
    r = np.zeros((S, A))
    for h in range(H):
        nxt_good = [3 * (h + 1), 3 * (h + 1) + 1] if h < H - 1 else [end]
        nxt_dead = 3 * (h + 1) + 2 if h < H - 1 else end
        for j in range(2):
            s = 3 * h + j
            P[s, :, nxt_dead] = 1.0
            r[s, :] = anti_reward * anti_prob
            a = good[h, j]
            P[s, a, nxt_dead] = 0.0
            r[s, a] = 1.0 if h == H - 1 else 0.0
            for g in nxt_good:
                P[s, a, g] += 1.0 / len(nxt_good)
        P[3 * h + 2, :, nxt_dead] = 1.0
    P[end, :, end] = 1.0
    rho = np.zeros(S)
    rho[0] = rho[1] = 0.5
    mdp = TabularMDP(P, r, gamma, rho)
    pi_star = np.full((S, A), 1.0 / A)  # every action is optimal in dead and end states
    for h in range(H):
        for j in range(2):
            pi_star[3 * h + j] = 0.0
            pi_star[3 * h + j, good[h, j]] = 1.0
    return HybridCombLock(mdp=mdp, H=H, A=A, good_action=good, pi_star=pi_star)


# --------------------------------------------------------------------------- exact Bellman quantities
def bellman_operator(mdp, pi, f) -> np.ndarray:
    r""":math:`T^\pi f(s,a) = r(s,a) + \gamma\sum_{s'}P(s'|s,a)\sum_{a'}\pi(a'|s')f(s',a')` (paper Sec. 3).

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    f : array, shape (S, A)

    Returns
    -------
    array, shape (S, A)
    """
    f = np.asarray(f, dtype=np.float64)
    return mdp.r + mdp.gamma * mdp.expect_next(np.einsum("sa,sa->s", np.asarray(pi), f))


def bellman_error(mdp, pi, f, weights) -> float:
    r"""Weighted squared Bellman residual :math:`\mathbb E_{w}[(f - T^\pi f)^2]`.

    Parameters
    ----------
    mdp : TabularMDP
    pi, f : array, shape (S, A)
    weights : array, shape (S, A)
        A distribution over pairs (e.g. :math:`\nu` or :math:`d^\pi`).

    Returns
    -------
    float
    """
    return float(np.sum(np.asarray(weights) * (np.asarray(f) - bellman_operator(mdp, pi, f)) ** 2))


def _occ(mdp, pi, rho=None):

    return state_occupancy(mdp, pi, rho, validate=False)[:, None] * pi


def _ratio_sup(num, den) -> float:
    pos = num > 0
    if np.any(pos & (den <= 0)):
        return float("inf")
    return float(np.max(np.where(pos, num / np.where(den > 0, den, 1.0), 0.0)))


def offline_concentrability(mdp, pi_e, nu, rho=None) -> float:
    r"""Definition 4 of the paper: :math:`\bar C_{off,\pi^e} = \sup_{s,a} d^{\pi^e}(s,a)/\nu(s,a)` (exact).

    Parameters
    ----------
    mdp : TabularMDP
    pi_e : array, shape (S, A)
        Comparator policy (usually :math:`\pi^*`).
    nu : array, shape (S, A)
        Offline distribution.
    rho : array, shape (S,), optional
        State reset (default ``mdp.rho``).

    Returns
    -------
    float
        ``inf`` when :math:`\nu` misses a pair that :math:`\pi^e` visits.
    """
    mdp = _check_mdp(mdp)
    return _ratio_sup(_occ(mdp, _check_pi(mdp, pi_e, "pi_e"), rho), _check_nu(mdp, nu))


def npg_coverage(mdp, pi_e, policies, rho=None) -> float:
    r"""Lower bound on Definition 2's :math:`C_{npg,\pi^e}\ge\|d^{\pi^e}/d^\pi\|_\infty`: the maximum over ``policies``.

    Parameters
    ----------
    mdp : TabularMDP
    pi_e : array, shape (S, A)
    policies : iterable of arrays (S, A)
        Policies along a run (the definition takes the sup over every policy).
    rho : array, shape (S,), optional

    Returns
    -------
    float
    """
    mdp = _check_mdp(mdp)
    de = _occ(mdp, _check_pi(mdp, pi_e, "pi_e"), rho)
    return max(_ratio_sup(de, _occ(mdp, np.asarray(p, dtype=np.float64), rho)) for p in policies)


def bellman_transfer_coefficient(mdp, pi_e, nu, pi, fs, rho=None) -> float:
    r"""Definition 3 restricted to the given critics and one policy:
    :math:`\max\{0,\max_{f} \mathbb E_{d^{\pi^e}}[T^\pi f - f]/\sqrt{\mathbb E_\nu[(T^\pi f-f)^2]}\}`
    (a lower bound on :math:`C_{off,\pi^e}`, which takes the sup over all :math:`\pi` and :math:`f\in F`).

    Parameters
    ----------
    mdp : TabularMDP
    pi_e, pi : array, shape (S, A)
    nu : array, shape (S, A)
    fs : iterable of arrays (S, A)
    rho : array, shape (S,), optional

    Returns
    -------
    float
    """
    mdp = _check_mdp(mdp)
    de = _occ(mdp, _check_pi(mdp, pi_e, "pi_e"), rho)
    nu = _check_nu(mdp, nu)
    best = 0.0
    for f in fs:
        g = bellman_operator(mdp, pi, f) - np.asarray(f)
        den = math.sqrt(float(np.sum(nu * g ** 2)))
        num = float(np.sum(de * g))
        if den > 0:
            best = max(best, num / den)
        elif num > 0:
            return float("inf")
    return best


# --------------------------------------------------------------------------- HPE in expectation
def hpe_population(mdp, pi, nu, lam: float, n_iter: int, *, f0=None, K1: int | None = None, rho=None) -> Trace:
    r"""HPE (Algorithm 2) in expectation for the complete tabular class (:math:`\varepsilon_{stat}=0`).

    The population version of eq. (1) is minimised per pair:

    .. math::

        f_k(s,a) = \frac{\nu(s,a)\,(T^\pi f_{k-1})(s,a) + \lambda d^\pi(s,a)Q^\pi(s,a)}
                        {\nu(s,a) + \lambda d^\pi(s,a)}

    (pairs with :math:`\nu + \lambda d^\pi = 0` keep :math:`f_{k-1}`). Lemma 5's proof shows
    :math:`\mathbb E_{d^\pi}(f_k-Q^\pi)^2\le\gamma\,\mathbb E_{d^\pi}(f_{k-1}-Q^\pi)^2` here (no
    Bellman or statistical error).

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    nu : array, shape (S, A)
        Offline distribution.
    lam : float
        Weight of the on-policy loss (> 0).
    n_iter : int
        Iterations ``K2``.
    f0 : array, shape (S, A), optional
        Start (default 0).
    K1 : int, optional
        Burn-in of the average :math:`\bar f` (default ``n_iter // 2``).
    rho : array, shape (S,), optional
        State reset of :math:`d^\pi` (default ``mdp.rho``).

    Returns
    -------
    Trace
        metrics ``"on_policy_error"`` :math:`\mathbb E_{d^\pi}(f_k-Q^\pi)^2` and ``"offline_residual"``
        :math:`\mathbb E_\nu(f_k-T^\pi f_k)^2` for ``k = 0..n_iter``; ``final``: ``f``, ``f_bar``, ``Q``, ``d``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 2, eq. (1), proof of Lemma 5.
    """

    mdp = _check_mdp(mdp)
    pi = _check_pi(mdp, pi)
    nu = _check_nu(mdp, nu)
    lam = _check_lam(lam)
    n_iter = check_positive_int(n_iter, "n_iter")
    K1 = n_iter // 2 if K1 is None else check_positive_int(K1, "K1", minimum=0)
    if K1 >= n_iter:
        raise ValidationError(f"K1 must be < n_iter (= K2); got K1={K1}, n_iter={n_iter}.")
    Q = policy_evaluation(mdp, pi, validate=False).Q
    d = _occ(mdp, pi, rho)
    f = np.zeros_like(Q) if f0 is None else as_float_array(f0, "f0", ndim=2).copy()
    den = nu + lam * d
    pos = den > 0
    on, off = np.empty(n_iter + 1), np.empty(n_iter + 1)
    fsum = np.zeros_like(Q)
    for k in range(n_iter + 1):
        on[k] = float(np.sum(d * (f - Q) ** 2))
        off[k] = bellman_error(mdp, pi, f, nu)
        if k > K1:
            fsum += f
        if k < n_iter:
            f = np.where(pos, (nu * bellman_operator(mdp, pi, f) + lam * d * Q) / np.where(pos, den, 1.0), f)
    f_bar = fsum / (n_iter - K1)
    it = np.arange(n_iter + 1)
    return Trace(iterations=it, samples=np.zeros(n_iter + 1, dtype=np.int64),
                 metrics={"on_policy_error": on, "offline_residual": off}, algorithm="hpe_population",
                 params={"lam": lam, "K1": K1, "K2": n_iter, "gamma": mdp.gamma}, sample_unit="none (expectations)",
                 final={"f": f, "f_bar": f_bar, "Q": Q, "d": d})


hpe_population.__citation__ = ("zhou2023.lemma5_on",)


def _linf_fit(X, g):
    """min_x ||X x - g||_inf by linear programming (HiGHS); returns the optimal value.

    The last few results are kept by the bytes of ``(X, g)``: the same LP (e.g. the first iterate's,
    ``T^pi 0 = r``, in every run of a sweep over lam with one class) is solved once, and a repeated
    solve of an identical LP returns the identical value anyway."""
    X = np.asarray(X, dtype=np.float64)
    return _linf_fit_cached(X.shape, X.tobytes(), np.asarray(g, dtype=np.float64).tobytes())


@functools.lru_cache(maxsize=64)
def _linf_fit_cached(shape, X_bytes, g_bytes):
    return _linf_fit_solve(np.frombuffer(X_bytes).reshape(shape), np.frombuffer(g_bytes))


def _linf_fit_solve(X, g):
    from scipy.optimize import linprog  # lazy: scipy.optimize costs ~0.1 s to import

    n, k = X.shape
    c = np.zeros(k + 1)
    c[-1] = 1.0
    ones = np.ones((n, 1))
    A_ub = np.vstack([np.hstack([X, -ones]), np.hstack([-X, -ones])])
    b_ub = np.concatenate([g, -g])
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * k + [(0, None)], method="highs")
    return float(res.fun) if res.status == 0 else float("nan")


def hpe_linear(mdp, pi, nu, lam: float, features, *, n_iter: int, K1: int, rho=None, f0=None,
               be_every: int | None = None, realizer=None) -> Trace:
    r"""HPE (Algorithm 2) in expectation for the class :math:`F_\pi=\{\Phi w + c\,Q^\pi\}`: realizable, not complete.

    Each iteration is the population weighted least squares of eq. (1) in closed form,

    .. math::

        x_k = (\tilde\Phi^\top(D_\nu+\lambda D_d)\tilde\Phi)^{+}\tilde\Phi^\top(D_\nu T^\pi f_{k-1} + \lambda D_d Q^\pi),
        \qquad \tilde\Phi = [\Phi, Q^\pi],\ f_k = \tilde\Phi x_k,

    and :math:`\bar f` averages :math:`f_{K_1+1..K_2}`. A lower estimate of the inherent Bellman
    error (Definition 1) is :math:`\max_k\min_{f'\in F_\pi}\|f'-T^\pi f_k\|_\infty` over the
    iterates (a linear program per iterate, every ``be_every`` iterations and at :math:`\bar f`).

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    nu : array, shape (S, A)
    lam : float
        On-policy weight (> 0).
    features : array, shape (S, A, k)
        :math:`\Phi`.
    n_iter : int
        ``K2``.
    K1 : int
        Burn-in of the average (``0 <= K1 < K2``).
    rho : array, shape (S,), optional
    f0 : array, shape (S, A), optional
        Start (default 0, which lies in the class).
    be_every : int, optional
        Bellman-error LP every this many iterations (default about 10 LPs per run).
    realizer : array, shape (S, A), optional
        The function added to the class as its last column (default :math:`Q^\pi`). Assumption 1
        only asks :math:`\mathbb E_{d^\pi}(f-Q^\pi)^2 = 0`, so a ``realizer`` equal to :math:`Q^\pi` on
        the support of :math:`d^\pi` and different elsewhere (states :math:`\pi` never reaches) keeps
        the class realizable while :math:`Q^\pi\notin F_\pi`: then the offline residual of the fixed
        point can grow with :math:`\lambda`, the regime Lemma 5 (b) bounds by :math:`\lambda\varepsilon_{be}`.

    Returns
    -------
    Trace
        metrics ``"on_policy_error"``, ``"offline_residual"`` per iterate; ``final``: ``f_bar``,
        ``on_policy_error_bar`` :math:`\mathbb E_{d^\pi}(\bar f-Q^\pi)^2`, ``offline_residual_bar``
        :math:`\mathbb E_\nu(\bar f-T^\pi\bar f)^2`, ``eps_be_lower``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 2, eq. (1), Definition 1, Lemma 5 (eqs. 16-20).
    """

    mdp = _check_mdp(mdp)
    pi = _check_pi(mdp, pi)
    nu = _check_nu(mdp, nu)
    lam = _check_lam(lam)
    n_iter = check_positive_int(n_iter, "n_iter")
    K1 = check_positive_int(K1, "K1", minimum=0)
    if K1 >= n_iter:
        raise ValidationError(f"K1 must be < n_iter (= K2); got K1={K1}, n_iter={n_iter}.")
    Phi = as_float_array(features, "features", ndim=3)
    if Phi.shape[:2] != (mdp.S, mdp.A):
        raise ShapeError(f"features must have shape (S, A, k) with (S, A) = {(mdp.S, mdp.A)}; got {Phi.shape}.")
    Q = policy_evaluation(mdp, pi, validate=False).Q
    d = _occ(mdp, pi, rho)
    if realizer is None:
        g = Q
    else:
        g = as_float_array(realizer, "realizer", ndim=2)
        if g.shape != Q.shape:
            raise ShapeError(f"realizer must have shape (S, A) = {Q.shape}; got {g.shape}.")
        # Assumption 1 up to rounding: |g - Q| <= 1e3 eps |Q|_inf where d^pi exceeds the rounding of its
        # solve (1e3 eps; unreachable pairs come out as exact zeros or rounding-level values)
        eps = 1e3 * np.finfo(float).eps
        if np.any((d > eps) & (np.abs(g - Q) > eps * max(1.0, float(np.max(np.abs(Q)))))):
            raise ValidationError("realizer must equal Q^pi on the support of d^pi (Assumption 1: E_{d^pi}(f - "
                                  "Q^pi)^2 = 0). Fix: change it only on pairs pi never reaches from rho.")
    X = np.concatenate([Phi.reshape(mdp.S * mdp.A, -1), g.reshape(-1, 1)], axis=1)
    wq = (nu + lam * d).reshape(-1)
    G = X.T @ (wq[:, None] * X)
    Ginv = np.linalg.pinv(G)
    f = np.zeros_like(Q) if f0 is None else as_float_array(f0, "f0", ndim=2).copy()
    be_every = max(1, n_iter // 10) if be_every is None else check_positive_int(be_every, "be_every")
    on, off = np.empty(n_iter + 1), np.empty(n_iter + 1)
    fsum = np.zeros_like(Q)
    eps_be = 0.0
    # the loop of eq. (1) in closed form, with bellman_operator's arithmetic written out (r + gamma P (pi . f))
    # and the iteration-independent lam d Q formed once: the same values, a third of the NumPy calls
    P2, r, g = mdp.P_matrix(), mdp.r, mdp.gamma
    nu1, XT = nu.reshape(-1), X.T
    on_target = lam * d.reshape(-1) * Q.reshape(-1)
    for k in range(n_iter + 1):
        on[k] = float(_total(d * (f - Q) ** 2))
        Tf = r + g * (P2 @ np.einsum("sa,sa->s", pi, f)).reshape(Q.shape)
        off[k] = float(_total(nu * (f - Tf) ** 2))
        if k % be_every == 0:
            eps_be = max(eps_be, _linf_fit(X, Tf.reshape(-1)))
        if k > K1:
            fsum += f
        if k < n_iter:
            rhs = XT @ (nu1 * Tf.reshape(-1) + on_target)
            f = (X @ (Ginv @ rhs)).reshape(Q.shape)
    f_bar = fsum / (n_iter - K1)
    Tb = bellman_operator(mdp, pi, f_bar)
    eps_be = max(eps_be, _linf_fit(X, Tb.reshape(-1)))
    return Trace(iterations=np.arange(n_iter + 1), samples=np.zeros(n_iter + 1, dtype=np.int64),
                 metrics={"on_policy_error": on, "offline_residual": off}, algorithm="hpe_linear",
                 params={"lam": lam, "K1": K1, "K2": n_iter, "gamma": mdp.gamma, "k": Phi.shape[2]},
                 sample_unit="none (expectations)",
                 final={"f_bar": f_bar, "on_policy_error_bar": float(np.sum(d * (f_bar - Q) ** 2)),
                        "offline_residual_bar": float(np.sum(nu * (f_bar - Tb) ** 2)), "eps_be_lower": eps_be,
                        "Q": Q, "d": d})


hpe_linear.__citation__ = ("zhou2023.lemma5_on", "zhou2023.lemma5_off")


# --------------------------------------------------------------------------- HAC with the exact critic
def _default_eta(gamma, A, T):
    return (1.0 - gamma) * math.sqrt(math.log(A) / T)


def hac_exact(mdp, T: int, *, eta: float | None = None, rho=None, n_records: int | None = None) -> Trace:
    r"""HAC (Algorithm 1) with the exact critic :math:`f^t = Q^{\pi_t}` (so :math:`\Delta_{on}=0` in Theorem 1).

    :math:`\pi^{t+1}(a|s)\propto\pi^t(a|s)\exp(\eta Q^{\pi_t}(s,a))`, :math:`\pi^1` uniform,
    :math:`\eta=(1-\gamma)\sqrt{\log A/T}` by default. This is exact softmax NPG
    :math:`\pi_{t+1}\propto\pi_t\exp(\eta' A^{\pi_t}/(1-\gamma))` with :math:`\eta'=\eta(1-\gamma)`.
    Theorem 1 at :math:`\Delta_{on}=0` (eq. 24): :math:`\sum_{t\le T}V^*-V^{\pi_t}\le
    2\sqrt{T\log A}/(1-\gamma)^2` when :math:`\eta\le(1-\gamma)/2`.

    Parameters
    ----------
    mdp : TabularMDP
    T : int
        Number of rounds (the regret sums ``t = 1..T``).
    eta : float, optional
        Step size (default the paper's).
    rho : array, shape (S,), optional
        Evaluation (and reset) distribution (default ``mdp.rho``).
    n_records : int, optional
        About this many log-spaced records of the cumulative regret (default every round).

    Returns
    -------
    Trace
        ``iterations`` = rounds ``t`` (1-based), metrics ``"regret"``
        :math:`\sum_{\tau\le t}V^*(\rho)-V^{\pi_\tau}(\rho)` and ``"suboptimality"``;
        ``final``: ``pi`` (:math:`\pi^{T+1}`), ``logpi``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 1, Lemma 6, Theorem 1 (eq. 24).
    """

    mdp = _check_mdp(mdp)
    T = check_positive_int(T, "T")
    eta = _default_eta(mdp.gamma, mdp.A, T) if eta is None else float(eta)
    if not (eta > 0 and math.isfinite(eta)):

        raise InvalidStepSizeError(f"eta must be a finite number > 0; got {eta!r}.")
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ref = optimal_reference(mdp, rho)
    ev = _Evaluator(mdp)
    rec = record_schedule(T, n_records)[1:] if n_records is not None else np.arange(1, T + 1)
    reg, sub = np.empty(rec.size), np.empty(rec.size)
    logpi = np.full((mdp.S, mdp.A), -math.log(mdp.A))
    cum, j = 0.0, 0
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        pi = np.exp(logpi)
        V, Q = ev.values(pi)
        gap = ref["J_star"] - float(rho @ V)
        cum += gap
        if rec[j] == t:
            reg[j], sub[j] = cum, gap
            j += 1
        logpi = log_softmax(logpi + eta * Q, axis=-1)
    return Trace(iterations=rec, samples=rec.copy(), metrics={"regret": reg, "suboptimality": sub},
                 algorithm="hac_exact", params={"eta": eta, "T": T, "gamma": mdp.gamma, "A": mdp.A,
                                                "seconds": time.perf_counter() - t0},
                 sample_unit="exact Q evaluations", final={"pi": np.exp(logpi), "logpi": logpi})


hac_exact.__citation__ = _CITE


def hac_exact_grid(mdp, Ts, *, rho=None) -> Trace:
    r"""Final regret of exact-critic HAC runs of every length in ``Ts``, each with its own :math:`\eta_T`.

    Theorem 1 fixes :math:`\eta=(1-\gamma)\sqrt{\log A/T}` from the horizon, so "the bound at every
    :math:`T`" means one run per :math:`T`. The runs are advanced together (batched solves), the
    same iterates as :func:`hac_exact` for each ``T``.

    Parameters
    ----------
    mdp : TabularMDP
    Ts : array of int
        Run lengths (each >= 1).
    rho : array, shape (S,), optional

    Returns
    -------
    Trace
        ``iterations`` = ``Ts`` (sorted), metrics ``"regret"`` (final cumulative regret of the run of
        length ``T``) and ``"eta"``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 1, Theorem 1 (eq. 24).
    """

    mdp = _check_mdp(mdp)
    Ts = np.unique(np.asarray([check_positive_int(int(t), "Ts") for t in np.ravel(Ts)], dtype=np.int64))
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ref = optimal_reference(mdp, rho)
    S, A, g = mdp.S, mdp.A, mdp.gamma
    P2 = np.asarray(mdp.P).reshape(S * A, S)
    etas = np.array([_default_eta(g, A, int(t)) for t in Ts])
    n = Ts.size
    logpi = np.full((n, S, A), -math.log(A))
    cum = np.zeros(n)
    t0 = time.perf_counter()
    r, P, P2T, J = np.asarray(mdp.r), np.asarray(mdp.P), P2.T, ref["J_star"]
    eta3 = etas[:, None, None]
    k = 0
    # The loop runs max(Ts) times (1e5 in zhou2023-hac-exact) on tiny arrays, so its cost is the number of
    # NumPy calls: the stacked system is built from PolicySystem.stack's einsum without its validation, and
    # the log-softmax is log_softmax_finite (bitwise equal to log_softmax on finite logits).
    for t in range(1, int(Ts[-1]) + 1):
        while Ts[k] < t:  # Ts is sorted: the live runs (T >= t) are the suffix k:, a view
            k += 1
        lp = logpi[k:]
        pi = np.exp(lp)
        # one stacked solve of (I - gamma P_pi) V = r_pi for every live run (the exact core, batched)
        V = PolicySystem(np.einsum("nsa,sat->nst", pi, P), g).solve(np.einsum("nsa,sa->ns", pi, r))
        Q = r[None] + g * (V @ P2T).reshape(-1, S, A)
        cum[k:] += J - V @ rho
        logpi[k:] = log_softmax_finite(lp + eta3[k:] * Q, axis=-1)
    return Trace(iterations=Ts, samples=Ts.copy(), metrics={"regret": cum, "eta": etas}, algorithm="hac_exact_grid",
                 params={"gamma": g, "A": A, "seconds": time.perf_counter() - t0},
                 sample_unit="exact Q evaluations per run", final={})


hac_exact_grid.__citation__ = _CITE


def compatible_regression(pi, fbar, weights) -> np.ndarray:
    r"""Minimum-norm solution of the compatible regression (eq. 2) for the tabular softmax policy, in closed form.

    Solves :math:`\min_w \sum_{s,a} c(s,a)\,(w^\top\phi(s,a) - \bar f(s,a))^2` with the tabular softmax
    score :math:`\phi(s,a) = e_{s,a} - \pi(\cdot|s)\otimes e_s`, so
    :math:`w^\top\phi(s,a) = w_s(a) - \pi_s^\top w_s`, and returns the least-squares solution of smallest
    Euclidean norm (what ``numpy.linalg.lstsq`` returns; tested against it). The problem splits by
    state. With :math:`M_s = \{a: c(s,a) > 0\}` and :math:`B_s` its complement:

    * :math:`M_s=\emptyset`: :math:`w_s = 0`;
    * some :math:`b\in B_s` has :math:`\pi(b|s) > 0`: the fit is exact (Assumption 3 holds), and with
      :math:`u = \pi_s^\top w_s`, :math:`w_s(a) = \bar f(s,a) + u` on :math:`M_s`,
      :math:`w_s(b) = (u\pi_B + c_0)\pi(b|s)/q` on :math:`B_s`, where :math:`\pi_B = \sum_{B_s}\pi(b|s)`,
      :math:`q = \sum_{B_s}\pi(b|s)^2`, :math:`c_0 = -\sum_{M_s}\pi(a|s)\bar f(s,a)` and
      :math:`u = -(\sum_{M_s}\bar f(s,a) + \pi_B c_0/q)/(|M_s| + \pi_B^2/q)` (minimum norm over the
      affine set of exact fits);
    * otherwise (every action with positive probability is weighted): the fitted values
      :math:`v_s = w_s - (\pi_s^\top w_s)\mathbf 1` range over :math:`\{\pi_s^\top v = 0\}`; the weighted
      projection is :math:`v(a) = \bar f(s,a) - \mu\,\pi(a|s)/c(s,a)`,
      :math:`\mu = \pi_s^\top\bar f_s/\sum_{M_s}\pi(a|s)^2/c(s,a)` (:math:`\mu = 0` when :math:`\bar f_s` is
      centred, i.e. exact fit), and :math:`w_s = v_s - \mathrm{mean}_{M_s}(v_s)` on :math:`M_s`, 0 elsewhere.

    For a centred :math:`\bar f = Q^\pi - V^\pi` and full support this is :math:`w_s = \bar f_s -
    \mathrm{mean}_a\bar f(s,a)`: the NPG direction up to a per-state constant, so
    :math:`\pi\propto\pi\exp(\eta w)` equals :math:`\pi\propto\pi\exp(\eta\bar f)`.

    Parameters
    ----------
    pi : array, shape (S, A)
        Current policy :math:`\pi_\theta`.
    fbar : array, shape (S, A)
        Regression target :math:`\bar f` (the centred critic).
    weights : array, shape (S, A)
        Non-negative weights :math:`c(s,a)` (eq. 2: :math:`\nu + \lambda d^\pi` in expectation).

    Returns
    -------
    w : array, shape (S, A)

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 3, eq. (2)/(29), Assumption 3.
    """
    pi = np.asarray(pi, dtype=np.float64)
    f = np.asarray(fbar, dtype=np.float64)
    c = np.asarray(weights, dtype=np.float64)
    if not (pi.shape == f.shape == c.shape) or pi.ndim != 2:
        raise ShapeError(f"pi, fbar and weights must be (S, A) arrays of one shape; got {pi.shape}, {f.shape}, "
                         f"{c.shape}.")
    if np.any(c < 0) or not np.all(np.isfinite(c)):
        raise ValidationError("weights must be finite and >= 0 (a weighted least-squares problem).")
    m = c > 0
    nM = m.sum(axis=1)
    piB = np.where(m, 0.0, pi)
    pB, q = piB.sum(axis=1), (piB ** 2).sum(axis=1)
    c0 = -np.sum(np.where(m, pi * f, 0.0), axis=1)
    fM = np.where(m, f, 0.0)
    w = np.zeros_like(f)
    # exact fits with free coordinates off the support (q > 0)
    ex = (nM > 0) & (q > 0)
    if np.any(ex):
        qe = q[ex]
        u = -(fM[ex].sum(axis=1) + pB[ex] * c0[ex] / qe) / (nM[ex] + pB[ex] ** 2 / qe)
        k = u * pB[ex] + c0[ex]
        w[ex] = np.where(m[ex], f[ex] + u[:, None], (k / qe)[:, None] * piB[ex])
    # every action with positive probability is weighted: weighted projection onto {pi_s^T v = 0}
    pr = (nM > 0) & ~(q > 0)
    if np.any(pr):
        cm = np.where(m[pr], c[pr], 1.0)
        mu = -c0[pr] / np.sum(np.where(m[pr], pi[pr] ** 2 / cm, 0.0), axis=1)
        v = np.where(m[pr], f[pr] - mu[:, None] * pi[pr] / cm, 0.0)
        w[pr] = np.where(m[pr], v - (v.sum(axis=1) / nM[pr])[:, None], 0.0)
    return w


def hnpg_population(mdp, nu, T: int, *, lam: float = 1.0, eta: float | None = None, rho=None) -> Trace:
    r"""HNPG (Algorithm 3) for the tabular softmax policy with an exact critic and population regression weights.

    :math:`\phi^t(s,a)=\nabla_\theta\log\pi_\theta(a|s) = e_{s,a}-\pi_\theta(\cdot|s)\otimes e_s`,
    :math:`\bar f^t = Q^{\pi_t}-V^{\pi_t}`; :math:`w^t` minimises eq. (2) in expectation,
    :math:`\sum_{s,a}(\nu(s,a)+\lambda d^{\pi_t}(s,a))(w^\top\phi^t(s,a)-\bar f^t(s,a))^2`
    (minimum-norm solution in closed form, :func:`compatible_regression`), and :math:`\theta^{t+1}=\theta^t+\eta w^t`.
    On states with positive weight Assumption 3 holds with :math:`w = \bar f` (up to a per-state
    constant), so the update equals HAC's :math:`\pi\propto\pi\exp(\eta Q^{\pi_t})` there.

    Parameters
    ----------
    mdp : TabularMDP
    nu : array, shape (S, A)
        Offline distribution.
    T : int
        Rounds.
    lam : float
        On-policy weight (> 0).
    eta : float, optional
        Step size (default :math:`(1-\gamma)\sqrt{\log A/T}`, HAC's).
    rho : array, shape (S,), optional

    Returns
    -------
    Trace
        metrics ``"regret"``, ``"suboptimality"`` per round; ``final``: ``theta``, ``pi``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithm 3, eq. (2)/(29), Assumption 3.
    """

    mdp = _check_mdp(mdp)
    nu = _check_nu(mdp, nu)
    lam = _check_lam(lam)
    T = check_positive_int(T, "T")
    eta = _default_eta(mdp.gamma, mdp.A, T) if eta is None else float(eta)
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ref = optimal_reference(mdp, rho)
    ev = _Evaluator(mdp)
    S, A = mdp.S, mdp.A
    theta = np.zeros((S, A))
    reg, sub = np.empty(T), np.empty(T)
    cum = 0.0
    for t in range(T):
        logpi = log_softmax(theta, axis=-1)
        pi = np.exp(logpi)
        V, Q = ev.values(pi)
        d = ev.occupancy(pi, rho)[:, None] * pi
        gap = ref["J_star"] - float(rho @ V)
        cum += gap
        reg[t], sub[t] = cum, gap
        fbar = Q - V[:, None]
        w = compatible_regression(pi, fbar, nu + lam * d)
        theta = theta + eta * w
    it = np.arange(1, T + 1)
    return Trace(iterations=it, samples=it.copy(), metrics={"regret": reg, "suboptimality": sub},
                 algorithm="hnpg_population", params={"eta": eta, "lam": lam, "T": T, "gamma": mdp.gamma},
                 sample_unit="exact Q evaluations", final={"theta": theta, "pi": np.exp(log_softmax(theta, axis=-1))})


hnpg_population.__citation__ = ("zhou2023.thm2_complete",)


# --------------------------------------------------------------------------- samplers
def sample_occupancy_pairs(mdp, pi, n: int, rng, rho=None):
    r"""Draw ``n`` pairs :math:`(s,a)\sim d^\pi` by geometric rollouts (NumPy loop, replayed by a numba kernel).

    Start :math:`s_0\sim\rho`, :math:`a_t\sim\pi(s_t)`; after each step stop w.p. :math:`1-\gamma`
    and return the current pair, else move :math:`s_{t+1}\sim P(s_t,a_t)`. Since
    :math:`\Pr(\text{stop at }t)=(1-\gamma)\gamma^t`, the returned pair has law :math:`d^\pi`
    exactly (paper Sec. 3: ":math:`h\propto\gamma^h`"). The estimator engine returns returns and
    lengths, not the stopping pair, hence this sampler.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    n : int
    rng : Generator or seed
    rho : array, shape (S,), optional

    Returns
    -------
    (states, actions, n_steps)
        int64 arrays of length ``n`` and the total number of environment steps.
    """
    rng = np.random.default_rng(rng)
    n = check_positive_int(n, "n")
    rho = mdp.rho if rho is None else np.asarray(rho, dtype=np.float64)
    return _occupancy_pairs(np.cumsum(pi, axis=1), np.cumsum(np.asarray(mdp.P), axis=2), mdp.gamma, np.cumsum(rho),
                            n, rng)


def _occupancy_pairs(pic, Pc, gamma, rho_cum, n, rng):
    """:func:`sample_occupancy_pairs` from its cumulative tables (``cumsum`` of ``pi``, ``P`` and ``rho``): the
    numba kernel on the generator's uniforms, or the NumPy reference where numba does not import."""
    kernels = _kernels()
    if kernels is None:
        return _occupancy_pairs_numpy(pic, Pc, gamma, rho_cum, n, rng)
    out_s, out_a = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    steps = [0]

    def run(U):
        used, steps[0] = kernels.occupancy_pairs_kernel(rho_cum, pic, Pc, float(gamma), n, U, out_s, out_a)
        return used

    # uniforms per pair: 1 start + 2 per step (action, stop) + 1 per continuation: 1 + (2 + gamma)/(1 - gamma)
    _replay(run, rng, n * (1.0 + (2.0 + gamma) / (1.0 - gamma)))
    return out_s, out_a, steps[0]


def _occupancy_pairs_numpy(pic, Pc, gamma, rho_cum, n, rng):
    """The NumPy reference of :func:`sample_occupancy_pairs` (the specification of its kernel)."""
    S, A = Pc.shape[0], pic.shape[1]
    s = np.minimum(np.searchsorted(rho_cum, rng.random(n), side="right"), S - 1)
    a = np.empty(n, dtype=np.int64)
    out_s, out_a = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    idx = np.arange(n)
    steps = 0
    while idx.size:
        u = rng.random(idx.size)
        a = np.minimum((u[:, None] > pic[s]).sum(axis=1), A - 1)
        steps += idx.size
        stop = rng.random(idx.size) >= gamma
        out_s[idx[stop]], out_a[idx[stop]] = s[stop], a[stop]
        keep = ~stop
        idx, s, a = idx[keep], s[keep], a[keep]
        if idx.size:
            u = rng.random(idx.size)
            s = np.minimum((u[:, None] > Pc[s, a]).sum(axis=1), S - 1)
    return out_s, out_a, steps


def _kernels():
    """The numba kernels of the samplers (:mod:`._hnpg_kernels`), or None where numba does not import or runs
    with ``NUMBA_DISABLE_JIT`` (interpreted kernels would be slower than the NumPy loops they replay)."""
    try:
        from . import _hnpg_kernels  # lazy: numba kernels (compiled on first use, cached)
        from numba import config  # lazy: numba (imported by the kernels already)
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return None if config.DISABLE_JIT else _hnpg_kernels


def _replay(run, rng, expected: float) -> None:
    """Run ``run(U)`` on uniforms pre-drawn from ``rng`` and leave ``rng`` where drawing the used ones leaves it.

    ``run`` consumes ``U`` from the front, returns how many it used, or -1 when ``U`` was too short (then
    a block twice as long is drawn from the same state). Doubles are drawn one generator output after
    the other whatever the block sizes, so a kernel reading ``U`` in the order in which the NumPy code
    draws its blocks sees the NumPy code's uniforms; the generator is then reset and advanced by the used
    count (PCG64 with no buffered 32-bit half: ``advance``, one step per double; otherwise by drawing them)."""
    bg = rng.bit_generator
    saved = bg.state
    need = int(1.25 * expected) + 256
    while True:
        used = run(rng.random(need))
        if used >= 0:
            break
        bg.state = saved
        need *= 2
    bg.state = saved
    if isinstance(bg, np.random.PCG64) and not saved.get("has_uint32", 1):
        bg.advance(used)
    else:
        rng.random(used)


def sample_offline_tuples(mdp, nu, n: int, rng):
    r"""Draw ``n`` offline tuples :math:`(s,a)\sim\nu`, :math:`r=r(s,a)`, :math:`s'\sim P(s,a)` (paper Sec. 3).

    The estimator engine samples trajectories of a policy, not i.i.d. pairs from a state-action
    distribution, hence this small vectorised sampler.

    Parameters
    ----------
    mdp : TabularMDP
    nu : array, shape (S, A)
    n : int
    rng : Generator or seed

    Returns
    -------
    (s, a, r, s_next)
    """
    rng = np.random.default_rng(rng)
    n = check_positive_int(n, "n")
    nu = _check_nu(mdp, nu)
    return _offline_tuples(mdp, np.cumsum(nu.reshape(-1)), np.cumsum(np.asarray(mdp.P), axis=2), n, rng)


def _offline_tuples(mdp, nu_cum, Pc, n, rng):
    """:func:`sample_offline_tuples` from the cumulative tables ``cumsum(nu.reshape(-1))`` and ``cumsum(P, axis=2)``."""
    S, A = mdp.S, mdp.A
    flat = np.minimum(np.searchsorted(nu_cum, rng.random(n), side="right"), S * A - 1)
    s, a = flat // A, flat % A
    s2 = np.minimum((rng.random(n)[:, None] > Pc[s, a]).sum(axis=1), S - 1)
    return s, a, mdp.r[s, a], s2


def _mc_targets(mdp, pi, s, a, rng, backend, p_cum=None):
    """Unbiased Monte-Carlo targets y, E[y] = Q^pi(s, a), from the estimator engine (geometric termination).

    With the NumPy engine on a dense MDP (one block: ``len(s) <= 4e6 / (S A)``) the engine's rollouts are
    replayed by a numba kernel on the generator's uniforms (:mod:`._hnpg_kernels`): the same returns and
    lengths, bit for bit, and the generator left where the engine leaves it (tested). ``p_cum``: the
    engine's cumulative transition table (``cumulative_rows`` of ``P`` as (S A, S)), when already built."""
    kernels = _kernels() if backend == "numpy" else None
    S, A = mdp.S, mdp.A
    if kernels is None or mdp.is_sparse or s.size > 4_000_000 // (S * A) or not isinstance(rng, np.random.Generator):
        return rollout_returns(mdp, pi, s, a, rng=rng, backend=backend, termination="geometric")
    pi_cum = kernels.cumulative_rows(np.ascontiguousarray(pi, dtype=np.float64))
    if p_cum is None:
        p_cum = kernels.cumulative_rows(np.ascontiguousarray(np.asarray(mdp.P).reshape(S * A, S), dtype=np.float64))
    s0 = np.ascontiguousarray(s, dtype=np.int64)
    a0 = np.ascontiguousarray(a, dtype=np.int64)
    R, L = np.empty(s0.size), np.empty(s0.size, dtype=np.int64)
    r = np.ascontiguousarray(mdp.r, dtype=np.float64)
    g = float(mdp.gamma)
    # uniforms per rollout: 3 per step (action, next state, coin) but no action draw at the first: 3/(1-gamma) - 1
    _replay(lambda U: kernels.geometric_returns_kernel(pi_cum, p_cum, S, r, g, s0, a0, U, R, L), rng,
            s0.size * (3.0 / (1.0 - g) - 1.0))
    return R, int(np.sum(L))


# --------------------------------------------------------------------------- sampled HAC
_MODES = ("hybrid", "on_policy", "offline")


def _binned(idx, weights, K2, SA):
    """``np.bincount(idx[k], weights[k], minlength=SA)`` for every row ``k`` at once, shape (K2, SA).

    One bincount over the offset indices ``k * SA + idx[k]``: each bin receives the same terms in the
    same order as the per-row call (bincount adds in input order), so the sums are bitwise equal."""
    flat = (idx + (np.arange(K2) * SA)[:, None]).reshape(-1)
    return np.bincount(flat, weights=None if weights is None else weights.reshape(-1),
                       minlength=K2 * SA).reshape(K2, SA)


def _hpe_box(f0, pi, g, vmax, lam, K1, K2, SA, m_on, m_off, idx_on, y, off):
    r"""The ``K2`` sampled HPE iterations of :func:`hac` over the box class; returns :math:`\bar f`, shape (S, A).

    Per iteration ``k`` and pair: ``num = [sum_{D_off(s,a)} (r + gamma V_{k-1}(s'))]/m_off + lam [sum_{D_on(s,a)}
    y]/m_on``, ``den = n_off/m_off + lam n_on/m_on``, :math:`f_k=\mathrm{clip}(num/den)` where ``den > 0``, else
    :math:`f_{k-1}`; :math:`\bar f` the mean of :math:`f_{K_1+1..K_2}` (summed in order). Everything that does not
    depend on :math:`f_{k-1}` (counts, on-policy sums) is binned for all ``k`` at once (bitwise the per-iteration
    values, see :func:`_binned`); only the offline targets :math:`r+\gamma V_{k-1}(s')` stay in the loop, and
    without offline data (``off=None``) the iterations reduce to "last observed value" and need no loop.
    ``idx_on``, ``y`` (K2, m_on) or None; ``off = (idx_off, r_off, s_next)``, each (K2, m_off), or None.
    """
    S, A = pi.shape
    den = 0.0
    if off is not None:
        idx_off, ro, s2o = off
        den = _binned(idx_off, None, K2, SA) / m_off
    if idx_on is not None:
        num_on = lam * _binned(idx_on, y, K2, SA) / m_on
        den = den + lam * _binned(idx_on, None, K2, SA) / m_on
    seen = den > 0
    den_safe = np.where(seen, den, 1.0)
    fsum = np.zeros(SA)
    flat = f0.reshape(-1)  # f_0: the previous round's critic (any f_0 in F is allowed)
    if off is None:
        # f_k = clip(num_k / den_k) where seen at k, else f_{k-1}: the value of the last k' <= k that saw the pair
        fit = np.clip(num_on / den_safe, 0.0, vmax)
        last = np.maximum.accumulate(np.where(seen, np.arange(K2)[:, None], -1), axis=0)
        cols = np.arange(SA)
        F = np.where(last >= 0, fit[np.maximum(last, 0), cols], flat)
        for k in range(K1, K2):
            fsum += F[k]
        return (fsum / (K2 - K1)).reshape(S, A)
    for k in range(K2):
        vnext = np.einsum("sa,sa->s", pi, flat.reshape(S, A))
        num = np.bincount(idx_off[k], weights=ro[k] + g * vnext[s2o[k]], minlength=SA) / m_off
        if idx_on is not None:
            num = num + num_on[k]
        flat = np.where(seen[k], np.clip(num / den_safe[k], 0.0, vmax), flat)
        if k >= K1:
            fsum += flat
    return (fsum / (K2 - K1)).reshape(S, A)


def hac(mdp, T: int, *, nu=None, offline_data=None, lam: float = 1.0, m_on: int, m_off: int, K1: int,
        K2: int, eta: float | None = None, mode: str = "hybrid", rng=None, backend: str = "auto",
        target=None, rho=None) -> Trace:
    r"""Sampled HAC (Algorithm 1) with sampled HPE (Algorithm 2) over the tabular class with range :math:`[0, 1/(1-\gamma)]`.

    Round ``t``: for ``k = 1..K2`` draw fresh :math:`D_{on}` (``m_on`` pairs :math:`(s,a)\sim d^{\pi_t}`,
    targets :math:`y` from the engine) and :math:`D_{off}` (``m_off`` tuples from ``nu``, or resampled
    with replacement from ``offline_data``); the minimiser of eq. (1) over the box class is, per pair,

    .. math::

        f_k(s,a)=\mathrm{clip}_{[0,\frac1{1-\gamma}]}\frac{\frac1{m_{off}}\sum_{D_{off}(s,a)}(r+\gamma f_{k-1}(s',\pi))
        + \frac{\lambda}{m_{on}}\sum_{D_{on}(s,a)} y}{\frac{n_{off}(s,a)}{m_{off}}+\frac{\lambda\,n_{on}(s,a)}{m_{on}}}

    (unseen pairs keep :math:`f_{k-1}`), :math:`\bar f=\mathrm{mean}_{k>K_1}f_k`, then
    :math:`\pi^{t+1}\propto\pi^t\exp(\eta\bar f)`. ``mode="on_policy"`` drops the offline term
    (Monte-Carlo regression only: an on-policy NPG actor-critic); ``mode="offline"`` drops the
    on-policy term (fitted Q evaluation on offline data only).

    Parameters
    ----------
    mdp : TabularMDP
    T : int
        Rounds.
    nu : array, shape (S, A), optional
        Offline distribution (fresh tuples each HPE iteration, as in the paper).
    offline_data : tuple (s, a, r, s_next), optional
        A fixed offline dataset instead of ``nu`` (validated by :func:`check_offline_data`).
    lam : float
        On-policy weight :math:`\lambda > 0` (paper: ``lam = 1`` when complete).
    m_on, m_off : int
        Samples per HPE iteration (Theorem 1: both :math:`\propto T`).
    K1, K2 : int
        Burn-in and number of HPE iterations (``0 <= K1 < K2``; Theorem 1: ``K2 = K1 + T``).
    eta : float, optional
        Default :math:`(1-\gamma)\sqrt{\log A/T}`.
    mode : {"hybrid", "on_policy", "offline"}
    rng : Generator or seed
    backend : {"auto", "numpy", "numba"}
        Engine backend of the Monte-Carlo targets. ``"numpy"`` gives the NumPy engine's samples (on dense
        MDPs replayed by a numba kernel from the same uniforms: identical returns and generator state).
    target : float, optional
        Stop early once :math:`V^*(\rho)-V^{\pi_t}(\rho)\le` ``target`` (for samples-to-epsilon).
    rho : array, shape (S,), optional

    Returns
    -------
    Trace
        ``iterations`` = rounds ``t = 1..``, ``samples`` = cumulative online pairs, metrics
        ``"regret"``, ``"suboptimality"``, ``"online_steps"`` (environment steps of the rollouts),
        ``"critic_error"`` :math:`\mathbb E_{d^{\pi_t}}(\bar f-Q^{\pi_t})^2` (the :math:`\Delta_{on}` of round
        ``t``), ``"npg_coverage"`` :math:`\max_{\tau\le t}\|d^{\pi^*}/d^{\pi_\tau}\|_\infty` (Definition 2
        along the run, the constant the proof of Theorem 1 uses); ``final``: ``pi``,
        ``reached`` (whether ``target`` was met).

    Raises
    ------
    pgtheory.errors.ValidationError
        Bad ``lam``, ``mode``, ``K1``/``K2``, missing or invalid offline data.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, Algorithms 1-2, eq. (1), Theorem 1, Corollary 1.
    """

    mdp = _check_mdp(mdp)
    T = check_positive_int(T, "T")
    lam = _check_lam(lam)
    if mode not in _MODES:
        raise ValidationError(f"mode must be one of {_MODES}; got {mode!r}.")
    m_on = check_positive_int(m_on, "m_on")
    m_off = check_positive_int(m_off, "m_off")
    K2 = check_positive_int(K2, "K2")
    K1 = check_positive_int(K1, "K1", minimum=0)
    if K1 >= K2:
        raise ValidationError(f"K1 must be < K2; got K1={K1}, K2={K2}.")
    data = None
    if mode != "on_policy":
        if (nu is None) == (offline_data is None):
            raise ValidationError("pass exactly one of nu (offline distribution) or offline_data (fixed tuples) "
                                  f"for mode={mode!r}.")
        if nu is not None:
            nu = _check_nu(mdp, nu)
        else:
            data = check_offline_data(mdp, offline_data)
            if data[0].size == 0:
                raise ValidationError("offline_data is empty.")
    backend = resolve_backend(backend)
    rng = np.random.default_rng(rng)
    eta = _default_eta(mdp.gamma, mdp.A, T) if eta is None else float(eta)
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ref = optimal_reference(mdp, rho)
    ev = _Evaluator(mdp)
    d_star = _occ(mdp, ref["pi_star"], rho)
    S, A, g = mdp.S, mdp.A, mdp.gamma
    vmax = 1.0 / (1.0 - g)
    SA = S * A
    logpi = np.full((S, A), -math.log(A))
    f = np.zeros((S, A))
    reg, sub, used, steps, cerr, cov = [], [], [], [], [], []
    cum, n_used, n_steps, reached = 0.0, 0, 0, False
    use_on, use_off = mode != "offline", mode != "on_policy"
    # the samplers' cumulative tables that do not change with the policy, built once per run
    Pc, rho_cum = np.cumsum(np.asarray(mdp.P), axis=2), np.cumsum(rho)
    nu_cum = None if nu is None else np.cumsum(nu.reshape(-1))
    kernels = _kernels() if use_on and backend == "numpy" and not mdp.is_sparse else None
    p_cum = None if kernels is None else kernels.cumulative_rows(
        np.ascontiguousarray(np.asarray(mdp.P).reshape(SA, S), dtype=np.float64))
    for t in range(1, T + 1):
        pi = np.exp(logpi)
        V, Q = ev.values(pi)
        gap = ref["J_star"] - float(rho @ V)
        cum += gap
        if use_on:
            s_on, a_on, st1 = _occupancy_pairs(np.cumsum(pi, axis=1), Pc, mdp.gamma, rho_cum, K2 * m_on, rng)
            y, st2 = _mc_targets(mdp, pi, s_on, a_on, rng, backend, p_cum)
            n_used += K2 * m_on
            n_steps += st1 + st2
            idx_on = (s_on * A + a_on).reshape(K2, m_on)
            y = y.reshape(K2, m_on)
        if use_off:
            if nu is not None:
                so, ao, ro, s2o = _offline_tuples(mdp, nu_cum, Pc, K2 * m_off, rng)
            else:
                pick = rng.integers(0, data[0].size, size=K2 * m_off)
                so, ao, ro, s2o = (x[pick] for x in data)
            idx_off = (so * A + ao).reshape(K2, m_off)
            ro, s2o = ro.reshape(K2, m_off), s2o.reshape(K2, m_off)
        f = _hpe_box(f, pi, g, vmax, lam, K1, K2, SA, m_on, m_off, idx_on if use_on else None,
                     y if use_on else None, (idx_off, ro, s2o) if use_off else None)
        d = ev.occupancy(pi, rho)[:, None] * pi
        reg.append(cum)
        sub.append(gap)
        used.append(n_used)
        steps.append(n_steps)
        cerr.append(float(np.sum(d * (f - Q) ** 2)))
        cov.append(max(cov[-1] if cov else 0.0, _ratio_sup(d_star, d)))
        if target is not None and gap <= target:
            reached = True
            break
        logpi = log_softmax(logpi + eta * f, axis=-1)
    it = np.arange(1, len(reg) + 1)
    return Trace(iterations=it, samples=np.asarray(used, dtype=np.int64),
                 metrics={"regret": np.asarray(reg), "suboptimality": np.asarray(sub),
                          "online_steps": np.asarray(steps, dtype=np.int64), "critic_error": np.asarray(cerr),
                          "npg_coverage": np.asarray(cov)},
                 algorithm=f"hac_{mode}",
                 params={"T": T, "lam": lam, "m_on": m_on, "m_off": m_off, "K1": K1, "K2": K2, "eta": eta,
                         "mode": mode, "backend": backend, "gamma": g},
                 sample_unit="online (s, a, y) samples", final={"pi": np.exp(logpi), "reached": reached, "f": f})


hac.__citation__ = ("zhou2023.thm1_complete",)


# --------------------------------------------------------------------------- Algorithms 4-5: practical HNPG
# Finite horizon (paper App. E.3): one critic f_h and one softmax policy pi_{theta_h} per step h, f_H = 0.
# Algorithm 5 (FHPE, eq. 49) fits the critics backwards; Algorithm 4 (HNPG) takes, per step h, the
# compatible regression of eq. (48) solved by conjugate gradients (damping as in Table 1) and a TRPO
# line search on eq. (50) for the step size.


@dataclasses.dataclass(frozen=True, repr=False)
class LineSearchStep(ResultMixin):
    r"""One TRPO line search (eq. 50 of Zhou et al. 2023): the step sizes tried and the one accepted.

    Attributes
    ----------
    eta : float
        Accepted step size (0.0 when no candidate was accepted: the parameter is left unchanged).
    accepted : bool
        Whether a candidate met the acceptance rule.
    kl, gain : float
        KL divergence :math:`KL(\theta,\theta+\eta w)` and surrogate gain :math:`L(\theta+\eta w)-L(\theta)`
        at the accepted step (0.0 when none).
    n_tried : int
        Candidates evaluated (the accepted one included).
    tried_eta, tried_kl, tried_gain : array, shape (n_tried,)
        Every candidate in the order tried, with its KL and gain.
    eta_max, slope : float
        First candidate (the step whose quadratic KL model equals ``max_kl``) and the directional
        derivative :math:`\nabla L(\theta)^\top w` (the expected gain per unit step).
    """

    eta: float
    accepted: bool
    kl: float
    gain: float
    n_tried: int
    tried_eta: np.ndarray
    tried_kl: np.ndarray
    tried_gain: np.ndarray
    eta_max: float
    slope: float


def trpo_line_search(gain, kl, eta_max: float, slope: float, *, max_kl: float = 1e-2, max_backtracks: int = 10,
                     accept_ratio: float = 0.1) -> LineSearchStep:
    r"""Backtracking line search for the step size of eq. (50): :math:`\max_\eta L(\theta+\eta w)` subject to
    :math:`KL(\theta,\theta+\eta w)\le` ``max_kl``.

    The paper (App. E.3, eq. 50) chooses :math:`\eta^t` by a TRPO line search on
    :math:`\ell_{LS}(\eta) = L(\theta+\eta w) - \chi\{KL(\theta,\theta+\eta w)\le \mathrm{max\_KL}\}` (the
    indicator makes steps outside the trust region infeasible). The search itself follows the
    authors' code [C] (``trpo.py``, from pytorch-trpo): candidates
    :math:`\eta_k = \eta_{max}2^{-k}`, ``k = 0..max_backtracks-1``; the first candidate is accepted when

    .. math::

        KL(\theta,\theta+\eta_k w)\le\mathrm{max\_KL}\ \text{(eq. 50)},\qquad
        g_k := L(\theta+\eta_k w)-L(\theta) > 0,\qquad g_k \ge \mathrm{accept\_ratio}\cdot\eta_k\,\nabla L^\top w
        \ \text{(the code's improvement ratio, 0.1)}.

    If no candidate qualifies the step is 0 (the code keeps the old parameters). The code checks
    the trust region only through the quadratic model that sets :math:`\eta_{max}`; here the exact
    KL of each candidate is checked, as eq. (50) states.

    Parameters
    ----------
    gain : callable
        ``gain(eta) -> float``, the surrogate improvement :math:`L(\theta+\eta w)-L(\theta)`.
    kl : callable
        ``kl(eta) -> float``, :math:`KL(\theta,\theta+\eta w)` (>= 0).
    eta_max : float
        First (largest) candidate, > 0.
    slope : float
        :math:`\nabla L(\theta)^\top w`.
    max_kl : float
        Trust-region radius (Table 1: 1e-2), > 0.
    max_backtracks : int
        Number of candidates (code: 10).
    accept_ratio : float
        Minimum ratio of actual to linearly predicted gain (code: 0.1), in [0, 1).

    Returns
    -------
    LineSearchStep

    Raises
    ------
    pgtheory.errors.ValidationError
        ``eta_max``, ``max_kl`` not finite and positive, ``accept_ratio`` outside [0, 1), or
        ``max_backtracks < 1``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, App. E.3, eq. (50); J. Schulman et al. (2015), Trust Region
    Policy Optimization, ICML (App. C: backtracking on the surrogate with the KL constraint).
    """
    for v, n in ((eta_max, "eta_max"), (max_kl, "max_kl")):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (math.isfinite(v) and v > 0):
            raise ValidationError(f"{n} must be a finite number > 0; got {v!r}.")
    if not (isinstance(accept_ratio, numbers.Real) and 0.0 <= accept_ratio < 1.0):
        raise ValidationError(f"accept_ratio must be in [0, 1); got {accept_ratio!r}.")
    max_backtracks = check_positive_int(max_backtracks, "max_backtracks")
    etas, kls, gains = [], [], []
    for k in range(max_backtracks):
        eta = float(eta_max) * 0.5 ** k
        d_kl, g = float(kl(eta)), float(gain(eta))
        etas.append(eta)
        kls.append(d_kl)
        gains.append(g)
        if d_kl <= max_kl and g > 0.0 and g >= accept_ratio * eta * slope:
            return LineSearchStep(eta=eta, accepted=True, kl=d_kl, gain=g, n_tried=k + 1, tried_eta=np.array(etas),
                                  tried_kl=np.array(kls), tried_gain=np.array(gains), eta_max=float(eta_max),
                                  slope=float(slope))
    return LineSearchStep(eta=0.0, accepted=False, kl=0.0, gain=0.0, n_tried=len(etas), tried_eta=np.array(etas),
                          tried_kl=np.array(kls), tried_gain=np.array(gains), eta_max=float(eta_max),
                          slope=float(slope))


trpo_line_search.__citation__ = ("zhou2023.thm2_complete",)


def _check_fh(fh):

    if not isinstance(fh, FiniteHorizonMDP):
        raise ValidationError(f"fh_mdp must be a pgtheory.mdp.FiniteHorizonMDP; got {type(fh).__name__}. Fix: the "
                              f"practical HNPG (Algorithms 4-5) is finite-horizon; discounted MDPs use hac / "
                              f"hnpg_population.")
    return fh


def _check_fh_nu(fh, nu, name="nu"):
    nu = as_float_array(nu, name, ndim=(2, 3))
    if nu.ndim == 2:
        nu = np.broadcast_to(nu, (fh.H,) + nu.shape)
    if nu.shape != (fh.H, fh.S, fh.A):
        raise ShapeError(f"{name} must have shape (H, S, A) = {(fh.H, fh.S, fh.A)} (one offline distribution per "
                         f"step) or (S, A); got {nu.shape}.")
    if np.any(nu < 0) or np.any(np.abs(nu.reshape(fh.H, -1).sum(axis=1) - 1.0) > 1e-9):
        raise ValidationError(f"{name}[h] must be a distribution over (s, a) for every step h (non-negative, "
                              f"summing to 1). Fix: e.g. finite_horizon_occupancy(fh, mu, state_action=True).")
    return np.ascontiguousarray(nu)


def check_offline_steps(fh_mdp, data, name: str = "offline_data"):
    r"""Validate finite-horizon offline tuples :math:`(h, s, a, r, s')` against ``fh_mdp``.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
        Gives ``H``, ``S``, ``A``.
    data : tuple of 5 arrays
        ``(h, s, a, r, s_next)`` of equal length: steps in ``0..H-1``, states in ``0..S-1``,
        actions in ``0..A-1``, finite rewards; every step must have at least one tuple.
    name : str
        Argument name used in error messages.

    Returns
    -------
    tuple of arrays
        ``(h, s, a, r, s_next)`` as int64, int64, int64, float64, int64.

    Raises
    ------
    pgtheory.errors.ValidationError
        A step, state or action out of range, a non-finite reward, unequal lengths or a step with no
        data.
    """
    fh = _check_fh(fh_mdp)
    try:
        h, s, a, r, s2 = data
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a tuple (h, s, a, r, s_next) of equal-length arrays.") from None
    h, s, a, s2 = (np.asarray(x) for x in (h, s, a, s2))
    r = np.asarray(r, dtype=np.float64)
    if not (h.shape == s.shape == a.shape == r.shape == s2.shape) or s.ndim != 1:
        raise ShapeError(f"{name}: h, s, a, r, s_next must be 1-d arrays of equal length; got shapes "
                         f"{h.shape}, {s.shape}, {a.shape}, {r.shape}, {s2.shape}.")
    for arr, what, hi in ((h, "steps", fh.H), (s, "states", fh.S), (s2, "next states", fh.S), (a, "actions", fh.A)):
        if arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0 or arr.max() >= hi:
            rng_txt = f"[{arr.min()}, {arr.max()}]" if arr.size else "empty"
            raise ValidationError(f"{name} has {what} outside 0..{hi - 1} (found {rng_txt}, dtype {arr.dtype}). "
                                  f"Fix: pass integer indices of this MDP's {what.split()[-1]}.")
    if not np.all(np.isfinite(r)):
        raise ValidationError(f"{name} has non-finite rewards.")
    missing = np.setdiff1d(np.arange(fh.H), h)
    if missing.size:
        raise ValidationError(f"{name} has no tuple at steps {missing.tolist()}. Fix: every step h needs offline "
                              f"data (one buffer per step, as in the paper's code).")
    return h.astype(np.int64), s.astype(np.int64), a.astype(np.int64), r, s2.astype(np.int64)


def fhpe_population(fh_mdp, pi, nu, lam: float, *, f_init=None) -> Trace:
    r"""Algorithm 5 (FHPE) in expectation: hybrid fitted evaluation of a non-stationary policy, backwards in ``h``.

    Eq. (49) with population losses over the tabular class, :math:`f_H = 0` and for
    :math:`h = H-1,\dots,0`

    .. math::

        f_h(s,a) = \frac{\nu_h(s,a)\,\big(r_h(s,a) + \mathbb E_{s'\sim P_h(s,a),a'\sim\pi_{h+1}(s')}f_{h+1}(s',a')\big)
                         + \lambda d_h^\pi(s,a)\,Q_h^\pi(s,a)}{\nu_h(s,a) + \lambda d_h^\pi(s,a)}

    (the on-policy Monte-Carlo target has mean :math:`Q^\pi_h`); pairs with
    :math:`\nu_h+\lambda d_h^\pi = 0` keep ``f_init``. Backwards induction makes :math:`f_h = Q^\pi_h` on
    every pair that the data weight reaches, whenever the next-step critic is exact on the
    successor pairs.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    pi : array, shape (H, S, A)
        Policy per step.
    nu : array, shape (H, S, A) or (S, A)
        Offline distribution per step (each :math:`\nu_h` sums to 1).
    lam : float
        On-policy weight :math:`\lambda>0`.
    f_init : array, shape (H, S, A), optional
        Values of pairs no data reaches (default 0).

    Returns
    -------
    Trace
        ``iterations`` = steps ``h = 0..H-1``; metrics ``"on_policy_error"``
        :math:`\mathbb E_{d_h^\pi}(f_h-Q_h^\pi)^2` and ``"offline_residual"``
        :math:`\mathbb E_{\nu_h}(f_h - r_h - P_h f_{h+1}^{\pi})^2`; ``final``: ``f``, ``Q``, ``d``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, App. E.3, Algorithm 5, eq. (49).
    """
    fh = _check_fh(fh_mdp)
    pi = _fh_policy(fh, pi)
    nu = _check_fh_nu(fh, nu)
    lam = _check_lam(lam)
    H, S, A = fh.H, fh.S, fh.A
    Q = finite_horizon_evaluation(fh, pi).Q
    d = finite_horizon_occupancy(fh, pi, state_action=True)
    f = np.zeros((H, S, A)) if f_init is None else np.array(as_float_array(f_init, "f_init", ndim=3))
    if f.shape != (H, S, A):
        raise ShapeError(f"f_init must have shape (H, S, A) = {(H, S, A)}; got {f.shape}.")
    on, off = np.empty(H), np.empty(H)
    v_next = np.zeros(S)
    for h in range(H - 1, -1, -1):
        target = fh.r[h] + fh.P[h] @ v_next
        den = nu[h] + lam * d[h]
        pos = den > 0
        f[h] = np.where(pos, (nu[h] * target + lam * d[h] * Q[h]) / np.where(pos, den, 1.0), f[h])
        on[h] = float(np.sum(d[h] * (f[h] - Q[h]) ** 2))
        off[h] = float(np.sum(nu[h] * (f[h] - target) ** 2))
        v_next = np.einsum("sa,sa->s", pi[h], f[h])
    it = np.arange(H)
    return Trace(iterations=it, samples=np.zeros(H, dtype=np.int64),
                 metrics={"on_policy_error": on, "offline_residual": off}, algorithm="fhpe_population",
                 params={"lam": lam, "H": H}, sample_unit="none (expectations)", final={"f": f, "Q": Q, "d": d})


fhpe_population.__citation__ = ("zhou2023.thm2_complete",)


def _fh_policy(fh, pi, name="pi"):
    pi = as_float_array(pi, name, ndim=(2, 3))
    if pi.ndim == 2:
        pi = np.broadcast_to(pi, (fh.H,) + pi.shape)
    if pi.shape != (fh.H, fh.S, fh.A):
        raise ShapeError(f"{name} must have shape (H, S, A) = {(fh.H, fh.S, fh.A)} or (S, A); got {pi.shape}.")
    return check_distribution(np.ascontiguousarray(pi), name, axis=-1)


def _cg(Av, b, n_iter: int, tol: float):
    """Conjugate gradients from x0 = 0 (as the authors' code: r = p = b, stop when r.r < tol)."""
    x = np.zeros_like(b)
    r = b.copy()
    p = b.copy()
    rr = float(_total(r * r))
    for _ in range(n_iter):
        if rr < tol:
            break
        Ap = Av(p)
        pAp = float(_total(p * Ap))
        if pAp <= 0.0:
            break
        alpha = rr / pAp
        x += alpha * p
        r -= alpha * Ap
        rr_new = float(_total(r * r))
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def _total(x):
    """``np.sum(x)`` (every axis) without its Python wrapper: the same reduction, hence the same bits."""
    return np.add.reduce(x, axis=None)


def _softmax_kl(logp, logq, w):
    """sum_s w(s) KL(p(.|s) || q(.|s)) for log-probability tables (S, A)."""
    p = np.exp(logp)
    return float(_total(w * np.add.reduce(p * (logp - logq), axis=1)))


def _actor_step(theta, c, omega, fbar, *, max_kl, damping, cg_iters, max_backtracks, accept_ratio):
    r"""Eq. (48) by CG + eq. (50) line search for one step h (tabular softmax).

    ``c`` (S, A): weights of the regression pairs (sum 1); ``omega`` (S,): state weights of the
    surrogate and the KL (the state marginal of ``c``); ``fbar`` (S, A): centred critic.
    Hot loop of the practical checks (tens of thousands of calls): the logits are finite, so
    :func:`~pgtheory._math.log_softmax_finite` (bitwise ``log_softmax``), and each line-search
    candidate's log-policy is computed once for its KL and its gain.
    """
    logpi = (log_softmax_finite if bool(np.isfinite(theta).all()) else log_softmax)(theta, axis=-1)
    pi = np.exp(logpi)

    def Fv(v, delta):  # (sum_{s,a} c phi phi^T + delta I) v with phi(s,a) = e_{s,a} - pi(.|s)
        u = v - np.einsum("sa,sa->s", pi, v)[:, None]
        cu = c * u
        return cu - pi * np.add.reduce(cu, axis=1, keepdims=True) + delta * v

    cf = c * fbar
    g = cf - pi * np.add.reduce(cf, axis=1, keepdims=True)  # sum c fbar phi
    scale = float(_total(g * g))
    w = _cg(lambda v: Fv(v, damping), g, cg_iters, 1e-20 * max(scale, 1e-300))
    opi = omega[:, None] * pi
    centred = fbar - np.einsum("sa,sa->s", pi, fbar)[:, None]
    slope = float(_total(opi * w * centred))  # grad L(theta)^T w, L = sum_s omega pi^T fbar
    wc = w - np.einsum("sa,sa->s", pi, w)[:, None]
    wFw = float(_total(opi * wc * wc))  # w^T (Hessian of the KL) w
    if not (wFw > 0 and slope > 0):
        return theta, LineSearchStep(eta=0.0, accepted=False, kl=0.0, gain=0.0, n_tried=0, tried_eta=np.zeros(0),
                                     tried_kl=np.zeros(0), tried_gain=np.zeros(0), eta_max=0.0, slope=slope)
    eta_max = math.sqrt(2.0 * max_kl / wFw)
    L0 = float(_total(opi * fbar))
    last = [None, None]  # (eta, log pi_{theta + eta w}) of the candidate being tried
    lsm = log_softmax_finite if bool(np.isfinite(w).all()) else log_softmax  # (theta is finite here)

    def logq(eta):
        if last[0] != eta:
            last[0], last[1] = eta, lsm(theta + eta * w, axis=-1)
        return last[1]

    def gain(eta):
        return float(_total(omega[:, None] * np.exp(logq(eta)) * fbar)) - L0

    def kl(eta):
        return _softmax_kl(logpi, logq(eta), omega)

    step = trpo_line_search(gain, kl, eta_max, slope, max_kl=max_kl, max_backtracks=max_backtracks,
                            accept_ratio=accept_ratio)
    return theta + step.eta * w, step


def _actor_steps_loop(theta, c, fbar, **kw):
    """:func:`_actor_step` for every step ``h`` in turn: new ``theta`` (H, S, A) and per-step eta, KL, accepted."""
    H = theta.shape[0]
    theta = theta.copy()
    e_t, k_t, a_t = np.zeros(H), np.zeros(H), np.zeros(H, dtype=bool)
    for h in range(H):
        theta[h], step = _actor_step(theta[h], c[h], c[h].sum(axis=1), fbar[h], **kw)
        e_t[h], k_t[h], a_t[h] = step.eta, step.kl, step.accepted
    return theta, e_t, k_t, a_t


def _actor_steps(theta, c, fbar, *, max_kl, damping, cg_iters, max_backtracks, accept_ratio):
    """:func:`_actor_steps_loop` with the ``H`` steps advanced together: the same values, bit for bit.

    Every step runs :func:`_actor_step`'s arithmetic on its slice of stacked (H, S, A) arrays (reductions
    over a slice's axes and the batched einsum sum each slice as the single-step calls do); CG iterations
    and line-search candidates run on the steps still active (not converged, not yet accepted), in
    :func:`_cg`'s and :func:`trpo_line_search`'s order. Non-finite logits or directions fall back to the loop.
    """
    kw = dict(max_kl=max_kl, damping=damping, cg_iters=cg_iters, max_backtracks=max_backtracks,
              accept_ratio=accept_ratio)
    if not bool(np.isfinite(theta).all()):
        return _actor_steps_loop(theta, c, fbar, **kw)
    H = theta.shape[0]
    omega = np.add.reduce(c, axis=2)
    logpi = log_softmax_finite(theta, axis=-1)
    pi = np.exp(logpi)

    def Fv(i, v):  # _actor_step's Fv(v, damping) for the steps i
        u = v - np.einsum("hsa,hsa->hs", pi[i], v)[..., None]
        cu = c[i] * u
        return cu - pi[i] * np.add.reduce(cu, axis=2, keepdims=True) + damping * v

    def tot(x):  # _total of each step's slice
        return np.add.reduce(x, axis=(1, 2))

    cf = c * fbar
    g = cf - pi * np.add.reduce(cf, axis=2, keepdims=True)
    tol = 1e-20 * np.maximum(tot(g * g), 1e-300)
    # _cg for every step: x0 = 0, r = p = g, stop when r.r < tol or p.Ap <= 0
    w = np.zeros_like(g)
    r, p = g.copy(), g.copy()
    rr = tot(r * r)
    live = np.ones(H, dtype=bool)
    for _ in range(cg_iters):
        live &= ~(rr < tol)
        i = np.flatnonzero(live)
        if i.size == 0:
            break
        Ap = Fv(i, p[i])
        pAp = tot(p[i] * Ap)
        bad = pAp <= 0.0
        live[i[bad]] = False
        i, Ap, pAp = i[~bad], Ap[~bad], pAp[~bad]
        if i.size == 0:
            break
        alpha = (rr[i] / pAp)[:, None, None]
        w[i] += alpha * p[i]
        r[i] -= alpha * Ap
        rr_new = tot(r[i] * r[i])
        p[i] = r[i] + (rr_new / rr[i])[:, None, None] * p[i]
        rr[i] = rr_new
    if not bool(np.isfinite(w).all()):
        return _actor_steps_loop(theta, c, fbar, **kw)
    opi = omega[..., None] * pi
    centred = fbar - np.einsum("hsa,hsa->hs", pi, fbar)[..., None]
    slope = tot(opi * w * centred)
    wc = w - np.einsum("hsa,hsa->hs", pi, w)[..., None]
    wFw = tot(opi * wc * wc)
    ok = (wFw > 0) & (slope > 0)  # else _actor_step returns theta unchanged (no step, eta 0)
    eta_max = np.zeros(H)
    eta_max[ok] = np.sqrt(2.0 * max_kl / wFw[ok])
    if not bool(np.isfinite(eta_max).all()):  # trpo_line_search rejects it: let the loop raise its error
        return _actor_steps_loop(theta, c, fbar, **kw)
    L0 = tot(opi * fbar)
    e_t, k_t, a_t = np.zeros(H), np.zeros(H), np.zeros(H, dtype=bool)
    todo = ok.copy()
    for k in range(max_backtracks):  # trpo_line_search, candidates eta_max 2^-k
        i = np.flatnonzero(todo)
        if i.size == 0:
            break
        eta = eta_max[i] * 0.5 ** k
        logq = log_softmax_finite(theta[i] + eta[:, None, None] * w[i], axis=-1)
        d_kl = np.add.reduce(omega[i] * np.add.reduce(np.exp(logpi[i]) * (logpi[i] - logq), axis=2), axis=1)
        gain = tot(omega[i][..., None] * np.exp(logq) * fbar[i]) - L0[i]
        acc = (d_kl <= max_kl) & (gain > 0.0) & (gain >= accept_ratio * eta * slope[i])
        j = i[acc]
        e_t[j], k_t[j], a_t[j] = eta[acc], d_kl[acc], True
        todo[j] = False
    new = theta.copy()
    new[ok] = theta[ok] + e_t[ok][:, None, None] * w[ok]
    return new, e_t, k_t, a_t


def sample_finite_horizon_episodes(fh_mdp, pi, n: int, rng):
    r"""``n`` episodes of a non-stationary policy in a finite-horizon MDP (vectorised NumPy, inverse-CDF draws).

    :math:`s_0\sim\rho`, :math:`a_h\sim\pi_h(\cdot|s_h)`, :math:`r_h = r_h(s_h,a_h)` (the model's expected
    reward), :math:`s_{h+1}\sim P_h(\cdot|s_h,a_h)`. So the pairs at step ``h`` have law
    :math:`d_h^\pi(s)\pi_h(a|s)` and the reward-to-go :math:`\sum_{k\ge h}r_k` has conditional mean
    :math:`Q_h^\pi(s_h,a_h)` (tested). The estimator engine samples stationary policies only, hence this
    sampler for the per-step policies of Algorithm 4.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    pi : array, shape (H, S, A) or (S, A)
    n : int
        Episodes (>= 1).
    rng : Generator or seed

    Returns
    -------
    (states, actions, rewards)
        Arrays of shape (n, H): int64, int64, float64.
    """
    fh = _check_fh(fh_mdp)
    pi = _fh_policy(fh, pi)
    n = check_positive_int(n, "n")
    return _sample_fh_episodes(fh, pi, n, np.random.default_rng(rng))


def _sample_fh_episodes(fh, pi, n, rng):
    """n episodes of the non-stationary policy pi (H, S, A): states, actions (n, H) and rewards (n, H).

    Inverse-CDF draws in the order start states (n), then per step the actions (n) and the next states
    (n): a fixed count, drawn in one block (the same doubles as one draw per purpose and step)."""
    H, S, A = fh.H, fh.S, fh.A
    U = rng.random(n * (1 + 2 * H))
    rho_cum = np.cumsum(fh.rho)
    st, ac, rw = np.empty((n, H), np.int64), np.empty((n, H), np.int64), np.empty((n, H))
    pic = np.cumsum(pi, axis=-1)
    Pc = np.cumsum(fh.P, axis=-1)
    s = np.minimum(np.searchsorted(rho_cum, U[:n], side="right"), S - 1)
    for h in range(H):
        o = n * (1 + 2 * h)
        a = np.minimum((U[o:o + n][:, None] > pic[h, s]).sum(axis=1), A - 1)
        st[:, h], ac[:, h], rw[:, h] = s, a, fh.r[h, s, a]
        s = np.minimum((U[o + n:o + 2 * n][:, None] > Pc[h, s, a]).sum(axis=1), S - 1)
    return st, ac, rw


_PRACTICAL_MODES = ("hybrid", "on_policy")


def _practical_common(fh, T, lam, mode, max_kl, damping, cg_iters, max_backtracks, accept_ratio):
    T = check_positive_int(T, "T")
    lam = _check_lam(lam)
    if mode not in _PRACTICAL_MODES:
        raise ValidationError(f"mode must be one of {_PRACTICAL_MODES} (hybrid HNPG or the on-policy TRPO baseline); "
                              f"got {mode!r}.")
    for v, n in ((max_kl, "max_kl"),):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (math.isfinite(v) and v > 0):
            raise ValidationError(f"{n} must be a finite number > 0 (Table 1: 1e-2); got {v!r}.")
    if isinstance(damping, bool) or not isinstance(damping, numbers.Real) or not (math.isfinite(damping)
                                                                                  and damping >= 0):
        raise ValidationError(f"damping must be a finite number >= 0 (Table 1: 0.1); got {damping!r}.")
    if not (isinstance(accept_ratio, numbers.Real) and 0.0 <= accept_ratio < 1.0):
        raise ValidationError(f"accept_ratio must be in [0, 1); got {accept_ratio!r}.")
    return (T, lam, check_positive_int(cg_iters, "cg_iters"), check_positive_int(max_backtracks, "max_backtracks"))


def _fh_objective(fh, pi) -> float:
    r"""``finite_horizon_evaluation(fh, pi).certificate["objective"]`` (the same recursion and arithmetic) without
    its validation and its Solution: :math:`\rho^\top V_0^\pi` for a policy ``pi`` (H, S, A) built here."""
    V = np.zeros(fh.S)
    for h in range(fh.H - 1, -1, -1):
        V = np.einsum("sa,sa->s", pi[h], fh.r[h] + fh.P[h] @ V)
    return float(fh.rho @ V)


def _run_practical(fh, T, critic, *, lam, mode, max_kl, damping, cg_iters, max_backtracks, accept_ratio, target,
                   algorithm, params, sample_unit):
    """The loop of Algorithm 4 shared by the exact and sampled variants: ``critic(pi, f_prev)`` returns
    (f, c, n_samples) with f (H, S, A) the FHPE critic and c (H, S, A) the regression-pair weights."""
    H, S, A = fh.H, fh.S, fh.A
    v_star = float(fh.rho @ backward_induction(fh).V[0])
    theta = np.zeros((H, S, A))
    f = np.zeros((H, S, A))
    reg, sub, used, etas, kls, acc = [], [], [], [], [], []
    cum, n_used, reached = 0.0, 0, False
    t0 = time.perf_counter()
    for _ in range(T):
        pi = np.exp((log_softmax_finite if bool(np.isfinite(theta).all()) else log_softmax)(theta, axis=-1))
        gap = v_star - _fh_objective(fh, pi)
        cum += gap
        reg.append(cum)
        sub.append(gap)
        if target is not None and gap <= target:
            used.append(n_used)
            etas.append(np.zeros(H))
            kls.append(np.zeros(H))
            acc.append(np.zeros(H, dtype=bool))
            reached = True
            break
        f, c, n = critic(pi, f)
        n_used += n
        used.append(n_used)
        fbar = f - np.einsum("hsa,hsa->hs", pi, f)[..., None]
        theta, e_t, k_t, a_t = _actor_steps(theta, c, fbar, max_kl=max_kl, damping=damping, cg_iters=cg_iters,
                                            max_backtracks=max_backtracks, accept_ratio=accept_ratio)
        etas.append(e_t)
        kls.append(k_t)
        acc.append(a_t)
    it = np.arange(1, len(reg) + 1)
    return Trace(iterations=it, samples=np.asarray(used, dtype=np.int64),
                 metrics={"regret": np.asarray(reg), "suboptimality": np.asarray(sub), "eta": np.asarray(etas),
                          "kl": np.asarray(kls), "accepted": np.asarray(acc)},
                 algorithm=algorithm,
                 params={**params, "T": T, "lam": lam, "mode": mode, "max_kl": max_kl, "damping": damping,
                         "cg_iters": cg_iters, "max_backtracks": max_backtracks, "accept_ratio": accept_ratio,
                         "H": H, "seconds": time.perf_counter() - t0},
                 sample_unit=sample_unit,
                 final={"theta": theta, "pi": np.exp(log_softmax(theta, axis=-1)), "f": f, "reached": reached,
                        "v_star": v_star})


def hnpg_practical_exact(fh_mdp, nu, T: int, *, lam: float = 1.0, mode: str = "hybrid", max_kl: float = 1e-2,
                         damping: float = 0.1, cg_iters: int = 10, max_backtracks: int = 10,
                         accept_ratio: float = 0.1, target: float | None = None) -> Trace:
    r"""Algorithm 4 (practical HNPG, finite horizon) with population losses: exact FHPE critic, exact weights.

    Round ``t``: :math:`f^t` = :func:`fhpe_population` (Algorithm 5, eq. 49); per step ``h``, the
    compatible regression of eq. (48) in expectation,

    .. math::

        w_h \in \arg\min_w \sum_{s,a} c_h(s,a)\,(w^\top\phi_h(s,a) - \bar f_h(s,a))^2,\qquad
        c_h = \frac{\nu_h + \lambda d_h^{\pi^t}}{1+\lambda},\quad \bar f_h = f_h - \mathbb E_{a\sim\pi_h}f_h,

    is solved by ``cg_iters`` conjugate-gradient steps on its normal equations with ``damping``
    added (Table 1: damping 0.1), and :math:`\theta_h \leftarrow \theta_h + \eta_h w_h` with
    :math:`\eta_h` from :func:`trpo_line_search` (eq. 50) on the surrogate
    :math:`L_h(\theta') = \sum_s\omega_h(s)\sum_a\pi_{\theta'}(a|s)\bar f_h(s,a)` and
    :math:`KL_h = \sum_s\omega_h(s)KL(\pi_{\theta_h}(\cdot|s)\|\pi_{\theta'}(\cdot|s))`,
    :math:`\omega_h(s)=\sum_a c_h(s,a)` (the authors' code averages both over the on-policy and the
    offline states). ``mode="on_policy"`` is the TRPO baseline: :math:`c_h = d_h^{\pi^t}` and a
    Monte-Carlo critic (:math:`\nu` unused).

    With ``damping=0``, enough CG steps and full support, :math:`w_h = \bar f_h` up to a per-state
    constant, so each step is the NPG closed form :math:`\pi_h^{t+1}\propto\pi_h^t\exp(\eta_h A_h^{\pi^t})`
    (finite horizon: no :math:`1/(1-\gamma)`).

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    nu : array, shape (H, S, A) or (S, A)
        Offline distribution per step.
    T : int
        Rounds.
    lam : float
        On-policy weight (> 0; Table 1: 1).
    mode : {"hybrid", "on_policy"}
    max_kl, damping : float
        Trust region and CG damping (Table 1: 1e-2 and 0.1).
    cg_iters, max_backtracks : int
        CG steps and line-search candidates (authors' code: 10 and 10).
    accept_ratio : float
        Line-search improvement ratio (code: 0.1).
    target : float, optional
        Stop once :math:`V^*_0(\rho)-V^{\pi^t}_0(\rho)\le` ``target``.

    Returns
    -------
    Trace
        metrics per round ``"regret"``, ``"suboptimality"`` (exact values), ``"eta"``, ``"kl"``,
        ``"accepted"`` (shape (rounds, H): the line search per step); ``final``: ``theta``, ``pi``,
        ``f``, ``reached``, ``v_star``.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, App. E.3: Algorithm 4, eqs. (48)-(50), Table 1; authors'
    code github.com/YifeiZhou02/HNPG (``trpo.py``) for CG and the backtracking details.
    """
    fh = _check_fh(fh_mdp)
    nu = _check_fh_nu(fh, nu) if mode == "hybrid" else None
    T, lam, cg_iters, max_backtracks = _practical_common(fh, T, lam, mode, max_kl, damping, cg_iters, max_backtracks,
                                                         accept_ratio)

    def critic(pi, f_prev):
        if mode == "hybrid":
            tr = fhpe_population(fh, pi, nu, lam, f_init=f_prev)
            return tr.final["f"], (nu + lam * tr.final["d"]) / (1.0 + lam), 0
        d = finite_horizon_occupancy(fh, pi, state_action=True)
        Q = finite_horizon_evaluation(fh, pi).Q
        return np.where(d > 0, Q, f_prev), d, 0

    return _run_practical(fh, T, critic, lam=lam, mode=mode, max_kl=float(max_kl), damping=float(damping),
                          cg_iters=cg_iters, max_backtracks=max_backtracks, accept_ratio=float(accept_ratio),
                          target=target, algorithm=f"hnpg_practical_exact_{mode}", params={},
                          sample_unit="none (population losses)")


hnpg_practical_exact.__citation__ = ("zhou2023.thm2_complete",)


def hnpg_practical(fh_mdp, T: int, *, m_on: int, m_off: int, nu=None, offline_data=None, lam: float = 1.0,
                   mode: str = "hybrid", max_kl: float = 1e-2, damping: float = 0.1, cg_iters: int = 10,
                   max_backtracks: int = 10, accept_ratio: float = 0.1, rng=None, target: float | None = None) -> Trace:
    r"""Algorithm 4 (practical HNPG, finite horizon) with sampled data: FHPE (Algorithm 5) on fresh batches.

    Round ``t``: ``m_on`` episodes of :math:`\pi^t` give :math:`D_{on}^h = \{(s_h,a_h,y_h)\}` with the
    Monte-Carlo reward-to-go :math:`y_h=\sum_{k\ge h}r_k` (unbiased for :math:`Q_h^{\pi^t}`, the code's
    ``returns`` with :math:`\gamma=1`); :math:`D_{off}^h` holds ``m_off`` tuples :math:`(s,a,r,s')` per step,
    drawn from :math:`\nu_h` or resampled with replacement from ``offline_data`` (the code's per-step
    buffers). FHPE (eq. 49) over the tabular class is, per pair, the weighted mean

    .. math::

        f_h(s,a) = \frac{\frac1{m_{off}}\sum_{D_{off}^h(s,a)}(r + \mathbb E_{a'\sim\pi_{h+1}}f_{h+1}(s',a'))
                        + \frac{\lambda}{m_{on}}\sum_{D_{on}^h(s,a)}y}
                       {\frac{n^h_{off}(s,a)}{m_{off}} + \frac{\lambda\,n^h_{on}(s,a)}{m_{on}}}

    (unseen pairs keep the previous round's critic), then the actor step of
    :func:`hnpg_practical_exact` with the empirical weights
    :math:`c_h = (\hat\nu_h + \lambda\hat d_h)/(1+\lambda)` of the two batches. The surrogate and KL sum
    over actions exactly (tabular critic) instead of importance-weighting the sampled action.
    Episodes are drawn by a vectorised NumPy sampler (the estimator engine samples stationary
    policies; these are per-step).

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    T : int
        Rounds.
    m_on, m_off : int
        Online episodes and offline tuples per step, per round (the code: batch 1000 and
        ``len(rewards) // H`` per step).
    nu : array, shape (H, S, A) or (S, A), optional
        Offline distribution per step (fresh tuples every round).
    offline_data : tuple (h, s, a, r, s_next), optional
        A fixed offline dataset (validated by :func:`check_offline_steps`).
    lam, mode, max_kl, damping, cg_iters, max_backtracks, accept_ratio, target
        As in :func:`hnpg_practical_exact`.
    rng : Generator or seed

    Returns
    -------
    Trace
        As :func:`hnpg_practical_exact`; ``samples`` = cumulative online episodes.

    Raises
    ------
    pgtheory.errors.ValidationError
        Bad ``lam``, ``mode``, ``max_kl``, ``damping``, both or neither of ``nu`` / ``offline_data``
        in hybrid mode, or offline data outside the MDP.

    References
    ----------
    Zhou et al. (2023), arXiv:2311.08384, App. E.3: Algorithms 4-5, eqs. (48)-(50), Table 1; authors'
    code github.com/YifeiZhou02/HNPG (``trpo.py``: per-step critic and TRPO updates).
    """
    fh = _check_fh(fh_mdp)
    T, lam, cg_iters, max_backtracks = _practical_common(fh, T, lam, mode, max_kl, damping, cg_iters, max_backtracks,
                                                         accept_ratio)
    m_on = check_positive_int(m_on, "m_on")
    data = None
    if mode == "hybrid":
        if (nu is None) == (offline_data is None):
            raise ValidationError("pass exactly one of nu (offline distribution per step) or offline_data (fixed "
                                  "tuples (h, s, a, r, s_next)) for mode='hybrid'.")
        m_off = check_positive_int(m_off, "m_off")
        if nu is not None:
            nu = _check_fh_nu(fh, nu)
            nu_c = np.cumsum(nu.reshape(fh.H, -1), axis=1)
        else:
            data = check_offline_steps(fh, offline_data)
            by_h = [np.flatnonzero(data[0] == h) for h in range(fh.H)]
    rng = np.random.default_rng(rng)
    H, S, A = fh.H, fh.S, fh.A
    SA = S * A
    Pc = np.cumsum(fh.P, axis=-1)

    hs = np.arange(H)

    def critic(pi, f_prev):
        # FHPE (eq. 49) backwards in h. What does not depend on f_{h+1} -- the on-policy sums and counts, and
        # with nu the offline tuples, drawn here in one block in the loop's order (step H-1 first: pairs, then
        # next states) -- is formed for every step at once; bincount adds each bin's terms in input order, so
        # the sums are bitwise the per-step ones. The offline targets r + V_{h+1}(s') stay in the loop.
        st, ac, rw = _sample_fh_episodes(fh, pi, m_on, rng)
        y = np.cumsum(rw[:, ::-1], axis=1)[:, ::-1]  # reward-to-go
        idx_on = (st * A + ac).T  # (H, m_on): step h's pairs in sample order
        num_on = lam * _binned(idx_on, y.T, H, SA) / m_on
        den = lam * _binned(idx_on, None, H, SA) / m_on
        f = f_prev.copy()
        if mode != "hybrid":
            c = (den / lam).reshape(H, S, A)
            f = np.where(den > 0, num_on / np.where(den > 0, den, 1.0), f.reshape(H, SA)).reshape(H, S, A)
            return f, c, m_on
        if data is None:
            U = rng.random(2 * H * m_off).reshape(H, 2, m_off)[::-1]  # row h: step h's (pair, next-state) uniforms
            # searchsorted(nu_c[h], u, "right") on the nondecreasing cumulative sums = the count of entries <= u
            flat = np.minimum((nu_c[:, None, :] <= U[:, 0, :, None]).sum(axis=2), SA - 1)
            so, ao = flat // A, flat % A
            s2_all = np.minimum((U[:, 1, :, None] > Pc[hs[:, None], so, ao]).sum(axis=2), S - 1)
            ro_all = fh.r[hs[:, None], so, ao]
            idx_off_all = so * A + ao
            den = den + _binned(idx_off_all, None, H, SA) / m_off
        c = np.zeros((H, S, A))
        v_next = np.zeros(S)
        for h in range(H - 1, -1, -1):
            if data is None:
                idx_off, ro, s2 = idx_off_all[h], ro_all[h], s2_all[h]
                den_h = den[h]
            else:
                pick = by_h[h][rng.integers(0, by_h[h].size, size=m_off)]
                so, ao, ro, s2 = data[1][pick], data[2][pick], data[3][pick], data[4][pick]
                idx_off = so * A + ao
                den_h = den[h] + np.bincount(idx_off, minlength=SA) / m_off
            num = num_on[h] + np.bincount(idx_off, weights=ro + v_next[s2], minlength=SA) / m_off
            c[h] = (den_h / (1.0 + lam)).reshape(S, A)
            f[h] = np.where(den_h > 0, num / np.where(den_h > 0, den_h, 1.0), f[h].reshape(-1)).reshape(S, A)
            v_next = np.einsum("sa,sa->s", pi[h], f[h])
        return f, c, m_on

    return _run_practical(fh, T, critic, lam=lam, mode=mode, max_kl=float(max_kl), damping=float(damping),
                          cg_iters=cg_iters, max_backtracks=max_backtracks, accept_ratio=float(accept_ratio),
                          target=target, algorithm=f"hnpg_practical_{mode}",
                          params={"m_on": m_on, "m_off": m_off if mode == "hybrid" else 0},
                          sample_unit="online episodes")


hnpg_practical.__citation__ = ("zhou2023.thm2_complete",)
