"""Figure: ``zhou2023-offline-only``, comb lock: offline-only HAC works only when the data cover pi*; hybrid HAC on poorly covering data still matches on-policy (Zhou et al. 2023, Theorem 1).

Usage: ``python figures/zhou2023_offline_only.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the check
into ``DIR/zhou2023-offline-only/`` (default ``figures/output``) and draws it from the ``zhou2023_offline_only.json`` it
writes; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-offline-only"
DATA = "zhou2023_offline_only.json"
KINDS = (("eps-greedy pi*", "C0", "o"), ("bad mixture", "C3", "s"))


def draw(folder):
    """Draw the check's figure from ``folder/zhou2023_offline_only.json``; return the paths of the files written (PNG + PDF by default).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(folder)
    d = plotting.read_json(folder / DATA)
    runs = d["runs"]
    Hs = np.asarray(d["H"], dtype=float)
    Hr = np.array([r["H"] for r in runs], dtype=float)
    fig, (a1, a2, a3) = plotting.new_axes(1, 3)
    jit = {"eps-greedy pi*": -0.08, "bad mixture": 0.08}
    for k, col, mk in KINDS:
        gap = np.array([float(r[f"offline gap/V* ({k})"]) for r in runs])
        miss = np.array([r[f"pi* pairs missed ({k})"] > 0 for r in runs])
        a1.plot(Hr[~miss] + jit[k], gap[~miss], mk, color=col, ms=5, alpha=0.7,
                label=f"{k} data, all pi* pairs in the data")
        if miss.any():
            a1.plot(Hr[miss] + jit[k], gap[miss], mk, color=col, ms=6, mfc="none",
                    label=f"{k} data, a pi* pair missing")
        a1.plot(Hs, [np.mean(gap[Hr == h]) for h in Hs], "-", color=col, lw=1)
    a1.axhline(0.1, color="k", ls="--", lw=1, label="target 0.1 V*")
    a1.set_yscale("symlog", linthresh=0.01)
    a1.set_ylim(0, 1.5)
    a1.set_xlabel("horizon H (layers)")
    a1.set_ylabel("offline-only: final (V* - V^pi) / V*")
    a1.set_title(f"offline-only HAC, N = {d['N_offline']} tuples, no online data")
    plotting.legend_outside(a1, where="below", fontsize=7)
    cap = float(d["budget_samples"])
    for key, col, lab in (("log_samples_hybrid_bad", "C3", "hybrid HAC, bad data"),
                          ("log_samples_on_policy", "C2", "on-policy (no offline term)")):
        y = np.exp(np.asarray(d[key], dtype=float))
        a2.semilogy(Hs, np.exp(np.log(y).mean(axis=1)), "o-", color=col, ms=4,
                    label=f"{lab}, geometric mean of {y.shape[1]}")
        for j in range(y.shape[1]):
            a2.semilogy(Hs, y[:, j], ".", color=col, alpha=0.4)
    a2.axhline(cap, color="0.5", ls=":", lw=1, label="online budget (censored runs sit here)")
    a2.set_xlabel("horizon H (layers)")
    a2.set_ylabel("online samples to V* - V^pi <= 0.1 V*")
    a2.set_title("bad data: hybrid keeps the on-policy rate")
    plotting.legend_outside(a2, where="below", fontsize=7)
    for k, col, mk in KINDS:
        a3.semilogy(Hs, np.asarray(d["Cbar_off"][k], dtype=float), mk + "-", color=col, ms=4,
                    label=f"Cbar_off,pi* ({k} data)")
    a3.semilogy(Hs, 3.0 ** Hs, "k--", lw=1, label="A^H (C_npg lower bound from uniform pi)")
    a3.set_xlabel("horizon H (layers)")
    a3.set_ylabel("concentrability sup d^pi*/nu (Def. 4)")
    a3.set_title("coverage of pi* by the data")
    plotting.legend_outside(a3, where="below", fontsize=7)
    for ax in (a1, a2, a3):
        ax.set_xticks(Hs)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_offline_only")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
