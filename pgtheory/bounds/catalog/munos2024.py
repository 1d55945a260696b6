r"""Munos et al. (ICML 2024): Nash-MD converges in the last iterate at rate O(1/T) (Theorem 1).

Paper key ``munos2024``, the year of the version cited (ICML 2024, BibTeX ``munos2024nash``); the
bound ids were ``munos2023.*`` before 0.2 and still resolve, with a DeprecationWarning, for one release.

Read in the full text (ICML 2024 version, PDF in the GitHub repository
``misovalko/misovalko.github.io``, ``publications/munos2024nash.pdf``; read in the full text, Theorem 1
and Appendix D [V]). Both registered statements are from Theorem 1
and its proof (Appendix D, Lemma 1):

* one-step recursion, for :math:`0 \le \eta_t\tau \le 1`:
  :math:`\mathrm{KL}(\pi^*_\tau\|\pi_{t+1}) \le (1-\eta_t\tau)\,\mathrm{KL}(\pi^*_\tau\|\pi_t) + 2\eta_t^2`;
* with :math:`\eta_t = 2/(\tau(t+2))`: :math:`\mathrm{KL}(\pi^*_\tau\|\pi_T) \le 8/(\tau^2(T+1))`.

Convention check (done in ``proofs_check/munos2024.py``): the recursion with :math:`\eta_t = 2/(\tau(t+2))`
implies the 8/(τ²(T+1)) bound by induction for every T >= 1 and any π_0 (η_0 τ = 1 wipes out
the initial KL); at T = 0 it needs KL(π*‖π_0) <= 8/τ², which holds for π_0 = μ because
KL(π*_τ‖μ) <= 1/(2τ) (compare π* with μ in the regularised game) and τ <= 16.

References
----------
R. Munos, M. Valko, D. Calandriello, M. G. Azar, M. Rowland, Z. D. Guo, Y. Tang, M. Geist,
T. Mesnard, C. Fiegel, A. Michi, M. Selvi, S. Girgin, N. Momchev, O. Bachem, D. J. Mankowitz,
D. Precup, B. Piot. Nash Learning from Human Feedback. ICML 2024 (PMLR 235).
arXiv:2312.00886.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["THM1", "THM1_RECURSION", "thm1_bound", "thm1_recursion_rhs"]


def _cite(theorem: str, equation: str = "") -> Citation:
    return Citation(
        key="munos2024nash",
        authors=("Munos, Rémi", "Valko, Michal", "Calandriello, Daniele", "Azar, Mohammad Gheshlaghi",
                 "Rowland, Mark", "Guo, Zhaohan Daniel", "Tang, Yunhao", "Geist, Matthieu", "Mesnard, Thomas",
                 "Fiegel, Côme", "Michi, Andrea", "Selvi, Marco", "Girgin, Sertan", "Momchev, Nikola",
                 "Bachem, Olivier", "Mankowitz, Daniel J.", "Precup, Doina", "Piot, Bilal"),
        title="Nash Learning from Human Feedback",
        venue="Proceedings of the 41st International Conference on Machine Learning (ICML)",
        series="Proceedings of Machine Learning Research", volume="235", entry_type="inproceedings",
        year=2024, arxiv="2312.00886", theorem=theorem, equation=equation,
        url="https://arxiv.org/abs/2312.00886")


T, t, tau, eta, K = sp.symbols("T t tau eta K_t", positive=True)

_ASSUME = ("tabular (contextual) policies, preference P(y > y') in [0, 1] with P + P^T = 1",
           "reference policy mu with full support; regularised game P(pi > pi') - tau KL(pi||mu) + tau KL(pi'||mu)",
           "Nash-MD update pi_{t+1} ∝ pi_t^mu exp(eta_t P(. > pi_t^mu)), pi_t^mu ∝ pi_t^{1-eta_t tau} mu^{eta_t tau}",
           "exact preference queries")

THM1 = register(Bound(
    id="munos2024.thm1", expr=8 / (tau ** 2 * (T + 1)),
    quantity=r"\mathrm{KL}(\pi^*_\tau \| \pi_T)",
    symbols={T: "iteration T >= 1 (and T = 0 when pi_0 = mu, tau <= 16)", tau: "regularisation tau (beta) > 0"},
    kind="upper", citation=_cite("Theorem 1"), assumptions=_ASSUME + ("eta_t = 2/(tau (t+2))",),
    provenance="verified",
    provenance_note="Constant 8 and the schedule eta_t = 2/(tau(t+2)) read in the full text (ICML 2024 PDF) by the "
                    "full text (Theorem 1 and Appendix D, Lemma 1) [V]; only page openings were reachable when this module "
                    "was written, so they were not re-read here. The induction from the recursion is re-checked "
                    "symbolically in proofs_check/munos2024.py and the bound holds at every iterate in tests/games.",
    variable="T", rate_type="polynomial"))

THM1_RECURSION = register(Bound(
    id="munos2024.thm1_recursion", expr=(1 - eta * tau) * K + 2 * eta ** 2,
    quantity=r"\mathrm{KL}(\pi^*_\tau \| \pi_{t+1})",
    symbols={K: "KL(pi*_tau || pi_t)", eta: "step eta_t with 0 <= eta_t tau <= 1", tau: "regularisation"},
    kind="upper", citation=_cite("Theorem 1 (proof), Appendix D Lemma 1"), assumptions=_ASSUME,
    provenance="verified", provenance_note="One-step inequality read in the full text (ICML 2024 PDF) by the project "
                                           "full text (Theorem 1) [V]; checked at every iterate in tests/games.",
    variable="K_t", rate_type="polynomial"))


def thm1_bound(T_: int, tau_: float) -> float:
    r"""Numerical value of :math:`8/(\tau^2(T+1))` (Munos et al. 2023, Theorem 1).

    Parameters
    ----------
    T_ : int or ndarray
        Iteration(s).
    tau_ : float
        Regularisation.

    Returns
    -------
    float or ndarray
    """
    return 8.0 / (tau_ ** 2 * (T_ + 1.0))


def thm1_recursion_rhs(kl_t: float, eta_t: float, tau_: float) -> float:
    r"""Right-hand side :math:`(1-\eta_t\tau)\mathrm{KL}_t + 2\eta_t^2` of Theorem 1's recursion.

    Parameters
    ----------
    kl_t : float or ndarray
        :math:`\mathrm{KL}(\pi^*_\tau\|\pi_t)`.
    eta_t : float or ndarray
        Step used from iterate t.
    tau_ : float
        Regularisation.

    Returns
    -------
    float or ndarray
    """
    return (1.0 - eta_t * tau_) * kl_t + 2.0 * eta_t ** 2
