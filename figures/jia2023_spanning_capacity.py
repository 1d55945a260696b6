"""Figure: ``jia2023-spanning-capacity``, spanning capacity of named policy classes by exact search and by the fresh-tree walk against the closed forms (Jia et al. 2023, arXiv:2310.06113).

One panel, log2 scale: the spanning capacity of each named class (constants, all policies,
open-loop, singletons, 2-tons) against the horizon, by exact search over deterministic MDPs
(circles) and by the fresh-tree walk (crosses), beside its closed form (lines). The caption is
the check's verdict.

Usage: ``python figures/jia2023_spanning_capacity.py [--quick] [--out DIR]`` runs the check into
``DIR/jia2023-spanning-capacity/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "jia2023-spanning-capacity"
STYLES = {"constants (A=3)": "C0", "all policies (n=3)": "C1", "open-loop": "C2", "2-tons": "C3", "singletons": "C4"}
#: the closed forms the check compares with (A = 2 actions unless named), as functions of H
FORMS = {"constants (A=3)": lambda H: 3 + 0 * H, "all policies (n=3)": lambda H: np.minimum(2.0 ** H, 6),
         "open-loop": lambda H: 2.0 ** H, "2-tons": lambda H: 1 + H + H * (H - 1) / 2, "singletons": lambda H: H + 1}
TEXTS = {"constants (A=3)": "A", "all policies (n=3)": "min(A^H, nA)", "open-loop": "A^H", "2-tons": "1+H+H(H-1)/2",
         "singletons": "H+1"}


def draw(folder: Path) -> list:
    """Draw ``jia2023_spanning_capacity.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``jia2023_spanning_capacity_figure.json`` (per named class and horizon the exact
        spanning capacity; the fresh-tree walk's values) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "jia2023_spanning_capacity_figure.json")
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(1, 1, figsize=(7.5, 4.6))
    Hgrid = np.arange(2, 13)
    for name, col in STYLES.items():
        pts = [(c["H"], c["S"]) for c in d["classes"] if c["name"] == name]
        if not pts:
            continue
        Hmax = 12 if name in ("open-loop", "singletons") else max(p[0] for p in pts)
        hg = Hgrid[Hgrid <= Hmax]
        ax.plot(hg, FORMS[name](hg.astype(float)), color=col, lw=1.2, alpha=0.7, label=f"{name}: closed form {TEXTS[name]}")
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", color=col, ms=7, mfc="none", mew=1.6)
    ax.plot(d["tree_H"], d["tree_S"], "x", color="C2", ms=6)
    ax.plot(d["singletons_H"], d["singletons_S"], "x", color="C4", ms=6)
    ax.plot([], [], "ko", mfc="none", label="exact search over deterministic MDPs")
    ax.plot([], [], "kx", label="fresh-tree walk (second algorithm)")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("horizon H")
    ax.set_ylabel("spanning capacity S(Pi) (log2 scale)")
    ax.set_title("Spanning capacity of named classes: exact computation vs closed form\n"
                 "definition: Jia et al. 2023 [R]; closed forms ours [C]", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "jia2023_spanning_capacity")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
