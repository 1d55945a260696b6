"""Figures of the classic and Fatkhullin checks (issue 12): each states its verdict, keeps every
legend inside the canvas, and shows no raw TeX braces; quick mode. The checks longer than ~10 s on
one core are marked slow.

Experiments compute, figures draw (issue 13, item 4): each check runs without drawing (it must
not draw: no figure is saved while it runs), then the ``draw(folder)`` of its script in
``figures/`` draws from the folder it wrote, through ``pgtheory.plotting.save_figure``, which is
recorded here; the PNGs it writes must be non-empty."""

import os
import re

import matplotlib
import pytest

matplotlib.use("Agg")

from pgtheory import plotting  # noqa: E402
from pgtheory.experiments import RunConfig, figure_script, run_one  # noqa: E402
from pgtheory.experiments._figures import load_figure_script  # noqa: E402

FAST = ["agarwal2021-npg", "cen2022-fig1", "cen2022-thm1", "fatkhullin2023-lemma1"]
SLOW = ["mei2020-bandit", "mei2020-mdp", "li2021-hard", "fatkhullin2023-convergence",
        "fatkhullin2023-eps-complexity", "fatkhullin2023-robustness", "fatkhullin2023-lqr"]
_VERDICT = re.compile(r"^(CONSISTENT|VIOLATED|INCONCLUSIVE)")


def _texts(fig):
    out = [t.get_text() for t in fig.texts]
    if getattr(fig, "_suptitle", None) is not None:
        out.append(fig._suptitle.get_text())
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    return [t for t in out if t]


def _raw_braces(text):
    outside = text.split("$")[0::2]  # pieces outside math mode
    return any("{" in p or "}" in p for p in outside)


def _run(name, tmp_path, monkeypatch):
    """Run check ``name`` quick into ``tmp_path`` (no drawing), then draw it with its script; return the report."""
    seen = []
    real = plotting.save_figure

    def recording(fig, stem, *, close=True):
        seen.append({"stem": str(stem), "outside": plotting.legends_inside(fig), "texts": _texts(fig)})
        return real(fig, stem, close=close)

    monkeypatch.setattr(plotting, "save_figure", recording)
    rep = run_one(name, RunConfig(quick=True, out_dir=tmp_path), catch=False, figures=False)
    assert not seen, f"{name}: the experiment drew a figure itself (experiments compute, figures draw)"
    assert not rep.figures, (name, rep.figures)
    script = figure_script(name)
    assert script is not None, f"{name}: no figures/{name.replace('-', '_')}.py"
    written = load_figure_script(script).draw(tmp_path)
    assert seen, f"{name} drew no figure"
    pngs = [p for p in map(str, written) if p.endswith(".png")]
    assert pngs and all(os.path.getsize(p) > 5_000 for p in pngs), (name, written)
    _check_seen(name, seen)
    assert rep.claims and all(c["reason"] for c in rep.claims)
    return rep


def _check_seen(name, seen):
    for f in seen:
        assert f["outside"] == [], (name, f["stem"], f["outside"])
        assert any(_VERDICT.match(t) for t in f["texts"]), (name, "no verdict caption")
        bad = [t for t in f["texts"] if _raw_braces(t)]
        assert not bad, (name, bad)


@pytest.mark.parametrize("name", FAST)
def test_figures_fast(name, tmp_path, monkeypatch):
    _run(name, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_figures_slow(name, tmp_path, monkeypatch):
    _run(name, tmp_path, monkeypatch)
