r"""Cen et al. (Operations Research 2022; arXiv:2007.06558), entropy-regularised natural policy
gradient, reproduced end to end.

The paper key is ``cen2022``: the version cited is the Operations Research 2022 article (BibTeX
``cen2022fast``); its statements were read in arXiv v2. (``cen2021`` is Cen, Wei and Chi's NeurIPS
2021 extragradient paper, cited by :func:`pgtheory.algorithms.omwu`.)

Experiments (``pgtheory check NAME``):

* ``cen2022-thm1`` -- entropy-regularised NPG: both inequalities of Theorem 1 at every t for
  eta in {0.1, 0.5, 1} (1-gamma)/tau, and the fitted contraction against 1 - eta tau.
* ``cen2022-fig1`` -- the 3-armed bandit of Cen et al.'s Figure 1 (tau in {0.1, 1}, eta = 0.1):
  Proposition 1's bound at every t, contraction, and the policy paths of regularised PG and NPG.

Quick mode keeps every experiment to a few seconds.
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_json
from ._tabular import R_BANDIT, _garnets

__all__ = ["cen2022_thm1", "cen2022_fig1"]


# ----------------------------------------------------------------------------- Cen et al.
@experiment("cen2022-thm1", "Entropy-regularised NPG: Theorem 1 at every t for 3 step sizes, contraction vs 1-eta*tau",
            tags=("cen2022", "exact", "classic"),
            replaces=("cen2021-thm1",),
            papers=("cen2022",),
            bounds=("cen2022.thm1_logpi", "cen2022.thm1_q"),
            algorithms=("entropy_npg", "soft_optimal_reference"))
def cen2022_thm1(config: RunConfig) -> CheckReport:
    """Cen et al. 2021 (arXiv:2007.06558), Theorem 1, on a Garnet MDP (S=10, A=4, b=3, gamma=0.9), tau=0.1.

    Claims per (MDP, eta): both inequalities of Theorem 1 at every t, and the fitted contraction
    against 1 - eta tau (one :func:`check_rate` each; the inequality only for soft policy
    iteration, eta = (1-gamma)/tau, whose error reaches the float floor within a few steps).
    Observed (not claimed by the theorem): the asymptotic contraction of the log-policy error is
    close to 1 - eta tau/(1-gamma) (the weight of the old policy in update (18)), far below the
    stated 1 - eta tau; the tightness column reports the log-contraction margin.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import entropy_npg, soft_optimal_reference
    from ..ratecheck import check_rate, claim_from_rate_check

    gamma, tau = 0.9, 0.1
    n_mdp = 1 if config.quick else 3
    fracs = (0.1, 0.5, 1.0)
    checks, rows, panel, claims = [], [], [], []
    def run(c):
        mdp, ref, eta, n = c
        return entropy_npg(mdp, eta=eta, tau=tau, n_iter=n, reference=ref)

    def iters(eta):
        return int(min(4000, np.ceil(np.log(1e-11) / np.log(1 - eta * tau)) + 20))

    garnets = [(k, mdp, soft_optimal_reference(mdp, tau)) for k, mdp in _garnets(config, 2, n_mdp, 10, 4, 3, gamma)]
    traces = iter(config.map(run, [(mdp, ref, f * (1 - gamma) / tau, iters(f * (1 - gamma) / tau))
                                   for _, mdp, ref in garnets for f in fracs]))
    for k, mdp, ref in garnets:
        for f in fracs:
            eta = f * (1 - gamma) / tau
            tr = next(traces)
            t = tr.iterations[:-1].astype(float)  # bound on iterate t+1 uses (1-eta tau)^t
            prm = dict(C1=tr.params["C1"], gamma=gamma, eta=eta, tau=tau)
            # Soft policy iteration (f = 1) converges super-linearly (Cen et al. Sec. 3.3): the error hits
            # the float floor within a few steps, leaving no linear tail to fit, so only the inequality is checked.
            how = "inequality" if f == 1.0 else "both"
            rq = check_rate("cen2022.thm1_q", t, tr.metric("q_error")[1:], params=prm, floor=1e-11, check=how,
                            label=f"||Q*-Q^(t+1)||, eta={eta:g}")
            rl = check_rate("cen2022.thm1_logpi", t, tr.metric("logpi_error")[1:], params=prm, floor=1e-11,
                            check=how, label=f"||log pi* - log pi^(t+1)||, eta={eta:g}")
            checks += [rq, rl]
            claims += [claim_from_rate_check(rq, name=f"MDP {k}, eta={eta:g}: Thm 1 (Q error)"),
                       claim_from_rate_check(rl, name=f"MDP {k}, eta={eta:g}: Thm 1 (log-policy error)")]
            if k == 0:
                panel += [rq, rl]
            rows.append({"mdp": k, "eta": eta, "contraction_stated": 1 - eta * tau,
                         # observed: the log-policy error contracts like 1 - eta tau/(1-gamma) asymptotically
                         "one_minus_eta_tau_over_1mg": 1 - eta * tau / (1 - gamma),
                         "contraction_q": rq.fit.rate if rq.fit and rq.fit.ok else None,
                         "contraction_q_interval": list(rq.fit.rate_ci) if rq.fit and rq.fit.ok else None,
                         "contraction_logpi": rl.fit.rate if rl.fit and rl.fit.ok else None,
                         "worst_ratio_q": rq.worst_ratio, "worst_ratio_logpi": rl.worst_ratio, "C1": tr.params["C1"],
                         "slack_min_q": rq.tightness.slack_min, "slack_min_logpi": rl.tightness.slack_min})
    from ..plotting import rate_check_data

    # the figure shows MDP 0: Q and log-policy errors for each step size
    data = (write_data_json(config, "cen2022_thm1.json", rows)
            + write_data_json(config, "cen2022_thm1_panels.json", [rate_check_data(r) for r in panel]))
    meas = "; ".join(f"eta={r['eta']:g}: rate {r['contraction_q']:.4g} (stated {r['contraction_stated']:.4g})"
                     for r in rows[: len(fracs)] if r["contraction_q"] is not None)
    return report_from_claims("cen2022-thm1", claims, source="Cen et al. 2021, Thm 1",
                              stated="C1 g (1-eta tau)^t and 2 C1/tau (1-eta tau)^t", measured=meas,
                              details={"runs": rows, "tau": tau, "gamma": gamma}, data_files=data)


def _bandit_paths(r, tau, eta, n):
    """Regularised PG and NPG iterates on a bandit: log-policies, shape (n+1, K) each."""
    from .._math import log_softmax

    K = len(r)
    th_pg = np.zeros(K)
    lp_npg = np.full(K, -np.log(K))
    pg, npg = [log_softmax(th_pg)], [lp_npg.copy()]
    for _ in range(n):
        lp = log_softmax(th_pg)
        p = np.exp(lp)
        u = r - tau * lp
        th_pg = th_pg + eta * p * (u - p @ u)
        lp_npg = log_softmax((1 - eta * tau) * lp_npg + eta * r)
        pg.append(log_softmax(th_pg))
        npg.append(lp_npg.copy())
    return np.array(pg), np.array(npg)


@experiment("cen2022-fig1", "Cen et al. Figure 1: 3-armed bandit, tau in {0.1, 1}: Prop. 1 at every t, NPG vs PG paths",
            tags=("cen2022", "exact", "classic", "figure"),
            replaces=("cen2021-fig1",),
            papers=("cen2022",),
            bounds=("cen2022.prop1_bandit",))
def cen2022_fig1(config: RunConfig) -> CheckReport:
    """Cen et al. 2021 (arXiv:2007.06558), Figure 1 and Proposition 1: r = (1.0, 0.9, 0.1), eta = 0.1.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .._math import log_softmax
    from ..ratecheck import check_rate, claim_from_rate_check

    r = np.array(R_BANDIT)
    eta = 0.1
    n = 1000
    checks, paths, rows, claims = [], {}, [], []
    for tau in (0.1, 1.0):
        lp_star = log_softmax(r / tau)
        pg, npg = _bandit_paths(r, tau, eta, n)
        t = np.arange(n + 1, dtype=float)
        err_npg = np.max(np.abs(npg - lp_star), axis=1)
        err_pg = np.max(np.abs(pg - lp_star), axis=1)
        res = check_rate("cen2022.prop1_bandit", t, err_npg, params=dict(tau=tau, eta=eta, L0=err_npg[0]),
                         floor=1e-12, label=f"NPG, tau={tau:g}")
        checks.append(res)
        claims.append(claim_from_rate_check(res, name=f"tau={tau:g}: Prop. 1 at every t and contraction"))
        paths[tau] = (pg, npg, lp_star, err_pg)
        rows.append({"tau": tau, "contraction_stated": 1 - eta * tau,
                     "contraction_fit": res.fit.rate if res.fit and res.fit.ok else None,
                     "worst_ratio": res.worst_ratio, "pg_error_final": float(err_pg[-1]),
                     "npg_error_final": float(err_npg[-1]), "slack_min": res.tightness.slack_min})
    from ..plotting import rate_check_data

    # the figure: policy paths of regularised PG and NPG, and the NPG error against Prop. 1 beside PG's
    paths_data = {f"{tau:g}": {"pg": pg, "npg": npg, "lp_star": lp_star, "err_pg": err_pg,
                               "npg_check": rate_check_data(res_)}
                  for (tau, (pg, npg, lp_star, err_pg)), res_ in zip(paths.items(), checks)}
    data = (write_data_json(config, "cen2022_fig1.json", rows)
            + write_data_json(config, "cen2022_fig1_paths.json", paths_data))
    meas = "; ".join(f"tau={r_['tau']:g}: rate {r_['contraction_fit']:.4g} (stated {r_['contraction_stated']:.4g})"
                     for r_ in rows if r_["contraction_fit"] is not None)
    return report_from_claims("cen2022-fig1", claims, source="Cen et al. 2021, Prop. 1 / Fig. 1",
                              stated="2 (1 - eta tau)^t ||log pi0 - log pi*||", measured=meas,
                              details={"runs": rows, "eta": eta}, data_files=data)
