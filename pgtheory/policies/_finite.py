r"""Exact objective, policy gradient, Fisher matrix and natural gradient on finite-horizon MDPs.

The policy is a softmax per stage and state: ``theta`` of shape ``(H, S, A)`` (non-stationary,
:math:`\pi_h(a|s)\propto\exp\theta_{h,s,a}`) or ``(S, A)`` (the same softmax policy at every
stage). Values come from backward recursion and state distributions from forward recursion,
both computed here (``O(H S^2 A)``):

.. math::

    Q_h = r_h + P_h V_{h+1},\quad V_h(s) = \sum_a\pi_h(a|s)Q_h(s,a),\quad V_H = 0,\qquad
    d_0 = \rho,\quad d_{h+1}(s') = \sum_{s,a} d_h(s)\pi_h(a|s)P_h(s'|s,a),

and :math:`J(\theta) = \rho^\top V_0`. Each :math:`d_h` is the (probability) distribution of
:math:`s_h`; there is no discount and no normalisation over stages. The policy-gradient theorem
reads :math:`\partial J/\partial\theta_{h,s,a} = d_h(s)\pi_h(a|s)A_h(s,a)` with
:math:`A_h = Q_h - V_h` (a stationary ``theta`` sums this over ``h``).

The Fisher matrix is that of the trajectory distribution,
:math:`F = \mathbb E_\tau[\nabla\log p_\theta(\tau)\nabla\log p_\theta(\tau)^\top]
= \sum_h \mathbb E_{s\sim d_h,a\sim\pi_h}[\nabla\log\pi_h(a|s)\nabla\log\pi_h(a|s)^\top]`
(cross-stage terms vanish because each score has conditional mean zero). With it the
non-stationary natural gradient is :math:`A_h` up to per-(stage, state) constants, so the NPG
step is :math:`\pi_{h}^{+}\propto\pi_h\exp(\eta A_h)`.

Sizes: the Fisher matrix is ``n x n`` with ``n = H*S*A`` (non-stationary) or ``S*A``.

References
----------
.. [1] R. J. Williams (1992), "Simple statistical gradient-following algorithms for connectionist
   reinforcement learning", Machine Learning 8 (REINFORCE, finite-horizon score function).
.. [2] R. S. Sutton, D. McAllester, S. Singh, Y. Mansour (2000), NeurIPS, Theorem 1.
.. [3] S. M. Kakade (2001), "A natural policy gradient", NeurIPS 14.
.. [4] A. Agarwal, S. M. Kakade, J. D. Lee, G. Mahajan (2021), arXiv:1908.00261, Sec. 5.3.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import centred, softmax
from .._validate import as_float_array, check_positive
from ..errors import ShapeError, ValidationError
from ..mdp import FiniteHorizonMDP
from ..results import ResultMixin
from ._gradients import _block_diagonal, _check_method, _softmax_fisher_blocks, psd_min_norm_solve

__all__ = [
    "FiniteHorizonEvaluation",
    "finite_horizon_softmax_evaluation",
    "finite_horizon_objective",
    "finite_horizon_gradient",
    "finite_horizon_value_and_gradient",
    "finite_horizon_fisher",
    "finite_horizon_natural_gradient",
    "finite_horizon_npg_update",
]


@dataclasses.dataclass(frozen=True, repr=False)
class FiniteHorizonEvaluation(ResultMixin):
    """Exact quantities of a (non-stationary) policy on a finite-horizon MDP.

    Attributes
    ----------
    J : float
        :math:`\\rho^\\top V_0`.
    V : ndarray, shape (H+1, S)
        Stage values, last row 0.
    Q : ndarray, shape (H, S, A)
    d : ndarray, shape (H, S)
        Distribution of the state at each stage (each row sums to 1).
    policy : ndarray, shape (H, S, A)
    """

    J: float
    V: np.ndarray
    Q: np.ndarray
    d: np.ndarray
    policy: np.ndarray


def _check_fh(mdp) -> None:
    if not isinstance(mdp, FiniteHorizonMDP):
        raise ValidationError(f"mdp must be a pgtheory.mdp.FiniteHorizonMDP; got {type(mdp).__name__}. "
                              f"Fix: for discounted MDPs use policy_gradient / fisher_matrix.")


def _check_theta(mdp, theta) -> np.ndarray:
    theta = as_float_array(theta, "theta")
    if theta.shape not in ((mdp.H, mdp.S, mdp.A), (mdp.S, mdp.A)):
        raise ShapeError(f"theta must have shape (H, S, A) = ({mdp.H}, {mdp.S}, {mdp.A}) (non-stationary) or "
                         f"(S, A) = ({mdp.S}, {mdp.A}) (stationary); got {theta.shape}.")
    return theta


def _evaluate(mdp, pi: np.ndarray) -> FiniteHorizonEvaluation:
    H, S = mdp.H, mdp.S
    V = np.zeros((H + 1, S))
    Q = np.empty((H, S, mdp.A))
    for h in range(H - 1, -1, -1):
        Q[h] = mdp.r[h] + mdp.P[h] @ V[h + 1]
        V[h] = np.sum(pi[h] * Q[h], axis=1)
    d = np.empty((H, S))
    d[0] = mdp.rho
    for h in range(H - 1):
        d[h + 1] = np.einsum("s,sa,sat->t", d[h], pi[h], mdp.P[h])
    return FiniteHorizonEvaluation(J=float(mdp.rho @ V[0]), V=V, Q=Q, d=d, policy=pi)


def _setup(mdp, theta):
    _check_fh(mdp)
    theta = _check_theta(mdp, theta)
    full = np.broadcast_to(theta, (mdp.H, mdp.S, mdp.A))
    pi = softmax(full, axis=-1)
    return theta, full, pi, _evaluate(mdp, pi)


def finite_horizon_softmax_evaluation(mdp, theta) -> FiniteHorizonEvaluation:
    r"""Values, Q-functions and stage distributions of the softmax policy ``theta``.

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)
        Softmax logits per stage (or shared by all stages).

    Returns
    -------
    FiniteHorizonEvaluation
        ``J``, ``V`` (H+1, S), ``Q`` (H, S, A), ``d`` (H, S), ``policy`` (H, S, A).

    References
    ----------
    Puterman (1994), "Markov Decision Processes", Sec. 4.2 (backward induction for a fixed policy).
    """
    return _setup(mdp, theta)[3]


def finite_horizon_objective(mdp, theta) -> float:
    r"""Expected total reward :math:`J(\theta) = \mathbb E[\sum_{h<H} r_h(s_h,a_h)]`, :math:`s_0\sim\rho`.

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)

    Returns
    -------
    float

    See Also
    --------
    finite_horizon_softmax_evaluation
    """
    return _setup(mdp, theta)[3].J


def _grad(theta, ev) -> np.ndarray:
    adv = centred(ev.policy, ev.Q)  # not Q - V: cancellation-free, see finite_horizon_gradient
    g = ev.d[:, :, None] * ev.policy * adv
    return g if theta.ndim == 3 else g.sum(axis=0)


def finite_horizon_gradient(mdp, theta) -> np.ndarray:
    r"""Exact gradient :math:`\partial J/\partial\theta_{h,s,a} = d_h(s)\,\pi_h(a|s)\,A_h(s,a)`.

    For a stationary ``theta`` of shape (S, A) the stage terms are summed. :math:`A_h` is formed
    cancellation-free (``pgtheory._math.centred``), so near-deterministic stages keep full
    relative accuracy: per entry about
    :math:`\varepsilon H\,(2(1-\pi_h(a|s))\|Q_h(s,\cdot)\|_\infty/|A_h(s,a)| + \|d_h\|_\infty/d_h(s))`
    times a small constant (see :func:`~pgtheory.policies.policy_gradient`).

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)

    Returns
    -------
    grad : ndarray, same shape as ``theta``

    References
    ----------
    Williams (1992), Machine Learning 8. Sutton et al. (2000), NeurIPS, Theorem 1.
    """
    theta, _, _, ev = _setup(mdp, theta)
    return _grad(theta, ev)


def finite_horizon_value_and_gradient(mdp, theta) -> tuple[float, np.ndarray]:
    r""":math:`J(\theta)` and its exact gradient (see :func:`finite_horizon_gradient`).

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)

    Returns
    -------
    J : float
    grad : ndarray, same shape as ``theta``
    """
    theta, _, _, ev = _setup(mdp, theta)
    return ev.J, _grad(theta, ev)


def _fisher(theta, ev) -> np.ndarray:
    H, S, A = ev.policy.shape
    pi = ev.policy
    blocks = ev.d[:, :, None, None] * _softmax_fisher_blocks(pi)  # entries to a few ulp (no 1 - pi cancellation)
    if theta.ndim == 2:
        return _block_diagonal(blocks.sum(axis=0))  # stages share theta: (S, A, A) blocks
    return _block_diagonal(blocks.reshape(H * S, A, A))


def finite_horizon_fisher(mdp, theta) -> np.ndarray:
    r"""Fisher matrix of the trajectory distribution of the softmax policy ``theta``.

    .. math::

        F = \sum_{h<H}\mathbb E_{s\sim d_h,\,a\sim\pi_h}\big[\nabla\log\pi_h(a|s)\nabla\log\pi_h(a|s)^\top\big]
          = \mathbb E_\tau\big[\nabla\log p_\theta(\tau)\nabla\log p_\theta(\tau)^\top\big].

    Non-stationary: block diagonal over (h, s) with blocks
    :math:`d_h(s)(\mathrm{diag}\,\pi_h(\cdot|s) - \pi_h\pi_h^\top)`; stationary: the stage blocks are summed.

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)

    Returns
    -------
    F : ndarray, shape (n, n)
        ``n = theta.size``, C-order flattening; symmetric PSD.

    References
    ----------
    Kakade (2001), NeurIPS 14.
    """
    theta, _, _, ev = _setup(mdp, theta)
    return _fisher(theta, ev)


def finite_horizon_natural_gradient(mdp, theta, *, method: str = "auto", rcond: float | None = None) -> np.ndarray:
    r"""Natural gradient :math:`F^+\nabla J` (minimal-norm least squares).

    For a non-stationary ``theta`` the closed form (``method="auto"``) is
    :math:`w_{h,s,\cdot} = A_h(s,\cdot) - \frac1{|A|}\sum_b A_h(s,b)` where :math:`d_h(s) > 0`
    and 0 elsewhere. Stationary ``theta`` (or ``method="lstsq"``) solves ``F w = grad`` for the
    minimum-norm ``w`` (eigendecomposition, eigenvalues at or below ``rcond * lambda_max`` treated
    as zero; see :func:`~pgtheory.policies.natural_gradient`).

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A) or (S, A)
    method : {"auto", "lstsq"}
    rcond : float, optional
        Relative eigenvalue cut-off (``None``: ``10 n eps``, ``n = theta.size``).

    Returns
    -------
    w : ndarray, same shape as ``theta``

    References
    ----------
    Kakade (2001), NeurIPS 14. Agarwal et al. (2021), arXiv:1908.00261, Sec. 5.3.
    """
    _check_method(method)
    theta, _, _, ev = _setup(mdp, theta)
    if method == "auto" and theta.ndim == 3:
        adv = centred(ev.policy, ev.Q)
        w = adv - adv.mean(axis=-1, keepdims=True)
        return np.where(ev.d[:, :, None] > 0, w, 0.0)
    if rcond is not None:
        rcond = check_positive(rcond, "rcond")
    return psd_min_norm_solve(_fisher(theta, ev), _grad(theta, ev), rcond).reshape(theta.shape)


def finite_horizon_npg_update(mdp, theta, eta) -> np.ndarray:
    r"""One NPG step for the non-stationary softmax policy: :math:`\theta_h \leftarrow \theta_h + \eta A_h`.

    Equivalently :math:`\pi_h^{+}(a|s)\propto\pi_h(a|s)\exp(\eta A_h(s,a))` at every (h, s).

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    theta : array, shape (H, S, A)
    eta : float
        Step size, > 0.

    Returns
    -------
    theta_next : ndarray, shape (H, S, A)

    References
    ----------
    Kakade (2001), NeurIPS 14; Agarwal et al. (2021), arXiv:1908.00261, Sec. 5.3 (discounted analogue).
    """
    eta = check_positive(eta, "eta", step=True)
    theta, _, _, ev = _setup(mdp, theta)
    if theta.ndim != 3:
        raise ShapeError("finite_horizon_npg_update needs a non-stationary theta of shape (H, S, A). "
                         "Fix: use theta + eta * finite_horizon_natural_gradient(mdp, theta) for stationary theta.")
    return theta + eta * centred(ev.policy, ev.Q)


