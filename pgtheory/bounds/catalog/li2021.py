r"""Li, Wei, Chi, Chen (COLT 2021; Math. Programming 2023): softmax PG can take (super-)exponential time.

The universal constants c1, c2, c3 are not made explicit in the paper (its Remark 3), so these
bounds are order statements (``constants_explicit=False``); checks compare trends (crossing
times growing faster than any polynomial in the state index), never the constants.

References
----------
G. Li, Y. Wei, Y. Chi, Y. Chen. Softmax Policy Gradient Methods Can Take Exponential Time to
Converge. COLT 2021; Mathematical Programming 2023, doi:10.1007/s10107-022-01920-6.
arXiv:2102.11270 (revised Dec 2022). Read in the full text (Sec. 3, Theorems 1 and 3 and the proof of Theorem 3).
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["THM1", "THM3", "RECURSION46"]


def _cite(theorem: str, equation: str = "") -> Citation:
    return Citation(
        key="li2021softmax",
        authors=("Li, Gen", "Wei, Yuting", "Chi, Yuejie", "Chen, Yuxin"),
        title="Softmax Policy Gradient Methods Can Take Exponential Time to Converge",
        venue="Mathematical Programming", year=2023, doi="10.1007/s10107-022-01920-6",
        arxiv="2102.11270", arxiv_version="v3",  # v3 (Dec 2022) is the journal version; COLT 2021 had the short one
        theorem=theorem, equation=equation, url="https://arxiv.org/abs/2102.11270")


S, eta, gamma, c1, c2, s, tprev = sp.symbols("S eta gamma c1 c2 s t_prev", positive=True)

_ASSUME = ("softmax PG, exact gradients, uniform initial policy and initial-state distribution",
           "0 < eta < (1-gamma)^2/5", "0.96 < gamma < 1, |S| >= c3 (1-gamma)^-6",
           "the MDP of Section 3 (at most 3 actions per state, rewards in [-1, 1])")

THM1 = register(Bound(
    id="li2021.thm1", expr=c1 / eta * S ** (2 ** (c2 / (1 - gamma))),
    quantity=r"\min\{t: \tfrac{1}{|S|}\sum_s V^*(s)-V^{(t)}(s) \le 0.07\}",
    symbols={S: "number of states |S|", eta: "step size", gamma: "discount factor",
             c1: "universal constant (not explicit)", c2: "universal constant (not explicit)"},
    kind="lower", citation=_cite("Theorem 1"), assumptions=_ASSUME, provenance="verified",
    provenance_note="Read in the full text; c1, c2 are not made explicit (Remark 3).",
    variable="S", constants_explicit=False))

THM3 = register(Bound(
    id="li2021.thm3",
    expr=c1 * S ** sp.Rational(2, 3) / eta * (c2 * S) ** (sp.Rational(1, 3) * sp.Rational(3, 2) ** sp.floor(s / 2)),
    quantity=r"t_s(0.5) = \min\{t: V^{(t)}(s) \ge 0.5\}",
    symbols={S: "number of states |S|", eta: "step size", s: "index of the primary state",
             c1: "universal constant (not explicit)", c2: "universal constant (not explicit)"},
    kind="lower", citation=_cite("Theorem 3"), assumptions=_ASSUME + ("parameter choice (35)",),
    provenance="verified",
    provenance_note="Read in the full text; constants appear in the proof (C1, C2) but are tiny (10^-20 c_p^2 ...).",
    variable="s", constants_explicit=False))

RECURSION46 = register(Bound(
    id="li2021.recursion46", expr=eta ** sp.Rational(1, 2) * (1 - gamma) ** 2 * tprev ** sp.Rational(3, 2),
    quantity=r"t_s(\tau_s) \gtrsim \eta^{1/2}(1-\gamma)^2\, t_{s-2}(\tau_{s-2})^{3/2}",
    symbols={tprev: "crossing time t_{s-2}(tau_{s-2}) of state s-2", eta: "step size", gamma: "discount factor"},
    kind="rate", citation=_cite("Theorem 3, proof", "(46)"), assumptions=_ASSUME,
    provenance="verified", provenance_note="Recursion (46), read in the full text; 'up to constants'.",
    variable="t_prev"))
