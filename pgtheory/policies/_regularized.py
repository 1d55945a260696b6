r"""Entropy-regularised objective, its exact gradient, soft values and regularised NPG.

Following Cen et al. (2021), the entropy-regularised value of a policy is

.. math::

    V_\tau^\pi(s) = \mathbb E\Big[\sum_{t\ge0}\gamma^t\big(r(s_t,a_t) - \tau\log\pi(a_t|s_t)\big)
    \,\Big|\, s_0 = s\Big] = V^\pi(s) + \tau\,\mathcal H(s,\pi),

the soft Q-function is :math:`Q_\tau^\pi(s,a) = r(s,a) + \gamma\sum_{s'}P(s'|s,a)V_\tau^\pi(s')`
(no entropy bonus at the first step), and
:math:`V_\tau^\pi(s) = \sum_a\pi(a|s)\big(Q_\tau^\pi(s,a) - \tau\log\pi(a|s)\big)`.
The convention :math:`0\log 0 = 0` is used. The objective is :math:`J_\tau(\theta) = \rho^\top V_\tau^{\pi_\theta}`.

Exact gradient (derived like the policy-gradient theorem, the entropy term contributing
:math:`-\tau(\log\pi + 1)` per unit of :math:`\pi`):

.. math::

    \frac{\partial J_\tau}{\partial\pi(a|s)} = \frac{d_\rho^\pi(s)}{1-\gamma}
    \big(Q_\tau^\pi(s,a) - \tau\log\pi(a|s) - \tau\big),
    \qquad
    \frac{\partial J_\tau}{\partial\theta_{s,a}} = \frac{d_\rho^\pi(s)\pi(a|s)}{1-\gamma}
    \big(Q_\tau^\pi(s,a) - \tau\log\pi(a|s) - V_\tau^\pi(s)\big)\ \text{(softmax)},

the softmax form being Mei et al. (2020, Lemma 10) [R]. With the Fisher matrix of
:func:`~pgtheory.policies.fisher_matrix`, the softmax natural gradient is
:math:`(Q_\tau^\pi - \tau\log\pi)/(1-\gamma)` up to per-state constants, so the NPG step is
Cen et al.'s update (18):
:math:`\pi_{t+1}(a|s)\propto\pi_t(a|s)^{1-\eta\tau/(1-\gamma)}\exp\big(\eta Q_\tau^{\pi_t}(s,a)/(1-\gamma)\big)`;
with :math:`\eta = (1-\gamma)/\tau` it is soft policy iteration
:math:`\pi_{t+1}(\cdot|s)\propto\exp(Q_\tau^{\pi_t}(s,\cdot)/\tau)`.

References
----------
.. [1] S. Cen, C. Cheng, Y. Chen, Y. Wei, Y. Chi (2021), "Fast global convergence of natural policy
   gradient methods with entropy regularization", arXiv:2007.06558, Sec. 2 (definitions),
   Eq. (18) and Algorithm 1.
.. [2] J. Mei, C. Xiao, C. Szepesvári, D. Schuurmans (2020), arXiv:2005.06392, Sec. 5 (entropy-regularised
   softmax policy gradient, Lemma 10 for the gradient) [R].
"""

from __future__ import annotations

import numpy as np

from .._math import centred
from .._validate import check_positive
from ..errors import ValidationError
from ._gradients import _check_direction, _jvp
from ._hessian import _hessian_core, _hvp_core
from ._gradients import (
    _prepare,
    _check_method,
    _check_mdp,
    _fisher_from_pieces,
    _fisher_solve,
    _pieces,
    _Pieces,
    _vjp,
)
from ._param import DirectPolicy, LogLinearPolicy, SoftmaxPolicy
from ._protocol import Policy

_HESS_SUPPORTED = (SoftmaxPolicy, LogLinearPolicy, DirectPolicy)

__all__ = [
    "regularized_objective",
    "regularized_gradient",
    "regularized_value_and_gradient",
    "regularized_natural_gradient",
    "regularized_npg_update",
    "regularized_hessian",
    "regularized_hessian_vector_product",
]


def _xlogx_rows(pi: np.ndarray, logpi: np.ndarray) -> np.ndarray:
    return np.sum(pi * np.where(pi > 0, logpi, 0.0), axis=1)


def _soft_pieces(mdp, policy, theta, tau, rho):
    """Validated pieces plus log pi, V_tau, Q_tau (one extra solve with the stored LU)."""
    tau = check_positive(tau, "tau")
    pc = _pieces(mdp, policy, theta, rho)
    if isinstance(policy, (SoftmaxPolicy, LogLinearPolicy)):
        logpi = policy.log_probs(pc.theta)
    else:
        with np.errstate(divide="ignore"):
            logpi = np.log(pc.pi)
    Vt = pc.solve(mdp.r_pi(pc.pi) - tau * _xlogx_rows(pc.pi, logpi))
    Qt = mdp.r + mdp.gamma * mdp.expect_next(Vt)
    return tau, pc, logpi, Vt, Qt


def regularized_objective(mdp, policy: Policy | str, theta, tau, rho=None) -> float:
    r"""Entropy-regularised objective :math:`J_\tau(\theta) = \rho^\top V_\tau^{\pi_\theta}`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : policy object (see :func:`~pgtheory.policies.policy_gradient`)
    theta : array, shape ``policy.param_shape``
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    float

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Sec. 2.
    """
    policy = _prepare(mdp, policy)
    _, pc, _, Vt, _ = _soft_pieces(mdp, policy, theta, tau, rho)
    return float(pc.rho @ Vt)


def _reg_gradient(mdp, policy, tau, pc: _Pieces, logpi, Vt, Qt) -> np.ndarray:
    visited = pc.d > 0
    if isinstance(policy, SoftmaxPolicy):
        # Qt - tau log pi - Vt, computed cancellation-free (Vt = sum_a pi (Qt - tau log pi)); see centred.
        return pc.d[:, None] * pc.pi * centred(pc.pi, Qt - tau * logpi) / (1.0 - mdp.gamma)
    if not isinstance(policy, LogLinearPolicy) and np.any(np.isinf(logpi[visited])):
        raise ValidationError("the entropy-regularised gradient is infinite where pi(a|s) = 0 at a visited state. "
                              "Fix: use a full-support policy (e.g. softmax).")
    x = pc.d[:, None] * (Qt - tau * np.where(np.isfinite(logpi), logpi, 0.0) - tau) / (1.0 - mdp.gamma)
    return _vjp(policy, pc.theta, pc.pi, x).reshape(pc.theta.shape)


def regularized_gradient(mdp, policy: Policy | str, theta, tau, rho=None) -> np.ndarray:
    r"""Exact gradient of the entropy-regularised objective :math:`\nabla_\theta J_\tau(\theta)`.

    .. math::

        \nabla_\theta J_\tau = \frac{1}{1-\gamma}\sum_{s,a} d_\rho^\pi(s)\,
        \big(Q_\tau^\pi(s,a) - \tau\log\pi(a|s) - \tau\big)\,\nabla_\theta\pi(a|s),

    which for softmax is :math:`\frac{1}{1-\gamma}d_\rho^\pi(s)\pi(a|s)(Q_\tau^\pi(s,a)-\tau\log\pi(a|s)-V_\tau^\pi(s))`.
    The softmax bracket is formed as the :math:`\pi`-centring of :math:`Q_\tau-\tau\log\pi` without
    cancelling against :math:`V_\tau` (``pgtheory._math.centred``), so near-deterministic
    policies keep full relative accuracy (see the accuracy note of
    :func:`~pgtheory.policies.policy_gradient`, with :math:`Q` replaced by :math:`Q_\tau-\tau\log\pi`).

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy, LogLinearPolicy, DirectPolicy or a generic policy object
        (direct/generic need :math:`\pi>0` at visited states).
    theta : array, shape ``policy.param_shape``
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    grad : ndarray, same shape as ``theta``

    References
    ----------
    Mei, Xiao, Szepesvári, Schuurmans (2020), arXiv:2005.06392, Lemma 10 [R].
    Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Sec. 2.
    """
    policy = _prepare(mdp, policy)
    tau, pc, logpi, Vt, Qt = _soft_pieces(mdp, policy, theta, tau, rho)
    return _reg_gradient(mdp, policy, tau, pc, logpi, Vt, Qt)


def regularized_value_and_gradient(mdp, policy: Policy | str, theta, tau, rho=None) -> tuple[float, np.ndarray]:
    r""":math:`J_\tau(\theta)` and :math:`\nabla_\theta J_\tau(\theta)` sharing one factorisation.

    Parameters
    ----------
    mdp : TabularMDP
    policy : policy object
    theta : array, shape ``policy.param_shape``
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    J_tau : float
    grad : ndarray, same shape as ``theta``

    See Also
    --------
    regularized_gradient : formula and references.
    """
    policy = _prepare(mdp, policy)
    tau, pc, logpi, Vt, Qt = _soft_pieces(mdp, policy, theta, tau, rho)
    return float(pc.rho @ Vt), _reg_gradient(mdp, policy, tau, pc, logpi, Vt, Qt)


def regularized_natural_gradient(mdp, policy: Policy | str, theta, tau, rho=None, *, method: str = "auto",
                                 rcond: float | None = None) -> np.ndarray:
    r"""Natural gradient of the regularised objective, :math:`F_\rho(\theta)^+\nabla_\theta J_\tau(\theta)`.

    For softmax (``method="auto"``) the minimal-norm solution is explicit:
    :math:`w_{s,\cdot} = \frac{1}{1-\gamma}\,\mathrm{centre}\big(Q_\tau^\pi(s,\cdot) - \tau\log\pi(\cdot|s)\big)`
    at visited states and 0 elsewhere. Otherwise the minimum-norm solution of ``F w = grad``
    (eigenvalues at or below ``rcond * lambda_max`` treated as zero; see
    :func:`~pgtheory.policies.natural_gradient` for ``rcond``).

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy, LogLinearPolicy or a generic smooth policy object
    theta : array, shape ``policy.param_shape``
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).
    method : {"auto", "lstsq"}
    rcond : float, optional

    Returns
    -------
    w : ndarray, same shape as ``theta``

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Eq. (18) and the discussion before it.
    """
    policy = _prepare(mdp, policy)
    _check_method(method)
    if isinstance(policy, DirectPolicy):
        raise ValidationError("regularized_natural_gradient does not support DirectPolicy. "
                              "Fix: use SoftmaxPolicy or LogLinearPolicy.")
    tau, pc, logpi, Vt, Qt = _soft_pieces(mdp, policy, theta, tau, rho)
    if method == "auto" and isinstance(policy, SoftmaxPolicy):
        x = Qt - tau * logpi
        w = (x - x.mean(axis=1, keepdims=True)) / (1.0 - mdp.gamma)
        return np.where(pc.d[:, None] > 0, w, 0.0)
    if rcond is not None:
        rcond = check_positive(rcond, "rcond")
    return _fisher_solve(policy, pc, _reg_gradient(mdp, policy, tau, pc, logpi, Vt, Qt), rcond)


def regularized_npg_update(mdp, policy: Policy | str, theta, eta, tau, rho=None) -> np.ndarray:
    r"""One entropy-regularised NPG step (Cen et al. 2021, update (18)).

    For :class:`SoftmaxPolicy`, in closed form at every state,

    .. math::

        \theta_{t+1} = \theta_t + \frac{\eta}{1-\gamma}\big(Q_\tau^{\pi_t} - \tau\log\pi_t\big)
        \ \Longleftrightarrow\
        \pi_{t+1}(a|s)\propto\pi_t(a|s)^{1-\frac{\eta\tau}{1-\gamma}}
        \exp\!\Big(\frac{\eta\,Q_\tau^{\pi_t}(s,a)}{1-\gamma}\Big);

    :math:`\eta = (1-\gamma)/\tau` gives soft policy iteration. Cen et al.'s Theorem 1 needs
    :math:`0 < \eta \le (1-\gamma)/\tau`; larger steps are accepted but not covered by it.
    Other smooth parameterisations use :func:`regularized_natural_gradient`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy or LogLinearPolicy
    theta : array, shape ``policy.param_shape``
    eta : float
        Step size, > 0.
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``; does not affect the softmax step).

    Returns
    -------
    theta_next : ndarray, same shape as ``theta``

    References
    ----------
    Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Eq. (18), Algorithm 1, Theorem 1.
    """
    policy = _prepare(mdp, policy)
    eta = check_positive(eta, "eta", step=True)
    if isinstance(policy, DirectPolicy):
        raise ValidationError("regularized_npg_update does not support DirectPolicy. "
                              "Fix: use SoftmaxPolicy or LogLinearPolicy.")
    if isinstance(policy, SoftmaxPolicy):
        tau, pc, logpi, Vt, Qt = _soft_pieces(mdp, policy, theta, tau, rho)
        return pc.theta + eta * (Qt - tau * logpi) / (1.0 - mdp.gamma)
    w = regularized_natural_gradient(mdp, policy, theta, tau, rho, method="lstsq")
    return np.asarray(theta, dtype=np.float64) + eta * w


def _reg_hessian_setup(mdp, policy, theta, tau, rho):
    if not isinstance(policy, _HESS_SUPPORTED):
        raise ValidationError(f"the exact regularised Hessian is available for SoftmaxPolicy, LogLinearPolicy and "
                              f"DirectPolicy; got {type(policy).__name__}.")
    tau, pc, logpi, Vt, Qt = _soft_pieces(mdp, policy, theta, tau, rho)
    if isinstance(policy, DirectPolicy) and np.any((pc.pi <= 0) & (pc.d[:, None] > 0)):
        raise ValidationError("the entropy-regularised Hessian is infinite where pi(a|s) = 0 at a visited state. "
                              "Fix: use a full-support policy (e.g. softmax).")
    q = Qt - tau * np.where(np.isfinite(logpi), logpi, 0.0) - tau
    return tau, pc, q


def regularized_hessian(mdp, policy: Policy | str, theta, tau, rho=None) -> np.ndarray:
    r"""Exact Hessian of the entropy-regularised objective :math:`J_\tau(\theta) = \rho^\top V_\tau^{\pi_\theta}`.

    Differentiating :math:`(I-\gamma P_\pi)V_\tau = \sum_a\pi(r-\tau\log\pi)` twice gives the Hessian
    of :func:`~pgtheory.policies.hessian` with :math:`Q^\pi` replaced by
    :math:`\tilde Q = Q_\tau^\pi - \tau\log\pi - \tau`, plus the entropy's own curvature
    :math:`-\tau\sum_{s,a} d(s)\,\partial_i\pi\,\partial_j\pi/\pi`, which is :math:`-\tau` times the
    Fisher matrix:

    .. math::

        \nabla^2 J_\tau = \frac{1}{1-\gamma}\Big[\tilde C + \gamma\big(J_\pi^\top D\tilde G
        + \tilde G^\top D J_\pi\big) - \tau F_\rho(\theta)\Big],

    with :math:`\tilde C`, :math:`\tilde G` built from :math:`\tilde Q` (notation of
    :mod:`pgtheory.policies._hessian`).

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy, LogLinearPolicy or DirectPolicy (full support at visited states)
    theta : array, shape ``policy.param_shape``
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    H : ndarray, shape (n, n)
        Symmetric.

    References
    ----------
    Mei, Xiao, Szepesvári, Schuurmans (2020), arXiv:2005.06392, Sec. 5 (the regularised objective is
    :math:`(8 + \tau(4 + 8\log|A|))/(1-\gamma)^3`-smooth for softmax) [R].
    Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Sec. 2 (definitions).
    """
    policy = _prepare(mdp, policy)
    tau, pc, q = _reg_hessian_setup(mdp, policy, theta, tau, rho)
    H = _hessian_core(mdp, policy, pc, q) - tau * _fisher_from_pieces(policy, pc) / (1.0 - mdp.gamma)
    return 0.5 * (H + H.T)


def regularized_hessian_vector_product(mdp, policy: Policy | str, theta, v, tau, rho=None) -> np.ndarray:
    r"""Exact :math:`\nabla^2 J_\tau(\theta)\,v` without forming the Hessian.

    The Fisher term is applied as :math:`F v = J_\pi^\top D\,\mathrm{diag}(1/\pi)\,J_\pi v`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : SoftmaxPolicy, LogLinearPolicy or DirectPolicy
    theta : array, shape ``policy.param_shape``
    v : array, shape ``policy.param_shape``
        Direction.
    tau : float
        Regularisation strength, > 0.
    rho : array, shape (S,), optional
        Start distribution (default ``mdp.rho``).

    Returns
    -------
    Hv : ndarray, same shape as ``theta``

    See Also
    --------
    regularized_hessian : formula and references.
    """
    policy = _prepare(mdp, policy)
    tau, pc, q = _reg_hessian_setup(mdp, policy, theta, tau, rho)
    v = _check_direction(v, pc.theta.shape)
    jv = _jvp(policy, pc.theta, pc.pi, v)
    ratio = np.divide(jv, pc.pi, out=np.zeros_like(jv), where=pc.pi > 0)
    Fv = _vjp(policy, pc.theta, pc.pi, pc.d[:, None] * ratio).reshape(pc.theta.shape)
    return _hvp_core(mdp, policy, pc, q, v) - tau * Fv / (1.0 - mdp.gamma)
