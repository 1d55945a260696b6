"""Generate one explanation page per paper key from the bound catalog and the experiment registry.

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

#: Paper keys whose checks are registered under another name or tag (key -> extra tags / prefixes).
ALIASES = {
    "munos2024": ("munos2024",),
    "tiapkin2025": ("tiapkin2025",),
    "prajapat2024": ("prajapat2024", "subpo"),
    "llm": ("llm",),
}

#: Titles for keys that are not in the bound catalog.
TITLES = {"llm": "LLM-RL policy-gradient estimators (GRPO family), settled exactly on bandits"}

#: Hand-written pages that explain a key further (linked from the generated page).
EXTRA = {"llm": "../../../explanation/estimator_claims", "agarwal2021": "../../../explanation/exact_gradients",
         "mei2020": "../../../explanation/exact_gradients", "jia2023": "../../../explanation/agnostic_rl",
         "krishnamurthy2025": "../../../explanation/agnostic_rl"}

LIMITS_COMMON = (
    "A check runs finitely many instances at finite sizes: *consistent* means no instance contradicted the "
    "claim and the measured rate is compatible with it, never that the theorem is proved.",
    "A rate verdict is about the window that was run; `--quick` sizes are often pre-asymptotic, so a quick "
    "run may say *inconclusive* where the full run decides.",
    "Constants that the catalog marks other than `verified` were not read in the full text; a check against "
    "them tests the recalled form, not necessarily the paper's.",
)


def _key_of(tag: str) -> str | None:
    return tag if re.fullmatch(r"[a-z]+\d{4}", tag) else None


def paper_keys(bounds, exps) -> list:
    keys = {b.id.split(".")[0] for b in bounds}
    for e in exps:
        keys.update(k for k in map(_key_of, e.tags) if k)
    keys.add("llm")
    return sorted(keys)


def checks_for(key, exps) -> list:
    tags = ALIASES.get(key, (key,))
    return [e for e in exps if any(t in e.tags for t in tags) or any(e.name.startswith(t + "-") for t in tags)]


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
    """``(name, first docstring line)`` of the public algorithms whose ``__citation__`` names a bound of ``key``."""
    import pgtheory.algorithms as algs

    keys = ALIASES.get(key, (key,))
    out = []
    for name in algs.__all__:
        obj = getattr(algs, name)
        cit = getattr(obj, "__citation__", None)
        ids = cit if isinstance(cit, (tuple, list)) else ()
        if any(isinstance(i, str) and i.split(".")[0] in keys for i in ids):
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
    bs = [b for b in bounds if b.id.split(".")[0] in ALIASES.get(key, (key,))]
    cs = checks_for(key, exps)
    title = TITLES.get(key) or (bs[0].citation.title if bs else key)
    lines = [f"# {key}: {title}", "",
             "*Generated at build time by `docs/_gen_papers.py` from `pgtheory.bounds.list_bounds()` and "
             "`pgtheory.experiments.list_experiments()`; edit the catalog or the registry, not this page.*", ""]
    lines += ["## Setting and source", ""]
    cites = {}
    for b in bs:
        cites.setdefault(b.citation.key, b.citation)
    for c in cites.values():
        arx = f" arXiv:{c.arxiv}{c.arxiv_version}" if c.arxiv else ""
        lines.append(f"- {'; '.join(c.authors)}. *{c.title}*. {c.venue} {c.year}.{arx}"
                     + (f" <{c.url}>" if c.url else ""))
    if not cites:
        lines.append("- No bound of this key is in the catalog; the claims below come from the checks' own sources.")
    assumptions = []
    for b in bs:
        for a in b.assumptions:
            if a not in assumptions:
                assumptions.append(a)
    if assumptions:
        lines += ["", "Assumptions of the catalogued results:", ""] + [f"- {_md(a)}" for a in assumptions]
    if key in EXTRA:
        lines += ["", f"More on the theory: [the explanation page]({EXTRA[key]}.md)."]
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
