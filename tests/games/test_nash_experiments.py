"""Smoke tests of the registered Nash checks (small seeds): verdicts and written files."""

import pytest

from pgtheory.experiments import RunConfig, get, list_experiments

NAMES = ["nash-compare", "nash-rate-vs-beta", "nash-response-independence", "nash-md-theorem1",
         "nash-stochastic-floor"]


def test_registered():
    names = {e.name for e in list_experiments()}
    assert set(NAMES) <= names


@pytest.mark.parametrize("name", ["nash-rate-vs-beta", "nash-md-theorem1"])
def test_quick_run_is_consistent_and_writes_files(name, tmp_path):
    # 5 seeds: MIN_SEEDS_FOR_CI, the fewest for which a rate claim can be decided (fewer are inconclusive)
    rep = get(name).run(RunConfig(quick=True, seeds=5, out_dir=tmp_path))
    assert rep.verdict == "consistent", rep.measured
    assert rep.figures and all((tmp_path / p.split("/")[-1]).exists() for p in rep.figures)
    assert rep.data_files
