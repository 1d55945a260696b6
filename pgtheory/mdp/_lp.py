r"""Linear-programming solutions of discounted MDPs: the primal (values) and the dual
(occupancy measures), with a duality-gap certificate.

Primal (weights :math:`w > 0`, default ``mdp.rho`` when it has full support, else uniform):

.. math::

    \min_V\; (1-\gamma)\,w^\top V \quad\text{s.t.}\quad V(s) \ge r(s,a) + \gamma\textstyle\sum_{s'}P(s'|s,a)V(s')
    \quad\forall (s,a).

Dual (occupancy measures, normalised to sum to one):

.. math::

    \max_{\lambda\ge0}\;\langle\lambda, r\rangle \quad\text{s.t.}\quad
    \textstyle\sum_a\lambda(s',a) - \gamma\sum_{s,a}P(s'|s,a)\lambda(s,a) = (1-\gamma)w(s')\quad\forall s'.

Any optimal :math:`\lambda^*` is the normalised discounted state-action occupancy
:math:`d_w^{\pi^*}(s)\pi^*(a|s)` of an optimal policy, which is read off as
:math:`\pi^*(a|s) = \lambda^*(s,a)/\sum_b\lambda^*(s,b)` where :math:`\sum_b\lambda^*(s,b) > 0`
(every state when :math:`w > 0`). Both optimal values equal :math:`(1-\gamma)w^\top V^*`.

Solvers: ``scipy.optimize.linprog(method="highs")`` (default; sparse constraint matrices are
passed as CSR) or ``cvxpy`` (imported lazily; its default conic solver). Tolerances are the
solver's (HiGHS: primal/dual feasibility 1e-7 by default), so LP values agree with the exact
solvers to about 1e-7 relative; the certificate reports the achieved numbers.

Scaling. HiGHS's tolerances are absolute, and with rewards near :math:`10^9` it answered "Status 0:
Not Set" on about one MDP in eight. The HiGHS path therefore divides the rewards by
:math:`\sigma = 2^{\lceil\log_2\max|r|\rceil}` (a power of two, so the division is exact), solves, and
multiplies the values back (LP values are linear in :math:`r`; the occupancy does not change);
:math:`\sigma` is ``certificate["reward_scale"]``. If HiGHS still fails,
:class:`~pgtheory.errors.SolverError` says so with its status, :math:`\sigma` and the fix.

Certificates (sound in float64, see :mod:`pgtheory.mdp._rounding`): the returned ``V`` is the exact
value of the extracted deterministic policy (one LU solve); ``bellman_residual``,
``value_error_bound`` and ``policy_loss_bound`` come from the same rounding-aware residual routine as
the iterative solvers. ``duality_gap`` is :math:`|(1-\gamma)w^\top V_{LP} - r^\top\lambda|` recomputed
from the returned vectors plus :math:`\gamma_{n}(|(1-\gamma)w|^\top|V_{LP}| + |r|^\top|\lambda|)`, the
rounding of the two inner products (so ``primal_objective`` / ``dual_objective`` are those recomputed
values, not HiGHS's own), rounded up; ``occupancy_flow_residual`` likewise includes its rounding.

References
----------
Puterman (1994), *Markov Decision Processes*, Sec. 6.9 (linear programming). Manne (1960),
"Linear programming and sequential decisions", Management Science 6(3). Altman (1999),
*Constrained Markov Decision Processes*, Ch. 3 (occupancy measures).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from .._validate import as_float_array, check_distribution, check_shape
from ..errors import BackendUnavailableError, SolverError, ValidationError
from ..results import Solution
from . import _rounding as _rd
from ._bellman import policy_evaluation, q_from_v
from ._model import TabularMDP

__all__ = ["lp_primal", "lp_dual"]


def _weights(mdp: TabularMDP, weights) -> np.ndarray:
    if weights is None:
        return mdp.rho if np.all(mdp.rho > 0) else np.full(mdp.S, 1.0 / mdp.S)
    w = as_float_array(weights, "weights", ndim=1)
    check_shape(w, (mdp.S,), "weights")
    return check_distribution(w, "weights")


def _constraint_matrix(mdp: TabularMDP):
    """``E - gamma P`` of shape (S*A, S), with ``E`` the row-repeat matrix (row s*A+a is e_s)."""
    S, A = mdp.S, mdp.A
    E = sp.csr_matrix((np.ones(S * A), (np.arange(S * A), np.repeat(np.arange(S), A))), shape=(S * A, S))
    P2 = mdp.P if mdp.is_sparse else sp.csr_matrix(mdp.P.reshape(S * A, S))
    return (E - mdp.gamma * P2).tocsr()


def _check_solver(solver: str) -> str:
    if solver not in ("highs", "cvxpy"):
        raise ValidationError(f"solver must be 'highs' or 'cvxpy'; got {solver!r}.")
    return solver


def _import_cvxpy():
    try:
        import cvxpy as cp  # lazy: optional cvxpy
    except ImportError as exc:  # pragma: no cover - cvxpy is a core dependency
        raise BackendUnavailableError("solver='cvxpy' needs cvxpy. Fix: pip install cvxpy, or use solver='highs'.") from exc
    return cp


def _finish(mdp: TabularMDP, lam: np.ndarray, V_lp: np.ndarray, w: np.ndarray, method: str, iterations: int,
            status: str, reward_scale: float) -> Solution:
    S, A = mdp.S, mdp.A
    lam_raw = np.asarray(lam, dtype=np.float64).ravel()
    lam = np.clip(lam_raw.reshape(S, A), 0.0, None)
    mass = lam.sum(axis=1)
    Q_lp = q_from_v(mdp, V_lp)
    # policy: from lambda where the state is visited, else greedy in the LP values (lowest index)
    pi = np.zeros((S, A))
    seen = mass > 1e-12 * max(1.0, mass.max())
    a_lam = np.argmax(lam, axis=1)
    a_q = np.argmax(Q_lp, axis=1)
    pi[np.arange(S), np.where(seen, a_lam, a_q)] = 1.0
    ev = policy_evaluation(mdp, pi, validate=False)
    V = ev.V
    P2 = mdp.P_matrix()
    c = _rd.certify_optimal(P2, mdp.r, mdp.gamma, V, pi)
    Q = c.pop("Q")
    c.pop("pi")
    # objectives recomputed from the returned vectors, with the rounding of the two inner products
    cw = (1.0 - mdp.gamma) * w
    r = mdp.r.ravel()
    pobj, dobj = float(cw @ V_lp), float(r @ lam_raw)
    g = _rd.gamma_n(max(S, S * A) + 3)
    err = _rd.sum_up(_rd.up(g * float(np.abs(cw) @ np.abs(V_lp))), _rd.up(g * float(np.abs(r) @ np.abs(lam_raw))))
    gap = float(_rd.up(_rd.sum_up(abs(pobj - dobj), err)))
    occupancy = lam / lam.sum()
    flow = occupancy.sum(axis=1) - mdp.gamma * (P2.T @ occupancy.ravel()) - (1 - mdp.gamma) * w
    flow_mag = occupancy.sum(axis=1) + mdp.gamma * (P2.T @ occupancy.ravel()) + (1 - mdp.gamma) * w
    flow_res = float(np.max(_rd.sum_up(np.abs(flow), _rd.up(_rd.gamma_n(S * A + 4) * flow_mag))))
    cert = {
        "primal_objective": pobj,
        "dual_objective": dobj,
        "duality_gap": gap,
        "bellman_residual": c["bellman_residual"],
        "value_error_bound": c["value_error_bound"],
        "policy_loss_bound": c["policy_loss_bound"],
        "rounding_floor": c["rounding_floor"],
        "lp_value_difference": float(np.max(np.abs(V - V_lp))),
        "occupancy_flow_residual": flow_res,
        "weights": w,
        "greedy_gap": c["greedy_gap"],
        "greedy_gap_bound": c["greedy_gap_bound"],
        "reward_scale": reward_scale,
    }
    return Solution(V=V, Q=Q, policy=pi, iterations=iterations, residual=cert["duality_gap"], converged=True,
                    method=method, certificate=cert, occupancy=occupancy, message=status)


def _reward_scale(mdp: TabularMDP) -> float:
    """Power of two near ``max|r|``: dividing by it is exact, and keeps HiGHS's tolerances (absolute, ~1e-7)
    meaningful for rewards of any size (values scale linearly with the rewards)."""
    m = float(np.max(np.abs(mdp.r)))
    if not m > 0.0:
        return 1.0
    return float(2.0 ** math.ceil(math.log2(m)))


def _highs_error(form: str, res, scale: float) -> SolverError:
    return SolverError(f"HiGHS failed on the {form} LP: status {res.status} ({res.message}) after dividing the "
                       f"rewards by {scale:.6g} (max|r| scaled to at most 1). Fix: use policy_iteration (exact "
                       f"evaluation, sound certificate), or solver='cvxpy'.")


def _solve_highs(mdp: TabularMDP, w: np.ndarray, form: str):
    """Solve the LP with rewards divided by :func:`_reward_scale`; return values in the original units."""
    from scipy.optimize import linprog  # lazy: scipy.optimize, 0.1 s

    M = _constraint_matrix(mdp)
    scale = _reward_scale(mdp)
    r = mdp.r.ravel() / scale
    g = mdp.gamma
    if form == "primal":
        res = linprog((1 - g) * w, A_ub=-M, b_ub=-r, bounds=(None, None), method="highs")
        if res.status != 0:
            raise _highs_error(form, res, scale)
        V = res.x * scale
        lam = -res.ineqlin.marginals  # duals of -M V <= -r are <= 0
        return V, lam, int(res.nit), res.message, scale
    res = linprog(-r, A_eq=M.T.tocsr(), b_eq=(1 - g) * w, bounds=(0, None), method="highs")
    if res.status != 0:
        raise _highs_error(form, res, scale)
    lam = res.x
    V = -res.eqlin.marginals * scale  # d(-obj)/d b_eq = -V; HiGHS marginals are d(obj)/d b
    return V, lam, int(res.nit), res.message, scale


def _solve_cvxpy(mdp: TabularMDP, w: np.ndarray, form: str):
    cp = _import_cvxpy()
    M = _constraint_matrix(mdp)
    r = mdp.r.ravel()
    g = mdp.gamma
    if form == "primal":
        V = cp.Variable(mdp.S)
        cons = [M @ V >= r]
        prob = cp.Problem(cp.Minimize((1 - g) * w @ V), cons)
        prob.solve()
        if prob.status not in ("optimal", "optimal_inaccurate"):
            raise SolverError(f"cvxpy failed on the primal LP: status {prob.status}. Fix: use solver='highs' or policy_iteration.")
        lam = np.asarray(cons[0].dual_value, dtype=np.float64)
        return np.asarray(V.value), lam, 0, prob.status, 1.0
    lam = cp.Variable(mdp.S * mdp.A, nonneg=True)
    cons = [M.T @ lam == (1 - g) * w]
    prob = cp.Problem(cp.Maximize(r @ lam), cons)
    prob.solve()
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise SolverError(f"cvxpy failed on the dual LP: status {prob.status}. Fix: use solver='highs' or policy_iteration.")
    V = -np.asarray(cons[0].dual_value, dtype=np.float64)
    lamv = np.asarray(lam.value, dtype=np.float64)
    # cvxpy's sign convention for equality duals differs between solvers: fix it by the objective
    if abs(((1 - g) * w) @ V + float(prob.value)) < abs(((1 - g) * w) @ V - float(prob.value)):
        V = -V
    return V, lamv, 0, prob.status, 1.0


def _solve_lp(mdp, solver: str, weights, form: str) -> Solution:
    """Validate, solve the ``form`` ("primal" or "dual") LP with ``solver`` and certify the result."""
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"mdp must be a TabularMDP; got {type(mdp).__name__}.")
    solver = _check_solver(solver)
    w = _weights(mdp, weights)
    out = (_solve_highs if solver == "highs" else _solve_cvxpy)(mdp, w, form)
    V_lp, lam, nit, msg, scale = out
    return _finish(mdp, lam, V_lp, w, f"lp_{form}[{solver}]", nit, str(msg), scale)


def lp_primal(mdp: TabularMDP, solver: str = "highs", weights=None) -> Solution:
    r"""Solve the MDP by the primal LP :math:`\min (1-\gamma)w^\top V` s.t. :math:`V \ge r + \gamma PV`.

    Parameters
    ----------
    mdp : TabularMDP
        Dense or sparse.
    solver : {"highs", "cvxpy"}
        ``scipy.optimize.linprog(method="highs")`` (default) or cvxpy (imported lazily).
    weights : array, shape (S,), optional
        Positive state weights :math:`w` (a distribution). Default ``mdp.rho`` if it has full
        support, else uniform (with zero weights the LP does not determine :math:`V^*` there).

    Returns
    -------
    Solution
        ``V``, ``Q`` = exact values of the extracted deterministic optimal ``policy`` (one linear
        solve, so they are exact even though the LP is solved to HiGHS tolerance);
        ``occupancy`` = the constraint duals, normalised (the optimal state-action occupancy
        for ``w``); ``residual`` = duality gap; ``certificate``: ``primal_objective``,
        ``dual_objective``, ``duality_gap``, ``bellman_residual`` of ``V``, ``value_error_bound``,
        ``lp_value_difference`` (LP values vs exact values), ``occupancy_flow_residual``.

    References
    ----------
    Puterman (1994), Sec. 6.9; Manne (1960).
    """
    return _solve_lp(mdp, solver, weights, "primal")


def lp_dual(mdp: TabularMDP, solver: str = "highs", weights=None) -> Solution:
    r"""Solve the occupancy-measure LP :math:`\max_{\lambda\ge0}\langle\lambda,r\rangle` s.t. the flow constraints.

    .. math::

        \sum_a\lambda(s',a) - \gamma\sum_{s,a}P(s'|s,a)\lambda(s,a) = (1-\gamma)\,w(s').

    Returns the optimal normalised occupancy :math:`\lambda^* = d_w^{\pi^*}\otimes\pi^*` in
    ``Solution.occupancy`` (shape (S, A), sums to 1) and the policy
    :math:`\pi^*(a|s) \propto \lambda^*(s,a)` (deterministic: the largest entry, lowest index; states
    with zero occupancy, possible only when ``weights`` has zeros, take the greedy action of the LP
    duals :math:`V`).

    Parameters
    ----------
    mdp : TabularMDP
    solver : {"highs", "cvxpy"}
    weights : array, shape (S,), optional
        Initial distribution :math:`w` of the occupancy (default: ``mdp.rho`` if it has full
        support, else uniform; pass ``mdp.rho`` explicitly for :math:`d_\rho^{\pi^*}` with zeros).

    Returns
    -------
    Solution
        As :func:`lp_primal`; ``certificate["duality_gap"]`` compares :math:`\langle\lambda,r\rangle` with
        :math:`(1-\gamma)w^\top V` from the equality duals.

    References
    ----------
    Puterman (1994), Sec. 6.9.1; Altman (1999), Ch. 3; Agarwal, Kakade, Lee, Mahajan (2021),
    arXiv:1908.00261, Sec. 2 (normalised occupancy :math:`d_\rho^\pi`).
    """
    return _solve_lp(mdp, solver, weights, "dual")
