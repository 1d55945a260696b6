r"""Lv et al. (2025, arXiv:2509.04419 **v1**): a unified view of LLM post-training (UPGE) and HPT.

No bound is registered: the claims checked by pgtheory are exact identities of the unified
policy gradient estimator and of HPT's switch (checks ``lv2025-*`` in :mod:`pgtheory.experiments`).
This module holds the paper's citation.

What was read: the abstract; the paper's table of post-training algorithms (reference policy,
advantage, estimator) and Algorithm 1 (HPT) as figures shipped in the authors' repository; the
README formula :math:`\mathrm{grad}_{Uni}=\mathbb 1_{stable}\frac1{\pi_{ref}}\hat A\nabla\pi_\theta`;
the released switch rule (SFT when no rollout of a question succeeds). The common objective
:math:`J_\mu=\mathbb E_{\pi_\theta}[r]-\mu\,\mathrm{KL}(\pi_\beta\|\pi_\theta)` is from a third-party
summary. Not read: the paper's derivation.

References
----------
X. Lv, Y. Zuo, Y. Sun, H. Liu, Y. Wei, Z. Chen, L. He, X. Zhu, B. Wang, N. Ding, B. Zhou. Towards a
Unified View of Large Language Model Post-Training. arXiv:2509.04419v1 (4 Sep 2025).
"""

from __future__ import annotations

from .._core import Citation

__all__ = ["LV2025"]

#: The paper (no locator).
LV2025 = Citation(
    key="lv2025towards",
    authors=("Lv, Xingtai", "Zuo, Yuxin", "Sun, Youbang", "Liu, Hongyi", "Wei, Yuntian", "Chen, Zhekai",
             "He, Lixuan", "Zhu, Xuekai", "Wang, Bingning", "Ding, Ning", "Zhou, Bowen"),
    title="Towards a Unified View of Large Language Model Post-Training",
    venue="arXiv preprint arXiv:2509.04419", entry_type="misc", year=2025, arxiv="2509.04419",
    arxiv_version="v1", url="https://arxiv.org/abs/2509.04419")
