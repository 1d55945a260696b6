"""Shared helpers of the D1 check tests: run a registered check in quick mode into a folder, draw its figure."""

import importlib.util
from pathlib import Path

from pgtheory import plotting
from pgtheory.experiments import RunConfig, run_one

ROOT = Path(__file__).resolve().parents[2]


def run_quick(name, folder):
    """Run check ``name`` with ``quick=True`` writing into ``folder``; returns the report."""
    return run_one(name, RunConfig(quick=True, out_dir=Path(folder)), catch=False)


def draw_figure(name, folder, monkeypatch):
    """Draw ``figures/<name with underscores>.py`` from ``folder``; returns (paths, [(legends outside, caption)])."""
    path = ROOT / "figures" / (name.replace("-", "_") + ".py")
    spec = importlib.util.spec_from_file_location(f"fig_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seen = []
    orig = plotting.save_figure

    def record(fig, stem, **kw):
        seen.append((plotting.legends_inside(fig), [t.get_text() for t in fig.texts]))
        return orig(fig, stem, **kw)

    monkeypatch.setattr(plotting, "save_figure", record)
    return mod.draw(Path(folder)), seen
