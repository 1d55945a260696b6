r"""Krishnamurthy, Li, Sekhari (COLT 2025): the role of environment access in agnostic RL.

References
----------
A. Krishnamurthy, G. Li, A. Sekhari. The Role of Environment Access in Agnostic Reinforcement
Learning. Proceedings of the Thirty Eighth Conference on Learning Theory (COLT 2025), PMLR 291,
3405-3406 (extended abstract). arXiv:2504.05405.

Provenance: the full text was not available for this catalog. Read: the arXiv v1 abstract and the
COLT extended-abstract landing page (policy learning is intractable with local-simulator access
even under realizability, and with an exploratory mu-reset distribution; PSDP and CPI fail
without policy completeness; Block MDPs with hybrid resets and pushforward concentrability are
tractable through a policy emulator). The parameters of the two lower bounds below (|Pi| = 2^H,
binary actions, C_cov = 2 or C_conc = 6, accuracy 1/8 or 1/16) come from a third-party review
(themoonlight.io, paraphrased); the catalog's provenance tags have no "third-party" value, so
they are tagged ``"recalled"`` and the note says where they come from. Theorem numbers unknown.

BibTeX note: :class:`~pgtheory.bounds.Citation` always emits ``@article`` with a ``journal``
field; a COLT paper should be ``@inproceedings`` with ``booktitle``, which Citation cannot express yet.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["KRISHNAMURTHY2025", "LB_GEN", "LB_MU"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="krishnamurthy2025role",
        authors=("Krishnamurthy, Akshay", "Li, Gene", "Sekhari, Ayush"),
        title="The Role of Environment Access in Agnostic Reinforcement Learning",
        venue="Proceedings of the Thirty Eighth Conference on Learning Theory (COLT)",
        series="Proceedings of Machine Learning Research", volume="291", entry_type="inproceedings",
        year=2025, arxiv="2504.05405", arxiv_version="v1", theorem=theorem,
        url="https://proceedings.mlr.press/v291/krishnamurthy25a.html")


KRISHNAMURTHY2025 = _cite("")

H, c = sp.symbols("H c", positive=True)

LB_GEN = register(Bound(
    id="krishnamurthy2025.lb_gen",
    expr=2 ** (c * H),
    quantity="generative samples any deterministic algorithm needs for a 1/8-optimal policy",
    symbols={H: "horizon", c: "unspecified universal constant in 2^{Omega(H)}"},
    kind="lower", citation=_cite("generative / local-simulator lower bound (theorem number not read)"),
    assumptions=("|Pi| = 2^H, binary actions, MDP family on 2^{O(H)} states",
                 "for every MDP of the family C_cov(Pi, M) = 2 and Pi is policy complete"),
    provenance="recalled",
    provenance_note="The abstract of arXiv:2504.05405 / the COLT page (read) say policy learning cannot scale with "
                    "coverability even with policy completeness and generative access; the parameters (|Pi| = 2^H, "
                    "C_cov = 2, 1/8-optimal, 2^{Omega(H)}) are paraphrased from a third-party review, not the paper. "
                    "Not demonstrable numerically (information-theoretic, construction not read).",
    variable="H", constants_explicit=False))

LB_MU = register(Bound(
    id="krishnamurthy2025.lb_mu",
    expr=2 ** (c * H),
    quantity="mu-reset samples any proper deterministic algorithm needs for a 1/16-optimal policy",
    symbols={H: "horizon", c: "unspecified universal constant in 2^{Omega(H)}"},
    kind="lower", citation=_cite("mu-reset lower bound (theorem number not read)"),
    assumptions=("|Pi| = 2^H, binary actions, MDP family on 2^{O(H)} states",
                 "reset distribution with C_conc(mu; Pi, M) = 6 for every MDP of the family"),
    provenance="recalled",
    provenance_note="The abstract of arXiv:2504.05405 (read) says agnostic policy learning with an exploratory "
                    "mu-reset distribution is information-theoretically intractable; the parameters (C_conc = 6, "
                    "1/16-optimal, proper deterministic algorithms, 2^{Omega(H)}) are paraphrased from a third-party "
                    "review, not the paper. Not demonstrable numerically.",
    variable="H", constants_explicit=False))
