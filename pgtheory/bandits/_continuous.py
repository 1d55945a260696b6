r"""A contextual bandit with a Cauchy-linear policy whose objective is known exactly.

Contexts :math:`s \in \{0,\dots,S-1\}` are drawn from ``context_probs``; the action
:math:`a \sim \mathrm{Cauchy}(\theta^\top\phi(s), \sigma)`; the reward is the Gaussian bump
:math:`r(s,a) = \exp(-(a - c_s)^2/2) \in (0, 1]` around the target :math:`c_s = w_\star^\top\phi(s)`.
Because a Cauchy draw convolved with a Gaussian bump is a Voigt profile,

.. math::
    J(\theta) = \sum_s p_s\, f(\theta^\top\phi(s) - c_s),\qquad
    f(x) = \sqrt{2\pi}\,V(x; 1, \sigma) = \operatorname{Re} w\!\left(\frac{x + i\sigma}{\sqrt 2}\right),

with :math:`V` = ``scipy.special.voigt_profile`` and :math:`w` the Faddeeva function
(``scipy.special.wofz``).  Using :math:`w'(z) = -2zw(z) + 2i/\sqrt\pi` and
:math:`w''(z) = -2w(z) - 2zw'(z)`, the gradient and Hessian are exact as well:
:math:`\nabla J = \sum_s p_s f'(x_s)\phi(s)`, :math:`\nabla^2 J = \sum_s p_s f''(x_s)\phi(s)\phi(s)^\top`,
:math:`f'(x) = \operatorname{Re} w'(z)/\sqrt2`, :math:`f''(x) = \operatorname{Re} w''(z)/2`.

:math:`f` is symmetric and strictly decreasing in :math:`|x|`, so :math:`J` is maximised at
:math:`\theta = w_\star` (unique when :math:`\sum_s p_s\phi\phi^\top \succ 0`) with
:math:`J^\star_{\text{class}} = f(0) = \operatorname{erfcx}(\sigma/\sqrt2)`: the optimum of the class is
exact and inside the class.  ``J`` is *not* concave (the tails of :math:`f` are convex).
The optimum over *all* policies (pick :math:`a = c_s`) is 1; the gap
:math:`1 - J^\star_{\text{class}}` is the expressivity gap that the paper's
:math:`\sqrt{\varepsilon_{\text{bias}}}/(1-\gamma)` term absorbs.

This is the one-step (:math:`\gamma = 0`, :math:`H = 1`) instance proposed in
Fatkhullin et al. 2023, Assumptions of Theorem 1 (read in the full text): bounded score, Fisher non-degenerate, exact optimum.

References
----------
.. [1] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. Stochastic Policy Gradient Methods:
   Improved Sample Complexity for Fisher-non-degenerate Policies. ICML 2023, arXiv:2302.01734
   (Assumption 1, Lemma 1, Theorems 1-2).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_distribution, check_positive, check_shape
from ..errors import ShapeError
from ..policies import CauchyLinearPolicy

__all__ = ["CauchyContextualBandit", "make_cauchy_bandit"]

_SQRT2 = np.sqrt(2.0)
_2I_SQRTPI = 2j / np.sqrt(np.pi)


def _voigt_terms(x: np.ndarray, sigma: float):
    """Return f(x), f'(x), f''(x) of the reward-smoothed Cauchy location family."""
    from scipy.special import wofz  # lazy: scipy.special, used by few

    z = (np.asarray(x, dtype=np.float64) + 1j * sigma) / _SQRT2
    w = wofz(z)
    w1 = -2.0 * z * w + _2I_SQRTPI
    w2 = -2.0 * w - 2.0 * z * w1
    return w.real, w1.real / _SQRT2, w2.real / 2.0


@dataclasses.dataclass(frozen=True)
class CauchyContextualBandit:
    r"""Contextual bandit with Gaussian-bump rewards and a Cauchy-linear policy (exact objective).

    Parameters
    ----------
    features : array, shape (S, d)
        Context features :math:`\phi(s)`.
    w_star : array, shape (d,)
        Optimal parameter; targets :math:`c_s = w_\star^\top\phi(s)`.
    sigma : float
        Cauchy scale of the policy (> 0).
    context_probs : array, shape (S,), optional
        Context distribution (default uniform).

    Attributes
    ----------
    policy : CauchyLinearPolicy
    targets : array, shape (S,)
    """

    features: np.ndarray
    w_star: np.ndarray
    sigma: float
    context_probs: np.ndarray | None = None

    def __post_init__(self):
        phi = as_float_array(self.features, "features", ndim=2)
        if phi.shape[0] < 1 or phi.shape[1] < 1:
            raise ShapeError(f"features must have shape (S, d) with S, d >= 1; got {phi.shape}.")
        w = as_float_array(self.w_star, "w_star", ndim=1)
        check_shape(w, (phi.shape[1],), "w_star", "Fix: one coefficient per feature column.")
        check_positive(self.sigma, "sigma")
        p = (np.full(phi.shape[0], 1.0 / phi.shape[0]) if self.context_probs is None
             else check_distribution(self.context_probs, "context_probs"))
        check_shape(p, (phi.shape[0],), "context_probs", "Fix: one probability per context (row of features).")
        object.__setattr__(self, "features", phi)
        object.__setattr__(self, "w_star", w)
        object.__setattr__(self, "sigma", float(self.sigma))
        object.__setattr__(self, "context_probs", p)

    # ---- structure -------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Parameter dimension ``d``."""
        return self.features.shape[1]

    @property
    def policy(self) -> CauchyLinearPolicy:
        """The Cauchy-linear policy class."""
        return CauchyLinearPolicy(self.features, self.sigma)

    @property
    def targets(self) -> np.ndarray:
        """:math:`c_s = w_\\star^\\top\\phi(s)`, shape ``(S,)``."""
        return self.features @ self.w_star

    @property
    def gamma(self) -> float:
        """Discount (0: one-step problem, horizon ``H = 1``)."""
        return 0.0

    # ---- exact oracle ----------------------------------------------------------------
    def _x(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        return theta @ self.features.T - self.targets  # (..., S)

    def objective(self, theta) -> np.ndarray:
        r"""Exact :math:`J(\theta)`; ``theta`` shape ``(..., d)`` -> ``(...)``."""
        f, _, _ = _voigt_terms(self._x(theta), self.sigma)
        return f @ self.context_probs

    def objective_voigt(self, theta) -> np.ndarray:
        """Same as :meth:`objective`, through ``scipy.special.voigt_profile`` (cross-check)."""
        from scipy.special import voigt_profile  # lazy: scipy.special, used by few

        return np.sqrt(2 * np.pi) * voigt_profile(self._x(theta), 1.0, self.sigma) @ self.context_probs

    def gradient(self, theta) -> np.ndarray:
        r"""Exact :math:`\nabla J(\theta)`, shape ``(..., d)``."""
        _, f1, _ = _voigt_terms(self._x(theta), self.sigma)
        return (f1 * self.context_probs) @ self.features

    def hessian(self, theta) -> np.ndarray:
        r"""Exact :math:`\nabla^2 J(\theta)`, shape ``(..., d, d)``."""
        _, _, f2 = _voigt_terms(self._x(theta), self.sigma)
        return np.einsum("...s,si,sj->...ij", f2 * self.context_probs, self.features, self.features)

    @property
    def optimal_value(self) -> float:
        r""":math:`J^\star = J(w_\star) = \operatorname{erfcx}(\sigma/\sqrt2)` (best policy of the class)."""
        from scipy.special import erfcx  # lazy: scipy.special, used by few

        return float(erfcx(self.sigma / _SQRT2))

    @property
    def optimal_theta(self) -> np.ndarray:
        """:math:`w_\\star`."""
        return self.w_star.copy()

    def suboptimality(self, theta) -> np.ndarray:
        """:math:`J^\\star - J(\\theta)` (>= 0), batched over leading axes of ``theta``."""
        return self.optimal_value - self.objective(theta)

    # ---- Lemma 1 constants -------------------------------------------------------------
    def fisher(self) -> np.ndarray:
        """Exact Fisher matrix (constant in theta), shape ``(d, d)``."""
        return self.policy.fisher(self.context_probs)

    def lemma1_constants(self) -> dict:
        r"""Constants of Lemma 1 of Fatkhullin et al. (2023) for this instance.

        :math:`\mu_F = \lambda_{\min}(F)`, :math:`M_g = \max_s\|\phi(s)\|/\sigma`,
        :math:`\mu = \mu_F^2/(2M_g^2)` (so :math:`\sqrt{2\mu} = \mu_F/M_g`), :math:`\gamma = 0`.
        """
        mu_f = float(np.linalg.eigvalsh(self.fisher())[0])
        m_g = self.policy.score_bound()
        return {"mu_F": mu_f, "M_g": m_g, "mu": mu_f**2 / (2 * m_g**2), "gamma": 0.0}

    def compatible_bias(self, theta) -> np.ndarray:
        r"""Transfer error :math:`\varepsilon_{\text{bias}}(\theta)` of Assumption 2 against the
        optimal policy over all policies (:math:`a = c_s`, value 1):

        .. math::
            \varepsilon_{\text{bias}}(\theta) = \sum_s p_s\big(A^{\pi_\theta}(s, c_s)
              - w(\theta)^\top\nabla\log\pi_\theta(c_s\mid s)\big)^2,\quad
            w(\theta) = F^{-1}\nabla J(\theta),\ A^{\pi_\theta}(s, c_s) = 1 - f(x_s).

        ``theta`` shape ``(..., d)`` -> ``(...)``.
        """
        x = self._x(theta)
        f, _, _ = _voigt_terms(x, self.sigma)
        w = self.gradient(theta) @ np.linalg.inv(self.fisher())  # F symmetric
        u = -x  # a - location at a = c_s
        score_coef = 2 * u / (self.sigma**2 + u * u)  # (..., S)
        comp = score_coef * (w @ self.features.T)
        return ((1.0 - f - comp) ** 2) @ self.context_probs

    # ---- sampling ----------------------------------------------------------------------
    def sample(self, theta, n: int, rng=None):
        """Draw ``n`` one-step trajectories ``(states, actions, rewards)`` under ``theta``."""
        rng = np.random.default_rng(rng)
        s = rng.choice(self.features.shape[0], size=n, p=self.context_probs)
        a = self.features[s] @ np.asarray(theta) + self.sigma * rng.standard_cauchy(n)
        return s, a, self.reward(s, a)

    def reward(self, states, actions) -> np.ndarray:
        """:math:`\\exp(-(a - c_s)^2/2)`."""
        return np.exp(-0.5 * (np.asarray(actions) - self.targets[np.asarray(states)]) ** 2)


def make_cauchy_bandit(n_contexts: int = 8, dim: int = 4, sigma: float = 0.5, w_norm: float = 1.5,
                       rng=0) -> CauchyContextualBandit:
    r"""A random well-conditioned instance: unit-norm features, :math:`\|w_\star\| =` ``w_norm``.

    Features are Gaussian rows normalised to unit length (so :math:`M_g = 1/\sigma`); the draw
    is repeated until :math:`\lambda_{\min}(\mathbb E[\phi\phi^\top]) \ge 0.2/d`.

    Parameters
    ----------
    n_contexts, dim : int
        Number of contexts and features.
    sigma : float
        Cauchy scale.
    w_norm : float
        Norm of the optimal parameter.
    rng : Generator or int seed

    Returns
    -------
    CauchyContextualBandit
    """
    rng = np.random.default_rng(rng)
    for _ in range(1000):
        phi = rng.standard_normal((n_contexts, dim))
        phi /= np.linalg.norm(phi, axis=1, keepdims=True)
        if np.linalg.eigvalsh(phi.T @ phi / n_contexts)[0] >= 0.2 / dim:
            break
    w = rng.standard_normal(dim)
    w *= w_norm / np.linalg.norm(w)
    return CauchyContextualBandit(phi, w, sigma)
