r"""Agarwal, Kakade, Lee, Mahajan (JMLR 2021): softmax NPG converges at O(1/T), dimension-free.

References
----------
A. Agarwal, S. M. Kakade, J. D. Lee, G. Mahajan. On the Theory of Policy Gradient Methods:
Optimality, Approximation, and Distribution Shift. JMLR 22(98):1-76, 2021. arXiv:1908.00261.

Provenance: the paper body could not be read; the NPG
bound is recalled and agrees with the iteration complexity O(1/((1-gamma)^2 eps)) quoted by Li
et al. 2021 and Cen et al. 2021 (both read in full).
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["NPG_SOFTMAX", "PGA_DIRECT"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="agarwal2021theory",
        authors=("Agarwal, Alekh", "Kakade, Sham M.", "Lee, Jason D.", "Mahajan, Gaurav"),
        title="On the Theory of Policy Gradient Methods: Optimality, Approximation, and Distribution Shift",
        venue="Journal of Machine Learning Research", year=2021, volume="22", number="98", pages="1--76",
        arxiv="1908.00261", arxiv_version="",
        theorem=theorem, url="https://jmlr.org/papers/v22/19-736.html")


T, A, eta, gamma, S, D = sp.symbols("T A eta gamma S D", positive=True)

NPG_SOFTMAX = register(Bound(
    id="agarwal2021.npg_softmax",
    expr=sp.log(A) / (eta * T) + 1 / ((1 - gamma) ** 2 * T),
    quantity=r"V^*(\rho) - V^{(T)}(\rho)",
    symbols={T: "iteration (T >= 1)", A: "number of actions |A|", eta: "NPG step size",
             gamma: "discount factor"},
    kind="upper", citation=_cite("Theorem 5.3 (softmax NPG)"),
    assumptions=("tabular discounted MDP, rewards in [0, 1]", "softmax policy, theta^(0) = 0 (uniform)",
                 "exact NPG: pi_{t+1}(a|s) ∝ pi_t(a|s) exp(eta A^{(t)}(s,a)/(1-gamma)), any eta > 0",
                 "holds for every rho (no distribution mismatch)"),
    provenance="recalled",
    provenance_note="Form recalled, not checked against the paper [R]; the implied iteration complexity O(1/((1-gamma)^2 eps)) "
                    "is verified as quoted by Li et al. 2021 (Table 1) and Cen et al. 2021.",
    variable="T"))

PGA_DIRECT = register(Bound(
    id="agarwal2021.pga_direct",
    expr=sp.sqrt(64 * gamma * S * A * D**2 / ((1 - gamma) ** 6 * T)),
    quantity=r"\min_{t<T} V^*(\rho) - V^{(t)}(\rho)",
    symbols={T: "number of iterations", gamma: "discount factor", S: "number of states |S|",
             A: "number of actions |A|", D: "distribution mismatch ||d_rho^{pi*}/mu||_inf"},
    kind="upper", citation=_cite("Theorem 4.1 (direct parameterisation, projected gradient ascent)"),
    assumptions=("direct parameterisation, projected gradient ascent on V(mu)",
                 "step size eta = (1-gamma)^3/(2 gamma |A|)",
                 "stated as: min_{t<T} gap <= eps once T > 64 gamma S A D^2/((1-gamma)^6 eps^2); inverted here"),
    provenance="recalled",
    provenance_note="Constant from a third-party restatement of Thm. 5.3, not checked against the paper [T]; step size recalled; the gap "
                    "form is our inversion of the iteration complexity.",
    variable="T"))
