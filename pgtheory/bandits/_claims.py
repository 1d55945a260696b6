r"""Closed forms and exact per-arm quantities behind the LLM-RL estimator claims.

Each function computes one exact object used by the checks in
:mod:`pgtheory.experiments.llm_estimators`: GRPO's closed-form difficulty weight, the k1/k2/k3
KL estimators and their gradients, the best-of-N law and its tilt temperature (OREAL), the
Rényi-2 score identity (EMPG), CoPG's pairwise update, f-DPG's gradient, BNPO's variance proxy,
Stratified GRPO's decomposition, the single-sample covariance of MMR1's analysis and the NSR
logit step. Provenance tags as in :mod:`pgtheory.bandits._estimators`.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import ValidationError
from ._estimators import _beta_density
from ._model import _log_probs, check_logits, policy_probs

__all__ = [
    "grpo_weight_closed_form", "grpo_weight_limit", "grpo_implied_objective",
    "kl_estimators", "kl_estimator_gradients",
    "score_norm_sq", "best_of_n_distribution", "bon_tilt_beta", "kl_tilt",
    "copg_pair_update", "copg_expected_update", "copg_loss",
    "f_divergence", "fdpg_expected_gradient",
    "beta_density", "bnpo_variance_proxy",
    "stratified_decomposition",
    "single_sample_covariance", "optimal_constant_baseline",
    "nsr_probability_step",
]


def grpo_weight_closed_form(p, G: int, ddof: int = 0) -> np.ndarray:
    r"""Closed-form :math:`c_G(p)` with :math:`\mathbb E[\hat g_{GRPO}]=c_G(p)\nabla p` (binary, ε=0).

    .. math:: c_G(p)=\frac1G\sum_{k=1}^{G-1}\binom Gk p^k(1-p)^{G-k}
              \frac{k(1-k/G)/p+(G-k)(k/G)/(1-p)}{\sqrt{(k/G)(1-k/G)}}\cdot\kappa,

    :math:`\kappa=1` for ddof=0 and :math:`\sqrt{(G-1)/G}` for ddof=1.

    Parameters
    ----------
    p : array_like
        Success probabilities in (0, 1).
    G : int
        Group size >= 2.
    ddof : {0, 1}

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Dossier ``estimator_claims.md`` §1, exact check 1 [inferred]; GRPO: Shao et al. 2024,
    arXiv:2402.03300.
    """
    G = check_positive_int(G, "G", 2)
    pa = np.asarray(p, dtype=np.float64)[..., None]
    k = np.arange(1, G)
    binom = np.array([math.comb(G, int(j)) for j in k], dtype=np.float64)
    pmf = binom * pa ** k * (1 - pa) ** (G - k)
    f = k / G
    terms = pmf * (k * (1 - f) / pa + (G - k) * f / (1 - pa)) / np.sqrt(f * (1 - f))
    kappa = 1.0 if ddof == 0 else math.sqrt((G - 1) / G)
    return terms.sum(axis=-1) / G * kappa


def grpo_weight_limit(p) -> np.ndarray:
    r"""Large-G limit of GRPO's weight: :math:`c_\infty(p)=1/\sqrt{p(1-p)}`.

    Parameters
    ----------
    p : array_like
        Success probability in (0, 1).

    Returns
    -------
    numpy.ndarray
    """
    p = np.asarray(p, dtype=np.float64)
    return 1.0 / np.sqrt(p * (1 - p))


def grpo_implied_objective(p) -> np.ndarray:
    r"""Objective ascended by GRPO with exact mean/std: :math:`F_\infty(p)=2\arcsin\sqrt p`.

    :math:`F_\infty'(p)=1/\sqrt{p(1-p)}` [inferred].

    Parameters
    ----------
    p : array_like

    Returns
    -------
    numpy.ndarray
    """
    return 2.0 * np.arcsin(np.sqrt(np.asarray(p, dtype=np.float64)))


def kl_estimators(logits, ref_logits) -> dict:
    r"""Per-arm values of the k1, k2, k3 estimators of :math:`\mathrm{KL}(\pi_\theta\|\pi_{ref})`.

    With :math:`\lambda(y)=\pi_{ref}(y)/\pi_\theta(y)`: :math:`k_1=-\log\lambda`,
    :math:`k_2=\frac12(\log\lambda)^2`, :math:`k_3=\lambda-\log\lambda-1` (sampled :math:`y\sim\pi_\theta`).

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)

    Returns
    -------
    dict
        ``{"k1": (K,), "k2": (K,), "k3": (K,)}``.

    References
    ----------
    Schulman 2020, "Approximating KL divergence" (blog) [docs]; k3 in GRPO: Shao et al. 2024,
    arXiv:2402.03300 v3, Eq. (4) [docs: TRL].
    """
    lr = _log_probs(check_logits(ref_logits, "ref_logits")) - _log_probs(check_logits(logits))
    return {"k1": -lr, "k2": 0.5 * lr ** 2, "k3": np.expm1(lr) - lr}


def kl_estimator_gradients(logits, ref_logits) -> dict:
    r"""Per-arm pathwise gradients w.r.t. the logits of k1, k2, k3 at a fixed sampled arm.

    :math:`\nabla k_1=s(y)`, :math:`\nabla k_2=-\log\lambda(y)\,s(y)`,
    :math:`\nabla k_3=(1-\lambda(y))\,s(y)`, with the score :math:`s(y)=e_y-\pi_\theta`. Their
    expectations under :math:`y\sim\pi_\theta` are 0, :math:`\nabla\mathrm{KL}(\pi\|\pi_{ref})` and
    :math:`\nabla\mathrm{KL}(\pi_{ref}\|\pi)` [inferred].

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)

    Returns
    -------
    dict
        ``{"k1": (K, K), "k2": (K, K), "k3": (K, K)}``; row ``y`` is the gradient for arm ``y``.
    """
    th = check_logits(logits)
    K = th.shape[-1]
    pi = policy_probs(th)
    S = np.eye(K) - pi[None, :]
    lr = _log_probs(check_logits(ref_logits, "ref_logits")) - _log_probs(th)
    return {"k1": S, "k2": (-lr)[:, None] * S, "k3": (-np.expm1(lr))[:, None] * S}


def score_norm_sq(logits) -> np.ndarray:
    r"""Squared norm of the softmax score per arm, :math:`\|e_a-\pi\|^2=1-2\pi_a+\|\pi\|^2`.

    Its mean under :math:`\pi` is :math:`1-\sum_a\pi_a^2=1-e^{-H_2(\pi)}` (Rényi-2 entropy).

    Parameters
    ----------
    logits : array_like, shape (K,)

    Returns
    -------
    numpy.ndarray, shape (K,)

    References
    ----------
    Wang et al. 2025, *EMPG*, arXiv:2509.09265 v1, Prop. 1 [secondary summary, not checked against the paper].
    """
    pi = policy_probs(check_logits(logits))
    return 1.0 - 2.0 * pi + np.sum(pi ** 2, axis=-1, keepdims=True)


def best_of_n_distribution(pi, correct, N: int) -> np.ndarray:
    r"""Law of best-of-N sampling with binary reward: first correct of N draws, else the first draw.

    .. math:: \pi_{BoN}(y)=\pi(y)\frac{1-(1-p)^N}{p}\ (y\text{ correct}),\qquad
              \pi(y)(1-p)^{N-1}\ (y\text{ incorrect}).

    Parameters
    ----------
    pi : array_like, shape (K,)
        Sampling distribution.
    correct : array_like of bool, shape (K,)
    N : int

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    pi = as_float_array(pi, "pi")
    c = np.asarray(correct, dtype=bool)
    N = check_positive_int(N, "N")
    p = float(pi[c].sum())
    if p <= 0:
        return pi.copy()
    return np.where(c, pi * (-np.expm1(N * np.log1p(-p)) / p if p < 1 else pi / p), pi * (1 - p) ** (N - 1))


def bon_tilt_beta(p, N: int) -> np.ndarray:
    r"""Temperature :math:`\beta_N(p)=1/\ln\frac{1-(1-p)^N}{p(1-p)^{N-1}}` at which best-of-N equals the KL-regularised optimum.

    Parameters
    ----------
    p : array_like
        Success probability in (0, 1).
    N : int
        Number of samples (N >= 2 for a finite temperature).

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Dossier §9 exact check 1 [inferred]; OREAL: Lyu et al. 2025, arXiv:2502.06781 v1.
    """
    p = np.asarray(p, dtype=np.float64)
    if N == 1:  # the ratio is 1 exactly (no tilt, infinite temperature); the log form would round to +-1e15
        return np.full(p.shape, np.inf)[()]
    return 1.0 / (np.log(-np.expm1(N * np.log1p(-p))) - np.log(p) - (N - 1) * np.log1p(-p))


def kl_tilt(pi, rewards, beta: float) -> np.ndarray:
    r"""KL-regularised optimum :math:`\pi^\star_\beta\propto\pi\,e^{r/\beta}`.

    Parameters
    ----------
    pi : array_like, shape (K,)
    rewards : array_like, shape (K,)
    beta : float
        Temperature > 0.

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    z = np.log(as_float_array(pi, "pi")) + as_float_array(rewards, "rewards") / float(beta)
    return policy_probs(z)


def _copg_Rbeta(logits, ref_logits, rewards, beta):
    return np.asarray(rewards, float) - beta * (_log_probs(logits) - _log_probs(ref_logits))


def copg_loss(logits, ref_logits, rewards, beta: float, mu=None) -> float:
    r"""Expected CoPG loss :math:`\mathbb E_{y,y'\sim\mu}[(R_\beta(y)-R_\beta(y'))^2]`.

    :math:`R_\beta(y)=r(y)-\beta\ln\frac{\pi(y)}{\pi_{ref}(y)}`; it is 0 iff
    :math:`\pi\propto\pi_{ref}e^{r/\beta}` (full-support μ).

    Parameters
    ----------
    logits, ref_logits : array_like, shape (K,)
    rewards : array_like, shape (K,)
    beta : float
    mu : array_like, shape (K,), optional
        Data distribution (default: the policy itself).

    Returns
    -------
    float

    References
    ----------
    Flet-Berliac et al. 2024, *Contrastive Policy Gradient*, arXiv:2406.19185 v1 [secondary, via
    a secondary summary; the loss's normalisation is unconfirmed].
    """
    R = _copg_Rbeta(logits, ref_logits, rewards, beta)
    m = policy_probs(logits) if mu is None else as_float_array(mu, "mu")
    d = R[:, None] - R[None, :]
    return float(m @ (d ** 2) @ m)


def copg_pair_update(logits, ref_logits, rewards, beta: float, y, y2) -> np.ndarray:
    r"""Minus the gradient of :math:`(R_\beta(y)-R_\beta(y'))^2` w.r.t. the logits.

    .. math:: -\nabla\ell=2\beta\,(R_\beta(y)-R_\beta(y'))\,(s(y)-s(y')).

    Parameters
    ----------
    logits, ref_logits, rewards : array_like, shape (K,)
    beta : float
    y, y2 : array_like of int
        Pairs of arms (same shape).

    Returns
    -------
    numpy.ndarray, shape ``(*y.shape, K)``
    """
    R = _copg_Rbeta(logits, ref_logits, rewards, beta)
    y, y2 = np.asarray(y), np.asarray(y2)
    K = R.shape[0]
    E = np.eye(K)
    return (2 * beta * (R[y] - R[y2]))[..., None] * (E[y] - E[y2])


def copg_expected_update(logits, ref_logits, rewards, beta: float, mu=None) -> np.ndarray:
    r"""Exact :math:`\mathbb E_{y,y'\sim\mu}[-\nabla\ell_{CoPG}]` (sum over all K^2 pairs).

    On-policy (μ = π) it equals :math:`4\beta\nabla_\theta(\mathbb E_\pi r-\beta\mathrm{KL}(\pi\|\pi_{ref}))`
    [inferred].

    Parameters
    ----------
    logits, ref_logits, rewards : array_like, shape (K,)
    beta : float
    mu : array_like, shape (K,), optional

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    K = np.asarray(logits).shape[-1]
    m = policy_probs(logits) if mu is None else as_float_array(mu, "mu")
    y, y2 = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    U = copg_pair_update(logits, ref_logits, rewards, beta, y, y2)
    return np.einsum("i,j,ijk->k", m, m, U)


_FPRIME = {
    "kl": lambda t: -1.0 / t,                       # forward KL(p || pi): f(t) = -log t
    "rkl": lambda t: np.log(t) + 1.0,               # reverse KL(pi || p): f(t) = t log t
    "js": lambda t: np.log(2 * t / (1 + t)),        # Jensen-Shannon (x2): f(t) = t log(2t/(1+t)) + log(2/(1+t))
    "tv": lambda t: 0.5 * np.sign(t - 1.0),         # total variation: f(t) = |t-1|/2
}
_F = {
    "kl": lambda t: -np.log(t),
    "rkl": lambda t: t * np.log(t),
    "js": lambda t: t * np.log(2 * t / (1 + t)) + np.log(2 / (1 + t)),
    "tv": lambda t: 0.5 * np.abs(t - 1.0),
}


def f_divergence(pi, p, f: str = "kl") -> float:
    r""":math:`D_f(\pi\|p)=\sum_yp(y)f(\pi(y)/p(y))` for f in {"kl", "rkl", "js", "tv"}.

    Parameters
    ----------
    pi, p : array_like, shape (K,)
        Full-support distributions.
    f : str

    Returns
    -------
    float
    """
    if f not in _F:
        raise ValidationError(f"unknown f {f!r}. Fix: use one of {sorted(_F)}.")
    pi, p = as_float_array(pi, "pi"), as_float_array(p, "p")
    return float(np.sum(p * _F[f](pi / p)))


def fdpg_expected_gradient(logits, target, f: str = "kl", *, proposal=None, z_ratio: float = 1.0,
                           baseline: float = 0.0) -> np.ndarray:
    r"""Exact expectation of the f-DPG update (descent direction of :math:`D_f(\pi_\theta\|p)`).

    .. math:: \mathbb E_{y\sim q}\Big[\frac{\pi_\theta(y)}{q(y)}\big(f'(\hat t(y))-b\big)\nabla\log\pi_\theta(y)\Big],
              \quad \hat t=\frac{\pi_\theta}{\hat p},\ \hat p=p\cdot Z/\hat Z,

    with ``z_ratio`` :math:`=\hat Z/Z`. With ``z_ratio=1`` it equals :math:`\nabla_\theta D_f` for any
    constant baseline :math:`b` and full-support proposal :math:`q` [inferred].

    Parameters
    ----------
    logits : array_like, shape (K,)
    target : array_like, shape (K,)
        Normalised target :math:`p`.
    f : {"kl", "rkl", "js", "tv"}
    proposal : array_like, shape (K,), optional
        :math:`q` (default: the policy).
    z_ratio : float
        :math:`\hat Z/Z` (misestimated partition function).
    baseline : float

    Returns
    -------
    numpy.ndarray, shape (K,)
        The gradient of :math:`D_f` (ascent direction of the divergence).

    References
    ----------
    Go et al. 2023, *Aligning Language Models with Preferences through f-divergence Minimization*,
    ICML 2023, arXiv:2302.08215; toolkit naver/disco ``f_divergence.py`` [code, read in the file named].
    """
    if f not in _FPRIME:
        raise ValidationError(f"unknown f {f!r}. Fix: use one of {sorted(_FPRIME)}.")
    th = check_logits(logits)
    pi = policy_probs(th)
    p = as_float_array(target, "target")
    q = pi if proposal is None else as_float_array(proposal, "proposal")
    t_hat = pi / (p / float(z_ratio))
    K = pi.shape[0]
    S = np.eye(K) - pi[None, :]
    coef = q * (pi / q) * (_FPRIME[f](t_hat) - baseline)
    return coef @ S


def beta_density(p, a: float, b: float) -> np.ndarray:
    r"""Beta(a, b) density :math:`p^{a-1}(1-p)^{b-1}/B(a,b)`.

    Parameters
    ----------
    p : array_like
    a, b : float

    Returns
    -------
    numpy.ndarray
    """
    return _beta_density(np.asarray(p, dtype=np.float64), float(a), float(b))


def bnpo_variance_proxy(alpha, beta, a: float, b: float):
    r""":math:`\mathbb E_{p\sim\mathrm{Beta}(a,b)}[p(1-p)/f_N(p;\alpha,\beta)^2]=B(\alpha,\beta)^2B(a+3-2\alpha,b+3-2\beta)/B(a,b)`.

    Its stationary point in :math:`(\alpha,\beta)` is :math:`(1+a/3,1+b/3)`, BNPO's rule (the
    digamma conditions are met with equality there) [inferred: our reconstruction of
    the variance the theorem minimises]. ``inf`` where the integral diverges.

    Parameters
    ----------
    alpha, beta : float or array_like
    a, b : float
        Beta law of the success rates.

    Returns
    -------
    float or numpy.ndarray
    """
    from scipy.special import betaln  # lazy: scipy.special, used by few

    al, be = np.asarray(alpha, float), np.asarray(beta, float)
    x, y = a + 3 - 2 * al, b + 3 - 2 * be
    ok = (x > 0) & (y > 0)
    val = 2 * betaln(al, be) + betaln(np.where(ok, x, 1.0), np.where(ok, y, 1.0)) - betaln(a, b)
    return np.where(ok, np.exp(val), np.inf)


def stratified_decomposition(rewards, strata) -> dict:
    r"""Stratified GRPO's Prop. 1 and Thm. 1 objects for one batch of rewards.

    Global :math:`\hat A_G=R_i-\bar R`, stratified :math:`\hat A_S=R_i-\bar R_{k(i)}`, cross-stratum
    term :math:`\bar R_{k(i)}-\bar R`, and both sides of
    :math:`\mathrm{Var}[\hat A_G]-\mathrm{Var}[\hat A_S]=\frac1n\sum_kn_k(\bar R_k-\bar R)^2`
    (empirical, ddof=0).

    Parameters
    ----------
    rewards : array_like, shape (n,)
    strata : array_like of int, shape (n,)

    Returns
    -------
    dict
        ``A_global``, ``A_strat``, ``cross``, ``var_gap``, ``var_gap_formula``.

    References
    ----------
    Zhu et al. 2025, arXiv:2510.06214 v1, Prop. 1, Thm. 1 [secondary review, not checked against the paper].
    """
    R = as_float_array(rewards, "rewards", ndim=1)
    s = np.asarray(strata)
    labels, inv, cnt = np.unique(s, return_inverse=True, return_counts=True)
    means = np.bincount(inv, weights=R) / cnt
    AG = R - R.mean()
    AS = R - means[inv]
    return {"A_global": AG, "A_strat": AS, "cross": means[inv] - R.mean(),
            "var_gap": float(np.mean(AG ** 2) - np.mean(AS ** 2)),
            "var_gap_formula": float(np.sum(cnt * (means - R.mean()) ** 2) / R.size)}


def single_sample_covariance(logits, rewards, baseline: float) -> np.ndarray:
    r"""Exact covariance of the one-sample estimator :math:`(r(y)-b)(e_y-\pi)`, :math:`y\sim\pi`.

    Parameters
    ----------
    logits, rewards : array_like, shape (K,)
    baseline : float

    Returns
    -------
    numpy.ndarray, shape (K, K)

    References
    ----------
    Leng et al. 2025, *MMR1*, arXiv:2509.21268, Sec. 4 Eq. (4), Prop. 1 [paper, read at the places named].
    """
    pi = policy_probs(check_logits(logits))
    r = as_float_array(rewards, "rewards")
    K = pi.shape[0]
    S = np.eye(K) - pi[None, :]
    G = (r - baseline)[:, None] * S
    mu = pi @ G
    d = G - mu
    return (d * pi[:, None]).T @ d


def optimal_constant_baseline(logits, rewards) -> float:
    r"""Trace-variance-minimising constant baseline :math:`b^\star=\mathbb E[\|s\|^2r]/\mathbb E[\|s\|^2]`.

    Parameters
    ----------
    logits, rewards : array_like, shape (K,)

    Returns
    -------
    float
    """
    pi = policy_probs(check_logits(logits))
    r = as_float_array(rewards, "rewards")
    w = pi * score_norm_sq(logits)
    return float(w @ r / w.sum())


def nsr_probability_step(logits, y: int, eta: float) -> np.ndarray:
    r"""Logits after one NSR step with the probability loss :math:`L=\pi_\theta(y)` (incorrect ``y``).

    :math:`\Delta z=-\eta\nabla\pi(y)`: :math:`\Delta z_y=-\eta\pi_y(1-\pi_y)`, :math:`\Delta z_v=\eta\pi_y\pi_v`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    y : int
        The sampled incorrect response.
    eta : float
        Step size.

    Returns
    -------
    numpy.ndarray, shape (K,)

    References
    ----------
    Zhu et al. 2025, arXiv:2506.01347, Eqs. (6)-(8) and App. A [paper, read at the places named].
    """
    th = check_logits(logits)
    pi = policy_probs(th)
    e = np.zeros_like(pi)
    e[y] = 1.0
    return th - eta * pi[y] * (e - pi)
