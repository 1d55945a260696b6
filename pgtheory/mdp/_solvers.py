r"""Exact solvers of discounted tabular MDPs: value iteration, policy iteration, modified PI,
and entropy-regularised (soft) value iteration.

Every solver returns a frozen :class:`~pgtheory.results.Solution` whose ``certificate`` holds
evidence computed *after* the solver stopped, never copied from its own stopping test alone:

* ``bellman_residual`` -- an upper bound on the exact :math:`\|TV - V\|_\infty` of the returned ``V``
  (optimality operator :math:`(TV)(s) = \max_a r(s,a) + \gamma\sum_{s'}P(s'|s,a)V(s')`);
* ``value_error_bound`` -- a proven bound on :math:`\|V - V^*\|_\infty`;
* ``policy_loss_bound`` -- a proven bound on :math:`\|V^* - V^\pi\|_\infty` of the returned policy;
* ``rounding_floor`` -- the smallest ``value_error_bound`` float64 can certify at this value scale;
* ``greedy_gap`` -- :math:`\max_s [\max_a Q(s,a) - \sum_a\pi(a|s)Q(s,a)]` with ``Q`` the
  one-step look-ahead of the returned ``V`` as computed (0 when ``policy`` is greedy in its own
  value), and ``greedy_gap_bound``, an upper bound on its exact value.

**Sound in floating point.** Every bound includes the rounding error of its own computation
(derivation, constants and the value of :math:`u = 2^{-53}` in :mod:`pgtheory.mdp._rounding`):
roughly, the exact residual is enclosed by the computed one :math:`\pm(n+2)u(|r| + \gamma P|V|)` per
entry (``n`` terms per row), and :math:`\|V - V^*\|_\infty \le R^\uparrow/(1-\bar\gamma)` with the
residual and the division rounded up and :math:`\bar\gamma \ge \gamma\max\text{row sum}(P)`. The
float MacQueen bound below only *proposes* a stop; the returned midpoint is then certified this
way, and the iteration goes on (with a lower target) when the certificate misses ``tol``. When
``tol`` is below what float64 can certify at the problem's scale (about
:math:`(S+2)u\|r\|_\infty/(1-\gamma)^2`), the loop notices that it sits at the rounding floor (the
MacQueen bound at the noise of a sweep, or no progress for ``STALL_SWEEPS`` sweeps), stops, returns
``converged=False`` and warns :class:`~pgtheory.errors.PrecisionWarning` with the attainable tol.

Error bounds (Puterman 1994, Thm 6.6.3, "MacQueen bounds"). For any ``V`` with
:math:`\Delta = TV - V`,

.. math::

    TV + \tfrac{\gamma}{1-\gamma}\min_s\Delta(s) \;\le\; V^* \;\le\;
    TV + \tfrac{\gamma}{1-\gamma}\max_s\Delta(s),

so the midpoint :math:`\hat V = TV + \tfrac{\gamma}{1-\gamma}\,\tfrac{\max\Delta+\min\Delta}{2}` obeys
:math:`\|\hat V - V^*\|_\infty \le \tfrac{\gamma}{1-\gamma}\,\tfrac{\operatorname{sp}(\Delta)}{2}` with the
span :math:`\operatorname{sp}(\Delta) = \max\Delta - \min\Delta`. The bound only needs :math:`T` monotone with
:math:`T(V + c\mathbf 1) = TV + \gamma c\mathbf 1`, so it also holds for the soft (log-sum-exp)
operator. The span usually contracts much faster than the sup norm (at rate :math:`\gamma|\lambda_2|`
on well-mixing MDPs), which makes these stopping rules both rigorous and fast.

Tie-breaking: greedy steps choose the **lowest-index** maximiser; policy iteration keeps its
current action unless another is better by more than ``1e-12 * (1 + |Q|)`` (this rules out
cycling between tied policies caused by rounding).

Performance notes: sweeps are one matrix-vector product ``P.reshape(S*A, S) @ V`` (BLAS for
dense, CSR for sparse). The sound certificate is made once per solve and kept cheap (issue 13):
the row sums of ``P`` are cached on the model, :math:`P|V|` is ``PV`` itself when ``V`` has one
sign, policy iteration hands its last ``PV`` to the certificate, and the loop decides "at the
rounding floor" from a running bound on :math:`\|V\|_\infty` instead of two passes per sweep;
each shortcut gives the same floats (``tests/mdp/test_certificate_fast_paths.py``).
Deterministic policies are evaluated on the rows ``P[s, pi(s)]`` only (an ``(S, S)`` gather instead
of ``einsum`` over actions), which is why this module has its own evaluation path beside
:func:`pgtheory.mdp.policy_evaluation` (which accepts stochastic policies).

References
----------
Puterman (1994), *Markov Decision Processes*, Wiley: Sec. 6.3 (value iteration), 6.4 (policy
iteration), 6.5 (modified policy iteration), 6.6.3 (bounds). Cen, Cheng, Chen, Wei, Chi (2022),
"Fast global convergence of natural policy gradient methods with entropy regularization",
arXiv:2007.06558, Sec. 2 (soft Bellman equations).
"""

from __future__ import annotations

import logging
import math
import warnings

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._math import log_softmax, logsumexp, softmax
from .._validate import as_float_array, check_distribution, check_positive_int, check_shape, check_tol
from ..errors import ConvergenceWarning, PrecisionWarning, ValidationError
from ..results import Solution
from ._bellman import (
    SPARSE_DIRECT_MAX_STATES,
    PolicySystem,
    check_policy,
    policy_evaluation,
    q_from_v,
    solve_sparse_certified,
)
from . import _rounding as _rd
from ._model import TabularMDP
from ..backend import resolve_backend

__all__ = [
    "value_iteration",
    "policy_iteration",
    "modified_policy_iteration",
    "soft_value_iteration",
    "soft_policy_evaluation",
    "greedy_policy",
    "bellman_residual",
    "iterative_policy_evaluation",
]

logger = logging.getLogger(__name__)

#: Relative margin by which another action must beat the current one in policy iteration.
PI_TIE_RTOL = 1e-12
# SPARSE_DIRECT_MAX_STATES (from _bellman): sparse MDPs with more states are evaluated by GMRES
# with an exact SuperLU fallback; LU of random sparse graphs fills in badly (S = 5000 Garnet: ~40 s).
#: Dense ``P`` with at most this fraction of nonzeros (and at least ``SPARSIFY_MIN_ENTRIES``
#: entries) is swept through a CSR copy by the iterative solvers (one O(S^2 A) conversion).
SPARSIFY_MAX_DENSITY = 0.1
SPARSIFY_MIN_ENTRIES = 1_000_000


# ----------------------------------------------------------------------------- compiled sweeps
# Plain Python kernels, compiled with numba.njit(cache=True) on first use (numba is not imported
# with pgtheory). Each is the reference loop of the NumPy expression it replaces; tests compare them.
def _k_bellman_csr(indptr, indices, data, r_flat, gamma, V, A, TV, act):  # pragma: no cover - compiled
    S = V.shape[0]
    for s in range(S):
        best = -np.inf
        ba = 0
        for a in range(A):
            row = s * A + a
            acc = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                acc += data[k] * V[indices[k]]
            q = r_flat[row] + gamma * acc
            if q > best:
                best = q
                ba = a
        TV[s] = best
        act[s] = ba


def _k_policy_sweeps_csr(indptr, indices, data, r_flat, gamma, act, A, U, m):  # pragma: no cover - compiled
    S = U.shape[0]
    W = np.empty(S)
    for _ in range(m):
        for s in range(S):
            row = s * A + act[s]
            acc = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                acc += data[k] * U[indices[k]]
            W[s] = r_flat[row] + gamma * acc
        U[:] = W
    return U


def _k_bellman_dense(P2, r_flat, gamma, V, A, TV, act):  # pragma: no cover - compiled
    S = V.shape[0]
    for s in range(S):
        best = -np.inf
        ba = 0
        for a in range(A):
            row = s * A + a
            acc = 0.0
            for j in range(S):
                acc += P2[row, j] * V[j]
            q = r_flat[row] + gamma * acc
            if q > best:
                best = q
                ba = a
        TV[s] = best
        act[s] = ba


def _k_policy_sweeps_dense(P2, r_flat, gamma, act, A, U, m):  # pragma: no cover - compiled
    S = U.shape[0]
    W = np.empty(S)
    for _ in range(m):
        for s in range(S):
            row = s * A + act[s]
            acc = 0.0
            for j in range(S):
                acc += P2[row, j] * U[j]
            W[s] = r_flat[row] + gamma * acc
        U[:] = W
    return U


def _k_dense_to_csr(P2, indptr, indices, data):  # pragma: no cover - compiled
    """One pass over a dense matrix filling CSR arrays of capacity ``data.size``; -1 if it overflows."""
    cap = data.shape[0]
    k = 0
    indptr[0] = 0
    for i in range(P2.shape[0]):
        for j in range(P2.shape[1]):
            v = P2[i, j]
            if v != 0.0:
                if k >= cap:
                    return -1
                indices[k] = j
                data[k] = v
                k += 1
        indptr[i + 1] = k
    return k


_COMPILED: dict = {}


def _compiled(name: str):
    fn = _COMPILED.get(name)
    if fn is None:
        import numba  # lazy: numba JIT, never at import

        fn = _COMPILED[name] = numba.njit(cache=True)(globals()[name])
    return fn


def _numba_available() -> bool:
    try:
        import numba  # noqa: F401; lazy: numba JIT, never at import
    except ImportError:  # pragma: no cover - numba is a core dependency
        return False
    return True


def _resolve_backend(backend: str, mdp) -> str:
    # Measured (benchmarks/bench_mdp.py machine, one core): SciPy's CSR mat-vec + NumPy argmax beat
    # the compiled loops by 1.3-2x at S in {1000, 5000}, so the sweeps never reach numba's break-even
    # (min_size=inf: "auto" means NumPy under pgtheory.backend's one rule); "numba" is kept as an
    # independent reference implementation of the sweeps.

    if backend not in ("auto", "numpy", "numba"):
        raise ValidationError(f"backend must be 'auto', 'numpy' or 'numba'; got {backend!r}.")
    return resolve_backend(backend, size_hint=mdp.S * mdp.A, min_size=math.inf, allowed=("numba", "numpy"))


def _sparsify(mdp: TabularMDP):
    """CSR copy of a large dense ``P`` that is mostly zeros (else None); needs numba (one pass that
    stops early once the density exceeds ``SPARSIFY_MAX_DENSITY``)."""
    if mdp.is_sparse or mdp.P.size < SPARSIFY_MIN_ENTRIES or not _numba_available():
        return None
    P2 = np.ascontiguousarray(mdp.P.reshape(mdp.S * mdp.A, mdp.S))
    cap = int(SPARSIFY_MAX_DENSITY * P2.size)
    indptr = np.empty(P2.shape[0] + 1, dtype=np.int64)
    indices, data = np.empty(cap, dtype=np.int32), np.empty(cap)
    nnz = _compiled("_k_dense_to_csr")(P2, indptr, indices, data)
    if nnz < 0:
        return None
    indices, data = indices[:nnz], data[:nnz]
    return sp.csr_matrix((data, indices, indptr), shape=P2.shape)


class _Sweeper:
    """Bellman-optimality sweeps ``(TV, greedy actions)`` and policy sweeps for one MDP."""

    def __init__(self, mdp: TabularMDP, backend: str):
        self.mdp = mdp
        self.S, self.A, self.gamma = mdp.S, mdp.A, mdp.gamma
        self.P2 = mdp.P_matrix()
        csr = _sparsify(mdp)
        self.is_sparse = mdp.is_sparse or csr is not None
        if csr is not None:
            self.P2 = csr
        self.backend = backend
        self.r = mdp.r
        self.r_flat = np.ascontiguousarray(mdp.r.ravel())
        self.rows = np.arange(self.S)
        if backend == "numba":
            if self.is_sparse:
                P = self.P2
                self.csr = (P.indptr, P.indices, np.asarray(P.data))
            else:
                self.P2 = np.ascontiguousarray(self.P2)
        self._a_cached, self._Ppi = None, None

    def bellman(self, V):
        if self.backend == "numba":
            TV, act = np.empty(self.S), np.empty(self.S, dtype=np.int64)
            if self.is_sparse:
                _compiled("_k_bellman_csr")(*self.csr, self.r_flat, self.gamma, V, self.A, TV, act)
            else:
                _compiled("_k_bellman_dense")(self.P2, self.r_flat, self.gamma, V, self.A, TV, act)
            return TV, act
        Q = self.P2 @ V  # fresh array: scale and shift in place
        Q *= self.gamma
        Q += self.r_flat
        Q = Q.reshape(self.S, self.A)
        act = np.argmax(Q, axis=1)
        return Q[self.rows, act], act

    def policy_sweeps(self, act, U, m: int):
        if self.backend == "numba":
            U = np.array(U, dtype=np.float64)
            if self.is_sparse:
                return _compiled("_k_policy_sweeps_csr")(*self.csr, self.r_flat, self.gamma, np.asarray(act, dtype=np.int64),
                                                         self.A, U, m)
            return _compiled("_k_policy_sweeps_dense")(self.P2, self.r_flat, self.gamma, np.asarray(act, dtype=np.int64),
                                                       self.A, U, m)
        if self._a_cached is None or not np.array_equal(act, self._a_cached):
            self._Ppi = self.P2[self.rows * self.A + act] if self.is_sparse else _policy_rows(self.mdp, act)
            self._a_cached = act
        r_pi = self.r[self.rows, act]
        for _ in range(m):
            U = self._Ppi @ U
            U *= self.gamma
            U += r_pi
        return U


# ----------------------------------------------------------------------------- helpers
def _check_mdp(mdp) -> TabularMDP:
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"mdp must be a pgtheory.mdp.TabularMDP; got {type(mdp).__name__}. "
                              f"Fix: build one with TabularMDP(P, r, gamma) (FiniteHorizonMDP: use backward_induction).")
    return mdp


def _P2(mdp: TabularMDP):
    return mdp.P_matrix()


def _lookahead(P2, r: np.ndarray, gamma: float, V: np.ndarray) -> np.ndarray:
    S, A = r.shape
    return r + gamma * (P2 @ V).reshape(S, A)


def _one_hot(actions: np.ndarray, A: int) -> np.ndarray:
    pi = np.zeros((actions.shape[0], A))
    pi[np.arange(actions.shape[0]), actions] = 1.0
    return pi


def _span(TV: np.ndarray, V: np.ndarray) -> tuple[float, float]:
    """``(min, max)`` of Delta = TV - V, the numbers the MacQueen bounds are made of (Puterman Thm 6.6.3)."""
    d = TV - V
    return float(d.min()), float(d.max())


def _abs_max_bound(v_max: float, lo: float, hi: float) -> float:
    """Upper bound on ``max|TV|`` from ``max|V| <= v_max`` and the float span ``[lo, hi]`` of ``TV - V``:
    the exact difference is at most ``max(|lo|, |hi|) / (1 - u)``, and each float step is rounded up."""
    dm = max(abs(lo), abs(hi))
    return math.nextafter(v_max + math.nextafter(dm * (1.0 + 4.0 * _rd.U), math.inf), math.inf)


def _at_noise(mq: float, gamma: float, TV: np.ndarray, V: np.ndarray, tv_bound: float, v_bound: float) -> bool:
    """``mq <= noise_floor(max|TV|, max|V|)``, decided from the bounds ``tv_bound >= max|TV|``,
    ``v_bound >= max|V|`` when they already show it false (``noise_floor`` is non-decreasing in both),
    so the two passes over ``TV`` and ``V`` are made only near the floor; the answer is the same."""
    if not mq <= _rd.noise_floor(tv_bound, v_bound, gamma):
        return False
    return mq <= _rd.noise_floor(float(np.max(np.abs(TV))), float(np.max(np.abs(V))), gamma)


def greedy_policy(Q) -> np.ndarray:
    r"""Deterministic greedy policy :math:`\pi(s) = \min\arg\max_a Q(s,a)` as a one-hot ``(S, A)`` array.

    Parameters
    ----------
    Q : array, shape (S, A)

    Returns
    -------
    pi : array, shape (S, A)
        One-hot rows; ties go to the lowest action index.
    """
    Q = as_float_array(Q, "Q", ndim=2)
    return _one_hot(np.argmax(Q, axis=1), Q.shape[1])


def bellman_residual(mdp: TabularMDP, V) -> float:
    r"""Optimality residual :math:`\|TV - V\|_\infty`, with :math:`\|V - V^*\|_\infty \le \|TV-V\|_\infty/(1-\gamma)`.

    Parameters
    ----------
    mdp : TabularMDP
    V : array, shape (S,)

    Returns
    -------
    float
    """
    mdp = _check_mdp(mdp)
    V = as_float_array(V, "V", ndim=1)
    check_shape(V, (mdp.S,), "V")
    return float(np.max(np.abs(q_from_v(mdp, V).max(axis=1) - V)))


def _certificate(mdp: TabularMDP, V: np.ndarray, pi: np.ndarray | None, P2=None, certifier=None):
    """Sound certificate of the returned ``V`` (see :mod:`pgtheory.mdp._rounding`): ``(Q, policy, certificate)``.

    ``pi=None`` means greedy in ``V`` (lowest index). Every bound includes the rounding error of its
    own computation: ``bellman_residual`` >= ||TV - V||, ``value_error_bound`` >= ||V - V*||,
    ``policy_loss_bound`` >= ||V* - V^pi|| exactly; ``rounding_floor`` is the smallest value error
    bound certifiable at this value scale.
    """
    last = getattr(certifier, "last", None)
    if pi is None and last is not None and last[0] is V:
        c = dict(last[1])  # the iteration already certified this very array (same inputs, same numbers)
    else:
        P2 = mdp.P_matrix() if P2 is None else P2
        c = _rd.certify_optimal(P2, mdp.r, mdp.gamma, V, pi, _gbar(mdp, P2))
    return c.pop("Q"), c.pop("pi"), c


_MESSAGES = {"converged": "converged (certified)", "cap": "iteration cap reached",
             "precision": "tol not certifiable in float64 at this scale"}


def _gbar(mdp: TabularMDP, P2) -> float:
    """Contraction bound of ``T`` on ``P2``: the model's own ``P_matrix()`` (dense, or the model's CSR)
    uses the row sums the model caches; a CSR copy of a dense ``P`` (``_sparsify``) is summed here."""
    own = P2 is mdp.P or not sp.issparse(P2)
    return _rd.contraction(P2, mdp.gamma, row_sum=mdp._row_sum_max if own else None)


def _optimal_certifier(mdp: TabularMDP, P2):
    """``V -> (sound bound on ||V - V*||, rounding floor)`` for :func:`_macqueen_iterate`."""
    gbar = _gbar(mdp, P2)

    def certify(V):
        c = _rd.certify_optimal(P2, mdp.r, mdp.gamma, V, None, gbar)
        certify.last = (V, c)  # reused by _certificate when the iteration returns this V
        return c["value_error_bound"], c["rounding_floor"]

    certify.last = None
    return certify


def _default_cap(gamma: float, tol: float, scale: float, extra: int = 100) -> int:
    """Iterations after which ``gamma^k * scale * gamma/(1-gamma) <= tol`` (sup-norm worst case)."""
    if gamma == 0.0 or scale <= 0.0:
        return extra
    need = math.log(tol * (1.0 - gamma) / (gamma * scale)) / math.log(gamma)
    return int(max(need, 0.0)) + extra


#: Consecutive sweeps without a new smallest MacQueen bound after which the iteration is taken to
#: sit at its floating-point floor (in exact arithmetic the span contracts at every sweep).
STALL_SWEEPS = 20
#: Certification attempts at the floating-point floor before giving up on ``tol`` (PrecisionWarning).
MAX_FLOOR_ATTEMPTS = 3


def _macqueen_iterate(step, advance, V: np.ndarray, gamma: float, tol: float, max_iter, certify):
    """Iterate ``V <- advance(TV, aux)`` with ``TV, aux = step(V)`` until the returned MacQueen midpoint
    is *certified* (``certify(V_hat) -> (sound bound, rounding floor)``) to be within ``tol`` of the
    fixed point.

    The float MacQueen bound only proposes a stop: the midpoint is certified by the sound residual
    bound, and if that fails the target is lowered by the observed overshoot and the iteration goes on.
    Candidates are also taken when the MacQueen bound is at the rounding noise of a sweep
    (:func:`~pgtheory.mdp._rounding.noise_floor`) or has not improved for ``STALL_SWEEPS`` sweeps; there
    the loop stops with status ``"precision"`` once the rounding floor exceeds ``tol`` or after
    ``MAX_FLOOR_ATTEMPTS`` attempts, instead of spinning to the cap.

    Returns ``(V_hat, bound, iterations, status, cap, floor)`` with status in
    {"converged", "cap", "precision"}; the cap defaults to :func:`_default_cap` of the first
    sweep's change when ``max_iter`` is None.
    """
    cap = None if max_iter is None else check_positive_int(max_iter, "max_iter")
    it, target, best_mq, stall, attempts = 0, tol, np.inf, 0, 0
    c = gamma / (1.0 - gamma)
    # prev: the last TV and an upper bound on max|TV| (value iteration sweeps V = TV, so it bounds
    # max|V| of the next sweep without a pass over V)
    best, prev = None, (None, 0.0)
    while True:
        TV, aux = step(V)
        it += 1
        lo, hi = _span(TV, V)
        mq = c * 0.5 * (hi - lo)  # the MacQueen bound gamma/(1-gamma) * sp(Delta)/2
        if cap is None:
            cap = _default_cap(gamma, tol, float(np.max(np.abs(TV - V))))
        if mq < best_mq:
            best_mq, stall = mq, 0
        else:
            stall += 1
        v_bound = prev[1] if V is prev[0] else float(np.max(np.abs(V)))
        tv_bound = _abs_max_bound(v_bound, lo, hi)
        prev = (TV, tv_bound)
        at_floor = stall >= STALL_SWEEPS or _at_noise(mq, gamma, TV, V, tv_bound, v_bound)
        if mq <= target or at_floor or it >= cap:
            V_hat = TV + c * 0.5 * (hi + lo)  # the MacQueen midpoint, formed only when it is certified
            cb, floor = certify(V_hat)
            if best is None or cb <= best[1]:
                best = (V_hat, cb, floor)
            if cb <= tol:
                return V_hat, cb, it, "converged", cap, floor
            if it >= cap:
                return (*best[:2], it, "cap", cap, best[2])
            attempts += at_floor
            if floor >= tol or attempts >= MAX_FLOOR_ATTEMPTS:
                return (*best[:2], it, "precision", cap, best[2])
            target = min(target, mq) * min(0.5, max(0.5 * tol / cb, 1e-3))
            if at_floor:
                V, best_mq, stall = V_hat, np.inf, 0
                continue
        V = advance(TV, aux)


def _report(name: str, status: str, cap: int, bound: float, tol: float, floor: float, fix: str) -> None:
    """Warn (at the public caller) when a tolerance-driven solver did not certify ``tol``."""
    if status == "cap":
        _warn_cap(name, cap, bound, tol, fix)
    elif status == "precision":
        warnings.warn(
            f"{name}: tol={tol:.3g} is below what float64 can certify at this problem's scale; the attainable "
            f"tol is about {bound:.3g} (certified bound of the returned V; rounding floor {floor:.3g}, i.e. "
            f"~(S+2) u (|r| + gamma |V|) / (1-gamma) with u = 2^-53). Returning converged=False. "
            f"Fix: use tol >= {float(_rd.up(bound)):.3g}, or rescale the rewards / shift them toward 0.",
            PrecisionWarning, stacklevel=3)


def _warn_cap(name: str, cap: int, bound: float, tol: float, fix: str = "Fix: raise max_iter or tol.") -> None:
    """ConvergenceWarning for an iteration that stopped at its cap (reported at the public caller)."""
    warnings.warn(f"{name} stopped at max_iter={cap} with value error bound {bound:.3g} > tol={tol:.3g}. {fix}",
                  ConvergenceWarning, stacklevel=4)


# ----------------------------------------------------------------------------- evaluation of deterministic policies
def _policy_rows(mdp: TabularMDP, actions: np.ndarray):
    S, A = mdp.S, mdp.A
    if mdp.is_sparse:
        return mdp.P[np.arange(S) * A + actions]
    return mdp.P[np.arange(S), actions]


def _evaluate_actions(P2, r: np.ndarray, gamma: float, actions: np.ndarray, method: str = "auto", V0=None,
                      tol: float = 1e-10) -> tuple[np.ndarray, float]:
    """Exact value of the deterministic policy ``actions[s]`` (rows ``P2[s*A + a_s]``); ``(V, residual)``."""
    S, A = r.shape
    rows = np.arange(S)
    return _solve_policy_system(P2[rows * A + actions], r[rows, actions], gamma, method, V0, tol,
                                max(1.0, float(np.max(np.abs(r)))))


def _solve_policy_system(Ppi, r_pi: np.ndarray, gamma: float, method: str = "auto", V0=None, tol: float = 1e-10,
                         scale: float = 1.0) -> tuple[np.ndarray, float]:
    r"""Solve :math:`(I - \gamma P_\pi)V = r_\pi`; returns ``(V, ||r_pi + gamma P_pi V - V||_inf)``.

    ``direct`` -- LU (``numpy.linalg.solve``; sparse ``P_pi`` with at most 1000 states is densified)
    or SuperLU (``spsolve``). ``iterative`` -- GMRES (sparse only), warm-started at ``V0``, run until
    :math:`\|r_\pi + \gamma P_\pi V - V\|_\infty \le \mathrm{tol}\,(1-\gamma)\,\mathrm{scale}`, which gives
    :math:`\|V - V^\pi\|_\infty \le \mathrm{tol}\cdot\mathrm{scale}`; after 600 Krylov steps without reaching
    it, SuperLU is used instead.
    """
    S = r_pi.shape[0]
    is_sparse = sp.issparse(Ppi)
    if method == "auto":
        method = "iterative" if (is_sparse and S > SPARSE_DIRECT_MAX_STATES) else "direct"
    if is_sparse and method == "direct" and S <= 1000:
        Ppi, is_sparse = Ppi.toarray(), False
    system = PolicySystem(Ppi, gamma)
    if not is_sparse:
        V = system.solve(r_pi)
        return V, float(np.max(np.abs(r_pi + gamma * (Ppi @ V) - V)))
    if method not in ("direct", "iterative"):
        raise ValidationError(f"eval_method must be 'auto', 'direct' or 'iterative'; got {method!r}.")
    M = system.M
    # iterative: GMRES cycles until the inf-norm residual meets the target, then SuperLU as a fallback.
    V = system.solve(r_pi, method=method, target=tol * (1.0 - gamma) * scale, x0=V0)
    return V, float(np.max(np.abs(r_pi - M @ V)))


def _evaluate_certified(mdp: TabularMDP, Ppi, pi: np.ndarray, method: str, V0, tol: float, scale: float):
    """``(V, certificate)`` of :func:`iterative_policy_evaluation`.

    GMRES first aims at the whole residual budget ``tol (1-gamma) scale``; only when the sound
    certificate (whose rounding term shares that budget) misses ``tol * scale`` does it go on,
    warm-started, to half the budget. Aiming at half the budget from the start cost the full
    restart cycle on large systems: SciPy's GMRES stops on the 2-norm of its implicit residual,
    which levels off near ``40 u ||b||_2`` (S = 10^5 Garnet: 7e-13 against a half-budget target of
    5e-13), so it ran 60 Krylov steps where 24 meet the inf-norm target (bench_mdp, issue 13).
    """
    r_pi, P2 = mdp.r_pi(pi), mdp.P_matrix()
    gbar = _gbar(mdp, P2)
    gmres = sp.issparse(Ppi) and (method == "iterative" or (method == "auto" and mdp.S > SPARSE_DIRECT_MAX_STATES))
    V = V0
    for share in (1.0, 0.5):
        V, _ = _solve_policy_system(Ppi, r_pi, mdp.gamma, method, V, share * tol, scale)
        c = _rd.certify_policy(P2, mdp.r, mdp.gamma, V, pi, gbar=gbar)
        if c["value_error_bound"] <= tol * scale or not gmres:
            break
    return V, c


def iterative_policy_evaluation(mdp: TabularMDP, pi, tol: float = 1e-10, V0=None, method: str = "auto") -> Solution:
    r"""Policy evaluation for large sparse MDPs: GMRES with a certified residual.

    Solves :math:`(I-\gamma P_\pi)V = r_\pi` like :func:`~pgtheory.mdp.policy_evaluation`, but for sparse
    MDPs with more than 200 states by restarted GMRES (warm start ``V0``) until the Bellman
    evaluation residual is at most ``tol (1-gamma) max(1, ||r||_inf)``, which **guarantees**
    :math:`\|V - V^\pi\|_\infty \le` ``tol`` :math:`\max(1,\|r\|_\infty)`; SuperLU is the fallback
    when GMRES has not converged after 600 steps. Why a second path: sparse LU of
    :math:`I-\gamma P_\pi` on random sparse transition graphs fills in catastrophically
    (``spsolve`` on a Garnet with S = 10^5, b = 5 did not finish in 120 s; GMRES needs < 1 s),
    while Krylov methods converge fast because :math:`\gamma P_\pi` has spectral radius
    :math:`\gamma` and typically a small second eigenvalue. Dense MDPs (and ``method="direct"``)
    use the LU solve.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
        Stochastic policy.
    tol : float
        Relative accuracy (see above).
    V0 : array, shape (S,), optional
        Warm start.
    method : {"auto", "direct", "iterative"}

    Returns
    -------
    Solution
        ``V``, ``Q``, ``policy = pi``, ``residual`` = a sound upper bound on the evaluation residual
        :math:`\|r_\pi + \gamma P_\pi V - V\|_\infty` (rounding of its own computation included, see
        :mod:`pgtheory.mdp._rounding`), ``certificate`` with ``value_error_bound`` :math:`\ge \|V - V^\pi\|_\infty`
        (the residual over :math:`1-\bar\gamma`, rounded up) and ``rounding_floor``. ``converged`` is
        False, with a :class:`~pgtheory.errors.PrecisionWarning` stating the attainable accuracy, when the
        certified bound exceeds ``tol * max(1, ||r||_inf)`` (float64 cannot resolve that tol at this scale).
    """
    mdp = _check_mdp(mdp)
    pi = check_policy(mdp, pi)
    tol = check_tol(tol)
    if method not in ("auto", "direct", "iterative"):
        raise ValidationError(f"method must be 'auto', 'direct' or 'iterative'; got {method!r}.")
    if V0 is not None:
        V0 = as_float_array(V0, "V0", ndim=1)
        check_shape(V0, (mdp.S,), "V0")
    Ppi = mdp.P_pi(pi)
    if sp.issparse(Ppi):
        Ppi = Ppi.tocsr()
    elif method == "iterative":
        raise ValidationError("method='iterative' needs a sparse MDP. Fix: use 'auto' or 'direct' for dense P.")
    scale = max(1.0, float(np.max(np.abs(mdp.r))))
    target = tol * scale
    V, c = _evaluate_certified(mdp, Ppi, pi, method, V0, tol, scale)
    converged = c["value_error_bound"] <= target
    if not converged:
        warnings.warn(f"iterative_policy_evaluation: the certified error {c['value_error_bound']:.3g} exceeds "
                      f"tol * max(1, ||r||) = {target:.3g}; the attainable accuracy at this scale is about "
                      f"{c['value_error_bound']:.3g} (rounding floor {c['rounding_floor']:.3g}). Returning "
                      f"converged=False. Fix: use tol >= {c['value_error_bound'] / scale:.3g}.",
                      PrecisionWarning, stacklevel=2)
    res = c["bellman_residual"]
    kind = "GMRES" if (sp.issparse(Ppi) and method != "direct" and mdp.S > SPARSE_DIRECT_MAX_STATES) else "direct solve"
    return Solution(V=V, Q=c["Q"], policy=pi, iterations=1, residual=res, converged=converged,
                    method="iterative_policy_evaluation",
                    certificate={"bellman_residual": res, "value_error_bound": c["value_error_bound"],
                                 "rounding_floor": c["rounding_floor"], "tol": target},
                    message=kind if converged else kind + "; tol not certifiable in float64 at this scale")


# ----------------------------------------------------------------------------- value iteration
def value_iteration(mdp: TabularMDP, tol: float = 1e-8, max_iter: int | None = None, V0=None,
                    backend: str = "auto") -> Solution:
    r"""Value iteration :math:`V_{k+1} = TV_k` with a stopping rule that bounds the value error.

    **Stopping rule.** With :math:`\Delta_k = V_{k+1} - V_k`, stop at the first ``k`` with

    .. math::

        \frac{\gamma}{1-\gamma}\,\frac{\max_s\Delta_k(s) - \min_s\Delta_k(s)}{2} \le \mathrm{tol},

    and return the MacQueen midpoint
    :math:`V = V_{k+1} + \frac{\gamma}{1-\gamma}\frac{\max\Delta_k + \min\Delta_k}{2}`, which then
    **guarantees** :math:`\|V - V^*\|_\infty \le \mathrm{tol}` (Puterman 1994, Thm 6.6.3). Because
    :math:`\operatorname{sp}(\Delta_k) \le 2\gamma^k\|\Delta_0\|_\infty`, the rule is met after at most
    :math:`\log(\mathrm{tol}(1-\gamma)/(\gamma\|\Delta_0\|_\infty))/\log\gamma` sweeps in exact
    arithmetic. ``policy`` is greedy in ``V`` (lowest index on ties); its loss obeys
    :math:`\|V^{\pi} - V^*\|_\infty \le 2\gamma\,\mathrm{tol}/(1-\gamma)` (Singh & Yee 1994), and is 0
    once the gap between best and second-best actions exceeds :math:`2\,\mathrm{tol}`.

    Parameters
    ----------
    mdp : TabularMDP
        Dense or sparse MDP.
    tol : float
        Target bound on :math:`\|V - V^*\|_\infty` (> 0).
    max_iter : int, optional
        Sweep cap. Default: the worst-case count above plus 100. At the cap the solver warns
        :class:`~pgtheory.errors.ConvergenceWarning` and returns ``converged=False``. A ``tol``
        below what float64 can certify at this scale (about ``(S+2) * 1.1e-16 * ||r|| / (1-gamma)^2``;
        the exact figure is ``certificate["rounding_floor"]``) is detected before the cap: the solver
        stops at the floor, warns :class:`~pgtheory.errors.PrecisionWarning` stating the attainable
        tol, and returns ``converged=False``.
    V0 : array, shape (S,), optional
        Initial values (default :math:`\max_a r(s,a)`, i.e. :math:`T0`, which saves one sweep).
    backend : {"auto", "numpy", "numba"}
        Sweep implementation: NumPy/SciPy (matrix-vector product + argmax; ``"auto"``) or a fused
        compiled loop (numba; slower on the machines we measured, kept as a reference). Both give
        the same iterates up to rounding. Independently of the backend, a large dense ``P`` with at
        most 10% nonzeros is swept through a CSR copy (one pass, needs numba).

    Returns
    -------
    Solution
        ``V`` (the estimate of :math:`V^*`), ``Q`` (look-ahead of ``V``), ``policy`` (one-hot greedy),
        ``iterations`` (sweeps), ``residual`` (:math:`\|TV - V\|_\infty` of the returned ``V``),
        ``certificate`` with ``value_error_bound`` (<= ``tol`` when converged), ``bellman_residual``,
        ``greedy_gap`` and ``policy_loss_bound``.

    References
    ----------
    Puterman (1994), *Markov Decision Processes*, Thm 6.3.1 and Thm 6.6.3 (MacQueen bounds).
    Singh, Yee (1994), "An upper bound on the loss from approximate optimal-value functions",
    Machine Learning 16.
    """
    mdp = _check_mdp(mdp)
    tol = check_tol(tol)
    S, A, gamma = mdp.S, mdp.A, mdp.gamma
    V = mdp.r.max(axis=1) if V0 is None else as_float_array(V0, "V0", ndim=1).copy()
    check_shape(V, (S,), "V0", "Fix: V0 holds one value per state.")
    sweeper = _Sweeper(mdp, _resolve_backend(backend, mdp))
    certifier = _optimal_certifier(mdp, sweeper.P2)
    V, bound, it, status, cap, floor = _macqueen_iterate(sweeper.bellman, lambda TV, _: TV, V, gamma, tol, max_iter,
                                                         certifier)
    converged = status == "converged"
    _report("value_iteration", status, cap, bound, tol, floor,
            "Fix: raise max_iter or tol (tol below ~1e-15*||r||/(1-gamma)^2 is not reachable in float64).")
    Q, pi, cert = _certificate(mdp, V, None, sweeper.P2, certifier)
    cert["tol"] = tol
    cert["stopping_rule"] = ("gamma/(1-gamma) * span(V_{k+1}-V_k)/2 <= tol proposes the MacQueen midpoint; "
                             "stop once its sound residual bound ||TV-V||/(1-gamma) <= tol")
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method="value_iteration", certificate=cert, message=_MESSAGES[status] + f" after {it} sweeps")


# ----------------------------------------------------------------------------- policy iteration
def _initial_actions(mdp: TabularMDP, pi0) -> np.ndarray:
    if pi0 is None:  # greedy in the immediate reward (lowest index on ties)
        return np.argmax(mdp.r, axis=1)
    arr = np.asarray(pi0)
    if arr.ndim == 1:
        if not np.issubdtype(arr.dtype, np.integer):
            raise ValidationError("pi0 of shape (S,) must hold integer actions. Fix: pass actions or a (S, A) policy.")
        check_shape(arr, (mdp.S,), "pi0")
        if arr.min() < 0 or arr.max() >= mdp.A:
            raise ValidationError(f"pi0 holds actions outside [0, {mdp.A}). Fix: pass valid action indices.")
        return arr.astype(np.intp)
    pol = check_policy(mdp, arr, "pi0")
    if np.all(pol.max(axis=1) == 1.0):
        return np.argmax(pol, axis=1)
    # stochastic start: evaluate it once and start from its greedy policy

    return np.argmax(policy_evaluation(mdp, pol, validate=False).Q, axis=1)


def policy_iteration(mdp: TabularMDP, pi0=None, max_iter: int | None = None, eval_method: str = "auto",
                     eval_tol: float = 1e-10) -> Solution:
    r"""Howard's policy iteration with exact evaluation.

    Repeat: evaluate :math:`V_k = (I-\gamma P_{\pi_k})^{-1} r_{\pi_k}`; improve
    :math:`\pi_{k+1}(s) \in \arg\max_a Q_k(s,a)`, keeping :math:`\pi_k(s)` unless another action is
    better by more than ``1e-12 (1 + |Q_k(s, .)|)`` (lowest index among the best otherwise).
    Stops when the policy is stable, which happens after finitely many steps; then
    :math:`V_k = V^*` up to the evaluation error. The values improve monotonically,
    :math:`V_{k+1} \ge V_k` elementwise (Puterman Prop. 6.4.1); ``certificate`` records the
    smallest pointwise improvement and the objective :math:`\rho^\top V_k` per iteration.

    Evaluation (``eval_method``): dense MDPs use LU (``numpy.linalg.solve``), except that with
    ``"auto"`` a large dense ``P`` with at most 10% nonzeros is converted once to CSR (needs numba)
    and treated as sparse; sparse MDPs use
    SuperLU (``spsolve``) up to 200 states and GMRES warm-started at the previous values
    above (``"auto"``; SuperLU fill-in on random sparse graphs makes direct solves slow, and GMRES
    falls back to SuperLU when it has not converged after 600 steps), with residual :math:`\le` ``eval_tol`` :math:`(1-\gamma)\max(1,\|r\|_\infty)`
    so the evaluation error is at most ``eval_tol`` (relative; default 1e-10). Force with ``"direct"`` / ``"iterative"``.

    Parameters
    ----------
    mdp : TabularMDP
    pi0 : array, optional
        Initial policy: actions of shape (S,) (int) or a policy (S, A) (a stochastic one is
        evaluated and its greedy policy used). Default: greedy in ``r``.
    max_iter : int, optional
        Cap on improvement steps (default ``10 * S * A + 10``; PI needs far fewer in practice).
    eval_method : {"auto", "direct", "iterative"}
    eval_tol : float
        Relative accuracy of iterative evaluation.

    Returns
    -------
    Solution
        ``V`` = value of the returned deterministic ``policy``; ``residual`` = :math:`\|TV - V\|_\infty`;
        ``certificate``: ``bellman_residual``, ``value_error_bound`` (:math:`\|TV-V\|/(1-\gamma)`),
        ``greedy_gap``, ``evaluation_residual``, ``objective_trace``, ``min_improvement``.

    References
    ----------
    Howard (1960), *Dynamic Programming and Markov Processes*, MIT Press. Puterman (1994), Sec. 6.4.
    """
    mdp = _check_mdp(mdp)
    eval_tol = check_tol(eval_tol, "eval_tol")
    if eval_method not in ("auto", "direct", "iterative"):
        raise ValidationError(f"eval_method must be 'auto', 'direct' or 'iterative'; got {eval_method!r}.")
    if eval_method == "iterative" and not mdp.is_sparse:
        raise ValidationError("eval_method='iterative' needs a sparse MDP. Fix: use 'direct' or 'auto' for dense P.")
    S, A, gamma = mdp.S, mdp.A, mdp.gamma
    cap = 10 * S * A + 10 if max_iter is None else check_positive_int(max_iter, "max_iter")
    r = mdp.r
    csr = _sparsify(mdp) if eval_method == "auto" else None  # large, mostly-zero dense P: sweep/solve as CSR
    P2 = mdp.P_matrix() if csr is None else csr
    a = _initial_actions(mdp, pi0)
    V_prev, trace, min_impr, converged, it = None, [], np.inf, False, 0
    rows = np.arange(S)
    while True:
        V, eval_res = _evaluate_actions(P2, r, gamma, a, eval_method, V0=V_prev, tol=eval_tol)
        it += 1
        trace.append(float(mdp.rho @ V))
        if V_prev is not None:
            min_impr = min(min_impr, float(np.min(V - V_prev)))
        PV = P2 @ V
        Q = r + gamma * PV.reshape(S, A)  # = _lookahead(P2, r, gamma, V); PV is reused by the certificate
        best = np.argmax(Q, axis=1)
        qa = Q[rows, a]
        change = Q[rows, best] > qa + PI_TIE_RTOL * (1.0 + np.abs(qa))
        if not np.any(change):
            converged = True
            break
        if it >= cap:
            break
        a = np.where(change, best, a)
        V_prev = V
    if not converged:
        warnings.warn(f"policy_iteration stopped at max_iter={cap} before the policy was stable. Fix: raise max_iter.",
                      ConvergenceWarning, stacklevel=2)
    # one look-ahead and one contraction bound serve both certificates (optimality and evaluation)
    la, gbar = _rd.lookahead(P2, r, gamma, V, PV), _gbar(mdp, P2)
    cert = _rd.certify_optimal(P2, r, gamma, V, None, gbar, actions=a, la=la)
    Q, pi = cert.pop("Q"), cert.pop("pi")
    ev = _rd.certify_policy(P2, r, gamma, V, pi, la=la, gbar=gbar)
    cert.update(evaluation_residual=ev["bellman_residual"], evaluation_error_bound=ev["value_error_bound"], objective_trace=trace,
                min_improvement=(None if len(trace) < 2 else min_impr))
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method="policy_iteration", certificate=cert,
                    message=("policy stable" if converged else "iteration cap reached") + f" after {it} evaluations")


def modified_policy_iteration(mdp: TabularMDP, m: int = 5, tol: float = 1e-8, max_iter: int | None = None,
                              V0=None, backend: str = "auto") -> Solution:
    r"""Modified policy iteration (Puterman & Shin 1978): greedy step, then ``m`` partial evaluation sweeps.

    Iteration ``k``: :math:`Q_k = r + \gamma P V_k`, :math:`\pi_{k+1} = \text{greedy}(Q_k)`,
    :math:`U_0 = TV_k = \max_a Q_k`, then :math:`U_{j+1} = r_{\pi_{k+1}} + \gamma P_{\pi_{k+1}}U_j` for
    ``j < m`` and :math:`V_{k+1} = U_m`. ``m = 0`` is value iteration; ``m -> inf`` is policy
    iteration. From :math:`V_0` with :math:`TV_0 \ge V_0` the iterates increase monotonically to
    :math:`V^*` (Puterman Thm 6.5.5). The default start is

    .. math::

        V_0(s) = \bar r(s) + \frac{\gamma\,\min_{s'}\bar r(s')}{1-\gamma},\qquad \bar r(s) = \max_a r(s,a),

    which satisfies :math:`TV_0 \ge V_0` (take the reward-greedy action in ``s``:
    :math:`TV_0(s) \ge \bar r(s) + \gamma\min V_0 = V_0(s)`), and, unlike the textbook
    :math:`\min_{s,a} r`, keeps a :math:`-10^9` reward of an "infeasible" action out of the
    arithmetic: starting near :math:`-10^9/(1-\gamma)` made the float iterates carry rounding of that
    size into the answer (issue 11). Only the start changed, so iteration counts may differ.

    **Stopping rule** (as in :func:`value_iteration`, valid for any ``V``): with :math:`\Delta = TV_k - V_k`,
    stop when :math:`\frac{\gamma}{1-\gamma}\frac{\operatorname{sp}(\Delta)}{2} \le \mathrm{tol}` and return the
    MacQueen midpoint, so :math:`\|V - V^*\|_\infty \le \mathrm{tol}` is guaranteed.

    Parameters
    ----------
    mdp : TabularMDP
    m : int
        Partial-evaluation sweeps per improvement (>= 0).
    tol : float
        Target bound on :math:`\|V - V^*\|_\infty`.
    max_iter : int, optional
        Cap on improvement steps (default as in :func:`value_iteration`); warns at the cap.
    V0 : array, shape (S,), optional
    backend : {"auto", "numpy", "numba"}
        As in :func:`value_iteration` (the numba path also fuses the ``m`` policy sweeps).

    Returns
    -------
    Solution
        As :func:`value_iteration`; ``iterations`` counts improvement steps, ``certificate["sweeps"]``
        the total number of sweeps.

    References
    ----------
    Puterman, Shin (1978), "Modified policy iteration algorithms for discounted Markov decision
    problems", Management Science 24(11). Puterman (1994), Sec. 6.5.
    """
    mdp = _check_mdp(mdp)
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0:
        raise ValidationError(f"m must be an integer >= 0 (partial evaluation sweeps); got {m!r}.")
    m = int(m)
    tol = check_tol(tol)
    S, A, gamma = mdp.S, mdp.A, mdp.gamma
    if V0 is None:  # T0 shifted down so that T V0 >= V0 (monotone convergence), see the docstring
        rmax = mdp.r.max(axis=1)
        V = rmax + gamma * float(rmax.min()) / (1.0 - gamma)
    else:
        V = as_float_array(V0, "V0", ndim=1).copy()
        check_shape(V, (S,), "V0", "Fix: V0 holds one value per state.")
    sweeper = _Sweeper(mdp, _resolve_backend(backend, mdp))
    certifier = _optimal_certifier(mdp, sweeper.P2)
    V, bound, it, status, cap, floor = _macqueen_iterate(
        sweeper.bellman, lambda TV, a: sweeper.policy_sweeps(a, TV, m) if m else TV, V, gamma, tol, max_iter,
        certifier)
    converged = status == "converged"
    sweeps = it + m * (it - 1)  # one Bellman sweep per improvement, m partial-evaluation sweeps between them
    _report("modified_policy_iteration", status, cap, bound, tol, floor, "Fix: raise max_iter or tol.")
    Q, pi, cert = _certificate(mdp, V, None, sweeper.P2, certifier)
    cert["tol"] = tol
    cert["sweeps"] = sweeps
    cert["stopping_rule"] = ("gamma/(1-gamma) * span(TV_k - V_k)/2 <= tol proposes the MacQueen midpoint; "
                             "stop once its sound residual bound ||TV-V||/(1-gamma) <= tol")
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method=f"modified_policy_iteration(m={m})", certificate=cert,
                    message=_MESSAGES[status] + f" after {it} improvements")


# ----------------------------------------------------------------------------- entropy-regularised
def _check_tau(tau) -> float:
    return check_tol(tau, "tau")


def soft_policy_evaluation(mdp: TabularMDP, pi, tau: float, rho=None) -> Solution:
    r"""Entropy-regularised value of a policy (Cen et al. 2022, Sec. 2).

    .. math::

        V_\tau^\pi = (I - \gamma P_\pi)^{-1}\big(r_\pi - \tau\textstyle\sum_a \pi(a|\cdot)\log\pi(a|\cdot)\big),
        \qquad Q_\tau^\pi = r + \gamma P V_\tau^\pi,

    i.e. :math:`V_\tau^\pi(s) = \mathbb E[\sum_t \gamma^t (r(s_t,a_t) - \tau\log\pi(a_t|s_t))\mid s_0=s]`
    and :math:`V_\tau^\pi(s) = \sum_a\pi(a|s)(Q_\tau^\pi(s,a) - \tau\log\pi(a|s))`.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
        Stochastic policy (``0 log 0 = 0``).
    tau : float
        Regularisation strength (> 0).
    rho : array, shape (S,), optional
        Start distribution used for ``certificate["objective"]`` (default ``mdp.rho``).

    Returns
    -------
    Solution
        ``V`` = :math:`V_\tau^\pi`, ``Q`` = :math:`Q_\tau^\pi`, ``policy = pi``, ``residual`` = soft
        Bellman evaluation residual :math:`\|\sum_a\pi(Q_\tau-\tau\log\pi) - V_\tau\|_\infty`,
        ``certificate = {"objective": rho^T V_tau, "bellman_residual": ..., "soft_bellman_residual": ...,
        "tau": tau}`` (the two residual keys are the same number).

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2022), arXiv:2007.06558, eqs. (7)-(9).
    """
    mdp = _check_mdp(mdp)
    pi = check_policy(mdp, pi)
    tau = _check_tau(tau)
    if rho is None:
        rho = np.asarray(mdp.rho)
    else:
        rho = as_float_array(rho, "rho", ndim=1)
        check_shape(rho, (mdp.S,), "rho", "Fix: rho is a distribution over the S states.")
        rho = check_distribution(rho, "rho")
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(pi > 0, pi * np.log(pi), 0.0), axis=1)
    V = PolicySystem.of(mdp, pi).solve(mdp.r_pi(pi) + tau * ent)
    Q = q_from_v(mdp, V)
    res = float(np.max(np.abs(np.einsum("sa,sa->s", pi, Q) + tau * ent - V)))
    return Solution(V=V, Q=Q, policy=pi, iterations=1, residual=res, converged=True, method="soft_policy_evaluation",
                    certificate={"objective": float(rho @ V), "bellman_residual": res, "soft_bellman_residual": res,
                                 "tau": tau}, message="direct solve")


def soft_value_iteration(mdp: TabularMDP, tau: float, tol: float = 1e-10, max_iter: int | None = None,
                         V0=None) -> Solution:
    r"""Soft (entropy-regularised) value iteration and the soft-optimal policy.

    Iterates :math:`V_{k+1}(s) = \tau\log\sum_a\exp\big(Q_k(s,a)/\tau\big)` with
    :math:`Q_k = r + \gamma P V_k` (stable log-sum-exp), a :math:`\gamma`-contraction whose fixed point is
    :math:`V^*_\tau`. The soft-optimal policy is :math:`\pi^*_\tau(a|s) \propto \exp(Q^*_\tau(s,a)/\tau)`,
    and :math:`V^*_\tau = V_\tau^{\pi^*_\tau} = \max_\pi V_\tau^\pi` (see :func:`soft_policy_evaluation`).

    Stopping rule: the MacQueen bound holds for this monotone operator with
    :math:`T(V+c)=TV+\gamma c`; stop when :math:`\frac{\gamma}{1-\gamma}\frac{\operatorname{sp}(V_{k+1}-V_k)}{2}\le\mathrm{tol}`
    and return the midpoint, so :math:`\|V - V^*_\tau\|_\infty \le \mathrm{tol}`.

    Parameters
    ----------
    mdp : TabularMDP
    tau : float
        Entropy weight (> 0).
    tol : float
        Target bound on :math:`\|V - V^*_\tau\|_\infty`.
    max_iter : int, optional
        Cap (default: worst-case count + 100); warns at the cap.
    V0 : array, shape (S,), optional

    Returns
    -------
    Solution
        ``V`` (:math:`\approx V^*_\tau`), ``Q`` (:math:`r+\gamma PV`), ``policy`` = softmax(``Q``/tau),
        ``certificate``: ``value_error_bound``, ``soft_bellman_residual``, ``tau``.

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2022), arXiv:2007.06558, Sec. 2 (soft Bellman optimality, eq. (10)).
    Haarnoja, Tang, Abbeel, Levine (2017), "Reinforcement learning with deep energy-based
    policies", arXiv:1702.08165 (soft Q-iteration).
    """
    mdp = _check_mdp(mdp)
    tau = _check_tau(tau)
    tol = check_tol(tol)
    S, gamma = mdp.S, mdp.gamma
    V = np.zeros(S) if V0 is None else as_float_array(V0, "V0", ndim=1).copy()
    check_shape(V, (S,), "V0", "Fix: V0 holds one value per state.")
    P2, r = _P2(mdp), mdp.r
    gbar = _gbar(mdp, P2)

    def certify(U):
        c = _rd.certify_soft(P2, r, gamma, U, tau, logsumexp, gbar)
        return c["value_error_bound"], c["rounding_floor"]

    V, bound, it, status, cap, floor = _macqueen_iterate(
        lambda U: (tau * logsumexp(_lookahead(P2, r, gamma, U) / tau, axis=1), None), lambda TV, _: TV,
        V, gamma, tol, max_iter, certify)
    converged = status == "converged"
    _report("soft_value_iteration", status, cap, bound, tol, floor, "Fix: raise max_iter or tol.")
    Q = q_from_v(mdp, V)
    logpi = log_softmax(Q / tau, axis=1)
    pi = softmax(Q / tau, axis=1)
    c = _rd.certify_soft(P2, r, gamma, V, tau, logsumexp, gbar)
    res = c["soft_bellman_residual"]
    cert = {"value_error_bound": c["value_error_bound"], "soft_bellman_residual": res, "tau": tau,
            "rounding_floor": c["rounding_floor"], "tol": tol, "min_log_prob": float(logpi.min())}
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=res, converged=converged, method="soft_value_iteration",
                    certificate=cert, message=_MESSAGES[status] + f" after {it} sweeps")
