"""Every registered figure keeps its legends inside the canvas and states its verdict (issue 12, item 8).

The classic and Fatkhullin checks are covered by ``test_figures.py``, the Nash and SubPO checks by
``tests/games/test_munos2024.py``, ``tests/games/test_tiapkin2025.py`` and
``tests/games/test_prajapat2024_verdicts.py``, and the LLM checks by
``tests/bandits/test_llm_claims.py``; this file runs every *other* registered check in quick mode
and draws it with its script in ``figures/`` (``test_figures._run``: the check draws nothing, the
script draws from its folder), so a new family cannot ship a figure whose legend sticks out or
that hides its verdict. ``test_every_check_is_covered`` keeps the partition honest; checks that
declare no figure (``@experiment(..., figure=False)``) are exempt.
"""

import pytest
from test_figures import FAST, SLOW, _run  # same folder (pytest's default prepend import mode)

from pgtheory.experiments import list_experiments
from pgtheory.experiments.llm import ALL_CHECKS as LLM_CHECKS

#: names (or prefixes) of the checks covered by tests/games (test_<key>.py, test_prajapat2024_verdicts.py) and
#: tests/bandits
COVERED_ELSEWHERE_PREFIXES = ("tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence",
                              "tiapkin2025-stochastic-floor", "munos2024-", "prajapat2024-") + tuple(LLM_CHECKS)
COVERED_HERE_BY_TEST_FIGURES = set(FAST) | set(SLOW)
#: quick checks that do not draw a figure (claims only): those declaring ``figure=False``
NO_FIGURE = {e.name for e in list_experiments() if not e.figure}


def _others():
    # pgtheory's own checks (tests may register theirs, e.g. tests/cli/_scale_checks.py)
    names = [e.name for e in list_experiments() if e.run.__module__.startswith("pgtheory.experiments")]
    return [n for n in names if n not in COVERED_HERE_BY_TEST_FIGURES
            and not n.startswith(COVERED_ELSEWHERE_PREFIXES) and n not in NO_FIGURE]


def test_every_check_is_covered():
    names = {e.name for e in list_experiments() if e.run.__module__.startswith("pgtheory.experiments")}
    covered = (COVERED_HERE_BY_TEST_FIGURES | set(_others()) | set(NO_FIGURE)
               | {n for n in names if n.startswith(COVERED_ELSEWHERE_PREFIXES)})
    assert names <= covered


@pytest.mark.slow
@pytest.mark.parametrize("name", _others())
def test_figures_of_every_other_check(name, tmp_path, monkeypatch):
    _run(name, tmp_path, monkeypatch)
