"""Figure: ``li2021-hard``, softmax PG crossing times on Li et al.'s hard MDP grow super-polynomially, NPG's do not (arXiv:2102.11270).

Left: crossing times t_s against the primary state s for each |S| (softmax PG, gradient flow).
Middle: t_s against t_(s-2) across |S| beside recursion (46) with constant 1 and slope-1.5 guides.
Right: t_3 of softmax PG and NPG's iterations to sup-gap <= 0.07 against |S|, with the size
condition (1-gamma)^-6. The caption is the check's verdict.

Usage: ``python figures/li2021_hard.py [--quick] [--out DIR]`` runs the check into
``DIR/li2021-hard/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from a
``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "li2021-hard"


def draw(folder: Path) -> list:
    """Draw ``li2021_hard.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``li2021_hard.json`` (per |S|: crossing iterations and NPG iterations; the long run;
        ``figure``: the size condition and recursion (46)'s line) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "li2021_hard.json")
    gamma, states = d["gamma"], np.asarray(d["states"])
    runs = d["runs"]
    sizes = [r["n_states"] for r in runs]
    t_all = np.array([r["crossing_iterations"] for r in runs], dtype=float)
    k_npgs = [r["npg_iterations_to_0.07"] for r in runs]
    long = d.get("long_run")
    fig, (a1, a2, a3) = plotting.new_axes(1, 3, figsize=(17, 6.6))
    for j, (n_states, t) in enumerate(zip(sizes, t_all)):
        f_ = np.isfinite(t)
        a1.semilogy(states[f_], t[f_], "o-", color=f"C{j}", label=f"gamma={gamma}, |S|={n_states:.0e}")
    if long is not None:
        lt, ls_ = np.asarray(long["crossing_iterations"], dtype=float), np.asarray(long["states"])
        f_ = np.isfinite(lt)
        a1.semilogy(ls_[f_], lt[f_], "s--", color="k", ms=4, label=f"gamma={long['gamma']}, |S|={long['n_states']:.0e}")
    a1.set_xlabel("primary state s")
    a1.xaxis.get_major_locator().set_params(integer=True)
    a1.set_ylabel("crossing time t_s: first t with V^(t)(s) >= tau_s (iterations)")
    a1.set_title("softmax PG (gradient flow), eta = 0.99(1-gamma)^2/5", fontsize=10)
    plotting.legend_outside(a1, where="below", fontsize=7)
    for k in range(2, len(states)):
        ok = np.isfinite(t_all[:, k]) & np.isfinite(t_all[:, k - 2])
        if ok.sum() >= 2:
            a2.loglog(t_all[ok, k - 2], t_all[ok, k], "o-", color=f"C{k - 2}", label=f"s={states[k]} vs s-2")
    rec = d["figure"]["recursion46"]
    a2.loglog(rec["t_prev"], rec["t"], "k--", lw=1.2, label="eta^0.5 (1-gamma)^2 t_(s-2)^1.5 (Li et al. (46), constant 1)")
    for k in range(2, len(states)):
        ok = np.isfinite(t_all[:, k]) & np.isfinite(t_all[:, k - 2])
        if ok.sum() >= 2:
            x0, y0 = t_all[ok, k - 2][-2], t_all[ok, k][-2]
            a2.loglog([x0, x0 * 1e4], [y0, y0 * 1e6], ":", color=f"C{k - 2}", lw=1)
    a2.plot([], [], "k:", label="slope 1.5 through each curve's second-largest |S|")
    a2.set_xlabel("t_(s-2) (iterations), across |S|")
    a2.set_ylabel("t_s (iterations)")
    a2.set_title(f"recursion (46): t_s >~ t_(s-2)^1.5 (gamma={gamma})", fontsize=10)
    a2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), borderaxespad=0.0, ncol=1, fontsize=7)
    a3.loglog(sizes, [t[0] for t in t_all], "o-", color="C0", label="softmax PG: t_3")
    a3.loglog(sizes, [max(k, 1) for k in k_npgs], "s-", color="C1",
              label="NPG (eta=1, Agarwal et al. Thm 5.3): iterations to sup-gap <= 0.07")
    a3.axvline(d["figure"]["regime"], color="k", ls=":", lw=1, label="(1-gamma)^-6 (Li et al. Thm 1 size condition)")
    a3.set_xlabel("|S| (nominal number of states)")
    a3.set_ylabel("iterations")
    a3.set_title("PG grows with |S|, NPG does not", fontsize=10)
    a3.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), borderaxespad=0.0, ncol=1, fontsize=7)
    fig.suptitle("Li et al. 2021 (arXiv:2102.11270) Thms 1-3", fontsize=11)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder))
    return [Path(p) for p in plotting.save_figure(fig, folder / "li2021_hard")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
