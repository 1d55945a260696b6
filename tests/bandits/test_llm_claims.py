"""The LLM-RL checks (pgtheory.experiments.llm) state every sub-result as a claim; the headline is ``combine`` of the claims.

Also: the regression that xiao2025-bnpo / fletberliac2024-copg / chen2025-nft-grpo no longer print a headline that hides
a failing or biased sub-result, and that the llm figure keeps its legend inside the canvas.
"""

import pytest

from pgtheory import plotting
from pgtheory.experiments import llm as L
from pgtheory.experiments._registry import RunConfig
from pgtheory.experiments._runner import run_one
from pgtheory.ratecheck import combine

NAMES = list(L.ALL_CHECKS)


@pytest.fixture(scope="module")
def reports():
    return {n: run_one(n, RunConfig(quick=True), catch=False) for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_headline_is_combine_of_claims(reports, name):
    rep = reports[name]
    assert rep.claims, name
    for c in rep.claims:
        assert c["reason"].strip(), c["name"]
        assert c["verdict"] in ("consistent", "violated", "inconclusive"), c
        assert "provenance:" in c["source"], c["name"]
    assert (rep.verdict, rep.reason) == combine(rep.claims)
    assert rep.verdict in ("consistent", "violated", "inconclusive")


def test_every_subresult_is_a_claim(reports):
    for name, (fn, _, _) in L.ALL_CHECKS.items():
        res = fn(True)
        assert all(len(s["claims"]) >= 1 for s in res["subchecks"]), name
        assert "verdict" not in {k for s in res["subchecks"] for k in s}, name
        assert len(reports[name].claims) == sum(len(s["claims"]) for s in res["subchecks"])


def test_nft_headline_shows_the_failing_subclaim(reports):
    """Before: 'holds exactly' while the on-policy expectations differed (clamped all-equal groups)."""
    rep = reports["chen2025-nft-grpo"]
    assert rep.verdict == "violated"
    bad = [c for c in rep.claims if c["verdict"] == "violated"]
    assert [c["name"] for c in bad] == ["released NFT code (r-hat clamped to [0.02, 0.98]) matches GRPO on-policy in expectation"]
    assert "0.0233" in bad[0]["reason"]  # relative difference of the on-policy expectations
    assert bad[0]["name"] in rep.reason


@pytest.mark.parametrize("name, finding", [
    ("xiao2025-bnpo", "BNPO's expected gradient is biased for grad J (prompt re-weighting)"),
    ("fletberliac2024-copg", "CoPG's off-policy update is not parallel to grad J_beta"),
])
def test_biased_subresults_are_listed_as_our_findings(reports, name, finding):
    """Before: 'holds exactly' from the first sub-result; the bias found by another sub-result was hidden.
    The paper makes no unbiasedness claim, so the bias is our finding (consistent = confirmed) and is listed."""
    rep = reports[name]
    c = {c["name"]: c for c in rep.claims}[finding]
    assert c["verdict"] == "consistent" and c["stated"].startswith("finding (ours")
    assert rep.verdict == combine(rep.claims)[0] == "consistent"
    assert rep.reason == f"all {len(rep.claims)} claims consistent"


def test_mmr1_violations_kept(reports):
    rep = reports["leng2025-mmr1-variance"]
    bad = {c["name"] for c in rep.claims if c["verdict"] == "violated"}
    assert bad == {"Eq. (4): Var[G] = Var[R] Gamma with the mean baseline",
                   "Prop. 1: the mean baseline minimises the total variance"}


def test_llm_figures_keep_legends_inside(tmp_path, monkeypatch):
    seen = []
    orig = plotting.save_figure

    def record(fig, stem, **kw):
        seen.append((str(stem), plotting.legends_inside(fig), [t.get_text() for t in fig.texts]))
        return orig(fig, stem, **kw)

    monkeypatch.setattr(plotting, "save_figure", record)
    rep = run_one("liu2025-grpo-weights", RunConfig(quick=True, out_dir=tmp_path), catch=False)
    assert seen and rep.figures
    for stem, bad, texts in seen:
        assert bad == [], (stem, bad)
        assert any(t.startswith(rep.verdict.upper()) for t in texts), texts  # verdict caption drawn
