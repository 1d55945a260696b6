r"""Checks of HAC / HNPG (Zhou, Sekhari, Song, Sun 2023, arXiv:2311.08384; full text read, tag [V]).

Experiments (``pgtheory check NAME``), all on exact tabular MDPs with a state reset:

* ``zhou2023-hpe-fixed-point`` (H1) -- population HPE on the complete tabular class: the iterates
  reach :math:`Q^\pi` and the on-policy error contracts at least like :math:`\gamma` per iteration
  (proof of Lemma 5), for :math:`\lambda\in\{0.1, 1, 10\}`.
* ``zhou2023-hac-exact`` (H2) -- exact-critic HAC: cumulative regret below
  :math:`2\sqrt{T\log A}/(1-\gamma)^2` (Theorem 1, eq. 24 at :math:`\Delta_{on}=0`) at every
  :math:`T`, one run per :math:`T` with :math:`\eta_T`; tail slope at most 0.5 + 0.1.
* ``zhou2023-lambda-tradeoff`` (H3) -- HPE over a realizable but incomplete linear class: the
  on-policy error of :math:`\bar f` under Lemma 5(a)'s :math:`12/((1-\gamma)^2\lambda)` and falling
  at least like :math:`1/\lambda`; the offline Bellman residual under eq. (20) and growing at
  most like :math:`\lambda`.
* ``zhou2023-comblock`` (H5) -- the paper's combination lock: :math:`\bar C_{off,\pi^*}` stays
  bounded (exactly :math:`(1-1/H)^{-H}` for :math:`\varepsilon`-greedy data) while
  :math:`C_{npg,\pi^*}` grows like :math:`A^H`; hybrid HAC needs fewer online samples than the
  on-policy actor-critic at every :math:`H` (tabular analogue of the paper's Fig. 2).
* ``zhou2023-hac-sampled`` (H4) -- sampled HAC (Monte-Carlo targets from the estimator engine):
  expected regret under Theorem 1's explicit bound at every :math:`T`, slope at most 0.5 + 0.1.

Verdicts come only from :mod:`pgtheory.ratecheck` primitives; each claim carries its source.
"""

from __future__ import annotations

import math

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment, out_path
from ._runner import report_from_claims, write_data_json

__all__ = ["zhou2023_hpe_fixed_point", "zhou2023_hac_exact", "zhou2023_lambda_tradeoff", "zhou2023_comblock",
           "zhou2023_hac_sampled"]

SRC = "Zhou et al. 2023 (arXiv:2311.08384)"


def _garnet(seed, S, A, gamma, b=3):
    from ..mdp import instances

    return instances.garnet(S, A, b, gamma=gamma, seed=seed)


def _finish(fig, claims, p):
    from .. import plotting
    from ..ratecheck import combine

    v, r = combine(claims)
    plotting.add_verdict(fig, v, r)
    return plotting.save_figure(fig, p)


# ----------------------------------------------------------------------------- H1
@experiment("zhou2023-hpe-fixed-point", "HPE (population, complete class) reaches Q^pi and contracts like gamma",
            tags=("zhou2023", "exact", "actor-critic"))
def zhou2023_hpe_fixed_point(config: RunConfig) -> CheckReport:
    """H1: population HPE fixed point and per-iteration contraction (Zhou et al. 2023, proof of Lemma 5).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import bounds
    from ..algorithms.hnpg import hpe_population
    from ..ratecheck import check_identity, check_inequality

    gammas = (0.9,) if config.quick else (0.8, 0.9, 0.95)
    lams = (0.1, 1.0, 10.0)
    n_iter = 300 if config.quick else 600
    B = bounds.get("zhou2023.lemma5_contraction")
    claims, runs = [], []
    for i, g in enumerate(gammas):
        mdp = _garnet(config.seed + 10 + i, 8, 4, g)
        rng = np.random.default_rng(config.seed + 100 + i)
        pi = rng.dirichlet(np.ones(4), size=8)
        nu = rng.dirichlet(np.ones(32)).reshape(8, 4)
        for lam in lams:
            tr = hpe_population(mdp, pi, nu, lam, n_iter)
            e = tr.metric("on_policy_error")
            k = tr.iterations.astype(float)
            Q = tr.final["Q"]
            scale = float(np.max(np.abs(Q)))
            # squared errors below (64 eps |Q|_inf)^2 are rounding of the iterates, not signal
            floor = (64 * np.finfo(float).eps * max(scale, 1.0)) ** 2
            tag = f"gamma={g}, lam={lam:g}"
            claims.append(check_identity(tr.final["f"], Q, rtol=0.0, atol=1e-9 * max(scale, 1.0),
                                         name=f"f_K = Q^pi ({tag})",
                                         source="[V] Lemma 5 (HPE, realizable and complete class, eps_stat = 0)",
                                         stated="HPE iterates converge to Q^pi",
                                         tol_reason=f"gamma^{n_iter} times the initial error is below 1e-9 |Q|"))
            # compare only where the error is above the rounding floor (below it the iterates are exact)
            sig = e > floor
            pair = sig[:-1]
            claims.append(check_inequality(k[1:][pair], e[1:][pair], g * e[:-1][pair],
                                           name=f"per-iteration contraction ({tag})",
                                           source="[V] Lemma 5 proof: E(f_k-Q)^2 <= gamma E(f_{k-1}-Q)^2 + 0",
                                           stated="E_{d^pi}(f_k - Q^pi)^2 <= gamma E_{d^pi}(f_{k-1} - Q^pi)^2",
                                           rtol=1e-9, atol=floor, stochastic=False, variable="k"))
            bv = B.evaluate(k=k, e0=e[0], gamma=g)
            claims.append(check_inequality(k[sig], e[sig], bv[sig], name=f"e_k <= gamma^k e_0 ({tag})", bound_id=B.id,
                                           source="[V] Lemma 5 proof, iterated", stated="gamma^k e_0",
                                           rtol=1e-9, atol=floor, stochastic=False, variable="k"))
            runs.append({"gamma": g, "lam": lam, "k": k, "e": e, "bound": bv, "floor": floor})
    figs = ()
    p = out_path(config, "zhou2023_hpe_fixed_point")
    if p is not None:
        from .. import plotting

        fig, axes = plotting.new_axes(1, len(gammas), squeeze=False)
        cols = {0.1: "C0", 1.0: "C1", 10.0: "C2"}
        for j, g in enumerate(gammas):
            ax = axes[0, j]
            kmax = 0
            for r in (r for r in runs if r["gamma"] == g):
                m = r["e"] > r["floor"]
                kmax = max(kmax, int(r["k"][m].max()))
                ax.semilogy(r["k"][m], r["e"][m], color=cols[r["lam"]], label=f"measured, lam={r['lam']:g}")
            r0 = next(r for r in runs if r["gamma"] == g)  # e_0 is the same for every lam (f_0 = 0)
            ax.semilogy(r0["k"][:kmax + 1], r0["bound"][:kmax + 1], color="k", ls="--", lw=1,
                        label="bound gamma^k e_0 (Lemma 5 proof)")
            ax.axhline(r0["floor"], color="0.5", ls=":", lw=1, label="rounding floor")
            ax.set_xlabel("HPE iteration k")
            ax.set_ylabel(r"$E_{d^\pi}(f_k - Q^\pi)^2$")
            ax.set_title(f"Garnet S=8, A=4, gamma={g}")
            plotting.legend_outside(ax, where="below", fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    data = write_data_json(config, "zhou2023_hpe_fixed_point.json",
                           [{k: v for k, v in r.items()} for r in runs])
    return report_from_claims("zhou2023-hpe-fixed-point", claims, source=f"{SRC}, Lemma 5 (proof) [V]",
                              stated="population HPE: f_k -> Q^pi, on-policy error contracts by gamma per iteration",
                              details={"gammas": list(gammas), "lams": list(lams), "n_iter": n_iter},
                              figures=figs, data_files=data)


# ----------------------------------------------------------------------------- H2
@experiment("zhou2023-hac-exact", "Exact-critic HAC: regret <= 2 sqrt(T log A)/(1-gamma)^2 at every T, slope 1/2",
            tags=("zhou2023", "exact", "actor-critic"))
def zhou2023_hac_exact(config: RunConfig) -> CheckReport:
    """H2: HAC with f^t = Q^{pi_t} (Zhou et al. 2023, Theorem 1, eq. 24 at Delta_on = 0).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import bounds
    from ..algorithms.hnpg import hac_exact_grid
    from ..ratecheck import check_rate, claim_from_rate_check

    B = bounds.get("zhou2023.thm1_exact_critic")
    # the run to T = 1e5 costs the same for any grid; >= 5 points in the last decade for the tail fit
    n_lo, n_hi = (4, 6) if config.quick else (9, 9)
    Ts = np.unique(np.round(np.concatenate([np.logspace(1, 4, n_lo), np.logspace(4, 5, n_hi)])).astype(np.int64))
    seeds = (1,) if config.quick else (1, 2)
    claims, curves = [], []
    for sd in seeds:
        mdp = _garnet(sd, 8, 4, 0.9)
        tr = hac_exact_grid(mdp, Ts)
        reg = tr.metric("regret")
        res = check_rate(B, Ts.astype(float), reg, params={"A": mdp.A, "gamma": mdp.gamma}, exponent_tol=0.1,
                         tail=1.0, label="cumulative regret")
        claims.append(claim_from_rate_check(res, name=f"regret vs T, Garnet seed {sd}",
                                            source="[V] Thm 1, eq. 24 (Delta_on = 0); tail slope <= 0.5 + 0.1"))
        curves.append({"seed": sd, "T": Ts, "regret": reg, "bound": res.bound_values, "res": res})
    figs = ()
    p = out_path(config, "zhou2023_hac_exact")
    if p is not None:
        from .. import plotting

        fig, ax = plotting.new_axes(1, 1)
        for i, c in enumerate(curves):
            ax.loglog(c["T"], c["regret"], "o-", color=f"C{i}", ms=3, label=f"HAC exact critic, Garnet seed {c['seed']}")
            ax.loglog(c["T"], c["bound"], "--", color=f"C{i}", lw=1,
                      label="2 sqrt(T log A)/(1-gamma)^2 (Thm 1, eq. 24)" if i == 0 else None)
        f = curves[0]["res"].fit
        if f is not None and f.ok:
            ax.text(0.03, 0.97, f"tail slope {f.slope:.3f} [{f.ci[0]:.3f}, {f.ci[1]:.3f}]", transform=ax.transAxes,
                    va="top", fontsize=8)
        ax.set_xlabel("rounds T (one run per T, eta_T = (1-gamma) sqrt(log A / T))")
        ax.set_ylabel(r"regret $\sum_{t\leq T} V^\star(\rho) - V^{\pi_t}(\rho)$")
        ax.set_title("Exact-critic HAC, Garnet S=8, A=4, gamma=0.9")
        plotting.legend_outside(ax, where="below", fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    data = write_data_json(config, "zhou2023_hac_exact.json",
                           [{k: v for k, v in c.items() if k != "res"} for c in curves])
    return report_from_claims("zhou2023-hac-exact", claims, source=f"{SRC}, Theorem 1 eq. (24) [V]",
                              stated="sum_t V* - V^{pi_t} <= 2/(1-gamma)^2 sqrt(T log A) (exact critic)",
                              details={"T": Ts.tolist()}, figures=figs, data_files=data)


# ----------------------------------------------------------------------------- H3
@experiment("zhou2023-lambda-tradeoff", "HPE without completeness: on-policy error ~ 1/lam, offline residual <= eq. 20",
            tags=("zhou2023", "exact", "actor-critic"))
def zhou2023_lambda_tradeoff(config: RunConfig) -> CheckReport:
    """H3: the lambda trade-off of Lemma 5 (a)/(b) on a realizable, incomplete linear class.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import bounds
    from ..algorithms.hnpg import hpe_linear
    from ..ratecheck import check_rate, claim_from_rate_check

    # Q^pi lies in the class, so it is a fixed point of the projected iteration and long runs reach
    # it to rounding for every lam (nothing left to measure); a short run (K2 = 6) keeps the errors
    # of eq. (16) visible above the floating-point floor over three decades of lam.
    lams = np.logspace(0, 3, 7 if config.quick else 13)
    K2, K1 = 6, 3
    g = 0.9
    mdp = _garnet(config.seed + 7, 10, 3, g)
    rng = np.random.default_rng(config.seed + 70)
    pi = rng.dirichlet(np.ones(3), size=10)
    nu = rng.dirichlet(np.ones(30)).reshape(10, 3)
    Phi = rng.standard_normal((10, 3, 3))
    on, off, ebe = [], [], []
    for lam in lams:
        tr = hpe_linear(mdp, pi, nu, float(lam), Phi, n_iter=K2, K1=K1)
        on.append(tr.final["on_policy_error_bar"])
        off.append(tr.final["offline_residual_bar"])
        ebe.append(tr.final["eps_be_lower"])
    on, off = np.array(on), np.array(off)
    # every iterate lies in the same class F_pi, so the largest LP value is the best lower estimate of eps_be
    eps_be = float(max(ebe))
    Bon = bounds.get("zhou2023.lemma5_on")
    Boff = bounds.get("zhou2023.lemma5_off_eq20")
    r_on = check_rate(Bon, lams, on, params={"gamma": g, "eps_stat": 0.0}, exponent_tol=0.1, tail=2.0,
                      label=r"$E_{d^\pi}(\bar f - Q^\pi)^2$")
    r_off = check_rate(Boff, lams, off, params={"gamma": g, "eps_stat": 0.0, "eps_be": eps_be, "K": K2 - K1},
                       exponent_tol=0.1, tail=2.0, label="E_nu(f_bar - T^pi f_bar)^2")
    claims = [claim_from_rate_check(r_on, name="on-policy error vs lam",
                                    source="[V] Lemma 5 (a), 1/lam branch; slope <= -1 + 0.1"),
              claim_from_rate_check(r_off, name="offline Bellman residual vs lam",
                                    source="[V] Lemma 5 proof, eq. (20), eps_be = LP lower estimate; slope <= 1 + 0.1")]
    figs = ()
    p = out_path(config, "zhou2023_lambda_tradeoff")
    if p is not None:
        from .. import plotting

        fig, (a1, a2) = plotting.new_axes(1, 2)
        a1.loglog(lams, on, "o-", ms=3, label=r"measured $E_{d^\pi}(\bar f - Q^\pi)^2$")
        a1.loglog(lams, r_on.bound_values, "--", color="k", lw=1, label="12/((1-gamma)^2 lam) (Lemma 5a)")
        a1.set_xlabel("lam (on-policy weight)")
        a1.set_ylabel("on-policy error")
        a1.set_title("on-policy error falls with lam")
        plotting.legend_outside(a1, where="below", fontsize=7)
        a2.loglog(lams, off, "o-", ms=3, color="C1", label="measured E_nu(f_bar - T f_bar)^2")
        a2.loglog(lams, r_off.bound_values, "--", color="k", lw=1, label="eq. (20) with LP lower eps_be")
        a2.set_xlabel("lam (on-policy weight)")
        a2.set_ylabel("offline Bellman residual")
        a2.set_title(f"offline residual (eps_be >= {eps_be:.2g})")
        plotting.legend_outside(a2, where="below", fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    data = write_data_json(config, "zhou2023_lambda_tradeoff.json",
                           {"lam": lams, "on_policy_error": on, "offline_residual": off, "eps_be_lower": ebe,
                            "bound_on": r_on.bound_values, "bound_off": r_off.bound_values})
    return report_from_claims("zhou2023-lambda-tradeoff", claims, source=f"{SRC}, Lemma 5 (a)/(b), eq. (16)-(20) [V]",
                              stated="on-policy error <= 12/((1-gamma)^2 lam); offline residual <= "
                                     "1/((K2-K1)(1-gamma^2)) + 20 lam eps_be/(1-gamma)^2",
                              details={"eps_be_lower": eps_be, "K1": K1, "K2": K2, "k_features": 3,
                                       "offline_residual_monotone_in_lam": bool(np.all(np.diff(off) <= 0)),
                                       "note": "Q^pi is in the class (realizable), so both errors fall with lam "
                                               "here; the lam * eps_be growth allowed by Lemma 5 (b) is not forced"},
                              figures=figs, data_files=data)


# ----------------------------------------------------------------------------- H5
@experiment("zhou2023-comblock", "Comb lock: offline data replaces coverage (Cbar_off bounded, C_npg ~ A^H; "
                                 "hybrid HAC needs fewer online samples)", tags=("zhou2023", "sampled", "actor-critic"))
def zhou2023_comblock(config: RunConfig) -> CheckReport:
    """H5: the tabular analogue of the paper's Fig. 2 on its combination lock (App. E.1).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms.hnpg import hac, hybrid_combination_lock, npg_coverage, offline_concentrability
    from ..mdp import policy_evaluation, state_action_occupancy
    from ..ratecheck import check_identity, check_ordering

    A, gamma = 3, 0.9
    Hs = np.arange(2, 7) if config.quick else np.arange(2, 9)
    n_seeds = config.seeds or (2 if config.quick else 3)
    budget = 300 if config.quick else 400  # on-policy runs that fail use the whole budget (most of the time)
    m, K1, K2, eta = 20, 5, 10, 1.0
    ss = np.random.SeedSequence(config.seed + 2311)
    cbar, cnpg, med = [], [], {"hybrid": [], "on_policy": []}
    raw = {"hybrid": [], "on_policy": []}
    cells = []  # (mdp, nu, v_star, mode, child): seeds spawned in the serial order, before the map
    for H in Hs:
        cl = hybrid_combination_lock(int(H), A=A, gamma=gamma, seed=int(H))
        mdp = cl.mdp
        v_star = float(mdp.rho @ policy_evaluation(mdp, cl.pi_star).V)
        nu = state_action_occupancy(mdp, cl.eps_greedy(1.0 / H))
        cbar.append(offline_concentrability(mdp, cl.pi_star, nu))
        cnpg.append(npg_coverage(mdp, cl.pi_star, [np.full((mdp.S, A), 1.0 / A)]))
        for mode in ("hybrid", "on_policy"):
            cells += [(mdp, nu, v_star, mode, child) for child in ss.spawn(n_seeds)]

    def samples_to_target(c):
        mdp, nu, v_star, mode, child = c
        tr = hac(mdp, budget, nu=nu, lam=1.0, m_on=m, m_off=m, K1=K1, K2=K2, eta=eta, mode=mode,
                 rng=np.random.default_rng(child), target=0.1 * v_star)
        return float(tr.samples[-1]) if tr.final["reached"] else float("inf")

    done = iter(config.map(samples_to_target, cells))
    for H in Hs:
        for mode in ("hybrid", "on_policy"):
            got = [next(done) for _ in range(n_seeds)]
            raw[mode].append(got)
            # censored runs count as the budget: a lower bound on their true sample count
            med[mode].append(float(np.median(np.minimum(got, budget * K2 * m))))
    cbar, cnpg = np.array(cbar), np.array(cnpg)
    hyb, onp = np.array(med["hybrid"]), np.array(med["on_policy"])
    AH = float(A) ** Hs
    claims = [
        check_identity(cbar, (1.0 - 1.0 / Hs) ** (-Hs.astype(float)), rtol=1e-9, atol=0.0,
                       name="Cbar_off,pi* = (1-1/H)^-H", source="[V] Definition 4; ratio derived exactly [I]",
                       stated="bounded in H (<= 4 for H >= 2)", tol_reason="two linear solves, condition ~ 1/(1-gamma)"),
        check_identity(cnpg, AH, rtol=1e-9, atol=0.0, name="||d^pi*/d^uniform||_inf = A^H",
                       source="[V] Definition 2 (lower bound on C_npg,pi* from pi = uniform); derived [I]",
                       stated="C_npg,pi* >= A^H", tol_reason="two linear solves, condition ~ 1/(1-gamma)"),
        check_ordering(cbar, cnpg, relation="<=", name="min{C_npg, C_off^2} is the offline term",
                       source="[V] Thm 1 min{C_npg, C_off^2}, C_off^2 <= Cbar_off (Def. 4)",
                       stated="Cbar_off <= C_npg", left_label="Cbar_off", right_label="C_npg lower bound"),
        check_ordering(hyb, onp, relation="<=", name="hybrid online samples <= on-policy online samples",
                       source="[V] Thm 1 / Fig. 2 analogue (tabular, our sizes)",
                       stated="offline data replaces coverage: hybrid needs no more online samples",
                       left_label="hybrid HAC", right_label="on-policy AC (censored at the budget)"),
    ]
    figs = ()
    p = out_path(config, "zhou2023_comblock")
    if p is not None:
        from .. import plotting

        fig, (a1, a2) = plotting.new_axes(1, 2)
        cap = budget * K2 * m
        for mode, col, lab in (("hybrid", "C0", "hybrid HAC (lam=1, eps-greedy pi* data)"),
                               ("on_policy", "C3", "on-policy actor-critic (no offline term)")):
            y = np.array(med[mode])
            a1.semilogy(Hs, y, "o-", color=col, label=f"{lab}, median of {n_seeds}")
            cens = np.array([np.median(r) == float("inf") for r in raw[mode]])
            if cens.any():
                a1.semilogy(Hs[cens], y[cens], "^", color=col, ms=9, label="failed within the budget (censored)")
        a1.axhline(cap, color="0.5", ls=":", lw=1, label="online budget")
        a1.set_xlabel("horizon H (layers)")
        a1.set_ylabel("online samples to V* - V^pi <= 0.1 V*")
        a1.set_title(f"comb lock, A={A}, gamma={gamma}")
        plotting.legend_outside(a1, where="below", fontsize=7)
        a2.semilogy(Hs, cnpg, "s-", color="C3", label="||d^pi*/d^uniform||_inf (lower bound on C_npg)")
        a2.semilogy(Hs, AH, "k--", lw=1, label="A^H")
        a2.semilogy(Hs, cbar, "o-", color="C0", label="Cbar_off,pi* = sup d^pi*/nu (Def. 4)")
        a2.set_xlabel("horizon H (layers)")
        a2.set_ylabel("coverage constant")
        a2.set_title("coverage: on-policy vs offline")
        plotting.legend_outside(a2, where="below", fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    data = write_data_json(config, "zhou2023_comblock.json",
                           {"H": Hs, "Cbar_off": cbar, "C_npg_lower": cnpg, "samples_raw": raw,
                            "samples_median": med, "budget_rounds": budget, "m": m, "K1": K1, "K2": K2, "eta": eta})
    return report_from_claims("zhou2023-comblock", claims, source=f"{SRC}, Theorem 1 and Fig. 2 (tabular analogue) [V]",
                              stated="offline data replaces coverage: min{C_npg, C_off^2}; hybrid succeeds where "
                                     "on-policy needs ~A^H samples",
                              details={"H": Hs.tolist(), "Cbar_off": cbar.tolist(), "C_npg_lower": cnpg.tolist(),
                                       "hybrid_median_samples": hyb.tolist(), "on_policy_median_samples": onp.tolist(),
                                       "note": "eta = 1 (outside Lemma 6's eta <= (1-gamma)/2; the paper's own "
                                               "experiments use TRPO steps), K2 - K1 = 5, m_on = m_off = 20"},
                              figures=figs, data_files=data)


# ----------------------------------------------------------------------------- H4
@experiment("zhou2023-hac-sampled", "Sampled HAC: regret under eq. (22) run by run and under Thm 1's explicit bound",
            tags=("zhou2023", "sampled", "actor-critic"))
def zhou2023_hac_sampled(config: RunConfig) -> CheckReport:
    """H4: sampled HAC (Monte-Carlo targets from the estimator engine) against Theorem 1 (Zhou et al. 2023).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import bounds
    from ..algorithms.hnpg import hac, hac_exact_grid
    from ..ratecheck import check_inequality, check_rate, claim_from_rate_check

    g, S, A = 0.8, 5, 3
    mdp = _garnet(config.seed + 3, S, A, g)
    nu = np.full((S, A), 1.0 / (S * A))
    Ts = np.array([8, 16, 32] if config.quick else [8, 16, 32, 64, 128])
    n_seeds = config.seeds or (4 if config.quick else 8)
    K1 = int(math.ceil(3 / (1 - g)))
    B22 = bounds.get("zhou2023.thm1_eq22")
    B1 = bounds.get("zhou2023.thm1_complete")
    ss = np.random.SeedSequence(config.seed + 4)
    reg = np.empty((n_seeds, Ts.size))
    b22 = np.empty((n_seeds, Ts.size))
    dmax = np.empty((n_seeds, Ts.size))
    cmax = np.empty((n_seeds, Ts.size))
    cells = [(j, i, int(T), child) for j, T in enumerate(Ts) for i, child in enumerate(ss.spawn(n_seeds))]
    runs = config.map(lambda c: hac(mdp, c[2], nu=nu, lam=1.0, m_on=2 * c[2], m_off=2 * c[2], K1=K1, K2=K1 + c[2],
                                    rng=np.random.default_rng(c[3])), cells)
    for (j, i, T, _), tr in zip(cells, runs):
        reg[i, j] = tr.metric("regret")[-1]
        dmax[i, j] = float(np.max(tr.metric("critic_error")))
        cmax[i, j] = float(tr.metric("npg_coverage")[-1])
        b22[i, j] = B22.evaluate(T=float(T), A=A, gamma=g, C_npg=cmax[i, j], Delta_on=dmax[i, j])
    exact = hac_exact_grid(mdp, Ts).metric("regret")
    x = np.tile(Ts.astype(float), n_seeds)
    claims = [
        check_inequality(x, reg.reshape(-1), b22.reshape(-1), name="regret <= eq. (22) in every run",
                         source="[V] Thm 1 proof, eq. (22), with each run's C_npg and max_t Delta_on",
                         stated="2 sqrt(T log A)/(1-gamma)^2 + 2T sqrt(C_npg Delta_on)/(1-gamma)",
                         stochastic=False, bound_id=B22.id, variable="T"),
        # min{C_npg, C_off^2} >= 0: dropping the coverage term asks for more than the theorem does
        claim_from_rate_check(check_rate(B1, Ts.astype(float), reg, params={"A": A, "gamma": g, "C_npg": 0.0,
                                                                             "C_off": 0.0},
                                         check="inequality", label="expected regret (mean over seeds)"),
                              name="E regret <= 60 sqrt(T log A)/(1-gamma)^2 (+ coverage term >= 0)",
                              source="[V] Thm 1 (complete, lam = 1), constants from C.1.4; coverage term dropped"),
    ]
    figs = ()
    p = out_path(config, "zhou2023_hac_sampled")
    if p is not None:
        from .. import plotting

        fig, ax = plotting.new_axes(1, 1)
        mean = reg.mean(axis=0)
        ax.fill_between(Ts, reg.min(axis=0), reg.max(axis=0), color="C0", alpha=0.2, label="sampled HAC, seed range")
        ax.loglog(Ts, mean, "o-", color="C0", ms=3, label=f"sampled HAC, mean of {n_seeds} seeds")
        ax.loglog(Ts, exact, "s:", color="C2", ms=3, label="exact-critic HAC (same eta_T)")
        ax.loglog(Ts, np.median(b22, axis=0), "--", color="C1", lw=1, label="eq. (22) with measured C_npg, Delta_on (median)")
        ax.loglog(Ts, B1.evaluate(T=Ts.astype(float), A=A, gamma=g, C_npg=0.0, C_off=0.0), "--", color="k", lw=1,
                  label="60 sqrt(T log A)/(1-gamma)^2 (Thm 1)")
        ax.set_xlabel("rounds T (K2 - K1 = T, m_on = m_off = 2T)")
        ax.set_ylabel(r"regret $\sum_{t\leq T} V^\star(\rho) - V^{\pi_t}(\rho)$")
        ax.set_title(f"Sampled HAC, Garnet S={S}, A={A}, gamma={g}")
        plotting.legend_outside(ax, where="below", fontsize=7)
        fig.tight_layout()
        figs = _finish(fig, claims, p)
    sl = np.diff(np.log(reg.mean(axis=0))) / np.diff(np.log(Ts))
    data = write_data_json(config, "zhou2023_hac_sampled.json",
                           {"T": Ts, "regret": reg, "exact_regret": exact, "eq22": b22, "Delta_on_max": dmax,
                            "C_npg_run": cmax})
    return report_from_claims("zhou2023-hac-sampled", claims, source=f"{SRC}, Theorem 1, eq. (22) [V]",
                              stated="sum_t V* - V^{pi_t} <= 60/(1-gamma)^2 sqrt(T log A) + 100/(1-gamma)^2 "
                                     "sqrt(min{C_npg, C_off^2} T)",
                              details={"local_slopes_mean_regret": sl.tolist(), "K1": K1,
                                       "note": "the regret slope is not yet 1/2 at these T (the exact-critic run "
                                               "reaches ~0.55 only near T = 1e5); the slope claim is left to the "
                                               "exact-critic check zhou2023-hac-exact"},
                              figures=figs, data_files=data)
