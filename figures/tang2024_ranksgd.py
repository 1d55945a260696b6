"""ZO-RankSGD (Tang et al. 2024): exact mean of the rank-based estimator and its use on a softmax bandit.

Left: the exact coefficient c(m, k) of E[g] = c(m, k) mu a/|a| for a linear utility (order-statistic
quadrature), for the authors' coefficient m - 2r ("code") and the comparison DAG's m - 1 - 2r, with
k = 1, 2 or m ranked items (with k = m the two coincide). Middle: on a 4-arm softmax bandit's success
probability, the projection of E[g]/mu on grad J (Monte Carlo, Bonferroni intervals at level 1e-3)
against the linear limit c(5, 2). Right: the bias, the norm of E[g]/mu - c u (common random numbers against the
linearised utility) grows like mu.

Run: ``python figures/tang2024_ranksgd.py [--quick] [--out DIR] [--from DIR]``; writes
``tang2024_ranksgd.{png,pdf}`` next to the check's data in ``OUT/tang2024-ranksgd/``.
"""

from __future__ import annotations

from pathlib import Path

from pgtheory.experiments import figure_caption, figure_main
from pgtheory.plotting import add_verdict, legend_outside, new_axes, read_data, save_figure

CHECK = "tang2024-ranksgd"


def draw(folder: Path) -> list:
    """Draw the figure from the check's data in ``folder``; returns the paths of the files written (PNG + PDF by default)."""
    from scipy.stats import norm

    folder = Path(folder)
    lin, ban = read_data(folder, "tang2024_ranksgd_linear.csv", "tang2024_ranksgd_bandit.csv")
    fig, (a1, a2, a3) = new_axes(1, 3, figsize=(15.5, 4.6))
    for variant, colour in (("code", "C0"), ("dag", "C1")):
        for kk, ls in (("k1", "-"), ("k2", "--"), ("km", ":")):
            a1.plot(lin["m"], lin[f"c_{variant}_{kk}"], ls, color=colour, marker="o", ms=3,
                    label=f"{variant}, k = {kk[1:]}")
    a1.set_xlabel("points shown per query $m$")
    a1.set_ylabel(r"exact $c(m,k)$ with $E[\hat g]=c\,\mu\,a/\|a\|$")
    a1.set_title("linear utility (exact)")
    legend_outside(a1, where="below", fontsize=7)
    z = float(norm.isf(1e-3 / (2 * len(ban["mu"]))))
    a2.errorbar(ban["mu"], ban["proj"], yerr=z * ban["proj_se"], fmt="o-", color="C2", ms=4,
                label=r"$E[\hat g]\cdot\nabla J/(\mu\|\nabla J\|)$ (Monte Carlo)")
    a2.plot(ban["mu"], ban["c_linear"], "k--", label="linear limit $c(5,2)$ (exact)")
    a2.set_xscale("log")
    a2.set_xlabel(r"smoothing radius $\mu$")
    a2.set_ylabel("normalised projection on the gradient")
    a2.set_title("softmax bandit ($K=4$, $m=5$, $k=2$)")
    legend_outside(a2, where="below", fontsize=7)
    a3.errorbar(ban["mu"], ban["bias"], yerr=z * ban["bias_se"], fmt="s-", color="C3", ms=4,
                label=r"$\|E[\hat g]/\mu-c\,u\|$ (common random numbers)")
    a3.plot(ban["mu"], ban["bias"][-1] * ban["mu"] / ban["mu"][-1], "k:", label=r"$\propto\mu$ (reference)")
    a3.set_xscale("log")
    a3.set_yscale("log")
    a3.set_xlabel(r"smoothing radius $\mu$")
    a3.set_ylabel("bias of the normalised estimate")
    a3.set_title(r"bias grows like $\mu$")
    legend_outside(a3, where="below", fontsize=7)
    fig.tight_layout()
    add_verdict(fig, *figure_caption(folder, style="verdicts"), width=170)
    return [Path(p) for p in save_figure(fig, folder / "tang2024_ranksgd")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
