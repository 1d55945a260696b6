"""Figure: ``wu2023-reward-invariance``, equivalent rewards r + delta(x): what changes for pairwise gradients, batch reward scaling and REINFORCE (P3O, Wu et al. 2023, arXiv:2310.00212).

Left: the relative change of the exact expected update when one prompt's rewards are shifted by
delta, for advantages whitened over the batch and for GRPO with batch std scaling (PPO-style reward
calibration), and the largest change of the pairwise gradient on any group (zero up to rounding).
Right: the total variance of REINFORCE without a baseline and of the pairwise (RLOO) estimator
against the shift. The caption is the check's verdict.

Usage: ``python figures/wu2023_reward_invariance.py [--quick] [--out DIR]`` runs the check into
``DIR/wu2023-reward-invariance/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "wu2023-reward-invariance"


def draw(folder: Path) -> list:
    """Draw ``wu2023-reward-invariance.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``wu2023-reward-invariance_shift.csv``, ``..._base.json`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    s, base = plotting.read_data(folder, f"{CHECK}_shift.csv", f"{CHECK}_base.json")
    fig, (ax, bx) = plotting.new_axes(1, 2, figsize=(12.5, 4.6))
    d = s["delta"]
    ax.plot(d, s["rel_change_whitened"], "o-", label="advantages whitened over the batch")
    ax.plot(d, s["rel_change_grpo_batch"], "s-", label="GRPO, scale_rewards = batch")
    ax.plot(d, s["max_change_pairwise"], "^-", label="pairwise gradient: largest absolute change on any group")
    ax.set_xscale("log")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"shift $\delta$ of one prompt's rewards")
    ax.set_ylabel(r"relative change of $\mathbb{E}[\hat g]$")
    ax.set_title(f"2 prompts, K = {base['K']}, G = {base['G_whitened']} (joint enumeration)", fontsize=10)
    plotting.legend_outside(ax, fontsize=7)
    bx.plot(d, s["tr_var_reinforce"], "o-", label="REINFORCE, no baseline")
    bx.plot(d, s["tr_var_rloo"], "s-", label="pairwise = RLOO")
    bx.axhline(base["tr_var_unshifted"], color="0.5", ls=":", lw=1, label=r"REINFORCE at $\delta$ = 0")
    bx.set_xscale("log")
    bx.set_yscale("log")
    bx.set_xlabel(r"shift $\delta$ of both prompts' rewards")
    bx.set_ylabel(r"tr Var$[\hat g]$")
    bx.set_title(f"same expectation, G = {base['G_reinforce']}", fontsize=10)
    plotting.legend_outside(bx, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="verdicts"))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
