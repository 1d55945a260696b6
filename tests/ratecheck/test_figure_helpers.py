"""The shared pieces of the figure scripts (issue 13 residue): ``plotting.read_data``,
``plotting.plot_rate_curves``, ``figure_caption(style="verdicts")``, and the scripts' command line
(:func:`pgtheory.experiments.figure_main`): options checked as the ``pgtheory`` command checks them,
and the figure recorded in ``report.json`` when a script runs its own check.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from pgtheory import plotting  # noqa: E402
from pgtheory.errors import ValidationError  # noqa: E402
from pgtheory.experiments import figure_caption, figure_main, load_report, report_from_claims  # noqa: E402
from pgtheory.experiments import _script  # noqa: E402
from pgtheory.ratecheck import check_identity  # noqa: E402

#: a fast check (about 3 s quick) with one figure
FAST = "fatkhullin2023-lemma1"
FIGURES = Path(__file__).resolve().parents[2] / "figures"


# ----------------------------------------------------------------------------- read_data
def test_read_data_reads_each_file_by_its_suffix(tmp_path):
    cols = {"n": np.array([1.0, 2.0, np.nan]), "y": np.array([0.5, np.inf, 1e-300])}
    plotting.write_csv(tmp_path / "a.csv", cols)
    plotting.write_json(tmp_path / "b.json", {"slope": float("nan"), "label": "x"})
    a, b = plotting.read_data(tmp_path, "a.csv", "b.json")
    for k in cols:
        np.testing.assert_array_equal(a[k], cols[k])
    assert np.isnan(b["slope"]) and b["label"] == "x"
    (one,) = plotting.read_data(str(tmp_path), "b.json")  # always a tuple, str folders accepted
    assert one["label"] == "x"


def test_read_data_names_every_missing_file_before_reading(tmp_path):
    (tmp_path / "a.csv").write_text("not,a\nvalid csv\n")  # would fail to parse if it were read first
    with pytest.raises(ValidationError, match=r"folder: .*\['b.json', 'c.csv'\].*Fix:"):
        plotting.read_data(tmp_path, "a.csv", "b.json", "c.csv")


@pytest.mark.parametrize("names, match", [((), "names: no data file"), (("a.txt",), "names: .*a.txt")])
def test_read_data_rejects_bad_names(tmp_path, names, match):
    with pytest.raises(ValidationError, match=match):
        plotting.read_data(tmp_path, *names)


# ----------------------------------------------------------------------------- plot_rate_curves
def _rate_data():
    """Two methods in the scripts' data format: one stated exponent, one ablation (NaN), padded CSV."""
    n = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    cols = {"a_n": n, "a_mean": 1 / n, "a_lo": 0.5 / n, "a_hi": 2 / n,
            "b_n": np.array([1.0, 2.0, 4.0, np.nan, np.nan]), "b_mean": np.array([1.0, 0.7, 0.5, np.nan, np.nan]),
            "b_lo": np.array([0.9, 0.6, 0.4, np.nan, np.nan]), "b_hi": np.array([1.1, 0.8, 0.6, np.nan, np.nan])}
    fits = {"a": {"label": "A", "slope": -1.0, "ci": [-1.1, -0.9], "stated": -0.5, "fit_x": [4.0, 16.0],
                  "fit_y": [0.25, 1 / 16]},
            "b": {"label": "B", "slope": -0.5, "ci": [-0.7, -0.3], "stated": float("nan"), "fit_x": [2.0, 4.0],
                  "fit_y": [0.7, 0.5]}}
    return cols, fits


def test_rate_curves_draw_mean_band_fit_and_stated_rate_on_log_axes():
    cols, fits = _rate_data()
    fig, ax = plotting.new_axes()
    plotting.plot_rate_curves(ax, cols, fits, colors={"a": "C0", "b": "C3"}, xlabel="n", ylabel="gap", title="t")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["A: slope -1.00 [-1.10, -0.90], stated -0.50", "B: slope -0.50 [-0.70, -0.30]"]
    lines = ax.get_lines()
    # A: mean, fit, stated rate; B (no stated exponent): mean, fit
    assert len(lines) == 5 and len(ax.collections) == 2
    ref = lines[2]
    assert ref.get_linestyle() == ":" and ref.get_color() == "C0"
    x0, y0 = fits["a"]["fit_x"][0], fits["a"]["fit_y"][0]
    np.testing.assert_array_equal(ref.get_xdata(), [x0, 16.0])
    assert ref.get_ydata()[1] == y0 * (16.0 / x0) ** -0.5
    np.testing.assert_array_equal(lines[3].get_xdata(), [1.0, 2.0, 4.0])  # the NaN padding is skipped
    lo, hi = ax.get_ylim()
    assert lo <= 1 / 16 and hi >= 1.0  # spent on the means
    matplotlib.pyplot.close(fig)


def test_rate_curves_draw_a_registered_bound_shape_when_given():
    cols, fits = _rate_data()
    fits["a"]["bound_x"], fits["a"]["bound_y"] = [4.0, 16.0], [3.0, 1.5]
    fig, ax = plotting.new_axes()
    plotting.plot_rate_curves(ax, cols, fits, legend=None, ylim=None)
    np.testing.assert_array_equal(ax.get_lines()[2].get_ydata(), [3.0, 1.5])
    assert ax.get_legend() is None
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("change, match", [
    (lambda c, f, k: f["a"].pop("stated"), "lacks \\['stated'\\]"),
    (lambda c, f, k: c.pop("b_hi"), "lacks \\['b_hi'\\]"),
    (lambda c, f, k: k.update(colors={"a": "C0"}), "'b' lacks \\['a colour in colors'\\]"),
    (lambda c, f, k: k.update(legend="left"), "legend: 'left'"),
    (lambda c, f, k: k.update(ylim="tight"), "ylim: 'tight'"),
    (lambda c, f, k: f.clear(), "fits: no method"),
])
def test_rate_curves_reject_bad_input_before_drawing(change, match):
    cols, fits = _rate_data()
    kw: dict = {}
    change(cols, fits, kw)
    fig, ax = plotting.new_axes()
    with pytest.raises(ValidationError, match=match):
        plotting.plot_rate_curves(ax, cols, fits, **kw)
    assert not ax.get_lines() and not ax.collections
    matplotlib.pyplot.close(fig)


# ----------------------------------------------------------------------------- caption
def test_verdicts_caption_is_the_reason_and_every_claims_verdict():
    claims = [check_identity(1.0, 1.0, rtol=0.0, atol=1e-12, name="first"),
              check_identity(1.0, 1.5, rtol=0.0, atol=1e-12, name="second")]
    rep = report_from_claims("x", claims, source="s", stated="s")
    verdict, reason = figure_caption(rep, style="verdicts")
    assert verdict == rep.verdict == "violated"
    assert reason == f"{rep.reason}. first: consistent; second: violated"
    assert figure_caption(rep, ["second"], style="verdicts")[1] == f"{rep.reason}. second: violated"


# ----------------------------------------------------------------------------- figure_main
@pytest.fixture
def no_work(monkeypatch):
    """Any run during these tests is a failure: the options are checked first."""

    def boom(*a, **k):
        raise AssertionError("work started before the options were validated")

    monkeypatch.setattr(_script, "run_one", boom)


def _draw_nothing(folder):
    raise AssertionError("draw called before the options were validated")


@pytest.mark.parametrize("argv, option, words", [
    (["--seeds", "0"], "--seeds", "N >= 1"), (["--seeds", "-2"], "--seeds", "N >= 1"),
    (["--seeds", "two"], "--seeds", "not an integer"), (["--seed", "-1"], "--seed", ">= 0"),
    (["--seed", "1.5"], "--seed", "not an integer"), (["--out", "FILE"], "--out", "is an existing file"),
])
def test_figure_main_checks_its_options_like_the_cli(no_work, tmp_path, capsys, argv, option, words):
    (tmp_path / "f").write_text("x")
    argv = [str(tmp_path / "f") if a == "FILE" else a for a in argv]
    with pytest.raises(SystemExit) as exc:
        figure_main(FAST, _draw_nothing, None, ["--quick", "--out", str(tmp_path / "o"), *argv]
                    if option != "--out" else ["--quick", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err and words in err
    assert not (tmp_path / "o").exists()


def test_script_run_records_its_figure_in_the_report(tmp_path, capsys):
    """Without --from a script's report.json says how drawing went, as `pgtheory check` does."""
    from pgtheory.experiments._figures import load_figure_script

    mod = load_figure_script(FIGURES / "fatkhullin2023_lemma1.py")
    assert mod.main(["--quick", "--out", str(tmp_path)]) == 0
    rep = load_report(tmp_path / FAST / "report.json")
    assert rep.details["figure"] == {"status": "drawn", "script": str(FIGURES / "fatkhullin2023_lemma1.py"),
                                     "reason": ""}
    assert sorted(Path(f).suffix for f in rep.figures) == [".pdf", ".png"]
    assert all(Path(f).stat().st_size > 5_000 for f in rep.figures)
    assert "figure" in capsys.readouterr().out


def test_script_run_records_a_failed_figure_and_exits_1(tmp_path, capsys):
    def draw(folder):
        raise RuntimeError("the data file has no column radius")

    assert figure_main(FAST, draw, None, ["--quick", "--out", str(tmp_path)]) == 1
    fig = json.loads((tmp_path / FAST / "report.json").read_text())["details"]["figure"]
    assert fig["status"] == "failed" and "no column radius" in fig["reason"] and "Traceback" in fig["traceback"]
    assert fig["script"] == __file__
    err = capsys.readouterr().err
    assert "figure FAILED" in err and "no column radius" in err
