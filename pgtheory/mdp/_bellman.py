r"""Exact Bellman quantities of a fixed policy: V, Q, advantage, occupancy measures.

For a discounted :class:`~pgtheory.mdp.TabularMDP` and a stochastic policy ``pi[s, a]``:

.. math::

    V^\pi = (I - \gamma P_\pi)^{-1} r_\pi,\qquad
    Q^\pi = r + \gamma P V^\pi,\qquad
    A^\pi = Q^\pi - V^\pi,\qquad
    d_\rho^\pi = (1-\gamma)\,\rho^\top (I - \gamma P_\pi)^{-1}.

``d_rho^pi`` is the *normalised* discounted state visitation (it sums to one); the
state-action occupancy is ``d_rho^pi[s] * pi[s, a]``.

Dense systems are solved by LU (``numpy.linalg.solve``); sparse systems with at most 200
states by ``scipy.sparse.linalg.spsolve`` (SuperLU), larger ones by restarted GMRES run until
the residual is below ``1e-13 * max(1, ||b||_inf)`` (value error at most that over ``1 - gamma``),
with a SuperLU fallback. The
certificate of an evaluation is the residual ``||r_pi + gamma P_pi V - V||_inf``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._validate import as_float_array, check_distribution, check_shape
from ..errors import ShapeError, ValidationError
from ..results import Solution
from ._model import TabularMDP

__all__ = [
    "PolicySystem",
    "solve_policy_system",
    "check_policy",
    "policy_evaluation",
    "q_from_v",
    "advantage",
    "state_occupancy",
    "state_action_occupancy",
    "objective",
]


def check_policy(mdp, pi, name: str = "pi") -> np.ndarray:
    """Validate a stochastic policy ``pi[s, a]`` (rows on the simplex) for ``mdp``.

    Parameters
    ----------
    mdp : TabularMDP or FiniteHorizonMDP
        Supplies ``S`` and ``A``.
    pi : array_like, shape (S, A)
        Candidate policy.
    name : str
        Argument name used in error messages.

    Returns
    -------
    pi : ndarray, shape (S, A)
        float64 copy with rounding negatives (> -1e-12) clipped to 0.

    Raises
    ------
    pgtheory.errors.ShapeError, pgtheory.errors.InvalidProbabilityError
    """
    arr = as_float_array(pi, name, ndim=2)
    check_shape(arr, (mdp.S, mdp.A), name, f"Fix: a policy for this MDP has shape (S, A) = ({mdp.S}, {mdp.A}).")
    return check_distribution(arr, name, axis=-1)


#: Sparse systems with more states than this are solved by GMRES (SuperLU fills in badly on
#: random transition graphs: S = 1e5, b = 5 did not finish in 120 s).
SPARSE_DIRECT_MAX_STATES = 200


def solve_sparse_certified(M, b: np.ndarray, target: float, x0=None) -> np.ndarray:
    r"""Solve a sparse system ``M x = b`` until :math:`\|b - Mx\|_\infty \le` ``target`` (private).

    Restarted GMRES (restart 60, warm start ``x0``) for at most 10 cycles, then an exact SuperLU
    solve. For ``M = I - gamma P_pi`` a residual ``target`` certifies
    :math:`\|x - x^\star\|_\infty \le \mathrm{target}/(1-\gamma)`.
    """
    S = b.shape[0]
    x = np.zeros(S) if x0 is None else np.array(x0, dtype=np.float64)
    for _ in range(10):
        x, _info = spla.gmres(M, b, x0=x, rtol=0.0, atol=target, restart=min(60, S), maxiter=1)
        if np.max(np.abs(b - M @ x)) <= target:
            return x
    return spla.spsolve(M.tocsc(), b)


class PolicySystem:
    r"""The policy linear system :math:`M = I - \gamma P_\pi`, built once; the package's one solver of it.

    Every exact quantity of a fixed policy in pgtheory (values, soft values, occupancy measures,
    gradients, Hessians, the NumPy reference of the exact-PG kernels) solves
    :math:`M V = r_\pi` or :math:`M^\top d = (1-\gamma)\rho` through this class, so the construction
    of :math:`M` and the choice of solver live in one place.

    Parameters
    ----------
    P_pi : array, shape (S, S), or scipy sparse matrix
        State transition matrix of the policy (:meth:`TabularMDP.P_pi`).
    gamma : float
        Discount factor, in [0, 1).
    factor : bool
        Factorise :math:`M` once (dense: ``scipy.linalg.lu_factor``; sparse: SuperLU ``splu``) and
        reuse the factors in every :meth:`solve` (gradients and Hessians solve several right-hand
        sides). Default False: each :meth:`solve` is one direct solve (dense: ``numpy.linalg.solve``
        of :math:`M` or :math:`M^\top`; sparse: SuperLU up to :data:`SPARSE_DIRECT_MAX_STATES`
        states, restarted GMRES with a certified residual above).

    Notes
    -----
    The two dense paths are different LAPACK call sequences (``gesv`` on :math:`M^\top` versus
    ``getrf`` + ``getrs`` with ``trans=1``) and may differ in the last bits; each caller keeps the
    path it always had, so results are bitwise reproducible across versions.

    **Stacked systems.** A dense ``P_pi`` of shape (n, S, S) holds ``n`` policies' systems
    :math:`M_i = I - \gamma P_{\pi_i}` (e.g. one run per horizon of a grid, advanced together);
    :meth:`solve` then takes right-hand sides of shape (n, S) or (n, S, k) and solves all of them in
    one batched LAPACK call (``numpy.linalg.solve`` broadcasts ``gesv`` over the leading axis, so each
    slice is the same call sequence as a single dense system). :meth:`stack` builds it from policies
    of shape (n, S, A). Stacked systems are dense and unfactored (``factor=True`` raises).
    """

    __slots__ = ("M", "S", "gamma", "sparse", "_lu", "n")

    def __init__(self, P_pi, gamma: float, *, factor: bool = False):
        self.gamma = gamma
        self.sparse = not isinstance(P_pi, np.ndarray) and sp.issparse(P_pi)  # (an ndarray test is cheaper)
        self.S = P_pi.shape[-1]
        #: number of stacked systems (None: a single system)
        self.n = None if self.sparse or np.ndim(P_pi) == 2 else int(P_pi.shape[0])
        if self.sparse:
            self.M = sp.identity(self.S, format="csr") - gamma * P_pi
        elif self.n is None:
            M = P_pi * (-gamma)
            M.flat[:: self.S + 1] += 1.0
            self.M = M
        else:
            if np.ndim(P_pi) != 3 or P_pi.shape[1] != self.S:
                raise ShapeError(f"stacked P_pi must have shape (n, S, S); got {np.shape(P_pi)}. Fix: one (S, S) "
                                 f"transition matrix per policy.")
            if factor:
                raise ValidationError("stacked policy systems are solved unfactored. Fix: pass factor=False (or build "
                                      "one PolicySystem per policy to reuse factors).")
            M = P_pi * (-gamma)
            if M.flags.c_contiguous:  # the diagonals as one strided view: the same additions, fewer calls
                M.reshape(M.shape[0], self.S * self.S)[:, :: self.S + 1] += 1.0
            else:
                i = np.arange(self.S)
                M[:, i, i] += 1.0
            self.M = M
        self._lu = None
        if factor:
            self._lu = spla.splu(self.M.tocsc()) if self.sparse else sla.lu_factor(self.M, check_finite=False)

    @classmethod
    def of(cls, mdp: TabularMDP, pi: np.ndarray, *, factor: bool = False) -> "PolicySystem":
        """The system of policy ``pi`` (shape (S, A)) in ``mdp``."""
        return cls(mdp.P_pi(pi), mdp.gamma, factor=factor)

    @classmethod
    def stack(cls, mdp: TabularMDP, pis: np.ndarray) -> "PolicySystem":
        r"""The stacked systems :math:`I - \gamma P_{\pi_i}` of ``n`` policies ``pis`` (shape (n, S, A)), dense ``mdp``.

        :math:`P_{\pi_i}[s, s'] = \sum_a \pi_i(a|s)P(s'|s,a)` for every ``i`` in one ``einsum``.
        """
        if mdp.is_sparse:
            raise ValidationError("stacked policy systems need a dense MDP. Fix: build one PolicySystem per policy "
                                  "with PolicySystem.of for sparse MDPs.")
        pis = np.asarray(pis, dtype=np.float64)
        if pis.ndim != 3 or pis.shape[1:] != (mdp.S, mdp.A):
            raise ShapeError(f"pis must have shape (n, S, A) with (S, A) = {(mdp.S, mdp.A)}; got {pis.shape}. Fix: "
                             f"stack the policies along a new first axis.")
        return cls(np.einsum("nsa,sat->nst", pis, np.asarray(mdp.P)), mdp.gamma)

    def solve(self, b: np.ndarray, transpose: bool = False, *, method: str = "auto", target: float | None = None,
              x0=None) -> np.ndarray:
        r"""Solve :math:`M x = b` (or :math:`M^\top x = b` with ``transpose=True``).

        ``b`` may be a vector (S,) or a matrix (S, k) of right-hand sides. For sparse systems
        without factors and more than :data:`SPARSE_DIRECT_MAX_STATES` states, GMRES (warm start
        ``x0``) runs until :math:`\|b - Mx\|_\infty \le` ``target`` (default
        ``1e-13 * max(1, ||b||_inf)``), then SuperLU as a fallback. ``method`` ("auto", "direct",
        "iterative") forces SuperLU or GMRES for sparse systems; dense systems ignore it. Stacked
        systems take ``b`` of shape (n, S) or (n, S, k) and return the same shape.
        """
        if self.n is not None:
            b = np.asarray(b, dtype=np.float64)
            M = np.swapaxes(self.M, -1, -2) if transpose else self.M
            if b.shape[:2] != (self.n, self.S) or b.ndim not in (2, 3):
                raise ShapeError(f"right-hand sides of {self.n} stacked systems must have shape (n, S) or (n, S, k) "
                                 f"= ({self.n}, {self.S}[, k]); got {b.shape}.")
            return np.linalg.solve(M, b[..., None])[..., 0] if b.ndim == 2 else np.linalg.solve(M, b)
        if self._lu is not None:
            if self.sparse:
                return self._lu.solve(b, trans="T" if transpose else "N")
            return sla.lu_solve(self._lu, b, trans=1 if transpose else 0, check_finite=False)
        if not self.sparse:
            return np.linalg.solve(self.M.T if transpose else self.M, b)
        M = self.M.T.tocsc() if transpose else self.M
        if method == "iterative" or (method == "auto" and self.S > SPARSE_DIRECT_MAX_STATES):
            if target is None:
                # residual 1e-13 * scale  =>  value error <= 1e-13 * scale / (1 - gamma)
                target = 1e-13 * max(1.0, float(np.max(np.abs(b))))
            return solve_sparse_certified(M.tocsr(), b, target, x0=x0)
        return spla.spsolve(M.tocsc(), b)

    def solve_pair(self, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""``(solve(b), solve(c, transpose=True))``: :math:`M^{-1}b` and :math:`M^{-\top}c` (values and occupancy).

        For an unfactored dense single system both go to LAPACK in one stacked call (``gesv`` on
        :math:`M` and on :math:`M^\top`, slice by slice, the call sequence of the two separate solves, so
        the same bits); other systems make the two calls. ``b`` and ``c`` have shape (S,).
        """
        if self.n is not None or self.sparse or self._lu is not None:
            return self.solve(b), self.solve(c, transpose=True)
        S = self.S
        MM = np.empty((2, S, S))
        MM[0] = self.M
        MM[1] = self.M.T
        rhs = np.empty((2, S, 1))
        rhs[0, :, 0] = b
        rhs[1, :, 0] = c
        x = np.linalg.solve(MM, rhs)
        return x[0, :, 0], x[1, :, 0]


def solve_policy_system(mdp: TabularMDP, pi, b: np.ndarray, *, transpose: bool = False) -> np.ndarray:
    r"""Solve :math:`(I - \gamma P_\pi) x = b` (or its transpose) for policy ``pi`` in ``mdp``.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
        Stochastic policy (not validated: this is the inner solve).
    b : array, shape (S,) or (S, k)
    transpose : bool
        Solve with :math:`(I - \gamma P_\pi)^\top` (occupancy measures).

    Returns
    -------
    x : array, shape of ``b``

    See Also
    --------
    PolicySystem : the system object, with a reusable factorisation.
    """
    return PolicySystem.of(mdp, np.asarray(pi, dtype=np.float64)).solve(b, transpose)


def q_from_v(mdp: TabularMDP, V: np.ndarray) -> np.ndarray:
    r"""One-step look-ahead :math:`Q(s,a) = r(s,a) + \gamma \sum_{s'} P(s'|s,a) V(s')`.

    Parameters
    ----------
    mdp : TabularMDP
    V : array, shape (S,)

    Returns
    -------
    Q : array, shape (S, A)
    """
    return mdp.r + mdp.gamma * mdp.expect_next(np.asarray(V, dtype=np.float64))


def policy_evaluation(mdp: TabularMDP, pi, *, validate: bool = True) -> Solution:
    r"""Exact value of a policy by solving :math:`(I - \gamma P_\pi) V = r_\pi`.

    Parameters
    ----------
    mdp : TabularMDP
        Dense or sparse MDP.
    pi : array, shape (S, A)
        Stochastic policy; rows must be distributions.
    validate : bool
        Check ``pi`` (default True). Internal callers that built ``pi`` themselves pass False.

    Returns
    -------
    Solution
        ``V``, ``Q``, ``policy = pi``, ``iterations = 1``, ``residual`` the Bellman
        residual :math:`\|r_\pi + \gamma P_\pi V - V\|_\infty` (a certificate of the solve,
        typically ~1e-15 / (1-gamma) relative), ``converged = True``.
    """
    if validate:
        pi = check_policy(mdp, pi)
    pi = np.asarray(pi, dtype=np.float64)
    r_pi = mdp.r_pi(pi)
    V = PolicySystem.of(mdp, pi).solve(r_pi)
    Q = q_from_v(mdp, V)
    residual = float(np.max(np.abs(np.einsum("sa,sa->s", pi, Q) - V)))
    return Solution(V=V, Q=Q, policy=pi, iterations=1, residual=residual, converged=True,
                    method="policy_evaluation", certificate={"bellman_residual": residual},
                    message="direct solve")


def advantage(mdp: TabularMDP, pi) -> np.ndarray:
    r"""Advantage :math:`A^\pi(s,a) = Q^\pi(s,a) - V^\pi(s)`.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)

    Returns
    -------
    adv : array, shape (S, A)
        Satisfies :math:`\sum_a \pi(a|s) A^\pi(s,a) = 0` for every ``s``.
    """
    sol = policy_evaluation(mdp, pi)
    return sol.Q - sol.V[:, None]


def objective(mdp: TabularMDP, pi) -> float:
    r"""The objective :math:`J(\pi) = \rho^\top V^\pi` with ``rho = mdp.rho``.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)

    Returns
    -------
    float
    """
    return float(mdp.rho @ policy_evaluation(mdp, pi).V)


def state_occupancy(mdp: TabularMDP, pi, rho=None, *, validate: bool = True) -> np.ndarray:
    r"""Normalised discounted state visitation :math:`d_\rho^\pi = (1-\gamma)\rho^\top(I-\gamma P_\pi)^{-1}`.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    d : array, shape (S,)
        Sums to one.
    """
    if validate:
        pi = check_policy(mdp, pi)
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    d = PolicySystem.of(mdp, np.asarray(pi, dtype=np.float64)).solve((1.0 - mdp.gamma) * rho, transpose=True)
    return np.clip(d, 0.0, None)


def state_action_occupancy(mdp: TabularMDP, pi, rho=None) -> np.ndarray:
    r"""Normalised discounted state-action occupancy :math:`\lambda(s,a) = d_\rho^\pi(s)\pi(a|s)`.

    Parameters
    ----------
    mdp : TabularMDP
    pi : array, shape (S, A)
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    lam : array, shape (S, A)
        Sums to one and satisfies the flow constraints
        :math:`\sum_a \lambda(s',a) = (1-\gamma)\rho(s') + \gamma\sum_{s,a} P(s'|s,a)\lambda(s,a)`.
    """
    pi = check_policy(mdp, pi)
    return state_occupancy(mdp, pi, rho, validate=False)[:, None] * pi
