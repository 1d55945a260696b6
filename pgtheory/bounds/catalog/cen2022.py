r"""Cen, Cheng, Chen, Wei, Chi (Operations Research 2022): entropy-regularised NPG converges linearly.

Paper key ``cen2022``, the year of the version cited (BibTeX ``cen2022fast``); the bound ids were
``cen2021.*`` before 0.2 and still resolve, with a DeprecationWarning, for one release.

All statements here were read in the full text (arXiv v2: Theorems 1-2 with Eqs. (18)-(24), and Proposition 1) [V].

References
----------
S. Cen, C. Cheng, Y. Chen, Y. Wei, Y. Chi. Fast Global Convergence of Natural Policy Gradient
Methods with Entropy Regularization. Operations Research 70(4), 2022. arXiv:2007.06558
(revision of 7 Apr 2021).
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["THM1_Q", "THM1_LOGPI", "THM1_V", "THM2_Q", "PROP1", "c1"]


def _cite(theorem: str, equation: str = "") -> Citation:
    return Citation(
        key="cen2022fast",
        authors=("Cen, Shicong", "Cheng, Chen", "Chen, Yuxin", "Wei, Yuting", "Chi, Yuejie"),
        title="Fast Global Convergence of Natural Policy Gradient Methods with Entropy Regularization",
        venue="Operations Research", year=2022, volume="70", number="4", pages="2563--2578",
        doi="10.1287/opre.2021.2151", arxiv="2007.06558", arxiv_version="v2",
        theorem=theorem, equation=equation, url="https://arxiv.org/abs/2007.06558")


t, C1, C2, gamma, eta, tau, L0 = sp.symbols("t C1 C2 gamma eta tau L0", positive=True)

_SYM = {t: "iteration t >= 0 (the bound is on iterate t+1)",
        C1: "C1 = ||Q*_tau - Q_tau^{(0)}||_inf + 2 tau (1 - eta tau/(1-gamma)) ||log pi*_tau - log pi^{(0)}||_inf",
        gamma: "discount factor", eta: "step size, 0 < eta <= (1-gamma)/tau", tau: "entropy-regularisation weight"}
_ASSUME = ("tabular discounted MDP, rewards in [0, 1]",
           "entropy-regularised NPG, update (18): pi^{t+1} ∝ (pi^t)^{1-eta tau/(1-gamma)} exp(eta Q_tau^t/(1-gamma))",
           "exact soft Q evaluation", "0 < eta <= (1-gamma)/tau")


def c1(dq0: float, dlogpi0: float, eta: float, tau: float, gamma: float) -> float:
    r"""Cen et al.'s constant :math:`C_1 = \|Q^*_\tau - Q^{(0)}_\tau\|_\infty + 2\tau(1-\frac{\eta\tau}{1-\gamma})\|\log\pi^*_\tau - \log\pi^{(0)}\|_\infty`.

    Parameters
    ----------
    dq0 : float
        :math:`\|Q^*_\tau - Q^{(0)}_\tau\|_\infty`.
    dlogpi0 : float
        :math:`\|\log\pi^*_\tau - \log\pi^{(0)}\|_\infty`.
    eta, tau, gamma : float
        Step size, regularisation weight, discount.

    Returns
    -------
    float

    References
    ----------
    Cen et al. 2021, arXiv:2007.06558, Theorem 1.
    """
    return float(dq0 + 2.0 * tau * (1.0 - eta * tau / (1.0 - gamma)) * dlogpi0)


THM1_Q = register(Bound(
    id="cen2022.thm1_q", expr=C1 * gamma * (1 - eta * tau) ** t,
    quantity=r"\|Q^*_\tau - Q^{(t+1)}_\tau\|_\infty", symbols=dict(_SYM), kind="upper",
    citation=_cite("Theorem 1", "(21)"), assumptions=_ASSUME, provenance="verified",
    provenance_note="Read in the full text (revision 7 Apr 2021).", variable="t", rate_type="linear"))

THM1_LOGPI = register(Bound(
    id="cen2022.thm1_logpi", expr=2 * C1 / tau * (1 - eta * tau) ** t,
    quantity=r"\|\log\pi^*_\tau - \log\pi^{(t+1)}\|_\infty", symbols=dict(_SYM), kind="upper",
    citation=_cite("Theorem 1", "(22)"), assumptions=_ASSUME, provenance="verified",
    provenance_note="Read in the full text (revision 7 Apr 2021).", variable="t", rate_type="linear"))

THM1_V = register(Bound(
    id="cen2022.thm1_v", expr=3 * C1 * gamma * (1 - eta * tau) ** t,
    quantity=r"\|V^*_\tau - V^{(t+1)}_\tau\|_\infty", symbols=dict(_SYM), kind="upper",
    citation=_cite("Theorem 1, consequence", "(24)"), assumptions=_ASSUME, provenance="verified",
    provenance_note="Consequence (24) of Theorem 1, read in the full text.", variable="t", rate_type="linear"))

THM2_Q = register(Bound(
    id="cen2022.thm2_q", expr=gamma * ((1 - eta * tau) ** t * C1 + C2),
    quantity=r"\|Q^*_\tau - Q^{(t+1)}_\tau\|_\infty \text{ (inexact evaluation)}",
    symbols={**_SYM, C2: "C2 = 2 delta/(1-gamma) (1 + gamma/(eta tau)), delta = sup_t ||Qhat_tau^t - Q_tau^t||_inf"},
    kind="upper", citation=_cite("Theorem 2"),
    assumptions=_ASSUME[:2] + ("soft Q evaluated with sup-norm error at most delta",),
    provenance="verified", provenance_note="Read in the full text.", variable="t", rate_type="linear"))

PROP1 = register(Bound(
    id="cen2022.prop1_bandit", expr=2 * (1 - tau * eta) ** t * L0,
    quantity=r"\|\log\pi^{(t)} - \log\pi^*_\tau\|_\infty \text{ (bandit, } \gamma=0)",
    symbols={t: "iteration", tau: "entropy weight", eta: "step size, 0 < eta <= 1/tau",
             L0: "||log pi^(0) - log pi*_tau||_inf, pi*_tau = softmax(r/tau)"},
    kind="upper", citation=_cite("Proposition 1 (bandit)"),
    assumptions=("multi-armed bandit (gamma = 0)", "entropy-regularised NPG with exact rewards"),
    provenance="verified", provenance_note="Read in the full text.", variable="t", rate_type="linear"))
