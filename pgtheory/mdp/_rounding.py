r"""Sound a-posteriori certificates in float64: Bellman residuals and error bounds that include
the rounding error of their own computation (private; used by every discounted solver).

Why. A certificate such as :math:`\|V - V^*\|_\infty \le \|TV - V\|_\infty/(1-\gamma)` is a theorem
about *exact* :math:`TV`. Computed in float64 the residual of a value vector of size
:math:`10^{12}` is noise of size :math:`10^{-4}` and can come out as exactly 0, so the plain formula
certified errors it had no right to (measured: 1,125 false certificates in 3,150 runs, see
``tests/mdp/test_certificates.py``). Here every bound is an upper bound on the exact quantity.

Model of arithmetic. IEEE-754 binary64, round to nearest, unit roundoff :math:`u = 2^{-53}`: every
basic operation returns :math:`\mathrm{fl}(x\circ y) = (x\circ y)(1+\delta)`, :math:`|\delta|\le u`,
plus an absolute error below :math:`\eta = 2^{-1074}` on underflow. Write
:math:`\gamma_n = nu/(1-nu)` (Higham 2002, Lemma 3.1). ``np.nextafter(x, inf)`` (written
:math:`\uparrow x`) is an upper bound on the exact result of the single operation that produced
``x``; a sum of :math:`k` non-negative floats computed in any order is at least
:math:`(1-\gamma_k)` times the exact sum, so multiplying it by :math:`1 + 4(k+1)u` and applying
:math:`\uparrow` bounds the exact sum from above (:func:`sum_up`). Nothing else is assumed about
the order of summation, so BLAS blocking, FMA and CSR loops are all covered.

1. **Look-ahead.** :math:`\hat Q = \mathrm{fl}(r + \gamma\,\mathrm{fl}(PV))` with :math:`n` terms per row
   (``S`` dense, the largest row count sparse) has at most :math:`n+2` roundings per term, so

   .. math::

       |\hat Q(s,a) - Q(s,a)| \le E(s,a) := \gamma_{n+2}\big(|r(s,a)| + \gamma\,(P|V|)(s,a)\big) + (n+3)\eta,

   evaluated as :math:`\uparrow(g\cdot\hat M)` with :math:`\hat M = \mathrm{fl}(|r| + \gamma P|V|)` and
   :math:`g \ge \gamma_{n+2}/(1-\gamma_{n+2})` (the last factor covers :math:`\hat M` being itself rounded
   down by at most :math:`\gamma_{n+2}`, since all its terms are non-negative).
2. **Operators.** :math:`\max_a` is exact and monotone, so :math:`TV(s) \in [\max_a\downarrow(\hat Q - E),
   \max_a\uparrow(\hat Q + E)]` (the error of an action far below the maximum does not enter). For a stochastic policy, :math:`\widehat{T_\pi V} = \mathrm{fl}(\sum_a\pi\hat Q)` adds
   :math:`\gamma_{A}\sum_a\pi|\hat Q|` on top of :math:`\sum_a\pi E`. The soft operator
   :math:`\tau\log\sum_a e^{Q/\tau}` is 1-Lipschitz in :math:`Q`; its own evaluation (max-shifted,
   terms in :math:`(0,1]`, sum :math:`\ge1`) adds at most :math:`(4A+8)u(|\widehat{TV}| + \max_a|\hat Q| +
   \tau(1+\log A))`, assuming ``exp``/``log`` are accurate to 1 ulp (true of NumPy's libm; not an IEEE
   guarantee).
3. **Residual.** :math:`\hat d = \mathrm{fl}(\widehat{TV} - V)` errs by at most :math:`u|d| \le 2u|\hat d|`,
   so the exact residual lies in :math:`[\downarrow(\hat d - \rho), \uparrow(\hat d + \rho)]` with
   :math:`\rho = e + 2u|\hat d|` summed upward. :math:`R^\uparrow` is the largest magnitude of these
   interval ends: :math:`\|TV - V\|_\infty \le R^\uparrow` exactly.
4. **Value error.** With :math:`\bar\gamma \ge \gamma\max_{s,a}\sum_{s'}P(s'|s,a)` (row sums rounded up,
   so float rows that sum to :math:`1 + O(u)` are accounted for; for :math:`T_\pi` also times
   :math:`\max_s\sum_a\pi(a|s)`), :math:`T` is a :math:`\bar\gamma`-contraction and

   .. math::

       \|V - V^*\|_\infty \le \frac{\|TV - V\|_\infty}{1-\gamma} \le
       \uparrow\!\Big(\frac{R^\uparrow}{\downarrow(1-\bar\gamma)}\Big).

   The **rounding floor** :math:`\uparrow(\max_s e(s)/\downarrow(1-\bar\gamma))` (:math:`e(s)` the half
   width of the enclosure of :math:`TV(s)`) is the bound this
   certificate gives when the computed residual is exactly 0: no tolerance below it can be certified
   at this value scale. Roughly :math:`(n+2)u(\|r\|_\infty + \gamma\|V\|_\infty)/(1-\gamma)
   \approx (n+2)u\|r\|_\infty/(1-\gamma)^2`.
5. **Policy loss** (Singh & Yee 1994, with an inexact greedy step). If :math:`\|V - V^*\| \le \varepsilon`
   and :math:`T_\pi V \ge TV - g` then :math:`\|V^* - V^\pi\|_\infty \le (2\bar\gamma\varepsilon + g)/(1-\bar\gamma)`
   (from :math:`V^\pi - V^* \ge \gamma P_\pi(V^\pi - V^*) - 2\gamma\varepsilon - g`). The exact greedy gap is
   at most the upper end of the enclosure of :math:`TV` minus the lower end of that of :math:`T_\pi V`,
   :math:`g^\uparrow = \max_s\uparrow(g_{hi}(s) + 2u|g_{hi}(s)|)`, so a bound of exactly 0 is impossible unless ``r = 0`` and ``V = 0``.

Cost. The certificate is made once per solve; it is written so that it costs a few passes over
``(S, A)`` arrays: ``up``/``down`` step large arrays through their bit patterns (``np.nextafter`` is
about 5 ns per entry), row maxima of short rows are gathered at the ``argmax``, the directed
rounding of a row maximum is applied after the maximum (``nextafter`` is non-decreasing),
:math:`P|V|` reuses :math:`PV` when ``V`` has one sign, a deterministic policy is read by gathering,
and callers may pass what they already computed (``la``, ``gbar``, ``row_sum``). Every shortcut
gives the same floats as the plain formula (``tests/mdp/test_certificate_fast_paths.py``).

References
----------
Higham (2002), *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM: Sec. 2.2 (model),
Lemma 3.1 and Sec. 3.1 (inner products). Singh, Yee (1994), "An upper bound on the loss from
approximate optimal-value functions", Machine Learning 16. Puterman (1994), Thm 6.6.3.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.sparse as sp

#: Unit roundoff of float64 (round to nearest).
U = 2.0**-53
#: Smallest positive subnormal float64 (absolute error of an underflowing operation).
ETA = 2.0**-1074

#: Float64 arrays with at least this many entries are stepped by :func:`_bitstep` (``np.nextafter``
#: costs about 5 ns per entry, the integer path about 1 ns plus 3 us of calls: measured break-even
#: near 1000 entries, one core).
BITSTEP_MIN_SIZE = 1024
#: :func:`_row_max` avoids ``max(axis=1)`` for rows up to this long (it pays a loop per row: (200, 8)
#: takes 11 us, transpose + ``max(axis=0)`` 4 us, argmax + gather 5 us).
ROW_MAX_GATHER_MAX_A = 32


def up(x):
    """Next float above ``x``: an upper bound on the exact result of the operation that gave ``x``."""
    if isinstance(x, np.ndarray) and x.size >= BITSTEP_MIN_SIZE and x.dtype == np.float64:
        y = _bitstep(x, 1)
        if y is not None:
            return y
    return np.nextafter(x, np.inf)


def down(x):
    """Next float below ``x``."""
    if isinstance(x, np.ndarray) and x.size >= BITSTEP_MIN_SIZE and x.dtype == np.float64:
        y = _bitstep(x, -1)
        if y is not None:
            return y
    return np.nextafter(x, -np.inf)


def _bitstep(x: np.ndarray, direction: int):
    """``np.nextafter(x, direction * inf)`` through the bit patterns, or None when ``x`` holds a value
    this does not cover (then the caller uses ``np.nextafter``).

    A finite float64 with the sign bit clear is ordered like its bits read as an ``int64``, and one with
    the sign bit set like the negated bits, so the neighbour above is ``bits + 1`` (``bits - 1`` when
    negative) and the one below ``bits - 1`` (``bits + 1``): the same floats as ``np.nextafter``,
    across the subnormals and up to ``inf``. Only a zero of the wrong sign (``-0`` up, ``+0`` down),
    ``inf`` in the direction of the step and NaN are not covered; the first two give NaN here, so a
    NaN in ``x`` or in the result sends the whole array back to ``np.nextafter``.
    """
    b = x.view(np.int64)
    s = (b >> 63) | 1  # +1 where the sign bit is clear, -1 where it is set
    y = (b + s if direction > 0 else b - s).view(np.float64)
    mx, my = x.max(), y.max()  # NaN iff the array holds a NaN
    return None if (mx != mx or my != my) else y


@functools.lru_cache(maxsize=256)
def gamma_n(n: int) -> float:
    r"""Upper bound on Higham's :math:`\gamma_n = nu/(1-nu)` (requires :math:`nu < 1/2`)."""
    return float(up(up(n * U) / down(1.0 - n * U)))


def sum_up(*terms):
    """Upper bound on the exact sum of non-negative float arrays/scalars (elementwise)."""
    k = len(terms)
    s = terms[0]
    for t in terms[1:]:
        s = s + t
    return up(s * (1.0 + 4.0 * (k + 1) * U))


def row_terms(P2) -> int:
    """Number of terms ``n`` of each row's inner product: ``S`` (dense) or the largest row count (CSR)."""
    if sp.issparse(P2):
        P2 = P2 if P2.format == "csr" else P2.tocsr()
        return max(1, int(np.diff(P2.indptr).max(initial=1)))
    return int(P2.shape[1])


def row_sum_max(P2) -> float:
    """Largest float row sum of ``P2``, the very number ``np.max(P2.sum(axis=1))`` gives.

    For CSR this is SciPy's own reduction (``np.add.reduceat`` of ``data`` over the non-empty rows,
    0 for empty ones) without the matrix-object overhead of ``P2.sum`` (about 0.15 ms of a 2 ms solve
    at S = 1000); dense rows are summed by NumPy as before. Any summation order is covered by the
    factor applied in :func:`contraction`.
    """
    if sp.issparse(P2) and P2.format == "csr":
        indptr = P2.indptr
        nonempty = np.flatnonzero(np.diff(indptr))
        if nonempty.size == 0:
            return 0.0
        m = float(np.max(np.add.reduceat(np.asarray(P2.data), indptr[nonempty])))
        return max(m, 0.0) if nonempty.size < P2.shape[0] else m
    return float(np.max(np.asarray(P2.sum(axis=1))))


def contraction(P2, gamma: float, pi=None, row_sum: float | None = None) -> float:
    r"""Upper bound :math:`\bar\gamma` on the Lipschitz constant of :math:`T` (or :math:`T_\pi`) in sup norm.

    ``row_sum`` is :func:`row_sum_max` of ``P2`` when the caller has it (a model caches it: it is
    the one pass over ``P`` here)."""
    n = row_terms(P2)
    rs = float(up((row_sum_max(P2) if row_sum is None else row_sum) * (1.0 + 4.0 * (n + 1) * U)))
    g = float(up(gamma * rs))
    return g if pi is None else policy_contraction(g, pi)


def policy_contraction(gbar: float, pi: np.ndarray) -> float:
    r""":func:`contraction` of :math:`T_\pi` from that of :math:`T`: ``gbar`` times the rounded-up largest
    :math:`\sum_a\pi(a|s)` (so the row sums of ``P`` are not summed again)."""
    A = pi.shape[1]
    rp = float(up(float(np.max(pi.sum(axis=1))) * (1.0 + 4.0 * (A + 1) * U)))
    return float(up(gbar * rp))


def one_minus_down(gbar: float) -> float:
    """Lower bound on ``1 - gbar`` (0 or less means no certificate is possible)."""
    return float(down(1.0 - gbar))


def lookahead(P2, r: np.ndarray, gamma: float, V: np.ndarray, PV: np.ndarray | None = None):
    r"""``(Q_hat, E)``: the float look-ahead :math:`r + \gamma PV` and a bound ``E`` on its error (item 1).

    ``PV`` is ``P2 @ V`` when the caller already has it. When ``V`` has one sign the product
    :math:`P|V|` is not formed again: it is ``PV`` (``V >= 0``) or ``-PV`` (``V <= 0``), the same
    float sums (negation is exact and round-to-nearest is symmetric; a zero's sign only reaches
    ``M`` as :math:`|r| \pm 0`, which is :math:`|r|`), so ``E`` is unchanged and one pass over ``P``
    is saved.
    """
    S, A = r.shape
    n = row_terms(P2)
    if PV is None:
        PV = P2 @ V
    Q = r + gamma * PV.reshape(S, A)
    if V.min() >= 0.0:
        PaV = PV
    elif V.max() <= 0.0:
        PaV = -PV
    else:
        PaV = P2 @ np.abs(V)
    M = np.abs(r) + gamma * PaV.reshape(S, A)
    E = up(up(_lookahead_factor(n) * M) + (n + 3) * ETA)
    return Q, E


@functools.lru_cache(maxsize=256)
def _lookahead_factor(n: int) -> float:
    """``g >= gamma_{n+2} / (1 - gamma_{n+2})`` of item 1 (a constant per row length, so cached)."""
    gn = gamma_n(n + 2)
    return float(up(gn / down(1.0 - gn)))


def _interval(T_hat, e, V):
    """Residual ``T_hat - V`` and an enclosing interval ``[lo, hi]`` of the exact residual (item 3)."""
    d = T_hat - V
    rho = sum_up(e, 2.0 * U * np.abs(d))
    return d, down(d - rho), up(d + rho)


def _bound(R: float, floor_e: float, gbar: float):
    om = one_minus_down(gbar)
    if not om > 0.0:
        return np.inf, np.inf
    return float(up(R / om)), float(up(floor_e / om))


def policy_rows(pi: np.ndarray, Q: np.ndarray, E: np.ndarray):
    r"""``(T_pi V hat, error bound)`` from a look-ahead and a stochastic policy (item 2)."""
    A = Q.shape[1]
    T = np.einsum("sa,sa->s", pi, Q)
    EP = np.einsum("sa,sa->s", pi, E)
    absPQ = np.einsum("sa,sa->s", pi, np.abs(Q))
    return T, _policy_row_error(absPQ, EP, A)


def _policy_row_error(absPQ: np.ndarray, EP: np.ndarray, A: int) -> np.ndarray:
    gA = gamma_n(A + 1)
    # EP and absPQ are float sums of non-negative terms, low by at most a factor (1 - gA): the
    # factor (1 + 2 gA) restores them (and absorbs the two additions of this line)
    return up(sum_up(up(gA * sum_up(absPQ, EP)), EP) * (1.0 + 2.0 * gA))


def greedy_rows(actions: np.ndarray, Q: np.ndarray, E: np.ndarray):
    r""":func:`policy_rows` of the deterministic policy ``actions[s]`` by gathering instead of three
    ``einsum`` over ``(S, A)``: the same numbers when ``Q`` and ``E`` are finite (a one-hot row sums
    one term and exact zeros, i.e. gives ``Q[s, a_s] + 0.0``); the caller checks finiteness."""
    rows = np.arange(Q.shape[0])
    T = Q[rows, actions] + 0.0
    EP = E[rows, actions] + 0.0
    return T, _policy_row_error(np.abs(T), EP, Q.shape[1])


def certify_optimal(P2, r: np.ndarray, gamma: float, V: np.ndarray, pi=None, gbar: float | None = None, *,
                    actions: np.ndarray | None = None, la=None) -> dict:
    r"""Sound certificate of ``V`` (and of ``pi``, greedy in ``V`` when None) for the optimality operator.

    The exact :math:`TV(s)` lies in :math:`[\max_a\downarrow(\hat Q - E), \max_a\uparrow(\hat Q + E)]`
    (so the error of an action far below the maximum, e.g. a :math:`-10^9` "infeasible" reward, does not
    enter). Returns a dict with ``Q`` (float look-ahead), ``pi`` (one-hot or given), ``bellman_residual``
    (:math:`\ge\|TV-V\|_\infty` exactly), ``value_error_bound`` (:math:`\ge\|V-V^*\|_\infty`),
    ``rounding_floor``, ``greedy_gap`` (as computed), ``greedy_gap_bound`` and ``policy_loss_bound``
    (:math:`\ge\|V^*-V^\pi\|_\infty`).

    A deterministic policy may be given as ``actions`` (shape ``(S,)``) instead of a one-hot ``pi``,
    and a look-ahead already computed for this very ``V`` as ``la = (Q, E)`` (:func:`lookahead`);
    both only save work, the numbers are the same.
    """
    V = np.asarray(V, dtype=np.float64)
    if gbar is None:
        gbar = contraction(P2, gamma)
    Q, E = lookahead(P2, r, gamma, V) if la is None else la
    greedy = np.argmax(Q, axis=1) if (pi is None and actions is None) else None
    TV, TV_lo, TV_hi = _optimal_enclosure(Q, E, greedy)
    pi, Tpi, epi = _policy_part(Q, E, pi, greedy if actions is None else actions)
    R = _residual_bound(TV_lo - V, TV_hi - V)
    bound, floor = _bound(R, float(np.max(up(0.5 * up(TV_hi - TV_lo)))), gbar)
    g_hi = TV_hi - down(Tpi - epi)
    gap_up = float(max(0.0, np.max(up(g_hi + 2.0 * U * np.abs(g_hi)))))
    om = one_minus_down(gbar)
    loss = float(up(sum_up(up(2.0 * gbar * bound), gap_up) / om)) if om > 0 else np.inf
    return {"Q": Q, "pi": pi, "bellman_residual": R, "value_error_bound": bound, "rounding_floor": floor,
            "greedy_gap": float(np.max(TV - Tpi)), "greedy_gap_bound": gap_up, "policy_loss_bound": loss}


def _optimal_enclosure(Q: np.ndarray, E: np.ndarray, greedy: np.ndarray | None = None):
    r"""``(TV_hat, TV_lo, TV_hi)``: :math:`\max_a\hat Q` and the enclosure of the exact :math:`TV` (item 2).

    :math:`\max_a\downarrow(\hat Q - E) = \downarrow\max_a(\hat Q - E)` because ``nextafter`` is
    non-decreasing, so the directed rounding is applied to ``S`` maxima instead of ``S * A`` entries
    (the same floats). ``greedy`` is ``argmax(Q, axis=1)`` when the caller has it.
    """
    return _row_max(Q, greedy), down(_row_max(Q - E)), up(_row_max(Q + E))


def _row_max(X: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
    """``X.max(axis=1)`` for short rows, computed faster: ``X[s, idx_s]`` when the row ``argmax`` is
    known, else the maximum over the rows of the transposed copy (``max(axis=1)`` over rows of 8 pays
    a loop per row: (5000, 8) takes 208 us, transpose + ``max(axis=0)`` 35 us, argmax + gather 60 us).
    All agree with ``max`` on every value and on NaN; only a row whose maximum is 0 can differ, in the
    sign of that zero, and such rows send the whole array back to ``X.max(axis=1)``. (``Q - E`` and
    ``Q + E`` with ``E > 0`` are never -0, but the check is cheap.)"""
    if X.shape[1] > ROW_MAX_GATHER_MAX_A:
        return X.max(axis=1)
    if idx is None:
        v = np.ascontiguousarray(X.T).max(axis=0)
    else:
        v = X[np.arange(X.shape[0]), idx]
    return X.max(axis=1) if (v == 0.0).any() else v


def _policy_part(Q: np.ndarray, E: np.ndarray, pi, actions):
    """``(pi, T_pi V hat, its error bound)`` for a given ``pi``, given ``actions``, or greedy (both None)."""
    if pi is not None:
        return (pi, *policy_rows(pi, Q, E))
    S, A = Q.shape
    if actions is None:
        actions = np.argmax(Q, axis=1)
    pi = np.zeros((S, A))
    pi[np.arange(S), actions] = 1.0
    if np.isfinite(Q.max()) and np.isfinite(Q.min()) and np.isfinite(E.max()):
        return (pi, *greedy_rows(actions, Q, E))
    return (pi, *policy_rows(pi, Q, E))  # 0 * inf is NaN in the einsum: keep its numbers


def _residual_bound(d_lo: np.ndarray, d_hi: np.ndarray) -> float:
    """``R_up``: the largest magnitude of the enclosure of the exact residual (item 3)."""
    lo, hi = down(d_lo - 2.0 * U * np.abs(d_lo)), up(d_hi + 2.0 * U * np.abs(d_hi))
    return float(max(np.max(np.abs(lo)), np.max(np.abs(hi))))


def certify_policy(P2, r: np.ndarray, gamma: float, V: np.ndarray, pi: np.ndarray, *, la=None,
                   gbar: float | None = None) -> dict:
    r"""Sound certificate of ``V`` as the value of the stochastic policy ``pi``: residual
    :math:`\ge\|r_\pi + \gamma P_\pi V - V\|_\infty`, ``value_error_bound`` :math:`\ge\|V - V^\pi\|_\infty`.

    ``la`` (a :func:`lookahead` of this ``V``) and ``gbar`` (:func:`contraction` of ``T``) may be
    passed when already computed; the numbers are the same."""
    V = np.asarray(V, dtype=np.float64)
    Q, E = lookahead(P2, r, gamma, V) if la is None else la
    T, e = policy_rows(pi, Q, E)
    _, lo, hi = _interval(T, e, V)
    R = float(max(np.max(np.abs(lo)), np.max(np.abs(hi))))
    g = contraction(P2, gamma, pi) if gbar is None else policy_contraction(gbar, pi)
    bound, floor = _bound(R, float(np.max(e)), g)
    return {"Q": Q, "bellman_residual": R, "value_error_bound": bound, "rounding_floor": floor}


def certify_soft(P2, r: np.ndarray, gamma: float, V: np.ndarray, tau: float, lse, gbar: float | None = None) -> dict:
    r"""Sound certificate of ``V`` for the soft operator :math:`\tau\log\sum_a e^{Q/\tau}` (``lse`` its
    float implementation): ``soft_bellman_residual``, ``value_error_bound``, ``rounding_floor``
    (``gbar``: :func:`contraction` of ``P2`` when already computed)."""
    V = np.asarray(V, dtype=np.float64)
    A = r.shape[1]
    Q, E = lookahead(P2, r, gamma, V)
    # the soft maximum is monotone in Q: evaluate it at both ends of the enclosure of Q, then widen
    # each end by the evaluation error of tau * logsumexp (item 2)
    Q_lo, Q_hi = down(Q - E), up(Q + E)
    T_lo, T_hi = tau * lse(Q_lo / tau, axis=1), tau * lse(Q_hi / tau, axis=1)
    scale = sum_up(np.maximum(np.abs(T_lo), np.abs(T_hi)), np.max(np.maximum(np.abs(Q_lo), np.abs(Q_hi)), axis=1),
                   tau * (1.0 + math.log(A)))
    e_lse = up((4 * A + 8) * U * scale)
    T_lo, T_hi = down(T_lo - e_lse), up(T_hi + e_lse)
    d_lo, d_hi = T_lo - V, T_hi - V
    lo, hi = down(d_lo - 2.0 * U * np.abs(d_lo)), up(d_hi + 2.0 * U * np.abs(d_hi))
    R = float(max(np.max(np.abs(lo)), np.max(np.abs(hi))))
    bound, floor = _bound(R, float(np.max(up(0.5 * up(T_hi - T_lo)))), contraction(P2, gamma) if gbar is None else gbar)
    return {"Q": Q, "soft_bellman_residual": R, "value_error_bound": bound, "rounding_floor": floor}


def noise_floor(tv_max: float, v_max: float, gamma: float) -> float:
    r"""Cheap *lower* estimate of the span noise of a float Bellman sweep at value scale ``v_max``:
    :math:`u(\|TV\|_\infty + 2\gamma\|V\|_\infty)\gamma/(1-\gamma)` (the chosen action's look-ahead errs by
    about :math:`u(|r(s,a^*)| + \gamma|V|)` and :math:`|r(s,a^*)| \le |TV(s)| + \gamma\|V\|`; rewards of
    actions that are never maximal, e.g. :math:`-10^9`, do not enter). Below it a MacQueen bound is rounding."""
    if gamma >= 1.0:
        return np.inf
    return U * (tv_max + 2.0 * gamma * v_max) * gamma / (1.0 - gamma)
