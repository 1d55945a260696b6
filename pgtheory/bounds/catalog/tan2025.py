r"""Tan, Fan, Wei (ICML 2025): actor-critics can achieve optimal sample efficiency.

References
----------
K. Tan, W. Fan, Y. Wei. Actor-Critics Can Achieve Optimal Sample Efficiency. Proceedings of the
42nd International Conference on Machine Learning (ICML 2025), PMLR 267:58545-58590.
arXiv:2505.03710.

Provenance: only the arXiv and PMLR abstracts were read; the full text, theorem numbers,
constants and the c*_off definition were not. Every bound here is an order statement
(``kind="rate"``) with unknown universal constants: a check can test exponents only. The
N_off statement appears in the arXiv abstract and not in the PMLR abstract.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["TAN2025", "SAMPLE_COMPLEXITY", "PAC_EPISODES", "REGRET", "HYBRID_NOFF", "HYBRID_NOFF_INV_EPS", "ACTOR_TERM"]


def _cite(theorem: str = "") -> Citation:
    return Citation(
        key="tan2025actor",
        authors=("Tan, Kevin", "Fan, Wei", "Wei, Yuting"),
        title="Actor-Critics Can Achieve Optimal Sample Efficiency",
        venue="Proceedings of the 42nd International Conference on Machine Learning (ICML)",
        series="Proceedings of Machine Learning Research", volume="267",
        year=2025, arxiv="2505.03710", arxiv_version="v1", theorem=theorem,
        url="https://proceedings.mlr.press/v267/tan25c.html", entry_type="inproceedings")


TAN2025 = _cite()

d, H, A, F, eps, T, coff, N = sp.symbols("d H A F eps T c_off N", positive=True)

SAMPLE_COMPLEXITY = register(Bound(
    id="tan2025.sample_complexity",
    expr=d * H ** 5 * sp.log(A) / eps ** 2 + d * H ** 4 * sp.log(F) / eps ** 2,
    quantity="trajectories to an eps-optimal policy",
    symbols={d: "Bellman eluder dimension", H: "horizon", A: "number of actions |A|", F: "critic class size |F|",
             eps: "target suboptimality"},
    kind="rate", citation=_cite("abstract"),
    assumptions=("finite-horizon episodic MDP", "critic class F with Bellman eluder dimension d",
                 "optimism, off-policy critic targeting Q*, rare-switching policy resets"),
    provenance="abstract",
    provenance_note="arXiv abstract: O(d H^5 log|A|/eps^2 + d H^4 log|F|/eps^2) trajectories; constants and the "
                    "theorem number were not read.",
    variable="eps"))

inv_eps = sp.Symbol("inv_eps", positive=True)

PAC_EPISODES = register(Bound(
    id="tan2025.pac_episodes",
    expr=d * H ** 5 * sp.log(A) * inv_eps ** 2 + d * H ** 4 * sp.log(F) * inv_eps ** 2,
    quantity="episodes to an eps-optimal policy, as a function of 1/eps",
    symbols={d: "Bellman eluder dimension", H: "horizon", A: "number of actions |A|", F: "critic class size |F|",
             inv_eps: "1/eps (the rate is in 1/eps -> infinity)"},
    kind="rate", citation=_cite("abstract"),
    assumptions=("as tan2025.sample_complexity",),
    provenance="abstract",
    provenance_note="The abstract's O(d H^5 log|A|/eps^2 + d H^4 log|F|/eps^2), rewritten in 1/eps so that a fitted "
                    "growth exponent (at most 2) can be compared; constants not read.",
    variable="inv_eps"))

REGRET = register(Bound(
    id="tan2025.regret",
    expr=sp.sqrt(T),
    quantity=r"\sum_{t\le T} V^*_1(s_1) - V^{\pi_t}_1(s_1)",
    symbols={T: "number of episodes"},
    kind="rate", citation=_cite("abstract"),
    assumptions=("Bellman eluder dimension growing at most like log T",),
    provenance="abstract", provenance_note="Abstract: sqrt(T) regret (up to d, H, log factors, not stated there).",
    variable="T"))

HYBRID_NOFF = register(Bound(
    id="tan2025.hybrid_noff",
    expr=coff * d * H ** 4 / eps ** 2,
    quantity="offline samples N_off sufficient for the non-optimistic hybrid actor-critic",
    symbols={coff: "single-policy concentrability c*_off (definition not read)", d: "Bellman eluder dimension",
             H: "horizon", eps: "target suboptimality"},
    kind="rate", citation=_cite("abstract (arXiv only)"),
    assumptions=("non-optimistic actor-critic with offline data (hybrid RL)",),
    provenance="abstract",
    provenance_note="arXiv abstract only (absent from the PMLR abstract): N_off >= c*_off d H^4/eps^2. Which "
                    "concentrability c*_off denotes was not read; the standard single-policy occupancy ratio "
                    "max_h max_{s,a} d_h^{pi*}/d_h^{mu} is assumed in checks.",
    variable="eps"))

HYBRID_NOFF_INV_EPS = register(Bound(
    id="tan2025.hybrid_noff_inv_eps",
    expr=coff * d * H ** 4 * inv_eps ** 2,
    quantity="offline samples N_off sufficient for the non-optimistic hybrid actor-critic, in 1/eps",
    symbols={coff: "single-policy concentrability c*_off (definition not read)", d: "Bellman eluder dimension",
             H: "horizon", inv_eps: "1/eps (the rate is in 1/eps -> infinity)"},
    kind="rate", citation=_cite("abstract (arXiv only)"),
    assumptions=("as tan2025.hybrid_noff",),
    provenance="abstract",
    provenance_note="tan2025.hybrid_noff (arXiv abstract: N_off >= c*_off d H^4/eps^2) rewritten in 1/eps so that "
                    "a fitted growth exponent (at most 2) can be compared; constants not read.",
    variable="inv_eps"))

ACTOR_TERM = register(Bound(
    id="tan2025.actor_term",
    expr=H ** 2 * sp.sqrt(2 * N * T * sp.log(A)),
    quantity="actor (mirror-ascent) part of the regret with N critic switches (cumulative over T episodes)",
    symbols={H: "horizon", N: "number of critic switches (policy resets)", T: "episodes", A: "number of actions"},
    kind="upper", citation=_cite("reconstruction"),
    assumptions=("exponential weights per (h, s) on a fixed critic in [0, H] between switches",
                 "common step eta = sqrt(2 N log A/(H^2 T)), reset to uniform at each switch",
                 "performance-difference lemma summed over h"),
    provenance="inferred",
    provenance_note="Our derivation, not the paper's: per segment regret <= log A/eta + eta H^2 T_k/2 per (h, s); "
                    "summed over N segments and H steps. With N = O(d H log T) it gives the d H^5 log|A| term of "
                    "the abstract.",
    variable="T"))
