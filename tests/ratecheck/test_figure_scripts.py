"""Experiments compute, figures draw (issue 13, item 4): the figure scripts and the runner's hook.

* every registered check that declares a figure has ``figures/<name>.py`` with ``draw`` and
  ``main``, naming its check, and every script belongs to such a check;
* after a check finishes, the runner calls the script's ``draw(folder)`` and records it; a figure
  that fails to draw is reported as such and leaves the verdict alone; without a figures folder
  nothing is drawn, the verdicts are the same, and the user is told once how to draw them;
* a script's ``--from DIR`` draws from a finished reproduction folder, computing nothing;
* the data round trip is exact: a rate-check panel drawn from its data file has the pixels of the
  panel drawn from the result, and captions drawn from ``report.json`` are the claims' captions.
"""

from __future__ import annotations

import ast
import json
import logging
import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from pgtheory import plotting  # noqa: E402
from pgtheory.errors import ValidationError  # noqa: E402
from pgtheory.experiments import (FIGURES_ENV, RunConfig, figure_caption, figure_script, figures_dir,  # noqa: E402
                                  format_reasons, list_experiments, load_report, run_one)
from pgtheory.experiments import _runner  # noqa: E402
from pgtheory.experiments._figures import load_figure_script  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "figures"
#: a fast check (about 2 s quick) with one figure and two claims
FAST = "fatkhullin2023-lemma1"


def _script_check(path: Path):
    """The ``CHECK = "..."`` constant of a script, read with ast (nothing imported)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["CHECK"]:
            return ast.literal_eval(node.value)
    return None


# ----------------------------------------------------------------------------- scripts exist
def test_default_figures_folder_is_the_checkout(monkeypatch):
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    assert figures_dir() == FIGURES


def _builtin(e) -> bool:
    """A check of pgtheory itself (tests may register their own, e.g. tests/cli/_scale_checks.py)."""
    return e.run.__module__.startswith("pgtheory.experiments")


def test_every_check_declaring_a_figure_has_a_script_with_draw():
    missing, bad = [], []
    for e in list_experiments():
        if not e.figure or not _builtin(e):
            continue
        path = figure_script(e.name, FIGURES)
        if path is None:
            missing.append(e.name)
            continue
        mod = load_figure_script(path)
        if not (callable(getattr(mod, "draw", None)) and callable(getattr(mod, "main", None))
                and getattr(mod, "CHECK", None) == e.name):
            bad.append(path.name)
    assert not missing, f"checks declaring a figure without figures/<name>.py: {missing}"
    assert not bad, f"scripts without draw(folder), main() or CHECK = their check's name: {bad}"


def test_every_script_belongs_to_a_check_with_a_figure():
    declared = {e.name for e in list_experiments() if e.figure and _builtin(e)}
    orphans = [p.name for p in sorted(FIGURES.glob("*.py"))
               if (_script_check(p) not in declared or p.stem != str(_script_check(p)).replace("-", "_"))]
    assert not orphans, f"figure scripts not named after a registered check with a figure: {orphans}"


def test_scripts_import_only_the_public_api():
    offenders = []
    for p in sorted(FIGURES.glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            for m in mods:
                if m.startswith("pgtheory") and any(part.startswith("_") for part in m.split(".")):
                    offenders.append(f"{p.name}: {m}")
            if isinstance(node, ast.ImportFrom) and (node.level or ((node.module or "").startswith("_")
                                                                    and node.module != "__future__")):
                offenders.append(f"{p.name}: from {'.' * node.level}{node.module} import {names}")
            offenders += [f"{p.name}: {node.module}.{n}" for n in names
                          if n.startswith("_") and (node.module or "").startswith("pgtheory")]
    assert not offenders, "figure scripts importing private modules or names:\n" + "\n".join(offenders)


# ----------------------------------------------------------------------------- runner hook
@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    """One quick run of FAST with its figure drawn by the runner (the default lookup)."""
    out = tmp_path_factory.mktemp("fast")
    old = os.environ.pop(FIGURES_ENV, None)
    try:
        rep = run_one(FAST, RunConfig(quick=True, out_dir=out), catch=False)
    finally:
        if old is not None:
            os.environ[FIGURES_ENV] = old
    return out, rep


def test_runner_draws_the_figure_after_the_check(fast_run):
    out, rep = fast_run
    assert rep.details["figure"]["status"] == "drawn", rep.details["figure"]
    assert rep.details["figure"]["script"] == str(FIGURES / "fatkhullin2023_lemma1.py")
    pngs = [f for f in rep.figures if f.endswith(".png")]
    assert pngs and all(Path(f).stat().st_size > 5_000 for f in pngs)
    assert not any(f.endswith(".pdf") for f in rep.figures)  # quick: PNG only (default_formats)
    on_disk = load_report(out / "report.json")  # the report on disk lists the figures too
    assert on_disk.figures == rep.figures and on_disk.details["figure"]["status"] == "drawn"
    assert set(rep.data_files) <= {str(p) for p in out.iterdir()}


def test_a_figure_that_fails_is_reported_and_the_verdict_stands(fast_run, tmp_path):
    _, good = fast_run
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "fatkhullin2023_lemma1.py").write_text(
        "def draw(folder):\n    raise RuntimeError('the data file has no column radius')\n")
    rep = run_one(FAST, RunConfig(quick=True, out_dir=tmp_path / "out"), catch=False, figures=figs)
    fig = rep.details["figure"]
    assert fig["status"] == "failed" and "no column radius" in fig["reason"] and "Traceback" in fig["traceback"]
    assert rep.verdict == good.verdict and rep.claims == good.claims and rep.measured == good.measured
    assert not rep.figures
    assert "figure FAILED to draw" in format_reasons(rep, width=200)
    assert load_report(tmp_path / "out" / "report.json").details["figure"]["status"] == "failed"


def test_a_draw_that_writes_nothing_is_a_failure(tmp_path):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "fatkhullin2023_lemma1.py").write_text("def draw(folder):\n    return []\n")
    rep = run_one(FAST, RunConfig(quick=True, out_dir=tmp_path / "out"), catch=False, figures=figs)
    assert rep.details["figure"]["status"] == "failed" and "no file" in rep.details["figure"]["reason"]


def test_without_a_figures_folder_the_verdicts_are_the_same_and_it_is_said_once(fast_run, tmp_path, monkeypatch,
                                                                                caplog):
    _, good = fast_run
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    monkeypatch.setattr(_runner, "figures_dir", lambda figures=None: None)  # as in a wheel install
    monkeypatch.setattr(_runner, "_SAID_NO_FIGURES", False)
    with caplog.at_level(logging.WARNING, logger=_runner.__name__):
        reps = [run_one(FAST, RunConfig(quick=True, out_dir=tmp_path / f"o{k}"), catch=False) for k in range(2)]
    for rep in reps:
        assert rep.verdict == good.verdict and rep.claims == good.claims
        assert rep.details["figure"]["status"] == "not drawn" and not rep.figures
        assert "--from DIR" in rep.details["figure"]["reason"]
    said = [r for r in caplog.records if "figures not drawn" in r.getMessage()]
    assert len(said) == 1, [r.getMessage() for r in caplog.records]


def test_a_bad_figures_folder_fails_before_any_work(tmp_path, monkeypatch):
    with pytest.raises(ValidationError, match="figures: no folder"):
        run_one(FAST, RunConfig(quick=True, out_dir=tmp_path), figures=tmp_path / "nope")
    assert not (tmp_path / "report.json").exists()
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "nope"))
    with pytest.raises(ValidationError, match=FIGURES_ENV):
        figures_dir()


def test_env_variable_names_the_scripts(fast_run, tmp_path, monkeypatch):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "fatkhullin2023_lemma1.py").write_text(
        "from pathlib import Path\n"
        "def draw(folder):\n"
        "    p = Path(folder) / 'marker.png'\n"
        "    p.write_bytes(b'not empty')\n"
        "    return [p]\n")
    monkeypatch.setenv(FIGURES_ENV, str(figs))
    assert figure_script(FAST) == figs / "fatkhullin2023_lemma1.py"
    rep = run_one(FAST, RunConfig(quick=True, out_dir=tmp_path / "out"), catch=False)
    assert rep.figures == (str(tmp_path / "out" / "marker.png"),)


def test_cli_rejects_a_bad_figures_folder(tmp_path, capsys):
    from pgtheory import cli

    assert cli.main(["check", FAST, "--quick", "--out", str(tmp_path), "--figures", str(tmp_path / "nope")]) == 2
    assert "argument --figures" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


# ----------------------------------------------------------------------------- --from
def test_script_draws_from_a_reproduction_folder(fast_run, tmp_path, capsys):
    out, rep = fast_run
    run_dir = tmp_path / "run"
    (run_dir / FAST).mkdir(parents=True)
    for f in [out / "report.json", *map(Path, rep.data_files)]:
        (run_dir / FAST / f.name).write_bytes(f.read_bytes())
    mod = load_figure_script(FIGURES / "fatkhullin2023_lemma1.py")
    assert mod.main(["--from", str(run_dir)]) == 0
    printed = capsys.readouterr().out
    assert "read from" in printed and "fatkhullin2023-lemma1.png" in printed
    png = run_dir / FAST / "fatkhullin2023-lemma1.png"
    assert png.stat().st_size > 5_000
    # the same pixels as the runner's drawing
    np.testing.assert_array_equal(matplotlib.image.imread(png), matplotlib.image.imread(out / png.name))
    assert mod.main(["--from", str(tmp_path / "empty")]) == 1  # no report there: says so, exit 1


def test_script_runs_the_check_and_draws(tmp_path, capsys):
    """Without --from a script runs its check through the public API into OUT/<check>/ and draws there."""
    mod = load_figure_script(FIGURES / "fatkhullin2023_lemma1.py")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    folder = tmp_path / FAST
    assert load_report(folder / "report.json").verdict in ("consistent", "inconclusive", "violated")
    assert (folder / "fatkhullin2023-lemma1.csv").is_file()
    assert (folder / "fatkhullin2023-lemma1.png").stat().st_size > 5_000
    assert "figure" in capsys.readouterr().out


# ----------------------------------------------------------------------------- data round trips
def test_csv_and_json_round_trip_exactly(tmp_path):
    rng = np.random.default_rng(3)
    cols = {"a": rng.standard_normal(7) * 1e-300, "b": np.array([np.nan, np.inf, -np.inf, 0.1, 1 / 3, 2.0, -0.0])}
    back = plotting.read_csv(plotting.write_csv(tmp_path / "x.csv", cols))
    assert list(back) == ["a", "b"]
    for k in cols:
        np.testing.assert_array_equal(back[k], cols[k])
    obj = {"x": [0.1, float("nan"), float("inf")], "s": "text", "n": 3}
    got = plotting.read_json(plotting.write_json(tmp_path / "x.json", obj))
    assert got["s"] == "text" and got["n"] == 3 and got["x"][0] == 0.1
    assert np.isnan(got["x"][1]) and got["x"][2] == np.inf
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n3\n")
    with pytest.raises(ValueError, match="fields"):
        plotting.read_csv(tmp_path / "bad.csv")


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_rate_check_panel_from_its_data_file_has_the_same_pixels(tmp_path):
    from pgtheory.ratecheck import check_rate

    T = np.arange(1, 400, dtype=float)
    noise = np.exp(0.1 * np.random.default_rng(0).standard_normal((6, T.size)))
    rc = check_rate("mei2020.thm10", T, 0.3 / T * noise, check="rate")  # a fit, seeds band, no bound values
    rc2 = check_rate("agarwal2021.npg_softmax", T, 0.5 / T, params={"eta": 1.0, "gamma": 0.9, "A": 3})
    for res in (rc, rc2):
        path = plotting.write_json(tmp_path / "panel.json", plotting.rate_check_data(res))
        back = plotting.read_json(path)
        fig1, ax1 = plotting.new_axes()
        plotting.plot_rate_check(res, ax=ax1, title="t")
        fig2, ax2 = plotting.new_axes()
        plotting.plot_rate_check(back, ax=ax2, title="t")
        np.testing.assert_array_equal(_pixels(fig1), _pixels(fig2))
        assert ax1.get_title() == ax2.get_title()
        matplotlib.pyplot.close("all")
    json.dumps(plotting.strict_json(plotting.rate_check_data(rc)), allow_nan=False)
    stem = plotting.rate_check_figure([plotting.read_json(path)], tmp_path / "fig", verdict=("consistent", "why"))
    assert Path(stem[0]).stat().st_size > 5_000


def test_caption_from_the_report_is_the_claims_caption(fast_run):
    from pgtheory.ratecheck import check_identity, explain

    out, rep = fast_run
    # rows as stored give the caption explain() gives: consistent claims show their tightness text
    assert figure_caption(out) == explain(rep.claims)
    assert figure_caption(out, [rep.claims[1]["name"]]) == explain([rep.claims[1]])
    claims = [check_identity(1.0, 1.0 + k * 1e-3, atol=1e-12, rtol=0.0, name=f"c{k}") for k in range(3)]
    assert explain([c.row() for c in claims], max_claims=2) == explain(claims, max_claims=2)
    with pytest.raises(ValidationError, match="not claims of"):
        figure_caption(out, ["no such claim"])
