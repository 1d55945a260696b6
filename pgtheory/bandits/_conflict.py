r"""Token-level group updates on a token tree: conflict tokens and GTPO's mask, exactly.

On a :class:`~pgtheory.bandits.TokenTree` the per-token score of step :math:`t` of response
:math:`o_i` is :math:`s_{i,t}=e_{(h,c)}-\pi_h` in the block of the prefix :math:`h=o_{i,<t}` (``c``
the token chosen). A group update is

.. math:: \Delta\theta=\frac1G\sum_i\sum_t\kappa_{i,t}\,A_i\,w_i\,s_{i,t},

with GRPO's advantage :math:`A_i` (``ddof``, ``epsilon`` explicit), the aggregation weight
:math:`w_i=1` (``"sequence"``: sum over tokens) or :math:`1/\ell_i` (``"token_mean"``: TRL's
``loss_type="grpo"``), and :math:`\kappa\equiv1` for GRPO. A *conflict token* of the group is a
(prefix, token) pair used by a completion with :math:`A>0` and by one with :math:`A<0`; GTPO skips
the negative updates of conflict tokens (:math:`\kappa=0` where :math:`A_i<0`) and amplifies the
positive ones (:math:`\kappa=` ``positive_scale`` where :math:`A_i>0`). The amplification factor and
the entropy filter were not read (abstract only): ``positive_scale`` is an explicit argument and
the filter is not modelled.

:func:`exact_token_update` sums over the count vectors of a group of ``G`` responses: the exact
mean update, and the exact probability that the update lowers :math:`\pi(c\mid h)` of a watched
token to first order (:math:`\mathrm{sign}\,\langle e_c-\pi_h,\Delta\theta_h\rangle`).

A fact the enumeration confirms [inferred, our derivation]: with ``"sequence"`` aggregation and
centred advantages, a token that every correct completion uses (an *essential* token) is never
lowered to first order, in any group: the advantages of the completions through its prefix sum to
:math:`\sum_j|A_j|\ge0` over the wrong completions that avoid it, and
:math:`\langle e_c-\pi,\Delta\theta_h\rangle=\frac1G[(\textstyle\sum_{\text{pass}}A)\|e_c-\pi\|^2+
\sum_{\text{siblings}}|A_j|(1-\pi_c+\pi_{c_j})]\ge0`. Lowering needs unequal per-response weights
(``"token_mean"``) or parameters shared across prefixes (not tabular).

References
----------
Simoni, Fontana, Rossolini & Saracino 2025, *GTPO: Trajectory-Based Policy Optimization in Large
Language Models*, arXiv:2508.03772 (abstract).
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import ShapeError, ValidationError
from ._estimators import grpo_advantages
from ._exact import count_vectors
from ._tokentree import TokenTree

__all__ = ["AGGREGATIONS", "token_steps", "conflict_tokens", "token_group_update", "exact_token_update"]

#: Per-response weights of the token sum: "sequence" (1) or "token_mean" (1 / length).
AGGREGATIONS = ("sequence", "token_mean")


def token_steps(tree: TokenTree) -> list:
    r"""The (node index, child index) of every token (EOS included) of every response of ``tree``.

    Parameters
    ----------
    tree : TokenTree

    Returns
    -------
    list of list of (int, int)
        ``steps[r][t]`` for response ``r`` and step ``t``; node ``i`` has logits
        ``theta[tree.offsets[i] : tree.offsets[i] + len(tree.children[i])]``.
    """
    if not isinstance(tree, TokenTree):
        raise ValidationError(f"tree must be a pgtheory.bandits.TokenTree; got {type(tree).__name__}.")
    index = {h: i for i, h in enumerate(tree.nodes)}
    out = []
    for resp in tree.responses:
        steps = []
        for t in range(len(resp) + 1):
            i = index[resp[:t]]
            nxt = resp[t] if t < len(resp) else -1
            steps.append((i, tree.children[i].index(nxt)))
        out.append(steps)
    return out


def conflict_tokens(steps, group, advantages) -> set:
    r"""(node, child) pairs used by a completion with positive and by one with negative advantage.

    Parameters
    ----------
    steps : list
        From :func:`token_steps`.
    group : array_like of int, shape (G,)
        Response indices of the group.
    advantages : array_like, shape (G,)

    Returns
    -------
    set of (int, int)
    """
    pos, neg = set(), set()
    for r, A in zip(np.asarray(group), np.asarray(advantages, dtype=float)):
        if A > 0:
            pos.update(steps[int(r)])
        elif A < 0:
            neg.update(steps[int(r)])
    return pos & neg


def _advantages(rewards, method, ddof, epsilon):
    if method == "grpo":
        return grpo_advantages(rewards, scale_rewards="group", ddof=ddof, epsilon=epsilon)
    if method == "dr_grpo":
        return grpo_advantages(rewards, scale_rewards="none")
    raise ValidationError(f"unknown advantage {method!r}. Fix: 'grpo' or 'dr_grpo'.")


def _check_options(aggregation, positive_scale, ddof, epsilon):
    if aggregation not in AGGREGATIONS:
        raise ValidationError(f"unknown aggregation {aggregation!r}. Fix: use one of {AGGREGATIONS}.")
    check_positive(positive_scale, "positive_scale", strict=False)
    if ddof not in (0, 1):
        raise ValidationError(f"ddof must be 0 or 1; got {ddof!r}.")
    check_positive(epsilon, "epsilon", strict=False)


def token_group_update(tree: TokenTree, theta, group, response_rewards, *, gtpo: bool = False,
                       positive_scale: float = 1.0, aggregation: str = "sequence", advantage: str = "grpo",
                       ddof: int = 1, epsilon: float = 0.0, steps=None, node_probs=None) -> np.ndarray:
    r"""The token-level update :math:`\Delta\theta` of one group (GRPO, or GTPO's conflict mask with ``gtpo=True``).

    Parameters
    ----------
    tree : TokenTree
    theta : array_like, shape (n_params,)
    group : array_like of int, shape (G,)
        Response indices (G >= 2).
    response_rewards : array_like, shape (R,)
        Reward of every response of the tree.
    gtpo : bool
        Apply GTPO's mask on conflict tokens.
    positive_scale : float
        GTPO's factor on positive updates of conflict tokens (>= 0; 1 = no amplification).
    aggregation : {"sequence", "token_mean"}
    advantage : {"grpo", "dr_grpo"}
    ddof : {0, 1}
    epsilon : float
        Added to the group std (0: an all-equal group has :math:`A\equiv0`).
    steps, node_probs : optional
        Precomputed :func:`token_steps` and ``tree.node_probs(theta)``.

    Returns
    -------
    numpy.ndarray, shape (n_params,)
    """
    _check_options(aggregation, positive_scale, ddof, epsilon)
    th = tree._check(theta)
    grp = np.asarray(group, dtype=np.int64)
    G = grp.shape[0]
    check_positive_int(G, "G (group size)", 2)
    rr = as_float_array(response_rewards, "response_rewards", ndim=1)
    if rr.shape[0] != tree.R:
        raise ShapeError(f"response_rewards must have one entry per response ({tree.R}); got {rr.shape[0]}.")
    st = token_steps(tree) if steps is None else steps
    probs = tree.node_probs(th) if node_probs is None else node_probs
    A = _advantages(rr[grp], advantage, ddof, epsilon)
    conf = conflict_tokens(st, grp, A) if gtpo else set()
    delta = np.zeros(tree.n_params)
    for r, a in zip(grp, A):
        if a == 0:
            continue
        w = 1.0 if aggregation == "sequence" else 1.0 / tree.lengths[r]
        for i, j in st[r]:
            k = 1.0
            if (i, j) in conf:
                k = 0.0 if a < 0 else float(positive_scale)
            if k == 0.0:
                continue
            o = tree.offsets[i]
            n = len(tree.children[i])
            delta[o:o + n] -= k * a * w * probs[i] / G
            delta[o + j] += k * a * w / G
    return delta


def exact_token_update(tree: TokenTree, theta, response_rewards, G: int, *, watch=None, gtpo: bool = False,
                       positive_scale: float = 1.0, aggregation: str = "sequence", advantage: str = "grpo",
                       ddof: int = 1, epsilon: float = 0.0) -> dict:
    r"""Exact law of the group update: its mean, and how often it lowers / raises a watched token's probability.

    Sums over the :math:`\binom{G+R-1}{R-1}` count vectors of a group of ``G`` responses drawn from
    the tree's policy.

    Parameters
    ----------
    tree : TokenTree
    theta : array_like, shape (n_params,)
    response_rewards : array_like, shape (R,)
        Deterministic reward of each response (e.g. 0/1 correctness).
    G : int
        Group size >= 2.
    watch : (prefix, token), optional
        The token whose first-order probability change is classified (``prefix`` a tuple of
        tokens, ``token`` a token id or -1 for EOS).
    gtpo, positive_scale, aggregation, advantage, ddof, epsilon
        As in :func:`token_group_update`.

    Returns
    -------
    dict
        ``mean`` (n_params,); ``grad_p`` (n_params,) the exact gradient of the expected reward;
        ``p_decrease``, ``p_increase`` (probability that :math:`\langle e_c-\pi_h,\Delta\theta_h\rangle`
        is below / above minus / plus the rounding tolerance); ``n_groups``; ``tolerance``; and
        ``worst_group`` (the response indices of the most decreasing group, or None).
    """
    _check_options(aggregation, positive_scale, ddof, epsilon)
    th = tree._check(theta)
    G = check_positive_int(G, "G", 2)
    rr = as_float_array(response_rewards, "response_rewards", ndim=1)
    if rr.shape[0] != tree.R:
        raise ShapeError(f"response_rewards must have one entry per response ({tree.R}); got {rr.shape[0]}.")
    R = tree.R
    counts, reps = count_vectors(R, G)
    lp = tree.log_probs(th)
    lg = np.array([math.lgamma(k + 1.0) for k in range(G + 1)])
    w = np.exp(lg[G] - lg[counts].sum(axis=1) + counts @ lp)
    st = token_steps(tree)
    probs = tree.node_probs(th)
    watch_idx = None
    if watch is not None:
        prefix, tok = tuple(int(t) for t in watch[0]), int(watch[1])
        if prefix not in tree.nodes or tok not in tree.children[tree.nodes.index(prefix)]:
            raise ValidationError(f"watch={watch!r} is not a (prefix, token) pair of the tree.")
        i = tree.nodes.index(prefix)
        watch_idx = (i, tree.children[i].index(tok))
    updates = np.array([token_group_update(tree, th, g, rr, gtpo=gtpo, positive_scale=positive_scale,
                                           aggregation=aggregation, advantage=advantage, ddof=ddof,
                                           epsilon=epsilon, steps=st, node_probs=probs) for g in reps])
    S = tree.score_matrix(th)
    out = {"mean": w @ updates, "grad_p": (np.exp(lp) * rr) @ S, "n_groups": int(counts.shape[0]),
           "p_decrease": float("nan"), "p_increase": float("nan"), "tolerance": float("nan"), "worst_group": None}
    if watch_idx is not None:
        i, j = watch_idx
        o, n = tree.offsets[i], len(tree.children[i])
        e = np.zeros(n)
        e[j] = 1.0
        proj = updates[:, o:o + n] @ (e - probs[i])
        scale = max(1.0, float(np.max(np.abs(updates))))
        tol = 8 * (G * int(np.max(tree.lengths)) + n) * np.finfo(np.float64).eps * scale
        out.update(p_decrease=float(w @ (proj < -tol)), p_increase=float(w @ (proj > tol)), tolerance=tol,
                   worst_group=[int(x) for x in reps[int(np.argmin(proj))]] if np.min(proj) < -tol else None)
    return out
