r"""Knapsack RL (Li et al., ICML 2026; arXiv:2509.25849 v1): zero-gradient groups, the DP, the value proxy.

Three checks, each a set of claims through :mod:`pgtheory.ratecheck` (the verdict is
:func:`~pgtheory.ratecheck.combine` of the claims):

``li2026-zero-gradient``
    Uniform budgets give all-correct / all-wrong groups, whose GRPO update is zero, with probability
    :math:`p^N+(1-p)^N` (exact, by count-vector enumeration of the update for GRPO, RLOO and
    Dr. GRPO); the knapsack allocation raises the expected fraction of prompts with a non-zero
    update over uniform budgets (synthetic success-rate distributions: an illustration).
``li2026-knapsack-dp``
    The knapsack over :math:`\sum_i\mathrm{Value}(N_i,p_i)` is solved exactly by a DP (against
    brute force); the released DP (``solve_by_dp``) scores a prompt that receives no rollout beyond
    ``min_n`` as 0 instead of :math:`\mathrm{Value}(\text{min}_n,p)` and so misses the optimum of its
    own value -- stored counterexample ``p = (0.05, 0.10)``, 6 rollouts, bounds [2, 4]: it returns
    (3, 3), value 0.02830; the optimum is (2, 4), value 0.03213 (11.9% lower).
``li2026-value-proxy``
    The value is a proxy (its derivation was not read; no claim of exactness to test): how well it
    tracks the exact expected one-step gain of the success probability after a GRPO step on a
    softmax bandit (rank correlation over :math:`(N,p)`, regret of the allocation it chooses).

Provenance: abstract [A] (v1 and ICML 2026), released code [C] (value, DP, launch script: 256
prompts x 8 rollouts, ``MIN_N = 2``, ``MAX_N = 128``); the exact computations are ours [I].
"""

from __future__ import annotations

import numpy as np

from ...bounds.catalog.li2026 import LI2026 as CITATION
from .._registry import get
from ._common import EPS, register_check, SAFETY, _src, _sub, _sum_tol
from ._data import write_data

__all__ = ["CITATION", "check_zero_gradient", "check_knapsack_dp", "check_value_proxy", "COUNTEREXAMPLE"]

#: The released DP's counterexample: rates, total, bounds, its allocation, the optimum.
COUNTEREXAMPLE = {"p": [0.05, 0.10], "total": 6, "low": 2, "up": 4, "code_allocation": [3, 3],
                  "optimal_allocation": [2, 4]}

KEY = "li2026"
SOURCE = "Li et al. 2026, Knapsack RL, ICML 2026, arXiv:2509.25849 v1"
ABS = f"{SOURCE} (abstract)"
CODE = "liziniu/KnapsackRL, verl/trainer/ppo/exploration_utils.py (value, solve_by_dp)"

#: verl's GRPO advantage (torch.std, ddof = 1; epsilon 1e-6), the trainer Knapsack RL builds on.
GRPO = {"ddof": 1, "epsilon": 1e-6}


def _rates(n, dist, rng):
    a, b = dist
    return np.clip(rng.beta(a, b, size=n), 0.005, 0.995)


def _nonzero_fraction(p, N):
    import pgtheory.bandits as B

    return float(np.mean(1.0 - B.zero_advantage_probability(p, N)))


# ============================================================================ zero-gradient groups
def check_zero_gradient(quick: bool = True) -> dict:
    """P(zero update) = p^N + (1-p)^N by enumeration; knapsack vs uniform non-zero fraction."""
    import pgtheory.bandits as B
    from ...ratecheck import as_illustration, check_identity, check_ordering

    subs = []
    rng = np.random.default_rng(2026)
    Gs = (2, 4, 8) if quick else (2, 4, 8, 16)
    got, want, rows, tol = [], [], [], 0.0
    for K in (2, 4):
        th = rng.normal(0.0, 1.0, size=K)
        r = np.zeros(K)
        r[: K // 2] = 1.0
        p = float(B.success_probability(th, r))
        logq = np.log(B.policy_probs(th))
        for G in Gs:
            for name, opts in (("grpo", GRPO), ("rloo", {}), ("dr_grpo", {})):
                z = B.zero_gradient_probability(name, th, r, G, **opts)
                got.append(z)
                want.append(float(B.zero_advantage_probability(p, G)))
                n = B.num_count_vectors(K, G)
                # each probability exp(log pmf) carries ~ |log pmf| eps relative error, |log pmf| <= G max|log q|
                tol = max(tol, _sum_tol(n, 1.0 + G * float(np.max(np.abs(logq))))[0])
                rows.append({"K": K, "G": G, "estimator": name, "p": p, "P_enumerated": z, "p^G+(1-p)^G": want[-1]})
    c_a = check_identity(got, want, rtol=0.0, atol=tol,
                         tol_reason="count vectors x eps x (1 + G max|log q|) x8: the summed probabilities' rounding",
                         name="uniform budgets: P(zero GRPO update) = p^N + (1-p)^N",
                         source=_src(f"{ABS}; the formula: our derivation", "abstract"),
                         stated="all-correct and all-wrong groups give zero GRPO gradients: the exact probability of "
                                "a zero update, enumerated over count vectors for GRPO (verl: ddof=1, eps=1e-6), "
                                f"RLOO and Dr. GRPO with one deterministic reward per response, is p^N + (1-p)^N "
                                f"(K in {{2, 4}}, N in {Gs})")
    subs.append(_sub("uniform budgets give zero GRPO gradients on all-correct / all-wrong groups, "
                     "P = p^N + (1-p)^N", ABS, "holds exactly",
                     {"instances": len(rows), "K": [2, 4], "N": list(Gs), "estimators": ["grpo", "rloo", "dr_grpo"],
                      "max_abs_diff": float(np.max(np.abs(np.subtract(got, want)))),
                      "rows": "in li2026-zero-gradient_instances.json"}, "abstract", [c_a]))
    # Bernoulli rewards per arm: extra zero updates (the bandit abstraction's caveat)
    th = np.array([0.3, -0.2, 0.5, 0.0])
    q = np.array([0.7, 0.2, 0.5, 0.9])
    p = float(B.success_probability(th, q))
    zb = B.zero_gradient_probability("grpo", th, q, 4, binary=True, **GRPO)
    closed = float(B.zero_advantage_probability(p, 4))
    c_b = check_ordering(zb, closed, relation=">", tol=_sum_tol(B.num_count_vectors(8, 4), 20.0)[0],
                         name="random rewards per response: more zero updates than p^N + (1-p)^N",
                         source=_src("our derivation", "inferred"),
                         stated="finding (ours): when one response can be right or wrong at random (Bernoulli reward "
                                "per arm), a group in which every sampled arm's success rate equals the group's also "
                                "has a zero update, so P(zero) exceeds p^N + (1-p)^N (K=4, N=4); with a deterministic "
                                "verifier (the LLM case) the two agree",
                         left_label="P(zero update), Bernoulli rewards", right_label="p^N + (1-p)^N")
    subs.append(_sub("random rewards per response add zero-update groups", "our derivation", "P exceeds p^N + (1-p)^N",
                     {"p": p, "P_zero_enumerated": zb, "p^N+(1-p)^N": closed, "N": 4}, "inferred", [c_b]))
    # knapsack vs uniform: fraction of prompts with a non-zero update (synthetic rates)
    n = 64 if quick else 256
    dists = {"Beta(0.5, 0.5)": (0.5, 0.5), "Beta(1, 3)": (1.0, 3.0), "Beta(2, 2)": (2.0, 2.0)}
    frac_u, frac_k, out = [], [], {}
    for label, dist in dists.items():
        p = _rates(n, dist, np.random.default_rng(7))
        alloc, _ = B.knapsack_allocate(p, 8 * n, low=2, up=128, unallocated="zero")
        fu, fk = _nonzero_fraction(p, 8), _nonzero_fraction(p, alloc)
        frac_u.append(fu)
        frac_k.append(fk)
        out[label] = {"uniform_8": fu, "knapsack": fk, "relative_increase": fk / fu - 1.0,
                      "max_rollouts": int(alloc.max()), "min_rollouts": int(alloc.min())}
    c_c = check_ordering(frac_k, frac_u, relation=">", tol=SAFETY * n * EPS,
                         name="knapsack allocation raises the fraction of prompts with a non-zero gradient",
                         source=_src(ABS, "abstract"),
                         stated=f"the knapsack allocation (released DP, 2 <= N_i <= 128, {n} prompts x 8 rollouts) "
                                "increases the expected fraction of prompts with a non-zero GRPO update over uniform "
                                "8 rollouts (the paper: +20-40% during training)",
                         left_label="non-zero fraction, knapsack", right_label="non-zero fraction, uniform")
    c_c = as_illustration(c_c, "the success rates are known and drawn from three Beta distributions, not estimated "
                               "during the paper's training run: the released code's handling of prompts whose "
                               "estimated rate is 0 or 1 (fixed budgets, surplus to unsolved prompts) is not "
                               "modelled, and the value maximised is not the non-zero fraction itself")
    subs.append(_sub("knapsack allocation increases the effective ratio of non-zero gradients (+20-40%)", ABS,
                     "direction holds on synthetic rates", {"n_prompts": n, "by_distribution": out},
                     "abstract", [c_c]))
    # figure data: closed-form curves and enumerated markers
    pg = np.linspace(0.0, 1.0, 201)
    curves = {"p": pg, **{f"N={N}": B.zero_advantage_probability(pg, N) for N in (2, 4, 8, 16, 32)}}
    mp, mN, mz = [], [], []
    for N in (2, 4, 8, 16):
        for pv in np.linspace(0.1, 0.9, 9):
            mp.append(pv)
            mN.append(N)
            mz.append(B.zero_gradient_probability("grpo", np.log([pv, 1 - pv]), [1.0, 0.0], N, **GRPO))
    data = {"li2026-zero-gradient_curves.csv": curves,
            "li2026-zero-gradient_enumerated.csv": {"p": mp, "N": mN, "P_zero": mz},
            "li2026-zero-gradient_nonzero.json": {"n_prompts": n, "by_distribution": out},
            "li2026-zero-gradient_instances.json": rows}
    return {"name": "li2026-zero-gradient", "subchecks": subs, "data": data}


# ============================================================================ the DP
def check_knapsack_dp(quick: bool = True) -> dict:
    """Exact DP = brute force; the released DP's convention misses the optimum (stored counterexample)."""
    import pgtheory.bandits as B
    from ...ratecheck import check_identity

    subs = []
    rng = np.random.default_rng(26)
    R = 60 if quick else 300
    ours, brute, code = [], [], []
    sizes = []
    for _ in range(R):
        n = int(rng.integers(2, 6))
        p = rng.uniform(0.01, 0.99, size=n)
        lo = int(rng.integers(1, 4))
        up = lo + int(rng.integers(1, 8))
        total = int(rng.integers(n * lo, n * up + 1))
        ours.append(B.knapsack_allocate(p, total, lo, up)[1])
        ref = B.knapsack_brute_force(p, total, lo, up)
        brute.append(ref[1])
        code.append(B.knapsack_allocate(p, total, lo, up, unallocated="zero")[1])
        sizes.append(ref[2])
    ours, brute, code = map(np.asarray, (ours, brute, code))
    atol = SAFETY * 5 * EPS * 0.15  # sums of <= 5 values, each <= max p(1-p)^2 = 4/27 < 0.15
    c_a = check_identity(ours, brute, rtol=0.0, atol=atol,
                         tol_reason="sums of <= 5 values of size <= 0.15, x eps x8",
                         name="the knapsack over sum Value(N_i, p_i) is solved exactly by the DP",
                         source=_src(f"{ABS} ('knapsack', 'optimal assignment rule'); our DP and brute force",
                                     "abstract"),
                         stated=f"the multiple-choice knapsack DP returns the maximum of sum_i Value(N_i, p_i) under "
                                f"sum N_i = N_tot and the bounds: equal to brute force over every allocation on {R} "
                                f"random instances (2-5 prompts, up to {max(sizes)} allocations)")
    subs.append(_sub("the allocation maximising sum Value(N_i, p_i) is computed exactly by a DP", ABS, "holds exactly",
                     {"instances": R, "max_allocations_enumerated": int(max(sizes)),
                      "max_abs_diff": float(np.max(np.abs(ours - brute)))}, "abstract", [c_a]))
    # the released convention
    cx = COUNTEREXAMPLE
    a_code, o_code = B.knapsack_allocate(cx["p"], cx["total"], cx["low"], cx["up"], unallocated="zero")
    a_opt, o_opt, _ = B.knapsack_brute_force(cx["p"], cx["total"], cx["low"], cx["up"])
    # every N_i = 1 (total = n x low with low = 1) has value 0 for both: no regret
    regret = np.where(brute > 0, (brute - code) / np.where(brute > 0, brute, 1.0), 0.0)
    bad = (brute - code) > atol
    # realistic batch: the launch script's sizes
    n = 64 if quick else 256
    p = _rates(n, (0.5, 0.5), np.random.default_rng(11))
    _, o_r_opt = B.knapsack_allocate(p, 8 * n, low=2, up=128)
    _, o_r_code = B.knapsack_allocate(p, 8 * n, low=2, up=128, unallocated="zero")
    c_b = check_identity([o_code], [o_opt], rtol=0.0, atol=SAFETY * 2 * EPS * 0.15,
                         tol_reason="sums of 2 values of size <= 0.15, x eps x8",
                         name="the released DP returns the optimum of its value",
                         source=_src(f"{CODE}; 'optimal assignment rule' ({ABS})", "code"),
                         stated="solve_by_dp maximises sum_i Value(N_i, p_i) over the allocations within "
                                "[min_n, max_n] (the value the code defines; its 'don't allocate' option scores a "
                                "prompt left at min_n as 0)")
    subs.append(_sub("the released DP (solve_by_dp) is optimal for its value", CODE,
                     "holds exactly (expected before reading its 'don't allocate' option)",
                     {"counterexample": {**cx, "code_value": o_code, "optimal_value": o_opt,
                                         "code_allocation_recomputed": a_code.tolist(),
                                         "optimal_allocation_recomputed": a_opt.tolist(),
                                         "relative_regret": (o_opt - o_code) / o_opt},
                      "random_instances": R, "fraction_suboptimal": float(bad.mean()),
                      "max_relative_regret": float(regret.max()),
                      "launch_script_batch": {"n_prompts": n, "rates": "Beta(0.5, 0.5)", "total": 8 * n, "min_n": 2,
                                              "max_n": 128, "relative_regret": (o_r_opt - o_r_code) / o_r_opt}},
                     "code", [c_b]))
    # figure data: one small instance where the two differ, and the regret distribution
    ps = np.array([0.274, 0.05, 0.026, 0.807, 0.905])
    small = dict(total=25, low=2, up=7)
    a_b, _, _ = B.knapsack_brute_force(ps, **small)
    a_d, _ = B.knapsack_allocate(ps, **small)
    a_c, _ = B.knapsack_allocate(ps, **small, unallocated="zero")
    data = {"li2026-knapsack-dp_instance.csv": {"p": ps, "brute_force": a_b, "dp": a_d, "released_dp": a_c},
            "li2026-knapsack-dp_regret.csv": {"relative_regret": np.sort(regret)}}
    return {"name": "li2026-knapsack-dp", "subchecks": subs, "data": data}


# ============================================================================ the value as a proxy
def _gain_table(B, ps, Ns, eta, aggregation, Nbar):
    """Exact expected one-step gain of GRPO on the two-arm bandit of each rate, shape (len(ps), len(Ns))."""
    out = np.empty((len(ps), len(Ns)))
    for i, p in enumerate(ps):
        th, r = np.log([p, 1.0 - p]), np.array([1.0, 0.0])
        for j, N in enumerate(Ns):
            step = eta * (N / Nbar if aggregation == "response_mean" else 1.0)
            out[i, j] = B.expected_one_step_gain("grpo", th, r, int(N), step, **GRPO)["gain"]
    return out


def _spearman(a, b):
    from scipy.stats import spearmanr  # lazy: scipy.stats, 0.4 s

    return float(spearmanr(np.ravel(a), np.ravel(b)).correlation)


def check_value_proxy(quick: bool = True) -> dict:
    """Value(N, p) vs the exact expected one-step gain: rank correlation and allocation regret."""
    import pgtheory.bandits as B
    from ...ratecheck import as_illustration, check_ordering

    subs = []
    eta = 1.0
    ps = np.round(np.linspace(0.05, 0.95, 19), 4)
    Ns = np.arange(2, 17 if quick else 33)
    gain = _gain_table(B, ps, Ns, eta, "group_mean", 8.0)
    value = B.knapsack_value(Ns[None, :], ps[:, None])
    rho = _spearman(value, gain)
    per_N = {int(N): _spearman(value[:, j], gain[:, j]) for j, N in enumerate(Ns) if N in (2, 4, 8, 16, 32)}
    argmax = {int(N): {"value": float(ps[np.argmax(value[:, j])]), "gain": float(ps[np.argmax(gain[:, j])])}
              for j, N in enumerate(Ns) if N in (2, 4, 8, 16, 32)}
    # allocation of a batch
    n = 16 if quick else 32
    p = np.clip(np.random.default_rng(5).beta(0.6, 0.9, size=n), 0.02, 0.98)
    lo, up = 2, 32
    Nall = np.arange(lo, up + 1)
    res = {}
    for agg in ("group_mean", "response_mean"):
        tab = _gain_table(B, p, Nall, eta, agg, 8.0)

        def exact_gain(Narr, pv, tab=tab):
            i = int(np.argmin(np.abs(p - pv)))
            return tab[i, np.asarray(Narr) - lo]

        a_opt, g_opt = B.knapsack_allocate(p, 8 * n, lo, up, value=exact_gain)
        a_val, _ = B.knapsack_allocate(p, 8 * n, lo, up)
        a_code, _ = B.knapsack_allocate(p, 8 * n, lo, up, unallocated="zero")
        total = {"gain_optimal": g_opt, "value_dp": float(tab[np.arange(n), a_val - lo].sum()),
                 "released_dp": float(tab[np.arange(n), a_code - lo].sum()),
                 "uniform_8": float(tab[:, 8 - lo].sum())}
        res[agg] = {"total_gain": total, **{f"regret_{k}": 1 - v / g_opt for k, v in total.items() if k != "gain_optimal"},
                    "allocations": {"gain_optimal": a_opt, "value_dp": a_val, "released_dp": a_code}}
    g = res["group_mean"]["total_gain"]
    tol = _sum_tol(n, 1.0)[0]
    c_1 = check_ordering(g["value_dp"], g["uniform_8"], relation=">", tol=tol,
                         name="the value's allocation gains more than uniform budgets",
                         source=_src(f"{ABS} ('reallocate budgets ... to those where it is most impactful')", "abstract"),
                         stated=f"the allocation maximising sum Value(N_i, p_i) ({n} prompts, 8 rollouts each on "
                                f"average, 2 <= N_i <= 32) has a larger exact expected one-step increase of sum p_i "
                                f"after one GRPO step (eta = {eta}, each prompt's update the mean of its group) than "
                                "uniform 8 rollouts")
    c_1 = as_illustration(c_1, "a tabular two-arm softmax bandit per prompt with one exact GRPO step is a model of "
                               "learning gain, not the paper's training")
    c_2 = check_ordering(res["group_mean"]["regret_value_dp"], tol / g["gain_optimal"], relation=">",
                         name="the value is a proxy: its allocation is not gain-optimal",
                         source=_src("our measurement (the value's derivation was not read)", "inferred"),
                         stated="finding (ours; no claim of exactness to test: the paper calls Value a learning value "
                                "and its derivation was not read): the value's allocation loses part of the best "
                                "achievable exact one-step gain (Spearman(Value, gain) over the (N, p) grid = "
                                f"{rho:.3f}; the value peaks at p = 1/3 while the gain peaks near p = 0.45)",
                         left_label="relative regret of the value's allocation", right_label="rounding tolerance")
    subs.append(_sub("Value(N, p) tracks the exact learning gain (proxy; no claim of exactness to test)",
                     f"{ABS}; {CODE}", "a good but not exact proxy",
                     {"eta": eta, "spearman_pooled": rho, "spearman_by_N": per_N, "argmax_p_by_N": argmax,
                      "batch": {"n_prompts": n, "low": lo, "up": up, "total": 8 * n},
                      "group_mean": {k: v for k, v in res["group_mean"].items() if k != "allocations"},
                      "response_mean": {k: v for k, v in res["response_mean"].items() if k != "allocations"},
                      "note": "group_mean: each prompt's step is eta x its group's mean update; response_mean: "
                              "the batch mean over responses (verl token-mean with equal lengths) scales it by N_i/8"},
                     "inferred", [c_1, c_2]))
    jN = [j for j, N in enumerate(Ns) if N in (4, 8, 16)]
    curves = {"p": ps}
    for j in jN:
        curves[f"value_N={Ns[j]}"] = value[:, j]
        curves[f"gain_N={Ns[j]}"] = gain[:, j]
    al = res["group_mean"]["allocations"]
    data = {"li2026-value-proxy_curves.csv": curves,
            "li2026-value-proxy_allocation.csv": {"p": p, "gain_optimal": al["gain_optimal"], "value_dp": al["value_dp"],
                                                  "released_dp": al["released_dp"]}}
    return {"name": "li2026-value-proxy", "subchecks": subs, "data": data}


register_check("li2026-zero-gradient", check_zero_gradient,
               "Knapsack RL: P(zero GRPO update) = p^N + (1-p)^N; knapsack raises the non-zero fraction",
               SOURCE, papers=(KEY,), draw=write_data)
register_check("li2026-knapsack-dp", check_knapsack_dp,
               "Knapsack RL: the DP is exact; the released DP misses its own optimum (counterexample)",
               SOURCE, papers=(KEY,), draw=write_data)
register_check("li2026-value-proxy", check_value_proxy,
               "Knapsack RL: the value proxy vs the exact one-step gain (rank correlation, allocation regret)",
               SOURCE, papers=(KEY,), draw=write_data)

for _name in ('li2026-zero-gradient', 'li2026-knapsack-dp', 'li2026-value-proxy'):  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
    get(_name).run.__citation__ = (CITATION,)
