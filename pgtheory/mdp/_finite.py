r"""Finite-horizon MDPs: backward induction, exact evaluation of non-stationary policies, and
the stage-wise state(-action) occupancy.

Conventions: stages :math:`h = 0,\dots,H-1`; :math:`V_H \equiv 0`;
:math:`Q_h(s,a) = r_h(s,a) + \sum_{s'}P_h(s'|s,a)V_{h+1}(s')`; policies ``pi[h, s, a]``.
Values are returned with shape ``(H+1, S)`` (last row zero), action values ``(H, S, A)``.

References
----------
Puterman (1994), *Markov Decision Processes*, Sec. 4.5 (backward induction). Bellman (1957),
*Dynamic Programming*.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_distribution, check_shape
from ..errors import ValidationError
from ..results import Solution
from ._model import FiniteHorizonMDP

__all__ = ["backward_induction", "finite_horizon_evaluation", "finite_horizon_occupancy"]


def _check_fh(fh) -> FiniteHorizonMDP:
    if not isinstance(fh, FiniteHorizonMDP):
        raise ValidationError(f"fh_mdp must be a pgtheory.mdp.FiniteHorizonMDP; got {type(fh).__name__}. "
                              f"Fix: build FiniteHorizonMDP(P, r, H) (discounted MDPs: use value/policy iteration).")
    return fh


def _check_fh_policy(fh: FiniteHorizonMDP, pi, name: str = "pi") -> np.ndarray:
    arr = as_float_array(pi, name, ndim=(2, 3))
    if arr.ndim == 2:
        check_shape(arr, (fh.S, fh.A), name, "Fix: a stationary policy has shape (S, A); non-stationary (H, S, A).")
        arr = np.broadcast_to(arr, (fh.H, fh.S, fh.A))
    check_shape(arr, (fh.H, fh.S, fh.A), name, "Fix: a non-stationary policy has shape (H, S, A).")
    return check_distribution(arr, name, axis=-1)


def backward_induction(fh_mdp: FiniteHorizonMDP) -> Solution:
    r"""Optimal non-stationary policy of a finite-horizon MDP by backward induction.

    .. math::

        V_H = 0,\qquad Q_h = r_h + P_h V_{h+1},\qquad V_h(s) = \max_a Q_h(s,a),\qquad
        \pi_h(s) = \min\arg\max_a Q_h(s,a)\quad(h = H-1,\dots,0).

    Exact (``H`` sweeps, no tolerance).

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP

    Returns
    -------
    Solution
        ``V`` shape (H+1, S), ``Q`` (H, S, A), ``policy`` one-hot (H, S, A), ``iterations = H``,
        ``residual`` = :math:`\max_h\|\max_a Q_h - V_h\|_\infty` (0 up to rounding),
        ``certificate["objective"]`` = :math:`\rho^\top V_0`.

    References
    ----------
    Puterman (1994), Sec. 4.5.
    """
    fh = _check_fh(fh_mdp)
    H, S, A = fh.H, fh.S, fh.A
    V = np.zeros((H + 1, S))
    Q = np.zeros((H, S, A))
    pi = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        Q[h] = fh.r[h] + fh.P[h] @ V[h + 1]
        a = np.argmax(Q[h], axis=1)
        pi[h, np.arange(S), a] = 1.0
        V[h] = Q[h, np.arange(S), a]
    res = float(np.max(np.abs(Q.max(axis=2) - V[:H])))
    return Solution(V=V, Q=Q, policy=pi, iterations=H, residual=res, converged=True, method="backward_induction",
                    certificate={"bellman_residual": res, "objective": float(fh.rho @ V[0])},
                    message=f"exact, {H} stages")


def finite_horizon_evaluation(fh_mdp: FiniteHorizonMDP, pi) -> Solution:
    r"""Exact values of a (non-stationary, stochastic) policy in a finite-horizon MDP.

    .. math::

        V_H = 0,\quad Q_h = r_h + P_h V_{h+1},\quad V_h(s) = \sum_a \pi_h(a|s) Q_h(s,a).

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    pi : array, shape (H, S, A) or (S, A)
        Policy (a stationary one is used at every stage).

    Returns
    -------
    Solution
        ``V`` (H+1, S), ``Q`` (H, S, A), ``policy`` (H, S, A); ``certificate["objective"]`` =
        :math:`\rho^\top V_0`.
    """
    fh = _check_fh(fh_mdp)
    pi = _check_fh_policy(fh, pi)
    H, S, A = fh.H, fh.S, fh.A
    V = np.zeros((H + 1, S))
    Q = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        Q[h] = fh.r[h] + fh.P[h] @ V[h + 1]
        V[h] = np.einsum("sa,sa->s", pi[h], Q[h])
    return Solution(V=V, Q=Q, policy=np.array(pi), iterations=H, residual=0.0, converged=True,
                    method="finite_horizon_evaluation", certificate={"objective": float(fh.rho @ V[0])},
                    message=f"exact, {H} stages")


def finite_horizon_occupancy(fh_mdp: FiniteHorizonMDP, pi, rho=None, state_action: bool = False) -> np.ndarray:
    r"""Stage-wise state distribution :math:`d_h(s) = \Pr^\pi(s_h = s)` of a finite-horizon MDP.

    .. math::

        d_0 = \rho,\qquad d_{h+1}(s') = \sum_{s,a} d_h(s)\,\pi_h(a|s)\,P_h(s'|s,a).

    Each :math:`d_h` sums to one, and :math:`\rho^\top V_0^\pi = \sum_h\sum_{s,a} d_h(s)\pi_h(a|s)r_h(s,a)`.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    pi : array, shape (H, S, A) or (S, A)
    rho : array, shape (S,), optional
        Initial distribution (default ``fh_mdp.rho``).
    state_action : bool
        Return :math:`d_h(s)\pi_h(a|s)` of shape (H, S, A) instead of (H, S).

    Returns
    -------
    d : array, shape (H, S) or (H, S, A)
    """
    fh = _check_fh(fh_mdp)
    pi = _check_fh_policy(fh, pi)
    d0 = fh.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    check_shape(d0, (fh.S,), "rho")
    H = fh.H
    d = np.zeros((H, fh.S))
    d[0] = d0
    for h in range(H - 1):
        d[h + 1] = np.einsum("s,sa,sat->t", d[h], pi[h], fh.P[h])
    if state_action:
        return d[:, :, None] * pi
    return d
