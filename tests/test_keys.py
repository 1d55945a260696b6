"""One key per paper (issue 13, item 3): former check names and bound ids keep working for one
release, with a DeprecationWarning naming the new one, and are not listed."""

from __future__ import annotations

import warnings

import pytest

from pgtheory import bounds, cli
from pgtheory.experiments import get, list_experiments, renamed


def test_renamed_checks_resolve_with_a_warning_and_are_not_listed():
    names = {e.name for e in list_experiments()}
    olds = renamed()
    assert {"nash-compare", "nash-md-theorem1", "subpo-trap-family", "llm-bnpo", "cen2021-fig1"} <= set(olds)
    for old, new in olds.items():
        assert old not in names and new in names
        with pytest.warns(DeprecationWarning, match=new):
            assert get(old).name == new
        assert old in get(new).replaces
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get("munos2024-theorem1")  # a current name does not warn


@pytest.mark.parametrize("old, new", [("munos2023.thm1", "munos2024.thm1"), ("cen2021.thm1_q", "cen2022.thm1_q")])
def test_renamed_bound_ids_resolve_with_a_warning(old, new):
    with pytest.warns(DeprecationWarning, match=new):
        assert bounds.get_bound(old) is bounds.get_bound(new)
    assert old not in {b.id for b in bounds.list_bounds()}
    with pytest.raises(KeyError):
        bounds.get_bound("cen2021.no_such_bound")


def test_cli_runs_an_old_name_under_the_new_one(tmp_path, capsys):
    assert cli.main(["reproduce", "--quick", "--out", str(tmp_path), "--only", "cen2021-fig1"]) == 0
    err = capsys.readouterr().err
    assert "cen2021-fig1" in err and "cen2022-fig1" in err and "renamed" in err
    assert (tmp_path / "cen2022-fig1" / "report.json").exists()
    assert not (tmp_path / "cen2021-fig1").exists()


# ----------------------------------------------------------------------------- declarations and places
import inspect  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pgtheory.algorithms as algs  # noqa: E402
from pgtheory.experiments import paper_map  # noqa: E402
from pgtheory.experiments._papers import KEY_RE, author_year  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PMAP = paper_map(ROOT)
EXPS = list_experiments()


@pytest.mark.parametrize("exp", EXPS, ids=[e.name for e in EXPS])
def test_every_check_name_starts_with_a_known_key(exp):
    assert exp.papers, f"{exp.name}: declare papers=(...) (the key of the paper whose claim it tests first)"
    key = exp.papers[0]
    assert KEY_RE.fullmatch(key) and exp.name.startswith(key + "-"), (exp.name, exp.papers)
    assert all(p in PMAP for p in exp.papers) and len(set(exp.papers)) == len(exp.papers)
    assert key in exp.tags, f"{exp.name}: tag it with its key"


@pytest.mark.parametrize("exp", EXPS, ids=[e.name for e in EXPS])
def test_every_declared_bound_and_algorithm_resolves(exp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a former id (munos2023.*) resolves only with a warning
        for bid in exp.bounds:
            assert bounds.get_bound(bid).id == bid
    missing = [a for a in exp.algorithms if a not in algs.__all__]
    assert not missing, f"{exp.name}: not public in pgtheory.algorithms: {missing}"
    assert len(set(exp.bounds)) == len(exp.bounds) and len(set(exp.algorithms)) == len(exp.algorithms)


def _module_sources():
    """``{module file: [experiments defined there]}`` of the registered checks."""
    out: dict = {}
    for e in EXPS:
        out.setdefault(sys.modules[e.run.__module__].__file__, []).append(e)
    return out


@pytest.mark.parametrize("path, exps", sorted(_module_sources().items()), ids=lambda v: Path(v).stem if isinstance(v, str) else "")
def test_declarations_cover_what_the_module_uses(path, exps):
    """Every registered bound id written in a check module and every public algorithm it calls is
    declared by one of its checks (the declarations are read from the code, not typed from memory)."""
    src = Path(path).read_text()
    ids = {b.id for b in bounds.list_bounds()}
    used_bounds = {m for m in re.findall(r"[\"'`]([a-z]+\d{4}[a-z]?\.\w+)[\"'`]", src) if m in ids}
    code = re.sub(r'""".*?"""', "", src, flags=re.S)  # docstrings may name algorithms they do not call
    used_algs = {n for n in algs.__all__ if callable(getattr(algs, n))
                 and re.search(rf"(?<![\w.]){n}\(|\bA\.{n}\b|\b(?:algorithms|algs)\.{n}\b", code)}
    declared_b = {b for e in exps for b in e.bounds}
    declared_a = {a for e in exps for a in e.algorithms}
    assert used_bounds <= declared_b, f"{Path(path).name}: bound ids used but not declared: {used_bounds - declared_b}"
    assert used_algs <= declared_a, f"{Path(path).name}: algorithms called but not declared: {used_algs - declared_a}"


@pytest.mark.parametrize("key", sorted(PMAP))
def test_every_key_has_its_bibtex_and_its_places_exist(key):
    p = PMAP[key]
    assert len(p.bibtex) == 1, f"{key}: one BibTeX key per paper, found {p.bibtex}"
    assert p.bibtex[0].startswith(author_year(key)) and p.title
    assert p.bibtex[0] in pgtheory_cite_keys(key, p), f"{key}: pgtheory.cite does not print {p.bibtex[0]}"
    for place, paths in p.places().items():
        for rel in paths:
            assert (ROOT / rel).is_file(), f"{key}: {place} {rel} does not exist"
    for rel in p.experiments:
        stem = Path(rel).stem
        assert stem == key or stem.startswith(key + "_"), f"{key}: experiments module {rel}"
    for rel in p.figures:
        assert Path(rel).stem.replace("_", "-") in p.checks
    if p.bounds_module:
        assert Path(p.bounds_module).stem == key and all(b.startswith(key + ".") for b in p.bound_ids)


def pgtheory_cite_keys(key, p):
    """The BibTeX keys ``pgtheory.cite`` prints for ``key`` (through a bound, an algorithm or the module's CITATION)."""
    import pgtheory

    if p.bound_ids:
        obj = p.bound_ids[0]
    elif p.algorithms:
        obj = getattr(algs, p.algorithms[0])
    else:
        mods = [sys.modules[e.run.__module__] for e in EXPS if key in e.papers]
        obj = [v for m in mods for n, v in vars(m).items() if n.startswith("CITATION") and getattr(v, "key", "") in p.bibtex]
    return re.findall(r"@\w+\{([^,]+),", pgtheory.cite(obj))


def test_list_map_prints_every_key(capsys):
    assert cli.main(["list", "--map"]) == 0
    out = capsys.readouterr().out
    for key, p in PMAP.items():
        assert f"\n{key}: " in out and p.bibtex[0] in out


def test_no_check_module_is_named_by_topic():
    """``experiments/<key>.py`` (or ``<key>_<topic>.py``, ``llm/<key>.py``) for every module defining checks."""
    keys = set(PMAP)
    for path in _module_sources():
        stem = Path(path).stem
        assert stem in keys or stem.split("_")[0] in keys, path


def test_algorithm_modules_cite_their_keys():
    """Each algorithm's module is listed under every key its ``__citation__`` cites (and nowhere else)."""
    for key, p in PMAP.items():
        for name in p.algorithms:
            f = inspect.getsourcefile(getattr(algs, name))
            assert any(Path(f).resolve() == (ROOT / m).resolve() for m in p.algorithm_modules), (key, name)


def test_every_figure_script_is_named_after_its_check():
    names = {e.name for e in EXPS}
    for f in sorted((ROOT / "figures").glob("[!_]*.py")):
        check = f.stem.replace("_", "-")
        assert check in names, f"figures/{f.name}: no registered check {check!r} (name it figures/<check>.py)"
        m = re.search(r"""\bmain\(\s*['"]([\w-]+)['"]""", f.read_text())
        assert m is None or m.group(1) == check, f"figures/{f.name} runs {m.group(1)!r}"


def test_every_proofs_check_module_is_a_key():
    for f in sorted((ROOT / "proofs_check").glob("[!_]*.py")):
        assert f.stem in PMAP, f"proofs_check/{f.name}: not a paper key (name it proofs_check/<key>.py)"
        steps = set(re.findall(r"""\bstep\(\s*["']([\w]+)["']""", f.read_text()))
        assert steps <= {f.stem}, f"proofs_check/{f.name} registers steps under {steps}"


def test_every_key_with_checks_has_its_tests():
    """One key per paper in every place: a key with registered checks has its own
    ``tests/**/test_<key>*.py`` (tests that span several papers may live elsewhere too)."""
    missing = [key for key, p in PMAP.items() if p.checks and not p.tests]
    assert not missing, f"add tests/<area>/test_<key>*.py for {missing}"


def test_every_llm_module_is_a_key_and_registers_its_checks():
    """Adding an LLM-RL paper is adding ``experiments/llm/<key>.py``: the package imports it and its
    ``register_check`` call lists the check in ``pgtheory list`` and in ``llm.ALL_CHECKS``."""
    import pkgutil

    import pgtheory.experiments.llm as llm

    names = {e.name for e in EXPS}
    for m in pkgutil.iter_modules(llm.__path__):
        if m.name.startswith("_"):
            continue
        mine = [n for n in llm.ALL_CHECKS if n.startswith(m.name + "-")]
        assert mine and set(mine) <= names and m.name in PMAP, m.name
        assert all(sys.modules[get(n).run.__module__].__name__ == f"{llm.__name__}.{m.name}" for n in mine)
