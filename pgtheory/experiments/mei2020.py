r"""Mei et al. (2020), softmax policy gradient with exact gradients, reproduced end to end
(problem -> algorithm -> trace -> rate check against the registered bound -> verdict + figure + data).

Experiments (``pgtheory check NAME``):

* ``mei2020-bandit`` -- softmax PG, step 2/5, on the bandit r = (1.0, 0.9, 0.1): O(1/t) slope,
  the limit of t * gap, and the bound 5/(c^2 t) at every t with the running c_t.
* ``mei2020-mdp`` -- softmax PG, step (1-gamma)^3/8, on random Garnet MDPs: Theorem 4's
  inequality at every t, evaluated with the running c_t = min_{1<=k<=t} min_s pi_k(a*(s)|s) and
  with the minimum over the whole run (the theorem's c is an infimum over all t >= 1; the
  running value is >= it, so the first check is the stronger one); the -1 exponent.

Quick mode keeps every experiment to a few seconds.
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_csv, write_data_json
from ._tabular import _gap_curve, _garnets, bandit_mdp

__all__ = ["bandit_mdp", "mei2020_bandit", "mei2020_mdp"]


# ----------------------------------------------------------------------------- Mei et al.
@experiment("mei2020-bandit", "Softmax PG on the bandit r=(1,.9,.1): O(1/t), t*gap limit, 5/(c^2 t) at every t",
            tags=("mei2020", "exact", "classic"),
            papers=("mei2020",),
            bounds=("mei2020.bandit",),
            algorithms=("softmax_pg",))
def mei2020_bandit(config: RunConfig) -> CheckReport:
    """Mei et al. 2020 (arXiv:2005.06392), bandit case: softmax PG with exact gradient, eta = 2/5.

    Claim: the bound 5/(c_t^2 t) at every t and the O(1/t) rate (one :func:`check_rate`). The
    limit of t * gap (O(1/t) being tight) is reported as an observation, not a claim.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_pg
    from ..ratecheck import check_rate, claim_from_rate_check

    n = 20_000 if config.quick else 200_000
    tr = softmax_pg(bandit_mdp(), eta=0.4, n_iter=n, n_records=400)
    t, gap = _gap_curve(tr)
    c = tr.metric("running_c")[1:]
    res = check_rate("mei2020.bandit", t, gap, params={"c": c}, label="gap (pi* - pi_t)^T r")
    tg = t * gap
    last = tg[t >= t[-1] / 10]
    details = {"t_gap_final": float(tg[-1]), "t_gap_last_decade_rel_change": float((last.max() - last.min()) / last[-1]),
               "c_run": tr.final["c_run"], "n_iter": n, "eta": 0.4,
               "bound_over_gap_at_end": float(res.bound_values[-1] / gap[-1])}
    claims = [claim_from_rate_check(res, name="Thm 2: gap <= 5/(c_t^2 t) and O(1/t)")]
    from ..plotting import rate_check_data

    data = (write_data_csv(config, "mei2020_bandit.csv", {"t": t, "gap": gap, "running_c": c, "bound": res.bound_values})
            + write_data_json(config, "mei2020_bandit_rate.json", rate_check_data(res)))
    return report_from_claims("mei2020-bandit", claims, source="Mei et al. 2020, bandit (Thm 2) (recalled)",
                              stated="O(1/t); gap <= 5/(c^2 t)",
                              measured=f"{res.measured_text}; t*gap -> {tg[-1]:.3f}",
                              details=details, data_files=data)


@experiment("mei2020-mdp", "Softmax PG on random MDPs: Theorem 4 at every t with the running c_t, and slope -1",
            tags=("mei2020", "exact", "classic"),
            papers=("mei2020",),
            bounds=("mei2020.thm4",),
            algorithms=("softmax_pg",))
def mei2020_mdp(config: RunConfig) -> CheckReport:
    """Mei et al. 2020 (arXiv:2005.06392), Theorem 4, on Garnet MDPs (S=5, A=3, b=3), mu = rho uniform.

    Claims per MDP: Theorem 4's inequality at every t with the running c_t and the O(1/t) rate
    (one :func:`check_rate`), and the inequality with the run's minimum c (``check="inequality"``).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_pg
    from ..mdp import distribution_mismatch
    from ..ratecheck import check_rate, claim_from_rate_check

    gamma = 0.5 if config.quick else 0.7
    n = 200_000 if config.quick else 1_000_000
    n_mdp = 3 if config.quick else 5
    checks, labels, rows, claims = [], [], [], []
    garnets = list(_garnets(config, 0, n_mdp, 5, 3, 3, gamma))
    traces = config.map(lambda km: softmax_pg(km[1], n_iter=n, n_records=300), garnets)
    for (k, mdp), tr in zip(garnets, traces):
        t, gap = _gap_curve(tr)
        D = distribution_mismatch(mdp, mdp.rho, rho=mdp.rho)
        base = dict(S=mdp.S, gamma=gamma, D=D, Minv=float(np.max(1.0 / mdp.rho)))
        run_c = tr.metric("running_c")[1:]
        r1 = check_rate("mei2020.thm4", t, gap, params={**base, "c": run_c}, label=f"gap, MDP {k}")
        r2 = check_rate("mei2020.thm4", t, gap, params={**base, "c": tr.final["c_run"]}, check="inequality",
                        label=f"gap, MDP {k}")
        checks += [r1, r2]
        claims += [claim_from_rate_check(r1, name=f"MDP {k}: Thm 4 with running c_t, and O(1/t)"),
                   claim_from_rate_check(r2, name=f"MDP {k}: Thm 4 with the run's min c")]
        labels.append(f"MDP {k}")
        rows.append({"mdp": k, "D": D, "c_run": tr.final["c_run"], "c_argmin": tr.final["c_argmin"],
                     "slope": r1.fit.slope if r1.fit else None, "worst_ratio_running_c": r1.worst_ratio,
                     "worst_ratio_run_min_c": r2.worst_ratio, "final_gap": float(gap[-1]),
                     "slack_min_running_c": r1.tightness.slack_min, "slack_end_running_c": r1.tightness.slack_end})
    from ..plotting import rate_check_data

    data = (write_data_json(config, "mei2020_mdp.json", rows)
            + write_data_json(config, "mei2020_mdp_panels.json",
                              {"labels": [f"{lab}, gamma={gamma}" for lab in labels],
                               "panels": [rate_check_data(r) for r in checks[0::2]]}))
    slopes = [r["slope"] for r in rows if r["slope"] is not None]
    meas = (f"slopes {min(slopes):.3f}..{max(slopes):.3f} over {n_mdp} MDPs; bound/gap >= "
            f"{1 / max(r['worst_ratio_running_c'] for r in rows):.3g}")
    return report_from_claims("mei2020-mdp", claims, source="Mei et al. 2020, Thm 4 (recalled)",
                              stated="O(1/t); 16S D^2 ||1/mu|| / (c^2 (1-g)^6 t)", measured=meas,
                              details={"gamma": gamma, "n_iter": n, "mdps": rows}, data_files=data)
