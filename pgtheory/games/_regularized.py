r"""Exact :math:`\beta`-regularised Nash equilibria of preference games, with certificates.

Convention (Munos et al. 2023, arXiv:2312.00886, Eq. (2); the same game is used by Nash-MP,
arXiv:2505.19731v1, and EGPO, arXiv:2503.08942): for a reference policy :math:`\mu` with full
support and :math:`\beta > 0`,

.. math::

    P_\beta(\pi \succ \pi') = P(\pi \succ \pi') - \beta\,\mathrm{KL}(\pi\|\mu)
        + \beta\,\mathrm{KL}(\pi'\|\mu),

the row player maximises over :math:`\pi`, the column player minimises over :math:`\pi'`.
The game is symmetric and strongly concave-convex, so it has a unique equilibrium
:math:`(\pi^*_\beta, \pi^*_\beta)`, characterised by the fixed point

.. math::

    \pi^*_\beta = \mathrm{BR}(\pi^*_\beta), \qquad
    \mathrm{BR}(\pi) = \operatorname*{argmax}_{\pi'} P_\beta(\pi' \succ \pi)
       \propto \mu \exp(P\pi/\beta).

**Certificate.** Because :math:`\pi^\top P\pi = 1/2` for every :math:`\pi`, the duality gap
(exploitability) of the symmetric profile :math:`(\pi, \pi)` has the closed form

.. math::

    \mathrm{gap}(\pi) = \max_{\pi'} P_\beta(\pi' \succ \pi) - \min_{\pi'} P_\beta(\pi \succ \pi')
      = 2\beta\,\mathrm{KL}(\pi \,\|\, \mathrm{BR}(\pi)) \ \ge 0,

which is computed without cancellation. It is convex in :math:`\pi` and zero only at
:math:`\pi^*_\beta`. The contextual game separates over prompts and its gap is
:math:`\mathbb E_{x\sim\rho}` of the per-prompt gaps.

**Solver.** Newton's method on :math:`G(\theta) = \theta - \log\mathrm{BR}(e^\theta)` in
log-probabilities :math:`\theta = \log\pi` (so tiny masses of :math:`\mu` and of the
equilibrium are represented exactly), with a backtracking line search on :math:`\|G\|_2`.
When the plain Newton iteration stalls (small :math:`\beta`, where :math:`\theta \mapsto
\log\mathrm{BR}(e^\theta)` is far from contractive), it falls back to continuation in
:math:`\beta` from :math:`\max(\beta, 1)` down to :math:`\beta`, warm-starting each stage.
Stopping rule: :math:`\|G\|_\infty \le 8\,\epsilon_{\rm mach}(1 + \|\log\mu\|_\infty + 1/\beta)`
(the rounding floor of evaluating :math:`G`). A second, independent method is
:func:`regularized_nash_cvxpy` (the convex program :math:`\min_\pi \mathrm{gap}(\pi)`).
"""

from __future__ import annotations

import dataclasses
import logging
import warnings

import numpy as np

from .._math import log_softmax
from .._validate import as_float_array, check_distribution, check_positive, check_positive_int
from ..errors import ConvergenceWarning, ShapeError, SolverError, ValidationError
from ..results import ResultMixin
from ._preference import ContextualPreferenceGame, PreferenceGame

__all__ = [
    "RegularizedNashEquilibrium",
    "regularized_nash",
    "regularized_nash_cvxpy",
    "best_response",
    "duality_gap",
    "regularized_preference",
    "kl_to_equilibrium",
    "span_seminorm",
    "prepare_regularized_game",
    "as_log_policy",
    "kl_rows",
    "duality_gap_rows",
]

logger = logging.getLogger(__name__)
_EPS = np.finfo(np.float64).eps


# ----------------------------------------------------------------------------- validation
def prepare_regularized_game(game, beta, mu):
    """Validate a regularised preference game; the arrays the Nash iterations run on.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
        KL-regularisation strength, > 0.
    mu : array, shape (n,) or (X, n), optional
        Reference policy (default uniform).

    Returns
    -------
    tuple
        ``(A, rho, log_mu, beta, contextual)``: preference matrices ``A`` (X, n, n), context
        weights ``rho`` (X,), reference log-probabilities ``log_mu`` (X, n), the checked ``beta``, and
        whether the game is contextual.
    """
    if not isinstance(game, (PreferenceGame, ContextualPreferenceGame)):
        raise ValidationError(f"game must be a PreferenceGame or ContextualPreferenceGame; got {type(game).__name__}. "
                              f"Fix: wrap the matrix, e.g. PreferenceGame(P).")
    beta = check_positive(beta, "beta")
    contextual = isinstance(game, ContextualPreferenceGame)
    cg = game.as_contextual()
    X, n = cg.n_contexts, cg.n
    if mu is None:
        mu_arr = np.full((X, n), 1.0 / n)
    else:
        mu_arr = check_distribution(mu, "mu", positive=True)
        if mu_arr.shape == (n,):
            mu_arr = np.broadcast_to(mu_arr, (X, n))
        elif mu_arr.shape != (X, n):
            raise ShapeError(f"mu must have shape ({n},){' or (' + str(X) + ', ' + str(n) + ')' if contextual else ''}; "
                             f"got {mu_arr.shape}.")
    log_mu = np.log(mu_arr)
    log_mu = log_mu - np.log(np.sum(mu_arr, axis=-1, keepdims=True))  # exact renormalisation in log space
    return cg.A, cg.rho, np.ascontiguousarray(log_mu), beta, contextual


def as_log_policy(pi, X: int, n: int, name: str = "pi") -> np.ndarray:
    """Validate a policy of shape (n,) or (X, n) and return its log-probabilities (X, n).

    Parameters
    ----------
    pi : array, shape (n,) or (X, n)
        Rows are distributions.
    X, n : int
        Numbers of contexts and responses.
    name : str
        Name used in error messages.

    Returns
    -------
    array, shape (X, n)
    """
    arr = check_distribution(pi, name)
    if arr.shape == (n,) and X == 1:
        arr = arr[None]
    if arr.shape != (X, n):
        raise ShapeError(f"{name} must have shape ({n},) or ({X}, {n}); got {arr.shape}.")
    with np.errstate(divide="ignore"):
        return np.log(arr)


# ----------------------------------------------------------------------------- kernels (private, pure)
def _log_br(A, log_mu, beta, theta):
    """log BR(pi) for log-policies theta[X, n] (A[X, n, n], log_mu[X, n])."""
    pi = np.exp(theta)
    z = log_mu + np.einsum("xij,xj->xi", A, pi) / beta
    return log_softmax(z, axis=-1)


def kl_rows(log_p, log_q):
    r"""Row-wise :math:`\mathrm{KL}(p\|q)` from log-probabilities, with :math:`0\log 0 = 0`.

    Parameters
    ----------
    log_p, log_q : array, shape (..., n)
        Log-probabilities (``-inf`` allowed where the probability is 0).

    Returns
    -------
    array, shape (...)
    """
    p = np.exp(log_p)
    with np.errstate(invalid="ignore"):
        t = np.where(p > 0, p * (log_p - log_q), 0.0)
    return t.sum(axis=-1)


def duality_gap_rows(A, log_mu, beta, theta):
    r"""Per-prompt regularised duality gap :math:`2\beta\,\mathrm{KL}(\pi\|\mathrm{BR}(\pi))`.

    Parameters
    ----------
    A : array, shape (X, n, n)
        Preference matrices.
    log_mu : array, shape (X, n)
        Reference log-probabilities.
    beta : float
        Regularisation strength.
    theta : array, shape (X, n)
        Log-probabilities of the policy.

    Returns
    -------
    array, shape (X,)
    """
    return 2.0 * beta * kl_rows(theta, _log_br(A, log_mu, beta, theta))


def _newton_single(A, log_mu, beta, theta0, max_iter):
    """Damped Newton on G(theta) = theta - log BR(exp theta) for one prompt; returns (theta, it, ok)."""
    n = log_mu.shape[0]
    scale = 1.0 + np.max(np.abs(log_mu)) + 1.0 / beta
    tol, loose = 8 * _EPS * scale, 1e3 * _EPS * scale
    Ab = A / beta

    def G_of(th):
        return th - log_softmax(log_mu + Ab @ np.exp(th))

    th = log_softmax(theta0)
    G = G_of(th)
    g = np.linalg.norm(G)
    for it in range(max_iter):
        if np.max(np.abs(G)) <= tol:
            return th, it, True
        pi = np.exp(th)
        s = np.exp(log_softmax(log_mu + Ab @ pi))
        # D log BR = (I - 1 s^T) (A / beta) (diag(pi) - pi pi^T)
        M = Ab * pi[None, :] - np.outer(Ab @ pi, pi)
        DT = M - np.outer(np.ones(n), s @ M)
        try:
            d = np.linalg.solve(np.eye(n) - DT, -G)
        except np.linalg.LinAlgError:
            return th, it, False
        t = 1.0
        while t > 1e-12:
            th_new = log_softmax(th + t * d)
            G_new = G_of(th_new)
            g_new = np.linalg.norm(G_new)
            if g_new < (1.0 - 1e-4 * t) * g:
                break
            t *= 0.5
        else:
            return th, it, bool(np.max(np.abs(G)) <= loose)
        th, G, g = th_new, G_new, g_new
    return th, max_iter, bool(np.max(np.abs(G)) <= loose)


def _solve_single(A, log_mu, beta, max_iter):
    """Newton, with continuation in beta as fallback. Returns (theta, iterations, ok, stages)."""
    th, it, ok = _newton_single(A, log_mu, beta, log_mu, max_iter)
    if ok:
        return th, it, True, 0
    total, stages = it, 0
    b_prev = b = max(beta, 1.0)
    th = log_softmax(log_mu)
    ratio = 0.5
    while stages < 400:
        th_new, it, ok = _newton_single(A, log_mu, b, th, max_iter)
        total += it
        stages += 1
        if ok:
            th = th_new
            if b == beta:
                return th, total, True, stages
            b_prev, b = b, max(beta, b * ratio)
        else:  # step back half-way (geometrically) and shorten the ratio
            b = b_prev * (b / b_prev) ** 0.5
            ratio = ratio ** 0.5
    return th, total, False, stages


# ----------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, repr=False)
class RegularizedNashEquilibrium(ResultMixin):
    r"""The :math:`\beta`-regularised Nash equilibrium of a preference game with its certificate.

    Attributes
    ----------
    pi : ndarray, shape (n,) or (X, n)
        Equilibrium policy :math:`\pi^*_\beta` (per prompt for contextual games).
    log_pi : ndarray, same shape
        Its log-probabilities (exact even where ``pi`` underflows).
    beta : float
    mu : ndarray, same shape
        Reference policy used.
    gap : float
        Certificate: duality gap (exploitability) ``2 beta KL(pi || BR(pi))`` averaged over
        prompts; 0 up to rounding (may be ``-O(eps)``).
    residual : float
        ``max |log pi - log BR(pi)|`` (fixed-point residual in log space).
    iterations : int
        Newton iterations (all continuation stages).
    converged : bool
    method : str
    value : float
        Game value :math:`P_\beta(\pi^* \succ \pi^*) = 1/2`, recomputed as a check.
    certificate : dict
        ``{"gap_per_prompt": ..., "continuation_stages": ...}``.
    """

    pi: np.ndarray
    log_pi: np.ndarray
    beta: float
    mu: np.ndarray
    gap: float
    residual: float
    iterations: int
    converged: bool
    method: str
    value: float = 0.5
    certificate: dict = dataclasses.field(default_factory=dict)


def regularized_nash(game, beta, mu=None, *, max_iter: int = 100) -> RegularizedNashEquilibrium:
    r"""The exact :math:`\beta`-regularised Nash equilibrium of a (contextual) preference game.

    Solves :math:`\pi = \mathrm{BR}(\pi) \propto \mu\exp(P\pi/\beta)` per prompt by damped
    Newton in log-probabilities, with continuation in :math:`\beta` as a fallback (see the
    module docstring), to the float64 rounding floor (residual :math:`\approx 10^{-15}`-
    :math:`10^{-13}` in log space; duality gap :math:`\le 10^{-14}` in practice).

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
        Regularisation :math:`\beta > 0`.
    mu : array_like, shape (n,) or (X, n), optional
        Reference policy with full support (default uniform). Entries may be tiny (``1e-300``)
        but not zero.
    max_iter : int
        Newton iterations per stage.

    Returns
    -------
    RegularizedNashEquilibrium

    Raises
    ------
    ValidationError
        ``beta <= 0``; InvalidProbabilityError if ``mu`` has zeros or does not sum to one.

    Warns
    -----
    ConvergenceWarning
        If a prompt did not meet the stopping rule (``converged`` is then False).

    References
    ----------
    Munos et al., *Nash Learning from Human Feedback*, arXiv:2312.00886, Eq. (2) and Sec. 4
    (uniqueness of the regularised equilibrium).
    """
    A, rho, log_mu, beta, contextual = prepare_regularized_game(game, beta, mu)
    max_iter = check_positive_int(max_iter, "max_iter")
    X, n = log_mu.shape
    theta = np.empty((X, n))
    iters, ok_all, stages = 0, True, []
    for x in range(X):
        th, it, ok, st = _solve_single(A[x], log_mu[x], beta, max_iter)
        theta[x], iters, ok_all = th, iters + it, ok_all and ok
        stages.append(st)
    if not ok_all:
        warnings.warn("regularized_nash: Newton with continuation did not reach the rounding floor; "
                      "the returned certificate says how far it is.", ConvergenceWarning, stacklevel=2)
    gaps = duality_gap_rows(A, log_mu, beta, theta)
    residual = float(np.max(np.abs(theta - _log_br(A, log_mu, beta, theta))))
    pi = np.exp(theta)
    value = float(np.sum(rho * np.einsum("xi,xij,xj->x", pi, game.as_contextual().P, pi)))
    squeeze = (lambda a: a) if contextual else (lambda a: a[0])
    return RegularizedNashEquilibrium(
        pi=squeeze(pi), log_pi=squeeze(theta), beta=beta, mu=squeeze(np.exp(log_mu)),
        gap=float(np.sum(rho * gaps)), residual=residual, iterations=int(iters), converged=bool(ok_all),
        method="newton-logspace" + ("+continuation" if any(stages) else ""), value=value,
        certificate={"gap_per_prompt": gaps, "continuation_stages": stages})


def regularized_nash_cvxpy(game, beta, mu=None, *, solver: str | None = None) -> np.ndarray:
    r"""Second, independent method: the equilibrium as the minimiser of a convex program (CVXPY).

    Solves, per prompt,

    .. math::

        \min_{\pi\in\Delta}\ \beta\log\sum_y \mu(y)\, e^{(P\pi)_y/\beta} + \beta\,\mathrm{KL}(\pi\|\mu),

    whose optimal value is :math:`1/2` and whose minimiser is :math:`\pi^*_\beta` (the
    objective equals :math:`(1 + \mathrm{gap}(\pi))/2`, convex as a max of affine functions plus
    KL). Accuracy is that of the conic solver (about ``1e-7``), so use it to cross-check
    :func:`regularized_nash`, not to replace it.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    mu : array_like, optional
        Full-support reference policy (default uniform).
    solver : str, optional
        CVXPY solver name (default: CVXPY's choice for exponential cones).

    Returns
    -------
    ndarray, shape (n,) or (X, n)

    Raises
    ------
    pgtheory.errors.SolverError
        When the solver returns no solution (status other than ``optimal`` /
        ``optimal_inaccurate``); the message gives the status, the prompt and the fix.

    Warns
    -----
    pgtheory.errors.ConvergenceWarning
        When the solver stopped with ``optimal_inaccurate`` on some prompts (named): the result may
        be less accurate than the solver's usual tolerance; check it with :func:`duality_gap`.
    """
    import cvxpy as cp  # lazy: optional cvxpy

    A, rho, log_mu, beta, contextual = prepare_regularized_game(game, beta, mu)
    X, n = log_mu.shape
    out = np.empty((X, n))
    inaccurate = []
    for x in range(X):
        mu_x = np.exp(log_mu[x])
        p = cp.Variable(n, nonneg=True)
        obj = beta * cp.log_sum_exp(log_mu[x] + (A[x] @ p) / beta) + beta * cp.sum(cp.rel_entr(p, mu_x))
        prob = cp.Problem(cp.Minimize(obj), [cp.sum(p) == 1])
        with warnings.catch_warnings():  # CVXPY's generic note; said below with the prompt and the fix
            warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
            prob.solve(solver=solver)
        if prob.status not in ("optimal", "optimal_inaccurate") or p.value is None:
            raise SolverError(f"regularized_nash_cvxpy: CVXPY returned status {prob.status!r} for prompt {x} "
                              f"(n={n}, beta={beta:g}). Fix: try another conic solver (solver='SCS' or "
                              f"'CLARABEL'), or use regularized_nash (Newton), which does not need one.")
        if prob.status == "optimal_inaccurate":
            inaccurate.append(x)
        v = np.clip(p.value, 0.0, None)
        out[x] = v / v.sum()
    if inaccurate:
        warnings.warn(f"regularized_nash_cvxpy: the conic solver stopped with status 'optimal_inaccurate' on "
                      f"prompt(s) {inaccurate}; the result may miss its usual ~1e-7 accuracy. Check it with "
                      f"duality_gap, or try another solver (solver='SCS' or 'CLARABEL').",
                      ConvergenceWarning, stacklevel=2)
    return out if contextual else out[0]


# ----------------------------------------------------------------------------- certificates / metrics
def best_response(game, pi, beta, mu=None) -> np.ndarray:
    r"""Closed-form regularised best response :math:`\mathrm{BR}(\pi) \propto \mu\exp(P\pi/\beta)`.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    pi : array_like, shape (n,) or (X, n)
        Opponent policy.
    beta : float
    mu : array_like, optional
        Full-support reference policy (default uniform).

    Returns
    -------
    ndarray, same shape as ``pi``
        :math:`\operatorname{argmax}_{\pi'} P(\pi'\succ\pi) - \beta\mathrm{KL}(\pi'\|\mu)`.
    """
    A, rho, log_mu, beta, contextual = prepare_regularized_game(game, beta, mu)
    theta = as_log_policy(pi, *log_mu.shape)
    br = np.exp(_log_br(A, log_mu, beta, theta))
    return br if contextual else br[0]


def regularized_preference(game, pi, pi_prime, beta, mu=None) -> float:
    r""":math:`P_\beta(\pi\succ\pi') = P(\pi\succ\pi') - \beta\mathrm{KL}(\pi\|\mu) + \beta\mathrm{KL}(\pi'\|\mu)`.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    pi, pi_prime : array_like, shape (n,) or (X, n)
    beta : float
    mu : array_like, optional

    Returns
    -------
    float
        Averaged over prompts with :math:`\rho` in the contextual case.
    """
    A, rho, log_mu, beta, contextual = prepare_regularized_game(game, beta, mu)
    t1 = as_log_policy(pi, *log_mu.shape, name="pi")
    t2 = as_log_policy(pi_prime, *log_mu.shape, name="pi_prime")
    P = game.as_contextual().P
    pref = np.einsum("xi,xij,xj->x", np.exp(t1), P, np.exp(t2))
    val = pref - beta * kl_rows(t1, log_mu) + beta * kl_rows(t2, log_mu)
    return float(np.sum(rho * val))


def duality_gap(game, pi, beta, mu=None) -> float:
    r"""Regularised duality gap (exploitability) of the symmetric profile :math:`(\pi, \pi)`.

    .. math::

        \mathrm{gap}(\pi) = \max_{\pi'}P_\beta(\pi'\succ\pi) - \min_{\pi'}P_\beta(\pi\succ\pi')
        = 2\beta\,\mathrm{KL}(\pi\|\mathrm{BR}(\pi)).

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    pi : array_like, shape (n,) or (X, n)
    beta : float
    mu : array_like, optional
        Full-support reference policy (default uniform).

    Returns
    -------
    float
        :math:`\ge 0` up to rounding; :math:`\mathbb E_{x\sim\rho}` of per-prompt gaps.

    References
    ----------
    Tiapkin et al., arXiv:2505.19731v1 (exploitability gap); Zhou, Fazel, Du,
    arXiv:2503.08942 (duality gap of the KL-regularised game).
    """
    A, rho, log_mu, beta, contextual = prepare_regularized_game(game, beta, mu)
    theta = as_log_policy(pi, *log_mu.shape)
    return float(np.sum(rho * duality_gap_rows(A, log_mu, beta, theta)))


def kl_to_equilibrium(equilibrium: RegularizedNashEquilibrium, pi, rho=None) -> float:
    r""":math:`\mathrm{KL}(\pi^*_\beta\|\pi)` (the quantity of Nash-MD Theorem 1 and Nash-MP).

    Parameters
    ----------
    equilibrium : RegularizedNashEquilibrium
    pi : array_like, shape (n,) or (X, n)
    rho : array_like, shape (X,), optional
        Prompt weights for the contextual KL :math:`\mathbb E_{x\sim\rho}` (default uniform).

    Returns
    -------
    float
        ``inf`` where ``pi`` misses mass of the equilibrium.
    """
    ls = np.atleast_2d(equilibrium.log_pi)
    X, n = ls.shape
    t = as_log_policy(pi, X, n)
    w = np.full(X, 1.0 / X) if rho is None else check_distribution(rho, "rho")
    with np.errstate(invalid="ignore"):
        return float(np.sum(w * kl_rows(ls, t)))


def span_seminorm(log_pi, log_pi_star) -> float:
    r"""Span semi-norm of a log-probability difference, :math:`\max_y\delta_y - \min_y\delta_y`.

    With :math:`\delta = \log\pi - \log\pi^*`; it is invariant to adding constants, so it is
    a norm on log-policies modulo normalisation. For contextual arrays ``(X, n)`` the maximum
    over prompts is returned (a uniform bound, as in Nash-MP's span statement).

    Parameters
    ----------
    log_pi, log_pi_star : array_like, shape (n,) or (X, n)

    Returns
    -------
    float

    References
    ----------
    Tiapkin et al., arXiv:2505.19731v1, abstract ("uniformly for the span semi-norm of
    log-probabilities").
    """
    a = np.atleast_2d(as_float_array(log_pi, "log_pi"))
    b = np.atleast_2d(as_float_array(log_pi_star, "log_pi_star"))
    if a.shape != b.shape:
        raise ShapeError(f"log_pi and log_pi_star must have the same shape; got {a.shape} and {b.shape}.")
    d = a - b
    return float(np.max(d.max(axis=-1) - d.min(axis=-1)))
