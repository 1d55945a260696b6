"""Greedy (1 - 1/e) guarantee and the exact optimum by two independent methods."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import InfeasibleSizeError, ValidationError
from pgtheory.submodular import (
    CallableSetFunction,
    LogDetGain,
    count_subsets,
    exact_max,
    greedy,
    random_coverage,
    random_facility_location,
)
from pgtheory.testing import assert_close


def _instance(kind, seed, n):
    if kind == "coverage":
        return random_coverage(n, 15, rng=seed, density=0.25)
    if kind == "facility":
        return random_facility_location(n, 6, rng=seed)
    rng = np.random.default_rng(seed)
    return LogDetGain.rbf(rng.random((n, 2)) * 4, lengthscale=0.8, noise=0.5)


@settings(deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 11), k=st.integers(1, 5),
       kind=st.sampled_from(["coverage", "facility", "logdet"]))
def test_greedy_beats_one_minus_one_over_e_and_exact_methods_agree(seed, n, k, kind):
    f = _instance(kind, seed, n)
    g = greedy(f, k)
    e = exact_max(f, k, method="enumerate")
    b = exact_max(f, k, method="branch_and_bound")
    assert_close(b.value, e.value, rtol=1e-10, atol=1e-12)
    assert_close(f.value(e.selected), e.value, rtol=1e-12, atol=1e-12)
    assert len(e.selected) <= k and len(g.selected) == min(k, n)
    kk = min(k, n)
    assert g.value >= (1 - (1 - 1 / kk) ** kk) * e.value - 1e-9
    assert g.value >= (1 - 1 / math.e) * e.value - 1e-9
    assert g.value <= e.value + 1e-9
    assert_close(np.sum(g.gains), g.value, rtol=1e-10, atol=1e-12)   # F(empty) = 0


def test_greedy_tight_example_is_not_optimal():
    # A = {0, 1}, B = {2, 3}, C = {1, 2}; C is worth most alone, greedy takes it first
    cover = np.zeros((3, 4), bool)
    cover[0, [0, 1]] = True
    cover[1, [2, 3]] = True
    cover[2, [1, 2]] = True
    from pgtheory.submodular import WeightedCoverage
    f = WeightedCoverage(cover, np.array([1.0, 1.1, 1.1, 1.0]))
    assert exact_max(f, 2).value == pytest.approx(4.2)
    g = greedy(f, 2)
    assert g.selected[0] == 2 and g.value == pytest.approx(3.2)


def test_enumeration_too_large_raises_before_running():
    def boom(S):
        raise AssertionError("must not be evaluated")

    f = CallableSetFunction(boom, 60)
    assert count_subsets(60, 10) > 10**10
    with pytest.raises(InfeasibleSizeError, match="max_sets"):
        exact_max(f, 10)


def test_bad_arguments():
    f = random_coverage(5, 5, rng=0)
    with pytest.raises(ValidationError, match="k"):
        greedy(f, -1)
    with pytest.raises(ValidationError, match="method"):
        exact_max(f, 2, method="milp")
    with pytest.raises(ValidationError, match="f"):
        greedy(lambda S: 0.0, 2)
