r"""Nemhauser, Wolsey, Fisher (1978): greedy is a (1 - (1 - 1/k)^k) >= (1 - 1/e) approximation.

For a monotone submodular :math:`F` with :math:`F(\emptyset) = 0`, the greedy set :math:`S_k`
of :math:`k` elements satisfies :math:`F(S_k) \ge (1 - (1 - 1/k)^k) \max_{|S| \le k} F(S)`.

References
----------
G. L. Nemhauser, L. A. Wolsey, M. L. Fisher. An analysis of approximations for maximizing
submodular set functions — I. Mathematical Programming 14:265-294, 1978.

Provenance: a textbook result (cited as the
(1 - 1/e) benchmark). The paper's own text was not read in this project; the statement is checked
numerically on every instance in ``tests/submodular/test_maximisation.py``.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["GREEDY_K", "GREEDY_E"]

_CITE = Citation(
    key="nemhauser1978analysis",
    authors=("Nemhauser, George L.", "Wolsey, Laurence A.", "Fisher, Marshall L."),
    title="An analysis of approximations for maximizing submodular set functions - I",
    venue="Mathematical Programming", year=1978, volume="14", number="1", pages="265--294",
    doi="10.1007/BF01588971", theorem="greedy guarantee, cardinality constraint (theorem number not read)",
    url="https://doi.org/10.1007/BF01588971")

k = sp.Symbol("k", positive=True, integer=True)
OPT = sp.Symbol("OPT", positive=True)

GREEDY_K = register(Bound(
    id="nemhauser1978.greedy_k",
    expr=(1 - (1 - 1 / k) ** k) * OPT,
    quantity=r"F(S^{\mathrm{greedy}}_k)",
    symbols={k: "cardinality budget (number of greedy picks)", OPT: "max_{|S| <= k} F(S)"},
    kind="lower", citation=_CITE,
    assumptions=("F monotone submodular with F(empty) = 0", "cardinality constraint |S| <= k",
                 "exact greedy: each step adds an element of maximal marginal gain"),
    provenance="recalled",
    provenance_note="Classical statement recalled; theorem number not read. Checked on every tested instance.",
    variable="k"))

GREEDY_E = register(Bound(
    id="nemhauser1978.greedy_e",
    expr=(1 - sp.exp(-1)) * OPT,
    quantity=r"F(S^{\mathrm{greedy}}_k)",
    symbols={OPT: "max_{|S| <= k} F(S)"},
    kind="lower", citation=_CITE,
    assumptions=("as nemhauser1978.greedy_k; 1 - (1 - 1/k)^k >= 1 - 1/e for every k >= 1",),
    provenance="derived",
    provenance_note="Limit k -> infinity of nemhauser1978.greedy_k (the sequence decreases to 1 - 1/e).",
    variable="OPT"))
