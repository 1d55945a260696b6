r"""Munos et al. (ICML 2024; arXiv:2312.00886), Nash learning from human feedback: Nash-MD's Theorem 1.

The paper key is ``munos2024``, the year of the version cited (ICML 2024, BibTeX ``munos2024nash``).

* ``munos2024-theorem1`` (formerly ``munos2024-theorem1``) -- Nash-MD with the Theorem 1 schedule:
  the recursion at every step, :math:`8/(\tau^2(T+1))` at every iterate, and the fitted exponent.

Games are random preference games (strict lower triangle :math:`U(0,1)`) with Dirichlet(1)
reference policies :math:`\mu` and :math:`\pi_0 = \mu`, one game per seed (seeds spawned from
``config.seed``).
"""

from __future__ import annotations

import functools

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from . import _claim_helpers as H
from ._games import _instance, _rngs
from ._runner import report_from_claims, write_data_csv, write_data_json

__all__ = ["run_md_theorem1"]


def _nash_md_run(rng, n, tau, T):
    """Nash-MD on one random game drawn from ``rng``."""
    from ..algorithms import nash as A

    g, mu = _instance(rng, n)
    return A.nash_md(g, tau, T, mu=mu)


@experiment("munos2024-theorem1", "Nash-MD (Munos et al. 2023, Thm 1): recursion and KL <= 8/(tau^2 (T+1)) at every T",
            tags=("munos2024", "nash", "nlhf"),
            replaces=("nash-md-theorem1",),
            papers=("munos2024",),
            bounds=("munos2024.thm1", "munos2024.thm1_recursion"),
            algorithms=("nash_md",))
def run_md_theorem1(config: RunConfig) -> CheckReport:
    """Nash-MD with eta_t = 2/(tau (t+2)): pointwise bound and fitted exponent; the one-step recursion.

    Claims: ``munos2024.thm1`` at every iterate with its exponent (:func:`~pgtheory.ratecheck.check_rate`),
    and ``munos2024.thm1_recursion`` at every step of every game
    (:func:`~pgtheory.ratecheck.check_inequality` on the deterministic traces, absolute rounding
    tolerance 1e-13 as before).
    """
    from .. import bounds, ratecheck

    R = config.seeds or (8 if config.quick else 20)
    T, n, tau = (1000, 10, 0.1) if config.quick else (10000, 20, 0.1)
    rec = bounds.get_bound("munos2024.thm1_recursion")
    kls, lhs, rhs = [], [], []
    trs = config.map(functools.partial(_nash_md_run, n=n, tau=tau, T=T), _rngs(config, R, 4))
    for tr in trs:
        kl, eta = tr.metric("kl"), tr.metric("eta")
        lhs.append(kl[1:])
        rhs.append(rec.evaluate(K_t=kl[:-1], eta=eta[:-1], tau=tau))
        kls.append(kl)
    y = np.stack(kls)
    t = tr.iterations.astype(float)
    c = ratecheck.check_rate("munos2024.thm1", t[1:], y[:, 1:], params={"tau": tau}, check="both",
                             label="KL(pi*||pi_T)")
    lhs, rhs = np.concatenate(lhs), np.concatenate(rhs)
    worst_rec = float(np.max(lhs - rhs))
    c_rec = ratecheck.check_inequality(
        np.arange(lhs.size, dtype=float), lhs, rhs, side="upper", stochastic=False, rtol=0.0, atol=1e-13,
        name="Thm 1 recursion", source=rec.citation.short(), bound_id=rec.id, variable="step (all games)",
        stated="KL_{t+1} <= (1 - eta_t tau) KL_t + 2 eta_t^2 at every step of every game (rounding 1e-13)")
    claims = [H.rate_claim(c, name="Thm 1 bound"), c_rec]
    from ..plotting import rate_check_data

    files = (write_data_csv(config, "munos2024_theorem1.csv", {"T": t, "kl_mean": y.mean(0),
                                                               "bound": np.concatenate([[np.nan], c.bound_values])})
             + write_data_json(config, "munos2024_theorem1_rate.json", rate_check_data(c)))
    return report_from_claims(
        "munos2024-theorem1", claims, source="Munos et al. 2023 (arXiv:2312.00886), Theorem 1",
        stated="KL(pi*||pi_T) <= 8/(tau^2 (T+1)); KL_{t+1} <= (1-eta_t tau) KL_t + 2 eta_t^2",
        measured=f"{c.measured_text}; worst KL/bound {c.worst_ratio:.3e}; max recursion slack {worst_rec:.2e}",
        details={"R": R, "T": T, "n": n, "tau": tau, "check": c.row(), "max_recursion_excess": worst_rec},
        data_files=files)
