"""Shared assertion of the LLM-RL test files: a sub-result the paper does not claim is listed as our finding.

Before (issue 12), a report said "holds exactly" from its first sub-result and hid a bias that another
sub-result had found; the paper makes no unbiasedness claim there, so the bias is our finding, and a
confirmed finding is "consistent".
"""

from pgtheory.experiments import RunConfig, run_one
from pgtheory.ratecheck import combine


def run_with_our_finding(check: str, claim: str):
    """Run ``check`` in quick mode; assert ``claim`` is a confirmed finding of ours and every claim is
    consistent (the report's verdict is the combination of its claims). Returns the report."""
    rep = run_one(check, RunConfig(quick=True), catch=False)
    c = {c["name"]: c for c in rep.claims}[claim]
    assert c["verdict"] == "consistent" and c["stated"].startswith("finding (ours")
    assert rep.verdict == combine(rep.claims)[0] == "consistent"
    assert rep.reason == f"all {len(rep.claims)} claims consistent"
    return rep
