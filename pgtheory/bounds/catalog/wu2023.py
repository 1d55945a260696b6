r"""Wu et al. (2023, arXiv:2310.00212 **v1**): P3O, pairwise proximal policy optimization.

No bound is registered: pgtheory checks the invariance of pairwise policy gradients to equivalent
rewards and the lack of it in PPO-style reward whitening (check ``wu2023-reward-invariance`` in
:mod:`pgtheory.experiments`). This module holds the paper's citation.

What was read: the abstract ("P3O is invariant to equivalent rewards", "PPO is not invariant to
equivalent reward functions ... due to the need to calibrate the reward scale"). Recalled, not
re-read: the pairwise policy gradient :math:`\frac12(r(y_1)-r(y_2))\nabla(\log\pi(y_1)-\log\pi(y_2))`
from the authors' blog post. Not read: P3O's clipped objectives.

References
----------
T. Wu, B. Zhu, R. Zhang, Z. Wen, K. Ramchandran, J. Jiao. Pairwise Proximal Policy Optimization:
Harnessing Relative Feedback for LLM Alignment. arXiv:2310.00212 (2023).
"""

from __future__ import annotations

from .._core import Citation

__all__ = ["WU2023"]

#: The paper (no locator).
WU2023 = Citation(
    key="wu2023pairwise",
    authors=("Wu, Tianhao", "Zhu, Banghua", "Zhang, Ruoyu", "Wen, Zhaojin", "Ramchandran, Kannan", "Jiao, Jiantao"),
    title="Pairwise Proximal Policy Optimization: Harnessing Relative Feedback for LLM Alignment",
    venue="arXiv preprint arXiv:2310.00212", entry_type="misc", year=2023, arxiv="2310.00212",
    arxiv_version="v1", url="https://arxiv.org/abs/2310.00212")
