r"""Deng et al. (2025, arXiv:2510.03669 **v3**): Token Hidden Reward (THR) in group-relative RL.

No bound is registered: pgtheory checks the exact first-order token influence that THR-type scores
are built on (check ``deng2025-token-influence`` in :mod:`pgtheory.experiments`). This module holds
the paper's citation.

What was read: the abstract (THR "quantifies each token's influence on the likelihood of correct
responses under GRPO"; amplifying positive-THR tokens favours exploitation). Not read: THR's
formula. A third-party note on the authors' precursor (the NTHR score: prediction-error inner
product times hidden-state inner product, summed over the correct responses' tokens) is the form
checked.

References
----------
W. Deng, Y. Ren, Y. Li, B. Gong, D. J. Sutherland, X. Li, C. Thrampoulidis. Token Hidden Reward:
Steering Exploration-Exploitation in Group Relative Deep Reinforcement Learning.
arXiv:2510.03669v3 (2025).
"""

from __future__ import annotations

from .._core import Citation

__all__ = ["DENG2025"]

#: The paper (no locator).
DENG2025 = Citation(
    key="deng2025token",
    authors=("Deng, Wenlong", "Ren, Yi", "Li, Yushu", "Gong, Boying", "Sutherland, Danica J.", "Li, Xiaoxiao",
             "Thrampoulidis, Christos"),
    title="Token Hidden Reward: Steering Exploration-Exploitation in Group Relative Deep Reinforcement Learning",
    venue="arXiv preprint arXiv:2510.03669", entry_type="misc", year=2025, arxiv="2510.03669",
    arxiv_version="v3", url="https://arxiv.org/abs/2510.03669")
