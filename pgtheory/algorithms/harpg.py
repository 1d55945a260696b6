r"""(N)-HARPG: Hessian-aided recursive policy gradient (Algorithm 2 of Fatkhullin et al. 2023).

For :math:`t = 0, 1, \dots, T-1` with :math:`\theta_{-1} := \theta_0`, :math:`d_{-1} := 0`:

.. math::
    q_t\sim U[0,1],\quad \hat\theta_t = q_t\theta_t + (1-q_t)\theta_{t-1},\\
    v_t = \tilde\nabla^2 J_H(\hat\tau_t, \hat\theta_t)(\theta_t - \theta_{t-1}),\quad
    d_t = (1-\eta_t)(d_{t-1} + v_t) + \eta_t\tilde\nabla J_H(\tau_t, \theta_t),\\
    \theta_{t+1} = \theta_t + \gamma_t d_t \ \text{(HARPG)},\qquad
    \theta_{t+1} = \theta_t + \gamma_t d_t/\|d_t\| \ \text{(N-HARPG)},

with :math:`\tau_t\sim\pi_{\theta_t}`, :math:`\hat\tau_t\sim\pi_{\hat\theta_t}` (two trajectories per
iteration, both counted), :math:`\eta_t = 1/(t+1)`, :math:`\gamma_t = \gamma_0/\sqrt{t+1}` (HARPG) or
:math:`\gamma_0/(t+1)` (N-HARPG), as in Theorem 2.  :math:`v_t` is an unbiased estimate of
:math:`\nabla J_H(\theta_t) - \nabla J_H(\theta_{t-1})`, which makes :math:`d_t` a STORM-type
recursive estimate without importance sampling.

References
----------
.. [1] I. Fatkhullin, A. Barakat, A. Kireeva, N. He. Stochastic Policy Gradient Methods: Improved
   Sample Complexity for Fisher-non-degenerate Policies. ICML 2023, arXiv:2302.01734,
   Algorithm 2 and Theorem 2.
.. [2] A. Cutkosky, F. Orabona. Momentum-based variance reduction in non-convex SGD. NeurIPS 2019 (STORM).
"""

from __future__ import annotations

from ._common import harpg_momentum, harpg_point
from .igt import _method_function

__all__ = ["harpg_point", "harpg_momentum", "harpg", "n_harpg"]


harpg = _method_function(
    "harpg", __name__,
    r"""HARPG (un-normalized), :math:`\gamma_t = \gamma_0/\sqrt{t+1}`, :math:`\eta_t = 1/(t+1)`;
    keywords of :func:`pgtheory.algorithms.igt.run_method`.""",
    "Fatkhullin et al., ICML 2023, arXiv:2302.01734, Algorithm 2, Theorem 2.")

n_harpg = _method_function(
    "n_harpg", __name__,
    r"""N-HARPG (normalized), :math:`\gamma_t = \gamma_0/(t+1)`, :math:`\eta_t = 1/(t+1)`.""",
    "Fatkhullin et al., ICML 2023, arXiv:2302.01734, Algorithm 2, Theorem 2.")


harpg.__citation__ = ("fatkhullin2023.thm2_harpg",)
n_harpg.__citation__ = ("fatkhullin2023.thm2_nharpg",)
