"""Clean interruption (issue 17): Ctrl-C (SIGINT) or SIGTERM to ``pgtheory reproduce`` cancels what is
pending, stops the workers and exits within 5 s, keeping the reports that finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULE = str(HERE / "_scale_checks.py")
FAST = ["zz-scale-fast-a", "zz-scale-fast-b"]
SLOW = ["zz-scale-slow-a", "zz-scale-slow-b"]


def _children(pid: int) -> list:
    """Pids whose parent is ``pid`` (from /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _has(mod: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(mod) is not None


@pytest.mark.parametrize("sig,code,executor", [
    (signal.SIGINT, 130, "process"), (signal.SIGTERM, 143, "process"), (signal.SIGINT, 130, "serial"),
    (signal.SIGINT, 130, "thread"),
    pytest.param(signal.SIGINT, 130, "dask", marks=[pytest.mark.slow, pytest.mark.skipif(
        not _has("distributed"), reason="dask distributed not installed (extra pgtheory[dask])")]),
    pytest.param(signal.SIGINT, 130, "ray", marks=[pytest.mark.slow, pytest.mark.skipif(
        not _has("ray"), reason="ray not installed (extra pgtheory[ray])")])])
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker pids from /proc")
def test_interrupt_exits_fast_and_keeps_finished_reports(tmp_path, sig, code, executor):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("PGTHEORY_EXPERIMENT_MODULES", None)
    names = FAST + SLOW if executor != "serial" else FAST + SLOW[:1]
    # (thread: the running threads cannot be stopped; the command exits without waiting for them)
    cmd = [sys.executable, "-m", "pgtheory", "reproduce", "--module", MODULE, "--out", str(tmp_path),
           "--executor", executor, "--workers", "2", "--only", *names]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # a Ray or Dask cluster takes 10-30 s to start on a busy machine
    while time.monotonic() < deadline and not all((tmp_path / n / "report.json").exists() for n in FAST):
        time.sleep(0.05)
    assert all((tmp_path / n / "report.json").exists() for n in FAST), "the fast checks never finished"
    time.sleep(0.5)  # the slow checks are running now
    workers = _children(proc.pid)
    if executor == "process":
        assert len(workers) >= 2, "no worker processes to stop"
    t0 = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    assert took < 5.0, f"took {took:.1f} s to exit"
    assert proc.returncode == code, err
    assert "interrupted" in err and "2 report(s) finished in this run are kept" in err
    assert all((tmp_path / n / "report.json").exists() for n in FAST)
    assert not any((tmp_path / n / "report.json").exists() for n in SLOW)
    if executor in ("process", "dask"):  # their workers are children of the command (Ray's belong to raylet)
        time.sleep(0.5)
        assert not [w for w in workers if _alive(w)], "worker processes outlived the run"
