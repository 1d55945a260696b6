r"""Fatkhullin et al. (2023) rates measured on a tabular MDP through the sampled-oracle engine.

Registered experiment
---------------------
``fatkhullin2023-mdp``
    N-PG-IGT, N-HARPG and vanilla PG on a small Garnet MDP with a tabular softmax policy, every
    gradient a one-trajectory GPOMDP estimate and every Hessian-vector product the Shen et al.
    estimate, both from :class:`pgtheory.oracles.SampledOracle` (the estimator engine: NumPy /
    Numba / CuPy chosen by ``backend="auto"``, which at one trajectory per call means NumPy -- the
    compiled kernels' per-call set-up exceeds the sampling, see ``benchmarks/bench_oracles.py``).
    Mean :math:`J^\star - J(\theta)` against trajectories, tail slopes with seed CIs against the
    registered exponents ``fatkhullin2023.thm1`` (-2/5), ``fatkhullin2023.thm2_nharpg`` (-1/2) and
    ``fatkhullin2023.vanilla_pg`` (-1/3).

What the theory does and does not promise here
----------------------------------------------
For the tabular softmax the score is bounded (:math:`\|\nabla\log\pi\|\le\sqrt2`) and the Hessian
of :math:`J` is Lipschitz, so the smoothness assumptions of Theorems 1-2 hold and the first-order
stationarity rates apply. The global rates on :math:`J^\star-J` additionally need the relaxed weak
gradient domination :math:`\varepsilon' + \|\nabla J\|\ge\sqrt{2\mu}(J^\star-J)` with a *uniform*
:math:`\mu>0` (Fisher non-degeneracy, "eps_bias"): the softmax is Fisher-degenerate as the policy
becomes deterministic, and its gradient domination holds only non-uniformly, with Mei et al.'s
(2020) :math:`c=\inf_t\min_s\pi_t(a^*(s)|s)`, which can be tiny. The global rate claims are
therefore checked as *illustrations* (:func:`pgtheory.ratecheck.as_illustration`): they can support
the stated exponents, and a violated verdict becomes "inconclusive".

References
----------
Fatkhullin, Barakat, Kireeva, He (2023), ICML, arXiv:2302.01734, Theorems 1-2.
Mei, Xiao, Szepesvari, Schuurmans (2020), ICML, arXiv:2005.06392, Lemma 8 (non-uniform Lojasiewicz).
"""

from __future__ import annotations

import time

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_csv, write_data_json

__all__ = ["run_mdp", "MDP_METHODS"]

_SOURCE = "Fatkhullin et al. 2023 (ICML), arXiv:2302.01734, Thms 1-2 (softmax tabular MDP, illustration)"
MDP_METHODS = {"n_pg_igt": "fatkhullin2023.thm1", "n_harpg": "fatkhullin2023.thm2_nharpg",
               "vanilla_pg": "fatkhullin2023.vanilla_pg"}
_LABEL = {"n_pg_igt": "N-PG-IGT (Thm 1)", "n_harpg": "N-HARPG (Thm 2)", "vanilla_pg": "vanilla PG"}
_ETA = {"n_pg_igt": 1.0, "n_harpg": 1.0, "vanilla_pg": 2.0}
_WHY = ("softmax tabular: bounded score and Lipschitz Hessian hold, but gradient domination holds only "
        "non-uniformly (Mei et al.'s c can be tiny; no uniform Fisher non-degeneracy), so the global rate is an "
        "illustration")


def _mdp():
    from ..mdp.instances import garnet

    return garnet(4, 2, 2, gamma=0.6, seed=7)


def _runs(config: RunConfig) -> dict:
    from ..algorithms import run_method
    from ..oracles import SampledOracle

    mdp = _mdp()
    # full size bounded by the per-seed oracle loop (one Python call per seed, gradient and HVP): quick mode
    # (T=500, R=6) took 44 s on a loaded 2-core machine, so T=20000, R=16 would take about 50 minutes
    R = config.seeds or (6 if config.quick else 10)
    T = 500 if config.quick else 2000
    ss = np.random.SeedSequence(int(config.seed))
    t0 = time.perf_counter()

    def run(ms):
        m, s = ms
        oracle = SampledOracle(mdp, "softmax", n=1, estimator="gpomdp", backend="auto", rng=s.spawn(1)[0])
        return run_method(mdp, m, n_iter=T, eta=_ETA[m], n_seeds=R, rng=np.random.default_rng(s), oracle=oracle,
                          n_records=25)

    cells = list(zip(MDP_METHODS, ss.spawn(len(MDP_METHODS))))
    traces = dict(zip(MDP_METHODS, config.map(run, cells)))
    return dict(mdp=mdp, traces=traces, R=R, T=T, seconds=time.perf_counter() - t0,
                backend=traces["n_pg_igt"].params["oracle_backend"])


@experiment("fatkhullin2023-mdp", "N-PG-IGT / N-HARPG / vanilla PG on a tabular softmax MDP through the sampled "
            "GPOMDP gradient and HVP oracles (Fatkhullin et al. 2023, illustration)",
            tags=("fatkhullin2023", "rate", "pg", "oracles"),
            papers=("fatkhullin2023",),
            bounds=("fatkhullin2023.thm1", "fatkhullin2023.thm2_nharpg", "fatkhullin2023.vanilla_pg"),
            algorithms=("run_method",))
def run_mdp(config: RunConfig) -> CheckReport:
    """Tail slopes of :math:`J^\\star-J` in trajectories on a Garnet MDP, sampled oracles (illustrations).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport

    References
    ----------
    Fatkhullin et al., ICML 2023, arXiv:2302.01734, Theorems 1-2; Mei et al. 2020, arXiv:2005.06392.
    """
    from ..ratecheck import as_illustration, check_rate, claim_from_rate_check

    res = _runs(config)
    claims, rows, fits = [], {}, {}
    for i, (m, bid) in enumerate(MDP_METHODS.items()):
        tr = res["traces"][m]
        n = tr.samples[1:].astype(float)
        sub = tr.metrics["suboptimality_by_seed"][:, 1:]
        rc = check_rate(bid, n, sub, params={"eps_bias": 0}, check="rate", tail=1.0, exponent_tol=0.05, rng=i,
                        n_resamples=500, label=_LABEL[m])
        c = claim_from_rate_check(rc, name=f"{_LABEL[m]}: rate in trajectories (MDP, sampled oracle)",
                                  source=f"bound {bid}; {_SOURCE}")
        claims.append(as_illustration(c, _WHY))
        fits[m] = rc.fit
        rows[m] = dict(slope=float(rc.fit.slope), ci=[float(rc.fit.ci[0]), float(rc.fit.ci[1])],
                       stated=float(rc.stated), verdict=claims[-1].verdict, eta=_ETA[m],
                       final_mean=float(tr.metrics["suboptimality"][-1]))
    data = _figure_data(config, res, rows, fits)
    measured = "; ".join(f"{m} {r['slope']:.2f} [{r['ci'][0]:.2f}, {r['ci'][1]:.2f}]" for m, r in rows.items())
    details = dict(mdp="garnet(S=4, A=2, b=2, gamma=0.6, seed=7)", seeds=res["R"], iterations=res["T"],
                   oracle="SampledOracle(n=1, estimator='gpomdp', backend='auto')", engine_backend=res["backend"],
                   per_method=rows, run_seconds=res["seconds"], note=_WHY)
    return report_from_claims("fatkhullin2023-mdp", claims, source=_SOURCE,
                              stated="J*-E J = O(n^-2/5) N-PG-IGT, O(n^-1/2) N-HARPG, O(n^-1/3) vanilla PG "
                                     "(under uniform gradient domination)",
                              measured=measured, details=details, data_files=data)


def _figure_data(config, res, rows, fits) -> tuple:
    """Data of the figure: ``fatkhullin2023-mdp.csv`` (per method: trajectories ``n``, mean
    :math:`J^\\star-J` over seeds and its 95% band ``lo``, ``hi``) and ``fatkhullin2023-mdp.json``
    (per method: the fit row, ``label``, the fitted tail ``fit_x``, ``fit_y``, and ``bound_x``,
    ``bound_y``: the registered bound's shape from ``Bound.evaluate``, anchored at the fit's first
    point)."""
    from .. import bounds
    from ..plotting import fit_band

    cols, meta = {}, {}
    for m in MDP_METHODS:
        tr = res["traces"][m]
        n = tr.samples[1:].astype(float)
        sub = tr.metrics["suboptimality_by_seed"][:, 1:]
        mean = sub.mean(axis=0)
        se = sub.std(axis=0, ddof=1) / np.sqrt(sub.shape[0])
        cols[f"{m}_n"], cols[f"{m}_mean"] = n, mean
        cols[f"{m}_lo"], cols[f"{m}_hi"] = np.maximum(mean - 1.96 * se, mean * 1e-2), mean + 1.96 * se
        xf, yf, _, _ = fit_band(fits[m])
        b = bounds.get(MDP_METHODS[m])
        vals = np.array([float(b.evaluate(**{**_eval_params(b), str(_var(b)): x})) for x in (xf[0], n[-1])])
        meta[m] = {**rows[m], "label": _LABEL[m], "fit_x": xf, "fit_y": yf, "bound_x": [xf[0], n[-1]],
                   "bound_y": yf[0] * vals / vals[0]}
    return (write_data_csv(config, "fatkhullin2023-mdp.csv", cols)
            + write_data_json(config, "fatkhullin2023-mdp.json", meta))


def _var(b):
    """The bound's sample-count symbol (``n``, ``N`` or ``T``)."""
    names = b.symbol_names
    return next(s for s in ("n", "N", "T", "t") if s in names)


def _eval_params(b) -> dict:
    """Values of the bound's other symbols: the transfer error eps_bias = 0 (the stated rate), the MDP's
    gamma (0.6; with eps_bias = 0 its term vanishes, but gamma = 1 would make it 0/0), and 1 for the rest."""
    v = str(_var(b))
    fixed = {"eps_bias": 0.0, "gamma": 0.6}
    return {s: fixed.get(s, 1.0) for s in b.symbol_names if s != v}
