r"""Agnostic RL on layered MDPs (issue 14), Jia et al. (NeurIPS 2023): exact checks of spanning capacity
and coverability, and Monte-Carlo illustrations of the recalled rates.

Paper: Jia, Li, Rakhlin, Sekhari, Srebro, NeurIPS 2023 (arXiv:2310.06113). The full text was not
read: every claim's ``source`` says whether the statement is from the abstract [A], recalled [R], a
third-party review [T], our inference [I] or our inference checked by exact computation [C].
Theorem numbers are unknown. The Krishnamurthy et al. (COLT 2025) checks on the same models are in
:mod:`pgtheory.experiments.krishnamurthy2025`.

Experiments (``pgtheory check NAME``), in priority order:

* ``jia2023-spanning-capacity`` (D1) -- spanning capacity by exact search equals the closed forms
  (constants A, all policies min(A^H, nA), open-loop A^H, singletons H+1, 2-tons 1+H+H(H-1)/2),
  the fresh-tree walk agrees, and it never exceeds |Pi|.
* ``jia2023-coverability`` (D2) -- C_cov(Pi; M) <= spanning capacity on random stochastic MDPs,
  with equality at the deterministic maximiser.
* ``jia2023-online`` (D4) -- online mechanism: on deterministic MDPs prefix replay visits every
  reachable pair within sum_h C_h episodes; on a fresh-state stochastic MDP, uniform importance
  sampling needs episodes growing like 2^H for singletons while POPLER-lite (our reconstruction)
  stays polynomial.
* ``jia2023-generative`` (D3) -- trajectory-tree learner on tree-bandit instances for two classes of
  equal size and different spanning capacity: queries per tree <= sum_h C_h <= H * spanning
  capacity on every tree, samples-to-eps grows like eps^-2, below the Hoeffding instantiation of
  the recalled bound, and larger for the class with larger spanning capacity.

Every verdict goes through a claim primitive of :mod:`pgtheory.ratecheck`; the report is built
with :func:`~pgtheory.experiments.report_from_claims`. Each check writes the data of its figure
(``<stem>_figure.json`` beside its ``<stem>.json``); ``figures/<check>.py`` draws it.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_json

__all__ = ["tree_bandit", "jia2023_spanning_capacity", "jia2023_coverability", "jia2023_generative", "jia2023_online"]

SRC_DEF = "Jia et al. 2023 (arXiv:2310.06113), spanning capacity: definition [R]"


# --------------------------------------------------------------------------- D1
def _d1_classes(quick):
    from .. import agnostic as ag

    rows = []  # (label, kind, H, class, closed-form per layer, method)
    Hs = (2, 3, 4) if quick else (2, 3, 4, 5)
    for H in Hs:
        rows.append(("constants (A=3)", "constants", H, ag.constant_policies((1,) + (3,) * (H - 1), 3),
                     [3] * H))
        if H <= 4:
            rows.append(("all policies (n=3)", "all", H, ag.all_policies((1,) + (3,) * (H - 1), 2),
                         [min(2 ** (h + 1), 3 * 2) if h else 2 for h in range(H)]))
            rows.append(("open-loop", "open_loop", H, ag.open_loop_policies(tuple(2 ** h for h in range(H)), 2),
                         [2 ** (h + 1) for h in range(H)]))
            rows.append(("2-tons", "ell_tons", H, ag.ell_ton_policies((1,) + (1 + H + H * (H - 1) // 2,) * (H - 1), 2),
                         [sum(math.comb(h + 1, i) for i in range(3)) for h in range(H)]))
        rows.append(("singletons", "singletons", H, ag.singleton_policies((1,) + (H + 1,) * (H - 1)),
                     [h + 2 for h in range(H)]))
    return rows


@experiment("jia2023-spanning-capacity", "Spanning capacity by exact search equals the closed forms; <= |Pi|",
            tags=("jia2023", "agnostic", "exact"),
            papers=("jia2023",))
def jia2023_spanning_capacity(config: RunConfig) -> CheckReport:
    """D1: per-layer maxima of C_h(Pi; M) over deterministic MDPs, by search and by the fresh tree.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_identity, check_inequality

    rows = _d1_classes(config.quick)
    meas, expect, sizes, svals, labels, times = [], [], [], [], [], []
    for label, kind, H, cls, cf, in rows:
        t = time.perf_counter()
        sc = ag.spanning_capacity(cls, method="enumerate")
        times.append(time.perf_counter() - t)
        meas += list(sc.per_layer)
        expect += cf
        sizes.append(cls.size)
        svals.append(sc.value)
        labels.append(f"{label}, H={H}")
    c1 = check_identity(meas, expect, rtol=0.0, atol=0.0, name="search = closed form (per layer)",
                        source=f"{SRC_DEF}; closed forms ours [C]", stated="max_M C_h(Pi; M) equals the closed form",
                        tol_reason="integer counts, compared exactly")
    # fresh-tree walk (second algorithm) on larger horizons, against the closed forms
    tree_H = list(range(2, 9 if config.quick else 13))
    tree_meas, tree_exp = [], []
    t = time.perf_counter()
    for H in tree_H:
        tree_meas.append(ag.spanning_capacity(ag.open_loop_policies(tuple(2 ** h for h in range(H)), 2),
                                              method="tree").value)
        tree_exp.append(ag.spanning_capacity_closed_form("open_loop", H))
    sing_H = list(range(2, 11))
    sing_meas = [ag.spanning_capacity(ag.singleton_policies((1,) + (H + 1,) * (H - 1)), method="tree").value
                 for H in sing_H]
    t_tree = time.perf_counter() - t
    t0 = time.perf_counter()
    ag.spanning_capacity(ag.open_loop_policies(tuple(2 ** h for h in range(12)), 2))
    t_h12 = time.perf_counter() - t0
    c2 = check_identity(tree_meas + sing_meas, tree_exp + [H + 1 for H in sing_H], rtol=0.0, atol=0.0,
                        name="fresh-tree walk = closed form (open-loop A^H, singletons H+1)",
                        source=f"{SRC_DEF}; closed forms ours [C]", stated="tree count equals A^H and H+1",
                        tol_reason="integer counts, compared exactly")
    # random user classes: S <= |Pi|
    rng = np.random.default_rng(config.seed + 14)
    n_rand = 20 if config.quick else 80
    rs, rk = [], []
    for _ in range(n_rand):
        K = int(rng.integers(1, 9))
        cls = ag.PolicyClass(rng.integers(0, 2, size=(K, 7)), (1, 3, 3), 2)
        rs.append(ag.spanning_capacity(cls, method="enumerate").value)
        rk.append(K)
    allS = np.array(svals + rs, dtype=float)
    allK = np.array(sizes + rk, dtype=float)
    c3 = check_inequality(np.arange(allS.size), allS, allK, name="spanning capacity <= |Pi|",
                          source="elementary bound [I]: each policy adds one pair per layer",
                          stated="S(Pi) <= |Pi| for named and random classes", rtol=0.0, atol=0.0,
                          stochastic=False, variable="class")
    claims = [c1, c2, c3]

    fig_data = {"classes": [{"name": r[0], "H": r[2], "S": sv} for r, sv in zip(rows, svals)],
                "tree_H": tree_H, "tree_S": tree_meas, "singletons_H": sing_H, "singletons_S": sing_meas}
    details = {"rows": labels, "per_layer_measured": [int(x) for x in meas], "closed_form": expect,
               "seconds_per_row": times, "tree_seconds": t_tree, "open_loop_H12_seconds": t_h12,
               "random_classes": n_rand}
    data = (write_data_json(config, "jia2023_spanning_capacity.json", details)
            + write_data_json(config, "jia2023_spanning_capacity_figure.json", fig_data))
    return report_from_claims("jia2023-spanning-capacity", claims, source=SRC_DEF + "; closed forms [C]",
                              stated="S(Pi) = A, min(A^H, nA), A^H, H+1, sum_{i<=2} C(H,i); S(Pi) <= |Pi|",
                              details=details, data_files=data)


# --------------------------------------------------------------------------- D2
@experiment("jia2023-coverability", "Coverability <= spanning capacity on random MDPs; equality at the maximiser",
            tags=("jia2023", "agnostic", "exact"),
            papers=("jia2023",),
            bounds=("jia2023.coverability",))
def jia2023_coverability(config: RunConfig) -> CheckReport:
    """D2: exact C_cov(Pi; M) on random stochastic layered MDPs against the spanning capacity.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_identity, check_inequality

    H = 4
    classes = [ag.singleton_policies((1,) + (5,) * (H - 1)), ag.ell_ton_policies((1,) + (7,) * (H - 1), 2)]
    concs = (0.05, 0.3, 1.0, 5.0)
    n_per = 10 if config.quick else 75
    rng = np.random.default_rng(config.seed + 1402)
    claims, res = [], {}
    for cls in classes:
        sc = ag.spanning_capacity(cls)
        vals, cs = [], []
        for conc in concs:
            for _ in range(n_per):
                sizes = cls.layer_sizes
                P = tuple(rng.dirichlet(np.full(sizes[h + 1], conc), size=(sizes[h], 2)) for h in range(H - 1))
                mdp = ag.LayeredMDP(P, tuple(np.zeros((n, 2)) for n in sizes))
                vals.append(ag.coverability(mdp, cls)[0])
                cs.append(conc)
        at_max = ag.coverability(sc.maximiser, cls)[0]
        res[cls.name] = {"S": sc.value, "ccov": np.array(vals), "conc": np.array(cs), "at_max": at_max}
        claims.append(check_inequality(np.arange(len(vals)), np.array(vals), np.full(len(vals), float(sc.value)),
                                       name=f"C_cov <= S on random MDPs ({cls.name})", stochastic=False,
                                       source="sup_M C_cov = S(Pi): proved by coupling [I], checked [C]; "
                                              "JLRSS23 stating the link [R]", bound_id="jia2023.coverability",
                                       stated=f"C_cov(Pi; M) <= S(Pi) = {sc.value}", variable="MDP"))
        claims.append(check_identity(at_max, sc.value, rtol=1e-12, atol=1e-12,
                                     name=f"C_cov = S at the deterministic maximiser ({cls.name})",
                                     source="C_cov = max_h C_h on deterministic MDPs [I], checked [C]",
                                     stated=f"C_cov(Pi; M*) = S(Pi) = {sc.value}",
                                     tol_reason="sums of 0/1 occupancies in float64"))

    # the figure's horizontal jitter of the points, drawn after the claims (as it always was)
    fig_data = {"H": H, "concs": concs, "classes": [
        {"name": cls.name, "size": cls.size, "S": res[cls.name]["S"], "at_max": res[cls.name]["at_max"],
         "ccov": res[cls.name]["ccov"],
         "x": np.log10(res[cls.name]["conc"]) + rng.uniform(-0.12, 0.12, res[cls.name]["conc"].size)}
        for cls in classes]}
    details = {k: {"S": v["S"], "max_ccov": float(v["ccov"].max()), "at_maximiser": v["at_max"],
                   "n_mdps": int(v["ccov"].size)} for k, v in res.items()}
    data = (write_data_json(config, "jia2023_coverability.json", details)
            + write_data_json(config, "jia2023_coverability_figure.json", fig_data))
    return report_from_claims("jia2023-coverability", claims,
                              source="coverability (Xie et al. 2022) vs spanning capacity (JLRSS23 [R]); link [I, C]",
                              stated="C_cov(Pi; M) <= S(Pi) for every layered M, equality at the maximiser",
                              details=details, data_files=data)


# --------------------------------------------------------------------------- D3
def tree_bandit(cls, eps: float, rng):
    r"""The tree-bandit instance of a class: its deterministic spanning-capacity maximiser with Bernoulli
    rewards at the maximising layer.

    Every pair the class reaches at layer :math:`h^*` pays Bernoulli(1/2) except one planted pair
    (chosen with ``rng``) paying Bernoulli(1/2 + eps); other layers pay nothing. An eps/2-optimal
    learner must find the planted pair among :math:`\mathfrak S(\Pi)` arms (our best-arm argument
    for the generative lower bound; the paper's own instance was not read).

    Parameters
    ----------
    cls : PolicyClass
    eps : float
        Planted gap, in ``(0, 1/2]``.
    rng : numpy.random.Generator or int

    Returns
    -------
    (LayeredMDP, SpanningCapacity)
    """
    return _plant(_tree_bandit_base(cls), eps, rng)


def _tree_bandit_base(cls):
    """What :func:`tree_bandit` computes from the class alone (no randomness): the spanning capacity, its
    maximiser and the pairs reached at the maximising layer. ``jia2023-generative`` makes it once per class
    instead of once per seed (issue 17)."""
    from .. import agnostic as ag

    sc = ag.spanning_capacity(cls)
    M = sc.maximiser
    h = sc.argmax_layer
    d = ag.occupancies(M, cls)
    acts = cls.layer(h)
    reached = np.zeros((M.layer_sizes[h], M.A), dtype=bool)
    for a in range(M.A):
        reached[:, a] = np.any((d[h] > 0) & (acts == a), axis=0)
    return sc, reached


def _plant(base, eps, rng):
    """:func:`tree_bandit` from :func:`_tree_bandit_base`'s output: the planted pair drawn from ``rng``."""
    sc, reached = base
    rng = np.random.default_rng(rng)
    M = sc.maximiser
    h = sc.argmax_layer
    r = [np.zeros((n, M.A)) for n in M.layer_sizes]
    r[h][reached] = 0.5
    pairs = np.argwhere(reached)
    s, a = pairs[rng.integers(len(pairs))]
    r[h][s, a] = 0.5 + eps
    return M.with_rewards(r), sc


@experiment("jia2023-generative", "Trajectory-tree learner: queries per tree <= H*S; samples-to-eps ~ eps^-2, larger "
            "for larger spanning capacity at equal |Pi|", tags=("jia2023", "agnostic", "montecarlo"),
            papers=("jia2023",),
            bounds=("jia2023.gen_upper", "jia2023.tree_queries"))
def jia2023_generative(config: RunConfig) -> CheckReport:
    """D3: generative sample complexity of the trajectory tree on tree bandits of two classes with
    |Pi| = 16: open-loop (S = 16) and singletons (S = 5), on the same state space (1, 2, 4, 8).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_growth, check_identity, check_inequality, check_ordering

    sizes = (1, 2, 4, 8)
    H = len(sizes)
    classes = [ag.singleton_policies(sizes), ag.open_loop_policies(sizes, 2)]
    R = config.seeds or (40 if config.quick else 200)
    n_eps = 6 if config.quick else 8
    epss = 0.4 * 2.0 ** (-np.arange(n_eps) / 2)
    delta = 0.1
    ss = np.random.SeedSequence(config.seed + 1403)
    out = {}

    def one(c):
        """One seed of one (class, eps) cell: (n*, max queries per round, reachable pairs, S value)."""
        cls, base, pairs, eps, grid, child = c
        rng = np.random.default_rng(child)
        mdp, sc = _plant(base, eps, rng)
        V = ag.policy_values(mdp, cls)
        res = ag.trajectory_tree(ag.GenerativeAccess(mdp, rng), cls, int(grid[-1]), chunk=512, checkpoints=grid)
        ok = V[res.details["checkpoint_index"]] >= V.max() - eps / 2
        bad = np.flatnonzero(~ok)
        first = 0 if bad.size == 0 else bad[-1] + 1
        return (grid[first] if first < grid.size else 2 * grid[-1], int(res.per_round.max()), pairs, sc.value)

    for ci, cls in enumerate(classes):
        # per class, once: the tree bandit's deterministic part and its reachable pairs (the rewards
        # planted per seed do not change which pairs are reached)
        base = _tree_bandit_base(cls)
        pairs = int(ag.reachable_pairs(base[0].maximiser, cls).sum())
        cells = []  # seeds spawned in the serial order, before the map
        for j, eps in enumerate(epss):
            n_max = int(np.ceil(32 / eps**2))
            grid = np.unique(np.round(2.0 ** np.arange(0, np.log2(n_max) + 0.5, 0.25)).astype(int))
            cells += [(cls, base, pairs, eps, grid, child) for child in ss.spawn(R)]
        got = config.map(one, cells)
        nstar = np.array([g[0] for g in got], dtype=float).reshape(n_eps, R).T
        q_max, q_sum, s_value = max(g[1] for g in got), got[-1][2], got[-1][3]
        out[cls.name] = {"S": s_value, "sumC": q_sum, "q_max": q_max, "queries": nstar * q_sum, "size": cls.size}
    x = 1 / epss
    boot = np.random.default_rng(config.seed + 7)

    def q90(a):
        return np.quantile(a, 0.9, axis=0)

    def ci90(a):
        b = np.array([q90(a[boot.integers(0, a.shape[0], a.shape[0])]) for _ in range(400)])
        return np.quantile(b, [0.025, 0.975], axis=0)

    src_up = "JLRSS23 G-up: order H*S*log(|Pi|/delta)/eps^2 [R]; explicit constant from our Hoeffding argument [I]"
    claims = []
    for name, d in out.items():
        claims.append(check_identity(d["q_max"], d["sumC"], rtol=0, atol=0, name=f"queries per tree = sum_h C_h ({name})",
                                     source="trajectory-tree mechanism [C]", stated="one query per reached pair",
                                     tol_reason="integer counts"))
    claims.append(check_inequality(np.arange(2), [out[c.name]["q_max"] for c in classes],
                                   [H * out[c.name]["S"] for c in classes], name="queries per tree <= H * S",
                                   source="JLRSS23 trajectory tree [R]; bound derived [C]", bound_id="jia2023.tree_queries",
                                   stochastic=False, variable="class", rtol=0, atol=0))
    for name, d in out.items():
        bound = d["sumC"] * 8 * np.log(2 * d["size"] / delta) / epss**2
        claims.append(check_inequality(x, q90(d["queries"]), bound, name=f"90%-samples-to-eps <= Hoeffding bound ({name})",
                                       source=src_up, bound_id="jia2023.gen_upper", stochastic=False, variable="1/eps",
                                       stated="sum_h C_h * 8 log(2|Pi|/delta) / eps^2, delta = 0.1"))
        claims.append(check_growth(x, d["queries"], 2.0, tol=0.25, name=f"samples grow like eps^-2 ({name})",
                                   source="JLRSS23 G-low Omega(S/eps^2) [R]; tree-bandit instance ours [I]",
                                   variable="1/eps", tail=(x[0], x[-1])))
    lo, hi = out[classes[0].name]["queries"], out[classes[1].name]["queries"]
    claims.append(check_ordering(q90(lo), q90(hi), relation="<", left_ci=ci90(lo), right_ci=ci90(hi),
                                 name="equal |Pi| = 16: cost(S = 5) < cost(S = 16) at every eps",
                                 source="JLRSS23: spanning capacity, not |Pi|, governs generative cost [A, rate R]",
                                 left_label="singletons", right_label="open-loop"))

    # the figure: per class the 90% quantile with its bootstrap interval (drawn after the claims' intervals,
    # as it always was) and the Hoeffding form of the bound; the per-tree query counts
    fig_data = {"eps": epss, "H": H, "seeds": R, "delta": delta, "classes": []}
    for c in classes:
        d = out[c.name]
        fig_data["classes"].append({"name": c.name, "S": d["S"], "size": d["size"], "sum_C": d["sumC"],
                                    "q_max": d["q_max"], "q90": q90(d["queries"]), "ci90": ci90(d["queries"]),
                                    "bound": d["sumC"] * 8 * np.log(2 * d["size"] / delta) / epss**2})
    details = {"eps": epss.tolist(), "seeds": R,
               **{k: {"S": v["S"], "sum_C": v["sumC"], "q90_queries": q90(v["queries"]).tolist()} for k, v in out.items()}}
    data = (write_data_json(config, "jia2023_generative.json", details)
            + write_data_json(config, "jia2023_generative_figure.json", fig_data))
    return report_from_claims("jia2023-generative", claims, source="JLRSS23 generative results [A claim; R rate]",
                              stated="O(H S log(|Pi|/delta)/eps^2) generative samples; Omega(S/eps^2)",
                              details=details, data_files=data)


# --------------------------------------------------------------------------- D4
@experiment("jia2023-online", "Online mechanism: prefix replay <= sum_h C_h episodes on deterministic MDPs; "
            "singletons on fresh states: IS ~ 2^H vs POPLER-lite poly(H)", tags=("jia2023", "agnostic", "montecarlo"),
            papers=("jia2023",))
def jia2023_online(config: RunConfig) -> CheckReport:
    """D4: the deterministic-vs-stochastic online mechanism and the sunflower estimator.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_growth, check_identity, check_inequality, check_ordering

    rng = np.random.default_rng(config.seed + 1404)
    # (a) deterministic MDPs: replay
    H = 4
    sizes = (1,) + (7,) * (H - 1)
    classes = [ag.singleton_policies(sizes), ag.ell_ton_policies(sizes, 2), ag.open_loop_policies(sizes, 2)]
    n_mdp = 10 if config.quick else 50
    eps_used, bound, visited, reach, which = [], [], [], [], []
    for cls in classes:
        for _ in range(n_mdp):
            ns = [rng.integers(0, b, size=(a, 2)) for a, b in zip(sizes[:-1], sizes[1:])]
            m = ag.LayeredMDP.deterministic(ns, [np.zeros((n, 2)) for n in sizes])
            res = ag.online_replay(ag.OnlineAccess(m, rng), cls)
            rp = ag.reachable_pairs(m, cls)
            eps_used.append(res.n_samples)
            bound.append(rp.sum())
            which.append(cls.name)
            visited += list(res.details["visited_pairs"])
            reach += list(rp)
    src_det = "JLRSS23: deterministic MDPs are online-learnable with bounded S [A]; replay mechanism ours [I]"
    claims = [check_inequality(np.arange(len(eps_used)), np.array(eps_used, float), np.array(bound, float),
                               name="replay episodes <= sum_h C_h(Pi; M)", source=src_det, stochastic=False,
                               variable="MDP", rtol=0, atol=0),
              check_identity(visited, reach, rtol=0, atol=0, name="replay visits every reachable pair",
                             source=src_det, stated="visited pairs = C_h(Pi; M) per layer", tol_reason="integer counts")]
    # (b, c) fresh-state stochastic MDP, singletons: IS vs POPLER-lite
    Hs = np.arange(3, 9)
    R = config.seeds or (8 if config.quick else 30)
    n0 = 20_000
    eps = 0.05
    err = {"importance_sampling": np.zeros((R, Hs.size)), "popler_lite": np.zeros((R, Hs.size))}
    N = 6
    for j, Hh in enumerate(Hs):
        cls = ag.singleton_policies((1,) + (N,) * (Hh - 1))
        mdp = ag.LayeredMDP.fresh_uniform(int(Hh), 2, N, r=tuple(rng.random((n, 2)) / Hh for n in cls.layer_sizes))
        V = ag.policy_values(mdp, cls)
        for name, f in (("importance_sampling", ag.importance_sampling), ("popler_lite", ag.popler_lite)):
            for i in range(R):
                err[name][i, j] = np.abs(f(ag.OnlineAccess(mdp, rng), cls, n0).estimates - V).max()
    need = {k: n0 * (v / eps) ** 2 for k, v in err.items()}  # CLT scaling: sup error ~ 1/sqrt(n)
    boot = np.random.default_rng(config.seed + 8)

    def ci(a):
        b = np.array([a[boot.integers(0, R, R)].mean(axis=0) for _ in range(400)])
        return np.quantile(b, [0.025, 0.975], axis=0)

    big = Hs >= 5
    claims.append(check_growth(2.0 ** Hs, need["importance_sampling"], 1.0, tol=0.25,
                               name="IS episodes-to-eps grow like 2^H (exponent in 2^H >= 1)",
                               source="JLRSS23 A^H importance-sampling baseline [R]", variable="2^H",
                               tail=(2.0 ** Hs[0], 2.0 ** Hs[-1])))
    claims.append(check_ordering(need["popler_lite"].mean(0)[big], need["importance_sampling"].mean(0)[big],
                                 relation="<", left_ci=ci(need["popler_lite"])[:, big],
                                 right_ci=ci(need["importance_sampling"])[:, big],
                                 name="POPLER-lite needs fewer episodes than IS for H >= 5",
                                 source="JLRSS23: sunflower classes are online-learnable (POPLER) [A]; POPLER-lite ours [I]",
                                 left_label="POPLER-lite", right_label="IS"))

    # the figure: (a) episodes against the bound per random deterministic MDP; (b) mean episodes-to-eps with
    # bootstrap intervals (drawn after the claims' intervals, as it always was)
    fig_data = {"classes": [{"name": cls.name, "size": cls.size} for cls in classes], "which": which,
                "bound": bound, "episodes": eps_used, "H": Hs, "n0": n0, "eps": eps, "N": N, "seeds": R,
                "need": {name: {"mean": need[name].mean(0), "ci": ci(need[name])}
                         for name in ("importance_sampling", "popler_lite")}}
    details = {"H": Hs.tolist(), "episodes_to_eps": {k: v.mean(0).tolist() for k, v in need.items()}, "n0": n0,
               "eps": eps, "replay_max_ratio": float(np.max(np.array(eps_used) / np.array(bound)))}
    data = (write_data_json(config, "jia2023_online.json", details)
            + write_data_json(config, "jia2023_online_figure.json", fig_data))
    return report_from_claims("jia2023-online", claims, source="JLRSS23 online results [A]; mechanisms ours [I]",
                              stated="deterministic: <= sum_h C_h episodes to explore; sunflowers: poly(H) vs 2^H",
                              details=details, data_files=data)
