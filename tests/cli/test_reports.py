"""Reports: strict JSON that reads back (NaN included), the user's umask, recorded settings and
resume only on matching settings, claims visible in the table, summaries and printed reasons
(issues 11 and 12). A tiny fake experiment keeps these fast."""

import json
import math
import os

import pytest

from pgtheory import cli
from pgtheory.experiments import RunConfig, experiment, run_all, run_one
from pgtheory.experiments import _registry as registry
from pgtheory.experiments._runner import (RESUME_KEYS, format_reasons, format_table, load_report, run_settings,
                                          settings_mismatch)
from pgtheory.ratecheck import ClaimResult, Tightness
from pgtheory.experiments import report_from_claims

NAME = "zz-test-fake"
LONG = ("the bound holds at every one of the 290 recorded iterates with the worst ratio 0.071 at t = 50, "
        "and the fitted exponent is at least as fast as the stated one; nothing here may be cut")
CALLS = []


@pytest.fixture
def fake():
    @experiment(NAME, "fake check (test fixture)")
    def _run(config):
        CALLS.append(config)
        claims = [ClaimResult(name="gap bound", kind="inequality", verdict="consistent", reason=LONG,
                              stated="gap <= 5/t", measured="max ratio 0.071",
                              tightness=Tightness(slack_min=14.0, slack_end=20.0), bound_id="mei2020.bandit"),
                  ClaimResult(name="rate", kind="rate", verdict="inconclusive", reason="too few decades")]
        return report_from_claims(NAME, claims, source="Fake 2024, Thm 1", stated="O(1/t)",
                                  details={"nan_value": float("nan"), "inf_value": float("inf"),
                                           "nested": [1.0, float("-inf")], "quick": config.quick})

    CALLS.clear()
    yield NAME
    registry._REGISTRY.pop(NAME, None)


def _strict(text):
    def bare(c):
        raise ValueError(f"bare {c} in JSON")

    return json.loads(text, parse_constant=bare)


def test_report_with_nan_round_trips(tmp_path, fake):
    rep = run_one(fake, RunConfig(out_dir=tmp_path))
    back = load_report(tmp_path / "report.json")
    assert math.isnan(back.details["nan_value"]) and back.details["inf_value"] == math.inf
    assert back.details["nested"] == [1.0, -math.inf]
    assert back.claims == tuple(json.loads(json.dumps(list(rep.claims))))
    assert back.verdict == rep.verdict == "inconclusive" and back.reason == rep.reason
    assert back.settings == rep.settings and isinstance(back.seconds, float)
    _strict((tmp_path / "report.json").read_text())


def test_every_json_file_of_a_quick_check_is_strict(tmp_path):
    assert cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path)]) == 0
    files = list(tmp_path.rglob("*.json"))
    assert files
    for f in files:
        _strict(f.read_text())


def test_files_get_the_users_umask(tmp_path, fake):
    old = os.umask(0o027)
    try:
        run_one(fake, RunConfig(out_dir=tmp_path))
    finally:
        os.umask(old)
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o666 & ~0o027


def test_settings_are_recorded(tmp_path, fake):
    import pgtheory

    rep = run_one(fake, RunConfig(quick=True, seeds=3, seed=5, out_dir=tmp_path))
    s = rep.settings
    assert (s["quick"], s["seeds"], s["seed"], s["version"]) == (True, 3, 5, pgtheory.__version__)
    assert s["bounds"] == ["mei2020.bandit"]
    for key in ("git_commit", "python", "numpy", "scipy", "numba"):
        assert key in s
    assert s["numpy"] and s["python"]
    assert set(RESUME_KEYS) <= set(s)


def test_quick_report_is_not_resumed_by_a_full_run(tmp_path, fake):
    run_all([fake], quick=True, out_dir=tmp_path)
    reps = run_all([fake], quick=True, out_dir=tmp_path)
    assert reps[0].details.get("resumed") and len(CALLS) == 1
    reps = run_all([fake], quick=False, out_dir=tmp_path)
    assert not reps[0].details.get("resumed") and len(CALLS) == 2
    assert reps[0].details["rerun_reason"] == "settings differ: quick True -> False"
    assert load_report(tmp_path / fake / "report.json").settings["quick"] is False


def test_seeds_differ_from_default(tmp_path, fake, capsys):
    run_all([fake], out_dir=tmp_path)
    assert cli.main(["reproduce", "--out", str(tmp_path), "--only", fake, "--seeds", "3"]) == 0
    out = capsys.readouterr().out
    assert f"rerun {fake}: settings differ: seeds default -> 3" in out
    assert out.count("seeds default -> 3") == 1 and len(CALLS) == 2
    assert cli.main(["reproduce", "--out", str(tmp_path), "--only", fake, "--seeds", "3"]) == 0
    assert "1 resumed" in capsys.readouterr().out and len(CALLS) == 2


def test_reports_without_settings_are_rerun(tmp_path, fake):
    run_all([fake], out_dir=tmp_path)
    p = tmp_path / fake / "report.json"
    d = json.loads(p.read_text())
    for k in ("settings", "claims", "reason", "tightness"):  # as written by pgtheory 0.1.0
        d.pop(k)
    p.write_text(json.dumps(d))
    assert load_report(p).settings == {}
    reps = run_all([fake], out_dir=tmp_path)
    assert reps[0].details["rerun_reason"] == "no settings recorded" and len(CALLS) == 2


def test_settings_mismatch_ignores_provenance():
    now = run_settings(RunConfig())
    assert settings_mismatch({**now, "git_commit": "0" * 40, "numpy": "1.0"}, now) == ""
    want = f"settings differ: version '0.0.1' -> '{now['version']}'"
    assert settings_mismatch({**now, "version": "0.0.1"}, now) == want
    assert settings_mismatch({}, now) == "no settings recorded"


def test_table_and_reasons_show_every_claim_uncut(fake):
    rep = run_one(fake, RunConfig())
    table = format_table([rep], width=70)
    assert "tightness" in table.splitlines()[0] and "…" not in table
    assert "slack" in table
    text = format_reasons(rep, width=50)
    assert "…" not in text and all(len(line) <= 50 for line in text.splitlines())
    assert " ".join(text.split()).count(LONG) == 1
    assert "[consistent] gap bound" in text and "[inconclusive] rate: too few decades" in text
    assert rep.reason in " ".join(text.split())


def test_summary_files_list_claims(tmp_path, fake):
    import csv

    run_all([fake], out_dir=tmp_path)
    rows = list(csv.DictReader((tmp_path / "summary.csv").open()))
    assert rows[0]["name"] == fake and rows[0]["reason"].startswith("1 of 2 claims inconclusive")
    assert "slack" in rows[0]["tightness"]
    claims = list(csv.DictReader((tmp_path / "claims.csv").open()))
    assert [c["claim"] for c in claims] == ["gap bound", "rate"] and claims[0]["reason"] == LONG
    assert claims[0]["bound_id"] == "mei2020.bandit" and claims[1]["verdict"] == "inconclusive"
    md = (tmp_path / "summary.md").read_text()
    assert "| check | verdict | reason | tightness |" in md and f"## {fake}: inconclusive" in md
    assert LONG in md and "**inconclusive** rate: too few decades" in md


def test_check_prints_claims(tmp_path, fake, capsys):
    assert cli.main(["check", fake, "--out", str(tmp_path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "[consistent] gap bound" in out and LONG in out and "…" not in out


def test_error_report_has_a_reason():
    @experiment("zz-test-raises", "raises (test fixture)")
    def _fail(config):
        raise RuntimeError("deliberate")

    try:
        rep = run_one("zz-test-raises", RunConfig(quick=True))
    finally:
        registry._REGISTRY.pop("zz-test-raises", None)
    assert rep.verdict == "error" and rep.reason == "the experiment raised RuntimeError: deliberate"
    assert rep.settings["quick"] is True
