r"""Exact preference-optimisation objects on a categorical policy: DNO's soft policy iteration and RPO's maximin.

**Direct Nash Optimization (DNO).** Responses :math:`y\in\{0..K-1\}`, a general preference
:math:`P(y\succ y')` with :math:`P+P^\top=1` (intransitive allowed). The reward of iteration
:math:`t` is the win rate against the current policy, :math:`r_t(y)=\sum_{y'}\pi_t(y')P(y\succ y')`
(:func:`win_rates`), and the idealised update is soft policy iteration
:math:`\pi_{t+1}\propto\pi_te^{r_t/\eta}` (:func:`dno_soft_policy_iteration`). DNO reaches it by a
batched on-policy regression: pairs :math:`y,y'\sim\pi_t` with soft label
:math:`\sigma(r_t(y)-r_t(y'))` and prediction :math:`\sigma(\eta\log\frac{\pi(y)}{\pi_t(y)}-\eta\log
\frac{\pi(y')}{\pi_t(y')})` (:func:`dno_regression_loss`; its tabular minimiser is the soft
policy-iteration target). Monotone improvement: :math:`P(\pi_{t+1}\succ\pi_t)=\sum_y\pi_{t+1}(y)r_t(y)
\ge\sum_y\pi_t(y)r_t(y)=\tfrac12` (exponential tilting raises the mean of :math:`r_t`).

**RPO.** Preference data as counts ``N[w, l]`` of pairs (w preferred to l), the Bradley–Terry
negative log-likelihood :math:`L_D(r)=-\frac1{|D|}\sum_{w,l}N_{wl}\log\sigma(r_w-r_l)`
(:func:`bt_nll`), a reference :math:`\pi_{ref}` and a baseline distribution :math:`\pi_{base}`.
The theoretical algorithm picks the policy that is best against an adversarial reward,

.. math:: \hat\pi=\arg\max_\pi\min_r\ \Phi(\pi,r),\qquad
          \Phi(\pi,r)=L_D(r)+\eta\big(\mathbb E_\pi r-\mathbb E_{\pi_{base}}r-\beta\,\mathrm{KL}(\pi\|\pi_{ref})\big),

and its practical form minimises :math:`\mathrm{DPO}_\beta(\pi)+\eta\beta\,\mathrm{NLL}_{\pi_{base}}(\pi)`
(:func:`rpo_objective`). With :math:`r=\beta\log(\pi_r/\pi_{ref})+\beta\log Z_r` the inner maximum over
:math:`\pi` is :math:`-\eta\beta\,\mathbb E_{base}\log(\pi_r/\pi_{ref})`, so
:math:`\min_r\max_\pi\Phi=\min_\pi[\mathrm{DPO}_\beta+\eta\beta\,\mathrm{NLL}_{base}]+\eta\beta\,
\mathbb E_{base}\log\pi_{ref}` [inferred: our derivation of the stated equivalence]; :math:`\Phi` is
concave in :math:`\pi` and convex in :math:`r`, so max-min equals min-max.
:func:`rpo_maximin` solves the max-min directly (nested convex programs), independently of the
derivation.

References
----------
Rosset et al. 2024, *Direct Nash Optimization*, arXiv:2404.03715 (abstract; the update was
reconstructed from third-party summaries and recalled from Algorithm 1 [R]).
Liu et al. 2024, *Provably Mitigating Overoptimization in RLHF: Your SFT Loss is Implicitly an
Adversarial Regularizer*, NeurIPS 2024, arXiv:2405.16436 (abstract; RPO = DPO + SFT as in TRL's
paper index [docs]).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import ShapeError, ValidationError
from ..games import PreferenceGame
from ..results import ResultMixin

__all__ = ["win_rates", "dno_soft_policy_iteration", "dno_regression_loss", "dno_regression_minimizer",
           "preference_exploitability", "bt_nll", "dpo_loss", "rpo_objective", "rpo_adversarial_value",
           "rpo_minimizer", "rpo_maximin", "RPOSolution"]


def _game(P) -> np.ndarray:
    if isinstance(P, PreferenceGame):
        return P.P
    return PreferenceGame(as_float_array(P, "P", ndim=2)).P  # validates P in [0,1], P + P^T = 1


def _dist(pi, name, K=None) -> np.ndarray:
    p = as_float_array(pi, name, ndim=1)
    if K is not None and p.shape[0] != K:
        raise ShapeError(f"{name} must have {K} entries; got {p.shape[0]}.")
    if np.any(p < 0) or abs(p.sum() - 1.0) > 1e-12 * p.shape[0] or not np.all(np.isfinite(p)):
        raise ValidationError(f"{name} must be a probability vector (>= 0, sum 1). Fix: normalise it.")
    return p


def win_rates(P, pi) -> np.ndarray:
    r"""Win rate of every response against the policy, :math:`r(y)=\sum_{y'}\pi(y')P(y\succ y')=(P\pi)(y)`.

    Parameters
    ----------
    P : array_like, shape (K, K), or PreferenceGame
        Preference matrix (entries in [0, 1], :math:`P+P^\top=1`).
    pi : array_like, shape (K,)

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`\pi^\top r=\tfrac12` exactly in exact arithmetic.
    """
    Pm = _game(P)
    return Pm @ _dist(pi, "pi", Pm.shape[0])


def dno_soft_policy_iteration(P, pi0, eta: float, T: int) -> dict:
    r"""Iterate DNO's idealised update :math:`\pi_{t+1}\propto\pi_t\exp(r_t/\eta)`, :math:`r_t=P\pi_t`.

    Parameters
    ----------
    P : array_like, shape (K, K), or PreferenceGame
    pi0 : array_like, shape (K,)
        Initial policy (full support).
    eta : float
        Temperature > 0 (smaller = greedier).
    T : int
        Iterations (>= 1).

    Returns
    -------
    dict
        ``policies`` (T+1, K); ``win_vs_previous`` (T,) :math:`P(\pi_{t+1}\succ\pi_t)`;
        ``win_vs_two_back`` (T-1,) :math:`P(\pi_{t+2}\succ\pi_t)`; ``exploitability`` (T+1,)
        (:func:`preference_exploitability`).
    """
    Pm = _game(P)
    K = Pm.shape[0]
    pi = _dist(pi0, "pi0", K)
    if np.any(pi <= 0):
        raise ValidationError("pi0 must have full support (soft policy iteration keeps zeros at zero).")
    eta = check_positive(eta, "eta")
    T = check_positive_int(T, "T")
    pols = np.empty((T + 1, K))
    pols[0] = pi
    logp = np.log(pi)
    for t in range(T):
        logp = log_softmax(logp + (Pm @ pols[t]) / eta)
        pols[t + 1] = np.exp(logp)
    prev = np.einsum("ti,ij,tj->t", pols[1:], Pm, pols[:-1])
    two = np.einsum("ti,ij,tj->t", pols[2:], Pm, pols[:-2])
    expl = np.max(pols @ Pm.T, axis=1) - 0.5
    return {"policies": pols, "win_vs_previous": prev, "win_vs_two_back": two, "exploitability": expl}


def preference_exploitability(P, pi) -> float:
    r"""Exploitability :math:`\max_y(P\pi)(y)-\tfrac12\ge0` of a policy in the symmetric preference game (0 iff Nash).

    Parameters
    ----------
    P : array_like, shape (K, K), or PreferenceGame
    pi : array_like, shape (K,)

    Returns
    -------
    float
    """
    return float(np.max(win_rates(P, pi)) - 0.5)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def dno_regression_loss(logits, pi_t, P, eta: float) -> tuple[float, np.ndarray]:
    r"""Exact expected DNO regression (soft-label BCE) over on-policy pairs :math:`y,y'\sim\pi_t`, and its gradient.

    .. math:: \mathcal L(\theta)=-\sum_{y,y'}\pi_t(y)\pi_t(y')\big[\sigma(R_{yy'})\log\sigma(\Delta_{yy'})
              +\sigma(-R_{yy'})\log\sigma(-\Delta_{yy'})\big],

    :math:`R_{yy'}=r_t(y)-r_t(y')`, :math:`\Delta_{yy'}=\eta\log\frac{\pi_\theta(y)}{\pi_t(y)}-
    \eta\log\frac{\pi_\theta(y')}{\pi_t(y')}`. The gradient w.r.t. the logits is
    :math:`2\eta\sum_{y'}\pi_t(y)\pi_t(y')(\sigma(\Delta_{yy'})-\sigma(R_{yy'}))` in coordinate :math:`y`.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Logits of the policy being fitted.
    pi_t : array_like, shape (K,)
        Current (sampling) policy, full support.
    P : array_like, shape (K, K), or PreferenceGame
    eta : float
        > 0.

    Returns
    -------
    loss : float
    grad : numpy.ndarray, shape (K,)
    """
    Pm = _game(P)
    K = Pm.shape[0]
    th = as_float_array(logits, "logits", ndim=1)
    if th.shape[0] != K:
        raise ShapeError(f"logits must have {K} entries; got {th.shape[0]}.")
    pt = _dist(pi_t, "pi_t", K)
    if np.any(pt <= 0):
        raise ValidationError("pi_t must have full support (the regression is over pairs drawn from it).")
    eta = check_positive(eta, "eta")
    r = Pm @ pt
    z = eta * (log_softmax(th) - np.log(pt))
    D = z[:, None] - z[None, :]
    R = r[:, None] - r[None, :]
    W = pt[:, None] * pt[None, :]
    loss = -float(np.sum(W * (_sigmoid(R) * _log_sigmoid(D) + _sigmoid(-R) * _log_sigmoid(-D))))
    grad = 2.0 * eta * np.sum(W * (_sigmoid(D) - _sigmoid(R)), axis=1)
    return loss, grad


def dno_regression_minimizer(pi_t, P, eta: float) -> np.ndarray:
    r"""Minimise :func:`dno_regression_loss` over tabular logits (BFGS from :math:`\log\pi_t`); returns the fitted policy.

    The loss is convex in the logits (a logistic loss of a linear function of them) and minimal
    where :math:`\Delta_{yy'}=R_{yy'}`, i.e. at :math:`\pi\propto\pi_te^{r_t/\eta}` [inferred].

    Parameters
    ----------
    pi_t : array_like, shape (K,)
    P : array_like, shape (K, K), or PreferenceGame
    eta : float

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    from scipy.optimize import minimize  # lazy: scipy.optimize, 0.2 s

    pt = _dist(pi_t, "pi_t")
    res = minimize(lambda x: dno_regression_loss(x, pt, P, eta), np.log(pt), jac=True, method="BFGS",
                   options={"gtol": 1e-13, "maxiter": 1000})
    return softmax(res.x)


# --------------------------------------------------------------------------- RPO
def _counts(pair_counts, K=None) -> np.ndarray:
    N = as_float_array(pair_counts, "pair_counts", ndim=2)
    if N.shape[0] != N.shape[1] or (K is not None and N.shape[0] != K):
        raise ShapeError(f"pair_counts must be a square (K, K) matrix of counts N[w, l]; got {N.shape}.")
    if np.any(N < 0) or N.sum() <= 0 or np.any(np.diag(N) != 0):
        raise ValidationError("pair_counts must be >= 0 with a zero diagonal and at least one pair. "
                              "Fix: N[w, l] = number of pairs where w is preferred to l.")
    return N


def bt_nll(rewards, pair_counts) -> tuple[float, np.ndarray]:
    r"""Bradley–Terry negative log-likelihood :math:`L_D(r)=-\frac1{|D|}\sum_{w,l}N_{wl}\log\sigma(r_w-r_l)` and its gradient.

    Parameters
    ----------
    rewards : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
        ``N[w, l]`` = number of pairs with ``w`` preferred to ``l`` (normalised by the total).

    Returns
    -------
    loss : float
    grad : numpy.ndarray, shape (K,)
    """
    r = as_float_array(rewards, "rewards", ndim=1)
    N = _counts(pair_counts, r.shape[0])
    W = N / N.sum()
    D = r[:, None] - r[None, :]
    loss = -float(np.sum(W * _log_sigmoid(D)))
    M = W * _sigmoid(-D)  # d/dD of -log sigma(D) is -sigma(-D)
    return loss, -(M.sum(axis=1) - M.sum(axis=0))


def dpo_loss(logits, ref_logits, pair_counts, beta: float) -> tuple[float, np.ndarray]:
    r"""DPO loss :math:`L_D(\beta\log\pi_\theta/\pi_{ref})` on the data counts, and its gradient w.r.t. the logits.

    The implicit reward differences :math:`\beta(\theta_w-\theta_l)-\beta(\theta^{ref}_w-\theta^{ref}_l)`
    are linear in the logits (the log-partition cancels), so the loss is convex in them.

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
    beta : float
        > 0.

    Returns
    -------
    loss : float
    grad : numpy.ndarray, shape (K,)
    """
    beta = check_positive(beta, "beta")
    th = as_float_array(logits, "logits", ndim=1)
    ref = as_float_array(ref_logits, "ref_logits", ndim=1)
    loss, g = bt_nll(beta * (log_softmax(th) - log_softmax(ref)), pair_counts)
    return loss, beta * (g - softmax(th) * g.sum())  # chain rule through log_softmax (g sums to 0)


def rpo_objective(logits, ref_logits, pair_counts, base, beta: float, eta: float) -> tuple[float, np.ndarray]:
    r"""RPO's objective :math:`\mathrm{DPO}_\beta(\pi_\theta)+\eta\beta\,\mathrm{NLL}_{\pi_{base}}(\pi_\theta)` and its gradient.

    :math:`\mathrm{NLL}_{\pi_{base}}(\pi)=-\sum_y\pi_{base}(y)\log\pi(y)` (the SFT loss on the baseline
    distribution). The weight :math:`\eta\beta` is what the maximin formulation gives (our derivation
    [inferred]); TRL's ``rpo_alpha`` plays its role [docs].

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
    base : array_like, shape (K,)
        Baseline distribution of the SFT term.
    beta, eta : float
        beta > 0, eta >= 0.

    Returns
    -------
    value : float
    grad : numpy.ndarray, shape (K,)
    """
    eta = check_positive(eta, "eta", strict=False)
    th = as_float_array(logits, "logits", ndim=1)
    b = _dist(base, "base", th.shape[0])
    d, gd = dpo_loss(th, ref_logits, pair_counts, beta)
    lp = log_softmax(th)
    return d - eta * beta * float(b @ lp), gd - eta * beta * (b - softmax(th))


def _bt_hessian(r, W):
    D = r[:, None] - r[None, :]
    c = W * _sigmoid(D) * _sigmoid(-D)
    c = c + c.T
    return np.diag(c.sum(axis=1)) - c


def _inner_min(pi, pair_counts, base, eta, bound):
    """min of L_D(r) + eta (pi - base) . r over the box |r_y| <= bound.

    Damped Newton in the coordinates r_1.. (r_0 = 0; the objective is shift invariant), which is the
    box solution when it stays inside the box; L-BFGS-B on the box otherwise.
    """
    c = eta * (pi - base)
    K = pi.shape[0]
    W = pair_counts / pair_counts.sum()

    def f(r):
        v, g = bt_nll(r, pair_counts)
        return v + float(c @ r), g + c

    r = np.zeros(K)
    val, g = f(r)
    for _ in range(100):
        Hm = _bt_hessian(r, W)[1:, 1:]
        try:
            step = np.linalg.solve(Hm, -g[1:])
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-12:
            r_new = r.copy()
            r_new[1:] += t * step
            v_new, g_new = f(r_new)
            if v_new <= val + 1e-4 * t * float(g[1:] @ step):
                break
            t *= 0.5
        r, val, g = r_new, v_new, g_new
        if np.max(np.abs(r)) > bound:
            break
        if np.linalg.norm(g[1:]) <= 1e-14 * max(1.0, abs(val)) or t * np.linalg.norm(step) <= 1e-15:
            return float(val), r
    from scipy.optimize import minimize  # lazy: scipy.optimize, 0.2 s

    res = minimize(f, np.zeros(K), jac=True, method="L-BFGS-B", bounds=[(-bound, bound)] * K,
                   options={"ftol": 1e-15, "gtol": 1e-13, "maxiter": 5000, "maxcor": 20})
    return float(res.fun), res.x


def rpo_adversarial_value(logits, ref_logits, pair_counts, base, beta: float, eta: float, *,
                          reward_bound: float = 50.0) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The policy's value against the adversarial reward: :math:`g(\pi)=\min_{\|r\|_\infty\le R}\Phi(\pi,r)` and its gradient.

    The inner problem is convex in :math:`r` (damped Newton, or L-BFGS-B on the box :math:`[-R,R]^K` when
    Newton leaves it); by Danskin's
    theorem :math:`\nabla_\pi g=\eta r^\star(\pi)-\eta\beta(\log(\pi/\pi_{ref})+1)`, chained through
    the softmax. The reward class must be bounded: :math:`L_D` grows only linearly in the reward
    differences, so for large :math:`\eta\|\pi-\pi_{base}\|` the unconstrained inner minimum is
    :math:`-\infty` [inferred]. When the box is inactive at the saddle point (check the returned
    reward), the bounded and unbounded max-min coincide.

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
    base : array_like, shape (K,)
    beta, eta : float
    reward_bound : float
        :math:`R`, the bound of the reward class (> 0).

    Returns
    -------
    value : float
    grad : numpy.ndarray, shape (K,)
        Gradient w.r.t. the logits.
    reward : numpy.ndarray, shape (K,)
        The adversarial reward :math:`r^\star(\pi)`.
    """
    beta = check_positive(beta, "beta")
    eta = check_positive(eta, "eta", strict=False)
    th = as_float_array(logits, "logits", ndim=1)
    K = th.shape[0]
    N = _counts(pair_counts, K)
    R = check_positive(reward_bound, "reward_bound")
    b = _dist(base, "base", K)
    pi = softmax(th)
    lpi, lref = log_softmax(th), log_softmax(as_float_array(ref_logits, "ref_logits", ndim=1))
    kl = float(pi @ (lpi - lref))
    h, r = _inner_min(pi, N, b, eta, R)
    dpi = eta * r - eta * beta * (lpi - lref + 1.0)
    return h - eta * beta * kl, pi * (dpi - pi @ dpi), r


@dataclasses.dataclass(frozen=True, repr=False)
class RPOSolution(ResultMixin):
    r"""A solution of the RPO objective or of its maximin form.

    Attributes
    ----------
    policy : numpy.ndarray, shape (K,)
    value : float
        Objective value at ``policy``.
    grad_norm : float
        Norm of the gradient at the returned point (first-order optimality).
    method : str
    reward : numpy.ndarray or None
        Maximin: the adversarial reward at the solution; RPO: the implied reward
        :math:`\beta\log(\pi/\pi_{ref})` (centred).
    """

    policy: np.ndarray
    value: float
    grad_norm: float
    method: str
    reward: np.ndarray | None = None


def rpo_minimizer(ref_logits, pair_counts, base, beta: float, eta: float) -> RPOSolution:
    r"""Minimise :func:`rpo_objective` over tabular logits (convex; BFGS).

    Parameters
    ----------
    ref_logits : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
    base : array_like, shape (K,)
    beta, eta : float

    Returns
    -------
    RPOSolution
    """
    from scipy.optimize import minimize  # lazy: scipy.optimize, 0.2 s

    ref = as_float_array(ref_logits, "ref_logits", ndim=1)
    res = minimize(lambda x: rpo_objective(x, ref, pair_counts, base, beta, eta), ref.copy(), jac=True,
                   method="BFGS", options={"gtol": 1e-12, "maxiter": 2000})
    _, g = rpo_objective(res.x, ref, pair_counts, base, beta, eta)
    imp = beta * (log_softmax(res.x) - log_softmax(ref))
    return RPOSolution(softmax(res.x), float(res.fun), float(np.linalg.norm(g)), "rpo: DPO + eta beta NLL_base, BFGS",
                       imp - imp.mean())


def rpo_maximin(ref_logits, pair_counts, base, beta: float, eta: float, *, reward_bound: float = 50.0) -> RPOSolution:
    r"""Solve :math:`\max_\pi\min_r\Phi(\pi,r)` directly (outer BFGS on :func:`rpo_adversarial_value`).

    Parameters
    ----------
    ref_logits : array_like, shape (K,)
    pair_counts : array_like, shape (K, K)
    base : array_like, shape (K,)
    beta, eta : float
    reward_bound : float
        Bound :math:`R` of the reward class :math:`\|r\|_\infty\le R`.

    Returns
    -------
    RPOSolution
        ``value`` is :math:`\max_\pi\min_r\Phi`; ``reward`` the adversarial reward there.
    """
    from scipy.optimize import minimize  # lazy: scipy.optimize, 0.2 s

    ref = as_float_array(ref_logits, "ref_logits", ndim=1)

    def f(x):
        v, g, _ = rpo_adversarial_value(x, ref, pair_counts, base, beta, eta, reward_bound=reward_bound)
        return -v, -g

    # start at the baseline: there the adversary's linear term vanishes, so its problem is bounded; the
    # set of policies with a bounded adversary is convex and holds the saddle point, and the outer
    # objective is concave, so the ascent never needs to leave it
    x0 = np.log(_dist(base, "base", ref.shape[0]))
    res = minimize(f, x0, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 2000})
    v, g, r = rpo_adversarial_value(res.x, ref, pair_counts, base, beta, eta, reward_bound=reward_bound)
    return RPOSolution(softmax(res.x), float(v), float(np.linalg.norm(g)),
                       "maximin: outer BFGS, inner L-BFGS-B over the reward box", r)
