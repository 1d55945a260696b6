"""Figure: ``prajapat2024-trap-family``, outside the eps-Bandit assumption SubPO's ratio falls below any constant on the corridor trap (Prajapat et al., ICLR 2024, arXiv:2307.13372).

Left: the exact ratio J/OPT after a fixed budget for SubPO-M, SubPO-NM and modular-reward PG
against the family parameter m, beside the lure's share 2^-m and 1-1/e. Right: the exact-gradient
iterations SubPO-M needs to leave the lure (a plateau). The caption is the check's verdict.

Usage: ``python figures/prajapat2024_trap_family.py [--quick] [--out DIR]`` runs the check into
``DIR/prajapat2024-trap-family/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "prajapat2024-trap-family"


def draw(folder: Path) -> list:
    """Draw ``prajapat2024_trap_family.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``prajapat2024_trap_family.csv`` (per m the final ratios), ``..._figure.json`` (the
        eps-Bandit constant) and ``report.json`` (budget, escape iterations).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    res = plotting.read_csv(folder / "prajapat2024_trap_family.csv")
    e_const = plotting.read_json(folder / "prajapat2024_trap_family_figure.json")["fw_constant"]
    report = load_report(folder / "report.json")
    det = report.details
    fig, (ax, ax2) = plotting.new_axes(1, 2, figsize=(14.5, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    m = res["m"]
    ax.semilogy(m, res["subpo_markov"], "o-", label="SubPO-M (exact gradient)")
    ax.semilogy(m, res["subpo_history"], "s--", mfc="none", label="SubPO-NM (history policy)")
    ax.semilogy(m, res["modular"], "x:", label="modular-reward PG")
    ax.semilogy(m, np.minimum(1.0, 2.0 ** -m), color="grey", lw=3, alpha=0.35, label="lure/OPT $=2^{-m}$")
    ax.axhline(e_const, color="C3", ls="--", label="$1-1/e$ (only on eps-Bandit SMDPs,\nPrajapat+ 2024, per reviews)")
    ax.set_xlabel("family parameter m (corridor length; OPT $=2^m$, lure worth 1)")
    ax.set_ylabel(r"$J(\pi_T)/\mathrm{OPT}$ (exact)")
    ax.set_title(f"Corridor trap (1-row grid, 5 actions, H = m+1), T = {det['iterations']}")
    plotting.legend_outside(ax, fontsize=8)
    em, ei, budget = np.asarray(det["escape_m"]), np.asarray(det["escape_iteration"]), det["escape_budget"]
    done = ei > 0
    ax2.semilogy(em[done], ei[done], "o-", color="C0", label="first t with ratio > 1/2 (SubPO-M)")
    if np.any(~done):
        ax2.semilogy(em[~done], np.full((~done).sum(), budget), "^", color="C3", ms=9,
                     label=f"not escaped within {budget} steps (lower bound)")
    ax2.set_xlabel("family parameter m")
    ax2.set_ylabel("exact-gradient iterations to leave the lure")
    ax2.set_xticks(em)
    ax2.set_title("Escape time (the lure is a plateau)")
    ax2.set_ylim(10, budget * 20)
    ax2.legend(loc="upper left")
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report, style="findings"), width=170)
    return [Path(p) for p in plotting.save_figure(fig, folder / "prajapat2024_trap_family")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
