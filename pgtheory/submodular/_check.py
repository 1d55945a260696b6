r"""Checker for monotonicity and submodularity of a user set function, with a counterexample.

Submodularity is equivalent to the *pairwise local* condition (e.g. Schrijver, Combinatorial
Optimization, Thm 44.1):

.. math::

    F(S \cup \{i\}) - F(S) \;\ge\; F(S \cup \{i, j\}) - F(S \cup \{j\})
    \qquad \forall S,\ i \ne j \notin S,

and monotonicity to :math:`F(S \cup \{i\}) \ge F(S)` for all ``S``, ``i``. The exhaustive mode
checks both on all :math:`2^n` sets (exact certificate); the sampled mode checks random
``(S, i, j)`` triples (it can only refute).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import InfeasibleSizeError, ValidationError
from ..results import ResultMixin
from ._functions import CallableSetFunction, SetFunction, masks_from_bits

__all__ = ["SubmodularityReport", "check_submodular", "MAX_EXHAUSTIVE_N"]

#: Largest ground set checked exhaustively (2^20 ~ 1e6 function evaluations).
MAX_EXHAUSTIVE_N = 20


@dataclasses.dataclass(frozen=True, repr=False)
class SubmodularityReport(ResultMixin):
    """Outcome of :func:`check_submodular`.

    Attributes
    ----------
    monotone, submodular : bool
        Whether no violation (beyond ``tol``) was found.
    exhaustive : bool
        True when every set was checked (then ``True`` above is a certificate).
    n_checked : int
        Number of inequalities checked.
    worst_monotone_slack, worst_submodular_slack : float
        Minimum over checked inequalities of ``lhs - rhs`` (negative means violated).
    monotone_counterexample : dict or None
        ``{"S": tuple, "i": int, "F(S)": ..., "F(S+i)": ...}`` at the worst violation.
    submodular_counterexample : dict or None
        ``{"S": tuple, "i": int, "j": int, "gain_i_at_S": ..., "gain_i_at_S+j": ...}``.
    empty_value : float
        :math:`F(\\emptyset)` (normalised functions have 0).
    """

    monotone: bool
    submodular: bool
    exhaustive: bool
    n_checked: int
    worst_monotone_slack: float
    worst_submodular_slack: float
    monotone_counterexample: dict | None
    submodular_counterexample: dict | None
    empty_value: float

    @property
    def ok(self) -> bool:
        """True when both properties held on every checked inequality."""
        return self.monotone and self.submodular


def _bits_to_tuple(b: int) -> tuple:
    return tuple(i for i in range(64) if (int(b) >> i) & 1)


def check_submodular(f: SetFunction, n: int | None = None, *, exhaustive: bool | None = None,
                     n_samples: int = 20000, rng=None, tol: float = 1e-9) -> SubmodularityReport:
    r"""Check that ``f`` is monotone and submodular; return a counterexample when it is not.

    Parameters
    ----------
    f : SetFunction or callable
        The set function; a plain callable ``f(frozenset) -> float`` is wrapped in
        :class:`~pgtheory.submodular.CallableSetFunction` (then ``n`` is required).
    n : int, optional
        Ground-set size (default ``f.n``).
    exhaustive : bool, optional
        Check every set (default: when ``n <= 14``). Exhaustive checking with
        ``n > MAX_EXHAUSTIVE_N`` (20) raises :class:`~pgtheory.errors.InfeasibleSizeError`.
    n_samples : int
        Number of random ``(S, i, j)`` triples in sampled mode (``S`` uniform over subsets).
    rng : Generator or int, optional
        Randomness of the sampled mode.
    tol : float
        Violations smaller than ``tol * (1 + |F|max)`` are ignored (floating-point noise).

    Returns
    -------
    SubmodularityReport

    Notes
    -----
    Exhaustive mode evaluates ``f`` once on each of the :math:`2^n` sets and checks all
    :math:`n 2^{n-1}` monotonicity and :math:`\binom n2 2^{n-2}` pairwise inequalities.

    Examples
    --------
    >>> from pgtheory.submodular import check_submodular
    >>> rep = check_submodular(lambda S: len(S) ** 2, n=4)   # supermodular
    >>> rep.submodular, rep.submodular_counterexample["S"]
    (False, ())
    """
    if not isinstance(f, SetFunction):
        if n is None:
            raise ValidationError("n: required when f is a plain callable. Fix: check_submodular(f, n=...).")
        f = CallableSetFunction(f, int(n))
    n = f.n if n is None else int(n)
    if n != f.n:
        raise ValidationError(f"n: got {n} but f.n = {f.n}. Fix: omit n.")
    if exhaustive is None:
        exhaustive = n <= 14
    if exhaustive:
        if n > MAX_EXHAUSTIVE_N:
            raise InfeasibleSizeError(
                f"f: exhaustive check needs 2^{n} = {2 ** n:.3g} evaluations (limit 2^{MAX_EXHAUSTIVE_N}). "
                "Fix: pass exhaustive=False for a sampled check.")
        return _check_exhaustive(f, n, tol)
    return _check_sampled(f, n, int(n_samples), np.random.default_rng(rng), tol)


def _check_exhaustive(f, n, tol):
    N = 1 << n
    bits = np.arange(N, dtype=np.uint64)
    F = f.values(masks_from_bits(bits, n)) if n else f.values(np.zeros((1, 0), dtype=bool))
    scale = tol * (1.0 + float(np.max(np.abs(F))))
    ib = np.arange(N, dtype=np.int64)
    worst_m, ce_m, n_checked = np.inf, None, 0
    worst_s, ce_s = np.inf, None
    for i in range(n):
        S = ib[(ib >> i) & 1 == 0]
        slack = F[S | (1 << i)] - F[S]
        n_checked += S.size
        k = int(np.argmin(slack))
        if slack[k] < worst_m:
            worst_m = float(slack[k])
            ce_m = {"S": _bits_to_tuple(S[k]), "i": i, "F(S)": float(F[S[k]]), "F(S+i)": float(F[S[k] | (1 << i)])}
        for j in range(i + 1, n):
            T = S[(S >> j) & 1 == 0]
            if T.size == 0:
                continue
            g_small = F[T | (1 << i)] - F[T]
            g_big = F[T | (1 << i) | (1 << j)] - F[T | (1 << j)]
            slack = g_small - g_big
            n_checked += T.size
            k = int(np.argmin(slack))
            if slack[k] < worst_s:
                worst_s = float(slack[k])
                ce_s = {"S": _bits_to_tuple(T[k]), "i": i, "j": j, "gain_i_at_S": float(g_small[k]),
                        "gain_i_at_S+j": float(g_big[k])}
    mono = not (worst_m < -scale)
    sub = not (worst_s < -scale)
    return SubmodularityReport(
        monotone=mono, submodular=sub, exhaustive=True, n_checked=int(n_checked),
        worst_monotone_slack=float(worst_m) if np.isfinite(worst_m) else 0.0,
        worst_submodular_slack=float(worst_s) if np.isfinite(worst_s) else 0.0,
        monotone_counterexample=None if mono else ce_m,
        submodular_counterexample=None if sub else ce_s, empty_value=float(F[0]))


def _check_sampled(f, n, m, rng, tol):
    if n < 2:
        return _check_exhaustive(f, n, tol)
    S = rng.random((m, n)) < 0.5
    i = rng.integers(0, n, size=m)
    j = (i + rng.integers(1, n, size=m)) % n
    rows = np.arange(m)
    S[rows, i] = False
    S[rows, j] = False
    Si, Sj, Sij = S.copy(), S.copy(), S.copy()
    Si[rows, i] = True
    Sj[rows, j] = True
    Sij[rows, i] = True
    Sij[rows, j] = True
    F0, Fi, Fj, Fij = (f.values(x) for x in (S, Si, Sj, Sij))
    scale = tol * (1.0 + float(np.max(np.abs(np.concatenate([F0, Fi, Fj, Fij])))))
    mono_slack = np.minimum(Fi - F0, Fij - Fj)
    sub_slack = (Fi - F0) - (Fij - Fj)
    km, ks = int(np.argmin(mono_slack)), int(np.argmin(sub_slack))
    mono = not (mono_slack[km] < -scale)
    sub = not (sub_slack[ks] < -scale)
    ce_m = None
    if not mono:
        if Fi[km] - F0[km] <= Fij[km] - Fj[km]:
            ce_m = {"S": tuple(np.flatnonzero(S[km]).tolist()), "i": int(i[km]), "F(S)": float(F0[km]),
                    "F(S+i)": float(Fi[km])}
        else:
            ce_m = {"S": tuple(np.flatnonzero(Sj[km]).tolist()), "i": int(i[km]), "F(S)": float(Fj[km]),
                    "F(S+i)": float(Fij[km])}
    ce_s = None if sub else {"S": tuple(np.flatnonzero(S[ks]).tolist()), "i": int(i[ks]), "j": int(j[ks]),
                             "gain_i_at_S": float(Fi[ks] - F0[ks]), "gain_i_at_S+j": float(Fij[ks] - Fj[ks])}
    empty = float(f.values(np.zeros((1, n), dtype=bool))[0])
    return SubmodularityReport(
        monotone=mono, submodular=sub, exhaustive=False, n_checked=2 * m,
        worst_monotone_slack=float(mono_slack[km]), worst_submodular_slack=float(sub_slack[ks]),
        monotone_counterexample=ce_m, submodular_counterexample=ce_s, empty_value=empty)
