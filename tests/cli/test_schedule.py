"""Scheduling of ``run_all`` (issue 17): checks start longest first, by an earlier report of the same
mode or else by the shipped table of expected seconds; the order changes no number."""

from __future__ import annotations

import concurrent.futures as cf
import json
from pathlib import Path

import pytest

from pgtheory.experiments import list_experiments, load_module, run_all
from pgtheory.experiments import _durations, _runner

HERE = Path(__file__).resolve().parent
FAST = ["zz-scale-fast-a", "zz-scale-fast-b", "zz-scale-mc"]


@pytest.fixture(scope="module", autouse=True)
def scale_checks():
    load_module(str(HERE / "_scale_checks.py"))


class RecordingExecutor(cf.ThreadPoolExecutor):
    """One thread, so tasks run in the order they were submitted; records that order."""

    def __init__(self):
        super().__init__(max_workers=1)
        self.order = []

    def submit(self, fn, group, *args, **kwargs):
        self.order.append(tuple(group))
        return super().submit(fn, group, *args, **kwargs)


def test_every_registered_check_has_an_expected_duration_and_no_row_is_stale():
    names = {e.name for e in list_experiments() if not e.name.startswith("zz-")}
    table = set(_durations.EXPECTED_SECONDS)
    assert names - table == set(), ("checks without an expected duration; regenerate the table (see "
                                    "pgtheory/experiments/_durations.py)")
    assert table - names == set(), "rows for checks that are not registered (renamed or removed)"
    assert all(q >= 0 and f >= 0 for q, f in _durations.EXPECTED_SECONDS.values())


def test_fresh_folder_starts_the_longest_first_by_the_table(tmp_path, monkeypatch):
    table = {"zz-scale-fast-a": (0.5, 1.0), "zz-scale-fast-b": (3.0, 1.0), "zz-scale-mc": (1.0, 9.0)}
    monkeypatch.setattr(_durations, "EXPECTED_SECONDS", table)
    for quick, want in ((True, ["zz-scale-fast-b", "zz-scale-mc", "zz-scale-fast-a"]),
                        (False, ["zz-scale-mc", "zz-scale-fast-a", "zz-scale-fast-b"])):
        ex = RecordingExecutor()
        with ex:
            reps = run_all(FAST, quick=quick, out_dir=tmp_path / str(quick), executor=ex, figures=False)
        assert [g[0] for g in ex.order] == want
        assert [r.name for r in reps] == FAST  # reports come back in the order asked for


def test_an_earlier_report_of_the_same_mode_overrides_the_table(tmp_path, monkeypatch):
    monkeypatch.setattr(_durations, "EXPECTED_SECONDS", {n: (1.0, 1.0) for n in FAST})
    folder = tmp_path / "fatkhullin2023-convergence"
    folder.mkdir()
    (folder / "report.json").write_text(json.dumps({"seconds": 50.0, "settings": {"quick": False}}))
    assert _runner._expected_seconds(tmp_path, "fatkhullin2023-convergence", quick=False) == 50.0
    # a full run's seconds say nothing about a quick run: the table answers
    assert _runner._expected_seconds(tmp_path, "fatkhullin2023-convergence", quick=True) == \
        _durations.expected_seconds("fatkhullin2023-convergence", True)
    assert _durations.expected_seconds("no-such-check", True) == 1.0


def test_regeneration_reads_report_seconds(tmp_path):
    for mode, secs in (("q", 0.123), ("f", 45.01)):
        d = tmp_path / mode / "x-check"
        d.mkdir(parents=True)
        (d / "report.json").write_text(json.dumps({"name": "x-check", "seconds": secs}))
    src = _durations._table_source(tmp_path / "q", tmp_path / "f")
    assert src == '    "x-check": (0.2, 45.1),\n'


def test_resumed_figures_are_drawn_on_the_executor_and_match_a_serial_draw(tmp_path):
    """Reports written with figures off get their figures when resumed: on the executor (all cores),
    one task per figure, with the same reports as drawing them in this process."""
    import shutil

    names = ["krishnamurthy2025-regime", "liu2025-grpo-weights", "wu2023-reward-invariance"]  # fast, with figures
    base = tmp_path / "base"
    run_all(names, quick=True, out_dir=base, figures=False)
    for kind in ("serial", "thread", "process"):
        shutil.copytree(base, tmp_path / kind)

    class Recording(cf.ThreadPoolExecutor):
        def __init__(self):
            super().__init__(max_workers=2)
            self.fns = []

        def submit(self, fn, *args, **kwargs):
            self.fns.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    rec = Recording()
    with rec:
        by = {"thread": run_all(names, quick=True, out_dir=tmp_path / "thread", executor=rec)}
    assert rec.fns == ["_draw_worker"] * len(names)  # nothing recomputed, every figure a task
    by["serial"] = run_all(names, quick=True, out_dir=tmp_path / "serial")
    by["process"] = run_all(names, quick=True, out_dir=tmp_path / "process", workers=2)

    def plain(rep, kind):
        return json.loads(json.dumps(rep.to_dict()).replace(str(tmp_path / kind), "OUT"))

    for kind, reps in by.items():
        for rep in reps:
            assert rep.details["figure"]["status"] == "drawn" and rep.details["resumed"], (kind, rep.name)
            assert rep.figures and all(Path(f).stat().st_size > 10_000 for f in rep.figures)
        assert [plain(r, kind) for r in reps] == [plain(r, "serial") for r in by["serial"]], kind
