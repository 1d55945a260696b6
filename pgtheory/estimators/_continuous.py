r"""Score-function gradient and Hessian-vector estimators for the continuous models.

Two layers:

* ``*_from_noise`` functions (NumPy reference, batched over a leading axis ``R``): they take the
  parameters and the *standardised noise* of one trajectory per row and return one estimate per
  row.  The batched algorithm runners (``pgtheory.algorithms.igt`` / ``harpg``) and their Numba
  kernels consume the same noise arrays, so NumPy and Numba paths agree to rounding.
* public estimators taking ``rng`` and ``n`` and returning a :class:`~pgtheory.results.GradientEstimate`
  (mean over ``n`` independent trajectories, per-coordinate standard error).

Estimators (one trajectory :math:`\tau` of length ``H``, rewards :math:`r_h`):

.. math::
    \tilde\nabla J(\tau,\theta) = \sum_{h<H} G_h\,\nabla\log\pi_\theta(a_h|s_h),\qquad
    G_h = \sum_{t=h}^{H-1}\gamma^t r_t \quad\text{(GPOMDP, baseline-free)},

.. math::
    \tilde\nabla^2 J(\tau,\theta)\,v = \tilde\nabla J(\tau,\theta)\,\Big(\sum_{h<H}\nabla\log\pi_\theta(a_h|s_h)^\top v\Big)
      + \sum_{h<H} G_h\,\nabla^2\log\pi_\theta(a_h|s_h)\,v,

the unbiased policy-Hessian estimator :math:`\nabla\Phi\,\nabla\log p^\top + \nabla^2\Phi` with
:math:`\Phi = \sum_h G_h\log\pi_\theta(a_h|s_h)`; both are unbiased for the *truncated* objective
:math:`J_H`.  For the one-step bandit ``H = 1`` and ``J_H = J``.

References
----------
.. [1] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. ICML 2023, arXiv:2302.01734 (the estimators
   used in Algorithms 1-2; their exact form was not readable in the full text here and follows
   the authors' code and the standard Hessian estimator).
.. [2] Z. Shen, A. Ribeiro, H. Hassani, H. Qian, C. Mi. Hessian aided policy gradient. ICML 2019.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_positive_int
from ..errors import ShapeError
from ..results import GradientEstimate

__all__ = [
    "cauchy_bandit_uniforms", "cauchy_bandit_transform", "cauchy_bandit_noise", "cauchy_bandit_grad_from_noise", "cauchy_bandit_hvp_from_noise",
    "cauchy_bandit_gradient", "cauchy_bandit_hvp",
    "lqr_noise", "lqr_factors", "lqr_grad_from_noise", "lqr_hvp_from_noise", "lqr_gradient", "lqr_hvp",
    "harpg_correction",
]


def _rng_and_shape(rng, shape):
    """``(Generator, batch shape tuple)`` from an ``rng`` argument and an int or tuple ``shape``."""
    return np.random.default_rng(rng), tuple(np.atleast_1d(shape))


# ---------------------------------------------------------------------------------------------
# Cauchy-linear contextual bandit (H = 1)
# ---------------------------------------------------------------------------------------------
def cauchy_bandit_uniforms(rng, shape) -> np.ndarray:
    """Raw noise of ``shape`` one-step trajectories: uniforms of shape ``shape + (2,)``
    (context draw, action draw); see :func:`cauchy_bandit_transform`.

    Parameters
    ----------
    rng : Generator or int seed
    shape : int or tuple
        Batch shape.

    Returns
    -------
    array, shape ``shape + (2,)``
    """
    rng, shape = _rng_and_shape(rng, shape)
    return rng.random(shape + (2,))


def cauchy_bandit_transform(bandit, u) -> tuple:
    r"""Map uniforms ``u[..., 0:2]`` to ``(context, xi)``: inverse-CDF context draw from
    ``context_probs`` and :math:`\xi = \tan(\pi(u - 1/2))` (standard Cauchy).

    Parameters
    ----------
    bandit : CauchyContextualBandit
    u : array (..., 2)
        Uniforms from :func:`cauchy_bandit_uniforms`.

    Returns
    -------
    (contexts, xi) : int64 array (...), float array (...)
    """
    cum = np.cumsum(bandit.context_probs)
    ctx = np.minimum(np.searchsorted(cum, u[..., 0], side="right"), cum.size - 1).astype(np.int64)
    return ctx, np.tan(np.pi * (u[..., 1] - 0.5))


def cauchy_bandit_noise(bandit, rng, shape) -> tuple:
    """Standardised noise of ``shape`` one-step trajectories: ``(contexts int64, xi standard Cauchy)``.

    Parameters
    ----------
    bandit : CauchyContextualBandit
    rng : Generator or int seed
    shape : int or tuple
        Batch shape.

    Returns
    -------
    (contexts, xi) : arrays of shape ``shape``
    """
    return cauchy_bandit_transform(bandit, cauchy_bandit_uniforms(rng, shape))


def _bandit_terms(bandit, theta, ctx, xi):
    phi = bandit.features[ctx]  # (R, d)
    u = bandit.sigma * xi
    a = np.einsum("rd,rd->r", phi, theta) + u
    r = np.exp(-0.5 * (a - bandit.targets[ctx]) ** 2)
    s2 = bandit.sigma**2
    g1 = 2 * u / (s2 + u * u)
    g2 = 2 * (u * u - s2) / (s2 + u * u) ** 2
    return phi, r, g1, g2


def cauchy_bandit_grad_from_noise(bandit, theta, ctx, xi) -> np.ndarray:
    r"""Per-row :math:`r(s,a)\,\nabla\log\pi_\theta(a|s)`, ``theta`` (R, d) -> (R, d).

    With :math:`a = \theta^\top\phi(s) + \sigma\xi`, :math:`u = \sigma\xi`:
    :math:`\tilde\nabla J = r\,\frac{2u}{\sigma^2+u^2}\,\phi(s)`.

    Parameters
    ----------
    bandit : CauchyContextualBandit
    theta : array (R, d)
        One parameter per row.
    ctx : int array (R,)
        Contexts.
    xi : array (R,)
        Standard Cauchy action noise.

    Returns
    -------
    array (R, d)
    """
    phi, r, g1, _ = _bandit_terms(bandit, theta, ctx, xi)
    return (r * g1)[:, None] * phi


def cauchy_bandit_hvp_from_noise(bandit, theta, v, ctx, xi) -> np.ndarray:
    r"""Per-row :math:`r\,[\nabla\log\pi\nabla\log\pi^\top + \nabla^2\log\pi]\,v
    = r\,(g_1^2 + g_2)(\phi^\top v)\,\phi`, with :math:`g_1 = 2u/(\sigma^2+u^2)`,
    :math:`g_2 = 2(u^2-\sigma^2)/(\sigma^2+u^2)^2`; ``theta``, ``v`` (R, d) -> (R, d).

    Parameters
    ----------
    bandit : CauchyContextualBandit
    theta, v : array (R, d)
        Points and directions, one per row.
    ctx : int array (R,)
    xi : array (R,)

    Returns
    -------
    array (R, d)
    """
    phi, r, g1, g2 = _bandit_terms(bandit, theta, ctx, xi)
    return (r * (g1 * g1 + g2) * np.einsum("rd,rd->r", phi, v))[:, None] * phi


def _estimate(samples, estimator, n_steps) -> GradientEstimate:
    n = samples.shape[0]
    return GradientEstimate(mean=samples.mean(axis=0), stderr=samples.std(axis=0, ddof=1) / np.sqrt(n),
                            n_trajectories=n, n_steps=n_steps, samples=samples, estimator=estimator,
                            backend="numpy")


def cauchy_bandit_gradient(bandit, theta, n: int, rng=None) -> GradientEstimate:
    r"""Monte-Carlo :math:`\nabla J(\theta)` from ``n`` one-step trajectories (REINFORCE = GPOMDP at H=1).

    Parameters
    ----------
    bandit : CauchyContextualBandit
    theta : array (d,)
    n : int
        Number of trajectories.
    rng : Generator or int seed

    Returns
    -------
    GradientEstimate
        ``mean`` (d,), ``stderr`` (d,), ``samples`` (n, d).
    """
    theta = bandit.policy.check_theta(theta)
    n = check_positive_int(n, "n", minimum=2)
    ctx, xi = cauchy_bandit_noise(bandit, rng, n)
    g = cauchy_bandit_grad_from_noise(bandit, np.broadcast_to(theta, (n, theta.size)), ctx, xi)
    return _estimate(g, "reinforce", n)


def cauchy_bandit_hvp(bandit, theta, v, n: int, rng=None) -> GradientEstimate:
    r"""Monte-Carlo :math:`\nabla^2 J(\theta)\,v` from ``n`` one-step trajectories (see module docstring).

    Parameters
    ----------
    bandit : CauchyContextualBandit
    theta, v : array (d,)
        Point and direction.
    n : int
        Number of trajectories.
    rng : Generator or int seed

    Returns
    -------
    GradientEstimate
    """
    theta = bandit.policy.check_theta(theta)
    v = bandit.policy.check_theta(v, "v")
    n = check_positive_int(n, "n", minimum=2)
    ctx, xi = cauchy_bandit_noise(bandit, rng, n)
    h = cauchy_bandit_hvp_from_noise(bandit, np.broadcast_to(theta, (n, theta.size)),
                                     np.broadcast_to(v, (n, v.size)), ctx, xi)
    return _estimate(h, "hessian-vector", n)


# ---------------------------------------------------------------------------------------------
# LQR with a Gaussian linear policy (length-H rollouts)
# ---------------------------------------------------------------------------------------------
def lqr_noise(lqr, rng, shape, H: int) -> tuple:
    r"""Standardised noise of ``shape`` rollouts: ``z0`` (..., n), ``xi`` (..., H, m), ``zw`` (..., H, n),
    all standard normal; :math:`x_0 = L_0 z_0`, :math:`w_t = L_W z_{w,t}` with Cholesky-type factors.

    Parameters
    ----------
    lqr : LQR
    rng : Generator or int seed
    shape : int or tuple
        Batch shape.
    H : int
        Rollout length.

    Returns
    -------
    (z0, xi, zw) : arrays
    """
    rng, shape = _rng_and_shape(rng, shape)
    z0 = rng.standard_normal(shape + (lqr.n,))
    xi = rng.standard_normal(shape + (H, lqr.m))
    zw = rng.standard_normal(shape + (H, lqr.n))
    return z0, xi, zw


def _sqrt_psd(M):
    w, V = np.linalg.eigh(M)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T


def lqr_factors(lqr) -> tuple:
    """Symmetric square roots ``(L0, LW)`` of ``Sigma0`` and ``W`` (work for singular covariances)."""
    return _sqrt_psd(lqr.Sigma0), _sqrt_psd(lqr.W)


def _lqr_rollout(lqr, K, z0, xi, zw):
    r"""Roll out ``R`` trajectories of :math:`u_h = -K x_h + \sigma\xi_h` from standardised noise.

    Parameters
    ----------
    lqr : LQR
    K : array (R, m, n)
        Gains, one per row.
    z0, xi, zw : arrays (R, n), (R, H, m), (R, H, n)
        Standardised noise (see :func:`lqr_noise`).

    Returns
    -------
    (xs, G) : arrays (R, H, n), (R, H)
        States and discounted reward-to-go :math:`G_h = \sum_{t\ge h}\gamma^t r_t`.
    """
    L0, LW = lqr_factors(lqr)
    R_, H = xi.shape[0], xi.shape[1]
    x = z0 @ L0.T
    xs = np.empty((R_, H, lqr.n))
    rew = np.empty((R_, H))
    for h in range(H):
        u = -np.einsum("rmn,rn->rm", K, x) + lqr.sigma * xi[:, h]
        xs[:, h] = x
        rew[:, h] = -(np.einsum("rn,nk,rk->r", x, lqr.Q, x) + np.einsum("rm,mk,rk->r", u, lqr.R, u))
        x = x @ lqr.A.T + u @ lqr.B.T + zw[:, h] @ LW.T
    disc = lqr.gamma ** np.arange(H)
    G = np.cumsum((rew * disc)[:, ::-1], axis=1)[:, ::-1]
    return xs, G


def lqr_grad_from_noise(lqr, K, z0, xi, zw) -> np.ndarray:
    r"""Per-row GPOMDP estimate of :math:`\nabla_K J_H`, ``K`` (R, m, n) -> (R, m, n).

    Score of :math:`u = -Kx + \sigma\xi`: :math:`\nabla_K\log\pi = -\xi x^\top/\sigma`;
    estimate :math:`\sum_h G_h(-\xi_h x_h^\top/\sigma)` with :math:`G_h` the discounted reward-to-go.

    Parameters
    ----------
    lqr : LQR
    K : array (R, m, n)
        One gain per row.
    z0, xi, zw : arrays (R, n), (R, H, m), (R, H, n)
        Standardised noise of :func:`lqr_noise`.

    Returns
    -------
    array (R, m, n)
    """
    xs, G = _lqr_rollout(lqr, K, z0, xi, zw)
    return -np.einsum("rh,rhm,rhn->rmn", G, xi, xs) / lqr.sigma


def lqr_hvp_from_noise(lqr, K, V, z0, xi, zw) -> np.ndarray:
    r"""Per-row estimate of :math:`\nabla^2_K J_H[V]` (module docstring), ``K``, ``V`` (R, m, n).

    Uses :math:`\nabla^2_K\log\pi[V] = -Vxx^\top/\sigma^2`.

    Parameters
    ----------
    lqr : LQR
    K, V : array (R, m, n)
        Gains and directions.
    z0, xi, zw : arrays
        Standardised noise of :func:`lqr_noise`.

    Returns
    -------
    array (R, m, n)
    """
    xs, G = _lqr_rollout(lqr, K, z0, xi, zw)
    grad = -np.einsum("rh,rhm,rhn->rmn", G, xi, xs) / lqr.sigma
    score_dot_v = -np.einsum("rhm,rhn,rmn->r", xi, xs, V) / lqr.sigma
    Vx = np.einsum("rmn,rhn->rhm", V, xs)
    hess_term = -np.einsum("rh,rhm,rhn->rmn", G, Vx, xs) / lqr.sigma**2
    return grad * score_dot_v[:, None, None] + hess_term


def _check_H(H):
    return check_positive_int(H, "H")


def lqr_gradient(lqr, K, n: int, H: int, rng=None) -> GradientEstimate:
    r"""Monte-Carlo :math:`\nabla_K J_H(K)` (GPOMDP) from ``n`` rollouts of length ``H``.

    Parameters
    ----------
    lqr : LQR
    K : array (m, n)
    n, H : int
    rng : Generator or int seed

    Returns
    -------
    GradientEstimate
        ``mean`` (m, n) estimates :math:`\nabla J_H = -\nabla C_H` (see ``LQR.finite_horizon_cost_gradient``).
    """
    K = lqr.check_gain(K, stabilizing=False)
    n = check_positive_int(n, "n", minimum=2)
    H = _check_H(H)
    z0, xi, zw = lqr_noise(lqr, rng, n, H)
    g = lqr_grad_from_noise(lqr, np.broadcast_to(K, (n,) + K.shape), z0, xi, zw)
    return _estimate(g, "gpomdp", n * H)


def lqr_hvp(lqr, K, V, n: int, H: int, rng=None) -> GradientEstimate:
    r"""Monte-Carlo :math:`\nabla^2_K J_H(K)[V]` from ``n`` rollouts of length ``H``.

    Parameters
    ----------
    lqr : LQR
    K, V : array (m, n)
        Gain and direction.
    n, H : int
        Number and length of rollouts.
    rng : Generator or int seed

    Returns
    -------
    GradientEstimate
    """
    K = lqr.check_gain(K, stabilizing=False)
    V = as_float_array(V, "V")
    if V.shape != K.shape:
        raise ShapeError(f"V must have the shape of K {K.shape}; got {V.shape}. Fix: pass a direction like K.")
    n = check_positive_int(n, "n", minimum=2)
    H = _check_H(H)
    z0, xi, zw = lqr_noise(lqr, rng, n, H)
    h = lqr_hvp_from_noise(lqr, np.broadcast_to(K, (n,) + K.shape), np.broadcast_to(V, (n,) + K.shape), z0, xi, zw)
    return _estimate(h, "hessian-vector", n * H)


def harpg_correction(model, theta, theta_prev, n: int, rng=None, H: int | None = None) -> GradientEstimate:
    r"""HARPG's correction :math:`v = \tilde\nabla^2 J(\hat\tau, \hat\theta)(\theta - \theta')`,
    :math:`\hat\theta = q\theta + (1-q)\theta'`, :math:`q\sim U[0,1]`, averaged over ``n`` draws.

    Unbiased for :math:`\nabla J_H(\theta) - \nabla J_H(\theta')` (fundamental theorem of calculus
    along the segment); ``model`` is a ``CauchyContextualBandit`` or an ``LQR`` (then ``H`` is required).

    Parameters
    ----------
    model : CauchyContextualBandit or LQR
    theta, theta_prev : array
        Current and previous parameter.
    n : int
        Number of draws.
    rng : Generator or int seed
    H : int, optional
        Rollout length (LQR only).

    Returns
    -------
    GradientEstimate
    """
    rng = np.random.default_rng(rng)
    n = check_positive_int(n, "n", minimum=2)
    theta = np.asarray(theta, dtype=np.float64)
    theta_prev = np.asarray(theta_prev, dtype=np.float64)
    if theta.shape != theta_prev.shape:
        raise ShapeError(f"theta_prev must have the shape of theta {theta.shape}; got {theta_prev.shape}.")
    q = rng.random(n)
    qs = q.reshape((n,) + (1,) * theta.ndim)
    hat = qs * theta + (1 - qs) * theta_prev
    delta = np.broadcast_to(theta - theta_prev, (n,) + theta.shape)
    if hasattr(model, "features"):
        ctx, xi = cauchy_bandit_noise(model, rng, n)
        v = cauchy_bandit_hvp_from_noise(model, hat, delta, ctx, xi)
        steps = n
    else:
        H = _check_H(H)
        z0, xi, zw = lqr_noise(model, rng, n, H)
        v = lqr_hvp_from_noise(model, hat, delta, z0, xi, zw)
        steps = n * H
    return _estimate(v, "harpg-correction", steps)
