r"""Rosset et al. (2024), Direct Nash Optimization (DNO).

Check ``rosset2024-dno``: DNO's idealised iteration (soft policy iteration on the win rate against the
current policy, :math:`\pi_{t+1}\propto\pi_te^{r_t/\eta}`) improves monotonically --
:math:`P(\pi_{t+1}\succ\pi_t)\ge\tfrac12` exactly, on random and intransitive preference games --; its
batched on-policy regression (soft-label BCE on pairs from :math:`\pi_t`) has this target as its
tabular minimiser; and in an intransitive game the iterates do not approach the Nash equilibrium
(exploitability grows) and an iterate can lose to the one two steps back. Source: Rosset et al. 2024,
arXiv:2404.03715 (abstract; the update was reconstructed from third-party summaries and recalled from
Algorithm 1, not read). The conventions (claims, provenance tags, rounding tolerances) are those of
:mod:`pgtheory.experiments.llm`.
"""

from __future__ import annotations

import numpy as np

from ...bounds import Citation
from ...ratecheck import check_identity, check_inequality, check_ordering
from ._common import EPS, SAFETY, _src, _sub, register_check

__all__ = ["check_dno", "CITATION"]

#: The paper (arXiv preprint); what was read: abstract and third-party summaries.
CITATION = Citation(key="rosset2024direct",
                    authors=("Rosset, Corby", "Cheng, Ching-An", "Mitra, Arindam", "Santacroce, Michael",
                             "Awadallah, Ahmed", "Xie, Tengyang"),
                    title="Direct Nash Optimization: Teaching Language Models to Self-Improve with General Preferences",
                    venue="", year=2024, arxiv="2404.03715", url="https://arxiv.org/abs/2404.03715", entry_type="misc")

ROSSET = "Rosset et al. 2024, DNO, arXiv:2404.03715"


def check_dno(quick: bool = True) -> dict:
    """Monotone improvement (exact), the regression's fixed point, non-convergence in an intransitive game."""
    import pgtheory.bandits as B
    from pgtheory.games import random_preference_game, rock_paper_scissors

    subs = []
    rng = np.random.default_rng(21)
    n_games = 40 if quick else 200
    T = 30 if quick else 100
    etas = (0.05, 0.5, 5.0)
    wins, worst_two = [], []
    for i in range(n_games):
        n = int(rng.integers(2, 8))
        P = random_preference_game(n, rng=rng).P if i % 4 else rock_paper_scissors(float(rng.uniform(0.2, 1))).P
        pi0 = B.policy_probs(rng.normal(0, 1.5, P.shape[0]))
        for eta in etas:
            out = B.dno_soft_policy_iteration(P, pi0, eta, T)
            wins.extend(out["win_vs_previous"])
            worst_two.append(float(out["win_vs_two_back"].min()))
    wins = np.asarray(wins)
    atol = SAFETY * 8 * 8 * EPS
    c_a = check_inequality(np.arange(wins.size), wins, np.full(wins.size, 0.5), side="lower", rtol=0.0, atol=atol,
                           name="monotonic improvement: P(pi_{t+1} > pi_t) >= 1/2",
                           source=_src(f"{ROSSET} (abstract: 'DNO enjoys monotonic improvement across iterations'); "
                                       f"update reconstructed from third-party summaries", "abstract"),
                           stated=f"each soft-policy-iteration step beats its predecessor: pi_(t+1)^T P pi_t >= 1/2 on "
                                  f"{n_games} random and rock-paper-scissors games (n <= 7), eta in {etas}, {T} steps "
                                  f"(rounding: n^2 <= 64 products, x{SAFETY}: {atol:.2g})", variable="step")
    subs.append(_sub("DNO improves monotonically across iterations", f"{ROSSET} (abstract)",
                     "holds exactly (idealised soft policy iteration)",
                     {"steps checked": int(wins.size), "min P(pi_{t+1} > pi_t)": float(wins.min()),
                      "mean": float(wins.mean())}, "abstract", [c_a]))
    # the regression's tabular minimiser is the soft policy-iteration target
    fits, targets = [], []
    for _ in range(10 if quick else 40):
        n = int(rng.integers(2, 6))
        P = random_preference_game(n, rng=rng).P
        pt = B.policy_probs(rng.normal(0, 1, n))
        eta = float(rng.choice(etas))
        fits.append(B.dno_regression_minimizer(pt, P, eta))
        targets.append(B.policy_probs(np.log(pt) + B.win_rates(P, pt) / eta))
    fits, targets = np.concatenate(fits), np.concatenate(targets)
    tol = 100 * np.sqrt(EPS)
    c_b = check_identity(fits, targets, rtol=0.0, atol=tol,
                         tol_reason="an argmin found by BFGS is accurate to ~sqrt(eps) in the argument (values within "
                                    "eps of a smooth minimum), x100",
                         name="the on-policy BCE regression's minimiser is pi_t exp(r_t/eta)/Z",
                         source=_src(f"our derivation; objective recalled from {ROSSET}, Algorithm 1", "recalled"),
                         stated="finding (ours): minimising the exact expected soft-label BCE over pairs from pi_t (tabular "
                                "logits) recovers the soft policy-iteration target (zero approximation error)")
    subs.append(_sub("DNO's regression recovers the soft policy-iteration target (tabular)",
                     f"{ROSSET}, Algorithm 1 [recalled]; our derivation", "holds exactly",
                     {"max_abs_err": float(np.max(np.abs(fits - targets)))}, "recalled", [c_b]))
    # intransitive game: no last-iterate convergence to the Nash equilibrium; improvement is not transitive
    rps = rock_paper_scissors().P
    runs = {eta: B.dno_soft_policy_iteration(rps, [0.5, 0.3, 0.2], eta, 4 * T) for eta in etas}
    expl = {eta: r["exploitability"] for eta, r in runs.items()}
    c_c = check_ordering([expl[e][-1] for e in etas], [expl[e][0] for e in etas], relation=">", tol=atol,
                         name="rock-paper-scissors: exploitability grows along the iterates",
                         source=_src(f"our computation on {ROSSET}'s update (contrast: Nash-MD/Nash-MP converge)",
                                     "inferred"),
                         stated=f"finding (ours): from pi_0 = (0.5, 0.3, 0.2) the exploitability max_y (P pi_t)(y) - 1/2 "
                                f"after {4 * T} steps exceeds its initial value for every eta in {etas}: the iterates "
                                f"spiral away from the uniform Nash equilibrium",
                         left_label="exploitability at T", right_label="exploitability at 0")
    two = np.array([r["win_vs_two_back"].min() for r in runs.values()])
    c_d = check_ordering(float(two.min()), 0.5, relation="<", tol=atol,
                         name="improvement is not transitive: pi_{t+2} can lose to pi_t",
                         source=_src(f"our computation on {ROSSET}'s update", "inferred"),
                         stated="finding (ours): on rock-paper-scissors some iterate wins less than half the time "
                                "against the iterate two steps back, although every step beats its predecessor",
                         left_label="min P(pi_{t+2} > pi_t)", right_label="1/2")
    subs.append(_sub("DNO's iterates in an intransitive game (last iterate)", f"our computation on {ROSSET}",
                     "no convergence to Nash (contrast with Nash-MD / Nash-MP)",
                     {"exploitability start": float(expl[etas[0]][0]),
                      "exploitability end (per eta)": [float(expl[e][-1]) for e in etas],
                      "min P(pi_{t+2} > pi_t) (per eta)": two.tolist(),
                      "min over random games of P(pi_{t+2} > pi_t)": float(np.min(worst_two))}, "inferred",
                     [c_c, c_d]))
    curves = {"t": np.arange(4 * T + 1, dtype=float)}
    for e in etas:
        curves[f"exploitability_eta{e:g}"] = expl[e]
        curves[f"win_prev_eta{e:g}"] = np.concatenate([[np.nan], runs[e]["win_vs_previous"]])
        curves[f"win_two_eta{e:g}"] = np.concatenate([[np.nan, np.nan], runs[e]["win_vs_two_back"]])
    return {"name": "rosset2024-dno", "subchecks": subs, "curves": curves}


def _write_data(config, res, claims):
    from ...plotting import write_csv
    from .._registry import out_path

    return (), (write_csv(out_path(config, "rosset2024_dno.csv"), res["curves"]),)


_run = register_check("rosset2024-dno", check_dno,
               "DNO: monotone improvement of soft policy iteration (exact); regression fixed point; intransitive games",
               "Rosset et al. 2024, arXiv:2404.03715", papers=("rosset2024",), draw=_write_data)
_run.__citation__ = (CITATION,)  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
