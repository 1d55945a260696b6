r"""Cardinality-constrained maximisation :math:`\max_{|S| \le k} F(S)`: greedy and exact.

* :func:`greedy` — the classic greedy algorithm; for monotone submodular :math:`F` with
  :math:`F(\emptyset) = 0` it satisfies
  :math:`F(S_k) \ge (1 - (1 - 1/k)^k)\,\mathrm{OPT} \ge (1 - 1/e)\,\mathrm{OPT}`
  (Nemhauser, Wolsey, Fisher 1978).
* :func:`exact_max` — the exact optimum, by enumeration of all
  :math:`\sum_{j \le k} \binom nj` sets (``method="enumerate"``) or by depth-first branch and
  bound with the submodular upper bound
  :math:`F(S \cup T) \le F(S) + \sum_{i \in T} F(i \mid S)` (``method="branch_and_bound"``),
  which is exact for submodular :math:`F`. The two are independent and cross-checked in tests.

Branch and bound on a function that is not submodular can prune the optimum and return a wrong
"exact" value (e.g. 2.0 instead of 10.2, see ``tests/submodular/test_exact_max_checks.py``), so by
default (``verify=True``) :func:`exact_max` checks submodularity first and raises
:class:`~pgtheory.errors.NotSubmodularError` with a counterexample; see its docstring.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from math import comb

import numpy as np

from ..errors import InfeasibleSizeError, ModelWarning, NotSubmodularError, ValidationError
from ..results import ResultMixin
from ._check import check_submodular
from ._functions import FacilityLocation, LogDetGain, SetFunction, WeightedCoverage

__all__ = ["SelectionResult", "greedy", "exact_max", "count_subsets", "MAX_ENUMERATION"]

#: Default cap on the number of sets enumerated by :func:`exact_max`.
MAX_ENUMERATION = 5_000_000


@dataclasses.dataclass(frozen=True, repr=False)
class SelectionResult(ResultMixin):
    """A selected set and its value.

    Attributes
    ----------
    selected : tuple of int
        Selected elements (greedy: in the order picked).
    value : float
        :math:`F(\\text{selected})`.
    gains : ndarray
        Greedy: the marginal gain of each pick; exact: empty.
    method : str
    n_evaluations : int
        Number of set-function evaluations (enumeration) or search nodes (branch and bound).
    """

    selected: tuple
    value: float
    gains: np.ndarray
    method: str
    n_evaluations: int

    @property
    def set(self) -> frozenset:
        """The selection as a frozenset."""
        return frozenset(self.selected)


def _check_k(k, n):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValidationError(f"k: must be an integer >= 0; got {k!r}.")
    return min(int(k), n)


def greedy(f: SetFunction, k: int, *, base=()) -> SelectionResult:
    r"""Greedy maximisation of ``f`` under :math:`|S| \le k`.

    At each of ``k`` steps add :math:`\arg\max_i F(i \mid S)` (ties: smallest index).

    Parameters
    ----------
    f : SetFunction
    k : int
        Cardinality budget (``k >= 0``; values above ``n`` are clipped).
    base : iterable of int
        Elements fixed in the set before the first pick (they do not count towards ``k``).

    Returns
    -------
    SelectionResult
        ``selected`` excludes ``base``; ``value`` is :math:`F(\text{base} \cup \text{selected})`.

    References
    ----------
    G. L. Nemhauser, L. A. Wolsey, M. L. Fisher (1978), Math. Programming 14, 265-294.
    """
    if not isinstance(f, SetFunction):
        raise ValidationError("f: must be a pgtheory.submodular SetFunction (wrap callables in CallableSetFunction).")
    k = _check_k(k, f.n)
    mask = np.zeros(f.n, dtype=bool)
    mask[list(base)] = True
    picks, gains = [], []
    for _ in range(k):
        g = f.marginal_gains(mask)
        g = np.where(mask, -np.inf, g)
        if not np.isfinite(g).any():
            break
        i = int(np.argmax(g))
        picks.append(i)
        gains.append(float(g[i]))
        mask[i] = True
    return SelectionResult(tuple(picks), f.value(mask), np.array(gains), "greedy", (f.n + 1) * len(picks))


def count_subsets(n: int, k: int) -> int:
    r"""Number of subsets of size at most ``k`` of an ``n``-set, :math:`\sum_{j=0}^{k} \binom nj`.

    Parameters
    ----------
    n, k : int

    Returns
    -------
    int
    """
    return sum(comb(n, j) for j in range(min(k, n) + 1))


#: Set functions that are submodular by construction (their constructors validate the inputs
#: that make them so); :func:`exact_max` does not re-check them.
_SUBMODULAR_TYPES = (WeightedCoverage, FacilityLocation, LogDetGain)

#: Largest ground set whose submodularity :func:`exact_max` certifies exhaustively (2^14 = 16384
#: evaluations, the default of :func:`check_submodular`).
_EXHAUSTIVE_N = 14

#: Relative allowance for rounding in the diminishing-returns comparison, the default ``tol`` of
#: :func:`check_submodular` (a violation must exceed ``_DR_TOL * (1 + max |F|)`` to count).
_DR_TOL = 1e-9


def exact_max(f: SetFunction, k: int, *, method: str = "enumerate", max_sets: int = MAX_ENUMERATION,
              verify: bool = True) -> SelectionResult:
    r"""Exact :math:`\max_{|S| \le k} F(S)`.

    Parameters
    ----------
    f : SetFunction
    k : int
        Cardinality budget.
    method : {"enumerate", "branch_and_bound"}
        ``"enumerate"`` evaluates every set of size ``<= k`` (exact for any :math:`F`);
        ``"branch_and_bound"`` is exact only for submodular :math:`F` (monotonicity is not needed):
        its pruning bound :math:`F(S \cup T) \le F(S) + \sum_{i \in T} F(i \mid S)` is
        diminishing returns, and on other functions it can prune the optimum.
    max_sets : int
        Enumeration cap; the count :math:`\sum_{j\le k}\binom nj` is computed first and
        :class:`~pgtheory.errors.InfeasibleSizeError` raised before any evaluation if it is larger.
        For branch and bound: the cap on search nodes.
    verify : bool
        Branch and bound only. When True (default) and ``f`` is not one of the built-in
        submodular classes (:class:`WeightedCoverage`, :class:`FacilityLocation`,
        :class:`LogDetGain`), submodularity is checked (a) before the search with
        :func:`check_submodular` -- exhaustively (a certificate) when ``f.n <= 14``, else on
        20000 random ``(S, i, j)`` triples drawn with seed 0 -- and (b) during the search, for
        free, on every node: a child's marginal gains must not exceed its parent's. A violation
        raises :class:`~pgtheory.errors.NotSubmodularError` with the counterexample. When
        ``f.n > 14`` and no violation is found, a :class:`~pgtheory.errors.ModelWarning` says
        the result is exact only if ``f`` is submodular (the checks can refute, not certify).
        ``verify=False`` skips all of this (then the result is exact only for submodular ``f``).
        Violations within ``1e-9 * (1 + max |F|)`` (the default ``tol`` of
        :func:`check_submodular`) are taken as rounding.

    Returns
    -------
    SelectionResult

    Raises
    ------
    NotSubmodularError
        ``method="branch_and_bound"``, ``verify=True`` and ``f`` violates diminishing returns.
    InfeasibleSizeError
        Too many sets (enumeration) or nodes (branch and bound) for ``max_sets``.
    """
    if not isinstance(f, SetFunction):
        raise ValidationError("f: must be a pgtheory.submodular SetFunction.")
    k = _check_k(k, f.n)
    if method == "enumerate":
        count = count_subsets(f.n, k)
        if count > max_sets:
            raise InfeasibleSizeError(
                f"k: enumerating all {count:.3g} subsets of size <= {k} of a {f.n}-set exceeds "
                f"max_sets={max_sets:.3g}. Fix: lower k or n, raise max_sets, or use method='branch_and_bound'.")
        return _enumerate(f, k, count)
    if method == "branch_and_bound":
        if not isinstance(verify, (bool, np.bool_)):
            raise ValidationError(f"verify: expected True or False; got {verify!r}.")
        check = bool(verify) and not isinstance(f, _SUBMODULAR_TYPES)
        if check:
            rep = check_submodular(f, exhaustive=f.n <= _EXHAUSTIVE_N, rng=0, tol=_DR_TOL)
            if not rep.submodular:
                ce = rep.submodular_counterexample
                _raise_not_submodular(ce["S"], ce["i"], ce["j"], ce["gain_i_at_S"], ce["gain_i_at_S+j"],
                                      "exhaustive check" if rep.exhaustive else "sampled check")
        res = _branch_and_bound(f, k, max_sets, check)
        if check and f.n > _EXHAUSTIVE_N:
            warnings.warn(
                f"f: submodularity of this {type(f).__name__} (n={f.n} > {_EXHAUSTIVE_N}) was checked on "
                f"20000 random (S, i, j) triples and on every branch-and-bound node, which can refute it but "
                f"not certify it; the branch-and-bound value {res.value:.6g} is exact only if f is submodular. "
                f"Fix: pass verify=False if you know f is submodular, or use method='enumerate' (exact for any f).",
                ModelWarning, stacklevel=2)
        return res
    raise ValidationError(f"method: expected 'enumerate' or 'branch_and_bound'; got {method!r}.")


def _raise_not_submodular(S, i, j, g_small, g_big, how):
    raise NotSubmodularError(
        f"f is not submodular ({how}): F({i} | S) = {g_small:.6g} < F({i} | S + {{{j}}}) = {g_big:.6g} "
        f"for S = {tuple(S)}, so branch and bound's pruning bound F(S u T) <= F(S) + sum_(i in T) F(i | S) "
        f"is invalid and its answer could be wrong. Fix: use method='enumerate' (exact for any f); "
        f"verify=False skips this check.")


def _enumerate(f, k, count):
    n = f.n
    best_v, best_S = -np.inf, ()
    chunk = 50_000
    for size in range(k + 1):
        it = itertools.combinations(range(n), size)
        while True:
            combos = list(itertools.islice(it, chunk))
            if not combos:
                break
            idx = np.array(combos, dtype=np.int64).reshape(len(combos), size)
            masks = np.zeros((len(combos), n), dtype=bool)
            if size:
                masks[np.arange(len(combos))[:, None], idx] = True
            v = f.values(masks)
            j = int(np.argmax(v))
            if v[j] > best_v + 1e-12 * max(1.0, abs(best_v)) or best_v == -np.inf:
                best_v, best_S = float(v[j]), tuple(combos[j])
    return SelectionResult(best_S, best_v, np.array([]), "enumerate", count)


def _branch_and_bound(f, k, max_nodes, check=False):
    n = f.n
    g0 = greedy(f, k)
    best = [g0.value, tuple(sorted(g0.selected))]
    nodes = [0]
    fmax = [abs(g0.value)]  # running max |F| seen, scale of the rounding allowance

    def dfs(mask, start, value, parent_gains=None, added=None):
        nodes[0] += 1
        if nodes[0] > max_nodes:
            raise InfeasibleSizeError(
                f"k: branch and bound explored more than max_sets={max_nodes:.3g} nodes. "
                "Fix: lower k or n, or raise max_sets.")
        if value > best[0] + 1e-12 * max(1.0, abs(best[0])):
            best[0], best[1] = value, tuple(np.flatnonzero(mask).tolist())
        room = k - int(mask.sum())
        if room == 0 or start >= n:
            return
        gains = f.marginal_gains(mask)
        if check and parent_gains is not None:
            # diminishing returns between this node (S + added) and its parent S, on the free elements
            fmax[0] = max(fmax[0], abs(value))
            excess = np.where(mask, -np.inf, gains - parent_gains)
            e = int(np.argmax(excess))
            if excess[e] > _DR_TOL * (1.0 + fmax[0]):
                parent = mask.copy()
                parent[added] = False
                _raise_not_submodular(np.flatnonzero(parent).tolist(), e, added, float(parent_gains[e]),
                                      float(gains[e]), "found during the branch-and-bound search")
        cand = np.arange(start, n)
        cg = gains[start:]
        top = np.sort(np.maximum(cg, 0.0))[::-1][:room].sum()
        if value + top <= best[0] + 1e-12 * max(1.0, abs(best[0])):
            return
        for i in cand[np.argsort(-cg, kind="stable")]:
            # bound for branches using only elements > i is checked inside the child call
            mask[i] = True
            dfs(mask, i + 1, value + gains[i], gains, i)
            mask[i] = False

    # value + gains[i] accumulates exact increments: gains computed at the parent mask are exact for one add.
    dfs(np.zeros(n, dtype=bool), 0, f.value(np.zeros(n, dtype=bool)))
    return SelectionResult(best[1], float(f.value(list(best[1]))), np.array([]), "branch_and_bound", nodes[0])
