r"""Rollout budgets across prompts (Knapsack RL): zero-gradient groups, the value proxy, exact allocation.

A prompt with success probability :math:`p` given :math:`N` rollouts yields an all-correct or
all-wrong group with probability :math:`p^N+(1-p)^N`; then every group-relative advantage
(GRPO, Dr. GRPO, RLOO) is zero and so is the update. Knapsack RL (Li et al.) allocates a total
budget :math:`\sum_iN_i=N_{tot}`, :math:`N_{low}\le N_i\le N_{up}`, by maximising
:math:`\sum_i\mathrm{Value}(N_i,p_i)` with the value of the released code

.. math:: \mathrm{Value}(N,p)=\big(1-p^N-(1-p)^N\big)\,p\,(1-p)^2

(:func:`knapsack_value`), solved by a multiple-choice knapsack dynamic programme
(:func:`knapsack_allocate`). :func:`knapsack_brute_force` enumerates every allocation (the
independent reference). The group-law quantities behind the value are functions of the group's
law (:func:`~pgtheory.bandits.group_law`): :func:`~pgtheory.bandits.zero_advantage_probability`,
:func:`~pgtheory.bandits.zero_gradient_probability` (the exact probability of a zero update) and
:func:`~pgtheory.bandits.expected_one_step_gain` (the exact expected increase of the success
probability after one estimator step, the quantity the value is a proxy for).

Conventions are explicit arguments: ``unallocated="counted"`` maximises
:math:`\sum_i\mathrm{Value}(N_i,p_i)`; ``unallocated="zero"`` reproduces the released DP, in which a
prompt that receives nothing beyond its lower bound contributes 0 instead of
:math:`\mathrm{Value}(N_{low},p)` [code: ``solve_by_dp`` in ``verl/trainer/ppo/exploration_utils.py``
of liziniu/KnapsackRL, read in the file named].
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .._validate import check_positive_int
from ..errors import InfeasibleBudgetError, InfeasibleSizeError, ShapeError, ValidationError
from ._grouplaw import _probabilities, _sizes

__all__ = ["knapsack_value", "knapsack_allocate", "knapsack_brute_force", "UNALLOCATED"]

#: How the DP values a prompt that receives no rollout beyond its lower bound.
UNALLOCATED = ("counted", "zero")

#: Largest number of allocations :func:`knapsack_brute_force` enumerates.
MAX_ALLOCATIONS = 2_000_000


def knapsack_value(N, p) -> np.ndarray:
    r"""Knapsack RL's value of giving ``N`` rollouts to a prompt of success rate ``p``.

    .. math:: \mathrm{Value}(N,p)=\big(1-p^N-(1-p)^N\big)\,p\,(1-p)^2

    The first factor is the probability of a non-zero GRPO gradient; the second, :math:`p(1-p)^2`,
    the "InfoGain" factor of the released code (its derivation was not read).

    Parameters
    ----------
    N : int or array_like of int
        Rollouts (>= 1).
    p : array_like
        Success probabilities in [0, 1], broadcast with ``N``.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValidationError
        ``p`` outside [0, 1] or ``N`` not a positive integer.

    References
    ----------
    Li et al., *Knapsack RL*, arXiv:2509.25849 v1; value as read in ``solve_by_dp`` of
    ``verl/trainer/ppo/exploration_utils.py`` (liziniu/KnapsackRL) [code, read in the file named].
    """
    pa = _probabilities(p)
    n = _sizes(N)
    return (1.0 - pa ** n - (1.0 - pa) ** n) * pa * (1.0 - pa) ** 2


def _bounds(p, total, low, up):
    pa = _probabilities(p)
    if pa.ndim != 1 or pa.size < 1:
        raise ShapeError(f"p must be a 1-D array of at least one success rate; got shape {pa.shape}.")
    n = pa.size
    total = check_positive_int(total, "total")
    lo = np.broadcast_to(_sizes(low, "low"), (n,)).astype(np.int64)
    hi = np.broadcast_to(_sizes(total if up is None else up, "up"), (n,)).astype(np.int64)
    if np.any(hi < lo):
        i = int(np.argmax(hi < lo))
        raise InfeasibleBudgetError(f"up[{i}] = {int(hi[i])} is below low[{i}] = {int(lo[i])}. Fix: up >= low.")
    if int(lo.sum()) > total:
        raise InfeasibleBudgetError(f"the lower bounds sum to {int(lo.sum())} > total = {total}: no allocation "
                                    f"meets them. Fix: lower low or raise total.")
    if int(hi.sum()) < total:
        raise InfeasibleBudgetError(f"the upper bounds sum to {int(hi.sum())} < total = {total}: the budget "
                                    f"cannot be spent. Fix: raise up or lower total.")
    return pa, total, lo, hi


def _value_table(pa, lo, hi, value, unallocated):
    """values[i][k] = value of giving lo[i] + k rollouts to item i, k = 0..hi[i]-lo[i]."""
    tables = []
    for i in range(pa.size):
        ns = np.arange(lo[i], hi[i] + 1)
        v = np.asarray(value(ns, pa[i]), dtype=np.float64).reshape(-1).copy()
        if v.shape != ns.shape or not np.all(np.isfinite(v)):
            raise ValidationError("value(N, p) must return one finite number per N. Fix: a vectorised value function.")
        if unallocated == "zero":
            v[0] = 0.0
        tables.append(v)
    return tables


def knapsack_allocate(p, total: int, low=1, up=None, *, value=knapsack_value, unallocated: str = "counted"):
    r"""Exact budget allocation maximising :math:`\sum_i\mathrm{value}(N_i,p_i)` (multiple-choice knapsack DP).

    .. math:: \max_{N}\ \sum_i v_i(N_i)\quad\text{s.t.}\quad\sum_iN_i=N_{tot},\ \ N_{low,i}\le N_i\le N_{up,i},

    with :math:`v_i(N)=` ``value(N, p[i])``, solved exactly by dynamic programming over the extra
    rollouts :math:`k_i=N_i-N_{low,i}` in :math:`O(n\,B\,K)` (``n`` prompts, spare budget ``B``,
    ``K`` choices per prompt). Ties are broken towards the smaller ``k`` of the earlier prompt.

    Parameters
    ----------
    p : array_like, shape (n,)
        Success rates in [0, 1].
    total : int
        Total rollouts :math:`N_{tot}`.
    low, up : int or array_like of int, shape (n,)
        Per-prompt bounds (``up`` default: ``total``).
    value : callable
        ``value(N_array, p_scalar) -> array`` (default :func:`knapsack_value`).
    unallocated : {"counted", "zero"}
        ``"counted"``: the objective above. ``"zero"``: the released code's DP, in which a prompt
        receiving no rollout beyond ``low`` contributes 0 instead of :math:`v_i(N_{low,i})` (its
        "don't allocate" option carries the previous row's value unchanged).

    Returns
    -------
    allocation : numpy.ndarray of int, shape (n,)
        :math:`N_i`, summing to ``total``.
    objective : float
        :math:`\sum_iv_i(N_i)` of the allocation, always counted (whatever ``unallocated``).

    Raises
    ------
    InfeasibleBudgetError
        ``sum(low) > total``, ``sum(up) < total`` or ``up < low`` somewhere (raised before any work).
    ValidationError, ShapeError
        Rates outside [0, 1], non-integer sizes, an unknown ``unallocated``.

    References
    ----------
    Li et al., *Knapsack RL*, arXiv:2509.25849 v1; ``solve_by_dp`` in
    ``verl/trainer/ppo/exploration_utils.py`` (liziniu/KnapsackRL) [code, read in the file named].

    Examples
    --------
    >>> from pgtheory.bandits import knapsack_allocate
    >>> alloc, obj = knapsack_allocate([0.05, 0.10], 6, low=2, up=4)
    >>> alloc.tolist(), round(obj, 5)
    ([2, 4], 0.03213)
    >>> knapsack_allocate([0.05, 0.10], 6, low=2, up=4, unallocated="zero")[0].tolist()  # the released DP
    [3, 3]
    """
    if unallocated not in UNALLOCATED:
        raise ValidationError(f"unknown unallocated={unallocated!r}. Fix: one of {UNALLOCATED}.")
    pa, total, lo, hi = _bounds(p, total, low, up)
    tables = _value_table(pa, lo, hi, value, unallocated)
    B = total - int(lo.sum())
    n = pa.size
    best = np.full(B + 1, -np.inf)
    best[0] = 0.0
    choice = np.zeros((n, B + 1), dtype=np.int64)
    for i in range(n):
        v = tables[i]
        new = np.full(B + 1, -np.inf)
        pick = np.zeros(B + 1, dtype=np.int64)
        for k in range(v.size):  # vectorised over the budget used so far
            if k > B:
                break
            cand = np.full(B + 1, -np.inf)
            cand[k:] = best[:B + 1 - k] + v[k]
            better = cand > new
            new = np.where(better, cand, new)
            pick = np.where(better, k, pick)
        best = new
        choice[i] = pick
    if not np.isfinite(best[B]):  # cannot happen after _bounds; kept as a guard
        raise InfeasibleBudgetError(f"no allocation spends total = {total} within the bounds.")
    alloc = np.empty(n, dtype=np.int64)
    w = B
    for i in range(n - 1, -1, -1):
        k = int(choice[i, w])
        alloc[i] = lo[i] + k
        w -= k
    counted = _value_table(pa, lo, hi, value, "counted")
    obj = float(sum(counted[i][alloc[i] - lo[i]] for i in range(n)))
    return alloc, obj


def knapsack_brute_force(p, total: int, low=1, up=None, *, value=knapsack_value):
    r"""Best allocation by enumerating every :math:`(N_1..N_n)` with :math:`\sum N_i=N_{tot}` in the bounds.

    The independent reference for :func:`knapsack_allocate` (tiny instances only).

    Parameters
    ----------
    p : array_like, shape (n,)
    total : int
    low, up : int or array_like of int
    value : callable

    Returns
    -------
    allocation : numpy.ndarray of int, shape (n,)
        The first maximiser in lexicographic order.
    objective : float
        :math:`\max\sum_iv_i(N_i)`.
    n_allocations : int
        Number of feasible allocations enumerated.

    Raises
    ------
    InfeasibleBudgetError
        Infeasible bounds (as :func:`knapsack_allocate`).
    InfeasibleSizeError
        More than ``MAX_ALLOCATIONS`` candidate allocations.

    References
    ----------
    Li et al., *Knapsack RL*, arXiv:2509.25849 v1 (the knapsack formulation) [abstract]; enumeration
    [inferred].
    """
    pa, total, lo, hi = _bounds(p, total, low, up)
    tables = _value_table(pa, lo, hi, value, "counted")
    n = pa.size
    spans = hi - lo + 1
    size = math.prod(int(s) for s in spans[:-1]) if n > 1 else 1
    if size > MAX_ALLOCATIONS:
        raise InfeasibleSizeError(f"{size} candidate allocations exceed {MAX_ALLOCATIONS}. Fix: fewer prompts or "
                                  f"tighter bounds, or use knapsack_allocate.")
    B = total - int(lo.sum())
    best, arg, count = -np.inf, None, 0
    for ks in itertools.product(*[range(int(s)) for s in spans[:-1]]):
        last = B - sum(ks)
        if not 0 <= last < spans[-1]:
            continue
        ks_full = (*ks, last)
        obj = sum(tables[i][ks_full[i]] for i in range(n))
        count += 1
        if obj > best:
            best, arg = obj, ks_full
    return lo + np.array(arg, dtype=np.int64), float(best), count
