r"""Agarwal et al. (2021), softmax natural policy gradient, reproduced end to end.

Experiments (``pgtheory check NAME``):

* ``agarwal2021-npg`` -- softmax NPG on random MDPs and several step sizes: the bound
  log|A|/(eta T) + 1/((1-gamma)^2 T) at every T.

Quick mode keeps the experiment to a few seconds.
"""

from __future__ import annotations

from ..results import CheckReport
from ._registry import RunConfig, experiment, out_path
from ._runner import report_from_claims, write_data_json
from ._tabular import _finish, _gap_curve, _garnets

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
    figs = ()
    p = out_path(config, "agarwal2021_npg")
    if p is not None:
        from .. import plotting

        fig, ax = plotting.new_axes(figsize=(9.5, 4.8))
        ys, bs = [], []
        for res, eta in zip(checks[: len(etas)], etas):
            pos = res.y > 1e-12 * res.y.max()  # leave out the floating-point floor
            (ln,) = ax.plot(res.x[pos], res.y[pos], label=f"NPG gap, eta={eta:g}")
            ax.plot(res.x, res.bound_values, ls="--", color=ln.get_color(),
                    label=f"Thm 5.3 bound, eta={eta:g} (slack >= {res.tightness.slack_min:.3g}x)")
            ys.append(res.y[pos])
            bs.append(res.bound_values)
        ax.set_xscale("log")
        ax.set_yscale("log")
        plotting._informative_ylim(ax, ys, bs)
        ax.set_xlabel("T")
        ax.set_ylabel("V*(rho) - V^(T)(rho)")
        ax.set_title("Softmax NPG, Garnet S=10, A=4, gamma=0.9 (MDP 0) vs Agarwal et al. 2021, Thm 5.3\n"
                     "(dashed: log|A|/(eta T) + 1/((1-gamma)^2 T), from the registered bound)", fontsize=9)
        plotting.legend_outside(ax, fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    data = write_data_json(config, "agarwal2021_npg.json", rows)
    worst = max(r["worst_ratio"] for r in rows)
    return report_from_claims("agarwal2021-npg", claims, source="Agarwal et al. 2021, Thm 5.3 (recalled)",
                              stated="log|A|/(eta T) + 1/((1-g)^2 T)",
                              measured=f"holds at all T in {len(rows)} runs; max gap/bound {worst:.3g}",
                              details={"runs": rows, "T": T}, figures=figs, data_files=data)
