"""Figure: ``zhou2023-hac-sampled-rates``, sampled HAC: regret exponent at most 1/2 and online samples to eps at most eps^-6 (Zhou et al. 2023, Theorem 1, Corollary 1).

Usage: ``python figures/zhou2023_hac_sampled_rates.py [--quick] [--out DIR] [--seed N] [--seeds N]`` runs the check
into ``DIR/zhou2023-hac-sampled-rates/`` (default ``figures/output``) and draws it from the ``zhou2023_hac_sampled_rates.json`` it
writes; ``--from DIR`` only draws from a ``pgtheory reproduce --out DIR`` folder.
"""

from pathlib import Path

import numpy as np

from pgtheory import plotting
from pgtheory.experiments import figure_caption, figure_main

CHECK = "zhou2023-hac-sampled-rates"
DATA = "zhou2023_hac_sampled_rates.json"


def draw(folder):
    """Draw the check's figure from ``folder/zhou2023_hac_sampled_rates.json``; return the paths of the files written (PNG + PDF by default).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(folder)
    d = plotting.read_json(folder / DATA)
    T = np.asarray(d["T"], dtype=float)
    reg = np.asarray(d["regret"], dtype=float)
    n = np.asarray(d["n_on"], dtype=float)
    gap = np.asarray(d["gap"], dtype=float)
    R = reg.shape[0]
    fig, (a1, a2) = plotting.new_axes(1, 2)
    a1.fill_between(T, reg.min(axis=0), reg.max(axis=0), color="C0", alpha=0.2, label="sampled HAC, seed range")
    a1.loglog(T, reg.mean(axis=0), "o-", color="C0", ms=3, label=f"sampled HAC, mean of {R} seeds")
    a1.loglog(T, np.asarray(d["exact_regret"], dtype=float), "s:", color="C2", ms=3,
              label="exact-critic HAC (same eta_T)")
    a1.loglog(T, np.asarray(d["bound_thm1"], dtype=float), "--", color="k", lw=1,
              label="60 sqrt(T log A)/(1-gamma)^2 (Thm 1, coverage term dropped)")
    w = np.asarray(d["fit_regret"]["window"], dtype=float)
    tw = T[(T >= w[0]) & (T <= w[1])]
    m = reg.mean(axis=0)
    a1.loglog(tw, m[T == tw[0]][0] * np.sqrt(tw / tw[0]), "-.", color="0.4", lw=1,
              label=r"slope 1/2 from the window's first point")
    f = {k: np.asarray(v, dtype=float) for k, v in d["fit_regret"].items()}
    a1.text(0.03, 0.97, f"slope on T >= {w[0]:g}: {f['slope']:.3f} [{f['ci'][0]:.3f}, {f['ci'][1]:.3f}]",
            transform=a1.transAxes, va="top", fontsize=8)
    a1.set_xlabel(r"rounds $T$ ($K_2 = K_1 + T$, $m_{on} = m_{off} = T$, one run per $T$)")
    a1.set_ylabel(r"regret $\sum_{t\leq T} V^\star(\rho) - V^{\pi_t}(\rho)$")
    a1.set_title(f"gap MDP S={d['S']}, A={d['A']}, gamma={d['gamma']}")
    plotting.legend_outside(a1, where="below", fontsize=7)
    a2.fill_between(n, gap.min(axis=0), gap.max(axis=0), color="C1", alpha=0.2, label="seed range")
    a2.loglog(n, gap.mean(axis=0), "o-", color="C1", ms=3, label=r"mixture gap $\varepsilon$ = regret / T, mean")
    we = np.asarray(d["fit_eps"]["window"], dtype=float)
    nw = n[(n >= we[0]) & (n <= we[1])]
    ge = gap.mean(axis=0)
    a2.loglog(nw, ge[n == nw[0]][0] * (nw / nw[0]) ** (-1 / 6), "--", color="k", lw=1,
              label=r"$\varepsilon \propto n^{-1/6}$, i.e. $n(\varepsilon) \propto \varepsilon^{-6}$ (Cor. 1)")
    fe = {k: np.asarray(v, dtype=float) for k, v in d["fit_eps"].items()}
    a2.text(0.03, 0.05, f"slope {fe['slope']:.3f} [{fe['ci'][0]:.3f}, {fe['ci'][1]:.3f}] (stated <= -1/6)",
            transform=a2.transAxes, va="bottom", fontsize=8)
    a2.set_xlabel(r"online samples $n_{on} = T K_2 m_{on}$")
    a2.set_ylabel(r"$V^\star - V^{\hat\pi}$ (uniform mixture)")
    a2.set_title("samples to eps: at most eps^-6")
    plotting.legend_outside(a2, where="below", fontsize=7)
    fig.tight_layout()
    plotting.add_verdict(fig, *figure_caption(folder, style="headline"))
    return [Path(p) for p in plotting.save_figure(fig, folder / "zhou2023_hac_sampled_rates")]


def main(argv=None) -> int:
    """Run the check (or read ``--from DIR``) and draw its figure; return the exit status."""
    return figure_main(CHECK, draw, __doc__, argv)


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
