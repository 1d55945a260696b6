"""Figure: ``mei2020-mdp``, softmax PG on random Garnet MDPs against Mei et al. 2020, Theorem 4 with the running c_t (arXiv:2005.06392).

One log-log panel per MDP: the gap, the Theorem 4 bound evaluated with the running c_t, and the
fitted O(1/t) rate with its interval; one shared legend; the caption is the check's verdict.

Usage: ``python figures/mei2020_mdp.py [--quick] [--out DIR]`` runs the check into
``DIR/mei2020-mdp/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "mei2020-mdp"


def draw(folder: Path) -> list:
    """Draw ``mei2020_mdp.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``mei2020_mdp_panels.json`` (one rate-check panel per MDP, and their labels) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "mei2020_mdp_panels.json")
    out = plotting.rate_check_figure(
        d["panels"], folder / "mei2020_mdp", ncols=min(3, len(d["panels"])), labels=d["labels"],
        title="Softmax PG, eta=(1-gamma)^3/8 vs Mei et al. 2020, Thm 4 with running c_t",
        ylabel="V*(rho) - V^pi_t(rho)", bound_label="Thm 4 bound (running c_t)", verdict=figure_caption(folder))
    return [Path(p) for p in out]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
