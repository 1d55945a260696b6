r"""Tang, Rybin & Chang (2024), ZO-RankSGD: zeroth-order optimisation with a ranking oracle.

Check ``tang2024-ranksgd``: the rank-based estimator of the authors' code is invariant to monotone
transforms of the utility (sample by sample), differs from the comparison DAG's pairwise-difference
estimator by the mean of the ranked perturbations, is an ascent direction in expectation for linear
utilities (exact mean by order-statistic quadrature, validated by the seeded sampler), and stays an
ascent direction on a softmax bandit's success probability, with a bias that grows with the smoothing
radius. Source: Tang et al. 2024, ICLR 2024, arXiv:2303.03751 (abstract) and the authors' code
(``optimizer.py``) [code]; the paper's estimator definition and theorem were not read. The
conventions (claims, provenance tags, rounding tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity, check_ordering, check_unbiased
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_ranksgd", "CITATION"]

#: The paper (ICLR 2024); what was read: abstract and the authors' code.
CITATION = Citation(key="tang2024zeroth", authors=("Tang, Zhiwei", "Rybin, Dmitry", "Chang, Tsung-Hui"),
                    title="Zeroth-Order Optimization Meets Human Feedback: Provable Learning via Ranking Oracles",
                    venue="International Conference on Learning Representations (ICLR)", year=2024,
                    arxiv="2303.03751", url="https://arxiv.org/abs/2303.03751", entry_type="inproceedings")

TANG = "Tang, Rybin & Chang 2024, ZO-RankSGD, arXiv:2303.03751"
CODE = "TZW1998/Taming-Stable-Diffusion-with-Human-Ranking-Feedback, optimizer.py (RankSGD.rank_feedback)"

#: Family-wise false-alarm level of the Monte-Carlo claims of this check.
ALPHA = 1e-3


def _bandit_utility(r):
    """Success probability J(theta) = softmax(theta) . r of a one-prompt bandit, vectorised over rows."""
    import pgtheory.bandits as B

    return lambda P: B.success_probability(P, np.broadcast_to(r, P.shape))


def check_ranksgd(quick: bool = True) -> dict:
    """Invariance, code vs DAG coefficients, exact linear mean (ascent), bandit ascent and bias vs mu."""
    import pgtheory.bandits as B

    subs = []
    rng = np.random.default_rng(18)
    # (a) rank-only: invariant to strictly increasing transforms, sample by sample
    n_inst = 200
    diffs = []
    for _ in range(n_inst):
        m = int(rng.integers(2, 9))
        k = int(rng.integers(1, m + 1))
        v = rng.normal(size=m)
        D = rng.normal(size=(m, 3))
        g = B.rank_estimate(v, D, k)
        diffs.extend(np.concatenate([B.rank_estimate(f(v), D, k) - g for f in (np.exp, np.tanh, lambda x: x ** 3)]))
    c_a = check_identity(np.asarray(diffs), 0.0, rtol=0.0, atol=0.0, tol_reason="the same ranking gives the same "
                         "floating-point sum: equality, no tolerance",
                         name="rank-based estimate invariant to increasing transforms of the utility",
                         source=_src(f"our derivation on the estimator of {CODE}", "inferred"),
                         stated=f"finding (ours): the estimate depends on the utilities only through their ranking, "
                                f"so exp, tanh and cubing leave it unchanged sample by sample ({n_inst} random queries, "
                                f"m in 2..8)")
    subs.append(_sub("rank-only estimator: invariant to monotone transforms", f"{TANG}; {CODE} [code]",
                     "holds exactly", {"instances": n_inst, "max_abs_diff": float(np.max(np.abs(diffs)))},
                     "inferred", [c_a]))
    # (b) code coefficients (m - 2r) = DAG pairwise differences (m - 1 - 2r) + mean of the ranked perturbations
    lhs, rhs, mag = [], [], 0.0
    for _ in range(n_inst):
        m = int(rng.integers(2, 9))
        k = int(rng.integers(1, m + 1))
        v = rng.normal(size=m)
        D = rng.normal(size=(m, 3))
        order = np.argsort(-v, kind="stable")
        ranked, unranked = order[:k], order[k:]
        edges = [(ranked[a], ranked[b]) for a in range(k) for b in range(a + 1, k)]
        edges += [(i, j) for i in ranked for j in unranked]
        dag = sum(D[i] - D[j] for i, j in edges) / len(edges)  # brute force over the revealed comparisons
        lhs.append(B.rank_estimate(v, D, k, "code"))
        rhs.append(dag + D[ranked].sum(axis=0) / len(edges))
        mag = max(mag, float(np.abs(D).max()))
    atol = SAFETY * 8 * 8 * EPS * mag
    c_b = check_identity(np.asarray(lhs), np.asarray(rhs), rtol=0.0, atol=atol,
                         tol_reason=f"sums of at most m^2 = 64 perturbations of size <= {mag:.3g}, x{SAFETY}: {atol:.2g}",
                         name="code coefficient m - 2r = DAG estimator + mean of the ranked points",
                         source=_src(f"our derivation; coefficient read in {CODE}", "code"),
                         stated="finding (ours): the code's estimator equals the comparison DAG's pairwise-difference "
                                "estimator (1/|E|) sum_(i>j) (d_i - d_j) plus (1/|E|) sum_(ranked) d_i, checked against "
                                f"brute-force enumeration of the revealed comparisons ({n_inst} random queries)")
    subs.append(_sub("the code's coefficient m - 2r vs the DAG's m - 1 - 2r", f"{CODE} [code]; our derivation",
                     "holds exactly (code = DAG + ranked mean / |E|)", {"instances": n_inst}, "code", [c_b]))
    # (c) linear utility: E[g] = c(m, k) mu a/|a|, c > 0 (ascent), both variants; sampler agrees
    ms = list(range(2, 11)) if quick else list(range(2, 21))
    cs, errs, labels = [], [], []
    curves = {"m": np.array(ms, float)}
    for variant in ("code", "dag"):
        for kk in ("1", "2", "m"):
            row = []
            for m in ms:
                k = m if kk == "m" else min(int(kk), m)
                c, e = B.rank_linear_expectation(m, k, variant)
                row.append(c)
                cs.append(c)
                errs.append(e)
                labels.append((variant, m, k))
            curves[f"c_{variant}_k{kk}"] = np.array(row)
    qerr = float(max(errs))
    c_c = check_ordering(np.asarray(cs), 0.0, relation=">", tol=qerr,
                           name="ascent direction in expectation (linear utility): c(m, k) > 0",
                           source=_src(f"{TANG} (abstract: 'a rank-based random estimator to determine the descent "
                                       f"direction'); exact mean: our derivation", "abstract"),
                           stated="for u(x) = a.x the exact mean is c(m, k) mu a/|a| with c(m, k) > 0 for every m <= "
                                  f"{ms[-1]}, k in (1, 2, m), both coefficient conventions (quadrature error <= {qerr:.2g})",
                           left_label="c(m, k)", right_label="0")
    a_vec = np.array([1.0, 2.0, -0.5])
    mu = 0.1
    n_mc = 20_000 if quick else 200_000
    s = B.zo_rank_samples(lambda P: P @ a_vec, np.zeros(3), mu, 5, 2, n_mc, rng=np.random.default_rng(1803))
    c52, _ = B.rank_linear_expectation(5, 2)
    c_d = check_unbiased(c52 * mu * a_vec / np.linalg.norm(a_vec), mean=s.mean(0), se=s.std(0, ddof=1) / np.sqrt(n_mc),
                         n=n_mc, alpha=ALPHA, name="sampler agrees with the exact linear mean",
                         source=_src("our sampler and derivation", "inferred"),
                         stated=f"finding (ours): the seeded sampler's mean over n = {n_mc} queries (m = 5, k = 2, mu = "
                                f"0.1) agrees with c(5, 2) mu a/|a| at family-wise level {ALPHA:g}",
                         target_label="the exact mean c(m, k) mu a/|a|")
    subs.append(_sub("rank-based estimator gives an ascent direction (linear utility, exact)",
                     f"{TANG} (abstract); exact mean: our derivation (order statistics)",
                     "holds in expectation (normalised: independent of |a|)",
                     {"c(5,2) code": c52, "c(5,2) dag": B.rank_linear_expectation(5, 2, "dag")[0],
                      "c(2,1) code": B.rank_linear_expectation(2, 1, "code")[0],
                      "c(2,1) dag": B.rank_linear_expectation(2, 1, "dag")[0], "quadrature_error": qerr,
                      "mc_n": n_mc, "mc_seed": 1803}, "abstract", [c_c, c_d]))
    # (d) RL use: utility = success probability of a softmax bandit; ascent at every mu, bias grows with mu
    th = np.array([0.5, -0.3, 1.2, -1.0])
    r = np.array([1.0, 0.0, 0.0, 1.0])
    gJ = B.exact_logit_gradient(th, r)
    u = gJ / np.linalg.norm(gJ)
    mus = np.array([0.05, 0.2, 0.8, 1.6]) if quick else np.geomspace(0.025, 3.2, 8)
    n_b = 20_000 if quick else 200_000
    proj, proj_se, bias, bias_se, pdesc = [], [], [], [], []
    for j, mu_j in enumerate(mus):
        seed = 1900 + j
        sJ = B.zo_rank_samples(_bandit_utility(r), th, float(mu_j), 5, 2, n_b, rng=np.random.default_rng(seed))
        sL = B.zo_rank_samples(lambda P: P @ gJ, th, float(mu_j), 5, 2, n_b, rng=np.random.default_rng(seed))
        t = sJ @ u / mu_j
        proj.append(float(t.mean()))
        proj_se.append(float(t.std(ddof=1) / np.sqrt(n_b)))
        dd = (sJ - sL) / mu_j  # common random numbers: E[sL]/mu = c u exactly, so E[dd] is the bias
        bias.append(float(np.linalg.norm(dd.mean(0))))
        bias_se.append(float(np.sqrt(np.sum(dd.var(0, ddof=1))) / np.sqrt(n_b)))
        pdesc.append(float(np.mean(sJ @ gJ > 0)))
    proj, proj_se = np.array(proj), np.array(proj_se)
    from scipy.stats import norm  # lazy: scipy.stats, 0.4 s

    z = float(norm.isf(ALPHA / (2 * len(mus))))
    c_e = check_ordering(proj, 0.0, relation=">", left_ci=np.array([proj - z * proj_se, proj + z * proj_se]),
                         right_ci=np.zeros((2, len(mus))), name="ascent on a softmax bandit at every smoothing radius",
                         source=_src(f"{TANG} (abstract: 'readily applicable to policy optimization ... ranking "
                                     f"oracles for the episode reward')", "abstract"),
                         stated=f"the projection of E[g]/mu on grad J is positive for mu in {mus.min():g}..{mus.max():g} "
                                f"(K = 4 bandit, m = 5, k = 2; n = {n_b} queries per mu, Bonferroni intervals at level "
                                f"{ALPHA:g})", left_label="E[g].u/mu", right_label="0")
    subs.append(_sub("ZO-RankSGD gives an ascent direction for a bandit's success probability (RL use)",
                     f"{TANG} (abstract)", "holds in expectation; bias O(mu) (dossier)",
                     {"mu": mus.tolist(), "E[g].u/mu": proj.tolist(), "se": proj_se.tolist(),
                      "|bias|/mu (CRN vs linearised)": bias, "bias_se": bias_se, "P(<g, grad J> > 0)": pdesc,
                      "linear limit c(5,2)": c52, "n_per_mu": n_b}, "abstract", [c_e]))
    curves_mu = {"mu": mus, "proj": proj, "proj_se": proj_se, "bias": np.array(bias), "bias_se": np.array(bias_se),
                 "p_ascent": np.array(pdesc), "c_linear": np.full(len(mus), c52)}
    return {"name": "tang2024-ranksgd", "subchecks": subs, "curves": curves, "curves_mu": curves_mu}


def _write_data(config, res, claims):
    from ...plotting import write_csv
    from .._registry import out_path

    files = []
    for key, stem in (("curves", "tang2024_ranksgd_linear"), ("curves_mu", "tang2024_ranksgd_bandit")):
        p = out_path(config, f"{stem}.csv")
        files.append(write_csv(p, {k: np.asarray(v, dtype=float) for k, v in res[key].items()}))
    return (), tuple(files)


_run = register_check("tang2024-ranksgd", check_ranksgd,
               "ZO-RankSGD: rank-based estimator is an ascent direction (exact for linear utilities; bandit use)",
               "Tang et al. 2024, arXiv:2303.03751", papers=("tang2024",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
