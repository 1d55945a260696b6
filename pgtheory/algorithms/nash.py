r"""Algorithms for regularised preference games (NLHF): Nash-MD, Nash-MP, EGPO, OMD, OMWU.

Every method here is built from one pure primitive, the *regularised mirror step* in
log-probabilities :math:`\theta = \log\pi`,

.. math::

    \mathrm{step}_\alpha(\theta; g) = \operatorname{log\,softmax}\big((1-\alpha)\theta
       + \alpha(\log\mu + g/\beta)\big),\qquad \alpha\in(0, 1],

i.e. :math:`\pi_{\rm new} \propto \pi^{1-\alpha}\mu^{\alpha}\exp(\alpha g/\beta)`, the maximiser
of :math:`\alpha\,\langle\pi', g\rangle/\beta - \alpha\mathrm{KL}(\pi'\|\mu) - (1-\alpha)\mathrm{KL}(\pi'\|\pi)`
(up to scaling). The payoff vector :math:`g = P\pi'` (one *preference query*: the win rates of
every response against :math:`\pi'`) is evaluated at a point that defines the method:

==========  ==========================================  ========================  ====================
method      payoff evaluated at                         :math:`\alpha`            queries / iteration
==========  ==========================================  ========================  ====================
Nash-MD     geometric mixture :math:`\pi^\mu_t`         :math:`\eta_t\beta`       1
OMD         :math:`\pi_t`                               :math:`\eta\beta`         1
OMWU        optimistic :math:`\bar\pi_{t+1}`            :math:`\eta\beta`         1
Nash-MP     :math:`\pi_k`, then :math:`\pi_{k+1/2}`     :math:`\eta/(1+\eta)`     2
EGPO        :math:`\pi_t`, then :math:`\pi_{t+1/2}`     :math:`\eta\beta`         2
==========  ==========================================  ========================  ====================

Centring :math:`P` at :math:`1/2` (the games store :math:`A = P - 1/2`) leaves every step
unchanged. Nash-MP and EGPO are both extragradient (mirror-prox) schemes anchored at the
current iterate; they differ in the step-size parameterisation and in the admissible range
(see each function). All runners return a :class:`~pgtheory.results.Trace` recording, at every
iteration and against the cumulative number of preference queries: ``kl``
(:math:`\mathrm{KL}(\pi^*_\beta\|\pi_t)`), ``gap`` (regularised duality gap
:math:`2\beta\mathrm{KL}(\pi_t\|\mathrm{BR}(\pi_t))`) and ``span``
(:math:`\max\delta - \min\delta`, :math:`\delta = \log\pi_t - \log\pi^*_\beta`); contextual
games average ``kl`` and ``gap`` over :math:`\rho` and take the maximum span over prompts.

References
----------
Munos et al., *Nash Learning from Human Feedback*, ICML 2024, arXiv:2312.00886 (Nash-MD,
Eqs. (3)-(5), Theorem 1; OMD, Eq. (8)).
Tiapkin et al., *Accelerating Nash Learning from Human Feedback via Mirror Prox*,
arXiv:2505.19731 **v1** (Nash-MP; v2 is a different paper).
Zhou, Fazel, Du, *Extragradient Preference Optimization (EGPO)*, arXiv:2503.08942 (v3).
Cen, Wei, Chi, *Fast Policy Extragradient Methods for Competitive Games with Entropy
Regularization*, NeurIPS 2021, arXiv:2105.15186 (PU / OMWU for regularised matrix games).
"""

from __future__ import annotations

import numbers
import time

import numpy as np

from .._math import log_softmax
from .._validate import check_positive, check_positive_int
from ..bounds import Citation
from ..errors import InvalidStepSizeError, ValidationError
from ..games import as_log_policy as _as_log_policy, duality_gap_rows as _gap_rows, kl_rows as _kl_rows, prepare_regularized_game as _setup, regularized_nash  # noqa: E501
from ..results import Trace
from ..oracles import ExactPreferenceOracle
from ..oracles import SampledPreferenceOracle
from ..backend import resolve_backend
from ._common import driver_backend

__all__ = [
    "payoff",
    "mirror_step",
    "geometric_mixture",
    "nash_md_update",
    "omd_update",
    "nash_mp_update",
    "egpo_update",
    "online_ipo_loss",
    "online_ipo_grad",
    "nash_md_step_size",
    "nash_md",
    "nash_mp",
    "egpo",
    "online_mirror_descent",
    "omwu",
    "stochastic_nash_mp",
    "nash_mp_max_step",
    "egpo_max_step",
]


# ============================================================================ pure update rules
def payoff(A: np.ndarray, theta: np.ndarray) -> np.ndarray:
    r"""One exact preference query: :math:`g_x = A_x\,\pi_x` for every prompt.

    Parameters
    ----------
    A : ndarray, shape (X, n, n), or a bound payoff oracle
        Centred preference matrices :math:`P - 1/2` (or an object with ``payoff(theta)``, as built
        from a :class:`pgtheory.oracles.PayoffOracle` by the runners' ``oracle=``).
    theta : ndarray, shape (X, n)
        Log-probabilities of the opponent policy.

    Returns
    -------
    ndarray, shape (X, n)
        :math:`P(y\succ\pi) - 1/2` for every response ``y``.
    """
    if hasattr(A, "payoff"):  # a PayoffOracle of pgtheory.oracles (bound to its rng by _query_source)
        return A.payoff(theta)
    return np.einsum("xij,xj->xi", A, np.exp(theta))


def mirror_step(theta: np.ndarray, g: np.ndarray, log_mu: np.ndarray, beta: float, alpha: float) -> np.ndarray:
    r"""Regularised mirror step :math:`\operatorname{log\,softmax}((1-\alpha)\theta + \alpha(\log\mu + g/\beta))`.

    Parameters
    ----------
    theta : ndarray, shape (X, n)
        Current log-policy (anchor).
    g : ndarray, shape (X, n)
        Payoff vector (a preference query result).
    log_mu : ndarray, shape (X, n)
        Log reference policy.
    beta : float
        Regularisation.
    alpha : float in (0, 1]
        Mixing weight (method-specific; see the module table).

    Returns
    -------
    ndarray, shape (X, n)
        Normalised log-probabilities.
    """
    return log_softmax((1.0 - alpha) * theta + alpha * (log_mu + g / beta), axis=-1)


def geometric_mixture(theta: np.ndarray, log_mu: np.ndarray, w: float) -> np.ndarray:
    r"""Log of :math:`\pi^{1-w}\mu^{w}` normalised (Munos et al. 2023, Eq. (3)).

    Parameters
    ----------
    theta, log_mu : ndarray, shape (X, n)
        Log-probabilities of :math:`\pi` and :math:`\mu`.
    w : float in [0, 1]
        Weight of :math:`\mu`.

    Returns
    -------
    ndarray, shape (X, n)
    """
    return log_softmax((1.0 - w) * theta + w * log_mu, axis=-1)


def nash_md_update(theta, A, log_mu, beta, eta):
    r"""One Nash-MD step (Munos et al. 2023, Eqs. (3)-(5)).

    .. math::

        \pi^\mu_t \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta},\qquad
        \pi_{t+1} \propto \pi^\mu_t \exp(\eta\, P\pi^\mu_t).

    Parameters
    ----------
    theta : ndarray, shape (X, n)
        :math:`\log\pi_t`.
    A : ndarray, shape (X, n, n)
        Centred preferences.
    log_mu : ndarray, shape (X, n)
    beta : float
        :math:`\tau` in the paper.
    eta : float
        Step size with :math:`0 < \eta\beta \le 1`.

    Returns
    -------
    ndarray, shape (X, n)
        :math:`\log\pi_{t+1}` (one preference query, at :math:`\pi^\mu_t`).
    """
    mix = geometric_mixture(theta, log_mu, eta * beta)
    return mirror_step(theta, payoff(A, mix), log_mu, beta, eta * beta)


def omd_update(theta, A, log_mu, beta, eta):
    r"""One regularised online-mirror-descent step (Munos et al. 2023, Eq. (8)); also Online IPO.

    :math:`\pi_{t+1} \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta}\exp(\eta P\pi_t)`: like Nash-MD but
    the payoff is evaluated at :math:`\pi_t` rather than at the mixture.

    Parameters
    ----------
    theta, A, log_mu, beta, eta
        As in :func:`nash_md_update`.

    Returns
    -------
    ndarray, shape (X, n)
    """
    return mirror_step(theta, payoff(A, theta), log_mu, beta, eta * beta)


def nash_mp_update(theta, A, log_mu, beta, eta):
    r"""One Nash-MP (mirror-prox) iteration with exact proximal steps.

    .. math::

        \pi_{k+1/2} &= \operatorname*{argmin}_\pi\ \tfrac1\beta P(\pi_k\succ\pi) + \mathrm{KL}(\pi\|\mu)
                      + \tfrac1\eta\mathrm{KL}(\pi\|\pi_k),\\
        \pi_{k+1}   &= \operatorname*{argmin}_\pi\ \tfrac1\beta P(\pi_{k+1/2}\succ\pi) + \mathrm{KL}(\pi\|\mu)
                      + \tfrac1\eta\mathrm{KL}(\pi\|\pi_k),

    in closed form :math:`\pi \propto \pi_k^{1/(1+\eta)}\mu^{\eta/(1+\eta)}\exp(\tfrac{\eta}{\beta(1+\eta)}P\pi')`,
    i.e. :func:`mirror_step` with :math:`\alpha = \eta/(1+\eta)`. Both steps are anchored at
    :math:`\pi_k`. (Minimising :math:`P(\pi'\succ\pi) = 1 - P(\pi\succ\pi')` over :math:`\pi`
    maximises :math:`P(\pi\succ\pi')`.)

    Parameters
    ----------
    theta : ndarray, shape (X, n)
    A : ndarray, shape (X, n, n)
    log_mu : ndarray, shape (X, n)
    beta : float
    eta : float
        Learning rate :math:`\eta > 0` (see :func:`nash_mp_max_step`).

    Returns
    -------
    (theta_next, theta_half) : tuple of ndarray, shape (X, n)
        Two preference queries.

    References
    ----------
    Tiapkin et al., arXiv:2505.19731v1; update form as printed in third-party summaries of v1
    (the full text was not readable; see ``pgtheory.bounds.catalog.tiapkin2025``).
    """
    alpha = eta / (1.0 + eta)
    return _extragradient(A, theta, lambda g: mirror_step(theta, g, log_mu, beta, alpha))


def egpo_update(theta, A, log_mu, beta, eta, *, via_ipo_loss: bool = True):
    r"""One EGPO iteration: extragradient on the KL-regularised game, as online-IPO gradient steps.

    Policy-space form (the update EGPO's analysis is about):

    .. math::

        \pi_{t+1/2} \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta}\exp(\eta P\pi_t),\qquad
        \pi_{t+1} \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta}\exp(\eta P\pi_{t+1/2}).

    Implementation (``via_ipo_loss=True``): each half-step is one plain gradient step on
    the logits from :math:`\theta_t` on the online IPO loss :func:`online_ipo_loss` with
    targets :math:`\log\mu + P\pi'/\beta` at the current (detached) opponent :math:`\pi'`,
    with learning rate ``lr = eta * beta * n / 4``. Because the uniform-pair IPO loss has
    gradient :math:`(4/n)(u - \bar u)`, this is *exactly* the policy-space step (checked in
    ``tests/games``), which is the equivalence EGPO states between its update and online-IPO
    gradients.

    Parameters
    ----------
    theta, A, log_mu, beta
        As in :func:`nash_mp_update`.
    eta : float
        Step size, :math:`0 < \eta \le 1/(1+\beta)` (see :func:`egpo_max_step`).
    via_ipo_loss : bool
        Use the IPO-gradient implementation (default) or the closed-form mirror step.

    Returns
    -------
    (theta_next, theta_half) : tuple of ndarray, shape (X, n)

    References
    ----------
    Zhou, Fazel, Du, arXiv:2503.08942 (abstract: equivalent implementation through online IPO
    gradients); structure of the official simulation code ``zhourunlong/EGPO`` as summarised in
    our reading of the paper (look-ahead step, targets recomputed at the look-ahead, step from
    :math:`\theta_t`), re-implemented here.
    """
    if not via_ipo_loss:
        return _extragradient(A, theta, lambda g: mirror_step(theta, g, log_mu, beta, eta * beta))
    lr = eta * beta * theta.shape[-1] / 4.0
    return _extragradient(A, theta, lambda g: log_softmax(theta - lr * online_ipo_grad(theta, log_mu + g / beta),
                                                          axis=-1))


def _extragradient(A, theta, step):
    r"""One extragradient iteration anchored at :math:`\theta_t`: ``half = step(P pi_theta)``, then
    ``next = step(P pi_half)``; ``step`` maps a payoff ``(X, n)`` to new logits. Returns ``(next, half)``."""
    half = step(payoff(A, theta))
    return step(payoff(A, half)), half


def online_ipo_loss(theta: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Uniform-pair online IPO loss of logits ``theta`` against detached targets.

    .. math::

        L(\theta) = \frac1{n^2}\sum_{y,y'}\big[(\theta_y - \theta_{y'}) - (t_y - t_{y'})\big]^2,
        \qquad t = \log\mu + P\pi'/\beta,

    the squared error between log-ratio differences :math:`\log\frac{\pi(y)/\mu(y)}{\pi(y')/\mu(y')}`
    and preference differences :math:`(P(y\succ\pi') - P(y'\succ\pi'))/\beta`.

    Parameters
    ----------
    theta : ndarray, shape (X, n)
        Logits (any normalisation).
    target : ndarray, shape (X, n)
        :math:`\log\mu + P\pi'/\beta` (any additive constant).

    Returns
    -------
    ndarray, shape (X,)
    """
    u = theta - target
    return 2.0 * np.mean((u - u.mean(axis=-1, keepdims=True)) ** 2, axis=-1)


def online_ipo_grad(theta: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`online_ipo_loss`: :math:`\nabla L = (4/n)(u - \bar u)`, :math:`u = \theta - t`.

    Parameters
    ----------
    theta, target : ndarray, shape (X, n)

    Returns
    -------
    ndarray, shape (X, n)
    """
    u = theta - target
    return (4.0 / u.shape[-1]) * (u - u.mean(axis=-1, keepdims=True))


# ============================================================================ step-size rules
def nash_md_step_size(t: int, beta: float) -> float:
    r"""Nash-MD Theorem 1 schedule :math:`\eta_t = 2/(\beta(t+2))` (so :math:`\eta_t\beta \le 1`).

    Parameters
    ----------
    t : int
        Iteration index, starting at 0.
    beta : float
        Regularisation :math:`\tau`.

    Returns
    -------
    float

    References
    ----------
    Munos et al. 2023, arXiv:2312.00886, Theorem 1.
    """
    return 2.0 / (beta * (t + 2.0))


def nash_mp_max_step(beta: float) -> float:
    r"""Largest Nash-MP learning rate used with the rate bound: :math:`\eta \le 2\beta` (**inferred**).

    The operator :math:`\pi\mapsto(P\pi - 1/2)/\beta` is :math:`1/(2\beta)`-Lipschitz from
    :math:`\ell_1` to :math:`\ell_\infty` and :math:`\mathrm{KL}` is 1-strongly convex in
    :math:`\ell_1`, so mirror prox admits :math:`\eta L \le 1`. Not read in the paper (v1 full
    text unreachable); see ``pgtheory.bounds.catalog.tiapkin2025``.

    Parameters
    ----------
    beta : float

    Returns
    -------
    float
    """
    return 2.0 * float(beta)


def egpo_max_step(beta: float) -> float:
    r"""Largest EGPO step used with its rate bound: :math:`\eta \le 1/(\beta + 1)` (**recalled/inferred**).

    From the predictive-update condition :math:`\eta \le 1/(\tau + 2\|A\|_\infty)` of Cen et al.
    (arXiv:2105.15186, recalled) with :math:`\|P - 1/2\|_{\max} \le 1/2`. EGPO's own theorem
    was not readable here.

    Parameters
    ----------
    beta : float

    Returns
    -------
    float
    """
    return 1.0 / (float(beta) + 1.0)


def _check_step(eta, name, upper, what):
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not np.isfinite(eta) or eta <= 0:
        raise InvalidStepSizeError(f"{name} must be a finite real > 0; got {eta!r}.")
    if eta > upper * (1 + 1e-12):
        raise InvalidStepSizeError(f"{name} = {eta:g} is outside the admissible range (0, {upper:g}] of {what}. "
                                   f"Fix: use {name} <= {upper:g}.")
    return float(eta)


# ============================================================================ runners
class _Recorder:
    """Collects per-iteration metrics (KL to the equilibrium, duality gap, span)."""

    def __init__(self, A, rho, log_mu, beta, log_star, extra=()):
        self.A, self.rho, self.log_mu, self.beta, self.log_star = A, rho, log_mu, beta, log_star
        self.rows = {k: [] for k in ("kl", "gap", "span", *extra)}
        self.it, self.q = [], []

    def add(self, k, queries, theta, g=None, **extra):
        # g = A pi (the payoff at theta) when the method already queried it: the gap is then free
        lbr = log_softmax(self.log_mu + (payoff(self.A, theta) if g is None else g) / self.beta, axis=-1)
        gap = 2.0 * self.beta * _kl_rows(theta, lbr)
        d = theta - self.log_star
        self.rows["kl"].append(float(np.sum(self.rho * _kl_rows(self.log_star, theta))))
        self.rows["gap"].append(float(np.sum(self.rho * gap)))
        self.rows["span"].append(float(np.max(d.max(axis=-1) - d.min(axis=-1))))
        for key, v in extra.items():
            self.rows[key].append(v)
        self.it.append(k)
        self.q.append(queries)

    def trace(self, name, params, theta, contextual, seconds, unit="preference queries"):
        fin = theta if contextual else theta[0]
        return Trace(iterations=np.asarray(self.it), samples=np.asarray(self.q, dtype=np.int64),
                     metrics={k: np.asarray(v) for k, v in self.rows.items()}, algorithm=name,
                     params={**params, "seconds": seconds}, sample_unit=unit,
                     final={"pi": np.exp(fin), "log_pi": fin})


class _BoundOracle:
    """A payoff oracle with its call randomness fixed: ``payoff(theta)`` -> estimate mean."""

    def __init__(self, oracle, rng):
        self.oracle, self.rng = oracle, rng

    def payoff(self, theta):
        return np.asarray(self.oracle.payoff(theta, rng=self.rng).mean)


def _query_source(A, oracle, game, rng):
    """(source of queries, query counter): the exact matrices ``A`` for the default oracle, so the
    default runs are today's arithmetic; else a bound oracle and its cumulative ``samples_used``."""

    if oracle is None or (isinstance(oracle, str) and oracle == "exact") or type(oracle) is ExactPreferenceOracle:
        return A, (lambda default: default)
    if not hasattr(oracle, "payoff"):
        raise ValidationError(f"oracle must be None, 'exact' or a payoff oracle (pgtheory.oracles."
                              f"SampledPreferenceOracle); got {oracle!r}. Fix: pass SampledPreferenceOracle(game, n=...).")
    gen = None if rng is None else np.random.default_rng(rng)
    return _BoundOracle(oracle, gen), (lambda default: oracle.samples_used)


def _prepare(game, beta, mu, pi0, equilibrium, n_iter):
    A, rho, log_mu, beta, contextual = _setup(game, beta, mu)
    n_iter = check_positive_int(n_iter, "n_iter", minimum=0)
    theta = log_mu.copy() if pi0 is None else _as_log_policy(pi0, *log_mu.shape, name="pi0")
    if not np.all(np.isfinite(theta)):
        raise ValidationError("pi0 must have full support (log pi0 finite). Fix: mix pi0 with mu.")
    if equilibrium is None:
        equilibrium = regularized_nash(game, beta, mu)
    elif abs(equilibrium.beta - beta) > 1e-15 * beta:
        raise ValidationError(f"equilibrium was computed for beta={equilibrium.beta}, not beta={beta}. "
                              f"Fix: pass regularized_nash(game, beta, mu).")
    log_star = np.atleast_2d(equilibrium.log_pi)
    return A, rho, log_mu, beta, contextual, theta, log_star, n_iter


def nash_md(game, beta, n_iter, *, mu=None, eta="theorem1", pi0=None, equilibrium=None, oracle=None, rng=None,
            backend: str | None = "auto") -> Trace:
    r"""Run Nash-MD (Munos et al. 2023) with exact preference queries.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
        Regularisation :math:`\tau > 0`.
    n_iter : int
        Number of iterations ``T`` (one preference query each).
    mu : array_like, optional
        Full-support reference policy (default uniform).
    eta : "theorem1" or float
        ``"theorem1"``: :math:`\eta_t = 2/(\beta(t+2))` (Theorem 1); a float: constant step with
        :math:`0 < \eta\beta \le 1` (else :class:`~pgtheory.errors.InvalidStepSizeError`).
    pi0 : array_like, optional
        Initial policy (default :math:`\mu`).
    equilibrium : RegularizedNashEquilibrium, optional
        Precomputed :math:`\pi^*_\beta` (default: computed with ``regularized_nash``).
    oracle : None, "exact" or PayoffOracle, optional
        Source of the preference queries (:mod:`pgtheory.oracles`): ``None`` / ``"exact"`` /
        :class:`~pgtheory.oracles.ExactPreferenceOracle` give the exact payoff :math:`A\pi` (today's
        numbers); :class:`~pgtheory.oracles.SampledPreferenceOracle` estimates it from Bernoulli
        queries, and ``samples`` then counts the sampled queries. Metrics stay exact.
    rng : Generator, int or None
        Randomness of a sampling oracle's calls (default: its own generator).
    backend : {"auto", "numpy"} or None
        Driver loop (NumPy only; the one calling convention of :mod:`pgtheory.algorithms`).

    Returns
    -------
    Trace
        Metrics ``kl``, ``gap``, ``span`` and ``eta`` (the step used from each iterate) at
        ``t = 0..T``; ``samples`` counts preference queries.

    References
    ----------
    Munos et al., arXiv:2312.00886, Eqs. (3)-(5) and Theorem 1.
    """
    driver_backend(backend)
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    Q, qn = _query_source(A, oracle, game, rng)
    if isinstance(eta, str):
        if eta != "theorem1":
            raise ValidationError(f"eta must be 'theorem1' or a float; got {eta!r}.")
        schedule = lambda t: nash_md_step_size(t, beta)  # noqa: E731
    else:
        c = _check_step(eta, "eta", 1.0 / beta, "Nash-MD (eta * beta <= 1)")
        schedule = lambda t: c  # noqa: E731
    rec = _Recorder(A, rho, log_mu, beta, log_star, extra=("eta",))
    t0 = time.perf_counter()
    for t in range(n_iter + 1):
        e = schedule(t)
        rec.add(t, qn(t), theta, eta=e)
        if t < n_iter:
            theta = nash_md_update(theta, Q, log_mu, beta, e)
    return rec.trace("Nash-MD", {"beta": beta, "eta": eta, "queries_per_iteration": 1}, theta, ctx,
                     time.perf_counter() - t0)


def online_mirror_descent(game, beta, n_iter, *, eta, mu=None, pi0=None, equilibrium=None, oracle=None, rng=None,
                          backend: str | None = "auto") -> Trace:
    r"""Run regularised online mirror descent / Online IPO (Munos et al. 2023, Eq. (8)).

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    n_iter : int
    eta : float
        Constant step, :math:`0 < \eta\beta \le 1`.
    mu, pi0, equilibrium
        As in :func:`nash_md`.
    oracle, rng, backend
        As in :func:`nash_md`.

    Returns
    -------
    Trace
    """
    driver_backend(backend)
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    Q, qn = _query_source(A, oracle, game, rng)
    eta = _check_step(eta, "eta", 1.0 / beta, "online mirror descent (eta * beta <= 1)")
    rec = _Recorder(A, rho, log_mu, beta, log_star)
    t0 = time.perf_counter()
    for t in range(n_iter + 1):
        g = payoff(Q, theta)
        rec.add(t, qn(t), theta, g if Q is A else None)
        if t < n_iter:
            theta = mirror_step(theta, g, log_mu, beta, eta * beta)
    return rec.trace("OMD", {"beta": beta, "eta": eta, "queries_per_iteration": 1}, theta, ctx,
                     time.perf_counter() - t0)


def omwu(game, beta, n_iter, *, eta, mu=None, pi0=None, equilibrium=None, oracle=None, rng=None,
         backend: str | None = "auto") -> Trace:
    r"""Run regularised optimistic multiplicative weights (OMWU) on the symmetric game.

    .. math::

        \bar\pi_{t+1} \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta}\exp(\eta P\bar\pi_t),\qquad
        \pi_{t+1} \propto \pi_t^{1-\eta\beta}\mu^{\eta\beta}\exp(\eta P\bar\pi_{t+1}),

    with :math:`\bar\pi_0 = \pi_0`; one new query per iteration (:math:`P\bar\pi_t` is reused).

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    n_iter : int
    eta : float
        :math:`0 < \eta\beta \le 1`. Cen et al. prove linear convergence for
        :math:`\eta \le 1/(2\beta + 4\|A\|_\infty)` (recalled).
    mu, pi0, equilibrium
        As in :func:`nash_md`.
    oracle, rng, backend
        As in :func:`nash_md`.

    Returns
    -------
    Trace

    References
    ----------
    Cen, Wei, Chi, arXiv:2105.15186, Algorithm (OMWU for entropy-regularised matrix games).
    """
    driver_backend(backend)
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    Q, qn = _query_source(A, oracle, game, rng)
    eta = _check_step(eta, "eta", 1.0 / beta, "OMWU (eta * beta <= 1)")
    a = eta * beta
    rec = _Recorder(A, rho, log_mu, beta, log_star)
    g_bar = payoff(Q, theta)  # query at pi_bar_0 = pi_0
    t0 = time.perf_counter()
    for t in range(n_iter + 1):
        rec.add(t, qn(t + 1), theta, g_bar if (t == 0 and Q is A) else None)
        if t < n_iter:
            bar = mirror_step(theta, g_bar, log_mu, beta, a)
            g_bar = payoff(Q, bar)
            theta = mirror_step(theta, g_bar, log_mu, beta, a)
    return rec.trace("OMWU", {"beta": beta, "eta": eta, "queries_per_iteration": 1}, theta, ctx,
                     time.perf_counter() - t0)


def nash_mp(game, beta, n_iter, *, eta=None, mu=None, pi0=None, equilibrium=None, oracle=None, rng=None,
            backend: str | None = "auto") -> Trace:
    r"""Run Nash-MP (mirror prox) with exact proximal steps.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    n_iter : int
        Iterations ``K``; ``N = 2K`` preference queries.
    eta : float, optional
        Learning rate in :math:`(0, 2\beta]` (default :math:`2\beta`, the step at which the
        :math:`(1+2\beta)^{-N/2}` bound is checked; the range is inferred, see
        :func:`nash_mp_max_step`).
    mu, pi0, equilibrium
        As in :func:`nash_md`.
    oracle, rng, backend
        As in :func:`nash_md`.

    Returns
    -------
    Trace
        ``kl``, ``gap``, ``span`` at ``k = 0..K``; ``samples = 2k``. The gap at :math:`\pi_k`
        reuses the first query of iteration ``k`` (no extra oracle call).

    References
    ----------
    Tiapkin et al., arXiv:2505.19731v1 (Nash-MP).
    """
    driver_backend(backend)
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    Q, qn = _query_source(A, oracle, game, rng)
    eta = nash_mp_max_step(beta) if eta is None else _check_step(eta, "eta", nash_mp_max_step(beta),
                                                                 "Nash-MP with the checked bound (eta <= 2 beta)")
    alpha = eta / (1.0 + eta)
    rec = _Recorder(A, rho, log_mu, beta, log_star)
    t0 = time.perf_counter()
    for k in range(n_iter + 1):
        g = payoff(Q, theta)
        rec.add(k, qn(2 * k), theta, g if Q is A else None)
        if k < n_iter:
            half = mirror_step(theta, g, log_mu, beta, alpha)
            theta = mirror_step(theta, payoff(Q, half), log_mu, beta, alpha)
    return rec.trace("Nash-MP", {"beta": beta, "eta": eta, "queries_per_iteration": 2}, theta, ctx,
                     time.perf_counter() - t0)


def egpo(game, beta, n_iter, *, eta=None, mu=None, pi0=None, equilibrium=None, via_ipo_loss: bool = True, oracle=None,
         rng=None, backend: str | None = "auto") -> Trace:
    r"""Run EGPO (extragradient via online-IPO gradient steps) with exact preference queries.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    n_iter : int
        Iterations; 2 preference queries each.
    eta : float, optional
        Step in :math:`(0, 1/(1+\beta)]` (default the maximum, :func:`egpo_max_step`).
    mu, pi0, equilibrium
        As in :func:`nash_md`.
    oracle, rng, backend
        As in :func:`nash_md`.
    via_ipo_loss : bool
        See :func:`egpo_update`.

    Returns
    -------
    Trace

    References
    ----------
    Zhou, Fazel, Du, arXiv:2503.08942.
    """
    driver_backend(backend)
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    Q, qn = _query_source(A, oracle, game, rng)
    eta = egpo_max_step(beta) if eta is None else _check_step(eta, "eta", egpo_max_step(beta),
                                                              "EGPO (eta <= 1/(1 + beta))")
    rec = _Recorder(A, rho, log_mu, beta, log_star)
    t0 = time.perf_counter()
    for t in range(n_iter + 1):
        rec.add(t, qn(2 * t), theta)
        if t < n_iter:
            theta, _ = egpo_update(theta, Q, log_mu, beta, eta, via_ipo_loss=via_ipo_loss)
    return rec.trace("EGPO", {"beta": beta, "eta": eta, "queries_per_iteration": 2,
                              "via_ipo_loss": via_ipo_loss}, theta, ctx, time.perf_counter() - t0)


# ============================================================================ stochastic Nash-MP
def _sample_rows(rng, log_p, size):
    """Draw ``size`` indices per row of exp(log_p) (X, n) by inverse CDF; returns (X, size)."""
    cdf = np.cumsum(np.exp(log_p), axis=-1)
    u = rng.random((log_p.shape[0], size)) * cdf[:, -1:]
    return np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(-1), log_p.shape[1] - 1)


def _stochastic_prox(rng, P, log_mu, beta, eta, theta_k, theta_opp, n_inner, batch, lr, kernel=None):
    r"""Approximate the Nash-MP proximal step by ``n_inner`` REINFORCE steps (batch ``batch``).

    ``kernel`` (the Numba kernel :func:`pgtheory._preference_kernels.sample_preference_step`,
    only for the built-in Bernoulli oracles) replaces the sampling, the queries and the score sums
    of the NumPy reference below by one pass over the samples that draws the same uniforms in the
    same order and rounds the same way: the iterates are bitwise those of the reference."""
    X, n = theta_k.shape
    phi = theta_k.copy()
    xs = np.arange(X)[:, None]
    c = 1.0 + 1.0 / eta
    anchor = theta_k / eta
    if kernel is not None:
        cdf_opp = np.cumsum(np.exp(theta_opp), axis=-1)  # what _sample_rows computes for the opponent
        u, w, score = np.empty((3, X, batch)), np.empty((X, batch)), np.empty((X, n))  # refilled every step
    for _ in range(n_inner):
        pi = np.exp(phi)
        if kernel is None:
            y = _sample_rows(rng, phi, batch)
            yp = _sample_rows(rng, theta_opp, batch)
            o = P.compare(y, yp, rng=rng)  # one preference query each (pgtheory.oracles protocol)
            w = (o - 0.5) / (beta * batch)
            score = np.zeros((X, n))
            np.add.at(score, (np.broadcast_to(xs, y.shape), y), w)
        else:
            kernel(rng.random(out=u), np.cumsum(pi, axis=-1), cdf_opp, P.P, beta * batch, w, score)
            P.samples_used += X * batch
        g_pref = score - pi * w.sum(axis=1, keepdims=True)           # (1/B) sum (e_y - pi)(o - 1/2)/beta
        h = c * phi - log_mu - anchor
        g_kl = pi * (h - (pi * h).sum(axis=-1, keepdims=True))       # exact gradient of the KL terms
        phi = log_softmax(phi + lr * (g_pref - g_kl), axis=-1)
    return phi


def stochastic_nash_mp(game, beta, n_iter, *, n_inner: int, batch: int, eta=None, lr=None, mu=None,
                       pi0=None, equilibrium=None, rng=None, oracle=None, backend: str | None = "auto") -> Trace:
    r"""Approximate Nash-MP: each proximal step solved by sampled policy-gradient ascent.

    Each half-step maximises
    :math:`J(\varphi) = \mathbb E_{y\sim\pi_\varphi,\,y'\sim\pi'}[o(y,y')]/\beta - \mathrm{KL}(\pi_\varphi\|\mu)
    - \tfrac1\eta\mathrm{KL}(\pi_\varphi\|\pi_k)` over softmax logits :math:`\varphi`, warm-started at
    :math:`\log\pi_k`, by ``n_inner`` steps of

    .. math::

        \varphi \leftarrow \varphi + \mathrm{lr}\Big[\frac1B\sum_{b=1}^B(e_{y_b} - \pi_\varphi)
        \frac{o_b - 1/2}{\beta} - \pi_\varphi\odot(h - \langle\pi_\varphi, h\rangle)\Big],\quad
        h = (1+\tfrac1\eta)\varphi - \log\mu - \tfrac1\eta\log\pi_k,

    with :math:`y_b\sim\pi_\varphi`, :math:`y'_b\sim\pi'` (the opponent: :math:`\pi_k`, then
    :math:`\pi_{k+1/2}`) and sampled preferences :math:`o_b\sim\mathrm{Bernoulli}(P[y_b, y'_b])`
    (REINFORCE with baseline 1/2 for the preference term; the KL terms' gradients are exact).
    The fixed point of the exact inner ascent is the exact proximal step of :func:`nash_mp`.

    Parameters
    ----------
    game : PreferenceGame or ContextualPreferenceGame
    beta : float
    n_iter : int
        Outer iterations ``K``.
    n_inner : int
        Inner policy-gradient steps per proximal step.
    batch : int
        Sampled preferences per inner step (per prompt).
    eta : float, optional
        Outer learning rate in :math:`(0, 2\beta]`, default :math:`2\beta`.
    lr : float, optional
        Inner step size, default :math:`\eta/(1+\eta)` (the inverse curvature of the KL terms).
    mu, pi0, equilibrium
        As in :func:`nash_md`.
    rng : numpy.random.Generator or int or None
    oracle : None or preference oracle, optional
        Source of the sampled queries :math:`o_b` (its ``compare(y, y', rng=...)``); default
        :class:`pgtheory.oracles.SampledPreferenceOracle` of ``game`` (Bernoulli(P) outcomes).
        :class:`~pgtheory.oracles.ExactPreferenceOracle` gives the same Bernoulli draws.
    backend : {"auto", "numpy", "numba"} or None
        Where the samples of the inner steps are drawn for the built-in Bernoulli oracles (those
        two classes, whose ``compare`` is the reference one): ``"numba"`` (what ``"auto"`` picks
        when Numba is installed) runs them in a compiled kernel that draws the same uniforms in
        the same order and rounds the same way, so the trace is bitwise that of ``"numpy"``, the
        reference loop, about 7x faster per sample; any other oracle always runs the NumPy loop.

    Returns
    -------
    Trace
        ``samples`` counts sampled preference queries (``2 * n_inner * batch`` per iteration and
        prompt).

    References
    ----------
    Tiapkin et al., arXiv:2505.19731v1 (approximate Nash-MP with stochastic policy-gradient
    proximal steps; the paper's inner solver and its constants were not readable, so this is a
    re-derivation, not a transcription).
    """
    backend = resolve_backend(backend, allowed=("numpy", "numba"))
    A, rho, log_mu, beta, ctx, theta, log_star, n_iter = _prepare(game, beta, mu, pi0, equilibrium, n_iter)
    eta = nash_mp_max_step(beta) if eta is None else _check_step(eta, "eta", nash_mp_max_step(beta),
                                                                 "Nash-MP (eta <= 2 beta)")
    n_inner = check_positive_int(n_inner, "n_inner")
    batch = check_positive_int(batch, "batch")
    lr = eta / (1.0 + eta) if lr is None else check_positive(lr, "lr", step=True)
    rng = np.random.default_rng(rng)

    P = SampledPreferenceOracle(game) if oracle is None else oracle
    if not hasattr(P, "compare"):
        raise ValidationError(f"oracle must be a preference oracle with compare(y, y_opp, rng=...) "
                              f"(pgtheory.oracles.SampledPreferenceOracle); got {oracle!r}. Fix: drop oracle=.")
    kernel = None
    if backend == "numba" and getattr(type(P), "compare", None) is ExactPreferenceOracle.compare:
        from .._preference_kernels import sample_preference_step as kernel  # lazy: numba kernels
    X = theta.shape[0]
    rec = _Recorder(A, rho, log_mu, beta, log_star)
    t0 = time.perf_counter()
    per_iter = 2 * n_inner * batch * X
    for k in range(n_iter + 1):
        rec.add(k, per_iter * k, theta)
        if k < n_iter:
            half = _stochastic_prox(rng, P, log_mu, beta, eta, theta, theta, n_inner, batch, lr, kernel)
            theta = _stochastic_prox(rng, P, log_mu, beta, eta, theta, half, n_inner, batch, lr, kernel)
    return rec.trace("stochastic Nash-MP", {"beta": beta, "eta": eta, "n_inner": n_inner, "batch": batch,
                                            "lr": lr}, theta, ctx, time.perf_counter() - t0,
                     unit="sampled preference queries")


# ============================================================================ sources (pgtheory.cite)
def _cen2021_extragradient():
    return Citation(key="cen2021fastextragradient", authors=("Cen, Shicong", "Wei, Yuting", "Chi, Yuejie"),
                    title="Fast Policy Extragradient Methods for Competitive Games with Entropy Regularization",
                    venue="Advances in Neural Information Processing Systems (NeurIPS)", volume="34",
                    entry_type="inproceedings", year=2021,
                    arxiv="2105.15186", url="https://arxiv.org/abs/2105.15186")


nash_md.__citation__ = ("munos2024.thm1",)
nash_md_update.__citation__ = ("munos2024.thm1",)
online_mirror_descent.__citation__ = ("munos2024.thm1",)
omd_update.__citation__ = ("munos2024.thm1",)
nash_mp.__citation__ = ("tiapkin2025.kl_rate",)
nash_mp_update.__citation__ = ("tiapkin2025.kl_rate",)
stochastic_nash_mp.__citation__ = ("tiapkin2025.kl_rate",)
egpo.__citation__ = ("zhou2025.kl_rate",)
egpo_update.__citation__ = ("zhou2025.kl_rate",)
omwu.__citation__ = _cen2021_extragradient()
