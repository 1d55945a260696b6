"""Every BibTeX entry pgtheory prints parses, has the fields its type needs, and one key means one paper.

Conventions (see :class:`pgtheory.bounds.Citation`): conference papers are ``@inproceedings`` with
``booktitle``; journal papers ``@article`` with ``journal``; arXiv-only preprints ``@misc`` with
``howpublished``/``eprint``. Entries are parsed twice: with a small strict parser written here
(balanced braces, ``key = {value}`` fields, no duplicate fields) and, when installed (``test``
extra), with pybtex.
"""

from __future__ import annotations

import re

import pytest

import pgtheory
from pgtheory import bounds
from pgtheory.bounds._core import ENTRY_TYPES

CONFERENCES = ("ICML", "NeurIPS", "ICLR", "COLT", "COLM", "AISTATS", "Conference", "Proceedings")


def parse_strict(text: str) -> list:
    """Parse BibTeX ``text`` into ``[(type, key, {field: value})]``; raise AssertionError when malformed.

    Text outside entries (``% cite as`` hints) is skipped, as BibTeX does.
    """
    out, i = [], 0
    while True:
        j = text.find("@", i)
        if j < 0:
            return out
        m = re.compile(r"@(\w+)\s*\{\s*([^,\s{}]+)\s*,").match(text, j)
        assert m, f"malformed entry head at {text[j:j + 40]!r}"
        typ, key, k = m.group(1).lower(), m.group(2), m.end()
        fields = {}
        while True:
            fm = re.compile(r"\s*(\w+)\s*=\s*\{").match(text, k)
            if fm is None:
                end = re.compile(r"\s*\}").match(text, k)
                assert end, f"{key}: expected a field or the closing brace at {text[k:k + 40]!r}"
                k = end.end()
                break
            name, depth, v0 = fm.group(1).lower(), 1, fm.end()
            k = v0
            while depth:
                assert k < len(text), f"{key}: unbalanced braces in field {name}"
                depth += {"{": 1, "}": -1}.get(text[k], 0)
                k += 1
            assert name not in fields, f"{key}: field {name} given twice"
            fields[name] = text[v0:k - 1]
            sep = re.compile(r"\s*,").match(text, k)
            if sep:
                k = sep.end()
        out.append((typ, key, fields))
        i = k


def _all_citations():
    from pgtheory.algorithms import nash

    cits = [(b.id, b.citation) for b in bounds.list_bounds()]
    cits.append(("omwu", nash.omwu.__citation__))
    return cits


CITATIONS = _all_citations()


@pytest.mark.parametrize("label,cit", CITATIONS, ids=[c[0] for c in CITATIONS])
def test_entry_parses_with_required_fields(label, cit):
    entries = parse_strict(cit.bibtex(hint=True))
    assert len(entries) == 1
    typ, key, fields = entries[0]
    assert typ == cit.entry_type and key == cit.key
    missing = [f for f in ENTRY_TYPES[typ] if not fields.get(f, "").strip()]
    assert not missing, f"{label}: @{typ} needs {missing}"
    assert re.fullmatch(r"(19|20)\d\d", fields["year"])
    for f in ("note", "theorem"):  # the locator is never a field: one entry per paper
        assert f not in fields, f"{label}: {f} is in the entry; the statement belongs in the cite hint"
    assert "((" not in cit.bibtex(hint=True) and "))" not in cit.hint()
    venue = fields.get("booktitle", fields.get("journal", fields.get("howpublished", "")))
    if typ == "misc":
        assert "arXiv" in venue and cit.arxiv, f"{label}: @misc is for arXiv preprints"
    elif any(w in venue for w in CONFERENCES):
        assert typ == "inproceedings", f"{label}: {venue!r} is a conference; use entry_type='inproceedings'"
    else:
        assert typ == "article"


def test_one_key_one_paper():
    papers = {}
    for label, cit in CITATIONS:
        p = cit.paper()
        if cit.key in papers:
            assert papers[cit.key][1] == p, f"key {cit.key!r} means two papers ({papers[cit.key][0]} vs {label})"
        else:
            papers[cit.key] = (label, p)
    titles = [p.title.lower() for _, p in papers.values()]
    assert len(titles) == len(set(titles)), "one paper under two keys"


def test_citing_several_bounds_of_one_paper_gives_one_key():
    out = pgtheory.cite(["mei2020.thm4", "mei2020.thm6", "mei2020.bandit", "cen2022.thm1_q", "cen2022.thm1_v"])
    entries = parse_strict(out)
    assert [k for _, k, _ in entries] == ["mei2020global", "cen2022fast"]
    assert "% cite as \\cite[Thm.~4]{mei2020global}  [mei2020.thm4]" in out
    assert "% cite as \\cite[Thm.~6]{mei2020global}  [mei2020.thm6]" in out
    assert "\\cite[Thm.~1, Eq.~(21)]{cen2022fast}" in out
    # concatenating single citations and citing the list give the same entries
    single = "\n\n".join(pgtheory.cite(i) for i in ("mei2020.thm4", "mei2020.thm6"))
    assert parse_strict(single)[0] == entries[0]
    assert pgtheory.cite("mei2020.thm4") == bounds.get("mei2020.thm4").bibtex()


def test_every_printed_entry_parses_with_pybtex():
    pybtex = pytest.importorskip("pybtex.database")
    text = pgtheory.cite([c for _, c in CITATIONS]) + "\n\n" + pgtheory.cite()
    db = pybtex.parse_string(text, "bibtex")  # raises on duplicate keys and malformed entries
    assert len(db.entries) == len({c.key for _, c in CITATIONS}) + 1
    for _, cit in CITATIONS:
        e = db.entries[cit.key]
        assert e.type == cit.entry_type
        assert len(e.persons["author"]) == len(cit.authors)


def test_strict_parser_rejects_malformed():
    with pytest.raises(AssertionError):
        parse_strict("@article{x,\n  title = {a{b},\n}")
    with pytest.raises(AssertionError):
        parse_strict("@article{x, title = {a}, title = {b}}")


def test_citation_rejects_bad_entry_type():
    with pytest.raises(ValueError, match="entry_type"):
        bounds.Citation(key="k", authors=("A, B",), title="t", venue="v", year=2020, entry_type="book")


def test_provenance_notes_are_self_contained():
    """What a user sees with `pgtheory bound ID` names the paper's places, never a file outside the repository."""
    for b in bounds.list_bounds():
        assert "dossier" not in b.describe().lower(), b.id
    import importlib
    import pkgutil

    from pgtheory.bounds import catalog

    for mod in pkgutil.iter_modules(catalog.__path__):
        doc = importlib.import_module(f"{catalog.__name__}.{mod.name}").__doc__ or ""
        assert "dossier" not in doc.lower() and "shared/" not in doc, mod.name
