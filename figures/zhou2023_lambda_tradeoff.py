"""Figure: ``zhou2023-lambda-tradeoff``, HPE over a realizable but incomplete linear class: the on-policy error against Lemma 5(a) and the offline Bellman residual against eq. (20), as lam varies (Zhou et al. 2023, arXiv:2311.08384).

Left: the on-policy error of f_bar against 12/((1-gamma)^2 lam). Right: the offline Bellman
residual against eq. (20) with the LP lower estimate of eps_be. The caption is the check's verdict.

Usage: ``python figures/zhou2023_lambda_tradeoff.py [--quick] [--out DIR]`` runs the check into
``DIR/zhou2023-lambda-tradeoff/`` (default ``figures/output``) and draws it; ``--from DIR`` only
draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main, load_report

CHECK = "zhou2023-lambda-tradeoff"


def draw(folder: Path) -> list:
    """Draw ``zhou2023_lambda_tradeoff.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``zhou2023_lambda_tradeoff.json`` (``lam``, both errors and both bounds) and
        ``report.json`` (``eps_be_lower``).

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "zhou2023_lambda_tradeoff.json")
    report = load_report(folder / "report.json")
    lams = d["lam"]
    fig, (a1, a2) = plotting.new_axes(1, 2)
    a1.loglog(lams, d["on_policy_error"], "o-", ms=3, label=r"measured $E_{d^\pi}(\bar f - Q^\pi)^2$")
    a1.loglog(lams, d["bound_on"], "--", color="k", lw=1, label="12/((1-gamma)^2 lam) (Lemma 5a)")
    a1.set_xlabel("lam (on-policy weight)")
    a1.set_ylabel("on-policy error")
    a1.set_title("on-policy error falls with lam")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.loglog(lams, d["offline_residual"], "o-", ms=3, color="C1", label="measured E_nu(f_bar - T f_bar)^2")
    a2.loglog(lams, d["bound_off"], "--", color="k", lw=1, label="eq. (20) with LP lower eps_be")
    a2.set_xlabel("lam (on-policy weight)")
    a2.set_ylabel("offline Bellman residual")
    a2.set_title(f"offline residual (eps_be >= {report.details['eps_be_lower']:.2g})")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(report, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_lambda_tradeoff")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
