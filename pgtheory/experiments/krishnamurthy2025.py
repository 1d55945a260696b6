r"""Agnostic RL on layered MDPs (issue 14), Krishnamurthy et al. (COLT 2025): exact checks of the
access-model results (policy completeness, coverage parameters, the emulator principle).

Paper: Krishnamurthy, Li, Sekhari, COLT 2025 (arXiv:2504.05405). The full text was not read: every
claim's ``source`` says whether the statement is from the abstract [A], recalled [R], a third-party
review [T], our inference [I] or our inference checked by exact computation [C]. Theorem numbers are
unknown. The Jia et al. (NeurIPS 2023) checks on the same models are in
:mod:`pgtheory.experiments.jia2023`.

Experiments (``pgtheory check NAME``), in priority order:

* ``krishnamurthy2025-psdp-cpi`` (D5) -- exact PSDP and CPI on an explicit H = 2 instance where
  the class is realizable but not complete: gaps 1/2, 0.85, 0.95; zero after completing it.
* ``krishnamurthy2025-regime`` (D7) -- the open-loop class on a fresh-state MDP has C_cov = 2 and
  spanning capacity 2^H, the parameter regime of KLS25's generative lower bound (not its instance).
* ``krishnamurthy2025-coverage`` (D8) -- exact C_conc and C_push of every mu-reset instance shipped.
* ``krishnamurthy2025-emulator`` (D6) -- Block-MDP emulator principle: V^pi equals the latent value
  of the induced latent policy exactly; an emulator holding k observations per latent state
  evaluates all of Pi with sup-error ~ k^-1/2, flat in the number m of observations per state.

Every verdict goes through a claim primitive of :mod:`pgtheory.ratecheck`; the report is built
with :func:`~pgtheory.experiments.report_from_claims`. Each check writes the data of its figure
(``<stem>_figure.json`` beside its ``<stem>.json``); ``figures/<check>.py`` draws it.
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment
from ._runner import report_from_claims, write_data_json

__all__ = ["psdp_instance", "PSDP_ROWS", "krishnamurthy2025_psdp_cpi", "krishnamurthy2025_regime",
           "krishnamurthy2025_coverage", "block_observation_mdp", "krishnamurthy2025_emulator"]

#: The mu-reset instances of the PSDP/CPI check: (mu_2 over (x, y, z), b, label).
PSDP_ROWS = (((1 / 3, 1 / 3, 1 / 3), 0.5, "mu2=(1/3,1/3,1/3), b=1/2"),
             ((0.2, 0.2, 0.6), 0.15, "mu2=(.2,.2,.6), b=.15"),
             ((0.2, 0.1, 0.7), 0.05, "mu2=(.2,.1,.7), b=.05"),
             ((1 / 3, 2 / 3), 0.6, "no z: mu2=(1/3,2/3), b=.6"))


def psdp_instance(mu2, b, z: bool = True):
    r"""The explicit H = 2 instance where PSDP and CPI fail without policy completeness.

    Layer 1: start state, actions L (-> x) and R (-> y), no reward. Layer 2: states x, y (and z,
    reached by no policy but covered by :math:`\mu_2`), actions 0/1; rewards r(x,0) = 1,
    r(y,1) = b, r(z,1) = 1. Class :math:`\{\pi^A, \pi^B\}`: :math:`\pi^A` plays L then 0
    (value 1, optimal: realizable), :math:`\pi^B` plays R then 1 (value b). The greedy layer-2
    policy (x->0, y->1, z->1) is not in the class.

    Parameters
    ----------
    mu2 : sequence of float
        Reset distribution on layer 2 (x, y[, z]).
    b : float
        Reward r(y, 1).
    z : bool
        Include the unreachable state z.

    Returns
    -------
    (LayeredMDP, PolicyClass, tuple)
        The MDP, the class and the reset distributions ``mu = (delta_{s1}, mu2)``.
    """
    from ..agnostic import LayeredMDP, PolicyClass

    n1 = 3 if z else 2
    r = [np.zeros((1, 2)), np.zeros((n1, 2))]
    r[1][0, 0], r[1][1, 1] = 1.0, b
    if z:
        r[1][2, 1] = 1.0
    mdp = LayeredMDP.deterministic([np.array([[0, 1]])], r, layer_sizes=(1, n1))
    cls = PolicyClass(np.array([[0] + [0] * n1, [1] + [1] * n1]), (1, n1), 2, name="{pi^A, pi^B}")
    return mdp, cls, (np.array([1.0]), np.asarray(mu2, dtype=float))


# --------------------------------------------------------------------------- D5
def _psdp_table():
    from .. import agnostic as ag

    out = []
    for mu2, b, label in PSDP_ROWS:
        z = len(mu2) == 3
        mdp, cls, mu = psdp_instance(mu2, b, z=z)
        V = ag.policy_values(mdp, cls)
        comp = cls.with_policies([[0] + [0, 1] + ([1] if z else [])], name="completed")
        row = {"label": label, "Vstar": float(V.max()), "psdp": ag.psdp(mdp, cls, mu).details["value"],
               "cpi_mix": ag.cpi(mdp, cls, mu).details, "cpi_B": ag.cpi(mdp, cls, mu, start=1).details,
               "psdp_done": ag.psdp(mdp, comp, mu).details["value"], "cpi_done": ag.cpi(mdp, comp, mu).details,
               "complete": ag.policy_completeness(mdp, cls, mu=mu).complete,
               "complete_done": ag.policy_completeness(mdp, comp).complete,
               "C_conc": ag.concentrability(mdp, cls, mu), "C_push": ag.pushforward_concentrability(mdp, mu),
               "min_mu": float(min(mu2[:2]))}
        out.append(row)
    return out


@experiment("krishnamurthy2025-psdp-cpi", "PSDP and CPI fail without policy completeness (gaps 1/2, .85, .95), "
            "succeed once completed", tags=("krishnamurthy2025", "agnostic", "exact"),
            papers=("krishnamurthy2025",))
def krishnamurthy2025_psdp_cpi(config: RunConfig) -> CheckReport:
    """D5: exact PSDP and CPI on the explicit H = 2 instance, before and after completing the class.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..ratecheck import check_identity

    T = _psdp_table()
    src = ("KLS25 (arXiv:2504.05405): PSDP and CPI fail under realizability without completeness [A]; "
           "instance and numbers ours [C]")
    tol_cpi = "CPI stops when the best mu-weighted advantage is <= 1e-9; the leftover mixture weight moves V by < 1e-6"
    claims = [
        check_identity([r["Vstar"] - r["psdp"] for r in T], [0.5, 0.85, 0.95, 0.4], rtol=0, atol=1e-12,
                       name="PSDP gap V* - V(PSDP) = 1/2, 0.85, 0.95 (and 0.4 without z)", source=src,
                       stated="PSDP outputs pi^B", tol_reason="exact arithmetic on rationals in float64"),
        check_identity([r["Vstar"] - r["cpi_mix"]["value"] for r in T[1:3]] + [r["Vstar"] - r["cpi_B"]["value"]
                                                                               for r in T[:1]],
                       [0.85, 0.95, 0.5], rtol=0, atol=1e-6, name="CPI gap = 0.85, 0.95 from the 50/50 mixture; 1/2 "
                       "from pi^B (row 1)", source=src, stated="CPI stops at a local optimum", tol_reason=tol_cpi),
        check_identity([r["complete"] for r in T] + [r["complete_done"] for r in T], [0] * 4 + [1] * 4, rtol=0,
                       atol=0, name="class incomplete; completed class complete", source="policy completeness "
                       "(Bagnell et al. 2003; Kakade & Langford 2002) [R], exact check [C]",
                       stated="the greedy layer-2 policy (x->0, y->1, z->1) is missing", tol_reason="booleans"),
        check_identity([r["Vstar"] - r["psdp_done"] for r in T] + [r["Vstar"] - r["cpi_done"]["value"] for r in T],
                       np.zeros(8), rtol=0, atol=1e-6, name="gap 0 for PSDP and CPI once the class is completed",
                       source=src, stated="the failure is due to incompleteness", tol_reason=tol_cpi),
        check_identity([r["C_conc"] for r in T], [1 / r["min_mu"] for r in T], rtol=1e-12, atol=0,
                       name="C_conc(mu; Pi, M) = 1/min mu_2(x, y) = 3, 5, 10, 3", source="C_conc definition [R]; "
                       "values [C]", stated="the failures happen at bounded concentrability",
                       tol_reason="one division in float64"),
    ]
    details = {"rows": [{k: (v if not isinstance(v, dict) else {kk: vv for kk, vv in v.items()}) for k, v in r.items()}
                        for r in T]}
    data = write_data_json(config, "krishnamurthy2025_psdp_cpi.json", details)
    return report_from_claims("krishnamurthy2025-psdp-cpi", claims, source=src,
                              stated="PSDP/CPI fail under realizability without completeness",
                              details=details, data_files=data)


# --------------------------------------------------------------------------- D7
@experiment("krishnamurthy2025-regime", "Open-loop class on a fresh-state MDP: C_cov = 2 while spanning capacity = 2^H",
            tags=("krishnamurthy2025", "agnostic", "exact"),
            papers=("krishnamurthy2025",))
def krishnamurthy2025_regime(config: RunConfig) -> CheckReport:
    """D7: the parameter regime of KLS25's generative lower bound (|Pi| = 2^H, C_cov = 2, S = 2^H).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_identity

    Hs = list(range(2, 8 if config.quick else 9))
    ccov, S, K = [], [], []
    for H in Hs:
        N = 2 ** (H - 1)
        mdp = ag.LayeredMDP.fresh_uniform(H, 2, N)
        cls = ag.open_loop_policies(mdp.layer_sizes, 2)
        ccov.append(ag.coverability(mdp, cls)[0])
        S.append(ag.spanning_capacity(cls).value)
        K.append(cls.size)
    src = ("KLS25 LB-gen parameters (|Pi| = 2^H, C_cov = 2) [T, third-party review]; instance ours [I], "
           "not KLS25's hard instance")
    claims = [check_identity(ccov, 2.0, rtol=1e-12, atol=1e-12, name="C_cov(Pi, M) = 2 for every H", source=src,
                             stated="coverability of the given MDP stays 2", tol_reason="sums of N terms 1/N"),
              check_identity(S, [2 ** H for H in Hs], rtol=0, atol=0, name="spanning capacity = 2^H",
                             source="closed form ours [C]; definition JLRSS23 [R]", stated="S(Pi) = 2^H = |Pi|",
                             tol_reason="integer counts"),
              check_identity(K, [2 ** H for H in Hs], rtol=0, atol=0, name="|Pi| = 2^H", source=src,
                             stated="class size 2^H", tol_reason="integer counts")]
    details = {"H": Hs, "C_cov": ccov, "S": S, "size": K}
    data = write_data_json(config, "krishnamurthy2025_regime.json", details)
    return report_from_claims("krishnamurthy2025-regime", claims, source=src,
                              stated="C_cov(Pi, M) = 2 while S(Pi) = |Pi| = 2^H", details=details,
                              data_files=data)


# --------------------------------------------------------------------------- D8
@experiment("krishnamurthy2025-coverage", "Exact C_conc and C_push of every mu-reset instance shipped",
            tags=("krishnamurthy2025", "agnostic", "exact"),
            papers=("krishnamurthy2025",))
def krishnamurthy2025_coverage(config: RunConfig) -> CheckReport:
    """D8: concentrability and pushforward concentrability of the PSDP/CPI instances, exactly.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from ..ratecheck import check_identity, check_ordering

    T = _psdp_table()
    cc = [r["C_conc"] for r in T]
    cp = [r["C_push"] for r in T]
    hand = [1 / r["min_mu"] for r in T]
    src = "C_conc and C_push definitions [R] (Xie & Jiang 2021 for C_push); values [C]"
    claims = [check_identity(cc, hand, rtol=1e-12, atol=0, name="C_conc = 1/min mu_2 over reachable states",
                             source=src, stated="unreachable z contributes nothing", tol_reason="one division"),
              check_identity(cp, hand, rtol=1e-12, atol=0, name="C_push = 1/min mu_2 over reached states", source=src,
                             stated="deterministic transitions into x and y", tol_reason="one division"),
              check_ordering(cc, cp, relation="<=", name="C_conc <= C_push on these instances", source=src,
                             left_label="C_conc", right_label="C_push")]
    details = {"instances": [r["label"] for r in T], "C_conc": cc, "C_push": cp}
    data = write_data_json(config, "krishnamurthy2025_coverage.json", details)
    return report_from_claims("krishnamurthy2025-coverage", claims, source=src,
                              stated="exact C_conc and C_push quoted with every mu-reset failure",
                              details=details, data_files=data)


# --------------------------------------------------------------------------- D6
def block_observation_mdp(block):
    r"""The observation-level layered MDP of a Block MDP (for exact cross-checks on small instances).

    :math:`P(x' \mid x, a) = P_{lat}(z(x') \mid z(x), a)\, q(x' \mid z(x'))`,
    :math:`r(x, a) = r_{lat}(z(x), a)`; layer 0 must emit a single observation (the start).

    Parameters
    ----------
    block : BlockMDP

    Returns
    -------
    LayeredMDP
    """
    from ..agnostic import LayeredMDP

    lat = block.latent
    z_of = [x.argmax(axis=0) for x in block.q]
    P = tuple(lat.P[h][z_of[h]][:, :, z_of[h + 1]] * block.q[h + 1][z_of[h + 1], np.arange(block.obs_sizes[h + 1])]
              for h in range(lat.H - 1))
    r = tuple(lat.r[h][z_of[h]] for h in range(lat.H))
    start = int(np.flatnonzero(block.q[0][lat.start])[0])
    return LayeredMDP(P, r, start)


@experiment("krishnamurthy2025-emulator", "Block-MDP emulator principle: V^pi = V^{pibar} exactly; emulator sup-error "
            "~ k^-1/2, flat in observations per state", tags=("krishnamurthy2025", "agnostic", "montecarlo"),
            papers=("krishnamurthy2025",))
def krishnamurthy2025_emulator(config: RunConfig) -> CheckReport:
    """D6: the principle behind KLS25's policy emulator (our reading, not PLHR).

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    CheckReport
    """
    from .. import agnostic as ag
    from ..ratecheck import check_growth, check_identity

    rng = np.random.default_rng(config.seed + 1406)
    H, S, A, Npol = 4, 3, 2, 256
    sizes = (1,) + (S,) * (H - 1)
    P = tuple(rng.dirichlet(np.ones(sizes[h + 1]), size=(sizes[h], A)) for h in range(H - 1))
    lat = ag.LayeredMDP(P, tuple(rng.random((n, A)) / H for n in sizes))

    def block_with(m):
        q = [np.ones((1, 1))]
        for n in sizes[1:]:
            x = np.zeros((n, n * m))
            for z in range(n):
                x[z, z * m:(z + 1) * m] = 1.0 / m
            q.append(x)
        return ag.BlockMDP(lat, tuple(q))

    def policies(block):
        return [rng.integers(0, A, size=(Npol, X)) for X in block.obs_sizes]

    # exact identity on small m (observation-level MDP built explicitly)
    diffs = []
    for m in (5, 20, 60):
        blk = block_with(m)
        acts = policies(blk)
        cls = ag.PolicyClass(np.concatenate(acts, axis=1), blk.obs_sizes, A, name="observation policies")
        V_obs = ag.policy_values(block_observation_mdp(blk), cls)
        V_lat = ag.policy_values(lat, None, policy=blk.latent_policy(acts))
        diffs.append((V_obs, V_lat))
    src = ("KLS25: Block MDPs tractable via a policy emulator [A]; principle (latent policy pibar, sampled "
           "observations per latent state) ours [I], not PLHR")
    claims = [check_identity(np.concatenate([d[0] for d in diffs]), np.concatenate([d[1] for d in diffs]),
                             rtol=1e-10, atol=1e-12, name="V^pi (observation MDP) = V^{pibar} (latent MDP)",
                             source=src, stated="exact for every pi and m", tol_reason="float64 sums over <= 10^4 terms")]
    ks = np.array([4, 16, 64, 256, 1024])
    ms = np.array([10, 30, 100, 300, 1000] if config.quick else [10, 30, 100, 300, 1000, 3000, 10000])
    R = config.seeds or (6 if config.quick else 20)
    err = np.zeros((ms.size, R, ks.size))
    for i, m in enumerate(ms):
        blk = block_with(int(m))
        for r_ in range(R):
            acts = policies(blk)
            V = ag.policy_values(lat, None, policy=blk.latent_policy(acts))
            for j, k in enumerate(ks):
                pihat = []
                for h, X in enumerate(blk.obs_sizes):
                    n = sizes[h]
                    if h == 0:
                        pihat.append(np.eye(A)[acts[0][:, :1]].reshape(Npol, 1, A))
                        continue
                    samp = (np.arange(n)[:, None] * m + rng.integers(0, m, size=(n, int(k))))  # k obs per z
                    # the mean over the k samples of one-hot actions, as exact counts / k: the same float64
                    # numbers as np.eye(A)[acts[h][:, samp]].mean(axis=2) (a sum of 0/1 values is exact in any
                    # order; mean divides it by k) without the (Npol, n, k, A) float array (issue 17)
                    x = acts[h][:, samp]
                    pihat.append(np.stack([(x == a).sum(axis=2) for a in range(A)], axis=-1) / int(k))
                Vh = ag.policy_values(lat, None, policy=tuple(pihat))
                err[i, r_, j] = np.abs(Vh - V).max()
    claims.append(check_growth(ks, 1.0 / err[-1], 0.5, tol=0.1, name="emulator sup-error falls like k^-1/2",
                               source=src + "; rate sqrt(log|Pi|/k) ours [I]", variable="k", tail=(ks[0], ks[-1]),
                               min_points=5))
    e_m = err[:, :, -2].T  # (R, len(ms)) at k = 256
    claims.append(check_growth(ms, e_m, 0.0, tol=0.1, name="error does not fall with m (k = 256)", source=src,
                               variable="m", tail=(ms[0], ms[-1]), min_points=5))
    claims.append(check_growth(ms, 1.0 / e_m, 0.0, tol=0.1, name="error does not grow with m (k = 256)", source=src,
                               variable="m", tail=(ms[0], ms[-1]), min_points=5))
    fig_data = {"k": ks, "m": ms, "sup_error": err, "H": H, "S": S, "n_policies": Npol, "seeds": R}
    details = {"k": ks.tolist(), "m": ms.tolist(), "mean_sup_error": err.mean(1).tolist(), "seeds": R}
    data = (write_data_json(config, "krishnamurthy2025_emulator.json", details)
            + write_data_json(config, "krishnamurthy2025_emulator_figure.json", fig_data))
    return report_from_claims("krishnamurthy2025-emulator", claims, source=src,
                              stated="emulator evaluates all of Pi with error ~ sqrt(log|Pi|/k), independent of |X|",
                              details=details, data_files=data)
