"""Figure: ``tan2025-regret``, the reconstructed optimistic rare-switching actor-critic: sqrt(T) regret and few critic switches (Tan, Fan, Wei 2025, abstract; algorithm reconstructed, arXiv:2505.03710).

Left: the regret (mean and seed range, one run per T) beside the ablation that switches and resets
every episode and an O(sqrt T) curve anchored at the tail's first point, with the tail slope.
Right: critic switches (mean and max over seeds) against the cap SAH(log2 T + 1). The caption is
the check's verdict.

Usage: ``python figures/tan2025_regret.py [--quick] [--out DIR] [--seeds N]`` runs the check into
``DIR/tan2025-regret/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tan2025-regret"


def draw(folder: Path) -> list:
    """Draw ``tan2025_regret.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tan2025_regret.json`` (``T``, regret and switches per seed and T, the cap, the
        ablation, the sqrt(T) shape of the registered rate and the tail fit) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tan2025_regret.json")
    Ts = np.asarray(d["T"])
    reg, sw = np.asarray(d["regret"], dtype=float), np.asarray(d["switches"], dtype=float)
    ev = np.asarray(d["every_regret"], dtype=float)
    m = reg.mean(axis=0)
    fig, (a1, a2) = plotting.new_axes(1, 2)
    a1.fill_between(Ts, reg.min(0), reg.max(0), color="C0", alpha=0.2, label="seed range")
    a1.loglog(Ts, m, "o-", color="C0", ms=3, label=f"reconstruction, mean of {d['seeds']} seeds")
    a1.loglog(d["every_T"], ev.mean(1), "s:", color="C3", ms=3, label="ablation: switch + reset every episode")
    # the abstract's rate has no constant: the O(sqrt T) curve is anchored at the tail's first point
    tl = Ts >= Ts[-1] / 10
    ref = np.asarray(d["sqrt_T_shape"], dtype=float)
    a1.loglog(Ts, ref * m[tl][0] / ref[tl][0], "k--", lw=1, label=f"O(sqrt T) (abstract), anchored at T={int(Ts[tl][0])}")
    f = d["fit"]
    if f is not None:
        a1.text(0.03, 0.97, f"tail slope {f['slope']:.2f} [{f['ci'][0]:.2f}, {f['ci'][1]:.2f}]",
                transform=a1.transAxes, va="top", fontsize=8)
    a1.set_xlabel("episodes T (one run per T)")
    a1.set_ylabel(r"regret $\sum_t V^\star_1 - V^{\pi_t}_1$")
    a1.set_title("layered MDP H=3, S=3, A=2")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.semilogx(Ts, sw.mean(0), "o-", ms=3, label="switches (mean over seeds)")
    a2.semilogx(Ts, sw.max(0), "^:", ms=3, label="switches (max over seeds)")
    a2.semilogx(Ts, d["cap"], "k--", lw=1, label="cap SAH(log2 T + 1)")
    a2.set_xlabel("episodes T")
    a2.set_ylabel("critic switches")
    a2.set_title("rare switching")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "tan2025_regret")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
