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
