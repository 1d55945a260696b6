"""Figure: ``tiapkin2025-compare``, KL to the equilibrium, duality gap and span against preference queries for Nash-MP, EGPO, Nash-MD, OMD and OMWU on the same random games (Tiapkin et al. 2025, arXiv:2505.19731; Munos et al. 2024).

Three log panels (geometric mean over games): the KL with the registered bounds of Nash-MP
(inferred), EGPO (inferred) and Nash-MD (Munos et al., Theorem 1), the duality gap and the span
of log pi - log pi*. The caption is the check's verdict.

Usage: ``python figures/tiapkin2025_compare.py [--quick] [--out DIR] [--seeds N]`` runs the check
into ``DIR/tiapkin2025-compare/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "tiapkin2025-compare"


def draw(folder: Path) -> list:
    """Draw ``tiapkin2025_compare.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``tiapkin2025_compare_<K>.csv`` (per method and metric the geometric mean over games
        against the queries), ``tiapkin2025_compare_figure.json`` (method order, sizes, the bounds)
        and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "tiapkin2025_compare_figure.json")
    cols = {}
    for f in sorted(folder.glob("tiapkin2025_compare_*.csv")):
        cols.update(plotting.read_csv(f))
    names, beta = d["names"], d["beta"]
    fig, axes = plotting.new_axes(1, 3, figsize=(17, 5.0))
    colors = dict(zip(names, ["C0", "C1", "C2", "C3", "C4"]))
    for ax, metric, lab in zip(axes, ("kl", "gap", "span"),
                               (r"$\mathrm{KL}(\pi^*_\beta\|\pi)$", r"duality gap $2\beta\,\mathrm{KL}(\pi\|\mathrm{BR}(\pi))$",
                                r"span of $\log\pi - \log\pi^*_\beta$")):
        ax.set_title(lab + " (geometric mean over games)", fontsize=9)
        ys = []
        for name in names:
            y = cols[f"{name}_{metric}"]
            ax.plot(cols[f"{name}_queries"], y, color=colors[name], label=name)
            ys.append(y)
        ax.set_yscale("log")
        ax.set_xlabel("preference queries N")
        ax.set_ylabel(lab)
        plotting.decade_ylim(ax, ys)
    ax = axes[0]
    lo, hi = ax.get_ylim()
    ax.plot(d["queries"], d["nash_mp_bound"], "k--", lw=1.2,
            label=r"Nash-MP bound $KL_0(1+2\beta)^{-N/2}$" "\n" r"(Tiapkin+ 2025 v1; inferred, $\eta=2\beta$)")
    ax.plot(d["queries"], d["egpo_bound"], "k:", lw=1.2,
            label=r"EGPO bound $KL_0(1+\beta)^{-N/2}$" "\n" r"(inferred via Cen+ 2021, $\eta=1/(1+\beta)$)")
    ax.plot(d["nash_md_T"], d["nash_md_bound"], "-.", color="C2", lw=1.2,
            label=r"Nash-MD bound $8/(\tau^2(T+1))$" "\n" "(Munos+ 2023, Thm 1)")
    ax.set_ylim(lo, max(hi, 10 * 8 / beta ** 2))
    fig.suptitle(f"random preference games, |Y| = {d['responses']}, beta = {beta}, {d['games']} games, pi_0 = mu",
                 fontsize=10)
    plotting.legend_outside(axes[2], handles=axes[0].get_legend_handles_labels()[0],
                            labels=axes[0].get_legend_handles_labels()[1], fontsize=8)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="findings"), width=190)
    return [Path(p) for p in plotting.save_figure(fig, folder / "tiapkin2025_compare")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
