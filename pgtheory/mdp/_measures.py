r"""Distribution-shift measures and optimal-solution helpers used in policy-gradient bounds.

* :func:`distribution_mismatch` -- :math:`\|d_\rho^{\pi^*}/\mu\|_\infty` (Agarwal et al. 2021).
* :func:`concentrability_coefficient` -- :math:`\sup_\pi\|d_\rho^{\pi}/\mu\|_\infty`, computed
  exactly by ``S`` auxiliary MDP solves.
* :func:`action_gap` -- :math:`\Delta^* = \min_s\min_{a\notin\arg\max}(V^*(s) - Q^*(s,a))` (Mei et al. 2020, Thm 10).
* :func:`optimal_advantage` -- :math:`A^*(s,a) = Q^*(s,a) - V^*(s)`.

All occupancies are the *normalised* discounted visitation
:math:`d_\rho^\pi = (1-\gamma)\rho^\top(I-\gamma P_\pi)^{-1}` (sums to one).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_distribution, check_shape
from ..errors import ValidationError
from ._bellman import check_policy, state_occupancy
from ._model import TabularMDP
from ._solvers import policy_iteration

__all__ = ["distribution_mismatch", "concentrability_coefficient", "action_gap", "optimal_advantage"]


def _mu(mdp: TabularMDP, mu, name: str = "mu") -> np.ndarray:
    mu = as_float_array(mu, name, ndim=1)
    check_shape(mu, (mdp.S,), name, "Fix: mu is a distribution over the S states.")
    return check_distribution(mu, name)


def _ratio_sup(d: np.ndarray, mu: np.ndarray) -> float:
    pos = d > 0
    if np.any(pos & (mu <= 0)):
        return float("inf")
    return float(np.max(np.where(pos, d / np.where(mu > 0, mu, 1.0), 0.0)))


def _optimal(mdp: TabularMDP):
    return policy_iteration(mdp)


def distribution_mismatch(mdp: TabularMDP, mu, pi_star=None, rho=None) -> float:
    r"""Distribution-mismatch coefficient :math:`\big\|d_\rho^{\pi^*}/\mu\big\|_\infty`.

    Here :math:`d_\rho^{\pi^*}` is the normalised discounted state visitation of an optimal policy
    started from :math:`\rho` and :math:`\mu` the distribution the gradient is taken under. The
    coefficient is :math:`+\infty` when :math:`\mu(s) = 0` at a state with :math:`d_\rho^{\pi^*}(s) > 0`.
    It is at least 1 (both are distributions) and at most :math:`1/\min_s\mu(s)`.

    Parameters
    ----------
    mdp : TabularMDP
    mu : array, shape (S,)
        Reference (gradient) distribution.
    pi_star : array, shape (S, A), optional
        Optimal policy; computed by :func:`~pgtheory.mdp.policy_iteration` when omitted. (With
        several optimal policies the coefficient depends on the choice; pass yours.)
    rho : array, shape (S,), optional
        Evaluation start distribution (default ``mdp.rho``).

    Returns
    -------
    float

    References
    ----------
    Agarwal, Kakade, Lee, Mahajan (2021), "On the theory of policy gradient methods: optimality,
    approximation, and distribution shift", JMLR 22(98), arXiv:1908.00261, Sec. 3 and Thm 4.1
    (the coefficient :math:`\|d_\rho^{\pi^*}/\mu\|_\infty`). Mei, Xiao, Szepesvári, Schuurmans (2020),
    arXiv:2005.06392, Thm 4.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"mdp must be a TabularMDP; got {type(mdp).__name__}.")
    mu = _mu(mdp, mu)
    pi = _optimal(mdp).policy if pi_star is None else check_policy(mdp, pi_star, "pi_star")
    d = state_occupancy(mdp, pi, rho)
    return _ratio_sup(d, mu)


def concentrability_coefficient(mdp: TabularMDP, mu, rho=None) -> float:
    r"""Worst-case distribution mismatch over all policies, :math:`C(\rho,\mu) = \sup_\pi\|d_\rho^\pi/\mu\|_\infty`.

    The supremum is over all (history-dependent) policies; for each state ``s`` the largest
    visitation :math:`\sup_\pi d_\rho^\pi(s)` is the optimal value :math:`(1-\gamma)\rho^\top V^*_s` of the
    MDP with reward :math:`r(x,a) = \mathbb 1[x = s]`, which a stationary deterministic policy attains.
    So

    .. math::

        C(\rho,\mu) = \max_s \frac{(1-\gamma)\,\rho^\top V^*_{s}}{\mu(s)},

    computed exactly with ``S`` policy-iteration solves (cost :math:`O(S)` solves: intended for
    small ``S``). Always :math:`C(\rho,\mu) \ge \|d_\rho^{\pi^*}/\mu\|_\infty`.

    Definition implemented: the policy-independent coefficient of conservative policy iteration
    and of the distribution-shift discussion of Agarwal et al. (2021, Sec. 6 and the remark after
    Thm 4.1), i.e. Kakade & Langford's mismatch maximised over policies; this is a
    "concentrability" in the sense of Munos (2003) for the discounted visitation (not the
    per-step coefficients :math:`c(m)` of Munos & Szepesvári 2008, which weight each horizon).

    Parameters
    ----------
    mdp : TabularMDP
    mu : array, shape (S,)
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    float
        ``inf`` if some state reachable from ``rho`` has ``mu(s) = 0``.

    References
    ----------
    Kakade, Langford (2002), "Approximately optimal approximate reinforcement learning", ICML.
    Munos (2003), "Error bounds for approximate policy iteration", ICML. Agarwal, Kakade, Lee,
    Mahajan (2021), arXiv:1908.00261, Sec. 6.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"mdp must be a TabularMDP; got {type(mdp).__name__}.")
    mu = _mu(mdp, mu)
    rho = mdp.rho if rho is None else _mu(mdp, rho, "rho")
    S, A = mdp.S, mdp.A
    best = np.zeros(S)
    for s in range(S):
        r = np.zeros((S, A))
        r[s] = 1.0
        aux = TabularMDP(mdp.P, r, mdp.gamma, rho)
        best[s] = (1.0 - mdp.gamma) * float(rho @ policy_iteration(aux).V)
    return _ratio_sup(np.clip(best, 0.0, None), mu)


def optimal_advantage(mdp: TabularMDP, solution=None) -> np.ndarray:
    r"""Optimal advantage :math:`A^*(s,a) = Q^*(s,a) - V^*(s) \le 0`, shape (S, A).

    Parameters
    ----------
    mdp : TabularMDP
    solution : Solution, optional
        An optimal solution (default: :func:`~pgtheory.mdp.policy_iteration`).

    Returns
    -------
    array, shape (S, A)
    """
    sol = _optimal(mdp) if solution is None else solution
    return sol.Q - sol.V[:, None]


def action_gap(mdp: TabularMDP, solution=None, atol: float = 1e-10) -> float:
    r"""Optimal action gap :math:`\Delta^* = \min_s\min_{a:\,Q^*(s,a) < V^*(s) - \text{atol}} V^*(s) - Q^*(s,a)`.

    States where every action is optimal are skipped (``inf`` if all are). This is the
    :math:`\Delta^*` of the softmax-PG lower bound of Mei et al. (2020, Thm 10).

    Parameters
    ----------
    mdp : TabularMDP
    solution : Solution, optional
        An optimal solution (default: policy iteration).
    atol : float
        Gaps below ``atol`` count as ties (the action is optimal).

    Returns
    -------
    float

    References
    ----------
    Mei, Xiao, Szepesvári, Schuurmans (2020), arXiv:2005.06392, Thm 10.
    """
    gaps = -optimal_advantage(mdp, solution)
    gaps = np.where(gaps > atol, gaps, np.inf)
    return float(gaps.min())
