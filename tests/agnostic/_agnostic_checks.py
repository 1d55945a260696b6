"""Shared assertion of the agnostic-RL test files (jia2023, krishnamurthy2025): an exact check in quick mode."""

from pgtheory.experiments import RunConfig, run_one


def assert_exact_check_consistent(name, tmp_path):
    """Run check ``name`` in quick mode into ``tmp_path``: consistent, figure drawn (a PNG), every claim sourced."""
    rep = run_one(name, RunConfig(quick=True, out_dir=tmp_path), catch=False)
    assert rep.verdict == "consistent", rep.reason
    assert rep.details["figure"]["status"] == "drawn", rep.details["figure"]
    assert any(str(f).endswith(".png") for f in rep.figures)
    for c in rep.claims:
        assert c["source"], f"{name}: claim {c['name']} has no source"
    return rep
