"""Shared test of the D2 checks (issue 18): run one check in quick mode, then draw its figure from the data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pgtheory
from pgtheory import experiments
from pgtheory.experiments import RunConfig, load_report, run_one

ROOT = Path(__file__).resolve().parents[2]
PROVENANCE = ("full text [V]", "authors' code [C]", "abstract [A]", "third-party summary [T]", "recalled [R]",
              "our derivation from the paper's formulas [I]")


def run_check(name: str, tmp_path: Path, *, expected: str, bibtex_key: str, monkeypatch=None):
    """Run ``name`` (quick), check its verdict, provenance tags, stored sub-results, citation and figure.

    With ``monkeypatch``, every figure is checked before it is saved: legends inside the canvas and a
    verdict caption (the text :func:`pgtheory.plotting.add_verdict` writes). Returns the report.
    """
    folder = tmp_path / name
    rep = run_one(name, RunConfig(quick=True, out_dir=folder), catch=False)
    assert rep.verdict == expected, rep.reason
    assert load_report(folder / "report.json").verdict == expected
    for c in rep.claims:
        assert any(f"(provenance: {p})" in c["source"] for p in PROVENANCE), c["source"]
        assert c["verdict"] in ("consistent", "violated", "inconclusive")
    subs = rep.details["subchecks"]
    assert subs and all(s["numbers"] for s in subs)
    assert (folder / f"{name}.json").is_file()
    assert f"{{{bibtex_key}," in pgtheory.cite(experiments.get(name).run)
    script = ROOT / "figures" / (name.replace("-", "_") + ".py")
    if script.is_file():
        if monkeypatch is not None:
            from pgtheory import plotting

            real_save = plotting.save_figure

            def checked_save(fig, stem, **kw):
                assert not plotting.legends_inside(fig), plotting.legends_inside(fig)
                texts = [t.get_text() for t in fig.texts]
                assert any(t.startswith(expected.upper()) for t in texts), texts
                return real_save(fig, stem, **kw)

            monkeypatch.setattr(plotting, "save_figure", checked_save)
        spec = importlib.util.spec_from_file_location(f"fig_{name.replace('-', '_')}", script)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        paths = mod.draw(folder)
        assert [p.suffix for p in paths] == [".png", ".pdf"]
        assert all(p.is_file() and p.stat().st_size > 10_000 for p in paths)
    return rep
