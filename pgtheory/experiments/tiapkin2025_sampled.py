r"""Stochastic Nash-MP with sampled preference queries through :mod:`pgtheory.oracles`.

Registered experiment
---------------------
``tiapkin2025-sampled``
    Nash-MP on a random preference game with its payoff :math:`A\pi'` estimated from Bernoulli
    preference queries (:class:`pgtheory.oracles.SampledPreferenceOracle`, ``n`` opponents per
    response), against the exact oracle. Claim: while the KL is above the sampling floor, the
    sampled run's KL decays at the registered linear rate ``tiapkin2025.kl_rate``
    :math:`(1+2\beta)^{-N/2}` in exact-query units (an illustration: the theorem is stated for exact
    proximal steps, so a violation can only become "inconclusive").

References
----------
Tiapkin et al. (2025), arXiv:2505.19731v1 (Nash-MP, linear KL rate).
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import outputs, report_from_claims

__all__ = ["run_sampled"]

_SOURCE = "Tiapkin et al. 2025, arXiv:2505.19731v1 (Nash-MP KL rate, sampled queries: illustration)"
_WHY = "the bound is stated for exact proximal steps; sampled queries add a floor, so this is an illustration"


@experiment("tiapkin2025-sampled", "Nash-MP with sampled Bernoulli preference queries through the oracle protocol "
            "vs the exact oracle (Tiapkin et al. 2025, illustration)", tags=("nash", "nlhf", "oracles"))
def run_sampled(config: RunConfig) -> CheckReport:
    """KL(pi*||pi_k) of Nash-MP with exact and sampled preference oracles; rate claim on the pre-floor part.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport

    References
    ----------
    Tiapkin et al. (2025), arXiv:2505.19731v1.
    """
    from .. import ratecheck
    from ..algorithms import nash_mp
    from ..games import random_preference_game, regularized_nash
    from ..oracles import SampledPreferenceOracle

    R = config.seeds or (8 if config.quick else 30)
    beta, K, n = 0.1, 40, (4000 if config.quick else 20000)
    game = random_preference_game(6, rng=np.random.default_rng(2025))
    eq = regularized_nash(game, beta)
    exact = nash_mp(game, beta, K, equilibrium=eq)
    kls = []
    for s in np.random.SeedSequence(int(config.seed)).spawn(R):
        tr = nash_mp(game, beta, K, equilibrium=eq, oracle=SampledPreferenceOracle(game, n=n), rng=np.random.default_rng(s))
        kls.append(tr.metric("kl"))
    kls = np.stack(kls)
    N = exact.samples.astype(float)
    kl0 = float(exact.metric("kl")[0])
    floor = float(np.median(kls[:, -3:]))
    keep = np.flatnonzero(exact.metric("kl") > 3 * floor)
    keep = keep[keep > 0]
    rc = ratecheck.check_rate("tiapkin2025.kl_rate", N[keep], kls[:, keep] / kl0, params={"beta": beta, "KL_0": 1.0},
                              check="rate", label="KL/KL_0, Nash-MP, sampled queries")
    claim = ratecheck.as_illustration(
        ratecheck.claim_from_rate_check(rc, name="Nash-MP KL rate with sampled preference queries",
                                        source="bound tiapkin2025.kl_rate; " + _SOURCE), _WHY)
    figs, data = outputs(config, "tiapkin2025-sampled", _plot, N, exact.metric("kl"), kls, beta, kl0, floor, n, [claim])
    details = dict(beta=beta, iterations=K, seeds=R, opponents_per_response=n, kl_floor=floor,
                   fitted_points=keep.tolist(), queries_per_iteration_sampled=int(tr.samples[1]),
                   oracle="SampledPreferenceOracle")
    return report_from_claims("tiapkin2025-sampled", [claim], source=_SOURCE, stated="KL <= KL_0 (1+2 beta)^(-N/2)",
                              measured=claim.measured, details=details, figures=figs, data_files=data)


def _plot(stem, N, kl_exact, kls, beta, kl0, floor, n, claims):
    from .. import bounds
    from ..plotting import add_verdict, new_axes, save_figure, write_json
    from ..ratecheck import explain

    fig, ax = new_axes(figsize=(8.0, 4.8))
    k = N / 2
    ax.semilogy(k, kl_exact, "k-o", ms=3, label="exact oracle")
    m = kls.mean(axis=0)
    ax.semilogy(k, m, "C0-s", ms=3, label=f"sampled oracle ({n} Bernoulli queries per response), mean of {kls.shape[0]}")
    ax.fill_between(k, kls.min(axis=0), kls.max(axis=0), color="C0", alpha=0.2, lw=0, label="sampled: min-max over seeds")
    ax.semilogy(k, bounds.get("tiapkin2025.kl_rate").evaluate(N=N, beta=beta, KL_0=kl0), "k--", lw=1,
                label=r"bound $KL_0(1+2\beta)^{-N/2}$ (Bound.evaluate)")
    ax.axhline(floor, color="C0", ls=":", lw=1, label="sampling floor (median of last 3)")
    ax.set_xlabel("Nash-MP iteration k (N = 2k exact queries)")
    ax.set_ylabel(r"KL$(\pi^*_\beta\,\|\,\pi_k)$")
    ax.set_title(f"Tiapkin et al. 2025: Nash-MP, beta={beta}, exact vs sampled preference oracle", fontsize=9)
    ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
    fig.tight_layout()
    add_verdict(fig, *explain(claims))
    return save_figure(fig, stem), (write_json(str(stem) + ".json", {"N": N, "kl_exact": kl_exact, "kl_sampled": kls}),)
