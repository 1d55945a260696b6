"""Figure: ``fatkhullin2023-lqr``, E[J*-J] against trajectories on LQR with a Gaussian linear policy (illustration; Fatkhullin et al. 2023, arXiv:2302.01734).

One panel: for N-PG-IGT, HARPG, N-HARPG, vanilla PG and N-SGDM, the mean suboptimality over seeds
with its 95% band, the fitted tail (dashed) and the stated exponent drawn from the tail start
(dotted), on log-log axes; the caption is the check's verdict (the Gaussian score is unbounded, so
the theorems' regularity fails and the check is an illustration). The same drawing as
``fatkhullin2023_convergence.py``.

Usage: ``python figures/fatkhullin2023_lqr.py [--quick] [--out DIR] [--seed N] [--seeds N]``
runs the check into ``DIR/fatkhullin2023-lqr/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "fatkhullin2023-lqr"
COLOR = {"n_pg_igt": "C0", "harpg": "C1", "n_harpg": "C2", "vanilla_pg": "C3", "n_sgdm": "C7"}


def draw(folder: Path) -> list:
    """Draw ``fatkhullin2023-lqr.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``fatkhullin2023-lqr.csv`` / ``.json`` and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    cols, fits = plotting.read_data(folder, f"{CHECK}.csv", f"{CHECK}.json")
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(figsize=(10.5, 5.0))
    plotting.plot_rate_curves(
        ax, cols, fits, colors=COLOR, xlabel="trajectories used n",
        ylabel=r"$J^\star - J(\theta)$ (mean over seeds, 95% band)",
        title=f"Fatkhullin et al. 2023, Thms 1-2: LQR, Gaussian linear policy (illustration), "
              f"{report.details['sizes']['seeds']} seeds\ndashed: fitted tail; dotted: stated exponent from the tail start")
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
