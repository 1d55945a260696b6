"""Generate the verification status page from ``pgtheory reproduce`` output.

Source, in order: the directory in the environment variable ``PGTHEORY_RESULTS`` (a full
``pgtheory reproduce --out DIR`` run: ``DIR/summary.json`` and ``DIR/<check>/report.json``), else
a quick reproduction of :data:`QUICK_SUBSET` run at build time into ``docs/_build/gen/results``
(resumed on rebuilds, so only the first build pays for it; ``PGTHEORY_DOCS_QUICK=0`` skips it and
the page then says how to produce the full table). Written into ``docs/_build/gen/status/``: every
check, its claims, verdicts and tightness, the figure thumbnails, and the settings and version
that produced each report.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

#: Checks reproduced (``--quick``) when no results directory is given: a few seconds each.
QUICK_SUBSET = ("mei2020-bandit", "fatkhullin2023-lemma1", "liu2025-grpo-weights", "munos2024-theorem1")


def _md(s) -> str:
    return " ".join(str(s).split()).replace("|", "\\|")


def _reports(results: Path) -> list:
    summ = results / "summary.json"
    reps = []
    if summ.exists():
        reps = json.loads(summ.read_text())
    else:
        for rp in sorted(results.glob("*/report.json")):
            reps.append(json.loads(rp.read_text()))
    return reps


def _figures(results: Path, rep: dict) -> list:
    d = results / rep["name"]
    pngs = sorted(d.glob("*.png")) if d.is_dir() else []
    if not pngs:
        pngs = [Path(f) for f in rep.get("figures", ()) if str(f).endswith(".png") and Path(f).exists()]
    return pngs


def generate(out, results=None, quick: bool = True) -> str:
    """Write ``out/index.md`` (and copy thumbnails to ``out/img``); return the results dir used ('' if none)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    origin = ""
    if results:
        results = Path(results)
        origin = f"the results directory `PGTHEORY_RESULTS` ({results.name})"
    elif quick:
        from pgtheory.experiments import run_all

        results = out.parent / "results"
        run_all(list(QUICK_SUBSET), quick=True, out_dir=results)
        origin = (f"a quick reproduction of {len(QUICK_SUBSET)} checks made during the docs build "
                  "(`pgtheory reproduce --quick` sizes)")
    lines = ["# Verification status", "",
             "*Generated at build time by `docs/_gen_status.py` from `pgtheory reproduce` output; "
             "never edited by hand.*", ""]
    if not results or not Path(results).is_dir():
        lines += ["No reproduction is available to this build. Produce the full table with", "",
                  "```bash", "pgtheory reproduce --out results", "PGTHEORY_RESULTS=results python -m sphinx -W -b html docs docs/_build/html",
                  "```", ""]
        text = "\n".join(lines)
        (out / "index.md").write_text(text)
        return ""
    reps = _reports(Path(results))
    lines += [f"Source: {origin}. The complete table of all registered checks: "
              "`pgtheory reproduce --out results`, then rebuild with `PGTHEORY_RESULTS=results`.", ""]
    settings = [r.get("settings") or {} for r in reps]
    vers = sorted({str(s.get("version")) for s in settings if s})
    commits = sorted({str(s.get("git_commit") or s.get("commit") or "") for s in settings if s} - {""})
    quicks = sorted({str(s.get("quick")) for s in settings if s})
    lines += [f"pgtheory version {', '.join(vers) or 'unknown'}; git commit {', '.join(c[:12] for c in commits) or 'unknown'}; "
              f"quick {', '.join(quicks) or 'unknown'}.", "",
              "| check | verdict | tightness | seconds |", "|---|---|---|---|"]
    for r in reps:
        lines.append(f"| [{r['name']}](#{r['name']}) | **{_md(r.get('verdict', ''))}** | {_md(r.get('tightness', ''))} | "
                     f"{float(r.get('seconds') or 0):.1f} |")
    lines.append("")
    img = out / "img"
    if img.exists():
        shutil.rmtree(img)
    img.mkdir()
    for r in reps:
        lines += [f"({r['name']})=", f"## {r['name']}: {r.get('verdict', '')}", "",
                  f"Source: {_md(r.get('source', ''))}. Stated: {_md(r.get('stated', ''))}. "
                  f"Measured: {_md(r.get('measured', ''))}.", ""]
        if r.get("reason"):
            lines += [f"Reason: {_md(r['reason'])}", ""]
        for c in r.get("claims") or ():
            tight = f" (tightness: {_md(c['tightness'])})" if c.get("tightness") else ""
            lines.append(f"- **{_md(c.get('verdict', ''))}** {_md(c.get('name', ''))}: {_md(c.get('reason', ''))}{tight}")
        if r.get("claims"):
            lines.append("")
        for i, png in enumerate(_figures(Path(results), r)):
            dst = img / f"{r['name']}-{i}.png"
            shutil.copyfile(png, dst)
            lines += [f"```{{image}} img/{dst.name}", ":width: 320px", f":alt: {r['name']} figure {i + 1}",
                      "```", ""]
        s = r.get("settings") or {}
        if s:
            lines += ["<details><summary>settings</summary>", "", "```json",
                      json.dumps(s, indent=1, sort_keys=True, default=str), "```", "", "</details>", ""]
    (out / "index.md").write_text("\n".join(lines))
    return str(results)


if __name__ == "__main__":
    import sys

    print(generate(sys.argv[1], os.environ.get("PGTHEORY_RESULTS")))
