"""Figure: ``agarwal2021-npg``, softmax NPG on a Garnet MDP against Agarwal et al. 2021, Theorem 5.3 (arXiv:1908.00261).

One log-log panel: the NPG gap for eta in {0.1, 1, 10} on MDP 0 of the check, each beside its
bound log|A|/(eta T) + 1/((1-gamma)^2 T) (dashed, from the registered bound) with its smallest
slack in the legend; the caption is the check's verdict over all its runs.

Usage: ``python figures/agarwal2021_npg.py [--quick] [--out DIR]`` runs the check into
``DIR/agarwal2021-npg/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from
a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "agarwal2021-npg"


def draw(folder: Path) -> list:
    """Draw ``agarwal2021_npg.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``agarwal2021_npg_panels.json`` (the step sizes and MDP 0's rate checks) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "agarwal2021_npg_panels.json")
    fig, ax = plotting.new_axes(figsize=(9.5, 4.8))
    ys, bs = [], []
    for res, eta in zip(d["panels"], d["etas"]):
        x, y, b = (np.asarray(res[k], dtype=float) for k in ("x", "y", "bound_values"))
        pos = y > 1e-12 * y.max()  # leave out the floating-point floor
        (ln,) = ax.plot(x[pos], y[pos], label=f"NPG gap, eta={eta:g}")
        ax.plot(x, b, ls="--", color=ln.get_color(),
                label=f"Thm 5.3 bound, eta={eta:g} (slack >= {res['tightness']['slack_min']:.3g}x)")
        ys.append(y[pos])
        bs.append(b)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plotting.informative_ylim(ax, ys, bs)
    ax.set_xlabel("T")
    ax.set_ylabel("V*(rho) - V^(T)(rho)")
    ax.set_title("Softmax NPG, Garnet S=10, A=4, gamma=0.9 (MDP 0) vs Agarwal et al. 2021, Thm 5.3\n"
                 "(dashed: log|A|/(eta T) + 1/((1-gamma)^2 T), from the registered bound)", fontsize=9)
    plotting.legend_outside(ax, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder))
    return [Path(p) for p in plotting.save_figure(fig, folder / "agarwal2021_npg")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
