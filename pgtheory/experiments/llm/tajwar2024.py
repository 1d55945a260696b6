r"""Tajwar et al. (2024): preference fine-tuning should leverage sub-optimal, on-policy data (mode-seeking objectives).

Check ``tajwar2024-mode-seeking``: the exact gradient flows of the reverse KL (on-policy RL,
mode-seeking) and the forward KL (maximum likelihood, mass-covering) towards the same categorical
target are integrated to ODE tolerance, and the times to move mass on chosen bins are compared in
two regimes (the target's mode improbable or probable under the initial policy); the "negative
gradient" of DPO on a pair is compared with SFT on the winner, per unit step, on random policies.
Source: Tajwar et al. 2024, ICML 2024, arXiv:2404.14367 (abstract); the theory section was not read,
so the flows are our formalisation. The conventions (claims, provenance tags, rounding tolerances)
are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import as_illustration, check_ordering
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_mode_seeking", "CITATION"]

#: The paper (ICML 2024); what was read: abstract.
CITATION = Citation(key="tajwar2024preference",
                    authors=("Tajwar, Fahim", "Singh, Anikait", "Sharma, Archit", "Rafailov, Rafael",
                             "Schneider, Jeff", "Xie, Tengyang", "Ermon, Stefano", "Finn, Chelsea", "Kumar, Aviral"),
                    title="Preference Fine-Tuning of LLMs Should Leverage Suboptimal, On-Policy Data",
                    venue="International Conference on Machine Learning (ICML)", year=2024, arxiv="2404.14367",
                    url="https://arxiv.org/abs/2404.14367", entry_type="inproceedings")

TAJWAR = "Tajwar et al. 2024, arXiv:2404.14367"

#: Target: a mode with 90% of the mass; initial policies with the mode improbable / probable.
TARGET = np.array([0.90, 0.04, 0.03, 0.01, 0.01, 0.01])
REGIMES = {"mode improbable under q0": np.array([0.02, 0.30, 0.20, 0.20, 0.14, 0.14]),
           "mode probable under q0": np.array([0.50, 0.10, 0.10, 0.10, 0.10, 0.10])}


def _times(q0, p):
    """Times to (i) bring the mode to 90% of its target mass, (ii) remove 90% of the excess on over-weighted bins."""
    import pgtheory.bandits as B

    th0 = np.log(q0)
    mode = np.eye(p.shape[0])[int(np.argmax(p))]
    over = (q0 > p).astype(float) * (1.0 - mode)
    excess = float(over @ (q0 - p))
    out = {}
    for d in B.FLOW_DIRECTIONS:
        out[("mode", d)] = B.flow_hitting_time(th0, p, d, mode, 0.9 * float(p @ mode))
        out[("excess", d)] = B.flow_hitting_time(th0, p, d, over, float(over @ p) + 0.1 * excess, rising=False)
    return out


def check_mode_seeking(quick: bool = True) -> dict:
    """Reverse vs forward KL flows: hitting times in two regimes; DPO's negative gradient vs SFT."""
    import pgtheory.bandits as B

    subs = []
    times = {name: _times(q0, TARGET) for name, q0 in REGIMES.items()}
    keys = [(r, m) for r in REGIMES for m in ("mode", "excess")]
    t_rev = np.array([times[r][(m, "reverse")] for r, m in keys])
    t_fwd = np.array([times[r][(m, "forward")] for r, m in keys])
    tol = 1e-6 * float(np.max(t_fwd))  # event location at ODE tolerance rtol 1e-10: far below 1e-6 relative
    c_a = check_ordering(t_rev, t_fwd, relation="<", tol=tol,
                         name="mode-seeking (reverse KL) moves mass on chosen bins faster than maximum likelihood",
                         source=_src(f"{TAJWAR} (abstract: 'mode-seeking objectives are able to alter probability "
                                     f"mass on specific bins of a categorical distribution at a fast rate compared to "
                                     f"maximum likelihood')", "abstract"),
                         stated="the reverse-KL gradient flow reaches each level before the forward-KL flow, for the "
                                "mode (90% of its target mass) and for the over-weighted bins (90% of their excess "
                                "removed), with the mode improbable or probable under q0 (K = 6; exact flows, ODE "
                                "rtol 1e-10)", left_label="time (reverse KL)", right_label="time (forward KL)")
    c_a = as_illustration(c_a, "the abstract's statement is qualitative and its theory section was not read; unit-speed "
                               "gradient flows of the two KLs are our formalisation of 'at a fast rate'")
    numbers = {f"{r}: {m} (reverse, forward)": [times[r][(m, "reverse")], times[r][(m, "forward")]]
               for r, m in keys}
    subs.append(_sub("mode-seeking objectives relocate categorical mass faster than maximum likelihood",
                     f"{TAJWAR} (abstract)", "unclear (regime-dependent; exact ODE comparison)", numbers, "abstract",
                     [c_a]))
    # negative gradient: per unit step, DPO lowers log q(loser) at least as fast as SFT on the winner
    rng = np.random.default_rng(20)
    n = 2000 if quick else 20000
    rs, rd = [], []
    for _ in range(n):
        K = int(rng.integers(2, 9))
        th = rng.normal(0, 2, K)
        w, ell = rng.choice(K, 2, replace=False)
        q = B.policy_probs(th)
        e_l = np.eye(K)[ell] - q
        vs = B.pair_update(th, int(w))
        vd = B.pair_update(th, int(w), int(ell))
        rs.append(float(e_l @ vs / np.linalg.norm(vs)))
        rd.append(float(e_l @ vd / np.linalg.norm(vd)))
    rs, rd = np.array(rs), np.array(rd)
    atol = SAFETY * 8 * EPS * 2
    c_b = check_ordering(rd, rs, relation="<=", tol=atol,
                           name="negative gradient lowers the loser at least as fast as SFT on the winner",
                           source=_src(f"our formalisation of {TAJWAR} ('negative gradient' pushes down the likelihood "
                                       f"of certain responses)", "inferred"),
                           stated=f"finding (ours): per unit step, d log q(y_l)/dt under DPO's update is <= that under "
                                  f"SFT on y_w, on {n} random softmax policies (K in 2..8); SFT raises the loser in "
                                  f"{np.mean(rs > 0):.0%} of them", left_label="rate (DPO)", right_label="rate (SFT)")
    subs.append(_sub("the 'negative gradient' pushes down the loser faster than supervised learning on the winner",
                     f"{TAJWAR} (abstract); our formalisation", "holds (per unit step, exact)",
                     {"instances": n, "fraction where SFT raises the loser": float(np.mean(rs > 0)),
                      "median rate SFT": float(np.median(rs)), "median rate DPO": float(np.median(rd))},
                     "inferred", [c_b]))
    curves = {}
    t_end = 4.0 * float(np.max(t_fwd[np.isfinite(t_fwd)]))
    for j, (name, q0) in enumerate(REGIMES.items()):
        mode = np.eye(6)[0]
        over = (q0 > TARGET).astype(float) * (1 - mode)
        for d in B.FLOW_DIRECTIONS:
            fl = B.kl_gradient_flow(np.log(q0), TARGET, d, t_end, n_eval=160)
            curves.setdefault(f"t_{j}", fl["t"])
            curves[f"mode_{j}_{d}"] = fl["q"] @ mode
            curves[f"over_{j}_{d}"] = fl["q"] @ over
    return {"name": "tajwar2024-mode-seeking", "subchecks": subs, "curves": curves,
            "levels": {str(j): {"mode": 0.9 * TARGET[0], "over": float(((q0 > TARGET) * (1 - np.eye(6)[0])) @ TARGET
                                                                         + 0.1 * ((q0 > TARGET) * (1 - np.eye(6)[0]))
                                                                         @ (q0 - TARGET))}
                       for j, q0 in enumerate(REGIMES.values())},
            "regimes": list(REGIMES)}


def _write_data(config, res, claims):
    from ...plotting import write_csv, write_json
    from .._registry import out_path

    return (), (write_csv(out_path(config, "tajwar2024_mode_seeking.csv"), res["curves"]),
                write_json(out_path(config, "tajwar2024_mode_seeking_levels.json"),
                           {"levels": res["levels"], "regimes": res["regimes"]}))


_run = register_check("tajwar2024-mode-seeking", check_mode_seeking,
               "Mode-seeking vs maximum likelihood: exact KL flows on a categorical; DPO's negative gradient vs SFT",
               "Tajwar et al. 2024, arXiv:2404.14367", papers=("tajwar2024",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
