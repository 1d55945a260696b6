"""Issue 12 for the Nash and SubPO checks: every quick run states its claims (with reasons), its
figures keep every legend inside the canvas and carry a verdict, and a single stochastic seed is
never "violated"."""

import time

import pytest

from pgtheory import plotting
from pgtheory.experiments import RunConfig, get

FAST = ["tiapkin2025-compare", "tiapkin2025-rate-vs-beta", "tiapkin2025-response-independence", "munos2024-theorem1",
        "tiapkin2025-stochastic-floor", "prajapat2024-grid-coverage"]
SLOW = ["prajapat2024-bandit-ratio", "prajapat2024-trap-family"]   # ~15-20 s each in quick mode


def _run_recording(name, tmp_path, monkeypatch, **cfg):
    seen = []
    real = plotting.save_figure

    def recording(fig, stem, **kw):
        texts = [t.get_text() for t in fig.texts]
        seen.append({"stem": str(stem), "outside": plotting.legends_inside(fig),
                     "verdict_text": [t for t in texts if t.split(":")[0] in ("CONSISTENT", "VIOLATED",
                                                                              "INCONCLUSIVE")],
                     "labels": [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]})
        return real(fig, stem, **kw)

    monkeypatch.setattr(plotting, "save_figure", recording)
    t0 = time.perf_counter()
    rep = get(name).run(RunConfig(quick=True, out_dir=tmp_path, **cfg))
    return rep, seen, time.perf_counter() - t0


def _check(rep, seen):
    assert seen, "no figure was saved"
    for f in seen:
        assert not f["outside"], f"{f['stem']}: {f['outside']}"
        assert f["verdict_text"] and f["verdict_text"][0].startswith(rep.verdict.upper()), f["stem"]
        for lab in f["labels"]:   # no raw TeX braces outside math mode
            outside_math = "".join(lab.split("$")[::2])
            assert "{" not in outside_math and "\\" not in outside_math, lab
    assert rep.claims and rep.reason
    for c in rep.claims:
        assert c["verdict"] in ("consistent", "violated", "inconclusive")
        assert c["reason"], c["name"]
        assert c["source"], c["name"]


@pytest.mark.parametrize("name", FAST)
def test_quick_claims_and_figures(name, tmp_path, monkeypatch):
    rep, seen, _ = _run_recording(name, tmp_path, monkeypatch)
    _check(rep, seen)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_quick_claims_and_figures_slow(name, tmp_path, monkeypatch):
    rep, seen, _ = _run_recording(name, tmp_path, monkeypatch)
    _check(rep, seen)


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
