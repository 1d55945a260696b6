"""Bad command-line options fail before any work, with exit status 2 and a message naming the
option and the fix (issue 11: no silent wrong results)."""

import pytest

from pgtheory import cli
from pgtheory.experiments import _runner


@pytest.fixture(autouse=True)
def no_work(monkeypatch):
    """Any experiment run during these tests is a failure: validation must come first."""

    def boom(*a, **k):
        raise AssertionError("work started before the options were validated")

    monkeypatch.setattr(_runner, "run_one", boom)
    monkeypatch.setattr(_runner, "run_all", boom)


def _usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("cmd", [["check", "cen2022-fig1"], ["reproduce"]])
@pytest.mark.parametrize("value", ["0", "-2", "x"])
def test_seeds_must_be_a_positive_integer(cmd, value, capsys):
    err = _usage_error([*cmd, "--seeds", value], capsys)
    assert "--seeds" in err and ("N >= 1" in err or "not an integer" in err)


@pytest.mark.parametrize("cmd", [["check", "cen2022-fig1"], ["reproduce"]])
@pytest.mark.parametrize("value", ["-1", "1.5"])
def test_seed_must_be_non_negative(cmd, value, capsys):
    err = _usage_error([*cmd, "--seed", value], capsys)
    assert "--seed" in err and (">= 0" in err or "not an integer" in err)


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_workers_must_be_a_positive_integer(value, capsys):
    err = _usage_error(["reproduce", "--workers", value], capsys)
    assert "--workers" in err and ("N >= 1" in err or "not an integer" in err)


@pytest.mark.parametrize("cmd", [["check", "cen2022-fig1"], ["reproduce"]])
def test_out_must_not_be_an_existing_file(cmd, tmp_path, capsys):
    f = tmp_path / "a_file"
    f.write_text("x")
    err = _usage_error([*cmd, "--out", str(f)], capsys)
    assert "--out" in err and "is an existing file" in err and "give a directory" in err
    err = _usage_error([*cmd, "--out", str(f / "sub")], capsys)
    assert "--out" in err and "which is a file" in err


def test_out_may_be_a_new_or_existing_directory():
    p = cli.build_parser()
    assert p.parse_args(["reproduce", "--out", "/tmp"]).out.as_posix() == "/tmp"
    assert p.parse_args(["reproduce", "--out", "/tmp/pgtheory-not-there/x"]).out.name == "x"


def test_unknown_only_names_fail_before_any_run(capsys):
    assert cli.main(["reproduce", "--only", "cen2022-fig1", "no-such-check"]) == 2
    err = capsys.readouterr().err
    assert "--only" in err and "'no-such-check'" in err and "pgtheory list" in err


def test_unknown_check_name(capsys):
    assert cli.main(["check", "no-such-check"]) == 2
    err = capsys.readouterr().err
    assert "NAME" in err and "'no-such-check'" in err and "cen2022-fig1" in err


def test_valid_values_parse():
    a = cli.build_parser().parse_args(["reproduce", "--workers", "2", "--seeds", "3", "--seed", "0"])
    assert (a.workers, a.seeds, a.seed) == (2, 3, 0)
