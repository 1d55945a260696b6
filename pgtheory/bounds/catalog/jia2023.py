r"""Jia, Li, Rakhlin, Sekhari, Srebro (NeurIPS 2023): when is agnostic RL statistically tractable?

References
----------
Z. Jia, G. Li, A. Rakhlin, A. Sekhari, N. Srebro. When is Agnostic Reinforcement Learning
Statistically Tractable? Advances in Neural Information Processing Systems 36 (NeurIPS 2023).
arXiv:2310.06113.

Provenance: the paper's full text was not available for this catalog. The abstract (arXiv v2 /
ar5iv landing page) was read: "bounded spanning capacity characterizes PAC learnability" with a
generative model, online learning needs more (a superpolynomial lower bound for stochastic MDPs)
and bounded spanning capacity plus a sunflower property suffices (algorithm POPLER). The rates
below are recalled, not read, and theorem numbers are unknown, so each ``theorem`` field names
the result by its role. Two entries are our own derivations, checked by exact computation in
``pgtheory.agnostic`` (``provenance="derived"``).

BibTeX note: :class:`~pgtheory.bounds.Citation` always emits ``@article`` with a ``journal``
field; a NeurIPS paper should be ``@inproceedings`` with ``booktitle``, which Citation cannot
express yet.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["JIA2023", "GEN_UPPER", "GEN_LOWER", "EVAL_BASELINE", "IS_BASELINE", "TREE_QUERIES", "COVERABILITY"]


def _cite(theorem: str) -> Citation:
    return Citation(
        key="jia2023agnostic",
        authors=("Jia, Zeyu", "Li, Gene", "Rakhlin, Alexander", "Sekhari, Ayush", "Srebro, Nathan"),
        title="When is Agnostic Reinforcement Learning Statistically Tractable?",
        venue="Advances in Neural Information Processing Systems (NeurIPS)", volume="36", entry_type="inproceedings",
        year=2023, arxiv="2310.06113", arxiv_version="v2", theorem=theorem,
        url="https://arxiv.org/abs/2310.06113")


JIA2023 = _cite("")

eps, H, Sfrak, Pi, delta, A = sp.symbols("eps H Sfrak Pi delta A", positive=True)
_SYM = {eps: "target accuracy epsilon (output eps-optimal within the class)",
        H: "horizon (number of layers)",
        Sfrak: "spanning capacity of the class, max_h max over deterministic MDPs of C_h(Pi; M)",
        Pi: "class size |Pi|", delta: "failure probability", A: "number of actions"}

GEN_UPPER = register(Bound(
    id="jia2023.gen_upper",
    expr=H * Sfrak * sp.log(2 * Pi / delta) / eps**2,
    quantity="generative-model samples for an eps-optimal policy w.p. 1 - delta (trajectory-tree learner)",
    symbols={k: _SYM[k] for k in (eps, H, Sfrak, Pi, delta)},
    kind="rate", citation=_cite("generative-model upper bound (theorem number not read)"),
    assumptions=("layered MDP with start state, finite class of deterministic Markov policies, no realizability",
                 "generative access", "per-step rewards in [0, 1] (normalisation not checked)"),
    provenance="recalled",
    provenance_note="The abstract of arXiv:2310.06113 (read) says bounded spanning capacity characterizes PAC "
                    "learnability with a generative model; the order H * Sfrak * log(|Pi|/delta) / eps^2 is recalled "
                    "(medium confidence), including the H factor and log|Pi| rather than a dimension term. The 2 in "
                    "log(2|Pi|/delta) is ours (two-sided union bound); only the order is claimed.",
    variable="eps"))

GEN_LOWER = register(Bound(
    id="jia2023.gen_lower",
    expr=Sfrak / eps**2,
    quantity="generative-model samples any algorithm needs for an eps-optimal policy",
    symbols={eps: _SYM[eps], Sfrak: _SYM[Sfrak]},
    kind="lower", citation=_cite("generative-model lower bound (theorem number not read)"),
    assumptions=("every finite class; the hard instance is a tree bandit on the MDP attaining the spanning capacity",),
    provenance="recalled",
    provenance_note="'Characterizes' in the abstract of arXiv:2310.06113 (read) implies a matching lower bound; the "
                    "form Omega(Sfrak / eps^2) (possibly plus log|Pi| / eps^2) is recalled with low confidence; the "
                    "tree-bandit instance pgtheory builds is our own best-arm argument. Universal constant unknown.",
    variable="eps", constants_explicit=False))

EVAL_BASELINE = register(Bound(
    id="jia2023.eval_baseline",
    expr=Pi * sp.log(2 * Pi / delta) / eps**2,
    quantity="episodes of the evaluate-every-policy baseline",
    symbols={k: _SYM[k] for k in (eps, Pi, delta)},
    kind="rate", citation=_cite("baseline discussion (section not read)"),
    assumptions=("online access", "returns bounded (an H^2 factor for per-step rewards in [0, 1])"),
    provenance="recalled",
    provenance_note="Standard Hoeffding-plus-union-bound baseline, recalled as discussed in arXiv:2310.06113; the "
                    "full text was not read.",
    variable="eps"))

IS_BASELINE = register(Bound(
    id="jia2023.is_baseline",
    expr=A**H * sp.log(2 * Pi / delta) / eps**2,
    quantity="episodes of importance sampling with uniformly random actions",
    symbols={k: _SYM[k] for k in (eps, A, H, Pi, delta)},
    kind="rate", citation=_cite("baseline discussion (section not read)"),
    assumptions=("online access", "uniform behaviour policy; importance weight A^H"),
    provenance="recalled",
    provenance_note="Kearns-Mansour-Ng-style importance-sampling baseline, recalled as discussed in arXiv:2310.06113; "
                    "the full text was not read.",
    variable="eps"))

TREE_QUERIES = register(Bound(
    id="jia2023.tree_queries",
    expr=H * Sfrak,
    quantity="generative queries of one trajectory tree, sum_h C_h(Pi; M~)",
    symbols={H: _SYM[H], Sfrak: _SYM[Sfrak]},
    kind="upper", citation=_cite("trajectory-tree mechanism of the generative upper bound (theorem number not read)"),
    assumptions=("one query per distinct (layer, state, action) reached by the class, answers cached",),
    provenance="derived",
    provenance_note="Our derivation: the cached answers form a deterministic MDP M~, so the queries per tree are "
                    "sum_h C_h(Pi; M~) <= H * Sfrak by the definition of spanning capacity; checked on every sampled "
                    "tree by pgtheory.agnostic.trajectory_tree. That the paper's learner works this way is recalled.",
    variable="Sfrak"))

COVERABILITY = register(Bound(
    id="jia2023.coverability",
    expr=Sfrak,
    quantity="coverability C_cov(Pi; M) = max_h sum_{s,a} max_pi d_h^pi(s,a), on any layered MDP M",
    symbols={Sfrak: _SYM[Sfrak]},
    kind="upper", citation=_cite("link between spanning capacity and coverability (theorem number not read)"),
    assumptions=("layered MDP: no (state, action) pair is visited twice in an episode",),
    provenance="derived",
    provenance_note="Our proof: couple M with a random deterministic MDP drawing one next state per (s, a); then "
                    "d_h^pi(s,a) = E[1{(s,a) on pi's path}] and sum_{s,a} max_pi d_h^pi <= E[C_h] <= Sfrak, with "
                    "equality on the deterministic maximiser, so sup_M C_cov = Sfrak. That arXiv:2310.06113 states "
                    "this link is recalled, not read.",
    variable="Sfrak"))
