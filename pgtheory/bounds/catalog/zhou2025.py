r"""Zhou, Fazel, Du (2025, arXiv:2503.08942): EGPO converges linearly on the KL-regularised game.

**Status.** EGPO's theorem text was *not* readable here (only the abstract: "last-iterate linear
convergence to the NE of KL-regularized games"; read in the abstract). The explicit bound
registered below is therefore **inferred**: EGPO's tabular update is the predictive-update /
extragradient method of Cen, Wei, Chi (arXiv:2105.15186) applied to the symmetric game, whose
theorem (recalled, not re-read) gives :math:`\mathrm{KL}(\zeta^*\|\zeta_t) \le (1-\eta\tau)^t
\mathrm{KL}(\zeta^*\|\zeta_0)` for :math:`0<\eta\le 1/(\tau + 2\|A\|_\infty)`. With the centred
matrix :math:`A = P - 1/2` (:math:`\|A\|_{\max}\le 1/2`), :math:`\tau = \beta` and the largest
step :math:`\eta = 1/(1+\beta)` the per-iteration factor is :math:`1/(1+\beta)` and, with two
queries per iteration, :math:`(1+\beta)^{-N/2}`. It is tested at every iterate (falsification),
not cited as EGPO's theorem.

References
----------
R. Zhou, M. Fazel, S. S. Du. Extragradient Preference Optimization (EGPO): Beyond
Last-Iterate Convergence for Nash Learning from Human Feedback. COLM 2025. arXiv:2503.08942.
S. Cen, Y. Wei, Y. Chi. Fast Policy Extragradient Methods for Competitive Games with Entropy
Regularization. NeurIPS 2021. arXiv:2105.15186.
"""

from __future__ import annotations

import sympy as sp

from .._core import Bound, Citation, register

__all__ = ["KL_RATE", "kl_bound"]

N, beta, K0 = sp.symbols("N beta KL_0", positive=True)

#: Registered at the largest admissible step eta = 1/(1 + beta), where (1 - eta beta) = 1/(1 + beta)
#: (as the Nash-MP bound is registered at its largest step); :func:`kl_bound` takes any eta.
KL_RATE = register(Bound(
    id="zhou2025.kl_rate", expr=K0 * (1 + beta) ** (-N / 2),
    quantity=r"\mathrm{KL}(\pi^*_\beta \| \pi_t),\ N = 2t,\ \eta = 1/(1+\beta)",
    symbols={N: "preference queries N = 2t", beta: "regularisation beta > 0", K0: "KL(pi*_beta || pi_0)"},
    kind="upper",
    citation=Citation(key="zhou2025extragradient", authors=("Zhou, Runlong", "Fazel, Maryam", "Du, Simon S."),
                      title="Extragradient Preference Optimization (EGPO): Beyond Last-Iterate Convergence for "
                            "Nash Learning from Human Feedback",
                      venue="Conference on Language Modeling (COLM)", entry_type="inproceedings", year=2025, arxiv="2503.08942",
                      arxiv_version="v3", theorem="linear rate on the KL-regularised game (statement not read)",
                      url="https://arxiv.org/abs/2503.08942"),
    assumptions=("exact preference queries", "tabular policies, full-support reference mu",
                 "extragradient in policy space (= EGPO's online-IPO gradient implementation, exact)",
                 "step eta = 1/(1 + beta) (general eta: factor (1 - eta beta)^(N/2), see kl_bound)"),
    provenance="inferred",
    provenance_note="EGPO's linear-rate claim read in the abstract only; the factor (1 - eta beta) and the step "
                    "range eta <= 1/(1+beta) are Cen et al. (2105.15186) PU's, recalled, mapped to A = P - 1/2.",
    variable="N", rate_type="linear"))


def kl_bound(N_, beta_: float, eta_: float, kl0: float):
    r"""Numerical value of :math:`\mathrm{KL}_0(1-\eta\beta)^{N/2}`.

    Parameters
    ----------
    N_ : float or ndarray
        Preference queries (``2t``).
    beta_, eta_ : float
    kl0 : float

    Returns
    -------
    float or ndarray
    """
    return kl0 * (1.0 - eta_ * beta_) ** (0.5 * N_)
