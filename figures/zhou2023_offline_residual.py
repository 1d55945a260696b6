"""Figure: ``zhou2023-offline-residual``, HPE on a realizable but incomplete class: the offline Bellman residual grows with lam at most linearly and stays under eq. (20) (Zhou et al. 2023, Lemma 5 (b)).

Usage: ``python figures/zhou2023_offline_residual.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the check
into ``DIR/zhou2023-offline-residual/`` (default ``figures/output``) and draws it from the ``zhou2023_offline_residual.json`` it
writes; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-offline-residual"
DATA = "zhou2023_offline_residual.json"


def draw(folder):
    """Draw the check's figure from ``folder/zhou2023_offline_residual.json``; return the paths of the files written (PNG + PDF by default).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(folder)
    d = plotting.read_json(folder / DATA)
    lam = np.asarray(d["lam"], dtype=float)
    res = np.asarray(d["offline_residual"], dtype=float)
    on = np.asarray(d["on_policy_error"], dtype=float)
    bound = np.asarray(d["bound_eq20"], dtype=float)
    fig, (a1, a3, a2) = plotting.new_axes(1, 3)
    for i in range(res.shape[0]):
        a1.loglog(lam, res[i], "-", color="C0", alpha=0.25, lw=0.8, label="one instance" if i == 0 else None)
    a1.loglog(lam, res.mean(axis=0), "o-", color="C0", ms=3, label=f"mean of {res.shape[0]} instances")
    a1.loglog(lam, np.median(bound, axis=0), "--", color="k", lw=1,
              label="eq. (20), LP lower eps_be (median over instances)")
    ref = res.mean(axis=0)[0] * lam / lam[0]
    a1.loglog(lam, ref, ":", color="0.4", lw=1, label="slope 1 (the allowed growth), from the first point")
    a1.set_ylim(0.5 * res.min(), 3 * max(np.median(bound, axis=0).max(), res.max()))
    f = d["fit"]
    a1.text(0.03, 0.97, f"fitted exponent {f['slope']:.3f} [{f['ci'][0]:.3f}, {f['ci'][1]:.3f}]",
            transform=a1.transAxes, va="top", fontsize=8)
    a1.set_xlabel(r"on-policy weight $\lambda$")
    a1.set_ylabel(r"offline residual $E_\nu(\bar f - T^\pi \bar f)^2$")
    a1.set_title(r"offline Bellman residual vs $\lambda$")
    plotting.legend_outside(a1, where="below", fontsize=7)
    growth = res / res[:, :1]
    for i in range(growth.shape[0]):
        a3.semilogx(lam, growth[i], "-", color="C0", alpha=0.35, lw=0.8, label="one instance" if i == 0 else None)
    a3.semilogx(lam, np.median(growth, axis=0), "o-", color="C0", ms=3, label="median over instances")
    a3.axhline(1.0, color="0.5", lw=0.8, ls=":")
    a3.set_xlabel(r"on-policy weight $\lambda$")
    a3.set_ylabel(r"residual / residual at the smallest $\lambda$")
    a3.set_title("it does grow (then saturates)")
    plotting.legend_outside(a3, where="below", fontsize=7)
    for i in range(on.shape[0]):
        a2.loglog(lam, np.maximum(on[i], 1e-300), "-", color="C1", alpha=0.25, lw=0.8)
    a2.loglog(lam, on.mean(axis=0), "o-", color="C1", ms=3, label=r"mean $E_{d^\pi}(\bar f - Q^\pi)^2$")
    g = float(d["gamma"])
    a2.loglog(lam, 12 / ((1 - g) ** 2 * lam), "--", color="k", lw=1, label="12/((1-gamma)^2 lam) (Lemma 5 (a))")
    a2.set_xlabel(r"on-policy weight $\lambda$")
    a2.set_ylabel("on-policy error")
    a2.set_title("the price: on-policy error falls")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_offline_residual")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
