"""The LLM-RL checks (pgtheory.experiments.llm) state every sub-result as a claim; the headline is ``combine`` of the claims.

Cross-paper tests only. Each paper's own tests are in ``tests/bandits/test_<key>*.py`` (e.g. the regressions that
xiao2025-bnpo / fletberliac2024-copg / chen2025a-nft-grpo no longer print a headline that hides a failing or biased
sub-result are in test_xiao2025.py, test_fletberliac2024.py and test_chen2025a.py; the liu2025 figure's legend in
test_liu2025.py; the MMR1 violations in test_leng2025.py).
"""

import pytest

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
