r"""Li et al. (ICML 2026; arXiv:2509.25849 **v1**): Knapsack RL, rollout budgets allocated by a knapsack.

No bound is registered: the paper's claims checked by pgtheory are exact identities and an
allocation rule (checks ``li2026-*`` in :mod:`pgtheory.experiments`). This module holds the
paper's citation.

What was read: the abstract of arXiv v1 and of the ICML 2026 version, and the released code
(``verl/trainer/ppo/exploration_utils.py``: the value
:math:`(1-p^N-(1-p)^N)\,p(1-p)^2` and the dynamic programme ``solve_by_dp``; the launch script
``run_knapsack_grpo_7b.sh``: 256 prompts x 8 rollouts, ``MIN_N = 2``, ``MAX_N = 128``). Not read:
the paper's derivation of the value (its "InfoGain" factor :math:`p(1-p)^2`).

References
----------
Z. Li, C. Chen, T. Yang, T. Ding, R. Sun, G. Zhang, W. Huang, Z.-Q. Luo. Knapsack RL: Unlocking
Exploration of LLMs via Optimizing Budget Allocation. ICML 2026. arXiv:2509.25849v1 (30 Sep 2025).
"""

from __future__ import annotations

from .._core import Citation

__all__ = ["LI2026"]

#: The paper (no locator).
LI2026 = Citation(
    key="li2026knapsack",
    authors=("Li, Ziniu", "Chen, Congliang", "Yang, Tianyun", "Ding, Tian", "Sun, Ruoyu", "Zhang, Ge",
             "Huang, Wenhao", "Luo, Zhi-Quan"),
    title="Knapsack RL: Unlocking Exploration of LLMs via Optimizing Budget Allocation",
    venue="Proceedings of the 43rd International Conference on Machine Learning (ICML)",
    entry_type="inproceedings", year=2026, arxiv="2509.25849", arxiv_version="v1",
    url="https://arxiv.org/abs/2509.25849")
