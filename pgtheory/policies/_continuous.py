r"""Continuous-action linear policies: Gaussian-linear (LQR) and Cauchy-linear (bandits).

Both are location families :math:`a = \mu_\theta(s) + \sigma \xi` with a linear mean, so the
score and the Hessian of the log-density have closed forms.  They are the two examples of
Fisher-non-degenerate policies named by Fatkhullin et al. (2023, Assumption 1); the Cauchy
one also has a *bounded* score, :math:`\|\nabla\log\pi\| \le \|\phi(s)\|/\sigma`, which the
paper's Lemma 1 requires, while the Gaussian score grows linearly in :math:`|a-\mu|`.

All methods are batched: ``states`` has a leading batch axis ``n`` and the outputs keep it.

References
----------
.. [1] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. Stochastic Policy Gradient Methods:
   Improved Sample Complexity for Fisher-non-degenerate Policies. ICML 2023, arXiv:2302.01734,
   Assumption 1 and the policy examples that follow it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_positive, check_positive_int, check_shape

__all__ = ["GaussianLinearPolicy", "CauchyLinearPolicy"]


def _rng(rng):
    return np.random.default_rng(rng)


@dataclasses.dataclass(frozen=True)
class GaussianLinearPolicy:
    r"""Gaussian linear state feedback :math:`u = -K x + \sigma\xi`, :math:`\xi \sim N(0, I_m)`.

    .. math::
        \log\pi_K(u\mid x) = -\frac{\|u + Kx\|^2}{2\sigma^2} - \frac{m}{2}\log(2\pi\sigma^2),\qquad
        \nabla_K \log\pi_K(u\mid x) = -\frac{(u + Kx)\,x^\top}{\sigma^2},

    and the Hessian acts on a direction :math:`V \in \mathbb R^{m\times n}` as
    :math:`\nabla_K^2\log\pi_K(u\mid x)[V] = -V x x^\top/\sigma^2` (independent of ``u``).

    Parameters
    ----------
    n_state, n_action : int
        Dimensions ``n`` of ``x`` and ``m`` of ``u``; the parameter ``K`` has shape ``(m, n)``.
    sigma : float
        Exploration standard deviation (> 0).
    """

    n_state: int
    n_action: int
    sigma: float

    def __post_init__(self):
        check_positive_int(self.n_state, "n_state")
        check_positive_int(self.n_action, "n_action")
        check_positive(self.sigma, "sigma")

    @property
    def param_shape(self) -> tuple:
        """``(n_action, n_state)``."""
        return (self.n_action, self.n_state)

    def check_theta(self, K, name: str = "K") -> np.ndarray:
        """Validate a gain matrix of shape ``(m, n)``."""
        K = as_float_array(K, name, ndim=2)
        check_shape(K, self.param_shape, name, "Fix: K maps states (n) to actions (m).")
        return K

    def mean(self, K, x) -> np.ndarray:
        """Mean action ``-x @ K.T``, shape ``(batch, m)`` for ``x`` of shape ``(batch, n)``."""
        return -np.asarray(x) @ np.asarray(K).T

    def sample(self, K, x, rng=None) -> np.ndarray:
        """Draw ``u ~ N(-Kx, sigma^2 I)``; ``x`` shape ``(batch, n)`` -> ``(batch, m)``."""
        x = np.atleast_2d(x)
        return self.mean(K, x) + self.sigma * _rng(rng).standard_normal((x.shape[0], self.n_action))

    def log_prob(self, K, x, u) -> np.ndarray:
        """Log-density, shape ``(batch,)``."""
        z = np.atleast_2d(u) - self.mean(K, np.atleast_2d(x))
        return -0.5 * np.sum(z * z, axis=-1) / self.sigma**2 - 0.5 * self.n_action * np.log(2 * np.pi * self.sigma**2)

    def score(self, K, x, u) -> np.ndarray:
        """:math:`\\nabla_K\\log\\pi`, shape ``(batch, m, n)``."""
        x = np.atleast_2d(x)
        z = np.atleast_2d(u) - self.mean(K, x)
        return -z[:, :, None] * x[:, None, :] / self.sigma**2

    def hess_log_prob_vec(self, K, x, u, V) -> np.ndarray:
        """:math:`\\nabla_K^2\\log\\pi(u|x)[V] = -V x x^\\top/\\sigma^2`, shape ``(batch, m, n)``."""
        x = np.atleast_2d(x)
        Vx = x @ np.asarray(V).T  # (batch, m)
        return -Vx[:, :, None] * x[:, None, :] / self.sigma**2

    def hess_log_prob(self, K, x, u) -> np.ndarray:
        """Full Hessian over ``vec(K)`` (row-major), shape ``(batch, m*n, m*n)``:
        :math:`-(I_m \\otimes x x^\\top)/\\sigma^2`."""
        x = np.atleast_2d(x)
        outer = x[:, :, None] * x[:, None, :]
        eye = np.eye(self.n_action)
        return -np.einsum("ij,bkl->bikjl", eye, outer).reshape(x.shape[0], self.n_action * self.n_state,
                                                                 self.n_action * self.n_state) / self.sigma**2


@dataclasses.dataclass(frozen=True)
class CauchyLinearPolicy:
    r"""Cauchy policy with linear location :math:`a \sim \mathrm{Cauchy}(\theta^\top\phi(s), \sigma)`.

    With :math:`u = a - \theta^\top\phi(s)`:

    .. math::
        \log\pi_\theta(a\mid s) = -\log(\pi\sigma) - \log\!\left(1 + u^2/\sigma^2\right),\quad
        \nabla_\theta\log\pi = \frac{2u}{\sigma^2+u^2}\,\phi(s),\quad
        \nabla^2_\theta\log\pi = \frac{2(u^2-\sigma^2)}{(\sigma^2+u^2)^2}\,\phi(s)\phi(s)^\top .

    The score is bounded, :math:`|2u/(\sigma^2+u^2)| \le 1/\sigma`, the Hessian by
    :math:`2/\sigma^2` in the same sense, and the Fisher matrix is constant:
    :math:`F(\theta) = \mathbb E_s[\phi\phi^\top]/(2\sigma^2)` because
    :math:`\mathbb E[(2u/(\sigma^2+u^2))^2] = 1/(2\sigma^2)` for Cauchy ``u``.

    Parameters
    ----------
    features : array, shape (S, d)
        Feature vector :math:`\phi(s)` of each context.
    sigma : float
        Cauchy scale (> 0).
    """

    features: np.ndarray
    sigma: float

    def __post_init__(self):
        phi = as_float_array(self.features, "features", ndim=2)
        object.__setattr__(self, "features", phi)
        check_positive(self.sigma, "sigma")

    @property
    def param_shape(self) -> tuple:
        """``(d,)``."""
        return (self.features.shape[1],)

    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """Validate a parameter vector of shape ``(d,)``."""
        theta = as_float_array(theta, name, ndim=1)
        check_shape(theta, self.param_shape, name, "Fix: one coefficient per feature.")
        return theta

    def location(self, theta, states) -> np.ndarray:
        """:math:`\\theta^\\top\\phi(s)` for integer ``states`` of shape ``(n,)``."""
        return self.features[np.asarray(states)] @ np.asarray(theta)

    def sample(self, theta, states, rng=None) -> np.ndarray:
        """Draw one action per state, shape ``(n,)``."""
        states = np.atleast_1d(states)
        return self.location(theta, states) + self.sigma * _rng(rng).standard_cauchy(states.shape[0])

    def log_prob(self, theta, states, actions) -> np.ndarray:
        """Log-density, shape ``(n,)``."""
        u = np.asarray(actions) - self.location(theta, states)
        return -np.log(np.pi * self.sigma) - np.log1p((u / self.sigma) ** 2)

    def score(self, theta, states, actions) -> np.ndarray:
        """Score, shape ``(n, d)``."""
        u = np.asarray(actions) - self.location(theta, states)
        return (2 * u / (self.sigma**2 + u * u))[:, None] * self.features[np.asarray(states)]

    def hess_log_prob(self, theta, states, actions) -> np.ndarray:
        """Hessian of the log-density, shape ``(n, d, d)``."""
        u = np.asarray(actions) - self.location(theta, states)
        c = 2 * (u * u - self.sigma**2) / (self.sigma**2 + u * u) ** 2
        phi = self.features[np.asarray(states)]
        return c[:, None, None] * phi[:, :, None] * phi[:, None, :]

    def score_bound(self) -> float:
        """:math:`M_g = \\max_s\\|\\phi(s)\\|/\\sigma \\ge \\|\\nabla\\log\\pi_\\theta(a|s)\\|` for all a, s, theta."""
        return float(np.max(np.linalg.norm(self.features, axis=1)) / self.sigma)

    def fisher(self, context_probs) -> np.ndarray:
        """Exact Fisher matrix :math:`\\sum_s p_s\\phi(s)\\phi(s)^\\top/(2\\sigma^2)` (independent of theta)."""
        p = np.asarray(context_probs, dtype=np.float64)
        return (self.features.T * p) @ self.features / (2 * self.sigma**2)
