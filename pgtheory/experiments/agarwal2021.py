r"""Agarwal et al. (2021), softmax natural policy gradient, reproduced end to end.

Experiments (``pgtheory check NAME``):

* ``agarwal2021-npg`` -- softmax NPG on random MDPs and several step sizes: the bound
  log|A|/(eta T) + 1/((1-gamma)^2 T) at every T.

Quick mode keeps the experiment to a few seconds.
"""

from __future__ import annotations

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_json
from ._tabular import _gap_curve, _garnets

__all__ = ["agarwal2021_npg"]


# ----------------------------------------------------------------------------- Agarwal et al.
@experiment("agarwal2021-npg", "Softmax NPG on random MDPs: log|A|/(eta T) + 1/((1-gamma)^2 T) at every T",
            tags=("agarwal2021", "exact", "classic"),
            papers=("agarwal2021",),
            bounds=("agarwal2021.npg_softmax",),
            algorithms=("softmax_npg",))
def agarwal2021_npg(config: RunConfig) -> CheckReport:
    """Agarwal et al. 2021 (arXiv:1908.00261), softmax NPG bound, on Garnet MDPs (S=10, A=4, b=3, gamma=0.9).

    The bound is checked at every T (``check="inequality"``), one claim per (MDP, eta): NPG
    converges much faster than O(1/T) here (eventually linearly), so the exponent is not the
    informative part; the slack says how loose the bound is.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_npg
    from ..ratecheck import check_rate, claim_from_rate_check

    n_mdp = 2 if config.quick else 5
    T = 200 if config.quick else 1000
    etas = (0.1, 1.0, 10.0)
    checks, rows, claims = [], [], []
    cells = [(k, mdp, eta) for k, mdp in _garnets(config, 1, n_mdp, 10, 4, 3, 0.9) for eta in etas]
    traces = iter(config.map(lambda c: softmax_npg(c[1], eta=c[2], n_iter=T), cells))
    for k, mdp in _garnets(config, 1, n_mdp, 10, 4, 3, 0.9):
        for eta in etas:
            tr = next(traces)
            x, y = _gap_curve(tr)
            res = check_rate("agarwal2021.npg_softmax", x, y, params=dict(A=mdp.A, eta=eta, gamma=mdp.gamma),
                             check="inequality", label=f"gap, eta={eta:g}")
            checks.append(res)
            claims.append(claim_from_rate_check(res, name=f"MDP {k}, eta={eta:g}: Thm 5.3 at every T"))
            rows.append({"mdp": k, "eta": eta, "worst_ratio": res.worst_ratio, "worst_at": res.worst_at,
                         "holds": res.inequality_holds, "gap_T": float(y[-1]),
                         "slack_min": res.tightness.slack_min, "slack_end": res.tightness.slack_end})
    from ..plotting import rate_check_data

    # the figure shows MDP 0's runs, one per step size
    data = (write_data_json(config, "agarwal2021_npg.json", rows)
            + write_data_json(config, "agarwal2021_npg_panels.json",
                              {"etas": list(etas), "panels": [rate_check_data(r) for r in checks[: len(etas)]]}))
    worst = max(r["worst_ratio"] for r in rows)
    return report_from_claims("agarwal2021-npg", claims, source="Agarwal et al. 2021, Thm 5.3 (recalled)",
                              stated="log|A|/(eta T) + 1/((1-g)^2 T)",
                              measured=f"holds at all T in {len(rows)} runs; max gap/bound {worst:.3g}",
                              details={"runs": rows, "T": T}, data_files=data)
