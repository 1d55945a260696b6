r"""The classic exact-gradient results, reproduced end to end (problem -> algorithm -> trace ->
rate check against the registered bound -> verdict + figure + data).

Experiments (``pgtheory check NAME``):

* ``mei2020-bandit`` -- softmax PG, step 2/5, on the bandit r = (1.0, 0.9, 0.1): O(1/t) slope,
  the limit of t * gap, and the bound 5/(c^2 t) at every t with the running c_t.
* ``mei2020-mdp`` -- softmax PG, step (1-gamma)^3/8, on random Garnet MDPs: Theorem 4's
  inequality at every t, evaluated with the running c_t = min_{1<=k<=t} min_s pi_k(a*(s)|s) and
  with the minimum over the whole run (the theorem's c is an infimum over all t >= 1; the
  running value is >= it, so the first check is the stronger one); the -1 exponent.
* ``agarwal2021-npg`` -- softmax NPG on random MDPs and several step sizes: the bound
  log|A|/(eta T) + 1/((1-gamma)^2 T) at every T.
* ``cen2021-thm1`` -- entropy-regularised NPG: both inequalities of Theorem 1 at every t for
  eta in {0.1, 0.5, 1} (1-gamma)/tau, and the fitted contraction against 1 - eta tau.
* ``cen2021-fig1`` -- the 3-armed bandit of Cen et al.'s Figure 1 (tau in {0.1, 1}, eta = 0.1):
  Proposition 1's bound at every t, contraction, and the policy paths of regularised PG and NPG.
* ``li2021-hard`` -- exact softmax PG on the lumped hard MDP of Li et al., followed by its gradient
  flow integrated in log-time: crossing times t_s for a sweep of |S| up to 1e16. Once
  |S| >= (1-gamma)^-6 the recursion exponent d log t_s / d log t_(s-2) is ~1.9-2.0 (the paper's
  recursion (46) needs 1.5), so t_s grows faster than any polynomial in s; below that size all
  primary states cross together. NPG on the same MDP needs the same few iterations for every |S|.

Quick mode keeps every experiment to a few seconds (the whole module ~30-60 s on one core).
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment, out_path
from ._runner import rate_check_figure, report_from_checks, write_data_csv, write_data_json

__all__ = ["bandit_mdp", "mei2020_bandit", "mei2020_mdp", "agarwal2021_npg", "cen2021_thm1", "cen2021_fig1",
           "li2021_hard", "li2021_crossing_times"]

R_BANDIT = (1.0, 0.9, 0.1)


def bandit_mdp(r=R_BANDIT):
    """A K-armed bandit as a one-state :class:`~pgtheory.mdp.TabularMDP` with ``gamma = 0``.

    Parameters
    ----------
    r : sequence of float
        Arm rewards.

    Returns
    -------
    TabularMDP
    """
    from ..mdp import TabularMDP

    r = np.asarray(r, dtype=np.float64)[None, :]
    return TabularMDP(np.ones((1, r.shape[1], 1)), r, gamma=0.0)


def _garnets(config, salt, n_mdp, S, A, b, gamma):
    """``(k, mdp)`` for ``n_mdp`` Garnet MDPs; MDP ``k`` uses child ``k`` of ``SeedSequence(config.seed + salt)``."""
    from ..mdp import instances

    ss = np.random.SeedSequence(config.seed + salt).spawn(n_mdp)
    for k in range(n_mdp):
        yield k, instances.garnet(S, A, b, gamma=gamma, seed=np.random.default_rng(ss[k]))


def _gap_curve(tr):
    """Iterations ``t >= 1`` (float) and the suboptimality recorded at them, from a trace."""
    return tr.iterations[1:].astype(float), tr.metric("suboptimality")[1:]


# ----------------------------------------------------------------------------- Mei et al.
@experiment("mei2020-bandit", "Softmax PG on the bandit r=(1,.9,.1): O(1/t), t*gap limit, 5/(c^2 t) at every t",
            tags=("mei2020", "exact", "classic"))
def mei2020_bandit(config: RunConfig) -> CheckReport:
    """Mei et al. 2020 (arXiv:2005.06392), bandit case: softmax PG with exact gradient, eta = 2/5.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_pg
    from ..ratecheck import check_rate

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
    figs = ()
    p = out_path(config, "mei2020_bandit")
    if p is not None:
        from .. import plotting

        fig, (a1, a2) = plotting.new_axes(1, 2)
        res.plot(ax=a1, title="softmax PG, bandit r=(1, .9, .1), eta=2/5",
                 bound_label="5/(c_t^2 t): Mei et al. 2020, Thm 2 (bandit)")
        a2.plot(t, tg, label="t * gap")
        a2.axhline(tg[-1], color="k", ls=":", lw=1, label=f"limit ~ {tg[-1]:.3f}")
        a2.set_xscale("log")
        a2.set_xlabel("t")
        a2.set_ylabel("t * gap")
        a2.set_title("t * gap converges (O(1/t) is tight)")
        a2.legend()
        fig.tight_layout()
        figs = plotting.save_figure(fig, p)
    data = write_data_csv(config, "mei2020_bandit.csv", {"t": t, "gap": gap, "running_c": c, "bound": res.bound_values})
    return report_from_checks("mei2020-bandit", [res], source="Mei et al. 2020, bandit (Thm 2) [R]",
                              stated="O(1/t); gap <= 5/(c^2 t)",
                              measured=f"{res.measured_text}; t*gap -> {tg[-1]:.3f}",
                              details=details, figures=figs, data_files=data)


@experiment("mei2020-mdp", "Softmax PG on random MDPs: Theorem 4 at every t with the running c_t, and slope -1",
            tags=("mei2020", "exact", "classic"))
def mei2020_mdp(config: RunConfig) -> CheckReport:
    """Mei et al. 2020 (arXiv:2005.06392), Theorem 4, on Garnet MDPs (S=5, A=3, b=3), mu = rho uniform.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_pg
    from ..mdp import distribution_mismatch
    from ..ratecheck import check_rate

    gamma = 0.5 if config.quick else 0.7
    n = 200_000 if config.quick else 1_000_000
    n_mdp = 3 if config.quick else 5
    checks, labels, rows = [], [], []
    for k, mdp in _garnets(config, 0, n_mdp, 5, 3, 3, gamma):
        tr = softmax_pg(mdp, n_iter=n, n_records=300)
        t, gap = _gap_curve(tr)
        D = distribution_mismatch(mdp, mdp.rho, rho=mdp.rho)
        base = dict(S=mdp.S, gamma=gamma, D=D, Minv=float(np.max(1.0 / mdp.rho)))
        run_c = tr.metric("running_c")[1:]
        r1 = check_rate("mei2020.thm4", t, gap, params={**base, "c": run_c}, label=f"gap, MDP {k}")
        r2 = check_rate("mei2020.thm4", t, gap, params={**base, "c": tr.final["c_run"]}, check="inequality",
                        label=f"gap, MDP {k}")
        checks += [r1, r2]
        labels.append(f"MDP {k}")
        rows.append({"mdp": k, "D": D, "c_run": tr.final["c_run"], "c_argmin": tr.final["c_argmin"],
                     "slope": r1.fit.slope if r1.fit else None, "worst_ratio_running_c": r1.worst_ratio,
                     "worst_ratio_run_min_c": r2.worst_ratio, "final_gap": float(gap[-1])})
    figs = rate_check_figure(checks[0::2], config, "mei2020_mdp", labels=[f"{lab}, gamma={gamma}" for lab in labels],
                             title="Softmax PG, eta=(1-gamma)^3/8, bound: Mei et al. 2020 Thm 4 with running c_t",
                             ylabel="V*(rho) - V^{pi_t}(rho)")
    data = write_data_json(config, "mei2020_mdp.json", rows)
    slopes = [r["slope"] for r in rows if r["slope"] is not None]
    meas = (f"slopes {min(slopes):.3f}..{max(slopes):.3f} over {n_mdp} MDPs; bound/gap >= "
            f"{1 / max(r['worst_ratio_running_c'] for r in rows):.3g}")
    return report_from_checks("mei2020-mdp", checks, source="Mei et al. 2020, Thm 4 [R]",
                              stated="O(1/t); 16S D^2 ||1/mu|| / (c^2 (1-g)^6 t)", measured=meas,
                              details={"gamma": gamma, "n_iter": n, "mdps": rows}, figures=figs, data_files=data)


# ----------------------------------------------------------------------------- Agarwal et al.
@experiment("agarwal2021-npg", "Softmax NPG on random MDPs: log|A|/(eta T) + 1/((1-gamma)^2 T) at every T",
            tags=("agarwal2021", "exact", "classic"))
def agarwal2021_npg(config: RunConfig) -> CheckReport:
    """Agarwal et al. 2021 (arXiv:1908.00261), softmax NPG bound, on Garnet MDPs (S=10, A=4, b=3, gamma=0.9).

    The bound is checked at every T (``check="inequality"``): NPG converges much faster than
    O(1/T) here (eventually linearly), so the exponent is not the informative part.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_npg
    from ..ratecheck import check_rate

    n_mdp = 2 if config.quick else 5
    T = 200 if config.quick else 1000
    etas = (0.1, 1.0, 10.0)
    checks, rows = [], []
    for k, mdp in _garnets(config, 1, n_mdp, 10, 4, 3, 0.9):
        for eta in etas:
            tr = softmax_npg(mdp, eta=eta, n_iter=T)
            x, y = _gap_curve(tr)
            res = check_rate("agarwal2021.npg_softmax", x, y, params=dict(A=mdp.A, eta=eta, gamma=mdp.gamma),
                             check="inequality", label=f"gap, eta={eta:g}")
            checks.append(res)
            rows.append({"mdp": k, "eta": eta, "worst_ratio": res.worst_ratio, "worst_at": res.worst_at,
                         "holds": res.inequality_holds, "gap_T": float(y[-1])})
    figs = ()
    p = out_path(config, "agarwal2021_npg")
    if p is not None:
        from .. import plotting

        fig, ax = plotting.new_axes()
        for res, eta in zip(checks[: len(etas)], etas):
            pos = res.y > 0
            (ln,) = ax.plot(res.x[pos], res.y[pos], label=f"NPG gap, eta={eta:g}")
            ax.plot(res.x, res.bound_values, ls="--", color=ln.get_color(),
                    label=f"log|A|/(eta T) + 1/((1-g)^2 T), eta={eta:g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("T")
        ax.set_ylabel("V*(rho) - V^(T)(rho)")
        ax.set_title("Softmax NPG, Garnet S=10, A=4, gamma=0.9\nvs Agarwal et al. 2021, Thm 5.3 (dashed; the "
                     "1/((1-g)^2 T) term dominates)", fontsize=9)
        ax.set_ylim(bottom=1e-16)
        ax.legend(fontsize=7)
        figs = plotting.save_figure(fig, p)
    data = write_data_json(config, "agarwal2021_npg.json", rows)
    worst = max(r["worst_ratio"] for r in rows)
    return report_from_checks("agarwal2021-npg", checks, source="Agarwal et al. 2021, Thm 5.3 [R]",
                              stated="log|A|/(eta T) + 1/((1-g)^2 T)",
                              measured=f"holds at all T in {len(rows)} runs; max gap/bound {worst:.3g}",
                              details={"runs": rows, "T": T}, figures=figs, data_files=data)


# ----------------------------------------------------------------------------- Cen et al.
@experiment("cen2021-thm1", "Entropy-regularised NPG: Theorem 1 at every t for 3 step sizes, contraction vs 1-eta*tau",
            tags=("cen2021", "exact", "classic"))
def cen2021_thm1(config: RunConfig) -> CheckReport:
    """Cen et al. 2021 (arXiv:2007.06558), Theorem 1, on a Garnet MDP (S=10, A=4, b=3, gamma=0.9), tau=0.1.

    Observed (not claimed by the theorem): the asymptotic contraction of the log-policy error is
    close to 1 - eta tau/(1-gamma) (the weight of the old policy in update (18)), far below the
    stated 1 - eta tau; both are reported.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import entropy_npg, soft_optimal_reference
    from ..ratecheck import check_rate

    gamma, tau = 0.9, 0.1
    n_mdp = 1 if config.quick else 3
    fracs = (0.1, 0.5, 1.0)
    checks, rows, panel = [], [], []
    for k, mdp in _garnets(config, 2, n_mdp, 10, 4, 3, gamma):
        ref = soft_optimal_reference(mdp, tau)
        for f in fracs:
            eta = f * (1 - gamma) / tau
            n = int(min(4000, np.ceil(np.log(1e-11) / np.log(1 - eta * tau)) + 20))
            tr = entropy_npg(mdp, eta=eta, tau=tau, n_iter=n, reference=ref)
            t = tr.iterations[:-1].astype(float)  # bound on iterate t+1 uses (1-eta tau)^t
            prm = dict(C1=tr.params["C1"], gamma=gamma, eta=eta, tau=tau)
            # Soft policy iteration (f = 1) converges super-linearly (Cen et al. Sec. 3.3): the error hits
            # the float floor within a few steps, leaving no linear tail to fit, so only the inequality is checked.
            how = "inequality" if f == 1.0 else "both"
            rq = check_rate("cen2021.thm1_q", t, tr.metric("q_error")[1:], params=prm, floor=1e-11, check=how,
                            label=f"||Q*-Q^(t+1)||, eta={eta:g}")
            rl = check_rate("cen2021.thm1_logpi", t, tr.metric("logpi_error")[1:], params=prm, floor=1e-11,
                            check=how, label=f"||log pi* - log pi^(t+1)||, eta={eta:g}")
            checks += [rq, rl]
            if k == 0:
                panel += [rq, rl]
            rows.append({"mdp": k, "eta": eta, "contraction_stated": 1 - eta * tau,
                         # observed: the log-policy error contracts like 1 - eta tau/(1-gamma) asymptotically
                         "one_minus_eta_tau_over_1mg": 1 - eta * tau / (1 - gamma),
                         "contraction_q": rq.fit.rate if rq.fit and rq.fit.ok else None,
                         "contraction_q_interval": list(rq.fit.rate_ci) if rq.fit and rq.fit.ok else None,
                         "contraction_logpi": rl.fit.rate if rl.fit and rl.fit.ok else None,
                         "worst_ratio_q": rq.worst_ratio, "worst_ratio_logpi": rl.worst_ratio, "C1": tr.params["C1"]})
    figs = rate_check_figure(panel, config, "cen2021_thm1", ncols=2,
                             labels=[c.label for c in panel],
                             title=f"Entropy-regularised NPG (Garnet S=10, A=4, gamma={gamma}, tau={tau}) "
                                   f"vs Cen et al. 2021, Thm 1", xlabel="t")
    data = write_data_json(config, "cen2021_thm1.json", rows)
    meas = "; ".join(f"eta={r['eta']:g}: rate {r['contraction_q']:.4g} (stated {r['contraction_stated']:.4g})"
                     for r in rows[: len(fracs)] if r["contraction_q"] is not None)
    return report_from_checks("cen2021-thm1", checks, source="Cen et al. 2021, Thm 1 [V]",
                              stated="C1 g (1-eta tau)^t and 2 C1/tau (1-eta tau)^t", measured=meas,
                              details={"runs": rows, "tau": tau, "gamma": gamma}, figures=figs, data_files=data)


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


@experiment("cen2021-fig1", "Cen et al. Figure 1: 3-armed bandit, tau in {0.1, 1}: Prop. 1 at every t, NPG vs PG paths",
            tags=("cen2021", "exact", "classic", "figure"))
def cen2021_fig1(config: RunConfig) -> CheckReport:
    """Cen et al. 2021 (arXiv:2007.06558), Figure 1 and Proposition 1: r = (1.0, 0.9, 0.1), eta = 0.1.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .._math import log_softmax
    from ..ratecheck import check_rate

    r = np.array(R_BANDIT)
    eta = 0.1
    n = 1000
    checks, paths, rows = [], {}, []
    for tau in (0.1, 1.0):
        lp_star = log_softmax(r / tau)
        pg, npg = _bandit_paths(r, tau, eta, n)
        t = np.arange(n + 1, dtype=float)
        err_npg = np.max(np.abs(npg - lp_star), axis=1)
        err_pg = np.max(np.abs(pg - lp_star), axis=1)
        res = check_rate("cen2021.prop1_bandit", t, err_npg, params=dict(tau=tau, eta=eta, L0=err_npg[0]),
                         floor=1e-12, label=f"NPG, tau={tau:g}")
        checks.append(res)
        paths[tau] = (pg, npg, lp_star, err_pg)
        rows.append({"tau": tau, "contraction_stated": 1 - eta * tau,
                     "contraction_fit": res.fit.rate if res.fit and res.fit.ok else None,
                     "worst_ratio": res.worst_ratio, "pg_error_final": float(err_pg[-1]),
                     "npg_error_final": float(err_npg[-1])})
    figs = ()
    p = out_path(config, "cen2021_fig1")
    if p is not None:
        from .. import plotting

        fig, axes = plotting.new_axes(2, 2, figsize=(10, 8))
        for i, tau in enumerate((0.1, 1.0)):
            pg, npg, lp_star, err_pg = paths[tau]
            ax = axes[0, i]
            ax.plot(pg[:, 0], pg[:, 1], label="entropy-regularised PG")
            ax.plot(npg[:, 0], npg[:, 1], label="entropy-regularised NPG")
            ax.plot(lp_star[0], lp_star[1], "k*", ms=10, label="pi*_tau")
            ax.plot(pg[0, 0], pg[0, 1], "ko", ms=4, label="start (uniform)")
            ax.set_xlabel("log pi(a1)")
            ax.set_ylabel("log pi(a2)")
            ax.set_title(f"policy paths, tau={tau:g}, eta={eta}")
            ax.legend()
            ax = axes[1, i]
            res = checks[i]
            res.plot(ax=ax, label="NPG: ||log pi_t - log pi*_tau||", show_fit=False, color="C1",
                     bound_label="2 (1-eta tau)^t L0: Cen et al. 2021, Prop. 1")
            ok = err_pg > 0
            ax.plot(np.arange(n + 1)[ok], err_pg[ok], color="C0", label="PG: ||log pi_t - log pi*_tau||")
            ax.set_xlabel("iteration t")
            ax.set_ylabel("||log pi_t - log pi*_tau||_inf")
            ax.set_title(f"error contraction, tau={tau:g}")
            ax.set_ylim(bottom=1e-16)
            ax.legend()
        fig.suptitle("Cen et al. 2021, Figure 1 (3-armed bandit r=(1, .9, .1))")
        fig.tight_layout()
        figs = plotting.save_figure(fig, p)
    data = write_data_json(config, "cen2021_fig1.json", rows)
    meas = "; ".join(f"tau={r_['tau']:g}: rate {r_['contraction_fit']:.4g} (stated {r_['contraction_stated']:.4g})"
                     for r_ in rows if r_["contraction_fit"] is not None)
    return report_from_checks("cen2021-fig1", checks, source="Cen et al. 2021, Prop. 1 / Fig. 1 [V]",
                              stated="2 (1 - eta tau)^t ||log pi0 - log pi*||", measured=meas,
                              details={"runs": rows, "eta": eta}, figures=figs, data_files=data)


# ----------------------------------------------------------------------------- Li et al.
def li2021_crossing_times(gamma: float, T: float, n_states: float = 1e8):
    """Flow crossing times T_s of the primary states of Li et al.'s lumped hard MDP.

    Parameters
    ----------
    gamma : float
        Discount (H = floor(0.18/(1-gamma)) primary levels).
    T : float
        Final flow time of the integration (log-time integrator, so 1e30 is affordable).
    n_states : float
        Nominal |S| (sets the multiplicities).

    Returns
    -------
    (LiHardMDP, Trace)
        The trace of :func:`pgtheory.algorithms.softmax_pg_flow` with ``final["crossing_times"]``
        for s = 3..H (NaN where not reached by T).
    """
    from ..algorithms import softmax_pg_flow
    from ..mdp import instances

    li = instances.li2021_hard_mdp(gamma=gamma, n_states=n_states)
    states = list(range(3, li.H + 1))
    tr = softmax_pg_flow(li, T, thresholds=[li.tau[s] for s in states], record_values=[li.primary[s] for s in states],
                         n_records=300)
    return li, tr


def _recursion_exponents(sizes, Ts):
    """Local exponents of recursion (46) between consecutive sizes.

    ``beta[j, s]`` = d log t_s / d log t_(s-2) between ``sizes[j]`` and ``sizes[j+1]`` (NaN where a
    crossing is missing); ``Ts`` has shape (len(sizes), H-2) with column k for s = k+3."""
    L = np.log(np.asarray(Ts, dtype=np.float64))
    dL = np.diff(L, axis=0)
    beta = np.full(dL.shape, np.nan)
    beta[:, 2:] = dL[:, 2:] / dL[:, :-2]
    return beta


def _local_degrees(Ts):
    """Two-step local polynomial degree and exponential rate of crossing times t_3, t_4, ... .

    Returns ``(deg, rate)`` for s = 5.., ``deg = ln(t_s/t_(s-2)) / ln(s/(s-2))`` and
    ``rate = ln(t_s/t_(s-2)) / 2`` (two-step, because recursion (46) links s to s-2 and odd and
    even states form separate chains)."""
    s = np.arange(3, 3 + len(Ts), dtype=np.float64)
    L = np.log(np.asarray(Ts, dtype=np.float64))
    d2 = L[2:] - L[:-2]
    return d2 / np.log(s[2:] / s[:-2]), d2 / 2.0


@experiment("li2021-hard", "Li et al.: softmax PG crossing times on the hard MDP grow super-polynomially in s (vs NPG)",
            tags=("li2021", "exact", "classic", "figure"))
def li2021_hard(config: RunConfig) -> CheckReport:
    r"""Li et al. 2021 (arXiv:2102.11270): softmax PG vs NPG on the lumped hard MDP (eq. (35) constants).

    At the theorem's step size (eta < (1-gamma)^2/5) the crossing times t_s = min{t: V^(t)(s) >= tau_s}
    exceed 1e11 iterations, so softmax PG is followed by its gradient flow, integrated in log-time
    (:func:`pgtheory.algorithms.softmax_pg_flow`): iteration t at step eta is flow time eta * t
    (validated against the discrete iteration, and log-time against linear-time integration, in
    ``tests/classic``). Crossing times are reported in iterations at eta = 0.99 (1-gamma)^2/5.

    Evidence, for a sweep of |S| at fixed gamma (full: 0.98, H = 9, s = 3..9, and gamma = 0.99 at
    |S| = 1e12, s = 3..18; quick: 0.97, s = 3..6):

    (a) monotonicity (33): t_s increases with s at every |S|;
    (b) recursion (46), t_s >~ eta^0.5 (1-gamma)^2 t_(s-2)^1.5, whose constants are not explicit:
        its checkable content is the exponent, the slope beta_s = d log t_s / d log t_(s-2) as |S|
        grows. Measured between the two largest sizes (both >= (1-gamma)^-6, the paper's regime
        |S| >= c3 (1-gamma)^-6 with c3 = 1), beta_s >= 1.5 for every s with both crossings in range
        means t_s grows like t_3^(1.5^((s-3)/2)), faster than any polynomial in s;
    (c) NPG (eta = 1) reaches sup-gap <= 0.07 in an |S|-independent number of iterations.

    Verdict "consistent" when (a)-(c) hold; "violated" when (a) fails in the regime; otherwise
    "inconclusive" with the reason. Theorem 3's explicit exponent is about t_s(0.5), a different
    crossing level, and is not checked here.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..algorithms import softmax_npg

    T_max = 1e30
    if config.quick:
        gamma, sizes, long_run = 0.97, (1e8, 1e12, 1e14), None
    else:
        gamma, sizes, long_run = 0.98, (1e8, 1e10, 1e12, 1e14, 1e16), (0.99, 1e12)
    eta = 0.99 * (1 - gamma) ** 2 / 5
    regime = (1 - gamma) ** -6
    runs = []
    for n in sizes:
        li, tr = li2021_crossing_times(gamma, T_max, n_states=n)
        npg = softmax_npg(li, eta=1.0, n_iter=60)
        sup = npg.metric("sup_gap")
        k_npg = int(np.flatnonzero(sup <= 0.07)[0]) if np.any(sup <= 0.07) else None
        runs.append({"n_states": n, "li": li, "trace": tr, "npg": npg, "k_npg": k_npg,
                     "t": tr.final["crossing_times"] / eta})
    states = np.arange(3, runs[0]["li"].H + 1)
    t_all = np.array([r["t"] for r in runs])
    monotone = [bool(np.all(np.diff(r["t"][np.isfinite(r["t"])]) > 0)) for r in runs]
    beta = _recursion_exponents(sizes, t_all)
    beta_top = beta[-1]  # between the two largest sizes
    measured_beta = {int(s_): float(b) for s_, b in zip(states, beta_top) if np.isfinite(b)}
    in_regime = sizes[-2] >= regime
    k_npgs = [r["k_npg"] for r in runs]
    npg_dim_free = all(k is not None for k in k_npgs) and max(k_npgs) - min(k_npgs) <= 2
    long = None
    if long_run is not None:
        g2, n2 = long_run
        li2, tr2 = li2021_crossing_times(g2, T_max, n_states=n2)
        t2 = tr2.final["crossing_times"] / (0.99 * (1 - g2) ** 2 / 5)
        long = {"gamma": g2, "n_states": n2, "t": t2, "states": np.arange(3, li2.H + 1)}
    # growth in s at fixed |S| (largest size; the long run when present)
    ref_t, ref_s, ref_label = ((long["t"], long["states"], f"gamma={long['gamma']}, |S|={long['n_states']:.0e}")
                               if long is not None else (runs[-1]["t"], states, f"gamma={gamma}, |S|={sizes[-1]:.0e}"))
    fin = np.isfinite(ref_t)
    deg, rate = _local_degrees(ref_t[fin])
    fit_s = np.polyfit(ref_s[fin], np.log10(ref_t[fin]), 1)
    fit_logs = np.polyfit(np.log10(ref_s[fin]), np.log10(ref_t[fin]), 1)
    res_s = float(np.max(np.abs(np.polyval(fit_s, ref_s[fin]) - np.log10(ref_t[fin]))))
    res_logs = float(np.max(np.abs(np.polyval(fit_logs, np.log10(ref_s[fin])) - np.log10(ref_t[fin]))))

    if not all(monotone[j] for j, n in enumerate(sizes) if n >= regime):
        verdict = "violated"
    elif not in_regime or not measured_beta or not npg_dim_free:
        verdict = "inconclusive"
    elif min(measured_beta.values()) >= 1.5:
        verdict = "consistent"
    else:
        verdict = "inconclusive"
    pairs = ", ".join(f"{a:.0e}->{b:.0e}: {np.nanmin(row):.2f}-{np.nanmax(row):.2f}"
                      for a, b, row in zip(sizes[:-1], sizes[1:], beta) if np.any(np.isfinite(row)))
    bstr = ", ".join(f"{s_}:{b:.2f}" for s_, b in measured_beta.items())
    reason = (f"(a) t_s increasing in s at every |S|: {all(monotone)}; (b) recursion exponent d log t_s / d log t_(s-2) "
              f"between |S|={sizes[-2]:.0e} and {sizes[-1]:.0e} (regime |S| >= (1-gamma)^-6 = {regime:.2g}: {in_regime}): "
              f"{{{bstr}}} vs the paper's 1.5; range over s for each pair of sizes: {pairs}; "
              f"at {ref_label}: two-step local polynomial degree ln(t_s/t_(s-2))/ln(s/(s-2)) goes from "
              f"{deg[0]:.2g} (s=5) to {deg[-1]:.3g} (s={int(ref_s[fin][-1])}), local exponential rate "
              f"ln(t_s/t_(s-2))/2 from {rate[0]:.2g} to {rate[-1]:.2g}"
              f"{' (rising: faster than exponential in s)' if rate[-1] > 1.5 * rate[0] else ''}; "
              f"(c) NPG iterations to sup-gap <= 0.07: {k_npgs} over |S| in {[f'{n:.0e}' for n in sizes]}")
    figs = ()
    p = out_path(config, "li2021_hard")
    if p is not None:
        from .. import plotting

        fig, (a1, a2, a3) = plotting.new_axes(1, 3, figsize=(17, 5))
        for j, r in enumerate(runs):
            f_ = np.isfinite(r["t"])
            a1.semilogy(states[f_], r["t"][f_], "o-", color=f"C{j}", label=f"gamma={gamma}, |S|={r['n_states']:.0e}")
        if long is not None:
            f_ = np.isfinite(long["t"])
            a1.semilogy(long["states"][f_], long["t"][f_], "s--", color="k", ms=4,
                        label=f"gamma={long['gamma']}, |S|={long['n_states']:.0e}")
        a1.set_xlabel("primary state s")
        a1.xaxis.get_major_locator().set_params(integer=True)
        a1.set_ylabel("crossing time t_s = min{t: V^(t)(s) >= tau_s} (iterations)")
        a1.set_title("softmax PG (gradient flow), eta = 0.99(1-gamma)^2/5", fontsize=10)
        a1.legend(fontsize=7)
        for k in range(2, len(states)):
            ok = np.isfinite(t_all[:, k]) & np.isfinite(t_all[:, k - 2])
            if ok.sum() >= 2:
                a2.loglog(t_all[ok, k - 2], t_all[ok, k], "o-", color=f"C{k - 2}", label=f"s={states[k]} vs s-2")
        from ..bounds import get as get_bound

        rec46 = get_bound("li2021.recursion46")
        paired = t_all[:, :-2][np.isfinite(t_all[:, 2:])]
        xs = np.logspace(np.log10(paired.min()), np.log10(paired.max()), 50)
        a2.loglog(xs, [rec46.evaluate(eta=eta, gamma=gamma, t_prev=x) for x in xs], "k--", lw=1.2,
                  label="eta^0.5 (1-gamma)^2 t_(s-2)^1.5 (Li et al. (46), constant 1)")
        for k in range(2, len(states)):
            ok = np.isfinite(t_all[:, k]) & np.isfinite(t_all[:, k - 2])
            if ok.sum() >= 2:
                x0, y0 = t_all[ok, k - 2][-2], t_all[ok, k][-2]
                a2.loglog([x0, x0 * 1e4], [y0, y0 * 1e6], ":", color=f"C{k - 2}", lw=1)
        a2.plot([], [], "k:", label="slope 1.5 through each curve's second-largest |S|")
        a2.set_xlabel("t_(s-2) (iterations), across |S|")
        a2.set_ylabel("t_s (iterations)")
        a2.set_title(f"recursion (46): t_s >~ t_(s-2)^1.5 (gamma={gamma})", fontsize=10)
        a2.legend(fontsize=7)
        a3.loglog(sizes, [r["t"][0] for r in runs], "o-", color="C0", label="softmax PG: t_3")
        a3.loglog(sizes, [max(k, 1) for k in k_npgs], "s-", color="C1",
                  label="NPG (eta=1, Agarwal et al. Thm 5.3): iterations to sup-gap <= 0.07")
        a3.axvline(regime, color="k", ls=":", lw=1, label="(1-gamma)^-6 (Li et al. Thm 1 size condition)")
        a3.set_xlabel("|S| (nominal number of states)")
        a3.set_ylabel("iterations")
        a3.set_title("PG grows with |S|, NPG does not", fontsize=10)
        a3.legend(fontsize=7)
        fig.suptitle(f"Li et al. 2021 (arXiv:2102.11270) Thms 1-3: verdict {verdict}", fontsize=11)
        fig.tight_layout()
        figs = plotting.save_figure(fig, p)
    rows = [{"n_states": r["n_states"], "crossing_iterations": [float(x) for x in r["t"]],
             "flow_crossing_times": [float(x) for x in r["trace"].final["crossing_times"]],
             "npg_iterations_to_0.07": r["k_npg"], "nfev": r["trace"].final["nfev"],
             "seconds": r["trace"].params["seconds"]} for r in runs]
    payload = {"gamma": gamma, "eta": eta, "T_max_flow": T_max, "states": states.tolist(), "runs": rows,
               "recursion_exponents": [[None if not np.isfinite(b) else float(b) for b in row] for row in beta],
               "growth_in_s": {"at": ref_label, "local_degree": deg.tolist(), "local_rate": rate.tolist(),
                               "fit_log10t_vs_s": fit_s.tolist(), "max_residual_vs_s": res_s,
                               "fit_log10t_vs_log10s": fit_logs.tolist(), "max_residual_vs_log_s": res_logs}}
    if long is not None:
        payload["long_run"] = {"gamma": long["gamma"], "n_states": long["n_states"],
                               "states": long["states"].tolist(), "crossing_iterations": [float(x) for x in long["t"]]}
    data = write_data_json(config, "li2021_hard.json", payload)
    meas = (f"beta=dlog t_s/dlog t_(s-2) in [{min(measured_beta.values()):.2f}, {max(measured_beta.values()):.2f}] "
            f"at |S|~{sizes[-1]:.0e}; t_3..t_{states[-1]} = {t_all[-1, 0]:.2g}..{t_all[-1, -1]:.2g} it.; "
            f"NPG {k_npgs[-1]} it." if measured_beta else "recursion exponent not measurable")
    return CheckReport(name="li2021-hard", source="Li et al. 2021, Thms 1-3, recursion (46) [V]",
                       stated="t_s >~ t_(s-2)^1.5 (super-poly in s), >= poly(|S|)/eta; NPG dimension-free",
                       measured=meas, verdict=verdict,
                       details={"reason": reason, "runs": rows, "monotone": monotone,
                                "recursion_exponent_top": measured_beta, "npg_iterations": k_npgs,
                                "gamma": gamma, "eta": eta, "growth_in_s": payload["growth_in_s"],
                                "note": "gradient flow of softmax PG in log-time; t_s = T_s/eta (validated vs discrete "
                                        "PG in tests)",
                                "checks": [{"verdict": verdict, "label": "li2021", "reason": reason}]},
                       figures=figs, data_files=data)
