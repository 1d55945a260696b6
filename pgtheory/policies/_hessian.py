r"""Exact Hessian of the discounted objective and exact Hessian-vector products.

Write :math:`M = I-\gamma P_\pi`, so that :math:`V = M^{-1} r_\pi` and
:math:`J(\theta) = \rho^\top V`. Differentiating :math:`MV = r_\pi` once gives
:math:`\partial_i V = M^{-1}u_i` with :math:`u_i(s) = \sum_a \partial_i\pi(a|s)\,Q(s,a)`
(the policy-gradient theorem). Differentiating again,

.. math::

    \partial_{ij} V = M^{-1}\Big[\sum_a \partial_{ij}\pi(a|\cdot)\,Q(\cdot,a)
      + \gamma\sum_a \partial_i\pi(a|\cdot)\,(P\,\partial_j V)(\cdot,a)
      + \gamma\sum_a \partial_j\pi(a|\cdot)\,(P\,\partial_i V)(\cdot,a)\Big],

and since :math:`\rho^\top M^{-1} x = \frac{1}{1-\gamma} d_\rho^{\pi\top} x`,

.. math::

    \nabla^2 J = \frac{1}{1-\gamma}\Big[\,C + \gamma\big(J_\pi^\top D\,G + G^\top D\,J_\pi\big)\Big],

where :math:`J_\pi\in\mathbb R^{SA\times n}` is the Jacobian of :math:`\pi` (rows ``(s, a)``),
:math:`D = \mathrm{diag}(d_\rho^\pi(s))` repeated over actions,
:math:`G = P\,M^{-1}U` with :math:`U_{s,i} = \sum_a J_\pi[(s,a),i]Q(s,a)` (so
:math:`G[(s,a),j] = \sum_{s'}P(s'|s,a)\partial_jV(s')`), and
:math:`C = \sum_{s} d_\rho^\pi(s) \sum_a Q(s,a)\nabla^2\pi(a|s)`.

For softmax logits :math:`z_s` one has
:math:`\sum_a Q(s,a)\,\partial^2\pi(a|s)/\partial z_{s,b}\partial z_{s,c}
= \delta_{bc}\pi_b A_b - \pi_b\pi_c(A_b + A_c)` (with :math:`A = A^\pi(s,\cdot)`), i.e.
:math:`T_s = \mathrm{diag}(\pi_s\circ A_s) - (\pi_s\circ A_s)\pi_s^\top - \pi_s(\pi_s\circ A_s)^\top`.
So :math:`C` is block diagonal with blocks :math:`d(s)T_s` (softmax), equals
:math:`\sum_s d(s)\Phi_s^\top T_s\Phi_s` for log-linear features :math:`\Phi_s\in\mathbb R^{A\times d}`
(the logits are linear in :math:`\theta`), and is zero for the direct parameterisation.

The Hessian-vector product uses the same formula without forming any ``n x n`` matrix:
one Jacobian-vector product, two vector-Jacobian products and two extra solves with the
stored LU factorisation of :math:`M`, i.e. :math:`O(S^2A)` work after the factorisation.

Sizes: :func:`hessian` returns an ``n x n`` matrix (``n = S*A`` for tabular policies;
8 n^2 bytes) and forms the ``S x n`` matrix :math:`M^{-1}U` (n right-hand sides).

References
----------
.. [1] J. Mei, C. Xiao, C. Szepesvári, D. Schuurmans (2020), arXiv:2005.06392, Lemma 7
   (the softmax objective is :math:`8/(1-\gamma)^3`-smooth) [R/T].
.. [2] A. Agarwal, S. M. Kakade, J. D. Lee, G. Mahajan (2021), arXiv:1908.00261, Lemma D.3
   (direct parameterisation: :math:`2\gamma|A|/(1-\gamma)^3`-smooth) [R].
.. [3] Z. Shen, A. Ribeiro, H. Hassani, H. Qian, C. Mi (2019), "Hessian aided policy gradient",
   ICML (policy Hessian of the trajectory objective).
.. [4] I. Fatkhullin, A. Barakat, A. Kireeva, N. He (2023), "Stochastic policy gradient methods:
   improved sample complexity for Fisher-non-degenerate policies", ICML, arXiv:2302.01734
   (HARPG uses Hessian-vector products of J).
"""

from __future__ import annotations

import numpy as np

from .._math import centred
from ..errors import ValidationError
from ._gradients import _check_direction, _jacobian_matrix, _prepare, _jvp, _pieces, _vjp, _vjp_batch
from ._param import DirectPolicy, LogLinearPolicy, SoftmaxPolicy
from ._protocol import Policy

__all__ = ["hessian", "hessian_vector_product"]

_SUPPORTED = (SoftmaxPolicy, LogLinearPolicy, DirectPolicy)


def _check_supported(policy) -> None:
    if not isinstance(policy, _SUPPORTED):
        raise ValidationError(f"the exact Hessian needs second derivatives of pi, available for SoftmaxPolicy, "
                              f"LogLinearPolicy and DirectPolicy; got {type(policy).__name__}.")


def _softmax_T(pi: np.ndarray, adv: np.ndarray) -> np.ndarray:
    """Blocks T_s = diag(pi A) - (pi A) pi^T - pi (pi A)^T, shape (S, A, A)."""
    pa = pi * adv
    A = pi.shape[1]
    return (pa[:, :, None] * np.eye(A)[None] - pa[:, :, None] * pi[:, None, :]
            - pi[:, :, None] * pa[:, None, :])


def _softmax_T_apply(pi: np.ndarray, adv: np.ndarray, x: np.ndarray) -> np.ndarray:
    """T_s x_s for every state, shape (S, A)."""
    pa = pi * adv
    return pa * x - pa * np.sum(pi * x, axis=1, keepdims=True) - pi * np.sum(pa * x, axis=1, keepdims=True)


def _centre(pi: np.ndarray, Qt: np.ndarray) -> np.ndarray:
    return centred(pi, Qt)  # Qt - sum pi Qt without its eps*|Qt| floor (near-deterministic pi)


def _curvature_matrix(policy, pc, Qt) -> np.ndarray:
    """C = sum_s d(s) sum_a Qt(s,a) Hess pi(a|s), shape (n, n)."""
    S, A = pc.pi.shape
    adv = _centre(pc.pi, Qt)
    if isinstance(policy, SoftmaxPolicy):
        C = np.zeros((S, A, S, A))
        idx = np.arange(S)
        C[idx, :, idx, :] = pc.d[:, None, None] * _softmax_T(pc.pi, adv)
        return C.reshape(S * A, S * A)
    if isinstance(policy, LogLinearPolicy):
        T = pc.d[:, None, None] * _softmax_T(pc.pi, adv)
        return np.einsum("sad,sab,sbe->de", policy.phi, T, policy.phi)
    n = int(np.size(pc.theta))
    return np.zeros((n, n))  # direct: pi is linear in theta


def _curvature_apply(policy, pc, Qt, v: np.ndarray) -> np.ndarray:
    adv = _centre(pc.pi, Qt)
    if isinstance(policy, SoftmaxPolicy):
        return pc.d[:, None] * _softmax_T_apply(pc.pi, adv, v)
    if isinstance(policy, LogLinearPolicy):
        z = policy.phi @ v
        return np.einsum("sad,sa->d", policy.phi, pc.d[:, None] * _softmax_T_apply(pc.pi, adv, z))
    return np.zeros_like(v)


def hessian(mdp, policy: Policy | str, theta, rho=None) -> np.ndarray:
    r"""Exact Hessian :math:`\nabla^2_\theta J(\theta)` of :math:`J(\theta)=\rho^\top V^{\pi_\theta}`.

    .. math::

        \nabla^2 J = \frac{1}{1-\gamma}\Big[\sum_s d_\rho^\pi(s)\sum_a Q^\pi(s,a)\nabla^2\pi(a|s)
        + \gamma\big(J_\pi^\top D\,P\,\partial V + (J_\pi^\top D\,P\,\partial V)^\top\big)\Big],
        \qquad \partial V = (I-\gamma P_\pi)^{-1}U,

    derived by differentiating :math:`(I-\gamma P_\pi)V = r_\pi` twice (module docstring).

    Parameters
    ----------
    mdp : TabularMDP
        Discounted MDP (dense or sparse).
    policy : SoftmaxPolicy, LogLinearPolicy or DirectPolicy
        (For the direct policy, the Hessian in the ambient space :math:`\mathbb R^{S\times A}`.)
    theta : array, shape ``policy.param_shape``
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    H : ndarray, shape (n, n)
        Symmetric (exactly: symmetrised), ``n = theta.size``, parameters flattened in C order.

    Raises
    ------
    pgtheory.errors.ValidationError
        For a policy type without known second derivatives, NaN ``theta``.
    pgtheory.errors.ShapeError
        ``theta`` of the wrong shape or a policy for another (S, A).

    References
    ----------
    Shen et al. (2019), "Hessian aided policy gradient", ICML.
    Fatkhullin, Barakat, Kireeva, He (2023), arXiv:2302.01734 (Hessian-vector products in HARPG).
    Mei et al. (2020), arXiv:2005.06392, Lemma 7 (smoothness bound :math:`8/(1-\gamma)^3`).
    """
    policy = _prepare(mdp, policy)
    _check_supported(policy)
    pc = _pieces(mdp, policy, theta, rho)
    return _hessian_core(mdp, policy, pc, pc.Q)


def _hessian_core(mdp, policy, pc, Qt) -> np.ndarray:
    """(1/(1-gamma)) [C + gamma (J^T D G + G^T D J)] with the action-value-like array ``Qt`` (S, A)."""
    S, A = pc.pi.shape
    if isinstance(policy, SoftmaxPolicy):
        # U[s, (s', b)] = 1{s = s'} pi(b|s) (Qt(s, b) - E_pi Qt(s, .)): block structure, no SA x SA Jacobian.
        U = np.zeros((S, S, A))
        idx = np.arange(S)
        U[idx, idx, :] = pc.pi * _centre(pc.pi, Qt)
        U = U.reshape(S, S * A)
    else:
        Jpi = _jacobian_matrix(policy, pc.theta, pc.pi)  # (SA, n)
        U = np.einsum("san,sa->sn", Jpi.reshape(S, A, -1), Qt)  # (S, n)
    W = pc.solve(U)  # dV, (S, n)
    G = np.asarray(mdp.P_matrix() @ W).reshape(S, A, -1)  # (S, A, n)
    B = _vjp_batch(policy, pc.theta, pc.pi, pc.d[:, None, None] * G)  # J_pi^T D G, (n, n)
    H = (_curvature_matrix(policy, pc, Qt) + mdp.gamma * (B + B.T)) / (1.0 - mdp.gamma)
    return 0.5 * (H + H.T)


def hessian_vector_product(mdp, policy: Policy | str, theta, v, rho=None) -> np.ndarray:
    r"""Exact Hessian-vector product :math:`\nabla^2_\theta J(\theta)\,v` without forming the Hessian.

    Uses :math:`\nabla^2 J\,v = \frac{1}{1-\gamma}\big[Cv + \gamma J_\pi^\top D P M^{-1}U v
    + \gamma U^\top M^{-\top} P^\top D J_\pi v\big]` (notation of the module docstring):
    one Jacobian-vector product, two vector-Jacobian products and two solves with the LU
    factors of :math:`M = I-\gamma P_\pi`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy, LogLinearPolicy or DirectPolicy
    theta : array, shape ``policy.param_shape``
    v : array, shape ``policy.param_shape``
        Direction.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    Hv : ndarray, same shape as ``theta``

    See Also
    --------
    hessian : the full matrix and references.
    """
    policy = _prepare(mdp, policy)
    _check_supported(policy)
    pc = _pieces(mdp, policy, theta, rho)
    v = _check_direction(v, pc.theta.shape)
    return _hvp_core(mdp, policy, pc, pc.Q, v)


def _hvp_core(mdp, policy, pc, Qt, v) -> np.ndarray:
    S, A = pc.pi.shape
    g = mdp.gamma
    jv = _jvp(policy, pc.theta, pc.pi, v)  # (S, A): directional derivative of pi
    # gamma J^T D P M^{-1} U v
    Wv = pc.solve(np.sum(Qt * jv, axis=1))
    Gv = np.asarray(mdp.P_matrix() @ Wv).reshape(S, A)
    t2 = _vjp(policy, pc.theta, pc.pi, pc.d[:, None] * Gv)
    # gamma U^T M^{-T} P^T D J v
    y = np.asarray(mdp.P_matrix().T @ (pc.d[:, None] * jv).ravel()).ravel()
    z = pc.solve(y, transpose=True)
    t3 = _vjp(policy, pc.theta, pc.pi, z[:, None] * Qt)
    out = (_curvature_apply(policy, pc, Qt, v) + g * (t2 + t3)) / (1.0 - g)
    return np.asarray(out).reshape(pc.theta.shape)
