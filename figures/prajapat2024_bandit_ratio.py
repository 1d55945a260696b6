"""Figure: ``prajapat2024-bandit-ratio``, SubPO reaches at least (1-1/e) OPT on random bandit-like SubRL instances while modular-reward RL does not (Prajapat et al., ICLR 2024, arXiv:2307.13372).

One panel: the exact ratio J/OPT of every instance (jittered points) for SubPO-M, SubPO with a
state-independent policy, continuous greedy, projected gradient, the greedy set and modular-reward
PG, with the mean and its 95% t-interval in black, beside the constants 1-1/e and 1/2. The caption
is the check's verdict.

Usage: ``python figures/prajapat2024_bandit_ratio.py [--quick] [--out DIR]`` runs the check into
``DIR/prajapat2024-bandit-ratio/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "prajapat2024-bandit-ratio"
KEYS = [("subpo_markov", "SubPO-M\n(softmax, exact grad.)"),
        ("subpo_state_independent", "SubPO\nsoftmax $\\pi^h(a)$"),
        ("continuous_greedy", "cont. greedy\n(FW) on $\\pi^h(a)$"), ("pga_direct", "proj. grad.\non $\\pi^h(a)$"),
        ("greedy", "greedy set\n(NWF 1978)"), ("modular", "modular-\nreward PG")]


def draw(folder: Path) -> list:
    """Draw ``prajapat2024_bandit_ratio.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``prajapat2024_bandit_ratio.csv`` (per instance the ratio of every method),
        ``..._figure.json`` (means with intervals, the constants) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    res = plotting.read_csv(folder / "prajapat2024_bandit_ratio.csv")
    d = plotting.read_json(folder / "prajapat2024_bandit_ratio_figure.json")
    fig, ax = plotting.new_axes(figsize=(11.5, 4.6))
    rng = np.random.default_rng(0)  # horizontal jitter of the points (presentation only)
    for i, (k, lab) in enumerate(KEYS):
        y = res[k]
        ax.scatter(i + 0.12 * rng.standard_normal(y.size), y, s=8, alpha=0.5)
        m, lo, hi = d["mean_ci"][k]
        ax.errorbar(i + 0.35, m, yerr=[[m - lo], [hi - m]], fmt="o", color="k", capsize=3)
    ax.set_xticks(range(len(KEYS)))
    ax.set_xticklabels([lab for _, lab in KEYS], fontsize=8)
    ax.axhline(d["fw_constant"], color="C3", ls="--",
               label="$1-1/e$ (Prajapat+ 2024, eps-Bandit,\nper reviews; NWF 1978 for greedy)")
    ax.axhline(d["stationary_constant"], color="C4", ls=":", label="1/2 (stationary points,\nper reviews; inferred)")
    ax.set_ylabel(r"$J(\pi)/\mathrm{OPT}$ (exact)")
    lo = min(float(np.min(res[k])) for k, _ in KEYS)
    ax.set_ylim(max(0.0, min(0.45, lo - 0.05)), 1.03)
    ax.set_title(f"Bandit-like SubRL, {res['opt'].size} random instances (mean, 95% CI in black)")
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="findings", max_claims=3), width=150)
    return [Path(p) for p in plotting.save_figure(fig, folder / "prajapat2024_bandit_ratio")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
