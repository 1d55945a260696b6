"""The exact Krishnamurthy et al. (COLT 2025) checks (D5, D7, D8) run in quick mode, are consistent,
get a figure (drawn by their script in figures/ after the check, issue 13 item 4), and give every
claim a source. (The Monte-Carlo check D6, ``krishnamurthy2025-emulator``, takes 5-20 s and is
exercised by ``pgtheory check NAME --quick``, not here, to keep this suite fast. Jia et al.'s checks
D1-D4 are tested in ``test_jia2023.py``.)"""

import pytest
from _agnostic_checks import assert_exact_check_consistent  # same folder (pytest's default prepend import mode)

EXACT = ["krishnamurthy2025-psdp-cpi", "krishnamurthy2025-regime", "krishnamurthy2025-coverage"]


@pytest.mark.parametrize("name", EXACT)
def test_exact_check_consistent(name, tmp_path):
    assert_exact_check_consistent(name, tmp_path)
