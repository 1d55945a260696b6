"""Figure: ``munos2024-theorem1``, Nash-MD's KL to the regularised equilibrium against Munos et al.'s Theorem 1 bound 8/(tau^2 (T+1)) (ICML 2024, arXiv:2312.00886).

One log-log panel: the KL (mean over random preference games) with its seed range, the fitted rate
with its interval and the bound. The caption is the check's verdict (the bound at every iterate and
its exponent, and the one-step recursion at every step of every game).

Usage: ``python figures/munos2024_theorem1.py [--quick] [--out DIR] [--seeds N]`` runs the check
into ``DIR/munos2024-theorem1/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "munos2024-theorem1"


def draw(folder: Path) -> list:
    """Draw ``munos2024_theorem1.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``munos2024_theorem1_rate.json`` (the rate check's panel) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    panel = plotting.read_json(folder / "munos2024_theorem1_rate.json")
    fig, ax = plotting.new_axes(figsize=(9.6, 4.4))
    plotting.plot_rate_check(panel, ax=ax, bound_label=r"bound $8/(\tau^2(T+1))$ (Munos+ 2023, Thm 1)")
    ax.set_xlabel("iteration T (one preference query each)")
    ax.set_ylabel(r"$\mathrm{KL}(\pi^*_\tau\|\pi_T)$ (mean over games)")
    plotting.legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="findings"), width=120)
    return [Path(p) for p in plotting.save_figure(fig, folder / "munos2024_theorem1")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
