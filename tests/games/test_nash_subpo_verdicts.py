"""Issue 12 for the Nash-MP and SubPO checks: every quick run states its claims (with reasons), its
figures keep every legend inside the canvas and carry a verdict, and a single stochastic seed is
never "violated". The figures are drawn by the checks' scripts in figures/ after each check
(``run_one``; experiments compute, figures draw). Munos et al.'s check is tested in ``test_munos2024.py``."""

import pytest

from pgtheory.experiments import RunConfig, get

from ._helpers import check_claims_and_figures, run_recording

FAST = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence",
        "tiapkin2025-stochastic-floor", "prajapat2024-grid-coverage"]
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


def test_inferred_statements_say_so():
    rep = get("tiapkin2025-compare").run(RunConfig(quick=True))
    by = {c["name"]: c for c in rep.claims}
    for name in ("Nash-MP KL bound", "EGPO KL bound"):
        assert "(inferred)" in by[name]["source"] and "inferred" in by[name]["reason"]
    # Nash-MD is fitted (last decade), not "not fitted"
    assert "not fitted" not in by["Nash-MD Thm 1"]["measured"]
    assert by["Nash-MD Thm 1"]["verdict"] == "consistent"
    # the finding stays a finding: the stated upper bound is consistent, the square is in the reason
    assert by["Nash-MP KL bound"]["verdict"] == "consistent" and "square" in by["Nash-MP KL bound"]["reason"]


def test_single_stochastic_seed_is_never_violated():
    rep = get("tiapkin2025-stochastic-floor").run(RunConfig(quick=True, seeds=1))
    assert rep.verdict != "violated", rep.reason
    assert any("fewer than" in c["reason"] for c in rep.claims)
