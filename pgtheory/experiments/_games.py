"""Shared helpers of the preference-game checks (munos2024, tiapkin2025): seeded streams and random games.

Private to :mod:`pgtheory.experiments`; each check lives in the module of its paper.
"""

from __future__ import annotations

import numpy as np

from ._registry import RunConfig


def _rngs(config: RunConfig, R: int, salt: int):
    ss = np.random.SeedSequence([config.seed, salt])
    return [np.random.default_rng(s) for s in ss.spawn(R)]


def _instance(rng, n):
    from ..games import random_preference_game

    game = random_preference_game(n, rng=rng)
    mu = rng.dirichlet(np.ones(n))
    return game, mu
