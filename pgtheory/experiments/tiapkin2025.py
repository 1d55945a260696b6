r"""Tiapkin et al. (2025; arXiv:2505.19731v1), Nash-MP: registered checks on preference games.

The checks whose claims are Tiapkin et al.'s (Nash-MP's linear KL rate), with the other Nash
learners (EGPO, Nash-MD, OMD, OMWU) beside it where they are compared; Munos et al.'s Theorem 1 is
checked on its own in :mod:`pgtheory.experiments.munos2024`.

* ``tiapkin2025-compare`` (formerly ``nash-compare``) -- KL to the equilibrium, duality gap and
  span versus preference queries for Nash-MP, EGPO, Nash-MD, OMD and OMWU on the same random
  games, with the bounds (Nash-MP inferred :math:`(1+2\beta)^{-N/2}`, EGPO inferred, Munos et al.
  Theorem 1).
* ``tiapkin2025-rate-vs-beta`` (formerly ``nash-rate-vs-beta``) -- fitted contraction per query of
  Nash-MP versus :math:`\beta` against :math:`(1+2\beta)^{-1/2}` (Tiapkin et al. 2025, v1).
* ``tiapkin2025-response-independence`` (formerly ``nash-response-independence``) -- the fitted
  rate for :math:`|\mathcal Y|` from 3 to 1000.
* ``tiapkin2025-stochastic-floor`` (formerly ``nash-stochastic-floor``) -- approximate
  (policy-gradient) Nash-MP: the KL floor versus the inner sample size ``B`` (expected
  :math:`\propto 1/B`, our inference).
* ``tiapkin2025-sampled`` -- Nash-MP on a random preference game with its payoff :math:`A\pi'`
  estimated from Bernoulli preference queries (:class:`pgtheory.oracles.SampledPreferenceOracle`,
  ``n`` opponents per response), against the exact oracle. Claim: while the KL is above the
  sampling floor, the sampled run's KL decays at the registered linear rate
  ``tiapkin2025.kl_rate`` :math:`(1+2\beta)^{-N/2}` in exact-query units (an illustration: the
  theorem is stated for exact proximal steps, so a violation can only become "inconclusive").

All games are random preference games (strict lower triangle :math:`U(0,1)`, EGPO's ``random``
instance) with Dirichlet(1) reference policies :math:`\mu` and :math:`\pi_0 = \mu`, one game
per seed (seeds spawned from ``config.seed``); intervals are over games/seeds.

References
----------
Tiapkin et al. (2025), arXiv:2505.19731v1 (Nash-MP, linear KL rate).
"""

from __future__ import annotations

import dataclasses
import functools
import time

import numpy as np

from ..results import CheckReport
from ._parallel import parallel_map
from ._registry import RunConfig, experiment
from ._games import _instance, _rngs
from . import _claim_helpers as H
from ._runner import outputs, report_from_claims

__all__ = ["compare_traces", "rate_vs_beta_data", "response_independence_data", "stochastic_floor_data",
           "run_sampled"]

TIAPKIN = "Tiapkin et al. 2025 (arXiv:2505.19731v1), Nash-MP KL rate"


def _one_kl(game_mu, beta, K):
    from ..algorithms import nash as A

    g, mu = game_mu
    tr = A.nash_mp(g, beta, K, mu=mu)
    return tr.samples.astype(float), tr.metric("kl") / tr.metric("kl")[0]


def _normalised_kl(games, beta, K, executor=None):
    """Nash-MP for ``K`` iterations on each ``(game, mu)``: queries ``N`` (K+1,) and KL/KL_0 (R, K+1)."""
    runs = parallel_map(functools.partial(_one_kl, beta=beta, K=K), games, executor)
    return runs[-1][0], np.stack([y for _, y in runs])


def _map(config, fn, items):
    return config.map(fn, items)


# =============================================================================== (a) compare
def compare_traces(rng, n: int, beta: float, n_queries: int) -> dict:
    """Run the five methods on one random game; returns ``{name: Trace}``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the game and the reference policy.
    n : int
        Number of responses.
    beta : float
        Regularisation.
    n_queries : int
        Preference-query budget per method.

    Returns
    -------
    dict of str -> Trace
    """
    from ..algorithms import nash as A
    from ..games import regularized_nash

    game, mu = _instance(rng, n)
    eq = regularized_nash(game, beta, mu)
    kw = dict(mu=mu, equilibrium=eq)
    return {
        "Nash-MP": A.nash_mp(game, beta, n_queries // 2, **kw),
        "EGPO": A.egpo(game, beta, n_queries // 2, **kw),
        "Nash-MD": A.nash_md(game, beta, n_queries, **kw),
        "OMD": A.online_mirror_descent(game, beta, n_queries, eta=1.0, **kw),
        "OMWU": A.omwu(game, beta, n_queries, eta=1.0 / (2 * beta + 2), **kw),
    }


@experiment("tiapkin2025-compare", "KL, duality gap and span vs preference queries: Nash-MP, EGPO, Nash-MD, OMD, OMWU",
            tags=("tiapkin2025", "nash", "nlhf", "figure"),
            replaces=("nash-compare",),
            papers=("tiapkin2025", "munos2024", "zhou2025"),
            bounds=("munos2024.thm1", "tiapkin2025.kl_rate", "zhou2025.kl_rate"),
            algorithms=("egpo", "nash_md", "nash_mp", "omwu", "online_mirror_descent"))
def run_compare(config: RunConfig) -> CheckReport:
    """Experiment (a): all methods on the same games, with the registered bounds.

    Claims: the Nash-MP and EGPO KL bounds (both inferred, see the catalog) at every query and
    their rates; Nash-MD's Theorem 1 bound at every iterate and its exponent (fitted on the last
    decade, 24..240 iterations in quick mode); linear decay of Nash-MP's duality gap and span
    (abstract, no constant read): the fitted per-query contraction is below 1.
    """
    from .. import ratecheck

    R = config.seeds or (6 if config.quick else 30)
    n, beta, NQ = (20, 0.1, 240) if config.quick else (50, 0.1, 400)
    runs = _map(config, lambda r: compare_traces(r, n, beta, NQ), _rngs(config, R, 1))
    names = list(runs[0])
    mp = np.stack([r["Nash-MP"].metric("kl") for r in runs])
    eg = np.stack([r["EGPO"].metric("kl") for r in runs])
    md = np.stack([r["Nash-MD"].metric("kl") for r in runs])
    N_mp = runs[0]["Nash-MP"].samples.astype(float)
    eta_eg = runs[0]["EGPO"].params["eta"]
    c_mp = ratecheck.check_rate("tiapkin2025.kl_rate", N_mp, mp / mp[:, :1], params={"beta": beta, "KL_0": 1.0},
                                label="KL(pi*||pi_k)/KL_0, Nash-MP")
    c_eg = ratecheck.check_rate("zhou2025.kl_rate", N_mp, eg / eg[:, :1],
                                params={"beta": beta, "KL_0": 1.0}, label="KL/KL_0, EGPO (eta = 1/(1+beta))")
    T = runs[0]["Nash-MD"].iterations.astype(float)
    # the rate is fitted too (the last decade, T = NQ/10 .. NQ, is in the 1/T regime on every game)
    c_md = ratecheck.check_rate("munos2024.thm1", T[1:], md[:, 1:], params={"tau": beta}, check="both",
                                label="KL(pi*||pi_T), Nash-MD")
    claims = [
        H.rate_claim(c_mp, name="Nash-MP KL bound",
                     note="eta = 2 beta, N = 2k and the constant KL_0 are inferred; only the order is in the v1 abstract",
                     finding=_square_finding(c_mp), skip_first=True),
        H.rate_claim(c_eg, name="EGPO KL bound",
                     note="EGPO's theorem was not readable; the factor (1 - eta beta) is Cen et al.'s, recalled",
                     finding=_square_finding(c_eg), skip_first=True),
        H.rate_claim(c_md, name="Nash-MD Thm 1"),
    ]
    # the abstract also claims linear rates for the exploitability gap and the span (no constants read):
    # the claim is a per-query contraction below 1
    side = {}
    for metric in ("gap", "span"):
        y = np.stack([np.maximum(r["Nash-MP"].metric(metric), 1e-300) for r in runs])
        f = ratecheck.fit_linear(N_mp, y / y[:, :1], floor=1e-11 if metric == "gap" else 1e-6)
        side[metric] = {"rate": f.rate, "ci": list(f.rate_ci), "text": f.text()}
        what = "duality gap" if metric == "gap" else "span of log pi - log pi*"
        claims.append(ratecheck.check_ordering(
            f.rate, 1.0, relation="<", left_ci=np.array(f.rate_ci), right_ci=np.array([1.0, 1.0]),
            name=f"Nash-MP {metric} linear", source="Tiapkin et al. 2025 (arXiv:2505.19731v1), abstract (no constant read)",
            stated=f"{what} decays linearly in N (contraction per query < 1)",
            left_label="fitted contraction per query", right_label="1"))
    verdict, caption = H.verdict_caption(claims)
    figures, data = outputs(config, "tiapkin2025_compare", _plot_compare, runs, names, beta, eta_eg, verdict, caption)
    per_query = {k: float(np.exp(np.median([_tail_slope(r[k]) for r in runs]))) for k in names}
    return report_from_claims(
        "tiapkin2025-compare", claims, source=TIAPKIN + "; Munos et al. 2023 Thm 1; EGPO (inferred)",
        stated=f"KL <= KL_0 (1+2b)^(-N/2) = {c_mp.stated:.4f}^N per query (b={beta}, inferred); "
               f"EGPO KL <= KL_0 (1+b)^(-N/2) (inferred); Nash-MD KL <= 8/(b^2 (T+1)); gap and span linear",
        measured=(f"Nash-MP {c_mp.measured_text}; EGPO {c_eg.measured_text}; Nash-MD {c_md.measured_text}, "
                  f"worst KL/bound {c_md.worst_ratio:.2e}; "
                  f"Nash-MP gap {side['gap']['text']}, span {side['span']['text']}"),
        details={"R": R, "n": n, "beta": beta, "queries": NQ,
                 "nash_mp": c_mp.row(), "egpo": c_eg.row(), "nash_md": c_md.row(),
                 "median_contraction_per_query": per_query, "nash_mp_gap_and_span_rates": side},
        figures=figures, data_files=data)


def _square_finding(res) -> str:
    """Finding of a consistent geometric KL check: how many times faster than stated (in log-contraction)."""
    f = res.fit
    if res.verdict != "consistent" or f is None or not f.ok or not (0 < res.stated < 1) or not f.rate > 0:
        return ""
    k = np.log(f.rate) / np.log(res.stated)
    lo, hi = sorted((np.log(f.rate_ci[0]) / np.log(res.stated), np.log(f.rate_ci[1]) / np.log(res.stated)))
    extra = " (KL contracts like the square of the stated factor: KL is quadratic in the logit error)" \
        if lo <= 2.0 <= hi or abs(k - 2) < 0.15 else ""
    return f"the fitted log-contraction per query is {k:.2f}x [{lo:.2f}, {hi:.2f}] the stated one{extra}"


def _tail_slope(trace, floor=1e-11):
    """Per-query log-contraction of ``kl`` over the part above the floor (last half)."""
    y, x = trace.metric("kl"), trace.samples.astype(float)
    keep = np.flatnonzero(y > floor * y[0])
    keep = keep[keep >= keep[-1] // 2] if keep.size > 4 else keep
    if keep.size < 3:
        return np.nan
    return float(np.polyfit(x[keep], np.log(y[keep]), 1)[0])


def _gmean(a):
    a = np.maximum(np.asarray(a, float), 1e-300)
    return np.exp(np.mean(np.log(a), axis=0))


#: Values below this are rounding (KL of equal policies in float64); figures do not spend their axes on them.
_ROUNDING = 1e-14


def _informative_ylim(ax, arrays, top=None, floor=_ROUNDING):
    """Log y-limits from the smallest value above ``floor`` (rounding) to the largest."""
    v = np.concatenate([np.asarray(a, float).reshape(-1) for a in arrays])
    v = v[np.isfinite(v) & (v > floor)]
    if v.size:
        ax.set_ylim(max(10 ** np.floor(np.log10(v.min())), floor), top or 10 ** np.ceil(np.log10(v.max()) + 0.3))


def _plot_compare(stem, runs, names, beta, eta_eg, verdict, caption):
    from .. import bounds
    from ..plotting import add_verdict, legend_outside, new_axes, save_figure, write_csv

    fig, axes = new_axes(1, 3, figsize=(17, 5.0))
    colors = dict(zip(names, ["C0", "C1", "C2", "C3", "C4"]))
    cols = {}
    for ax, metric, lab in zip(axes, ("kl", "gap", "span"),
                               (r"$\mathrm{KL}(\pi^*_\beta\|\pi)$", r"duality gap $2\beta\,\mathrm{KL}(\pi\|\mathrm{BR}(\pi))$",
                                r"span of $\log\pi - \log\pi^*_\beta$")):
        ax.set_title(lab + " (geometric mean over games)", fontsize=9)
        ys = []
        for name in names:
            x = runs[0][name].samples
            y = _gmean([np.maximum(r[name].metric(metric), 1e-17) for r in runs])
            ax.plot(x, y, color=colors[name], label=name)
            cols[f"{name}_{metric}"] = y
            cols.setdefault(f"{name}_queries", x)
            ys.append(y)
        ax.set_yscale("log")
        ax.set_xlabel("preference queries N")
        ax.set_ylabel(lab)
        _informative_ylim(ax, ys)
    ax = axes[0]
    x = runs[0]["Nash-MP"].samples.astype(float)
    kl0 = _gmean([r["Nash-MP"].metric("kl")[0] for r in runs])
    lo, hi = ax.get_ylim()
    ax.plot(x, bounds.get_bound("tiapkin2025.kl_rate").evaluate(N=x, beta=beta, KL_0=kl0), "k--", lw=1.2,
            label=r"Nash-MP bound $KL_0(1+2\beta)^{-N/2}$" "\n" r"(Tiapkin+ 2025 v1; inferred, $\eta=2\beta$)")
    if abs(eta_eg - 1.0 / (1.0 + beta)) > 1e-12:  # the registered EGPO bound is at its largest step
        raise ValueError(f"EGPO ran with eta = {eta_eg}; zhou2025.kl_rate is registered at eta = 1/(1+beta).")
    ax.plot(x, bounds.get_bound("zhou2025.kl_rate").evaluate(N=x, beta=beta, KL_0=kl0), "k:", lw=1.2,
            label=r"EGPO bound $KL_0(1+\beta)^{-N/2}$" "\n" r"(inferred via Cen+ 2021, $\eta=1/(1+\beta)$)")
    T = runs[0]["Nash-MD"].iterations.astype(float)
    ax.plot(T[1:], bounds.get_bound("munos2024.thm1").evaluate(T=T[1:], tau=beta), "-.", color="C2", lw=1.2,
            label=r"Nash-MD bound $8/(\tau^2(T+1))$" "\n" "(Munos+ 2023, Thm 1)")
    ax.set_ylim(lo, max(hi, 10 * 8 / beta ** 2))
    fig.suptitle(f"random preference games, |Y| = {runs[0]['Nash-MP'].final['pi'].size}, beta = {beta}, "
                 f"{len(runs)} games, pi_0 = mu", fontsize=10)
    legend_outside(axes[2], handles=axes[0].get_legend_handles_labels()[0],
                   labels=axes[0].get_legend_handles_labels()[1], fontsize=8)
    fig.tight_layout()
    add_verdict(fig, verdict, caption, width=190)
    figs = save_figure(fig, stem)
    lens = {k: len(v) for k, v in cols.items()}
    groups = {}
    for k, v in cols.items():
        groups.setdefault(lens[k], {})[k] = v
    data = tuple(write_csv(f"{stem}_{L}.csv", g) for L, g in groups.items())
    return figs, data


# =============================================================================== (b) rate vs beta
def rate_vs_beta_data(rngs, n: int, betas, max_iter: int = 1500, *, executor=None) -> dict:
    """Nash-MP KL traces (normalised by KL_0) for each beta and game.

    Parameters
    ----------
    rngs : list of numpy.random.Generator
        One per game.
    n : int
        Responses.
    betas : sequence of float
    max_iter : int
        Cap on iterations (runs stop once ``(1+2 beta)^-k < 1e-13``).

    executor : concurrent.futures.Executor, optional
        Where the independent runs are mapped (:func:`~pgtheory.experiments.parallel_map`; None:
        serially); the result does not depend on it.

    Returns
    -------
    dict
        ``{beta: (N, KL / KL_0 array (R, K))}``.
    """
    games = [_instance(r, n) for r in rngs]
    out = {}
    for b in betas:
        K = int(min(max_iter, np.ceil(np.log(1e13) / np.log1p(2 * b))))
        out[b] = _normalised_kl(games, b, K, executor)
    return out


@experiment("tiapkin2025-rate-vs-beta", "Nash-MP: fitted contraction per query vs beta against (1+2 beta)^(-1/2)",
            tags=("tiapkin2025", "nash", "nlhf", "figure"),
            replaces=("nash-rate-vs-beta",),
            papers=("tiapkin2025",),
            bounds=("tiapkin2025.kl_rate",),
            algorithms=("nash_mp",))
def run_rate_vs_beta(config: RunConfig) -> CheckReport:
    """Experiment (b): one rate claim per beta (the registered, inferred Nash-MP bound, rate only)."""
    from .. import ratecheck

    R = config.seeds or (10 if config.quick else 30)
    betas = [0.01, 0.03, 0.1, 0.3, 1.0] if config.quick else [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
    data = rate_vs_beta_data(_rngs(config, R, 2), 10, betas, executor=config.executor)
    # whole pre-floor range (tail=1.0): at large beta the floor is reached within ~10 iterations
    checks = {b: ratecheck.check_rate("tiapkin2025.kl_rate", N, y, params={"beta": b, "KL_0": 1.0}, check="rate",
                                      floor=1e-11, tail=1.0) for b, (N, y) in data.items()}
    claims = [H.rate_claim(c, name=f"rate at beta={b:g}", note="eta = 2 beta and N = 2k are inferred; only the "
                           "order is in the v1 abstract", finding=_square_finding(c)) for b, c in checks.items()]
    rows = [{"beta": b, "stated": c.stated, "fitted": c.fit.rate, "ci": list(c.fit.rate_ci), "verdict": c.verdict}
            for b, c in checks.items()]
    verdict, caption = H.verdict_caption(claims, max_claims=2)
    figures, files = outputs(config, "tiapkin2025_rate_vs_beta", _plot_rate_vs_beta, checks, R, verdict, caption)
    worst = max(rows, key=lambda r: np.log(r["ci"][1]) / np.log(r["stated"]) if r["ci"][1] > 0 else 0)
    return report_from_claims(
        "tiapkin2025-rate-vs-beta", claims, source=TIAPKIN, stated="contraction per query <= (1+2 beta)^(-1/2) (inferred)",
        measured="; ".join(f"b={r['beta']:g}: {r['fitted']:.4f} [{r['ci'][0]:.4f}, {r['ci'][1]:.4f}] vs {r['stated']:.4f}"
                           for r in rows),
        details={"R": R, "n": 10, "rows": rows, "closest_to_bound": worst},
        figures=figures, data_files=files)


def _plot_rate_vs_beta(stem, checks, R, verdict, caption):
    from .. import bounds
    from ..plotting import add_verdict, legend_outside, new_axes, save_figure, write_csv

    b = np.array(list(checks))
    fit = np.array([c.fit.rate for c in checks.values()])
    lo = np.array([c.fit.rate_ci[0] for c in checks.values()])
    hi = np.array([c.fit.rate_ci[1] for c in checks.values()])
    fig, ax = new_axes(figsize=(10.5, 4.4))
    bb = np.geomspace(b.min() / 1.5, b.max() * 1.5, 200)
    # contraction per query of the registered bound: its value at N = 1 with KL_0 = 1
    per_query = bounds.get_bound("tiapkin2025.kl_rate").evaluate(N=1.0, beta=bb, KL_0=1.0)
    ax.plot(bb, -np.log(per_query), "k--",
            label="stated: $-\\log$ of $(1+2\\beta)^{-1/2}$\n(Tiapkin+ 2025 v1; inferred, $\\eta=2\\beta$)")
    ax.plot(bb, -2 * np.log(per_query), ":", color="0.4",
            label="$-\\log$ of $(1+2\\beta)^{-1}$: square of the\nstated factor (KL quadratic in logit error)")
    ax.errorbar(b, -np.log(fit), yerr=[np.log(hi) - np.log(fit), np.log(fit) - np.log(lo)], fmt="o", color="C0",
                capsize=3, label="Nash-MP fitted (95% CI over games)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"regularisation $\beta$")
    ax.set_ylabel(r"$-\log\hat\rho$ per preference query (larger = faster)")
    ax.set_title(f"Nash-MP linear rate vs beta (random games, |Y| = 10, {R} games)")
    legend_outside(ax, fontsize=8)
    fig.tight_layout()
    add_verdict(fig, verdict, caption, width=130)
    figs = save_figure(fig, stem)
    return figs, (write_csv(f"{stem}.csv", {"beta": b, "rate": fit, "rate_lo": lo, "rate_hi": hi,
                                            "stated": np.array([c.stated for c in checks.values()])}),)


# =============================================================================== (c) |Y| independence
def response_independence_data(rngs, sizes, beta: float, *, executor=None) -> dict:
    """Nash-MP normalised KL traces per number of responses.

    Parameters
    ----------
    rngs : list of numpy.random.Generator
    sizes : sequence of int
        Numbers of responses.
    beta : float

    executor : concurrent.futures.Executor, optional
        Where the independent runs are mapped (:func:`~pgtheory.experiments.parallel_map`; None:
        serially); the result does not depend on it.

    Returns
    -------
    dict
        ``{n: (N, KL/KL_0 array (R, K), seconds)}``.
    """
    K = int(np.ceil(np.log(1e12) / np.log1p(2 * beta)))
    out = {}
    for n in sizes:
        t0 = time.perf_counter()
        games = [_instance(np.random.default_rng(r.integers(2**63)), n) for r in rngs]
        N, y = _normalised_kl(games, beta, K, executor)
        out[n] = (N, y, time.perf_counter() - t0)
    return out


@experiment("tiapkin2025-response-independence", "Nash-MP rate for |Y| = 3 ... 1000 responses (must not degrade)",
            tags=("tiapkin2025", "nash", "nlhf", "figure"),
            replaces=("nash-response-independence",),
            papers=("tiapkin2025",),
            bounds=("tiapkin2025.kl_rate",),
            algorithms=("nash_mp",))
def run_response_independence(config: RunConfig) -> CheckReport:
    """Experiment (c): one claim per |Y| (the registered, inferred bound at every query and its rate)."""
    from .. import ratecheck

    R = config.seeds or (3 if config.quick else 20)
    sizes = [3, 10, 100, 1000] if config.quick else [3, 10, 30, 100, 300, 1000]
    beta = 0.1
    data = response_independence_data(_rngs(config, R, 3), sizes, beta, executor=config.executor)
    checks = {n: ratecheck.check_rate("tiapkin2025.kl_rate", N, y, params={"beta": beta, "KL_0": 1.0},
                                      check="both", floor=1e-11) for n, (N, y, _) in data.items()}
    claims = [H.rate_claim(c, name=f"|Y|={n}", note="eta = 2 beta, N = 2k and the constant KL_0 are inferred; the "
                           "v1 abstract states the order and the independence of |Y|", finding=_square_finding(c),
                           skip_first=True) for n, c in checks.items()]
    rates = {n: c.fit.rate for n, c in checks.items()}
    his = {n: c.fit.rate_ci[1] for n, c in checks.items()}
    verdict, caption = H.verdict_caption(claims, max_claims=2)
    figures, files = outputs(config, "tiapkin2025_response_independence", _plot_independence, checks, beta, verdict, caption)
    return report_from_claims(
        "tiapkin2025-response-independence", claims, source=TIAPKIN + " (independent of |Y|)",
        stated=f"KL <= KL_0 (1+2b)^(-N/2), contraction per query <= (1+2b)^(-1/2) = {(1 + 2 * beta) ** -0.5:.4f} "
               f"for every |Y| (b={beta}, inferred)",
        measured="; ".join(f"|Y|={n}: {checks[n].measured_text}" for n in checks),
        details={"R": R, "beta": beta, "rates": rates, "rate_upper_ci": his,
                 "slowest_rate": max(his.values()), "worst_bound_ratio": {n: c.worst_ratio for n, c in checks.items()}},
        figures=figures, data_files=files)


def _plot_independence(stem, checks, beta, verdict, caption):
    from .. import bounds
    from ..plotting import add_verdict, legend_outside, new_axes, save_figure, write_csv

    n = np.array(list(checks), float)
    fit = np.array([c.fit.rate for c in checks.values()])
    lo = np.array([c.fit.rate_ci[0] for c in checks.values()])
    hi = np.array([c.fit.rate_ci[1] for c in checks.values()])
    fig, axes = new_axes(1, 2, figsize=(13, 4.4))
    ax = axes[0]
    ys = []
    for i, (k, c) in enumerate(checks.items()):
        ax.plot(c.x, np.maximum(c.y, 1e-17), color=f"C{i}", label=f"|Y| = {k}")
        ys.append(c.y)
    c0 = list(checks.values())[0]
    ax.plot(c0.x, c0.bound_values, "k--", label="bound $(1+2\\beta)^{-N/2}$\n(Tiapkin+ 2025 v1; inferred)")
    ax.set_yscale("log")
    _informative_ylim(ax, ys, top=3, floor=1e-12)  # the fit stops at its 1e-11 floor; below is rounding
    ax.set_xlabel("preference queries N")
    ax.set_ylabel(r"$\mathrm{KL}(\pi^*\|\pi_k)/\mathrm{KL}_0$ (mean over games)")
    legend_outside(ax, fontsize=8)
    ax = axes[1]
    ax.errorbar(n, fit, yerr=[fit - lo, hi - fit], fmt="o", capsize=3, label="Nash-MP fitted\n(95% CI over games)")
    ax.axhline(bounds.get_bound("tiapkin2025.kl_rate").evaluate(N=1.0, beta=beta, KL_0=1.0), color="k", ls="--",
               label="stated $(1+2\\beta)^{-1/2}$")
    ax.set_xscale("log")
    ax.set_xlabel("number of responses |Y|")
    ax.set_ylabel(r"contraction per query $\hat\rho$ (lower = faster)")
    ax.set_title(f"beta = {beta}")
    legend_outside(ax, fontsize=8)
    fig.tight_layout()
    add_verdict(fig, verdict, caption, width=150)
    figs = save_figure(fig, stem)
    return figs, (write_csv(f"{stem}.csv", {"n": n, "rate": fit, "rate_lo": lo, "rate_hi": hi}),)


# =============================================================================== (d) stochastic floor
def stochastic_floor_data(rngs, batches, *, n=5, beta=0.5, n_iter=15, n_inner=40, tail=5, executor=None) -> dict:
    """Stochastic Nash-MP KL traces and floors for each inner batch size.

    Parameters
    ----------
    rngs : list of numpy.random.Generator
        One stream per seed (the game is fixed, drawn from ``rngs[0]``'s parent seed).
    batches : sequence of int
        Inner sample sizes ``B``.
    n, beta, n_iter, n_inner : int, float, int, int
        Game size, regularisation, outer iterations, inner steps.
    tail : int
        Floor = mean KL over the last ``tail`` iterates.

    executor : concurrent.futures.Executor, optional
        Where the independent runs are mapped (:func:`~pgtheory.experiments.parallel_map`; None:
        serially); the result does not depend on it.

    Returns
    -------
    dict
        ``{"game_kl0", "exact": Trace, B: (queries, KL (R, K), floors (R,))}``.
    """
    from ..algorithms import nash as A
    from ..games import regularized_nash

    game, mu = _instance(np.random.default_rng(12345), n)
    eq = regularized_nash(game, beta, mu)
    out = {"exact": A.nash_mp(game, beta, n_iter, mu=mu, equilibrium=eq)}
    for B in batches:
        seeds = [r.integers(2**63) for r in rngs]  # drawn before the map, in the serial order
        trs = parallel_map(lambda sd, B=B: A.stochastic_nash_mp(game, beta, n_iter, n_inner=n_inner, batch=B, mu=mu,
                                                                equilibrium=eq, rng=np.random.default_rng(sd)),
                           seeds, executor)
        ys = np.stack([tr.metric("kl") for tr in trs])
        out[B] = (trs[-1].samples, ys, ys[:, -tail:].mean(axis=1))
    return out


@experiment("tiapkin2025-stochastic-floor", "Stochastic Nash-MP: KL floor vs inner sample size B (expected ~ 1/B)",
            tags=("tiapkin2025", "nash", "nlhf", "stochastic", "figure"),
            replaces=("nash-stochastic-floor",),
            papers=("tiapkin2025",),
            bounds=("tiapkin2025.kl_rate",),
            algorithms=("nash_mp", "stochastic_nash_mp"))
def run_stochastic_floor(config: RunConfig) -> CheckReport:
    """Experiment (d): the KL floor is proportional to 1/B (our inference), as two growth claims.

    "floor ∝ 1/B" is checked as (i) the floor decays at least like 1/B (the growth exponent of
    the floor in 1/B is >= 1 - 0.2) and (ii) no faster than 1/B (its exponent in B is >= -1 - 0.2),
    both by :func:`~pgtheory.ratecheck.check_growth` on the same fit (seeds are independent
    stochastic runs: fewer than ``MIN_SEEDS_FOR_CI`` never give "violated").
    """
    from .. import ratecheck

    R = config.seeds or (6 if config.quick else 20)
    batches = [16, 64, 256, 1024] if config.quick else [10, 30, 100, 300, 1000, 3000, 10000]
    data = stochastic_floor_data(_rngs(config, R, 5), batches, n_iter=12 if config.quick else 20,
                                 n_inner=30 if config.quick else 40, executor=config.executor)
    Bs = np.array(batches, float)
    floors = np.stack([data[B][2] for B in batches], axis=1)  # (R, len(B))
    tol = 0.2
    src = "Tiapkin et al. 2025 (v1), approximate Nash-MP (inferred: SGD stationary variance ~ 1/B)"
    kw = dict(tol=tol, stochastic=True, min_seeds=ratecheck.MIN_SEEDS_FOR_CI, min_points=3, source=src)
    # (i) floor = O(1/B): the floor grows at least like (1/B)^1 as 1/B grows (x = 1/B, ascending)
    c_up = ratecheck.check_growth(1.0 / Bs[::-1], floors[:, ::-1], 1.0, tail=(1.0 / Bs[-1], 1.0 / Bs[0]),
                                  name="floor O(1/B)", variable="1/B",
                                  stated_text="KL floor decays at least like 1/B (exponent in 1/B >= 1, tol 0.2)", **kw)
    # (ii) floor = Omega(1/B): exponent in B at least -1
    c_lo = ratecheck.check_growth(Bs, floors, -1.0, tail=(Bs[0], Bs[-1]), name="floor Omega(1/B)", variable="B",
                                  stated_text="KL floor decays no faster than 1/B (exponent in B >= -1, tol 0.2)", **kw)
    note = "the approximate-Nash-MP guarantee was not read; floor ~ 1/B is our inference"
    claims = [dataclasses.replace(c, reason=f"{c.reason}; the statement is inferred, not read in the paper ({note})")
              for c in (c_up, c_lo)]
    fit = c_lo.evidence.fit
    verdict, caption = H.verdict_caption(claims)
    figures, files = outputs(config, "tiapkin2025_stochastic_floor", _plot_floor, data, batches, Bs, floors, fit,
                             verdict, caption)
    return report_from_claims(
        "tiapkin2025-stochastic-floor", claims, source=src,
        stated="KL floor proportional to 1/B (slope -1 in log-log, tolerance 0.2; inferred)",
        measured=f"floor slope {fit.text()}",
        details={"R": R, "batches": batches, "mean_floor": floors.mean(0).tolist(), "fit": fit.to_dict()
                 if hasattr(fit, "to_dict") else str(fit), "exact_final_kl": float(data["exact"].metric("kl")[-1])},
        figures=figures, data_files=files)


def _plot_floor(stem, data, batches, Bs, floors, fit, verdict, caption):
    from .. import bounds
    from ..plotting import add_verdict, legend_outside, new_axes, save_figure, write_csv

    fig, axes = new_axes(1, 2, figsize=(13, 4.4))
    ax = axes[0]
    ex = data["exact"]
    for i, B in enumerate(batches):
        q, ys, _ = data[B]
        ax.plot(ex.iterations, ys.mean(0), color=f"C{i}", label=f"stochastic, B = {B}")
    ax.plot(ex.iterations, np.maximum(ex.metric("kl"), 1e-16), "k-", lw=1, label="exact proximal steps")
    kl0 = ex.metric("kl")[0]
    b = ex.params["beta"]
    k = ex.iterations.astype(float)
    ax.plot(k, bounds.get_bound("tiapkin2025.kl_rate").evaluate(N=2 * k, beta=b, KL_0=kl0), "k--", lw=1,
            label="bound $KL_0(1+2\\beta)^{-k}$\n(Tiapkin+ 2025 v1, inferred)")
    ax.set_yscale("log")
    ax.set_ylim(1e-8, None)
    ax.set_xlabel("outer iteration k")
    ax.set_ylabel(r"$\mathrm{KL}(\pi^*\|\pi_k)$ (mean over seeds)")
    legend_outside(ax, fontsize=7)
    ax = axes[1]
    lo, hi = np.quantile(floors, [0.1, 0.9], axis=0)
    ax.errorbar(Bs, floors.mean(0), yerr=[floors.mean(0) - lo, hi - floors.mean(0)], fmt="o", capsize=3,
                label="floor (mean,\n10-90% over seeds)")
    ax.plot(Bs, np.exp(fit.intercept) * Bs ** fit.slope, "C0-", lw=1, label=f"fit: slope {fit.slope:.2f}")
    ax.plot(Bs, floors.mean(0)[0] * Bs[0] / Bs, "k--", lw=1, label=r"$\propto 1/B$ (inferred)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("inner sample size B (preferences per inner PG step)")
    ax.set_ylabel("KL floor (last 5 iterates)")
    legend_outside(ax, fontsize=8)
    fig.tight_layout()
    add_verdict(fig, verdict, caption, width=150)
    figs = save_figure(fig, stem)
    return figs, (write_csv(f"{stem}.csv", {"B": Bs, "floor_mean": floors.mean(0), "floor_q10": lo,
                                            "floor_q90": hi}),)


# =============================================================================== (e) sampled queries
_SOURCE = "Tiapkin et al. 2025, arXiv:2505.19731v1 (Nash-MP KL rate, sampled queries: illustration)"
_WHY = "the bound is stated for exact proximal steps; sampled queries add a floor, so this is an illustration"


@experiment("tiapkin2025-sampled", "Nash-MP with sampled Bernoulli preference queries through the oracle protocol "
            "vs the exact oracle (Tiapkin et al. 2025, illustration)", tags=("tiapkin2025", "nash", "nlhf", "oracles"),
            papers=("tiapkin2025",),
            bounds=("tiapkin2025.kl_rate",),
            algorithms=("nash_mp",),
            params={"beta": 0.1, "opponents": 0})
def run_sampled(config: RunConfig) -> CheckReport:
    """KL(pi*||pi_k) of Nash-MP with exact and sampled preference oracles; rate claim on the pre-floor part.

    Sweepable parameters (``config.param``): ``beta`` (regularisation, default 0.1) and
    ``opponents`` (sampled opponents per response and query; 0, the default, means 4000 in quick
    mode and 20000 in full).

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
    # sweepable (pgtheory sweep tiapkin2025-sampled --grid beta=0.05,0.1,0.2 opponents=1000,4000):
    # opponents = 0 means the default sample size
    beta, K = float(config.param("beta", 0.1)), 40
    n = int(config.param("opponents", 0)) or (4000 if config.quick else 20000)
    game = random_preference_game(6, rng=np.random.default_rng(2025))
    eq = regularized_nash(game, beta)
    exact = nash_mp(game, beta, K, equilibrium=eq)
    trs = config.map(lambda s: nash_mp(game, beta, K, equilibrium=eq, oracle=SampledPreferenceOracle(game, n=n),
                                       rng=np.random.default_rng(s)), np.random.SeedSequence(int(config.seed)).spawn(R))
    kls = np.stack([tr.metric("kl") for tr in trs])
    tr = trs[-1]
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
