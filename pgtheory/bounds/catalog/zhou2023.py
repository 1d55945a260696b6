r"""Zhou, Sekhari, Song, Sun (2023): HAC / HNPG, hybrid actor-critic with offline data.

References
----------
Y. Zhou, A. Sekhari, Y. Song, W. Sun. Offline Data Enhanced On-Policy Policy Gradient with
Provable Guarantees. arXiv:2311.08384 (v1, 14 Nov 2023). The venue could not be confirmed
(conference listings disagree), so the entry is the arXiv preprint.

Provenance: the full arXiv text (Sections 1-7, Appendices A-E) was read. Constants of Theorem 1
come from its proof (App. C.1.4: eqs. 22, 24, 25 before the case split); the statement itself is
O(.) of the same terms. Lemma 5's K1 is printed three different ways (statement, proof, Theorem
1); no bound below depends on K1.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["ZHOU2023", "THM1_EXACT", "THM1_COMPLETE", "THM1_INCOMPLETE", "THM1_EQ22", "LEMMA5_ON", "LEMMA5_OFF",
           "LEMMA5_OFF_EQ20", "LEMMA5_CONTRACTION", "COR1_T", "THM2_COMPLETE"]


def _cite(theorem: str, equation: str = "") -> Citation:
    return Citation(
        key="zhou2023offline",
        authors=("Zhou, Yifei", "Sekhari, Ayush", "Song, Yuda", "Sun, Wen"),
        title="Offline Data Enhanced On-Policy Policy Gradient with Provable Guarantees",
        venue="arXiv preprint arXiv:2311.08384", entry_type="misc", year=2023, arxiv="2311.08384", arxiv_version="v1",
        theorem=theorem, equation=equation, url="https://arxiv.org/abs/2311.08384")


ZHOU2023 = _cite("")

T, A, g, Cnpg, Coff, Cbar = sp.symbols("T A gamma C_npg C_off Cbar_off", positive=True)
lam, ebe, es, K, beta, W, eps = sp.symbols("lam eps_be eps_stat K beta W eps", positive=True)
k, e0 = sp.symbols("k e0", positive=True)

_SYM = {T: "number of rounds T (regret sums t = 1..T)", A: "number of actions |A|", g: "discount factor gamma"}
_ASSUME = ("discounted MDP, rewards in [0, 1]", "state reset with a0 ~ pi (performance-difference lemma exact)",
           "pi_1 uniform, eta = (1-gamma) sqrt(log(A)/T) <= (1-gamma)/2 (needs log A / T <= 1/4)")

THM1_EXACT = register(Bound(
    id="zhou2023.thm1_exact_critic",
    expr=2 / (1 - g) ** 2 * sp.sqrt(sp.log(A) * T),
    quantity=r"\sum_{t=1}^T V^*(\rho) - V^{\pi_t}(\rho)",
    symbols=dict(_SYM), kind="upper", citation=_cite("Theorem 1 (proof, Delta_on = 0)", "24"),
    assumptions=_ASSUME + ("exact critic f^t = Q^{pi_t} (Delta_on = 0)",),
    provenance="derived",
    provenance_note="Read in full: eq. (24) bounds the cumulative suboptimality by 2/(1-gamma)^2 sqrt(log(A) T) "
                    "+ 2T/(1-gamma) sqrt(C_npg Delta_on); with the exact critic Delta_on = 0 and the second term "
                    "vanishes (our specialisation; the mirror-descent part is Lemma 6).",
    variable="T"))

THM1_COMPLETE = register(Bound(
    id="zhou2023.thm1_complete",
    expr=60 / (1 - g) ** 2 * sp.sqrt(sp.log(A) * T) + 100 / (1 - g) ** 2 * sp.sqrt(sp.Min(Cnpg, Coff ** 2) * T),
    quantity=r"\sum_{t=1}^T V^{\pi^e}(\rho) - V^{\pi_t}(\rho)",
    symbols={**_SYM, Cnpg: "NPG coverage C_npg,pi^e >= sup_pi ||d^{pi^e}/d^pi||_inf (Definition 2)",
             Coff: "Bellman error transfer coefficient C_off,pi^e (Definition 3)"},
    kind="upper", citation=_cite("Theorem 1 (eps_be <= 1/T, lam = 1)", "C.1.4"),
    assumptions=_ASSUME + ("Assumption 1 (realizability)", "inherent Bellman error eps_be <= 1/T, lam = 1",
                           "HPE with K2 = K1 + T, m_off = m_on = 2T log(2|F|/delta)/(1-gamma)^2",
                           "holds with probability >= 1 - delta"),
    provenance="verified",
    provenance_note="Read in full; the statement is O(.) of these terms, the constants 60 and 100 come from the "
                    "proof in App. C.1.4.",
    variable="T"))

THM1_INCOMPLETE = register(Bound(
    id="zhou2023.thm1_incomplete",
    expr=2 / (1 - g) ** 2 * sp.sqrt(sp.log(A) * T) + 72 / (1 - g) ** 2 * sp.sqrt(Cnpg * T),
    quantity=r"\sum_{t=1}^T V^{\pi^e}(\rho) - V^{\pi_t}(\rho)",
    symbols={**_SYM, Cnpg: "NPG coverage C_npg,pi^e (Definition 2)"},
    kind="upper", citation=_cite("Theorem 1 (eps_be > 1/T, lam = T/2 - 1)", "C.1.4"),
    assumptions=_ASSUME + ("Assumption 1 (realizability)", "lam = T/2 - 1", "probability >= 1 - delta"),
    provenance="verified",
    provenance_note="Read in full; constants from the proof of Theorem 1 (eps_stat = 64 as printed there; the "
                    "Theorem 2 proof prints 128).",
    variable="T"))

Don = sp.Symbol("Delta_on", positive=True)

THM1_EQ22 = register(Bound(
    id="zhou2023.thm1_eq22",
    expr=2 / (1 - g) ** 2 * sp.sqrt(sp.log(A) * T) + 2 * T / (1 - g) * sp.sqrt(Cnpg * Don),
    quantity=r"\sum_{t=1}^T V^{\pi^e}(\rho) - V^{\pi_t}(\rho)",
    symbols={**_SYM, Cnpg: "NPG coverage max_t ||d^{pi^e}/d^{pi_t}||_inf along the run (Definition 2)",
             Don: "on-policy critic error bound Delta_on >= max_t E_{d^{pi_t}}[(f^t - Q^{pi_t})^2]"},
    kind="upper", citation=_cite("Theorem 1 (proof, before the case split)", "22"),
    assumptions=_ASSUME + ("critic values f^t in [0, 1/(1-gamma)]",),
    provenance="verified",
    provenance_note="Read in full: eq. (22), the NPG branch of Theorem 1's proof; it holds run by run given the "
                    "realised critic errors (mirror descent, Lemma 6, plus Cauchy-Schwarz with C_npg).",
    variable="T"))

LEMMA5_ON = register(Bound(
    id="zhou2023.lemma5_on",
    expr=12 / ((1 - g) ** 2 * lam) + 12 * es / (lam * (1 - g)),
    quantity=r"\mathbb E_{d^\pi}[(\bar f - Q^\pi)^2]",
    symbols={g: "discount factor", lam: "on-policy weight lambda of eq. (1)",
             es: "statistical error eps_stat (0 in expectation)"},
    kind="upper", citation=_cite("Lemma 5 (a)"),
    assumptions=("Assumption 1 (realizability)", "HPE with K1, K2 and m_on, m_off as in Lemma 5",
                 "no completeness needed (the 1/lam branch)"),
    provenance="derived",
    provenance_note="Read in full: Lemma 5 (a) states 12/(1-gamma)^2 min{1/lam, eps_be} + 12 eps_stat/(lam (1-gamma)); "
                    "this is its 1/lam branch (min <= 1/lam), which needs no estimate of eps_be and keeps a "
                    "symbolic exponent in lam.",
    variable="lam"))

LEMMA5_OFF = register(Bound(
    id="zhou2023.lemma5_off",
    expr=40 / (1 - g) * (lam * ebe / (1 - g) + es),
    quantity=r"\mathbb E_\nu[(\bar f - T^\pi\bar f)^2]",
    symbols={g: "discount factor", lam: "on-policy weight lambda of eq. (1)",
             ebe: "point-wise inherent Bellman error eps_be (Definition 1)", es: "statistical error eps_stat"},
    kind="upper", citation=_cite("Lemma 5 (b)"),
    assumptions=("Assumption 1 (realizability)", "K2 - K1 >= 1/(20 eps_stat (1-gamma))"),
    provenance="verified", provenance_note="Read in full (Lemma 5 (b)).", variable="lam"))

LEMMA5_OFF_EQ20 = register(Bound(
    id="zhou2023.lemma5_off_eq20",
    expr=1 / (K * (1 - g ** 2)) + 20 / (1 - g) * (lam * ebe / (1 - g) + es),
    quantity=r"\mathbb E_\nu[(\bar f - T^\pi\bar f)^2]",
    symbols={K: "number of averaged iterates K2 - K1", g: "discount factor", lam: "on-policy weight lambda",
             ebe: "point-wise inherent Bellman error eps_be", es: "statistical error eps_stat"},
    kind="upper", citation=_cite("Lemma 5 (proof)", "20"),
    assumptions=("Assumption 1 (realizability)", "values in [0, 1/(1-gamma)]"),
    provenance="verified", provenance_note="Read in full: eq. (20), the step of Lemma 5 (b) before K2 - K1 is "
                                           "chosen; valid for any K2 - K1.", variable="lam"))

LEMMA5_CONTRACTION = register(Bound(
    id="zhou2023.lemma5_contraction",
    expr=e0 * g ** k,
    quantity=r"\mathbb E_{d^\pi}[(f_k - Q^\pi)^2]",
    symbols={k: "HPE iteration k", e0: "initial error E_{d^pi}[(f_0 - Q^pi)^2]", g: "discount factor"},
    kind="upper", citation=_cite("Lemma 5 (proof, per-iteration contraction)"),
    assumptions=("Assumption 1 (realizability)", "Bellman complete (eps_be = 0)", "population losses (eps_stat = 0)"),
    provenance="verified",
    provenance_note="Read in full: the proof of Lemma 5 gives E_{d^pi}(f_k - Q^pi)^2 <= gamma E_{d^pi}(f_{k-1} - "
                    "Q^pi)^2 + 6 eps_be/(1-gamma) + eps_stat/lam; iterated with eps_be = eps_stat = 0 (our "
                    "specialisation).",
    variable="k", rate_type="linear"))

COR1_T = register(Bound(
    id="zhou2023.cor1_rounds",
    expr=200 / (eps ** 2 * (1 - g) ** 4) * (36 * sp.log(A) + 100 * sp.Min(Cnpg, Coff ** 2)),
    quantity=r"rounds T for E[V^* - V^{\hat\pi}] <= eps (online samples ~ T^3)",
    symbols={eps: "target suboptimality", A: "number of actions", g: "discount factor",
             Cnpg: "NPG coverage C_npg,pi* (Definition 2)", Coff: "transfer coefficient C_off,pi* (Definition 3)"},
    kind="upper", citation=_cite("Corollary 1 (complete case)", "C.1.5"),
    assumptions=("as Theorem 1, complete case", "online samples per run T K2 m_on ~ T^3 log(2|F|/delta)/(1-gamma)^2 "
                                                "(eq. 27), hence eps^-6"),
    provenance="verified", provenance_note="Read in full (App. C.1.5).", variable="eps"))

THM2_COMPLETE = register(Bound(
    id="zhou2023.thm2_complete",
    expr=1 / (1 - g) * sp.sqrt(2 * beta * W ** 2 * sp.log(A) * T)
    + 350 / (1 - g) ** 2 * sp.sqrt(sp.Min(Cnpg, Cbar ** 2) * T),
    quantity=r"\sum_{t=1}^T V^{\pi^e}(\rho) - V^{\pi_{\theta^t}}(\rho)",
    symbols={**_SYM, beta: "smoothness of log pi_theta (Assumption 2)", W: "radius of the w class (Assumption 3)",
             Cnpg: "NPG coverage (Definition 2)", Cbar: "concentrability Cbar_off = sup d^{pi^e}/nu (Definition 4)"},
    kind="upper", citation=_cite("Theorem 2 (complete, lam = 1)"),
    assumptions=("Assumptions 1-4", "lam = 1", "probability >= 1 - delta"),
    provenance="verified", provenance_note="Read in full (Lemma 7 / Theorem 2, constants from the proof).",
    variable="T"))
