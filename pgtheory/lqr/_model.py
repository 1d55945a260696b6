r"""Discounted LQR with a Gaussian linear policy: exact cost, exact gradient, Riccati optimum.

Dynamics :math:`x_{t+1} = A x_t + B u_t + w_t`, :math:`w_t \sim N(0, W)`,
:math:`x_0 \sim N(0, \Sigma_0)`; policy :math:`u_t = -K x_t + \sigma\xi_t`,
:math:`\xi_t \sim N(0, I_m)`; per-step cost :math:`c_t = x_t^\top Q x_t + u_t^\top R u_t`;
discounted cost :math:`C(K) = \mathbb E\sum_{t\ge0}\gamma^t c_t` and objective
:math:`J(K) = -C(K)` (maximised, to match the policy-gradient convention).

Exact oracle (derivation in the docstrings below).  With :math:`A_K = A - BK`,
:math:`\tilde W = W + \sigma^2 BB^\top`:

* :math:`P_K` solves :math:`P = Q + K^\top R K + \gamma A_K^\top P A_K`;
* :math:`C(K) = \operatorname{tr}(P_K\Sigma_0) + \big(\sigma^2\operatorname{tr}R
  + \gamma\operatorname{tr}(P_K\tilde W)\big)/(1-\gamma)`;
* :math:`\nabla_K C = 2\big[(R + \gamma B^\top P_K B)K - \gamma B^\top P_K A\big]\Sigma_K`,
  :math:`\Sigma_K = \Sigma_0 + \tfrac{\gamma}{1-\gamma}\tilde W + \gamma A_K\Sigma_K A_K^\top`;
* optimum (for every :math:`\sigma`): :math:`P^\star` = ``solve_discrete_are(sqrt(g) A, sqrt(g) B, Q, R)``,
  :math:`K^\star = \gamma(R + \gamma B^\top P^\star B)^{-1}B^\top P^\star A`.

``C(K)`` is finite iff :math:`\rho(\sqrt\gamma A_K) < 1` ("stabilizing" in the discounted sense).
For a non-stabilizing gain the cost-type quantities (:meth:`LQR.cost`, :meth:`LQR.objective`,
:meth:`LQR.suboptimality`) return ``inf`` (``-inf`` for the objective), entry by entry in a batch:
the true value is infinite.  The quantities that have no finite meaning there
(:meth:`LQR.value_matrix`, :meth:`LQR.state_covariance`, :meth:`LQR.cost_gradient`,
:meth:`LQR.gradient`) raise :class:`UnstableGainError` instead: the Lyapunov equations still have a
(unique, finite) solution when no product of closed-loop eigenvalues equals :math:`1/\gamma`, but it
is not the infinite series they stand for (it is typically indefinite), so returning it would be a
silently wrong answer.  The truncated objective :math:`J_H` that the
trajectory estimators are unbiased for (length-``H`` rollouts) is :meth:`LQR.finite_horizon_cost`.

Caveat (documented, not hidden): states, rewards and the Gaussian score are unbounded, so the
bounded-score "regularity" of Fatkhullin et al. (2023) fails here and their Lemma 1 is vacuous
(:math:`M_g = \infty`); LQR is an empirical illustration, not a test of their theorems.

References
----------
.. [1] M. Fazel, R. Ge, S. Kakade, M. Mesbahi. Global convergence of policy gradient methods for
   the linear quadratic regulator. ICML 2018, arXiv:1801.05039 (gradient formula, Lemma 1).
.. [2] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. ICML 2023, arXiv:2302.01734.
"""

from __future__ import annotations
from scipy.linalg import solve_discrete_are

import dataclasses
import functools

import numpy as np

from .._validate import as_float_array, check_gamma, check_positive, check_shape
from ..errors import ShapeError, ValidationError
from ..policies import GaussianLinearPolicy

__all__ = ["LQR", "UnstableGainError", "make_lqr"]


class UnstableGainError(ValidationError):
    """A gain ``K`` does not stabilise the discounted closed loop (``rho(sqrt(gamma)(A-BK)) >= 1``)."""


def _check_psd(M, name, strict):
    if not np.allclose(M, M.T, atol=1e-12 * max(1.0, np.abs(M).max())):
        raise ValidationError(f"{name} must be symmetric. Fix: use ({name} + {name}.T) / 2.")
    lo = np.linalg.eigvalsh(M)[0]
    if (strict and lo <= 0) or (not strict and lo < -1e-12):
        raise ValidationError(f"{name} must be positive {'definite' if strict else 'semi-definite'}; "
                              f"smallest eigenvalue {lo:.3g}. Fix: add a multiple of the identity.")


def _lyap_batch(F: np.ndarray, M: np.ndarray, gamma: float) -> np.ndarray:
    r"""Solve :math:`X = M + \gamma F X F^\top` for a batch; ``F`` (..., n, n), ``M`` (..., n, n).

    Kronecker form :math:`(I - \gamma F\otimes F)\,\mathrm{vec}X = \mathrm{vec}M` (row-major vec),
    fine for the small ``n`` used here.
    """
    n = F.shape[-1]
    kron = np.einsum("...ij,...kl->...ikjl", F, F).reshape(*F.shape[:-2], n * n, n * n)
    lhs = np.eye(n * n) - gamma * kron
    rhs = np.broadcast_to(M, F.shape[:-2] + (n, n)).reshape(*F.shape[:-2], n * n)
    return np.linalg.solve(lhs, rhs[..., None])[..., 0].reshape(F.shape)


@dataclasses.dataclass(frozen=True)
class LQR:
    r"""Discounted stochastic LQR with a Gaussian linear policy (see module docstring).

    Parameters
    ----------
    A : array (n, n)
    B : array (n, m)
    Q : array (n, n), symmetric PSD
    R : array (m, m), symmetric PD
    W : array (n, n), symmetric PSD — process-noise covariance
    Sigma0 : array (n, n), symmetric PSD — initial-state covariance
    gamma : float in [0, 1)
    sigma : float > 0 — exploration standard deviation of the policy
    """

    A: np.ndarray
    B: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    W: np.ndarray
    Sigma0: np.ndarray
    gamma: float
    sigma: float

    def __post_init__(self):
        A = as_float_array(self.A, "A", ndim=2)
        n = A.shape[0]
        check_shape(A, (n, n), "A", "Fix: A must be square (n, n).")
        B = as_float_array(self.B, "B", ndim=2)
        check_shape(B, (n, None), "B", "Fix: B must have shape (n, m) with n = A.shape[0].")
        m = B.shape[1]
        Q = as_float_array(self.Q, "Q", ndim=2)
        check_shape(Q, (n, n), "Q")
        R = as_float_array(self.R, "R", ndim=2)
        check_shape(R, (m, m), "R", "Fix: R must be (m, m) with m = B.shape[1].")
        W = as_float_array(self.W, "W", ndim=2)
        check_shape(W, (n, n), "W")
        S0 = as_float_array(self.Sigma0, "Sigma0", ndim=2)
        check_shape(S0, (n, n), "Sigma0")
        _check_psd(Q, "Q", False)
        _check_psd(R, "R", True)
        _check_psd(W, "W", False)
        _check_psd(S0, "Sigma0", False)
        for k, v in dict(A=A, B=B, Q=Q, R=R, W=W, Sigma0=S0).items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "gamma", check_gamma(self.gamma))
        object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))

    # ---- structure -------------------------------------------------------------------
    @property
    def n(self) -> int:
        """State dimension."""
        return self.A.shape[0]

    @property
    def m(self) -> int:
        """Action dimension."""
        return self.B.shape[1]

    @property
    def param_shape(self) -> tuple:
        """Shape ``(m, n)`` of the gain ``K``."""
        return (self.m, self.n)

    @property
    def policy(self) -> GaussianLinearPolicy:
        """The Gaussian linear policy class."""
        return GaussianLinearPolicy(self.n, self.m, self.sigma)

    @property
    def W_tilde(self) -> np.ndarray:
        r""":math:`W + \sigma^2 BB^\top`: total per-step state noise under the policy."""
        return self.W + self.sigma**2 * self.B @ self.B.T

    def check_gain(self, K, name: str = "K", stabilizing: bool = True) -> np.ndarray:
        """Validate a gain of shape ``(m, n)`` (or a batch ``(..., m, n)``); optionally require stability."""
        K = as_float_array(K, name)
        if K.ndim < 2 or K.shape[-2:] != self.param_shape:
            raise ShapeError(f"{name} must have shape (..., {self.m}, {self.n}); got {K.shape}. "
                             f"Fix: K maps states (n={self.n}) to actions (m={self.m}).")
        if stabilizing:
            rho = self.spectral_radius(K)
            if np.any(rho >= 1.0):
                where = "" if K.ndim == 2 else f"{name}[{', '.join(map(str, np.argwhere(rho >= 1.0)[0]))}]: "
                raise UnstableGainError(
                    f"{name} is not stabilizing ({where}rho(sqrt(gamma) (A - B K)) = {np.max(rho):.4g} >= 1), so the "
                    f"discounted cost is infinite. Fix: start from a stabilizing gain, e.g. lqr.optimal_gain() "
                    f"or a small multiple of it, or K = 0 when rho(sqrt(gamma) A) < 1.")
        return K

    def closed_loop(self, K) -> np.ndarray:
        """:math:`A - BK`, batched."""
        return self.A - self.B @ np.asarray(K)

    def spectral_radius(self, K) -> np.ndarray:
        r""":math:`\rho(\sqrt\gamma (A - BK))`, batched; < 1 iff the discounted cost is finite."""
        return np.sqrt(self.gamma) * np.max(np.abs(np.linalg.eigvals(self.closed_loop(K))), axis=-1)

    # ---- exact oracle ----------------------------------------------------------------
    def _value_matrix(self, K) -> np.ndarray:
        AK = self.closed_loop(K)
        M = self.Q + np.swapaxes(K, -1, -2) @ self.R @ K
        return _lyap_batch(np.swapaxes(AK, -1, -2), M, self.gamma)

    def value_matrix(self, K) -> np.ndarray:
        r""":math:`P_K = \sum_t \gamma^t (A_K^\top)^t (Q + K^\top RK) A_K^t`, batched ``(..., n, n)``.

        It solves :math:`P = Q + K^\top RK + \gamma A_K^\top P A_K`.

        Parameters
        ----------
        K : array (..., m, n)
            Gain(s); every one must be stabilizing.

        Returns
        -------
        ndarray (..., n, n)

        Raises
        ------
        UnstableGainError
            If some ``K`` has :math:`\rho(\sqrt\gamma(A - BK)) \ge 1`: the series diverges (the
            Lyapunov equation's solution, when it exists, is not :math:`P_K`).
        """
        return self._value_matrix(self.check_gain(K))

    def state_covariance(self, K) -> np.ndarray:
        r"""Discounted state second moment :math:`\Sigma_K = \sum_t\gamma^t\mathbb E[x_tx_t^\top]`, batched.

        Parameters
        ----------
        K : array (..., m, n)
            Gain(s); every one must be stabilizing.

        Returns
        -------
        ndarray (..., n, n)

        Raises
        ------
        UnstableGainError
            If some ``K`` is not stabilizing (the series diverges).
        """
        AK = self.closed_loop(self.check_gain(K))
        M = self.Sigma0 + self.gamma / (1 - self.gamma) * self.W_tilde
        return _lyap_batch(AK, M, self.gamma)

    def cost(self, K) -> np.ndarray:
        r"""Exact discounted cost :math:`C(K)`, batched; ``inf`` where ``K`` is not stabilizing.

        .. math:: C(K) = \operatorname{tr}(P_K\Sigma_0) + \frac{\sigma^2\operatorname{tr}R
                  + \gamma\operatorname{tr}(P_K\tilde W)}{1-\gamma}.

        Parameters
        ----------
        K : array (..., m, n)

        Returns
        -------
        ndarray (...)
            ``inf`` exactly where :math:`\rho(\sqrt\gamma(A-BK)) \ge 1` (the cost is infinite
            there); the Lyapunov equation is solved only for the stabilizing gains.
        """
        K = self.check_gain(K, stabilizing=False)
        stable = self.spectral_radius(K) < 1.0
        c = np.full(stable.shape, np.inf)
        if np.any(stable):
            P = self._value_matrix(K[stable])
            c[stable] = (np.einsum("...ij,ji->...", P, self.Sigma0)
                         + (self.sigma**2 * np.trace(self.R) + self.gamma * np.einsum("...ij,ji->...", P, self.W_tilde))
                         / (1 - self.gamma))
        return c[()] if c.ndim == 0 else c

    def objective(self, K) -> np.ndarray:
        """:math:`J(K) = -C(K)`."""
        return -self.cost(K)

    def cost_gradient(self, K) -> np.ndarray:
        r""":math:`\nabla_K C = 2[(R+\gamma B^\top P_KB)K - \gamma B^\top P_KA]\Sigma_K`, batched ``(..., m, n)``.

        Raises
        ------
        UnstableGainError
            If some ``K`` is not stabilizing: :math:`C` is infinite on a neighbourhood of ``K``,
            so there is no gradient (the formula would return finite, meaningless numbers).
        """
        K = self.check_gain(K)
        P = self._value_matrix(K)
        S = self.state_covariance(K)
        Bt = self.B.T
        E = (self.R + self.gamma * Bt @ P @ self.B) @ K - self.gamma * Bt @ P @ self.A
        return 2.0 * E @ S

    def gradient(self, K) -> np.ndarray:
        """Exact :math:`\\nabla J = -\\nabla C`; raises :class:`UnstableGainError` for a non-stabilizing ``K``."""
        return -self.cost_gradient(K)

    @functools.cached_property
    def _riccati(self) -> np.ndarray:
        g = np.sqrt(self.gamma)
        fix = ("Fix: make (sqrt(gamma) A, sqrt(gamma) B) stabilizable (an actuator on every mode with "
               "|eigenvalue| >= 1/sqrt(gamma)) and (A, Q) detectable (e.g. Q positive definite), or lower gamma.")
        try:
            P = solve_discrete_are(g * self.A, g * self.B, self.Q, self.R)
        except np.linalg.LinAlgError as exc:
            raise UnstableGainError(f"A, B: the discounted Riccati equation has no stabilizing solution ({exc}), "
                                    f"so no gain has finite cost or the optimum is not attained. {fix}") from exc
        K = self.gamma * np.linalg.solve(self.R + self.gamma * self.B.T @ P @ self.B, self.B.T @ P @ self.A)
        if not self.spectral_radius(K) < 1.0:
            raise UnstableGainError(f"A, B, Q: the Riccati solution's gain is not stabilizing "
                                    f"(rho(sqrt(gamma)(A - B K*)) = {float(self.spectral_radius(K)):.4g} >= 1). {fix}")
        P.setflags(write=False)
        return P

    def optimal_value_matrix(self) -> np.ndarray:
        """:math:`P^\\star` from ``scipy.linalg.solve_discrete_are(sqrt(gamma) A, sqrt(gamma) B, Q, R)`` (cached).

        Raises :class:`UnstableGainError` when there is no stabilizing solution (``(sqrt(gamma) A,
        sqrt(gamma) B)`` not stabilizable or ``(A, Q)`` not detectable), as do the other ``optimal_*``.
        """
        return self._riccati.copy()

    def optimal_gain(self) -> np.ndarray:
        r""":math:`K^\star = \gamma(R + \gamma B^\top P^\star B)^{-1}B^\top P^\star A` (optimal for every sigma)."""
        P = self.optimal_value_matrix()
        return self.gamma * np.linalg.solve(self.R + self.gamma * self.B.T @ P @ self.B, self.B.T @ P @ self.A)

    @functools.cached_property
    def optimal_cost(self) -> float:
        """:math:`C(K^\\star)` (cached)."""
        return float(self.cost(self.optimal_gain()))

    @property
    def optimal_value(self) -> float:
        """:math:`J^\\star = -C(K^\\star)`."""
        return -self.optimal_cost

    def suboptimality(self, K) -> np.ndarray:
        """:math:`J^\\star - J(K) = C(K) - C(K^\\star)` (``inf`` for non-stabilizing ``K``), batched."""
        return self.cost(K) - self.optimal_cost

    # ---- finite horizon (what length-H rollouts estimate) -----------------------------
    def finite_horizon_cost(self, K, H: int) -> float:
        r"""Exact truncated cost :math:`C_H(K) = \mathbb E\sum_{t<H}\gamma^t c_t` (any ``K``)."""
        K = np.asarray(K, dtype=np.float64)
        AK = self.closed_loop(K)
        Mc = self.Q + K.T @ self.R @ K
        S = self.Sigma0.copy()
        total = 0.0
        for t in range(H):
            total += self.gamma**t * (np.trace(Mc @ S) + self.sigma**2 * np.trace(self.R))
            S = AK @ S @ AK.T + self.W_tilde
        return float(total)

    def finite_horizon_cost_gradient(self, K, H: int) -> np.ndarray:
        r"""Exact :math:`\nabla_K C_H`, shape ``(m, n)``.

        Treating the gain at each step separately and summing:
        :math:`\nabla_K C_H = \sum_{t<H}\gamma^t\,2\big[(R + \gamma B^\top P_{t+1}B)K - \gamma B^\top P_{t+1}A\big]S_t`
        with :math:`S_{t+1} = A_KS_tA_K^\top + \tilde W`, :math:`S_0=\Sigma_0`, and the cost-to-go matrices
        :math:`P_t = Q + K^\top RK + \gamma A_K^\top P_{t+1}A_K`, :math:`P_H = 0`.
        """
        K = np.asarray(K, dtype=np.float64)
        AK = self.closed_loop(K)
        Mc = self.Q + K.T @ self.R @ K
        Ps = [np.zeros((self.n, self.n))]
        for _ in range(H):
            Ps.append(Mc + self.gamma * AK.T @ Ps[-1] @ AK)
        Ps = Ps[::-1]  # Ps[t] = P_t, t = 0..H
        S = self.Sigma0.copy()
        G = np.zeros(self.param_shape)
        for t in range(H):
            P1 = Ps[t + 1]
            E = (self.R + self.gamma * self.B.T @ P1 @ self.B) @ K - self.gamma * self.B.T @ P1 @ self.A
            G += self.gamma**t * 2.0 * E @ S
            S = AK @ S @ AK.T + self.W_tilde
        return G

    def finite_horizon_cost_hvp(self, K, V, H: int, h: float = 1e-5) -> np.ndarray:
        r""":math:`\nabla^2_K C_H[V]` by a central difference of the exact gradient (error :math:`O(h^2)`)."""
        V = np.asarray(V, dtype=np.float64)
        return (self.finite_horizon_cost_gradient(K + h * V, H) - self.finite_horizon_cost_gradient(K - h * V, H)) / (2 * h)


def make_lqr(gamma: float = 0.8, sigma: float = 0.5) -> LQR:
    r"""The 2-state, 1-input instance used by the checks.

    :math:`A = \begin{pmatrix}0.9 & 0.3\\ 0 & 0.8\end{pmatrix}`, :math:`B = (0, 1)^\top`,
    :math:`Q = I`, :math:`R = 1`, :math:`W = 0.01 I`, :math:`\Sigma_0 = 0.5 I`.  ``A`` is stable,
    so ``K = 0`` is a stabilizing start.

    Parameters
    ----------
    gamma : float
        Discount factor.
    sigma : float
        Exploration standard deviation.

    Returns
    -------
    LQR
    """
    return LQR(A=np.array([[0.9, 0.3], [0.0, 0.8]]), B=np.array([[0.0], [1.0]]), Q=np.eye(2),
               R=np.eye(1), W=0.01 * np.eye(2), Sigma0=0.5 * np.eye(2), gamma=gamma, sigma=sigma)
