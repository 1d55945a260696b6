"""Public test helpers: tolerance-aware assertions, hypothesis strategies, statistical assertions.

Public API
----------
assert_close
"""

from ._assert import assert_close

__all__ = ["assert_close"]
