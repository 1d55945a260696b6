r"""Tiapkin et al. (2025, arXiv:2505.19731 **v1**): Nash-MP converges linearly, (1+2β)^(-N/2).

What is read and what is inferred (arXiv v1: abstract and the statements listed below):

* **Read [abstract of v1]:** the KL divergence to the β-regularised equilibrium decreases at a
  rate of *order* :math:`(1+2\beta)^{-N/2}`, ``N`` the number of preference queries; also linear
  last-iterate rates for the exploitability gap and, uniformly, for the span semi-norm of
  log-probabilities; all independent of the number of responses. Third-party summaries state
  :math:`O((1+2\beta)^{-N/2}/\beta)`. **v2 of the same arXiv id is a different paper.**
* **Not read:** the theorem number, the admissible learning rate, the constants, the definition
  of a query (the full text of v1 was not reachable here).
* **Inferred (what pgtheory checks):** with the update of :func:`pgtheory.algorithms.nash.nash_mp_update`
  (both proximal steps anchored at π_k, normalisation ``(1/β) P + KL(·‖μ) + (1/η) KL(·‖π_k)``),
  learning rate **η = 2β**, **two queries per iteration** (N = 2k), and the per-iteration
  contraction :math:`(1+\eta)^{-1}` of mirror prox for a 1-strongly-monotone (relative to KL)
  operator with Lipschitz constant :math:`1/(2\beta)` (ℓ1→ℓ∞), the explicit bound

  .. math::  \mathrm{KL}(\pi^*_\beta\|\pi_k) \le (1+2\beta)^{-k}\,\mathrm{KL}(\pi^*_\beta\|\pi_0)
             = (1+2\beta)^{-N/2}\,\mathrm{KL}(\pi^*_\beta\|\pi_0).

  The constant 1 in front (no 1/β) is our inference; it is *tested at every iterate* on random
  games (``tests/games/test_tiapkin2025.py``, also in 40-digit arithmetic), i.e. a falsification test, not a
  citation.

References
----------
D. Tiapkin, D. Calandriello, D. Belomestny, É. Moulines, A. Naumov, K. Rasul, M. Valko,
P. Ménard. Accelerating Nash Learning from Human Feedback via Mirror Prox. arXiv:2505.19731v1
(26 May 2025).
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["KL_RATE", "KL_ORDER", "kl_bound", "contraction_per_query"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="tiapkin2025accelerating",
        authors=("Tiapkin, Daniil", "Calandriello, Daniele", "Belomestny, Denis", "Moulines, Éric",
                 "Naumov, Alexey", "Rasul, Kashif", "Valko, Michal", "Ménard, Pierre"),
        title="Accelerating Nash Learning from Human Feedback via Mirror Prox",
        venue="arXiv preprint arXiv:2505.19731", entry_type="misc",
        year=2025, arxiv="2505.19731", arxiv_version="v1", theorem=theorem,
        url="https://arxiv.org/abs/2505.19731v1")


N, beta, K0 = sp.symbols("N beta KL_0", positive=True)
_SYM = {N: "number of preference queries N = 2k (k iterations)", beta: "regularisation beta > 0",
        K0: "KL(pi*_beta || pi_0)"}
_ASSUME = ("preference matrix P in [0,1], P + P^T = 1; reference mu with full support",
           "exact proximal steps, both anchored at pi_k",
           "learning rate eta = 2 beta (inferred admissible maximum)", "two preference queries per iteration")

KL_RATE = register(Bound(
    id="tiapkin2025.kl_rate", expr=K0 * (1 + 2 * beta) ** (-N / 2),
    quantity=r"\mathrm{KL}(\pi^*_\beta \| \pi_k),\ N = 2k", symbols=dict(_SYM), kind="upper",
    citation=_cite("main KL rate (theorem number not read)"), assumptions=_ASSUME, provenance="inferred",
    provenance_note="Order (1+2beta)^(-N/2) read in the v1 abstract; eta = 2 beta, N = 2k and the constant "
                    "KL_0 (no 1/beta factor) are inferred from the mirror-prox analysis (Lipschitz 1/(2 beta), "
                    "KL 1-strongly convex) and checked numerically at every iterate, not read in the theorem.",
    variable="N", rate_type="linear"))

KL_ORDER = register(Bound(
    id="tiapkin2025.kl_order", expr=(1 + 2 * beta) ** (-N / 2) / beta,
    quantity=r"\mathrm{KL}(\pi^*_\beta \| \pi_N)\ (order statement)", symbols={N: _SYM[N], beta: _SYM[beta]},
    kind="rate", citation=_cite("abstract; O(.)/beta form from third-party summaries"),
    assumptions=_ASSUME[:2], provenance="abstract",
    provenance_note="Rate order from the v1 abstract; the 1/beta prefactor only from third-party summaries [T].",
    variable="N", rate_type="linear"))


def kl_bound(N_, beta_: float, kl0: float):
    r"""Numerical value of :math:`\mathrm{KL}_0(1+2\beta)^{-N/2}` (inferred Nash-MP bound).

    Parameters
    ----------
    N_ : float or ndarray
        Preference queries (``2k``).
    beta_ : float
    kl0 : float
        :math:`\mathrm{KL}(\pi^*_\beta\|\pi_0)`.

    Returns
    -------
    float or ndarray
    """
    return kl0 * (1.0 + 2.0 * beta_) ** (-0.5 * N_)


def contraction_per_query(beta_: float) -> float:
    r"""Stated contraction per preference query, :math:`(1+2\beta)^{-1/2}`.

    Parameters
    ----------
    beta_ : float

    Returns
    -------
    float
    """
    return (1.0 + 2.0 * beta_) ** -0.5
