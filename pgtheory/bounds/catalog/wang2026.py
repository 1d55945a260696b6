r"""Wang et al. (ICLR 2026; arXiv:2509.22115 **v1**): D³S, dynamic dual-level down-sampling.

No bound is registered: the claim checked by pgtheory (check ``wang2026-variance-selection`` in
:mod:`pgtheory.experiments`) is about a selection rule and a gradient-norm bound. This module holds
the paper's citation.

What was read: the abstract only (the code is in the submission's supplement). The selection keeps
the rollouts that maximise the variance of the advantages; "this selection is positively
correlated with the upper bound of the policy gradient norm" (theorem not read; the bound
pgtheory checks is a Cauchy–Schwarz bound of our own reconstruction).

References
----------
C. Wang, T. Yang, H. Tian, Y. Shi, Q. Ma, X. Liu, T. Yao, W. Ding. Learning More with Less: A
Dynamic Dual-Level Down-Sampling Framework for Efficient Policy Optimization. ICLR 2026.
arXiv:2509.22115v1 (26 Sep 2025).
"""

from __future__ import annotations

from .._core import Citation

__all__ = ["WANG2026"]

#: The paper (no locator).
WANG2026 = Citation(
    key="wang2026learning",
    authors=("Wang, Chao", "Yang, Tao", "Tian, Hongtao", "Shi, Yunsheng", "Ma, Qiyao", "Liu, Xiaotao", "Yao, Ting",
             "Ding, Wenbo"),
    title="Learning More with Less: A Dynamic Dual-Level Down-Sampling Framework for Efficient Policy Optimization",
    venue="International Conference on Learning Representations (ICLR)", entry_type="inproceedings", year=2026,
    arxiv="2509.22115", arxiv_version="v1", url="https://arxiv.org/abs/2509.22115")
