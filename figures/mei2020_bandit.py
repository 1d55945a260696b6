"""Figure: ``mei2020-bandit``, softmax PG on the bandit r = (1, .9, .1) against Mei et al. 2020's bound 5/(c_t^2 t) (arXiv:2005.06392).

Left: the gap with the bound 5/(c_t^2 t) (running c_t) and the fitted O(1/t) rate on log-log axes.
Right: t * gap, which settles to a constant (O(1/t) is tight). The caption is the check's verdict.

Usage: ``python figures/mei2020_bandit.py [--quick] [--out DIR]`` runs the check into
``DIR/mei2020-bandit/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from
a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "mei2020-bandit"


def draw(folder: Path) -> list:
    """Draw ``mei2020_bandit.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``mei2020_bandit.csv`` (``t``, ``gap``, ``running_c``, ``bound``),
        ``mei2020_bandit_rate.json`` (the rate check's panel) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / "mei2020_bandit.csv")
    panel = plotting.read_json(folder / "mei2020_bandit_rate.json")
    report = load_report(folder / "report.json")
    t, tg = cols["t"], cols["t"] * cols["gap"]
    fig, (a1, a2) = plotting.new_axes(1, 2, figsize=(12.5, 4.6))
    plotting.plot_rate_check(panel, ax=a1, title="softmax PG, bandit r=(1, .9, .1), eta=2/5",
                             bound_label="5/(c_t^2 t): Mei et al. 2020, Thm 2 (recalled)")
    a2.plot(t, tg, label="t * gap")
    a2.axhline(tg[-1], color="k", ls=":", lw=1, label=f"last value {tg[-1]:.3f}")
    a2.set_xscale("log")
    a2.set_xlabel("t")
    a2.set_ylabel("t * gap")
    a2.set_title(f"t * gap settles (changes {report.details['t_gap_last_decade_rel_change']:.1%} over the last "
                 "decade)", fontsize=9)
    plotting.legend_outside(a2, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / "mei2020_bandit")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
