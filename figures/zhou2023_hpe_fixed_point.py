"""Figure: ``zhou2023-hpe-fixed-point``, population HPE on the complete tabular class reaches Q^pi and its on-policy error contracts at least like gamma per iteration (Zhou et al. 2023, Lemma 5 proof, arXiv:2311.08384).

One semi-log panel per discount: the on-policy error E_{d^pi}(f_k - Q^pi)^2 against the HPE
iteration for lam in {0.1, 1, 10}, beside the bound gamma^k e_0 and the rounding floor. The
caption is the check's verdict.

Usage: ``python figures/zhou2023_hpe_fixed_point.py [--quick] [--out DIR]`` runs the check into
``DIR/zhou2023-hpe-fixed-point/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-hpe-fixed-point"
COLORS = {0.1: "C0", 1.0: "C1", 10.0: "C2"}


def draw(folder: Path) -> list:
    """Draw ``zhou2023_hpe_fixed_point.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``zhou2023_hpe_fixed_point.json`` (per run: ``gamma``, ``lam``, iterations ``k``,
        errors ``e``, the ``bound`` and the rounding ``floor``) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    runs = [{k: (np.asarray(v, dtype=float) if isinstance(v, list) else v) for k, v in r.items()}
            for r in plotting.read_json(folder / "zhou2023_hpe_fixed_point.json")]
    gammas = list(dict.fromkeys(r["gamma"] for r in runs))
    fig, axes = plotting.new_axes(1, len(gammas), squeeze=False)
    for j, g in enumerate(gammas):
        ax = axes[0, j]
        kmax = 0
        for r in (r for r in runs if r["gamma"] == g):
            m = r["e"] > r["floor"]
            kmax = max(kmax, int(r["k"][m].max()))
            ax.semilogy(r["k"][m], r["e"][m], color=COLORS[r["lam"]], label=f"measured, lam={r['lam']:g}")
        r0 = next(r for r in runs if r["gamma"] == g)  # e_0 is the same for every lam (f_0 = 0)
        ax.semilogy(r0["k"][:kmax + 1], r0["bound"][:kmax + 1], color="k", ls="--", lw=1,
                    label="bound gamma^k e_0 (Lemma 5 proof)")
        ax.axhline(r0["floor"], color="0.5", ls=":", lw=1, label="rounding floor")
        ax.set_xlabel("HPE iteration k")
        ax.set_ylabel(r"$E_{d^\pi}(f_k - Q^\pi)^2$")
        ax.set_title(f"Garnet S=8, A=4, gamma={g}")
        plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_hpe_fixed_point")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
