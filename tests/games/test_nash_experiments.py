"""Smoke tests of the registered Nash checks (small seeds): verdicts and written files."""

import pytest

from pgtheory.experiments import RunConfig, get, list_experiments

NAMES = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence", "munos2024-theorem1",
         "tiapkin2025-stochastic-floor"]


def test_registered():
    names = {e.name for e in list_experiments()}
    assert set(NAMES) <= names


@pytest.mark.parametrize("name", ["tiapkin2025-rate-vs-beta", "munos2024-theorem1"])
def test_quick_run_is_consistent_and_writes_files(name, tmp_path):
    # 5 seeds: MIN_SEEDS_FOR_CI, the fewest for which a rate claim can be decided (fewer are inconclusive)
    rep = get(name).run(RunConfig(quick=True, seeds=5, out_dir=tmp_path))
    assert rep.verdict == "consistent", rep.measured
    assert rep.figures and all((tmp_path / p.split("/")[-1]).exists() for p in rep.figures)
    assert rep.data_files
