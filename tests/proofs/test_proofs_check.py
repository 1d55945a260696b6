"""The proofs_check runner runs and every current step passes (catches regressions in the
package's algebra-facing API and in the checks themselves)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_all_proof_steps_pass(tmp_path):
    out = tmp_path / "proofs.json"
    proc = subprocess.run([sys.executable, "-m", "proofs_check", "--json", str(out), "--strict"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads(out.read_text())
    assert len(res) >= 13
    bad = [(r["paper"], r["step"], r["status"], r["detail"][:200]) for r in res if r["status"] != "PASS"]
    assert not bad, bad
    papers = {r["paper"] for r in res}
    assert {"mei2020", "agarwal2021", "cen2022", "li2021", "munos2024", "tiapkin2025"} <= papers
    assert "PASS" in proc.stdout and "paper" in proc.stdout


def test_runner_reports_fail_without_crashing():
    sys.path.insert(0, str(ROOT))
    from proofs_check import _framework

    n0 = len(_framework.STEPS)

    @_framework.step("selftest", "deliberate-fail", "a false claim")
    def _bad():
        return False, "1 != 2"

    @_framework.step("selftest", "deliberate-error", "a broken check")
    def _err():
        raise RuntimeError("boom")

    try:
        res = _framework.run_all(["selftest"])
        assert [r.status for r in res] == ["FAIL", "ERROR"]
        assert "boom" in res[1].detail
    finally:
        del _framework.STEPS[n0:]
