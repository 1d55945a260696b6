"""Set functions: exact monotonicity/submodularity on random instances, vectorised evaluation,
marginal gains, and input validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import InfeasibleSizeError, ShapeError, ValidationError
from pgtheory.submodular import (
    CallableSetFunction,
    FacilityLocation,
    LogDetGain,
    WeightedCoverage,
    check_submodular,
    grid_disc_coverage,
    masks_from_bits,
    random_coverage,
    random_facility_location,
)
from pgtheory.testing import assert_close


def _logdet(seed, n):
    rng = np.random.default_rng(seed)
    return LogDetGain.rbf(rng.random((n, 2)) * 3, lengthscale=float(rng.uniform(0.3, 2)),
                          noise=float(rng.uniform(0.2, 2)))


MAKERS = {
    "coverage": lambda seed, n: random_coverage(n, 12, rng=seed, density=0.35),
    "facility": lambda seed, n: random_facility_location(n, 7, rng=seed),
    "logdet": _logdet,
}


@settings(deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 9), kind=st.sampled_from(sorted(MAKERS)))
def test_random_instances_are_monotone_submodular_exactly(seed, n, kind):
    f = MAKERS[kind](seed, n)
    rep = check_submodular(f, exhaustive=True, tol=1e-9)
    assert rep.exhaustive and rep.monotone and rep.submodular, rep.summary()
    assert rep.worst_submodular_slack >= -1e-9 * (1 + abs(f.value(range(n))))
    assert_close(rep.empty_value, 0.0, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_vectorised_values_match_definition(kind):
    n = 6
    f = MAKERS[kind](3, n)
    masks = masks_from_bits(np.arange(2 ** n), n)
    vals = f.values(masks)
    for b in (0, 5, 17, 63):
        S = [i for i in range(n) if (b >> i) & 1]
        if kind == "coverage":
            covered = f.cover[S].any(axis=0) if S else np.zeros(f.cover.shape[1], bool)
            ref = float(f.weights[covered].sum())
        elif kind == "facility":
            ref = float(f.similarity[S].max(axis=0).sum()) if S else 0.0
        else:
            K = f.kernel[np.ix_(S, S)]
            ref = float(np.linalg.slogdet(np.eye(len(S)) + K / f.noise ** 2)[1]) if S else 0.0
        assert_close(vals[b], ref, rtol=1e-10, atol=1e-12)
        assert_close(f.value(frozenset(S)), ref, rtol=1e-10, atol=1e-12)
        assert_close(f.value(masks[b]), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_marginal_gains_match_differences(kind):
    f = MAKERS[kind](11, 7)
    S = frozenset({1, 4})
    g = f.marginal_gains(S)
    ref = np.array([f.value(S | {i}) - f.value(S) for i in range(7)])
    assert_close(g, ref, rtol=1e-10, atol=1e-12)
    assert_close(g[[1, 4]], np.zeros(2), atol=1e-12)


def test_grid_disc_coverage_neighbourhoods():
    f = grid_disc_coverage((3, 4), radius=1)
    assert f.n == 12
    assert f.value({0}) == 4.0          # corner covers itself + 3 neighbours
    assert f.value({5}) == 9.0          # interior cell covers its 3x3 block
    assert f.value(range(12)) == 12.0
    f0 = grid_disc_coverage((3, 4), radius=0)
    assert f0.value({0, 5}) == 2.0


def test_bad_inputs_raise_named_errors():
    with pytest.raises(ValidationError, match="weights"):
        WeightedCoverage(np.ones((2, 3), bool), np.array([1.0, -1.0, 0.0]))
    with pytest.raises(ShapeError, match="weights"):
        WeightedCoverage(np.ones((2, 3), bool), np.ones(2))
    with pytest.raises(ValidationError, match="similarity"):
        FacilityLocation(-np.ones((2, 2)))
    with pytest.raises(ValidationError, match="semi-definite"):
        LogDetGain(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValidationError, match="noise"):
        LogDetGain(np.eye(2), noise=0.0)
    f = random_coverage(4, 5, rng=0)
    with pytest.raises(ValidationError, match="S"):
        f.value({7})
    with pytest.raises(ShapeError, match="S"):
        f.value(np.ones(3, bool))
    with pytest.raises(ValidationError, match="masks"):
        f.values(np.ones((2, 4), dtype=int))
    with pytest.raises(ShapeError, match="masks"):
        f.values(np.ones((2, 5), dtype=bool))
    with pytest.raises(ValidationError, match="radius"):
        grid_disc_coverage((2, 2), radius=-1)
    with pytest.raises(ValidationError, match="func"):
        CallableSetFunction(3, 2)


def test_checker_detects_planted_non_submodular_function():
    # coverage plus a planted complementarity: elements 2 and 5 together earn a bonus
    base = random_coverage(7, 10, rng=4)
    f = CallableSetFunction(lambda S: base.value(S) + (3.0 if {2, 5} <= S else 0.0), 7)
    rep = check_submodular(f)
    assert rep.monotone and not rep.submodular
    ce = rep.submodular_counterexample
    S, i, j = set(ce["S"]), ce["i"], ce["j"]
    assert {i, j} == {2, 5}
    # the certificate is a genuine violation
    lhs = f.value(S | {i}) - f.value(S)
    rhs = f.value(S | {i, j}) - f.value(S | {j})
    assert lhs < rhs - 1.0
    # the sampled mode finds it too (uniform random S, i, j; probability of a hit is 1/21 per draw)
    rep_s = check_submodular(f, exhaustive=False, n_samples=2000, rng=0)
    assert not rep_s.exhaustive and not rep_s.submodular


def test_checker_detects_non_monotone_function():
    f = CallableSetFunction(lambda S: len(S) - (2.0 if 3 in S else 0.0), 5)
    rep = check_submodular(f)
    assert not rep.monotone and rep.submodular
    ce = rep.monotone_counterexample
    assert ce["i"] == 3 and ce["F(S+i)"] < ce["F(S)"]


def test_checker_accepts_plain_callable_and_rejects_huge_exhaustive():
    rep = check_submodular(lambda S: min(len(S), 2), n=5)
    assert rep.ok and rep.exhaustive
    with pytest.raises(ValidationError, match="n"):
        check_submodular(lambda S: 0.0)

    def boom(S):
        raise AssertionError("must not be evaluated")

    with pytest.raises(InfeasibleSizeError, match="exhaustive"):
        check_submodular(CallableSetFunction(boom, 30), exhaustive=True)
