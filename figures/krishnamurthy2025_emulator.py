"""Figure: ``krishnamurthy2025-emulator``, the Block-MDP emulator principle: sup-error over the policy class falls like k^-1/2 and does not depend on the observations per latent state (Krishnamurthy et al. 2025, arXiv:2504.05405; our reading).

Left: the emulator's sup-error over the policies against k sampled observations per latent
state, one curve per observation count m, beside a slope -1/2 line. Right: the error at k = 256
against m with 2-standard-error bars and a flat reference. The caption is the check's verdict.

Usage: ``python figures/krishnamurthy2025_emulator.py [--quick] [--out DIR] [--seeds N]`` runs the
check into ``DIR/krishnamurthy2025-emulator/`` (default ``figures/output``) and draws it;
``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_main, load_report

CHECK = "krishnamurthy2025-emulator"


def draw(folder: Path) -> list:
    """Draw ``krishnamurthy2025_emulator.{png,pdf}`` from the check's output ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Holds ``krishnamurthy2025_emulator_figure.json`` (``k``, ``m``, the sup-errors of shape
        (m, seeds, k), the model sizes) and ``report.json``.

    Returns
    -------
    list of pathlib.Path
        The files written (PNG + PDF unless the runner asks for other formats:
        :func:`pgtheory.plotting.figure_formats`).
    """
    folder = Path(folder)
    d = plotting.read_json(folder / "krishnamurthy2025_emulator_figure.json")
    report = load_report(folder / "report.json")
    ks, ms = np.asarray(d["k"]), np.asarray(d["m"])
    err = np.asarray(d["sup_error"], dtype=float)
    R = d["seeds"]
    e_m = err[:, :, -2].T  # (R, len(ms)) at k = 256
    fig, (ax, ax2) = plotting.new_axes(1, 2, figsize=(11, 4.6))
    for i, m in enumerate(ms):
        ax.plot(ks, err[i].mean(0), "o-", color=f"C{i}", ms=4, label=f"m = {m} observations per latent state")
    c = err[-1].mean(0)[0] * np.sqrt(ks[0])
    ax.plot(ks, c / np.sqrt(ks), "k--", lw=1, label="slope -1/2: c sqrt(log|Pi| / k) [I]")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("k sampled observations per latent state")
    ax.set_ylabel(f"sup over {d['n_policies']} policies of |V_emulator - V|")
    ax.set_title(f"emulator error vs k (H = {d['H']}, {d['S']} latent states/layer, {R} seeds)", fontsize=9)
    ax.legend(loc="lower left", fontsize=7)
    mu = e_m.mean(0)
    sd = e_m.std(0, ddof=1) / np.sqrt(R)
    ax2.errorbar(ms, mu, yerr=2 * sd, fmt="o-", capsize=3, label="k = 256: mean +- 2 se")
    ax2.axhline(mu.mean(), color="k", ls=":", lw=1, label="flat reference (independent of m)")
    ax2.set_xscale("log")
    ax2.set_ylim(0, mu.max() * 1.8)
    ax2.set_xlabel("m observations per latent state (|X| = m S per layer)")
    ax2.set_ylabel("sup error")
    ax2.set_title("emulator error does not depend on the observation space [I]", fontsize=9)
    ax2.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, report.verdict, report.reason)
    return [Path(p) for p in plotting.save_figure(fig, folder / "krishnamurthy2025_emulator")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
