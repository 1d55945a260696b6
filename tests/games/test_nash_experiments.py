"""Smoke tests of the registered Nash-MP checks (small seeds): verdicts and written files (Munos et al.'s
check is tested in ``test_munos2024.py``)."""

import pytest

from pgtheory.experiments import RunConfig, list_experiments, run_one

NAMES = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence",
         "tiapkin2025-stochastic-floor"]


def test_registered():
    names = {e.name for e in list_experiments()}
    assert set(NAMES) <= names


@pytest.mark.parametrize("name", ["tiapkin2025-rate-vs-beta"])
def test_quick_run_is_consistent_and_writes_files(name, tmp_path):
    # 5 seeds: MIN_SEEDS_FOR_CI, the fewest for which a rate claim can be decided (fewer are inconclusive)
    rep = run_one(name, RunConfig(quick=True, seeds=5, out_dir=tmp_path), catch=False)  # its script draws
    assert rep.verdict == "consistent", rep.measured
    assert rep.figures and all((tmp_path / p.split("/")[-1]).exists() for p in rep.figures)
    assert rep.data_files
