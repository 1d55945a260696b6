"""Shared hypothesis strategies for the bandit tests (logits incl. an extreme +-30 stratum, reward patterns)."""

import numpy as np
from hypothesis import strategies as st


@st.composite
def bandit_case(draw, max_K=4, max_M=2, min_G=1, max_G=4, binary_only=False):
    """(logits[M, K], rewards[M, K], G, kind) with kind in binary / ties / general and extreme logits."""
    K = draw(st.integers(2, max_K))
    M = draw(st.integers(1, max_M))
    G = draw(st.integers(min_G, max_G))
    seed = draw(st.integers(0, 2**32 - 1))
    extreme = draw(st.booleans())
    kind = "binary" if binary_only else draw(st.sampled_from(["binary", "ties", "general"]))
    rng = np.random.default_rng(seed)
    th = rng.normal(0.0, 3.0, size=(M, K))
    if extreme:
        th = th + rng.choice([-30.0, 0.0, 30.0], size=(M, K))
    if kind == "binary":
        r = (rng.random((M, K)) < 0.5).astype(float)
    elif kind == "ties":
        r = rng.choice([-1.0, 0.0, 0.5], size=(M, K))
    else:
        r = rng.uniform(-1.0, 1.0, size=(M, K))
    return th, r, G, kind
