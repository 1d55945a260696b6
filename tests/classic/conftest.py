"""Fixtures shared by the exact tabular tests (``test_algorithms.py`` and the per-paper files)."""

import pytest

from pgtheory.mdp import instances


@pytest.fixture(scope="module")
def garnet():
    """A 6-state, 3-action Garnet MDP (branching 3, gamma = 0.8, seed 1)."""
    return instances.garnet(6, 3, 3, gamma=0.8, seed=1)
