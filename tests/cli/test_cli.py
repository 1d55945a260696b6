"""The pgtheory command: list, check, reproduce --quick on a subset, resume, errors, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pgtheory import cli
from pgtheory.experiments import experiment
from pgtheory.experiments import _registry as registry
from pgtheory.experiments._runner import format_table, load_report, run_all

FAST = ["cen2022-fig1", "agarwal2021-npg"]


def test_list_and_bound_and_cite(capsys):
    assert cli.main(["list", "--bounds"]) == 0
    out = capsys.readouterr().out
    assert "mei2020-bandit" in out and "cen2022.thm1_q" in out
    assert cli.main(["bound", "cen2022.thm1_q"]) == 0
    out = capsys.readouterr().out
    assert "Cen et al. 2022" in out and "@article" in out and "\\le" in out
    assert cli.main(["cite"]) == 0 and "@software" in capsys.readouterr().out
    assert cli.main(["bound", "nope"]) == 2
    assert cli.main(["check", "no-such-experiment"]) == 2


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "pgtheory", "list"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "experiments" in proc.stdout


def test_check_writes_figures_and_data(tmp_path, capsys):
    assert cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "consistent" in out and "Cen et al." in out
    assert (tmp_path / "cen2022_fig1.png").stat().st_size > 10_000
    assert (tmp_path / "cen2022_fig1.json").exists() and (tmp_path / "report.json").exists()
    assert not (tmp_path / "cen2022_fig1.pdf").exists()  # a quick run draws PNG only (default_formats)
    # --formats asks for more (`check` always runs its check, then draws every format asked for)
    assert cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path), "--formats", "png,pdf,svg"]) == 0
    capsys.readouterr()
    for ext in ("png", "pdf", "svg"):
        assert (tmp_path / f"cen2022_fig1.{ext}").stat().st_size > 1_000
    rep = load_report(tmp_path / "report.json")
    assert sorted(Path(f).suffix for f in rep.figures) == [".pdf", ".png", ".svg"]


def test_formats_are_checked_before_any_work(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path), "--formats", "png,eps"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "argument --formats: unknown figure format 'eps'" in err and "png, pdf, svg" in err
    assert not (tmp_path / "report.json").exists()


def test_reproduce_quick_subset_and_resume(tmp_path, capsys):
    argv = ["reproduce", "--quick", "--out", str(tmp_path), "--only", *FAST]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    for name in FAST:
        assert name in out
    for col in ("check", "source", "stated", "measured", "verdict"):
        assert col in out
    reports = {n: tmp_path / n / "report.json" for n in FAST}
    mtimes = {n: p.stat().st_mtime_ns for n, p in reports.items()}
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [s["name"] for s in summary] == FAST
    assert (tmp_path / "summary.csv").read_text().count("\n") == 3
    # resume: finished reports are not recomputed
    assert cli.main(argv) == 0
    assert "2 resumed" in capsys.readouterr().out
    assert all(reports[n].stat().st_mtime_ns == mtimes[n] for n in FAST)
    # an interrupted run (one report missing) recomputes only that one
    reports[FAST[0]].unlink()
    reps = run_all(FAST, quick=True, out_dir=tmp_path)
    assert not reps[0].details.get("resumed") and reps[1].details.get("resumed")
    assert reports[FAST[1]].stat().st_mtime_ns == mtimes[FAST[1]]
    # --force recomputes everything
    assert cli.main(argv + ["--force"]) == 0
    assert "resumed" not in capsys.readouterr().out
    assert load_report(reports[FAST[1]]).name == FAST[1]


@pytest.fixture
def failing_experiment():
    @experiment("zz-test-failing", "always raises (test fixture)")
    def _fail(config):
        raise RuntimeError("deliberate failure")

    yield "zz-test-failing"
    registry._REGISTRY.pop("zz-test-failing", None)


def test_error_row_and_nonzero_exit(tmp_path, capsys, failing_experiment):
    code = cli.main(["reproduce", "--quick", "--out", str(tmp_path), "--only", "cen2022-fig1", failing_experiment])
    captured = capsys.readouterr()
    assert code == 1
    assert "error" in captured.out and "deliberate failure" in captured.err
    assert (tmp_path / "cen2022-fig1" / "report.json").exists()
    assert not (tmp_path / failing_experiment / "report.json").exists()  # never marked finished


def test_workers_use_a_process_pool(tmp_path):
    reps = run_all(FAST, quick=True, out_dir=tmp_path, workers=2)
    assert [r.name for r in reps] == FAST and all(r.verdict == "consistent" for r in reps)
    table = format_table(reps)
    assert table.splitlines()[0].startswith("check")


def test_no_figures_writes_data_only_and_a_later_run_draws_them(tmp_path, capsys):
    name = "cen2022-fig1"
    folder = tmp_path / name
    argv = ["reproduce", "--quick", "--out", str(tmp_path), "--only", name]
    assert cli.main(argv + ["--no-figures"]) == 0
    assert "figures not drawn: --no-figures" in capsys.readouterr().out
    off = load_report(folder / "report.json")
    assert not list(folder.glob("*.png")) and not list(folder.glob("*.pdf"))
    assert not off.figures and "figure" not in off.details
    data = folder / "cen2022_fig1.json"
    data_mtime = data.stat().st_mtime_ns
    # a run that draws resumes the report (nothing recomputed) and draws its figure
    assert cli.main(argv) == 0
    assert "1 resumed" in capsys.readouterr().out
    on = load_report(folder / "report.json")
    assert on.details["figure"]["status"] == "drawn" and "resumed" not in on.details
    assert (folder / "cen2022_fig1.png").stat().st_size > 10_000 and not (folder / "cen2022_fig1.pdf").exists()
    assert sorted(on.figures) == sorted(str(p) for p in folder.glob("*.p[nd][gf]"))
    assert (on.verdict, on.claims, on.measured) == (off.verdict, off.claims, off.measured)
    assert data.stat().st_mtime_ns == data_mtime
    # the next resume keeps that figure and does not draw it again
    png_mtime = (folder / "cen2022_fig1.png").stat().st_mtime_ns
    assert cli.main(argv) == 0
    capsys.readouterr()
    assert (folder / "cen2022_fig1.png").stat().st_mtime_ns == png_mtime
    # asking for a format the figure lacks resumes the report and draws it (nothing recomputed)
    assert cli.main(argv + ["--formats", "png,pdf"]) == 0
    assert "1 resumed" in capsys.readouterr().out
    both = load_report(folder / "report.json")
    assert (folder / "cen2022_fig1.pdf").stat().st_size > 1_000
    assert sorted(both.figures) == sorted(str(p) for p in folder.glob("*.p[nd][gf]")) and len(both.figures) == 2
    assert (both.verdict, both.claims, both.measured, both.seconds) == (on.verdict, on.claims, on.measured, on.seconds)
    assert data.stat().st_mtime_ns == data_mtime


def test_no_figures_excludes_a_figures_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path), "--figures", str(tmp_path),
                  "--no-figures"])
    assert exc.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


def test_check_with_no_figures_draws_nothing(tmp_path, capsys):
    assert cli.main(["check", "cen2022-fig1", "--quick", "--out", str(tmp_path), "--no-figures"]) == 0
    assert "figures:" not in capsys.readouterr().out
    assert (tmp_path / "report.json").exists() and (tmp_path / "cen2022_fig1.json").exists()
    assert not list(tmp_path.glob("*.png"))
