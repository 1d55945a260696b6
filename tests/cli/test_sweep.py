"""Sweeps (issue 17): grid parsing, the append-only store, resume without recomputing, and a
kill-and-resume run (SIGKILL in the middle) that loses nothing and recomputes nothing that was stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pgtheory import cli
from pgtheory.errors import ValidationError
from pgtheory.experiments import load_module, load_sweep, parse_grid, sweep

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULE = str(HERE / "_scale_checks.py")
MC = "zz-scale-mc"


@pytest.fixture(scope="module", autouse=True)
def scale_checks():
    load_module(MODULE)


@pytest.fixture
def counter(tmp_path, monkeypatch):
    path = tmp_path / "computations.jsonl"
    monkeypatch.setenv("PGTHEORY_TEST_COUNT", str(path))
    return path


def _count(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def _stable(rec):
    rep = dict(rec["report"])
    rep.pop("seconds")
    return rec["key"], rec["cell"], rec["config"], rec["verdict"], rep


def test_parse_grid_types_and_ranges():
    g = parse_grid(MC, ["seed=0:3", "p=0.2,0.5", "quick=true,false", "n=16"])
    assert g == {"seed": [0, 1, 2], "p": [0.2, 0.5], "quick": [True, False], "n": [16]}
    assert isinstance(g["p"][0], float) and isinstance(g["n"][0], int)


@pytest.mark.parametrize("spec,msg", [(["bogus=1"], "no parameter 'bogus'"), (["n=1.5"], "not an integer"),
                                      (["seeds=0"], "seeds >= 1"), (["seed=3:1"], "empty range"),
                                      (["p"], "PARAM=v1,v2"), (["n=1,1"], "repeated"),
                                      (["quick=maybe"], "not a boolean")])
def test_bad_grids_fail_before_work(spec, msg, counter):
    with pytest.raises(ValidationError, match=msg):
        parse_grid(MC, spec)
    assert _count(counter) == 0


def test_sweep_stores_every_cell_and_resumes_without_recomputing(tmp_path, counter):
    out = tmp_path / "sw"
    res = sweep(MC, {"seed": [0, 1, 2], "p": [0.3, 0.6]}, seeds=3, out_dir=out)
    assert (res.computed, res.resumed, len(res.cells)) == (6, 0, 6) and _count(counter) == 6
    lines = (out / "cells.jsonl").read_text().splitlines()
    assert len(lines) == 6 and len({json.loads(x)["key"] for x in lines}) == 6
    assert [c["cell"] for c in res.cells] == [{"seed": s, "p": p} for s in (0, 1, 2) for p in (0.3, 0.6)]
    assert res.cells[1]["config"] == {"quick": False, "seeds": 3, "seed": 0, "params": {"p": 0.6}}
    assert res.cells[1]["report"]["settings"]["params"] == {"p": 0.6}
    # a larger grid: only the new cells run
    res2 = sweep(MC, {"seed": [0, 1, 2, 3], "p": [0.3, 0.6]}, seeds=3, out_dir=out)
    assert (res2.computed, res2.resumed, len(res2.cells)) == (2, 6, 8) and _count(counter) == 8
    assert [_stable(c) for c in res2.cells[:6]] == [_stable(c) for c in res.cells]
    back = load_sweep(out)
    assert len(back.cells) == 8 and back.check == MC and sum(back.verdict_counts().values()) == 8
    assert "computed 2, resumed 6" in res2.summary(width=100)
    assert (out / "summary.csv").read_text().splitlines()[0] == "seed,p,verdict,measured,reason,seconds"


def test_a_partial_last_line_is_dropped_and_its_cell_recomputed(tmp_path, counter):
    out = tmp_path / "sw"
    sweep(MC, {"seed": [0, 1]}, seeds=2, out_dir=out)
    store = out / "cells.jsonl"
    lines = store.read_bytes().splitlines(keepends=True)
    store.write_bytes(lines[0] + lines[1][: len(lines[1]) // 2])  # a write cut by a crash
    res = sweep(MC, {"seed": [0, 1]}, seeds=2, out_dir=out)
    assert (res.computed, res.resumed) == (1, 1) and _count(counter) == 3
    assert [json.loads(x)["cell"] for x in store.read_text().splitlines()] == [{"seed": 0}, {"seed": 1}]


def test_a_store_of_another_check_is_refused(tmp_path):
    sweep("zz-scale-fast-a", {"seed": [0]}, out_dir=tmp_path)
    with pytest.raises(ValidationError, match="another --out"):
        sweep(MC, {"seed": [0]}, out_dir=tmp_path)


def test_cli_sweep_prints_the_summary_and_rejects_bad_grids(tmp_path, capsys, counter):
    out = tmp_path / "sw"
    assert cli.main(["sweep", MC, "--grid", "seed=0:2", "n=8,32", "--seeds", "2", "--out", str(out),
                     "--executor", "serial"]) == 0
    text = capsys.readouterr().out
    assert "4 cells" in text and "computed 4, resumed 0" in text and _count(counter) == 4
    assert cli.main(["sweep", MC, "--grid", "eta=1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--grid" in err and "no parameter 'eta'" in err and "n, p, quick, seed, seeds" in err


def _sweep_cmd(out):
    return [sys.executable, "-m", "pgtheory", "sweep", MC, "--module", MODULE, "--grid", "seed=0:10",
            "--seeds", "2", "--out", str(out), "--executor", "process", "--workers", "2"]


def test_kill_and_resume_loses_nothing_and_recomputes_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("PGTHEORY_EXPERIMENT_MODULES", None)
    ref_count, run_count = tmp_path / "ref.jsonl", tmp_path / "run.jsonl"
    # uninterrupted reference, in this process, serially
    os.environ["PGTHEORY_TEST_COUNT"] = str(ref_count)
    try:
        ref = sweep(MC, {"seed": list(range(10))}, seeds=2, out_dir=tmp_path / "ref")
    finally:
        del os.environ["PGTHEORY_TEST_COUNT"]
    assert _count(ref_count) == 10
    # the same sweep on 2 processes, each cell ~0.5 s, SIGKILLed once 3 cells are stored
    out = tmp_path / "run"
    store = out / "cells.jsonl"
    proc = subprocess.Popen(_sweep_cmd(out), env={**env, "PGTHEORY_TEST_COUNT": str(run_count),
                                                  "PGTHEORY_TEST_SLEEP": "0.5"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not store.exists() or len(store.read_text().splitlines()) < 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, as a crash would
    proc.wait(timeout=10)
    stored = len(store.read_bytes().split(b"\n")) - 1  # complete lines only
    started = _count(run_count)
    assert 3 <= stored < 10, "the kill did not land in the middle of the sweep; the test proves nothing"
    # resume: only the missing cells are computed
    proc = subprocess.run(_sweep_cmd(out), env={**env, "PGTHEORY_TEST_COUNT": str(run_count)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert _count(run_count) - started == 10 - stored, "a stored cell was computed again"
    assert f"computed {10 - stored}, resumed {stored}" in proc.stdout
    got = load_sweep(out)
    keys = [c["key"] for c in got.cells]
    assert len(keys) == len(set(keys)) == 10  # nothing lost, nothing twice
    assert sorted(map(_stable, got.cells)) == sorted(map(_stable, ref.cells))  # same results as uninterrupted
