"""Figure: ``cen2022-thm1``, entropy-regularised NPG against Cen et al. 2021 (Operations Research 2022), Theorem 1 (arXiv:2007.06558).

One semi-log panel per step size and error (Q error and log-policy error, MDP 0 of the check): the
error, the Theorem 1 bound, and the fitted contraction with its interval; one shared legend; the
caption is the check's verdict over all its runs.

Usage: ``python figures/cen2022_thm1.py [--quick] [--out DIR]`` runs the check into
``DIR/cen2022-thm1/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "cen2022-thm1"


def draw(folder: Path) -> list:
    """Draw ``cen2022_thm1.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``cen2022_thm1_panels.json`` (MDP 0's rate checks, Q and log-policy error per step
        size) and ``report.json`` (``gamma``, ``tau``).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    panels = plotting.read_json(folder / "cen2022_thm1_panels.json")
    report = load_report(folder / "report.json")
    gamma, tau = report.details["gamma"], report.details["tau"]
    out = plotting.rate_check_figure(
        panels, folder / "cen2022_thm1", ncols=2, labels=[p["label"] for p in panels], xlabel="t",
        title=f"Entropy-regularised NPG (Garnet S=10, A=4, gamma={gamma}, tau={tau}) vs Cen et al. 2021, Thm 1",
        bound_label="Thm 1 bound", ylabel="error (sup norm)", figsize=(12.0, 3.0 * len(panels) // 2 + 1.0),
        verdict=figure_caption(report))
    return [Path(p) for p in out]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
