"""``pgtheory.cite()`` for the package matches CITATION.cff and the package version; paper.md/paper.bib agree."""

from __future__ import annotations

import re
from pathlib import Path

import pgtheory

ROOT = Path(__file__).resolve().parents[1]


def read_cff(path: Path) -> dict:
    """The top-level scalars of a CITATION.cff and its author names (a tiny YAML-free reader)."""
    out, authors, in_authors = {}, [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            in_authors = line.startswith("authors:")
            m = re.match(r"([\w-]+):\s*(.*)$", line)
            if m and m.group(2):
                out[m.group(1)] = m.group(2).strip().strip('"')
        elif in_authors:
            m = re.match(r"\s*-?\s*(name|family-names|given-names):\s*(.*)$", line)
            if m:
                authors.append(m.group(2).strip().strip('"'))
    out["authors"] = authors
    return out


def _bib_field(entry: str, name: str) -> str:
    m = re.search(rf"^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", entry, re.M)
    assert m, f"no {name} in {entry}"
    return m.group(1)


def test_package_entry_matches_citation_cff():
    cff = read_cff(ROOT / "CITATION.cff")
    entry = pgtheory.cite()
    assert entry.startswith("@software{pgtheory,")
    assert cff["version"] == pgtheory.__version__ == _bib_field(entry, "version")
    assert _bib_field(entry, "title").replace("{", "").replace("}", "") == cff["title"]
    assert _bib_field(entry, "author").replace("{", "").replace("}", "").split(" and ") == cff["authors"]
    assert _bib_field(entry, "year") == cff["date-released"][:4]


def test_cff_version_matches_pyproject():
    py = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', py, re.M).group(1) == read_cff(ROOT / "CITATION.cff")["version"]


def test_paper_md_and_paper_bib_cite_each_other():
    md = (ROOT / "paper.md").read_text(encoding="utf-8")
    bib = (ROOT / "paper.bib").read_text(encoding="utf-8")
    keys = re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", bib)
    assert len(keys) == len(set(keys)), "duplicate keys in paper.bib"
    cited = set(re.findall(r"@([A-Za-z][\w:-]*\w)", re.sub(r"`[^`]*`", "", md.split("---", 2)[-1])))
    assert set(keys) - cited == set(), f"in paper.bib but not cited in paper.md: {set(keys) - cited}"
    assert cited - set(keys) == set(), f"cited in paper.md but not in paper.bib: {cited - set(keys)}"
