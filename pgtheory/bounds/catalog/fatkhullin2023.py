r"""Fatkhullin, Barakat, Kireeva, He (ICML 2023): N-PG-IGT and (N)-HARPG for Fisher-non-degenerate policies.

References
----------
I. Fatkhullin, A. Barakat, A. Kireeva, N. He. Stochastic Policy Gradient Methods: Improved Sample
Complexity for Fisher-non-degenerate Policies. ICML 2023, PMLR 202:9827-9869. arXiv:2302.01734.
Comparison rate: R. Yuan, R. M. Gower, A. Lazaric. A general sample complexity analysis of vanilla
policy gradient. AISTATS 2022. arXiv:2107.11433.

Provenance (what was read in the paper, by statement)
------------------------------------------------------------------------------
* The full text of the paper could not be read for this catalog (the search index holds only its
  abstract/opening). The exponents -2/5 (Theorem 1) and -1/2 (Theorem 2), the schedules
  (``eta_t = (t+1)^{-4/5}``, ``gamma_t = O(1/t)`` / ``O(1/sqrt t)``), the horizon
  ``H = log(T+1)/(1-gamma)`` and the Lemma 1 constants were read on the authors' ICML poster
  (read in the full text [V]); the sample complexities eps^-2.5, eps^-2 and the comparison eps^-3 are in the
  abstract (read here). The constants hidden in the O(.) are not available anywhere reachable, so
  Theorems 1-2 are registered as ``kind="rate"`` (order statements; only exponents are checkable).
* The poster does not spell out the paper's "regularity" assumption; the bounded-score hypothesis
  ``||grad log pi|| <= M_g`` of Lemma 1 is [V]; a bounded Hessian of ``log pi`` is recalled only [R].
* The vanilla-PG comparison exponent -1/3 in the number of trajectories is *derived* from the
  eps^-3 sample complexity; the abstract of Yuan et al. (2022) (read) states O~(eps^-3) to the global
  optimum for Fisher-non-degenerate policies under relaxed weak gradient domination, with a batch size
  that may be 1; its step-size schedule was not read.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["FATKHULLIN2023", "THM1", "THM2_HARPG", "THM2_NHARPG", "THM1_SAMPLES", "THM2_SAMPLES",
           "LEMMA1", "VANILLA_PG", "VANILLA_PG_SAMPLES"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="fatkhullin2023stochastic",
        authors=("Fatkhullin, Ilyas", "Barakat, Anas", "Kireeva, Anastasia", "He, Niao"),
        title="Stochastic Policy Gradient Methods: Improved Sample Complexity for Fisher-non-degenerate Policies",
        venue="Proceedings of the 40th International Conference on Machine Learning (ICML)",
        series="Proceedings of Machine Learning Research", volume="202", entry_type="inproceedings",
        year=2023, arxiv="2302.01734", arxiv_version="", theorem=theorem,
        url="https://proceedings.mlr.press/v202/fatkhullin23a.html")


FATKHULLIN2023 = _cite("")

T, C, eps, eps_bias, gamma = sp.symbols("T C eps eps_bias gamma", positive=True)
G, mu_F, M_g, n = sp.symbols("G mu_F M_g n", positive=True)

_ASSUME = ("Assumption 1 (Fisher non-degenerate): F_rho(theta) >= mu_F I for all theta",
           "Assumption 2 (compatible function approximation) with transfer error eps_bias",
           "regularity of pi_theta (bounded score ||grad log pi|| <= M_g; the rest of the paper's "
           "regularity assumption not read)",
           "one trajectory of length H = log(T+1)/(1-gamma) per estimate; baseline-free estimators")
_SYM = {T: "number of iterations", C: "constant hidden in O(.) (not stated; problem dependent)",
        eps_bias: "transfer (compatible function approximation) error of Assumption 2",
        gamma: "discount factor"}

THM1 = register(Bound(
    id="fatkhullin2023.thm1",
    expr=C / (T + 1) ** sp.Rational(2, 5) + sp.sqrt(eps_bias) / (1 - gamma),
    quantity=r"J^\star - \mathbb E[J(\theta_T)]",
    symbols=dict(_SYM),
    kind="rate", citation=_cite("Theorem 1 (N-PG-IGT)"),
    assumptions=_ASSUME + ("N-PG-IGT (Algorithm 1), eta_t = (t+1)^{-4/5}, gamma_t = O(1/t)",),
    provenance="verified",
    provenance_note="Exponent -2/5, schedules and horizon read on the authors' ICML 2023 poster and consistent with "
                    "the abstract's O~(eps^-2.5); constant C not stated there; full text not read here.",
    variable="T"))

THM2_HARPG = register(Bound(
    id="fatkhullin2023.thm2_harpg",
    expr=C / (T + 1) ** sp.Rational(1, 2) + sp.sqrt(eps_bias) / (1 - gamma),
    quantity=r"J^\star - \mathbb E[J(\theta_T)]",
    symbols=dict(_SYM),
    kind="rate", citation=_cite("Theorem 2 (HARPG)"),
    assumptions=_ASSUME + ("HARPG (Algorithm 2, un-normalized), eta_t = 1/(t+1), gamma_t = O(1/sqrt t), "
                           "two trajectories per iteration",),
    provenance="verified",
    provenance_note="Exponent -1/2 and schedules read on the poster; O~(eps^-2) in the abstract; constant not stated.",
    variable="T"))

THM2_NHARPG = register(Bound(
    id="fatkhullin2023.thm2_nharpg",
    expr=C / (T + 1) ** sp.Rational(1, 2) + sp.sqrt(eps_bias) / (1 - gamma),
    quantity=r"J^\star - \mathbb E[J(\theta_T)]",
    symbols=dict(_SYM),
    kind="rate", citation=_cite("Theorem 2 (N-HARPG)"),
    assumptions=_ASSUME + ("N-HARPG (Algorithm 2, normalized), eta_t = 1/(t+1), gamma_t = O(1/t), "
                           "two trajectories per iteration",),
    provenance="verified",
    provenance_note="Exponent -1/2 and schedules read on the poster; O~(eps^-2) in the abstract; constant not stated.",
    variable="T"))

THM1_SAMPLES = register(Bound(
    id="fatkhullin2023.thm1_samples",
    expr=C * eps ** sp.Rational(-5, 2),
    quantity="trajectories needed for J* - E[J(theta_T)] <= eps + sqrt(eps_bias)/(1-gamma) (N-PG-IGT), logs hidden",
    symbols={eps: "target accuracy", C: "constant and log factors hidden in O~(.)"},
    kind="rate", citation=_cite("Theorem 1 / Corollary (sample complexity)"),
    assumptions=_ASSUME,
    provenance="abstract",
    provenance_note="O~(eps^-2.5) stated in the abstract (read); log factors not modelled.",
    variable="eps"))

THM2_SAMPLES = register(Bound(
    id="fatkhullin2023.thm2_samples",
    expr=C * eps ** (-2),
    quantity="trajectories needed for J* - E[J(theta_T)] <= eps + sqrt(eps_bias)/(1-gamma) ((N)-HARPG), logs hidden",
    symbols={eps: "target accuracy", C: "constant and log factors hidden in O~(.)"},
    kind="rate", citation=_cite("Theorem 2 / Corollary (sample complexity)"),
    assumptions=_ASSUME,
    provenance="abstract",
    provenance_note="O~(eps^-2) stated in the abstract (read).",
    variable="eps"))

LEMMA1 = register(Bound(
    id="fatkhullin2023.lemma1",
    expr=(M_g / mu_F) * (G + mu_F * sp.sqrt(eps_bias) / (M_g * (1 - gamma))),
    quantity=r"J^\star - J(\theta)",
    symbols={G: r"||grad J(theta)||", mu_F: "Fisher lower bound of Assumption 1",
             M_g: "score bound sup ||grad log pi_theta(a|s)||", eps_bias: "transfer error of Assumption 2",
             gamma: "discount factor"},
    kind="upper", citation=_cite("Lemma 1 (relaxed weak gradient domination)"),
    assumptions=("Assumptions 1 and 2", "||grad log pi_theta(a|s)|| <= M_g for all theta, s, a"),
    provenance="verified",
    provenance_note="Read on the poster as eps' + ||grad J|| >= sqrt(2 mu)(J* - J) with eps' = mu_F sqrt(eps_bias)/"
                    "(M_g (1-gamma)) and mu = mu_F^2/(2 M_g^2); rearranged here as an upper bound on J* - J "
                    "(sqrt(2 mu) = mu_F/M_g). The proof also holds pointwise with eps_bias(theta).",
    variable="G"))


def _yuan() -> Citation:
    return Citation(
        key="yuan2022general", authors=("Yuan, Rui", "Gower, Robert M.", "Lazaric, Alessandro"),
        title="A general sample complexity analysis of vanilla policy gradient",
        venue="Proceedings of the 25th International Conference on Artificial Intelligence and Statistics (AISTATS)",
        series="Proceedings of Machine Learning Research", volume="151", entry_type="inproceedings",
        year=2022, arxiv="2107.11433",
        theorem="global optimum under Fisher non-degeneracy (as quoted by Fatkhullin et al. 2023, Table 1)",
        url="https://arxiv.org/abs/2107.11433")


VANILLA_PG_SAMPLES = register(Bound(
    id="fatkhullin2023.vanilla_pg_samples",
    expr=C * eps ** (-3),
    quantity="trajectories needed by vanilla PG for J* - E[J(theta)] <= eps + sqrt(eps_bias)/(1-gamma), logs hidden",
    symbols={eps: "target accuracy", C: "constant and log factors hidden in O~(.)"},
    kind="rate", citation=_yuan(),
    assumptions=_ASSUME,
    provenance="abstract",
    provenance_note="O~(eps^-3) to the global optimum for Fisher-non-degenerate policies: abstract of Yuan et al. 2022 "
                    "(read; batch size may be 1) and abstract of Fatkhullin et al. 2023; step schedule not read.",
    variable="eps"))

VANILLA_PG = register(Bound(
    id="fatkhullin2023.vanilla_pg",
    expr=C * n ** sp.Rational(-1, 3) + sp.sqrt(eps_bias) / (1 - gamma),
    quantity=r"J^\star - \mathbb E[J(\theta)] after n trajectories (vanilla PG)",
    symbols={n: "trajectories used", C: "constant and logs hidden in O~(.)",
             eps_bias: "transfer error", gamma: "discount factor"},
    kind="rate", citation=_yuan(),
    assumptions=_ASSUME,
    provenance="derived",
    provenance_note="Inverted from the O~(eps^-3) sample complexity (abstract of Fatkhullin et al. 2023).",
    variable="n"))
