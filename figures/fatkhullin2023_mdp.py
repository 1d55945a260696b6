"""Figure: ``fatkhullin2023-mdp``, N-PG-IGT / N-HARPG / vanilla PG on a tabular softmax MDP through the sampled GPOMDP gradient and HVP oracles (Fatkhullin et al. 2023, illustration, arXiv:2302.01734).

One panel: for each method, the mean of J*-J over seeds against trajectories with its 95% band, the
fitted tail (dashed) and the registered bound's shape anchored at the tail start (dotted), on
log-log axes; the caption is the check's verdict.

Usage: ``python figures/fatkhullin2023_mdp.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs
the check into ``DIR/fatkhullin2023-mdp/`` (default ``figures/output``) and draws it; ``--from DIR``
only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "fatkhullin2023-mdp"
COLOR = {"n_pg_igt": "C0", "n_harpg": "C2", "vanilla_pg": "C3"}


def draw(folder: Path) -> list:
    """Draw ``fatkhullin2023-mdp.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``fatkhullin2023-mdp.csv`` (per method ``n``, ``mean``, ``lo``, ``hi``),
        ``fatkhullin2023-mdp.json`` (per method: the fit, ``label``, the fitted tail and the
        bound's shape) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols, fits = plotting.read_data(folder, f"{CHECK}.csv", f"{CHECK}.json")
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(figsize=(8.5, 5.0))
    plotting.plot_rate_curves(
        ax, cols, fits, colors=COLOR, marker="o", ms=3, reference_lw=1.6, legend="below", ylim=None,
        xlabel="trajectories used n (one GPOMDP trajectory per gradient, one per HVP)",
        ylabel=r"$J^\star - J(\theta)$ (mean over seeds, 95% band)",
        title=f"Fatkhullin et al. 2023 on a Garnet MDP (S=4, A=2), softmax, sampled oracles, "
              f"{report.details['seeds']} seeds\n"
              "dashed: fitted tail; dotted: registered bound's shape from the tail start")
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report, max_claims=1))
    return [Path(p) for p in plotting.save_figure(fig, folder / CHECK)]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
