"""Figure: ``liu2025-grpo-weights``, exact difficulty weights w_G(p) of the GRPO family and DisCO against the true policy gradient (Liu et al. 2025, arXiv:2503.20783; Li et al. 2025, arXiv:2505.12366).

For one prompt with success probability p, every estimator of the family has the exact
expectation E[g] = w_G(p) grad p (pgtheory.bandits.binary_weight). The true gradient has
w = 1 (REINFORCE, RLOO); Dr. GRPO (G-1)/G; GRPO's std normalisation tends to 1/sqrt(p(1-p));
DisCO-b to 1/(p(1-p)); BNPO with alpha=beta=3/2 is pi/8 times GRPO (ddof=0). The caption is the
check's verdict with each claim's measurement.

Sources: Shao et al. 2024 (arXiv:2402.03300), Liu et al. 2025 (arXiv:2503.20783),
Xiao et al. 2025 (arXiv:2506.02864), Li et al. 2025 (arXiv:2505.12366).

Usage: ``python figures/liu2025_grpo_weights.py [--quick] [--out DIR]`` runs the check into
``DIR/liu2025-grpo-weights/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws
from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "liu2025-grpo-weights"


def caption(report) -> tuple:
    """``(verdict, reason)``: the headline, then each claim's name, verdict and measurement."""
    parts = "; ".join(f"{c['name']}: {c['verdict']} ({c['measured']})" for c in report.claims)
    return report.verdict, f"{report.reason}. {parts}."


def draw(folder: Path) -> list:
    """Draw ``liu2025_grpo_weights.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``liu2025_grpo_weights.csv`` (``p`` and one column per estimator and group size
        G, plus the large-G limits) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    curves = plotting.read_csv(folder / "liu2025_grpo_weights.csv")
    report = load_report(folder / "report.json")
    fig, ax = plotting.new_axes(figsize=(7.5, 5.2))
    p = curves["p"]
    Gs = sorted({int(k.split("G=")[1]) for k in curves if "G=" in k})
    Gmax = Gs[-1]
    ax.plot(p, curves["true gradient"], "k-", lw=2.5, label="true gradient (REINFORCE, RLOO): w = 1")
    ax.plot(p, curves[f"Dr. GRPO G={Gmax}"], "k:", lw=2, label=f"Dr. GRPO: w = (G-1)/G, G={Gmax}")
    styles = {4: ":", 8: "--", 16: "-"}
    for G in Gs:
        ax.plot(p, curves[f"GRPO ddof=1 G={G}"], color="C0", ls=styles.get(G, "-"), label=f"GRPO (std, ddof=1), G={G}")
    ax.plot(p, curves["GRPO limit 1/sqrt(p(1-p))"], color="C0", lw=3, alpha=0.35, label="GRPO, G→∞: 1/√(p(1-p))")
    ax.plot(p, curves[f"BNPO a=b=3/2 G={Gmax}"], color="C2", label=f"BNPO α=β=3/2, G={Gmax} (= π/8 × GRPO ddof=0)")
    for G in Gs:
        ax.plot(p, curves[f"DisCO-b G={G}"], color="C3", ls=styles.get(G, "-"), label=f"DisCO-b (log-L), G={G}")
    ax.plot(p, curves["DisCO limit 1/(p(1-p))"], color="C3", lw=3, alpha=0.35, label="DisCO-b, G→∞: 1/(p(1-p))")
    ax.set_yscale("log")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("success probability p of the prompt (easy prompts on the right)")
    ax.set_ylabel("weight w_G(p) in E[ĝ] = w_G(p)·∇p")
    ax.set_title("Exact difficulty weights of the GRPO family vs the true gradient (binary rewards, one prompt)\n"
                 "Shao+24 GRPO, Liu+25 Dr. GRPO, Xiao+25 BNPO, Li+25 DisCO", fontsize=9)
    ax.set_ylim(0.3, 300)
    plotting.legend_outside(ax, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *caption(report))
    return [Path(p) for p in plotting.save_figure(fig, folder / "liu2025_grpo_weights")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
