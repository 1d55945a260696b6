"""pgtheory.testing.test_seed: the base seed by default, a derived reproducible seed when reseeded."""

import numpy as np
import pytest

from pgtheory.testing import SEED_ENV, test_seed


def test_returns_the_base_without_the_variable(monkeypatch):
    monkeypatch.delenv(SEED_ENV, raising=False)
    assert [test_seed(b) for b in (0, 7, 12345, 0x1234_5678_9ABC_DEF0)] == [0, 7, 12345, 0x1234_5678_9ABC_DEF0]
    monkeypatch.setenv(SEED_ENV, "")
    assert test_seed(7) == 7


def test_reseeded_values_are_reproducible_and_distinct(monkeypatch):
    monkeypatch.setenv(SEED_ENV, "1700000000")
    a = [test_seed(b) for b in range(50)]
    assert a == [test_seed(b) for b in range(50)]
    assert len(set(a)) == 50 and a != list(range(50))
    assert a[7] == int(np.random.SeedSequence([7, 1700000000]).generate_state(1)[0])
    monkeypatch.setenv(SEED_ENV, "1700000001")
    assert [test_seed(b) for b in range(50)] != a
    assert all(0 <= s < 2**32 for s in a)


def test_bad_values_name_the_fix(monkeypatch):
    monkeypatch.setenv(SEED_ENV, "abc")
    with pytest.raises(ValueError, match="PGTHEORY_TEST_SEED"):
        test_seed(1)
    monkeypatch.setenv(SEED_ENV, "-4")
    with pytest.raises(ValueError, match="non-negative"):
        test_seed(1)
    monkeypatch.delenv(SEED_ENV)
    with pytest.raises(ValueError, match="non-negative"):
        test_seed(-1)


def test_it_is_not_collected_as_a_test():
    assert test_seed.__test__ is False
