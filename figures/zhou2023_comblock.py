"""Figure: ``zhou2023-comblock``, the combination lock: offline data replaces coverage (Cbar_off bounded while C_npg grows like A^H) and hybrid HAC needs fewer online samples than on-policy (Zhou et al. 2023, Theorem 1 and Fig. 2 tabular analogue, arXiv:2311.08384).

Left: online samples to a 0.1 V* gap (median over seeds, censored runs marked) for hybrid HAC and
the on-policy actor-critic against the horizon. Right: the coverage constants Cbar_off and the
lower bound A^H on C_npg. The caption is the check's verdict.

Usage: ``python figures/zhou2023_comblock.py [--quick] [--out DIR] [--seeds N]`` runs the check into
``DIR/zhou2023-comblock/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-comblock"


def draw(folder: Path) -> list:
    """Draw ``zhou2023_comblock.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``zhou2023_comblock.json`` (horizons, coverage constants, per mode the raw and median
        online samples, budget and sizes) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "zhou2023_comblock.json")
    Hs = np.asarray(d["H"])
    A, gamma, n_seeds = d["A"], d["gamma"], d["seeds"]
    fig, (a1, a2) = plotting.new_axes(1, 2)
    cap = d["budget_rounds"] * d["K2"] * d["m"]
    for mode, col, lab in (("hybrid", "C0", "hybrid HAC (lam=1, eps-greedy pi* data)"),
                           ("on_policy", "C3", "on-policy actor-critic (no offline term)")):
        y = np.array(d["samples_median"][mode])
        a1.semilogy(Hs, y, "o-", color=col, label=f"{lab}, median of {n_seeds}")
        cens = np.array([np.median(r) == float("inf") for r in d["samples_raw"][mode]])
        if cens.any():
            a1.semilogy(Hs[cens], y[cens], "^", color=col, ms=9, label="failed within the budget (censored)")
    a1.axhline(cap, color="0.5", ls=":", lw=1, label="online budget")
    a1.set_xlabel("horizon H (layers)")
    a1.set_ylabel("online samples to V* - V^pi <= 0.1 V*")
    a1.set_title(f"comb lock, A={A}, gamma={gamma}")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.semilogy(Hs, d["C_npg_lower"], "s-", color="C3", label="||d^pi*/d^uniform||_inf (lower bound on C_npg)")
    a2.semilogy(Hs, float(A) ** Hs, "k--", lw=1, label="A^H")
    a2.semilogy(Hs, d["Cbar_off"], "o-", color="C0", label="Cbar_off,pi* = sup d^pi*/nu (Def. 4)")
    a2.set_xlabel("horizon H (layers)")
    a2.set_ylabel("coverage constant")
    a2.set_title("coverage: on-policy vs offline")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_comblock")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
