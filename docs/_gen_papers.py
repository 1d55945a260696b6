"""Generate one explanation page per paper key from the bound catalog and the experiment registry,
and the table of every key's places (:func:`pgtheory.experiments.paper_map`) on the index page.

Run by ``docs/conf.py`` at every build into ``docs/_build/gen/papers/`` (never the source tree), so
a page cannot drift from :func:`pgtheory.bounds.list_bounds` and
:func:`pgtheory.experiments.list_experiments`. Each page has: the setting and source, every
theorem of the paper as the catalog states it (:meth:`pgtheory.bounds.Bound.describe`, with its
provenance), the registered checks that carry the key (name or tag), their last reproduction
(verdict and tightness from ``report.json`` under the results directory, when there is one) and
what the checks cannot show. Standalone: ``python docs/_gen_papers.py OUT [RESULTS]``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Titles for keys without a citation (none today: every key has one, ``tests/test_keys.py``).
TITLES: dict = {}

#: Hand-written pages that explain a key further (linked from the generated page).
EXTRA = {"agarwal2021": "../../../explanation/exact_gradients",
         "mei2020": "../../../explanation/exact_gradients", "jia2023": "../../../explanation/agnostic_rl",
         "krishnamurthy2025": "../../../explanation/agnostic_rl"}
EXTRA.update({"zhou2023": "../../../explanation/actor_critic", "tan2025": "../../../explanation/actor_critic"})

LIMITS_COMMON = (
    "A check runs finitely many instances at finite sizes: *consistent* means no instance contradicted the "
    "claim and the measured rate is compatible with it, never that the theorem is proved.",
    "A rate verdict is about the window that was run; `--quick` sizes are often pre-asymptotic, so a quick "
    "run may say *inconclusive* where the full run decides.",
    "Constants that the catalog marks other than `verified` were not read in the full text; a check against "
    "them tests the recalled form, not necessarily the paper's.",
)


def _pmap():
    from pgtheory.experiments import paper_map

    return paper_map(ROOT)


def paper_keys(bounds, exps) -> list:
    """Every paper key (:func:`pgtheory.experiments.paper_map`), sorted."""
    return sorted(_pmap())


def checks_for(key, exps) -> list:
    """The checks named by ``key`` and those listing it in ``papers=``."""
    p = _pmap().get(key)
    names = set(p.checks + p.also_in) if p else set()
    return [e for e in exps if e.name in names]


def extra_page(key):
    """The hand-written explanation page of ``key``, if any (the LLM-RL keys share one)."""
    p = _pmap().get(key)
    if key in EXTRA:
        return EXTRA[key]
    if p and any("/experiments/llm/" in m for m in p.experiments):
        return "../../../explanation/estimator_claims"
    return None


def _results_dir(results):
    if results is None:
        return None
    p = Path(results)
    return p if p.is_dir() else None


def _last_report(results, name):
    if results is None:
        return None
    rp = results / name / "report.json"
    if not rp.exists():
        return None
    try:
        return json.loads(rp.read_text())
    except (OSError, ValueError):
        return None


def algorithms_for(key) -> list:
    """``(name, first docstring line)`` of the public algorithms whose ``__citation__`` cites ``key``."""
    import pgtheory.algorithms as algs

    p = _pmap().get(key)
    out = []
    for name in (p.algorithms if p else ()):
        obj = getattr(algs, name)
        doc = (obj.__doc__ or "").strip().split("\n\n")[0]  # the summary paragraph
        doc = re.sub(r":math:`([^`]*)`", r"`\1`", " ".join(doc.split()))
        out.append((name, doc))
    return out


def figure_script(name):
    """The gallery script of check ``name`` (``figures/<name with _>.py``), or None."""
    stem = name.replace("-", "_")
    return stem if (ROOT / "figures" / f"{stem}.py").exists() else None


def _md(s) -> str:
    return " ".join(str(s).split()).replace("|", "\\|")


def page(key, bounds, exps, results) -> str:
    bs = [b for b in bounds if b.id.split(".")[0] == key]
    cs = checks_for(key, exps)
    pm = _pmap().get(key)
    title = TITLES.get(key) or (pm.title if pm and pm.title else key)
    lines = [f"# {key}: {title}", "",
             "*Generated at build time by `docs/_gen_papers.py` from `pgtheory.bounds.list_bounds()` and "
             "`pgtheory.experiments.list_experiments()`; edit the catalog or the registry, not this page.*", ""]
    lines += ["## Setting and source", ""]
    cites = {}
    for b in bs:
        cites.setdefault(b.citation.key, b.citation)
    if not cites:
        cites = _citations(key)
    for c in cites.values():
        arx = f" arXiv:{c.arxiv}{c.arxiv_version}" if c.arxiv else ""
        lines.append(f"- {'; '.join(c.authors)}. *{c.title}*. {c.venue} {c.year}.{arx}"
                     + (f" <{c.url}>" if c.url else ""))
    if not cites:
        lines.append("- No citation of this key was found.")
    assumptions = []
    for b in bs:
        for a in b.assumptions:
            if a not in assumptions:
                assumptions.append(a)
    if assumptions:
        lines += ["", "Assumptions of the catalogued results:", ""] + [f"- {_md(a)}" for a in assumptions]
    if extra_page(key):
        lines += ["", f"More on the theory: [the explanation page]({extra_page(key)}.md)."]
    lines += ["", "## Theorems as stated (bound catalog)", ""]
    if not bs:
        lines.append("None catalogued.")
    for b in bs:
        lines += [f"### `{b.id}`", "", f"$$ {b.latex()} $$", "",
                  f"{b.citation.short()}; provenance **{b.provenance}**"
                  + (f": {_md(b.provenance_note)}" if b.provenance_note else "."), "",
                  "```text", b.describe(), "```", ""]
    lines += ["## The pgtheory algorithm", ""]
    algs = algorithms_for(key)
    if algs:
        lines += [f"- `pgtheory.algorithms.{n}`: {_md(d)}" for n, d in algs]
    else:
        lines.append("No algorithm of `pgtheory.algorithms` cites this key (its checks use exact solvers, "
                     "estimators or their own small learners).")
    lines += ["", "## Registered checks", ""]
    if not cs:
        lines.append("No registered check carries this key: the bounds above are catalogued but not yet checked.")
    else:
        src = "a reproduction in the results directory" if results else "no reproduction found"
        lines += [f"Last reproduction: {src}"
                  + ("" if results else " (run `pgtheory reproduce --out results` and rebuild with "
                                        "`PGTHEORY_RESULTS=results`)") + ".", "",
                  "| check | what it checks | last verdict | tightness |", "|---|---|---|---|"]
        for e in cs:
            rep = _last_report(results, e.name)
            verdict = f"**{rep['verdict']}**" + (" (quick)" if (rep.get("settings") or {}).get("quick") else "") \
                if rep else "run `pgtheory reproduce`"
            tight = _md(rep.get("tightness", "")) if rep else ""
            lines.append(f"| `{e.name}` | {_md(e.title)} | {verdict} | {tight} |")
        lines.append("")
        figs = [(e.name, figure_script(e.name)) for e in cs if figure_script(e.name)]
        if figs:
            lines += ["Figures (each drawn by its script in the gallery, with its code):", ""]
            lines += [f"- `{n}`: {{doc}}`../gallery/{st}`" for n, st in figs]
            lines.append("")
        for e in cs:
            rep = _last_report(results, e.name)
            if rep and rep.get("claims"):
                lines += [f"Claims of `{e.name}`:", ""]
                for c in rep["claims"]:
                    lines.append(f"- **{_md(c.get('verdict', ''))}** {_md(c.get('name', ''))}: {_md(c.get('reason', ''))}")
                lines.append("")
    lines += ["## What the checks cannot show", ""]
    lim = list(LIMITS_COMMON)
    weak = [b.id for b in bs if b.provenance != "verified"]
    if weak:
        lim.append("Not verified against the full text: " + ", ".join(f"`{w}`" for w in weak) + ".")
    implicit = [b.id for b in bs if not getattr(b, "constants_explicit", True)]
    if implicit:
        lim.append("Constants not explicit (only the rate, not the inequality, can be checked): "
                   + ", ".join(f"`{w}`" for w in implicit) + ".")
    checked = set()
    for e in cs:
        rep = _last_report(results, e.name)
        for c in (rep or {}).get("claims", ()) or ():
            if c.get("bound_id"):
                checked.add(c["bound_id"])
    if results and bs:
        unchecked = [b.id for b in bs if b.id not in checked]
        if unchecked:
            lim.append("No claim of the last reproduction used: " + ", ".join(f"`{u}`" for u in unchecked) + ".")
    lines += [f"- {x}" for x in lim]
    return "\n".join(lines) + "\n"


def _citations(key) -> dict:
    """``{BibTeX key: Citation}`` of ``key`` from the algorithms and the experiment modules (no bound)."""
    import pgtheory.algorithms as algs
    from pgtheory.bounds import Citation
    from pgtheory.experiments import list_experiments

    p = _pmap().get(key)
    found = {}
    objs = [getattr(algs, n) for n in (p.algorithms if p else ())]
    for e in list_experiments():
        if key in e.papers:
            objs.append(sys.modules[e.run.__module__])
    for o in objs:
        vals = [v for n, v in vars(o).items() if n.startswith("CITATION")] if isinstance(o, type(sys)) else \
            [getattr(o, "__citation__", None)]
        for v in vals:
            for c in v if isinstance(v, (tuple, list)) else (v,):
                if isinstance(c, Citation) and p and c.key in p.bibtex:
                    found.setdefault(c.key, c)
    return found


def _cell(items) -> str:
    return "<br>".join(f"`{i}`" for i in items) if items else "-"


def places_table(pmap) -> list:
    """Markdown table of every key's places (:func:`pgtheory.experiments.paper_map`)."""
    rows = ["| key | BibTeX | checks | bounds | experiments | figures | proofs_check | tests | algorithms |",
            "|---|---|---|---|---|---|---|---|---|"]
    for k, p in pmap.items():
        checks = list(p.checks) + [f"(also {c})" for c in p.also_in]
        rows.append(f"| [{k}]({k}.md) | {_cell(p.bibtex)} | {_cell(checks)} | "
                    f"{_cell([p.bounds_module] if p.bounds_module else [])} | {_cell(p.experiments)} | "
                    f"{_cell(p.figures)} | {_cell([p.proofs_check] if p.proofs_check else [])} | {_cell(p.tests)} | "
                    f"{_cell(p.algorithms)} |")
    return rows


def generate(out, results=None) -> list:
    """Write ``out/index.md`` and ``out/<key>.md``; return the keys. Unchanged files are not rewritten."""
    from pgtheory.bounds import list_bounds
    from pgtheory.experiments import list_experiments

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = _results_dir(results)
    bounds, exps = list_bounds(), list_experiments()
    keys = paper_keys(bounds, exps)
    files = {}
    for k in keys:
        files[f"{k}.md"] = page(k, bounds, exps, results)
    idx = ["# Papers", "",
           "One page per paper: the setting, the theorems as the catalog states them (with provenance), the "
           "registered checks and what they cannot show. Generated from the registry at build time.", "",
           "## One key per paper: where each paper lives", "",
           "Every paper has one key, `<author><year>` (the prefix of its BibTeX key, the year of the version "
           "cited), that names its places; this table is computed from the code by "
           "`pgtheory.experiments.paper_map()` (`pgtheory list --map`), and `tests/test_keys.py` checks that "
           "every place exists.", ""] + places_table(_pmap()) + ["",
           "```{toctree}", ":maxdepth: 1", ""] + keys + ["```", ""]
    files["index.md"] = "\n".join(idx)
    for name, text in files.items():
        p = out / name
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
    for p in out.glob("*.md"):
        if p.name not in files:
            p.unlink()
    return keys


if __name__ == "__main__":
    print(generate(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
