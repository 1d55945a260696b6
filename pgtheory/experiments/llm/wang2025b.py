r"""Wang et al. (2025b), AEPO: entropy control by REINFORCE on temperature-adjusted samples.

Check ``wang2025b-temperature-reinforce``: the REINFORCE direction of samples drawn from the
temperature-adjusted policy :math:`\pi_T\propto\pi^{1/T}` raises the entropy for T > 1 and lowers it
for T < 1 (exact first-order rate :math:`-\mathrm{Cov}_\pi(\log\pi,\pi_T-\pi)`, checked on random
policies; our formalisation of "temperature-guided REINFORCE can modulate policy entropy"); with only
the correct samples kept, the sign rule fails on a large share of instances; and adding the regulariser
to the exact expected GRPO ascent with a bang-bang temperature keeps the entropy within one step's
change of the target -- for targets up to a ceiling set by the regulariser's weight. The paper's
controller and loss were not read (abstract only): the dynamics are our reconstruction, so they can
illustrate but not refute "stabilizes entropy at arbitrary target levels". Source: Wang et al. 2025,
arXiv:2510.08141 (abstracts of v1 and v6). The conventions (claims, provenance tags, rounding
tolerances) are those of :mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import as_illustration, check_inequality, check_ordering
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_temperature_reinforce", "CITATION"]

#: The paper (arXiv preprint); what was read: the abstracts of v1 and v6.
CITATION = Citation(key="wang2025arbitrary",
                    authors=("Wang, Chen", "Li, Zhaochun", "Bai, Jionghao", "Zhang, Yuzhi", "Cui, Shisheng",
                             "Zhao, Zhou", "Wang, Yue"),
                    title="Arbitrary Entropy Policy Optimization: Entropy Is Controllable in Reinforcement Fine-tuning",
                    venue="", year=2025, arxiv="2510.08141", arxiv_version="v1", url="https://arxiv.org/abs/2510.08141",
                    entry_type="misc")

WANG = "Wang et al. 2025, AEPO, arXiv:2510.08141"


def check_temperature_reinforce(quick: bool = True) -> dict:
    """Sign rule of the entropy rate (all samples vs correct samples only); controlled entropy dynamics."""
    import pgtheory.bandits as B

    subs = []
    rng = np.random.default_rng(25)
    n = 1000 if quick else 30000
    signed, signed_pos, Ts = [], [], []
    for _ in range(n):
        K = int(rng.integers(2, 9))
        th = rng.normal(0, 2, K)
        T = float(np.exp(rng.uniform(-2, 2)))
        r = (rng.random(K) < 0.5).astype(float)
        if r.sum() == 0:
            r[0] = 1.0
        signed.append((T - 1.0) * B.entropy_rate(th, T))
        signed_pos.append((T - 1.0) * B.entropy_rate(th, T, r))
        Ts.append(T)
    signed, signed_pos = np.array(signed), np.array(signed_pos)
    atol = SAFETY * 8 * EPS * 20.0  # K <= 8 terms of size <= |log pi| (logits within +-20 here) x |pi_T - pi|
    c_a = check_ordering(signed, 0.0, relation=">", tol=atol,
                           name="temperature-REINFORCE moves the entropy in the direction of T - 1",
                           source=_src(f"{WANG} (v6 abstract: 'we prove that temperature-guided REINFORCE can modulate "
                                       f"policy entropy'); the formalisation is ours", "abstract"),
                           stated=f"(T - 1) <grad H, E_(y ~ pi_T)[grad log pi(y)]> >= 0 on {n} random softmax policies "
                                  f"(K in 2..8, T in [e^-2, e^2]); proved here for K = 2 only",
                           left_label="(T - 1) dH", right_label="0")
    frac = float(np.mean(signed_pos < -atol))
    c_b = check_ordering(frac, 0.0, relation=">",
                         name="with only correct samples the sign rule fails",
                         source=_src(f"our computation on {WANG} ('filter negative samples', third-party summary)",
                                     "inferred"),
                         stated=f"finding (ours): keeping only correct samples (rho = r), the entropy moves against "
                                f"T - 1 on {frac:.0%} of the same instances: the entropy control comes from sampling "
                                f"at temperature T, not from the reward", left_label="fraction of failures",
                         right_label="0")
    subs.append(_sub("REINFORCE on temperature-adjusted samples modulates entropy", f"{WANG} (abstract)",
                     "sign(dH) = sign(T - 1) for unfiltered samples (our formalisation)",
                     {"instances": n, "min (T-1) dH (all samples)": float(signed.min()),
                      "fraction with wrong sign (correct samples only)": frac}, "abstract", [c_a, c_b]))
    # controlled dynamics: exact GRPO ascent + lam R_T, bang-bang T
    th0 = np.array([2.0, 0.5, 0.0, -1.0, -1.0, -2.0])
    r = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    steps = 600 if quick else 3000
    lam, eta, G = 2.0, 0.5, 8
    targets = np.array([0.3, 0.8, 1.2]) if quick else np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4])
    window = steps // 5
    dev, band, traces = [], [], {}
    for Hs in targets:
        out = B.entropy_controlled_ascent(th0, r, G, float(Hs), eta=eta, lam=lam, T_high=2.0, T_low=0.5, steps=steps)
        H = out["entropy"]
        traces[f"H_target{Hs:g}"] = H
        dev.append(float(np.max(np.abs(H[-window:] - Hs))))
        band.append(float(np.max(np.abs(np.diff(H[-window - 1:])))))
    free = B.entropy_controlled_ascent(th0, r, G, 0.0, eta=eta, lam=0.0, T_high=2.0, T_low=0.5, steps=steps)
    traces["H_no_regulariser"] = free["entropy"]
    ceiling = B.entropy_controlled_ascent(th0, r, G, float(np.log(6)), eta=eta, lam=lam, T_high=2.0, T_low=0.5,
                                          steps=steps)["entropy"][-1]
    c_c = check_inequality(targets, np.array(dev), np.array(band), side="upper", rtol=0.0, atol=SAFETY * EPS * 10,
                           name="entropy held within one step's change of the target",
                           source=_src(f"{WANG} (v1 abstract: 'AEPO stabilizes entropy at arbitrary target levels'); "
                                       f"controller reconstructed", "abstract"),
                           stated=f"over the last {window} of {steps} steps, |H_t - H*| <= max |H_(t+1) - H_t| for "
                                  f"H* in {targets.tolist()} (K = 6, G = {G}, eta = {eta}, lam = {lam}, T in (0.5, 2))",
                           variable="target entropy")
    c_c = as_illustration(c_c, f"the dynamics are our reconstruction (bang-bang temperature, lam = {lam}); with this "
                               f"weight the entropy cannot be held above {ceiling:.3g} nats, so 'arbitrary' needs a "
                               f"larger weight")
    subs.append(_sub("AEPO stabilises entropy at a target level", f"{WANG} (abstract)",
                     "holds in our reconstruction for reachable targets",
                     {"targets": targets.tolist(), "max deviation (last window)": dev, "one-step change": band,
                      "entropy without regulariser (end)": float(free["entropy"][-1]),
                      "ceiling with lam=2 (T_high=2)": float(ceiling)}, "abstract", [c_c]))
    curves = {"t": np.arange(steps + 1, dtype=float), **traces}
    return {"name": "wang2025b-temperature-reinforce", "subchecks": subs, "curves": curves,
            "targets": targets.tolist(), "ceiling": float(ceiling)}


def _write_data(config, res, claims):
    from ...plotting import write_csv, write_json
    from .._registry import out_path

    return (), (write_csv(out_path(config, "wang2025b_entropy.csv"), res["curves"]),
                write_json(out_path(config, "wang2025b_entropy_targets.json"),
                           {"targets": res["targets"], "ceiling": res["ceiling"]}))


_run = register_check("wang2025b-temperature-reinforce", check_temperature_reinforce,
               "AEPO: REINFORCE on temperature-adjusted samples moves entropy with T - 1; controlled entropy dynamics",
               "Wang et al. 2025, arXiv:2510.08141", papers=("wang2025b",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
