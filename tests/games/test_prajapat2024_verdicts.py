"""Issue 12 for the SubPO checks (Prajapat et al. 2024): every quick run states its claims (with
reasons), and its figures keep every legend inside the canvas and carry a verdict. The figures are
drawn by the checks' scripts in figures/ after each check (``run_one``; experiments compute, figures
draw). The same checks of the Nash checks are in ``test_munos2024.py`` and ``test_tiapkin2025.py``."""

import pytest

from ._helpers import check_claims_and_figures, run_recording

FAST = ["prajapat2024-grid-coverage"]
SLOW = ["prajapat2024-bandit-ratio", "prajapat2024-trap-family"]   # ~15-20 s each in quick mode


@pytest.mark.parametrize("name", FAST)
def test_quick_claims_and_figures(name, tmp_path, monkeypatch):
    rep, seen, _ = run_recording(name, tmp_path, monkeypatch)
    check_claims_and_figures(rep, seen)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_quick_claims_and_figures_slow(name, tmp_path, monkeypatch):
    rep, seen, _ = run_recording(name, tmp_path, monkeypatch)
    check_claims_and_figures(rep, seen)
