"""Figure: ``fatkhullin2023-lemma1``, Lemma 1 (relaxed weak gradient domination) on random parameters of the Cauchy bandit (Fatkhullin et al. 2023, arXiv:2302.01734).

One panel: the ratio of the suboptimality to Lemma 1's bound (pointwise transfer error) at every
sampled parameter against its distance to the optimum; the bound holds where the ratio is at most
1. The caption is the check's verdict.

Usage: ``python figures/fatkhullin2023_lemma1.py [--quick] [--out DIR] [--seed N]`` runs the check
into ``DIR/fatkhullin2023-lemma1/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "fatkhullin2023-lemma1"


def draw(folder: Path) -> list:
    """Draw ``fatkhullin2023-lemma1.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``fatkhullin2023-lemma1.csv`` (``radius``, ``gap``, ``grad_norm``, ``eps_bias``,
        ``bound`` per parameter) and ``report.json`` (the constants ``mu_F``, ``M_g``).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols = plotting.read_csv(folder / f"{CHECK}.csv")
    report = load_report(folder / "report.json")
    c, n = report.details["constants"], report.details["n_points"]
    fig, ax = plotting.new_axes(figsize=(9.5, 4.8))
    ax.scatter(cols["radius"], cols["gap"] / cols["bound"], s=2, alpha=0.3,
               label=r"$(J^\star - J)\,/\,$Lemma-1 bound (pointwise $\varepsilon_{bias}$)")
    ax.axhline(1.0, color="k", ls="--", lw=1, label="ratio = 1 (bound tight)")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\|\theta - w_\star\|$")
    ax.set_ylabel("gap / bound (must be <= 1)")
    ax.set_title(f"Fatkhullin et al. 2023, Lemma 1 on the Cauchy bandit, {n} random parameters\n"
                 rf"$\mu_F$={c['mu_F']:.3g}, $M_g$={c['M_g']:.3g}, $\sqrt{{2\mu}}$={c['mu_F'] / c['M_g']:.3g}",
                 fontsize=9)
    plotting.legend_outside(ax, fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
