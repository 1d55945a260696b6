"""Figure: ``tan2025-pac``, the reconstructed actor-critic: episodes to an eps-optimal mixture grow like eps^-2 (Tan, Fan, Wei 2025, abstract; algorithm reconstructed, arXiv:2505.03710).

Left: the episodes T(eps) until 90% of seeds are eps-optimal against 1/eps beside the abstract's
O(1/eps^2), anchored. Right: T(eps) eps^2, flat if T(eps) ~ C/eps^2. The caption is the check's
verdict.

Usage: ``python figures/tan2025_pac.py [--quick] [--out DIR] [--seeds N]`` runs the check into
``DIR/tan2025-pac/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tan2025-pac"


def draw(folder: Path) -> list:
    """Draw ``tan2025_pac.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tan2025_pac.json`` (``eps``, ``T_eps``, ``C``, the registered rate's shape) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tan2025_pac.json")
    eps, T_eps, C = (np.asarray(d[k], dtype=float) for k in ("eps", "T_eps", "C"))
    ref = np.asarray(d["bound_shape"], dtype=float)
    fig, (a1, a2) = plotting.new_axes(1, 2)
    a1.loglog(1 / eps, T_eps, "o-", ms=3, label="T(eps): 90% of seeds eps-optimal (mixture)")
    a1.loglog(1 / eps, ref * T_eps[0] / ref[0], "k--", lw=1, label="O(1/eps^2) (abstract), anchored")
    a1.set_xlabel("1/eps")
    a1.set_ylabel("episodes T(eps)")
    a1.set_title("episodes to eps-optimality")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.semilogx(1 / eps, C, "o-", ms=3, label="C = T(eps) eps^2")
    a2.set_ylim(0, 1.5 * C.max())
    a2.set_xlabel("1/eps")
    a2.set_ylabel("T(eps) eps^2")
    a2.set_title("flat if T(eps) ~ C / eps^2")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tan2025_pac")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
