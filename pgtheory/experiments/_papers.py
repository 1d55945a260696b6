"""Where each paper lives: one key per paper in every place, computed from the code.

A paper key is ``<author><year>`` (the prefix of the paper's BibTeX key, the year of the version
cited; ``docs/explanation/architecture.md``). :func:`paper_map` collects, for every key named by the
bound catalog (bound ids ``<key>.<name>``), by a registered check (``Experiment.papers``) or by an
algorithm's ``__citation__``, the places that hold it:

* ``bibtex``: BibTeX keys of its citations: those of its bounds, of the algorithms citing it, and
  the ``CITATION`` an experiment module declares for its own key (``CITATION_<X>`` for another key
  in its checks' ``papers=``), for papers without a catalogued bound. A BibTeX key starts with the
  key's ``<author><year>`` (:func:`author_year`); the letter of a key like ``zhu2025b`` is
  pgtheory's only;
* ``bounds_module`` / ``bound_ids``: ``pgtheory/bounds/catalog/<key>.py`` and the ids it registers;
* ``experiments``: the modules of the checks whose name starts with the key;
* ``checks`` and ``also_in``: those checks, and checks of other keys listing it in ``papers=``;
* ``figures``, ``proofs_check``, ``tests``: ``figures/<check name with _>.py``,
  ``proofs_check/<key>.py`` and ``tests/**/test_<key>*.py`` in a source checkout (empty when the
  package is installed without them);
* ``algorithms`` / ``algorithm_modules``: public :mod:`pgtheory.algorithms` names whose
  ``__citation__`` cites the key, and their modules.

``pgtheory list --map`` prints it; ``docs/_gen_papers.py`` renders it as a table;
``tests/test_keys.py`` asserts that every declared place exists.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
import warnings
from pathlib import Path

from ._registry import list_experiments

__all__ = ["PaperPlaces", "paper_map", "format_map", "author_year", "KEY_RE"]

#: A paper key: lower-case author, four-digit year, an optional letter for two papers of one
#: author-year (``zhu2025a``).
KEY_RE = re.compile(r"[a-z]+\d{4}[a-z]?")

_ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class PaperPlaces:
    """The places of one paper key; paths are relative to the repository root.

    Attributes
    ----------
    key : str
        ``<author><year>``.
    title : str
        Title from its citation (empty when none is known).
    bibtex : tuple of str
        BibTeX keys of the paper (one, when the key is used consistently).
    bounds_module : str
        ``pgtheory/bounds/catalog/<key>.py`` or ``""``.
    bound_ids : tuple of str
    experiments : tuple of str
        Modules of the checks whose name starts with the key.
    checks : tuple of str
    also_in : tuple of str
        Checks of other keys that test a claim of this paper too.
    figures : tuple of str
    proofs_check : str
        ``proofs_check/<key>.py`` or ``""``.
    tests : tuple of str
    algorithms : tuple of str
        Public :mod:`pgtheory.algorithms` names citing the paper.
    algorithm_modules : tuple of str
    """

    key: str
    title: str = ""
    bibtex: tuple = ()
    bounds_module: str = ""
    bound_ids: tuple = ()
    experiments: tuple = ()
    checks: tuple = ()
    also_in: tuple = ()
    figures: tuple = ()
    proofs_check: str = ""
    tests: tuple = ()
    algorithms: tuple = ()
    algorithm_modules: tuple = ()

    def places(self) -> dict:
        """``{place: paths}`` of every place that is a file (what ``tests/test_keys.py`` checks exists)."""
        return {"bounds": (self.bounds_module,) if self.bounds_module else (), "experiments": self.experiments,
                "figures": self.figures, "proofs_check": (self.proofs_check,) if self.proofs_check else (),
                "tests": self.tests, "algorithms": self.algorithm_modules}


def _rel(path, root: Path) -> str:
    p = Path(path).resolve()
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return p.as_posix()


def _citations(obj) -> list:
    """Citation objects and bound ids in an algorithm's ``__citation__``."""
    cit = getattr(obj, "__citation__", None)
    items = cit if isinstance(cit, (tuple, list)) else (cit,) if cit is not None else ()
    return [c for c in items if c is not None]


def author_year(key: str) -> str:
    """``<author><year>`` of a key (``"zhu2025b"`` -> ``"zhu2025"``): the prefix of its BibTeX key.

    Parameters
    ----------
    key : str

    Returns
    -------
    str
    """
    m = re.match(r"[a-z]+\d{4}", key)
    return m.group(0) if m else key


def _key_of_bound_id(bid: str) -> str:
    """Key of a bound id as registered now (an id under a renamed key resolves to the new key)."""
    from ..bounds import get_bound  # lazy: the registry imports every experiment module

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # a former id (munos2023.thm1): its new key
        try:
            return get_bound(bid).id.split(".")[0]
        except KeyError:
            return bid.split(".")[0]


def paper_map(root=None) -> dict:
    """The places of every paper key, computed from the registries and the source tree.

    Parameters
    ----------
    root : str or Path, optional
        Repository root holding ``figures/``, ``proofs_check/`` and ``tests/`` (default: the
        checkout this package is imported from).

    Returns
    -------
    dict of str -> PaperPlaces
        Sorted by key.
    """
    import pgtheory.algorithms as algs  # lazy: the registry imports every experiment module
    from ..bounds import Citation, list_bounds

    root = Path(root).resolve() if root is not None else _ROOT
    bounds = list_bounds()
    exps = list_experiments()
    keys: set = set()
    cites: dict = {}

    def add_cite(key, cit):
        cites.setdefault(key, {})
        if cit.key.startswith(author_year(key)):
            cites[key].setdefault(cit.key, cit)

    by_key_bounds: dict = {}
    for b in bounds:
        k = b.id.split(".")[0]
        keys.add(k)
        by_key_bounds.setdefault(k, []).append(b.id)
        add_cite(k, b.citation)
    for e in exps:
        keys.update(e.papers)
        mod = sys.modules.get(e.run.__module__)
        for name, val in sorted(vars(mod).items()) if mod is not None and e.papers else ():
            if name == "CITATION" and isinstance(val, Citation):  # the paper of the module's key
                add_cite(e.papers[0], val)
            elif name.startswith("CITATION"):  # CITATION_<X>: another paper its checks list in papers=
                for c in val if isinstance(val, (tuple, list)) else (val,):
                    k = next((p for p in e.papers[1:] if isinstance(c, Citation) and c.key.startswith(author_year(p))),
                             None)
                    if k is not None:
                        add_cite(k, c)
    alg_by_key: dict = {}
    for name in algs.__all__:
        obj = getattr(algs, name)
        for c in _citations(obj):
            if isinstance(c, str):
                k = _key_of_bound_id(c)
            elif isinstance(c, Citation):
                k = next((kk for kk in sorted(keys) if author_year(kk) == author_year(c.key)
                          and not kk[len(author_year(kk)):]), None)
                m = re.match(r"[a-z]+\d{4}", c.key)
                if k is None and m is None:
                    continue
                k = k or m.group(0)
                add_cite(k, c)
            else:
                continue
            keys.add(k)
            alg_by_key.setdefault(k, {})[name] = getattr(obj, "__module__", "")
    out = {}
    tests_dir, figs_dir, proofs_dir = root / "tests", root / "figures", root / "proofs_check"
    for k in sorted(keys):
        checks = tuple(e.name for e in exps if e.name.startswith(k + "-"))
        also = tuple(e.name for e in exps if k in e.papers[1:] and not e.name.startswith(k + "-"))
        emods = []
        for e in exps:
            if e.name in checks:
                f = _rel(sys.modules[e.run.__module__].__file__, root)
                if f not in emods:
                    emods.append(f)
        cat = Path(importlib.import_module("pgtheory.bounds.catalog").__file__).parent / f"{k}.py"
        figs = tuple(f"figures/{c.replace('-', '_')}.py" for c in checks
                     if (figs_dir / f"{c.replace('-', '_')}.py").is_file())
        tests = tuple(sorted(_rel(p, root) for p in tests_dir.rglob(f"test_{k}*.py"))) if tests_dir.is_dir() else ()
        tests = tuple(t for t in tests if re.fullmatch(rf"test_{k}(_\w+)?\.py", Path(t).name))
        amods = []
        for n, m in sorted(alg_by_key.get(k, {}).items()):
            f = _rel(importlib.import_module(m).__file__, root) if m else ""
            if f and f not in amods:
                amods.append(f)
        cs = cites.get(k, {})
        out[k] = PaperPlaces(
            key=k, title=next(iter(cs.values())).title if cs else "", bibtex=tuple(sorted(cs)),
            bounds_module=_rel(cat, root) if cat.is_file() else "", bound_ids=tuple(by_key_bounds.get(k, ())),
            experiments=tuple(emods), checks=checks, also_in=also, figures=figs,
            proofs_check=f"proofs_check/{k}.py" if (proofs_dir / f"{k}.py").is_file() else "", tests=tests,
            algorithms=tuple(sorted(alg_by_key.get(k, {}))), algorithm_modules=tuple(amods))
    return out


def format_map(pmap: dict) -> str:
    """Plain-text listing of :func:`paper_map` (what ``pgtheory list --map`` prints).

    Parameters
    ----------
    pmap : dict of str -> PaperPlaces

    Returns
    -------
    str
    """
    lines = [f"{len(pmap)} paper keys (places computed from the code; '-' where the paper has none):"]
    for k, p in pmap.items():
        lines.append(f"{k}: {p.title or '(no citation)'} [BibTeX {', '.join(p.bibtex) or '-'}]")
        rows = [("checks", ", ".join(p.checks) + (f" (also in {', '.join(p.also_in)})" if p.also_in else "")),
                ("bounds", p.bounds_module + (f" ({len(p.bound_ids)} ids)" if p.bound_ids else "")),
                ("experiments", ", ".join(p.experiments)), ("figures", ", ".join(p.figures)),
                ("proofs_check", p.proofs_check), ("tests", ", ".join(p.tests)),
                ("algorithms", ", ".join(p.algorithms) + (f" ({', '.join(p.algorithm_modules)})"
                                                          if p.algorithm_modules else ""))]
        lines += [f"  {name:<13}{text.strip() or '-'}" for name, text in rows]
    return "\n".join(lines)
