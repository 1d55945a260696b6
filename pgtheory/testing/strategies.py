"""Hypothesis strategies for random exact problems (no rejection filtering: rows are softmaxes).

Examples
--------
>>> from hypothesis import given
>>> from pgtheory.testing.strategies import tabular_mdps
>>> @given(tabular_mdps(max_states=4, max_actions=3))
... def test_something(mdp): ...
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ..mdp import TabularMDP

__all__ = ["tabular_mdps", "policies_for", "simplex_vectors", "logits"]


@st.composite
def simplex_vectors(draw, n: int, min_mass: float = 0.0):
    """A probability vector of length ``n``; entries >= ``min_mass`` when it is > 0."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sparse = draw(st.booleans()) if min_mass == 0.0 else False
    x = rng.dirichlet(np.full(n, 0.3 if sparse else 1.0))
    if min_mass > 0:
        x = (1 - n * min_mass) * x + min_mass
    return x / x.sum()


@st.composite
def logits(draw, shape: tuple, scale: float = 5.0):
    """A float64 array of logits (Gaussian, std ``scale``) of the given shape."""
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


@st.composite
def tabular_mdps(draw, min_states: int = 1, max_states: int = 5, min_actions: int = 1, max_actions: int = 4,
                 gammas=(0.0, 0.5, 0.9, 0.95), branching=None):
    """A random dense :class:`~pgtheory.mdp.TabularMDP` with Dirichlet rows and rewards in [0, 1]."""
    S = draw(st.integers(min_states, max_states))
    A = draw(st.integers(min_actions, max_actions))
    gamma = draw(st.sampled_from(gammas))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    alpha = draw(st.sampled_from([0.2, 1.0]))
    P = rng.dirichlet(np.full(S, alpha), size=(S, A))
    r = rng.uniform(0.0, 1.0, size=(S, A))
    rho = rng.dirichlet(np.ones(S))
    return TabularMDP(P, r, gamma, rho)


@st.composite
def policies_for(draw, S: int, A: int, min_mass: float = 0.0):
    """A stochastic policy ``pi[s, a]`` of shape (S, A)."""
    return np.stack([draw(simplex_vectors(A, min_mass=min_mass)) for _ in range(S)])
