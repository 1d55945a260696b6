"""Difficulty weights w_G(p) of the GRPO family vs the true policy gradient (binary rewards).

For one prompt with success probability p, every estimator of the family has the exact
expectation E[g] = w_G(p) grad p (pgtheory.bandits.binary_weight). The true gradient has
w = 1 (REINFORCE, RLOO); Dr. GRPO (G-1)/G; GRPO's std normalisation tends to 1/sqrt(p(1-p));
DisCO-b to 1/(p(1-p)); BNPO with alpha=beta=3/2 is pi/8 times GRPO (ddof=0).

Sources: Shao et al. 2024 (arXiv:2402.03300), Liu et al. 2025 (arXiv:2503.20783),
Xiao et al. 2025 (arXiv:2506.02864), Li et al. 2025 (arXiv:2505.12366).

Run: ``python figures/llm_grpo_weights.py [OUT_DIR]`` (default ``figures/output``); writes
``llm_grpo_weights.{png,pdf,csv}``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from pgtheory.experiments.llm import ALL_CHECKS, check_claims, verdict_caption
from pgtheory.experiments.llm.liu2025 import difficulty_weight_curves, plot_difficulty_weights
from pgtheory.plotting import write_csv


def main(argv=None) -> list:
    """Compute the exact curves for G in {4, 8, 16}, plot them with the check's verdict and save PNG, PDF and CSV.

    Parameters
    ----------
    argv : list of str, optional
        ``[OUT_DIR]``.

    Returns
    -------
    list of str
        Paths written.
    """
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent / "output"
    out.mkdir(parents=True, exist_ok=True)
    curves = difficulty_weight_curves((4, 8, 16), n_p=99)
    claims = check_claims(ALL_CHECKS["liu2025-grpo-weights"][0](False))
    verdict, reason = verdict_caption(claims)
    paths = list(plot_difficulty_weights(curves, out / "llm_grpo_weights", verdict=verdict, reason=reason))
    paths.append(write_csv(out / "llm_grpo_weights.csv", {k: np.asarray(v) for k, v in curves.items()}))
    return paths


if __name__ == "__main__":
    for p in main():
        print(p)
