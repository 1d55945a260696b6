r"""Shared helpers of the exact tabular checks (mei2020, agarwal2021, cen2022, li2021).

Private: the problems (the bandit as a one-state MDP, seeded Garnet MDPs) and the suboptimality
curve of a trace. Each check lives in the module of its paper (``experiments/<key>.py``); their
figures are drawn by ``figures/<check>.py`` from the data the checks write (the rate panels with
:func:`pgtheory.plotting.rate_check_figure`).
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
