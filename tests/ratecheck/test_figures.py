"""Figures of the classic and Fatkhullin checks (issue 12): each states its verdict, keeps every
legend inside the canvas, and shows no raw TeX braces. ``save_figure`` is intercepted, so nothing
is rendered to disk; quick mode. The checks longer than ~10 s on one core are marked slow."""

import re

import matplotlib
import pytest

matplotlib.use("Agg")

from pgtheory import plotting  # noqa: E402
from pgtheory.experiments import _registry  # noqa: E402
from pgtheory.experiments._registry import RunConfig  # noqa: E402

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
    seen = []

    def fake_save(fig, stem, *, close=True):
        seen.append({"stem": str(stem), "outside": plotting.legends_inside(fig), "texts": _texts(fig)})
        if close:
            matplotlib.pyplot.close(fig)
        return (f"{stem}.png", f"{stem}.pdf")

    monkeypatch.setattr(plotting, "save_figure", fake_save)
    rep = _registry.get(name).run(RunConfig(quick=True, out_dir=tmp_path))
    assert seen, f"{name} drew no figure"
    for f in seen:
        assert f["outside"] == [], (name, f["stem"], f["outside"])
        assert any(_VERDICT.match(t) for t in f["texts"]), (name, "no verdict caption")
        bad = [t for t in f["texts"] if _raw_braces(t)]
        assert not bad, (name, bad)
    assert rep.claims and all(c["reason"] for c in rep.claims)
    return rep


@pytest.mark.parametrize("name", FAST)
def test_figures_fast(name, tmp_path, monkeypatch):
    _run(name, tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_figures_slow(name, tmp_path, monkeypatch):
    _run(name, tmp_path, monkeypatch)
