r"""Bandits and contextual bandits with softmax policies: the LLM-RL group-sampling abstraction.

A prompt is a context, a response an arm, a group ``G`` i.i.d. responses per prompt. Group
estimators of the GRPO family (REINFORCE, RLOO, GRPO, Dr. GRPO, BNPO, SAN, NFT, PSR/NSR,
DisCO, OREAL) are small pure functions of (logits, sampled arms, rewards); their exact mean and
covariance come from count-vector enumeration (:func:`exact_moments`) or, for binary rewards,
the one-dimensional weight :func:`binary_weight`; :func:`monte_carlo_gradient` samples them.
Option names follow TRL's ``GRPOConfig`` (``loss_type``, ``scale_rewards``, ``epsilon``).

Public API
----------
Models: ContextualBandit, policy_probs, success_probability, exact_logit_gradient, check_logits.
Estimators: make_estimator, GroupEstimator, ESTIMATORS, LOSS_TYPES, SCALE_REWARDS, group_gradient,
loss_type_weights and the ``*_advantages`` functions.
Exact: exact_moments, ExactMoments, brute_force_moments, binary_weight, count_vectors,
num_count_vectors. Sampling: sample_groups, monte_carlo_gradient. Token level: TokenTree.
Claims: see :mod:`pgtheory.bandits._claims` (closed forms re-exported here).
"""

from ._claims import *  # noqa: F401,F403
from ._claims import __all__ as _claims_all
from ._estimators import *  # noqa: F401,F403
from ._estimators import __all__ as _est_all
from ._exact import *  # noqa: F401,F403
from ._exact import __all__ as _exact_all
from ._model import *  # noqa: F401,F403
from ._model import __all__ as _model_all
from ._sampling import *  # noqa: F401,F403
from ._sampling import __all__ as _sampling_all
from ._tokentree import *  # noqa: F401,F403
from ._tokentree import __all__ as _tree_all

__all__ = [*_model_all, *_est_all, *_exact_all, *_sampling_all, *_claims_all, *_tree_all]

from ._continuous import *  # noqa: F401,F403,E402  (helper H's continuous-action bandits)
from ._continuous import __all__ as _cont_all  # noqa: E402

__all__ += list(_cont_all)

# issue 18 (part D1): group laws, budgets (Knapsack RL), mixed SFT/RL (UPGE/HPT), down-sampling (D3S),
# token influence (THR) and pairwise estimators (P3O)
from ._grouplaw import *  # noqa: F401,F403,E402
from ._grouplaw import __all__ as _grouplaw_all  # noqa: E402
from ._budget import *  # noqa: F401,F403,E402
from ._budget import __all__ as _budget_all  # noqa: E402
from ._mixed import *  # noqa: F401,F403,E402
from ._mixed import __all__ as _mixed_all  # noqa: E402
from ._downsample import *  # noqa: F401,F403,E402
from ._downsample import __all__ as _downsample_all  # noqa: E402
from ._influence import *  # noqa: F401,F403,E402
from ._influence import __all__ as _influence_all  # noqa: E402
from ._pairwise import *  # noqa: F401,F403,E402
from ._pairwise import __all__ as _pairwise_all  # noqa: E402

__all__ += [*_grouplaw_all, *_budget_all, *_mixed_all, *_downsample_all, *_influence_all, *_pairwise_all]

# issue 18, part D2: ranking oracles (ZO-RankSGD), dataset resets (DR-PO), preference objectives (DNO, RPO),
# mode-seeking flows (Tajwar et al.), conflict tokens (GTPO), entropy control (AEPO); its COPO, Scaf-GRPO and SEC
# checks use the group-law functionals of _grouplaw above (one function per quantity)
from ._ranking import *  # noqa: F401,F403,E402
from ._ranking import __all__ as _ranking_all  # noqa: E402
from ._reset import *  # noqa: F401,F403,E402
from ._reset import __all__ as _reset_all  # noqa: E402
from ._preference import *  # noqa: F401,F403,E402
from ._preference import __all__ as _preference_all  # noqa: E402
from ._modeseeking import *  # noqa: F401,F403,E402
from ._modeseeking import __all__ as _modeseeking_all  # noqa: E402
from ._conflict import *  # noqa: F401,F403,E402
from ._conflict import __all__ as _conflict_all  # noqa: E402
from ._entropy_control import *  # noqa: F401,F403,E402
from ._entropy_control import __all__ as _entropy_control_all  # noqa: E402

__all__ += [*_ranking_all, *_reset_all, *_preference_all, *_modeseeking_all, *_conflict_all,
            *_entropy_control_all]
