r"""Shared helpers of the exact tabular checks (mei2020, agarwal2021, cen2022, li2021).

Private: the problems (the bandit as a one-state MDP, seeded Garnet MDPs), the suboptimality curve
of a trace and the figure helpers these checks share. Each check lives in the module of its paper
(``experiments/<key>.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["R_BANDIT", "bandit_mdp"]

R_BANDIT = (1.0, 0.9, 0.1)


def bandit_mdp(r=R_BANDIT):
    """A K-armed bandit as a one-state :class:`~pgtheory.mdp.TabularMDP` with ``gamma = 0``.

    Parameters
    ----------
    r : sequence of float
        Arm rewards.

    Returns
    -------
    TabularMDP
    """
    from ..mdp import TabularMDP

    r = np.asarray(r, dtype=np.float64)[None, :]
    return TabularMDP(np.ones((1, r.shape[1], 1)), r, gamma=0.0)


def _garnets(config, salt, n_mdp, S, A, b, gamma):
    """``(k, mdp)`` for ``n_mdp`` Garnet MDPs; MDP ``k`` uses child ``k`` of ``SeedSequence(config.seed + salt)``."""
    from ..mdp import instances

    ss = np.random.SeedSequence(config.seed + salt).spawn(n_mdp)
    for k in range(n_mdp):
        yield k, instances.garnet(S, A, b, gamma=gamma, seed=np.random.default_rng(ss[k]))


def _gap_curve(tr):
    """Iterations ``t >= 1`` (float) and the suboptimality recorded at them, from a trace."""
    return tr.iterations[1:].astype(float), tr.metric("suboptimality")[1:]


def _finish(fig, claims, p):
    """Caption ``fig`` with the check's verdict and the deciding claims' reasons, then save it."""
    from .. import plotting
    from ..ratecheck import explain

    verdict, text = explain(claims)
    plotting.add_verdict(fig, verdict, text)
    return plotting.save_figure(fig, p)


def _shared_legend(ax_from, ax_to):
    """One legend for several rate-check panels, beside ``ax_to``: generic entry names (the fitted
    slope of each panel is in its title)."""
    from .. import plotting

    handles, labels = ax_from.get_legend_handles_labels()
    ren = [("fit:", "fit on the tail window"), ("bound", None)]
    out = []
    for lab in labels:
        new = lab
        for pre, rep in ren:
            if lab.startswith(pre) and rep:
                new = rep
        out.append(new)
    return plotting.legend_outside(ax_to, handles=handles, labels=out, fontsize=7)


def _rate_panels(checks, claims, p, *, title, labels, ncols, xlabel=None, ylabel=None, bound_label=None,
                 figsize=None):
    """Rate-check panels (one per result) with one shared legend beside the top-right panel and the
    verdict under the figure; ``p`` is the output stem."""
    from .. import plotting

    n = len(checks)
    nrows = -(-n // ncols)
    fig, axes = plotting.new_axes(nrows, ncols, squeeze=False, figsize=figsize or (4.2 * ncols + 2.6, 3.6 * nrows + 0.8))
    for k, (ax, res) in enumerate(zip(axes.ravel(), checks)):
        slope = ""
        if res.fit is not None and res.fit.ok:
            slope = (f", slope {res.fit.slope:.2f}" if res.fit.model == "polynomial" else f", rate {res.fit.rate:.4f}")
        res.plot(ax=ax, title=f"{labels[k]}{slope}", legend=None, label="measured",
                 bound_label=bound_label or f"bound: {res.source}")
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(plotting.plain_label(ylabel))
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    _shared_legend(axes[0, 0], axes[0, min(n, ncols) - 1])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _finish(fig, claims, p)
