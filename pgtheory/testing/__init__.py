"""Public test helpers: tolerance-aware assertions, hypothesis strategies, statistical assertions.

Public API
----------
assert_close, assert_unbiased, bonferroni_z, z_scores, DEFAULT_ALPHA
    Tolerance-aware and statistical assertions.
test_seed, SEED_ENV
    Seeds of statistical tests, reseedable with ``PGTHEORY_TEST_SEED`` (see ``_seed``).

``pgtheory.testing.strategies`` (imports hypothesis) holds the strategies.
"""

from ._assert import assert_close
from ._seed import SEED_ENV, test_seed
from ._stats import DEFAULT_ALPHA, assert_unbiased, bonferroni_z, z_scores

__all__ = ["assert_close", "assert_unbiased", "bonferroni_z", "z_scores", "DEFAULT_ALPHA", "test_seed", "SEED_ENV"]
