r"""Prajapat, Mutný, Zeilinger, Krause (ICLR 2024): Submodular RL — hardness and SubPO guarantees.

References
----------
M. Prajapat, M. Mutný, M. N. Zeilinger, A. Krause. Submodular Reinforcement Learning. ICLR 2024,
arXiv:2307.13372 (v2 abstract read).

Provenance (arXiv v2 abstract and the OpenReview discussion). Only the
abstract was read by this project (search of stored pages returned nothing past it): "in
general, even in tabular settings ... hard to approximate" and "under some assumptions on the
underlying MDP, SubPO recovers optimal constant factor approximations of submodular bandits".
The exact forms below come from third-party reviews of the submission (tag [T] in the
addendum): the hardness factor Omega(log^{1-c} OPT) unless NP in ZTIME(n^polylog n), by reduction
from submodular orienteering; the (1 - 1/e) guarantee for Frank-Wolfe on the time-indexed,
state-independent policy polytope of an epsilon-Bandit SMDP (Definition/Theorem numbers differ
between versions: cite by name); 1/2 at stationary points; (1 - c) under total curvature c.
NOT confirmed: the formal epsilon-Bandit SMDP definition, how the guarantee depends on epsilon,
which SubPO output the curvature bound refers to, and theorem numbers.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["EPS_BANDIT_FW", "EPS_BANDIT_STATIONARY", "CURVATURE", "HARDNESS"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="prajapat2024submodular",
        authors=("Prajapat, Manish", "Mutný, Mojmír", "Zeilinger, Melanie N.", "Krause, Andreas"),
        title="Submodular Reinforcement Learning",
        venue="The Twelfth International Conference on Learning Representations (ICLR)", entry_type="inproceedings",
        year=2024, arxiv="2307.13372", arxiv_version="v2", theorem=theorem,
        url="https://openreview.net/forum?id=loYSzjSaAK")


c, OPT = sp.symbols("c OPT", positive=True)

EPS_BANDIT_FW = register(Bound(
    id="prajapat2024.eps_bandit_fw",
    expr=(1 - sp.exp(-1)) * OPT,
    quantity=r"J(\pi_{\mathrm{FW}})",
    symbols={OPT: "J(pi*), optimal value over all (history-dependent) policies"},
    kind="lower", citation=_cite("guarantee on epsilon-Bandit SMDPs (Theorem 3 of the submission per reviewers)"),
    assumptions=("epsilon-Bandit SMDP: every state has a unique action reaching it w.p. 1 - epsilon (informal; "
                 "formal definition not read)",
                 "policy time-indexed and state-independent, pi^h(a), on a down-closed polytope",
                 "J is then monotone DR-submodular in the policy variables; Frank-Wolfe / continuous greedy",
                 "F monotone submodular; epsilon-dependence of the guarantee not read"),
    provenance="abstract",
    provenance_note="Abstract [A]: 'recovers optimal constant factor approximations of submodular bandits'. "
                    "The constant 1 - 1/e, the policy class and the assumption name are from third-party reviews [T].",
    variable="OPT"))

EPS_BANDIT_STATIONARY = register(Bound(
    id="prajapat2024.eps_bandit_stationary",
    expr=OPT / 2,
    quantity=r"J(\pi_{\mathrm{stat}})",
    symbols={OPT: "J(pi*), optimal value"},
    kind="lower", citation=_cite("guarantee on epsilon-Bandit SMDPs, stationary points (per reviewers)"),
    assumptions=("as prajapat2024.eps_bandit_fw", "pi_stat any stationary point of projected gradient ascent"),
    provenance="inferred",
    provenance_note="Third-party reviews [T] plus the standard monotone DR-submodular stationary-point result "
                    "(Hassani et al. 2017) [R]; not read in the paper.",
    variable="OPT"))

CURVATURE = register(Bound(
    id="prajapat2024.curvature",
    expr=(1 - c) * OPT,
    quantity=r"J(\pi_{\mathrm{SubPO}})",
    symbols={c: "total curvature c = 1 - min_v (F(V) - F(V minus v)) / F({v}) of F, in [0, 1]",
             OPT: "J(pi*), optimal value"},
    kind="lower", citation=_cite("curvature proposition (Proposition 3 of the submission per reviewers)"),
    assumptions=("tabular SMDP; F monotone submodular with total curvature c",
                 "which SubPO output (global optimum or stationary point) is meant is unclear"),
    provenance="inferred",
    provenance_note="From third-party reviews [T]; interpretation-dependent, not read in the paper.",
    variable="OPT"))

HARDNESS = register(Bound(
    id="prajapat2024.hardness",
    expr=sp.log(OPT) ** (1 - c),
    quantity=r"best polynomial-time approximation factor J(\pi^*)/J(\pi_{\mathrm{alg}})",
    symbols={OPT: "optimal value (instance size parameter of the reduction)",
             c: "any constant in (0, 1) (called gamma in the reviews, not the discount)"},
    kind="lower", citation=_cite("hardness of approximation (Theorem 1 of the submission per reviewers)"),
    assumptions=("even deterministic SMDPs", "unless NP is contained in ZTIME(n^polylog(n))",
                 "reduction from submodular orienteering (Chekuri & Pal 2005)",
                 "bound holds up to a constant factor (Omega)"),
    provenance="abstract",
    provenance_note="Abstract [A]: 'hard to approximate'. The Omega(log^{1-c} OPT) factor and the complexity "
                    "assumption are from two third-party reviews [T]; not read in the paper.",
    variable="OPT"))
