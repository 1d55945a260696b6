r"""Exact solvers of discounted tabular MDPs: value iteration, policy iteration, modified PI,
and entropy-regularised (soft) value iteration.

Every solver returns a frozen :class:`~pgtheory.results.Solution` whose ``certificate`` holds
evidence computed *after* the solver stopped, never copied from its own stopping test alone:

* ``bellman_residual`` -- :math:`\|TV - V\|_\infty` of the returned ``V`` (optimality operator
  :math:`(TV)(s) = \max_a r(s,a) + \gamma\sum_{s'}P(s'|s,a)V(s')`);
* ``value_error_bound`` -- a proven bound on :math:`\|V - V^*\|_\infty`;
* ``greedy_gap`` -- :math:`\max_s [\max_a Q(s,a) - \sum_a\pi(a|s)Q(s,a)]` with ``Q`` the
  one-step look-ahead of the returned ``V`` (0 when ``policy`` is greedy in its own value).

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
dense, CSR for sparse). Deterministic policies are evaluated on the rows ``P[s, pi(s)]`` only
(an ``(S, S)`` gather instead of ``einsum`` over actions), which is why this module has its own
evaluation path beside :func:`pgtheory.mdp.policy_evaluation` (which accepts stochastic policies).

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
from .._validate import as_float_array, check_positive_int, check_shape, check_tol
from ..errors import ConvergenceWarning, ValidationError
from ..results import Solution
from ._bellman import check_policy, q_from_v
from ._model import TabularMDP

__all__ = [
    "value_iteration",
    "policy_iteration",
    "modified_policy_iteration",
    "soft_value_iteration",
    "soft_policy_evaluation",
    "greedy_policy",
    "bellman_residual",
]

logger = logging.getLogger(__name__)

#: Relative margin by which another action must beat the current one in policy iteration.
PI_TIE_RTOL = 1e-12
#: Sparse MDPs with more states than this are evaluated iteratively (GMRES) by default.
SPARSE_DIRECT_MAX_STATES = 20_000


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


def _macqueen(TV: np.ndarray, V: np.ndarray, gamma: float):
    """Midpoint estimate of V* and its error bound from Delta = TV - V (Puterman Thm 6.6.3)."""
    d = TV - V
    lo, hi = float(d.min()), float(d.max())
    c = gamma / (1.0 - gamma)
    return TV + c * 0.5 * (hi + lo), c * 0.5 * (hi - lo)


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


def _certificate(mdp: TabularMDP, V: np.ndarray, pi: np.ndarray, value_error_bound: float) -> dict:
    Q = q_from_v(mdp, V)
    TV = Q.max(axis=1)
    res = float(np.max(np.abs(TV - V)))
    greedy_gap = float(np.max(TV - np.einsum("sa,sa->s", pi, Q)))
    # a second, independent bound from the residual alone: ||V - V*|| <= ||TV - V|| / (1 - gamma)
    residual_bound = res / (1.0 - mdp.gamma)
    return Q, {
        "bellman_residual": res,
        "value_error_bound": float(min(value_error_bound, residual_bound)),
        "greedy_gap": greedy_gap,
        "policy_loss_bound": float(2.0 * mdp.gamma / (1.0 - mdp.gamma) * min(value_error_bound, residual_bound)
                                   + greedy_gap / (1.0 - mdp.gamma)),
    }


def _default_cap(gamma: float, tol: float, scale: float, extra: int = 100) -> int:
    """Iterations after which ``gamma^k * scale * gamma/(1-gamma) <= tol`` (sup-norm worst case)."""
    if gamma == 0.0 or scale <= 0.0:
        return extra
    need = math.log(tol * (1.0 - gamma) / (gamma * scale)) / math.log(gamma)
    return int(max(need, 0.0)) + extra


# ----------------------------------------------------------------------------- evaluation of deterministic policies
def _policy_rows(mdp: TabularMDP, actions: np.ndarray):
    S, A = mdp.S, mdp.A
    if mdp.is_sparse:
        return mdp.P[np.arange(S) * A + actions]
    return mdp.P[np.arange(S), actions]


def _evaluate_actions(mdp: TabularMDP, actions: np.ndarray, method: str = "auto", V0=None,
                      tol: float = 1e-12) -> tuple[np.ndarray, float]:
    r"""Exact value of the deterministic policy ``actions[s]``; returns ``(V, residual)``.

    ``direct`` -- LU (dense ``numpy.linalg.solve``) or SuperLU (``spsolve``) of
    :math:`(I - \gamma P_\pi)V = r_\pi`. ``iterative`` -- GMRES on the same system (sparse only),
    warm-started at ``V0`` and run until :math:`\|r_\pi + \gamma P_\pi V - V\|_\infty \le
    \mathrm{tol}\,(1-\gamma)\max(1,\|r\|_\infty)`, so :math:`\|V - V^\pi\|_\infty \le \mathrm{tol}\max(1,\|r\|_\infty)`.
    """
    S, gamma = mdp.S, mdp.gamma
    Ppi = _policy_rows(mdp, actions)
    r_pi = mdp.r[np.arange(S), actions]
    if method == "auto":
        method = "iterative" if (mdp.is_sparse and S > SPARSE_DIRECT_MAX_STATES) else "direct"
    if not mdp.is_sparse:
        M = Ppi * (-gamma)
        M.flat[:: S + 1] += 1.0
        V = np.linalg.solve(M, r_pi)
        return V, float(np.max(np.abs(r_pi + gamma * (Ppi @ V) - V)))
    M = (sp.identity(S, format="csr") - gamma * Ppi).tocsr()
    if method == "direct":
        V = spla.spsolve(M.tocsc(), r_pi)
    elif method == "iterative":
        target = tol * (1.0 - gamma) * max(1.0, float(np.max(np.abs(mdp.r))))
        V = np.zeros(S) if V0 is None else np.array(V0, dtype=np.float64)
        for _ in range(50):
            V, _info = spla.gmres(M, r_pi, x0=V, rtol=1e-14, atol=target * 0.5, restart=50, maxiter=20)
            if np.max(np.abs(r_pi - M @ V)) <= target:
                break
        else:  # fall back to an exact sparse LU rather than return an inaccurate value
            logger.info("GMRES did not reach the target residual; falling back to spsolve")
            V = spla.spsolve(M.tocsc(), r_pi)
    else:
        raise ValidationError(f"eval_method must be 'auto', 'direct' or 'iterative'; got {method!r}.")
    return V, float(np.max(np.abs(r_pi - M @ V)))


# ----------------------------------------------------------------------------- value iteration
def value_iteration(mdp: TabularMDP, tol: float = 1e-8, max_iter: int | None = None, V0=None) -> Solution:
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
        :class:`~pgtheory.errors.ConvergenceWarning` and returns ``converged=False`` (a ``tol``
        below float64 resolution, about ``1e-15 ||r|| / (1-gamma)^2``, can cause this).
    V0 : array, shape (S,), optional
        Initial values (default 0).

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
    V = np.zeros(S) if V0 is None else as_float_array(V0, "V0", ndim=1).copy()
    check_shape(V, (S,), "V0", "Fix: V0 holds one value per state.")
    P2, r = _P2(mdp), mdp.r
    cap = None if max_iter is None else check_positive_int(max_iter, "max_iter")
    it, converged, bound, V_hat = 0, False, np.inf, V
    while True:
        TV = _lookahead(P2, r, gamma, V).max(axis=1)
        it += 1
        V_hat, bound = _macqueen(TV, V, gamma)
        if cap is None:
            cap = _default_cap(gamma, tol, float(np.max(np.abs(TV - V))))
        if bound <= tol:
            converged = True
            break
        if it >= cap:
            break
        V = TV
    if not converged:
        warnings.warn(f"value_iteration stopped at max_iter={cap} with value error bound {bound:.3g} > tol={tol:.3g}. "
                      f"Fix: raise max_iter or tol (tol below ~1e-15*||r||/(1-gamma)^2 is not reachable in float64).",
                      ConvergenceWarning, stacklevel=2)
    V = V_hat
    pi = _one_hot(np.argmax(q_from_v(mdp, V), axis=1), A)
    Q, cert = _certificate(mdp, V, pi, bound)
    cert["stopping_rule"] = "gamma/(1-gamma) * span(V_{k+1}-V_k)/2 <= tol (MacQueen midpoint returned)"
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method="value_iteration", certificate=cert,
                    message=("converged" if converged else "iteration cap reached") + f" after {it} sweeps")


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
    from ._bellman import policy_evaluation

    return np.argmax(policy_evaluation(mdp, pol, validate=False).Q, axis=1)


def policy_iteration(mdp: TabularMDP, pi0=None, max_iter: int | None = None, eval_method: str = "auto",
                     eval_tol: float = 1e-12) -> Solution:
    r"""Howard's policy iteration with exact evaluation.

    Repeat: evaluate :math:`V_k = (I-\gamma P_{\pi_k})^{-1} r_{\pi_k}`; improve
    :math:`\pi_{k+1}(s) \in \arg\max_a Q_k(s,a)`, keeping :math:`\pi_k(s)` unless another action is
    better by more than ``1e-12 (1 + |Q_k(s, .)|)`` (lowest index among the best otherwise).
    Stops when the policy is stable, which happens after finitely many steps; then
    :math:`V_k = V^*` up to the evaluation error. The values improve monotonically,
    :math:`V_{k+1} \ge V_k` elementwise (Puterman Prop. 6.4.1); ``certificate`` records the
    smallest pointwise improvement and the objective :math:`\rho^\top V_k` per iteration.

    Evaluation (``eval_method``): dense MDPs use LU (``numpy.linalg.solve``); sparse MDPs use
    SuperLU (``spsolve``) up to 20,000 states and GMRES warm-started at the previous values
    above (``"auto"``), with residual :math:`\le` ``eval_tol`` :math:`(1-\gamma)\max(1,\|r\|_\infty)`
    so the evaluation error is at most ``eval_tol`` (relative). Force with ``"direct"`` / ``"iterative"``.

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
    P2, r = _P2(mdp), mdp.r
    a = _initial_actions(mdp, pi0)
    V_prev, trace, min_impr, converged, it = None, [], np.inf, False, 0
    rows = np.arange(S)
    while True:
        V, eval_res = _evaluate_actions(mdp, a, eval_method, V0=V_prev, tol=eval_tol)
        it += 1
        trace.append(float(mdp.rho @ V))
        if V_prev is not None:
            min_impr = min(min_impr, float(np.min(V - V_prev)))
        Q = _lookahead(P2, r, gamma, V)
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
    pi = _one_hot(a, A)
    Q, cert = _certificate(mdp, V, pi, np.inf)
    cert.update(evaluation_residual=eval_res, objective_trace=trace,
                min_improvement=(None if len(trace) < 2 else min_impr))
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method="policy_iteration", certificate=cert,
                    message=("policy stable" if converged else "iteration cap reached") + f" after {it} evaluations")


def modified_policy_iteration(mdp: TabularMDP, m: int = 20, tol: float = 1e-8, max_iter: int | None = None,
                              V0=None) -> Solution:
    r"""Modified policy iteration (Puterman & Shin 1978): greedy step, then ``m`` partial evaluation sweeps.

    Iteration ``k``: :math:`Q_k = r + \gamma P V_k`, :math:`\pi_{k+1} = \text{greedy}(Q_k)`,
    :math:`U_0 = TV_k = \max_a Q_k`, then :math:`U_{j+1} = r_{\pi_{k+1}} + \gamma P_{\pi_{k+1}}U_j` for
    ``j < m`` and :math:`V_{k+1} = U_m`. ``m = 0`` is value iteration; ``m -> inf`` is policy
    iteration. From :math:`V_0` with :math:`TV_0 \ge V_0` (e.g. ``V0 = min r / (1-gamma)``, the default)
    the iterates increase monotonically to :math:`V^*` (Puterman Thm 6.5.5).

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
    if V0 is None:
        V = np.full(S, float(mdp.r.min()) / (1.0 - gamma))
    else:
        V = as_float_array(V0, "V0", ndim=1).copy()
        check_shape(V, (S,), "V0", "Fix: V0 holds one value per state.")
    P2, r = _P2(mdp), mdp.r
    rows = np.arange(S)
    cap = None if max_iter is None else check_positive_int(max_iter, "max_iter")
    it, sweeps, converged, bound, V_hat = 0, 0, False, np.inf, V
    while True:
        Q = _lookahead(P2, r, gamma, V)
        a = np.argmax(Q, axis=1)
        TV = Q[rows, a]
        it += 1
        sweeps += 1
        V_hat, bound = _macqueen(TV, V, gamma)
        if cap is None:
            cap = _default_cap(gamma, tol, float(np.max(np.abs(TV - V))))
        if bound <= tol:
            converged = True
            break
        if it >= cap:
            break
        if m:
            Ppi = _policy_rows(mdp, a)
            r_pi = r[rows, a]
            U = TV
            for _ in range(m):
                U = r_pi + gamma * (Ppi @ U)
            sweeps += m
            V = U
        else:
            V = TV
    if not converged:
        warnings.warn(f"modified_policy_iteration stopped at max_iter={cap} with value error bound {bound:.3g} > "
                      f"tol={tol:.3g}. Fix: raise max_iter or tol.", ConvergenceWarning, stacklevel=2)
    V = V_hat
    pi = _one_hot(np.argmax(q_from_v(mdp, V), axis=1), A)
    Q, cert = _certificate(mdp, V, pi, bound)
    cert["sweeps"] = sweeps
    cert["stopping_rule"] = "gamma/(1-gamma) * span(TV_k - V_k)/2 <= tol (MacQueen midpoint returned)"
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=cert["bellman_residual"], converged=converged,
                    method=f"modified_policy_iteration(m={m})", certificate=cert,
                    message=("converged" if converged else "iteration cap reached") + f" after {it} improvements")


# ----------------------------------------------------------------------------- entropy-regularised
def _check_tau(tau) -> float:
    return check_tol(tau, "tau")


def soft_policy_evaluation(mdp: TabularMDP, pi, tau: float) -> Solution:
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

    Returns
    -------
    Solution
        ``V`` = :math:`V_\tau^\pi`, ``Q`` = :math:`Q_\tau^\pi`, ``residual`` = soft Bellman
        evaluation residual.

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2022), arXiv:2007.06558, eqs. (7)-(9).
    """
    from ._bellman import _solve, _system

    mdp = _check_mdp(mdp)
    pi = check_policy(mdp, pi)
    tau = _check_tau(tau)
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(pi > 0, pi * np.log(pi), 0.0), axis=1)
    V = _solve(mdp, _system(mdp, pi), mdp.r_pi(pi) + tau * ent)
    Q = q_from_v(mdp, V)
    res = float(np.max(np.abs(np.einsum("sa,sa->s", pi, Q) + tau * ent - V)))
    return Solution(V=V, Q=Q, policy=pi, iterations=1, residual=res, converged=True, method="soft_policy_evaluation",
                    certificate={"bellman_residual": res, "tau": tau}, message="direct solve")


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
    cap = None if max_iter is None else check_positive_int(max_iter, "max_iter")
    it, converged, bound, V_hat = 0, False, np.inf, V
    while True:
        TV = tau * logsumexp(_lookahead(P2, r, gamma, V) / tau, axis=1)
        it += 1
        V_hat, bound = _macqueen(TV, V, gamma)
        if cap is None:
            cap = _default_cap(gamma, tol, float(np.max(np.abs(TV - V))))
        if bound <= tol:
            converged = True
            break
        if it >= cap:
            break
        V = TV
    if not converged:
        warnings.warn(f"soft_value_iteration stopped at max_iter={cap} with value error bound {bound:.3g} > "
                      f"tol={tol:.3g}. Fix: raise max_iter or tol.", ConvergenceWarning, stacklevel=2)
    V = V_hat
    Q = q_from_v(mdp, V)
    logpi = log_softmax(Q / tau, axis=1)
    pi = softmax(Q / tau, axis=1)
    res = float(np.max(np.abs(tau * logsumexp(Q / tau, axis=1) - V)))
    cert = {"value_error_bound": float(min(bound, res / (1.0 - gamma))), "soft_bellman_residual": res, "tau": tau,
            "min_log_prob": float(logpi.min())}
    return Solution(V=V, Q=Q, policy=pi, iterations=it, residual=res, converged=converged, method="soft_value_iteration",
                    certificate=cert, message=("converged" if converged else "iteration cap reached") + f" after {it} sweeps")
