"""Figure: ``jia2023-online``, the online mechanism: prefix replay on deterministic MDPs, and importance sampling against POPLER-lite for singletons on fresh states (Jia et al. 2023, arXiv:2310.06113).

Left: episodes spent by prefix replay against sum_h C_h (the bound, dashed) for random deterministic
MDPs of three classes. Right: episodes to a fixed sup-error against the horizon for uniform
importance sampling and POPLER-lite, with bootstrap intervals and a 2^H reference slope. The
caption is the check's verdict.

Usage: ``python figures/jia2023_online.py [--quick] [--out DIR] [--seeds N]`` runs the check into
``DIR/jia2023-online/`` (default ``figures/output``) and draws it; ``--from DIR`` only draws from
a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "jia2023-online"


def draw(folder: Path) -> list:
    """Draw ``jia2023_online.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``jia2023_online_figure.json`` (per random deterministic MDP: class, episodes and
        bound; per estimator and horizon: mean episodes-to-eps and its interval) and
        ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "jia2023_online_figure.json")
    report = load_report(folder / "report.json")
    bound, eps_used, which = d["bound"], d["episodes"], d["which"]
    Hs = np.asarray(d["H"])
    fig, (ax, ax2) = plotting.new_axes(1, 2, figsize=(11, 4.6))
    for cls, col in zip(d["classes"], ("C0", "C1", "C2")):
        sel = np.array(which) == cls["name"]
        ax.plot(np.array(bound)[sel], np.array(eps_used)[sel], "o", mfc="none", color=col, alpha=0.7,
                label=f"{cls['name']} (|Pi| = {cls['size']}), one random deterministic MDP each")
    lim = max(bound) * 1.1
    ax.plot([0, lim], [0, lim], "k--", lw=1, label="bound: episodes = sum_h C_h(Pi; M)")
    ax.set_xlabel("sum_h C_h(Pi; M) (pairs the class reaches)")
    ax.set_ylabel("episodes spent by prefix replay")
    ax.set_title("(a) deterministic MDPs: replay [A; mechanism I]", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    for name, col, lab in (("importance_sampling", "C3", "uniform IS (weight 2^H)"),
                           ("popler_lite", "C0", "POPLER-lite (weight <= H), ours")):
        mu, c = np.asarray(d["need"][name]["mean"], dtype=float), np.asarray(d["need"][name]["ci"], dtype=float)
        ax2.errorbar(Hs, mu, yerr=[mu - c[0], c[1] - mu], fmt="o-", color=col, capsize=3, label=lab)
    ref = np.asarray(d["need"]["importance_sampling"]["mean"], dtype=float)[0] * 2.0 ** (Hs - Hs[0])
    ax2.plot(Hs, ref, "k:", lw=1, label="reference slope 2^H (A^H baseline [R])")
    ax2.set_yscale("log")
    ax2.set_xlabel("horizon H")
    ax2.set_ylabel(f"episodes to sup-error {d['eps']} (CLT-scaled from n = {d['n0']})")
    ax2.set_title(f"(b) singletons on fresh states (N = {d['N']}), {d['seeds']} seeds", fontsize=9)
    ax2.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "jia2023_online")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
